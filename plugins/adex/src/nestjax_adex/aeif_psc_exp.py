"""``aeif_psc_exp``: adaptive exponential integrate-and-fire, exponentially decaying synaptic
currents.

Follows NEST ``models/aeif_psc_exp.{h,cpp}``: the right-hand side ``aeif_psc_exp_dynamics`` over
(V_m, I_syn_ex, I_syn_in, w), integrated with GSL's rkf45 and NEST's spike test inside the evolve
loop (see :mod:`.aeif`); then this step's spikes increase I_syn_ex and I_syn_in by their weights
(pA; inhibitory currents count positive and are subtracted), then this step's current is kept for
the next step. Parity category B for every recordable.
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


def aeif_psc_exp_dynamics(t, y, args, carry):
    p, i_stim = args
    v = membrane_v(y[:, 0], carry[0] > 0, p)
    i_ex, i_in, w = y[:, 1], y[:, 2], y[:, 3]
    i_spike = spike_current(v, p["V_th"], p)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_spike + i_ex - i_in - w + p["I_e"] + i_stim) / p["C_m"]
    return jnp.stack(
        [
            jnp.where(carry[0] > 0, 0.0, dv),
            -i_ex / p["tau_syn_ex"],
            -i_in / p["tau_syn_in"],
            (p["a"] * (v - p["E_L"]) - w) / p["tau_w"],
        ],
        axis=-1,
    )


class aeif_psc_exp(AdexNeuron):
    name = "aeif_psc_exp"
    params = adex_params(
        Param("V_th", -50.4, u.mV),
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.6, u.mV),
        Param("I_syn_ex", 0.0, u.pA),
        Param("I_syn_in", 0.0, u.pA),
        Param("w", 0.0, u.pA),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("I_syn_ex", "I_syn_in", "V_m", "w")
    weight_unit = u.pA

    @classmethod
    def update(cls, p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["I_syn_ex"], s["I_syn_in"], s["w"]], axis=-1)
        y, spikes, state = advance(aeif_psc_exp_dynamics, y, 3, p, c, s, x, ctx)
        state.update(I_syn_ex=y[:, 1] + x["ex"], I_syn_in=y[:, 2] + x["in"], w=y[:, 3])
        return state, spikes
