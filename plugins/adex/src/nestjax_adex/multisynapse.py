"""What NEST's ``aeif_cond_alpha_multisynapse`` and ``aeif_cond_beta_multisynapse`` share.

The GSL state is (V_m, w, then dg and g of each receptor port; here all dg before all g, which
changes nothing in GSL's control: it takes the largest error ratio over the components). The
right-hand side sums ``g_k (E_rev_k - V)`` over the ports in NEST's order; each port's (dg, g) is a
second-order linear filter. Spikes on port k add ``weight x multiplicity x g0_k`` to dg_k after the
evolve loop (see :mod:`.aeif`), currents arrive on port 0. The number of ports (``n_receptors``)
is the length of ``E_rev`` and of the time-constant vectors, set together; a node with spike
connections may gain ports but not lose any.
"""

from __future__ import annotations

from typing import ClassVar

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, PortNode, port_channels, port_input
from nestjax.units import Param

from .aeif import (
    I_STIM,
    INTEGRATION_STEP,
    REFRACTORY_STEPS,
    adex_params,
    advance,
    check_adex,
    membrane_v,
    refractory_counts,
    spike_current,
    spike_threshold,
)


def multisynapse_params(*taus: Param) -> tuple[Param, ...]:
    return adex_params(
        Param("V_th", -50.4, u.mV),
        Param("E_rev", (0.0,), u.mV, vector=True),
        *taus,
        Param("n_receptors", 1, kind=int, counts="E_rev"),
        Param("has_connections", False, kind=bool, readonly=True),
    )


MULTISYNAPSE_STATE = (
    Param("V_m", -70.6, u.mV),
    Param("w", 0.0, u.pA),
    Param("dg", 0.0, u.nS / u.ms, vector="E_rev", readonly=True),
    Param("g", 0.0, u.nS, vector="E_rev", readonly=True),
    I_STIM,
    REFRACTORY_STEPS,
    INTEGRATION_STEP,
)


def multisynapse_dynamics(t, y, args, carry):
    """``aeif_cond_*_multisynapse_dynamics``; ``args`` = (p, I_stim, tau of dg, tau of g)."""
    p, i_stim, tau_dg, tau_g = args
    ports = tau_dg.shape[1]
    v = membrane_v(y[:, 0], carry[0] > 0, p)
    w, dg, g = y[:, 1], y[:, 2 : 2 + ports], y[:, 2 + ports :]
    i_syn = jnp.zeros_like(v)
    for k in range(ports):  # in NEST's order of summation
        i_syn = i_syn + g[:, k] * (p["E_rev"][:, k] - v)
    i_spike = spike_current(v, p["V_th"], p)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_spike + i_syn - w + p["I_e"] + i_stim) / p["C_m"]
    return jnp.concatenate(
        [
            jnp.where(carry[0] > 0, 0.0, dv)[:, None],
            ((p["a"] * (v - p["E_L"]) - w) / p["tau_w"])[:, None],
            -dg / tau_dg,
            dg - g / tau_g,
        ],
        axis=-1,
    )


class MultisynapseNeuron(PortNode):
    """``time_constants`` name the vector parameters of the ports besides E_rev; ``taus`` gives
    the time constants of (dg, g) from a parameter table."""

    n_ports = "n_receptors"
    ports_may_grow = True
    port_recordable, port_state = "g_", "g"
    recordables = ("V_m", "g_1", "w")
    channels = ("current", *port_channels(1))
    weight_unit = u.nS
    state = MULTISYNAPSE_STATE
    time_constants: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check(cls, p, dt):
        sizes = [np.ma.count(p[k], axis=1) for k in ("E_rev", *cls.time_constants)]
        if any(np.any(s != sizes[0]) for s in sizes[1:]):
            raise BadProperty(
                f"The arrays {', '.join(('E_rev', *cls.time_constants))} must have the same size."
            )
        if any(np.any(p[k] <= 0) for k in cls.time_constants):
            raise BadProperty("All synaptic time constants must be strictly positive.")
        check_adex(p)

    @classmethod
    def check_change(cls, old, new, given):
        names = {"E_rev", *cls.time_constants}
        resized = any(np.any(np.ma.count(old[k], axis=1) != np.ma.count(new[k], axis=1)) for k in names)
        if resized and not names <= given:
            ports = ", ".join(sorted(names))
            raise BadProperty(f"If the number of receptor ports is changed, all of {ports} must be given.")
        super().check_change(old, new, given)

    @classmethod
    def route(cls, event, receptor, weight):
        """As NEST's ``handle``, which refuses spikes of negative weight only when they arrive
        (a BadProperty during simulate), such spikes are not delivered (docs/divergences.md)."""
        channel, scale = super().route(event, receptor, weight)
        return (np.where(weight < 0, -1, channel), scale) if event == SPIKE else (channel, scale)

    @classmethod
    def prepare(cls, p, dt):
        return {"V_spike": spike_threshold(p), "r_spike": refractory_counts(p, dt), "g0": cls.g0(p)}

    @classmethod
    def update(cls, p, c, s, x, ctx):
        dg, g = s["dg"], s["g"]
        n, ports = g.shape
        y = jnp.concatenate([s["V_m"][:, None], s["w"][:, None], dg, g], axis=-1)
        tau_dg, tau_g = cls.taus(p)

        def dynamics(t, y, args, carry):
            return multisynapse_dynamics(t, y, (*args, tau_dg, tau_g), carry)

        y, spikes, state = advance(dynamics, y, 1, p, c, s, x, ctx)
        state.update(
            w=y[:, 1],
            dg=y[:, 2 : 2 + ports] + port_input(x, ports, n) * c["g0"],
            g=y[:, 2 + ports :],
        )
        return state, spikes
