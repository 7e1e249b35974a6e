"""``iaf_cond_exp_sfa_rr``: iaf_cond_exp with spike-frequency adaptation and relative refractoriness.

Follows NEST ``models/iaf_cond_exp_sfa_rr.{h,cpp}``: the right-hand side
``iaf_cond_exp_sfa_rr_dynamics`` over (V_m, g_ex, g_in, g_sfa, g_rr), integrated with GSL's rkf45
as NEST does (see :mod:`.conductance`); then this step's spikes increase g_ex and g_in by the
weight (nS), then refractoriness and threshold, where a spike increases g_sfa by q_sfa and g_rr by
q_rr; then this step's current is kept for the next step. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS
from nestjax.units import Param

from .conductance import ConductanceNeuron, advance, membrane_v


def iaf_cond_exp_sfa_rr_dynamics(t, y, args):
    p, i_stim, refractory = args
    v = membrane_v(y[:, 0], refractory, p)
    i_syn_exc = y[:, 1] * (v - p["E_ex"])
    i_syn_inh = y[:, 2] * (v - p["E_in"])
    i_l = p["g_L"] * (v - p["E_L"])
    i_sfa = y[:, 3] * (v - p["E_sfa"])
    i_rr = y[:, 4] * (v - p["E_rr"])
    dv = (-i_l + i_stim + p["I_e"] - i_syn_exc - i_syn_inh - i_sfa - i_rr) / p["C_m"]
    return jnp.stack(
        [
            jnp.where(refractory, 0.0, dv),
            -y[:, 1] / p["tau_syn_ex"],
            -y[:, 2] / p["tau_syn_in"],
            -y[:, 3] / p["tau_sfa"],
            -y[:, 4] / p["tau_rr"],
        ],
        axis=-1,
    )


class iaf_cond_exp_sfa_rr(ConductanceNeuron):
    name = "iaf_cond_exp_sfa_rr"
    params = (
        Param("C_m", 289.5, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("E_ex", 0.0, u.mV),
        Param("E_in", -75.0, u.mV),
        Param("E_rr", -70.0, u.mV),
        Param("E_sfa", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -57.0, u.mV),
        Param("g_L", 28.95, u.nS),
        Param("q_rr", 3214.0, u.nS),
        Param("q_sfa", 14.48, u.nS),
        Param("t_ref", 0.5, u.ms),
        Param("tau_rr", 1.97, u.ms),
        Param("tau_sfa", 110.0, u.ms),
        Param("tau_syn_ex", 1.5, u.ms),
        Param("tau_syn_in", 10.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("g_ex", 0.0, u.nS),
        Param("g_in", 0.0, u.nS),
        Param("g_sfa", 0.0, u.nS),
        Param("g_rr", 0.0, u.nS),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("V_m", "g_ex", "g_in", "g_rr", "g_sfa")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_sfa", "tau_rr")

    @classmethod
    def prepare(cls, p, dt):
        return {"refractory_counts": cls.refractory_counts(p, dt)}

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["g_ex"], s["g_in"], s["g_sfa"], s["g_rr"]], axis=-1)
        y, spike, state = advance(iaf_cond_exp_sfa_rr_dynamics, y, p, s, x, ctx, c["refractory_counts"])
        state["g_ex"] = y[:, 1] + x["ex"]
        state["g_in"] = y[:, 2] - x["in"]
        state["g_sfa"] = jnp.where(spike, y[:, 3] + p["q_sfa"], y[:, 3])
        state["g_rr"] = jnp.where(spike, y[:, 4] + p["q_rr"], y[:, 4])
        return state, spike.astype(jnp.float64)
