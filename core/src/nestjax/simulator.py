"""The Simulator: create, connect, simulate, get and set, with NEST's vocabulary and timing."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import brainstate
import brainunit as u
import jax.numpy as jnp
import numpy as np

from . import plugins
from .catalogue import PROVIDER
from .engine.program import Program
from .model import Model, Node, Recorder, Synapse
from .network import rules
from .network.connection_view import ConnectionView
from .network.connections import ConnBatch, delay_spec, delay_steps, per_connection, weight_in_target_unit
from .network.population import Population, flatten_sub
from .network.tables import build_tables
from .nodeview import NodeView
from .parameters import Parameter, resolve
from .recording import Recording
from .recording_backends import STATUS, Backend
from .result import Result
from .timebase import TimeBase, ms
from .units import Param
from .waveform_relaxation import WfrSettings


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
        self._copies: dict[str, type[Model]] = {}  # copy_model's models, in the order made
        self._data_path, self._data_prefix, self._overwrite = "", "", False
        self._wfr = WfrSettings(float(self.tb.ms_of(1)))
        self._step = 0
        self._program: Program | None = None
        self._old_tables = None  # the tables of the last program, to carry pending input over
        self._ring = brainstate.ShortTermState(jnp.zeros((1, 1)))

    # ------------------------------------------------------------------ nodes
    def _model(self, model) -> type[Model]:
        if isinstance(model, str):
            return self._copies[model] if model in self._copies else plugins.registry().model(model)
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
        recorder = issubclass(cls, Recorder) and getattr(cls, "backend", True)  # a recording backend's
        status = {k: values.pop(k) for k in STATUS if k in values} if recorder else {}
        pop = Population(cls, first, int(n), values, self.dt, self._step)
        if getattr(cls, "gap_junctions", False) and "node_uses_wfr" in pop.specs():  # NEST's status entry
            pop.note({"node_uses_wfr": self._wfr.use_wfr}, np.arange(pop.n))  # the kernel's use_wfr, now
        if recorder:
            self._rec.created(pop, status, values)
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

    # ----------------------------------------------------------------- models
    def copy_model(self, old, new: str, params: dict | None = None) -> None:
        """A model ``new``: ``old`` (a class or name) with other defaults, as ``nest.CopyModel``.

        Node models take defaults of their parameters and state (a recorder also ``label``,
        ``record_to``, ``precision``, ``file_extension``); synapse models of ``weight``, ``delay``,
        ``receptor_type`` and ``weight_recorder`` (a NodeView of one weight_recorder, which then
        records every spike passing a synapse of the new model). The new name is used as any model
        name of this Simulator (``create``, ``syn_spec["synapse_model"]``); a name that exists is
        NEST's error. The new defaults are checked before the model is made."""
        base = self._model(old)
        if not isinstance(new, str) or not new:
            raise TypeError(f"the new model's name must be a non-empty string, got {new!r}")
        if new in self._copies or new in PROVIDER or new in {m.name for m in plugins.registry().models()}:
            raise ValueError(f"Model {new} is the name of an existing model and cannot be re-used.")
        params = dict(params or {})
        attrs: dict[str, Any] = {"name": new, "__module__": base.__module__}
        if issubclass(base, Synapse) and "weight_recorder" in params:
            attrs["weight_recorder"] = self._weight_recorder(params.pop("weight_recorder"))
        if issubclass(base, Recorder) and getattr(base, "backend", True):
            backend = {k: params.pop(k) for k in STATUS if k in params and k != "n_events"}
            backend = {**getattr(base, "backend_defaults", {}), **backend}
            Backend.check(backend, backend.get("record_to", "memory"))
            attrs["backend_defaults"] = backend
        specs = {q.name: q for q in (*base.params, *getattr(base, "state", ()))}
        if issubclass(base, Synapse):
            specs["delay"] = delay_spec(specs["delay"])
        unknown = sorted(set(params) - set(specs))
        if unknown:
            raise ValueError(
                f"{base.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: {', '.join(sorted(specs))}"
            )
        new_defaults = {k: _default(specs[k], v) for k, v in params.items()}
        for table in ("params", "state"):
            if hasattr(base, table):
                attrs[table] = tuple(
                    replace(q, default=new_defaults[q.name]) if q.name in new_defaults else q
                    for q in getattr(base, table)
                )
        cls = type(new, (base,), attrs)
        if issubclass(cls, Synapse):
            delay_steps(np.asarray(cls.defaults()["delay"], float), self.tb)
        else:
            Population(cls, 1, 1, {}, self.dt)  # the model's checks of the new defaults
        self._copies[new] = cls

    def _weight_recorder(self, value) -> int:
        """The node id of a synapse model's weight recorder (``CommonSynapseProperties``)."""
        if not isinstance(value, NodeView) or value.sim is not self:
            raise TypeError("weight_recorder must be a NodeView of this Simulator")
        if len(value) != 1:
            raise ValueError("Property weight_recorder must be a single element NodeCollection")
        model = self._pop_of(int(value.gids[0])).model
        if not (issubclass(model, Recorder) and model.records == "weights"):
            raise ValueError("Property weight_recorder must be set to a node of type weight_recorder")
        return int(value.gids[0])

    # ------------------------------------------------------------ data files
    @property
    def data_path(self) -> str:
        """Directory of the ascii backend's files, NEST's kernel ``data_path`` ("": the current
        directory)."""
        return self._data_path

    @data_path.setter
    def data_path(self, path) -> None:
        path = os.fspath(path)
        if path and not os.path.isdir(path):
            raise ValueError(f"data_path: Directory '{path}' does not exist.")
        self._data_path = path

    @property
    def data_prefix(self) -> str:
        """Prefix of the ascii backend's file names, NEST's kernel ``data_prefix``."""
        return self._data_prefix

    @data_prefix.setter
    def data_prefix(self, prefix: str) -> None:
        if not isinstance(prefix, str) or "/" in prefix:
            raise ValueError("Data prefix must not contain path elements.")
        self._data_prefix = prefix

    @property
    def overwrite_files(self) -> bool:
        """Whether the ascii backend may replace existing files (NEST's kernel ``overwrite_files``);
        if not, a ``simulate`` call that would open an existing file is an error."""
        return self._overwrite

    @overwrite_files.setter
    def overwrite_files(self, value: bool) -> None:
        self._overwrite = bool(value)

    # ------------------------------------------------------ waveform relaxation
    def _wfr_property(name: str, doc: str):  # noqa: N805 (a property factory, used in the class body)
        def get(self):
            return getattr(self._wfr, name)

        def put(self, value):
            self._wfr.set(name, value, bool(self._pops), bool(self._conns))
            self._invalidate()

        return property(get, put, doc=doc)

    use_wfr = _wfr_property(
        "use_wfr",
        "NEST's kernel ``use_wfr`` (default True): gap junctions are solved by waveform "
        "relaxation; set before creating nodes. False: each step sees the partners' V_m of the last step.",
    )
    wfr_comm_interval = _wfr_property(
        "wfr_comm_interval",
        "NEST's kernel ``wfr_comm_interval`` in ms (default 1.0; the resolution "
        "without waveform relaxation): what gap junctions count as their delay towards min_delay, "
        "the length of the slices that are iterated; set before connecting.",
    )
    wfr_tol = _wfr_property(
        "wfr_tol",
        "NEST's kernel ``wfr_tol`` in mV (default 1e-4): passes over a slice stop when no "
        "V_m moved by more than this.",
    )
    wfr_max_iterations = _wfr_property(
        "wfr_max_iterations", "NEST's kernel ``wfr_max_iterations`` (default 15): passes per slice at most."
    )
    wfr_interpolation_order = _wfr_property(
        "wfr_interpolation_order",
        "NEST's kernel ``wfr_interpolation_order``: 0, 1 or 3 (default, "
        "cubic Hermite), the polynomial of a partner's V_m within a step.",
    )
    del _wfr_property

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
        flat = list(dict.fromkeys(n for p, _, _ in self._groups(view) for n in p.specs()))
        subs = {k: [n for n in flat if n.startswith(f"{k}.")] for k in names or () if k not in flat}
        if any(subs.values()):  # NEST's sub-dictionaries ("soma") from the flat names ("soma.C_m")
            parts = {k: self._get(view, v) for k, v in subs.items() if v}
            parts = {k: v if len(subs[k]) > 1 else {subs[k][0]: v} for k, v in parts.items()}
            nested = {k: {n.split(".", 1)[1]: x for n, x in v.items()} for k, v in parts.items()}
            rest = [k for k in names if k not in nested]
            out = {r: self._get(view, [r]) for r in rest} | nested
            return out[names[0]] if len(names) == 1 else {k: out[k] for k in names}
        out: dict[str, Any] = {}
        for pop, local, at in self._groups(view):
            specs = pop.specs()
            status = self._rec.status_names(int(pop.first + local[0]))  # a recorder's backend
            for name in names or [*(k for k, q in specs.items() if not q.hidden), *status]:
                if name not in specs and not (status and name in (*STATUS, "events", "filenames")):
                    valid = ", ".join(sorted([*specs, *status]))
                    raise ValueError(f"{pop.model.name} has no parameter {name!r}; valid names: {valid}")
                if name in specs:
                    vals = pop.get(name, local)
                else:
                    vals = [self._rec.status(int(pop.first + i), name) for i in local]
                if name not in out:
                    out[name] = [None] * len(view)
                for i, j in enumerate(at):
                    out[name][j] = vals[i]
        for name, vals in out.items():
            spec = next((p.specs()[name] for p, _, _ in self._groups(view) if name in p.specs()), None)
            if spec is None:  # a recorder's backend property
                out[name] = vals[0] if len(view) == 1 else vals
            elif spec.vector:  # one array per node (lengths may differ), as NEST's tuple of arrays
                vals = [spec.as_quantity(v) for v in vals]
                out[name] = vals[0] if len(view) == 1 else vals
            elif spec.numeric:
                arr = np.asarray(vals)
                out[name] = spec.as_quantity(arr[0] if len(view) == 1 else arr)
            elif len(view) == 1:
                out[name] = vals[0]
        return out[names[0]] if len(names) == 1 else out

    def _set(self, view: NodeView, values: dict) -> None:
        view = self._check_view(view, "nodes")
        groups = list(self._groups(view))
        values = flatten_sub(values, {n for p, _, _ in groups for n in p.specs()})
        self._rec.check_set(view, values)
        values, status = self._rec.split(view, values)
        if not values:
            self._rec.apply(status)
            return
        values = resolve(values, len(view), self._rng, nodes=view.gids)
        staged = []
        for pop, local, at in groups:  # convert and check everything before changing anything
            specs = pop.specs()
            per = {}
            for name, v in values.items():
                spec = specs.get(name)
                per[name] = _take(name, v, at, len(view)) if _is_per_node(spec, v, len(view)) else v
            staged.append((pop, local, per))
        backup = [(p, p.snapshot(), p.widths()) for p, _, _ in staged]
        try:
            for pop, local, per in staged:
                pop.set(per, local, self.dt, self._step)
        except Exception:
            for p, snap, _ in backup:
                p.restore(snap)
            raise
        self._rec.apply(status)
        if any(p.widths() != w for p, _, w in backup):  # new ring layout (recorders: read on the host)
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
        if "weight_recorder" in dict(syn_spec or {}):
            raise ValueError(
                'Synapse parameter "weight_recorder" can only be set through copy_model '
                "(NEST's CopyModel or SetDefaults), not per connection."
            )
        syn_model = self._model(dict(syn_spec or {}).get("synapse_model", "static_synapse"))
        if getattr(syn_model, "gap", False):
            rules.check_symmetric(rule_name, spec, pre, post, dict(syn_spec or {}))
        rng = self._rng()
        conns = rule(pre, post, spec, rng)
        sources, targets = (np.asarray(a) for a in conns)
        syn = {
            key: _syn_array(rule_name, spec, key, v, len(pre), len(post), conns)
            for key, v in dict(syn_spec or {}).items()
        }
        syn = resolve(syn, sources.size, lambda: rng, sources=sources, targets=targets)
        batch = self._synapses(sources, targets, post_models, syn)
        marks = self._route_check(batch)
        self._conns.append(batch)
        for pop, values, local in marks:
            pop.note(values, local)
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
        weight = syn.pop("weight", specs["weight"].default)
        weight = weight_in_target_unit(weight, post_models, specs["weight"])
        if syn_model.gap:  # no delay: it counts wfr_comm_interval towards min_delay, as in NEST
            if "delay" in syn:
                raise ValueError(f"{syn_model.name} connection has no delay")
            delay = np.asarray(self._wfr.wfr_comm_interval)
        else:
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

    def _route_check(self, batch: ConnBatch) -> list:
        """Ask each target model to route the new connections now, so errors come at connect:
        once per (source population, target population), with the receptors and weight signs
        that occur (routing depends on nothing else); then its per-target checks. Returns the
        read-only values the connections set on their targets (``Node.connected``)."""
        marks = []
        if batch.sources.size == 0:
            return marks
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
            if batch.synapse.gap:
                _check_gap(source, target, receptors)
                continue
            signs = np.array([w for w in (1.0, -1.0, 0.0) if np.any(np.sign(weight) == w)])
            r, w = np.meshgrid(receptors, signs)
            target.route(source.emits, r.ravel(), w.ravel())
            target.check_source(source, receptors)
            pop = self._pops[pair % n_pops]
            local = batch.targets[sel] - pop.first
            target.check_targets(source.emits, receptor, pop.table(), local)
            built = self._program.t if self._program is not None else self._old_tables
            ports = np.intersect1d(receptor, list(target.connection_ports))
            if ports.size and built is not None and pop.index in built.pop_rows:  # NEST: after init
                raise ValueError(
                    f"{target.name}: connections to receptor {int(ports[0])} can only be made before the "
                    "first simulate that includes the target"
                )
            if target.connected(source.emits):
                marks.append((pop, target.connected(source.emits), np.unique(local)))
        return marks

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
        self._program = Program(
            tables,
            self._pops,
            self.dt,
            self.seed,
            self._old_tables,
            self._rec.nest_min_delay(),
            replace(self._wfr),
        )
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
        self._rec.prepare()
        prog = self._program
        nodes = prog.node_pops
        params = [{**p.param_state.value, **p.model.host_arrays(p.host, self.dt)} for p in nodes]
        state = [p.state.value for p in nodes]
        ring = self._ring.value
        start, end = self._step, self._step + n
        outs = []
        bar = _progress_bar(self.tb.ms_of(n), self.tb.ms_of(start)) if progress else None
        step = start
        while step < end:
            state, ring, out, stop = prog.run_chunk(params, state, ring, step, end)
            outs.append(out)
            if bar is not None:
                bar.update(float(self.tb.ms_of(stop - step)))
            step = stop
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


