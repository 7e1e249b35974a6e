"""``iaf_psc_delta``: leaky integrate-and-fire, delta-shaped postsynaptic currents.

Follows NEST ``models/iaf_psc_delta.{h,cpp}`` (exact integration): a spike of weight w (mV)
makes V_m jump by w in its arrival step; spikes arriving while refractory are dropped or, with
``refractory_input``, accumulated with decay and added in the first step after refractoriness.
NEST's ``ignore_and_spike`` mechanism is not implemented. Parity category A for V_m.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param


class iaf_psc_delta(Node):
    name = "iaf_psc_delta"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_min", -np.finfo(np.float64).max, u.mV),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("refractory_input", False, kind=bool),
        Param("t_ref", 2.0, u.ms),
        Param("tau_m", 10.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("refr_spikes", 0.0, u.mV, hidden=True),
        Param("refractory_steps", 0, kind=int, hidden=True),
    )
    recordables = ("V_m",)
    channels = ("spikes", "current")
    weight_unit = u.mV

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be > 0.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time must not be negative.")
        if np.any(p["tau_m"] <= 0):
            raise BadProperty("Membrane time constant must be > 0.")

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.zeros(weight.shape, np.int64), weight
        if event == CURRENT:
            return np.ones(weight.shape, np.int64), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        p33 = jnp.exp(-dt / p["tau_m"])
        return {
            "P33": p33,
            "P30": 1.0 / p["C_m"] * (1.0 - p33) * p["tau_m"],
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y3 = s["V_m"] - p["E_L"]
        r = s["refractory_steps"]
        free = r == 0
        refr_in = p["refractory_input"]

        # not refractory: propagate, add this step's spikes and the input held back while refractory
        y3_free = c["P30"] * (s["I_stim"] + p["I_e"]) + c["P33"] * y3 + x["spikes"]
        y3_free = jnp.where(refr_in, y3_free + s["refr_spikes"], y3_free)
        y3_free = jnp.maximum(y3_free, p["V_min"] - p["E_L"])
        y3 = jnp.where(free, y3_free, y3)

        # refractory: V_m is clamped; input is dropped or kept, discounted to the end of refractoriness
        held = s["refr_spikes"] + x["spikes"] * jnp.exp(-r * ctx.dt / p["tau_m"])
        refr_spikes = jnp.where(refr_in, jnp.where(free, 0.0, held), s["refr_spikes"])
        r = jnp.where(free, r, r - 1)

        spike = y3 >= p["V_th"] - p["E_L"]
        r = jnp.where(spike, c["refractory_counts"], r)
        y3 = jnp.where(spike, p["V_reset"] - p["E_L"], y3)
        state = {
            "V_m": y3 + p["E_L"],
            "I_stim": x["current"],
            "refr_spikes": refr_spikes,
            "refractory_steps": r,
        }
        return state, spike.astype(jnp.float64)
