"""Recorders on the host: who records what, and a call's recordings as a :class:`Result`.

Spike recorders receive from their sources (``connect(neurons, sr)``); multimeters observe their
targets (``connect(mm, neurons)``). The engine records every spike of a recorded node and samples
every recordable asked for at every step; this module keeps, per recorder, what NEST would:
events stamped in (origin+start, origin+stop], one per multiplicity, and samples at NEST's
sampling times (``nestkernel/universal_data_logger_impl.h``). Weight recorders get, for each spike
that passes a synapse of a model naming them, its sender, target, weight, receptor and port,
stamped with the spike's time (``nestkernel/connector_base_impl.h``).

A call's :class:`Result` holds all of the call's events, ordered by time. The backends
(:mod:`~nestjax.recording_backends`) get events as NEST's recorders do: spikes when they are
emitted, samples and weight events of an update slice with the start of the next slice, in NEST's
order, and selected by the window at that moment.
"""

from __future__ import annotations

import brainunit as u
import numpy as np

from .detection import Detection
from .engine.program import ChunkOutput
from .model import SPIKE, BadProperty, Node, Recorder
from .network.tables import Sampled
from .nodeview import NodeView
from .recording_backends import STATUS, Backend, Block
from .result import Result, with_units

FIXED_AFTER_CONNECT = ("interval", "offset", "record_from")
WEIGHTS = ("weights", "targets", "receptors", "ports")  # a weight recorder's values (NEST's order)


