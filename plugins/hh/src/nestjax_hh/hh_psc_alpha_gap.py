"""``hh_psc_alpha_gap``: Hodgkin-Huxley neuron with Kv1 and Kv3 potassium channels and
alpha-shaped synaptic currents, made for gap junctions.

Follows NEST ``models/hh_psc_alpha_gap.{h,cpp}``: the right-hand side ``hh_psc_alpha_gap_dynamics``
with the gap current (:mod:`.gap`), integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(1e-6, 0.0)``; then the update of :mod:`.hh_psc_alpha` (this step's
spikes, the spike test at 0 mV while falling, refractoriness, this step's current kept), or NEST's
relaxation pass. Parity category B for every recordable, with and without gap junctions.
"""

from __future__ import annotations

import math

import brainunit as u
import jax.numpy as jnp

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS
from nestjax.integrate.rkf45 import control_y
from nestjax.units import Param

from .gap import NODE_USES_WFR, GapNeuron, gap_current
from .hh_psc_alpha import COLUMNS, check_hh, hh_psc_alpha


def gap_rates(v, exp=jnp.exp):
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n, alpha_p, beta_p) of NEST's
    hh_psc_alpha_gap at V_m = v."""
    return (
        40.0 * (v - 75.5) / (1.0 - exp(-(v - 75.5) / 13.5)),
        1.2262 / exp(v / 42.248),
        0.0035 / exp(v / 24.186),
        0.017 * (51.25 + v) / (1.0 - exp(-(51.25 + v) / 5.2)),
        0.014 * (v + 44.0) / (1.0 - exp(-(v + 44.0) / 2.3)),
        0.0043 / exp((v + 44.0) / 34.0),
        (v - 95.0) / (1.0 - exp(-(v - 95.0) / 11.8)),
        0.025 / exp(v / 22.222),
    )


V0 = -69.60401191631222
"""NEST's initial V_m of hh_psc_alpha_gap."""
_am, _bm, _ah, _bh, _an, _bn, _ap, _bp = gap_rates(V0, math.exp)
M0, H0, N0, P0 = _am / (_am + _bm), _ah / (_ah + _bh), _an / (_an + _bn), _ap / (_ap + _bp)


def hh_psc_alpha_gap_dynamics(t, y, args):
    """Columns (V_m, Act_m, Inact_h, Act_n, dI_ex, I_syn_ex, dI_in, I_syn_in, Inact_p); ``args``:
    (p, I_stim, gap, resolution)."""
    p, i_stim = args[:2]
    v, m, h, n, q = y[:, 0], y[:, 1], y[:, 2], y[:, 3], y[:, 8]
    am, bm, ah, bh, an, bn, ap, bp = gap_rates(v)
    i_na = p["g_Na"] * m * m * m * h * (v - p["E_Na"])
    i_k = (p["g_Kv1"] * n * n * n * n + p["g_Kv3"] * q * q) * (v - p["E_K"])
    i_l = p["g_L"] * (v - p["E_L"])
    i_gap = gap_current(args, t, v)
    return jnp.stack(
        [
            (-(i_na + i_k + i_l) + i_stim + p["I_e"] + y[:, 5] + y[:, 7] + i_gap) / p["C_m"],
            am * (1 - m) - bm * m,
            ah * (1 - h) - bh * h,
            an * (1 - n) - bn * n,
            -y[:, 4] / p["tau_syn_ex"],
            y[:, 4] - (y[:, 5] / p["tau_syn_ex"]),
            -y[:, 6] / p["tau_syn_in"],
            y[:, 6] - (y[:, 7] / p["tau_syn_in"]),
            ap * (1 - q) - bp * q,
        ],
        axis=-1,
    )


class hh_psc_alpha_gap(GapNeuron, hh_psc_alpha):
    name = "hh_psc_alpha_gap"
    columns = (*COLUMNS, "Inact_p")
    control = control_y(1e-6, 0.0)
    dynamics = staticmethod(hh_psc_alpha_gap_dynamics)
    params = (
        Param("C_m", 40.0, u.pF),
        Param("E_K", -90.0, u.mV),
        Param("E_L", -70.0, u.mV),
        Param("E_Na", 74.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("g_Kv1", 9.0, u.nS),
        Param("g_Kv3", 9000.0, u.nS),
        Param("g_L", 10.0, u.nS),
        Param("g_Na", 4500.0, u.nS),
        Param("t_ref", 2.0, u.ms),
        Param("tau_syn_ex", 0.2, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
        NODE_USES_WFR,
    )
    state = (
        Param("V_m", V0, u.mV),
        Param("Act_m", M0),
        Param("Inact_h", H0),
        Param("Act_n", N0),
        Param("Inact_p", P0),
        Param("dI_ex", 0.0, u.pA / u.ms, hidden=True),
        Param("I_syn_ex", 0.0, u.pA, hidden=True),
        Param("dI_in", 0.0, u.pA / u.ms, hidden=True),
        Param("I_syn_in", 0.0, u.pA, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("Act_m", "Act_n", "I_syn_ex", "I_syn_in", "Inact_h", "Inact_p", "V_m")

    @classmethod
    def check(cls, p, dt):
        check_hh(p, conductances=("g_Kv1", "g_Kv3", "g_Na", "g_L"))

    @staticmethod
    def add_spikes(state, x, c):
        state["dI_ex"] = state["dI_ex"] + x["ex"] * c["PSCurrInit_E"]
        state["dI_in"] = state["dI_in"] + x["in"] * c["PSCurrInit_I"]
        return state

    @staticmethod
    def threshold(p):
        return 0.0
