"""Parity of aeif_psc_delta with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps) where NEST's own result is determined at that level (``adex.compare``),
NEST's parameter checks and receptors."""

import numpy as np
import pytest

MODEL = "aeif_psc_delta"
RECORD = ["V_m", "w"]
SPIKES = [(0, 0.2, 6.0), (0, -6.0, -0.2)]  # (receptor, weights from, to): jumps of V_m in mV


def _synapses(rng):
    return {"refractory_input": bool(rng.integers(2))}


def _random_scenario(adex, dt, seed, T):
    """refractory_input only without refractoriness (see test_refractory_input_divergence)."""
    sc = adex.random_scenario(MODEL, RECORD, dt, seed, T, _synapses, SPIKES)
    for p in sc.nodes[0][3]:
        p["refractory_input"] &= p["t_ref"] == 0.0
    return sc


def test_firing_patterns(parity, adex):
    """Naud et al.'s (2008) parameter sets (tonic, adapting, bursting, irregular, ...) under their
    step current, 500 ms."""
    sc = adex.patterns_scenario(MODEL, RECORD)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, "firing patterns of Naud et al. 2008, dt=0.1")
    assert len(np.unique(ours["sr"]["senders"])) == len(sc.nodes[0][3])


@pytest.mark.parametrize("dt,seed,T", [(0.1, 1, 300.0), (0.01, 2, 60.0)])
def test_random_neurons_and_inputs(parity, adex, dt, seed, T):
    """Random parameters, state, tolerances and refractory_input (one neuron with Delta_T = 0), V_m
    jumps of both signs with multiplicities and spike weights (also while refractory), currents,
    three simulate calls."""
    sc = _random_scenario(adex, dt, seed, T)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, f"random parameters and input, split calls, dt={dt}")
    assert len(np.unique(ours["sr"]["senders"])) > 5
    assert np.ptp(ours["mm"]["w"]) > 50


def test_several_spikes_in_one_step(parity, adex):
    adex.several_spikes_in_one_step(parity, MODEL, RECORD)


def test_refractory_input_divergence(nest, adex):
    """NEST 3.10 discounts input that arrives while refractory by ``exp(-r_ * h / tau_m)`` with an
    unsigned ``r_``, so the factor is exp(+4e9 h / tau_m) = inf and V_m becomes NaN (0 * inf) once
    the neuron has been refractory; nestjax discounts by exp(-r h / tau_m) as NEST documents it
    (docs/divergences.md)."""
    from nestjax.testing.scenario import run_nest, run_nestjax

    params = {"t_ref": 2.0, "I_e": 700.0, "refractory_input": True}
    sc = adex.random_scenario(MODEL, RECORD, 0.1, 4, 30.0, _synapses, [])
    sc.nodes[0] = ("n", MODEL, 2, [params, {**params, "refractory_input": False}])
    sc.node("sg", "spike_generator", 1, {"spike_times": [round(0.1 * k, 1) for k in range(10, 300)]})
    sc.connect("sg", "n", syn_spec={"weight": 0.5, "delay": 0.1})
    theirs, ours = run_nest(sc), run_nestjax(sc)
    assert np.all(np.isnan(theirs["mm"]["V_m"][-10:, 0])) and not np.any(np.isnan(theirs["mm"]["V_m"][:, 1]))
    assert np.all(np.isfinite(ours["mm"]["V_m"]))
    np.testing.assert_allclose(ours["mm"]["V_m"][:, 1], theirs["mm"]["V_m"][:, 1], atol=1e-6)
    # input kept during refractoriness: more spikes than without it
    first = [np.sum(ours["sr"]["senders"] == g) for g in ours["mm"]["senders"]]
    assert first[0] > first[1] > 0


BAD = [
    {"V_reset": 0.0},
    {"V_peak": -55.0},
    {"Delta_T": -1.0},
    {"Delta_T": 0.05},  # exp((V_peak - V_th) / Delta_T) would overflow
    {"C_m": 0.0},
    {"t_ref": -0.1},
    {"tau_w": 0.0},
    {"gsl_error_tol": 0.0},
]


def test_parameter_checks_and_receptors_as_nest(nest, adex):
    adex.parameter_checks(
        nest, MODEL, BAD, ok=[{"Delta_T": 0.0, "V_peak": -50.4}, {"refractory_input": True}]
    )
    adex.receptors(nest, MODEL, refused=[1, 2])
