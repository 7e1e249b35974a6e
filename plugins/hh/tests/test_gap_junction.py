"""Parity of gap junctions (NEST's waveform relaxation) with live NEST.

Category B for every gap-coupled V_m where NEST's own result is determined. Where it is not (a
last-bit change of the input adds or saves a relaxation pass, which moves V_m by up to about
wfr_tol; measured with +-1e-12 pA on every I_e, see :mod:`nestjax.testing.stability`), within 30
times NEST's own spread. Scenarios: NEST's gap_junctions_two_neurons and
gap_junctions_inhibitory_network examples, every kernel setting of the relaxation, random mixed
networks of both gap models with chemical synapses, currents, spikes and split calls (also inside
an update slice), and NEST's refusals.
"""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, neuron_scenario
from nestjax.testing.random_input import grid, split
from nestjax.testing.stability import compare as compare_with_spread

NUDGE = 1e-12
"""pA on every I_e to measure NEST's own spread: enough to flip the relaxation decisions a last-bit
difference flips, small enough not to move an HH neuron's V_m by 1e-7 mV where no decision flips."""

GAP = {"synapse_model": "gap_junction"}
SYMMETRIC = {"rule": "one_to_one", "make_symmetric": True}


def compare(parity, sc, scenario, labels=("n",)):
    """``sc`` in both, V_m held to category B where NEST's result is determined (see the module)."""
    return compare_with_spread(parity, sc, "gap_junction", ["V_m"], scenario, labels, NUDGE)


def two_neurons(kernel=None, simulate=(351.0,), interval=0.1):
    """NEST's gap_junctions_two_neurons: two hh_psc_alpha_gap at dt 0.05 ms with 100 pA, one
    starting at -10 mV, joined by 0.5 nS."""
    sc = neuron_scenario(
        "hh_psc_alpha_gap", 0.05, [{"I_e": 100.0, "V_m": -10.0}, {"I_e": 100.0}], 2, ["V_m"], interval
    )
    sc.kernel = dict(kernel or {})
    sc.connect("n", "n", {"rule": "all_to_all", "allow_autapses": False}, {**GAP, "weight": 0.5})
    sc.simulate = list(simulate)
    return sc


def test_two_neurons_example(parity):
    """(Category B against NEST's example as written: ``tests/test_gap_examples.py``.)"""
    ours, undetermined = compare(parity, two_neurons(), "gap_junctions_two_neurons example")
    assert undetermined == 0
    v = ours["mm"]["V_m"]
    assert np.abs(v[0, 0] - v[0, 1]) > 50 and np.abs(v[-1, 0] - v[-1, 1]) < 1.0  # they synchronise
    assert ours["sr"]["times"].size == 12


@pytest.mark.parametrize(
    "kernel",
    [
        {"wfr_interpolation_order": 0},
        {"wfr_interpolation_order": 1},
        {"use_wfr": False},
        {"wfr_comm_interval": 0.35, "wfr_tol": 1e-7},
        {"wfr_comm_interval": 2.0, "wfr_max_iterations": 2},
        {"wfr_max_iterations": 1, "wfr_interpolation_order": 1},
        {"wfr_tol": 0.05},
    ],
)
def test_kernel_settings_and_split_calls(parity, kernel):
    """Each setting of the relaxation, over calls that end inside an update slice (NEST then iterates
    to the slice's end, and the next call's first pass starts without coupling)."""
    sc = two_neurons(kernel, simulate=(23.35, 0.05, 40.0, 36.6), interval=0.05)
    compare(parity, sc, f"two neurons, {kernel}, calls ending inside slices")


