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
import jax.numpy as jnp
import numpy as np

from .units import Param
from .waveform_relaxation import GapInput

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
    min_delay: int = 1
    """Steps per update slice (NEST's min_delay): a slice starts at a multiple of it, as NEST's."""
    gap: GapInput | None = None
    """For :attr:`Node.gap_junctions` models in a network with gap junctions: this step's gap input,
    and whether the update is a waveform-relaxation pass (:mod:`~nestjax.waveform_relaxation`);
    None otherwise."""

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
        """Raise :class:`BadProperty` for values NEST rejects; ``p`` holds arrays over nodes
        (vector parameters as masked (n, R) arrays, see :attr:`~nestjax.units.Param.vector`)."""

    @classmethod
    def check_change(cls, old: dict, new: dict, given: frozenset[str]) -> None:
        """Checks that depend on what one ``create`` or ``set`` changes, as NEST's ``set_status``
        compares old and new values (e.g. the number of receptor ports of a node that has
        connections): ``old`` and ``new`` are the parameter tables of the nodes being set before
        and after, ``given`` the names given. At ``create``, ``old`` holds the defaults."""

    @classmethod
    def on_set(cls, old: dict, new: dict, given: frozenset[str], dt: float, now: int) -> dict[str, Any]:
        """Values that change as a side effect of one ``create`` or ``set`` (NEST's ``set_status``,
        e.g. a detector clearing its histograms when its bin width is set), with ``old``, ``new``
        and ``given`` as in :meth:`check_change`, ``dt`` the resolution, ``now`` the simulation
        time in steps (NEST's ``get_time()`` at the call): ``{name: one value per
        node being set}`` for parameters or state. May raise :class:`BadProperty`; nothing has
        changed then."""
        return {}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {q.name: list(q.default) if q.vector else q.default for q in cls.params}


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
    connection_ports: ClassVar[dict[int, str]] = {}
    """Receptor ports on which every incoming spike connection gets a port of its own (NEST's
    iaf_bw_2001_exact NMDA port, whose ``handles_test_event`` numbers them per target), each mapped
    to a read-only, hidden vector parameter (:attr:`~nestjax.units.Param.vector`, a tuple default)
    that the network builder fills, per node, with the weights of these connections in the order
    they were made; vector state that follows it gets one entry per connection. The k-th such
    connection of a node delivers its multiplicity, without the weight, to channel
    ``port_channels(R)[k]``, which :meth:`channels_of` lists (R: the longest such vector)."""
    per_target: ClassVar[bool] = False
    """True where NEST draws an independent event for each target (e.g. poisson_generator):
    ``update`` then returns a per-node value that :meth:`draw` turns into one multiplicity per
    connection."""
    draw_width: ClassVar[int] = 1
    """Values per node that the update of a ``per_target`` model hands to :meth:`draw` each step;
    above 1, ``update`` returns (nodes, draw_width) and ``draw`` sees (steps, sources, draw_width)."""
    gap_junctions: ClassVar[bool] = False
    """Whether it sends and handles NEST's GapJunctionEvent (receptor 0): gap_junction connections
    join its nodes, and where any exist its update reads ``ctx.gap`` and takes part in the
    waveform relaxation (:mod:`~nestjax.waveform_relaxation`). A read-only bool parameter
    ``node_uses_wfr``, if it has one, is set to the simulator's ``use_wfr`` at ``create``."""
    gap_variable: ClassVar[str] = "V_m"
    """The state variable a gap model sends to its partners."""
    wfr_carried: ClassVar[tuple[str, ...]] = ()
    """State a relaxation pass leaves changed (NEST keeps it in the model's buffers, which
    ``wfr_update`` does not restore, e.g. GSL's ``IntegrationStep``); the rest is restored."""

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
    def channels_of(cls, p: dict) -> tuple[str, ...]:
        """The input channels of a population with parameter table ``p`` (vectors masked (n, R)
        arrays): :attr:`channels`, unless the number of receptor ports is a parameter (NEST's
        ``*_multisynapse`` models, see :func:`port_channels`). The engine lays out one ring-buffer
        row per channel and node, and rebuilds when a vector parameter's R changes."""
        return cls.channels

    @classmethod
    def recordables_of(cls, p: dict) -> tuple[str, ...]:
        """The recordables every node of a parameter table ``p`` has (default :attr:`recordables`);
        multimeters are checked against them when connected and when a network is built."""
        return cls.recordables

    @classmethod
    def recordable_unit(cls, name: str):
        """A recordable's unit: that of the state or parameter of its name (None: dimensionless)."""
        spec = next((q for q in (*cls.params, *cls.state) if q.name == name), None)
        return None if spec is None else spec.unit

    @classmethod
    def check_source(cls, source: type[Node], receptor: np.ndarray) -> None:
        """Checks of new incoming connections that depend on the source's model (NEST's
        ``handles_test_event`` looking at the sender, e.g. iaf_bw_2001's NMDA port): ``receptor``
        holds the ports that occur. Raise ``ValueError``."""

    @classmethod
    def check_targets(cls, event: str, receptor: np.ndarray, p: dict, target: np.ndarray) -> None:
        """Checks of new connections that depend on each target's parameters (NEST's
        ``handles_test_event`` of models whose ports are a parameter): ``receptor`` per
        connection, ``target`` its target's index into the table ``p`` of the target population.
        :meth:`route` has accepted them already. Raise ``ValueError``."""

    @classmethod
    def connected(cls, event: str) -> dict[str, Any]:
        """Read-only values that new incoming connections of an event type set on their targets
        (NEST's ``has_connections``, set in ``handles_test_event``)."""
        return {}

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
    def draw(value, lane, key, state=None):
        """For ``per_target`` models: one multiplicity per connection and step.

        ``value`` is (steps, sources): what each source's update returned at each step of an
        update slice; ``lane`` gives each connection's source (an index into the sources); ``key``
        holds one key per step, derived from (seed, connection group, step). Returns (steps,
        connections); the draw of connection j at step k comes from key k and j alone, so it does
        not depend on how time is sliced.

        Models with :meth:`target_state` get each connection's state before the slice as
        ``state`` and return ``(multiplicities, new state)``. A source's value is all zero at the
        steps of a slice that run only in a later call (past the end of a ``simulate``): the
        state of its connections must then stay unchanged."""
        raise NotImplementedError

    @classmethod
    def target_state(cls, p: dict, dt: float) -> dict | None:
        """For ``per_target`` models whose draws carry state per connection from step to step (the
        per-port buffers of NEST's gamma_sup_generator, ppd_sup_generator,
        sinusoidal_gamma_generator): the initial state of new connections, arrays whose first axis
        runs over the connections, from ``p``, their sources' numeric parameters (one entry per
        connection), as NEST sets it up for new targets in ``pre_run_hook``. The engine keeps it
        across chunks, ``simulate`` calls and rebuilds (where a connection keeps its state; an
        axis that grows is padded with zeros). None (the default): no state."""
        return None

    @staticmethod
    def recordable(p: dict, s: dict, name: str):
        """A recordable's value per node (default: the state variable of that name)."""
        return s[name]

    @classmethod
    def events_sent(cls, status: dict, start: int, end: int, dt: float):
        """The spike events one node sends in the updates of steps ``start`` .. ``end``-1 as NEST
        sends them, for targets that see events one by one (detectors), where these differ from
        its recorded spikes (one event per step, the multiplicities summed; none of multiplicity
        0): ``status`` is the node's parameter table entries. Returns ``(stamp, multiplicity,
        weight factor)`` per event, in sending order; None (default): as recorded, factor 1."""
        return None


