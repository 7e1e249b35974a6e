"""ConnectionView: connections of a Simulator as data, as NEST's ``SynapseCollection``.

``sim.get_connections(source, target, synapse_model)`` selects connections from the connection
batches (``sim._conns``); a view holds (batch, position) pairs, so it stays valid while later
``connect`` calls add batches. ``get`` reads weights, delays (in ms as NEST reports them:
``steps * ms_per_step``), receptors, synapse models and the synapse model's own
parameters; ``set`` changes weights, delays and synapse parameters, checked as a whole before
anything changes, and makes the Simulator rebuild its tables before the next ``simulate``.

Order: grouped by synapse model (in order of first use), then by source, then in order of
creation, as NEST lists the connections of one thread. Connections to and from recorders are not
synapses in nestjax and are not listed (NEST lists them).
"""

from __future__ import annotations

from dataclasses import replace

import brainunit as u
import numpy as np

from ..parameters import resolve
from .connections import (
    delay_in_ms,
    delay_spec,
    delay_steps,
    per_connection,
    set_groups,
    stack_values,
    weight_in_target_unit,
)

FIXED = ("source", "target", "synapse_model", "receptor")


class ConnectionView:
    """Connections ``(batch, position)`` of one Simulator."""

    def __init__(self, sim, batch: np.ndarray, pos: np.ndarray):
        object.__setattr__(self, "_sim", sim)
        object.__setattr__(self, "_batch", np.asarray(batch, np.int64).reshape(-1))
        object.__setattr__(self, "_pos", np.asarray(pos, np.int64).reshape(-1))

    @classmethod
    def select(cls, sim, source=None, target=None, synapse_model=None) -> ConnectionView:
        src = None if source is None else _gids(sim, source, "source")
        tgt = None if target is None else _gids(sim, target, "target")
        model = None
        if synapse_model is not None:
            model = sim._model(synapse_model)
        models = list(dict.fromkeys(c.synapse for c in sim._conns))
        parts = []
        for k, c in enumerate(sim._conns):
            if model is not None and c.synapse is not model:
                continue
            keep = np.ones(c.sources.size, bool)
            if src is not None:
                keep &= np.isin(c.sources, src)
            if tgt is not None:
                keep &= np.isin(c.targets, tgt)
            at = np.nonzero(keep)[0]
            parts.append((np.full(at.size, k), at, np.full(at.size, models.index(c.synapse)), c.sources[at]))
        if not parts:
            return cls(sim, [], [])
        batch, pos, mid, s = (np.concatenate(x) for x in zip(*parts, strict=True))
        order = np.lexsort((s, mid))  # by model, then source; stable: creation order within
        return cls(sim, batch[order], pos[order])

    # ------------------------------------------------------------ container
    def __len__(self) -> int:
        return self._pos.size

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, key) -> ConnectionView:
        if isinstance(key, (int, np.integer)):
            if not -len(self) <= key < len(self):
                raise IndexError(f"index {key} out of range for {len(self)} connections")
            key = slice(key, key + 1 if key != -1 else None)
        return ConnectionView(self._sim, self._batch[key], self._pos[key])

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, ConnectionView)
            and other._sim is self._sim
            and np.array_equal(other._batch, self._batch)
            and np.array_equal(other._pos, self._pos)
        )

    __hash__ = None

    def _groups(self):
        """(ConnBatch, index of the batch, positions in the batch, positions in this view)."""
        for k in np.unique(self._batch):
            at = np.nonzero(self._batch == k)[0]
            yield self._sim._conns[int(k)], int(k), self._pos[at], at

    def _column(self, fn, dtype) -> np.ndarray:
        out = np.empty(len(self), dtype)
        for c, _, pos, at in self._groups():
            out[at] = fn(c)[pos]
        return out

    def sources(self) -> np.ndarray:
        """Source node ids, one per connection."""
        return self._column(lambda c: c.sources, np.int64)

    def targets(self) -> np.ndarray:
        """Target node ids, one per connection."""
        return self._column(lambda c: c.targets, np.int64)

    # ------------------------------------------------------------------ get
    def _models(self) -> list[type]:
        return list(dict.fromkeys(self._sim._conns[int(k)].synapse for k in np.unique(self._batch)))

    def _extra_names(self) -> list[str]:
        """Synapse parameters besides weight, delay and receptor_type, common to all models here."""
        models = self._models()
        names = [p.name for p in models[0].params] if models else []
        names = [n for n in names if n not in ("weight", "delay", "receptor_type")]
        return [n for n in names if all(n in {p.name for p in m.params} for m in models)]

    def _target_models(self, targets: np.ndarray) -> set[type]:
        k = np.unique(np.searchsorted(self._sim._first, targets, side="right") - 1)
        return {self._sim._pops[int(i)].model for i in k}

    def _weight_unit(self):
        """The weight unit all connections here share, else None (numbers in NEST's units): a synapse
        model's own (gap_junction's nS), or else the targets' weight unit."""
        units = {next(q.unit for q in m.params if q.name == "weight") for m in self._models()}
        if units == {None}:
            units = {m.weight_unit for m in self._target_models(self.targets())}
        return units.pop() if len(units) == 1 and None not in units else None

    def _values(self, name: str, with_units: bool):
        if name == "source":
            return self.sources()
        if name == "target":
            return self.targets()
        if name == "synapse_model":
            models = self._column(lambda c: np.full(c.sources.size, c.synapse, object), object)
            return [m.name for m in models]
        if name == "receptor":
            return self._column(lambda c: c.receptor, np.int64)
        if name == "weight":
            w = self._column(lambda c: c.weight, np.float64)
            unit = self._weight_unit() if with_units else None
            return u.Quantity(w, unit=unit) if unit is not None else w
        if name == "delay":
            d = delay_in_ms(self._column(lambda c: c.delay_steps, np.int64), self._sim.tb)
            return u.Quantity(d, unit=u.ms) if with_units else d
        if name in self._extra_names():
            spec = next(p for p in self._models()[0].params if p.name == name)
            vals = self._column(lambda c: c.extra[name], np.float64 if spec.kind is float else object)
            return spec.as_quantity(vals) if with_units else vals
        raise ValueError(f"connections have no parameter {name!r}; valid names: {', '.join(self._names())}")

    def _names(self) -> list[str]:
        return ["source", "target", "synapse_model", "weight", "delay", "receptor", *self._extra_names()]

    def get(self, keys=None, output=None):
        """Connection parameters, as ``SynapseCollection.get``.

        ``keys``: None (all), a name (one array; one connection gives a scalar) or a list of names
        (a dict). Weights carry the targets' weight unit where they share one, delays are in ms,
        and synapse parameters carry their unit. ``output="pandas"`` gives a DataFrame of numbers in
        NEST's units indexed by source, as NEST.
        """
        if output not in (None, "", "pandas"):
            raise ValueError(f"output must be None or 'pandas', got {output!r}")
        pandas = output == "pandas"
        if pandas:
            import pandas as pd
        if len(self) == 0:
            if pandas:
                return pd.DataFrame()
            return {} if keys is None else ()
        names = self._names() if keys is None else [keys] if isinstance(keys, str) else list(keys)
        if not all(isinstance(k, str) for k in names):
            raise TypeError("keys should be a name or a list of names")
        if pandas:
            return pd.DataFrame({k: self._values(k, False) for k in names}, index=self.sources())
        out = {k: self._values(k, True) for k in names}
        if len(self) == 1:
            out = {k: v[0] for k, v in out.items()}
        return out[keys] if isinstance(keys, str) else out

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value) -> None:
        if name.startswith("_"):
            raise AttributeError(f"cannot set {name!r}")
        self.set({name: value})

    # ------------------------------------------------------------------ set
    def set(self, params=None, **kwargs) -> None:
        """Set weights, delays or synapse parameters, as ``SynapseCollection.set``: a dict (or
        keywords) of single values, one value per connection, or Parameters (drawn per
        connection); or a list of dicts, one per connection. Delays are rounded to the grid as at
        connect. The Simulator rebuilds its tables before the next ``simulate``."""
        if len(self) == 0:
            return
        groups = set_groups(params, kwargs, len(self), "connections")
        if len(groups) > 1 or groups[0][0] is not None:
            for at, cols in groups:
                self[at].set(cols)
            return
        params = groups[0][1]
        fixed = sorted(set(params) & set(FIXED))
        if fixed:
            raise ValueError(f"{', '.join(fixed)} of existing connections cannot be set")
        extra = self._extra_names()
        unknown = sorted(set(params) - {"weight", "delay", *extra})
        if unknown:
            raise ValueError(
                f"connections have no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: weight, delay{''.join(', ' + n for n in extra)}"
            )
        ends = {"sources": self.sources(), "targets": self.targets()}
        values = {k: stack_values(v) for k, v in params.items()}
        values = resolve(values, len(self), self._sim._rng, **ends)
        new = {}
        for c, k, pos, at in self._groups():  # convert and check everything before changing anything
            specs = {p.name: p for p in c.synapse.params}
            post = self._target_models(c.targets[pos])
            b = replace(
                c,
                weight=c.weight.copy(),
                delay_steps=c.delay_steps.copy(),
                extra={n: v.copy() for n, v in c.extra.items()},
            )
            for name, value in values.items():
                v = _part(value, at, len(self))
                if name == "weight":
                    w = weight_in_target_unit(v, post, specs["weight"])
                    b.weight[pos] = per_connection(specs["weight"], w, pos.size, "set")
                elif name == "delay" and c.synapse.gap:
                    raise ValueError(f"{c.synapse.name} connection has no delay")
                elif name == "delay":
                    d = per_connection(delay_spec(specs["delay"]), v, pos.size, "set")
                    b.delay_steps[pos] = delay_steps(d, self._sim.tb)
                else:
                    b.extra[name][pos] = per_connection(specs[name], v, pos.size, "set")
            self._sim._route_check(b)
            new[k] = b
        for k, b in new.items():
            self._sim._conns[k] = b
        self._sim._invalidate()

    def __repr__(self) -> str:
        if len(self) == 0:
            return "ConnectionView(<no connections>)"
        rows = np.arange(len(self)) if len(self) <= 35 else np.r_[0:15, len(self) - 15 : len(self)]
        sub = ConnectionView(self._sim, self._batch[rows], self._pos[rows])
        s, t, m = sub.sources(), sub.targets(), sub.get("synapse_model")
        m = [m] if isinstance(m, str) else m
        w, d = sub._values("weight", False), sub._values("delay", False)
        lines = [f"{'source':>8} {'target':>8} {'synapse model':>16} {'weight':>10} {'delay':>8}"]
        for i in range(rows.size):
            if len(self) > 35 and i == 15:
                lines.append(f"{'...':>8}")
            lines.append(f"{s[i]:>8d} {t[i]:>8d} {m[i]:>16s} {w[i]:>10.4g} {d[i]:>8.4g}")
        return "\n".join(lines)


def _gids(sim, view, what: str) -> np.ndarray:
    from ..nodeview import NodeView

    if not isinstance(view, NodeView):
        raise TypeError(f"{what} must be a NodeView, got {type(view).__name__}")
    if view.sim is not sim:
        raise ValueError(f"{what} belongs to another Simulator")
    return view.gids


def _part(value, at: np.ndarray, n: int):
    """The entries of a per-connection value at view positions ``at`` (scalars unchanged)."""
    raw = value.mantissa if isinstance(value, u.Quantity) else value
    if isinstance(value, str) or np.ndim(raw) == 0:
        return value
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if len(value) != n:
        raise ValueError(f"got {len(value)} values for {n} connections")
    return value[at]


__all__ = ["ConnectionView"]
