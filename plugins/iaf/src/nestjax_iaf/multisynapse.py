"""What NEST's current-based multisynapse models (``models/iaf_psc_{alpha,exp}_multisynapse``) share:
ports 1 .. n_synapses for spikes of either sign (one ``tau_syn`` entry each), currents on port 0,
the recordables ``I_syn`` (the sum over ports) and ``I_syn_k``, and NEST's parameter checks."""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import BadProperty, PortNode, port_channels


class MultisynapseNeuron(PortNode):
    """``capacitance_error`` is the model's message for C_m <= 0 (NEST's wording differs)."""

    recordables = ("I_syn", "I_syn_1", "V_m")
    channels = ("current", *port_channels(1))
    port_recordable, port_state = "I_syn_", "I_syn"
    weight_unit = u.pA
    capacitance_error = "Capacitance must be strictly positive."

    @classmethod
    def check(cls, p, dt):
        if np.any(p["C_m"] <= 0):
            raise BadProperty(cls.capacitance_error)
        if np.any(p["tau_m"] <= 0):
            raise BadProperty("Membrane time constant must be strictly positive.")
        if np.any(p["tau_syn"] <= 0):
            raise BadProperty("All synaptic time constants must be strictly positive.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time must not be negative.")
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")

    @classmethod
    def recordable(cls, p, s, name):
        return jnp.sum(s["I_syn"], axis=1) if name == "I_syn" else super().recordable(p, s, name)