def port_channels(n: int) -> tuple[str, ...]:
    """Names of the input channels of receptor ports 1 .. n (``port_1``, ...)."""
    return tuple(f"port_{k}" for k in range(1, n + 1))


def port_input(x: dict, n: int, nodes: int):
    """This step's input on receptor ports 1 .. n (channels :func:`port_channels`) as one
    (nodes, n) array."""
    cols = [x[c] for c in port_channels(n)]
    return jnp.stack(cols, axis=1) if cols else jnp.zeros((nodes, 0))


class PortNode(Node):
    """A neuron whose receptor ports 1 .. n are set per node by vector parameters (NEST's
    ``*_multisynapse`` models): spikes of either sign arrive on port k (channel ``port_k``),
    currents on port 0 (channel ``current``); other ports are refused at connect, per target.

    ``n_ports`` names the read-only count parameter (``Param(..., counts=...)``); a connection
    that carries spikes sets ``has_connections`` (a read-only bool parameter) on its target, and
    such a node cannot change its number of ports (with ``ports_may_grow``, as NEST's
    ``aeif_*_multisynapse``: cannot reduce it).
    A node records ``recordables`` (those of a default node: the fixed ones and ports 1 .. n of
    the default) with ``port_recordable`` numbered per port instead; ``port_recordable`` k is
    column k-1 of the vector state ``port_state``.
    """

    n_ports: ClassVar[str] = "n_synapses"
    ports_may_grow: ClassVar[bool] = False
    port_recordable: ClassVar[str] = ""  # e.g. "I_syn_", recorded as I_syn_1, I_syn_2, ...
    port_state: ClassVar[str] = ""

    @classmethod
    def channels_of(cls, p):
        return ("current", *port_channels(int(np.max(p[cls.n_ports], initial=0))))

    @classmethod
    def recordables_of(cls, p):
        fixed = [r for r in cls.recordables if not cls._port_of(r)]
        n = int(np.min(p[cls.n_ports])) if np.size(p[cls.n_ports]) else 0
        return tuple(sorted([*fixed, *(f"{cls.port_recordable}{k}" for k in range(1, n + 1))]))

    @classmethod
    def _port_of(cls, name: str) -> int:
        rest = name[len(cls.port_recordable) :]
        return int(rest) if name.startswith(cls.port_recordable) and rest.isdigit() else 0

    @classmethod
    def route(cls, event, receptor, weight):
        if event == SPIKE:
            if np.any(receptor < 1):
                raise ValueError(
                    f"Receptor type {int(receptor[receptor < 1][0])} in {cls.name} does not accept "
                    f"SpikeEvent; spikes go to receptor ports 1 .. {cls.n_ports}"
                )
            return receptor, weight
        if event == CURRENT:
            cls.check_receptors(receptor, [0])
            return np.zeros(receptor.shape, np.int64), weight
        return super().route(event, receptor, weight)

    @classmethod
    def check_targets(cls, event, receptor, p, target):
        if event != SPIKE:
            return
        n = p[cls.n_ports][target]
        bad = receptor > n
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ValueError(
                f"Receptor type {int(receptor[i])} in {cls.name} does not accept SpikeEvent: the "
                f"target has receptor ports 1 .. {int(n[i])} ({cls.n_ports} = {int(n[i])})"
            )

    @classmethod
    def connected(cls, event):
        return {"has_connections": True} if event == SPIKE else {}

    @classmethod
    def check_change(cls, old, new, given):
        before, after = old[cls.n_ports], new[cls.n_ports]
        if np.any(((after < before) if cls.ports_may_grow else (after != before)) & old["has_connections"]):
            raise BadProperty("The neuron has connections, therefore the number of ports cannot be reduced.")

    @classmethod
    def recordable(cls, p, s, name):
        k = cls._port_of(name)
        return s[cls.port_state][:, k - 1] if k else s[name]

    @classmethod
    def recordable_unit(cls, name):
        return super().recordable_unit(cls.port_state if cls._port_of(name) else name)


