"""NEST's time base: tics of 1 microsecond, steps of the resolution, and its rounding rules."""

from __future__ import annotations

import math

import brainunit as u
import numpy as np

TICS_PER_MS = 1000


def ms(value, name: str = "time") -> float:
    """A time given as a quantity or a bare number of ms, as a float in ms."""
    if isinstance(value, u.Quantity):
        if u.get_dim(value) != u.get_dim(u.ms):
            raise ValueError(f"{name} expects a time, got {value}")
        return float(value.to_decimal(u.ms))
    return float(value)


def to_tics(t_ms):
    """NEST's ``Time(Time::ms(t))``: ms to tics, rounding half up."""
    return np.floor(np.asarray(t_ms, dtype=float) * TICS_PER_MS + 0.5).astype(np.int64)


class TimeBase:
    """Conversions at one resolution ``dt`` (ms), following ``nestkernel/nest_time.h``."""

    def __init__(self, dt_ms: float):
        tics = int(to_tics(dt_ms))
        if tics < 1:
            raise ValueError(f"the resolution must be at least one tic (0.001 ms), got {dt_ms} ms")
        if not math.isclose(tics / TICS_PER_MS, dt_ms, rel_tol=0, abs_tol=1e-12):
            raise ValueError(f"the resolution must be a multiple of 0.001 ms, got {dt_ms} ms")
        self.tics_per_step = tics
        self.dt = tics / TICS_PER_MS

    def steps_ceil(self, t_ms):
        """``Time(Time::ms(t)).get_steps()``: tics rounded up to whole steps (t_ref, start, stop)."""
        tics = to_tics(t_ms)
        return -((-tics) // self.tics_per_step)

    def ms_of(self, steps):
        """Time in ms of a step count, as NEST's ``Time::get_ms`` reports it."""
        return np.asarray(steps, dtype=np.int64) * self.tics_per_step * (1.0 / TICS_PER_MS)

    def delay_steps(self, d_ms):
        """``Time::delay_ms_to_steps``: ``floor(d * STEPS_PER_MS + 0.5)`` with
        ``STEPS_PER_MS = 1 / (tics_per_step / TICS_PER_MS)`` (1.45 ms -> 15 steps at 0.1 ms, where
        ``floor(1.45 / 0.1 + 0.5)`` would give 14)."""
        steps_per_ms = 1.0 / (self.tics_per_step / TICS_PER_MS)
        return np.floor(np.asarray(d_ms, dtype=float) * steps_per_ms + 0.5).astype(np.int64)

    def on_grid(self, t_ms) -> np.ndarray:
        """Whether times are whole numbers of steps at the tic time base."""
        return to_tics(t_ms) % self.tics_per_step == 0

    def whole_steps_array(self, t_ms) -> np.ndarray:
        """Steps of times already known to lie on the grid."""
        return to_tics(t_ms) // self.tics_per_step

    def whole_steps(self, t_ms: float, what: str) -> int:
        """Steps in ``t_ms``, which must be a whole number of steps (NEST's Simulate check)."""
        if not bool(self.on_grid(t_ms)):
            raise ValueError(
                f"{what} = {t_ms} ms is not a multiple of the resolution {self.dt} ms "
                f"(NEST's time base is 1 tic = 0.001 ms)"
            )
        return int(to_tics(t_ms) // self.tics_per_step)


def steps_ceil(t_ms, dt: float):
    """``Time(Time::ms(t)).get_steps()`` for NumPy or JAX arrays (used inside ``prepare``)."""
    tps = round(dt * TICS_PER_MS)
    tics = (t_ms * TICS_PER_MS + 0.5) // 1
    return -((-tics) // tps)