def random_network(seed, dt, T, kernel):
    """hh_psc_alpha_gap ("a") and hh_cond_beta_gap_traub ("b") nodes with random parameters and
    states, random gap junctions between and within both (autapses included, as NEST's example
    allows), chemical synapses a -> b, a spike train and a dc current, three calls at random steps."""
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt, kernel=kernel)
    na, nb = 5, 4
    a = [
        {
            "I_e": rng.uniform(0, 300),
            "V_m": rng.uniform(-75, -10),
            "g_Kv1": rng.uniform(5, 15),
            "tau_syn_ex": rng.uniform(0.1, 2.0),
        }
        for _ in range(na)
    ]
    b = [
        {
            "I_e": rng.uniform(0, 3),
            "V_m": rng.uniform(-75, -40),
            "V_T": rng.uniform(-60, -50),
            "tau_rise_ex": rng.uniform(0.2, 1.0),
        }
        for _ in range(nb)
    ]
    sc.node("a", "hh_psc_alpha_gap", na, a)
    sc.node("b", "hh_cond_beta_gap_traub", nb, b)
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m"], "interval": dt})
    sc.node("sr", "spike_recorder")
    sc.node("sg", "spike_generator", 1, {"spike_times": sorted({grid(rng, dt, dt, T) for _ in range(30)})})
    sc.node(
        "dc",
        "dc_generator",
        1,
        {
            "amplitude": rng.uniform(50, 200),
            "start": grid(rng, dt, 0, T / 2),
            "stop": grid(rng, dt, T / 2, T),
        },
    )
    for label in ("a", "b"):
        sc.connect("mm", label)
        sc.connect(label, "sr")
    sc.connect("sg", "a", "all_to_all", {"weight": rng.uniform(20, 80), "delay": grid(rng, dt, dt, 2.0)})
    sc.connect("sg", "b", "all_to_all", {"weight": rng.uniform(2, 8), "delay": grid(rng, dt, dt, 2.0)})
    sc.connect("dc", ("a", slice(0, 2)), "all_to_all", {"delay": grid(rng, dt, dt, 2.0)})
    sc.connect("a", "b", "all_to_all", {"weight": rng.uniform(1, 5), "delay": grid(rng, dt, 0.5, 3.0)})
    ends = [("a", slice(i, i + 1)) for i in range(na)] + [("b", slice(i, i + 1)) for i in range(nb)]
    for i, j in rng.integers(0, na + nb, (12, 2)):
        sc.connect(ends[i], ends[j], SYMMETRIC, {**GAP, "weight": rng.uniform(0.1, 20)})
    sc.simulate = split(rng, dt, T, 3)
    return sc


@pytest.mark.parametrize(
    "seed,dt,T,kernel",
    [
        (1, 0.1, 60.0, {}),
        (2, 0.05, 40.0, {"wfr_interpolation_order": 1}),
        (3, 0.1, 60.0, {"use_wfr": False}),
        (4, 0.01, 12.0, {"wfr_comm_interval": 0.25}),
        (5, 0.1, 60.0, {"wfr_interpolation_order": 0, "wfr_max_iterations": 3, "wfr_comm_interval": 1.5}),
    ],
)
def test_random_mixed_networks(parity, seed, dt, T, kernel):
    sc = random_network(seed, dt, T, kernel)
    ours, _ = compare(parity, sc, f"random mixed network, dt={dt}, {kernel}", labels=("a", "b"))
    assert ours["sr"]["times"].size > 10


