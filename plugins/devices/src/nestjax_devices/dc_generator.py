"""``dc_generator``: a constant current while active (NEST ``models/dc_generator.cpp``).

A current generator is active in the update from k to k+1 where origin+start < k+2 <= origin+stop
(``StimulationDevice::is_active`` for current generators). Parity category A.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.model import CURRENT, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window


class dc_generator(Node):
    name = "dc_generator"
    kind = "stimulator"
    emits = CURRENT
    params = (*WINDOW, Param("amplitude", 0.0, u.pA))
    state = (Param("I", 0.0, u.pA, hidden=True),)
    recordables = ("I",)

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max}

    @staticmethod
    def update(p, c, s, x, ctx):
        on = (c["t_min"] < ctx.step + 2) & (ctx.step + 2 <= c["t_max"])
        current = jnp.where(on, p["amplitude"], 0.0)
        return {"I": current}, current
