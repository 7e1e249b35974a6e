"""``noise_generator``: a Gaussian noise current, independent per target, new every ``dt`` (NEST
``models/noise_generator.{h,cpp}``).

In the update from k to k+1, while origin+start < k+2 <= origin+stop (``is_active`` for current
generators): with ``std_mod`` != 0 the oscillator (y_0, y_1) = (cos, sin)(omega t + phi) is rotated
one step (NEST's rotation matrix; it is set from the time at the start of every ``simulate`` call,
NEST's ``pre_run_hook``, and stands still while the generator is inactive); if k has reached the
step of the next change (0 at first, then the step of the last change plus ``dt``, so a generator
that wakes from inactivity changes at once), every target gets a new amplitude
mean + sqrt(std^2 + y_1 std_mod^2) N(0, 1), and each target receives its amplitude. Inactive, it
sends nothing (0 pA) and keeps its amplitudes. Parity category E.

The amplitudes are drawn per target from a random key that the generator draws at each change
(keyed by (seed, step, generator)) and the target's port (the order in which the generator's
targets were connected, NEST's port), so they do not depend on how ``simulate`` is split.
``I`` is NEST's average of the amplitudes over the targets.

Divergences: ``I`` is the amplitude of the first target (port 0), which is NEST's average where the
generator has one target; NEST averages over all targets (and records 0 without targets). NEST
draws new amplitudes at once when targets were added between calls; nestjax at the next change.
At a resolution that does not divide the default ``dt`` (1 ms), NEST's default is 10 steps: nestjax
uses 10 steps too, but shows 1 ms.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, BadProperty, Node
from nestjax.timebase import TICS_PER_MS, TimeBase
from nestjax.units import Param

from .ac_generator import call_number, oscillator, rotate, start_value, unfused
from .device_window import WINDOW, active_steps, check_window, fmt

DEFAULT_DT = 1.0
"""NEST's default ``dt``: 10 steps of the resolution the kernel starts with (0.1 ms)."""


