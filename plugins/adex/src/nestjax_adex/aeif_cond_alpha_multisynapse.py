"""``aeif_cond_alpha_multisynapse``: adaptive exponential integrate-and-fire, alpha-shaped
conductances on any number of receptor ports, each with its reversal potential and time constant.

Follows NEST ``models/aeif_cond_alpha_multisynapse.{h,cpp}`` (see :mod:`.multisynapse` and
:mod:`.aeif`): ``E_rev`` and ``tau_syn`` (lists per node, of equal length) set the ports 1 ..
n_receptors; a spike adds e / tau_syn per nS of weight to its port's dg. ``g_k`` is port k's
conductance. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.units import Param

from .multisynapse import MultisynapseNeuron, multisynapse_params


class aeif_cond_alpha_multisynapse(MultisynapseNeuron):
    name = "aeif_cond_alpha_multisynapse"
    params = multisynapse_params(Param("tau_syn", (2.0,), u.ms, vector=True))
    time_constants = ("tau_syn",)

    @staticmethod
    def taus(p):
        return p["tau_syn"], p["tau_syn"]

    @staticmethod
    def g0(p):
        return 1.0 * jnp.e / p["tau_syn"]
