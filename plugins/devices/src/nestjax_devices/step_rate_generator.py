"""``step_rate_generator``: a piecewise constant rate for rate units (NEST
``models/step_rate_generator.{h,cpp}``).

Its times, values and timing are step_current_generator's (NEST's two update loops are the same):
the rate takes the value of a change at stamp s in the update from s-1 to s and is sent while
origin+start < k+2 <= origin+stop (``is_active`` for delayed-rate generators); the recordable
``rate`` is the rate sent, 0 while inactive. It sends delayed rate events
(``DelayedRateConnectionEvent``), which only rate units take: connecting it to any other node is
refused, as in NEST. Parity category D (the recorded ``rate``).
"""

from __future__ import annotations

import brainunit as u

from nestjax.model import BadProperty
from nestjax.units import Param

from .step_current_generator import step_current_generator

DELAYED_RATE = "delayed rate input"
"""The event type it sends (NEST's ``DelayedRateConnectionEvent``)."""


class step_rate_generator(step_current_generator):
    name = "step_rate_generator"
    emits = DELAYED_RATE
    params = tuple(
        Param(q.name, q.default, u.Hz, q.kind) if q.name == "amplitude_values" else q
        for q in step_current_generator.params
    )
    state = (
        Param("rate", 0.0, u.Hz, hidden=True),
        *(q for q in step_current_generator.state if q.name != "I"),
    )
    recordables = ("rate",)

    @classmethod
    def check(cls, p, dt):
        try:
            super().check(p, dt)
        except BadProperty as e:  # the same checks, in NEST's words for this model
            raise BadProperty(str(e).replace(step_current_generator.name, cls.name)) from None

    @staticmethod
    def update(p, c, s, x, ctx):
        new, rate = step_current_generator.update(p, c, s, x, ctx)
        return {"rate": new.pop("I"), **new}, rate
