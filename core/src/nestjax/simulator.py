"""The Simulator: create, connect, simulate, get and set, with NEST's vocabulary and timing."""

from __future__ import annotations

from typing import Any

import brainstate
import brainunit as u
import jax.numpy as jnp
import numpy as np

from . import plugins
from .engine.program import Program
from .model import Model, Node, Recorder, Synapse
from .network import rules
from .network.connection_view import ConnectionView
from .network.connections import ConnBatch, delay_spec, delay_steps, per_connection, weight_in_target_unit
from .network.population import Population
from .network.tables import build_tables
from .nodeview import NodeView
from .parameters import Parameter, resolve
from .recording import Recording
from .result import Result
from .timebase import TimeBase, ms
from .units import Param


class Simulator:
    """One network on NEST's time grid of resolution ``dt``; ``seed`` fixes every random draw."""

    def __init__(self, dt=0.1, seed: int = 12345):
        self.tb = TimeBase(ms(dt, "dt"))
        self.dt = self.tb.dt
        self.seed = int(seed)
        self._seeds = np.random.SeedSequence(self.seed)  # one child stream per create/connect/set
        self._pops: list[Population] = []
        self._first = np.zeros(0, np.int64)
        self._conns: list[ConnBatch] = []
        self._rec = Recording(self)
        self._step = 0
        self._program: Program | None = None
        self._old_tables = None  # the tables of the last program, to carry pending input over
        self._ring = brainstate.ShortTermState(jnp.zeros((1, 1)))

    # ------------------------------------------------------------------ nodes
    def _model(self, model) -> type[Model]:
        if isinstance(model, str):
            return plugins.registry().model(model)
        if isinstance(model, type) and issubclass(model, Model):
            return model
        raise TypeError(f"expected a model class or NEST model name, got {model!r}")

    def create(self, model, n: int = 1, params: dict | None = None, **values) -> NodeView:
        """``n`` nodes of ``model`` (a class or NEST name) with parameters as in ``nest.Create``."""
        cls = self._model(model)
        if issubclass(cls, Synapse):
            raise ValueError(f"{cls.name} is a synapse model; give it as syn_spec['synapse_model']")
        if int(n) != n or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        first = int(self._first[-1] + self._pops[-1].n) if self._pops else 1
        gids = np.arange(first, first + int(n))
        values = resolve({**(params or {}), **values}, int(n), self._rng, nodes=gids)
        pop = Population(cls, first, int(n), values, self.dt)
        pop.index = len(self._pops)
        self._pops.append(pop)
        self._first = np.append(self._first, first)
        self._invalidate()
        return NodeView(self, pop.gids)

    def _rng(self) -> np.random.Generator:
        """A generator for one create/connect/set call: the same seed and sequence of calls give
        the same draws."""
        return np.random.default_rng(self._seeds.spawn(1)[0])

    def nodes(self, ids) -> NodeView:
        """A NodeView of the given node ids (any order; repeats are for ``one_to_one`` only), as
        NEST connects arrays of ids."""
        return NodeView(self, rules.node_ids(self, ids))

    def _pop_of(self, gid: int) -> Population:
        return self._pops[int(np.searchsorted(self._first, gid, side="right") - 1)]

    def _groups(self, view: NodeView):
        """(population, local indices, positions in the view) for each population in a view."""
        k = np.searchsorted(self._first, view.gids, side="right") - 1
        for i in np.unique(k):
            at = np.nonzero(k == i)[0]
            yield self._pops[i], view.gids[at] - self._pops[i].first, at

    def _check_view(self, view, what: str) -> NodeView:
        if not isinstance(view, NodeView):
            raise TypeError(f"{what} must be a NodeView, got {type(view).__name__}")
        if view.sim is not self:
            raise ValueError(f"{what} belongs to another Simulator")
        if len(view) == 0:
            raise ValueError(f"{what} is empty")
        return view

    # --------------------------------------------------------------- get/set
    def _get(self, view: NodeView, names):
        view = self._check_view(view, "nodes")
        out: dict[str, Any] = {}
        for pop, local, at in self._groups(view):
            specs = pop.specs()
            for name in names or list(specs):
                if name not in specs:
                    raise ValueError(
                        f"{pop.model.name} has no parameter {name!r}; valid names: {', '.join(sorted(specs))}"
                    )
                vals = pop.get(name, local)
                if name not in out:
                    out[name] = [None] * len(view)
                for i, j in enumerate(at):
                    out[name][j] = vals[i]
        for name, vals in out.items():
            spec = next(p.specs()[name] for p, _, _ in self._groups(view))
            if spec.numeric:
                arr = np.asarray(vals)
                out[name] = spec.as_quantity(arr[0] if len(view) == 1 else arr)
            elif len(view) == 1:
                out[name] = vals[0]
        return out[names[0]] if len(names) == 1 else out

    def _set(self, view: NodeView, values: dict) -> None:
        view = self._check_view(view, "nodes")
        groups = list(self._groups(view))
        self._rec.check_set(view, values)
        values = resolve(values, len(view), self._rng, nodes=view.gids)
        staged = []
        for pop, local, at in groups:  # convert and check everything before changing anything
            specs = pop.specs()
            per = {}
            for name, v in values.items():
                spec = specs.get(name)
                per[name] = _take(name, v, at, len(view)) if _is_per_node(spec, v, len(view)) else v
            staged.append((pop, local, per))
        backup = [(p, dict(p.param_state.value), dict(p.state.value), dict(p.host)) for p, _, _ in staged]
        try:
            for pop, local, per in staged:
                pop.set(per, local, self.dt)
        except Exception:
            for p, par, st, host in backup:
                p.param_state.value, p.state.value, p.host = par, st, host
            raise
        if any(p.is_recorder for p, _, _ in staged):
            self._invalidate()

    # ---------------------------------------------------------------- connect
    def connect(self, pre: NodeView, post: NodeView, conn_spec=None, syn_spec=None) -> None:
        """Connect as ``nest.Connect``; recorders observe their targets (``connect(vm, neurons)``)
        or receive from their sources (``connect(neurons, spike_recorder)``)."""
        pre, post = (
            self._check_view(v if isinstance(v, NodeView) else self.nodes(v), what)
            for v, what in ((pre, "pre"), (post, "post"))
        )
        spec = (
            {"rule": conn_spec} if isinstance(conn_spec, str) else dict(conn_spec or {"rule": "all_to_all"})
        )
        rule_name = spec.pop("rule", "all_to_all")
        rule = plugins.registry().rule(rule_name)
        pre_models = {p.model for p, _, _ in self._groups(pre)}
        post_models = {p.model for p, _, _ in self._groups(post)}
        if any(issubclass(m, Recorder) for m in pre_models | post_models):
            self._rec.connect(pre, post, pre_models, post_models, rule, spec, syn_spec)
            self._invalidate()
            return
        for m in pre_models:
            if not issubclass(m, Node) or m.emits is None:
                raise ValueError(f"{m.name} cannot be the source of a connection")
        rng = self._rng()
        conns = rule(pre, post, spec, rng)
        sources, targets = (np.asarray(a) for a in conns)
        syn = {
            key: _syn_array(rule_name, spec, key, v, len(pre), len(post), conns)
            for key, v in dict(syn_spec or {}).items()
        }
        syn = resolve(syn, sources.size, lambda: rng, sources=sources, targets=targets)
        batch = self._synapses(sources, targets, post_models, syn)
        self._route_check(batch)
        self._conns.append(batch)
        self._invalidate()

    def _synapses(self, sources, targets, post_models, syn: dict) -> ConnBatch:
        syn_model = self._model(syn.pop("synapse_model", "static_synapse"))
        if not issubclass(syn_model, Synapse):
            raise ValueError(f"{syn_model.name} is not a synapse model")
        specs = {p.name: p for p in syn_model.params}
        specs["delay"] = delay_spec(specs["delay"])
        unknown = sorted(set(syn) - set(specs))
        if unknown:
            raise ValueError(
                f"{syn_model.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: {', '.join(sorted(specs))}"
            )
        n = sources.size
        weight = weight_in_target_unit(syn.pop("weight", specs["weight"].default), post_models)
        delay = specs["delay"].to_nest(syn.pop("delay", specs["delay"].default))
        steps = per_connection(Param("delay_steps", 1, kind=int), delay_steps(delay, self.tb), n)
        values = {
            name: per_connection(specs[name], syn.pop(name, specs[name].default), n)
            for name in specs
            if name not in ("weight", "delay")
        }
        return ConnBatch(
            synapse=syn_model,
            sources=sources,
            targets=targets,
            weight=per_connection(specs["weight"], weight, n),
            delay_steps=steps.astype(np.int32),
            receptor=values.pop("receptor_type"),
            extra=values,
        )

    def _route_check(self, batch: ConnBatch) -> None:
        """Ask each target model to route the new connections now, so errors come at connect:
        once per (source population, target population), with the receptors and weight signs
        that occur (routing depends on nothing else)."""
        if batch.sources.size == 0:
            return
        n_pops = len(self._pops)
        sk = np.searchsorted(self._first, batch.sources, side="right") - 1
        tk = np.searchsorted(self._first, batch.targets, side="right") - 1
        pairs = np.unique(sk * n_pops + tk) if n_pops > 1 else np.zeros(1, np.int64)
        for pair in pairs:
            source, target = self._pops[pair // n_pops].model, self._pops[pair % n_pops].model
            if not issubclass(target, Node):
                raise ValueError(f"{target.name} cannot be the target of a connection from {source.name}")
            sel = slice(None) if pairs.size == 1 else (sk * n_pops + tk) == pair
            receptor, weight = batch.receptor[sel], batch.weight[sel]
            receptors = receptor[:1] if receptor.min() == receptor.max() else np.unique(receptor)
            signs = np.array([w for w in (1.0, -1.0, 0.0) if np.any(np.sign(weight) == w)])
            r, w = np.meshgrid(receptors, signs)
            target.route(source.emits, r.ravel(), w.ravel())

    def get_connections(self, source=None, target=None, synapse_model=None) -> ConnectionView:
        """The connections between nodes, as ``nest.GetConnections``: those from ``source`` and to
        ``target`` (NodeViews; None: any) of ``synapse_model`` (a name or class; None: any).
        Connections to and from recorders are not synapses here and are not listed."""
        return ConnectionView.select(self, source, target, synapse_model)

    # --------------------------------------------------------------- simulate
    def _invalidate(self) -> None:
        if self._program is not None:
            self._old_tables = self._program.t
        self._program = None

    def _build(self) -> None:
        n_nodes = int(self._first[-1] + self._pops[-1].n - 1)
        tables = build_tables(
            self._pops, self._conns, self._rec.spike_recorded(), self._rec.sampled(), n_nodes
        )
        self._ring.value = _carry_ring(self._ring.value, self._old_tables, tables, self._pops, self._step)
        self._program = Program(tables, self._pops, self.dt, self.seed)
        self._rec.started(self._step)

    def simulate(self, t, progress: bool = False) -> Result:
        """Advance by ``t`` (quantity or ms, a whole number of steps); returns this call's recordings.

        ``progress=True`` shows a progress bar (tqdm) in simulated ms, advanced after each compiled
        chunk."""
        n = self.tb.whole_steps(ms(t, "simulation time"), "simulation time")
        if not self._pops:
            raise ValueError("there is nothing to simulate: create nodes first")
        if self._program is None:
            self._build()
        prog = self._program
        nodes = prog.node_pops
        params = [{**p.param_state.value, **p.model.host_arrays(p.host, self.dt)} for p in nodes]
        state = [p.state.value for p in nodes]
        ring = self._ring.value
        start, end = self._step, self._step + n
        outs = []
        bar = _progress_bar(self.tb.ms_of(n), self.tb.ms_of(start)) if progress else None
        for step0 in range(start, end, prog.chunk_steps):
            stop = min(end, step0 + prog.chunk_steps)
            state, ring, out = prog.run_chunk(params, state, ring, step0, stop)
            outs.append(out)
            if bar is not None:
                bar.update(float(self.tb.ms_of(stop - step0)))
        if bar is not None:
            bar.close()
        for p, s in zip(nodes, state):
            p.state.value = s
        self._ring.value = ring
        self._step = end
        return self._rec.result(outs, start, end)

    @property
    def time(self):
        """Current simulation time."""
        return u.Quantity(self._step * self.dt, unit=u.ms)


def _progress_bar(total_ms: float, now_ms: float):
    from tqdm.auto import tqdm

    return tqdm(
        total=float(total_ms),
        unit="ms",
        desc=f"simulate from {float(now_ms):g} ms",
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} ms [{elapsed}<{remaining}]",
    )


