"""``iaf_bw_2001``: conductance-based leaky integrate-and-fire with AMPA, GABA and approximate NMDA
synapses (Brunel and Wang 2001).

Follows NEST ``models/iaf_bw_2001.{h,cpp}``: the right-hand side ``iaf_bw_2001_dynamics`` over
(V_m, s_AMPA, s_GABA, s_NMDA), integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(gsl_error_tol, 0)`` as NEST does (NEST's evolve loop, internal step kept
between steps); then this step's spikes are added to s_AMPA, s_GABA and s_NMDA (receptor ports 1, 2,
3), a refractory neuron counts down with V_m clamped to V_reset, a free one at or above V_th spikes;
then this step's current (port 0) is kept for the next step. At a spike the neuron decays its own
presynaptic NMDA gate over the time since its previous spike, sends its jump k_0 + k_1 s as the
spike's offset, and adds it; the NMDA port multiplies the weight by that offset. The recordables
I_AMPA, I_GABA and I_NMDA are those of the last right-hand-side evaluation, at the end of the
integration. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import gammainc, gammaln

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS, resolution_ms
from nestjax.integrate.rkf45 import control_y, rkf45_integrate
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param

from .iaf_tum_2000 import spike_time_ms

RECEPTORS = {"AMPA": 1, "GABA": 2, "NMDA": 3}
PARAMS = (
    Param("C_m", 500.0, u.pF),
    Param("E_L", -70.0, u.mV),
    Param("E_ex", 0.0, u.mV),
    Param("E_in", -70.0, u.mV),
    Param("V_reset", -60.0, u.mV),
    Param("V_th", -55.0, u.mV),
    Param("alpha", 0.5, 1 / u.ms),
    Param("conc_Mg2", 1.0, u.mM),
    Param("g_L", 25.0, u.nS),
    Param("gsl_error_tol", 1e-3),
    Param("t_ref", 2.0, u.ms),
    Param("tau_AMPA", 2.0, u.ms),
    Param("tau_GABA", 5.0, u.ms),
    Param("tau_decay_NMDA", 100.0, u.ms),
    Param("tau_rise_NMDA", 2.0, u.ms),
)
CURRENTS = (Param("I_AMPA", 0.0, u.pA), Param("I_GABA", 0.0, u.pA), Param("I_NMDA", 0.0, u.pA))


def check_bw(p):
    """NEST's checks of the Brunel-Wang models' parameters."""
    if np.any(p["V_reset"] >= p["V_th"]):
        raise BadProperty("Reset potential must be smaller than threshold.")
    if np.any(p["C_m"] <= 0):
        raise BadProperty("Capacitance must be strictly positive.")
    if np.any(p["t_ref"] < 0):
        raise BadProperty("Refractory time cannot be negative.")
    if any(np.any(p[k] <= 0) for k in ("tau_AMPA", "tau_GABA", "tau_decay_NMDA", "tau_rise_NMDA")):
        raise BadProperty("All time constants must be strictly positive.")
    if np.any(p["alpha"] <= 0):
        raise BadProperty("alpha > 0 required.")
    if np.any(p["conc_Mg2"] <= 0):
        raise BadProperty("Mg2 concentration must be strictly positive.")
    if np.any(p["gsl_error_tol"] <= 0.0):
        raise BadProperty("The gsl_error_tol must be strictly positive.")


def synaptic_currents(v, s_ampa, s_gaba, s_nmda, p):
    """I_AMPA, I_GABA, I_NMDA as NEST's right-hand side computes them."""
    i_ampa = (v - p["E_ex"]) * s_ampa
    i_gaba = (v - p["E_in"]) * s_gaba
    i_nmda = (v - p["E_ex"]) / (1 + p["conc_Mg2"] * jnp.exp(-0.062 * v) / 3.57) * s_nmda
    return i_ampa, i_gaba, i_nmda


def dv_dt(v, i_syn, p, i_stim):
    return (-p["g_L"] * (v - p["E_L"]) - i_syn + i_stim) / p["C_m"]


def integrate(dynamics, y, p, s, ctx):
    """NEST's evolve loop over one resolution step; returns (y, IntegrationStep)."""
    control = control_y(p["gsl_error_tol"], 0.0)
    y, h, _ = rkf45_integrate(
        dynamics, resolution_ms(ctx.dt), y, s[INTEGRATION_STEP.name], (p, s[I_STIM.name]), control
    )
    return y, h


