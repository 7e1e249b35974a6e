"""The compiled network: one jitted function that advances all populations by one chunk.

A chunk is a ``lax.scan`` over update slices of ``min_delay`` steps; within a slice each step
updates every population in creation order, and at the end of the slice the slice's events are
delivered into the ring buffer (every delay is at least ``min_delay``, so no event is due inside
the slice it was sent in, as in NEST). Steps past the requested end are skipped, so one compiled
function serves every ``simulate`` length.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..model import StepContext, WeightedSpikes
from ..network.tables import PARTS, Tables
from .delivery import BATCH, deliver_dense, deliver_spikes

CHUNK_STEPS = 1000
SAMPLE_BYTES = 64 * 2**20


@dataclass
class ChunkOutput:
    """What one chunk hands back to the host."""

    spike_gid: np.ndarray
    spike_step: np.ndarray
    spike_offset: np.ndarray
    spike_mult: np.ndarray
    samples: np.ndarray  # (chunk steps, sampled columns)


class Program:
    """The step loop of one network structure, compiled once and reused by ``simulate`` calls."""

    def __init__(self, tables: Tables, pops, dt: float, seed: int):
        self.t, self.dt, self.seed = tables, dt, seed
        self.pops = pops
        self.node_pops = [p for p in pops if p.is_node]
        n_cols = sum(s.local.size for s in tables.sampled)
        D = tables.min_delay
        target = max(D, min(CHUNK_STEPS, SAMPLE_BYTES // max(1, 8 * n_cols)))
        self.slices = max(1, target // D)
        self.chunk_steps = self.slices * D
        n_rec = int(tables.spike_recorded.sum())
        self.spike_cap = max(1, min(self.chunk_steps * n_rec, 4096))
        n_src = int((tables.src_row >= 0).sum())
        self.deliver_cap = _capacity(D * n_src)
        n_w = 0 if tables.weighted is None else int((tables.weighted.src_row >= 0).sum())
        self.weighted_cap = _capacity(D * n_w)
        self.traces = 0
        self.arrays = jax.device_put(self._arrays())
        self._compile()

    def _arrays(self) -> dict:
        t = self.t
        return {
            "src_row": t.src_row,
            "out_row": t.out_row,
            "out_delay": t.out_delay,
            "out_scale": t.out_scale,
            "weighted": None if t.weighted is None else {
                k: v for k, v in dataclasses.asdict(t.weighted).items() if k != "pops"
            },
            "dense": [
                {
                    "source": g.source, "row": g.row, "delay": g.delay, "scale": g.scale, "uid": g.uid,
                    "unique": np.unique(g.source), "lane": np.unique(g.source, return_inverse=True)[1],
                }
                for g in t.dense
            ],
            "recorded": np.nonzero(t.spike_recorded)[0],
            "sampled": [s.local for s in t.sampled],
        }

    def _compile(self) -> None:
        self._fn = jax.jit(self._chunk)

    def grow_spike_capacity(self, needed: int) -> None:
        self.spike_cap = int(max(needed, 2 * self.spike_cap))
        self._compile()

    def _chunk(self, arrays, params, state, ring, step0, k_end):
        self.traces += 1
        t, dt, D, N = self.t, self.dt, self.t.min_delay, self.t.n_nodes
        consts = [p.model.prepare(params[i], dt) for i, p in enumerate(self.node_pops)]
        base = jax.random.key(self.seed)
        node_base, syn_base = jax.random.fold_in(base, 0), jax.random.fold_in(base, 1)
        gids = [jnp.arange(p.first, p.first + p.n) for p in self.node_pops]
        pos = {p.index: i for i, p in enumerate(self.node_pops)}
        sample_cols = sum(s.local.size for s in t.sampled)
        weighted = () if t.weighted is None else t.weighted.pops
        n_w = 0 if t.weighted is None else t.weighted.nodes.size

        def step(state, k_buf):
            k, buf = k_buf
            key = jax.random.fold_in(node_base, k)
            new_state, emitted, offsets, parts = [], [], [], []
            j = 0
            for p in self.pops:
                if not p.is_node:
                    emitted.append(jnp.zeros(p.n))
                    offsets.append(jnp.zeros(p.n))
                    continue
                m, r0, nch = p.model, t.pop_rows[p.index], len(p.model.channels)
                x = buf[r0 : r0 + nch * p.n].reshape(nch, p.n)
                ctx = StepContext(step=k, dt=dt, key=jax.random.fold_in(key, p.first), gids=gids[j])
                s, out = m.update(params[j], consts[j], state[j], dict(zip(m.channels, x)), ctx)
                w = None
                if isinstance(out, WeightedSpikes):
                    out, off, w = out.multiplicity, out.offset, (out.positive, out.negative)
                else:
                    out, off = out if isinstance(out, tuple) else (out, None)
                new_state.append(s)
                emitted.append(jnp.zeros(p.n) if out is None else jnp.asarray(out, float))
                offsets.append(jnp.zeros(p.n) if off is None else off)
                if p.index in weighted:  # the parts of weighted-table sources, for deliver_spikes
                    pos_neg = w if w is not None else (emitted[-1], 0.0 * emitted[-1])
                    part = (*pos_neg, *(x * offsets[-1] for x in pos_neg))
                    parts.append(jnp.stack(part, axis=-1).astype(float))
                j += 1
            cols = [
                self.node_pops[pos[s.pop]].model.recordable(
                    params[pos[s.pop]], new_state[pos[s.pop]], s.name
                )[loc]
                for s, loc in zip(t.sampled, arrays["sampled"])
            ]
            samples = jnp.concatenate(cols) if cols else jnp.zeros(0)
            W = jnp.concatenate(parts) if parts else jnp.zeros((0, PARTS))
            return new_state, (jnp.concatenate(emitted), jnp.concatenate(offsets), samples, W)

        def skip(state, k_buf):
            return state, (jnp.zeros(N), jnp.zeros(N), jnp.zeros(sample_cols), jnp.zeros((n_w, PARTS)))

        def guarded(state, k_buf):
            return lax.cond(k_buf[0] < k_end, step, skip, state, k_buf)

        cap = self.spike_cap
        rec_slice = max(1, min(D * int(t.spike_recorded.sum()), cap))

        def one_slice(carry, j):
            state, ring, rec = carry
            ks = step0 + j * D + jnp.arange(D)
            slots = ks % t.slots  # this slice's input, read and cleared (for the steps that run)
            X = ring[slots]
            ring = ring.at[slots].set(jnp.where((ks < k_end)[:, None], 0.0, X))
            state, (E, O, S, W) = lax.scan(guarded, state, (ks, X))
            ring = deliver_spikes(
                ring, E, ks, arrays["src_row"], arrays["out_row"], arrays["out_delay"],
                arrays["out_scale"], self.deliver_cap,
            )
            if weighted:
                w = arrays["weighted"]
                ring = deliver_spikes(
                    ring, E[:, w["nodes"]], ks, w["src_row"], w["out_row"], w["out_delay"], w["out_scale"],
                    self.weighted_cap, w["kind"], W,
                )
            for g, ga in zip(t.dense, arrays["dense"]):
                ring = deliver_dense(ring, E, ks, g.model, ga, syn_base)
            if arrays["recorded"].size:
                rec = record_spikes(rec, E, O, ks, arrays["recorded"], rec_slice)
            return (state, ring, rec), S

        rec0 = (
            jnp.zeros(cap + rec_slice, jnp.int64),
            jnp.zeros(cap + rec_slice, jnp.int64),
            jnp.zeros(cap + rec_slice),
            jnp.zeros(cap + rec_slice),
            jnp.zeros((), jnp.int64),
        )
        (state, ring, rec), S = lax.scan(one_slice, (state, ring, rec0), jnp.arange(self.slices))
        return state, ring, rec, S.reshape(self.chunk_steps, sample_cols)

    def run_chunk(self, params, state, ring, step0: int, k_end: int):
        """One chunk from ``step0``; steps ``>= k_end`` are skipped. Grows buffers on overflow."""
        while True:
            new_state, new_ring, rec, S = self._fn(
                self.arrays, params, state, ring, jnp.int64(step0), jnp.int64(k_end)
            )
            count = int(rec[4])
            if count <= self.spike_cap:
                break
            self.grow_spike_capacity(count)
        gid, stp, off, mult = (np.asarray(a)[:count] for a in rec[:4])  # no per-count slice compile
        return new_state, new_ring, ChunkOutput(gid, stp, off, mult, np.asarray(S))


def _capacity(events: int, most: int = 32 * BATCH) -> int:
    """Events a slice finds at once: all it can have, up to ``most``, in whole batches."""
    return BATCH * max(1, -(-min(events, most) // BATCH))


def record_spikes(rec, E, O, ks, recorded, size: int):
    """Append the slice's events of the ``recorded`` nodes (indices) as (gid, stamp step, offset,
    multiplicity)."""
    gid, stp, off, mult, pos = rec
    n = recorded.size
    flat = E[:, recorded].reshape(-1)
    sel = flat > 0
    (idx,) = jnp.nonzero(sel, size=size, fill_value=0)
    gid = lax.dynamic_update_slice(gid, recorded[idx % n] + 1, (pos,))
    stp = lax.dynamic_update_slice(stp, ks[idx // n] + 1, (pos,))
    off = lax.dynamic_update_slice(off, O[:, recorded].reshape(-1)[idx], (pos,))
    mult = lax.dynamic_update_slice(mult, flat[idx], (pos,))
    return gid, stp, off, mult, pos + sel.sum()
