"""``hh_cond_beta_gap_traub``: Hodgkin-Huxley neuron of Traub and Miles with beta-shaped synaptic
conductances, made for gap junctions.

Follows NEST ``models/hh_cond_beta_gap_traub.{h,cpp}``: the right-hand side
``hh_cond_beta_gap_traub_dynamics`` with the gap current (:mod:`.gap`; NEST's, where dg decays with
tau_decay and g with tau_rise), integrated with GSL's rkf45 under ``gsl_odeiv_control_y_new(1e-3,
0.0)``; then this step's spikes increase dg_ex by w and dg_in by -w times NEST's beta normalisation,
a refractory neuron counts down, a free one spikes where V_m >= V_T + 30 mV and V_m fell during the
step, and this step's current is kept for the next step; or NEST's relaxation pass. Parity category
B for every recordable, with and without gap junctions.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.beta_normalization import beta_normalization_factor
from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS, refractory_counts
from nestjax.model import BadProperty
from nestjax.units import Param

from .gap import NODE_USES_WFR, GapNeuron, gap_current
from .hh import CONTROL
from .hh_cond_exp_traub import TRAUB_PARAMS, TRAUB_STATE, traub_channels

COLUMNS = ("V_m", "Act_m", "Inact_h", "Act_n", "dg_ex", "g_ex", "dg_in", "g_in")
TAUS = ("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")


def hh_cond_beta_gap_traub_dynamics(t, y, args):
    """Columns :data:`COLUMNS`; ``args``: (p, I_stim, gap, resolution)."""
    p, i_stim = args[:2]
    v = y[:, 0]
    i_na, i_k, i_l, gates = traub_channels(y, p)
    i_ex = y[:, 5] * (v - p["E_ex"])
    i_in = y[:, 7] * (v - p["E_in"])
    dv = (-i_na - i_k - i_l - i_ex - i_in + i_stim + gap_current(args, t, v) + p["I_e"]) / p["C_m"]
    return jnp.stack(
        [
            dv,
            *gates,
            -y[:, 4] / p["tau_decay_ex"],
            y[:, 4] - (y[:, 5] / p["tau_rise_ex"]),
            -y[:, 6] / p["tau_decay_in"],
            y[:, 6] - (y[:, 7] / p["tau_rise_in"]),
        ],
        axis=-1,
    )


class hh_cond_beta_gap_traub(GapNeuron):
    name = "hh_cond_beta_gap_traub"
    columns = COLUMNS
    control = CONTROL
    dynamics = staticmethod(hh_cond_beta_gap_traub_dynamics)
    params = (
        *TRAUB_PARAMS,
        Param("V_T", -50.0, u.mV),
        Param("tau_rise_ex", 0.5, u.ms),
        Param("tau_decay_ex", 5.0, u.ms),
        Param("tau_rise_in", 0.5, u.ms),
        Param("tau_decay_in", 10.0, u.ms),
        NODE_USES_WFR,
    )
    state = (
        *TRAUB_STATE,
        Param("dg_ex", 0.0, u.nS / u.ms, hidden=True),
        Param("g_ex", 0.0, u.nS, hidden=True),
        Param("dg_in", 0.0, u.nS / u.ms, hidden=True),
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
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time cannot be negative.")
        if any(np.any(p[k] <= 0) for k in TAUS):
            raise BadProperty(f"All time constants must be strictly positive ({', '.join(TAUS)}).")
        if any(np.any(p[k] < 0) for k in ("g_K", "g_Na", "g_L")):
            raise BadProperty("All conductances must be non-negative.")

    @classmethod
    def prepare(cls, p, dt):
        return {
            "PSConInit_E": beta_normalization_factor(p["tau_rise_ex"], p["tau_decay_ex"]),
            "PSConInit_I": beta_normalization_factor(p["tau_rise_in"], p["tau_decay_in"]),
            "refractory_counts": refractory_counts(p, dt),
        }

    @staticmethod
    def add_spikes(state, x, c):
        state["dg_ex"] = state["dg_ex"] + x["ex"] * c["PSConInit_E"]
        state["dg_in"] = state["dg_in"] - x["in"] * c["PSConInit_I"]
        return state

    @staticmethod
    def threshold(p):
        return p["V_T"] + 30.0
