"""A population: the nodes of one ``create`` call, with parameters and state as arrays.

Receptor-indexed vector parameters (:attr:`~nestjax.units.Param.vector`) are kept as (n, R)
arrays, R the longest list in the population, padded with the parameter's ``pad``; each node's
length is in ``lengths``. Host code (checks, ``get``, a model's ``channels_of`` and
``recordables_of``) sees them as masked arrays, so nodes of one population may have different
numbers of receptor ports, as in NEST.
"""

from __future__ import annotations

from typing import Any

import brainstate
import numpy as np

from ..model import Model, Node, Recorder
from ..units import Param


def _rows(rows: list[np.ndarray]) -> np.ma.MaskedArray:
    """Per-node 1-d arrays as one masked (n, R) array, R the longest."""
    lengths = np.array([r.size for r in rows], np.int64)
    values = np.zeros((len(rows), int(lengths.max(initial=0))))
    mask = np.arange(values.shape[1]) >= lengths[:, None]
    if values.size:
        values[~mask] = np.concatenate(rows)
    return np.ma.masked_array(values, mask)


def _per_node(spec: Param, value: Any, n: int, model: str):
    """A converted value broadcast to one entry per node (for a vector: a masked (n, R) array)."""
    v = spec.to_nest(value)
    if spec.vector:
        if isinstance(v, list):
            if len(v) != n:
                raise ValueError(f"{model}.{spec.name}: got {len(v)} lists for {n} nodes")
            return _rows(v)
        return np.ma.masked_array(np.tile(v, (n, 1)), np.zeros((n, v.size), bool))
    if not spec.numeric:
        if (
            isinstance(v, (list, tuple))
            and len(v) == n
            and n > 1
            and all(isinstance(x, (list, tuple, str)) for x in v)
        ):
            return list(v)
        return [v] * n
    if v.ndim == 0:
        return np.full(n, v, dtype=v.dtype)
    if v.shape != (n,):
        raise ValueError(
            f"{model}.{spec.name}: got {v.shape[0] if v.ndim == 1 else v.shape} values for {n} nodes"
        )
    return v.copy()


def _fit(values: np.ndarray, lengths: np.ndarray, pad: float) -> np.ndarray:
    """(n, R) values refitted to ``lengths``: R becomes the longest, entries past a node's length
    become padding, entries that remain keep their values (as NEST's vector resize)."""
    width = int(lengths.max(initial=0))
    out = np.full((values.shape[0], width), pad, dtype=values.dtype)
    w = min(width, values.shape[1])
    out[:, :w] = values[:, :w]
    out[np.arange(width) >= lengths[:, None]] = pad
    return out


def flatten_sub(values: dict, names) -> dict:
    """NEST's sub-dictionaries (``{"soma": {"C_m": 100.0}}``) as the flat names of a model's table
    (``"soma.C_m"``); other entries unchanged."""
    out = {}
    for k, v in values.items():
        if isinstance(v, dict) and k not in names and any(n.startswith(f"{k}.") for n in names):
            out.update({f"{k}.{sub}": x for sub, x in v.items()})
        else:
            out[k] = v
    return out


