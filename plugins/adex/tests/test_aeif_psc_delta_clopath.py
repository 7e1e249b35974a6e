"""Parity of aeif_psc_delta_clopath with live NEST: category B (every recordable, the Clopath traces
u_bar_plus, u_bar_minus, u_bar_bar, the adaptive threshold V_th and z included, within 1e-6 in NEST's
units, identical spike steps) where NEST's own result is determined at that level
(``adex.compare``), NEST's parameter checks and receptors."""

import numpy as np
import pytest

MODEL = "aeif_psc_delta_clopath"
RECORD = ["V_m", "w", "z", "V_th", "u_bar_plus", "u_bar_minus", "u_bar_bar"]
SPIKES = [(0, 0.2, 6.0), (0, -6.0, -0.2)]  # (receptor, weights from, to): jumps of V_m in mV


def _clopath(rng):
    """Threshold adaptation, afterpotential, traces and the clamp after each spike (V_clamp near
    V_peak; without a clamp time the neuron may spike again at once from V_clamp, without end)."""
    p = dict(
        V_th_max=rng.uniform(-45, 35),
        tau_V_th=rng.uniform(5, 100),
        I_sp=rng.uniform(0, 600),
        tau_z=rng.uniform(5, 80),
        tau_u_bar_plus=rng.uniform(2, 20),
        tau_u_bar_minus=rng.uniform(2, 20),
        tau_u_bar_bar=rng.uniform(50, 800),
        u_bar_plus=rng.uniform(-75, -40),
        u_bar_minus=rng.uniform(-75, -40),
        u_bar_bar=rng.uniform(-75, -40),
        t_clamp=round(rng.uniform(0.1, 3.0), 2),
        V_clamp_offset=rng.uniform(-10, 10),
    )
    return p


def _random_scenario(adex, dt, seed, T):
    sc = adex.random_scenario(MODEL, RECORD, dt, seed, T, _clopath, SPIKES, threshold="V_th_rest")
    for p in sc.nodes[0][3]:
        p["V_clamp"] = p["V_peak"] + p.pop("V_clamp_offset")
        p["V_th_max"] = max(p["V_th_max"], p["V_th_rest"])
    return sc


def test_firing_patterns(parity, adex):
    """Naud et al.'s (2008) parameter sets (V_th as V_th_rest) under their step current, 500 ms."""
    sc = adex.patterns_scenario(MODEL, RECORD, threshold="V_th_rest")
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, "firing patterns of Naud et al. 2008, dt=0.1")
    assert len(np.unique(ours["sr"]["senders"])) == len(sc.nodes[0][3])


@pytest.mark.parametrize("dt,seed,T", [(0.1, 1, 300.0), (0.01, 2, 60.0)])
def test_random_neurons_and_inputs(parity, adex, dt, seed, T):
    """Random parameters, state, tolerances, clamps (one neuron with Delta_T = 0, whose threshold
    is the state V_th), V_m jumps of both signs with multiplicities and spike weights, currents, three
    simulate calls."""
    sc = _random_scenario(adex, dt, seed, T)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, f"random parameters and input, split calls, dt={dt}")
    assert len(np.unique(ours["sr"]["senders"])) > 5
    assert np.ptp(ours["mm"]["z"]) > 50 and np.ptp(ours["mm"]["V_th"]) > 10


BAD = [
    {"V_reset": 40.0},
    {"V_peak": -55.0},
    {"Delta_T": -1.0},
    {"Delta_T": 0.05},  # exp((V_peak - V_th_rest) / Delta_T) would overflow
    {"V_th_max": -60.0},
    {"C_m": 0.0},
    {"t_ref": -0.1},
    {"t_clamp": -0.1},
    {"tau_w": 0.0},
    {"tau_z": 0.0},
    {"tau_V_th": -1.0},
    {"tau_u_bar_plus": 0.0},
    {"tau_u_bar_minus": 0.0},
    {"tau_u_bar_bar": 0.0},
    {"gsl_error_tol": 0.0},
    {"u_ref_squared": 0.0},
]


def test_parameter_checks_and_receptors_as_nest(nest, adex):
    adex.parameter_checks(nest, MODEL, BAD, ok=[{"Delta_T": 0.0}, {"t_clamp": 0.0, "V_clamp": 20.0}])
    adex.receptors(nest, MODEL, refused=[1, 2])
