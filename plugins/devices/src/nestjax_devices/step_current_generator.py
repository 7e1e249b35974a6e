"""``step_current_generator``: a piecewise constant current (NEST ``models/step_current_generator.{h,cpp}``).

``amplitude_times`` are absolute times (origin does not shift them), made stamps on the grid when
set: ``Time::ms(t)`` if that is a whole number of steps, else, with ``allow_offgrid_times``, the end
of the step in which t lies, else an error; stamps must increase strictly and be positive. The
amplitude takes the value of a stamp s in the update from s-1 to s (one step ahead, so that a
target with delay d sees it from s+d-1 on), and stays until the next change, also while the
generator is inactive. The current is sent in the update from k to k+1 while
origin+start < k+2 <= origin+stop (``StimulationDevice::is_active`` for current generators);
the recordable ``I`` is the current sent, 0 while inactive. Parity category A.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, BadProperty, Node
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import FOREVER, WINDOW, active_steps, check_window, fmt, tics_of_ms, tics_of_ms_stamp


def amplitude_stamps(times, allow_offgrid: bool, dt: float) -> np.ndarray:
    """Stamps in steps of one generator's amplitude times, with NEST's checks in NEST's order."""
    tps = TimeBase(dt).tics_per_step
    t = np.asarray(times, dtype=float).reshape(-1)
    tics = tics_of_ms(t)
    off = tics % tps != 0
    tics = np.where(off & allow_offgrid, tics_of_ms_stamp(t, tps), tics)
    previous = np.concatenate([[0], tics[:-1]])  # the first must lie after Time::ms(0)
    nonpositive = t <= 0.0
    offgrid = off & (not allow_offgrid)
    not_increasing = tics <= previous
    bad = nonpositive | offgrid | not_increasing
    if bad.any():  # the first bad time, with the first of NEST's checks it fails
        i = int(np.argmax(bad))
        if nonpositive[i]:
            raise BadProperty("Amplitude can only be changed at strictly positive times (t > 0).")
        if offgrid[i]:
            raise BadProperty(
                f"step_current_generator: Time point {fmt(t[i])} is not representable in current resolution."
            )
        raise BadProperty(
            "step_current_generator: amplitude times must be at strictly increasing time steps."
        )
    return tics // tps


class step_current_generator(Node):
    name = "step_current_generator"
    kind = "stimulator"
    emits = CURRENT
    params = (
        *WINDOW,
        Param("amplitude_times", [], u.ms, kind=object),
        Param("amplitude_values", [], u.pA, kind=object),
        Param("allow_offgrid_times", False, kind=bool),
    )
    state = (
        Param("I", 0.0, u.pA, hidden=True),
        Param("amplitude_now", 0.0, u.pA, hidden=True),  # NEST's B_.amp_: the value last changed to
    )
    recordables = ("I",)

    @classmethod
    def check(cls, p, dt):
        n = len(p["amplitude_times"])
        offgrid = np.broadcast_to(np.asarray(p["allow_offgrid_times"], bool), (n,))
        for i in range(n):  # per generator, on the host
            size = np.asarray(p["amplitude_times"][i], float).size
            if size != np.asarray(p["amplitude_values"][i], float).size:
                raise BadProperty("Amplitude times and values have to be the same size.")
            amplitude_stamps(p["amplitude_times"][i], offgrid[i], dt)
        check_window(p, dt)

    @classmethod
    def host_arrays(cls, host, dt):
        """Per generator: stamps of the changes and their values, padded to one matrix (a time off
        the grid reaches here only where allow_offgrid_times let :meth:`check` pass it)."""
        times, values = host["amplitude_times"], host["amplitude_values"]
        rows = [
            (amplitude_stamps(t, True, dt), np.asarray(v, float).reshape(-1))
            for t, v in zip(times, values, strict=True)
        ]
        width = max(1, max((s.size for s, _ in rows), default=1))
        stamps = np.full((len(rows), width), FOREVER, np.int64)
        amps = np.zeros((len(rows), width))
        for i, (s, v) in enumerate(rows):  # per generator, on the host
            stamps[i, : s.size], amps[i, : s.size] = s, v
        return {"change_stamps": stamps, "change_values": amps}

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max}

    @staticmethod
    def update(p, c, s, x, ctx):
        stamps = p["change_stamps"]
        i = jnp.minimum(
            jax.vmap(jnp.searchsorted)(stamps, jnp.full(stamps.shape[0], ctx.step + 1)), stamps.shape[1] - 1
        )
        change = jnp.take_along_axis(stamps, i[:, None], axis=1)[:, 0] == ctx.step + 1
        value = jnp.take_along_axis(p["change_values"], i[:, None], axis=1)[:, 0]
        amplitude = jnp.where(change, value, s["amplitude_now"])
        on = (c["t_min"] < ctx.step + 2) & (ctx.step + 2 <= c["t_max"])
        current = jnp.where(on, amplitude, 0.0)
        return {"I": current, "amplitude_now": amplitude}, current
