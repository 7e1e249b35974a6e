"""Flat arrays for the engine: ring-buffer rows, outgoing spike tables, dense input groups.

Every input channel of every neuron has one row of the ring buffer (plus a last row that absorbs
ignored and padding events). Spike connections are grouped by source into a padded table that the
engine gathers for the sources that spiked; connections from current sources and from sources
that draw per target are delivered densely, every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import CURRENT, SPIKE


@dataclass
class DenseGroup:
    """Connections from sources of one model that send every step (currents, per-target draws)."""

    model: type
    source: np.ndarray  # node index (gid - 1) of each connection's source
    row: np.ndarray
    delay: np.ndarray
    scale: np.ndarray
    uid: np.ndarray  # a stable id per connection, keying its random draws


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
    dense: list[DenseGroup] = field(default_factory=list)
    spike_recorded: np.ndarray | None = None
    sampled: list[Sampled] = field(default_factory=list)

    @property
    def dump_row(self) -> int:
        return self.rows - 1


def build_tables(pops, conns, recorded_gids, sampled, n_nodes: int) -> Tables:
    """Turn populations and connection batches into the engine's flat arrays."""
    pop_rows, row = {}, 0
    for p in pops:
        if p.is_node:
            pop_rows[p.index] = row
            row += len(p.model.channels) * p.n
    rows = row + 1
    first = np.array([p.first for p in pops])

    def locate(gids):
        k = np.searchsorted(first, gids, side="right") - 1
        return k, gids - first[k]

    models = list(dict.fromkeys(p.model for p in pops))
    pop_model = np.array([models.index(p.model) for p in pops])
    spike_parts, dense_parts, uid0 = [], {}, 0
    for c in conns:
        n = c.sources.size
        uid = np.arange(uid0, uid0 + n)
        uid0 += n
        tk, tl = locate(c.targets)
        sk, _ = locate(c.sources)
        smid = pop_model[sk]
        rowv = np.empty(n, np.int64)
        scale = np.empty(n, np.float64)
        for k in np.unique(tk):
            for m in np.unique(smid[tk == k]):
                sel = (tk == k) & (smid == m)
                tp = pops[k]
                ch, sc = tp.model.route(models[m].emits, c.receptor[sel], c.weight[sel])
                ch = np.asarray(ch)
                rowv[sel] = np.where(ch < 0, rows - 1, pop_rows[k] + ch * tp.n + tl[sel])
                scale[sel] = np.broadcast_to(sc, ch.shape)
        for m in np.unique(smid):
            sel, sm = smid == m, models[m]
            part = (c.sources[sel] - 1, rowv[sel], c.delay_steps[sel], scale[sel], uid[sel])
            if sm.emits == SPIKE and not sm.per_target:
                spike_parts.append(part)
            elif sm.emits in (SPIKE, CURRENT):
                dense_parts.setdefault(sm, []).append(part)

    delays = [p[2] for p in spike_parts] + [p[2] for ps in dense_parts.values() for p in ps]
    delays = np.concatenate(delays) if delays else np.array([1])
    min_delay, max_delay = int(delays.min()), int(delays.max())

    src_row = np.full(n_nodes, -1, np.int64)
    if spike_parts:
        src, r, d, s, _ = (np.concatenate(x) for x in zip(*spike_parts))
        order = np.argsort(src, kind="stable")
        src, r, d, s = src[order], r[order], d[order], s[order]
        uniq, start, counts = np.unique(src, return_index=True, return_counts=True)
        width = int(counts.max())
        pos = np.arange(src.size) - np.repeat(start, counts)
        which = np.repeat(np.arange(uniq.size), counts)
        out_row = np.full((uniq.size, width), rows - 1, np.int64)
        out_delay = np.ones((uniq.size, width), np.int64)
        out_scale = np.zeros((uniq.size, width), np.float64)
        out_row[which, pos], out_delay[which, pos], out_scale[which, pos] = r, d, s
        src_row[uniq] = np.arange(uniq.size)
    else:
        out_row = np.full((1, 1), rows - 1, np.int64)
        out_delay = np.ones((1, 1), np.int64)
        out_scale = np.zeros((1, 1))

    dense = [
        DenseGroup(model, *(np.concatenate(x) for x in zip(*parts)))
        for model, parts in dense_parts.items()
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
        dense=dense,
        spike_recorded=rec,
        sampled=sampled,
    )
