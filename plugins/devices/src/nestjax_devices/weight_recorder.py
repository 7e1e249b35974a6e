"""``weight_recorder``: records the spikes that pass the synapses of the models whose
``weight_recorder`` it is (NEST ``models/weight_recorder.{h,cpp}``,
``nestkernel/connector_base_impl.h``).

A synapse model names it through ``copy_model("static_synapse", name, {"weight_recorder": wr})``.
Every spike of a node (not of a stimulating device, whose connections NEST delivers without it)
that passes such a synapse gives one event per spike copy (a multiplicity-k event counts k), stamped
with the spike's time: sender, time, weight, target, receptor and port (the connection's position
among the model's connections sorted by source). ``senders`` and ``targets`` (NodeViews or lists of
ids; empty: all) select the connections recorded; events are kept when their stamp t satisfies
origin+start < t <= origin+stop. The engine records; :mod:`nestjax.recording` computes the events
on the host. Parity category D.
"""

from __future__ import annotations

import numpy as np

from nestjax.model import BadProperty, Recorder
from nestjax.units import Param

from .device_window import WINDOW, check_window


class weight_recorder(Recorder):
    name = "weight_recorder"
    records = "weights"
    params = (
        *WINDOW,
        Param("time_in_steps", False, kind=bool),
        # NEST's GetDefaults does not show them (the model prototype has no filters); nodes do
        Param("senders", [], kind=object, hidden=True),
        Param("targets", [], kind=object, hidden=True),
    )

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)
        for name in ("senders", "targets"):
            for ids in p[name]:
                arr = np.asarray(getattr(ids, "gids", ids))
                if arr.size and (arr.dtype.kind not in "iu" or arr.min() < 1):
                    raise BadProperty(f"{name} must be a NodeView or a list of node ids, got {ids!r}")
                if np.any(np.diff(arr) <= 0):  # a list becomes a NodeCollection in NEST
                    raise BadProperty(f"{name}: Indices must be sorted in ascending order, got {ids!r}")
