"""``pulsepacket_generator``: Gaussian packets of ``activity`` spikes around each of ``pulse_times``
(NEST ``models/pulsepacket_generator.{h,cpp}``); every target receives the same train.

NEST's update runs once per update slice (origin T, a multiple of min_delay) and returns at once
unless the generator is active at T (``is_active`` for current generators: origin+start < T+2 <=
origin+stop). A pulse at p is drawn in the first active slice with
``(Time::ms(p) - T).get_ms() <= tol`` (tol = 10 sdev, or 1 ms where sdev = 0): ``activity`` times
x = sdev N(0, 1) + p, each kept if ``Time::ms(x) >= T``, on the step s = ``Time::ms(x).get_steps()``
(tics rounded up to whole steps). A kept spike is sent in the slice that contains s, if that
slice's origin is active, stamped s+1 (so a spike at 5.0 ms is stamped 5.1 ms at 0.1 ms); spikes on
one step go out as one event. Parity category E.

nestjax keeps no list of pending spikes: in the update from k to k+1 it recomputes, for the pulses
whose spikes can fall on step k (centres within tol and a step of it), the ``activity`` normal
numbers of each pulse, from a per-node key drawn at the node's first update (so results do not
depend on how ``simulate`` is split), and sends those that fall on k and were kept when drawn.
Parameters set between calls act from the next step as NEST's re-drawn packets do (in distribution:
a packet's spikes after a time are distributed alike however often it is re-drawn).

Divergences: NEST draws again, at the start of every ``Simulate`` call, each packet whose centre
lies within tol of that time, and keeps both draws (a run split near a packet gets it twice);
nestjax draws each packet once (and never sends spikes stamped before a call's start, as NEST can
when a call begins inside an update slice). NEST's slices follow its min_delay, which counts the
connections of recorders (1 ms); nestjax's follow the least delay of the network's own connections
(the same where no delay exceeds 1 ms); the slices matter only where start or stop cut a packet.
Spikes more than 10 sdev after their centre (probability 8e-24 each) are not sent.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.timebase import TICS_PER_MS
from nestjax.units import Param

from .ac_generator import unfused
from .device_window import WINDOW, active_steps, check_window

CHUNK = 64
"""Normal numbers drawn at a time for one packet (``activity`` is covered in chunks)."""

NEVER = np.iinfo(np.int64).max // 2**20
"""The draw step of a packet that is never drawn (its tics still fit in 64 bits)."""


def _tics(t_ms):
    """``Time(Time::ms(t)).get_tics()``: t * 1000 + 0.5, truncated toward zero (C++ cast)."""
    return jnp.trunc(unfused(t_ms * float(TICS_PER_MS)) + 0.5).astype(jnp.int64)


def _steps(tics, tps: int):
    """``Time::get_steps()``: (tics + tps - 1) times the rounded 1/tps, truncated."""
    return jnp.trunc((tics + (tps - 1)).astype(jnp.float64) * (1.0 / tps)).astype(jnp.int64)


class pulsepacket_generator(Node):
    name = "pulsepacket_generator"
    kind = "stimulator"
    emits = SPIKE
    params = (
        *WINDOW,
        Param("pulse_times", [], u.ms, kind=object),
        Param("activity", 0, kind=int),
        Param("sdev", 0.0, u.ms),
    )
    state = (  # a per-node random key (two 32-bit words), drawn at the first update
        Param("key_hi", -1.0, hidden=True),
        Param("key_lo", -1.0, hidden=True),
    )

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["activity"]) < 0):
            raise BadProperty("The activity cannot be negative.")
        if np.any(np.asarray(p["sdev"]) < 0):
            raise BadProperty("The standard deviation cannot be negative.")
        check_window(p, dt)

    @classmethod
    def host_arrays(cls, host, dt):
        """Per generator its pulse times, sorted as NEST sorts them, padded with +inf."""
        rows = [np.sort(np.asarray(t, float).reshape(-1)) for t in host["pulse_times"]]
        width = max(1, max((r.size for r in rows), default=1))
        times = np.full((len(rows), width), np.inf)
        for i, r in enumerate(rows):
            times[i, : r.size] = r
        return {"centres": times}

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        tol = jnp.where(p["sdev"] > 0.0, p["sdev"] * 10.0, 1.0)
        return {"t_min": t_min, "t_max": t_max, "tol": tol}

    @staticmethod
    def update(p, c, s, x, ctx):
        k, D, tps = ctx.step, ctx.min_delay, round(ctx.dt * TICS_PER_MS)
        fresh = s["key_hi"] < 0
        bits = jax.vmap(lambda key: jax.random.bits(key, (2,), jnp.uint32))(ctx.node_keys())
        hi = jnp.where(fresh, bits[:, 0].astype(jnp.float64), s["key_hi"])
        lo = jnp.where(fresh, bits[:, 1].astype(jnp.float64), s["key_lo"])
        base = jax.random.key(0)
        keys = jax.vmap(lambda a, b: jax.random.fold_in(jax.random.fold_in(base, a), b))(
            hi.astype(jnp.uint32), lo.astype(jnp.uint32)
        )

        def active(T):
            return (c["t_min"] < T + 2) & (T + 2 <= c["t_max"])

        centres, tol, h = p["centres"], c["tol"], ctx.dt
        # the packets whose kept spikes can fall on step k: centres in [(k-1) h - tol, k h + tol]
        lo_j = jax.vmap(jnp.searchsorted)(centres, (k - 2) * h - tol)
        hi_j = jax.vmap(lambda r, v: jnp.searchsorted(r, v, side="right"))(centres, (k + 1) * h + tol)
        n_chunks = (jnp.max(p["activity"], initial=0) + CHUNK - 1) // CHUNK

        def draw_slice(j):
            """Per node, the origin of the slice that draws its packet j (a large number: none)."""
            centre = jnp.take_along_axis(centres, j[:, None], axis=1)[:, 0]
            tics = _tics(centre)

            def opens(T):  # (Time::ms(p) - T).get_ms() <= tol
                return unfused((tics - T * tps).astype(jnp.float64) * (1.0 / TICS_PER_MS)) <= tol

            T = jnp.ceil((tics - tol * TICS_PER_MS) / tps).astype(jnp.int64)
            for _ in range(2):  # the least T that opens the window, from an estimate
                T = jnp.where(opens(T - 1), T - 1, T)
                T = jnp.where(opens(T), T, T + 1)
            T = jnp.maximum(jnp.maximum(T, c["t_min"] - 1), 0)
            T = -((-T) // D) * D  # the first slice origin at or after it
            return jnp.where(active(T) & jnp.isfinite(centre), T, NEVER), centre

        def packet(m, count):
            j = jnp.minimum(lo_j + m, centres.shape[1] - 1)
            due = lo_j + m < hi_j
            T, centre = draw_slice(j)
            pkeys = jax.vmap(jax.random.fold_in)(keys, j)

            def chunk(i, count):
                z = jax.vmap(lambda key: jax.random.normal(jax.random.fold_in(key, i), (CHUNK,)))(pkeys)
                spike = _tics(unfused(p["sdev"][:, None] * z) + centre[:, None])
                n = i * CHUNK + jnp.arange(CHUNK)
                hit = (n[None, :] < p["activity"][:, None]) & (spike >= T[:, None] * tps)
                hit = hit & (_steps(spike, tps) == k) & due[:, None]
                return count + hit.sum(axis=1)

            return lax.fori_loop(0, n_chunks, chunk, count)

        count = lax.fori_loop(0, jnp.max(hi_j - lo_j, initial=0), packet, jnp.zeros(hi.shape, jnp.int64))
        count = jnp.where(active(k - k % D), count, 0)
        return {"key_hi": hi, "key_lo": lo}, count.astype(jnp.float64)
