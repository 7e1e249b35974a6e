"""Recorders: ``spike_recorder``, ``multimeter``, ``voltmeter`` (NEST ``models/spike_recorder``,
``models/multimeter``, ``nestkernel/recording_device``).

The engine records; these classes hold NEST's parameters and checks. Events and samples are
kept when their stamp t satisfies origin+start < t <= origin+stop. With ``time_in_steps`` their
events give times in steps and ``offsets`` (zero for samples). Where events go (``record_to``:
``memory``, ``ascii``, ``screen``) is the business of :mod:`nestjax.recording_backends`. Parity
category D.
"""

from __future__ import annotations

import brainunit as u
import numpy as np

from nestjax.model import BadProperty, Recorder
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import WINDOW, check_window


class spike_recorder(Recorder):
    name = "spike_recorder"
    records = "spikes"
    params = (*WINDOW, Param("time_in_steps", False, kind=bool))

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)


class multimeter(Recorder):
    name = "multimeter"
    records = "samples"
    params = (
        *WINDOW,
        Param("interval", 1.0, u.ms),
        Param("offset", 0.0, u.ms),
        Param("record_from", [], kind=object),
        Param("time_in_steps", False, kind=bool),
    )

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)
        tb = TimeBase(dt)
        interval, offset = np.asarray(p["interval"]), np.asarray(p["offset"])
        if np.any(interval < dt - 1e-12):
            raise BadProperty("The sampling interval must be at least as long as the simulation resolution.")
        if not np.all(tb.on_grid(interval)):
            raise BadProperty("The sampling interval must be a multiple of the simulation resolution.")
        if np.any((offset != 0) & (offset < dt - 1e-12)):
            raise BadProperty(
                "The offset for the sampling interval must be at least as long as the simulation resolution."
            )
        if not np.all(tb.on_grid(offset)):
            raise BadProperty(
                "The offset for the sampling interval must be a multiple of the simulation resolution."
            )
        for names in p["record_from"]:
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise BadProperty(f"record_from must be a list of recordable names, got {names!r}")


class voltmeter(multimeter):
    name = "voltmeter"
    params = tuple(
        Param("record_from", ["V_m"], kind=object) if q.name == "record_from" else q
        for q in multimeter.params
    )
