"""Parity of weight_recorder with live NEST (category D: identical events).

Synapse models copied with ``weight_recorder`` set; spikes of parrots (with multiplicities) and of
iaf neurons through several such models, with device sources that NEST does not record, receptor
ports, windows, ``senders``/``targets`` filters, ``time_in_steps`` and split ``simulate`` calls.
Compared: each call's result (all calls together) and ``get("events")`` after the last call, which
must equal NEST's events dict entry by entry, in NEST's order.
"""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest, run_both

MODEL = "weight_recorder"
KEYS = ("senders", "targets", "times", "weights", "receptors", "ports")


def _rows(ev, keys=KEYS):
    """Events as rows sorted lexicographically (for comparing what, not in which order)."""
    cols = [np.asarray(ev[k], float) for k in keys]
    order = np.lexsort(cols[::-1])
    return np.stack([c[order] for c in cols], axis=1) if cols[0].size else np.zeros((0, len(keys)))


def _same(ours, theirs, what):
    assert sorted(ours) == sorted(theirs), f"{what}: keys {sorted(ours)} vs NEST {sorted(theirs)}"
    for k in theirs:
        np.testing.assert_array_equal(np.asarray(ours[k]), np.asarray(theirs[k]), err_msg=f"{what}: {k}")


def _scenario(rng, rnd, dt):
    T = 30.0
    sc = Scenario(dt=dt, stored=True)
    sc.node(
        "sg",
        "spike_generator",
        3,
        [
            {
                "spike_times": rnd.grid_times(rng, dt, T - 2.0, 8),
                "spike_multiplicities": [int(m) for m in rng.integers(1, 4, size=8)],
            }
            for _ in range(3)
        ],
    )
    sc.node("p", "parrot_neuron", 3)
    sc.node("n", "iaf_psc_alpha", 3, [{"I_e": float(x)} for x in rng.uniform(380.0, 600.0, 3)])
    sc.node("e", "iaf_psc_exp", 2, [{"I_e": 300.0}, {"tau_m": 5.0}])
    start = rnd.grid(rng, dt, 0.0, 6.0)
    sc.node(
        "wr1",
        MODEL,
        1,
        {
            "origin": rnd.grid(rng, dt, 0.0, 3.0),
            "start": start,
            "stop": rnd.grid(rng, dt, start + 10.0, 27.0),
        },
    )
    sc.node("wr2", MODEL, 1, {"time_in_steps": True, "senders": [5, 8], "targets": [8, 9, 11]})
    sc.node("wr3", MODEL)
    w = [round(float(x), 3) for x in rng.uniform(-200.0, 400.0, 4)]
    sc.copy_model("static_synapse", "ws_a", {"weight_recorder": "wr1", "weight": w[0]})
    sc.copy_model("static_synapse", "ws_b", {"weight_recorder": "wr1", "weight": w[1], "delay": 1.5})
    sc.copy_model("static_synapse", "ws_c", {"weight_recorder": "wr2", "weight": w[2]})
    sc.copy_model("static_synapse", "ws_d", {"weight_recorder": "wr3", "weight": w[3]})
    delay = lambda lo, hi: round(float(rng.integers(round(lo / dt), round(hi / dt) + 1)) * dt, 9)  # noqa: E731
    # from devices (one synapse model per device in NEST): not recorded
    sc.connect("sg", "p", "one_to_one", {"synapse_model": "ws_a", "delay": delay(dt, 2.0)})
    sc.connect("sg", "n", syn_spec={"synapse_model": "ws_a", "weight": 150.0})
    sc.connect(("p", slice(0, 2)), "n", syn_spec={"synapse_model": "ws_a", "delay": delay(0.5, 2.0)})
    sc.connect(("p", slice(2, 3)), ("n", slice(1, 2)), syn_spec={"synapse_model": "ws_a"})
    sc.connect("n", "e", syn_spec={"synapse_model": "ws_b"})
    sc.connect(("p", slice(1, 2)), ("p", slice(0, 1)), syn_spec={"synapse_model": "ws_b", "receptor_type": 1})
    sc.connect(("p", slice(0, 1)), ("n", slice(0, 1)), syn_spec={"synapse_model": "ws_a", "weight": 99.0})
    sc.connect("p", "e", syn_spec={"synapse_model": "ws_c"})
    sc.connect("n", ("e", slice(1, 2)), syn_spec={"synapse_model": "ws_c", "delay": delay(0.2, 1.0)})
    sc.connect("p", "n", syn_spec={"synapse_model": "ws_d", "weight": 20.0})  # 9 + 10 + 6: > 10 per model
    sc.connect("n", "n", syn_spec={"synapse_model": "ws_d", "weight": 10.0})
    sc.connect("p", ("n", slice(0, 2)), syn_spec={"synapse_model": "ws_d", "weight": 5.0})
    sc.simulate = rnd.split(rng, dt, T, 3)
    return sc


