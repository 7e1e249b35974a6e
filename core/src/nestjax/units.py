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
    vector: bool | str = False
    """Receptor-indexed values (NEST's ``std::vector<double>`` parameters, e.g. ``tau_syn`` of the
    ``*_multisynapse`` models): True for a list per node of its own length (``default`` a tuple);
    the name of such a parameter for state with one entry per entry of it (``default`` is the value
    of new entries; NEST resizes these vectors in ``pre_run_hook``, keeping the values of the
    entries that remain). A population keeps them as an (n, R) array, R the longest list; padding
    entries hold :attr:`pad` and are masked wherever values are checked or shown."""
    counts: str | None = None
    """Read-only: per node, the number of entries of the vector parameter of that name (NEST's
    ``n_synapses``, ``n_receptors``)."""
    readonly: bool = False
    """Shown by ``get`` but not set by users (NEST's status-only entries, e.g. ``has_connections``)."""

    @property
    def numeric(self) -> bool:
        return self.kind in (float, int, bool)

    @property
    def pad(self) -> float:
        """The value of the padding entries of a vector: the default's first entry (a valid value,
        so that propagators over padding stay finite) or, for vector state, the default."""
        if self.vector is True:
            return float(self.default[0]) if len(self.default) else 0.0
        return self.default

    def to_nest(self, value: Any) -> Any:
        """``value`` in NEST's unit for this parameter (NumPy for numeric parameters). For a
        vector: one 1-d array for all nodes, or a list of 1-d arrays, one per node (from a list of
        lists or a 2-d array)."""
        if self.vector:
            return self._vector(value)
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

    def _vector(self, value: Any):
        if isinstance(value, u.Quantity):
            value = np.asarray(self._strip(value))
        elif isinstance(value, (list, tuple)):
            value = [np.asarray(self._strip(x)) if isinstance(x, u.Quantity) else x for x in value]
            if any(np.ndim(x) > 0 for x in value):  # one list per node
                rows = [self._vector(x) for x in value]
                if any(isinstance(r, list) for r in rows):
                    raise TypeError(f"{self.name} expects a list of values, or one list per node")
                return rows
        arr = np.asarray(value)
        if arr.ndim == 0 or arr.ndim > 2 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.number)):
            raise TypeError(
                f"{self.name} expects a list of values (one per receptor port), or one list per node, "
                f"got {value!r}"
            )
        arr = arr.astype(np.float64)
        return list(arr) if arr.ndim == 2 else arr

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
