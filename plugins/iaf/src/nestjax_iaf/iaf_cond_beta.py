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

from .conductance import COMMON_PARAMS, RiseDecayConductanceNeuron, rise_decay_dynamics

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


iaf_cond_beta_dynamics = rise_decay_dynamics("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")


class iaf_cond_beta(RiseDecayConductanceNeuron):
    name = "iaf_cond_beta"
    params = (
        *COMMON_PARAMS,
        Param("tau_decay_ex", 0.2, u.ms),
        Param("tau_decay_in", 2.0, u.ms),
        Param("tau_rise_ex", 0.2, u.ms),
        Param("tau_rise_in", 2.0, u.ms),
    )
    dynamics = staticmethod(iaf_cond_beta_dynamics)
    time_constants = ("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": beta_normalization_factor(p["tau_rise_ex"], p["tau_decay_ex"]),
            "PSConInit_I": beta_normalization_factor(p["tau_rise_in"], p["tau_decay_in"]),
            "refractory_counts": cls.refractory_counts(p, dt),
        }
