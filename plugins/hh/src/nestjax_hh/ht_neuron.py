"""``ht_neuron``: the Hill-Tononi neuron, with AMPA, NMDA, GABA_A and GABA_B synapses and the
intrinsic currents I_NaP, I_KNa, I_T and I_h.

Follows NEST ``models/ht_neuron.{h,cpp}``: the right-hand side ``ht_neuron_dynamics`` over NEST's
state vector (V_m, theta, dg_AMPA, g_AMPA, dg_NMDA, g_NMDA, dg_GABA_A, g_GABA_A, dg_GABA_B,
g_GABA_B, m_fast_NMDA, m_slow_NMDA, m_Ih, D_IKNa, m_IT, h_IT), integrated with GSL's rkf45 under
``gsl_odeiv_control_y_new(1e-3, 0.0)`` (see :mod:`.hh`). After every accepted ``evolve_apply``
V_m is clamped (``voltage_clamp``), the NMDA unblock variables are capped at their equilibrium,
and a free neuron at V_m >= theta spikes: V_m and theta jump to E_Na and the refractory count
starts at ``t_ref`` steps + 1 (the spike current -(V_m - E_K) / tau_spike acts while it is
positive). After the loop the count goes down by one, this step's spikes increase dg of their
receptor by g_peak times NEST's beta normalisation, and this step's current is kept for the next
step. The recorded intrinsic currents are those of the loop's last right-hand-side evaluation (at
the end of the step, before a spike's jump). The clamp value is V_m at the start of the step,
or the previous clamp value after a spike in the step's last ``evolve_apply`` (NEST: V_m at the
start of each ``Simulate``). Parity category B for every recordable.
"""

from __future__ import annotations

import math

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.beta_normalization import beta_normalization_factor
from nestjax.integrate.gsl_neuron import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    refractory_counts,
    resolution_ms,
)
from nestjax.integrate.rkf45 import rkf45_evolve
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.units import Param

from .hh import CONTROL

RECEPTORS = {"AMPA": 1, "NMDA": 2, "GABA_A": 3, "GABA_B": 4}
COLUMNS = (
    "V_m", "theta", "dg_AMPA", "g_AMPA", "dg_NMDA", "g_NMDA_timecourse", "dg_GABA_A", "g_GABA_A",
    "dg_GABA_B", "g_GABA_B", "m_fast_NMDA", "m_slow_NMDA", "m_Ih", "D_IKNa", "m_IT", "h_IT",
)  # fmt: skip
V, THETA, M_FAST, M_SLOW, M_IH, D_IKNA, M_IT, H_IT = 0, 1, 10, 11, 12, 13, 14, 15
CURRENTS = ("I_NaP", "I_KNa", "I_T", "I_h")


def m_eq_h(v, exp=jnp.exp):
    return 1.0 / (1.0 + exp((v - -75.0) / 5.5))


def h_eq_T(v, exp=jnp.exp):
    return 1.0 / (1.0 + exp((v + 83.0) / 4))


def m_eq_T(v, exp=jnp.exp):
    return 1.0 / (1.0 + exp(-(v + 59.0) / 6.2))


def D_eq_KNa(v, tau_D_KNa, exp=jnp.exp):
    influx = 0.025 / (1.0 + exp(-(v - -10.0) / 5.0))
    return tau_D_KNa * influx + 0.001


def m_eq_NMDA(v, p, exp=jnp.exp):
    return 1.0 / (1.0 + exp(-p["S_act_NMDA"] * (v - p["V_act_NMDA"])))


def m_NMDA(v, m_eq, m_fast, m_slow, p):
    a1 = 0.51 - 0.0028 * v
    return jnp.where(p["instant_unblock_NMDA"], m_eq, a1 * m_fast + (1 - a1) * m_slow)


