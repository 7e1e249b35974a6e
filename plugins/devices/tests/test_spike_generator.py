"""Parity of spike_generator with live NEST (category D: identical events; the traces of the
iaf_psc_alpha targets it drives within category A)."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import Scenario, fresh_nest

MODEL = "spike_generator"
RECORD = ("V_m", "I_syn_ex", "I_syn_in")
TRACES = {name: ("A", f"{name} of iaf_psc_alpha targets") for name in RECORD}


def _targets(sc, dt):
    sc.node(
        "n",
        "iaf_psc_alpha",
        3,
        [
            {"tau_syn_ex": 0.5, "t_ref": 0.5},
            {"tau_m": 4.0, "tau_syn_in": 5.0, "C_m": 100.0, "I_e": 50.0},
            {"tau_syn_ex": 3.0, "tau_syn_in": 1.0, "V_reset": -75.0, "t_ref": 1.3},
        ],
    )
    sc.node("p", "parrot_neuron", 2)
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": dt})
    sc.node("sr_g", "spike_recorder")
    sc.node("sr_n", "spike_recorder")
    sc.connect("mm", "n")
    sc.connect("n", "sr_n")
    sc.connect("p", "sr_n")


@pytest.mark.parametrize("dt,seed", [(0.1, 11), (0.05, 12), (0.01, 13)])
def test_random_trains_with_multiplicities_weights_and_windows(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 30.0
    gens = []
    for g in range(4):
        n = int(rng.integers(5, 15))
        p = {"spike_times": rnd.grid_times(rng, dt, T + 3.0, n)}
        if g in (1, 2):
            p["spike_multiplicities"] = [int(m) for m in rng.integers(0, 4, size=n)]
        if g in (2, 3):
            p["spike_weights"] = [float(w) for w in np.round(rng.normal(0.0, 1.5, size=n), 3)]
        if g == 1:
            p["origin"] = rnd.grid(rng, dt, 0.0, 5.0)
            p["start"] = rnd.grid(rng, dt, 0.0, 8.0)
            p["stop"] = rnd.grid(rng, dt, p["start"], 25.0)
        if g == 3:
            p["start"] = rnd.grid(rng, dt, 0.0, 10.0)
        gens.append(p)
    sc = Scenario(dt=dt)
    sc.node("sg", MODEL, 4, gens)
    _targets(sc, dt)
    sc.node("empty", MODEL)
    for g in range(4):
        w = float(rng.choice([-1, 1]) * rng.uniform(200.0, 1200.0))
        d = rnd.grid(rng, dt, dt, 2.0)
        sc.connect(("sg", slice(g, g + 1)), "n", syn_spec={"weight": w, "delay": d})
        sc.connect(("sg", slice(g, g + 1)), ("p", slice(0, 1)), syn_spec={"weight": -w, "delay": d})
        sc.connect(("sg", slice(g, g + 1)), ("p", slice(1, 2)), syn_spec={"receptor_type": 1})
    sc.connect(("p", slice(0, 1)), ("n", slice(1, 2)), syn_spec={"weight": 300.0, "delay": 0.5})
    sc.connect("empty", "n")
    sc.connect("sg", "sr_g")
    sc.connect("empty", "sr_g")
    sc.simulate = rnd.split(rng, dt, T, 3)
    ours, _ = both(MODEL, sc, f"4 random trains, dt={dt}, seed={seed}, calls {sc.simulate}", TRACES)
    assert ours["sr_g"]["times"].size > 20
    assert ours["sr_n"]["times"].size > 0


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_offgrid_times_are_rounded_to_the_end_of_their_step(both, rnd, dt):
    rng = np.random.default_rng(int(dt * 1000))
    times = np.sort(
        np.concatenate(
            [
                rng.uniform(0.001, 12.0, size=12),
                [2.0, 3.0000001, 4.0004, 4.0006, 5.0 + dt / 2, 6.0 - 1e-7],
            ]
        )
    )
    sc = Scenario(dt=dt)
    sc.node(
        "sg",
        MODEL,
        1,
        {
            "spike_times": [float(t) for t in times],
            "allow_offgrid_times": True,
            "spike_multiplicities": [int(m) for m in rng.integers(1, 3, size=times.size)],
        },
    )
    _targets(sc, dt)
    sc.connect("sg", "n", syn_spec={"weight": 700.0, "delay": 1.0})
    sc.connect("sg", "p", syn_spec={"delay": 1.0})
    sc.connect("sg", "sr_g")
    sc.simulate = [7.3, 7.7]
    ours, _ = both(MODEL, sc, f"off-grid times, dt={dt}", TRACES)
    assert ours["sr_g"]["times"].size == sum(sc.nodes[0][3]["spike_multiplicities"])


def test_design_timing_spike_at_1ms_with_delay_1ms(both):
    """DESIGN.md section 5: an iaf_psc_delta shows the spike in its 2.0 ms sample; a parrot
    re-emits it at 2.0; the V_m of iaf_psc_alpha and iaf_psc_exp first differs at 2.1; I_syn_ex is
    non-zero from 2.0 in iaf_psc_exp, from 2.1 in iaf_psc_alpha."""
    sc = Scenario(dt=0.1)
    sc.node("sg", MODEL, 1, {"spike_times": [1.0]})
    sc.node("d", "iaf_psc_delta")
    sc.node("a", "iaf_psc_alpha")
    sc.node("x", "iaf_psc_exp")
    sc.node("p", "parrot_neuron")
    sc.node("vd", "voltmeter", 1, {"interval": 0.1})
    sc.node("ma", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
    sc.node("mx", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
    sc.node("sr", "spike_recorder")
    for t in ("d", "a", "x", "p"):
        sc.connect("sg", t, syn_spec={"weight": 5.0, "delay": 1.0})
    sc.connect("vd", "d")
    sc.connect("ma", "a")
    sc.connect("mx", "x")
    sc.connect("p", "sr")
    sc.simulate = [3.0]
    ours, _ = both(
        MODEL,
        sc,
        "spike at 1.0 ms, delay 1.0 ms",
        {
            "V_m": ("A", "V_m of iaf targets"),
            "I_syn_ex": ("A", "I_syn_ex of iaf_psc_alpha targets"),
            ("mx", "I_syn_ex"): ("A", "I_syn_ex of iaf_psc_exp and iaf_psc_delta targets"),
        },
    )
    t = ours["vd"]["times"]
    moved = t[np.abs(ours["vd"]["V_m"][:, 0] + 70.0) > 1e-12]
    assert moved[0] == pytest.approx(2.0)
    assert ours["sr"]["times"].tolist() == pytest.approx([2.0])
    t = ours["ma"]["times"]
    assert t[np.abs(ours["ma"]["V_m"][:, 0] + 70.0) > 1e-12][0] == pytest.approx(2.1)
    assert t[np.abs(ours["ma"]["I_syn_ex"][:, 0]) > 0][0] == pytest.approx(2.1)
    assert t[np.abs(ours["mx"]["V_m"][:, 0] + 70.0) > 1e-12][0] == pytest.approx(2.1)
    assert t[np.abs(ours["mx"]["I_syn_ex"][:, 0]) > 0][0] == pytest.approx(2.0)


@pytest.mark.parametrize("origin", [0.0, 2.0])
def test_shift_now_spikes(both, origin):
    sc = Scenario(dt=0.1)
    sc.node(
        "sg",
        MODEL,
        2,
        [
            {"spike_times": [0.0, 0.0, 0.1, 1.0], "shift_now_spikes": True, "origin": origin},
            {"spike_times": [0.1, 0.5], "shift_now_spikes": True, "origin": origin},
        ],
    )
    _targets(sc, 0.1)
    sc.connect("sg", "n", syn_spec={"weight": 600.0, "delay": 0.3})
    sc.connect("sg", "sr_g")
    sc.simulate = [5.0]
    ours, _ = both(MODEL, sc, f"shift_now_spikes, origin={origin}", TRACES)
    assert ours["sr_g"]["times"].size > 0


def test_weights_choose_the_channel_per_event(both):
    """Two spikes in one step with factors of opposite sign reach both channels, as in NEST."""
    sc = Scenario(dt=0.1)
    sc.node(
        "sg",
        MODEL,
        1,
        {
            "spike_times": [1.0, 1.0, 2.0, 3.0, 3.0, 3.0],
            "spike_weights": [1.5, -2.0, 0.0, -1.0, 0.5, 2.0],
            "spike_multiplicities": [1, 2, 3, 2, 1, 0],
        },
    )
    _targets(sc, 0.1)
    sc.connect("sg", ("n", slice(0, 2)), syn_spec={"weight": 2.0})
    sc.connect("sg", ("n", slice(2, 3)), syn_spec={"weight": -3.0})
    sc.connect("sg", "p")
    sc.connect("sg", "sr_g")
    sc.node("x", "iaf_psc_exp", 2, [{"tau_syn_ex": 1.0}, {"tau_syn_in": 3.0}])
    sc.node("d", "iaf_psc_delta")
    sc.node("mx", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": 0.1})
    sc.node("vd", "voltmeter", 1, {"interval": 0.1})
    sc.connect("sg", "x", syn_spec={"weight": -40.0, "delay": 0.2})
    sc.connect("sg", "d", syn_spec={"weight": 0.7, "delay": 0.3})
    sc.connect("mx", "x")
    sc.connect("vd", "d")
    sc.simulate = [6.0]
    other = {
        (rec, n): ("A", f"{n} of iaf_psc_exp and iaf_psc_delta targets")
        for rec in ("mx", "vd")
        for n in RECORD
    }
    ours, _ = both(MODEL, sc, "opposite factors in one step", {**TRACES, **other})
    assert ours["mm"]["I_syn_ex"].max() > 0 and ours["mm"]["I_syn_in"].min() < 0
    assert ours["mx"]["I_syn_ex"].max() > 0 and ours["mx"]["I_syn_in"].min() < 0


def _pair(dt=0.1):
    nest = fresh_nest(dt)
    sim = nj.Simulator(dt=dt)
    return nest, sim


def test_spike_times_set_between_calls(parity):
    """New times after a simulate: spikes stamped at or before now are skipped, as NEST does."""
    nest, sim = _pair()
    out = []
    for side in ("nest", "nj"):
        create = nest.Create if side == "nest" else sim.create
        sg = create("spike_generator", 1, {"spike_times": [1.0, 3.0, 7.0]})
        pa = create("parrot_neuron", 1)
        sr = create("spike_recorder", 1)
        if side == "nest":
            nest.Connect(sg, pa)
            nest.Connect(pa, sr)
            nest.Simulate(5.0)
            sg.set({"spike_times": [2.0, 5.0, 5.1, 6.0, 6.0], "spike_multiplicities": [1, 1, 2, 1, 3]})
            nest.Simulate(5.0)
            sg.set({"origin": 8.0})
            nest.Simulate(5.0)
            ev = sr.get("events")
            out.append({"senders": ev["senders"], "times": ev["times"]})
        else:
            sim.connect(sg, pa)
            sim.connect(pa, sr)
            r = [sim.simulate(5.0)]
            sg.set({"spike_times": [2.0, 5.0, 5.1, 6.0, 6.0], "spike_multiplicities": [1, 1, 2, 1, 3]})
            r.append(sim.simulate(5.0))
            sg.set({"origin": 8.0})
            r.append(sim.simulate(5.0))
            evs = [x.events(sr) for x in r]
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
    {"spike_times": [1.05, 1.0]},
    {"spike_times": [1.0, 0.0]},
    {"spike_times": [10.123456789]},
    {"spike_times": [-1.0]},
    {"spike_times": [1.0], "spike_weights": [1.0, 2.0]},
    {"spike_times": [1.0], "spike_multiplicities": [1, 2]},
    {"spike_times": [1.0, 2.0], "spike_weights": [1.0]},
    {"precise_times": True, "allow_offgrid_times": True},
    {"precise_times": True, "shift_now_spikes": True},
    {"spike_times": [1.0], "start": 1.05},
    {"spike_times": [1.0], "origin": 0.01},
    {"spike_times": [1.0], "start": 2.0, "stop": 1.0},
]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(bad_properties, params):
    bad_properties(MODEL, params, BadProperty)


def test_good_corner_cases_accepted_as_nest():
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    for params in (
        {"spike_times": [1.0000001, 2.00049]},
        {"spike_times": [0.0], "shift_now_spikes": True},
        {"spike_times": [-1.0005]},
        {"spike_times": [1.04, 1.06], "allow_offgrid_times": True},
    ):
        nest.Create(MODEL, params=params)
        sim.create(MODEL, 1, params)


def test_precise_times_is_refused_with_a_clear_error():
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(BadProperty, match="precise-time"):
        sim.create(MODEL, 1, {"spike_times": [1.0], "precise_times": True})


def test_negative_multiplicities_are_refused():
    """NEST stores them as huge unsigned numbers (a recorder then loops ~2**64 times)."""
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(BadProperty, match="negative"):
        sim.create(MODEL, 1, {"spike_times": [1.0], "spike_multiplicities": [-1]})


@pytest.mark.parametrize("origin", [0.0, 1.5])
def test_shift_now_spikes_set_after_a_simulate_as_nest(origin):
    """``shift_now_spikes`` shifts a spike whose stamp is the simulation time of the set ("now"),
    also after earlier simulate calls; a later set of other parameters keeps that "now"."""
    first = {"spike_times": [1.0, 2.0], "origin": origin}
    later = {"spike_times": [2.0, 3.5, 4.0, 4.0, 6.1], "shift_now_spikes": True}  # 2.0 + origin: now
    got = []
    for side in ("nj", "nest"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if nest is None else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        run = nest.Simulate if nest else sim.simulate
        sg, sr = create(MODEL, 1, first), create("spike_recorder")
        n = create("iaf_psc_alpha", 1)
        connect(sg, sr)
        connect(sg, n, syn_spec={"weight": 500.0, "delay": 0.2})
        results = [run(2.0 + origin)]
        sg.set(later)
        results.append(run(3.0))
        sg.set({"stop": 50.0})
        results.append(run(5.0))
        if nest:
            times = np.asarray(sr.get("events")["times"])
        else:
            times = np.concatenate([np.asarray(r.events(sr)["times"].mantissa) for r in results])
        got.append(np.sort(times))
    np.testing.assert_array_equal(got[0], got[1])
    assert np.isclose(got[1], 2.1 + origin).any()  # the spike set at "now", one step later
