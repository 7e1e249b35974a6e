"""What ``correlomatrix_detector`` and ``correlospinmatrix_detector`` share: a spike recorder with
``N_channels`` receptor ports (0 .. N_channels - 1), NEST's checks when parameters are set, and
results cleared whenever ``N_channels`` or a parameter of ``RESET_BY`` is set."""

from __future__ import annotations

from typing import ClassVar

from nestjax.model import BadProperty, Recorder

from .detector_times import RESET_BY, default_delta_tau
from .device_window import check_window


class MatrixDetector(Recorder):
    """Subclasses give ``_cleared(p, dt)`` (the cleared results of one node), ``delta_tau_steps``
    (the default ``delta_tau`` in steps) and ``_check_node(new, given, i, dt)`` (their own checks of
    node i, after NEST's check of ``N_channels``)."""

    records = "spikes"
    detector = True
    backend = False
    delta_tau_steps: ClassVar[int]

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)

    @classmethod
    def check_connections(cls, p, sources, receptor):
        n = int(p["N_channels"][0])
        bad = receptor[(receptor < 0) | (receptor > n - 1)]
        if bad.size:
            raise ValueError(
                f"Receptor type {int(bad[0])} is not available in {cls.name} "
                f"(ports 0 .. {n - 1}: N_channels = {n})."
            )

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        out = {}
        delta_tau = default_delta_tau(given, old["delta_tau"], dt, cls.delta_tau_steps)
        if delta_tau is not None:  # a new node
            new = {**new, "delta_tau": delta_tau}
            out["delta_tau"] = delta_tau
        if not given:
            return out
        nodes = range(len(new["delta_tau"]))
        for i in nodes:  # NEST's Parameters_::set, on every set
            if "N_channels" in given and new["N_channels"][i] < 1:
                raise BadProperty("/N_channels can only be larger than zero.")
            cls._check_node(new, given, i, dt)
        if given & (RESET_BY | {"N_channels"}):
            cleared = [cls._cleared({k: new[k][i] for k in new}, dt) for i in nodes]
            out |= {k: [c[k] for c in cleared] for k in cleared[0]}
        return out
