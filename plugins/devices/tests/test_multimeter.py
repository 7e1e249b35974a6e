"""Parity of multimeter with live NEST: identical sample times and targets (category D), values of
the recorded iaf models within category A; ``get("events")`` over calls as NEST's (its order, the
last update slice handed over with the next call), ``time_in_steps``, windows set between calls."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "multimeter"
CATS = {n: ("A", f"{n} of iaf targets") for n in ("V_m", "I_syn_ex", "I_syn_in")}


def _network(sc, rng, rnd, dt, T):
    sc.node(
        "a",
        "iaf_psc_alpha",
        3,
        [
            {"I_e": 420.0},
            {"I_e": 300.0, "tau_m": 5.0, "t_ref": 0.3},
            {"C_m": 120.0, "tau_syn_ex": 0.7, "tau_syn_in": 4.0, "E_L": -60.0},
        ],
    )
    sc.node("e", "iaf_psc_exp", 2, [{"I_e": 390.0, "tau_syn_ex": 1.5}, {"tau_m": 7.0, "V_th": -58.0}])
    sc.node("sg", "spike_generator", 1, {"spike_times": rnd.grid_times(rng, dt, T, 25)})
    sc.connect("sg", "a", syn_spec={"weight": 300.0, "delay": 1.0})
    sc.connect("sg", "e", syn_spec={"weight": -250.0, "delay": 0.5})
    sc.connect(("a", slice(0, 1)), "e", syn_spec={"weight": 500.0, "delay": 2.0})


@pytest.mark.parametrize("dt,seed", [(0.1, 61), (0.05, 62), (0.01, 63)])
def test_interval_offset_windows_and_several_targets(both, parity, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 30.0
    sc = Scenario(dt=dt)
    _network(sc, rng, rnd, dt, T)
    meters = [
        {"interval": dt},
        {"interval": rnd.grid(rng, dt, dt, 2.0)},
        {"interval": rnd.grid(rng, dt, dt, 1.0), "offset": rnd.grid(rng, dt, dt, 3.0)},
        {
            "interval": rnd.grid(rng, dt, dt, 0.5),
            "offset": rnd.grid(rng, dt, 3.0, 12.0),
            "origin": rnd.grid(rng, dt, 0.0, 5.0),
            "start": rnd.grid(rng, dt, 0.0, 5.0),
            "stop": rnd.grid(rng, dt, 15.0, 25.0),
        },
        {"interval": 2 * dt, "start": rnd.grid(rng, dt, 5.0, 9.0), "stop": rnd.grid(rng, dt, 10.0, 40.0)},
        {},
    ]
    names = [["V_m", "I_syn_ex", "I_syn_in"], ["V_m"], ["I_syn_in", "V_m"]]
    for i, m in enumerate(meters):
        sc.node(f"mm{i}", MODEL, 1, {**m, "record_from": names[i % 3]})
        order = rng.permutation(5)
        for j in order:  # targets of two models, connected in a random order
            sc.connect(f"mm{i}", ("a", slice(j, j + 1)) if j < 3 else ("e", slice(j - 3, j - 2)))
    sc.simulate = rnd.split(rng, dt, T, 3)
    sc.stored = True
    what = f"6 multimeters {meters}, dt={dt}, calls {sc.simulate}"
    ours, theirs = both(MODEL, sc, what, CATS)
    assert ours["mm0"]["times"].size == round(T / dt)
    for label, _ in sc.recorders():
        _same_stored(
            parity, ours["stored"][label], theirs["stored"][label], f"get('events') {what} [{label}]"
        )


def _same_stored(parity, ours, theirs, what):
    """get('events') as NEST's: the same keys, senders and times in the same order, values within
    category A."""
    if theirs["senders"].size == 0:
        assert ours["senders"].size == 0, what
        return
    assert sorted(ours) == sorted(theirs), what
    for k, v in theirs.items():
        if k in ("senders", "times", "offsets"):
            np.testing.assert_array_equal(ours[k], v, err_msg=f"{what}: {k}")
        else:
            parity.samples(MODEL, CATS[k][1], ours[k], v, *CATS[k][:1], what)


def test_offset_of_one_step_skips_the_first_sample():
    """With offset = dt NEST's data logger starts one interval later (next_rec_step_ must lie
    beyond the current step); nestjax records the same times."""
    ours, theirs = [], []
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    for create, out in ((nest.Create, theirs), (sim.create, ours)):
        n = create("iaf_psc_alpha", 1, {"I_e": 400.0})
        mm = create(MODEL, 1, {"record_from": ["V_m"], "interval": 0.5, "offset": 0.1})
        out.append((n, mm))
    nest.Connect(theirs[0][1], theirs[0][0])
    sim.connect(ours[0][1], ours[0][0])
    nest.Simulate(3.0)
    nest.Simulate(1.0)
    t_nest = theirs[0][1].get("events")["times"]
    t_ours = np.asarray(sim.simulate(3.0).times(ours[0][1]).mantissa)
    np.testing.assert_array_equal(t_ours, t_nest[t_nest <= 3.0 + 1e-9])


BAD = [{"interval": 0.05}, {"interval": 0.15}, {"offset": 0.05}, {"start": 0.05}, {"start": 2.0, "stop": 1.0}]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(params):
    nest = fresh_nest(0.1)
    with pytest.raises(Exception) as theirs:
        nest.Create(MODEL, params=params)
    with pytest.raises(ValueError) as ours:
        nj.Simulator(dt=0.1).create(MODEL, 1, params)
    assert str(ours.value).rstrip(".") in str(theirs.value)


def _steps_and_windows_set_between_calls(side, dt):
    """Multimeters with time_in_steps, windows set between calls (NEST selects the samples of an
    update slice with the window of the moment it hands them over); get('events') after each call."""
    kernel = fresh_nest(dt) if side == "nest" else nj.Simulator(dt=dt)
    create, connect = (kernel.Create, kernel.Connect) if side == "nest" else (kernel.create, kernel.connect)
    n = create("iaf_psc_alpha", 3)
    n.set([{"I_e": 420.0}, {"I_e": 300.0, "tau_m": 6.0}, {"I_e": 500.0, "t_ref": 1.0}])
    e = create("iaf_psc_exp", 1, {"I_e": 450.0})
    mm = create(MODEL, 2)
    mm[0].set(record_from=["V_m", "I_syn_ex"], interval=0.3, time_in_steps=True, stop=9.0)
    mm[1].set(record_from=["V_m"], interval=0.5, offset=0.2, start=1.0)
    sg = create("spike_generator", 1, {"spike_times": [0.5, 2.2, 3.3, 7.1, 9.9, 14.2]})
    connect(sg, n + e, syn_spec={"weight": 200.0, "delay": 0.7})
    connect(n[0], e, syn_spec={"weight": 300.0, "delay": 1.3})
    connect(mm[0], e)
    connect(mm[0], n[::2])
    connect(mm[1], n)
    seen = []
    for t, values in [(4.1, {"stop": 20.0}), (5.6, [{"n_events": 0}, {"origin": 2.0}]), (12.3, None)]:
        (kernel.Simulate if side == "nest" else kernel.simulate)(t)
        for dev in mm:
            seen.append({k: np.asarray(getattr(v, "mantissa", v)) for k, v in dev.get("events").items()})
            seen[-1]["n_events"] = dev.get("n_events")
        if values is not None:
            mm.set(values)
    return seen


def test_time_in_steps_and_windows_set_between_calls(parity):
    dt = 0.1
    theirs, ours = (
        _steps_and_windows_set_between_calls("nest", dt),
        _steps_and_windows_set_between_calls("nj", dt),
    )
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a.pop("n_events") == b.pop("n_events"), i
        _same_stored(parity, a, b, f"time_in_steps, windows set between calls, call {i // 2}, mm{i % 2}")
    assert theirs[-2]["times"].dtype.kind == "i" and theirs[-2]["times"].size > 50
    assert theirs[-1]["times"].size > 20