def _check_gap(source, target, receptors) -> None:
    """NEST's checks of a gap junction (the target's first): both ends send and handle
    GapJunctionEvent, on receptor 0."""
    for end, model in (("target", target), ("source", source)):
        if not getattr(model, "gap_junctions", False):
            raise ValueError(f"The {end} node ({model.name}) does not support gap junctions.")
    if np.any(receptors != 0):
        bad = int(receptors[receptors != 0][0])
        raise ValueError(f"Receptor type {bad} is not available in {target.name}.")


def _default(spec: Param, value):
    """A new default for ``copy_model``: one value in NEST's unit (a weight quantity is kept and
    converted at connect, where the targets' unit is known)."""
    if spec.name == "weight" and isinstance(value, u.Quantity) and np.ndim(value.mantissa) == 0:
        return value
    v = spec.to_nest(value)
    if getattr(spec, "vector", False):
        return tuple(np.asarray(v, float).tolist())
    if not spec.numeric:
        return v
    if np.ndim(v) != 0:
        raise ValueError(f"{spec.name}: a model default takes one value, got {value!r}")
    return v.item()


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
    if spec.vector:  # one list per node, or a 2-d array; a flat list is one vector for all nodes
        raw = value.mantissa if isinstance(value, u.Quantity) else value
        if isinstance(raw, (list, tuple)):
            return len(raw) == n and all(np.ndim(x) > 0 for x in raw)
        return np.ndim(raw) == 2
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
        if k in old.pop_rows:  # channel by channel: a population's channels may change (ports)
            n, before = pops[k].n, old.channels[k]
            for c, name in enumerate(new.channels[k]):
                if name in before:
                    r_old = old.pop_rows[k] + before.index(name) * n
                    out[np.ix_(steps % new.slots, np.arange(r_new + c * n, r_new + (c + 1) * n))] = ring[
                        np.ix_(steps % old.slots, np.arange(r_old, r_old + n))
                    ]
    return jnp.asarray(out)
