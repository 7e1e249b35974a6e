"""Flat arrays for the engine: ring-buffer rows, outgoing spike tables, dense input groups.

Every input channel of every neuron has one row of the ring buffer (plus a last row that absorbs
ignored and padding events). Spike connections are grouped by source into a padded table that the
engine gathers for the sources that spiked; connections from current sources and from sources
that draw per target are delivered densely, every step.

Sources of ``weighted`` models (``WeightedSpikes``) have an out-table of their own (``weighted``),
so that neither their doubled entries nor their fan-out widen the rows of all other sources: a
connection to a target that reads weights has two entries there, one for the positive and one for
the negative part of the weighted events, routed with the weight w and with -w. Connections into a
port that reads the events' offsets (``Node.offset_receptors``) are in that table too, whatever
their source, and carry the offset-weighted parts. ``kind`` says which value each entry carries:
0 the multiplicity, 1 the positive, 2 the negative part, 3 and 4 the same parts times the offset
(:data:`PARTS` per source node and step, without the multiplicity).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import CURRENT, SPIKE, port_channels

PARTS = 4  # positive, negative, positive x offset, negative x offset


@dataclass
class DenseGroup:
    """Connections from sources of one model that send every step (currents, per-target draws)."""

    model: type
    source: np.ndarray  # node index (gid - 1) of each connection's source
    row: np.ndarray
    delay: np.ndarray
    scale: np.ndarray
    uid: np.ndarray  # a stable id per connection, keying its random draws
    state: dict | None = None
    """Per-connection state of a model with ``target_state``, as the program left it after its last
    chunk (the program keeps it here; a rebuild carries it over by ``uid``)."""


@dataclass
class WeightedTable:
    """The out-table of the sources of weighted models and of connections into offset-reading
    ports; ``pops`` are the source populations (indices) in it, ``nodes`` their node indices, and
    ``src_row`` is indexed by position in ``nodes``."""

    pops: tuple[int, ...]
    nodes: np.ndarray
    src_row: np.ndarray
    out_row: np.ndarray
    out_delay: np.ndarray
    out_scale: np.ndarray
    kind: np.ndarray


@dataclass
class GapTable:
    """Gap junctions. ``pops``: the populations of gap models (indices; where any gap junction exists,
    all their nodes take part in the waveform relaxation), ``nodes`` their node indices in that
    order; per connection ``pre``, ``post`` (positions in ``nodes``) and ``weight``; ``total``: per
    node the sum of its incoming weights (NEST's ``sumj_g_ij_``)."""

    pops: tuple[int, ...]
    nodes: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    total: np.ndarray
    carry: tuple | None = None
    """What the last update slice sent for the next one (coefficients, total), as the program left it
    after its last chunk; a rebuild with the same gap nodes carries it over."""


def _gap_table(pops, gap_batches) -> GapTable | None:
    if not gap_batches:
        return None
    gpops = tuple(p.index for p in pops if p.is_node and p.model.gap_junctions)
    nodes = np.concatenate([pops[k].gids - 1 for k in gpops])
    col = np.full(int(nodes.max()) + 1, -1, np.int64)
    col[nodes] = np.arange(nodes.size)
    pre = np.concatenate([col[c.sources - 1] for c in gap_batches])
    post = np.concatenate([col[c.targets - 1] for c in gap_batches])
    weight = np.concatenate([c.weight for c in gap_batches]).astype(float)
    total = np.bincount(post, weights=weight, minlength=nodes.size)
    return GapTable(gpops, nodes, pre, post, weight, total)


@dataclass
class Sampled:
    """A recordable of some nodes of one population, sampled every step."""

    pop: int
    name: str
    local: np.ndarray


@dataclass
class Tables:
    n_nodes: int
    min_delay: int
    slots: int
    rows: int
    pop_rows: dict[int, int]
    src_row: np.ndarray
    out_row: np.ndarray
    out_delay: np.ndarray
    out_scale: np.ndarray
    weighted: WeightedTable | None = None
    dense: list[DenseGroup] = field(default_factory=list)
    spike_recorded: np.ndarray | None = None
    sampled: list[Sampled] = field(default_factory=list)
    channels: dict[int, tuple[str, ...]] = field(default_factory=dict)  # input channels per population
    gap: GapTable | None = None

    @property
    def dump_row(self) -> int:
        return self.rows - 1


def _routed(tp, event, receptor, weight, first_row, rows):
    """Ring-buffer rows and scales of connections into population ``tp`` (its node i's channel c
    is row ``first_row + c * n``; an ignored connection goes to the last row)."""
    ch, sc = tp.model.route(event, receptor, weight)
    ch = np.asarray(ch)
    return np.where(ch < 0, rows - 1, first_row + ch * tp.n), np.broadcast_to(sc, ch.shape)


def _out_table(parts, n_src: int, rows: int):
    """A padded out-table: per source (0 .. n_src-1) a row of (ring row, delay, scale, kind)."""
    src_row = np.full(n_src, -1, np.int32)
    if not any(p[0].size for p in parts):  # none, or only empty parts
        one = np.ones((1, 1), np.int32)
        return src_row, np.full((1, 1), rows - 1, np.int32), one, np.zeros((1, 1)), 0 * one
    src, r, d, s, _, kind = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.argsort(src, kind="stable")
    src, r, d, s, kind = src[order], r[order], d[order], s[order], kind[order]
    uniq, start, counts = np.unique(src, return_index=True, return_counts=True)
    width = int(counts.max())
    pos = np.arange(src.size) - np.repeat(start, counts)
    which = np.repeat(np.arange(uniq.size), counts)
    out_row = np.full((uniq.size, width), rows - 1, np.int32)
    out_delay = np.ones((uniq.size, width), np.int32)
    out_scale = np.zeros((uniq.size, width), np.float64)
    out_kind = np.zeros((uniq.size, width), np.int8)
    out_row[which, pos], out_delay[which, pos], out_scale[which, pos], out_kind[which, pos] = r, d, s, kind
    src_row[uniq] = np.arange(uniq.size)
    return src_row, out_row, out_delay, out_scale, out_kind


def _connection_ports(pops, conns) -> list[np.ndarray]:
    """Each connection's port among those into a ``connection_ports`` receptor of its target, in
    the order they were made (-1 for other connections), per batch; fills those populations' port
    weights (``Population.set_ports``)."""
    first = np.array([p.first for p in pops])
    pop_of = [np.searchsorted(first, c.targets, side="right") - 1 for c in conns]
    ports = [np.full(c.targets.size, -1, np.int64) for c in conns]
    for k, p in enumerate(pops):
        for receptor, name in p.model.connection_ports.items() if p.is_node else ():
            at = [(pk == k) & (c.receptor == receptor) for pk, c in zip(pop_of, conns)]
            none = [np.zeros(0, np.int64)]
            local = np.concatenate(none + [c.targets[a] - p.first for c, a in zip(conns, at)])
            weight = np.concatenate(none + [c.weight[a] for c, a in zip(conns, at)]).astype(float)
            order = np.argsort(local, kind="stable")
            counts = np.bincount(local, minlength=p.n)
            rank = np.empty(local.size, np.int64)
            rank[order] = np.arange(local.size) - np.repeat(np.cumsum(counts) - counts, counts)
            p.set_ports(name, np.split(weight[order], np.cumsum(counts)[:-1]))
            ends = np.cumsum([a.sum() for a in at])
            for port, a, end in zip(ports, at, ends):
                port[a] = rank[end - a.sum() : end]
    return ports


def build_tables(pops, conns, recorded_gids, sampled, n_nodes: int) -> Tables:
    """Turn populations and connection batches into the engine's flat arrays."""
    ports = _connection_ports(pops, conns)
    pop_rows, channels, row = {}, {}, 0
    for p in pops:
        if p.is_node:
            pop_rows[p.index], channels[p.index] = row, p.channels
            row += len(channels[p.index]) * p.n
    rows = row + 1
    first = np.array([p.first for p in pops])

    def locate(gids):
        k = np.searchsorted(first, gids, side="right") - 1
        return k, gids - first[k]

    models = list(dict.fromkeys(p.model for p in pops))
    pop_model = np.array([models.index(p.model) for p in pops])
    spike_parts, weighted_parts, dense_parts, gap_batches, uid0 = [], [], {}, [], 0
    for c, port in zip(conns, ports):
        n = c.sources.size
        uid = np.arange(uid0, uid0 + n)
        uid0 += n
        if c.synapse.gap:
            gap_batches.append(c)
            continue
        tk, tl = locate(c.targets)
        sk, _ = locate(c.sources)
        smid = pop_model[sk]
        rowv = np.empty(n, np.int32)
        scale = np.empty(n, np.float64)
        row_neg, scale_neg = rowv.copy(), scale.copy()
        reads = np.zeros(n, bool)
        reads_offset = np.zeros(n, bool)
        for k in np.unique(tk):
            for m in np.unique(smid[tk == k]):
                sel = (tk == k) & (smid == m)
                tp, sm = pops[k], models[m]
                first_row = pop_rows[k] + tl[sel]
                rowv[sel], scale[sel] = _routed(tp, sm.emits, c.receptor[sel], c.weight[sel], first_row, rows)
                if sm.emits == SPIKE and tp.model.offset_receptors:
                    reads_offset[sel] = np.isin(c.receptor[sel], list(tp.model.offset_receptors))
                if sm.weighted and tp.model.reads_weight:
                    reads[sel] = True
                    row_neg[sel], scale_neg[sel] = _routed(
                        tp, sm.emits, c.receptor[sel], -c.weight[sel], first_row, rows
                    )
                own = port[sel] >= 0  # a port of its own: the multiplicity, on that port's channel
                if own.any():
                    ch = channels[k].index(port_channels(1)[0]) + port[sel]
                    rowv[sel] = np.where(own, first_row + ch * tp.n, rowv[sel])
                    scale[sel] = np.where(own, 1.0, scale[sel])
                    reads[sel] &= ~own
        for m in np.unique(smid):
            sel, sm = smid == m, models[m]
            part = (c.sources[sel] - 1, rowv[sel], c.delay_steps[sel], scale[sel], uid[sel])
            if sm.emits == SPIKE and not sm.per_target and not sm.weighted:
                plain = ~reads_offset[sel]
                spike_parts.append(tuple(a[plain] for a in part) + (np.zeros(plain.sum(), np.int64),))
                if not plain.all():
                    weighted_parts.append((*(a[~plain] for a in part), np.full((~plain).sum(), 3)))
            elif sm.emits == SPIKE and not sm.per_target:
                off = 2 * reads_offset[sel]  # kinds 1, 2 become 3, 4 on offset-reading ports
                weighted_parts.append((*part, np.where(reads[sel], 1 + off, 0)))
                if reads[sel].any():
                    r = sel & reads
                    negative = (c.sources[r] - 1, row_neg[r], c.delay_steps[r], scale_neg[r], uid[r])
                    weighted_parts.append((*negative, 2 + 2 * reads_offset[r]))
            elif sm.emits in (SPIKE, CURRENT):
                dense_parts.setdefault(sm, []).append(part)

    spiking = spike_parts + weighted_parts
    delays = [p[2] for p in spiking] + [p[2] for ps in dense_parts.values() for p in ps]
    delays += [c.delay_steps for c in gap_batches]  # wfr_comm_interval, as NEST counts it
    delays = np.concatenate(delays) if delays else np.array([1])
    min_delay, max_delay = int(delays.min()), int(delays.max())

    src_row, out_row, out_delay, out_scale, _ = _out_table(spike_parts, n_nodes, rows)
    weighted = None
    if weighted_parts:
        has = np.unique(np.concatenate([p[0] for p in weighted_parts]))
        wpops = tuple(
            p.index for p in pops if p.is_node and (p.model.weighted or np.isin(p.gids - 1, has).any())
        )
        nodes = np.concatenate([p.gids - 1 for p in pops if p.index in wpops])
        col = np.zeros(n_nodes, np.int64)
        col[nodes] = np.arange(nodes.size)
        local = [(col[p[0]], *p[1:]) for p in weighted_parts]
        weighted = WeightedTable(wpops, nodes, *_out_table(local, nodes.size, rows))
    dense = [
        DenseGroup(model, *(np.concatenate(x) for x in zip(*parts))) for model, parts in dense_parts.items()
    ]
    rec = np.zeros(n_nodes, bool)
    if len(recorded_gids):
        rec[np.asarray(recorded_gids) - 1] = True
    return Tables(
        n_nodes=n_nodes,
        min_delay=min_delay,
        slots=max_delay + min_delay,
        rows=rows,
        pop_rows=pop_rows,
        src_row=src_row,
        out_row=out_row,
        out_delay=out_delay,
        out_scale=out_scale,
        weighted=weighted,
        dense=dense,
        spike_recorded=rec,
        sampled=sampled,
        channels=channels,
        gap=_gap_table(pops, gap_batches),
    )
