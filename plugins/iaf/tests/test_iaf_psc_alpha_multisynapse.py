"""Parity of iaf_psc_alpha_multisynapse with live NEST: category A (1e-9, identical spikes) for
V_m, I_syn and every I_syn_k; receptor ports, port counts and their errors as NEST's."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest, run_both

MODEL = "iaf_psc_alpha_multisynapse"


def _compare(parity, sc, scenario):
    """Every recorder of ``sc``: identical sample times, samples within category A, identical spikes."""
    ours, theirs = run_both(sc)
    for label, kind in sc.recorders():
        if kind == "spikes":
            parity.events(MODEL, ours[label], theirs[label], scenario)
            continue
        np.testing.assert_array_equal(ours[label]["times"], theirs[label]["times"], err_msg=scenario)
        np.testing.assert_array_equal(ours[label]["senders"], theirs[label]["senders"], err_msg=scenario)
        for name in ours[label]:
            if name not in ("times", "senders"):
                parity.samples(MODEL, name, ours[label][name], theirs[label][name], "A", scenario)
    return ours


def _neuron(rng, ports):
    p = {
        "E_L": rng.uniform(-75, -60),
        "V_th": rng.uniform(-58, -50),
        "V_reset": rng.uniform(-80, -62),
        "C_m": rng.uniform(50, 400),
        "tau_m": rng.uniform(2, 30),
        "V_m": rng.uniform(-70, -60),
        "t_ref": float(rng.choice([0.0, 0.13, 1.0, 2.77])),
        "tau_syn": [float(x) for x in rng.uniform(0.2, 10, ports)],
    }
    if rng.integers(2):
        p["tau_syn"][int(rng.integers(ports))] = p["tau_m"]  # NEST's propagator limit
    if rng.integers(2):
        p["V_min"] = p["V_reset"] - rng.uniform(0, 5)
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * rng.uniform(0.8, 1.6)
    return p


def _scenario(seed, dt, ports=(3, 1, 4, 2, 3)):
    """Neurons with different port counts in one population; spikes of both signs and
    multiplicities on every port, a current on port 0, every recordable of every node."""
    rng = np.random.default_rng(seed)
    n = len(ports)
    sc = Scenario(dt=dt)
    sc.node("n", MODEL, n, [_neuron(rng, k) for k in ports])
    sc.node("sr", "spike_recorder")
    sc.connect("n", "sr")
    for k in range(1, max(ports) + 1):  # one multimeter per port, on the nodes that have it
        has = [i for i in range(n) if ports[i] >= k]
        record = [f"I_syn_{k}"] + (["V_m", "I_syn"] if k == 1 else [])
        sc.node(f"mm{k}", "multimeter", 1, {"record_from": record, "interval": dt})
        sc.connect(f"mm{k}", ("n", has), "all_to_all")
        times = [list(np.round(np.sort(rng.uniform(0.3, 90.0, 25)), 1)) for _ in range(2)]
        sc.node(
            f"sg{k}",
            "spike_generator",
            2,
            [
                {"spike_times": times[0], "spike_multiplicities": list(rng.integers(1, 4, 25))},
                {"spike_times": times[1]},
            ],
        )
        delay = round(float(rng.uniform(0.1, 2.5)), 1)
        sc.connect(
            (f"sg{k}", slice(0, 1)),
            ("n", has),
            syn_spec={"weight": rng.uniform(20, 300), "delay": delay, "receptor_type": k},
        )
        sc.connect(
            (f"sg{k}", slice(1, 2)),
            ("n", has),
            syn_spec={"weight": -rng.uniform(20, 300), "delay": 1.0, "receptor_type": k},
        )
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-200, 300), "start": 15.0, "stop": 70.0})
    sc.connect("dc", "n", syn_spec={"delay": 0.3, "weight": 1.5})
    sc.simulate = [33.3, 0.4, 66.3]
    return sc


@pytest.mark.parametrize("seed,dt", [(0, 0.1), (1, 0.01)])
def test_ports_with_random_parameters_and_input(parity, seed, dt):
    sc = _scenario(seed, dt)
    ours = _compare(parity, sc, f"ports 3/1/4/2/3, both signs, multiplicities, dc, split calls, dt={dt}")
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


def test_changes_between_calls(parity):
    """Between simulate calls: ports added to an unconnected node (a rebuild; input in flight to
    the connected node survives, new ports start at zero) and tau_m set equal to a tau_syn."""
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    names = ("V_m", "I_syn", "I_syn_1")

    def run(create, connect, simulate, set_):
        n = create(MODEL, 2, {"tau_syn": [[1.5, 0.7], [3.0]], "I_e": [200.0, 0.0]})
        sg = create("spike_generator", 1, {"spike_times": [4.0, 10.0, 10.5, 14.0, 16.0, 19.0]})
        connect(sg, n[0], {"receptor_type": 2, "weight": 500.0, "delay": 3.0})
        mm = create("multimeter", 1, {"record_from": list(names), "interval": 0.1})
        connect(mm, n, None)
        simulate(10.2)
        set_(n[1], {"tau_syn": [3.0, 2.0, 0.9]})
        connect(sg, n[1], {"receptor_type": 3, "weight": -400.0, "delay": 1.0})
        simulate(4.9)
        set_(n[0], {"tau_m": 1.5})
        simulate(10.0)
        return mm

    calls = []
    mm = run(
        lambda m, k, p: sim.create(m, k, p),
        lambda a, b, s: sim.connect(a, b, syn_spec=s),
        lambda t: calls.append(sim.simulate(t)),
        lambda v, d: v.set(d),
    )
    ours = {x: np.concatenate([np.asarray(r.trace(mm, x).mantissa) for r in calls]) for x in names}

    def nest_create(model, k, params):
        if k == 2:
            params = [{key: v[i] for key, v in params.items()} for i in range(k)]
        return nest.Create(model, k, params=params)

    nmm = run(
        nest_create, lambda a, b, s: nest.Connect(a, b, syn_spec=s), nest.Simulate, lambda v, d: v.set(d)
    )
    nest.Simulate(nest.min_delay)
    ev = nmm.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    keep = order[ev["times"][order] <= 25.1 + 1e-9]
    for x in names:
        parity.samples(
            MODEL,
            x,
            ours[x],
            np.asarray(ev[x])[keep].reshape(-1, 2),
            "A",
            "ports added and tau_m == tau_syn set between calls",
        )
    assert np.ptp(ours["I_syn"][:, 1]) > 100
