"""Parity of hh_psc_alpha_gap without gap junctions (with them: test_gap_junction.py) with live NEST:
category B (every recordable within 1e-6 in NEST's units, identical spike steps), NEST's parameter
checks and receptors."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario

MODEL = "hh_psc_alpha_gap"
RECORD = ["V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n", "Inact_p"]


def _random_neuron(rng):
    return {
        "C_m": rng.uniform(30, 60),
        "E_L": rng.uniform(-75, -65),
        "g_L": rng.uniform(5, 15),
        "g_Kv1": rng.uniform(5, 15),
        "g_Kv3": rng.uniform(7000, 11000),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "tau_syn_ex": rng.uniform(0.1, 2),
        "tau_syn_in": rng.uniform(0.5, 5),
        "I_e": rng.uniform(0, 600) * rng.choice([0, 1, 1]),
        "V_m": rng.uniform(-72, -62),
        "Inact_p": rng.uniform(0, 0.01),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 100.0), (0.01, 3, 30.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    hh.drive(sc, rng, dt, T, [(0, rng.uniform(50, 200)), (0, rng.uniform(-60, -10))], current=(-100, 800))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["I_syn_in"]) > 10


def test_parameter_checks_and_receptors_as_nest(nest, hh):
    bads = [{"C_m": 0.0}, {"t_ref": -0.1}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0}, {"g_Kv3": -1.0}]
    hh.refused_as_nest(nest, MODEL, bads)
