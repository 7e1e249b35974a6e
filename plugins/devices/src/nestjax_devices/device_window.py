"""Parameters every NEST device has: ``origin``, ``start``, ``stop`` (``nestkernel/device.cpp``)."""

from __future__ import annotations

import brainunit as u
import numpy as np

from nestjax.model import BadProperty
from nestjax.timebase import TimeBase
from nestjax.units import Param

WINDOW = (
    Param("origin", 0.0, u.ms),
    Param("start", 0.0, u.ms),
    Param("stop", np.inf, u.ms),
)


def check_window(p, dt: float) -> None:
    """NEST's checks: finite times on the grid, ``stop >= start``."""
    tb = TimeBase(dt)
    for name in ("origin", "start", "stop"):
        v = np.asarray(p[name], float)
        if not np.all(tb.on_grid(np.where(np.isfinite(v), v, 0.0))):
            raise BadProperty(f"{name} must be a multiple of the simulation resolution.")
    if np.any(np.asarray(p["stop"]) < np.asarray(p["start"])):
        raise BadProperty("stop >= start required.")


FOREVER = np.iinfo(np.int64).max // 4


def active_steps(p, dt: float):
    """(t_min, t_max) in steps, NEST's ``Device::calibrate``: origin+start and origin+stop."""
    import jax.numpy as jnp

    from nestjax.timebase import steps_ceil

    end = p["origin"] + p["stop"]
    t_min = steps_ceil(p["origin"] + p["start"], dt).astype(jnp.int64)
    t_max = jnp.where(jnp.isfinite(end), steps_ceil(jnp.where(jnp.isfinite(end), end, 0.0), dt), FOREVER)
    return t_min, t_max.astype(jnp.int64)


def tics_of_ms(t) -> np.ndarray:
    """``Time(Time::ms(t)).get_tics()``: NEST adds half a tic and casts to an integer, which
    truncates toward zero (so -1.0 ms becomes -999 tics, off the grid, as NEST finds it)."""
    return np.trunc(np.asarray(t, dtype=float) * 1000.0 + 0.5).astype(np.int64)


def tics_of_ms_stamp(t, tics_per_step: int) -> np.ndarray:
    """``Time(Time::ms_stamp(t)).get_tics()``: the end of the step in which ``t`` lies
    (``Time::fromstamp``: truncate to tics, then to a step toward zero, and add a step if the
    result, in NEST's floating-point arithmetic, lies before ``t``)."""
    t = np.asarray(t, dtype=float)
    n = np.trunc(t * 1000.0).astype(np.int64)
    n = n - np.fmod(n, tics_per_step)
    back = n * (1.0 / tics_per_step) * (tics_per_step / 1000.0)
    return np.where(back < t, n + tics_per_step, n)


def fmt(t: float) -> str:
    """A number as NEST's messages print it (C++ stream default: 6 significant digits)."""
    return f"{float(t):g}"
