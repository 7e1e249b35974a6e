"""``iaf_cond_alpha_mc``: three-compartment (soma, proximal, distal) conductance-based
integrate-and-fire neuron with alpha-shaped conductances.

Follows NEST ``models/iaf_cond_alpha_mc.{h,cpp}``: the right-hand side ``iaf_cond_alpha_mc_dynamics``
over (V_m, dg_ex, g_ex, dg_in, g_in) per compartment, compartments coupled by ``g_sp`` and
``g_pd``, integrated with GSL's rkf45 under ``gsl_odeiv_control_y_new(1e-3, 0)`` as NEST does
(see :mod:`.conductance`). While the neuron is refractory the right-hand side sees the soma at
V_reset (else at min(V_m.s, V_th)) and, as NEST's code does, holds the V_m of all three
compartments. After integration this step's spikes increase each compartment's dg_ex, dg_in by
e / tau_syn per nS of weight (whatever its sign), then refractoriness and threshold act on the
soma, then this step's currents are kept for the next step.

NEST keeps the per-compartment parameters and V_m in sub-dictionaries ``soma``, ``proximal``,
``distal``; here they are flat names ``"soma.C_m"``, ``"proximal.V_m"``, ... Receptor ports as
NEST's ``receptor_types``: spikes on 1-6, currents on 7-9. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.rkf45 import rkf45_integrate
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.timebase import steps_ceil
from nestjax.units import Param

from .conductance import (
    CONTROL,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    T_REF_REMAINING,
    membrane_v,
    resolution_ms,
)

COMPARTMENTS = ("soma", "proximal", "distal")
SUFFIX = ("s", "p", "d")  # of NEST's recordables, V_m.s etc.
ELEMENTS = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in")  # NEST's state vector per compartment
DEFAULTS = {  # per compartment (soma, proximal, distal), as NEST's Parameters_()
    "C_m": ((150.0, 75.0, 150.0), u.pF),
    "E_L": ((-70.0,) * 3, u.mV),
    "E_ex": ((0.0,) * 3, u.mV),
    "E_in": ((-85.0,) * 3, u.mV),
    "I_e": ((0.0,) * 3, u.pA),
    "g_L": ((10.0, 5.0, 10.0), u.nS),
    "tau_syn_ex": ((0.5,) * 3, u.ms),
    "tau_syn_in": ((2.0,) * 3, u.ms),
}
SPIKE_PORTS = ("soma_exc", "soma_inh", "proximal_exc", "proximal_inh", "distal_exc", "distal_inh")
CURRENT_PORTS = ("soma_curr", "proximal_curr", "distal_curr")


def _state_name(element: str, k: int) -> str:
    return f"{COMPARTMENTS[k]}.V_m" if element == "V_m" else f"{element}.{SUFFIX[k]}"


def _per_compartment(p: dict, name: str):
    """A per-compartment parameter as an (n, 3) array."""
    return jnp.stack([p[f"{c}.{name}"] for c in COMPARTMENTS], axis=-1)


def iaf_cond_alpha_mc_dynamics(t, y, args):
    q, i_stim, refractory = args
    y = y.reshape(y.shape[0], 3, 5)
    v_raw = y[:, :, 0]
    v_soma = membrane_v(v_raw[:, 0], refractory, q)
    v = jnp.stack([v_soma, v_raw[:, 1], v_raw[:, 2]], axis=-1)
    i_conn = jnp.stack(
        [
            q["g_sp"] * (v_soma - v_raw[:, 1]),
            q["g_sp"] * (v_raw[:, 1] - v_raw[:, 0]) + q["g_pd"] * (v_raw[:, 1] - v_raw[:, 2]),
            q["g_pd"] * (v_raw[:, 2] - v_raw[:, 1]),
        ],
        axis=-1,
    )
    i_syn_exc = y[:, :, 2] * (v - q["E_ex"])
    i_syn_inh = y[:, :, 4] * (v - q["E_in"])
    i_leak = q["g_L"] * (v - q["E_L"])
    dv = (-i_leak - i_syn_exc - i_syn_inh - i_conn + i_stim + q["I_e"]) / q["C_m"]
    f = jnp.stack(
        [
            jnp.where(refractory[:, None], 0.0, dv),  # NEST holds every compartment while refractory
            -y[:, :, 1] / q["tau_syn_ex"],
            y[:, :, 1] - y[:, :, 2] / q["tau_syn_ex"],
            -y[:, :, 3] / q["tau_syn_in"],
            y[:, :, 3] - y[:, :, 4] / q["tau_syn_in"],
        ],
        axis=-1,
    )
    return f.reshape(y.shape[0], 15)


class iaf_cond_alpha_mc(Node):
    name = "iaf_cond_alpha_mc"
    params = (
        Param("V_reset", -60.0, u.mV),
        Param("V_th", -55.0, u.mV),
        Param("g_pd", 1.0, u.nS),
        Param("g_sp", 2.5, u.nS),
        Param("t_ref", 2.0, u.ms),
        *(
            Param(f"{c}.{name}", values[k], unit)
            for k, c in enumerate(COMPARTMENTS)
            for name, (values, unit) in DEFAULTS.items()
        ),
    )
    state = (
        *(Param(f"{c}.V_m", -70.0, u.mV) for c in COMPARTMENTS),
        *(
            Param(_state_name(e, k), 0.0, u.nS / u.ms if e.startswith("dg") else u.nS, hidden=True)
            for k in range(3)
            for e in ELEMENTS[1:]
        ),
        *(Param(f"I_stim.{x}", 0.0, u.pA, hidden=True) for x in SUFFIX),
        REFRACTORY_STEPS,
        T_REF_REMAINING,
        INTEGRATION_STEP,
    )
    recordables = (
        *(f"{e}.{x}" for e in ("V_m", "g_ex", "g_in") for x in SUFFIX),
        "t_ref_remaining",
    )
    receptor_types = {
        **{name: k + 1 for k, name in enumerate(SPIKE_PORTS)},
        **{name: k + 1 + len(SPIKE_PORTS) for k, name in enumerate(CURRENT_PORTS)},
    }
    channels = (*SPIKE_PORTS, *CURRENT_PORTS)
    weight_unit = u.nS

    @classmethod
    def check(cls, p, dt):
        if np.any(p["V_reset"] >= p["V_th"]):
            raise BadProperty("Reset potential must be smaller than threshold.")
        if np.any(p["t_ref"] < 0):
            raise BadProperty("Refractory time cannot be negative.")
        for c in COMPARTMENTS:
            if np.any(p[f"{c}.C_m"] <= 0):
                raise BadProperty(f"Capacitance ({c}) must be strictly positive.")
            if np.any(p[f"{c}.tau_syn_ex"] <= 0) or np.any(p[f"{c}.tau_syn_in"] <= 0):
                raise BadProperty(f"All time constants ({c}) must be strictly positive.")

    @classmethod
    def route(cls, event, receptor, weight):
        """Spikes on ports 1-6 and currents on ports 7-9 (NEST's ``receptor_types``); NEST's
        IncompatibleReceptorType / UnknownReceptorType otherwise."""
        if event not in (SPIKE, CURRENT):
            return super().route(event, receptor, weight)
        ports = SPIKE_PORTS if event == SPIKE else CURRENT_PORTS
        first = cls.receptor_types[ports[0]]
        receptor = np.asarray(receptor)
        bad = receptor[(receptor < first) | (receptor >= first + len(ports))]
        if bad.size:
            r = int(bad[0])
            valid = ", ".join(f"{name}={cls.receptor_types[name]}" for name in ports)
            what = (
                f"{cls.name}: receptor type {r} does not accept {event} events"
                if 0 <= r <= len(cls.channels)
                else f"{cls.name} has no receptor type {r}"
            )
            raise ValueError(f"{what}; its {event} receptor types: {valid}")
        offset = 0 if event == SPIKE else len(SPIKE_PORTS)
        return receptor - first + offset, weight

    @staticmethod
    def prepare(p, dt):
        q = {name: _per_compartment(p, name) for name in DEFAULTS}
        q.update({k: p[k] for k in ("V_reset", "V_th", "g_sp", "g_pd")})
        return {
            "q": q,
            "PSConInit_E": 1.0 * jnp.e / q["tau_syn_ex"],
            "PSConInit_I": 1.0 * jnp.e / q["tau_syn_in"],
            "refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64),
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        names = [_state_name(e, k) for k in range(3) for e in ELEMENTS]
        y = jnp.stack([s[k] for k in names], axis=-1)
        r = s[REFRACTORY_STEPS.name]
        refractory = r > 0
        i_stim = jnp.stack([s[f"I_stim.{x_}"] for x_ in SUFFIX], axis=-1)
        h = resolution_ms(ctx.dt)
        y, h_next, _ = rkf45_integrate(
            iaf_cond_alpha_mc_dynamics, h, y, s[INTEGRATION_STEP.name], (c["q"], i_stim, refractory), CONTROL
        )
        new = dict(zip(names, y.T))
        for k, comp in enumerate(COMPARTMENTS):
            new[f"dg_ex.{SUFFIX[k]}"] += x[f"{comp}_exc"] * c["PSConInit_E"][:, k]
            new[f"dg_in.{SUFFIX[k]}"] += x[f"{comp}_inh"] * c["PSConInit_I"][:, k]
            new[f"I_stim.{SUFFIX[k]}"] = x[f"{comp}_curr"]
        spike = ~refractory & (new["soma.V_m"] >= p["V_th"])
        new["soma.V_m"] = jnp.where(refractory | spike, p["V_reset"], new["soma.V_m"])
        new[REFRACTORY_STEPS.name] = jnp.where(refractory, r - 1, jnp.where(spike, c["refractory_counts"], r))
        new[T_REF_REMAINING.name] = h * new[REFRACTORY_STEPS.name]
        new[INTEGRATION_STEP.name] = h_next
        return new, spike.astype(jnp.float64)

    @staticmethod
    def recordable(p, s, name):
        if name.startswith("V_m."):
            return s[f"{COMPARTMENTS[SUFFIX.index(name[-1])]}.V_m"]
        return s[name]
