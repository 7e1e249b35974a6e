"""Parity of dc_generator with live NEST: its recordable I and the iaf_psc_alpha targets it
drives (category A, 1e-9 in NEST units)."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "dc_generator"
CATS = {"I": ("A", "I"), **{n: ("A", f"{n} of iaf_psc_alpha targets") for n in ("V_m", "I_syn_ex")}}


def _scenario(rng, rnd, dt, gens, T):
    sc = Scenario(dt=dt)
    sc.node("dc", MODEL, len(gens), gens)
    sc.node(
        "n",
        "iaf_psc_alpha",
        3,
        [
            {"t_ref": 0.4},
            {"tau_m": 3.0, "C_m": 80.0, "V_th": -60.0},
            {"E_L": -65.0, "V_reset": -72.0, "tau_syn_ex": 4.0, "I_e": -20.0},
        ],
    )
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex"], "interval": dt})
    sc.node("mi", "multimeter", 1, {"record_from": ["I"], "interval": dt})
    sc.node("sr", "spike_recorder")
    for g in range(len(gens)):
        sc.connect(
            ("dc", slice(g, g + 1)),
            "n",
            syn_spec={
                "weight": float(np.round(rng.uniform(-1.0, 3.0), 3)),
                "delay": rnd.grid(rng, dt, dt, 2.0),
            },
        )
    sc.connect("mm", "n")
    sc.connect("mi", "dc")
    sc.connect("n", "sr")
    sc.simulate = rnd.split(rng, dt, T, 3)
    return sc


@pytest.mark.parametrize("dt,seed", [(0.1, 31), (0.05, 32), (0.01, 33)])
def test_random_amplitudes_and_windows(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 30.0
    gens = []
    for _ in range(4):
        start = rnd.grid(rng, dt, 0.0, 10.0)
        gens.append(
            {
                "amplitude": float(np.round(rng.uniform(-200.0, 600.0), 2)),
                "origin": rnd.grid(rng, dt, 0.0, 5.0),
                "start": start,
                "stop": rnd.grid(rng, dt, start, 28.0),
            }
        )
    gens[0].pop("stop")
    ours, _ = both(
        MODEL, _scenario(rng, rnd, dt, gens, T), f"4 random generators, dt={dt}, seed={seed}", CATS
    )
    assert np.any(ours["mi"]["I"] != 0)


@pytest.mark.parametrize("start,first", [(0.5, 0.7), (0.0, 0.3)])
def test_design_timing_of_the_first_effect(both, start, first):
    """DESIGN.md section 5: with delay 0.1 ms, iaf_psc_alpha's V_m first moves at 0.7 ms when the
    generator starts at 0.5 ms, at 0.3 ms when it starts at 0. I (the current sent in the update
    that ends at t, read by the target one delay later) is non-zero from the sample at max(start, dt)."""
    sc = Scenario(dt=0.1)
    sc.node("dc", MODEL, 1, {"amplitude": 100.0, "start": start})
    sc.node("n", "iaf_psc_alpha")
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m"], "interval": 0.1})
    sc.node("mi", "multimeter", 1, {"record_from": ["I"], "interval": 0.1})
    sc.connect("dc", "n", syn_spec={"delay": 0.1})
    sc.connect("mm", "n")
    sc.connect("mi", "dc")
    sc.simulate = [2.0]
    ours, _ = both(MODEL, sc, f"start {start}, delay 0.1", CATS)
    t = ours["mm"]["times"]
    assert t[ours["mm"]["V_m"][:, 0] != -70.0][0] == pytest.approx(first)
    assert ours["mi"]["times"][ours["mi"]["I"][:, 0] != 0][0] == pytest.approx(max(start, 0.1))


def test_amplitude_and_window_set_between_calls(parity, set_between_calls):
    steps = [
        ({"amplitude": 300.0}, 3.0),
        ({"amplitude": -100.0}, 2.5),
        ({"start": 7.0, "stop": 9.0}, 4.5),
        ({"origin": 2.0}, 3.0),
    ]
    ours, theirs = set_between_calls(MODEL, {"amplitude": 50.0}, steps, 1.0)
    np.testing.assert_array_equal(ours[0], theirs[0])
    parity.samples(
        MODEL,
        "V_m of iaf_psc_alpha targets",
        ours[1],
        theirs[1],
        "A",
        "amplitude, start/stop, origin set between calls",
    )
    parity.samples(MODEL, "I", ours[2], theirs[2], "A", "amplitude, start/stop, origin set between calls")


def test_bad_properties_as_nest():
    for params in ({"start": 0.05}, {"stop": 1.05}, {"origin": 0.001}, {"start": 3.0, "stop": 2.0}):
        nest = fresh_nest(0.1)
        with pytest.raises(Exception) as theirs:
            nest.Create(MODEL, params=params)
        with pytest.raises(ValueError) as ours:
            nj.Simulator(dt=0.1).create(MODEL, 1, params)
        assert str(ours.value) in str(theirs.value)
