"""``gamma_sup_generator``: per target, the superposition of ``n_proc`` gamma processes of order
``gamma_shape`` (NEST ``models/gamma_sup_generator.{h,cpp}``).

Each target keeps its own occupation numbers of the ``gamma_shape`` states of its component
processes (NEST's ``Internal_states_``), set up when the connection first runs as NEST's
``pre_run_hook`` does: n_proc // gamma_shape in each state and the rest in the last; they keep that
number of states if ``gamma_shape`` changes later, as in NEST. In each update from k to k+1 with
origin+start < k <= origin+stop and a positive rate, every state passes a binomial number of its
processes on to the next with probability rate x gamma_shape x dt (NEST draws Poisson counts,
capped at the occupation, where the occupation is at least 100 and the probability at most 0.01,
or at least 500 with a mean of at most 0.1); those leaving the last state return to the first and
are the spikes the target receives, as one event of that multiplicity. The counts are drawn by
exact inverse-CDF searches (:func:`counts`, also used by ppd_sup_generator and mip_generator),
about ten times faster than JAX's rejection samplers here. Parity category E.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window

TERMS = 40
"""Terms of the CDF tables of :func:`counts`: for a mean up to :data:`PIECE`, P(X >= TERMS) < 1e-12."""
PIECE = 10.0
"""Largest mean one inverse-CDF search draws; larger ones are split into pieces drawn alike."""


def _search(u, log_first, ratio):
    """Per element, the smallest k with P(X <= k) >= u, from P(X = 0) = exp(log_first) and the
    ratios P(X = k+1) / P(X = k) (last axis, TERMS - 1 of them), summed in float64 (a uniform above
    the table's last entry, which differs from 1 by rounding or by the tail beyond TERMS, takes
    the last)."""
    pmf = jnp.exp(log_first)[..., None] * jnp.cumprod(
        jnp.concatenate([jnp.ones_like(ratio[..., :1]), ratio], axis=-1), axis=-1
    )
    cdf = jnp.cumsum(pmf, axis=-1)
    return (cdf < jnp.minimum(u, cdf[..., -1])[..., None]).sum(-1).astype(float)


def counts(key, n, p, poisson):
    """Binomial(n, p) counts (all arrays of one shape; p in [0, 1]), or where ``poisson`` is set
    Poisson(n p) counts capped at n, each from uniforms of ``key`` by an exact inverse-CDF search:
    a binomial with p above 1/2 as n minus one with 1 - p, and a mean above :data:`PIECE` as the
    sum of draws over pieces of n (of the mean) of at most that mean, the j-th (j >= 1) from
    ``fold_in(key, j)``. No rejection loops: one search per piece."""
    k = jnp.arange(TERMS - 1, dtype=float)
    flip = ~poisson & (p > 0.5)
    q = jnp.where(flip, 1.0 - p, p)
    size = jnp.where(poisson | (q <= 0), jnp.maximum(n, 1.0), jnp.floor(PIECE / jnp.maximum(q, 1e-300)))

    def draw(j):
        m = jnp.clip(n - j * size, 0.0, size)  # a binomial's trials in this piece
        mean = jnp.where(poisson, jnp.clip(n * q - j * PIECE, 0.0, PIECE), m * q)
        odds = q / jnp.where(q < 1, 1.0 - q, 1.0)
        ratio = jnp.where(
            poisson[..., None],
            mean[..., None] / (k + 1),
            jnp.maximum(m[..., None] - k, 0.0) / (k + 1) * odds[..., None],
        )
        log_first = jnp.where(poisson, -mean, m * jnp.log1p(-jnp.minimum(q, 0.5)))
        return _search(jax.random.uniform(jax.random.fold_in(key, j), n.shape), log_first, ratio)

    pieces = jnp.where(poisson, jnp.ceil(n * q / PIECE), jnp.ceil(n / size))
    total, _ = jax.lax.while_loop(
        lambda c: c[1] < pieces.max(), lambda c: (c[0] + draw(c[1]), c[1] + 1), (draw(0), jnp.int64(1))
    )
    total = jnp.where(poisson, jnp.minimum(total, n), total)
    return jnp.where(flip, n - total, total)


def transitions(key, occupation, prob):
    """NEST's draw of the processes that leave states of the given occupations with probability
    ``prob`` (broadcast; at most 1): binomial, or Poisson capped at the occupation where NEST
    approximates so (occupation at least 100 and probability at most 0.01, or at least 500 and
    a mean of at most 0.1)."""
    prob = jnp.broadcast_to(jnp.minimum(prob, 1.0), occupation.shape)  # NEST's binomial is undefined above 1
    poisson = ((occupation >= 100) & (prob <= 0.01)) | ((occupation >= 500) & (prob * occupation <= 0.1))
    return counts(key, occupation, prob, poisson)


class gamma_sup_generator(Node):
    name = "gamma_sup_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    params = (
        *WINDOW,
        Param("rate", 0.0, u.Hz),
        Param("gamma_shape", 1, kind=int),
        Param("n_proc", 1, kind=int),
    )

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["gamma_shape"]) < 1):
            raise BadProperty("The shape must be larger or equal 1")
        if np.any(np.asarray(p["rate"]) < 0):
            raise BadProperty("The rate must be larger than 0.")
        if np.any(np.asarray(p["n_proc"]) < 1):
            raise BadProperty("The number of component processes cannot be smaller than one")
        check_window(p, dt)

    @classmethod
    def target_state(cls, p, dt):
        shape, n_proc = p["gamma_shape"].astype(np.int64), p["n_proc"].astype(np.int64)
        first = n_proc // shape
        occupation = np.where(np.arange(shape.max()) < shape[:, None], first[:, None], 0)
        occupation[np.arange(shape.size), shape - 1] += n_proc - first * shape
        return {"occupation": occupation.astype(float), "states": shape}

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {"t_min": t_min, "t_max": t_max, "prob": p["rate"] * p["gamma_shape"] * dt / 1000.0}

    @staticmethod
    def update(p, c, s, x, ctx):
        active = (c["t_min"] < ctx.step) & (ctx.step <= c["t_max"]) & (p["rate"] > 0)
        return s, jnp.where(active, c["prob"], 0.0)

    @staticmethod
    def draw(value, lane, key, state):
        states = state["states"]
        last = (states - 1)[:, None]
        inner = jnp.arange(state["occupation"].shape[1]) < states[:, None]

        def one(occupation, v_k):
            v, k = v_k
            moved = transitions(k, occupation, v[lane][:, None])
            out = jnp.take_along_axis(moved, last, axis=1)
            arriving = jnp.concatenate([out, moved[:, :-1]], axis=1)  # from the previous state
            occupation = occupation - moved + jnp.where(inner, arriving, 0.0)
            return occupation, out[:, 0]

        occupation, spikes = jax.lax.scan(one, state["occupation"], (value, key))
        return spikes, {"occupation": occupation, "states": states}