@dataclass(frozen=True)
class Received:
    """What one detector's sources sent during one ``simulate`` call (:meth:`Recorder.collect`).

    Events, one row per spike event of a connected source: ``sender``, ``stamp`` (steps),
    ``offset``, ``multiplicity`` and ``factor``, a factor on its connections' weights
    (:meth:`Node.events_sent`). Connections to the detector, in the order they were made:
    ``source``, ``port`` (receptor type), ``weight``, and ``device``: whether the source is a
    device, which NEST delivers from during its own update rather than at the start of the next
    update slice (a node without proxies). ``start``, ``end``: the call updates steps start ..
    end-1; ``min_delay``: NEST's min_delay in steps (its update slices start at multiples of it);
    ``gid``: the detector's node id (its place in NEST's update order); ``dt``: the resolution.
    """

    sender: np.ndarray
    stamp: np.ndarray
    offset: np.ndarray
    multiplicity: np.ndarray
    factor: np.ndarray
    source: np.ndarray
    port: np.ndarray
    weight: np.ndarray
    device: np.ndarray
    start: int
    end: int
    min_delay: int
    gid: int
    dt: float


class Recorder(Model):
    """A recording device. ``records`` is ``"spikes"`` (it receives spikes from its sources) or
    ``"samples"`` (it observes recordables of its targets every ``interval``)."""

    kind: ClassVar[str] = "recorder"
    records: ClassVar[str]
    detector: ClassVar[bool] = False
    """True for spike-receiving recorders that compute their results on the host from what they
    receive (NEST's correlation and spin detectors): connections to them take a ``syn_spec``
    (``weight``, ``delay``, ``receptor_type``), and :meth:`collect` runs after each ``simulate``."""
    backend: ClassVar[bool] = True
    """Whether its events go to a recording backend (NEST's ``RecordingDevice``: ``record_to``,
    ``label``, ``n_events``, ``events``); not so NEST's correlation detectors, whose results are
    parameters."""
    event_values: ClassVar[dict[str, type]] = {}
    """Values a detector's events carry besides senders and times, with their types (NEST's
    spin_detector: ``state``)."""

    @classmethod
    def check_connections(cls, p: dict, sources: set, receptor: np.ndarray) -> None:
        """For detectors: raise ``ValueError`` for new connections NEST refuses (its
        ``handles_test_event``): ``p`` is the parameter table of the one target node, ``sources``
        the source models, ``receptor`` the ports asked for."""

    @classmethod
    def collect(cls, status: dict, received: Received) -> dict | None:
        """For detectors: update one node's values ``status`` (its parameter table entries, one
        value each) in place from what it received in one ``simulate`` call; called for every
        detector after every call, connected or not. Only host-side (non-numeric) entries are
        kept. Returns the events it writes to its backend in this call, in NEST's order, as
        arrays ``senders``, ``stamps`` (steps), ``offsets`` and the :attr:`event_values`; or None."""
        raise NotImplementedError


class Synapse(Model):
    """A synapse model; parameters are per connection. ``weight`` and ``delay`` are common to all."""

    kind: ClassVar[str] = "synapse"
    gap: ClassVar[bool] = False
    """A gap junction (NEST's ``gap_junction``): it joins two :attr:`Node.gap_junctions` nodes with a
    weight and no delay (it counts the kernel's ``wfr_comm_interval`` towards min_delay), and is
    made as a symmetric pair (``make_symmetric``, or all_to_all within one population)."""
