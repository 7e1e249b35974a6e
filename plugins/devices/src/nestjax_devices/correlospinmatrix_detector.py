"""``correlospinmatrix_detector``: the count covariance matrix of the states of ``N_channels``
binary sources, one per receptor port (NEST ``models/correlospinmatrix_detector.{h,cpp}``).

Computed on the host after each ``simulate`` from the events NEST hands the detector, in NEST's
order (:mod:`.arrivals`), with NEST's decoder, event by event as its ``handle``: an event stamped
in (origin+start, origin+stop] of multiplicity 2 (or a second one of a channel in the same step)
switches its channel on; a single one is a tentative down-transition of its channel, confirmed by
the next single or double event. A confirmed down-transition ends an on-pulse of the channel,
which is remembered; it and each remembered pulse add their overlap, shifted by each multiple of
``delta_tau`` up to ``tau_max``, to ``count_covariance`` (pulses ending ``tau_max`` +
``delta_tau`` + min_delay before the earliest pulse still on are dropped). ``Tstart`` and
``Tstop`` are parameters only, as in NEST. Setting ``N_channels``, ``delta_tau``, ``tau_max``,
``Tstart`` or ``Tstop`` clears the result. Parity category D (identical counts).
"""

from __future__ import annotations

import numpy as np

from nestjax.model import BadProperty
from nestjax.units import Param

from .arrivals import arrivals
from .detector_times import active, check_times, steps, time_params
from .device_window import WINDOW
from .matrix_detector import MatrixDetector
from .spin_detector import check_binary_sources


class correlospinmatrix_detector(MatrixDetector):
    name = "correlospinmatrix_detector"
    delta_tau_steps = 1
    params = (
        *WINDOW,
        *time_params(0.1),
        Param("N_channels", 1, kind=int),
        Param("count_covariance", [[[]]], kind=object, readonly=True),
        Param("incoming", None, kind=object, hidden=True, readonly=True),  # the decoder's state
        Param("in_transit", None, kind=object, hidden=True, readonly=True),  # see arrivals
    )

    @classmethod
    def check_connections(cls, p, sources, receptor):
        super().check_connections(p, sources, receptor)
        check_binary_sources(cls.name, sources)

    @staticmethod
    def _cleared(p: dict, dt: float) -> dict:
        n = int(p["N_channels"])
        size = int(1 + 2.0 * steps(p["tau_max"], dt) / steps(p["delta_tau"], dt))
        decoder = {
            "last_i": 0,
            "t_last": None,  # NEST's -inf
            "tentative_down": False,
            "on": np.zeros(n, bool),
            "last_change": np.zeros(n, np.int64),
            "pulses": np.zeros((0, 3), np.int64),  # t_on, t_off, channel; by t_off
        }
        return {"count_covariance": np.zeros((n, n, size), np.int64), "incoming": decoder}

    @classmethod
    def _check_node(cls, new, given, i, dt):
        for name in ("delta_tau", "tau_max", "Tstart", "Tstop"):
            if name in given and new[name][i] < 0:
                raise BadProperty(f"/{name} must not be negative.")
        check_times(cls.name, new["delta_tau"][i], new["tau_max"][i], dt)

    @classmethod
    def collect(cls, status, rx):
        dt = rx.dt
        if status["in_transit"] is None:  # the first simulate: NEST's init_buffers
            status.update(cls._cleared(status, dt))
        rows, status["in_transit"] = arrivals(rx, status["in_transit"], proxies=True)
        count = status["count_covariance"].copy()
        s = dict(status["incoming"])
        s["on"], s["last_change"] = s["on"].copy(), s["last_change"].copy()
        n = s["on"].size
        keep = active(rows["stamp"], status, dt) & (rows["port"] < n)
        T, D = steps(status["tau_max"], dt), steps(status["delta_tau"], dt)
        for curr, stamp, m in zip(*(rows[k][keep].tolist() for k in ("port", "stamp", "multiplicity"))):
            down = False
            if m == 1:
                if curr == s["last_i"] and stamp == s["t_last"]:  # the second of two: up
                    s["on"][curr] = True
                    s["last_change"][curr] = stamp
                    s["tentative_down"] = False
                else:
                    down = s["tentative_down"]
                    s["tentative_down"] = True
            elif m == 2:
                s["on"][curr] = True
                down = s["tentative_down"]
                s["on"][s["last_i"]] = False
                s["last_change"][curr] = stamp
                s["tentative_down"] = False
            if down:
                cls._pulse(s, count, T, D, rx.min_delay)
            s["last_i"], s["t_last"] = curr, stamp
        status.update(count_covariance=count, incoming=s)
        return None

    @staticmethod
    def _pulse(s: dict, count: np.ndarray, T: int, D: int, min_delay: int) -> None:
        """The down-transition of channel ``last_i``: remember its pulse and count its overlaps
        with every remembered pulse, itself included (NEST's loops over lags, vectorised)."""
        i = s["last_i"]
        on, off = int(s["last_change"][i]), int(s["t_last"])
        t_min_on = min([on, *s["last_change"][s["on"]].tolist()])
        pulses = s["pulses"]
        pulses = pulses[~(t_min_on - pulses[:, 1] >= T + D + min_delay)]
        at = np.searchsorted(pulses[:, 1], off, side="right")
        pulses = np.insert(pulses, at, [on, off, i], axis=0)
        s["pulses"] = pulses
        j_on, j_off, j = pulses[:, 0], pulses[:, 1], pulses[:, 2]
        t0 = T // D
        overlap0 = np.minimum(off, j_off) - np.maximum(on, j_on)
        pos = overlap0 > 0
        np.add.at(count, (i, j[pos], t0), overlap0[pos])
        other = pos & (j != i)
        np.add.at(count, (j[other], i, t0), overlap0[other])
        lo = np.fix(np.maximum(j_on - off, -T) / D).astype(np.int64)  # C++ division truncates
        hi = np.fix(np.minimum(j_off - on, T) / D).astype(np.int64)
        delta = np.arange(-t0, t0 + 1)
        use = ((delta < 0) & (delta >= lo[:, None])) | (
            (delta > 0) & (delta <= hi[:, None]) & (j != i)[:, None]
        )
        lag = np.minimum(off, j_off[:, None] - delta * D) - np.maximum(on, j_on[:, None] - delta * D)
        hit = use & (lag > 0)
        p, d = np.nonzero(hit)
        np.add.at(count, (i, j[p], t0 - delta[d]), lag[hit])
        np.add.at(count, (j[p], i, t0 + delta[d]), lag[hit])
        s["last_change"][i] = off
