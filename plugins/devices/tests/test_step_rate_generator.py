"""Parity of step_rate_generator with live NEST (category D): the rate it sends, as its recordable
``rate`` samples (rate units, the only nodes that take its events, are not in nestjax yet), for
random steps, windows and off-grid times at several resolutions, over split ``simulate`` calls and
with values set between calls; its connections to other nodes and its bad values are refused as
NEST refuses them."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import Scenario, fresh_nest

MODEL = "step_rate_generator"


def _scenario(rnd, rng, dt, gens, T):
    sc = Scenario(dt=dt)
    sc.node("g", MODEL, len(gens), gens)
    sc.node("mr", "multimeter", 1, {"record_from": ["rate"], "interval": dt})
    sc.connect("mr", "g")
    sc.simulate = rnd.split(rng, dt, T, 3)
    return sc


@pytest.mark.parametrize("dt,seed", [(0.1, 51), (0.05, 52), (0.01, 53)])
def test_random_steps_windows_and_offgrid_times(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T, gens = 30.0, []
    for g in range(5):
        times = rnd.grid_times(rng, dt, T + 2.0, int(rng.integers(3, 12)), duplicates=False)
        if g == 4:  # off the grid, rounded to the end of their step
            times = sorted({float(t) for t in np.round(np.cumsum(rng.uniform(1.2 * dt, 4.0, 8)), 6)})
        p = {
            "amplitude_times": times,
            "amplitude_values": [float(v) for v in np.round(rng.uniform(-50.0, 200.0, len(times)), 2)],
            "allow_offgrid_times": g == 4,
        }
        if g in (1, 2):
            start = rnd.grid(rng, dt, 0.0, 10.0)
            p.update(origin=rnd.grid(rng, dt, 0.0, 5.0), start=start, stop=rnd.grid(rng, dt, start, 28.0))
        gens.append(p)
    gens.append({})  # no steps at all
    ours, _ = both(MODEL, _scenario(rnd, rng, dt, gens, T), f"random steps, dt={dt}, seed={seed}, 3 calls")
    assert np.unique(ours["mr"]["rate"]).size > 10


def test_values_set_between_calls(parity):
    """Changes at or before now are skipped; the rate keeps its last value until the next."""
    first = {"amplitude_times": [1.0, 2.0, 6.0], "amplitude_values": [10.0, 20.0, 30.0]}
    steps = [
        ({"amplitude_times": [1.5, 3.0, 4.5, 5.0], "amplitude_values": [-5.0, 4.0, 6.0, 7.0]}, 3.0),
        ({"start": 4.0, "stop": 4.6}, 1.5),
        ({"origin": 1.0, "stop": 6.0}, 2.0),
    ]
    traces = []
    for side in ("nest", "nj"):
        nest, sim = (fresh_nest(0.1), None) if side == "nest" else (None, nj.Simulator(dt=0.1))
        create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
        g = create(MODEL, 1, first)
        mr = create("multimeter", 1, {"record_from": ["rate"], "interval": 0.1})
        connect(mr, g)
        rates, calls = [], [*steps, ({}, 3.0)]
        for values, t in calls:
            if side == "nest":
                nest.Simulate(t)
            else:
                rates.append(sim.simulate(t).trace(mr, "rate").to_decimal(u.Hz)[:, 0])
            if values:
                g.set(values)
        if side == "nest":
            nest.Simulate(1.0)  # NEST hands over the last slice's samples only with a next call
            ev = mr.get("events")
            rates = [ev["rate"][ev["times"] <= sum(t for _, t in calls) + 1e-9]]
        traces.append(np.concatenate(rates))
    theirs, ours = traces
    parity.samples(MODEL, "rate", ours, theirs, "D", "amplitude times, window and origin set between calls")
    assert np.unique(ours).size > 4


def test_connections_to_other_nodes_are_refused_as_nest():
    """Its events are delayed rate events: NEST refuses them for every node that is not a rate
    unit (the rate family is not in nestjax yet, so for every node)."""
    for target in ("iaf_psc_alpha", "parrot_neuron"):
        nest = fresh_nest(0.1)
        with pytest.raises(Exception) as theirs:
            nest.Connect(nest.Create(MODEL), nest.Create(target))
        sim = nj.Simulator(dt=0.1)
        with pytest.raises(ValueError) as ours:
            sim.connect(sim.create(MODEL), sim.create(target))
        assert "does not support delayed rate input" in str(theirs.value)
        assert "delayed rate input" in str(ours.value) and target in str(ours.value)


BAD = [
    {"amplitude_times": [1.0, 2.0], "amplitude_values": [1.0]},
    {"amplitude_times": [0.0], "amplitude_values": [1.0]},
    {"amplitude_times": [1.05], "amplitude_values": [1.0]},
    {"amplitude_times": [2.0, 2.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [1.01, 1.02], "amplitude_values": [1.0, 2.0], "allow_offgrid_times": True},
    {"start": 3.0, "stop": 2.0},
]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(bad_properties, params):
    bad_properties(MODEL, params, BadProperty)
