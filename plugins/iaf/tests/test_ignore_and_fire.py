"""Parity of ignore_and_fire with live NEST: category D (identical spike events), including
``set`` of ``phase`` and ``rate`` between simulate calls, which restarts the phase counter."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import Scenario, fresh_nest

MODEL = "ignore_and_fire"


def _random(rng, n):
    return [
        {
            "rate": float(rng.choice([rng.uniform(5.0, 400.0), 1000.0, 33.0])),
            "phase": float(rng.choice([rng.uniform(0.001, 1.0), 1.0, 0.5])),
        }
        for _ in range(n)
    ]


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_random_rates_and_phases_with_ignored_input(parity, dt):
    """Twelve neurons with seeded random rates and phases; spikes and currents sent to them are
    ignored; three simulate calls."""
    rng = np.random.default_rng(5 if dt == 0.1 else 6)
    sc = Scenario(dt=dt)
    sc.node("n", MODEL, 12, _random(rng, 12))
    sc.node("sg", "spike_generator", 1, {"spike_times": [1.0, 2.0, 2.0, 30.0]})
    sc.node("dc", "dc_generator", 1, {"amplitude": 1e6})
    sc.node("sr", "spike_recorder")
    sc.connect("sg", "n", syn_spec={"weight": 1e4})
    sc.connect("dc", "n")
    sc.connect("n", "sr")
    sc.simulate = [33.3, 0.2, 166.5]
    ours, theirs = nj.testing.run_both(sc)
    parity.events(
        MODEL, ours["sr"], theirs["sr"], f"random rates and phases, split calls, dt={dt}", category="D"
    )
    assert np.unique(ours["sr"]["senders"]).size == 12


def _run_with_sets(side, dt, first, sets):
    """Create with ``first``, then ``simulate(t)`` and ``set(values)`` for each (t, values) of
    ``sets``; the spike recorder's events."""
    if side == "nest":
        nest = fresh_nest(dt)
        n, sr = nest.Create(MODEL, len(first), params=first), nest.Create("spike_recorder")
        nest.Connect(n, sr)
        for t, values in sets:
            nest.Simulate(t)
            if values is not None:
                n.set(values)
        ev = sr.get("events")
        return {"senders": np.asarray(ev["senders"]), "times": np.asarray(ev["times"])}
    sim = nj.Simulator(dt=dt)
    n = sim.create(MODEL, len(first), {k: [d[k] for d in first] for k in first[0]})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    senders, times = [], []
    for t, values in sets:
        ev = sim.simulate(t).events(sr)
        senders.append(ev["senders"])
        times.append(ev["times"].to_decimal(u.ms))
        if values is not None:
            n.set(values)
    return {"senders": np.concatenate(senders), "times": np.concatenate(times)}


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_set_phase_and_rate_between_calls(parity, dt):
    """NEST recomputes the steps to the next spike from ``phase`` and ``rate`` when they are set:
    the next spike comes phase / rate after the set, then one every 1 / rate."""
    rng = np.random.default_rng(7)
    first = _random(rng, 6)
    sets = [
        (23.4, {"phase": 0.25}),
        (40.0, [{"rate": float(r)} for r in rng.uniform(20.0, 300.0, 6)]),
        (
            17.7,
            [
                {"phase": float(p), "rate": float(r)}
                for p, r in zip(rng.uniform(0.01, 1.0, 6), rng.uniform(20.0, 300.0, 6))
            ],
        ),
        (60.0, None),
    ]
    ours, theirs = _run_with_sets("nj", dt, first, sets), _run_with_sets("nest", dt, first, sets)
    parity.events(MODEL, ours, theirs, f"phase and rate set between calls, dt={dt}", category="D")
    assert ours["times"].size > 50


def test_any_set_restarts_the_counter_as_nest():
    """NEST restarts the counter on every set_status, also one that leaves ``phase`` and ``rate``
    as they were."""
    first, sets = [{"rate": 100.0, "phase": 1.0}], [(15.0, {"phase": 1.0}), (20.0, None)]
    ours, theirs = _run_with_sets("nj", 0.1, first, sets), _run_with_sets("nest", 0.1, first, sets)
    np.testing.assert_allclose(theirs["times"], [10.1, 25.1])
    np.testing.assert_array_equal(ours["times"], theirs["times"])


def test_receptors_and_errors():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    for src in (sg, dc):
        sim.connect(src, n)
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(src, n, syn_spec={"receptor_type": 1})
    for bad in ({"phase": 0.0}, {"phase": 1.01}, {"rate": 0.0}):
        with pytest.raises(BadProperty):
            sim.create(MODEL, 1, bad)
    assert float(n.get("phase")) == 1.0 and float(n.get("rate").to_decimal(u.Hz)) == 10.0
