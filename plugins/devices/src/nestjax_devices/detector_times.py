"""The time parameters of NEST's correlation detectors: bin width ``delta_tau``, one-sided width
``tau_max`` and the counting window ``Tstart`` .. ``Tstop`` (``models/correlation_detector.cpp``,
``correlomatrix_detector.cpp``, ``correlospinmatrix_detector.cpp``), in NEST's ``Time`` arithmetic.
"""

from __future__ import annotations

import brainunit as u
import numpy as np

from nestjax.model import BadProperty
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import active_steps, fmt, tics_of_ms

RESET_BY = frozenset({"delta_tau", "tau_max", "Tstart", "Tstop"})
"""Setting any of these (any value) clears a detector's results (NEST's ``State_::reset``)."""


def time_params(delta_tau: float) -> tuple[Param, ...]:
    """``delta_tau`` (default at 0.1 ms resolution), ``tau_max`` = 10 ``delta_tau``, ``Tstart``,
    ``Tstop``."""
    return (
        Param("delta_tau", delta_tau, u.ms),
        Param("tau_max", 10 * delta_tau, u.ms),
        Param("Tstart", 0.0, u.ms),
        Param("Tstop", np.inf, u.ms),
    )


def tics(t_ms) -> int:
    """``Time::ms(t).get_tics()``; +-inf stay infinite."""
    t = float(t_ms)
    return (
        int(tics_of_ms(t))
        if np.isfinite(t)
        else (np.iinfo(np.int64).max if t > 0 else np.iinfo(np.int64).min)
    )


def steps(t_ms, dt: float) -> int:
    """``Time::ms(t).get_steps()``: tics rounded up to whole steps."""
    tps = TimeBase(dt).tics_per_step
    return int((tics(t_ms) + tps - 1) * (1.0 / tps))


def show(t_ms, dt: float) -> str:
    """A time as NEST's messages print it: ``0.25 ms (= 250 tics = 3 steps)``."""
    k, n = tics(t_ms), steps(t_ms, dt)
    return f"{fmt(k / 1000.0)} ms (= {k} tics = {n} step{'' if n == 1 else 's'})"


def default_delta_tau(given: frozenset, old_delta_tau, dt: float, per_step: float):
    """A new node's bin width: the model's default unless it is no whole number of steps at this
    resolution, then ``per_step`` times the resolution (NEST recalibrates the default so)."""
    if "delta_tau" in given:
        return None
    tps = TimeBase(dt).tics_per_step
    bad = np.array([tics(v) <= 0 or tics(v) % tps != 0 for v in np.atleast_1d(old_delta_tau)])
    return np.where(bad, per_step * dt, old_delta_tau) if bad.any() else None


def check_times(model: str, delta_tau: float, tau_max: float, dt: float) -> None:
    """NEST's checks of ``Parameters_::set``: ``delta_tau`` a positive whole number of steps,
    ``tau_max`` a multiple of it."""
    tps = TimeBase(dt).tics_per_step
    d, t = tics(delta_tau), tics(tau_max)
    if not (d > 0 and d % tps == 0):
        raise BadProperty(
            f"The time property delta_tau = {show(delta_tau, dt)} of model {model} must be a multiple "
            f"of the resolution {show(dt, dt)}."
        )
    if t % d != 0:
        raise BadProperty(
            f"In model {model}, the time property tau_max = {show(tau_max, dt)} must be multiple of "
            f"time property delta_tau = {show(delta_tau, dt)}."
        )


def in_window(stamp: np.ndarray, Tstart, Tstop, dt: float) -> np.ndarray:
    """``Tstart <= stamp <= Tstop`` as NEST compares times (in tics)."""
    k = np.asarray(stamp, np.int64) * TimeBase(dt).tics_per_step
    return (tics(Tstart) <= k) & (k <= tics(Tstop))


def active(stamp: np.ndarray, p: dict, dt: float) -> np.ndarray:
    """Whether a detector is active for events stamped ``stamp``: origin+start < stamp <=
    origin+stop (``PseudoRecordingDevice::is_active``)."""
    t_min, t_max = (
        int(t) for t in active_steps({k: np.asarray(p[k], float) for k in ("origin", "start", "stop")}, dt)
    )
    return (stamp > t_min) & (stamp <= t_max)
