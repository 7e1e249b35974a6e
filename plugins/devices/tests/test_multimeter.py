"""Parity of multimeter with live NEST: identical sample times and targets (category D), values of
the recorded iaf models within category A."""

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
def test_interval_offset_windows_and_several_targets(both, rnd, dt, seed):
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
    ours, _ = both(MODEL, sc, f"6 multimeters {meters}, dt={dt}, calls {sc.simulate}", CATS)
    assert ours["mm0"]["times"].size == round(T / dt)


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
