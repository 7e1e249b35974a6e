"""``iaf_psc_alpha_multisynapse``: leaky integrate-and-fire, alpha-shaped currents on any number
of receptor ports, each with its own time constant.

Follows NEST ``models/iaf_psc_alpha_multisynapse.{h,cpp}`` (exact integration, propagators from
``libnestutil/iaf_propagator``). ``tau_syn`` (a list per node) sets the ports 1 .. n_synapses that
take spikes of either sign; currents arrive on port 0. ``I_syn`` is the sum of the ports' currents,
``I_syn_k`` that of port k. A node with spike connections keeps its number of ports. Parity
category A for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.propagators import propagator_alpha
from nestjax.model import port_input
from nestjax.timebase import steps_ceil
from nestjax.units import Param

from .multisynapse import MultisynapseNeuron


class iaf_psc_alpha_multisynapse(MultisynapseNeuron):
    name = "iaf_psc_alpha_multisynapse"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_min", -np.inf, u.mV),
        Param("V_reset", -70.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("t_ref", 2.0, u.ms),
        Param("tau_m", 10.0, u.ms),
        Param("tau_syn", (2.0,), u.ms, vector=True),
        Param("n_synapses", 1, kind=int, counts="tau_syn"),
        Param("has_connections", False, kind=bool, readonly=True),
    )
    state = (
        Param("V_m", -70.0, u.mV),
        Param("dI_syn", 0.0, u.pA / u.ms, vector="tau_syn", hidden=True),
        Param("I_syn", 0.0, u.pA, vector="tau_syn", hidden=True),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("refractory_steps", 0, kind=int, hidden=True),
    )

    @staticmethod
    def prepare(p, dt):
        tau, tau_m, c_m = p["tau_syn"], p["tau_m"][:, None], p["C_m"][:, None]
        p11 = jnp.exp(-dt / tau)
        p31, p32 = propagator_alpha(tau, tau_m, c_m, dt)
        p33 = jnp.exp(-dt / p["tau_m"])
        return {
            "P11": p11,
            "P21": dt * p11,
            "P31": p31,
            "P32": p32,
            "P33": p33,
            "P30": 1.0 / p["C_m"] * (1.0 - p33) * p["tau_m"],
            "psc0": jnp.e / tau,
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        y1, y2 = s["dI_syn"], s["I_syn"]
        n, ports = y1.shape
        v = s["V_m"] - p["E_L"]
        r = s["refractory_steps"]
        free = r == 0
        v_free = c["P30"] * (s["I_stim"] + p["I_e"]) + c["P33"] * v
        for k in range(ports):  # port by port, in NEST's order of summation
            v_free = v_free + (c["P31"][:, k] * y1[:, k] + c["P32"][:, k] * y2[:, k])
        v = jnp.where(free, jnp.maximum(v_free, p["V_min"] - p["E_L"]), v)
        r = jnp.where(free, r, r - 1)

        y2 = c["P21"] * y1 + c["P11"] * y2
        y1 = y1 * c["P11"]
        y1 = y1 + c["psc0"] * port_input(x, ports, n)

        spike = v >= p["V_th"] - p["E_L"]
        r = jnp.where(spike, c["refractory_counts"], r)
        v = jnp.where(spike, p["V_reset"] - p["E_L"], v)
        state = {
            "V_m": v + p["E_L"],
            "dI_syn": y1,
            "I_syn": y2,
            "I_stim": x["current"],
            "refractory_steps": r,
        }
        return state, spike.astype(jnp.float64)
