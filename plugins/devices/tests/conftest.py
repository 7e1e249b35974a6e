"""Shared helpers of the devices' parity tests: run a scenario in both simulators and compare
every recorder, and draw random scenario ingredients on NEST's grid."""

from __future__ import annotations

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest, run_both


class Both:
    """Runs a :class:`Scenario` in nestjax and NEST and compares every recorder in it."""

    def __init__(self, parity):
        self.parity = parity

    def __call__(self, model, sc: Scenario, scenario: str, categories=None, seed: int = 1):
        """Spike recorders: identical events (category D). Samplers: identical sample times and
        targets, values within the category given in ``categories`` per (recorder label, recordable) or
        per recordable: ``(category, quantity name for the report)``, default D."""
        categories = categories or {}
        ours, theirs = run_both(sc, seed)
        for label, kind in sc.recorders():
            what = f"{scenario} [{label}]"
            if kind == "spikes":
                self.parity.events(model, ours[label], theirs[label], what, category="D")
                continue
            np.testing.assert_array_equal(ours[label]["times"], theirs[label]["times"], err_msg=what)
            if ours[label]["times"].size:
                np.testing.assert_array_equal(ours[label]["senders"], theirs[label]["senders"], err_msg=what)
            for name, values in ours[label].items():
                if name in ("times", "senders"):
                    continue
                cat, quantity = categories.get((label, name), categories.get(name, ("D", name)))
                self.parity.samples(model, quantity, values, theirs[label][name], cat, what)
        return ours, theirs


@pytest.fixture
def both(parity):
    return Both(parity)


def grid_times(rng, dt, t_max, n, t_min=None, duplicates=True):
    """``n`` sorted times on the grid of ``dt`` in [t_min, t_max] (default from one step on), with
    repeated times where ``duplicates``; rounded to 1e-9 ms so NEST's tic arithmetic sees grid times."""
    first = 1 if t_min is None else int(round(t_min / dt))
    steps = rng.integers(first, int(round(t_max / dt)) + 1, size=n)
    if not duplicates:
        steps = np.unique(steps)
    return sorted(round(float(s) * dt, 9) for s in steps)


def grid(rng, dt, lo, hi):
    """One random time on the grid of ``dt`` in [lo, hi]."""
    return round(float(rng.integers(int(round(lo / dt)), int(round(hi / dt)) + 1)) * dt, 9)


def split(rng, dt, total, parts):
    """``total`` ms as ``parts`` simulate calls of random whole-step lengths."""
    steps = int(round(total / dt))
    cuts = np.sort(rng.choice(np.arange(1, steps), size=parts - 1, replace=False))
    lengths = np.diff(np.concatenate([[0], cuts, [steps]]))
    return [round(float(k) * dt, 9) for k in lengths]


@pytest.fixture
def rnd():
    """The random helpers above, as a namespace (test modules cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(grid_times=grid_times, grid=grid, split=split)


def current_set_between_calls(model: str, first: dict, steps, tail: float):
    """A current generator (``first``) driving an iaf_psc_alpha (delay 0.3 ms), with ``set(values)``
    after each ``simulate(t)`` of ``steps`` and a final ``simulate(tail)``, in NEST and nestjax.
    Returns (nestjax, NEST), each (sample times, the neuron's V_m, the generator's I)."""
    traces = []
    for side in ("nest", "nj"):
        nest, sim = (fresh_nest(0.1), None) if side == "nest" else (None, nj.Simulator(dt=0.1))
        create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
        g = create(model, 1, first)
        n = create("iaf_psc_alpha", 1, {"tau_m": 4.0})
        mm = create("multimeter", 1, {"record_from": ["V_m"], "interval": 0.1})
        mi = create("multimeter", 1, {"record_from": ["I"], "interval": 0.1})
        connect(g, n, syn_spec={"delay": 0.3})
        connect(mm, n)
        connect(mi, g)
        if side == "nest":
            for values, t in steps:
                nest.Simulate(t)
                g.set(values)
            nest.Simulate(tail)
            nest.Simulate(1.0)  # NEST hands over the last slice's samples only with a next call
            total = sum(t for _, t in steps) + tail
            ev, ei = mm.get("events"), mi.get("events")
            keep = ev["times"] <= total + 1e-9
            traces.append((ev["times"][keep], ev["V_m"][keep], ei["I"][ei["times"] <= total + 1e-9]))
        else:
            res = []
            for values, t in steps:
                res.append(sim.simulate(t))
                g.set(values)
            res.append(sim.simulate(tail))
            traces.append(
                (
                    np.concatenate([r.times(mm).to_decimal(u.ms) for r in res]),
                    np.concatenate([r.trace(mm, "V_m").to_decimal(u.mV)[:, 0] for r in res]),
                    np.concatenate([r.trace(mi, "I").to_decimal(u.pA)[:, 0] for r in res]),
                )
            )
    theirs, ours = traces
    return ours, theirs


@pytest.fixture
def set_between_calls():
    """:func:`current_set_between_calls`."""
    return current_set_between_calls
