"""``volume_transmitter``: collects the spikes of a neuromodulatory population for
``stdp_dopamine_synapse`` (NEST ``models/volume_transmitter.{h,cpp}``).

It receives spikes on receptor port 0 and sends nothing; every ``deliver_interval`` update
slices NEST hands the collected spikes to the dopamine synapses that name it, which do not exist
in nestjax yet, so nothing of it is observable: its spikes are received and dropped. Parity
category D (the network around it is unchanged).
"""

from __future__ import annotations

import numpy as np

from nestjax.model import SPIKE, Node
from nestjax.units import Param


class volume_transmitter(Node):
    name = "volume_transmitter"
    kind = "other"
    emits = None
    channels = ("spikes",)
    params = (Param("deliver_interval", 1, kind=int),)

    @classmethod
    def route(cls, event, receptor, weight):
        if event != SPIKE:
            return super().route(event, receptor, weight)
        bad = receptor[receptor != 0]
        if bad.size:
            raise ValueError(f"Receptor type {int(bad[0])} is not available in {cls.name}.")
        return np.zeros(np.shape(receptor), np.int64), np.asarray(weight, float)

    @classmethod
    def check_source(cls, source, receptor):
        if source.kind == "stimulator":
            raise ValueError("We do not allow connection of a device to a global receiver at the moment.")

    @staticmethod
    def update(p, c, s, x, ctx):
        return s, None
