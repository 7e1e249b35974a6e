"""Exact-integration propagators of NEST's ``libnestutil/iaf_propagator``.

For a membrane (tau_m, C_m) driven by an exponential or alpha-shaped synaptic current with time
constant tau_syn, the propagators from synaptic current to membrane potential over one step h.
Where tau_m and tau_syn are equal or so close that the regular formula loses precision, NEST
switches to the limit tau_syn -> tau_m; so do these, element by element.
"""

from __future__ import annotations

import jax.numpy as jnp

STABILITY_FACTOR = 1e-7  # NEST's NUMERICAL_STABILITY_FACTOR_


def _common(tau_syn, tau_m, c_m, h):
    diff = tau_m - tau_syn
    beta = jnp.where(diff == 0, jnp.inf, tau_syn * tau_m / jnp.where(diff == 0, 1.0, diff))
    gamma = beta / c_m
    exp_syn = jnp.exp(-h / tau_syn)
    expm1_h = jnp.expm1(h * diff / (tau_syn * tau_m))
    p32 = gamma * exp_syn * expm1_h
    regular = jnp.isfinite(p32) & (p32 >= jnp.finfo(jnp.float64).tiny)
    exp_m = jnp.exp(-h / tau_m)
    p32 = jnp.where(regular, p32, h / c_m * exp_m)
    return beta, gamma, exp_syn, expm1_h, exp_m, p32


def propagator_exp(tau_syn, tau_m, c_m, h):
    """P32: exponential synaptic current to membrane potential (``IAFPropagatorExp``)."""
    return _common(tau_syn, tau_m, c_m, h)[-1]


def propagator_alpha(tau_syn, tau_m, c_m, h):
    """(P31, P32): alpha-current derivative and current to membrane potential
    (``IAFPropagatorAlpha``)."""
    beta, gamma, exp_syn, expm1_h, exp_m, p32 = _common(tau_syn, tau_m, c_m, h)
    diff = jnp.abs(tau_m - tau_syn)
    h_min = jnp.where(diff == 0, jnp.inf, STABILITY_FACTOR * tau_m**2 / jnp.where(diff == 0, 1.0, diff))
    regular = h > h_min
    p31 = jnp.where(
        regular,
        gamma * exp_syn * (jnp.where(regular, beta, 0.0) * expm1_h - h),
        0.5 * h * h / c_m * exp_m,
    )
    return p31, p32
