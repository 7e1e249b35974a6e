"""Connection batches: the synapses of one ``connect`` call, with per-connection parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..timebase import TimeBase
from ..units import Param

WEIGHT = Param("weight", 1.0)
DELAY = Param("delay", 1.0)
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


def delay_steps(delay_ms: np.ndarray, tb: TimeBase) -> np.ndarray:
    """Delays rounded to the nearest step, halves up; less than one step is an error."""
    steps = tb.delay_steps(delay_ms)
    if steps.size and steps.min() < 1:
        bad = float(np.asarray(delay_ms).reshape(-1)[np.argmin(steps)])
        raise ValueError(
            f"delay {bad} ms rounds to {int(steps.min())} steps at resolution {tb.dt} ms; "
            f"delays must be at least one step (rounded to the nearest step, halves up)"
        )
    return steps
