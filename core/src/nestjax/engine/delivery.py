"""Event-driven delivery of one update slice's events into the ring buffer.

Spikes: the (step, source) pairs that carry a multiplicity select the sources' padded out-rows,
which are scatter-added into the slots of their arrival steps, in batches of a fixed capacity
until all are delivered. Dense groups (currents, per-target draws) are added every step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

BATCH = 128
"""Events scattered together; the scatter's cost follows the events, rounded up to a batch."""


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

    The first ``capacity`` (a multiple of :data:`BATCH`) events of the slice are found at once and
    delivered a batch at a time; a slice with more events delivers the rest ``capacity`` at a time,
    so every event arrives. With ``out_kind`` (a :class:`~nestjax.network.tables.WeightedTable`'s),
    each out-entry carries the multiplicity or one of the weighted parts (``weighted``: steps x
    nodes x :data:`~nestjax.network.tables.PARTS`)."""
    slots, n = ring.shape[0], emitted.shape[1]
    flat = jnp.where(src_row[None, :] >= 0, emitted, 0.0).reshape(-1)
    fired = flat > 0
    count = fired.sum()

    def add(ring, idx, valid):
        mult = jnp.where(valid, flat[idx], 0.0)
        r = src_row[idx % n]
        slot = (steps[idx // n][:, None] + out_delay[r]) % slots
        if out_kind is None:
            value = mult[:, None]
        else:
            parts = jnp.where(valid[:, None], weighted.reshape(-1, weighted.shape[-1])[idx], 0.0)
            value = jnp.take_along_axis(jnp.concatenate([mult[:, None], parts], axis=1), out_kind[r], axis=1)
        return ring.at[slot, out_row[r]].add(out_scale[r] * value)

    (found,) = jnp.nonzero(fired, size=capacity, fill_value=0)
    first = jnp.minimum(count, capacity)

    def batch(carry):
        ring, b = carry
        idx = lax.dynamic_slice(found, (b * BATCH,), (BATCH,))
        return add(ring, idx, b * BATCH + jnp.arange(BATCH) < first), b + 1

    ring, _ = lax.while_loop(lambda c: c[1] * BATCH < first, batch, (ring, 0))

    def overflow(carry):
        ring, b = carry
        rank = jnp.cumsum(fired) - 1
        (idx,) = jnp.nonzero(fired & (rank >= b * capacity) & (rank < (b + 1) * capacity), size=capacity)
        return add(ring, idx, jnp.arange(capacity) < count - b * capacity), b + 1

    ring, _ = lax.while_loop(lambda c: c[1] * capacity < count, overflow, (ring, 1))
    return ring


def deliver_dense(ring, emitted, steps, model, g, syn_key, state=None):
    """Add the events of one dense group ``g`` (arrays of :class:`DenseGroup`) for every step;
    ``state`` is the group's per-connection state (``Node.target_state``) or None. Returns the
    ring and the new state."""
    slots = ring.shape[0]
    if model.per_target:  # one draw call for the slice; a key per (seed, group, step)
        group_key = jax.random.fold_in(syn_key, g["uid"][0])
        keys = jax.vmap(lambda k: jax.random.fold_in(group_key, k))(steps)
        value = emitted[:, g["unique"]]  # (steps, sources) or, with draw_width, (steps, sources, width)
        if state is None:
            values = model.draw(value, g["lane"], keys)
        else:
            values, state = model.draw(value, g["lane"], keys, state)
    else:
        values = emitted[:, g["source"]]
    slot = (steps[:, None] + g["delay"][None, :]) % slots
    ring = ring.at[slot, jnp.broadcast_to(g["row"], slot.shape)].add(values * g["scale"][None, :])
    return ring, state