def threshold(v, p, s, c):
    """Refractory countdown with V_m clamped to V_reset, else threshold: (V_m, spike, steps left)."""
    r = s[REFRACTORY_STEPS.name]
    refractory = r > 0
    spike = ~refractory & (v >= p["V_th"])
    v = jnp.where(refractory | spike, p["V_reset"], v)
    return v, spike, jnp.where(refractory, r - 1, jnp.where(spike, c["refractory_counts"], r))


def _dynamics(t, y, args):
    p, i_stim = args
    v = y[:, 0]
    i_ampa, i_gaba, i_nmda = synaptic_currents(v, y[:, 1], y[:, 2], y[:, 3], p)
    i_syn = i_ampa + i_gaba + i_nmda
    return jnp.stack(
        [
            dv_dt(v, i_syn, p, i_stim),
            -y[:, 1] / p["tau_AMPA"],
            -y[:, 2] / p["tau_GABA"],
            -y[:, 3] / p["tau_decay_NMDA"],
        ],
        axis=-1,
    )


class iaf_bw_2001(Node):
    name = "iaf_bw_2001"
    params = PARAMS
    state = (
        Param("V_m", -70.0, u.mV),
        Param("s_AMPA", 0.0, u.nS),
        Param("s_GABA", 0.0, u.nS),
        Param("s_NMDA", 0.0, u.nS),
        *CURRENTS,
        Param("s_NMDA_pre", 0.0, hidden=True),
        Param("t_last_spike", -1.0, u.ms, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("I_AMPA", "I_GABA", "I_NMDA", "V_m", "s_AMPA", "s_GABA", "s_NMDA")
    receptor_types = RECEPTORS
    channels = ("AMPA", "GABA", "NMDA", "current")
    offset_receptors = frozenset({RECEPTORS["NMDA"]})
    weight_unit = u.nS

    @classmethod
    def check(cls, p, dt):
        check_bw(p)
        if np.any(p["tau_rise_NMDA"] >= p["tau_decay_NMDA"]):
            # NEST fails at Simulate (boost's incomplete gamma function of 1 - tau_rise/tau_decay)
            raise BadProperty(
                "tau_rise_NMDA must be smaller than tau_decay_NMDA (k_0 needs the lower incomplete "
                "gamma function of 1 - tau_rise_NMDA / tau_decay_NMDA > 0)."
            )

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, RECEPTORS.values())
            return np.asarray(receptor) - 1, weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0])
            return np.full(np.shape(weight), 3), weight
        return super().route(event, receptor, weight)

    @classmethod
    def check_source(cls, source, receptor):
        if np.any(receptor == RECEPTORS["NMDA"]) and not issubclass(source, iaf_bw_2001):
            raise ValueError(
                "For NMDA synapses in iaf_bw_2001, pre-synaptic neuron must also be of type iaf_bw_2001"
            )

    @staticmethod
    def prepare(p, dt):
        alpha_tau = p["alpha"] * p["tau_rise_NMDA"]
        ratio = p["tau_rise_NMDA"] / p["tau_decay_NMDA"]
        a = 1 - ratio
        return {
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
            "k_1": jnp.expm1(-p["alpha"] * p["tau_rise_NMDA"]),
            # boost's tgamma_lower(a, x): the non-normalised lower incomplete gamma function
            "k_0": jnp.power(alpha_tau, ratio) * (gammainc(a, alpha_tau) * jnp.exp(gammaln(a))),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y = jnp.stack([s["V_m"], s["s_AMPA"], s["s_GABA"], s["s_NMDA"]], axis=-1)
        y, h = integrate(_dynamics, y, p, s, ctx)
        i_ampa, i_gaba, i_nmda = synaptic_currents(y[:, 0], y[:, 1], y[:, 2], y[:, 3], p)
        v, spike, r = threshold(y[:, 0], p, s, c)

        t_spike = spike_time_ms(ctx)
        pre = s["s_NMDA_pre"] * jnp.exp(-(t_spike - s["t_last_spike"]) / p["tau_decay_NMDA"])
        jump = c["k_0"] + c["k_1"] * pre
        state = {
            "V_m": v,
            "s_AMPA": y[:, 1] + x["AMPA"],
            "s_GABA": y[:, 2] + x["GABA"],
            "s_NMDA": y[:, 3] + x["NMDA"],
            "I_AMPA": i_ampa,
            "I_GABA": i_gaba,
            "I_NMDA": i_nmda,
            "s_NMDA_pre": jnp.where(spike, pre + jump, s["s_NMDA_pre"]),
            "t_last_spike": jnp.where(spike, t_spike, s["t_last_spike"]),
            I_STIM.name: x["current"],
            REFRACTORY_STEPS.name: r,
            INTEGRATION_STEP.name: h,
        }
        return state, (spike.astype(jnp.float64), jnp.where(spike, jump, 0.0))
