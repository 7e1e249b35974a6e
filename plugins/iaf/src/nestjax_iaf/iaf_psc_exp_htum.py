"""``iaf_psc_exp_htum``: leaky integrate-and-fire, exponential currents, absolute and total
refractory periods.

Follows NEST ``models/iaf_psc_exp_htum.{h,cpp}`` (exact integration, ``IAFPropagatorExp``). After a
spike ``V_m`` stays at ``V_reset`` for ``t_ref_abs``; no spike is emitted during ``t_ref_tot``
(>= ``t_ref_abs``) while ``V_m`` evolves freely after the absolute period. Spikes and currents on
receptor 0. As in NEST, the recordable ``V_m`` is relative to ``E_L`` (``get_V_m_`` returns the
internal V_m - E_L), while ``get("V_m")`` is absolute. Parity category A for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.propagators import propagator_exp
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param


class iaf_psc_exp_htum(Node):
    name = "iaf_psc_exp_htum"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("t_ref_abs", 2.0, u.ms),
        Param("t_ref_tot", 2.0, u.ms),
        Param("tau_m", 10.0, u.ms),
        Param("tau_syn_ex", 2.0, u.ms),
        Param("tau_syn_in", 2.0, u.ms),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("I_syn_ex", 0.0, u.pA, hidden=True),
        Param("I_syn_in", 0.0, u.pA, hidden=True),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("refractory_abs", 0, kind=int, hidden=True),
        Param("refractory_tot", 0, kind=int, hidden=True),
    )
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current")
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["t_ref_abs"] > p["t_ref_tot"]):
            raise BadProperty(
                "Total refractory period must be larger or equal than absolute refractory time."
            )
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        taus = ("tau_m", "tau_syn_ex", "tau_syn_in", "t_ref_tot", "t_ref_abs")
        if any(np.any(p[k] <= 0) for k in taus):
            raise BadProperty("All time constants must be strictly positive.")
        # NEST checks these in pre_run_hook, i.e. at the next Simulate
        if np.any(steps_ceil(p["t_ref_abs"], dt) < 1):
            raise BadProperty("Absolute refractory time must be at least one time step.")
        if np.any(steps_ceil(p["t_ref_tot"], dt) < 1):
            raise BadProperty("Total refractory time must be at least one time step.")

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight >= 0, 0, 1), weight
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
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
            "counts_abs": steps_ceil(p["t_ref_abs"], dt).astype(jnp.int64),
            "counts_tot": steps_ceil(p["t_ref_tot"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        v = s["V_m"] - p["E_L"]
        r_abs, r_tot = s["refractory_abs"], s["refractory_tot"]
        free = r_abs == 0
        v_free = (
            v * c["P22"]
            + s["I_syn_ex"] * c["P21_ex"]
            + s["I_syn_in"] * c["P21_in"]
            + (p["I_e"] + s["I_stim"]) * c["P20"]
        )
        v = jnp.where(free, v_free, v)
        r_abs = jnp.where(free, r_abs, r_abs - 1)

        i_ex = s["I_syn_ex"] * c["P11_ex"] + x["ex"]
        i_in = s["I_syn_in"] * c["P11_in"] + x["in"]

        may_fire = r_tot == 0
        spike = may_fire & (v >= p["V_th"] - p["E_L"])
        r_tot = jnp.where(may_fire, r_tot, r_tot - 1)
        r_abs = jnp.where(spike, c["counts_abs"], r_abs)
        r_tot = jnp.where(spike, c["counts_tot"], r_tot)
        v = jnp.where(spike, p["V_reset"] - p["E_L"], v)
        state = {
            "V_m": v + p["E_L"],
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "I_stim": x["current"],
            "refractory_abs": r_abs,
            "refractory_tot": r_tot,
        }
        return state, spike.astype(jnp.float64)

    @staticmethod
    def recordable(p, s, name):
        if name == "V_m":
            return s["V_m"] - p["E_L"]
        return s[name]
