"""Parameter tables: NEST name, default, unit; conversion of user values to NEST units.

A brainunit quantity is checked for dimension and converted once; a bare number is taken to be
in NEST's unit for that parameter, as PyNEST does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import brainunit as u
import numpy as np


class UnitMismatch(ValueError):
    """A quantity whose dimension does not fit the parameter."""


@dataclass(frozen=True)
class Param:
    """One entry of a model's parameter or state table, as NEST's GetDefaults shows it.

    ``unit`` is NEST's unit for the value (None: dimensionless); ``kind`` is ``float``, ``int``,
    ``bool`` for numeric per-node values, or ``object`` for per-node Python values (lists,
    strings) that devices keep on the host.
    """

    name: str
    default: Any
    unit: u.Unit | None = None
    kind: type = float
    hidden: bool = False
    """Internal state that NEST keeps but does not show in GetStatus."""

    @property
    def numeric(self) -> bool:
        return self.kind in (float, int, bool)

    def to_nest(self, value: Any) -> Any:
        """``value`` in NEST's unit for this parameter (NumPy for numeric parameters)."""
        if not self.numeric:
            if isinstance(value, u.Quantity):
                return [float(x) for x in np.atleast_1d(self._strip(value))]
            return value
        arr = np.asarray(self._strip(value)) if isinstance(value, u.Quantity) else np.asarray(value)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
        ):
            raise TypeError(f"{self.name} expects a number, got {value!r}")
        if self.kind is bool:
            return arr.astype(bool)
        if self.kind is int:
            if not np.all(np.equal(np.mod(arr, 1), 0)):
                raise ValueError(f"{self.name} expects an integer, got {value!r}")
            return arr.astype(np.int64)
        return arr.astype(np.float64)

    def _strip(self, q: u.Quantity):
        want = u.get_dim(self.unit) if self.unit is not None else u.get_dim(1.0)
        if u.get_dim(q) != want:
            unit = self.unit if self.unit is not None else "a dimensionless value"
            raise UnitMismatch(
                f"{self.name} expects {unit} (dimension {want}), got {q} (dimension {u.get_dim(q)})"
            )
        return q.to_decimal(self.unit) if self.unit is not None else q.to_decimal()

    def as_quantity(self, value):
        """A value in NEST's unit, returned with its unit attached where it has one."""
        if self.unit is None or not self.numeric:
            return value
        return u.Quantity(np.asarray(value, dtype=float), unit=self.unit)
