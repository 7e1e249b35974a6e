"""A scenario written once and run in live NEST and in nestjax.

Kernel settings (``kernel``: e.g. ``use_wfr``, ``wfr_comm_interval``) are made first. Nodes are given
by label (model, n, params with bare numbers in NEST's units; a list of dicts gives per-node
values), models copied with new defaults (``copy_model``; a ``weight_recorder`` default
names a node label), connections between labels or slices of them, and the ``simulate`` calls.
Both runs return, per recorder label, the events of all calls together, in one layout:
spike recorders ``{"senders", "times"}``; multimeters ``{"times", "senders", <recordable>: array}``
with one row per sample time and one column per target, as ``Result.trace`` gives; weight recorders
NEST's events dict (times in ms). With ``stored=True`` they also return, under ``"stored"``, each
recorder's events dict as ``get("events")`` shows it after the last call (plain arrays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import brainunit as u
import numpy as np

from .nest_runner import fresh_nest


@dataclass
class Scenario:
    dt: float = 0.1
    nodes: list[tuple[str, str, int, Any]] = field(default_factory=list)
    connections: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)
    simulate: list[float] = field(default_factory=lambda: [100.0])
    models: list[tuple[str, str, dict]] = field(default_factory=list)
    stored: bool = False
    kernel: dict[str, Any] = field(default_factory=dict)

    def node(self, label: str, model: str, n: int = 1, params=None) -> Scenario:
        self.nodes.append((label, model, n, params))
        return self

    def connect(self, pre, post, conn_spec=None, syn_spec=None) -> Scenario:
        self.connections.append((pre, post, conn_spec, syn_spec))
        return self

    def copy_model(self, old: str, new: str, params: dict | None = None) -> Scenario:
        """``new`` as ``old`` with other defaults (after the nodes are created, before connecting)."""
        self.models.append((old, new, dict(params or {})))
        return self

    def recorders(self) -> list[tuple[str, str]]:
        kinds = {
            "spike_recorder": "spikes",
            "multimeter": "samples",
            "voltmeter": "samples",
            "weight_recorder": "weights",
        }
        for old, new, _ in self.models:
            kinds[new] = kinds.get(old)
        return [(label, kinds[m]) for label, m, _, _ in self.nodes if kinds.get(m)]


def neuron_scenario(model: str, dt: float, params, n: int = 1, record=("V_m",), interval=None) -> Scenario:
    """``n`` nodes of ``model`` ("n") observed by a multimeter ("mm", every ``interval``, default
    every step) recording ``record``, and their spikes by a spike recorder ("sr")."""
    sc = Scenario(dt=dt)
    sc.node("n", model, n, params)
    sc.node("mm", "multimeter", 1, {"record_from": list(record), "interval": interval or dt})
    sc.node("sr", "spike_recorder")
    sc.connect("mm", "n")
    sc.connect("n", "sr")
    return sc


def _pick(created: dict, ref):
    if isinstance(ref, tuple):
        label, sel = ref
        return created[label][sel]
    return created[ref]


def _per_key(cls, params) -> dict:
    """A list of per-node dicts as one dict of per-node lists (nestjax's create); a key missing
    from a node's dict takes the model's default, as in NEST."""
    if not isinstance(params, list):
        return dict(params or {})
    defaults = {q.name: q.default for q in (*cls.params, *getattr(cls, "state", ()))}
    keys = {k for d in params for k in d}
    return {k: [d.get(k, defaults.get(k)) for d in params] for k in keys}


def run_nest(sc: Scenario) -> dict:
    nest = fresh_nest(sc.dt)
    if sc.kernel:
        nest.set(**sc.kernel)
    created, copied = {}, set()
    for label, model, n, params in sc.nodes:
        _copy_models(nest.CopyModel, sc, created, copied)
        created[label] = nest.Create(model, n, params=params) if params else nest.Create(model, n)
    _copy_models(nest.CopyModel, sc, created, copied)
    for pre, post, conn, syn in sc.connections:
        nest.Connect(_pick(created, pre), _pick(created, post), conn, syn)
    total = 0.0
    for t in sc.simulate:
        nest.Simulate(t)
        total += t
    out = {}
    if sc.stored:
        out["stored"] = {label: _plain(created[label].get("events")) for label, _ in sc.recorders()}
    nest.Simulate(nest.min_delay)  # NEST hands over the last slice's samples only with a next call
    for label, kind in sc.recorders():
        ev = created[label].get("events")
        times = np.asarray(ev["times"], float)
        senders = np.asarray(ev["senders"], np.int64)
        if kind == "weights":
            t_ms = times * sc.dt if "offsets" in ev else times  # time_in_steps: steps
            out[label] = {k: np.asarray(v)[t_ms <= total + 1e-9] for k, v in ev.items()}
            continue
        if kind == "spikes":
            keep = times <= total + 1e-9
            out[label] = {"senders": senders[keep], "times": times[keep]}
            continue
        keep = times <= total + 1e-9
        uniq = np.unique(times[keep])
        cols = list(dict.fromkeys(senders[keep].tolist()))
        rec = {"times": uniq, "senders": np.asarray(cols)}
        for name in created[label].get("record_from"):
            vals = np.asarray(ev[name], float)[keep]
            grid = np.full((uniq.size, len(cols)), np.nan)
            grid[np.searchsorted(uniq, times[keep]), [cols.index(s) for s in senders[keep]]] = vals
            rec[name] = grid
        out[label] = rec
    return out


def run_nestjax(sc: Scenario, seed: int = 1) -> dict:
    import nestjax as nj

    sim = nj.Simulator(dt=sc.dt, seed=seed)
    for name, value in sc.kernel.items():
        setattr(sim, name, value)
    created, copied = {}, set()
    for label, model, n, params in sc.nodes:
        _copy_models(sim.copy_model, sc, created, copied)
        created[label] = sim.create(model, n, _per_key(sim._model(model), params))
    _copy_models(sim.copy_model, sc, created, copied)
    for pre, post, conn, syn in sc.connections:
        sim.connect(_pick(created, pre), _pick(created, post), conn, syn)
    results = [sim.simulate(t) for t in sc.simulate]
    out = {}
    if sc.stored:
        out["stored"] = {label: _plain(created[label].get("events")) for label, _ in sc.recorders()}
    for label, kind in sc.recorders():
        dev = created[label]
        if kind == "weights":
            evs = [_plain(r.events(dev)) for r in results]
            out[label] = {k: np.concatenate([e[k] for e in evs]) for k in evs[0]}
            continue
        if kind == "spikes":
            evs = [r.events(dev) for r in results]
            out[label] = {
                "senders": np.concatenate([e["senders"] for e in evs]),
                "times": np.concatenate([np.asarray(e["times"].to_decimal(u.ms)) for e in evs]),
            }
            continue
        rec = {
            "times": np.concatenate([np.asarray(r.times(dev).to_decimal(u.ms)) for r in results]),
            "senders": sim._rec.observed[int(dev.gids[0])],
        }
        for name in dev.get("record_from"):
            parts = [r.trace(dev, name) for r in results]
            rec[name] = np.concatenate(
                [np.asarray(p.mantissa if isinstance(p, u.Quantity) else p, float) for p in parts]
            )
        out[label] = rec
    return out


def _copy_models(copy, sc: Scenario, created: dict, copied: set) -> None:
    """Make the scenario's model copies whose weight recorder (a node label) exists, in order."""
    for old, new, params in sc.models:
        wr = params.get("weight_recorder")
        if new in copied or (wr is not None and wr not in created):
            continue
        copy(old, new, {**params, **({"weight_recorder": created[wr]} if wr is not None else {})})
        copied.add(new)


def _plain(events: dict) -> dict:
    """An events dict as plain arrays (times in ms or steps, values in NEST's units)."""
    return {k: np.asarray(v.mantissa if isinstance(v, u.Quantity) else v) for k, v in events.items()}


def run_both(sc: Scenario, seed: int = 1) -> tuple[dict, dict]:
    """(nestjax, NEST) recordings of the same scenario."""
    return run_nestjax(sc, seed), run_nest(sc)
