"""``iaf_cond_alpha``: leaky integrate-and-fire, alpha-shaped synaptic conductances.

Follows NEST ``models/iaf_cond_alpha.{h,cpp}``: the right-hand side ``iaf_cond_alpha_dynamics``
over (V_m, dg_ex, g_ex, dg_in, g_in), integrated with GSL's rkf45 as NEST does (see
:mod:`.conductance`); then refractoriness and threshold, then this step's spikes increase dg_ex and
dg_in by e / tau_syn per nS of weight, then this step's current is kept for the next step.
Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.units import Param

from .conductance import COMMON_PARAMS, RiseDecayConductanceNeuron, rise_decay_dynamics

iaf_cond_alpha_dynamics = rise_decay_dynamics("tau_syn_ex", "tau_syn_ex", "tau_syn_in", "tau_syn_in")


class iaf_cond_alpha(RiseDecayConductanceNeuron):
    name = "iaf_cond_alpha"
    params = (
        *COMMON_PARAMS,
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    dynamics = staticmethod(iaf_cond_alpha_dynamics)
    time_constants = ("tau_syn_ex", "tau_syn_in")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": 1.0 * jnp.e / p["tau_syn_ex"],
            "PSConInit_I": 1.0 * jnp.e / p["tau_syn_in"],
            "refractory_counts": cls.refractory_counts(p, dt),
        }
