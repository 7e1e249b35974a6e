"""Recorders on the host: who records what, and a call's recordings as a :class:`Result`.

Spike recorders receive from their sources (``connect(neurons, sr)``); multimeters observe their
targets (``connect(mm, neurons)``). The engine records every spike of a recorded node and samples
every recordable asked for at every step; this module keeps, per recorder, what NEST would:
events stamped in (origin+start, origin+stop], one per multiplicity, and samples at NEST's
sampling times (``nestkernel/universal_data_logger_impl.h``).
"""

from __future__ import annotations

import brainunit as u
import numpy as np

from .model import SPIKE, Node, Recorder
from .network.tables import Sampled
from .nodeview import NodeView
from .result import Result

FIXED_AFTER_CONNECT = ("interval", "offset", "record_from")


class Recording:
    def __init__(self, sim):
        self.sim = sim
        self.observed: dict[int, np.ndarray] = {}  # sampler gid -> targets, in connection order
        self.sources: dict[int, np.ndarray] = {}  # spike recorder gid -> source gids
        self.t0: dict[int, int] = {}  # sampler gid -> step of its first simulate
        self.columns: dict[tuple[int, str], tuple[int, np.ndarray]] = {}

    def _param(self, gid: int, name: str):
        pop = self.sim._pop_of(gid)
        return pop.get(name, [gid - pop.first])[0]

    # ---------------------------------------------------------------- connect
    def connect(self, pre, post, pre_models, post_models, rule, spec, syn_spec) -> None:
        if syn_spec:
            raise ValueError("a connection to or from a recorder takes no syn_spec")
        if any(issubclass(m, Recorder) for m in post_models):
            self._connect_spike_recorder(pre, post, pre_models, post_models, rule, spec)
        else:
            self._connect_sampler(pre, post, pre_models, post_models, rule, spec)

    def _connect_spike_recorder(self, pre, post, pre_models, post_models, rule, spec) -> None:
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
            names = self._param(int(dev), "record_from")
            for pop, _, _ in self.sim._groups(NodeView(self.sim, t[s == dev])):
                missing = [n for n in names if n not in pop.model.recordables]
                if missing:
                    raise ValueError(
                        f"{pop.model.name} has no recordable {', '.join(map(repr, missing))}; "
                        f"its recordables: {', '.join(pop.model.recordables)}"
                    )
        for dev in np.unique(s):
            old = self.observed.get(int(dev), np.zeros(0, np.int64))
            self.observed[int(dev)] = np.concatenate([old, t[s == dev]])

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
        """Node ids whose spikes some recorder receives."""
        if not self.sources:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate(list(self.sources.values())))

    def sampled(self) -> list[Sampled]:
        """One sampled block per (population, recordable); remembers each block's columns."""
        need: dict[tuple[int, str], list] = {}
        for dev, targets in self.observed.items():
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
            int(g) for p in self.sim._pops if p.is_recorder and p.model.records == records for g in p.gids
        ]

    def result(self, outs, start: int, end: int) -> Result:
        return Result(self.sim, self._spikes(outs), self._samples(outs, start, end))

    def _spikes(self, outs) -> dict:
        gid = np.concatenate([o.spike_gid for o in outs])
        stamp = np.concatenate([o.spike_step for o in outs])
        off = np.concatenate([o.spike_offset for o in outs])
        mult = np.concatenate([o.spike_mult for o in outs]).astype(np.int64)
        spikes = {}
        for dev in self._recorders("spikes"):
            sources = self.sources.get(dev, np.zeros(0, np.int64))
            t_min, t_max = self._window(dev)
            keep = np.isin(gid, sources) & (stamp > t_min) & (stamp <= t_max)
            g, s, o = (np.repeat(a[keep], mult[keep]) for a in (gid, stamp, off))
            if bool(self._param(dev, "time_in_steps")):
                spikes[dev] = {"senders": g, "times": s, "offsets": o}
            else:
                spikes[dev] = {"senders": g, "times": u.Quantity(self.sim.tb.ms_of(s) - o, unit=u.ms)}
        return spikes

    def _sample_stamps(self, dev: int, stamps: np.ndarray) -> np.ndarray:
        """Which step-end stamps NEST samples: multiples of ``interval``, or, with an ``offset``,
        offset + k * interval after the recorder's first simulate, within the window."""
        dt = self.sim.dt
        interval = int(round(float(np.asarray(self._param(dev, "interval"))) / dt))
        offset = int(round(float(np.asarray(self._param(dev, "offset"))) / dt))
        if offset == 0:
            take = stamps % interval == 0
        else:
            take = (stamps >= offset) & ((stamps - offset) % interval == 0) & (stamps > self.t0[dev] + 1)
        t_min, t_max = self._window(dev)
        return take & (stamps > t_min) & (stamps <= t_max)

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
                spec = self.sim._pops[int(k_of[0])].specs().get(name) if targets.size else None
                values[name] = (S[take][:, cols], spec.unit if spec is not None else None)
            samples[dev] = (stamps[take], list(self._param(dev, "record_from")), values)
        return samples
