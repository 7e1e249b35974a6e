"""Parity of hh_cond_beta_gap_traub (without gap junctions) with live NEST: category B (every
recordable within 1e-6 in NEST's units, identical spike steps), NEST's parameter checks and
receptors."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario

MODEL = "hh_cond_beta_gap_traub"
RECORD = ["V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"]


def _random_neuron(rng):
    rise_ex, rise_in = rng.uniform(0.1, 2, 2)
    return {
        "C_m": rng.uniform(150, 250),
        "E_L": rng.uniform(-65, -55),
        "g_L": rng.uniform(5, 20),
        "V_T": rng.uniform(-55, -45),
        "E_ex": rng.uniform(-10, 10),
        "E_in": rng.uniform(-90, -70),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "tau_rise_ex": rise_ex,
        "tau_decay_ex": rise_ex * rng.choice([1.0, rng.uniform(1.5, 10)]),  # equal: NEST's alpha form
        "tau_rise_in": rise_in,
        "tau_decay_in": rise_in * rng.uniform(1.5, 20),
        "I_e": rng.uniform(0, 800) * rng.choice([0, 1, 1]),
        "V_m": rng.uniform(-70, -55),
        "Act_n": rng.uniform(0, 0.1),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 150.0), (0.01, 3, 40.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    hh.drive(sc, rng, dt, T, [(0, rng.uniform(5, 30)), (0, rng.uniform(-30, -5))], current=(-200, 1000))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["g_in"]) > 10


def test_parameter_checks_and_receptors_as_nest(nest, hh):
    bads = [{"C_m": 0.0}, {"t_ref": -0.1}, {"tau_rise_ex": 0.0}, {"tau_decay_in": -1.0}, {"g_L": -1.0}]
    hh.refused_as_nest(nest, MODEL, bads)
