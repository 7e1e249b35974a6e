"""Shared ingredients of the aeif parity tests: parameter sets with known firing patterns, random
parameters and inputs on NEST's grid (the ``adex`` fixture)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import neuron_scenario
from nestjax.testing.random_input import grid, split
from nestjax.testing.stability import compare

# Firing patterns of Naud, Marcille, Clopath and Gerstner (2008), Biol Cybern 99:335, Table 1 (V_T as
# V_th, V_r as V_reset, the step current as I_e), and the aeif_cond_alpha set of NEST's
# brette_gerstner_fig_2c example with its second current. Naud's irregular set is in IRREGULAR.
PATTERNS = {
    "tonic": dict(
        C_m=200.0, g_L=10.0, E_L=-70.0, V_th=-50.0, a=2.0, tau_w=30.0, b=0.0, V_reset=-58.0, I_e=500.0
    ),
    "adapting": dict(
        C_m=200.0, g_L=12.0, E_L=-70.0, V_th=-50.0, a=2.0, tau_w=300.0, b=60.0, V_reset=-58.0, I_e=500.0
    ),
    "initial_burst": dict(
        C_m=130.0, g_L=18.0, E_L=-58.0, V_th=-50.0, a=4.0, tau_w=150.0, b=120.0, V_reset=-50.0, I_e=400.0
    ),
    "regular_bursting": dict(
        C_m=200.0, g_L=10.0, E_L=-58.0, V_th=-50.0, a=2.0, tau_w=120.0, b=100.0, V_reset=-46.0, I_e=210.0
    ),
    "delayed_accelerating": dict(
        C_m=200.0, g_L=12.0, E_L=-70.0, V_th=-50.0, a=-10.0, tau_w=300.0, b=0.0, V_reset=-58.0, I_e=300.0
    ),
    "delayed_regular_bursting": dict(
        C_m=100.0, g_L=10.0, E_L=-65.0, V_th=-50.0, a=-10.0, tau_w=90.0, b=30.0, V_reset=-47.0, I_e=110.0
    ),
    "transient": dict(
        C_m=100.0, g_L=10.0, E_L=-65.0, V_th=-50.0, a=10.0, tau_w=90.0, b=100.0, V_reset=-47.0, I_e=350.0
    ),
    "brette_gerstner_2c": dict(a=4.0, b=80.5, I_e=800.0),
}
IRREGULAR = dict(
    C_m=100.0, g_L=12.0, E_L=-60.0, V_th=-50.0, a=-11.0, tau_w=130.0, b=30.0, V_reset=-48.0, I_e=160.0
)


def neuron(rng, threshold="V_th"):
    """Random aeif parameters and state around a firing regime: no refractory time (NEST's default)
    for a third, Delta_T = 0 for some, a current I_e from below to well above rheobase."""
    p = {
        "C_m": rng.uniform(80, 300),
        "g_L": rng.uniform(8, 35),
        "E_L": rng.uniform(-72, -58),
        threshold: rng.uniform(-55, -48),
        "Delta_T": float(rng.choice([0.0, rng.uniform(0.5, 4.0)], p=[0.2, 0.8])),
        "a": rng.uniform(-10, 10),
        "b": rng.uniform(0, 150),
        "tau_w": rng.uniform(20, 300),
        "t_ref": float(rng.choice([0.0, round(rng.uniform(0.1, 3.0), 2), round(rng.uniform(0.1, 3.0), 2)])),
        "w": rng.uniform(-50, 100),
        "gsl_error_tol": float(rng.choice([1e-6, 1e-6, 1e-5, 1e-7])),
    }
    # the exponential at V_peak, exp((V_peak - V_th) / Delta_T), at most exp(30) (exp(25.2) with
    # NEST's defaults); far beyond, an RKF45 stage that overshoots V_peak puts ~exp(50) into the
    # other derivatives, so that the last bits of exp decide w after each spike, in NEST as here
    p["V_peak"] = p[threshold] + (p["Delta_T"] * rng.uniform(8, 30) if p["Delta_T"] else rng.uniform(0, 40))
    p["V_reset"] = p[threshold] - rng.uniform(-3, 15)
    p["V_m"] = rng.uniform(p["E_L"] - 5, p[threshold])
    p["I_e"] = p["g_L"] * (p[threshold] - p["E_L"]) * rng.uniform(0.6, 2.5)
    return p


def drive(sc, rng, dt, T, spikes, target="n", signed=True):
    """Currents on receptor 0 (a dc_generator, and a step_current_generator ramp with many steps)
    and, per ``(receptor, low, high)`` in ``spikes``, two spike trains with multiplicities and one
    with spike weights (factors of either sign where ``signed``), of weights in [low, high]; random
    delays; ``T`` split into three calls."""
    delay = lambda: grid(rng, dt, dt, 2.5)  # noqa: E731
    start = grid(rng, dt, 0.0, T / 3)
    sc.node(
        "dc",
        "dc_generator",
        1,
        {"amplitude": rng.uniform(-100, 300), "start": start, "stop": grid(rng, dt, start, T)},
    )
    n_ramp = 30
    ramp = np.sort(rng.choice(np.arange(1, round(T / dt)), n_ramp, replace=False))
    sc.node(
        "ramp",
        "step_current_generator",
        1,
        {
            "amplitude_times": [round(float(k) * dt, 9) for k in ramp],
            "amplitude_values": list(np.linspace(-200, 600, n_ramp) * rng.uniform(0.3, 1.0)),
        },
    )
    sc.connect("dc", target, syn_spec={"delay": delay(), "weight": rng.uniform(0.5, 1.5)})
    sc.connect("ramp", target, syn_spec={"delay": delay()})
    for k, (port, low, high) in enumerate(spikes):
        label = f"sg{k}"
        n = int(np.clip(T / 8, 6, 40))
        sc.node(
            label,
            "spike_generator",
            3,
            [
                {
                    "spike_times": grid(rng, dt, dt, T, n),
                    "spike_multiplicities": [int(m) for m in rng.integers(1, 4, n)],
                },
                {
                    "spike_times": grid(rng, dt, dt, T, n),
                    "spike_multiplicities": [int(m) for m in rng.integers(1, 4, n)],
                },
                {
                    "spike_times": grid(rng, dt, dt, T, n),
                    "spike_weights": list(np.round(rng.uniform(-1 if signed else 0.1, 2, n), 3)),
                },
            ],
        )
        for i in range(3):
            syn = {"weight": rng.uniform(low, high), "delay": delay()}
            if port:
                syn["receptor_type"] = port
            sc.connect((label, slice(i, i + 1)), target, syn_spec=syn)
    sc.simulate = split(rng, dt, T, 3)


def random_scenario(model, record, dt, seed, T, synapses, spikes, n=10, threshold="V_th", signed=True):
    """``n`` random neurons (:func:`neuron`, plus ``synapses(rng)``; the last with Delta_T = 0)
    observed every step, driven by :func:`drive` with ``spikes`` over ``T`` ms in three calls."""
    rng = np.random.default_rng(seed)
    params = [{**neuron(rng, threshold), **synapses(rng)} for _ in range(n)]
    params[-1]["Delta_T"] = 0.0
    for p in params:  # with V_reset at or above V_th an integrate-and-fire neuron spikes without end
        if p["Delta_T"] == 0.0:
            p["V_reset"] = min(p["V_reset"], p[threshold] - 1.0)
    sc = neuron_scenario(model, dt, params, n, record)
    drive(sc, rng, dt, T, spikes, signed=signed)
    return sc


def patterns_scenario(model, record, T=500.0, threshold="V_th"):
    """The firing patterns (and Naud's irregular set) under their step current at dt = 0.1 ms, V_th
    given as ``threshold``."""
    rename = lambda p: {threshold if k == "V_th" else k: v for k, v in p.items()}  # noqa: E731
    params = [rename(p) for p in (*PATTERNS.values(), IRREGULAR)]
    sc = neuron_scenario(model, 0.1, params, len(params), record)
    sc.simulate = [T]
    return sc


def parameter_checks(nest, model, bad, ok=()):
    """Each of ``bad`` is refused by NEST (NESTError) and by nestjax (BadProperty) at Create; each of
    ``ok`` accepted by both."""
    for p in bad:
        with pytest.raises(nest.NESTError):
            nest.Create(model, 1, p)
        with pytest.raises(BadProperty):
            nj.Simulator(dt=0.1).create(model, 1, p)
    for p in ok:
        nest.Create(model, 1, p)
        nj.Simulator(dt=0.1).create(model, 1, p)


def receptors(nest, model, refused):
    """Spike and current connections on each port of ``refused`` fail in NEST and in nestjax (naming
    the receptor); port 0 works in both."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(model, 1)
    for src in ("spike_generator", "dc_generator"):
        sim.connect(sim.create(src, 1), n)
        nest.Connect(nest.Create(src), nest.Create(model))
        for port in refused:
            with pytest.raises(ValueError, match="eceptor"):
                sim.connect(sim.create(src, 1), n, syn_spec={"receptor_type": port})
            with pytest.raises(nest.NESTError):
                nest.Connect(nest.Create(src), nest.Create(model), syn_spec={"receptor_type": port})


def several_spikes_in_one_step(parity, model, record):
    """Without refractoriness an integrate-and-fire neuron (Delta_T = 0) reset just below V_th under
    a large current spikes several times within one step, inside NEST's evolve loop: one event per
    spike, w += b each time."""
    params = {"t_ref": 0.0, "Delta_T": 0.0, "V_th": -50.0, "V_reset": -50.4, "a": 0.0, "b": 2.0}
    params = [{**params, "I_e": i_e} for i_e in (3000.0, 20000.0)]
    sc = neuron_scenario(model, 0.1, params, 2, record)
    sc.simulate = [3.0, 7.0]
    ours, _ = compare(parity, sc, model, record, "several spikes in one step")
    assert np.max(np.unique(ours["sr"]["times"], return_counts=True)[1]) > 1


@pytest.fixture
def adex():
    """The helpers above, as a namespace (test modules cannot import conftest)."""
    return SimpleNamespace(
        PATTERNS=PATTERNS,
        IRREGULAR=IRREGULAR,
        grid=grid,
        split=split,
        neuron=neuron,
        drive=drive,
        compare=compare,
        random_scenario=random_scenario,
        patterns_scenario=patterns_scenario,
        parameter_checks=parameter_checks,
        receptors=receptors,
        several_spikes_in_one_step=several_spikes_in_one_step,
    )
