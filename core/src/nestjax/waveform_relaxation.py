"""NEST's waveform relaxation for connections without delay (gap junctions): kernel settings and
what a gap model's update sees and returns.

Where gap-junction connections exist, NEST iterates each update slice (``min_delay`` steps; gap
connections count ``wfr_comm_interval`` as their delay) before updating it for real: every node of
a gap model runs the slice from its saved state (``wfr_update``), reading the partners' membrane
potential as a polynomial per step (interpolation order 0, 1 or 3) from their previous pass, and
sends its own; passes repeat until no node's V_m at the end of any step moved by more than
``wfr_tol`` (at most ``wfr_max_iterations`` passes). The real update then uses the last pass's
polynomials and sends its final V_m as a constant for the next slice. A pass neither consumes input
nor sends spikes; only the model's buffers (``Node.wfr_carried``, e.g. GSL's step size) keep what
the pass did. With ``use_wfr`` False there are no passes and each step sees the partners' V_m of the
previous step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp

ORDERS = (0, 1, 3)


class KernelError(ValueError):
    """A kernel setting NEST refuses (its ``KernelException``)."""


@dataclass
class WfrSettings:
    """NEST's kernel settings of the waveform relaxation, with its defaults and checks
    (``SimulationManager::set_status``); ``dt`` is the resolution in ms."""

    dt: float
    use_wfr: bool = True
    wfr_comm_interval: float = 1.0
    wfr_tol: float = 1e-4
    wfr_max_iterations: int = 15
    wfr_interpolation_order: int = 3

    def __post_init__(self):
        self.wfr_comm_interval = max(self.wfr_comm_interval, self.dt)  # NEST: at least the resolution

    def set(self, name: str, value, has_nodes: bool, has_connections: bool) -> None:
        if name == "use_wfr":
            if has_nodes:
                raise KernelError(
                    "Cannot enable/disable usage of waveform relaxation after nodes have been created."
                )
            self.use_wfr = bool(value)
            if not self.use_wfr:
                self.wfr_comm_interval = self.dt
        elif name == "wfr_comm_interval":
            value = float(value)
            if not self.use_wfr:
                raise KernelError(
                    "Cannot set waveform communication interval when usage of waveform relaxation is "
                    "disabled. Set use_wfr to true first."
                )
            if has_connections:
                raise KernelError(
                    "Cannot change waveform communication interval after connections have been created."
                )
            if value < self.dt:
                raise KernelError(
                    "Communication interval of the waveform relaxation must be greater or equal to the "
                    "resolution of the simulation."
                )
            self.wfr_comm_interval = value
        elif name == "wfr_tol":
            if float(value) < 0.0:
                raise KernelError("Tolerance must be zero or positive")
            self.wfr_tol = float(value)
        elif name == "wfr_max_iterations":
            if int(value) != value or value <= 0:
                raise KernelError(
                    "Maximal number of iterations for the waveform relaxation must be positive. To "
                    "disable waveform relaxation set use_wfr instead."
                )
            self.wfr_max_iterations = int(value)
        elif name == "wfr_interpolation_order":
            if value not in ORDERS:
                raise KernelError("Interpolation order must be 0, 1, or 3.")
            self.wfr_interpolation_order = int(value)
        else:
            raise AttributeError(name)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class GapInput:
    """What a gap model's update sees of its gap junctions in one step (``StepContext.gap``).

    ``coefficients``: (n, order + 1), the sum over incoming gap junctions of weight x the partner's
    interpolation polynomial of V_m for this step, in t = time within the step / resolution
    (NEST's ``interpolation_coefficients`` at this lag); ``total``: (n,), the sum of their weights
    (``sumj_g_ij_``; zero where nothing was delivered yet, as in NEST's first slice); ``relaxing``:
    whether this is a relaxation pass (static), in which the update returns ``(state,
    coefficients)``, its own polynomial from :meth:`polynomial`, instead of spikes.
    """

    coefficients: Any
    total: Any
    order: int = field(metadata={"static": True})
    relaxing: bool = field(metadata={"static": True})

    def current(self, v, t):
        """The gap current at membrane potential ``v`` and fraction ``t`` of the step, in NEST's
        order of operations: -sum(g) V + c0 + c1 t + c2 t t + c3 t t t."""
        c = self.coefficients
        i = -self.total * v + c[:, 0]
        if self.order >= 1:
            i = i + c[:, 1] * t
        if self.order == 3:
            i = i + c[:, 2] * t * t + c[:, 3] * t * t * t
        return i

    def polynomial(self, v0, v1, hf0=None, hf1=None):
        """A node's own polynomial over the step from V_m at its start ``v0`` and end ``v1`` and,
        for order 3 (cubic Hermite), h x dV/dt there (``hf0``, ``hf1``), as NEST's ``update_``
        computes it in a relaxation pass: (n, order + 1)."""
        if self.order == 0:
            cols = [v0]
        elif self.order == 1:
            cols = [v0, v1 - v0]
        else:
            cols = [v0, hf0, -3 * v0 + 3 * v1 - 2 * hf0 - hf1, 2 * v0 - 2 * v1 + hf0 + hf1]
        return jnp.stack(cols, axis=-1)
