"""The contract a family plugin implements: neuron, stimulator, recorder and synapse models.

A node model is a class with its NEST name, parameter and state tables (:class:`~nestjax.units.Param`),
recordables, receptor ports and a vectorised ``update`` over all nodes of one population. The
engine keeps parameters and state as arrays over the population and calls ``update`` once per step
of ``dt``; the update covers (t, t+dt], in the model's NEST order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import jax
import numpy as np

from .units import Param

SPIKE = "spike"
CURRENT = "current"


class BadProperty(ValueError):
    """A parameter value that NEST rejects (its ``BadProperty``)."""


@dataclass(frozen=True)
class WeightedSpikes:
    """What the update of a :attr:`Node.weighted` spike source returns: events that carry a weight
    factor of their own, as NEST's spike_generator with ``spike_weights`` (a ``DSSpikeEvent`` whose
    weight is the connection's times the spike's).

    ``multiplicity``: spikes per node (what spike recorders and weight-blind targets see);
    ``positive``: per node, the sum of factor x multiplicity over events with a positive factor;
    ``negative``: the same sum over events with a negative factor, as a positive number.
    A target that reads weights receives ``positive`` through the channel and scale that
    :meth:`Node.route` gives for the connection's weight w, and ``negative`` through those it gives
    for -w, so the channel follows the sign of w x factor x multiplicity per event, as in NEST.
    """

    multiplicity: Any
    positive: Any
    negative: Any
    offset: Any = None


@dataclass(frozen=True)
class StepContext:
    """What an update sees besides parameters, state and input.

    ``step`` is the global step k (the update covers (k dt, (k+1) dt]); ``key`` is a random key
    derived from (seed, k, first node id of the population); ``gids`` the node ids.
    """

    step: Any
    dt: float
    key: Any
    gids: Any

    def node_keys(self):
        """One key per node, keyed by (seed, step, node id)."""
        return jax.vmap(lambda g: jax.random.fold_in(self.key, g))(self.gids)


class Model:
    """Common to all models: NEST name, kind, parameter table."""

    name: ClassVar[str]
    kind: ClassVar[str]
    params: ClassVar[tuple[Param, ...]] = ()

    @classmethod
    def check(cls, p: dict[str, np.ndarray], dt: float) -> None:
        """Raise :class:`BadProperty` for values NEST rejects; ``p`` holds arrays over nodes."""

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {q.name: q.default for q in cls.params}


class Node(Model):
    """A node that is updated every step: a neuron or a stimulating device.

    ``emits`` is the event type its update sends to targets: ``"spike"`` (the update returns a
    multiplicity per node), ``"current"`` (an amplitude per node, every step) or None.
    ``channels`` name the input buffers the update reads, one array each; :meth:`route` maps an
    incoming connection to one of them.
    """

    kind: ClassVar[str] = "neuron"
    state: ClassVar[tuple[Param, ...]] = ()
    recordables: ClassVar[tuple[str, ...]] = ()
    receptor_types: ClassVar[dict[str, int]] = {}
    channels: ClassVar[tuple[str, ...]] = ()
    emits: ClassVar[str | None] = SPIKE
    weight_unit: ClassVar = None
    """The unit of a connection weight onto this model (a quantity weight is converted to it)."""
    weighted: ClassVar[bool] = False
    """True for spike sources whose events carry their own weight factor: ``update`` then returns
    :class:`WeightedSpikes`."""
    reads_weight: ClassVar[bool] = True
    """False for targets that see only an event's multiplicity, whatever its weight (NEST's
    parrot_neuron): a :attr:`weighted` source's events reach them by multiplicity alone."""
    offset_receptors: ClassVar[frozenset[int]] = frozenset()
    """Receptor ports on which a spike's weight is multiplied by the event's offset, for NEST models
    that read the SpikeEvent offset as data (iaf_tum_2000 port 1, iaf_bw_2001 NMDA): the source sends
    its value as the offset of its spikes (``update`` returns ``(multiplicity, offset)``). Sources
    whose offsets are zero (grid models) deliver nothing there, as in NEST."""
    per_target: ClassVar[bool] = False
    """True where NEST draws an independent event for each target (e.g. poisson_generator):
    ``update`` then returns a per-node value that :meth:`draw` turns into one multiplicity per
    connection."""

    @classmethod
    def route(cls, event: str, receptor: np.ndarray, weight: np.ndarray):
        """Input channel and scale for each incoming connection.

        Returns ``(channel, scale)``: integer channel index per connection (-1: ignored, as NEST
        ignores e.g. spikes on a parrot's port 1) and the factor an event's multiplicity (or
        current) is multiplied by, normally the weight. Raise ``ValueError`` for an event type or
        receptor the model does not accept.
        """
        raise ValueError(f"{cls.name} does not accept {event} connections")

    @classmethod
    def check_receptors(cls, receptor: np.ndarray, valid) -> None:
        """Raise NEST's UnknownReceptorType for ports outside ``valid``."""
        bad = np.setdiff1d(np.unique(receptor), np.asarray(list(valid)))
        if bad.size:
            raise ValueError(
                f"{cls.name} has no receptor type {int(bad[0])}; valid: {sorted(int(v) for v in valid)}"
            )

    @classmethod
    def host_arrays(cls, host: dict, dt: float) -> dict:
        """Arrays the update needs from host-side parameters (e.g. a spike_generator's per-node
        lists of spike times, padded to one matrix). Called before each ``simulate``."""
        return {}

    @staticmethod
    def prepare(p: dict, dt: float) -> dict:
        """Constants derived from parameters and resolution (NEST's ``pre_run_hook``)."""
        return {}

    @staticmethod
    def update(p: dict, c: dict, s: dict, x: dict, ctx: StepContext):
        """One step for all nodes: returns ``(new_state, emitted)``; ``emitted`` is a multiplicity
        (or current) per node, a tuple ``(multiplicity, offset)``, or for :attr:`weighted`
        sources a :class:`WeightedSpikes`."""
        raise NotImplementedError

    @staticmethod
    def draw(value, lane, key):
        """For ``per_target`` models: one multiplicity per connection and step.

        ``value`` is (steps, sources): what each source's update returned at each step of an
        update slice; ``lane`` gives each connection's source (an index into the sources); ``key``
        holds one key per step, derived from (seed, connection group, step). Returns (steps,
        connections); the draw of connection j at step k comes from key k and j alone, so it does
        not depend on how time is sliced."""
        raise NotImplementedError

    @staticmethod
    def recordable(p: dict, s: dict, name: str):
        """A recordable's value per node (default: the state variable of that name)."""
        return s[name]


class Recorder(Model):
    """A recording device. ``records`` is ``"spikes"`` (it receives spikes from its sources) or
    ``"samples"`` (it observes recordables of its targets every ``interval``)."""

    kind: ClassVar[str] = "recorder"
    records: ClassVar[str]


class Synapse(Model):
    """A synapse model; parameters are per connection. ``weight`` and ``delay`` are common to all."""

    kind: ClassVar[str] = "synapse"
