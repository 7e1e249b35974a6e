"""``sinusoidal_gamma_generator``: a gamma process per target with a sinusoidally modulated rate (NEST
``models/sinusoidal_gamma_generator.{h,cpp}``).

The rate at the end t of the update from k to k+1 is ``rate + amplitude sin(omega t + phase)`` (the
recordable ``rate``, every step). Each target keeps its own train: Lambda, ``order`` times the
integral of the rate since the train's last spike (or since the connection's first ``simulate``),
and in an update where origin+start < k <= origin+stop and the rate is positive it spikes where a
uniform number lies below NEST's hazard ``dt order rate(t) Lambda^(order-1) exp(-Lambda) /
Gamma(order, Lambda)`` (upper incomplete gamma function), which resets its Lambda. NEST integrates
Lambda in one piece from the last spike (and from each ``pre_run_hook``), here it is summed step
by step (the same integral up to rounding); as in NEST, the amplitude term counts only where
``frequency`` is not zero, and a Lambda so large that exp(-Lambda) underflows gives no spikes.
With ``individual_spike_trains`` False (set on a copy of the model only, as in NEST) the generator
keeps one train, from its first step, and all targets receive its spikes. Parity: ``rate``
category A, spikes category E.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import gammaincc, gammaln

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window
from .poisson_generator import uniform
from .sinusoidal_poisson_generator import TWO_PI_PER_S, refuse_individual_spike_trains


def hazard_ratio(order, Lambda):
    """``Lambda^(order-1) exp(-Lambda) / Gamma(order, Lambda)``, evaluated as NEST does (NaN where
    both underflow)."""
    upper = jnp.exp(gammaln(order)) * gammaincc(order, Lambda)
    return jnp.power(Lambda, order - 1.0) * jnp.exp(-Lambda) / upper


class sinusoidal_gamma_generator(Node):
    name = "sinusoidal_gamma_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    # Lambda's increment in this step; dt x order x rate for individual trains while active (else 0);
    # order; the spike of a shared train
    draw_width = 4
    params = (
        *WINDOW,
        Param("rate", 0.0, u.Hz),
        Param("amplitude", 0.0, u.Hz),
        Param("frequency", 0.0, u.Hz),
        Param("phase", 0.0),
        Param("order", 1.0),
        Param("individual_spike_trains", True, kind=bool),
    )
    state = (
        Param("rate_now", 0.0, u.Hz, hidden=True),  # NEST's S_.rate_, the recordable rate
        Param("Lambda", 0.0, hidden=True),  # that of the shared train (individual_spike_trains False)
    )
    recordables = ("rate",)

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["order"]) < 1.0):
            raise BadProperty("The gamma order must be at least 1.")
        amplitude, rate = np.asarray(p["amplitude"]), np.asarray(p["rate"])
        if not np.all((0.0 <= amplitude) & (amplitude <= rate)):
            raise BadProperty("Rate parameters must fulfill 0 <= amplitude <= rate.")
        check_window(p, dt)

    @classmethod
    def check_change(cls, old, new, given):
        refuse_individual_spike_trains(given)

    @classmethod
    def target_state(cls, p, dt):
        return {"Lambda": np.zeros(p["rate"].shape)}

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        om = p["frequency"] * TWO_PI_PER_S
        return {
            "t_min": t_min,
            "t_max": t_max,
            "om": om,
            "phi": p["phase"] * (np.pi / 180.0),
            "dc": 1e-3 * p["rate"],
            "ac": 1e-3 * p["amplitude"],
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        dt, a, om, phi, ac = ctx.dt, p["order"], c["om"], c["phi"], c["ac"]
        t = (ctx.step + 1) * dt
        rate = c["dc"] + ac * jnp.sin(om * t + phi)
        # order x the integral of the rate over the step (the cosine difference as a product of sines)
        modulated = (jnp.abs(ac) > 0) & (jnp.abs(om) > 0)
        wave = (
            2.0 * ac / jnp.where(om != 0, om, 1.0) * jnp.sin(om * (t - dt / 2) + phi) * jnp.sin(om * dt / 2)
        )
        step_Lambda = a * (c["dc"] * dt + jnp.where(modulated, wave, 0.0))
        active = (c["t_min"] < ctx.step) & (ctx.step <= c["t_max"]) & (rate > 0)
        pre, own = jnp.where(active, dt * a * rate, 0.0), p["individual_spike_trains"]
        Lambda = s["Lambda"] + step_Lambda
        shared = ~own & (jax.random.uniform(ctx.key, a.shape) < pre * hazard_ratio(a, Lambda))
        value = jnp.stack([step_Lambda, jnp.where(own, pre, 0.0), a, shared.astype(float)], axis=1)
        return {"rate_now": 1000.0 * rate, "Lambda": jnp.where(shared, 0.0, Lambda)}, value

    @staticmethod
    def draw(value, lane, key, state):
        u_all = uniform(key, lane.size)

        def one(Lambda, v_u):
            v, u = v_u
            Lambda = Lambda + v[lane, 0]
            spike = u < v[lane, 1] * hazard_ratio(v[lane, 2], Lambda)
            return jnp.where(spike, 0.0, Lambda), spike + v[lane, 3]

        Lambda, spikes = jax.lax.scan(one, state["Lambda"], (value, u_all))
        return spikes, {"Lambda": Lambda}

    @staticmethod
    def recordable(p, s, name):
        return s["rate_now"] if name == "rate" else s[name]
