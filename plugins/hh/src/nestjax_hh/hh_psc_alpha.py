"""``hh_psc_alpha``: Hodgkin-Huxley neuron with alpha-shaped synaptic currents.

Follows NEST ``models/hh_psc_alpha.{h,cpp}``: the right-hand side ``hh_psc_alpha_dynamics`` over
(V_m, Act_m, Inact_h, Act_n, dI_ex, I_syn_ex, dI_in, I_syn_in), integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(1e-3, 0.0)`` (see :mod:`.hh`); then this step's spikes increase dI_ex and
dI_in by e / tau_syn per pA of weight (inhibitory weights keep their sign), then a refractory neuron
counts down, a free one spikes where V_m >= 0 mV and V_m fell during the step, then this step's
current is kept for the next step. Parity category B for every recordable.
"""

from __future__ import annotations

import math

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
from nestjax.integrate.rkf45 import rkf45_integrate
from nestjax.model import BadProperty
from nestjax.units import Param

from .hh import CONTROL, HHNeuron, finish_step


def rates(v, exp=jnp.exp):
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n) of NEST's hh_psc_alpha at V_m = v."""
    return (
        (0.1 * (v + 40.0)) / (1.0 - exp(-(v + 40.0) / 10.0)),
        4.0 * exp(-(v + 65.0) / 18.0),
        0.07 * exp(-(v + 65.0) / 20.0),
        1.0 / (1.0 + exp(-(v + 35.0) / 10.0)),
        (0.01 * (v + 55.0)) / (1.0 - exp(-(v + 55.0) / 10.0)),
        0.125 * exp(-(v + 65.0) / 80.0),
    )


def equilibrium(v):
    """(Act_m, Inact_h, Act_n) at rest, as NEST's State_ constructor sets them at V_m = v."""
    am, bm, ah, bh, an, bn = rates(v, math.exp)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


M0, H0, N0 = equilibrium(-65.0)


def hh_psc_alpha_dynamics(t, y, args):
    """Columns (V_m, Act_m, Inact_h, Act_n, dI_ex, I_syn_ex, dI_in, I_syn_in)."""
    p, i_stim = args
    v, m, h, n = y[:, 0], y[:, 1], y[:, 2], y[:, 3]
    am, bm, ah, bh, an, bn = rates(v)
    i_na = p["g_Na"] * m * m * m * h * (v - p["E_Na"])
    i_k = p["g_K"] * n * n * n * n * (v - p["E_K"])
    i_l = p["g_L"] * (v - p["E_L"])
    return jnp.stack(
        [
            (-(i_na + i_k + i_l) + i_stim + p["I_e"] + y[:, 5] + y[:, 7]) / p["C_m"],
            am * (1 - m) - bm * m,
            ah * (1 - h) - bh * h,
            an * (1 - n) - bn * n,
            -y[:, 4] / p["tau_syn_ex"],
            y[:, 4] - (y[:, 5] / p["tau_syn_ex"]),
            -y[:, 6] / p["tau_syn_in"],
            y[:, 6] - (y[:, 7] / p["tau_syn_in"]),
        ],
        axis=-1,
    )


HH_PARAMS = (
    Param("C_m", 100.0, u.pF),
    Param("E_K", -77.0, u.mV),
    Param("E_L", -54.402, u.mV),
    Param("E_Na", 50.0, u.mV),
    Param("I_e", 0.0, u.pA),
    Param("g_K", 3600.0, u.nS),
    Param("g_L", 30.0, u.nS),
    Param("g_Na", 12000.0, u.nS),
    Param("t_ref", 2.0, u.ms),
    Param("tau_syn_ex", 0.2, u.ms),
    Param("tau_syn_in", 2.0, u.ms),
)
HH_STATE = (
    Param("V_m", -65.0, u.mV),
    Param("Act_m", M0),
    Param("Inact_h", H0),
    Param("Act_n", N0),
    Param("dI_ex", 0.0, u.pA / u.ms, hidden=True),
    Param("I_syn_ex", 0.0, u.pA, hidden=True),
    Param("dI_in", 0.0, u.pA / u.ms, hidden=True),
    Param("I_syn_in", 0.0, u.pA, hidden=True),
)
COLUMNS = ("V_m", "Act_m", "Inact_h", "Act_n", "dI_ex", "I_syn_ex", "dI_in", "I_syn_in")


def check_hh(p, taus=("tau_syn_ex", "tau_syn_in"), conductances=("g_K", "g_Na", "g_L")):
    """NEST's Parameters_::set checks of hh_psc_alpha (``taus``, ``conductances``: the time
    constants and conductances it checks)."""
    if np.any(p["C_m"] <= 0):
        raise BadProperty("Capacitance must be strictly positive.")
    if np.any(p["t_ref"] < 0):
        raise BadProperty("Refractory time cannot be negative.")
    if any(np.any(p[k] <= 0) for k in taus):
        raise BadProperty(f"All time constants must be strictly positive ({', '.join(taus)}).")
    if any(np.any(p[k] < 0) for k in conductances):
        raise BadProperty("All conductances must be non-negative.")


def advance_psc_alpha(dynamics, columns, p, c, s, x, ctx, control=CONTROL):
    """hh_psc_alpha's update for a right-hand side over ``columns`` (COLUMNS first): integration
    under ``control``, this step's spikes, the spike test at 0 mV, this step's current kept.
    Returns (state, spike)."""
    y = jnp.stack([s[k] for k in columns], axis=-1)
    y, h, _ = rkf45_integrate(
        dynamics, resolution_ms(ctx.dt), y, s[INTEGRATION_STEP.name], (p, s[I_STIM.name]), control
    )
    state = {k: y[:, i] for i, k in enumerate(columns)}
    state["dI_ex"] = state["dI_ex"] + x["ex"] * c["PSCurrInit_E"]
    state["dI_in"] = state["dI_in"] + x["in"] * c["PSCurrInit_I"]
    return finish_step(state, s, x, c, 0.0, h)


class hh_psc_alpha(HHNeuron):
    name = "hh_psc_alpha"
    params = HH_PARAMS
    state = (*HH_STATE, I_STIM, REFRACTORY_STEPS, INTEGRATION_STEP)
    recordables = ("Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "V_m")
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        check_hh(p)

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSCurrInit_E": 1.0 * jnp.e / p["tau_syn_ex"],
            "PSCurrInit_I": 1.0 * jnp.e / p["tau_syn_in"],
            "refractory_counts": refractory_counts(p, dt),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        return advance_psc_alpha(hh_psc_alpha_dynamics, COLUMNS, p, c, s, x, ctx)
