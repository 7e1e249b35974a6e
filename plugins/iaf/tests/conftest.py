"""Shared helpers of the iaf parity tests (test modules cannot import conftest, so they come as
fixtures): random conductance-based neurons and input on NEST's grid (``cond``), the scenarios
and comparisons of the multisynapse models (``multisynapse``) and of iaf_bw_2001 and
iaf_bw_2001_exact (``bw``)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import Scenario, fresh_nest, neuron_scenario, run_both
from nestjax.testing.random_input import grid

# --- iaf_cond_* -------------------------------------------------------------------------------


def cond_drive(sc, rng, dt, T):
    """Currents on receptor 0 (I_e, dc and step currents) and spikes of both signs with
    multiplicities and spike weights, all on random delays."""
    delay = lambda: grid(rng, dt, dt, 2.5)  # noqa: E731
    start = grid(rng, dt, 0.0, T / 3)
    sc.node(
        "dc",
        "dc_generator",
        1,
        {"amplitude": rng.uniform(-100, 400), "start": start, "stop": grid(rng, dt, start, T)},
    )
    sc.node(
        "st",
        "step_current_generator",
        1,
        {"amplitude_times": grid(rng, dt, dt, T, 6), "amplitude_values": list(rng.uniform(-300, 500, 6))},
    )
    trains = [grid(rng, dt, dt, T, 40) for _ in range(3)]
    sc.node(
        "sg",
        "spike_generator",
        3,
        [
            {"spike_times": trains[0], "spike_multiplicities": [int(m) for m in rng.integers(1, 4, 40)]},
            {"spike_times": trains[1], "spike_multiplicities": [int(m) for m in rng.integers(1, 4, 40)]},
            {"spike_times": trains[2], "spike_weights": list(np.round(rng.normal(0.0, 1.0, 40), 3))},
        ],
    )
    sc.connect("dc", "n", syn_spec={"delay": delay(), "weight": rng.uniform(0.5, 1.5)})
    sc.connect("st", "n", syn_spec={"delay": delay()})
    for i, w in enumerate([rng.uniform(2, 25), rng.uniform(-15, -1), rng.uniform(2, 10)]):
        sc.connect(("sg", slice(i, i + 1)), "n", syn_spec={"weight": w, "delay": delay()})
    steps = np.sort(rng.choice(np.arange(1, round(T / dt)), 2, replace=False))
    sc.simulate = [round(float(k) * dt, 9) for k in np.diff([0, *steps, round(T / dt)])]


def cond_neuron(rng, early=None, late=None):
    """Random parameters of a conductance-based neuron, drawn in this order: the common ones up to
    E_in, then ``early(rng)`` (a dict), t_ref, V_m, g_ex, g_in, then ``late(rng)``, then I_e."""
    p = {
        "E_L": rng.uniform(-75, -60),
        "V_th": rng.uniform(-58, -50),
        "V_reset": rng.uniform(-75, -60),
        "C_m": rng.uniform(100, 400),
        "g_L": rng.uniform(5, 30),
        "E_ex": rng.uniform(-10, 10),
        "E_in": rng.uniform(-90, -70),
    }
    if early is not None:
        p.update(early(rng))
    p.update(
        {
            "t_ref": round(rng.uniform(0.05, 3.0), 2) * rng.choice([0, 1, 1, 1]),
            "V_m": rng.uniform(-75, -52),
            "g_ex": rng.uniform(0, 5),
            "g_in": rng.uniform(0, 5),
        }
    )
    if late is not None:
        p.update(late(rng))
    p["I_e"] = p["g_L"] * (p["V_th"] - p["E_L"]) * rng.uniform(0.8, 2.0)
    return p


def cond_random_neurons_and_inputs(parity, model, record, neuron, dt, seed, T):
    """Six random neurons (``neuron(rng)``) under :func:`cond_drive`, category B."""
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(model, dt, [neuron(rng) for _ in range(6)], 6, record)
    cond_drive(sc, rng, dt, T)
    ours = parity.neuron(sc, model, record, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["g_in"]) > 10


def cond_parameter_checks_and_receptors(nest, model, bads):
    """Each of ``bads`` refused by NEST and nestjax; only receptor 0 for spikes and currents."""
    for bad in bads:
        with pytest.raises(nest.NESTError):
            nest.Create(model, 1, bad)
        with pytest.raises(BadProperty):
            nj.Simulator(dt=0.1).create(model, 1, bad)
    sim = nj.Simulator(dt=0.1)
    n = sim.create(model, 1)
    for src in ("spike_generator", "dc_generator"):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(sim.create(src, 1), n, syn_spec={"receptor_type": 1})
        with pytest.raises(nest.NESTError):
            nest.Connect(nest.Create(src), nest.Create(model), syn_spec={"receptor_type": 1})


@pytest.fixture
def cond():
    """The iaf_cond_* helpers above, as a namespace."""
    return SimpleNamespace(
        grid=grid,
        drive=cond_drive,
        neuron=cond_neuron,
        random_neurons_and_inputs=cond_random_neurons_and_inputs,
        parameter_checks_and_receptors=cond_parameter_checks_and_receptors,
    )


# --- iaf_psc_*_multisynapse -------------------------------------------------------------------


def multisynapse_compare(parity, model, sc, scenario):
    """Every recorder of ``sc``: identical sample times, samples within category A, identical spikes."""
    ours, theirs = run_both(sc)
    for label, kind in sc.recorders():
        if kind == "spikes":
            parity.events(model, ours[label], theirs[label], scenario)
            continue
        np.testing.assert_array_equal(ours[label]["times"], theirs[label]["times"], err_msg=scenario)
        np.testing.assert_array_equal(ours[label]["senders"], theirs[label]["senders"], err_msg=scenario)
        for name in ours[label]:
            if name not in ("times", "senders"):
                parity.samples(model, name, ours[label][name], theirs[label][name], "A", scenario)
    return ours


def multisynapse_neuron(rng, ports, tweak):
    """Random parameters with ``ports`` time constants; ``tweak(rng, p, ports)`` then changes ``p``
    (the model's own draws) before I_e is drawn."""
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
    tweak(rng, p, ports)
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * rng.uniform(0.8, 1.6)
    return p


def multisynapse_scenario(model, neuron, seed, dt, ports, mm_rule=None):
    """Neurons (``neuron(rng, ports)``) with different port counts in one population; spikes of both
    signs and multiplicities on every port, a current on port 0, every recordable of every node
    (multimeters connected with ``mm_rule``, NEST's default if None)."""
    rng = np.random.default_rng(seed)
    n = len(ports)
    sc = Scenario(dt=dt)
    sc.node("n", model, n, [neuron(rng, k) for k in ports])
    sc.node("sr", "spike_recorder")
    sc.connect("n", "sr")
    for k in range(1, max(ports) + 1):  # one multimeter per port, on the nodes that have it
        has = [i for i in range(n) if ports[i] >= k]
        record = [f"I_syn_{k}"] + (["V_m", "I_syn"] if k == 1 else [])
        sc.node(f"mm{k}", "multimeter", 1, {"record_from": record, "interval": dt})
        sc.connect(f"mm{k}", ("n", has), *([mm_rule] if mm_rule is not None else []))
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


def multisynapse_changes_between_calls(parity, model):
    """Between simulate calls: ports added to an unconnected node (a rebuild; input in flight to
    the connected node survives, new ports start at zero) and tau_m set equal to a tau_syn."""
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    names = ("V_m", "I_syn", "I_syn_1")

    def run(create, connect, simulate, set_):
        n = create(model, 2, {"tau_syn": [[1.5, 0.7], [3.0]], "I_e": [200.0, 0.0]})
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
            model,
            x,
            ours[x],
            np.asarray(ev[x])[keep].reshape(-1, 2),
            "A",
            "ports added and tau_m == tau_syn set between calls",
        )
    assert np.ptp(ours["I_syn"][:, 1]) > 100


