"""``aeif_psc_alpha``: adaptive exponential integrate-and-fire, alpha-shaped synaptic currents.

Follows NEST ``models/aeif_psc_alpha.{h,cpp}``: the right-hand side ``aeif_psc_alpha_dynamics``
over (V_m, dI_syn_ex, I_syn_ex, dI_syn_in, I_syn_in, w), integrated with GSL's rkf45 and NEST's
spike test inside the evolve loop (see :mod:`.aeif`); then this step's spikes increase dI_syn_ex
and dI_syn_in by e / tau_syn per pA of weight (inhibitory currents count positive and are
subtracted), then this step's current is kept for the next step. Parity category B for every
recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.units import Param

from .aeif import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    AdexNeuron,
    adex_params,
    advance,
    membrane_v,
    spike_current,
)


def aeif_psc_alpha_dynamics(t, y, args, carry):
    p, i_stim = args
    v = membrane_v(y[:, 0], carry[0] > 0, p)
    di_ex, i_ex, di_in, i_in, w = y[:, 1], y[:, 2], y[:, 3], y[:, 4], y[:, 5]
    i_spike = spike_current(v, p["V_th"], p)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_spike + i_ex - i_in - w + p["I_e"] + i_stim) / p["C_m"]
    return jnp.stack(
        [
            jnp.where(carry[0] > 0, 0.0, dv),
            -di_ex / p["tau_syn_ex"],
            di_ex - i_ex / p["tau_syn_ex"],
            -di_in / p["tau_syn_in"],
            di_in - i_in / p["tau_syn_in"],
            (p["a"] * (v - p["E_L"]) - w) / p["tau_w"],
        ],
        axis=-1,
    )


class aeif_psc_alpha(AdexNeuron):
    name = "aeif_psc_alpha"
    params = adex_params(
        Param("V_th", -50.4, u.mV),
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.6, u.mV),
        Param("dI_syn_ex", 0.0, u.pA / u.ms),
        Param("I_syn_ex", 0.0, u.pA),
        Param("dI_syn_in", 0.0, u.pA / u.ms),
        Param("I_syn_in", 0.0, u.pA),
        Param("w", 0.0, u.pA),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("I_syn_ex", "I_syn_in", "V_m", "w")
    weight_unit = u.pA

    @classmethod
    def prepare(cls, p, dt):
        return {
            **super().prepare(p, dt),
            "i0_ex": 1.0 * jnp.e / p["tau_syn_ex"],
            "i0_in": 1.0 * jnp.e / p["tau_syn_in"],
        }

    @classmethod
    def update(cls, p, c, s, x, ctx):
        y = jnp.stack(
            [s["V_m"], s["dI_syn_ex"], s["I_syn_ex"], s["dI_syn_in"], s["I_syn_in"], s["w"]], axis=-1
        )
        y, spikes, state = advance(aeif_psc_alpha_dynamics, y, 5, p, c, s, x, ctx)
        state.update(
            dI_syn_ex=y[:, 1] + x["ex"] * c["i0_ex"],
            I_syn_ex=y[:, 2],
            dI_syn_in=y[:, 3] + x["in"] * c["i0_in"],
            I_syn_in=y[:, 4],
            w=y[:, 5],
        )
        return state, spikes
