"""Shared helpers of the hh parity tests: random input on NEST's grid (currents on receptor 0,
spike trains with multiplicities on given ports and weights, random delays), split calls, and
NEST's refusals of bad parameters and ports."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing.random_input import grid


def distinct(rng, dt, T, n):
    """``n`` distinct sorted times on the grid of ``dt`` in [dt, T]."""
    steps = np.sort(rng.choice(np.arange(1, round(T / dt) + 1), n, replace=False))
    return [round(float(k) * dt, 9) for k in steps]


def drive(sc, rng, dt, T, spikes, current=(-100.0, 400.0), n_spikes=40):
    """Onto node "n": a dc_generator and a step_current_generator (amplitudes drawn from
    ``current``) on receptor 0, and one spike train with multiplicities 1-3 per ``(receptor,
    weight)`` in ``spikes``, each on a random delay; the run is split into three ``simulate`` calls."""
    delay = lambda: grid(rng, dt, dt, 2.5)  # noqa: E731
    start = grid(rng, dt, 0.0, T / 3)
    lo, hi = current
    sc.node(
        "dc",
        "dc_generator",
        1,
        {"amplitude": rng.uniform(lo, hi), "start": start, "stop": grid(rng, dt, start, T)},
    )
    sc.node(
        "st",
        "step_current_generator",
        1,
        {"amplitude_times": distinct(rng, dt, T, 6), "amplitude_values": list(rng.uniform(lo, hi, 6))},
    )
    sc.connect("dc", "n", syn_spec={"delay": delay(), "weight": rng.uniform(0.5, 1.5)})
    sc.connect("st", "n", syn_spec={"delay": delay()})
    sc.node(
        "sg",
        "spike_generator",
        len(spikes),
        [
            {
                "spike_times": grid(rng, dt, dt, T, n_spikes),
                "spike_multiplicities": [int(m) for m in rng.integers(1, 4, n_spikes)],
            }
            for _ in spikes
        ],
    )
    for i, (receptor, w) in enumerate(spikes):
        syn = {"weight": w, "delay": delay(), **({"receptor_type": receptor} if receptor else {})}
        sc.connect(("sg", slice(i, i + 1)), "n", syn_spec=syn)
    splits = distinct(rng, dt, T - dt, 2)
    sc.simulate = [round(b - a, 9) for a, b in zip([0.0, *splits], [*splits, T])]


def refused_as_nest(nest, model, bads, ports=(("spike_generator", 1), ("dc_generator", 1))):
    """Each parameter set in ``bads`` is refused by NEST (NESTError) and by nestjax (BadProperty), and
    connections from each (source model, receptor port) in ``ports`` are refused by both."""
    for bad in bads:
        with pytest.raises(nest.NESTError):
            nest.Create(model, 1, bad)
        with pytest.raises(BadProperty):
            nj.Simulator(dt=0.1).create(model, 1, bad)
    sim = nj.Simulator(dt=0.1)
    n = sim.create(model, 1)
    for src, port in ports:
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(sim.create(src, 1), n, syn_spec={"receptor_type": port})
        with pytest.raises(nest.NESTError):
            nest.Connect(nest.Create(src), nest.Create(model), syn_spec={"receptor_type": port})


@pytest.fixture
def hh():
    """The helpers above, as a namespace (test modules cannot import conftest)."""
    return SimpleNamespace(grid=grid, drive=drive, refused_as_nest=refused_as_nest)
