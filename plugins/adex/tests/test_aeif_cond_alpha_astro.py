"""Parity of aeif_cond_alpha_astro with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps) where NEST's own result is determined at that level (``adex.compare``),
NEST's parameter checks and receptors. Without astrocytes (not in nestjax) I_SIC is 0, as in NEST."""

import numpy as np
import pytest

MODEL = "aeif_cond_alpha_astro"
RECORD = ["V_m", "g_ex", "g_in", "w", "I_SIC"]
SPIKES = [(0, 1.0, 30.0), (0, -30.0, -1.0)]  # (receptor, weights from, to): excitatory, inhibitory


def _synapses(rng):
    return dict(
        E_ex=rng.uniform(-10, 10),
        E_in=rng.uniform(-90, -70),
        tau_syn_ex=rng.uniform(0.1, 3),
        tau_syn_in=rng.uniform(0.5, 10),
        g_ex=rng.uniform(0, 5),
        dg_ex=rng.uniform(0, 5),
        g_in=rng.uniform(0, 5),
        dg_in=rng.uniform(0, 5),
    )


def test_firing_patterns(parity, adex):
    """Naud et al.'s (2008) parameter sets (tonic, adapting, bursting, irregular, ...) under their
    step current, 500 ms."""
    sc = adex.patterns_scenario(MODEL, RECORD)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, "firing patterns of Naud et al. 2008, dt=0.1")
    assert len(np.unique(ours["sr"]["senders"])) == len(sc.nodes[0][3])


@pytest.mark.parametrize("dt,seed,T", [(0.1, 1, 300.0), (0.01, 2, 60.0)])
def test_random_neurons_and_inputs(parity, adex, dt, seed, T):
    """Random parameters, state and tolerances (one neuron with Delta_T = 0), currents and spikes of
    both signs with multiplicities and spike weights, three simulate calls."""
    sc = adex.random_scenario(MODEL, RECORD, dt, seed, T, _synapses, SPIKES)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, f"random parameters and input, split calls, dt={dt}")
    assert len(np.unique(ours["sr"]["senders"])) > 5
    assert np.ptp(ours["mm"]["g_in"]) > 10 and np.ptp(ours["mm"]["w"]) > 50
    assert not np.any(ours["mm"]["I_SIC"])


def test_several_spikes_in_one_step(parity, adex):
    adex.several_spikes_in_one_step(parity, MODEL, RECORD)


BAD = [
    {"V_reset": 0.0},
    {"V_peak": -55.0},
    {"Delta_T": -1.0},
    {"Delta_T": 0.05},  # exp((V_peak - V_th) / Delta_T) would overflow
    {"C_m": 0.0},
    {"t_ref": -0.1},
    {"tau_syn_ex": 0.0},
    {"tau_syn_in": -1.0},
    {"tau_w": 0.0},
    {"gsl_error_tol": 0.0},
]


def test_parameter_checks_and_receptors_as_nest(nest, adex):
    adex.parameter_checks(nest, MODEL, BAD, ok=[{"Delta_T": 0.0, "V_peak": -50.4}, {"Delta_T": 0.5}])
    adex.receptors(nest, MODEL, refused=[1, 2])
