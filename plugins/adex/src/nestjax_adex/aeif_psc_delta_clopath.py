"""``aeif_psc_delta_clopath``: aeif_psc_delta with the voltage traces of the Clopath plasticity
rule, an adaptive threshold, a spike afterpotential current z and a clamp of V_m after each spike.

Follows NEST ``models/aeif_psc_delta_clopath.{h,cpp}``: the right-hand side
``aeif_psc_delta_clopath_dynamics`` over (V_m, w, z, V_th, u_bar_plus, u_bar_minus, u_bar_bar),
integrated with GSL's rkf45 as the other aeif models (see :mod:`.aeif`), with its own code after
each accepted evolve_apply: a neuron neither clamped nor refractory takes this step's summed spike
weights (mV) into V_m after the first one (others drop them); the threshold is V_peak, or the
state V_th where Delta_T == 0; an unclamped neuron at or above it spikes: V_m = V_clamp, w += b,
z = I_sp, V_th = V_th_max, and a clamp count of t_clamp (in steps) + 1 starts; a neuron whose clamp
count is down to 1 is released to V_reset and its refractory count starts; a refractory neuron's
V_m is set to V_reset. The right-hand side holds V_m (and w while clamped) and sees V_clamp while
clamped, V_reset while refractory. After the loop the clamp count, then the refractory count, go
down by one. The parameters of ``ClopathArchivingNode`` (A_LTD, A_LTP, ...) are kept for the
clopath synapse and checked as NEST does. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp

from nestjax.integrate.rkf45 import rkf45_evolve
from nestjax.units import Param

from .aeif import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    adex_params,
    check_adex,
    control,
    numerical_instability,
    refractory_counts,
    resolution_ms,
    spike_current,
)
from .aeif_psc_delta import aeif_psc_delta

V_M, W, Z, V_TH, U_BAR_PLUS, U_BAR_MINUS, U_BAR_BAR = range(7)
STATE = ("V_m", "w", "z", "V_th", "u_bar_plus", "u_bar_minus", "u_bar_bar")


def aeif_psc_delta_clopath_dynamics(t, y, args, carry):
    p, i_stim = args
    refractory, clamped = carry[0] > 0, carry[1] > 0
    held = refractory | clamped
    v = jnp.where(held, jnp.where(clamped, p["V_clamp"], p["V_reset"]), jnp.minimum(y[:, V_M], p["V_peak"]))
    w, z, v_th = y[:, W], y[:, Z], y[:, V_TH]
    i_spike = spike_current(v, v_th, p)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_spike - w + z + p["I_e"] + i_stim) / p["C_m"]
    u_bar_minus = y[:, U_BAR_MINUS]
    return jnp.stack(
        [
            jnp.where(held, 0.0, dv),
            jnp.where(clamped, 0.0, (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]),
            -z / p["tau_z"],
            -(v_th - p["V_th_rest"]) / p["tau_V_th"],
            (-y[:, U_BAR_PLUS] + v) / p["tau_u_bar_plus"],
            (-u_bar_minus + v) / p["tau_u_bar_minus"],
            (-y[:, U_BAR_BAR] + u_bar_minus) / p["tau_u_bar_bar"],
        ],
        axis=-1,
    )


class aeif_psc_delta_clopath(aeif_psc_delta):
    name = "aeif_psc_delta_clopath"
    params = adex_params(
        Param("I_sp", 400.0, u.pA),
        Param("V_clamp", 33.0, u.mV),
        Param("V_th_max", 30.4, u.mV),
        Param("V_th_rest", -50.4, u.mV),
        Param("t_clamp", 2.0, u.ms),
        Param("tau_V_th", 50.0, u.ms),
        Param("tau_u_bar_bar", 500.0, u.ms),
        Param("tau_u_bar_minus", 10.0, u.ms),
        Param("tau_u_bar_plus", 7.0, u.ms),
        Param("tau_z", 40.0, u.ms),
        # ClopathArchivingNode (read by clopath_synapse)
        Param("A_LTD", 14.0e-5, 1 / u.mV),
        Param("A_LTD_const", True, kind=bool),
        Param("A_LTP", 8.0e-5, 1 / u.mV**2),
        Param("delay_u_bars", 5.0, u.ms),
        Param("theta_minus", -70.6, u.mV),
        Param("theta_plus", -45.3, u.mV),
        Param("u_ref_squared", 60.0, u.mV**2),
        V_peak=33.0,
    )
    state = (
        Param("V_m", -70.6, u.mV),
        Param("w", 0.0, u.pA),
        Param("z", 0.0, u.pA, hidden=True),
        Param("V_th", -50.4, u.mV, hidden=True),
        Param("u_bar_plus", -70.6, u.mV),
        Param("u_bar_minus", -70.6, u.mV),
        Param("u_bar_bar", -70.6, u.mV),
        Param("clamp_steps", 0, kind=int, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("V_m", "V_th", "u_bar_bar", "u_bar_minus", "u_bar_plus", "w", "z")

    @classmethod
    def check(cls, p, dt):
        taus = ("tau_w", "tau_V_th", "tau_z", "tau_u_bar_plus", "tau_u_bar_minus", "tau_u_bar_bar")
        extra = [
            (p["V_th_max"] < p["V_th_rest"], "V_th_max >= V_th_rest required."),
            (p["t_clamp"] < 0, "Ensure that t_clamp >= 0"),
            (p["u_ref_squared"] <= 0, "Ensure that u_ref_squared > 0"),
        ]
        check_adex(p, v_th="V_th_rest", taus=taus, extra=extra)

    @classmethod
    def prepare(cls, p, dt):
        return {"r_spike": refractory_counts(p, dt), "clamp_spike": refractory_counts(p, dt, "t_clamp")}

    @classmethod
    def update(cls, p, c, s, x, ctx):
        h = resolution_ms(ctx.dt)

        def after_step(t, y, carry):
            r, clamp, n, pending = carry
            y = numerical_instability(y, W)
            v = jnp.where((r == 0) & (clamp == 0), y[:, V_M] + pending, y[:, V_M])
            v_peak = jnp.where(p["Delta_T"] == 0.0, y[:, V_TH], p["V_peak"])
            spike = (v >= v_peak) & (clamp == 0)
            release = ~spike & (clamp == 1)
            v = jnp.where(spike, p["V_clamp"], jnp.where(release, p["V_reset"], v))
            r = jnp.where(release, c["r_spike"], r)
            v = jnp.where(r > 0, p["V_reset"], v)
            y = jnp.stack(
                [
                    v,
                    jnp.where(spike, y[:, W] + p["b"], y[:, W]),
                    jnp.where(spike, p["I_sp"], y[:, Z]),
                    jnp.where(spike, p["V_th_max"], y[:, V_TH]),
                    y[:, U_BAR_PLUS],
                    y[:, U_BAR_MINUS],
                    y[:, U_BAR_BAR],
                ],
                axis=-1,
            )
            clamp = jnp.where(spike, c["clamp_spike"], jnp.where(release, 0, clamp))
            return y, (r, clamp, n + spike, jnp.zeros_like(pending))

        r, clamp = s[REFRACTORY_STEPS.name], s["clamp_steps"]
        carry = (r, clamp, jnp.zeros(r.shape, jnp.int32), x["spikes"])
        y = jnp.stack([s[k] for k in STATE], axis=-1)
        args = (p, s[I_STIM.name])
        y, step, (r, clamp, n, _), _ = rkf45_evolve(
            aeif_psc_delta_clopath_dynamics,
            h,
            y,
            s[INTEGRATION_STEP.name],
            args,
            control(p),
            after_step,
            carry,
        )
        state = {k: y[:, i] for i, k in enumerate(STATE)}
        state.update(
            {
                "clamp_steps": jnp.where(clamp > 0, clamp - 1, clamp),
                I_STIM.name: x["current"],
                REFRACTORY_STEPS.name: jnp.where(r > 0, r - 1, r),
                INTEGRATION_STEP.name: step,
            }
        )
        return state, n.astype(jnp.float64)
