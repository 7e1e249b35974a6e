"""``ignore_and_fire``: fires at a fixed ``rate`` from a given ``phase``, ignoring all input.

Follows NEST ``models/ignore_and_fire.{h,cpp}``: the firing period is ``Time(ms(1000 / rate))``
in steps and the steps to the first spike ``Time(ms(1000 phase / rate))``, both rounded up to
whole steps; a step whose counter is zero fires and restarts it at period - 1, any other step
counts down. As NEST, the counter is recomputed whenever the node's status is set (a ``set``
marks it for a restart).
Spikes and currents are accepted on receptor 0 and ignored. Parity category D.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param


class ignore_and_fire(Node):
    name = "ignore_and_fire"
    params = (
        Param("phase", 1.0),
        Param("rate", 10.0, u.Hz),
    )
    state = (
        Param("phase_steps", 0, kind=int, hidden=True),
        Param("restart", True, kind=bool, hidden=True),  # recompute the counter from phase and rate
    )

    @classmethod
    def check(cls, p, dt):
        if np.any(p["phase"] <= 0.0) or np.any(p["phase"] > 1.0):
            raise BadProperty("Phase must be > 0 and <= 1.")
        if np.any(p["rate"] <= 0.0):
            raise BadProperty("Firing rate must be > 0.")

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        return {"restart": np.ones(len(np.asarray(new["rate"])), bool)}

    @classmethod
    def route(cls, event, receptor, weight):
        if event in (SPIKE, CURRENT):
            cls.check_receptors(receptor, [0])
            return np.full(np.shape(weight), -1), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        return {
            "period_steps": steps_ceil(1.0 / p["rate"] * 1000.0, dt).astype(jnp.int64),
            "initial_steps": steps_ceil(p["phase"] / p["rate"] * 1000.0, dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        steps = jnp.where(s["restart"], c["initial_steps"], s["phase_steps"])
        spike = steps == 0
        state = {
            "phase_steps": jnp.where(spike, c["period_steps"] - 1, steps - 1),
            "restart": jnp.zeros_like(s["restart"]),
        }
        return state, spike.astype(jnp.float64)
