"""``iaf_psc_alpha``: leaky integrate-and-fire, alpha-shaped postsynaptic currents.

Follows NEST ``models/iaf_psc_alpha.{h,cpp}`` (exact integration, propagators from
``libnestutil/iaf_propagator``). Parity category A for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.propagators import propagator_alpha
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param


class iaf_psc_alpha(Node):
    name = "iaf_psc_alpha"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_min", -np.inf, u.mV),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("t_ref", 2.0, u.ms),
        Param("tau_m", 10.0, u.ms),
        Param("tau_syn_ex", 2.0, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("I_syn_ex", 0.0, u.pA, hidden=True),
        Param("I_syn_in", 0.0, u.pA, hidden=True),
        Param("dI_syn_ex", 0.0, u.pA / u.ms, hidden=True),
        Param("dI_syn_in", 0.0, u.pA / u.ms, hidden=True),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("refractory_steps", 0, kind=int, hidden=True),
    )
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current")
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be > 0.")
        if np.any(p["tau_m"] <= 0):
            raise BadProperty("Membrane time constant must be > 0.")
        if np.any(p["tau_syn_ex"] <= 0) or np.any(p["tau_syn_in"] <= 0):
            raise BadProperty("All synaptic time constants must be > 0.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("The refractory time t_ref can't be negative.")
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight > 0, 0, 1), weight
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        p31_ex, p32_ex = propagator_alpha(p["tau_syn_ex"], p["tau_m"], p["C_m"], dt)
        p31_in, p32_in = propagator_alpha(p["tau_syn_in"], p["tau_m"], p["C_m"], dt)
        return {
            "P11_ex": jnp.exp(-dt / p["tau_syn_ex"]),
            "P11_in": jnp.exp(-dt / p["tau_syn_in"]),
            "expm1_tau_m": jnp.expm1(-dt / p["tau_m"]),
            "P30": -p["tau_m"] / p["C_m"] * jnp.expm1(-dt / p["tau_m"]),
            "P31_ex": p31_ex,
            "P32_ex": p32_ex,
            "P31_in": p31_in,
            "P32_in": p32_in,
            "epsc_0": jnp.e / p["tau_syn_ex"],
            "ipsc_0": jnp.e / p["tau_syn_in"],
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y3 = s["V_m"] - p["E_L"]
        free = s["refractory_steps"] == 0
        y3_free = (
            c["P30"] * (s["I_stim"] + p["I_e"])
            + c["P31_ex"] * s["dI_syn_ex"]
            + c["P32_ex"] * s["I_syn_ex"]
            + c["P31_in"] * s["dI_syn_in"]
            + c["P32_in"] * s["I_syn_in"]
            + c["expm1_tau_m"] * y3
            + y3
        )
        y3 = jnp.where(free, jnp.maximum(y3_free, p["V_min"] - p["E_L"]), y3)
        r = jnp.where(free, s["refractory_steps"], s["refractory_steps"] - 1)

        h = ctx.dt
        i_ex = h * c["P11_ex"] * s["dI_syn_ex"] + c["P11_ex"] * s["I_syn_ex"]
        di_ex = s["dI_syn_ex"] * c["P11_ex"] + c["epsc_0"] * x["ex"]
        i_in = h * c["P11_in"] * s["dI_syn_in"] + c["P11_in"] * s["I_syn_in"]
        di_in = s["dI_syn_in"] * c["P11_in"] + c["ipsc_0"] * x["in"]

        spike = y3 >= p["V_th"] - p["E_L"]
        r = jnp.where(spike, c["refractory_counts"], r)
        y3 = jnp.where(spike, p["V_reset"] - p["E_L"], y3)
        state = {
            "V_m": y3 + p["E_L"],
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "dI_syn_ex": di_ex,
            "dI_syn_in": di_in,
            "I_stim": x["current"],
            "refractory_steps": r,
        }
        return state, spike.astype(jnp.float64)
