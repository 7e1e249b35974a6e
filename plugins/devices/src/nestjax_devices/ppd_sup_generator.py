"""``ppd_sup_generator``: per target, the superposition of ``n_proc`` Poisson processes with dead time
(NEST ``models/ppd_sup_generator.{h,cpp}``).

Each target keeps its own age distribution of its component processes (NEST's
``Age_distribution_``): the number of active ones and, for each of the int(dead_time / dt) steps of
the dead time, the number still refractory, in a ring over those steps; set up when the connection
first runs as NEST's ``pre_run_hook`` does (int(rate x n_proc x dt / 1000) in each refractory step,
the rest active) and keeping that number of steps if ``dead_time`` changes later. In each update from
k to k+1 with origin+start < k <= origin+stop and a positive rate, a binomial number of the active
processes spike with the hazard dt / (1000 / rate - dead_time), modulated by
1 + relative_amplitude sin(2 pi frequency k dt / 1000) where both are non-zero (NEST draws Poisson
counts, capped, where the number active is at least 100 and the hazard at most 0.01, or at least
500 with a mean of at most 0.1); the spikes are one event of that multiplicity to the target; they
enter the dead-time ring and those of the oldest step become active again. Parity category E.
"""

from __future__ import annotations

import brainunit as u
import jax
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.units import Param

from .device_window import WINDOW, active_steps, check_window
from .gamma_sup_generator import transitions


class ppd_sup_generator(Node):
    name = "ppd_sup_generator"
    kind = "stimulator"
    emits = SPIKE
    per_target = True
    draw_width = 2  # 1 in the steps that update the ages, the hazard
    params = (
        *WINDOW,
        Param("rate", 0.0, u.Hz),
        Param("dead_time", 0.0, u.ms),
        Param("n_proc", 1, kind=int),
        Param("frequency", 0.0, u.Hz),
        Param("relative_amplitude", 0.0),
    )

    @classmethod
    def check(cls, p, dt):
        if np.any(np.asarray(p["dead_time"]) < 0):
            raise BadProperty("The dead time cannot be negative.")
        with np.errstate(divide="ignore"):
            if np.any(1000.0 / np.asarray(p["rate"], float) <= np.asarray(p["dead_time"])):
                raise BadProperty("The inverse rate has to be larger than the dead time.")
        if np.any(np.asarray(p["n_proc"]) < 1):
            raise BadProperty("The number of component processes cannot be smaller than one")
        amplitude = np.asarray(p["relative_amplitude"])
        if np.any((amplitude > 1.0) | (amplitude < 0.0)):
            raise BadProperty("The relative amplitude of the rate modulation must be in [0,1].")
        check_window(p, dt)

    @classmethod
    def target_state(cls, p, dt):
        bins = (p["dead_time"] / dt).astype(np.int64)
        n_proc = p["n_proc"].astype(np.int64)
        refractory = (p["rate"] / 1000.0 * n_proc * dt).astype(np.int64)
        ring = np.where(np.arange(max(1, bins.max())) < bins[:, None], refractory[:, None], 0)
        return {
            "active": (n_proc - refractory * bins).astype(float),
            "ring": ring.astype(float),
            "next": np.zeros(bins.size, np.int64),
            "bins": bins,
        }

    @staticmethod
    def prepare(p, dt):
        t_min, t_max = active_steps(p, dt)
        return {
            "t_min": t_min,
            "t_max": t_max,
            "omega": 2.0 * np.pi * p["frequency"] / 1000.0,
            "hazard": 1.0 / (1000.0 / p["rate"] - p["dead_time"]) * dt,
        }

    @staticmethod
    def update(p, c, s, x, ctx):
        amplitude = p["relative_amplitude"]
        modulated = (amplitude > 0.0) & (p["frequency"] != 0.0)
        wave = 1.0 + amplitude * jnp.sin(c["omega"] * (ctx.step * ctx.dt))
        hazard = jnp.where(modulated, c["hazard"] * wave, c["hazard"])
        on = (c["t_min"] < ctx.step) & (ctx.step <= c["t_max"]) & (p["rate"] > 0)
        return s, jnp.stack([on.astype(float), jnp.where(on, hazard, 0.0)], axis=1)

    @staticmethod
    def draw(value, lane, key, state):
        bins = state["bins"]
        has = bins > 0

        def one(st, v_k):
            v, k = v_k
            on = v[lane, 0] > 0
            spikes = jnp.where(on, transitions(k, st["active"], v[lane, 1]), 0.0)
            at = st["next"][:, None]
            back = jnp.take_along_axis(st["ring"], at, axis=1)[:, 0]
            turn = on & has
            ring = jnp.where(
                turn[:, None] & (jnp.arange(st["ring"].shape[1]) == at), spikes[:, None], st["ring"]
            )
            new = {
                "active": jnp.where(turn, st["active"] + back - spikes, st["active"]),
                "ring": ring,
                "next": jnp.where(turn, (st["next"] + 1) % jnp.maximum(bins, 1), st["next"]),
                "bins": bins,
            }
            return new, spikes

        state, spikes = jax.lax.scan(one, state, (value, key))
        return spikes, state
