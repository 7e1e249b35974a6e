"""``iaf_chxk_2008``: conductance-based integrate-and-fire with an AHP conductance, after Casti
et al. (2008).

Follows NEST ``models/iaf_chxk_2008.{h,cpp}``: the right-hand side ``iaf_chxk_2008_dynamics`` over
(V_m, dg_ex, g_ex, dg_in, g_in, dg_ahp, g_ahp) integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(1e-3, 0)`` as NEST does (see :mod:`.conductance`). No reset and no
refractory time: a step in which V_m crosses V_th from below fires; the time of the crossing is
interpolated linearly within the step, ``dt_spike = h (V_m - V_th) / (V_m - V_m(start))`` before
the step's end, the AHP alpha kernel started then is added (replacing the old AHP with
``ahp_bug``), and the spike is sent with offset ``dt_spike`` (spike recorders show the step's end
minus it; grid targets ignore it, as in NEST). Then this step's spikes increase dg_ex (w > 0) and
dg_in (w <= 0, by -w) by e / tau_syn per nS, and this step's current is kept for the next step.
Parity category B for every recordable and identical spike times.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, resolution_ms
from nestjax.integrate.rkf45 import rkf45_integrate
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.units import Param

from .conductance import CONTROL

Y = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in", "dg_ahp", "G_ahp")  # NEST's state vector order


def iaf_chxk_2008_dynamics(t, y, args):
    p, i_stim = args
    v = y[:, 0]
    i_syn_exc = y[:, 2] * (v - p["E_ex"])
    i_syn_inh = y[:, 4] * (v - p["E_in"])
    i_ahp = y[:, 6] * (v - p["E_ahp"])
    i_leak = p["g_L"] * (v - p["E_L"])
    return jnp.stack(
        [
            (-i_leak - i_syn_exc - i_syn_inh - i_ahp + i_stim + p["I_e"]) / p["C_m"],
            -y[:, 1] / p["tau_syn_ex"],
            y[:, 1] - y[:, 2] / p["tau_syn_ex"],
            -y[:, 3] / p["tau_syn_in"],
            y[:, 3] - y[:, 4] / p["tau_syn_in"],
            -y[:, 5] / p["tau_ahp"],
            y[:, 5] - y[:, 6] / p["tau_ahp"],
        ],
        axis=-1,
    )


class iaf_chxk_2008(Node):
    name = "iaf_chxk_2008"
    params = (
        Param("C_m", 1000.0, u.pF),
        Param("E_L", -60.0, u.mV),
        Param("E_ahp", -95.0, u.mV),
        Param("E_ex", 20.0, u.mV),
        Param("E_in", -90.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_th", -45.0, u.mV),
        Param("ahp_bug", False, kind=bool),
        Param("g_L", 100.0, u.nS),
        Param("g_ahp", 443.8, u.nS),
        Param("tau_ahp", 0.5, u.ms),
        Param("tau_syn_ex", 1.0, u.ms),
        Param("tau_syn_in", 1.0, u.ms),
    )
    state = (
        Param("V_m", -60.0, u.mV),
        Param("dg_ex", 0.0, u.nS / u.ms, hidden=True),
        Param("g_ex", 0.0, u.nS, hidden=True),
        Param("dg_in", 0.0, u.nS / u.ms, hidden=True),
        Param("g_in", 0.0, u.nS, hidden=True),
        Param("dg_ahp", 0.0, u.nS / u.ms, hidden=True),
        Param("G_ahp", 0.0, u.nS, hidden=True),  # the recordable g_ahp (the parameter g_ahp scales it)
        I_STIM,
        INTEGRATION_STEP,
    )
    recordables = ("I_ahp", "I_syn_ex", "I_syn_in", "V_m", "g_ahp", "g_ex", "g_in")
    channels = ("ex", "in", "current")
    weight_unit = u.nS

    @classmethod
    def check(cls, p, dt):
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        if any(np.any(p[k] <= 0) for k in ("tau_syn_ex", "tau_syn_in", "tau_ahp")):
            raise BadProperty(
                "All time constants must be strictly positive (tau_syn_ex, tau_syn_in, tau_ahp)."
            )

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight > 0, 0, 1), np.where(weight > 0, weight, -weight)
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        return {
            "PSConInit_E": 1.0 * jnp.e / p["tau_syn_ex"],
            "PSConInit_I": 1.0 * jnp.e / p["tau_syn_in"],
            "PSConInit_AHP": p["g_ahp"] * jnp.e / p["tau_ahp"],
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        h = resolution_ms(ctx.dt)
        v_prev = s["V_m"]
        y = jnp.stack([s[k] for k in Y], axis=-1)
        y, h_next, _ = rkf45_integrate(
            iaf_chxk_2008_dynamics, h, y, s[INTEGRATION_STEP.name], (p, s[I_STIM.name]), CONTROL
        )
        new = dict(zip(Y, y.T))
        v = new["V_m"]
        spike = (v_prev < p["V_th"]) & (v >= p["V_th"])
        dt_spike = jnp.where(spike, h * (v - p["V_th"]) / jnp.where(spike, v - v_prev, 1.0), 0.0)
        delta_dg = c["PSConInit_AHP"] * jnp.exp(-dt_spike / p["tau_ahp"])
        delta_g = delta_dg * dt_spike
        # ahp_bug: the new AHP kernel replaces the old one instead of adding to it
        g_ahp = jnp.where(p["ahp_bug"], delta_g, new["G_ahp"] + delta_g)
        dg_ahp = jnp.where(p["ahp_bug"], delta_dg, new["dg_ahp"] + delta_dg)
        new["G_ahp"] = jnp.where(spike, g_ahp, new["G_ahp"])
        new["dg_ahp"] = jnp.where(spike, dg_ahp, new["dg_ahp"])
        new["dg_ex"] = new["dg_ex"] + x["ex"] * c["PSConInit_E"]
        new["dg_in"] = new["dg_in"] + x["in"] * c["PSConInit_I"]
        new[I_STIM.name] = x["current"]
        new[INTEGRATION_STEP.name] = h_next
        return new, (spike.astype(jnp.float64), dt_spike)

    @staticmethod
    def recordable(p, s, name):
        if name == "I_syn_ex":
            return s["g_ex"] * (s["V_m"] - p["E_ex"])
        if name == "I_syn_in":
            return s["g_in"] * (s["V_m"] - p["E_in"])
        if name == "I_ahp":
            return s["G_ahp"] * (s["V_m"] - p["E_ahp"])
        if name == "g_ahp":
            return s["G_ahp"]
        return s[name]
