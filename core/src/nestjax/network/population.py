"""A population: the nodes of one ``create`` call, with parameters and state as arrays."""

from __future__ import annotations

from typing import Any

import brainstate
import numpy as np

from ..model import Model, Node, Recorder
from ..units import Param


def _per_node(spec: Param, value: Any, n: int, model: str):
    """A converted value broadcast to one entry per node."""
    v = spec.to_nest(value)
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


class Population:
    """Nodes ``first .. first+n-1`` of one model.

    Numeric parameters and state live in brainstate states (``param_state``, ``state``) as arrays
    over the nodes; device parameters that are not numbers (lists, strings) stay on the host.
    """

    def __init__(self, model: type[Model], first: int, n: int, values: dict[str, Any], dt: float):
        self.model, self.first, self.n = model, first, n
        self.index = -1
        specs = self.specs()
        unknown = sorted(set(values) - set(specs))
        if unknown:
            raise ValueError(
                f"{model.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: {', '.join(sorted(specs))}"
            )
        table = {q.name: _per_node(q, q.default, n, model.name) for q in specs.values()}
        for name, v in values.items():
            table[name] = _per_node(specs[name], v, n, model.name)
        model.check(self._param_part(table), dt)
        numeric = {k: v for k, v in table.items() if specs[k].numeric}
        self.host = {k: v for k, v in table.items() if not specs[k].numeric}
        self.param_state = brainstate.ParamState(
            {k: numeric[k] for k in self._names(model.params) if k in numeric}
        )
        self.state = brainstate.ShortTermState({k: numeric[k] for k in self._names(self._state_specs())})

    @staticmethod
    def _names(specs) -> list[str]:
        return [q.name for q in specs]

    def _state_specs(self) -> tuple[Param, ...]:
        return self.model.state if issubclass(self.model, Node) else ()

    def specs(self) -> dict[str, Param]:
        return {q.name: q for q in (*self.model.params, *self._state_specs())}

    def _param_part(self, table: dict) -> dict:
        return {q.name: table[q.name] for q in self.model.params}

    @property
    def gids(self) -> np.ndarray:
        return np.arange(self.first, self.first + self.n)

    @property
    def is_node(self) -> bool:
        return issubclass(self.model, Node)

    @property
    def is_recorder(self) -> bool:
        return issubclass(self.model, Recorder)

    def get(self, name: str, local: np.ndarray):
        specs = self.specs()
        if name in self.host:
            return [self.host[name][i] for i in local]
        if name in self.param_state.value:
            return np.asarray(self.param_state.value[name])[local]
        if name in self.state.value:
            return np.asarray(self.state.value[name])[local]
        raise (
            KeyError(name)
            if name in specs
            else ValueError(
                f"{self.model.name} has no parameter {name!r}; valid names: {', '.join(sorted(specs))}"
            )
        )

    def set(self, values: dict[str, Any], local: np.ndarray, dt: float) -> None:
        """Set values for the nodes ``local``; checked as a whole before anything changes."""
        specs = self.specs()
        unknown = sorted(set(values) - set(specs))
        if unknown:
            raise ValueError(
                f"{self.model.name} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid names: {', '.join(sorted(specs))}"
            )
        params = {k: np.array(v) for k, v in self.param_state.value.items()}
        state = {k: np.array(v) for k, v in self.state.value.items()}
        host = {k: list(v) for k, v in self.host.items()}
        for name, value in values.items():
            v = _per_node(specs[name], value, len(local), self.model.name)
            target = host if name in host else params if name in params else state
            if name in host:
                for i, j in enumerate(local):
                    target[name][j] = v[i]
            else:
                target[name][local] = v
        table = {**params, **host}
        self.model.check({q.name: table[q.name] for q in self.model.params}, dt)
        self.param_state.value = params
        self.state.value = state
        self.host = host
