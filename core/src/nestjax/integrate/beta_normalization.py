"""NEST's ``libnestutil/beta_normalization_factor.h``: the increment of a beta-shaped synaptic
conductance's derivative per unit weight that gives a peak of 1 (iaf_cond_beta,
aeif_cond_beta_multisynapse, hh_cond_beta_gap_traub).

As tau_rise approaches tau_decay the peak value NEST divides by is the difference of two nearly
equal exponentials, so the factor carries the rounding of the C library's exp and log: it is
computed on the host with those functions (Python's ``math``) rather than XLA's, once per distinct
pair of time constants and compiled chunk. Gradients do not flow through it.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

EPS = float(np.finfo(np.float64).eps)


def _nest_factor(tau_rise: float, tau_decay: float) -> float:
    """The factor of one (tau_rise, tau_decay) pair, in NEST's operations (e / tau_decay where the
    time constants are equal to machine precision or the peak vanishes: the alpha function)."""
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
    """The factor elementwise (arrays of any broadcastable shapes), inside or outside ``jit``."""
    shape = jnp.broadcast_shapes(jnp.shape(tau_rise), jnp.shape(tau_decay))
    out = jax.ShapeDtypeStruct(shape, jnp.float64)
    return jax.pure_callback(_nest_factors, out, tau_rise, tau_decay, vmap_method="broadcast_all")
