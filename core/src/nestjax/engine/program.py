"""The compiled network: one jitted function that advances all populations by one chunk.

A chunk is a ``lax.scan`` over update slices of ``min_delay`` steps, which start at multiples of
it as NEST's do; within a slice each step updates every population in creation order, and at the
end of the slice the slice's events are delivered into the ring buffer (every delay is at least
``min_delay``, so no event is due inside the slice it was sent in, as in NEST). Steps before the
requested start (a call that begins inside a slice) and past the requested end are skipped, so one
compiled function serves every ``simulate`` length. With gap junctions, the slices are NEST's
(``min_delay`` counting recorders and ``wfr_comm_interval``), and each is first iterated by waveform
relaxation (:mod:`.relaxation`).
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
from ..waveform_relaxation import GapInput, WfrSettings
from .delivery import BATCH, deliver_dense, deliver_spikes
from .relaxation import after_slice, no_coupling, relax

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

    def __init__(
        self,
        tables: Tables,
        pops,
        dt: float,
        seed: int,
        previous: Tables | None = None,
        nest_slice: int = 0,
        wfr: WfrSettings | None = None,
    ):
        """``nest_slice``: NEST's min_delay in steps (connections to recorders included), the update
        slices that models following NEST's slices see as ``StepContext.min_delay``, and the engine's
        slices where gap junctions exist; 0: the engine's own (``tables.min_delay``). ``wfr``: the
        kernel's waveform-relaxation settings (NEST's defaults if None)."""
        self.t, self.dt, self.seed = tables, dt, seed
        self.nest_slice = nest_slice or tables.min_delay
        self.wfr = wfr or WfrSettings(dt)
        self.pops = pops
        self.node_pops = [p for p in pops if p.is_node]
        self.wide, self.n_cols = _wide_columns(pops, tables.n_nodes)
        for g in tables.dense:
            g.state = _target_state(g, pops, dt, previous)
        n_cols = sum(s.local.size for s in tables.sampled)
        D = self.D = self.nest_slice if tables.gap is not None else tables.min_delay
        if tables.gap is not None:
            tables.gap.carry = _gap_carry(tables.gap, previous, D, self.wfr.wfr_interpolation_order)
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
            "weighted": None
            if t.weighted is None
            else {k: v for k, v in dataclasses.asdict(t.weighted).items() if k != "pops"},
            "dense": [
                {
                    "source": g.source,
                    "row": g.row,
                    "delay": g.delay,
                    "scale": g.scale,
                    "uid": g.uid,
                    "unique": self._columns(g),
                    "lane": np.unique(g.source, return_inverse=True)[1],
                }
                for g in t.dense
            ],
            "gap": None
            if t.gap is None
            else {
                "pre": t.gap.pre,
                "post": t.gap.post,
                "weight": t.gap.weight,
                "total": t.gap.total,
            },
            "recorded": np.nonzero(t.spike_recorded)[0],
            "sampled": [s.local for s in t.sampled],
        }

    def _columns(self, g) -> np.ndarray:
        """The columns of the step output that a dense group's draw reads: per distinct source its
        node index, and for a ``draw_width`` above 1 a row of its columns (node index, then the
        extra columns after the nodes' in :meth:`_chunk`'s step output)."""
        unique = np.unique(g.source)
        width = g.model.draw_width if g.model.per_target else 1
        if width == 1:
            return unique
        cols = np.empty((unique.size, width), np.int64)
        cols[:, 0] = unique
        for p in self.pops:
            if p.index in self.wide:
                at = (unique >= p.first - 1) & (unique < p.first - 1 + p.n)
                local = unique[at] - (p.first - 1)
                cols[at, 1:] = self.wide[p.index] + local[:, None] * (width - 1) + np.arange(width - 1)
        return cols

    def _compile(self) -> None:
        self._fn = jax.jit(self._chunk)

    def grow_spike_capacity(self, needed: int) -> None:
        self.spike_cap = int(max(needed, 2 * self.spike_cap))
        self._compile()

    def _chunk(self, arrays, params, state, ring, step0, k_start, k_end, target, gap_carry):
        self.traces += 1
        t, dt, D, N = self.t, self.dt, self.D, self.t.n_nodes
        consts = [p.model.prepare(params[i], dt) for i, p in enumerate(self.node_pops)]
        base = jax.random.key(self.seed)
        node_base, syn_base = jax.random.fold_in(base, 0), jax.random.fold_in(base, 1)
        gids = [jnp.arange(p.first, p.first + p.n) for p in self.node_pops]
        pos = {p.index: i for i, p in enumerate(self.node_pops)}
        sample_cols = sum(s.local.size for s in t.sampled)
        weighted = () if t.weighted is None else t.weighted.pops
        n_w = 0 if t.weighted is None else t.weighted.nodes.size
        order = self.wfr.wfr_interpolation_order
        gap_js = [pos[k] for k in t.gap.pops] if t.gap is not None else []
        gap_at = dict(zip(gap_js, np.cumsum([0] + [self.node_pops[j].n for j in gap_js])))

        def call(j, p, s, k, key, buf, gap, relaxing):
            """Population ``p`` (node position ``j``, state ``s``) updated at step k; ``gap``: this
            step's (coefficients, total) of all gap nodes, or None."""
            r0, chans = t.pop_rows[p.index], t.channels[p.index]
            x = buf[r0 : r0 + len(chans) * p.n].reshape(len(chans), p.n)
            g = None
            if j in gap_at:
                o = int(gap_at[j])
                g = GapInput(gap[0][o : o + p.n], gap[1][o : o + p.n], order, relaxing)
            ctx = StepContext(
                step=k,
                dt=dt,
                key=jax.random.fold_in(key, p.first),
                gids=gids[j],
                min_delay=self.nest_slice,
                gap=g,
            )
            return p.model.update(params[j], consts[j], s, dict(zip(chans, x)), ctx)

        def step(state, xs, total):
            k, buf, coefficients = xs
            key = jax.random.fold_in(node_base, k)
            new_state, emitted, offsets, parts, extra = [], [], [], [], []
            j = 0
            for p in self.pops:
                if not p.is_node:
                    emitted.append(jnp.zeros(p.n))
                    offsets.append(jnp.zeros(p.n))
                    continue
                s, out = call(j, p, state[j], k, key, buf, (coefficients, total), False)
                w = None
                if isinstance(out, WeightedSpikes):
                    out, off, w = out.multiplicity, out.offset, (out.positive, out.negative)
                else:
                    out, off = out if isinstance(out, tuple) else (out, None)
                if p.index in self.wide:  # a per-target model's values beyond the first: extra columns
                    extra.append(out[:, 1:].reshape(-1).astype(float))
                    out = out[:, 0]
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
            return new_state, (jnp.concatenate(emitted + extra), jnp.concatenate(offsets), samples, W)

        def skip(state, xs):
            zero = (jnp.zeros(self.n_cols), jnp.zeros(N), jnp.zeros(sample_cols), jnp.zeros((n_w, PARTS)))
            return state, zero

        def passes(state, X, ks):
            """A relaxation pass of the gap nodes over the slice from ``state``, the function
            :func:`.relaxation.relax` iterates."""

            def run(kept, coefficients, total):
                def lag(s, xs):
                    k, buf, c, on = xs
                    key = jax.random.fold_in(node_base, k)
                    s_new, polys, vs = [], [], []
                    for i, j in enumerate(gap_js):
                        p = self.node_pops[j]
                        s2, poly = call(j, p, s[i], k, key, buf, (c, total), True)
                        s2 = jax.tree.map(lambda a, b: jnp.where(on, a, b), s2, s[i])
                        s_new.append(s2)
                        polys.append(poly)
                        vs.append(s2[p.model.gap_variable])
                    return s_new, (jnp.concatenate(polys), jnp.concatenate(vs))

                s0 = [{**state[j], **kept[i]} for i, j in enumerate(gap_js)]
                s_end, (poly, v) = lax.scan(lag, s0, (ks, X, coefficients, ks >= k_start))
                return [_carried(self.node_pops[j].model, s_end[i]) for i, j in enumerate(gap_js)], poly, v

            return run

        def relaxed(state, carry, X, ks):
            covered = ks >= k_start
            kept = [_carried(self.node_pops[j].model, state[j]) for j in gap_js]
            kept, carry = relax(
                passes(state, X, ks),
                kept,
                carry,
                covered,
                arrays["gap"],
                self.wfr.wfr_tol,
                self.wfr.wfr_max_iterations,
            )
            state = list(state)
            for i, j in enumerate(gap_js):
                state[j] = {**state[j], **kept[i]}
            return state, carry

        cap = self.spike_cap
        rec_slice = max(1, min(D * int(t.spike_recorded.sum()), cap))

        def one_slice(carry, j):
            state, ring, rec, target, gap_in = carry
            ks = step0 + j * D + jnp.arange(D)
            run = (ks >= k_start) & (ks < k_end)
            slots = ks % t.slots  # this slice's input, read and cleared (for the steps that run)
            X = ring[slots]
            ring = ring.at[slots].set(jnp.where(run[:, None], 0.0, X))
            gap_used = gap_in
            if gap_js and self.wfr.use_wfr:
                state, gap_used = lax.cond(
                    ks[0] < k_end, relaxed, lambda s, c, *_: (s, c), state, gap_in, X, ks
                )
            coefficients, total = gap_used if gap_js else (None, None)

            def guarded(state, xs):
                return lax.cond(
                    (xs[0] >= k_start) & (xs[0] < k_end),
                    lambda s, x: step(s, x, total),
                    skip,
                    state,
                    xs,
                )

            state, (E, O, S, W) = lax.scan(guarded, state, (ks, X, coefficients))
            ring = deliver_spikes(
                ring,
                E[:, :N],
                ks,
                arrays["src_row"],
                arrays["out_row"],
                arrays["out_delay"],
                arrays["out_scale"],
                self.deliver_cap,
            )
            if weighted:
                w = arrays["weighted"]
                ring = deliver_spikes(
                    ring,
                    E[:, w["nodes"]],
                    ks,
                    w["src_row"],
                    w["out_row"],
                    w["out_delay"],
                    w["out_scale"],
                    self.weighted_cap,
                    w["kind"],
                    W,
                )
            target = list(target)
            for i, (g, ga) in enumerate(zip(t.dense, arrays["dense"])):
                ring, target[i] = deliver_dense(ring, E, ks, g.model, ga, syn_base, target[i])
            if arrays["recorded"].size:
                rec = record_spikes(rec, E, O, ks, arrays["recorded"], rec_slice)
            if gap_js:
                v_end = jnp.concatenate([state[j][self.node_pops[j].model.gap_variable] for j in gap_js])
                gap_in = after_slice(gap_in, v_end, run, ks[-1] < k_end, arrays["gap"], order)
            return (state, ring, rec, target, gap_in), S

        rec0 = (
            jnp.zeros(cap + rec_slice, jnp.int64),
            jnp.zeros(cap + rec_slice, jnp.int64),
            jnp.zeros(cap + rec_slice),
            jnp.zeros(cap + rec_slice),
            jnp.zeros((), jnp.int64),
        )
        (state, ring, rec, target, gap_carry), S = lax.scan(
            one_slice, (state, ring, rec0, target, gap_carry), jnp.arange(self.slices)
        )
        return state, ring, rec, S.reshape(self.chunk_steps, sample_cols), target, gap_carry

    def run_chunk(self, params, state, ring, step0: int, k_end: int):
        """One chunk that updates steps ``step0`` .. up to ``k_end`` - 1; it starts at the slice
        that holds ``step0``. Returns (state, ring, output, the step after the last one it
        updated). Grows buffers on overflow."""
        base = step0 - step0 % self.D
        stop = min(k_end, base + self.chunk_steps)
        target = [g.state for g in self.t.dense]  # per-connection state of per-target draws
        gap = self.t.gap.carry if self.t.gap is not None else None
        while True:
            new_state, new_ring, rec, S, new_target, new_gap = self._fn(
                self.arrays,
                params,
                state,
                ring,
                jnp.int64(base),
                jnp.int64(step0),
                jnp.int64(stop),
                target,
                gap,
            )
            count = int(rec[4])
            if count <= self.spike_cap:
                break
            self.grow_spike_capacity(count)
        for g, s in zip(self.t.dense, new_target):
            g.state = s
        if self.t.gap is not None:
            self.t.gap.carry = new_gap
        gid, stp, off, mult = (np.asarray(a)[:count] for a in rec[:4])  # no per-count slice compile
        samples = np.asarray(S)[step0 - base :]
        return new_state, new_ring, ChunkOutput(gid, stp, off, mult, samples), stop


