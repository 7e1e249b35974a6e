"""Parity of spike_recorder with live NEST (category D: identical events): each call's events, and
``get("events")``/``n_events`` over calls in NEST's order, with windows set between calls."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "spike_recorder"


def _sources(sc, rng, rnd, dt, T):
    gens = [
        {
            "spike_times": rnd.grid_times(rng, dt, T, 15),
            "spike_multiplicities": [int(m) for m in rng.integers(1, 3, size=15)],
        }
        for _ in range(2)
    ]
    sc.node("sg", "spike_generator", 2, gens)
    sc.node("p", "parrot_neuron", 2)
    sc.node("n", "iaf_psc_alpha", 2, [{"I_e": 400.0}, {"I_e": 380.0, "t_ref": 0.5}])
    sc.connect("sg", "p", "one_to_one")
    return gens


@pytest.mark.parametrize("dt,seed", [(0.1, 51), (0.05, 52), (0.01, 53)])
def test_windows_and_origins(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 40.0
    sc = Scenario(dt=dt)
    _sources(sc, rng, rnd, dt, T)
    recs = [{}]
    for _ in range(4):
        start = rnd.grid(rng, dt, 0.0, 15.0)
        recs.append(
            {"origin": rnd.grid(rng, dt, 0.0, 10.0), "start": start, "stop": rnd.grid(rng, dt, start, 30.0)}
        )
    recs.append({"start": rnd.grid(rng, dt, 0.0, 20.0)})
    for i, r in enumerate(recs):
        sc.node(f"sr{i}", MODEL, 1, r)
        sc.connect("p", f"sr{i}")
        sc.connect(("n", slice(i % 2, i % 2 + 1)), f"sr{i}")
        if i % 2:
            sc.connect("sg", f"sr{i}")
    sc.simulate = rnd.split(rng, dt, T, 3)
    sc.stored = True
    ours, theirs = both(MODEL, sc, f"windows {recs}, dt={dt}, calls {sc.simulate}")
    assert ours["sr0"]["times"].size > 30
    for label, _ in sc.recorders():  # get("events") after the calls: NEST's dict, in NEST's order
        for k in ("senders", "times"):
            np.testing.assert_array_equal(ours["stored"][label][k], theirs["stored"][label][k], err_msg=label)


def test_time_in_steps(parity):
    """Events as (step, offset) pairs: NEST's times are the stamps in steps, offsets 0 on the grid."""
    out = []
    for side in ("nest", "nj"):
        if side == "nest":
            nest = fresh_nest(0.05)
            create = nest.Create
        else:
            sim = nj.Simulator(dt=0.05)
            create = sim.create
        sg = create(
            "spike_generator",
            1,
            {"spike_times": [0.05, 1.0, 2.35, 2.35, 7.5], "spike_multiplicities": [1, 2, 1, 1, 3]},
        )
        n = create("iaf_psc_alpha", 1, {"I_e": 450.0})
        sr = create(MODEL, 1, {"time_in_steps": True, "start": 0.05, "stop": 30.0})
        if side == "nest":
            nest.Connect(sg + n, sr)
            nest.Simulate(20.0)
            nest.Simulate(15.0)
            ev = sr.get("events")
            out.append(ev)
        else:
            sim.connect(sg + n, sr)
            evs = [sim.simulate(20.0).events(sr), sim.simulate(15.0).events(sr)]
            out.append({k: np.concatenate([e[k] for e in evs]) for k in ("senders", "times", "offsets")})
    theirs, ours = out
    for k in ("senders", "times", "offsets"):
        np.testing.assert_array_equal(np.asarray(ours[k]), np.asarray(theirs[k]), err_msg=k)
    assert np.asarray(theirs["times"]).dtype.kind == "i"
    steps = {"senders": ours["senders"], "times": np.asarray(ours["times"]) * 0.05}
    parity.events(
        MODEL,
        steps,
        {"senders": theirs["senders"], "times": np.asarray(theirs["times"]) * 0.05},
        "time_in_steps, dt=0.05",
        category="D",
    )


def test_bad_properties_as_nest():
    for params in ({"start": 0.05}, {"stop": 1.05}, {"origin": 0.001}, {"start": 3.0, "stop": 2.0}):
        nest = fresh_nest(0.1)
        with pytest.raises(Exception) as theirs:
            nest.Create(MODEL, params=params)
        with pytest.raises(ValueError) as ours:
            nj.Simulator(dt=0.1).create(MODEL, 1, params)
        assert str(ours.value) in str(theirs.value)


def _windows_set_between_calls(side, dt):
    """Spike recorders whose window changes between calls; events and n_events after each call."""
    kernel = fresh_nest(dt) if side == "nest" else nj.Simulator(dt=dt)
    create, connect = (kernel.Create, kernel.Connect) if side == "nest" else (kernel.create, kernel.connect)
    n = create("iaf_psc_alpha", 4)
    n.set([{"I_e": 380.0 + 40.0 * i, "t_ref": 0.5 + i} for i in range(4)])
    sr = create(MODEL, 2)
    sr[1].set(time_in_steps=True, start=4.0)
    connect(n, sr[0])
    connect(n[1:], sr[1])
    seen = []
    for t, values in [
        (13.3, {"stop": 20.0}),
        (9.0, [{"origin": 5.0, "n_events": 0}, {"start": 15.0}]),
        (17.7, {"start": 2.0, "stop": 70.0}),
        (20.0, None),
    ]:
        (kernel.Simulate if side == "nest" else kernel.simulate)(t)
        for dev in sr:
            ev = dev.get("events")
            seen.append({k: np.asarray(getattr(v, "mantissa", v)) for k, v in ev.items()})
            seen[-1]["n_events"] = dev.get("n_events")
        if values is not None:
            sr.set(values)
    return seen


def test_windows_set_between_calls_and_events_kept_over_calls(parity):
    theirs, ours = _windows_set_between_calls("nest", 0.1), _windows_set_between_calls("nj", 0.1)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a["n_events"] == b["n_events"], i
        if b["senders"].size:
            assert sorted(a) == sorted(b), i
            for k in b:
                np.testing.assert_array_equal(a[k], b[k], err_msg=f"{i}: {k}")
        else:
            assert a["senders"].size == 0, i
    assert theirs[-2]["times"].size > 3 and theirs[-1]["times"].size > 3
    parity.events(MODEL, ours[-2], theirs[-2], "windows set between calls, get('events')", category="D")
