"""Parity of aeif_cond_alpha with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps) where NEST's own result is determined at that level (``adex.compare``),
NEST's parameter checks and receptors."""

import numpy as np
import pytest

MODEL = "aeif_cond_alpha"
RECORD = ["V_m", "g_ex", "g_in", "w"]
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


def test_several_spikes_in_one_step(parity, adex):
    adex.several_spikes_in_one_step(parity, MODEL, RECORD)


def test_numerical_instability(nest):
    """Where NEST throws NumericalInstability (V_m below -1e3 mV after an evolve_apply, here under a
    huge negative current), that neuron's state becomes NaN in nestjax and the others go on
    (docs/divergences.md)."""
    import nestjax as nj

    nest.Create(MODEL, 1, {"I_e": -1e7})
    with pytest.raises(nest.NESTError, match="instability"):
        nest.Simulate(2.0)
    sim = nj.Simulator(dt=0.1)
    ours = sim.create(MODEL, 2, params={"I_e": [-1e7, 700.0]})
    mm = sim.create("multimeter", params={"record_from": ["V_m", "w"], "interval": 0.1})
    sim.connect(mm, ours)
    v = np.asarray(sim.simulate(5.0).trace(mm, "V_m").mantissa)
    assert np.all(np.isnan(v[:, 0])) and np.all(np.isfinite(v[:, 1]))


def test_negative_conductance_state_divergence(nest):
    """NEST's ``State_::set`` refuses negative conductances; nestjax's checks see parameters only,
    so it accepts them (docs/divergences.md)."""
    import nestjax as nj

    with pytest.raises(nest.NESTError, match="negative"):
        nest.Create(MODEL, 1, {"g_ex": -1.0})
    n = nj.Simulator(dt=0.1).create(MODEL, 1, {"g_ex": -1.0})
    assert np.asarray(n.get("g_ex").mantissa).item() == -1.0


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
