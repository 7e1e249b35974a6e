"""Parity where NEST's own result is not determined to the category's bound.

Some NEST results move by far more than rounding under a rounding-level change of the input: an
exponential upswing (aeif_*) or a spike amplifies last-bit differences, and waveform relaxation
(gap junctions) stops iterating when no V_m moved by more than ``wfr_tol``, so a difference in the
last bits can add or save a pass and move V_m by about ``wfr_tol``. :func:`compare` measures how
far NEST's own result moves when every I_e of the nudged nodes changes by +-:data:`NUDGE` pA, holds
the neurons that do not move to category B, and the others to :data:`FACTOR` times NEST's spread.
"""

from __future__ import annotations

import copy

import numpy as np

from .compare import CATEGORIES, ParityError
from .scenario import Scenario, run_nest, run_nestjax

NUDGE = 1e-10
"""pA added to and taken from every nudged neuron's I_e to measure how far rounding-level changes
move NEST's own result (:func:`nest_spread`)."""
WELL = 1e-7
"""NEST's result counts as determined where the nudge moves it by at most this (NEST's units)."""
FACTOR = 30
"""Where it is not, nestjax stays within this multiple of NEST's own spread (or category B)..."""
SETTLED = 1e-4
"""... and spikes as NEST while NEST's own spread stays below this (a larger one can move a spike
across a step boundary)."""


def _first_difference(a, b):
    """The earliest time at which two sorted spike-time arrays differ (inf: identical)."""
    n = min(a.size, b.size)
    differ = np.flatnonzero(a[:n] != b[:n])
    if differ.size:
        return min(a[differ[0]], b[differ[0]])
    return np.concatenate([a[n:], b[n:]]).min(initial=np.inf)


def nudged(sc: Scenario, labels, amount: float) -> Scenario:
    """``sc`` with ``amount`` pA added to the I_e of every node with a label in ``labels``
    (parameters given as one dict or a list of dicts)."""
    out = copy.deepcopy(sc)
    for k, (label, model, n, params) in enumerate(out.nodes):
        if label in labels:
            nudge = lambda q: {**q, "I_e": q.get("I_e", 0.0) + amount}  # noqa: E731
            params = [nudge(q) for q in params] if isinstance(params, list) else nudge(params or {})
            out.nodes[k] = (label, model, n, params)
    return out


def nest_spread(sc: Scenario, record, labels, nudge: float = NUDGE):
    """How well NEST's own result is determined, per neuron that multimeter "mm" observes: NEST
    runs with the I_e of the nodes ``labels`` changed by +-``nudge`` pA. Returns NEST's recordings, per
    sample and neuron the largest change of ``record``, and per neuron the time from which its
    spikes (spike recorder "sr") change under the nudge (inf: they never do)."""
    theirs = run_nest(sc)
    gids = theirs["mm"]["senders"]
    cut = np.full(gids.size, np.inf)
    moved = np.zeros_like(theirs["mm"][record[0]])
    for amount in (nudge, -nudge):
        other = run_nest(nudged(sc, labels, amount))
        for j, g in enumerate(gids):
            spikes = [np.sort(ev["times"][ev["senders"] == g]) for ev in (theirs["sr"], other["sr"])]
            cut[j] = min(cut[j], _first_difference(*spikes))
        moved = np.maximum(moved, np.max([np.abs(theirs["mm"][r] - other["mm"][r]) for r in record], axis=0))
    return theirs, moved, cut


def compare(parity, sc: Scenario, model: str, record, scenario: str, labels=None, nudge: float = NUDGE):
    """Run ``sc`` (multimeter "mm" recording ``record`` every step, spike recorder "sr") in nestjax
    and NEST. A neuron whose NEST result is determined (moves by at most WELL under +-``nudge`` pA
    on the nodes ``labels``, default the first node, with the same spikes) must agree in category B
    throughout (recorded in the validation report under ``model``). One whose NEST result is not
    must agree within FACTOR times that spread or B, whichever is larger, until its spikes change
    under the nudge, and spike identically while the spread is below SETTLED. Returns nestjax's
    recordings and the number of neurons of the second kind."""
    labels = labels or (sc.nodes[0][0],)
    ours = run_nestjax(sc)
    theirs, moved, cut = nest_spread(sc, record, labels, nudge)
    times = ours["mm"]["times"]
    for key in ("times", "senders"):
        if not np.array_equal(ours["mm"][key], theirs["mm"][key]):
            raise AssertionError(f"{model} [{scenario}]: sample {key} differ")
    keep = times[:, None] < cut[None, :]
    spread = np.max(np.where(keep, moved, 0.0), axis=0)
    well = (spread <= WELL) & np.isinf(cut)
    what = f"{scenario}; {int(np.sum(~well))} of {well.size} neurons undetermined in NEST, compared apart"
    for r in record if well.any() else ():
        parity.samples(model, r, ours["mm"][r][:, well], theirs["mm"][r][:, well], "B", what)
    diff = [np.nan_to_num(np.abs(ours["mm"][r] - theirs["mm"][r]), nan=np.inf) for r in record]
    err = np.max([np.where(keep, d, 0.0) for d in diff], axis=0).max(axis=0)
    bound = np.maximum(CATEGORIES["B"].abs_tol, FACTOR * spread)
    if np.any(err > bound):
        j = int(np.argmax(err / bound))
        raise ParityError(
            f"{model} [{what}]: neuron {j} differs by {err[j]:.3e}, above {bound[j]:.3e} "
            f"(NEST's own spread {spread[j]:.3e})"
        )
    unsettled = np.any(moved > SETTLED, axis=0)
    until = np.minimum(cut, np.where(unsettled, times[np.argmax(moved > SETTLED, axis=0)], np.inf))
    until = dict(zip(ours["mm"]["senders"].tolist(), until.tolist(), strict=True))
    before = lambda ev: ev["times"] < np.array([until[int(g)] for g in ev["senders"]])  # noqa: E731
    parity.events(
        model,
        {k: v[before(ours["sr"])] for k, v in ours["sr"].items()},
        {k: v[before(theirs["sr"])] for k, v in theirs["sr"].items()},
        what,
    )
    assert keep.mean() > 0.5, f"{model} [{scenario}]: NEST's spikes are determined for {keep.mean():.0%}"
    return ours, int(np.sum(~well))
