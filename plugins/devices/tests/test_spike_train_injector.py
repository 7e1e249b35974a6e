"""Parity of spike_train_injector with live NEST (category D: identical events; the traces of the
iaf_psc_alpha targets it drives within category A): random trains with multiplicities, windows,
off-grid times and shift_now_spikes at several resolutions, over split ``simulate`` calls and with
times set between calls; NEST's errors for bad values, for spike_weights (which it lacks, unlike
spike_generator) and for connections into it."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import Scenario, fresh_nest

MODEL = "spike_train_injector"
TRACES = {name: ("A", f"{name} of iaf_psc_alpha targets") for name in ("V_m", "I_syn_ex", "I_syn_in")}


def _scenario(rng, rnd, dt, injectors, weights, T, calls):
    sc = Scenario(dt=dt)
    sc.node("inj", MODEL, len(injectors), injectors)
    sc.node("n", "iaf_psc_alpha", 2, [{"tau_syn_ex": 0.5, "t_ref": 0.5}, {"tau_m": 4.0, "I_e": 50.0}])
    sc.node("p", "parrot_neuron", 2)
    sc.node("mm", "multimeter", 1, {"record_from": list(TRACES), "interval": dt})
    sc.node("sr_i", "spike_recorder")
    sc.node("sr_n", "spike_recorder")
    for i, w in enumerate(weights):
        d = rnd.grid(rng, dt, dt, 2.0)
        sc.connect(("inj", slice(i, i + 1)), "n", syn_spec={"weight": w, "delay": d})
        sc.connect(("inj", slice(i, i + 1)), ("p", slice(0, 1)), syn_spec={"delay": d})
    sc.connect("inj", ("p", slice(1, 2)), syn_spec={"receptor_type": 1})
    sc.connect("mm", "n")
    sc.connect("inj", "sr_i")
    sc.connect("n", "sr_n")
    sc.connect("p", "sr_n")
    sc.simulate = rnd.split(rng, dt, T, calls)
    return sc


@pytest.mark.parametrize("dt,seed", [(0.1, 61), (0.05, 62), (0.01, 63)])
def test_random_trains_with_multiplicities_and_windows(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T, injectors = 30.0, []
    for g in range(4):
        n = int(rng.integers(5, 15))
        p = {"spike_times": rnd.grid_times(rng, dt, T + 3.0, n)}
        if g in (1, 2):
            p["spike_multiplicities"] = [int(m) for m in rng.integers(0, 4, size=n)]
        if g in (1, 3):
            start = rnd.grid(rng, dt, 0.0, 8.0)
            p.update(origin=rnd.grid(rng, dt, 0.0, 5.0), start=start, stop=rnd.grid(rng, dt, start, 25.0))
        injectors.append(p)
    injectors.append({})  # no spikes
    weights = [float(rng.choice([-1, 1]) * rng.uniform(200.0, 1200.0)) for _ in injectors]
    sc = _scenario(rng, rnd, dt, injectors, weights, T, 3)
    ours, _ = both(MODEL, sc, f"4 random trains, dt={dt}, seed={seed}, calls {sc.simulate}", TRACES)
    assert ours["sr_i"]["times"].size > 10 and ours["sr_n"]["times"].size > 0


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_offgrid_times_and_shift_now_spikes(both, rnd, dt):
    rng = np.random.default_rng(int(dt * 1000) + 3)
    times = np.sort(np.concatenate([rng.uniform(0.001, 12.0, 10), [2.0, 3.0000001, 4.0004, 5.0 + dt / 2]]))
    injectors = [
        {"spike_times": [float(t) for t in times], "allow_offgrid_times": True},
        {"spike_times": [0.0, 0.0, dt, 1.0], "shift_now_spikes": True, "origin": 2.0},
        {"spike_times": [0.0, 0.5], "shift_now_spikes": True},
    ]
    sc = _scenario(rng, rnd, dt, injectors, [700.0, -500.0, 300.0], 15.0, 2)
    ours, _ = both(MODEL, sc, f"off-grid times, shift_now_spikes, dt={dt}", TRACES)
    assert ours["sr_i"]["times"].size >= times.size + 2


def test_spike_times_set_between_calls(parity):
    """New times after a simulate: spikes stamped at or before now are skipped, as NEST does."""
    out = []
    for side in ("nest", "nj"):
        nest, sim = (fresh_nest(0.1), None) if side == "nest" else (None, nj.Simulator(dt=0.1))
        create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
        inj, sr = create(MODEL, 1, {"spike_times": [1.0, 3.0, 7.0]}), create("spike_recorder", 1)
        connect(inj, sr)
        changes = [
            {"spike_times": [2.0, 5.0, 5.1, 6.0, 6.0], "spike_multiplicities": [1, 1, 2, 1, 3]},
            {"origin": 8.0},
            {},
        ]
        results = []
        for values in changes:
            results.append(nest.Simulate(5.0) if side == "nest" else sim.simulate(5.0))
            if values:
                inj.set(values)
        if side == "nest":
            ev = sr.get("events")
            out.append({"senders": ev["senders"], "times": ev["times"]})
        else:
            evs = [r.events(sr) for r in results]
            out.append(
                {
                    "senders": np.concatenate([e["senders"] for e in evs]),
                    "times": np.concatenate([e["times"].to_decimal(u.ms) for e in evs]),
                }
            )
    n = parity.events(MODEL, out[1], out[0], "spike_times and origin set between calls", category="D")
    assert n == 2 + (2 + 4) + (1 + 2 + 4)  # 1.0, 3.0; 5.1, 6.0 (twice); origin+5.0, +5.1, +6.0


BAD = [
    {"spike_times": [0.0]},
    {"spike_times": [1.05]},
    {"spike_times": [2.0, 1.0]},
    {"spike_times": [1.0, 0.0]},
    {"spike_times": [10.123456789]},
    {"spike_times": [1.0], "spike_multiplicities": [1, 2]},
    {"precise_times": True, "allow_offgrid_times": True},
    {"spike_times": [1.0], "start": 1.05},
    {"spike_times": [1.0], "start": 2.0, "stop": 1.0},
]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(bad_properties, params):
    bad_properties(MODEL, params, BadProperty)


def test_what_it_lacks_is_refused_as_nest():
    """No spike_weights (spike_generator's), no incoming connections."""
    nest = fresh_nest(0.1)
    with pytest.raises(Exception, match="spike_weights"):
        nest.Create(MODEL, params={"spike_weights": [1.0]})
    with pytest.raises(Exception, match="does not support spike input"):
        nest.Connect(nest.Create("parrot_neuron"), nest.Create(MODEL))
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(ValueError, match="spike_weights"):
        sim.create(MODEL, 1, {"spike_weights": [1.0]})
    with pytest.raises(ValueError, match="does not accept spike"):
        sim.connect(sim.create("parrot_neuron"), sim.create(MODEL))
