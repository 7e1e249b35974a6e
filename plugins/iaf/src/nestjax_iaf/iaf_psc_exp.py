"""``iaf_psc_exp``: leaky integrate-and-fire, exponential postsynaptic currents.

Follows NEST ``models/iaf_psc_exp.{h,cpp}`` (exact integration, ``IAFPropagatorExp`` of
``libnestutil/iaf_propagator``). Current input on receptor 0 enters the membrane equation;
on receptor 1 it is filtered through the excitatory synapse (and shows in ``I_syn_ex``).
With ``delta`` > 1e-10 the threshold is stochastic (escape rate rho exp((V_m - V_th) / delta)),
drawn per (seed, step, node). Parity category A for every recordable (deterministic threshold),
E for the stochastic threshold.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from nestjax.integrate.propagators import propagator_exp
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param

STOCHASTIC = 1e-10  # NEST's bound on delta between deterministic and stochastic threshold


class iaf_psc_exp(Node):
    name = "iaf_psc_exp"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("delta", 0.0, u.mV),
        Param("rho", 0.01, 1 / u.second),
        Param("t_ref", 2.0, u.ms),
        Param("tau_m", 10.0, u.ms),
        Param("tau_syn_ex", 2.0, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("I_syn_ex", 0.0, u.pA, hidden=True),
        Param("I_syn_in", 0.0, u.pA, hidden=True),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("I_stim_ex", 0.0, u.pA, hidden=True),
        Param("refractory_steps", 0, kind=int, hidden=True),
    )
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current", "current_ex")
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        if np.any(p["tau_m"] <= 0) or np.any(p["tau_syn_ex"] <= 0) or np.any(p["tau_syn_in"] <= 0):
            raise BadProperty("Membrane and synapse time constants must be strictly positive.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time must not be negative.")
        if np.any(p["rho"] < 0):
            raise BadProperty("Stochastic firing intensity must not be negative.")
        if np.any(p["delta"] < 0):
            raise BadProperty("Width of threshold region must not be negative.")

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, [0])
            return np.where(weight > 0, 0, 1), weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0, 1])
            return np.where(receptor == 1, 3, 2), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        p22 = jnp.exp(-dt / p["tau_m"])
        return {
            "P11_ex": jnp.exp(-dt / p["tau_syn_ex"]),
            "P11_in": jnp.exp(-dt / p["tau_syn_in"]),
            "P22": p22,
            "P21_ex": propagator_exp(p["tau_syn_ex"], p["tau_m"], p["C_m"], dt),
            "P21_in": propagator_exp(p["tau_syn_in"], p["tau_m"], p["C_m"], dt),
            "P20": p["tau_m"] / p["C_m"] * (1.0 - p22),
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        v = s["V_m"] - p["E_L"]
        r = s["refractory_steps"]
        free = r == 0
        v_free = (
            v * c["P22"]
            + s["I_syn_ex"] * c["P21_ex"]
            + s["I_syn_in"] * c["P21_in"]
            + (p["I_e"] + s["I_stim"]) * c["P20"]
        )
        v = jnp.where(free, v_free, v)
        r = jnp.where(free, r, r - 1)

        i_ex = s["I_syn_ex"] * c["P11_ex"] + (1.0 - c["P11_ex"]) * s["I_stim_ex"] + x["ex"]
        i_in = s["I_syn_in"] * c["P11_in"] + x["in"]

        theta = p["V_th"] - p["E_L"]
        stochastic = p["delta"] > STOCHASTIC
        spike = (p["delta"] < STOCHASTIC) & (v >= theta)
        spike = spike | (stochastic & _escape(p, v, theta, stochastic, ctx))
        r = jnp.where(spike, c["refractory_counts"], r)
        v = jnp.where(spike, p["V_reset"] - p["E_L"], v)
        state = {
            "V_m": v + p["E_L"],
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "I_stim": x["current"],
            "I_stim_ex": x["current_ex"],
            "refractory_steps": r,
        }
        return state, spike.astype(jnp.float64)


def _escape(p, v, theta, stochastic, ctx):
    """NEST's stochastic threshold: a uniform draw below rho exp((V - theta)/delta) h (rho in 1/s).
    Drawn only when some node of the population is stochastic."""

    def draw(_):
        u01 = jax.vmap(lambda k: jax.random.uniform(k, dtype=jnp.float64))(ctx.node_keys())
        delta = jnp.where(stochastic, p["delta"], 1.0)
        phi = p["rho"] * jnp.exp(1.0 / delta * (v - theta))
        return u01 < phi * ctx.dt * 1e-3

    return lax.cond(jnp.any(stochastic), draw, lambda _: jnp.zeros(v.shape, bool), None)
