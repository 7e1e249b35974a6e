"""What NEST's conductance-based integrate-and-fire models (``models/iaf_cond_*.cpp``) share.

Each of them advances its GSL state vector over one resolution step with rkf45 under
``gsl_odeiv_control_y_new(1e-3, 0.0)`` in the loop ``while (t < step) gsl_odeiv_evolve_apply(...)``,
keeping ``IntegrationStep_`` from step to step (:data:`INTEGRATION_STEP`, 0 until the first step,
where the kernel starts from the resolution as NEST's ``init_buffers_`` does). While the neuron is
refractory the right-hand side sees V_m clamped to V_reset and dV_m/dt = 0, otherwise V_m bounded
above by V_th (:func:`membrane_v`). After integration a refractory neuron counts down with V_m held
at V_reset, a free one at or above V_th spikes (:func:`advance`). Spikes arrive on receptor 0, by
the weight's sign: excitatory for w > 0, inhibitory (conductance increment -w) otherwise; currents
on receptor 0 reach the next step's right-hand side (:class:`ConductanceNeuron`). iaf_cond_alpha and
iaf_cond_beta share their right-hand side (:func:`rise_decay_dynamics`) and update
(:class:`RiseDecayConductanceNeuron`).
"""

from __future__ import annotations

from typing import ClassVar

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    refractory_counts,
    resolution_ms,
)
from nestjax.integrate.rkf45 import control_y, rkf45_integrate
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.units import Param

CONTROL = control_y(1e-3, 0.0)
T_REF_REMAINING = Param("t_ref_remaining", 0.0, u.ms, hidden=True)
"""The recordable ``t_ref_remaining``: resolution x refractory steps left, as NEST's ``get_r_``."""


COMMON_PARAMS = (
    Param("C_m", 250.0, u.pF),
    Param("E_L", -70.0, u.mV),
    Param("E_ex", 0.0, u.mV),
    Param("E_in", -85.0, u.mV),
    Param("I_e", 0.0, u.pA),
    Param("V_reset", -60.0, u.mV),
    Param("V_th", -55.0, u.mV),
    Param("g_L", 16.6667, u.nS),
    Param("t_ref", 2.0, u.ms),
)
"""The parameters and defaults iaf_cond_alpha, iaf_cond_beta and iaf_cond_exp share, in NEST's order."""


def membrane_v(v, refractory, p):
    """The V_m the right-hand side uses: V_reset while refractory, else min(V_m, V_th)."""
    return jnp.where(refractory, p["V_reset"], jnp.minimum(v, p["V_th"]))


def advance(dynamics, y, p, s, x, ctx, counts):
    """Integration over one resolution step, then refractoriness and threshold.

    ``y`` (n, dim) holds the GSL state vectors (V_m first); ``dynamics(t, y, (p, I_stim,
    refractory))`` is the model's right-hand side, ``counts`` its ``RefractoryCounts``. Returns
    (y after integration, spike, the new V_m, I_stim, refractory_steps and IntegrationStep)."""
    r = s[REFRACTORY_STEPS.name]
    refractory = r > 0
    args = (p, s[I_STIM.name], refractory)
    y, h, _ = rkf45_integrate(dynamics, resolution_ms(ctx.dt), y, s[INTEGRATION_STEP.name], args, CONTROL)
    spike = ~refractory & (y[:, 0] >= p["V_th"])
    state = {
        "V_m": jnp.where(refractory | spike, p["V_reset"], y[:, 0]),
        I_STIM.name: x["current"],
        REFRACTORY_STEPS.name: jnp.where(refractory, r - 1, jnp.where(spike, counts, r)),
        INTEGRATION_STEP.name: h,
    }
    return y, spike, state


class ConductanceNeuron(Node):
    """Receptors, channels and NEST's common parameter checks; ``time_constants`` names the
    parameters NEST requires to be strictly positive."""

    channels = ("ex", "in", "current")
    weight_unit = u.nS
    time_constants: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time cannot be negative.")
        if any(np.any(p[k] <= 0) for k in cls.time_constants):
            raise BadProperty(
                f"All time constants must be strictly positive ({', '.join(cls.time_constants)})."
            )

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight > 0, 0, 1), weight
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def refractory_counts(p, dt):
        """NEST's ``RefractoryCounts``: ``Time(Time::ms(t_ref)).get_steps()``."""
        return refractory_counts(p, dt)


def rise_decay_dynamics(rise_ex: str, decay_ex: str, rise_in: str, decay_in: str):
    """The right-hand side of iaf_cond_alpha and iaf_cond_beta over (V_m, dg_ex, g_ex, dg_in, g_in):
    each dg decays with the parameter named ``decay_*``, each g with the one named ``rise_*``."""

    def dynamics(t, y, args):
        p, i_stim, refractory = args
        v = membrane_v(y[:, 0], refractory, p)
        i_syn_exc = y[:, 2] * (v - p["E_ex"])
        i_syn_inh = y[:, 4] * (v - p["E_in"])
        i_leak = p["g_L"] * (v - p["E_L"])
        dv = (-i_leak - i_syn_exc - i_syn_inh + i_stim + p["I_e"]) / p["C_m"]
        return jnp.stack(
            [
                jnp.where(refractory, 0.0, dv),
                -y[:, 1] / p[decay_ex],
                y[:, 1] - y[:, 2] / p[rise_ex],
                -y[:, 3] / p[decay_in],
                y[:, 3] - y[:, 4] / p[rise_in],
            ],
            axis=-1,
        )

    return dynamics


class RiseDecayConductanceNeuron(ConductanceNeuron):
    """A neuron whose conductances rise and decay (iaf_cond_alpha, iaf_cond_beta): ``dynamics`` is
    its right-hand side (:func:`rise_decay_dynamics`), ``prepare`` gives ``PSConInit_E`` and
    ``PSConInit_I``, the dg increments per nS of weight of this step's spikes."""

    dynamics: ClassVar = None
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

    @classmethod
    def update(cls, p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["dg_ex"], s["g_ex"], s["dg_in"], s["g_in"]], axis=-1)
        y, spike, state = advance(cls.dynamics, y, p, s, x, ctx, c["refractory_counts"])
        state["dg_ex"] = y[:, 1] + x["ex"] * c["PSConInit_E"]
        state["g_ex"] = y[:, 2]
        state["dg_in"] = y[:, 3] - x["in"] * c["PSConInit_I"]
        state["g_in"] = y[:, 4]
        state["t_ref_remaining"] = resolution_ms(ctx.dt) * state["refractory_steps"]
        return state, spike.astype(jnp.float64)
