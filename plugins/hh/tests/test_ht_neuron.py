"""Parity of ht_neuron with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps) with input on all four receptors and on the current port, voltage clamp,
NEST's parameter checks and receptors."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario, run_both

MODEL = "ht_neuron"
RECORD = ["V_m", "theta", "g_AMPA", "g_NMDA", "g_GABA_A", "g_GABA_B", "I_NaP", "I_KNa", "I_T", "I_h"]


def _random_neuron(rng):
    return {
        "tau_m": rng.uniform(8, 24),
        "theta_eq": rng.uniform(-55, -48),
        "tau_theta": rng.uniform(1, 4),
        "tau_spike": rng.uniform(1, 3),
        "t_ref": round(rng.uniform(0.05, 4.0), 2) * rng.choice([0, 1, 1, 1]),
        "g_peak_AMPA": rng.uniform(0.05, 0.2),
        "tau_rise_AMPA": rng.uniform(0.3, 1.0),
        "g_peak_NMDA": rng.uniform(0.03, 0.15),
        "tau_decay_NMDA": rng.uniform(20, 60),
        "g_peak_GABA_A": rng.uniform(0.1, 0.5),
        "g_peak_GABA_B": rng.uniform(0.005, 0.03),
        "instant_unblock_NMDA": bool(rng.integers(2)),
        "g_peak_NaP": rng.uniform(0.5, 1.5),
        "N_NaP": rng.choice([2.0, 3.0, 3.5]),
        "g_peak_KNa": rng.uniform(0.5, 1.5),
        "g_peak_T": rng.uniform(0.5, 1.5),
        "N_T": rng.choice([1.0, 2.0, 2.5]),
        "g_peak_h": rng.uniform(0.5, 1.5),
        "V_m": rng.uniform(-75, -60),
        "theta": rng.uniform(-55, -45),
    }


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 150.0), (0.01, 3, 30.0)])
def test_random_neurons_and_inputs(parity, hh, dt, seed, T):
    rng = np.random.default_rng(seed)
    params = [_random_neuron(rng) for _ in range(6)]
    params[-1].update(voltage_clamp=True, V_m=rng.uniform(-60, -40))  # one clamped neuron
    sc = neuron_scenario(MODEL, dt, params, 6, RECORD)
    ports = [(r, rng.uniform(0.5, 3.0)) for r in (1, 2, 3, 4)]
    hh.drive(sc, rng, dt, T, ports, current=(-10.0, 60.0))
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 3
    # every recordable moves (I_KNa only slightly in short runs: D_IKNa grows over seconds of firing)
    assert all(np.ptp(ours["mm"][k]) > 1e-9 for k in RECORD), {k: np.ptp(ours["mm"][k]) for k in RECORD}


def test_parameter_checks_and_receptors_as_nest(nest, hh):
    bads = [{"g_peak_AMPA": -0.1}, {"t_ref": -0.1}, {"tau_m": 0.0}, {"tau_rise_NMDA": 50.0}, {"g_KL": -1.0}]
    bads += [{"tau_Mg_fast_NMDA": 30.0}]
    ports = (("spike_generator", 0), ("spike_generator", 5), ("dc_generator", 1))
    hh.refused_as_nest(nest, MODEL, bads, ports)


def test_clamp_value_after_a_spike_at_a_call_boundary_divergence():
    """NEST takes the clamp value from V_m at the start of each Simulate; a call that starts right
    after a spike (V_m = E_Na) clamps at E_Na from then on. nestjax keeps the clamp value of the
    neuron before the spike (docs/divergences.md); the random test above covers other splits."""
    sc = neuron_scenario(MODEL, 0.1, [{"voltage_clamp": True, "V_m": -45.0}], 1, ["V_m", "theta"])
    sc.simulate = [5.4, 4.6]  # the second spike is at 5.4 ms
    ours, theirs = run_both(sc)
    np.testing.assert_array_equal(ours["sr"]["times"], [0.1, 5.4])
    np.testing.assert_array_equal(theirs["sr"]["times"], [0.1, 5.4, 7.5, 9.6])
    assert np.all(ours["mm"]["V_m"][54:, 0] == -45.0) and np.all(theirs["mm"]["V_m"][54:, 0] == 30.0)