class Recording:
    def __init__(self, sim):
        self.sim = sim
        self.observed: dict[int, np.ndarray] = {}  # sampler gid -> targets, in connection order
        self.sources: dict[int, np.ndarray] = {}  # spike recorder gid -> source gids
        self.t0: dict[int, int] = {}  # sampler gid -> step of its first simulate
        self.columns: dict[tuple[int, str], tuple[int, np.ndarray]] = {}
        self.backends: dict[int, Backend] = {}  # recorder gid -> where its events go
        self.pending: dict[int, dict] = {}  # sampler/weight recorder gid -> rows NEST hands over later
        self.weight_tables: dict[int, list] = {}  # weight recorder gid -> connections, model by model
        self.slice_steps = 1  # NEST's min_delay in steps: the update slices of NEST's event order
        self.detection = Detection(sim)  # correlation and spin detectors
        self.simulated = False

    def _param(self, gid: int, name: str):
        pop = self.sim._pop_of(gid)
        return pop.get(name, [gid - pop.first])[0]

    # ---------------------------------------------------------------- connect
    def connect(self, pre, post, pre_models, post_models, rule, spec, syn_spec) -> None:
        detectors = any(issubclass(m, Recorder) and m.detector for m in post_models)
        if syn_spec and not detectors:
            raise ValueError("a connection to or from a recorder takes no syn_spec")
        for m in pre_models | post_models:
            if issubclass(m, Recorder) and m.records == "weights":
                raise ValueError(
                    f"{m.name} is not connected to nodes: it records the synapses of the models whose "
                    f"weight_recorder it is (copy_model('static_synapse', name, {{'weight_recorder': ...}}))"
                )
        if any(issubclass(m, Recorder) for m in post_models):
            self._connect_spike_recorder(pre, post, pre_models, post_models, rule, spec, syn_spec)
        else:
            self._connect_sampler(pre, post, pre_models, post_models, rule, spec)

    def _connect_spike_recorder(self, pre, post, pre_models, post_models, rule, spec, syn_spec=None) -> None:
        for m in post_models:
            if issubclass(m, Recorder) and m.records == "samples":
                raise ValueError(f"{m.name} observes its targets: connect it as connect({m.name}, neurons)")
            if not issubclass(m, Recorder):
                raise ValueError("connect recorders and other nodes in separate calls")
        for m in pre_models:
            if issubclass(m, Recorder):
                raise ValueError("a recorder cannot record from another recorder")
            if not issubclass(m, Node) or m.emits != SPIKE or m.per_target:
                hint = " (it draws per target: record a parrot_neuron it drives)" if m.per_target else ""
                raise ValueError(
                    f"{m.name} sends no spikes of its own that a spike recorder can record{hint}"
                )
        s, t = (np.asarray(a) for a in rule(pre, post, spec, np.random.default_rng(self.sim.seed)))
        if any(issubclass(m, Recorder) and m.detector for m in post_models):
            self.detection.connect(s, t, syn_spec)
        for dev in np.unique(t):
            old = self.sources.get(int(dev), np.zeros(0, np.int64))
            self.sources[int(dev)] = np.union1d(old, s[t == dev])

    def _connect_sampler(self, pre, post, pre_models, post_models, rule, spec) -> None:
        for m in pre_models:
            if not issubclass(m, Recorder):
                raise ValueError("connect recorders and other nodes in separate calls")
            if m.records == "spikes":
                raise ValueError(
                    f"{m.name} receives from its sources: connect it as connect(neurons, {m.name})"
                )
        for m in post_models:
            if not issubclass(m, Node):
                raise ValueError(f"{m.name} has nothing a multimeter can record")
        s, t = (np.asarray(a) for a in rule(pre, post, spec, np.random.default_rng(self.sim.seed)))
        for dev in np.unique(s):
            self._check_recordables(self._param(int(dev), "record_from"), t[s == dev])
        for dev in np.unique(s):
            old = self.observed.get(int(dev), np.zeros(0, np.int64))
            new = np.concatenate([old, t[s == dev]])
            if np.unique(new).size < new.size:
                raise ValueError("Each multimeter can only be connected once to a given node.")
        for dev in np.unique(s):
            old = self.observed.get(int(dev), np.zeros(0, np.int64))
            self.observed[int(dev)] = np.concatenate([old, t[s == dev]])

    def _check_recordables(self, names, targets) -> None:
        """Every target must have every recordable asked for (per node: a recordable such as
        I_syn_3 exists only on nodes with 3 receptor ports)."""
        for pop, local, _ in self.sim._groups(NodeView(self.sim, targets)):
            have = pop.recordables(local)
            missing = [n for n in names if n not in have]
            if missing:
                raise ValueError(
                    f"{pop.model.name} has no recordable {', '.join(map(repr, missing))}; "
                    f"its recordables: {', '.join(have)}"
                )

    def check_set(self, view, values: dict) -> None:
        """NEST refuses to change what a multimeter records once it has targets."""
        fixed = sorted(set(values) & set(FIXED_AFTER_CONNECT))
        if fixed and any(int(g) in self.observed for g in view.gids):
            raise ValueError(
                "The recording interval, the interval offset and the list of properties to record "
                f"cannot be changed after the multimeter has been connected to nodes ({', '.join(fixed)})."
            )

    # ------------------------------------------------------------------ build
    def spike_recorded(self) -> np.ndarray:
        """Node ids whose spikes some recorder receives, or whose synapses a weight recorder
        records (builds the weight recorders' connection tables)."""
        self._weight_tables()
        ids = [*self.sources.values(), *(t[0] for tables in self.weight_tables.values() for t in tables)]
        return np.unique(np.concatenate(ids)) if ids else np.zeros(0, np.int64)

    def _weight_tables(self) -> None:
        """Per weight recorder, for each synapse model that names it (in NEST's order of synapse
        models: copies in the order they were made), its connections from nodes other than
        stimulators (NEST's devices deliver without the weight recorder) sorted by source, as
        (sources, targets, weights, receptors, ports): the port is the position in that order, as
        NEST's connector of the model numbers its connections after sorting them by source."""
        copies = list(self.sim._copies.values())
        models = [c.synapse for c in self.sim._conns if getattr(c.synapse, "weight_recorder", None)]
        self.weight_tables = {}
        stimulator = np.array([p.model.kind == "stimulator" for p in self.sim._pops])
        for model in sorted(set(models), key=lambda m: copies.index(m) if m in copies else -1):
            batches = [c for c in self.sim._conns if c.synapse is model]
            s, t, w, r = (
                np.concatenate([getattr(c, k) for c in batches])
                for k in ("sources", "targets", "weight", "receptor")
            )
            keep = ~stimulator[np.searchsorted(self.sim._first, s, side="right") - 1]
            order = np.argsort(s[keep], kind="stable")
            s, t, r = (a[keep][order].astype(np.int64) for a in (s, t, r))
            table = (s, t, w[keep][order].astype(float), r, np.arange(order.size))
            self.weight_tables.setdefault(int(model.weight_recorder), []).append(table)

    def nest_min_delay(self) -> int:
        """NEST's min_delay in steps: the least delay of all connections, those of recorders
        included (these have the static_synapse default, 1 ms); one step without connections."""
        delays = [c.delay_steps for c in self.sim._conns if c.delay_steps.size]
        delays += [k["delay"] for k in self.detection.links.values()]  # detectors: their own delays
        plain = [v for dev, v in self.sources.items() if dev not in self.detection.links]
        if any(v.size for v in (*plain, *self.observed.values())):
            delays.append(np.atleast_1d(self.sim.tb.delay_steps(1.0)))
        return int(min(d.min() for d in delays)) if delays else 1

    def sampled(self) -> list[Sampled]:
        """One sampled block per (population, recordable); remembers each block's columns."""
        need: dict[tuple[int, str], list] = {}
        for dev, targets in self.observed.items():
            self._check_recordables(self._param(dev, "record_from"), np.unique(targets))  # ports may change
            for pop, local, _ in self.sim._groups(NodeView(self.sim, targets)):
                for name in self._param(dev, "record_from"):
                    need.setdefault((pop.index, name), []).append(local)
        blocks, col = [], 0
        self.columns = {}
        for (k, name), parts in sorted(need.items()):
            local = np.unique(np.concatenate(parts))
            blocks.append(Sampled(k, name, local))
            self.columns[(k, name)] = (col, local)
            col += local.size
        return blocks

    def started(self, step: int) -> None:
        for dev in self.observed:
            self.t0.setdefault(dev, step)
        self.slice_steps = self.nest_min_delay()

    # ----------------------------------------------------------------- result
    def _window(self, gid: int) -> tuple[int, int]:
        """(t_min, t_max) in steps: origin+start and origin+stop (``Device::calibrate``)."""
        origin, start, stop = (float(np.asarray(self._param(gid, k))) for k in ("origin", "start", "stop"))
        tb = self.sim.tb
        t_max = int(tb.steps_ceil(origin + stop)) if np.isfinite(origin + stop) else np.iinfo(np.int64).max
        return int(tb.steps_ceil(origin + start)), t_max

    def _recorders(self, records: str) -> list[int]:
        """Every recorder of a kind, connected or not (an unconnected one records nothing)."""
        return [
            int(g)
            for p in self.sim._pops
            if p.is_recorder and p.model.records == records and not p.model.detector
            for g in p.gids
        ]

    def result(self, outs, start: int, end: int) -> Result:
        """This call's recordings; hands the events NEST has delivered by ``end`` to the backends."""
        if not outs:  # simulate(0): nothing ran
            cols = sum(loc.size for _, loc in self.columns.values())
            none = np.zeros(0, np.int64)
            outs = [ChunkOutput(none, none, np.zeros(0), np.zeros(0), samples=np.zeros((0, cols)))]
        spikes = tuple(
            np.concatenate([getattr(o, k) for o in outs]) for k in ("spike_gid", "spike_step", "spike_offset")
        ) + (np.concatenate([o.spike_mult for o in outs]).astype(np.int64),)
        grids = self._samples(outs, start, end)
        raw = {dev: self._spike_rows(dev, spikes) for dev in self._recorders("spikes")}
        raw.update({dev: self._sample_rows(dev, grid) for dev, grid in grids.items()})
        raw.update({dev: self._weight_rows(dev, spikes) for dev in self._recorders("weights")})
        raw.update(self.detection.collect(spikes, start, end, self.slice_steps))
        events = {
            dev: self._columns(dev, self._order(self._keep(dev, rows), True)) for dev, rows in raw.items()
        }
        samples = {}
        for dev, (stamps, names, values) in grids.items():
            t_min, t_max = self._window(dev)
            take = (stamps > t_min) & (stamps <= t_max)
            samples[dev] = (stamps[take], names, {k: (a[take], unit) for k, (a, unit) in values.items()})
        self._deliver(raw, end)
        return Result(self.sim, events, {dev: self.units(dev) for dev in raw}, samples)

    def _sample_stamps(self, dev: int, stamps: np.ndarray) -> np.ndarray:
        """Which step-end stamps NEST samples: multiples of ``interval``, or, with an ``offset``,
        offset + k * interval after the recorder's first simulate (the window is applied where
        the samples are handed over)."""
        dt = self.sim.dt
        interval = int(round(float(np.asarray(self._param(dev, "interval"))) / dt))
        offset = int(round(float(np.asarray(self._param(dev, "offset"))) / dt))
        if offset == 0:
            return stamps % interval == 0
        return (stamps >= offset) & ((stamps - offset) % interval == 0) & (stamps > self.t0[dev] + 1)

    def _samples(self, outs, start: int, end: int) -> dict:
        S = np.concatenate([o.samples for o in outs])[: end - start]
        stamps = np.arange(start + 1, end + 1)
        first = self.sim._first
        samples = {}
        for dev in self._recorders("samples"):
            targets = self.observed.get(dev, np.zeros(0, np.int64))
            take = self._sample_stamps(dev, stamps) if targets.size else np.zeros(stamps.size, bool)
            k_of = np.searchsorted(first, targets, side="right") - 1
            values = {}
            for name in self._param(dev, "record_from"):
                cols = np.empty(targets.size, np.int64)
                for k in np.unique(k_of):
                    c0, loc = self.columns[(int(k), name)]
                    sel = k_of == k
                    cols[sel] = c0 + np.searchsorted(loc, targets[sel] - first[k])
                unit = self.sim._pops[int(k_of[0])].model.recordable_unit(name) if targets.size else None
                values[name] = (S[take][:, cols], unit)
            samples[dev] = (stamps[take], list(self._param(dev, "record_from")), values)
        return samples

    # ------------------------------------------------------- events as NEST's
    # Raw rows of a call: "_stamp" (step), "_offset", "_key" (the sender, or a sampler's target
    # position), then NEST's columns except the times; the window and filters apply afterwards.
    def _spike_rows(self, dev: int, spikes) -> dict:
        gid, stamp, off, mult = spikes
        keep = np.isin(gid, self.sources.get(dev, np.zeros(0, np.int64)))
        g, s, o = (np.repeat(a[keep], mult[keep]) for a in (gid, stamp, off))
        return {"_stamp": s, "_offset": o, "_key": g, "senders": g}

    def _sample_rows(self, dev: int, grid) -> dict:
        stamps, names, values = grid
        targets = self.observed.get(dev, np.zeros(0, np.int64))
        T, K = stamps.size, targets.size
        rows = {
            "_stamp": np.repeat(stamps, K),
            "_offset": np.zeros(T * K),
            "_key": np.tile(np.arange(K), T),
            "senders": np.tile(targets, T),
        }
        return rows | {name: np.asarray(values[name][0], float).reshape(-1) for name in names}

    def _weight_rows(self, dev: int, spikes) -> dict:
        """One row per spike copy and connection of the weight recorder's synapse models: for each
        spike (multiplicity k: k spikes, as NEST unrolls them), model by model, copy by copy, the
        connections of its sender in port order (``Connector::send``, ``send_weight_event``)."""
        gid, stamp, off, mult = spikes
        parts = []
        for s, t, w, r, port in self.weight_tables.get(dev, []):
            lo = np.searchsorted(s, gid, side="left")
            deg = np.searchsorted(s, gid, side="right") - lo
            n = deg * mult
            i = np.repeat(np.arange(gid.size), n)
            e = lo[i] + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) % deg[i]
            parts.append(
                {"_stamp": stamp[i], "_offset": off[i], "_key": gid[i], "senders": gid[i]}
                | {"weights": w[e], "targets": t[e], "receptors": r[e], "ports": port[e]}
            )
        if not parts:
            ints = ("_stamp", "_key", "senders", "targets", "receptors", "ports")
            return {
                k: np.zeros(0, np.int64 if k in ints else float) for k in (*ints[:3], "_offset", *WEIGHTS)
            }
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def _keep(self, dev: int, rows: dict) -> dict:
        """Rows stamped in the window (origin+start, origin+stop]; for weight recorders also from
        its ``senders`` to its ``targets`` where these are given (``weight_recorder::handle``)."""
        t_min, t_max = self._window(dev)
        keep = (rows["_stamp"] > t_min) & (rows["_stamp"] <= t_max)
        if self.sim._pop_of(dev).model.records == "weights":
            for name in ("senders", "targets"):
                ids = node_ids(self._param(dev, name))
                if ids.size:
                    keep &= np.isin(rows[name], ids)
        return {k: v[keep] for k, v in rows.items()}

    def _order(self, rows: dict, by_time: bool) -> dict:
        """Rows by time, then key (a result's order); or in NEST's order: update slice by update
        slice, and within a slice by sender (nodes are updated one after the other over the whole
        slice) or by target in connection order (a multimeter's reply per target), then time.
        Stable, so copies, models and ports keep their order."""
        stamp, key = rows["_stamp"], rows["_key"]
        if by_time:
            order = np.lexsort((key, stamp))
        elif "_rank" in rows:  # a detector's rows, in the order it writes them
            order = np.argsort(rows["_rank"], kind="stable")
        else:
            order = np.lexsort((stamp, key, (stamp - 1) // self.slice_steps))
        return {k: v[order] for k, v in rows.items()}

    def _columns(self, dev: int, rows: dict) -> dict:
        """NEST's events dict: senders, times (ms, or steps and offsets), then the values."""
        out = {"senders": rows["senders"].astype(np.int64)}
        if bool(self._param(dev, "time_in_steps")):
            out["times"] = rows["_stamp"].astype(np.int64)
            out["offsets"] = rows["_offset"].astype(float)
        else:
            out["times"] = self.sim.tb.ms_of(rows["_stamp"]) - rows["_offset"]
        return out | {k: v for k, v in rows.items() if not k.startswith("_") and k != "senders"}

    def keys(self, dev: int) -> dict[str, type]:
        """The keys of a recorder's events dict, with their dtypes."""
        steps = bool(self._param(dev, "time_in_steps"))
        keys = {"senders": np.int64, "times": np.int64 if steps else float}
        keys |= {"offsets": float} if steps else {}
        records = self.sim._pop_of(dev).model.records
        if records == "samples":
            keys |= {name: float for name in self._param(dev, "record_from")}
        elif records == "weights":
            keys |= {"weights": float, "targets": np.int64, "receptors": np.int64, "ports": np.int64}
        return keys | self.sim._pop_of(dev).model.event_values

    def units(self, dev: int) -> dict:
        """The unit of each key of a recorder's events that has one (times in ms; samples in the
        unit of the recordable)."""
        out = {} if bool(self._param(dev, "time_in_steps")) else {"times": u.ms}
        targets = self.observed.get(dev, np.zeros(0, np.int64))
        if targets.size:
            model = self.sim._pop_of(int(targets[0])).model
            for name in self._param(dev, "record_from"):
                if model.recordable_unit(name) is not None:
                    out[name] = model.recordable_unit(name)
        return out

    def _deliver(self, raw: dict, end: int) -> None:
        """Write the events NEST has handed to its recorders by step ``end`` to their backends.
        Spike recorders get spikes when they are emitted; samples and weight events of an update
        slice arrive at the start of the next slice (so those of a call's last slice come with the
        next call), where the window and filters of that moment select them."""
        D = self.slice_steps
        for dev, rows in raw.items():
            if self.sim._pop_of(dev).model.records != "spikes":
                held = self.pending.pop(dev, None)
                if held is not None and held["_stamp"].size and held.keys() == rows.keys():
                    rows = {k: np.concatenate([held[k], v]) for k, v in rows.items()}
                due = ((rows["_stamp"] - 1) // D + 1) * D < end
                self.pending[dev] = {k: v[~due] for k, v in rows.items()}
                rows = {k: v[due] for k, v in rows.items()}
            columns = self._columns(dev, self._order(self._keep(dev, rows), False))
            self.backends[dev].write(Block(columns), self.sim)

    # --------------------------------------------------------------- backends
    def created(self, pop, values: dict, params: dict) -> None:
        """Backends for the recorders of a new population: the model's defaults (a copied model's
        ``backend_defaults``), then ``values``, as NEST initialises a node and then sets the
        parameters given to Create (entering the ascii backend fixes the file name's width);
        ``params`` are the other parameters given."""
        if not pop.model.backend:
            return
        defaults = dict(getattr(pop.model, "backend_defaults", {}))
        backend = values.get("record_to", defaults.get("record_to", "memory"))
        Backend.check(values, backend)
        if "time_in_steps" in params and self.simulated and backend == "memory":
            raise BadProperty("Property time_in_steps cannot be set after Simulate has been called.")
        for gid in pop.gids:
            b = Backend(pop.model.name, int(gid))
            b.set(defaults, int(gid))
            b.set(values, int(pop.gids[-1]))
            self.backends[int(gid)] = b

    def split(self, view, values: dict) -> tuple[dict, list]:
        """Backend properties of a view of recorders, checked (one value, or one per node), apart
        from the rest; raises where NEST refuses the change."""
        if not all(int(g) in self.backends for g in view.gids):
            return values, []
        mine = {k: v for k, v in values.items() if k in STATUS}
        staged = []
        for i, g in enumerate(view.gids):
            b = self.backends[int(g)]
            one = {k: v[i] if _per_node(v, len(view)) else v for k, v in mine.items()}
            backend = one.get("record_to", b.record_to)
            Backend.check(one, backend)
            if "time_in_steps" in values and self.simulated:
                v = values["time_in_steps"]
                v = v[i] if np.ndim(v) else v
                if backend == "memory" or bool(v) != bool(self._param(int(g), "time_in_steps")):
                    raise BadProperty("Property time_in_steps cannot be set after Simulate has been called.")
            fresh = backend != b.record_to and "time_in_steps" not in values  # a new backend's default
            staged.append((b, one, fresh))
        return {k: v for k, v in values.items() if k not in STATUS}, staged

    def apply(self, staged: list) -> None:
        """Set checked backend properties; a recorder entering another backend gets that backend's
        ``time_in_steps`` default (False), as NEST's backends keep their own."""
        n_nodes = int(self.sim._first[-1] + self.sim._pops[-1].n - 1)
        for b, one, fresh in staged:
            b.set(one, n_nodes)
            if fresh:
                pop = self.sim._pop_of(b.gid)
                pop.set({"time_in_steps": False}, np.array([b.gid - pop.first]), self.sim.dt)

    def status_names(self, gid: int) -> tuple[str, ...]:
        return self.backends[gid].names() if gid in self.backends else ()

    def status(self, gid: int, name: str):
        """A backend property; ``events``: NEST's events dict of what the memory backend holds."""
        b = self.backends[gid]
        if name == "events":
            return with_units(b.events(self.keys(gid)), self.units(gid))
        return b.get(name, self.sim)

    def prepare(self) -> None:
        """Open the ascii backends' files for a ``simulate`` call, after checking all of them."""
        for b in self.backends.values():
            b.check_file(self.sim)
        for gid, b in self.backends.items():
            b.prepare(self.sim, list(self.keys(gid)), bool(self._param(gid, "time_in_steps")))
        self.simulated = True


def _per_node(value, n: int) -> bool:
    """Whether a backend property (a string or number) is given as one value per node."""
    return isinstance(value, (list, tuple, np.ndarray)) and len(value) == n


def node_ids(value) -> np.ndarray:
    """Node ids of a NodeView or a list of ids (a weight recorder's ``senders``/``targets``)."""
    return np.asarray(getattr(value, "gids", value if value is not None else []), np.int64).reshape(-1)
