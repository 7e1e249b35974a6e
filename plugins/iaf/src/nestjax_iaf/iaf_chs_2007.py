"""``iaf_chs_2007``: normalised spike-response neuron with an external noise signal (Carandini,
Horton and Sincich 2007).

Follows NEST ``models/iaf_chs_2007.{h,cpp}`` (exact integration): per step the PSP waveform V_syn
is propagated with last step's synaptic current, the current decays and takes this step's spikes
(receptor 0; NEST drops spikes with negative weight), the after-spike waveform V_spike decays, and
V_m = V_syn + V_spike + V_noise * noise[position] (the next value of the per-neuron ``noise`` list
each step, while V_noise > 0 and the list is not empty); at V_m >= 1 the neuron spikes and V_reset
is subtracted from V_spike and V_m. Setting ``noise`` restarts its position at 0, as NEST's
``set_status`` does. Parity category A.

Divergence: NEST reads past the end of ``noise`` when a simulation needs more values than it holds
(undefined values); nestjax takes the noise term as 0 there (docs/divergences.md).
"""

from __future__ import annotations

import math

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param


class iaf_chs_2007(Node):
    name = "iaf_chs_2007"
    params = (
        Param("V_epsp", 0.77),
        Param("V_noise", 0.0),
        Param("V_reset", 2.31),
        Param("tau_epsp", 8.5, u.ms),
        Param("tau_reset", 15.4, u.ms),
        Param("noise", (), vector=True),
        Param("noise_length", 0, kind=int, counts="noise", hidden=True),
    )
    state = (
        Param("V_m", 0.0),
        Param("i_syn_ex", 0.0, hidden=True),
        Param("V_syn", 0.0, hidden=True),
        Param("V_spike", 0.0, hidden=True),
        Param("position", 0, kind=int, hidden=True),
    )
    recordables = ("V_m",)
    channels = ("ex",)

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_epsp"] < 0):
            raise BadProperty("EPSP cannot be negative.")
        if np.any(p["V_reset"] < 0):
            raise BadProperty("Reset potential cannot be negative.")
        if np.any(p["tau_epsp"] <= 0) or np.any(p["tau_reset"] <= 0):
            raise BadProperty("All time constants must be strictly positive.")

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            cls.check_receptors(receptor, [0])
            return np.where(weight >= 0, 0, -1), weight
        return super().route(event, receptor, weight)

    @classmethod
    def on_set(cls, old, new, given, dt, now):
        """Setting ``noise`` restarts its position (NEST's Parameters_::set)."""
        return {"position": np.zeros(len(new["V_epsp"]), np.int64)} if "noise" in given else {}

    @staticmethod
    def prepare(p, dt):
        p11 = jnp.exp(-dt / p["tau_epsp"])
        return {
            "P11": p11,
            "P22": jnp.exp(-dt / p["tau_epsp"]),
            "P30": jnp.exp(-dt / p["tau_reset"]),
            "P21": p["V_epsp"] * math.e * p11 * dt / p["tau_epsp"],  # NEST's C = 1
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        v_syn = s["V_syn"] * c["P22"] + s["i_syn_ex"] * c["P21"]
        i_syn = s["i_syn_ex"] * c["P11"] + x["ex"]
        v_spike = s["V_spike"] * c["P30"]

        pos = s["position"]
        noisy = (p["V_noise"] > 0.0) & (p["noise_length"] > 0)
        signal = jnp.pad(p["noise"], ((0, 0), (0, 1)))  # a column to read at the end
        value = jnp.take_along_axis(signal, jnp.minimum(pos, p["noise_length"])[:, None], axis=1)[:, 0]
        value = jnp.where(pos < p["noise_length"], value, 0.0)  # past the end: see the docstring
        v = v_syn + v_spike + jnp.where(noisy, p["V_noise"] * value, 0.0)

        spike = v >= 1.0  # U_th
        state = {
            "V_m": jnp.where(spike, v - p["V_reset"], v),
            "i_syn_ex": i_syn,
            "V_syn": v_syn,
            "V_spike": jnp.where(spike, v_spike - p["V_reset"], v_spike),
            "position": pos + noisy.astype(pos.dtype),
        }
        return state, spike.astype(jnp.float64)