def intrinsic(v, y, p):
    """(I_NaP, I_KNa, I_T, I_h) at membrane potential ``v`` and state ``y``."""
    m_inf_nap = 1.0 / (1.0 + jnp.exp(-(v - -55.7) / 7.7))
    i_nap = -p["g_peak_NaP"] * jnp.power(m_inf_nap, p["N_NaP"]) * (v - p["E_rev_NaP"])
    m_inf_kna = 1.0 / (1.0 + jnp.power(0.25 / y[:, D_IKNA], 3.5))
    i_kna = -p["g_peak_KNa"] * m_inf_kna * (v - p["E_rev_KNa"])
    i_t = -p["g_peak_T"] * jnp.power(y[:, M_IT], p["N_T"]) * y[:, H_IT] * (v - p["E_rev_T"])
    i_h = -p["g_peak_h"] * y[:, M_IH] * (v - p["E_rev_h"])
    return i_nap, i_kna, i_t, i_h


def ht_neuron_dynamics(t, y, args, carry):
    p, i_stim, v_clamp = args
    ref = carry[0]
    v = jnp.where(p["voltage_clamp"], v_clamp, y[:, V])
    m_eq = m_eq_NMDA(v, p)
    m_fast = jnp.minimum(m_eq, y[:, M_FAST])
    m_slow = jnp.minimum(m_eq, y[:, M_SLOW])
    i_syn = (
        -y[:, 3] * (v - p["E_rev_AMPA"])
        - y[:, 5] * m_NMDA(v, m_eq, m_fast, m_slow, p) * (v - p["E_rev_NMDA"])
        - y[:, 7] * (v - p["E_rev_GABA_A"])
        - y[:, 9] * (v - p["E_rev_GABA_B"])
    )
    i_spike = jnp.where(ref > 0, -(v - p["E_K"]) / p["tau_spike"], 0.0)
    i_na = -p["g_NaL"] * (v - p["E_Na"])
    i_k = -p["g_KL"] * (v - p["E_K"])
    i_nap, i_kna, i_t, i_h = intrinsic(v, y, p)
    tau_m_t = 0.22 / (jnp.exp(-(v + 132.0) / 16.7) + jnp.exp((v + 16.8) / 18.2)) + 0.13
    tau_h_t = 8.2 + (56.6 + 0.27 * jnp.exp((v + 115.2) / 5.0)) / (1.0 + jnp.exp((v + 86.0) / 3.2))
    tau_m_h = 1.0 / (jnp.exp(-14.59 - 0.086 * v) + jnp.exp(-1.87 + 0.0701 * v))
    return jnp.stack(
        [
            (i_na + i_k + i_syn + i_nap + i_kna + i_t + i_h + i_stim) / p["tau_m"] + i_spike,
            -(y[:, THETA] - p["theta_eq"]) / p["tau_theta"],
            -y[:, 2] / p["tau_rise_AMPA"],
            y[:, 2] - y[:, 3] / p["tau_decay_AMPA"],
            -y[:, 4] / p["tau_rise_NMDA"],
            y[:, 4] - y[:, 5] / p["tau_decay_NMDA"],
            -y[:, 6] / p["tau_rise_GABA_A"],
            y[:, 6] - y[:, 7] / p["tau_decay_GABA_A"],
            -y[:, 8] / p["tau_rise_GABA_B"],
            y[:, 8] - y[:, 9] / p["tau_decay_GABA_B"],
            (m_eq - m_fast) / p["tau_Mg_fast_NMDA"],
            (m_eq - m_slow) / p["tau_Mg_slow_NMDA"],
            (m_eq_h(v) - y[:, M_IH]) / tau_m_h,
            (D_eq_KNa(v, p["tau_D_KNa"]) - y[:, D_IKNA]) / p["tau_D_KNa"],
            (m_eq_T(v) - y[:, M_IT]) / tau_m_t,
            (h_eq_T(v) - y[:, H_IT]) / tau_h_t,
        ],
        axis=-1,
    )


