"""What NEST's adaptive exponential integrate-and-fire models (``models/aeif_*.cpp``) share.

Each advances its GSL state vector (V_m first) over one resolution step with rkf45 under
``gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)`` in the loop ``while (t < step)
gsl_odeiv_evolve_apply(...)``, keeping ``IntegrationStep_`` from step to step
(:data:`INTEGRATION_STEP`, 0 until the first step, where the kernel starts from the resolution as
NEST's ``init_buffers_`` does). The spike test runs inside that loop, after every accepted
``evolve_apply`` (:func:`~nestjax.integrate.rkf45.rkf45_evolve`): in :func:`advance`, a refractory
neuron's V_m is set back to V_reset; a free one at or above the spike threshold (V_peak, or V_th
where Delta_T == 0) is reset to V_reset, its w jumps by b and its refractory count starts at
``RefractoryCounts + 1`` (0 without refractoriness, so that it may spike again in the same step);
each such spike is one event. Where NEST throws NumericalInstability (V_m < -1e3 or |w| > 1e6
after an evolve_apply), the neuron's state becomes NaN (:func:`numerical_instability`). The
right-hand side sees V_m clamped to V_reset while refractory, otherwise bounded above by the
parameter V_peak (:func:`membrane_v`), and no exponential term where Delta_T == 0
(:func:`spike_current`). After the loop the refractory count goes down by one.
"""

from __future__ import annotations

import math
import sys
from typing import ClassVar

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.integrate.gsl_neuron import I_STIM, INTEGRATION_STEP, REFRACTORY_STEPS, resolution_ms
from nestjax.integrate.gsl_neuron import refractory_counts as steps_in_period
from nestjax.integrate.rkf45 import control_yp, rkf45_evolve
from nestjax.model import CURRENT, SPIKE, BadProperty, Node
from nestjax.units import Param

MAX_EXP_ARG = math.log(sys.float_info.max / 1e20)
"""NEST's bound on (V_peak - V_th) / Delta_T: exp of it leaves a margin of 1e20 below DBL_MAX."""

def adex_params(*extra: Param, V_peak: float = 0.0) -> tuple[Param, ...]:
    """The parameters every aeif model has, with NEST's defaults, then ``extra``."""
    return (
        Param("C_m", 281.0, u.pF),
        Param("Delta_T", 2.0, u.mV),
        Param("E_L", -70.6, u.mV),
        Param("I_e", 0.0, u.pA),
        Param("V_peak", V_peak, u.mV),
        Param("V_reset", -60.0, u.mV),
        Param("a", 4.0, u.nS),
        Param("b", 80.5, u.pA),
        Param("g_L", 30.0, u.nS),
        Param("gsl_error_tol", 1e-6),
        Param("t_ref", 0.0, u.ms),
        Param("tau_w", 144.0, u.ms),
        *extra,
    )


def refractory_counts(p, dt, name="t_ref"):
    """``Time(Time::ms(t_ref)).get_steps()``, and the count a spike starts: that + 1, or 0."""
    counts = steps_in_period(p, dt, name)
    return jnp.where(counts > 0, counts + 1, 0)


def membrane_v(v, refractory, p):
    """The V_m the right-hand side uses: V_reset while refractory, else min(V_m, V_peak)."""
    return jnp.where(refractory, p["V_reset"], jnp.minimum(v, p["V_peak"]))


def spike_current(v, v_th, p, inverse=False):
    """``g_L Delta_T exp((V - V_th) / Delta_T)``, 0 where Delta_T == 0; ``inverse``: with the
    precomputed 1 / Delta_T, as aeif_psc_delta multiplies by it."""
    d = p["Delta_T"]
    safe = jnp.where(d == 0, 1.0, d)
    arg = (v - v_th) * (1.0 / safe) if inverse else (v - v_th) / safe
    return jnp.where(d == 0, 0.0, p["g_L"] * d * jnp.exp(arg))


def spike_threshold(p):
    """NEST's ``V_.V_peak``: V_peak where Delta_T > 0, else V_th (integrate-and-fire spikes)."""
    return jnp.where(p["Delta_T"] > 0, p["V_peak"], p["V_th"])


def numerical_instability(y, w_index):
    """NEST's check after each evolve_apply (``V_m < -1e3`` or ``|w| > 1e6``), where NEST throws
    ``NumericalInstability``: such a neuron's state becomes NaN, which also ends its runaway within
    the step (GSL's control skips NaN errors, so its steps grow)."""
    w = y[:, w_index]
    bad = (y[:, 0] < -1e3) | (w < -1e6) | (w > 1e6)
    return jnp.where(bad[:, None], jnp.nan, y)


