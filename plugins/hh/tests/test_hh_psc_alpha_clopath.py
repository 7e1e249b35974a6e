"""Parity of hh_psc_alpha_clopath with live NEST: category B (every recordable, the Clopath traces
included, within 1e-6 in NEST's units, identical spike steps), NEST's parameter checks."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import neuron_scenario

MODEL = "hh_psc_alpha_clopath"
RECORD = [
    "V_m",
    "I_syn_ex",
    "I_syn_in",
    "Act_m",
    "Inact_h",
    "Act_n",
    "u_bar_plus",
    "u_bar_minus",
    "u_bar_bar",
]


def _random_neuron(rng):
    return {
        "C_m": rng.uniform(80, 150),
        "E_L": rng.uniform(-60, -50),
        "g_L": rng.uniform(20, 40),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "tau_syn_ex": rng.uniform(0.1, 2),
        "tau_syn_in": rng.uniform(0.5, 5),
        "tau_u_bar_plus": rng.uniform(5, 150),
        "tau_u_bar_minus": rng.uniform(2, 20),
        "tau_u_bar_bar": rng.uniform(20, 600),
        "I_e": rng.uniform(0, 1000) * rng.choice([0, 1, 1]),
        "V_m": rng.uniform(-70, -60),
        "u_bar_plus": rng.uniform(-70, -60),
        "u_bar_minus": rng.uniform(-70, -60),
        "u_bar_bar": rng.uniform(-70, -60),
        "theta_plus": rng.uniform(-50, -40),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 4, 120.0), (0.01, 5, 30.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    hh.drive(sc, rng, dt, T, [(0, rng.uniform(50, 200)), (0, rng.uniform(-60, -10))], current=(-200, 1500))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 5
    assert np.ptp(ours["mm"]["u_bar_bar"]) > 0.1


def test_parameter_checks_as_nest(nest):
    for bad in [{"C_m": 0.0}, {"tau_u_bar_bar": 0.0}, {"tau_u_bar_minus": -1.0}, {"u_ref_squared": 0.0}]:
        with pytest.raises(nest.NESTError):
            nest.Create(MODEL, 1, bad)
        with pytest.raises(BadProperty):
            nj.Simulator(dt=0.1).create(MODEL, 1, bad)
