"""What NEST's Hodgkin-Huxley models (``models/hh_*.cpp``, ``models/ht_neuron.cpp``) share.

Each advances its GSL state vector over one resolution step with rkf45 in the loop ``while (t <
step) gsl_odeiv_evolve_apply(...)``, keeping ``IntegrationStep_`` from step to step
(:data:`INTEGRATION_STEP`, 0 until the first step, where the kernel starts from the resolution as
NEST's ``init_buffers_`` does). The hh_* models then add this step's spikes, count down or test
for a spike (V_m at or above a threshold and falling: :func:`finish_step`) and keep this step's
current for the next step's right-hand side. Spikes arrive on receptor 0 by the weight's sign
(:class:`HHNeuron`).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS
from nestjax.integrate.rkf45 import control_y
from nestjax.model import CURRENT, SPIKE, Node

CONTROL = control_y(1e-3, 0.0)
"""``gsl_odeiv_control_y_new(1e-3, 0.0)``, the control of every model here but hh_psc_alpha_gap."""


def finish_step(state, s, x, c, threshold, step):
    """The end of an hh_* step, after this step's spikes were added to ``state``: a refractory
    neuron counts down; a free one spikes where V_m >= ``threshold`` and V_m fell during the step
    (U_old > V_m), and its count (``c["refractory_counts"]``) starts; this step's current is kept
    for the next step, and GSL's step size ``step``. Returns (state, spike)."""
    v, r = state["V_m"], s[REFRACTORY_STEPS.name]
    free = r <= 0
    spike = free & (v >= threshold) & (s["V_m"] > v)
    r = jnp.where(free, jnp.where(spike, c["refractory_counts"], r), r - 1)
    state.update({REFRACTORY_STEPS.name: r, I_STIM.name: x["current"], INTEGRATION_STEP.name: step})
    return state, spike.astype(jnp.float64)


class HHNeuron(Node):
    """Spikes on receptor 0 by the weight's sign (channels ``ex`` for w > 0, ``in`` otherwise),
    currents on receptor 0 (channel ``current``)."""

    channels = ("ex", "in", "current")

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight > 0, 0, 1), weight
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
        return super().route(event, receptor, weight)


