"""``iaf_cond_exp``: leaky integrate-and-fire, exponentially decaying synaptic conductances.

Follows NEST ``models/iaf_cond_exp.{h,cpp}``: the right-hand side ``iaf_cond_exp_dynamics`` over
(V_m, g_ex, g_in), integrated with GSL's rkf45 as NEST does (see :mod:`.conductance`); then this
step's spikes increase g_ex and g_in by the weight (nS), then refractoriness and threshold, then
this step's current is kept for the next step. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.units import Param

from .conductance import (
    COMMON_PARAMS,
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    ConductanceNeuron,
    advance,
    membrane_v,
)


def iaf_cond_exp_dynamics(t, y, args):
    p, i_stim, refractory = args
    v = membrane_v(y[:, 0], refractory, p)
    i_syn_exc = y[:, 1] * (v - p["E_ex"])
    i_syn_inh = y[:, 2] * (v - p["E_in"])
    i_l = p["g_L"] * (v - p["E_L"])
    dv = (-i_l + i_stim + p["I_e"] - i_syn_exc - i_syn_inh) / p["C_m"]
    return jnp.stack(
        [jnp.where(refractory, 0.0, dv), -y[:, 1] / p["tau_syn_ex"], -y[:, 2] / p["tau_syn_in"]], axis=-1
    )


class iaf_cond_exp(ConductanceNeuron):
    name = "iaf_cond_exp"
    params = (
        *COMMON_PARAMS,
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("g_ex", 0.0, u.nS),
        Param("g_in", 0.0, u.nS),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("V_m", "g_ex", "g_in")
    time_constants = ("tau_syn_ex", "tau_syn_in")

    @classmethod
    def prepare(cls, p, dt):
        return {"refractory_counts": cls.refractory_counts(p, dt)}

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["g_ex"], s["g_in"]], axis=-1)
        y, spike, state = advance(iaf_cond_exp_dynamics, y, p, s, x, ctx, c["refractory_counts"])
        state["g_ex"] = y[:, 1] + x["ex"]
        state["g_in"] = y[:, 2] - x["in"]
        return state, spike.astype(jnp.float64)
