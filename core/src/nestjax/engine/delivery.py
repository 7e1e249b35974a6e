"""Event-driven delivery of one update slice's events into the ring buffer.

Spikes: the (step, source) pairs that carry a multiplicity select the sources' padded out-rows,
which are scatter-added into the slots of their arrival steps, in batches of a fixed capacity
until all are delivered. Dense groups (currents, per-target draws) are added every step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


def deliver_spikes(
    ring,
    emitted,
    steps,
    src_row,
    out_row,
    out_delay,
    out_scale,
    capacity: int,
    out_kind=None,
    weighted=None,
):
    """Add ``emitted`` (steps x nodes multiplicities) of the nodes with out-rows into ``ring``.

    With ``out_kind`` (a :class:`~nestjax.network.tables.WeightedTable`'s), each out-entry carries
    the multiplicity or the positive or negative weighted part (``weighted``: steps x nodes x 2)."""
    slots, n = ring.shape[0], emitted.shape[1]
    flat = jnp.where(src_row[None, :] >= 0, emitted, 0.0).reshape(-1)
    fired = flat > 0
    count = fired.sum()
    rank = jnp.cumsum(fired) - 1

    def batch(carry):
        ring, b = carry
        sel = fired & (rank >= b * capacity) & (rank < (b + 1) * capacity)
        (idx,) = jnp.nonzero(sel, size=capacity, fill_value=0)
        valid = jnp.arange(capacity) < count - b * capacity
        mult = jnp.where(valid, flat[idx], 0.0)
        r = src_row[idx % n]
        slot = (steps[idx // n][:, None] + out_delay[r]) % slots
        if out_kind is None:
            value = mult[:, None]
        else:
            parts = jnp.where(valid[:, None], weighted.reshape(-1, 2)[idx], 0.0)
            value = jnp.take_along_axis(jnp.concatenate([mult[:, None], parts], axis=1), out_kind[r], axis=1)
        ring = ring.at[slot, out_row[r]].add(out_scale[r] * value)
        return ring, b + 1

    ring, _ = lax.while_loop(lambda c: c[1] * capacity < count, batch, (ring, 0))
    return ring


def deliver_dense(ring, emitted, steps, model, g, syn_key):
    """Add the events of one dense group ``g`` (arrays of :class:`DenseGroup`) for every step."""
    slots = ring.shape[0]
    values = emitted[:, g["source"]]
    if model.per_target:  # one draw call for the whole slice, keyed by (seed, step, connection)

        def step_keys(k):
            step_key = jax.random.fold_in(syn_key, k)
            return jax.vmap(lambda uid: jax.random.fold_in(step_key, uid))(g["uid"])

        keys = jax.vmap(step_keys)(steps)
        values = model.draw(values.reshape(-1), keys.reshape(-1)).reshape(values.shape)
    slot = (steps[:, None] + g["delay"][None, :]) % slots
    return ring.at[slot, jnp.broadcast_to(g["row"], slot.shape)].add(values * g["scale"][None, :])
