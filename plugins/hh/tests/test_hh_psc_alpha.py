"""Parity of hh_psc_alpha with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps), NEST's parameter checks and receptors."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario, run_both

MODEL = "hh_psc_alpha"
RECORD = ["V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n"]


def _random_neuron(rng):
    return {
        "C_m": rng.uniform(80, 150),
        "E_L": rng.uniform(-60, -50),
        "g_L": rng.uniform(20, 40),
        "g_Na": rng.uniform(10000, 14000),
        "g_K": rng.uniform(3000, 4000),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "tau_syn_ex": rng.uniform(0.1, 2),
        "tau_syn_in": rng.uniform(0.5, 5),
        "I_e": rng.uniform(0, 1000) * rng.choice([0, 1, 1]),
        "V_m": rng.uniform(-70, -60),
        "Act_m": rng.uniform(0, 0.1),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 150.0), (0.01, 3, 40.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    hh.drive(sc, rng, dt, T, [(0, rng.uniform(50, 200)), (0, rng.uniform(-60, -10))], current=(-200, 1500))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["I_syn_in"]) > 10


def test_parameter_checks_and_receptors_as_nest(nest, hh):
    bads = [{"C_m": 0.0}, {"t_ref": -0.1}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0}, {"g_K": -1.0}]
    hh.refused_as_nest(nest, MODEL, bads)


def test_strong_hyperpolarisation_divergence():
    """Below about -110 mV the m gate relaxes faster than NEST's RKF45 (eps_abs 1e-3) is stable at
    the step sizes the control allows: rounding differences (XLA's exp, pow, FMA against the C
    library's) grow until the control reacts, so Act_m differs at the level of the tolerance and
    V_m by a few 1e-3 mV (docs/divergences.md). Measured here; spikes stay identical."""
    sc = neuron_scenario(
        MODEL, 0.1, [{"I_e": i} for i in (-1000.0, -2000.0, -4000.0, -6000.0)], 4, ["V_m", "Act_m"]
    )
    sc.node("dc", "dc_generator", 1, {"amplitude": 6000.0, "start": 30.0})
    sc.connect("dc", "n")
    sc.simulate = [60.0]
    ours, theirs = run_both(sc)
    v_err = np.abs(ours["mm"]["V_m"] - theirs["mm"]["V_m"]).max(axis=0)
    m_err = np.abs(ours["mm"]["Act_m"] - theirs["mm"]["Act_m"]).max(axis=0)
    assert v_err[0] < 1e-6  # V_m stays above -90 mV: category B
    assert np.all(v_err < 1e-2) and np.all(m_err < 2e-3), (v_err, m_err)
    np.testing.assert_array_equal(ours["sr"]["times"], theirs["sr"]["times"])
    np.testing.assert_array_equal(ours["sr"]["senders"], theirs["sr"]["senders"])