def _time(t: float, tps: int) -> str:
    """A time as NEST's messages print it: ms, tics, steps."""
    tics = int(np.trunc(t * TICS_PER_MS + 0.5))
    steps = -(-tics // tps)
    return f"{fmt(tics / TICS_PER_MS)} ms (= {tics} tics = {steps} step{'' if steps == 1 else 's'})"


def port_keys(words, port):
    """The key of target ``port`` from a generator's random words (two 32-bit numbers)."""
    base = jax.random.fold_in(jax.random.fold_in(jax.random.key(0), words[0]), words[1])
    return jax.random.fold_in(base, port)


class noise_generator(Node):
    name = "noise_generator"
    kind = "stimulator"
    emits = CURRENT
    per_target = True
    draw_width = 5  # active, the mean and the standard deviation at the last change, its words
    params = (
        *WINDOW,
        Param("mean", 0.0, u.pA),
        Param("std", 0.0, u.pA),
        Param("dt", DEFAULT_DT, u.ms),
        Param("std_mod", 0.0, u.pA),
        Param("frequency", 0.0, u.Hz),
        Param("phase", 0.0),
    )
    state = (
        Param("y_0", 0.0),
        Param("y_1", 0.0),
        Param("I", 0.0, u.pA, hidden=True),
        Param("call", 0.0, hidden=True),  # the call_number of the last step
        Param("next_change", 0.0, hidden=True),  # NEST's B_.next_step_
        Param("mean_now", 0.0, hidden=True),  # mean and standard deviation of the last change
        Param("std_now", 0.0, hidden=True),
        Param("word_0", 0.0, hidden=True),  # the last change's random words
        Param("word_1", 0.0, hidden=True),
    )
    recordables = ("I",)

    @classmethod
    def check(cls, p, dt):
        std, std_mod = np.asarray(p["std"]), np.asarray(p["std_mod"])
        if np.any(std < 0) or np.any(std_mod < 0):
            raise BadProperty("The standard deviation cannot be negative.")
        if np.any(std_mod > std):
            raise BadProperty("The modulation apmlitude must be smaller or equal to the baseline amplitude.")
        tb = TimeBase(dt)
        step = np.asarray(p["dt"], float)
        bad = (~tb.on_grid(step) | (step <= 0)) & (step != DEFAULT_DT)
        if np.any(bad):
            raise BadProperty(
                f"The time property dt = {_time(float(step[bad][0]), tb.tics_per_step)} of model "
                f"{cls.name} must be a multiple of the resolution {_time(tb.dt, tb.tics_per_step)}."
            )
        check_window(p, dt)

    @classmethod
    def host_arrays(cls, host, dt):
        return call_number()

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        tps = round(dt * TICS_PER_MS)
        tics = jnp.trunc(p["dt"] * TICS_PER_MS + 0.5).astype(jnp.int64)
        every = jnp.where((tics > 0) & (tics % tps == 0), tics // tps, 10)
        return {"t_min": t_min, "t_max": t_max, "every": every, **oscillator(p["frequency"], p["phase"], dt)}

    @staticmethod
    def update(p, c, s, x, ctx):
        k = ctx.step
        cos, sin = start_value(c, k, ctx.dt)
        fresh = s["call"] != p["call"]  # the first step of a call: NEST's pre_run_hook sets y
        y0, y1 = jnp.where(fresh, cos, s["y_0"]), jnp.where(fresh, sin, s["y_1"])
        active = (c["t_min"] < k + 2) & (k + 2 <= c["t_max"])
        turned = rotate(c, y0, y1)
        modulated = active & (p["std_mod"] != 0.0)
        y0, y1 = jnp.where(modulated, turned[0], y0), jnp.where(modulated, turned[1], y1)
        change = active & (k >= s["next_change"])
        std = jnp.sqrt(unfused(p["std"] * p["std"]) + unfused(unfused(y1 * p["std_mod"]) * p["std_mod"]))
        words = jax.vmap(lambda key: jax.random.bits(key, (2,), jnp.uint32))(ctx.node_keys())
        new = {
            "next_change": jnp.where(change, k + c["every"], s["next_change"]),
            "mean_now": jnp.where(change, p["mean"], s["mean_now"]),
            "std_now": jnp.where(change, std, s["std_now"]),
            "word_0": jnp.where(change, words[:, 0].astype(jnp.float64), s["word_0"]),
            "word_1": jnp.where(change, words[:, 1].astype(jnp.float64), s["word_1"]),
        }
        first = jax.vmap(lambda w0, w1: jax.random.normal(port_keys((w0, w1), 0)))(
            new["word_0"].astype(jnp.uint32), new["word_1"].astype(jnp.uint32)
        )
        current = jnp.where(active, unfused(new["std_now"] * first) + new["mean_now"], 0.0)
        state = {"y_0": y0, "y_1": y1, "I": current, "call": jnp.broadcast_to(p["call"], y0.shape), **new}
        out = jnp.stack(
            [active.astype(jnp.float64), new["mean_now"], new["std_now"], new["word_0"], new["word_1"]]
        )
        return state, out.T

    @staticmethod
    def draw(value, lane, key):
        """Each connection's amplitude: its source's mean and standard deviation of the last change
        and a normal number from the change's words and the connection's port (its rank among
        its source's connections, in the order made); 0 where the source is inactive."""
        order = jnp.argsort(lane, stable=True)
        first = jnp.searchsorted(lane[order], lane[order], side="left")
        port = jnp.zeros_like(lane).at[order].set(jnp.arange(lane.size) - first)
        v = value[:, lane, :]  # (steps, connections, draw_width)
        words = v[..., 3:].astype(jnp.uint32)
        z = jax.vmap(jax.vmap(lambda w, n: jax.random.normal(port_keys(w, n))), in_axes=(0, None))(
            words, port
        )
        return jnp.where(v[..., 0] > 0, unfused(v[..., 2] * z) + v[..., 1], 0.0)
