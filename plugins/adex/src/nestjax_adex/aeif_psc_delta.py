"""``aeif_psc_delta``: adaptive exponential integrate-and-fire, synaptic input as jumps of V_m.

Follows NEST ``models/aeif_psc_delta.{h,cpp}``: the right-hand side ``aeif_psc_delta_dynamics`` over
(V_m, w) (with NEST's precomputed inverses of Delta_T, C_m and tau_w), integrated with GSL's rkf45
as the other aeif models (see :mod:`.aeif`), but with its own code after each accepted evolve_apply:
a free neuron's V_m jumps by this step's summed spike weights (mV) after the first one, plus what
``refractory_input`` accumulated while it was refractory; a refractory neuron's V_m is set to
V_reset and its input of this step is dropped or, with ``refractory_input``, kept, discounted by
exp(-r h / tau_m) (r: its refractory count, tau_m = C_m / g_L; NEST's unsigned r makes that factor
inf, see docs/divergences.md); then a free neuron at or above the spike threshold spikes (reset,
refractory count, w += b). Spikes of either sign arrive on receptor 0, as do currents. Parity
category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.rkf45 import rkf45_evolve
from nestjax.model import CURRENT, SPIKE
from nestjax.units import Param

from .aeif import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    AdexNeuron,
    adex_params,
    check_adex,
    control,
    membrane_v,
    numerical_instability,
    resolution_ms,
    spike_current,
)


def aeif_psc_delta_dynamics(t, y, args, carry):
    p, i_stim = args
    refractory = carry[0] > 0
    v = membrane_v(y[:, 0], refractory, p)
    w = y[:, 1]
    i_spike = spike_current(v, p["V_th"], p, inverse=True)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_spike - w + p["I_e"] + i_stim) * (1.0 / p["C_m"])
    return jnp.stack(
        [jnp.where(refractory, 0.0, dv), (p["a"] * (v - p["E_L"]) - w) * (1.0 / p["tau_w"])], axis=-1
    )


class aeif_psc_delta(AdexNeuron):
    name = "aeif_psc_delta"
    params = adex_params(Param("V_th", -50.4, u.mV), Param("refractory_input", False, kind=bool))
    state = (
        Param("V_m", -70.6, u.mV),
        Param("w", 0.0, u.pA),
        Param("refr_spikes_buffer", 0.0, u.mV, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("V_m", "w")
    channels = ("spikes", "current")
    weight_unit = u.mV

    @classmethod
    def check(cls, p, dt):
        check_adex(p)

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, [0])
            return np.zeros(weight.shape, np.int64), weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0])
            return np.ones(weight.shape, np.int64), weight
        return super().route(event, receptor, weight)

    @classmethod
    def prepare(cls, p, dt):
        return {**super().prepare(p, dt), "tau_m": p["C_m"] / p["g_L"]}

    @classmethod
    def update(cls, p, c, s, x, ctx):
        h = resolution_ms(ctx.dt)
        keep = p["refractory_input"]

        def after_step(t, y, carry):
            r, n, pending, held = carry
            y = numerical_instability(y, 1)
            free = r == 0
            v_free = y[:, 0] + pending
            release = keep & (held != 0.0)
            v_free = jnp.where(release, v_free + held, v_free)
            held = jnp.where(
                free,
                jnp.where(release, 0.0, held),
                jnp.where(keep, held + pending * jnp.exp((-r).astype(y.dtype) * h / c["tau_m"]), held),
            )
            v = jnp.where(free, v_free, p["V_reset"])
            spike = free & (v >= c["V_spike"])
            y = jnp.stack(
                [jnp.where(spike, p["V_reset"], v), jnp.where(spike, y[:, 1] + p["b"], y[:, 1])], -1
            )
            r = jnp.where(spike, c["r_spike"], r)
            return y, (r, n + spike, jnp.zeros_like(pending), held)

        r = s[REFRACTORY_STEPS.name]
        carry = (r, jnp.zeros(r.shape, jnp.int32), x["spikes"], s["refr_spikes_buffer"])
        y = jnp.stack([s["V_m"], s["w"]], axis=-1)
        args = (p, s[I_STIM.name])
        y, step, (r, n, _, held), _ = rkf45_evolve(
            aeif_psc_delta_dynamics, h, y, s[INTEGRATION_STEP.name], args, control(p), after_step, carry
        )
        state = {
            "V_m": y[:, 0],
            "w": y[:, 1],
            "refr_spikes_buffer": held,
            I_STIM.name: x["current"],
            REFRACTORY_STEPS.name: jnp.where(r > 0, r - 1, r),
            INTEGRATION_STEP.name: step,
        }
        return state, n.astype(jnp.float64)