PARAMS = (
    Param("E_K", -90.0, u.mV),
    Param("E_Na", 30.0, u.mV),
    Param("g_NaL", 0.2),
    Param("g_KL", 1.0),
    Param("tau_m", 16.0, u.ms),
    Param("theta_eq", -51.0, u.mV),
    Param("tau_theta", 2.0, u.ms),
    Param("tau_spike", 1.75, u.ms),
    Param("t_ref", 2.0, u.ms),
    Param("g_peak_AMPA", 0.1),
    Param("tau_rise_AMPA", 0.5, u.ms),
    Param("tau_decay_AMPA", 2.4, u.ms),
    Param("E_rev_AMPA", 0.0, u.mV),
    Param("g_peak_NMDA", 0.075),
    Param("tau_rise_NMDA", 4.0, u.ms),
    Param("tau_decay_NMDA", 40.0, u.ms),
    Param("E_rev_NMDA", 0.0, u.mV),
    Param("V_act_NMDA", -25.57, u.mV),
    Param("S_act_NMDA", 0.081, 1 / u.mV),
    Param("tau_Mg_slow_NMDA", 22.7, u.ms),
    Param("tau_Mg_fast_NMDA", 0.68, u.ms),
    Param("instant_unblock_NMDA", False, kind=bool),
    Param("g_peak_GABA_A", 0.33),
    Param("tau_rise_GABA_A", 1.0, u.ms),
    Param("tau_decay_GABA_A", 7.0, u.ms),
    Param("E_rev_GABA_A", -70.0, u.mV),
    Param("g_peak_GABA_B", 0.0132),
    Param("tau_rise_GABA_B", 60.0, u.ms),
    Param("tau_decay_GABA_B", 200.0, u.ms),
    Param("E_rev_GABA_B", -90.0, u.mV),
    Param("g_peak_NaP", 1.0),
    Param("E_rev_NaP", 30.0, u.mV),
    Param("N_NaP", 3.0),
    Param("g_peak_KNa", 1.0),
    Param("E_rev_KNa", -90.0, u.mV),
    Param("tau_D_KNa", 1250.0, u.ms),
    Param("g_peak_T", 1.0),
    Param("E_rev_T", 0.0, u.mV),
    Param("N_T", 2.0),
    Param("g_peak_h", 1.0),
    Param("E_rev_h", -40.0, u.mV),
    Param("voltage_clamp", False, kind=bool),
)


def _initial_state():
    """NEST's State_ constructor with the default parameters: V_m where the leaks balance, the
    gating variables at their equilibria there."""
    d = {q.name: q.default for q in PARAMS}
    v = (d["g_NaL"] * d["E_Na"] + d["g_KL"] * d["E_K"]) / (d["g_NaL"] + d["g_KL"])
    values = dict.fromkeys(COLUMNS, 0.0)
    m_eq = m_eq_NMDA(v, d, math.exp)
    values.update(
        V_m=v,
        theta=d["theta_eq"],
        m_fast_NMDA=m_eq,
        m_slow_NMDA=m_eq,
        m_Ih=m_eq_h(v, math.exp),
        D_IKNa=D_eq_KNa(v, d["tau_D_KNa"], math.exp),
        m_IT=m_eq_T(v, math.exp),
        h_IT=h_eq_T(v, math.exp),
    )
    return values


_INITIAL = _initial_state()
_UNITS = {"V_m": u.mV, "theta": u.mV, "dg_AMPA": 1 / u.ms, "dg_NMDA": 1 / u.ms, "dg_GABA_A": 1 / u.ms}
_UNITS |= {"dg_GABA_B": 1 / u.ms}

_POSITIVE = (
    "tau_rise_AMPA", "tau_decay_AMPA", "tau_rise_GABA_A", "tau_decay_GABA_A", "tau_rise_GABA_B",
    "tau_decay_GABA_B", "tau_rise_NMDA", "tau_decay_NMDA", "tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA",
    "tau_spike", "tau_theta", "tau_m", "tau_D_KNa",
)  # fmt: skip
_NON_NEGATIVE = (
    "g_peak_AMPA", "g_peak_GABA_A", "g_peak_GABA_B", "g_peak_KNa", "S_act_NMDA", "g_peak_NMDA", "g_peak_T",
    "g_peak_h", "g_peak_NaP", "g_KL", "g_NaL", "t_ref",
)  # fmt: skip
_ORDERED = (
    ("tau_rise_AMPA", "tau_decay_AMPA"), ("tau_rise_GABA_A", "tau_decay_GABA_A"),
    ("tau_rise_GABA_B", "tau_decay_GABA_B"), ("tau_rise_NMDA", "tau_decay_NMDA"),
    ("tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA"),
)  # fmt: skip


