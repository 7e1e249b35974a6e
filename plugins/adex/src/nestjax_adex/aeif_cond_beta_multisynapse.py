"""``aeif_cond_beta_multisynapse``: adaptive exponential integrate-and-fire, beta-shaped
conductances on any number of receptor ports, each with its reversal potential, rise and decay
time.

Follows NEST ``models/aeif_cond_beta_multisynapse.{h,cpp}`` (see :mod:`.multisynapse` and
:mod:`.aeif`): ``E_rev``, ``tau_rise`` and ``tau_decay`` (lists per node, of equal length) set the
ports 1 .. n_receptors; dg decays with tau_rise, g with tau_decay, and a spike adds the factor of
``libnestutil/beta_normalization_factor.h`` (peak 1 nS per nS of weight; e / tau_decay where rise
and decay coincide) to its port's dg. ``g_k`` is port k's conductance. Parity category B for
every recordable.
"""

from __future__ import annotations

import brainunit as u
import numpy as np

from nestjax.integrate.beta_normalization import beta_normalization_factor
from nestjax.model import BadProperty
from nestjax.units import Param

from .multisynapse import MultisynapseNeuron, multisynapse_params


class aeif_cond_beta_multisynapse(MultisynapseNeuron):
    name = "aeif_cond_beta_multisynapse"
    params = multisynapse_params(
        Param("tau_rise", (2.0,), u.ms, vector=True), Param("tau_decay", (20.0,), u.ms, vector=True)
    )
    time_constants = ("tau_rise", "tau_decay")

    @classmethod
    def check(cls, p, dt):
        super().check(p, dt)
        if np.any(p["tau_decay"] < p["tau_rise"]):
            raise BadProperty("Synaptic rise time must be smaller than or equal to decay time.")

    @staticmethod
    def taus(p):
        return p["tau_rise"], p["tau_decay"]

    @staticmethod
    def g0(p):
        return beta_normalization_factor(p["tau_rise"], p["tau_decay"])
