"""``static_synapse``: fixed weight and delay (NEST ``models/static_synapse.h``)."""

from __future__ import annotations

from ..model import Synapse
from ..units import Param


class static_synapse(Synapse):
    """Delivers each spike with a fixed weight after a fixed delay; parity category D."""

    name = "static_synapse"
    params = (Param("weight", 1.0), Param("delay", 1.0), Param("receptor_type", 0, kind=int))
