"""``hh_cond_exp_traub``: Hodgkin-Huxley neuron of Traub and Miles with exponential synaptic
conductances.

Follows NEST ``models/hh_cond_exp_traub.{h,cpp}``: the right-hand side ``hh_cond_exp_traub_dynamics``
over (V_m, Act_m, Inact_h, Act_n, g_ex, g_in), integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(1e-3, 0.0)`` (see :mod:`.hh`); then this step's spikes increase g_ex by w
and g_in by -w (nS), then a refractory neuron counts down, a free one spikes where V_m >= V_T + 30 mV
and V_m fell during the step, then this step's current is kept for the next step. Parity category B
for every recordable.
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


def traub_rates(v, exp=jnp.exp):
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n) of NEST's Traub models at ``v`` (V_m - V_T
    in the right-hand side)."""
    return (
        0.32 * (13.0 - v) / (exp((13.0 - v) / 4.0) - 1.0),
        0.28 * (v - 40.0) / (exp((v - 40.0) / 5.0) - 1.0),
        0.128 * exp((17.0 - v) / 18.0),
        4.0 / (1.0 + exp((40.0 - v) / 5.0)),
        0.032 * (15.0 - v) / (exp((15.0 - v) / 5.0) - 1.0),
        0.5 * exp((10.0 - v) / 40.0),
    )


def traub_equilibrium(v):
    """(Act_m, Inact_h, Act_n) as NEST's State_ constructor sets them: the rates at V_m = v itself
    (not V_m - V_T)."""
    am, bm, ah, bh, an, bn = traub_rates(v, math.exp)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


TRAUB_M0, TRAUB_H0, TRAUB_N0 = traub_equilibrium(-60.0)


def traub_channels(y, p):
    """The Na, K and leak currents and the gate derivatives of the Traub models; y's columns
    (V_m, Act_m, Inact_h, Act_n, ...)."""
    v, m, h, n = y[:, 0], y[:, 1], y[:, 2], y[:, 3]
    i_na = p["g_Na"] * m * m * m * h * (v - p["E_Na"])
    i_k = p["g_K"] * n * n * n * n * (v - p["E_K"])
    i_l = p["g_L"] * (v - p["E_L"])
    am, bm, ah, bh, an, bn = traub_rates(v - p["V_T"])
    gates = [am - (am + bm) * m, ah - (ah + bh) * h, an - (an + bn) * n]
    return i_na, i_k, i_l, gates


def hh_cond_exp_traub_dynamics(t, y, args):
    """Columns (V_m, Act_m, Inact_h, Act_n, g_ex, g_in)."""
    p, i_stim = args
    v = y[:, 0]
    i_na, i_k, i_l, gates = traub_channels(y, p)
    i_ex = y[:, 4] * (v - p["E_ex"])
    i_in = y[:, 5] * (v - p["E_in"])
    dv = (-i_na - i_k - i_l - i_ex - i_in + i_stim + p["I_e"]) / p["C_m"]
    return jnp.stack([dv, *gates, -y[:, 4] / p["tau_syn_ex"], -y[:, 5] / p["tau_syn_in"]], axis=-1)


TRAUB_PARAMS = (
    Param("C_m", 200.0, u.pF),
    Param("E_K", -90.0, u.mV),
    Param("E_L", -60.0, u.mV),
    Param("E_Na", 50.0, u.mV),
    Param("E_ex", 0.0, u.mV),
    Param("E_in", -80.0, u.mV),
    Param("I_e", 0.0, u.pA),
    Param("g_K", 6000.0, u.nS),
    Param("g_L", 10.0, u.nS),
    Param("g_Na", 20000.0, u.nS),
    Param("t_ref", 2.0, u.ms),
)
TRAUB_STATE = (
    Param("V_m", -60.0, u.mV),
    Param("Act_m", TRAUB_M0),
    Param("Inact_h", TRAUB_H0),
    Param("Act_n", TRAUB_N0),
)
COLUMNS = ("V_m", "Act_m", "Inact_h", "Act_n", "g_ex", "g_in")


class hh_cond_exp_traub(HHNeuron):
    name = "hh_cond_exp_traub"
    params = (
        *TRAUB_PARAMS,
        Param("V_T", -63.0, u.mV),
        Param("tau_syn_ex", 5.0, u.ms),
        Param("tau_syn_in", 10.0, u.ms),
    )
    state = (
        *TRAUB_STATE,
        Param("g_ex", 0.0, u.nS, hidden=True),
        Param("g_in", 0.0, u.nS, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("Act_m", "Act_n", "Inact_h", "V_m", "g_ex", "g_in")
    weight_unit = u.nS

    @classmethod
    def check(cls, p, dt):
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        if np.any(p["tau_syn_ex"] <= 0) or np.any(p["tau_syn_in"] <= 0):
            raise BadProperty("All time constants must be strictly positive (tau_syn_ex, tau_syn_in).")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time cannot be negative.")

    @classmethod
    def prepare(cls, p, dt):
        return {"refractory_counts": refractory_counts(p, dt)}

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s[k] for k in COLUMNS], axis=-1)
        y, h, _ = rkf45_integrate(
            hh_cond_exp_traub_dynamics,
            resolution_ms(ctx.dt),
            y,
            s[INTEGRATION_STEP.name],
            (p, s[I_STIM.name]),
            CONTROL,
        )
        state = {k: y[:, i] for i, k in enumerate(COLUMNS)}
        state["g_ex"] = state["g_ex"] + x["ex"]
        state["g_in"] = state["g_in"] - x["in"]
        return finish_step(state, s, x, c, p["V_T"] + 30.0, h)
