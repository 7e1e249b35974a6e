"""``spike_train_injector``: a neuron-like node that emits spikes at given times (NEST
``models/spike_train_injector.{h,cpp}``).

NEST's neuron counterpart of spike_generator (element type ``neuron``: one instance per node, not a
device copied to every thread, so it may drive plastic synapses and scales with threads): spike
times become stamps exactly as spike_generator's (``Time::ms``, or with ``allow_offgrid_times``
the end of the step, ``shift_now_spikes``), a spike with stamp s is sent in the update that ends
at origin+s if origin+start < origin+s <= origin+stop, with its multiplicity. Unlike
spike_generator it has no ``spike_weights`` (its events are plain spikes: the connection's weight)
and no ``label``/``stimulus_source``; it accepts no input. Parity category D.

Divergences as spike_generator's: ``precise_times=True`` is refused (no precise-time models yet).
"""

from __future__ import annotations

from nestjax.model import BadProperty

from .spike_generator import spike_generator


class spike_train_injector(spike_generator):
    name = "spike_train_injector"
    kind = "neuron"
    weighted = False
    params = tuple(q for q in spike_generator.params if q.name != "spike_weights")

    @classmethod
    def check(cls, p, dt):
        try:
            super().check(_unweighted(p), dt)
        except BadProperty as e:  # the same checks, in NEST's words for this model
            msg = str(e).replace(spike_generator.name, cls.name)
            raise BadProperty(msg.replace("spike time cannot", "Spike time cannot")) from None

    @classmethod
    def host_arrays(cls, host, dt):
        return super().host_arrays(_unweighted(host), dt)

    @classmethod
    def events_sent(cls, status, stamp, dt):
        return super().events_sent({**status, "spike_weights": []}, stamp, dt)

    @staticmethod
    def update(p, c, s, x, ctx):
        s, due = spike_generator.update(p, c, s, x, ctx)
        return s, due.multiplicity


def _unweighted(p: dict) -> dict:
    """A spike_generator's table of the same trains, without weights (one empty list per node)."""
    return {**p, "spike_weights": [[]] * len(p["spike_times"])}
