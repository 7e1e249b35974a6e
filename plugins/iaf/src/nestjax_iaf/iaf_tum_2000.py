"""``iaf_tum_2000``: iaf_psc_exp with a presynaptic Tsodyks-Markram (2000) synapse in the neuron.

Follows NEST ``models/iaf_tum_2000.{h,cpp}``: the membrane and synaptic currents as
``iaf_psc_exp`` (exact integration, same update order and stochastic threshold ``delta``/``rho``).
At each of its own spikes the neuron propagates its synaptic state (u, x, y) over the time since
its previous spike (NEST's ArchivingNode spike time, taken as 0 before the first spike), applies the
jumps and sends the released fraction ``u x`` as the spike's offset; on receptor port 1 a spike's
weight is multiplied by that offset (port 1 from grid models thus delivers nothing, as in NEST).
NEST's spike recorder stores such a spike at its stamp minus the offset; so does ours.
Parity category A for every recordable (deterministic threshold), E for the stochastic threshold.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import TICS_PER_MS
from nestjax.units import Param

from .iaf_psc_exp import iaf_psc_exp


def spike_time_ms(ctx):
    """The time of a spike sent in this step, as NEST's ArchivingNode keeps it (``Time::get_ms`` of
    the stamp: tics x ms per tic)."""
    return (ctx.step + 1) * round(ctx.dt * TICS_PER_MS) * (1.0 / TICS_PER_MS)


class iaf_tum_2000(Node):
    name = "iaf_tum_2000"
    params = (
        *iaf_psc_exp.params,
        Param("U", 0.5),
        Param("tau_fac", 1000.0, u.ms),
        Param("tau_psc", 2.0, u.ms),
        Param("tau_rec", 400.0, u.ms),
    )
    state = (
        *iaf_psc_exp.state,
        Param("x", 0.0),
        Param("y", 0.0),
        Param("u", 0.0),
        Param("t_last_spike", 0.0, u.ms, hidden=True),
    )
    recordables = iaf_psc_exp.recordables
    channels = iaf_psc_exp.channels
    offset_receptors = frozenset({1})
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["C_m"] <= 0):
            raise BadProperty("Capacitance must be strictly positive.")
        taus = ("tau_m", "tau_syn_ex", "tau_syn_in", "tau_psc", "tau_rec")
        if any(np.any(p[k] <= 0) for k in taus):
            raise BadProperty("Membrane and synapse time constants must be strictly positive.")
        if np.any(p["tau_fac"] < 0):
            raise BadProperty("'tau_fac' must be >= 0.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time must not be negative.")
        if np.any((p["U"] > 1.0) | (p["U"] < 0.0)):
            raise BadProperty("'U' must be in [0,1].")
        if np.any(p["rho"] < 0):
            raise BadProperty("Stochastic firing intensity must not be negative.")
        if np.any(p["delta"] < 0):
            raise BadProperty("Width of threshold region must not be negative.")

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, [0, 1])
            return np.where(weight > 0, 0, 1), weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0, 1])
            return np.where(receptor == 1, 3, 2), weight
        return super().route(event, receptor, weight)

    @classmethod
    def check_source(cls, source, receptor):
        if source is cls and np.any(receptor != 1):
            raise ValueError("iaf_tum_2000 neurons must be connected via receptor_type 1.")

    prepare = staticmethod(iaf_psc_exp.prepare)

    @staticmethod
    def update(p, c, s, x, ctx):
        state, spike = iaf_psc_exp.update(p, c, s, x, ctx)
        fired = spike > 0
        t_spike = spike_time_ms(ctx)
        h = t_spike - s["t_last_spike"]
        fac = p["tau_fac"] == 0.0
        puu = jnp.where(fac, 0.0, jnp.exp(-h / jnp.where(fac, 1.0, p["tau_fac"])))
        pyy = jnp.exp(-h / p["tau_psc"])
        pzz = jnp.expm1(-h / p["tau_rec"])
        pxy = (pzz * p["tau_rec"] - (pyy - 1.0) * p["tau_psc"]) / (p["tau_psc"] - p["tau_rec"])
        z = 1.0 - s["x"] - s["y"]
        uu = s["u"] * puu
        xx = s["x"] + (pxy * s["y"] - pzz * z)
        yy = s["y"] * pyy
        uu = uu + p["U"] * (1.0 - uu)
        release = uu * xx
        state["u"] = jnp.where(fired, uu, s["u"])
        state["x"] = jnp.where(fired, xx - release, s["x"])
        state["y"] = jnp.where(fired, yy + release, s["y"])
        state["t_last_spike"] = jnp.where(fired, t_spike, s["t_last_spike"])
        return state, (spike, jnp.where(fired, release, 0.0))
