"""``iaf_cond_beta``: leaky integrate-and-fire, beta-shaped synaptic conductances.

Follows NEST ``models/iaf_cond_beta.{h,cpp}``: the right-hand side ``iaf_cond_beta_dynamics``
over (V_m, dg_ex, g_ex, dg_in, g_in), integrated with GSL's rkf45 as NEST does (see
:mod:`.conductance`); then refractoriness and threshold, then this step's spikes increase dg_ex and
dg_in by the factor of ``libnestutil/beta_normalization_factor.h`` (peak 1 nS per nS of weight),
then this step's current is kept for the next step. Parity category B for every recordable.
"""

from __future__ import annotations

import math

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

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

EPS = float(np.finfo(np.float64).eps)


def _nest_factor(tau_rise: float, tau_decay: float) -> float:
    """``beta_normalization_factor`` of one (tau_rise, tau_decay) pair, in NEST's operations."""
    tau_difference = tau_decay - tau_rise
    peak_value = 0.0
    if abs(tau_difference) > EPS:
        t_peak = tau_decay * tau_rise * math.log(tau_decay / tau_rise) / tau_difference
        peak_value = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    if abs(peak_value) < EPS:
        return math.e / tau_decay
    return (1.0 / tau_rise - 1.0 / tau_decay) / peak_value


def _nest_factors(tau_rise, tau_decay):
    r, d = np.broadcast_arrays(np.asarray(tau_rise, np.float64), np.asarray(tau_decay, np.float64))
    pairs, where = np.unique(np.stack([r.ravel(), d.ravel()], axis=-1), axis=0, return_inverse=True)
    factors = np.array([_nest_factor(float(a), float(b)) for a, b in pairs], np.float64)
    return factors[where.ravel()].reshape(r.shape)


def beta_normalization_factor(tau_rise, tau_decay):
    """The dg increment per nS of weight for a peak conductance of 1 nS (e / tau_decay where NEST
    falls back to the alpha function). As tau_rise approaches tau_decay the peak value NEST divides
    by is a difference of two nearly equal exponentials, so the factor carries the rounding of the
    C library's exp and log: it is computed on the host with those functions (Python's ``math``)
    rather than XLA's, once per distinct pair of time constants."""
    shape = jnp.broadcast_shapes(jnp.shape(tau_rise), jnp.shape(tau_decay))
    out = jax.ShapeDtypeStruct(shape, jnp.float64)
    return jax.pure_callback(_nest_factors, out, tau_rise, tau_decay, vmap_method="broadcast_all")


def iaf_cond_beta_dynamics(t, y, args):
    p, i_stim, refractory = args
    v = membrane_v(y[:, 0], refractory, p)
    i_syn_exc = y[:, 2] * (v - p["E_ex"])
    i_syn_inh = y[:, 4] * (v - p["E_in"])
    i_leak = p["g_L"] * (v - p["E_L"])
    dv = (-i_leak - i_syn_exc - i_syn_inh + i_stim + p["I_e"]) / p["C_m"]
    return jnp.stack(
        [
            jnp.where(refractory, 0.0, dv),
            -y[:, 1] / p["tau_decay_ex"],
            y[:, 1] - y[:, 2] / p["tau_rise_ex"],
            -y[:, 3] / p["tau_decay_in"],
            y[:, 3] - y[:, 4] / p["tau_rise_in"],
        ],
        axis=-1,
    )


class iaf_cond_beta(ConductanceNeuron):
    name = "iaf_cond_beta"
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
        Param("tau_decay_ex", 0.2, u.ms),
        Param("tau_decay_in", 2.0, u.ms),
        Param("tau_rise_ex", 0.2, u.ms),
        Param("tau_rise_in", 2.0, u.ms),
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
    time_constants = ("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": beta_normalization_factor(p["tau_rise_ex"], p["tau_decay_ex"]),
            "PSConInit_I": beta_normalization_factor(p["tau_rise_in"], p["tau_decay_in"]),
            "refractory_counts": cls.refractory_counts(p, dt),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["dg_ex"], s["g_ex"], s["dg_in"], s["g_in"]], axis=-1)
        y, spike, state = advance(iaf_cond_beta_dynamics, y, p, s, x, ctx, c["refractory_counts"])
        state["dg_ex"] = y[:, 1] + x["ex"] * c["PSConInit_E"]
        state["g_ex"] = y[:, 2]
        state["dg_in"] = y[:, 3] - x["in"] * c["PSConInit_I"]
        state["g_in"] = y[:, 4]
        state["t_ref_remaining"] = resolution_ms(ctx.dt) * state["refractory_steps"]
        return state, spike.astype(jnp.float64)
