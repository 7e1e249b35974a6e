"""Random scenario ingredients on NEST's time grid, shared by the families' parity tests: times
rounded to 1e-9 ms so that NEST's tic arithmetic sees grid times."""

from __future__ import annotations

import numpy as np


def grid(rng, dt, lo, hi, n=None):
    """Sorted times on the grid of ``dt`` in [lo, hi] (one if ``n`` is None), repeats allowed."""
    steps = np.sort(rng.integers(round(lo / dt), round(hi / dt) + 1, size=n or 1))
    times = [round(float(k) * dt, 9) for k in steps]
    return times if n else times[0]


def split(rng, dt, total, parts):
    """``total`` ms as ``parts`` simulate calls of random whole-step lengths."""
    steps = round(total / dt)
    cuts = np.sort(rng.choice(np.arange(1, steps), size=parts - 1, replace=False))
    return [round(float(k) * dt, 9) for k in np.diff([0, *cuts, steps])]
