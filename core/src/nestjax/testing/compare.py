"""Comparators for the parity categories of DESIGN.md section 6. No comparison shifts in time."""

from __future__ import annotations

from dataclasses import dataclass

import brainunit as u
import numpy as np


class ParityError(AssertionError):
    """nestjax and NEST differ beyond the declared category."""


@dataclass(frozen=True)
class Category:
    name: str
    what: str
    abs_tol: float | None  # bound on max abs error of samples, in NEST units
    rel_tol: float | None = None


CATEGORIES = {
    "A": Category("A", "exact integration (NEST's propagators)", 1e-9),
    "B": Category("B", "adaptive ODE with NEST's solver and control", 1e-6),
    "C": Category("C", "a different method, documented divergence", 1e-3),
    "D": Category("D", "discrete, deterministic events", 1e-9, 1e-9),
    "E": Category("E", "stochastic: a stated statistical test", None),
}


def _plain(x, unit=None):
    if isinstance(x, u.Quantity):
        return np.asarray(x.to_decimal(unit) if unit is not None else x.mantissa, dtype=float)
    return np.asarray(x, dtype=float)


def compare_samples(ours, nest_values, category: str, unit=None, what: str = "trace") -> float:
    """Max abs difference of two sample arrays of the same shape (same times), checked against
    the category's bound; returns the error."""
    a, b = _plain(ours, unit), _plain(nest_values)
    if a.shape != b.shape:
        raise ParityError(f"{what}: nestjax gives shape {a.shape}, NEST {b.shape}")
    cat = CATEGORIES[category]
    both_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    err = float(np.max(np.where(both_inf, 0.0, np.abs(a - b)), initial=0.0))
    if np.isnan(err) or err > cat.abs_tol:
        i = np.unravel_index(int(np.nanargmax(np.abs(a - b))), a.shape) if a.size else ()
        raise ParityError(
            f"{what}: max abs error {err:.3e} exceeds category {category} ({cat.abs_tol:g}); "
            f"first worst at index {i}: nestjax {a[i] if a.size else None}, NEST {b[i] if b.size else None}"
        )
    return err


def _event_table(senders, times):
    s = np.asarray(senders, dtype=np.int64).reshape(-1)
    t = _plain(times, u.ms).reshape(-1)
    order = np.lexsort((s, t))
    return s[order], t[order]


def compare_events(ours: dict, nest_events: dict, what: str = "spikes", time_tol: float = 0.0) -> int:
    """Identical events: the same (sender, time) pairs, with multiplicity, as NEST recorded.

    ``time_tol`` is 0 for grid models (times are on the grid and must be bit-identical up to the
    tic arithmetic) and ~1e-12 ms for precise-time models. Returns the number of events."""
    s1, t1 = _event_table(ours["senders"], ours["times"])
    s2, t2 = _event_table(nest_events["senders"], nest_events["times"])
    if s1.size != s2.size:
        raise ParityError(
            f"{what}: nestjax has {s1.size} events, NEST {s2.size}; "
            f"first times nestjax {t1[:5].tolist()}, NEST {t2[:5].tolist()}"
        )
    bad = (s1 != s2) | (np.abs(t1 - t2) > time_tol)
    if bad.any():
        i = int(np.argmax(bad))
        raise ParityError(
            f"{what}: event {i} differs: nestjax (sender {s1[i]}, t {t1[i]!r}), "
            f"NEST (sender {s2[i]}, t {t2[i]!r})"
        )
    return int(s1.size)