@pytest.mark.parametrize("gap_weight", [0.3, 0.7])
def test_inhibitory_network_example(parity, gap_weight):
    """NEST's gap_junctions_inhibitory_network on 100 instead of 500 neurons for 60 ms (its
    in-degrees: 50 inhibitory inputs, 60 gap junctions per neuron on average), with the 500 Hz
    Poisson drive drawn here on the grid and given to both as spike trains, and without multapses
    (NEST's array of node ids cannot hold repeated ones)."""
    n, dt, T = 100, 0.05, 60.0
    rng = np.random.default_rng(7)
    kernel = {
        "use_wfr": True,
        "wfr_comm_interval": 1.0,
        "wfr_tol": 1e-4,
        "wfr_max_iterations": 15,
        "wfr_interpolation_order": 3,
    }
    sc = neuron_scenario("hh_psc_alpha_gap", dt, [{"V_m": v} for v in rng.uniform(-80, -40, n)], n, ["V_m"])
    sc.kernel = kernel
    steps = round(T / dt)
    trains = [np.flatnonzero(rng.random(steps) < 500.0 * dt / 1000.0) + 1 for _ in range(n)]
    sc.node(
        "pg", "spike_generator", n, [{"spike_times": [round(float(k) * dt, 9) for k in t]} for t in trains]
    )
    sc.connect("pg", "n", "one_to_one", {"weight": 300.0, "delay": 1.0})
    sources = [rng.choice(np.delete(np.arange(n), i), 50, replace=False) for i in range(n)]
    for s in range(n):  # fixed in-degree 50 without autapses, as one all_to_all per source
        targets = [i for i in range(n) if s in sources[i]]
        sc.connect(("n", slice(s, s + 1)), ("n", targets), "all_to_all", {"weight": -50.0, "delay": 1.0})
    for i, j in rng.integers(0, n, (n * 60 // 2, 2)):
        sc.connect(
            ("n", slice(int(i), int(i) + 1)),
            ("n", slice(int(j), int(j) + 1)),
            SYMMETRIC,
            {**GAP, "weight": gap_weight},
        )
    sc.simulate = [T]
    ours, _ = compare(parity, sc, f"inhibitory network example, gap weight {gap_weight}")
    assert ours["sr"]["times"].size > 20


def test_connections_refused_as_nest(nest):
    """Gap junctions need gap models at both ends, receptor 0, no delay, symmetric connections; the
    kernel settings NEST refuses. Each case fails in NEST and in nestjax."""
    sim = nj.Simulator(dt=0.1)
    iaf, gap, gap2, sg = (
        sim.create(m)
        for m in ("iaf_psc_alpha", "hh_psc_alpha_gap", "hh_cond_beta_gap_traub", "spike_generator")
    )
    n_iaf, n_gap, n_gap2, n_sg = (
        nest.Create(m)
        for m in ("iaf_psc_alpha", "hh_psc_alpha_gap", "hh_cond_beta_gap_traub", "spike_generator")
    )
    cases = [
        ((iaf, iaf), (n_iaf, n_iaf), SYMMETRIC, GAP, "iaf_psc_alpha.*does not support gap junctions"),
        ((iaf, gap), (n_iaf, n_gap), SYMMETRIC, GAP, "iaf_psc_alpha.*does not support gap junctions"),
        ((gap, iaf), (n_gap, n_iaf), SYMMETRIC, GAP, "iaf_psc_alpha.*does not support gap junctions"),
        ((sg, gap), (n_sg, n_gap), SYMMETRIC, GAP, "spike_generator.*does not support gap junctions"),
        ((gap, gap2), (n_gap, n_gap2), SYMMETRIC, {**GAP, "delay": 2.0}, "has no delay"),
        ((gap, gap2), (n_gap, n_gap2), SYMMETRIC, {**GAP, "receptor_type": 1}, "Receptor type 1"),
        ((gap, gap2), (n_gap, n_gap2), {"rule": "one_to_one"}, GAP, "make_symmetric"),
        ((gap, gap2), (n_gap, n_gap2), "all_to_all", GAP, "make_symmetric"),
        (
            (gap + gap2, gap + gap2),
            (n_gap + n_gap2, n_gap + n_gap2),
            {"rule": "fixed_indegree", "indegree": 1},
            GAP,
            "make_symmetric",
        ),
        (
            (gap + gap2, gap + gap2),
            (n_gap + n_gap2, n_gap + n_gap2),
            {"rule": "fixed_indegree", "indegree": 1, "make_symmetric": True},
            GAP,
            "does not support symmetric",
        ),
        (
            (gap + gap2, gap + gap2),
            (n_gap + n_gap2, n_gap + n_gap2),
            "all_to_all",
            {**GAP, "weight": [[1.0, 2.0], [3.0, 4.0]]},
            "make_symmetric",
        ),
    ]
    for ours, theirs, conn, syn, match in cases:
        with pytest.raises(nest.NESTError):
            nest.Connect(*theirs, conn, syn)
        with pytest.raises(ValueError, match=match):
            sim.connect(*ours, conn, syn)
    assert len(sim.get_connections()) == 0
    sim.connect(gap + gap2, gap + gap2, "all_to_all", {**GAP, "weight": 2.0 * u.nS})  # symmetric
    both = n_gap + n_gap2  # NEST: the same NodeCollection object (see the divergence below)
    nest.Connect(both, both, "all_to_all", {**GAP, "weight": 2.0})
    conns, n_conns = sim.get_connections(), nest.GetConnections(synapse_model="gap_junction")
    assert conns.get("weight").to_decimal(u.nS).tolist() == n_conns.get("weight") == [2.0] * 4  # not pA
    with pytest.raises(nest.NESTError):
        n_conns.set(delay=3.0)
    with pytest.raises(ValueError, match="has no delay"):
        conns.set(delay=3.0)


@pytest.mark.parametrize(
    "settings",
    [
        [("wfr_interpolation_order", 2)],
        [("wfr_max_iterations", 0)],
        [("wfr_tol", -1.0)],
        [("wfr_comm_interval", 0.05)],
        [("use_wfr", False), ("wfr_comm_interval", 0.5)],
    ],
)
def test_kernel_settings_refused_as_nest(nest, settings):
    sim = nj.Simulator(dt=0.1)
    *before, (name, value) = settings
    for k, v in before:
        nest.set(**{k: v})
        setattr(sim, k, v)
    with pytest.raises(nest.NESTError):
        nest.set(**{name: value})
    with pytest.raises(ValueError):
        setattr(sim, name, value)


def test_kernel_settings_follow_nest(nest):
    """Defaults; use_wfr only before nodes exist, wfr_comm_interval only before connections; without
    waveform relaxation the communication interval is the resolution, and gap junctions count it
    towards min_delay."""
    sim = nj.Simulator(dt=0.1)
    names = ("use_wfr", "wfr_comm_interval", "wfr_tol", "wfr_max_iterations", "wfr_interpolation_order")
    assert [getattr(sim, k) for k in names] == [nest.GetKernelStatus(k) for k in names]
    sim.use_wfr = False
    nest.use_wfr = False
    assert sim.wfr_comm_interval == nest.wfr_comm_interval == 0.1
    ours, theirs = sim.create("hh_psc_alpha_gap"), nest.Create("hh_psc_alpha_gap")
    assert ours.get("node_uses_wfr") == theirs.node_uses_wfr == False  # noqa: E712
    assert nj.Simulator(dt=0.1).create("hh_cond_beta_gap_traub").get("node_uses_wfr") == True  # noqa: E712
    with pytest.raises(nest.NESTError):
        nest.use_wfr = True
    with pytest.raises(ValueError, match="after nodes"):
        sim.use_wfr = True
    sim = nj.Simulator(dt=0.1)
    sim.wfr_comm_interval = 2.0
    n = sim.create("hh_psc_alpha_gap", 2)
    sim.connect(n, n, "all_to_all", GAP)
    with pytest.raises(ValueError, match="after connections"):
        sim.wfr_comm_interval = 1.0
    assert sim._rec.nest_min_delay() == 20


def test_arrays_of_node_ids_with_make_symmetric_divergence(nest):
    """NEST connects arrays of node ids (``connect_arrays``) without reading make_symmetric or the
    symmetry requirement: one direction only. nestjax makes both, as for NodeCollections."""
    sim = nj.Simulator(dt=0.1)
    sim.create("hh_psc_alpha_gap", 4)
    nest.Create("hh_psc_alpha_gap", 4)
    pre, post = np.array([1, 2, 1]), np.array([3, 3, 4])
    sim.connect(pre, post, SYMMETRIC, {**GAP, "weight": 0.5})
    nest.Connect(pre, post, SYMMETRIC, {**GAP, "weight": np.full(3, 0.5)})
    assert len(nest.GetConnections(synapse_model="gap_junction")) == 3
    ours = sim.get_connections()
    assert sorted(zip(ours.get("source").tolist(), ours.get("target").tolist())) == sorted(
        [(1, 3), (2, 3), (1, 4), (3, 1), (3, 2), (4, 1)]
    )


def test_delay_shown_divergence(nest):
    """A gap junction's ``delay`` as get_connections shows it: NEST shows the model's unused default
    (1 ms), nestjax the wfr_comm_interval that it counts towards min_delay."""
    sim = nj.Simulator(dt=0.1)
    sim.wfr_comm_interval = 2.0
    nest.wfr_comm_interval = 2.0
    n = sim.create("hh_psc_alpha_gap", 2)
    sim.connect(n, n, {"rule": "all_to_all", "allow_autapses": False}, GAP)
    m = nest.Create("hh_psc_alpha_gap", 2)
    nest.Connect(m, m, {"rule": "all_to_all", "allow_autapses": False}, GAP)
    assert nest.GetConnections().get("delay") == [1.0, 1.0]
    assert sim.get_connections().get("delay").mantissa.tolist() == [2.0, 2.0]
    assert nest.min_delay == nest.max_delay == 2.0


def test_all_to_all_onto_equal_nodes_divergence(nest):
    """NEST accepts all_to_all gap junctions only between one and the same NodeCollection object;
    an equal one (a slice of it, or built from the same ids) is refused. nestjax compares node ids."""
    n = nest.Create("hh_psc_alpha_gap", 2)
    with pytest.raises(nest.NESTError, match="make_symmetric"):
        nest.Connect(n, n[0:2], "all_to_all", GAP)
    sim = nj.Simulator(dt=0.1)
    m = sim.create("hh_psc_alpha_gap", 2)
    sim.connect(m, m[0:2], "all_to_all", GAP)
    assert len(sim.get_connections()) == 4