class Population:
    """Nodes ``first .. first+n-1`` of one model.

    Numeric parameters and state live in brainstate states (``param_state``, ``state``) as arrays
    over the nodes (vectors as padded (n, R) arrays, their lengths in ``lengths``); device
    parameters that are not numbers (lists, strings) stay on the host.
    """

    def __init__(
        self, model: type[Model], first: int, n: int, values: dict[str, Any], dt: float, now: int = 0
    ):
        self.model, self.first, self.n = model, first, n
        self.index = -1
        specs = self.specs()
        values = flatten_sub(values, specs)
        self._check_names(values, specs)
        table = {
            q.name: _per_node(q, q.default, n, model.name)
            for q in specs.values()
            if q.counts is None and not isinstance(q.vector, str)
        }
        self.lengths = {
            q.name: np.full(n, len(q.default), np.int64) for q in specs.values() if q.vector is True
        }
        for q in specs.values():
            if isinstance(q.vector, str):
                table[q.name] = np.full((n, len(specs[q.vector].default)), q.pad)
            elif q.counts is not None:
                table[q.name] = self.lengths[q.counts].copy()
        numeric = {k: np.ma.getdata(v) for k, v in table.items() if specs[k].numeric}
        self.host = {k: v for k, v in table.items() if not specs[k].numeric}
        self.param_state = brainstate.ParamState(
            {k: numeric[k] for k in self._names(model.params) if k in numeric}
        )
        self.state = brainstate.ShortTermState({k: numeric[k] for k in self._names(self._state_specs())})
        self.set(values, np.arange(n), dt, now)

    @staticmethod
    def _names(specs) -> list[str]:
        return [q.name for q in specs]

    def _state_specs(self) -> tuple[Param, ...]:
        return self.model.state if issubclass(self.model, Node) else ()

    def specs(self) -> dict[str, Param]:
        return {q.name: q for q in (*self.model.params, *self._state_specs())}

    def _check_names(self, values: dict, specs: dict[str, Param]) -> None:
        unknown = sorted(set(values) - set(specs))
        if unknown:
            raise ValueError(
                f"{self.model.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: {', '.join(sorted(k for k, q in specs.items() if not q.hidden))}"
            )
        fixed = sorted(k for k in values if specs[k].readonly or specs[k].counts)
        if fixed:
            raise ValueError(f"{self.model.name}: {', '.join(map(repr, fixed))} cannot be set (read-only)")

    @property
    def gids(self) -> np.ndarray:
        return np.arange(self.first, self.first + self.n)

    @property
    def is_node(self) -> bool:
        return issubclass(self.model, Node)

    @property
    def is_recorder(self) -> bool:
        return issubclass(self.model, Recorder)

    # ------------------------------------------------------------ tables
    def _length_of(self, spec: Param, lengths: dict) -> np.ndarray:
        return lengths[spec.name if spec.vector is True else spec.vector]

    def _table(self, params: dict, host: dict, lengths: dict, local=None) -> dict:
        """The parameter table as models' checks see it: arrays over the nodes ``local`` (all if
        None), vectors masked."""
        at = slice(None) if local is None else local
        out = {}
        for q in self.model.params:
            if q.name in host:
                out[q.name] = host[q.name] if local is None else [host[q.name][i] for i in local]
                continue
            v = np.asarray(params[q.name])[at]
            if q.vector:
                v = np.ma.masked_array(v, np.arange(v.shape[1]) >= self._length_of(q, lengths)[at][:, None])
            out[q.name] = v
        return out

    def table(self, local=None) -> dict:
        """The parameter table of the nodes ``local`` (all if None), vector parameters as masked
        (n, R) arrays."""
        return self._table(self.param_state.value, self.host, self.lengths, local)

    @property
    def channels(self) -> tuple[str, ...]:
        """The input channels of this population (:meth:`~nestjax.model.Node.channels_of`)."""
        return self.model.channels_of(self.table())

    def recordables(self, local) -> tuple[str, ...]:
        """What every node of ``local`` can record (:meth:`~nestjax.model.Node.recordables_of`)."""
        return self.model.recordables_of(self.table(local))

    def widths(self) -> dict[str, int]:
        """R of each vector parameter (a change needs a new program)."""
        return {k: int(v.max(initial=0)) for k, v in self.lengths.items()}

    # ---------------------------------------------------------- get/set
    def get(self, name: str, local: np.ndarray):
        specs = self.specs()
        if name in self.host:
            return [self.host[name][i] for i in local]
        for store in (self.param_state.value, self.state.value):
            if name in store:
                values = np.asarray(store[name])[local]
                if specs[name].vector:
                    size = self._length_of(specs[name], self.lengths)[local]
                    return [v[:k] for v, k in zip(values, size, strict=True)]
                return values
        raise (
            KeyError(name)
            if name in specs
            else ValueError(
                f"{self.model.name} has no parameter {name!r}; valid names: {', '.join(sorted(specs))}"
            )
        )

    def set(self, values: dict[str, Any], local: np.ndarray, dt: float, now: int = 0) -> None:
        """Set values for the nodes ``local``; checked as a whole before anything changes."""
        specs = self.specs()
        values = flatten_sub(values, specs)
        self._check_names(values, specs)
        params = {k: np.array(v) for k, v in self.param_state.value.items()}
        state = {k: np.array(v) for k, v in self.state.value.items()}
        host = {k: list(v) for k, v in self.host.items()}
        lengths = dict(self.lengths)
        old = self._table(params, host, lengths, local)
        for name, value in values.items():
            spec = specs[name]
            v = _per_node(spec, value, len(local), self.model.name)
            target = host if name in host else params if name in params else state
            if name in host:
                for i, j in enumerate(local):
                    target[name][j] = v[i]
            elif spec.vector:
                size = self._length_of(spec, lengths).copy()
                size[local] = v.count(axis=1)
                if spec.vector is not True and not np.array_equal(size, lengths[spec.vector]):
                    raise ValueError(f"{self.model.name}.{name} needs one value per entry of {spec.vector}")
                lengths[name if spec.vector is True else spec.vector] = size
                out = _fit(target[name], size, spec.pad)
                out[local] = spec.pad
                out[local, : v.shape[1]] = v.filled(spec.pad)
                target[name] = out
            else:
                target[name][local] = v
        for q in specs.values():  # vector state follows its parameter's lengths; counts are derived
            target = params if q.name in params else state
            if isinstance(q.vector, str):
                target[q.name] = _fit(target[q.name], lengths[q.vector], q.pad)
            elif q.counts is not None:
                target[q.name] = lengths[q.counts].copy()
        self.model.check(self._table(params, host, lengths), dt)
        new = self._table(params, host, lengths, local)
        self.model.check_change(old, new, frozenset(values))
        for name, v in self.model.on_set(old, new, frozenset(values), dt, now).items():  # NEST's side effects
            if name in host:
                for i, j in enumerate(local):
                    host[name][j] = v[i]
            else:  # a parameter, or state (e.g. iaf_chs_2007's position in its noise signal)
                (params if name in params else state)[name][local] = v
        self.param_state.value = params
        self.state.value = state
        self.host = host
        self.lengths = lengths

    def note(self, values: dict[str, Any], local: np.ndarray) -> None:
        """Set read-only values that connections change (:meth:`~nestjax.model.Node.connected`)."""
        params = dict(self.param_state.value)
        for name, value in values.items():
            params[name] = np.array(params[name])
            params[name][local] = value
        self.param_state.value = params

    def set_ports(self, name: str, weights: list[np.ndarray]) -> None:
        """Fill the vector parameter ``name`` of :attr:`~nestjax.model.Node.connection_ports` with
        one array of connection weights per node (the network builder's); vector state that follows
        it keeps the values of the ports that remain, new ports start from its default."""
        size = np.array([w.size for w in weights], np.int64)
        self.lengths = {**self.lengths, name: size}
        params, state = dict(self.param_state.value), dict(self.state.value)
        for q in self.specs().values():
            target = params if q.name in params else state
            if q.name == name:
                target[name] = _rows(weights).filled(q.pad)
            elif q.vector == name:
                target[q.name] = _fit(np.asarray(target[q.name]), size, q.pad)
            elif q.counts == name:
                target[q.name] = size.copy()
        self.param_state.value, self.state.value = params, state

    def snapshot(self):
        return dict(self.param_state.value), dict(self.state.value), dict(self.host), dict(self.lengths)

    def restore(self, snap) -> None:
        self.param_state.value, self.state.value, self.host, self.lengths = snap