@pytest.fixture
def multisynapse():
    """The iaf_psc_*_multisynapse helpers above, as a namespace."""
    return SimpleNamespace(
        compare=multisynapse_compare,
        neuron=multisynapse_neuron,
        scenario=multisynapse_scenario,
        changes_between_calls=multisynapse_changes_between_calls,
    )


# --- iaf_bw_2001, iaf_bw_2001_exact -----------------------------------------------------------


def bw_check(parity, model, record, sc, scenario, **events):
    """Every recordable of ``record`` within category B; the same spikes at the same steps (``events``:
    further arguments of ``parity.events``)."""
    ours, theirs = run_both(sc)
    np.testing.assert_array_equal(ours["mm"]["times"], theirs["mm"]["times"])
    for name in record:
        parity.samples(model, name, ours["mm"][name], theirs["mm"][name], "B", scenario)
    parity.events(model, ours["sr"], theirs["sr"], scenario, category="B", **events)
    return ours


def bw_neuron(rng, decay_first=False):
    """Random parameters; tau_decay_NMDA drawn first where ``decay_first``, else in its place."""
    tau_decay = rng.uniform(20, 150) if decay_first else None
    return {
        "E_L": rng.uniform(-75, -65),
        "E_ex": rng.uniform(-5, 5),
        "E_in": rng.uniform(-80, -65),
        "V_th": rng.uniform(-56, -50),
        "V_reset": rng.uniform(-65, -58),
        "V_m": rng.uniform(-70, -55),
        "C_m": rng.uniform(200, 600),
        "g_L": rng.uniform(10, 40),
        "t_ref": float(rng.choice([0.0, 0.25, 2.0])),
        "tau_AMPA": rng.uniform(1, 5),
        "tau_GABA": rng.uniform(2, 10),
        "tau_decay_NMDA": tau_decay if decay_first else rng.uniform(20, 150),
        "tau_rise_NMDA": rng.uniform(0.5, 5),
        "alpha": rng.uniform(0.1, 1.0),
        "conc_Mg2": rng.uniform(0.5, 2),
        "gsl_error_tol": float(rng.choice([1e-3, 1e-4])),
    }