def control(p):
    """``gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)``, per neuron."""
    return control_yp(p["gsl_error_tol"], p["gsl_error_tol"])


def advance(dynamics, y, w_index, p, c, s, x, ctx):
    """One resolution step of the models whose spike handling is the standard one (all but
    aeif_psc_delta and aeif_psc_delta_clopath): NEST's evolve loop with the spike test after each
    accepted step, then the refractory count-down. ``dynamics(t, y, (p, I_stim), (r, spikes))``
    is the right-hand side (refractory: ``r > 0``); ``y[:, w_index]`` is w; ``c`` holds
    ``V_spike`` (:func:`spike_threshold`) and ``r_spike`` (:func:`refractory_counts`). Returns
    (y, the spike count, the new V_m, I_stim, refractory_steps and IntegrationStep)."""

    def after_step(t, y, carry):
        r, n = carry
        y = numerical_instability(y, w_index)
        v = y[:, 0]
        spike = (r == 0) & (v >= c["V_spike"])
        y = y.at[:, 0].set(jnp.where((r > 0) | spike, p["V_reset"], v))
        y = y.at[:, w_index].set(jnp.where(spike, y[:, w_index] + p["b"], y[:, w_index]))
        return y, (jnp.where(spike, c["r_spike"], r), n + spike)

    r = s[REFRACTORY_STEPS.name]
    carry = (r, jnp.zeros(r.shape, jnp.int32))
    h = s[INTEGRATION_STEP.name]
    args = (p, s[I_STIM.name])
    y, h, (r, n), _ = rkf45_evolve(dynamics, resolution_ms(ctx.dt), y, h, args, control(p), after_step, carry)
    state = {
        "V_m": y[:, 0],
        I_STIM.name: x["current"],
        REFRACTORY_STEPS.name: jnp.where(r > 0, r - 1, r),
        INTEGRATION_STEP.name: h,
    }
    return y, n.astype(jnp.float64), state


def check_adex(p, v_th: str = "V_th", taus: tuple[str, ...] = ("tau_w",), extra=()) -> None:
    """NEST's checks of the aeif parameters (``Parameters_::set``); ``v_th`` names the threshold
    the overflow check uses, ``taus`` the time constants that must be positive, ``extra`` further
    (violated, message) pairs."""
    d = p["Delta_T"]
    safe = np.where(d > 0, d, 1.0)
    rules = [
        (p["V_reset"] >= p["V_peak"], "Ensure that V_reset < V_peak."),
        (d < 0, "Delta_T must be greater than or equal to zero."),
        (
            (d > 0) & ((p["V_peak"] - p[v_th]) / safe >= MAX_EXP_ARG),
            f"The current combination of V_peak, {v_th} and Delta_T will lead to numerical overflow at "
            "spike time; try for instance to increase Delta_T or to reduce V_peak to avoid this problem.",
        ),
        (p["V_peak"] < p[v_th], f"V_peak >= {v_th} required."),
        (p["C_m"] <= 0, "Capacitance must be strictly positive."),
        (p["t_ref"] < 0, "Refractory time cannot be negative."),
        *extra,
        (
            np.any([np.any(p[k] <= 0) for k in taus]),
            f"All time constants must be strictly positive ({', '.join(taus)}).",
        ),
        (p["gsl_error_tol"] <= 0, "The gsl_error_tol must be strictly positive."),
    ]
    for violated, message in rules:
        if np.any(violated):
            raise BadProperty(message)


class AdexNeuron(Node):
    """Receptors and channels of the aeif models with two synapse types: spikes on receptor 0 go
    to the excitatory channel for weight > 0 and to the inhibitory one (with -weight) otherwise,
    currents on receptor 0 reach the next step's right-hand side."""

    channels = ("ex", "in", "current")
    weight_unit = u.nS
    taus: ClassVar[tuple[str, ...]] = ("tau_syn_ex", "tau_syn_in", "tau_w")

    @classmethod
    def check(cls, p, dt):
        check_adex(p, taus=cls.taus)

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event == SPIKE:
            return np.where(weight > 0, 0, 1), np.where(weight > 0, weight, -weight)
        if event == CURRENT:
            return np.full(weight.shape, 2), weight
        return super().route(event, receptor, weight)

    @classmethod
    def prepare(cls, p, dt):
        return {"V_spike": spike_threshold(p), "r_spike": refractory_counts(p, dt)}
