"""``spike_generator``: spikes at given times (NEST ``models/spike_generator.cpp``).

A spike at time t (stamp t, on the grid) is sent in the update that ends at t, if
origin+start < origin+t <= origin+stop. Parity category D.
"""

from __future__ import annotations

import brainunit as u
import jax.numpy as jnp
import numpy as np

from nestjax.model import SPIKE, BadProperty, Node
from nestjax.timebase import TimeBase
from nestjax.units import Param

from .device_window import WINDOW, check_window


class spike_generator(Node):
    name = "spike_generator"
    kind = "stimulator"
    emits = SPIKE
    params = (
        *WINDOW,
        Param("spike_times", [], u.ms, kind=object),
        Param("spike_multiplicities", [], kind=object),
        Param("precise_times", False, kind=bool),
        Param("allow_offgrid_times", False, kind=bool),
        Param("shift_now_spikes", False, kind=bool),
    )

    @classmethod
    def check(cls, p, dt):
        check_window(p, dt)
        tb = TimeBase(dt)
        for times, mult in zip(p["spike_times"], p["spike_multiplicities"]):
            t = np.asarray(times, float)
            if np.any(np.diff(t) < 0):
                raise BadProperty("spike times must be sorted in non-descending order")
            if not np.all(tb.on_grid(t)):
                raise BadProperty(
                    "spike time cannot be represented accurately: set allow_offgrid_times or precise_times"
                )
            if len(mult) and len(mult) != t.size:
                raise BadProperty("spike_multiplicities must have the same number of elements as spike_times")

    @classmethod
    def host_arrays(cls, host, dt):
        tb = TimeBase(dt)
        times, mults = host["spike_times"], host["spike_multiplicities"]
        width = max(1, max(len(t) for t in times))
        stamps = np.full((len(times), width), -1, np.int64)
        mult = np.zeros((len(times), width))
        for i, (t, m) in enumerate(zip(times, mults)):  # per generator, on the host, once per simulate
            stamps[i, : len(t)] = tb.whole_steps_array(np.asarray(t, float))
            mult[i, : len(t)] = m if len(m) else 1.0
        return {"stamps": stamps, "multiplicity": mult}

    @staticmethod
    def update(p, c, s, x, ctx):
        t_min = jnp.round((p["origin"] + p["start"]) / ctx.dt)
        t_max = jnp.where(jnp.isfinite(p["stop"]), jnp.round((p["origin"] + p["stop"]) / ctx.dt), jnp.inf)
        stamp = p["stamps"] + jnp.round(p["origin"] / ctx.dt).astype(jnp.int64)[:, None]
        due = (stamp == ctx.step + 1) & (p["stamps"] >= 0)
        due &= (t_min[:, None] < stamp) & (stamp <= t_max[:, None])
        return s, jnp.sum(jnp.where(due, p["multiplicity"], 0.0), axis=1)
