"""What NEST's GSL-integrated neuron models (iaf_cond_*, aeif_*, hh_*, ht_neuron, ...) share.

Each advances its state over one resolution step with ``while (t < B_.step_)
gsl_odeiv_evolve_apply(...)`` (:mod:`.rkf45`), keeping ``B_.IntegrationStep_`` between steps; counts
its refractory period in whole steps; and keeps this step's current input for the next step.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from ..timebase import TimeBase, steps_ceil
from ..units import Param

INTEGRATION_STEP = Param("IntegrationStep", 0.0, u.ms, hidden=True)
"""NEST's ``B_.IntegrationStep_``: the step size GSL proposes for the next evolve_apply (0 until the
first step, where :func:`~.rkf45.rkf45_integrate` starts from the resolution)."""
REFRACTORY_STEPS = Param("refractory_steps", 0, kind=int, hidden=True)
"""Steps of the refractory period left (NEST's ``r`` / ``r_``)."""
I_STIM = Param("I_stim", 0.0, u.pA, hidden=True)
"""The current input of the previous step, which this step's right-hand side sees (``B_.I_stim_``)."""


def resolution_ms(dt: float) -> float:
    """NEST's ``Time::get_resolution().get_ms()`` (tics x ms per tic): the integration interval
    ``B_.step_``."""
    return float(TimeBase(dt).ms_of(1))


def refractory_counts(p, dt, name: str = "t_ref"):
    """NEST's ``Time(Time::ms(t_ref)).get_steps()``: the refractory period in steps, rounded up."""
    return steps_ceil(p[name], dt).astype(jnp.int64)
