"""``ac_generator``: a sinusoidal current, offset + amplitude sin(omega t + phi) (NEST
``models/ac_generator.{h,cpp}``).

The oscillator (y_0, y_1) = amplitude (cos, sin)(omega t + phi) is advanced every step by NEST's
rotation matrix, also while the generator is inactive (start/stop only window it); the update from
k to k+1 first rotates, then sends y_1 + offset while origin+start < k+2 <= origin+stop
(``StimulationDevice::is_active`` for current generators). ``I`` is the current sent, 0 while
inactive. Parity category A.

NEST sets the oscillator from the current time at the start of every ``Simulate`` call
(``pre_run_hook``), and so does nestjax: :func:`call_number` tells the update which step is the
first of a call.
"""

from __future__ import annotations

import itertools

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, Node
from nestjax.timebase import TICS_PER_MS
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window

_CALLS = itertools.count(1)


def call_number() -> dict:
    """``{"call": n}``, n new at every ``simulate`` call, for :meth:`~nestjax.model.Node.host_arrays`
    (which runs before each call): an update that keeps the number it last saw in its state finds
    the first step of a call where they differ, the step of NEST's ``pre_run_hook``."""
    return {"call": np.float64(next(_CALLS))}


def unfused(x):
    """``x`` as computed, kept out of a fused multiply-add: XLA contracts ``a*b + c*d`` into one
    rounding where NEST rounds each product (the select changes nothing for any value)."""
    return jnp.where(jnp.isfinite(x), x, x * jnp.inf)


def _divide(num, den: float):
    """``num / den`` correctly rounded: XLA multiplies by the rounded reciprocal of a constant
    divisor, so the divisor is made a runtime value (``den`` for finite ``num``, 1 otherwise,
    which gives the same non-finite result)."""
    return num / jnp.where(jnp.isfinite(num), den, 1.0)


def oscillator(frequency, phase, dt: float) -> dict:
    """NEST's omega (1/ms) and phase (rad) in its arithmetic, and the rotation by omega dt."""
    omega = _divide(2.0 * np.pi * frequency, 1000.0)
    h = round(dt * TICS_PER_MS) * (1.0 / TICS_PER_MS)  # Time::get_resolution().get_ms()
    phi = _divide(phase * 2.0 * np.pi, 360.0)
    return {"omega": omega, "phi": phi, "cos": jnp.cos(omega * h), "sin": jnp.sin(omega * h)}


def rotate(c: dict, y0, y1):
    """One step of the oscillator: (y_0, y_1) rotated by omega dt, each product rounded."""
    return (
        unfused(c["cos"] * y0) - unfused(c["sin"] * y1),
        unfused(c["sin"] * y0) + unfused(c["cos"] * y1),
    )


def start_value(c: dict, step, dt: float):
    """(cos, sin)(omega t + phi) at the start of ``step`` (``t`` as ``Time::get_ms()``)."""
    arg = unfused(c["omega"] * ((1.0 / TICS_PER_MS) * (step * round(dt * TICS_PER_MS)))) + c["phi"]
    return jnp.cos(arg), jnp.sin(arg)


class ac_generator(Node):
    name = "ac_generator"
    kind = "stimulator"
    emits = CURRENT
    params = (
        *WINDOW,
        Param("amplitude", 0.0, u.pA),
        Param("offset", 0.0, u.pA),
        Param("frequency", 0.0, u.Hz),
        Param("phase", 0.0),
    )
    state = (
        Param("y_0", 0.0, u.pA),
        Param("y_1", 0.0, u.pA),
        Param("I", 0.0, u.pA, hidden=True),
        Param("call", 0.0, hidden=True),  # the call_number of the last step
    )
    recordables = ("I",)

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @classmethod
    def host_arrays(cls, host, dt):
        return call_number()

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max, **oscillator(p["frequency"], p["phase"], dt)}

    @staticmethod
    def update(p, c, s, x, ctx):
        fresh = s["call"] != p["call"]  # the first step of a call: NEST's pre_run_hook sets y
        cos, sin = start_value(c, ctx.step, ctx.dt)
        y0 = jnp.where(fresh, p["amplitude"] * cos, s["y_0"])
        y1 = jnp.where(fresh, p["amplitude"] * sin, s["y_1"])
        y0, y1 = rotate(c, y0, y1)
        on = (c["t_min"] < ctx.step + 2) & (ctx.step + 2 <= c["t_max"])
        current = jnp.where(on, y1 + p["offset"], 0.0)
        return {"y_0": y0, "y_1": y1, "I": current, "call": jnp.broadcast_to(p["call"], y0.shape)}, current
