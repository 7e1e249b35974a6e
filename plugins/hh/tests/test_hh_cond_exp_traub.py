"""Parity of hh_cond_exp_traub with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps), NEST's parameter checks and receptors."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario

MODEL = "hh_cond_exp_traub"
RECORD = ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"]


def _random_neuron(rng):
    return {
        "C_m": rng.uniform(150, 250),
        "E_L": rng.uniform(-65, -55),
        "g_L": rng.uniform(5, 20),
        "V_T": rng.uniform(-65, -55),
        "E_ex": rng.uniform(-10, 10),
        "E_in": rng.uniform(-90, -70),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "tau_syn_ex": rng.uniform(1, 8),
        "tau_syn_in": rng.uniform(2, 15),
        "I_e": rng.uniform(0, 600) * rng.choice([0, 1, 1]),
        "V_m": rng.uniform(-70, -55),
        "Act_n": rng.uniform(0, 0.1),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 150.0), (0.01, 3, 40.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    hh.drive(sc, rng, dt, T, [(0, rng.uniform(5, 30)), (0, rng.uniform(-30, -5))], current=(-200, 800))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["g_in"]) > 10


def test_parameter_checks_and_receptors_as_nest(nest, hh):
    bads = [{"C_m": 0.0}, {"t_ref": -0.1}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0}]
    hh.refused_as_nest(nest, MODEL, bads)
