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

from .conductance import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    T_REF_REMAINING,
    ConductanceNeuron,
    advance,
    membrane_v,
    resolution_ms,
)


def iaf_cond_alpha_dynamics(t, y, args):
    p, i_stim, refractory = args
    v = membrane_v(y[:, 0], refractory, p)
    i_syn_exc = y[:, 2] * (v - p["E_ex"])
    i_syn_inh = y[:, 4] * (v - p["E_in"])
    i_leak = p["g_L"] * (v - p["E_L"])
    dv = (-i_leak - i_syn_exc - i_syn_inh + i_stim + p["I_e"]) / p["C_m"]
    return jnp.stack(
        [
            jnp.where(refractory, 0.0, dv),
            -y[:, 1] / p["tau_syn_ex"],
            y[:, 1] - y[:, 2] / p["tau_syn_ex"],
            -y[:, 3] / p["tau_syn_in"],
            y[:, 3] - y[:, 4] / p["tau_syn_in"],
        ],
        axis=-1,
    )


class iaf_cond_alpha(ConductanceNeuron):
    name = "iaf_cond_alpha"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("E_ex", 0.0, u.mV),
        Param("E_in", -85.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_reset", -60.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("g_L", 16.6667, u.nS),
        Param("t_ref", 2.0, u.ms),
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("dg_ex", 0.0, u.nS / u.ms),
        Param("g_ex", 0.0, u.nS),
        Param("dg_in", 0.0, u.nS / u.ms),
        Param("g_in", 0.0, u.nS),
        I_STIM,
        REFRACTORY_STEPS,
        T_REF_REMAINING,
        INTEGRATION_STEP,
    )
    recordables = ("V_m", "g_ex", "g_in", "t_ref_remaining")
    time_constants = ("tau_syn_ex", "tau_syn_in")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": 1.0 * jnp.e / p["tau_syn_ex"],
            "PSConInit_I": 1.0 * jnp.e / p["tau_syn_in"],
            "refractory_counts": cls.refractory_counts(p, dt),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["dg_ex"], s["g_ex"], s["dg_in"], s["g_in"]], axis=-1)
        y, spike, state = advance(iaf_cond_alpha_dynamics, y, p, s, x, ctx, c["refractory_counts"])
        state["dg_ex"] = y[:, 1] + x["ex"] * c["PSConInit_E"]
        state["g_ex"] = y[:, 2]
        state["dg_in"] = y[:, 3] - x["in"] * c["PSConInit_I"]
        state["g_in"] = y[:, 4]
        state["t_ref_remaining"] = resolution_ms(ctx.dt) * state["refractory_steps"]
        return state, spike.astype(jnp.float64)
