"""``parrot_neuron``: repeats the spikes it receives (NEST ``models/parrot_neuron.{h,cpp}``).

Spikes arriving on port 0 in the update from k to k+1 are re-sent in that update, stamped k+1, as
one event whose multiplicity is the number of spikes received (a multiplicity-k event counts k);
the connection weight is ignored. Spikes on port 1 are ignored (NEST's way to connect a parrot
without it repeating, e.g. for plasticity). Parity category D.
"""

from __future__ import annotations

import numpy as np

from nestjax.model import SPIKE, Node


class parrot_neuron(Node):
    name = "parrot_neuron"
    emits = SPIKE
    reads_weight = False
    channels = ("spikes",)
    receptor_types = {}

    @classmethod
    def route(cls, event, receptor, weight):
        if event != SPIKE:
            return super().route(event, receptor, weight)
        cls.check_receptors(receptor, [0, 1])
        return np.where(np.asarray(receptor) == 0, 0, -1), np.ones(np.shape(weight))

    @staticmethod
    def update(p, c, s, x, ctx):
        return s, x["spikes"]