class ht_neuron(Node):
    name = "ht_neuron"
    params = PARAMS
    state = (
        *(Param(k, _INITIAL[k], _UNITS.get(k), hidden=k not in ("V_m", "theta")) for k in COLUMNS),
        *(Param(k, 0.0, hidden=True) for k in CURRENTS),
        Param("V_clamp", _INITIAL["V_m"], u.mV, hidden=True),
        Param("clamp_held", False, kind=bool, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("I_KNa", "I_NaP", "I_T", "I_h", "V_m", "g_AMPA", "g_GABA_A", "g_GABA_B", "g_NMDA", "theta")
    receptor_types = RECEPTORS
    channels = ("AMPA", "NMDA", "GABA_A", "GABA_B", "current")

    @classmethod
    def check(cls, p, dt):
        for k in _NON_NEGATIVE:
            if np.any(p[k] < 0):
                raise BadProperty(f"{k} >= 0 required.")
        for k in _POSITIVE:
            if np.any(p[k] <= 0):
                raise BadProperty(f"{k} > 0 required.")
        for a, b in _ORDERED:
            if np.any(p[a] >= p[b]):
                raise BadProperty(f"{a} < {b} required.")

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, RECEPTORS.values())
            return receptor - 1, weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0])
            return np.full(weight.shape, 4), weight
        return super().route(event, receptor, weight)

    @classmethod
    def prepare(cls, p, dt):
        return {
            "cond_steps": [
                p[f"g_peak_{r}"] * beta_normalization_factor(p[f"tau_rise_{r}"], p[f"tau_decay_{r}"])
                for r in RECEPTORS
            ],
            "refractory_counts": refractory_counts(p, dt),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        clamp = p["voltage_clamp"]
        v_clamp = jnp.where(s["clamp_held"], s["V_clamp"], s["V_m"])
        counts = c["refractory_counts"]

        def after_step(t, y, carry):
            ref = carry[0]
            currents = intrinsic(jnp.where(clamp, v_clamp, y[:, V]), y, p)  # the last f evaluation's
            v = jnp.where(clamp, v_clamp, y[:, V])
            m_eq = m_eq_NMDA(v, p)
            spike = (ref == 0) & (v >= y[:, THETA])
            y = y.at[:, V].set(jnp.where(spike, p["E_Na"], v))
            y = y.at[:, THETA].set(jnp.where(spike, p["E_Na"], y[:, THETA]))
            y = y.at[:, M_FAST].set(jnp.minimum(m_eq, y[:, M_FAST]))
            y = y.at[:, M_SLOW].set(jnp.minimum(m_eq, y[:, M_SLOW]))
            ref = jnp.where(spike, counts + 1, ref)
            return y, (ref, carry[1] | spike, spike, *currents)

        y = jnp.stack([s[k] for k in COLUMNS], axis=-1)
        n = y.shape[0]
        carry = (s[REFRACTORY_STEPS.name], jnp.zeros(n, bool), jnp.zeros(n, bool), *(s[k] for k in CURRENTS))
        y, h, carry, _ = rkf45_evolve(
            ht_neuron_dynamics,
            resolution_ms(ctx.dt),
            y,
            s[INTEGRATION_STEP.name],
            (p, s[I_STIM.name], v_clamp),
            CONTROL,
            after_step,
            carry,
        )
        ref, spike, last_spike = carry[:3]
        state = {k: y[:, i] for i, k in enumerate(COLUMNS)}
        for i, r in enumerate(RECEPTORS):
            state[f"dg_{r}"] = state[f"dg_{r}"] + c["cond_steps"][i] * x[r]
        state.update({k: v for k, v in zip(CURRENTS, carry[3:], strict=True)})
        state.update(
            {
                "V_clamp": v_clamp,
                "clamp_held": clamp & last_spike,
                REFRACTORY_STEPS.name: jnp.where(ref > 0, ref - 1, ref),
                I_STIM.name: x["current"],
                INTEGRATION_STEP.name: h,
            }
        )
        return state, spike.astype(jnp.float64)

    @staticmethod
    def recordable(p, s, name):
        if name == "g_NMDA":
            v = s["V_m"]
            m_eq = m_eq_NMDA(v, p)
            return s["g_NMDA_timecourse"] * m_NMDA(v, m_eq, s["m_fast_NMDA"], s["m_slow_NMDA"], p)
        return s[name]
