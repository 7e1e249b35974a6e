"""``spin_detector``: records the state transitions of binary neurons, decoded from the spikes
they send (NEST ``models/spin_detector.{h,cpp}``).

NEST's binary neurons send an up-transition as a spike of multiplicity 2 (or two spikes of one
sender in one step) and a down-transition as one spike. The detector decodes the events it
receives (during its sources' updates, in NEST's order, see :mod:`.arrivals`), if stamped in
(origin+start, origin+stop], as NEST's ``handle``: an event of multiplicity 2 is written with
state 1 (after a held event, if any); any other event is held if none is, and otherwise closes the
held one, which is written with state 1 if this event has multiplicity 1, the same sender and
stamp, else 0 (and this event is dropped). At its own update, once per update slice in node id
order, the detector writes a held event with state 0. Events go to the recording backend like a
spike recorder's, with the extra value ``state``. Parity category D (identical events).
"""

from __future__ import annotations

import numpy as np

from nestjax.model import Recorder
from nestjax.units import Param

from .arrivals import arrivals
from .detector_times import active
from .device_window import WINDOW, check_window

ALL_SIGNALS = frozenset({"parrot_neuron", "parrot_neuron_ps"})
"""Neurons that send spikes to binary and spiking targets alike (NEST's ``SignalType ALL``)."""


def check_binary_sources(model: str, sources) -> None:
    """NEST connects only binary sources, devices and parrots to a binary-signal receiver; binary
    neuron models set ``binary = True``."""
    for m in sources:
        if not (m.kind == "stimulator" or m.name in ALL_SIGNALS or getattr(m, "binary", False)):
            raise ValueError(
                f"Creation of connection is not possible because: {m.name} -> {model}: Source and target "
                "neuron are not compatible (e.g., spiking vs binary neuron)."
            )


class spin_detector(Recorder):
    name = "spin_detector"
    records = "spikes"
    detector = True
    event_values = {"state": np.int64}
    params = (
        *WINDOW,
        Param("time_in_steps", False, kind=bool),
        Param("last_event", None, kind=object, hidden=True, readonly=True),  # the held event
    )

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @classmethod
    def check_connections(cls, p, sources, receptor):
        bad = receptor[receptor != 0]
        if bad.size:
            raise ValueError(f"Receptor type {int(bad[0])} is not available in {cls.name}.")
        check_binary_sources(cls.name, sources)

    @classmethod
    def collect(cls, status, rx):
        rows, _ = arrivals(rx, None, proxies=False)
        keep = active(rows["stamp"], status, rx.dt)
        rows = {k: v[keep] for k, v in rows.items()}
        # the held event joins the events before the first update of this call
        segment = rows["slice"] + (rows["sender"] > rx.gid)
        held = status["last_event"]
        if held is not None:
            rows = {k: np.concatenate([[held[k]] if k in held else [1], v]) for k, v in rows.items()}
            segment = np.concatenate([[rx.start // rx.min_delay], segment])
        sender, stamp, mult = rows["sender"], rows["stamp"], rows["multiplicity"]
        n = sender.size
        idx = np.arange(n)
        single = mult != 2
        # runs of events other than doubles within one segment (between two updates) alternate
        # holding and closing the held one
        starts = single & np.r_[True, ~single[:-1] | (segment[1:] != segment[:-1])]
        opens = single & ((idx - np.maximum.accumulate(np.where(starts, idx, 0))) % 2 == 0)
        nxt = np.minimum(idx + 1, n - 1)
        closed = (idx + 1 < n) & (segment[nxt] == segment)
        up = closed & single[nxt] & (mult[nxt] == 1) & (sender[nxt] == sender) & (stamp[nxt] == stamp)
        open_end = opens & ~closed & (segment > (rx.end - 1) // rx.min_delay)  # no update after it
        written = (opens & ~open_end) | ~single
        last = np.nonzero(open_end)[0]
        status["last_event"] = (
            {k: rows[k][last[0]] for k in ("sender", "stamp", "offset", "multiplicity")}
            if last.size
            else None
        )
        return {
            "senders": sender[written],
            "stamps": stamp[written],
            "offsets": rows["offset"][written],
            "state": np.where(~single | up, 1, 0)[written],
        }
