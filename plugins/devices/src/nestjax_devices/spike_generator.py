"""``spike_generator``: spikes at given times (NEST ``models/spike_generator.{h,cpp}``).

A spike time t becomes a stamp on the grid when it is set: ``Time::ms(t)`` if that is a whole
number of steps, else, with ``allow_offgrid_times``, the end of the step in which t lies
(``Time::ms_stamp``), else an error. A spike with stamp s is sent in the update that ends at
origin+s, if origin+start < origin+s <= origin+stop; with ``shift_now_spikes`` a spike whose
stamp falls on the simulation time at which it was set ("now", kept as ``set_at``) is sent one
step later. ``spike_multiplicities`` give each spike's
multiplicity, ``spike_weights`` a factor on the connection weight (NEST's ``DSSpikeEvent``): a target
that reads weights sees weight x factor x multiplicity on the channel that sign selects; a parrot
sees the multiplicity. Parity category D.

On the host, each generator's spikes are merged per stamp into three sums (multiplicity, positive
and negative weighted parts); the update looks up the current step with a binary search.

Divergences (precise-time models do not exist yet): ``precise_times=True`` is refused.
Negative
multiplicities are refused (NEST stores them as huge unsigned numbers).
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node, WeightedSpikes
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import FOREVER, WINDOW, active_steps, check_window, fmt, tics_of_ms, tics_of_ms_stamp


def spike_stamps(times, allow_offgrid: bool, shift_now: bool, dt: float) -> np.ndarray:
    """Stamps in steps of one generator's spike times, with NEST's checks in NEST's order."""
    tps = TimeBase(dt).tics_per_step
    t = np.asarray(times, dtype=float).reshape(-1)
    tics = tics_of_ms(t)
    off = tics % tps != 0
    unsorted = np.concatenate([[False], t[:-1] > t[1:]])
    zero = (t == 0.0) & (not shift_now)
    bad = unsorted | zero | (off & (not allow_offgrid))
    if bad.any():  # the first bad time, with the first of NEST's checks it fails
        i = int(np.argmax(bad))
        if unsorted[i]:
            raise BadProperty("Spike times must be sorted in non-descending order.")
        if zero[i]:
            raise BadProperty("spike time cannot be set to 0.")
        raise BadProperty(
            f"spike_generator: Time point {fmt(t[i])} is not representable in current resolution."
        )
    tics = np.where(off, tics_of_ms_stamp(t, tps), tics)
    return tics // tps


def _multiplicities(m, n: int) -> np.ndarray:
    m = np.asarray(m, dtype=float).reshape(-1)
    if m.size == 0:
        return np.ones(n)
    if np.any(m != np.round(m)):
        raise BadProperty("spike_multiplicities must be integers.")
    if np.any(m < 0):
        raise BadProperty("spike_multiplicities must not be negative.")
    return m


