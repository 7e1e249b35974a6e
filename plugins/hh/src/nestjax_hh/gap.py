"""What NEST's two gap models (``hh_psc_alpha_gap``, ``hh_cond_beta_gap_traub``) share: their
``update_(origin, from, to, called_from_wfr_update)``.

The right-hand side adds the gap current ``-sum(g) V_m + polynomial(t)`` (``StepContext.gap``, t the
time within the step over the resolution); without gap junctions in the network it is zero. A real
update then goes on as the other hh_* models (this step's spikes, the spike test, this step's
current kept). A relaxation pass (``wfr_update``) integrates the step the same way and adds this
step's spikes, but tests no spike, keeps the current of the step before the slice, and returns its
own polynomial of V_m over the step (cubic: from V_m and resolution x dV/dt at both ends, the right
-hand side evaluated at t = 0 before and t = 1 after the step); the engine restores its state but
for GSL's step size (:attr:`~nestjax.model.Node.wfr_carried`).
"""

from __future__ import annotations

from typing import ClassVar

import jax.numpy as jnp

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS, resolution_ms
from nestjax.integrate.rkf45 import Control, rkf45_integrate
from nestjax.units import Param

from .hh import HHNeuron, finish_step

NODE_USES_WFR = Param("node_uses_wfr", True, kind=bool, readonly=True)
"""NEST's status entry: whether the node takes part in waveform relaxation (the kernel's ``use_wfr``
when it was created)."""


def gap_current(args, t, v):
    """The gap current of a right-hand side with ``args`` (p, I_stim, gap, resolution) at stage time
    ``t`` and V_m ``v`` (0 where the network has no gap junctions)."""
    _, _, gap, h = args
    return 0.0 if gap is None else gap.current(v, t / h)


class GapNeuron(HHNeuron):
    """``columns``: the GSL state vector (V_m first); ``dynamics(t, y, (p, I_stim, gap,
    resolution))``; ``control``: its GSL control."""

    gap_junctions = True
    wfr_carried = (INTEGRATION_STEP.name,)
    columns: ClassVar[tuple[str, ...]]
    control: ClassVar[Control]

    @staticmethod
    def dynamics(t, y, args):
        raise NotImplementedError

    @staticmethod
    def add_spikes(state: dict, x: dict, c: dict) -> dict:
        """This step's spikes added to the synaptic state."""
        raise NotImplementedError

    @staticmethod
    def threshold(p):
        """V_m at or above which a falling membrane potential is a spike."""
        raise NotImplementedError

    @classmethod
    def update(cls, p, c, s, x, ctx):
        gap, h = ctx.gap, resolution_ms(ctx.dt)
        relaxing = gap is not None and gap.relaxing
        cubic = relaxing and gap.order == 3
        args = (p, s[I_STIM.name], gap, h)
        y = jnp.stack([s[k] for k in cls.columns], axis=-1)
        hf0 = h * cls.dynamics(0.0, y, args)[:, 0] if cubic else None
        y, step, _ = rkf45_integrate(cls.dynamics, h, y, s[INTEGRATION_STEP.name], args, cls.control)
        state = cls.add_spikes({k: y[:, i] for i, k in enumerate(cls.columns)}, x, c)
        if relaxing:
            y = jnp.stack([state[k] for k in cls.columns], axis=-1)
            hf1 = h * cls.dynamics(h, y, args)[:, 0] if cubic else None
            keep = (REFRACTORY_STEPS.name, I_STIM.name)
            state.update({INTEGRATION_STEP.name: step, **{k: s[k] for k in keep}})
            return state, gap.polynomial(s["V_m"], state["V_m"], hf0, hf1)
        return finish_step(state, s, x, c, cls.threshold(p), step)
