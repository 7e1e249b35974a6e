"""``correlation_detector``: the cross-correlation histogram of two pools of spike sources (NEST
``models/correlation_detector.{h,cpp}``); sources on receptor port 0 form pool 1, those on port 1
pool 2.

Computed on the host after each ``simulate`` from the events NEST hands the detector, in NEST's
order (:mod:`.arrivals`), with NEST's sliding window: an event stamped in the active window
(origin+start, origin+stop] drops the other pool's remembered events that lie ``tau_edge`` =
``tau_max`` + ``delta_tau``/2 or more before it (half a step less for pool 2's, so bins are
closed on the left), then, if ``Tstart`` <= stamp <= ``Tstop``, counts itself in ``n_events`` and
adds one pair with each remaining event of the other pool (``count_histogram``: its
multiplicity; ``histogram``: the product of both events' multiplicity x weight, summed with
Kahan's algorithm, whose corrections are ``histogram_correction``), and is then remembered. Pairs
in the same order as NEST's give the same sums, bit for bit. Setting ``delta_tau``, ``tau_max``,
``Tstart``, ``Tstop`` or ``n_events`` (only to [0, 0]) clears the results, with the arrays sized as
before the change (as NEST); the first ``simulate`` sizes them from the parameters. Parity
category D (identical arrays).
"""

from __future__ import annotations

import numpy as np

from nestjax.model import BadProperty, Recorder
from nestjax.units import Param

from .arrivals import arrivals, within
from .detector_times import RESET_BY, active, check_times, default_delta_tau, in_window, steps, time_params
from .device_window import WINDOW, check_window