class spike_generator(Node):
    name = "spike_generator"
    kind = "stimulator"
    emits = SPIKE
    weighted = True
    params = (
        *WINDOW,
        Param("spike_times", [], u.ms, kind=object),
        Param("spike_weights", [], kind=object),
        Param("spike_multiplicities", [], kind=object),
        Param("precise_times", False, kind=bool),
        Param("allow_offgrid_times", False, kind=bool),
        Param("shift_now_spikes", False, kind=bool),
        Param("set_at", 0, kind=int, hidden=True),
    )
    revalidate = frozenset({"spike_times", "precise_times", "allow_offgrid_times", "shift_now_spikes"})

    @classmethod
    def check(cls, p, dt):
        n = len(p["spike_times"])
        precise = np.broadcast_to(np.asarray(p["precise_times"], bool), (n,))
        offgrid = np.broadcast_to(np.asarray(p["allow_offgrid_times"], bool), (n,))
        shift = np.broadcast_to(np.asarray(p["shift_now_spikes"], bool), (n,))
        for i in range(n):  # per generator, on the host
            if precise[i] and (offgrid[i] or shift[i]):
                raise BadProperty(
                    "Option precise_times cannot be set to true when either allow_offgrid_times or "
                    "shift_now_spikes is set to true."
                )
            if precise[i]:
                raise BadProperty(
                    "precise_times=True sends spikes with offsets within the step, which only precise-time "
                    "(*_ps) models read; nestjax has no precise-time models yet"
                )
            size = spike_stamps(p["spike_times"][i], offgrid[i], shift[i], dt).size
            if len(p["spike_weights"][i]) not in (0, size):
                raise BadProperty(
                    "spike_weights must have the same number of elements as spike_times, "
                    "or 0 elements to clear the property."
                )
            if len(p["spike_multiplicities"][i]) not in (0, size):
                raise BadProperty(
                    "spike_multiplicities must have the same number of elements as spike_times "
                    "or 0 elements to clear the property."
                )
            _multiplicities(p["spike_multiplicities"][i], size)
        check_window(p, dt)

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        """NEST checks (and shifts) the spike times against the time of the set that gives them
        or changes how they are read."""
        if given & cls.revalidate:
            return {"set_at": np.full(len(new["spike_times"]), now, np.int64)}
        return {}

    @classmethod
    def host_arrays(cls, host, dt):
        """Per generator: distinct stamps (relative to origin) and, per stamp, the summed
        multiplicity and positive and negative weighted parts; padded to one matrix."""
        n = len(host["spike_times"])
        rows = []
        for i in range(n):  # per generator, on the host, once per simulate
            stamps = spike_stamps(host["spike_times"][i], True, True, dt)
            mult = _multiplicities(host["spike_multiplicities"][i], stamps.size)
            w = np.asarray(host["spike_weights"][i], dtype=float).reshape(-1)
            w = np.ones(stamps.size) if w.size == 0 else w
            uniq, at = np.unique(stamps, return_inverse=True)
            sums = np.zeros((uniq.size, 3))
            np.add.at(
                sums, at, np.stack([mult, np.where(w > 0, w * mult, 0.0), np.where(w < 0, -w * mult, 0.0)], 1)
            )
            rows.append((uniq, sums))
        width = max(1, max((r[0].size for r in rows), default=1))
        stamps = np.full((n, width), FOREVER, np.int64)
        sums = np.zeros((n, width, 3))
        for i, (s, v) in enumerate(rows):
            stamps[i, : s.size], sums[i, : s.size] = s, v
        return {"stamps": stamps, "sums": sums}

    @classmethod
    def events_sent(cls, status, start, end, dt):
        """One event per spike time sent in steps ``start`` .. ``end``-1 (multiplicity 0 too),
        with its multiplicity and weight factor, in the order of ``spike_times`` (NEST's
        ``update``)."""
        rel = spike_stamps(status["spike_times"], True, True, dt)
        mult = _multiplicities(status["spike_multiplicities"], rel.size).astype(np.int64)
        w = np.asarray(status["spike_weights"], dtype=float).reshape(-1)
        w = np.ones(rel.size) if w.size == 0 else w
        at = rel + int(round(float(status["origin"]) / dt))
        now = int(status["set_at"])
        at = np.where(bool(status["shift_now_spikes"]) & (at == now), now + 1, at)
        window = {q.name: np.asarray(status[q.name], float) for q in WINDOW}
        t_min, t_max = (int(t) for t in active_steps(window, dt))
        sent = (at > start) & (at <= end) & (at > t_min) & (at <= t_max)
        order = np.argsort(at[sent], kind="stable")
        return at[sent][order], mult[sent][order], w[sent][order]

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        origin = jnp.round(p["origin"] / dt).astype(jnp.int64)
        return {"t_min": t_min, "t_max": t_max, "origin_steps": origin}

    @staticmethod
    def update(p, c, s, x, ctx):
        stamps, sums = p["stamps"], p["sums"]
        rel = ctx.step + 1 - c["origin_steps"]  # the stamp, relative to origin, sent in this step

        def lookup(at):
            i = jax.vmap(jnp.searchsorted)(stamps, at)
            i = jnp.minimum(i, stamps.shape[1] - 1)
            hit = jnp.take_along_axis(stamps, i[:, None], axis=1)[:, 0] == at
            return jnp.where(hit[:, None], jnp.take_along_axis(sums, i[:, None, None], axis=1)[:, 0], 0.0)

        now = p["set_at"] - c["origin_steps"]  # the stamp of "now" when the spikes were set
        shift = p["shift_now_spikes"]
        due = jnp.where((shift & (rel == now))[:, None], 0.0, lookup(rel))
        due = due + jnp.where((shift & (rel == now + 1))[:, None], lookup(now), 0.0)
        active = (c["t_min"] < ctx.step + 1) & (ctx.step + 1 <= c["t_max"])
        due = jnp.where(active[:, None], due, 0.0)
        return s, WeightedSpikes(due[:, 0], due[:, 1], due[:, 2])
