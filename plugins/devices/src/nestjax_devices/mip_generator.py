"""``mip_generator``: a multiple interaction process (NEST ``models/mip_generator.{h,cpp}``).

Each generator draws one mother train, a Poisson count of mean rate x dt per step, shared by all
its targets (keyed by (seed, step, generator)); each target receives each mother spike with
probability ``p_copy``, independently of the others (NEST's Bernoulli trials per mother spike: a
binomial count per target), as one event of that multiplicity. NEST decides whether the generator
is active once per update slice, at its start T (a multiple of min_delay): the updates from k to k+1
of a slice send while origin+start < T <= origin+stop, so the window's edges move to slice
boundaries. Parity category E.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window
from .gamma_sup_generator import counts
from .poisson_generator import poisson_counts


class mip_generator(Node):
    name = "mip_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    draw_width = 2  # the mother train's count, p_copy
    params = (*WINDOW, Param("rate", 0.0, u.Hz), Param("p_copy", 1.0))

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["rate"]) < 0):
            raise BadProperty("Rate must be non-negative.")
        p_copy = np.asarray(p["p_copy"])
        if np.any((p_copy < 0) | (p_copy > 1)):
            raise BadProperty("Copy probability must be in [0, 1].")
        check_window(p, dt)

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max, "mean": dt * p["rate"] * 1e-3}

    @staticmethod
    def update(p, c, s, x, ctx):
        origin = ctx.step - ctx.step % ctx.min_delay  # the start of NEST's update slice
        active = (c["t_min"] < origin) & (origin <= c["t_max"]) & (p["rate"] > 0)
        n = ctx.gids.size
        mother = poisson_counts(jnp.where(active, c["mean"], 0.0)[None, :], jnp.arange(n), ctx.key[None])[0]
        return s, jnp.stack([mother, p["p_copy"]], axis=1)

    @staticmethod
    def draw(value, lane, key):
        mother, p_copy = value[:, lane, 0], value[:, lane, 1]
        return jax.vmap(counts)(key, mother, p_copy, jnp.zeros(mother.shape, bool))
