"""``inhomogeneous_poisson_generator``: Poisson counts per target at a piecewise constant rate (NEST
``models/inhomogeneous_poisson_generator.{h,cpp}``).

``rate_times`` are absolute times made stamps on the grid when set (and shown so): ``Time::ms(t)``
if that is a whole number of steps, else, with ``allow_offgrid_times``, the end of the step in which
t lies, else an error; times must lie after the current time (0 for the checks here) and their
stamps increase strictly. The rate takes the value of a stamp s in the update from s-1 to s and
keeps it, also while the generator is inactive (a stamp already past is never applied). In the
update from k to k+1, while origin+start < k <= origin+stop and the rate is positive, each target
receives its own Poisson count of mean rate x dt, drawn as by :mod:`poisson_generator`. Parity
category E.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import FOREVER, WINDOW, active_steps, check_window, fmt, tics_of_ms, tics_of_ms_stamp
from .poisson_generator import poisson_counts


def rate_stamps(times, allow_offgrid: bool, dt: float) -> np.ndarray:
    """Stamps in steps of one generator's rate times, with NEST's checks in NEST's order."""
    tps = TimeBase(dt).tics_per_step
    t = np.asarray(times, dtype=float).reshape(-1)
    tics = tics_of_ms(t)
    off = tics % tps != 0
    tics = np.where(off & allow_offgrid, tics_of_ms_stamp(t, tps), tics)
    past = t <= 0.0
    offgrid = off & (not allow_offgrid)
    not_increasing = np.concatenate([[False], tics[1:] <= tics[:-1]])
    bad = past | offgrid | not_increasing
    if bad.any():  # the first bad time, with the first of NEST's checks it fails
        i = int(np.argmax(bad))
        if past[i]:
            raise BadProperty("Time points must lie strictly in the future.")
        if offgrid[i]:
            raise BadProperty(
                f"inhomogeneous_poisson_generator: Time point {fmt(t[i])} is not representable in "
                "current resolution."
            )
        raise BadProperty("Rate times must be strictly increasing.")
    return tics // tps


class inhomogeneous_poisson_generator(Node):
    name = "inhomogeneous_poisson_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    params = (
        *WINDOW,
        Param("rate_times", [], u.ms, kind=object),
        Param("rate_values", [], u.Hz, kind=object),
        Param("allow_offgrid_times", False, kind=bool),
    )
    state = (Param("rate_now", 0.0, u.Hz, hidden=True),)  # NEST's B_.rate_: the value last changed to

    @classmethod
    def check(cls, p, dt):
        n = len(p["rate_times"])
        offgrid = np.broadcast_to(np.asarray(p["allow_offgrid_times"], bool), (n,))
        for i in range(n):  # per generator, on the host
            rate_stamps(p["rate_times"][i], offgrid[i], dt)
        check_window(p, dt)

    @classmethod
    def check_change(cls, old, new, given):
        """NEST's ``Parameters_::set``: the off-grid flag changes only with new rate times or while
        there are none; times and values are given together and have the same size."""
        times = "rate_times" in given
        if "allow_offgrid_times" in given and not times:
            changed = np.asarray(new["allow_offgrid_times"]) != np.asarray(old["allow_offgrid_times"])
            if np.any(changed & np.array([len(t) > 0 for t in old["rate_times"]])):
                raise BadProperty(
                    "Option can only be set together with rate times or if no rate times have been set."
                )
        if times != ("rate_values" in given):
            raise BadProperty("Rate times and values must be reset together.")
        for t, v in zip(new["rate_times"], new["rate_values"], strict=True):
            if np.asarray(t, float).size != np.asarray(v, float).size:
                raise BadProperty("Rate times and values have to be the same size.")

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        """NEST refuses rate times that are not after the current time, and keeps (and shows) the
        others as their stamps on the grid."""
        if "rate_times" not in given:
            return {}
        tb = TimeBase(dt)
        if any(np.any(np.asarray(t, float) <= tb.ms_of(now)) for t in new["rate_times"]):
            raise BadProperty("Time points must lie strictly in the future.")
        offgrid = np.broadcast_to(np.asarray(new["allow_offgrid_times"], bool), (len(new["rate_times"]),))
        return {
            "rate_times": [
                [float(x) for x in tb.ms_of(rate_stamps(t, allow, dt))]
                for t, allow in zip(new["rate_times"], offgrid, strict=True)
            ]
        }

    @classmethod
    def host_arrays(cls, host, dt):
        """Per generator: stamps of the changes and their rates, padded to one matrix (a time off
        the grid reaches here only where allow_offgrid_times let :meth:`check` pass it)."""
        rows = [
            (rate_stamps(t, True, dt), np.asarray(v, float).reshape(-1))
            for t, v in zip(host["rate_times"], host["rate_values"], strict=True)
        ]
        width = max(1, max((s.size for s, _ in rows), default=1))
        stamps = np.full((len(rows), width), FOREVER, np.int64)
        rates = np.zeros((len(rows), width))
        for i, (s, v) in enumerate(rows):  # per generator, on the host
            stamps[i, : s.size], rates[i, : s.size] = s, v
        return {"change_stamps": stamps, "change_rates": rates}

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
        rate = jnp.where(
            change, jnp.take_along_axis(p["change_rates"], i[:, None], axis=1)[:, 0], s["rate_now"]
        )
        active = (c["t_min"] < ctx.step) & (ctx.step <= c["t_max"]) & (rate > 0)
        return {"rate_now": rate}, jnp.where(active, rate * ctx.dt * 1e-3, 0.0)

    @staticmethod
    def draw(value, lane, key):
        return poisson_counts(value, lane, key)
