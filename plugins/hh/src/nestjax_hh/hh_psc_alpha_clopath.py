"""``hh_psc_alpha_clopath``: hh_psc_alpha with the low-pass filtered membrane potentials of the
Clopath rule.

Follows NEST ``models/hh_psc_alpha_clopath.{h,cpp}``: hh_psc_alpha's right-hand side and update
(:mod:`.hh_psc_alpha`) with three more columns, u_bar_plus and u_bar_minus relaxing to V_m and
u_bar_bar to u_bar_minus, integrated in the same rkf45 loop; the parameters of NEST's
``ClopathArchivingNode`` (read by clopath_synapse) are kept. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS
from nestjax.model import BadProperty
from nestjax.units import Param

from .hh_psc_alpha import (
    COLUMNS,
    HH_PARAMS,
    HH_STATE,
    advance_psc_alpha,
    check_hh,
    hh_psc_alpha,
    hh_psc_alpha_dynamics,
)

TRACES = ("u_bar_plus", "u_bar_minus", "u_bar_bar")


def hh_psc_alpha_clopath_dynamics(t, y, args):
    p = args[0]
    v, u_plus, u_minus, u_bar = y[:, 0], y[:, 8], y[:, 9], y[:, 10]
    return jnp.concatenate(
        [
            hh_psc_alpha_dynamics(t, y, args),
            jnp.stack(
                [
                    (-u_plus + v) / p["tau_u_bar_plus"],
                    (-u_minus + v) / p["tau_u_bar_minus"],
                    (-u_bar + u_minus) / p["tau_u_bar_bar"],
                ],
                axis=-1,
            ),
        ],
        axis=-1,
    )


class hh_psc_alpha_clopath(hh_psc_alpha):
    name = "hh_psc_alpha_clopath"
    params = (
        *HH_PARAMS,
        Param("tau_u_bar_plus", 114.0, u.ms),
        Param("tau_u_bar_minus", 10.0, u.ms),
        Param("tau_u_bar_bar", 500.0, u.ms),
        # ClopathArchivingNode (read by clopath_synapse)
        Param("A_LTD", 14.0e-5, 1 / u.mV),
        Param("A_LTD_const", True, kind=bool),
        Param("A_LTP", 8.0e-5, 1 / u.mV**2),
        Param("delay_u_bars", 5.0, u.ms),
        Param("theta_minus", -70.6, u.mV),
        Param("theta_plus", -45.3, u.mV),
        Param("u_ref_squared", 60.0, u.mV**2),
    )
    state = (*HH_STATE, *(Param(k, 0.0, u.mV) for k in TRACES), I_STIM, REFRACTORY_STEPS, INTEGRATION_STEP)
    recordables = (*hh_psc_alpha.recordables, *TRACES)

    @classmethod
    def check(cls, p, dt):
        check_hh(p, ("tau_syn_ex", "tau_syn_in", "tau_u_bar_plus", "tau_u_bar_minus", "tau_u_bar_bar"))
        if np.any(p["u_ref_squared"] <= 0):
            raise BadProperty("Ensure that u_ref_squared > 0")

    @staticmethod
    def update(p, c, s, x, ctx):
        return advance_psc_alpha(hh_psc_alpha_clopath_dynamics, (*COLUMNS, *TRACES), p, c, s, x, ctx)
