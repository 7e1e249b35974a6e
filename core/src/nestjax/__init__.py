"""nestjax: NEST's models and semantics on JAX.

``nestjax.<model_name>`` resolves a model through the plugin registry, e.g. ``nestjax.iaf_psc_alpha``.
"""

from __future__ import annotations

import brainstate

brainstate.environ.set(precision=64)  # float64 throughout (jax_enable_x64), as parity requires

from . import logic, math, random  # noqa: E402  (nj.random.uniform, ... as nest.random)
from .model import BadProperty  # noqa: E402
from .nodeview import NodeView  # noqa: E402
from .parameters import Parameter  # noqa: E402
from .plugins import UnknownModel, registry  # noqa: E402
from .simulator import Simulator  # noqa: E402
from .units import UnitMismatch  # noqa: E402

__all__ = [
    "BadProperty",
    "NodeView",
    "Parameter",
    "Simulator",
    "UnitMismatch",
    "UnknownModel",
    "logic",
    "math",
    "models",
    "random",
]
__version__ = "0.1.0"


def models():
    """Installed models: name, kind, family and distribution of each."""
    return [(m.name, m.kind, m.family, m.distribution) for m in registry().models()]


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return registry().model(name)
