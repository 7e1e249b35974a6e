"""Parity of iaf_psc_alpha_multisynapse with live NEST: category A (1e-9, identical spikes) for
V_m, I_syn and every I_syn_k; receptor ports, port counts and their errors as NEST's."""

import numpy as np
import pytest

import nestjax as nj

MODEL = "iaf_psc_alpha_multisynapse"


def _tweak(rng, p, ports):
    if rng.integers(2):
        p["tau_syn"][int(rng.integers(ports))] = p["tau_m"]  # NEST's propagator limit
    if rng.integers(2):
        p["V_min"] = p["V_reset"] - rng.uniform(0, 5)


def _scenario(multisynapse, seed, dt):
    neuron = lambda rng, ports: multisynapse.neuron(rng, ports, _tweak)  # noqa: E731
    return multisynapse.scenario(MODEL, neuron, seed, dt, (3, 1, 4, 2, 3), mm_rule="all_to_all")


@pytest.mark.parametrize("seed,dt", [(0, 0.1), (1, 0.01)])
def test_ports_with_random_parameters_and_input(parity, multisynapse, seed, dt):
    sc = _scenario(multisynapse, seed, dt)
    what = f"ports 3/1/4/2/3, both signs, multiplicities, dc, split calls, dt={dt}"
    ours = multisynapse.compare(parity, MODEL, sc, what)
    assert ours["sr"]["times"].size > 5
    assert np.ptp(ours["mm4"]["I_syn_4"]) > 10


def test_ports_as_nest(nest):
    """Spikes on ports 1 .. n_synapses of each target, currents on port 0; has_connections."""
    ours = nj.Simulator(dt=0.1)
    n = ours.create(MODEL, 2, params={"tau_syn": [[1.0, 3.0], [4.0]]})
    sg, dc = ours.create("spike_generator"), ours.create("dc_generator")
    theirs = nest.Create(MODEL, 2, params=[{"tau_syn": [1.0, 3.0]}, {"tau_syn": [4.0]}])
    nsg, ndc = nest.Create("spike_generator"), nest.Create("dc_generator")
    for (sim, a, b), port in [((ours, sg, n), 0), ((ours, sg, n), 2), ((ours, dc, n), 1)]:
        with pytest.raises(ValueError, match=f"[Rr]eceptor type {port}"):
            sim.connect(a, b, syn_spec={"receptor_type": port})
    for a, b, port in [(nsg, theirs, 0), (nsg, theirs[1], 2), (ndc, theirs, 1)]:
        with pytest.raises(nest.NESTError, match=f"Receptor type {port}"):
            nest.Connect(a, b, syn_spec={"receptor_type": port})
    ours.connect(sg, n[0], syn_spec={"receptor_type": 2})
    ours.connect(dc, n[1])
    nest.Connect(nsg, theirs[0], syn_spec={"receptor_type": 2})
    nest.Connect(ndc, theirs[1])
    assert list(n.get("has_connections")) == list(theirs.get("has_connections")) == [True, False]
    assert list(n.get("n_synapses")) == list(theirs.get("n_synapses")) == [2, 1]


def test_port_count_after_connect_and_recordables_as_nest(nest):
    """A connected node keeps its port count (more or fewer is an error); others may change it;
    the recordables follow the ports; a multimeter asks only for what its targets have."""
    ours = nj.Simulator(dt=0.1)
    n = ours.create(MODEL, 2, params={"tau_syn": [[1.0, 3.0], [4.0]]})
    ours.connect(ours.create("spike_generator"), n[0], syn_spec={"receptor_type": 1})
    theirs = nest.Create(MODEL, 2, params=[{"tau_syn": [1.0, 3.0]}, {"tau_syn": [4.0]}])
    nest.Connect(nest.Create("spike_generator"), theirs[0], syn_spec={"receptor_type": 1})
    for tau in ([1.0], [1.0, 2.0, 3.0]):
        with pytest.raises(nj.BadProperty, match="has connections"):
            n[0].set(tau_syn=tau)
        with pytest.raises(nest.NESTError, match="has connections"):
            theirs[0].set(tau_syn=tau)
    for view in (n, theirs):
        view[0].set(tau_syn=[5.0, 6.0])
        view[1].set(tau_syn=[7.0, 8.0, 9.0])
    assert [list(x) for x in theirs.get("tau_syn")] == [list(x.mantissa) for x in n.get("tau_syn")]
    assert set(theirs[1].get("recordables")) == set(ours._pops[0].recordables([1]))
    mm = ours.create("multimeter", record_from=["I_syn_3"])
    with pytest.raises(ValueError, match="I_syn_3"):
        ours.connect(mm, n)
    ours.connect(mm, n[1])
    with pytest.raises(nest.NESTError, match="I_syn_3"):
        nest.Connect(nest.Create("multimeter", params={"record_from": ["I_syn_3"]}), theirs)
    with pytest.raises(ValueError, match="read-only"):
        n.set(n_synapses=3)
    with pytest.raises(nj.BadProperty, match="strictly positive"):
        n.set(tau_syn=[1.0, -2.0])
    with pytest.raises(TypeError, match="list"):
        n.set(tau_syn=2.0)


def test_changes_between_calls(parity, multisynapse):
    """Between simulate calls: ports added to an unconnected node (a rebuild; input in flight to
    the connected node survives, new ports start at zero) and tau_m set equal to a tau_syn."""
    multisynapse.changes_between_calls(parity, MODEL)
