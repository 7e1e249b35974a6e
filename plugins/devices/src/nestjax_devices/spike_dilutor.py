"""``spike_dilutor``: repeats each spike of its mother process to each target with probability
``p_copy`` (NEST ``models/spike_dilutor.{h,cpp}``).

Spikes arriving on port 0 in the update from k to k+1 (their multiplicity counts, the weight does
not) are the mother spikes of that step; each target receives each of them independently with
probability ``p_copy`` (NEST's Bernoulli trial per mother spike and target: a binomial count per
target, drawn as mip_generator's, keyed by (seed, step, connection)), as one event of that
multiplicity stamped k+1. NEST decides whether the dilutor is active once per update slice, at
its origin T (a multiple of min_delay): origin+start < T <= origin+stop. Parity category E (D
with ``p_copy`` = 1).

Divergence: NEST reads its input buffer only while active, so spikes that arrive while it is
inactive stay there and come out, added to later input, at a later active step that lies a
multiple of (min_delay + max_delay) steps after their arrival; nestjax drops them.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window
from .mip_generator import mip_generator


class spike_dilutor(Node):
    name = "spike_dilutor"
    kind = "stimulator"
    emits = SPIKE
    reads_weight = False
    per_target = True
    draw_width = 2  # the mother spikes of the step, p_copy
    channels = ("spikes",)
    params = (*WINDOW, Param("p_copy", 1.0))

    @classmethod
    def check(cls, p, dt):
        p_copy = np.asarray(p["p_copy"])
        if np.any((p_copy < 0) | (p_copy > 1)):
            raise BadProperty("Copy probability must be in [0, 1].")
        check_window(p, dt)

    @classmethod
    def route(cls, event, receptor, weight):
        if event != SPIKE:
            return super().route(event, receptor, weight)
        cls.check_receptors(receptor, [0])
        return np.zeros(np.shape(receptor), np.int64), np.ones(np.shape(weight))

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max}

    @staticmethod
    def update(p, c, s, x, ctx):
        origin = ctx.step - ctx.step % ctx.min_delay  # the start of NEST's update slice
        active = (c["t_min"] < origin) & (origin <= c["t_max"])
        mother = jnp.where(active, x["spikes"], 0.0)
        return s, jnp.stack([mother, p["p_copy"]], axis=1)

    draw = staticmethod(mip_generator.draw)
