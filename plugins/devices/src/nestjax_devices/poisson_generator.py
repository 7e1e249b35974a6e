"""``poisson_generator``: independent Poisson counts per target (NEST ``models/poisson_generator.{h,cpp}``).

In the update from k to k+1, while origin+start < k <= origin+stop (``StimulationDevice::is_active``
for spike generators, applied to the step k, so the first event is stamped one step after
origin+start+dt), each target receives its own Poisson count with mean ``rate`` x dt, sent as one
event of that multiplicity (none where the count is 0). Counts are independent per target and per
step: each comes from a key of (seed, step, connection). Parity category E.

The draw is an exact inverse-CDF search from one uniform per count: the cumulative sum
p(0) + p(1) + ... with p(0) = exp(-mean) and p(k) = p(k-1) mean / k, in float64, until it reaches
the uniform (its rounding error, below 1e-14 for means up to :data:`PIECE`, could change a count
with at most that probability). NEST allows any rate >= 0; a larger mean is split into pieces of at
most :data:`PIECE`, each drawn the same way from a uniform of its own, and their counts added (a sum
of independent Poisson counts is a Poisson count of the summed mean), so every mean is drawn
exactly, at a cost that grows linearly with the mean (about two loop iterations per unit) only
above :data:`PIECE` (rates above 300 kHz at dt = 0.1 ms). Not ``jax.random.poisson``: it costs about
five times as much per draw at the usual means (~1) and adds seconds to each compilation; and a
search that starts near the mean would need the CDF there, which
``jax.scipy.special.gammaincc`` gives only to ~1e-9 at a mean of 1e6.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window

PIECE = 30.0
"""Largest mean one inverse-CDF search draws; larger means are split into pieces of this size."""


def poisson_inverse_cdf(mean, uniform):
    """The smallest k with P(X <= k) >= ``uniform`` for X ~ Poisson(``mean``), elementwise.

    A vectorised search from k = 0; a lane stops when the sum reaches its uniform or no longer
    grows in float64 (the far tail), so the loop ends for every uniform in [0, 1)."""
    p0 = jnp.exp(-mean)

    def more(k, p, F):
        nxt = p * mean / (k + 1.0)
        return (uniform > F) & (F + nxt > F), nxt

    def cond(c):
        k, p, F = c
        return jnp.any(more(k, p, F)[0])

    def body(c):
        k, p, F = c
        go, nxt = more(k, p, F)
        return jnp.where(go, k + 1.0, k), jnp.where(go, nxt, p), jnp.where(go, F + nxt, F)

    k, _, _ = lax.while_loop(cond, body, (jnp.zeros_like(mean), p0, p0))
    return k


def uniform(key):
    return jax.vmap(lambda k: jax.random.uniform(k, dtype=jnp.float64))(key)


def poisson_counts(mean, key):
    """One Poisson count per (mean, key): the inverse-CDF search from ``uniform(key)`` for a mean
    up to :data:`PIECE`; a larger mean as the sum of searches over pieces of at most PIECE, the
    j-th (j >= 1) from a uniform of ``fold_in(key, j)``."""
    counts = poisson_inverse_cdf(jnp.minimum(mean, PIECE), uniform(key))

    def more(c):
        j, _ = c
        return jnp.any(mean > j * PIECE)

    def piece(c):
        j, total = c
        m = jnp.clip(mean - j * PIECE, 0.0, PIECE)
        u = uniform(jax.vmap(lambda k: jax.random.fold_in(k, j))(key))
        return j + 1, total + poisson_inverse_cdf(m, jnp.where(m > 0, u, 0.0))

    _, counts = lax.while_loop(more, piece, (jnp.int64(1), counts))
    return counts


class poisson_generator(Node):
    name = "poisson_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    params = (*WINDOW, Param("rate", 0.0, u.Hz))

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["rate"]) < 0):
            raise BadProperty("The rate cannot be negative.")
        check_window(p, dt)

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max, "mean": dt * p["rate"] * 1e-3}

    @staticmethod
    def update(p, c, s, x, ctx):
        active = (c["t_min"] < ctx.step) & (ctx.step <= c["t_max"])
        return s, jnp.where(active, c["mean"], 0.0)

    @staticmethod
    def draw(value, key):
        return poisson_counts(value, key)