def bw_scenario(model, record, seed, dt, neuron, n_targets, drivers, n_generators, generators=None):
    """Three drivers "d" (dc and step currents) and ``n_targets`` targets "n" of ``model`` with
    parameters ``neuron(rng)``; ``drivers(sc, rng)`` connects the drivers to the targets; then
    ``n_generators`` spike generators (multiplicities), the first two onto the targets' AMPA and GABA
    ports with weights of both signs, ``generators(sc)`` connects further ones; multimeter "mm"
    (``record``) and spike recorder "sr" on all; several simulate calls."""
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt)
    sc.node("d", model, 3, [neuron(rng) for _ in range(3)])
    sc.node("n", model, n_targets, [neuron(rng) for _ in range(n_targets)])
    sc.node("mm", "multimeter", 1, {"record_from": record, "interval": dt})
    sc.node("sr", "spike_recorder")
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(500, 900)})
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [5.0, 20.3, 41.0], "amplitude_values": [rng.uniform(-50, 150), 300.0, -30.0]},
    )
    sc.connect("dc", "d", syn_spec={"weight": 1.0, "delay": 0.3})
    sc.connect("step", "d")
    sc.connect("step", "n", syn_spec={"delay": 0.5})
    drivers(sc, rng)
    times = [list(np.round(np.sort(rng.uniform(0.5, 55.0, 20)), 1)) for _ in range(n_generators)]
    sc.node(
        "sg",
        "spike_generator",
        n_generators,
        [{"spike_times": t, "spike_multiplicities": list(rng.integers(1, 4, 20))} for t in times],
    )
    for i, port in enumerate([1, 2]):
        sg = ("sg", slice(i, i + 1))
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": rng.uniform(0.5, 3.0), "delay": 0.4})
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": -rng.uniform(0.0, 0.5), "delay": 1.1})
    if generators is not None:
        generators(sc)
    sc.connect("mm", "d")
    sc.connect("mm", "n")
    sc.connect("d", "sr")
    sc.connect("n", "sr")
    sc.simulate = [17.3, 0.2, 42.5]
    return sc


@pytest.fixture
def bw():
    """The iaf_bw_2001(_exact) helpers above, as a namespace."""
    return SimpleNamespace(check=bw_check, neuron=bw_neuron, scenario=bw_scenario)