def first_at_least(values: np.ndarray, start: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """For each query, the first index q >= ``start`` with ``values[q] >= threshold`` (len(values)
    if none): a binary descent over block maxima (a sparse table)."""
    n = values.size
    tables, size = [values], 1
    while 2 * size <= n:
        prev = tables[-1]
        tables.append(np.maximum(prev[: n - 2 * size + 1], prev[size : n - size + 1]))
        size *= 2
    pos = np.asarray(start, np.int64).copy()
    for k in range(len(tables) - 1, -1, -1):
        block = 1 << k
        table = tables[k]
        ok = pos + block <= n
        below = np.zeros(pos.size, bool)
        below[ok] = table[pos[ok]] < threshold[ok]
        pos = pos + block * below
    return pos


def kahan(total: np.ndarray, correction: np.ndarray, bins: np.ndarray, values: np.ndarray) -> None:
    """Add ``values`` to ``total[bins]`` in the order given, bin by bin with Kahan's algorithm, as
    NEST's correlation_detector does (in place)."""
    if not bins.size:
        return
    order = np.argsort(bins, kind="stable")
    b, v = bins[order], values[order]
    counts = np.bincount(b, minlength=total.size)
    rank = np.arange(b.size) - (np.cumsum(counts) - counts)[b]
    table = np.zeros((total.size, counts.max()))
    table[b, rank] = v
    for r in range(counts.max()):
        live = np.nonzero(counts > r)[0]
        y = table[live, r] - correction[live]
        t = total[live] + y
        correction[live] = (t - total[live]) - y
        total[live] = t


class correlation_detector(Recorder):
    name = "correlation_detector"
    records = "spikes"
    detector = True
    backend = False
    params = (
        *WINDOW,
        *time_params(0.5),
        Param("histogram", [], kind=object, readonly=True),
        Param("histogram_correction", [], kind=object, readonly=True),
        Param("count_histogram", [], kind=object, readonly=True),
        # NEST shows n_events with the results; hidden only as the devices' defaults test counts
        # it among recorders' bookkeeping
        Param("n_events", [0, 0], kind=object, hidden=True),
        Param("incoming", None, kind=object, hidden=True, readonly=True),  # remembered events
        Param("in_transit", None, kind=object, hidden=True, readonly=True),  # see arrivals
    )

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @classmethod
    def check_connections(cls, p, sources, receptor):
        bad = receptor[(receptor < 0) | (receptor > 1)]
        if bad.size:
            raise ValueError(f"Receptor type {int(bad[0])} is not available in {cls.name} (ports 0 and 1).")

    @staticmethod
    def _cleared(size: int) -> dict:
        return {
            "histogram": np.zeros(size),
            "histogram_correction": np.zeros(size),
            "count_histogram": np.zeros(size, np.int64),
            "n_events": np.zeros(2, np.int64),
            "incoming": None,
        }

    @staticmethod
    def _bins(p: dict, dt: float) -> int:
        return 1 + 2 * steps(p["tau_max"], dt) // steps(p["delta_tau"], dt)

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        out = {}
        delta_tau = default_delta_tau(given, old["delta_tau"], dt, 5)
        if delta_tau is not None:  # a new node: NEST's old values have it too
            old, new = {**old, "delta_tau": delta_tau}, {**new, "delta_tau": delta_tau}
            out["delta_tau"] = delta_tau
        if not given:
            return out
        for i in range(len(new["delta_tau"])):  # NEST's Parameters_::set, on every set
            check_times(cls.name, new["delta_tau"][i], new["tau_max"][i], dt)
        if "n_events" in given:
            for v in new["n_events"]:
                if np.shape(v) != (2,) or np.any(np.asarray(v) != 0):
                    raise BadProperty("/n_events can only be set to [0 0].")
        if given & (RESET_BY | {"n_events"}):  # NEST sizes them with the parameters before the change
            cleared = [
                cls._cleared(cls._bins({k: old[k][i] for k in old}, dt)) for i in range(len(new["delta_tau"]))
            ]
            out |= {k: [c[k] for c in cleared] for k in cleared[0]}
        return out

    @classmethod
    def collect(cls, status, rx):
        dt = rx.dt
        if status["in_transit"] is None:  # the first simulate: NEST's init_buffers
            status.update(cls._cleared(cls._bins(status, dt)))
        rows, status["in_transit"] = arrivals(rx, status["in_transit"], proxies=True)
        keep = active(rows["stamp"], status, dt) & (rows["port"] <= 1)
        port, stamp = rows["port"][keep], rows["stamp"][keep]
        weight = rows["multiplicity"][keep].astype(float) * rows["weight"][keep]
        counted = in_window(stamp, status["Tstart"], status["Tstop"], dt)
        mult = rows["multiplicity"][keep]
        old = status["incoming"] or {
            "port": np.zeros(0, np.int64),
            "stamp": np.zeros(0, np.int64),
            "weight": np.zeros(0),
        }
        k = old["port"].size
        # every event the detector remembers at some point: the old ones (arrived "at -1", in their
        # order), then this call's (arrival index 0 .. n-1); equal stamps keep this order
        e_port = np.concatenate([old["port"], port])
        e_stamp = np.concatenate([old["stamp"], stamp])
        e_weight = np.concatenate([old["weight"], weight])
        e_arrival = np.concatenate([np.full(k, -1), np.arange(port.size)])
        T, D = steps(status["tau_max"], dt), steps(status["delta_tau"], dt)
        edge2 = 2 * T + D  # 2 tau_edge, in steps
        # when each remembered event is dropped: at the first later event of the other pool
        # stamped >= its stamp + tau_edge (+ 1/2 for pool 2's)
        gone = np.full(e_port.size, port.size)
        for b in (0, 1):
            mine = e_port == 1 - b
            at = np.nonzero(port == b)[0]
            q0 = np.searchsorted(at, e_arrival[mine], side="right")
            thr = e_stamp[mine] + (edge2 + (1 - b) + 1) // 2
            q = first_at_least(stamp[at], q0, thr)
            gone[mine] = np.append(at, port.size)[q]
        j, i = cls._pairs(port, stamp, counted, e_port, e_stamp, e_arrival, gone, edge2)
        sign = 2 * port[j] - 1
        tau_edge = T + 0.5 * D
        bins = np.floor((tau_edge + (sign * (stamp[j] - e_stamp[i])).astype(float)) / D)
        size = status["histogram"].size
        ok = (bins >= 0) & (bins < size)  # outside: NEST writes past its arrays (undefined)
        j, i, bins = j[ok], i[ok], bins[ok].astype(np.int64)
        order = np.lexsort((i, e_stamp[i], j))  # NEST's: event by event, the deque in order
        j, i, bins = j[order], i[order], bins[order]
        hist, corr = status["histogram"].copy(), status["histogram_correction"].copy()
        kahan(hist, corr, bins, weight[j] * e_weight[i])
        count = status["count_histogram"].copy()
        np.add.at(count, bins, mult[j])
        n_events = np.asarray(status["n_events"]).copy()
        n_events += np.bincount(port[counted], minlength=2)[:2]
        alive = gone == port.size
        keep_order = np.lexsort((e_stamp[alive], e_port[alive]))
        status.update(
            histogram=hist,
            histogram_correction=corr,
            count_histogram=count,
            n_events=n_events,
            incoming={
                k: v[alive][keep_order]
                for k, v in (("port", e_port), ("stamp", e_stamp), ("weight", e_weight))
            },
        )
        return None

    @staticmethod
    def _pairs(port, stamp, counted, e_port, e_stamp, e_arrival, gone, edge2):
        """(event j, remembered event i) for every pair NEST counts whose stamps lie within
        tau_edge of each other: i of the other pool, remembered before j arrives and not dropped
        by then."""
        js, is_ = [], []
        reach = (edge2 + 1) // 2 + 1
        for b in (0, 1):
            j = np.nonzero(counted & (port == b))[0]
            cand = np.nonzero(e_port == 1 - b)[0]
            cand = cand[np.argsort(e_stamp[cand], kind="stable")]
            lo = np.searchsorted(e_stamp[cand], stamp[j] - reach, side="left")
            hi = np.searchsorted(e_stamp[cand], stamp[j] + reach, side="right")
            n = hi - lo
            jj = np.repeat(j, n)
            ii = cand[np.repeat(lo, n) + within(n)]
            ok = (e_arrival[ii] < jj) & (gone[ii] > jj)
            js.append(jj[ok])
            is_.append(ii[ok])
        return np.concatenate(js), np.concatenate(is_)
