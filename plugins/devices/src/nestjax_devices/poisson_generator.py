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


TABLE = 128
"""Entries of a CDF table: for a mean up to :data:`PIECE`, P(X >= TABLE) is below 1e-40."""


def cdf_table(mean):
    """P(X <= k) for k = 0 .. TABLE-1, X ~ Poisson(mean), along a new last axis; the terms
    p(k) = p(k-1) mean / k summed in order, in float64."""
    k = jnp.arange(1, TABLE, dtype=jnp.float64)
    terms = jnp.exp(-mean)[..., None] * jnp.cumprod(mean[..., None] / k, axis=-1)
    return jnp.cumsum(jnp.concatenate([jnp.exp(-mean)[..., None], terms], axis=-1), axis=-1)


def table_search(table, lane, u):
    """Per (step, connection): the smallest k with ``table[step, lane, k] >= u``, by bisection
    over the flattened tables (a uniform above the table's last entry, which differs from 1 by
    rounding only, takes the last entry)."""
    steps, n_src, size = table.shape
    flat = table.reshape(-1)
    base = (jnp.arange(steps)[:, None] * n_src + lane[None, :]) * size
    u = jnp.minimum(u, flat[base + size - 1])
    lo, hi = jnp.zeros(u.shape, jnp.int32), jnp.full(u.shape, size - 1, jnp.int32)
    for _ in range(int(np.ceil(np.log2(size)))):
        mid = (lo + hi) // 2
        right = flat[base + mid] < u
        lo, hi = jnp.where(right, mid + 1, lo), jnp.where(right, hi, mid)
    return lo.astype(jnp.float64)


def uniform(keys, n: int):
    """(steps, n) uniforms in [0, 1): row k from the k-th key."""
    return jax.vmap(lambda k: jax.random.uniform(k, (n,), dtype=jnp.float64))(keys)


def poisson_counts(mean, lane, keys):
    """Poisson counts per (step, connection) for the sources' means (steps x sources), connection
    j drawing from source ``lane[j]``: the inverse CDF of one uniform per count, from a table of
    the CDF for a mean up to :data:`PIECE`; a larger mean as the sum of such draws over pieces of
    at most PIECE, the j-th (j >= 1) from uniforms of ``fold_in(key, j)``."""
    n = lane.size
    counts = table_search(cdf_table(jnp.minimum(mean, PIECE)), lane, uniform(keys, n))

    def more(c):
        j, _ = c
        return jnp.any(mean > j * PIECE)

    def piece(c):
        j, total = c
        m = jnp.clip(mean - j * PIECE, 0.0, PIECE)
        u = uniform(jax.vmap(lambda k: jax.random.fold_in(k, j))(keys), n)
        return j + 1, total + table_search(cdf_table(m), lane, u)

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
    def draw(value, lane, key):
        return poisson_counts(value, lane, key)
