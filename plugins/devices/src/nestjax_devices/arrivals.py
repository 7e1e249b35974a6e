"""The order in which NEST hands a detector the events of its sources (``nestkernel/
event_delivery_manager*``, ``simulation_manager.cpp``), for the correlation and spin detectors.

NEST updates its nodes one after the other, in node id order, over each update slice of min_delay
steps (slices start at multiples of min_delay; a ``simulate`` call that ends inside a slice updates
the rest of it in the next call). A device source (no proxies, e.g. spike_generator) hands its
events over during its own update, and so does a neuron to a detector without proxies
(spin_detector). A neuron's events to a detector with proxies (the correlation detectors) go
through NEST's spike exchange: a multiplicity-k spike becomes k events of multiplicity 1, and all
events of a slice are delivered at the start of the next slice, in the order they were emitted, so
those of a call's last slice arrive only with the next call. Each event reaches the detector once
per connection from its sender, in connection order.
"""

from __future__ import annotations

import numpy as np

from nestjax.model import Received

FIELDS = ("sender", "stamp", "offset", "multiplicity", "port", "weight", "slice")


def within(counts: np.ndarray) -> np.ndarray:
    """0 .. k-1 for each k in ``counts``, concatenated."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def arrivals(rx: Received, transit: dict | None, proxies: bool) -> tuple[dict, dict]:
    """The events delivered to one detector during a call, in NEST's order, and those still in
    transit afterwards (pass them to the next call; None before the first).

    Returns arrays ``sender``, ``stamp``, ``offset``, ``multiplicity``, ``port``, ``weight``
    (the event's: its connection's times the event's own factor) and ``slice``: the update slice
    at whose start (through the spike exchange) or during which (from a device, or to a detector
    without proxies) the event arrives."""
    calls = 0 if transit is None else transit["calls"]
    order = np.argsort(rx.source, kind="stable")
    lo = np.searchsorted(rx.source[order], rx.sender, side="left")
    n = np.searchsorted(rx.source[order], rx.sender, side="right") - lo
    ev = np.repeat(np.arange(rx.sender.size), n)  # one row per event and connection of its sender
    conn = order[np.repeat(lo, n) + within(n)]
    mult = rx.multiplicity[ev].astype(np.int64)
    exchanged = ~rx.device[conn] & proxies
    copies = np.where(exchanged, mult, 1)
    r = np.repeat(np.arange(ev.size), copies)
    rows = {
        "sender": rx.sender[ev][r],
        "stamp": rx.stamp[ev][r],
        "offset": rx.offset[ev][r],
        "multiplicity": np.where(exchanged, 1, mult)[r],
        "port": rx.port[conn][r],
        "weight": (rx.factor[ev] * rx.weight[conn])[r],  # NEST: spike weight x connection weight
        "exchanged": exchanged[r],
        "call": np.full(r.size, calls),
        "copy": within(copies),
        "conn": conn[r],
    }
    rows["slice"] = (rows["stamp"] - 1) // rx.min_delay + rows["exchanged"]
    if transit is not None:
        rows = {k: np.concatenate([transit["rows"][k], v]) for k, v in rows.items()}
    order = np.lexsort(
        (
            rows["conn"],
            rows["copy"],
            rows["stamp"],
            rows["sender"],
            rows["call"],
            ~rows["exchanged"],
            rows["slice"],
        )
    )
    rows = {k: v[order] for k, v in rows.items()}
    due = ~rows["exchanged"] | (rows["slice"] * rx.min_delay < rx.end)
    held = {k: v[~due] for k, v in rows.items()}
    return {k: rows[k][due] for k in FIELDS}, {"rows": held, "calls": calls + 1}
