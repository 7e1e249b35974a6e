"""``sinusoidal_poisson_generator``: Poisson counts per target at a sinusoidally modulated rate (NEST
``models/sinusoidal_poisson_generator.{h,cpp}``).

The rate is ``rate + y_1``, clipped at 0, where (y_0, y_1) is a phasor of length ``amplitude`` that
is rotated by dt x omega in every step before the rate is formed (NEST's update, also while the
generator is inactive); NEST sets it to amplitude x (cos, sin)(omega t + phase) in ``pre_run_hook``,
at the start of every ``simulate`` call. Here it is set so at the first step and again where
``amplitude``, ``frequency`` or ``phase`` changed since (between calls): the rotation between calls
differs from NEST's new start by rounding only. NEST counts this model as a current generator in
``StimulationDevice::is_active``: the update from k to k+1 sends while origin+start < k+2 <=
origin+stop. Each target receives its own Poisson count of mean rate x dt, drawn as by
:mod:`poisson_generator`; with ``individual_spike_trains`` False (set on a copy of the model only,
as in NEST) all targets receive the same count, drawn once per step and generator. The recordable
``rate`` (spikes/s) is the rate of each step, active or not. Parity: ``rate`` category A, spikes
category E.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window
from .poisson_generator import poisson_counts

TWO_PI_PER_S = 2.0 * np.pi / 1000.0
"""Hz to radians per ms, as NEST scales ``frequency``."""


def refuse_individual_spike_trains(given) -> None:
    """NEST's refusal to set ``individual_spike_trains`` on a node rather than on the model."""
    if "individual_spike_trains" in given:
        raise BadProperty(
            "The individual_spike_trains property can only be set as a model default using SetDefaults "
            "or upon CopyModel."
        )


class sinusoidal_poisson_generator(Node):
    name = "sinusoidal_poisson_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    draw_width = 2  # the mean of individual trains, the count of a shared train (the other is 0)
    params = (
        *WINDOW,
        Param("rate", 0.0, u.Hz),
        Param("amplitude", 0.0, u.Hz),
        Param("frequency", 0.0, u.Hz),
        Param("phase", 0.0),
        Param("individual_spike_trains", True, kind=bool),
    )
    state = (
        Param("y_0", 0.0),
        Param("y_1", 0.0),
        Param("rate_now", 0.0, u.Hz, hidden=True),  # NEST's S_.rate_, the recordable rate
        # the phasor's parameters when it was last set (NaN: never, so the first step sets it)
        Param("set_amplitude", np.nan, hidden=True),
        Param("set_frequency", np.nan, hidden=True),
        Param("set_phase", np.nan, hidden=True),
    )
    recordables = ("rate",)

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @classmethod
    def check_change(cls, old, new, given):
        refuse_individual_spike_trains(given)

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        om = p["frequency"] * TWO_PI_PER_S
        return {
            "t_min": t_min,
            "t_max": t_max,
            "om": om,
            "phi": p["phase"] * (np.pi / 180.0),
            "amp": p["amplitude"] / 1000.0,
            "sin": jnp.sin(dt * om),
            "cos": jnp.cos(dt * om),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        t = ctx.step * ctx.dt
        fresh = (
            (s["set_amplitude"] != p["amplitude"])
            | (s["set_frequency"] != p["frequency"])
            | (s["set_phase"] != p["phase"])
        )
        y0 = jnp.where(fresh, c["amp"] * jnp.cos(c["om"] * t + c["phi"]), s["y_0"])
        y1 = jnp.where(fresh, c["amp"] * jnp.sin(c["om"] * t + c["phi"]), s["y_1"])
        y0, y1 = c["cos"] * y0 - c["sin"] * y1, c["sin"] * y0 + c["cos"] * y1
        rate = jnp.maximum(p["rate"] / 1000.0 + y1, 0.0)
        active = (c["t_min"] < ctx.step + 2) & (ctx.step + 2 <= c["t_max"]) & (rate > 0)
        new = {
            "y_0": y0,
            "y_1": y1,
            "rate_now": 1000.0 * rate,
            "set_amplitude": p["amplitude"],
            "set_frequency": p["frequency"],
            "set_phase": p["phase"],
        }
        mean = jnp.where(active, rate * ctx.dt, 0.0)
        own = p["individual_spike_trains"]
        shared = poisson_counts(jnp.where(own, 0.0, mean)[None, :], jnp.arange(mean.size), ctx.key[None])[0]
        return new, jnp.stack([jnp.where(own, mean, 0.0), shared], axis=1)

    @staticmethod
    def draw(value, lane, key):
        return poisson_counts(value[..., 0], lane, key) + value[:, lane, 1]

    @staticmethod
    def recordable(p, s, name):
        return s["rate_now"] if name == "rate" else s[name]
