"""Detectors: recorders that compute their results on the host (:attr:`Recorder.detector`, NEST's
correlation and spin detectors), their connections, and what they received in each call.

A connection to a detector carries NEST's ``weight``, ``delay`` and ``receptor_type``
(``static_synapse``); its delay counts towards NEST's min_delay (``Recording.nest_min_delay``),
which sets NEST's update slices and with them the order in which a detector receives events.
"""

from __future__ import annotations

import numpy as np

from .model import Node, Received
from .network.connections import DELAY, RECEPTOR, WEIGHT, delay_steps, per_connection
from .nodeview import NodeView

SYN_KEYS = ("weight", "delay", "receptor_type")
NO_LINKS = {
    "source": np.zeros(0, np.int64),
    "port": np.zeros(0, np.int64),
    "weight": np.zeros(0),
    "delay": np.zeros(0, np.int64),
    "device": np.zeros(0, bool),
}


class Detection:
    """The connections to the detectors of a Simulator, and their results after each call."""

    def __init__(self, sim):
        self.sim = sim
        self.links: dict[int, dict[str, np.ndarray]] = {}  # detector gid -> its connections, in order

    def connect(self, s: np.ndarray, t: np.ndarray, syn_spec: dict | None) -> None:
        """Connections ``s[i] -> t[i]`` to detectors; ``syn_spec`` as NEST's for static_synapse."""
        sim = self.sim
        if not all(sim._pop_of(int(d)).model.detector for d in np.unique(t)):
            raise ValueError("connect detectors and other recorders in separate calls")
        syn = dict(syn_spec or {})
        model = syn.pop("synapse_model", "static_synapse")
        unknown = sorted(set(syn) - set(SYN_KEYS))
        if model != "static_synapse" or unknown:
            raise ValueError(
                f"a connection to a detector takes a static_synapse with {', '.join(SYN_KEYS)}; "
                f"got synapse_model {model!r}" + (f" and {', '.join(map(repr, unknown))}" if unknown else "")
            )
        n = s.size
        weight = per_connection(WEIGHT, syn.get("weight", WEIGHT.default), n)
        delay = delay_steps(per_connection(DELAY, syn.get("delay", DELAY.default), n), sim.tb)
        port = per_connection(RECEPTOR, syn.get("receptor_type", RECEPTOR.default), n)
        kinds = np.array([p.model.kind == "stimulator" for p in sim._pops])
        device = kinds[np.searchsorted(sim._first, s, side="right") - 1]
        for dev in np.unique(t):  # check everything before keeping anything
            pop, sel = sim._pop_of(int(dev)), t == dev
            models = {p.model for p, _, _ in sim._groups(NodeView(sim, np.unique(s[sel])))}
            pop.model.check_connections(pop.table(np.array([int(dev) - pop.first])), models, port[sel])
        for dev in np.unique(t):
            sel = t == dev
            new = {
                "source": s[sel],
                "port": port[sel],
                "weight": weight[sel],
                "delay": delay[sel],
                "device": device[sel],
            }
            old = self.links.get(int(dev), NO_LINKS)
            self.links[int(dev)] = {k: np.concatenate([old[k], v]) for k, v in new.items()}

    def _as_sent(self, spikes, start: int, end: int):
        """The recorded spike events (one per node and step) as the detectors' sources sent them
        (:meth:`~nestjax.model.Node.events_sent`): sender, stamp, offset, multiplicity, factor;
        a node's events at one step stay in sending order."""
        gid, stamp, off, mult = spikes
        keep = np.ones(gid.size, bool)
        parts = []
        sources = np.unique(np.concatenate([NO_LINKS["source"], *(k["source"] for k in self.links.values())]))
        for pop, local, _ in self.sim._groups(NodeView(self.sim, sources)) if sources.size else ():
            if pop.model.events_sent.__func__ is Node.events_sent.__func__:
                continue
            for i in local.tolist():
                status = {name: pop.get(name, [i])[0] for name in pop.specs()}
                got = pop.model.events_sent(status, start, end, self.sim.dt)
                if got is not None:
                    at, m, f = (np.asarray(x) for x in got)
                    keep &= gid != pop.first + i
                    parts.append((np.full(at.size, pop.first + i), at, np.zeros(at.size), m, f))
        columns = [(gid[keep], stamp[keep], off[keep], mult[keep], np.ones(keep.sum())), *parts]
        return tuple(np.concatenate(c) for c in zip(*columns, strict=True))

    def collect(self, spikes, start: int, end: int, min_delay: int) -> dict[int, dict]:
        """Update every detector from what its sources sent during a call that updated steps
        ``start`` .. ``end``-1 (``spikes``: sender, stamp, offset, multiplicity of every recorded
        spike event; ``min_delay``: NEST's, in steps). Returns the events of those that write
        events, as the recording's rows (``_stamp``, ``_offset``, ``_key``, ``_rank``: the order written,
        ``senders``, values)."""
        gid, stamp, off, mult, factor = self._as_sent(spikes, start, end)
        rows = {}
        for pop in self.sim._pops:
            if not (pop.is_recorder and pop.model.detector):
                continue
            for i, dev in enumerate(pop.gids.tolist()):
                link = self.links.get(dev, NO_LINKS)
                keep = np.isin(gid, link["source"])
                received = Received(
                    gid[keep], stamp[keep], off[keep], mult[keep], factor[keep], link["source"],
                    link["port"], link["weight"], link["device"], start, end, min_delay, dev, self.sim.dt,
                )  # fmt: skip
                status = {name: pop.get(name, [i])[0] for name in pop.specs()}
                got = pop.model.collect(status, received)
                for name in pop.host:
                    pop.host[name][i] = status[name]
                if got is not None:
                    senders = np.asarray(got["senders"], np.int64)
                    values = {k: np.asarray(got[k]) for k in pop.model.event_values}
                    rows[dev] = {
                        "_stamp": np.asarray(got["stamps"], np.int64),
                        "_offset": np.asarray(got["offsets"], float),
                        "_key": senders,
                        "_rank": np.arange(senders.size),
                        "senders": senders,
                    } | values
        return rows
