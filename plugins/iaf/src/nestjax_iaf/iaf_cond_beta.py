"""``iaf_cond_beta``: leaky integrate-and-fire, beta-shaped synaptic conductances.

Follows NEST ``models/iaf_cond_beta.{h,cpp}``: the right-hand side ``iaf_cond_beta_dynamics``
over (V_m, dg_ex, g_ex, dg_in, g_in), integrated with GSL's rkf45 as NEST does (see
:mod:`.conductance`); then refractoriness and threshold, then this step's spikes increase dg_ex and
dg_in by the factor of ``libnestutil/beta_normalization_factor.h`` (peak 1 nS per nS of weight),
then this step's current is kept for the next step. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u

from nestjax.integrate.beta_normalization import beta_normalization_factor
from nestjax.units import Param

from .conductance import COMMON_PARAMS, RiseDecayConductanceNeuron, rise_decay_dynamics

iaf_cond_beta_dynamics = rise_decay_dynamics("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")


class iaf_cond_beta(RiseDecayConductanceNeuron):
    name = "iaf_cond_beta"
    params = (
        *COMMON_PARAMS,
        Param("tau_decay_ex", 0.2, u.ms),
        Param("tau_decay_in", 2.0, u.ms),
        Param("tau_rise_ex", 0.2, u.ms),
        Param("tau_rise_in", 2.0, u.ms),
    )
    dynamics = staticmethod(iaf_cond_beta_dynamics)
    time_constants = ("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": beta_normalization_factor(p["tau_rise_ex"], p["tau_decay_ex"]),
            "PSConInit_I": beta_normalization_factor(p["tau_rise_in"], p["tau_decay_in"]),
            "refractory_counts": cls.refractory_counts(p, dt),
        }
