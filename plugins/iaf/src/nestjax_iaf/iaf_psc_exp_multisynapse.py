"""``iaf_psc_exp_multisynapse``: leaky integrate-and-fire, exponential currents on any number of
receptor ports, each with its own time constant.

Follows NEST ``models/iaf_psc_exp_multisynapse.{h,cpp}`` (exact integration, ``IAFPropagatorExp``
of ``libnestutil/iaf_propagator``). ``tau_syn`` (a list per node) sets the ports 1 .. n_synapses
that take spikes of either sign; currents arrive on port 0. ``I_syn`` is the sum of the ports'
currents, ``I_syn_k`` that of port k. A ``tau_syn`` entry equal to ``tau_m`` is refused when
``tau_syn`` is set (a later ``tau_m`` may equal one: NEST then uses the propagator's limit, as here).
A node with spike connections keeps its number of ports. Parity category A for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.propagators import propagator_exp
from nestjax.model import BadProperty, port_input
from nestjax.timebase import steps_ceil
from nestjax.units import Param

from .multisynapse import MultisynapseNeuron


class iaf_psc_exp_multisynapse(MultisynapseNeuron):
    name = "iaf_psc_exp_multisynapse"
    params = (
        Param("C_m", 250.0, u.pF),
        Param("E_L", -70.0, u.mV),
        Param("I_e", 0.0, u.pA),
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
        Param("I_syn", 0.0, u.pA, vector="tau_syn", hidden=True),
        Param("I_stim", 0.0, u.pA, hidden=True),
        Param("refractory_steps", 0, kind=int, hidden=True),
    )
    capacitance_error = "Capacitance must be > 0."

    @classmethod
    def check_change(cls, old, new, given):
        super().check_change(old, new, given)
        if "tau_syn" in given and np.any(new["tau_syn"] == new["tau_m"][:, None]):
            raise BadProperty("Membrane and synapse time constant(s) must differ. See note in documentation.")

    @staticmethod
    def prepare(p, dt):
        p22 = jnp.exp(-dt / p["tau_m"])
        return {
            "P11": jnp.exp(-dt / p["tau_syn"]),
            "P21": propagator_exp(p["tau_syn"], p["tau_m"][:, None], p["C_m"][:, None], dt),
            "P22": p22,
            "P20": p["tau_m"] / p["C_m"] * (1.0 - p22),
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        i_syn = s["I_syn"]
        n, ports = i_syn.shape
        v = s["V_m"] - p["E_L"]
        r = s["refractory_steps"]
        free = r == 0
        v_free = v * c["P22"] + (p["I_e"] + s["I_stim"]) * c["P20"]
        for k in range(ports):  # port by port, in NEST's order of summation
            v_free = v_free + c["P21"][:, k] * i_syn[:, k]
        v = jnp.where(free, v_free, v)
        r = jnp.where(free, r, r - 1)

        i_syn = i_syn * c["P11"] + port_input(x, ports, n)

        spike = v >= p["V_th"] - p["E_L"]
        r = jnp.where(spike, c["refractory_counts"], r)
        v = jnp.where(spike, p["V_reset"] - p["E_L"], v)
        state = {"V_m": v + p["E_L"], "I_syn": i_syn, "I_stim": x["current"], "refractory_steps": r}
        return state, spike.astype(jnp.float64)