def _syn_array(rule: str, spec: dict, key: str, value, n_pre: int, n_post: int, conns):
    """An array-valued syn_spec entry as one value per connection, mapped as NEST maps it for the
    rule (``rules.syn_array``); scalars, names and random parameters pass unchanged. A rule from
    another plugin takes one value per connection, in its order."""
    raw = value.mantissa if isinstance(value, u.Quantity) else value
    if key == "synapse_model" or isinstance(value, Parameter) or np.ndim(raw) == 0:
        return value
    if rule not in rules.RULES:
        return value
    mapped = rules.syn_array(rule, spec, key, raw, n_pre, n_post, conns)
    return u.Quantity(mapped, unit=value.unit) if isinstance(value, u.Quantity) else mapped


def _is_per_node(spec, value, n: int) -> bool:
    """Whether ``value`` holds one entry per node (for lists of lists: object parameters)."""
    if spec is None or n < 2 or isinstance(value, (str, dict)):
        return False
    if not spec.numeric:
        return (
            isinstance(value, (list, tuple))
            and len(value) == n
            and all(isinstance(x, (list, tuple, np.ndarray)) for x in value)
        )
    raw = value.mantissa if isinstance(value, u.Quantity) else value
    return np.ndim(raw) == 1


def _take(name: str, value, at: np.ndarray, n: int):
    """The entries of a per-node value for the view positions ``at``."""
    if len(value) != n:
        raise ValueError(f"{name}: got {len(value)} values for {n} nodes")
    if isinstance(value, (list, tuple)):
        return [value[i] for i in at] if not np.isscalar(value[0]) else np.asarray(value)[at]
    return value[at]


def _carry_ring(ring, old, new, pops, now: int):
    """Move pending ring-buffer input to the layout of a rebuilt network."""
    out = np.zeros((new.slots, new.rows))
    if old is None:
        return jnp.asarray(out)
    ring = np.asarray(ring)
    steps = np.arange(now, now + min(old.slots, new.slots))
    for k, r_new in new.pop_rows.items():
        if k in old.pop_rows:
            size = len(pops[k].model.channels) * pops[k].n
            r_old = old.pop_rows[k]
            out[np.ix_(steps % new.slots, np.arange(r_new, r_new + size))] = ring[
                np.ix_(steps % old.slots, np.arange(r_old, r_old + size))
            ]
    return jnp.asarray(out)
