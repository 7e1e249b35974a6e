"""``aeif_cond_beta_multisynapse``: adaptive exponential integrate-and-fire, beta-shaped
conductances on any number of receptor ports, each with its reversal potential, rise and decay
time.

Follows NEST ``models/aeif_cond_beta_multisynapse.{h,cpp}`` (see :mod:`.multisynapse` and
:mod:`.aeif`): ``E_rev``, ``tau_rise`` and ``tau_decay`` (lists per node, of equal length) set the
ports 1 .. n_receptors; dg decays with tau_rise, g with tau_decay, and a spike adds the factor of
``libnestutil/beta_normalization_factor.h`` (peak 1 nS per nS of weight; e / tau_decay where rise
and decay coincide) to its port's dg. ``g_k`` is port k's conductance. Parity category B for
every recordable.
"""

from __future__ import annotations

import math

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import BadProperty
from nestjax.units import Param

from .multisynapse import MultisynapseNeuron, multisynapse_params

EPS = float(np.finfo(np.float64).eps)


def _factor(tau_rise: float, tau_decay: float) -> float:
    """One ``beta_normalization_factor``, with the C library's exp and log as NEST (Python's
    ``math``): near tau_rise = tau_decay the peak is a difference of two close exponentials."""
    difference = tau_decay - tau_rise
    peak = 0.0
    if abs(difference) > EPS:
        t_peak = tau_decay * tau_rise * math.log(tau_decay / tau_rise) / difference
        peak = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    if abs(peak) < EPS:
        return math.e / tau_decay
    return (1.0 / tau_rise - 1.0 / tau_decay) / peak


def beta_normalization_factor(tau_rise, tau_decay):
    """:func:`_factor` elementwise, computed on the host."""

    def host(r, d):
        r, d = np.broadcast_arrays(np.asarray(r, np.float64), np.asarray(d, np.float64))
        return np.vectorize(_factor, otypes=[np.float64])(r, d)

    out = jax.ShapeDtypeStruct(jnp.broadcast_shapes(jnp.shape(tau_rise), jnp.shape(tau_decay)), jnp.float64)
    return jax.pure_callback(host, out, tau_rise, tau_decay, vmap_method="broadcast_all")


class aeif_cond_beta_multisynapse(MultisynapseNeuron):
    name = "aeif_cond_beta_multisynapse"
    params = multisynapse_params(
        Param("tau_rise", (2.0,), u.ms, vector=True), Param("tau_decay", (20.0,), u.ms, vector=True)
    )
    time_constants = ("tau_rise", "tau_decay")

    @classmethod
    def check(cls, p, dt):
        super().check(p, dt)
        if np.any(p["tau_decay"] < p["tau_rise"]):
            raise BadProperty("Synaptic rise time must be smaller than or equal to decay time.")

    @staticmethod
    def taus(p):
        return p["tau_rise"], p["tau_decay"]

    @staticmethod
    def g0(p):
        return beta_normalization_factor(p["tau_rise"], p["tau_decay"])