def _capacity(events: int, most: int = 32 * BATCH) -> int:
    """Events a slice finds at once: all it can have, up to ``most``, in whole batches."""
    return BATCH * max(1, -(-min(events, most) // BATCH))


def _wide_columns(pops, n_nodes: int):
    """Where a step's output keeps the values beyond the first of per-target models with a
    ``draw_width`` above 1: {population index: its first column} after the nodes' columns (node i
    of the population has the next ``draw_width - 1``), and the output's width."""
    wide, col = {}, n_nodes
    for p in pops:
        if p.is_node and p.model.per_target and p.model.draw_width > 1:
            wide[p.index] = col
            col += p.n * (p.model.draw_width - 1)
    return wide, col


def _carried(model, state: dict) -> dict:
    """The state entries a relaxation pass leaves changed (``Node.wfr_carried``)."""
    return {name: state[name] for name in model.wfr_carried}


def _gap_carry(gap, previous, D: int, order: int):
    """The gap state a new program starts from: that of the ``previous`` tables where the gap
    nodes and the slice are the same, else no coupling."""
    old = previous.gap if previous is not None else None
    if old is not None and old.carry is not None and np.array_equal(old.nodes, gap.nodes):
        if old.carry[0].shape == (D, gap.nodes.size, order + 1):
            return old.carry
    return no_coupling(D, gap.nodes.size, order)


def _source_params(pops, model, source: np.ndarray) -> dict:
    """The numeric parameters (one value per node) of each connection's source, ``source`` the
    node indices (gid - 1), all of populations of ``model``."""
    mine = [p for p in pops if p.model is model]
    first = np.array([p.first - 1 for p in mine])
    start = np.cumsum([0] + [p.n for p in mine])[:-1]
    k = np.searchsorted(first, source, side="right") - 1
    at = start[k] + source - first[k]
    values = [{n: np.asarray(v) for n, v in p.param_state.value.items()} for p in mine]
    names = [n for n, v in values[0].items() if v.ndim == 1]
    return {n: np.concatenate([v[n] for v in values])[at] for n in names}


def _target_state(g, pops, dt: float, previous) -> dict | None:
    """The per-connection state of dense group ``g`` (None where its model keeps none): new
    connections as the model initialises them from their sources' parameters, connections in the
    ``previous`` tables (matched by uid) as they were there; axes that differ in length are
    padded with zeros to the longer."""
    if not g.model.per_target:
        return None
    init = g.model.target_state(_source_params(pops, g.model, g.source), dt)
    if init is None:
        return None
    init = {k: np.asarray(v) for k, v in init.items()}
    old = [o for o in (previous.dense if previous is not None else ()) if o.model is g.model]
    if old and old[0].state is not None:
        before = old[0]
        at = np.searchsorted(before.uid, g.uid).clip(max=before.uid.size - 1)
        kept = before.uid[at] == g.uid
        for name, a in init.items():
            b = np.asarray(before.state[name])
            shape = (a.shape[0], *np.maximum(a.shape[1:], b.shape[1:]).astype(int))
            a, was = _pad(a, shape), _pad(b, (b.shape[0], *shape[1:]))
            a[kept] = was[at[kept]]
            init[name] = a
    return {k: jnp.asarray(v) for k, v in init.items()}


def _pad(a: np.ndarray, shape) -> np.ndarray:
    """``a`` padded with zeros at the end of each axis to ``shape``."""
    return np.pad(a, [(0, s - n) for s, n in zip(shape, a.shape)])


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
