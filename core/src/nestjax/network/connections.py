"""Connection batches: the synapses of one ``connect`` call, with per-connection parameters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import brainunit as u
import numpy as np

from ..timebase import TICS_PER_MS, TimeBase
from ..units import Param

WEIGHT = Param("weight", 1.0)
DELAY = Param("delay", 1.0, unit=u.ms)
RECEPTOR = Param("receptor_type", 0, kind=int)


@dataclass
class ConnBatch:
    """Connections ``sources[i] -> targets[i]`` of one synapse model."""

    synapse: type
    sources: np.ndarray
    targets: np.ndarray
    weight: np.ndarray
    delay_steps: np.ndarray
    receptor: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def per_connection(spec: Param, value: Any, n: int, what: str = "syn_spec") -> np.ndarray:
    """A syn_spec value as one entry per connection (a scalar is broadcast)."""
    v = spec.to_nest(value)
    if v.ndim == 0:
        return np.full(n, v, dtype=v.dtype)
    v = v.reshape(-1)
    if v.shape[0] != n:
        raise ValueError(f"{what} {spec.name!r}: got {v.shape[0]} values for {n} connections")
    return v


def dict_groups(dicts, n: int, what: str):
    """A list of dicts, one per element (as NEST's ``set([{...}, ...])``), as groups
    ``(positions, {name: one value per position})`` of elements whose dicts name the same
    parameters; ``positions`` is None for all elements. A list of one dict applies to all."""
    if len(dicts) == 1:
        return [(None, dict(dicts[0]))]
    if len(dicts) != n:
        raise ValueError(f"got {len(dicts)} dicts for {n} {what}")
    if not all(isinstance(d, dict) for d in dicts):
        raise TypeError("params must be a dict or a list of dicts")
    dicts = [_flat(d) for d in dicts]
    keys = [tuple(sorted(d)) for d in dicts]
    kinds = sorted(set(keys))
    which = np.array([kinds.index(k) for k in keys])
    groups = []
    for i, names in enumerate(kinds):
        at = np.nonzero(which == i)[0]
        cols = {  # a group of one element takes its dict's values as they are
            k: dicts[at[0]][k] if at.size == 1 else stack_values([dicts[j][k] for j in at]) for k in names
        }
        groups.append((None if len(kinds) == 1 else at, cols))
    return groups


def _flat(d: dict) -> dict:
    """One element's dict with NEST's sub-dictionaries as flat names (``{"soma": {"C_m": 1}}`` as
    ``{"soma.C_m": 1}``), so that elements naming different entries of one form their own groups."""
    out = {}
    for k, v in d.items():
        out.update({f"{k}.{sub}": x for sub, x in v.items()} if isinstance(v, dict) else {k: v})
    return out


def set_groups(params, kwargs: dict, n: int, what: str):
    """The arguments of a NEST-style ``set(params, **kwargs)`` as groups ``(positions, {name:
    values})`` (positions None: all elements): a dict or keywords give one group, a list of dicts
    one group per set of names (:func:`dict_groups`)."""
    if kwargs and params is not None:
        raise TypeError("must either provide params or kwargs, but not both.")
    params = kwargs if params is None else params
    if isinstance(params, (list, tuple)):
        return dict_groups(params, n, what)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict or a list of dicts, got {type(params).__name__}")
    return [(None, params)]


def stack_values(values):
    """A list of per-element quantities (of one dimension) as one quantity array; anything else,
    and per-element vectors of different lengths, unchanged."""
    if isinstance(values, (list, tuple)) and any(isinstance(v, u.Quantity) for v in values):
        if len({np.shape(v) for v in values}) > 1:
            return list(values)
        unit = next(v.unit for v in values if isinstance(v, u.Quantity))
        return u.Quantity(np.array([u.Quantity(v).to_decimal(unit) for v in values], dtype=float), unit=unit)
    return values


def weight_in_target_unit(weight, post_models, spec: Param | None = None):
    """A weight in the targets' weight unit (a quantity must fit it; a number is taken as is); a
    synapse whose weight has a unit of its own (``spec``: gap_junction's nS) keeps the weight for
    that unit's conversion."""
    if isinstance(weight, u.Quantity) and (spec is None or spec.unit is None):
        units = {m.weight_unit for m in post_models}
        unit = units.pop() if len(units) == 1 else None
        if unit is None or u.get_dim(weight) != u.get_dim(unit):
            raise ValueError(f"weight {weight} does not fit the targets' weight unit ({unit})")
        weight = weight.to_decimal(unit)
    return weight


def delay_in_ms(steps: np.ndarray, tb: TimeBase) -> np.ndarray:
    """Delays in ms as NEST reports them: ``Time::delay_steps_to_ms``, ``steps * MS_PER_STEP``
    (3 steps at 0.1 ms are 0.30000000000000004 ms)."""
    return np.asarray(steps, dtype=np.int64) * (tb.tics_per_step / TICS_PER_MS)


def delay_spec(spec: Param) -> Param:
    """A synapse model's delay entry with NEST's unit, ms (a delay quantity is converted to ms)."""
    return spec if spec.unit is not None else replace(spec, unit=u.ms)


def delay_steps(delay_ms: np.ndarray, tb: TimeBase) -> np.ndarray:
    """Delays rounded to the nearest step, halves up (:meth:`TimeBase.delay_steps`); less than
    one step is an error."""
    steps = tb.delay_steps(delay_ms)
    if steps.size and steps.min() < 1:
        bad = float(np.asarray(delay_ms).reshape(-1)[np.argmin(steps)])
        raise ValueError(
            f"delay {bad} ms rounds to {int(steps.min())} steps at resolution {tb.dt} ms; "
            f"delays must be at least one step (rounded to the nearest step, halves up)"
        )
    return steps