@pytest.mark.parametrize("dt,seed", [(0.1, 81), (0.01, 82)])
def test_events_of_copied_synapse_models_split_calls(parity, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    sc = _scenario(rng, rnd, dt)
    ours, theirs = run_both(sc)
    what = f"dt={dt}, calls {sc.simulate}"
    for label in ("wr1", "wr2"):  # at most 10 connections per model: NEST's ports are in creation order
        keys = KEYS if label == "wr1" else ("senders", "targets", "times", "offsets", *KEYS[3:])
        np.testing.assert_array_equal(_rows(ours[label], keys), _rows(theirs[label], keys), err_msg=label)
        _same(ours["stored"][label], theirs["stored"][label], f"{label} get('events') {what}")
    assert theirs["wr1"]["times"].size > 60 and theirs["wr2"]["times"].size > 10
    assert set(theirs["wr1"]["receptors"]) == {0, 1} and np.all(theirs["wr2"]["times"] % 1 == 0)
    # more than 10 connections in a model: NEST's sort does not keep the order of one source's
    # connections, so ports are compared as the set each sender uses at each time
    no_port = KEYS[:-1]
    np.testing.assert_array_equal(_rows(ours["wr3"], no_port), _rows(theirs["wr3"], no_port))
    by_port = ("times", "senders", "ports")
    np.testing.assert_array_equal(_rows(ours["wr3"], by_port), _rows(theirs["wr3"], by_port))
    for label in ("wr1", "wr2", "wr3"):
        scale = dt if label == "wr2" else 1.0  # time_in_steps
        ev = [{"senders": x[label]["senders"], "times": x[label]["times"] * scale} for x in (ours, theirs)]
        parity.events(MODEL, *ev, f"{label}: {what}", category="D")
        a, b = (_rows(x[label], ("times", "senders", "targets", "weights")) for x in (ours, theirs))
        parity.samples(MODEL, "weights", a[:, 3], b[:, 3], "D", f"{label}: {what}")


def _changed_between_calls(side, dt):
    """Window and filters of weight recorders set between calls; get('events') after each call."""
    nest = fresh_nest(dt) if side == "nest" else None
    sim = None if nest else nj.Simulator(dt=dt)
    create = nest.Create if nest else sim.create
    copy = nest.CopyModel if nest else sim.copy_model
    sg = create("spike_generator", 2)
    sg[0].set({"spike_times": [1.0, 2.5, 4.0, 6.5, 9.0, 11.0, 12.3, 14.0]})
    sg[1].set({"spike_times": [1.5, 3.2, 5.1, 8.8, 10.2, 13.7], "spike_multiplicities": [2, 1, 1, 3, 1, 2]})
    p = create("parrot_neuron", 2)
    n = create("iaf_psc_alpha", 2, {"I_e": 500.0})
    wr = create(MODEL, 1, {"start": 2.0, "stop": 6.0})
    wr2 = create(MODEL)
    copy("static_synapse", "wsyn", {"weight_recorder": wr, "weight": 3.0})
    copy("static_synapse", "wsyn2", {"weight_recorder": wr2, "weight": 2.0, "delay": 0.7})
    connect = nest.Connect if nest else sim.connect
    connect(sg, p, "one_to_one")
    connect(p + n, n, syn_spec={"synapse_model": "wsyn", "delay": 2.0})
    connect(p, n, syn_spec={"synapse_model": "wsyn2"})
    simulate = nest.Simulate if nest else sim.simulate
    none = nest.NodeCollection() if nest else []  # no filter
    seen = []
    for t, values, values2 in [
        (5.1, {"stop": 9.0}, {"senders": p[1:]}),
        (3.0, {"origin": 4.0}, {"targets": n[:1]}),
        (4.4, {"n_events": 0, "start": 1.0}, {"senders": none, "targets": none}),
        (6.0, {}, {}),
    ]:
        simulate(t)
        for dev in (wr, wr2):
            seen.append({k: np.asarray(getattr(v, "mantissa", v)) for k, v in dev.get("events").items()})
            seen[-1]["n"] = dev.get("n_events")
        wr.set(values)
        wr2.set(values2)
    return seen


def test_window_and_filters_set_between_calls(parity):
    """NEST checks window and filters when it hands the events over, at the start of the next update
    slice: get('events') and n_events after each call equal NEST's."""
    dt = 0.1
    theirs, ours = _changed_between_calls("nest", dt), _changed_between_calls("nj", dt)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a.pop("n") == b.pop("n"), i
        if b["times"].size:
            _same(a, b, f"after call {i // 2}, recorder {i % 2}")
        else:
            assert a["times"].size == 0
    last = ours[-2]
    assert last["times"].size > 5
    parity.events(MODEL, ours[-1], theirs[-1], "window and filters set between calls", category="D")


def test_errors_as_nest():
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    nn, wn, mn = nest.Create("iaf_psc_alpha", 2), nest.Create(MODEL), nest.Create("multimeter")
    n, w, m = sim.create("iaf_psc_alpha", 2), sim.create(MODEL), sim.create("multimeter")
    cases = [
        (
            lambda: nest.Connect(nn[0], nn[1], syn_spec={"weight_recorder": wn}),
            lambda: sim.connect(n[0], n[1], syn_spec={"weight_recorder": w}),
            '"weight_recorder" can only be set',
        ),
        (
            lambda: nest.CopyModel("static_synapse", "x", {"weight_recorder": mn}),
            lambda: sim.copy_model("static_synapse", "x", {"weight_recorder": m}),
            "Property weight_recorder must be set to a node of type weight_recorder",
        ),
        (
            lambda: nest.CopyModel("static_synapse", "iaf_psc_alpha"),
            lambda: sim.copy_model("static_synapse", "iaf_psc_alpha"),
            "Model iaf_psc_alpha is the name of an existing model and cannot be re-used.",
        ),
        (
            lambda: nest.CopyModel("iaf_psc_alpha", "y2", {"C_m": -1.0}),
            lambda: sim.copy_model("iaf_psc_alpha", "y2", {"C_m": -1.0}),
            "Capacitance must be > 0.",
        ),
    ]
    for theirs, ours, text in cases:
        with pytest.raises(Exception) as e_nest:
            theirs()
        with pytest.raises(ValueError) as e_ours:
            ours()
        assert text in str(e_nest.value) and text in str(e_ours.value), (str(e_nest.value), str(e_ours.value))
    with pytest.raises(ValueError, match="single element"):
        sim.copy_model("static_synapse", "z", {"weight_recorder": w + sim.create(MODEL)})
    with pytest.raises(ValueError, match="not connected to nodes"):
        sim.connect(n, w)
    with pytest.raises(Exception, match="does not support spike input"):
        nest.Connect(nn, wn)
    sim.copy_model("static_synapse", "ok", {"weight_recorder": w})
    with pytest.raises(ValueError, match="existing model"):
        sim.copy_model("static_synapse", "ok")
    sim.copy_model("iaf_psc_alpha", "y2", {"C_m": 100.0})  # a refused copy leaves its name free
    with pytest.raises(Exception, match="existing model"):  # NEST registered it before the check
        nest.CopyModel("iaf_psc_alpha", "y2", {"C_m": 100.0})
    y2 = sim.create("y2")
    assert y2.get("C_m").mantissa == 100.0 and "model=y2" in repr(y2)
