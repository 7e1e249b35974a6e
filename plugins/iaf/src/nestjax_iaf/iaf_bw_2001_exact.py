"""``iaf_bw_2001_exact``: iaf_bw_2001 with the full NMDA dynamics, one rise/gate pair per
connection.

Follows NEST ``models/iaf_bw_2001_exact.{h,cpp}``: every NMDA connection (receptor 3) gets a port of
its own (``handles_test_event`` numbers them per target, before the first simulate only), with its
weight constant; its rise variable x_j takes the spikes' multiplicity and its gate s_j follows
ds_j/dt = -s_j / tau_decay_NMDA + alpha x_j (1 - s_j). The right-hand side
``iaf_bw_2001_exact_dynamics`` over (V_m, s_AMPA, s_GABA, x_j, s_j), with s_NMDA = sum_j w_j s_j,
is integrated with GSL's rkf45 under ``gsl_odeiv_control_y_new(gsl_error_tol, 0)`` as NEST does;
then spikes, refractoriness, threshold and the current input as in :mod:`.iaf_bw_2001`. The
recordables s_NMDA, I_AMPA, I_GABA and I_NMDA are those of the last right-hand-side evaluation.
Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS
from nestjax.model import CURRENT, SPIKE, Node, port_channels, port_input
from nestjax.timebase import steps_ceil
from nestjax.units import Param

from .iaf_bw_2001 import CURRENTS, PARAMS, RECEPTORS, check_bw, dv_dt, integrate, synaptic_currents, threshold

WEIGHTS = "NMDA_weights"
FIXED_CHANNELS = ("AMPA", "GABA", "current")


def _split(y):
    """(V_m, s_AMPA, s_GABA, the ports' x, the ports' s) of GSL state vectors (n, 3 + 2 R)."""
    r = (y.shape[1] - 3) // 2
    return y[:, 0], y[:, 1], y[:, 2], y[:, 3 : 3 + r], y[:, 3 + r :]


def _currents(y, p):
    v, s_ampa, s_gaba, _, gate = _split(y)
    s_nmda = jnp.sum(gate * p[WEIGHTS], axis=1)
    return s_nmda, synaptic_currents(v, s_ampa, s_gaba, s_nmda, p)


def _dynamics(t, y, args):
    p, i_stim = args
    v, s_ampa, s_gaba, rise, gate = _split(y)
    _, (i_ampa, i_gaba, i_nmda) = _currents(y, p)
    dv = dv_dt(v, i_ampa + i_gaba + i_nmda, p, i_stim)
    d_gate = -gate / p["tau_decay_NMDA"][:, None] + p["alpha"][:, None] * rise * (1 - gate)
    fixed = jnp.stack([dv, -s_ampa / p["tau_AMPA"], -s_gaba / p["tau_GABA"]], axis=-1)
    return jnp.concatenate([fixed, -rise / p["tau_rise_NMDA"][:, None], d_gate], axis=-1)


class iaf_bw_2001_exact(Node):
    name = "iaf_bw_2001_exact"
    params = (*PARAMS, Param(WEIGHTS, (), u.nS, vector=True, readonly=True, hidden=True))
    state = (
        Param("V_m", -70.0, u.mV),
        Param("s_AMPA", 0.0, u.nS),
        Param("s_GABA", 0.0, u.nS),
        Param("s_NMDA", 0.0, u.nS, hidden=True),
        *(Param(q.name, q.default, q.unit, hidden=True) for q in CURRENTS),
        Param("x_NMDA", 0.0, vector=WEIGHTS, hidden=True),
        Param("s_NMDA_port", 0.0, vector=WEIGHTS, hidden=True),
        I_STIM,
        REFRACTORY_STEPS,
        INTEGRATION_STEP,
    )
    recordables = ("I_AMPA", "I_GABA", "I_NMDA", "V_m", "s_AMPA", "s_GABA", "s_NMDA")
    receptor_types = RECEPTORS
    connection_ports = {RECEPTORS["NMDA"]: WEIGHTS}
    weight_unit = u.nS

    @classmethod
    def check(cls, p, dt):
        check_bw(p)

    @classmethod
    def channels_of(cls, p):
        return (*FIXED_CHANNELS, *port_channels(np.shape(p[WEIGHTS])[1]))

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:  # NMDA connections get ports of their own (connection_ports)
            cls.check_receptors(receptor, RECEPTORS.values())
            return np.where(receptor == RECEPTORS["NMDA"], -1, np.asarray(receptor) - 1), weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0])
            return np.full(np.shape(weight), 2), weight
        return super().route(event, receptor, weight)

    @staticmethod
    def prepare(p, dt):
        return {"refractory_counts": steps_ceil(p["t_ref"], dt).astype(jnp.int64)}

    @staticmethod
    def update(p, c, s, x, ctx):
        n, r = s["V_m"].shape[0], s["x_NMDA"].shape[1]
        fixed = jnp.stack([s["V_m"], s["s_AMPA"], s["s_GABA"]], axis=-1)
        y = jnp.concatenate([fixed, s["x_NMDA"], s["s_NMDA_port"]], axis=-1)
        y, h = integrate(_dynamics, y, p, s, ctx)
        s_nmda, (i_ampa, i_gaba, i_nmda) = _currents(y, p)
        _, s_ampa, s_gaba, rise, gate = _split(y)
        v, spike, refractory = threshold(y[:, 0], p, s, c)
        state = {
            "V_m": v,
            "s_AMPA": s_ampa + x["AMPA"],
            "s_GABA": s_gaba + x["GABA"],
            "s_NMDA": s_nmda,
            "I_AMPA": i_ampa,
            "I_GABA": i_gaba,
            "I_NMDA": i_nmda,
            "x_NMDA": rise + port_input(x, r, n),
            "s_NMDA_port": gate,
            I_STIM.name: x["current"],
            REFRACTORY_STEPS.name: refractory,
            INTEGRATION_STEP.name: h,
        }
        return state, spike.astype(jnp.float64)
