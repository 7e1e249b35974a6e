"""``static_synapse``: fixed weight and delay (NEST ``models/static_synapse.h``)."""

from __future__ import annotations

from typing import ClassVar

from ..model import Synapse
from ..units import Param


class static_synapse(Synapse):
    """Delivers each spike with a fixed weight after a fixed delay; parity category D."""

    name = "static_synapse"
    params = (Param("weight", 1.0), Param("delay", 1.0), Param("receptor_type", 0, kind=int))
    weight_recorder: ClassVar[int | None] = None
    """NEST's common synapse property: the node id of the weight_recorder that records every spike
    passing a synapse of this model (none here; a model made by ``Simulator.copy_model`` may name
    one)."""
