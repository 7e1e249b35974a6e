"""Parity of aeif_cond_beta_multisynapse with live NEST: category B (V_m, w and every g_k within 1e-6
in NEST's units, identical spike steps) where NEST's own result is determined at that level
(``adex.compare``); receptor ports, port counts and NEST's parameter checks."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import neuron_scenario, run_both

MODEL = "aeif_cond_beta_multisynapse"
PORTS = 3
RECORD = ["V_m", "w", *(f"g_{k}" for k in range(1, PORTS + 1))]
SPIKES = [(k, 0.5, 12.0) for k in range(1, PORTS + 1)]  # (receptor, weights from, to)


def _ports(rng, n=PORTS):
    rise = rng.uniform(0.1, 5.0, n)
    decay = rise + rng.choice([0.0, 1e-7, 1.0, 10.0], n) * rng.uniform(0.5, 2.0, n)  # incl. rise = decay
    return {
        "E_rev": [float(e) for e in rng.choice([0.0, -80.0], n) + rng.uniform(-10, 10, n)],
        "tau_rise": [float(r) for r in rise],
        "tau_decay": [float(d) for d in decay],
    }


def test_nest_example(parity, adex):
    """NEST's example ``aeif_cond_beta_multisynapse.py``: one spike reaching four ports at 1, 300,
    500 and 700 ms delay."""
    params = {"V_peak": 0.0, "a": 4.0, "b": 80.5, "E_rev": [0.0, 0.0, 0.0, -85.0]}
    params.update(tau_decay=[50.0, 20.0, 20.0, 20.0], tau_rise=[10.0, 10.0, 1.0, 1.0])
    record = ["V_m", "w", "g_1", "g_2", "g_3", "g_4"]
    sc = neuron_scenario(MODEL, 0.1, [params], 1, record)
    sc.node("sg", "spike_generator", 1, {"spike_times": [10.0]})
    for port, delay in enumerate([1.0, 300.0, 500.0, 700.0], start=1):
        sc.connect("sg", "n", syn_spec={"receptor_type": port, "weight": 1.0, "delay": delay})
    sc.simulate = [1000.0]
    ours, _ = adex.compare(parity, sc, MODEL, record, "NEST's example, 4 ports")
    assert all(np.ptp(ours["mm"][f"g_{k}"]) > 0.5 for k in range(1, 5))


@pytest.mark.parametrize("dt,seed,T", [(0.1, 1, 200.0), (0.01, 2, 50.0)])
def test_random_neurons_and_inputs(parity, adex, dt, seed, T):
    """Random parameters, ports (rise = decay included), state and tolerances (one neuron with
    Delta_T = 0), spikes with multiplicities and spike weights on every port, currents on port 0,
    three simulate calls."""
    sc = adex.random_scenario(MODEL, RECORD, dt, seed, T, _ports, SPIKES, signed=False)
    ours, _ = adex.compare(parity, sc, MODEL, RECORD, f"random parameters, 3 ports, split calls, dt={dt}")
    assert len(np.unique(ours["sr"]["senders"])) > 5
    assert all(np.ptp(ours["mm"][f"g_{k}"]) > 5 for k in range(1, PORTS + 1))


def test_different_port_counts(parity):
    """Neurons with 4, 2 and 3 ports in one population; multimeters on the ports each has."""
    sc = neuron_scenario(MODEL, 0.1, [], 0)
    sc.nodes.clear()
    sc.connections.clear()
    rng = np.random.default_rng(5)
    sc.node("n", MODEL, 3, [{**_ports(rng, k), "I_e": 300.0, "t_ref": 0.5 * k} for k in (4, 2, 3)])
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m", "w", "g_1", "g_2"], "interval": 0.1})
    sc.node("mm3", "multimeter", 1, {"record_from": ["g_3"], "interval": 0.1})
    sc.node("sr", "spike_recorder")
    sc.connect("mm", "n")
    sc.connect("mm3", ("n", [0, 2]), "all_to_all")
    sc.connect("n", "sr")
    times = [round(float(t), 1) for t in np.sort(rng.uniform(1, 90, 30))]
    sc.node("sg", "spike_generator", 1, {"spike_times": times, "spike_multiplicities": [1, 2, 3] * 10})
    for k in (1, 2):
        sc.connect("sg", "n", syn_spec={"weight": 4.0 * k, "delay": 0.1 * k, "receptor_type": k})
    sc.connect("sg", ("n", [0, 2]), "all_to_all", syn_spec={"weight": 6.0, "delay": 2.0, "receptor_type": 3})
    sc.connect("sg", ("n", [0]), syn_spec={"weight": 2.0, "delay": 1.0, "receptor_type": 4})
    sc.simulate = [41.3, 58.7]
    ours, theirs = run_both(sc)
    for label in ("mm", "mm3"):
        for name in ours[label]:
            if name not in ("times", "senders"):
                parity.samples(MODEL, name, ours[label][name], theirs[label][name], "B", "ports 4/2/3")
    parity.events(MODEL, ours["sr"], theirs["sr"], "ports 4/2/3")
    assert ours["sr"]["times"].size > 5


def test_ports_and_parameter_checks_as_nest(nest, adex):
    ours = nj.Simulator(dt=0.1)
    n = ours.create(
        MODEL,
        2,
        params={
            "E_rev": [[0.0, -80.0], [0.0]],
            "tau_rise": [[1.0, 2.0], [1.0]],
            "tau_decay": [[3.0, 4.0], [5.0]],
        },
    )
    theirs = nest.Create(
        MODEL,
        2,
        params=[
            {"E_rev": [0.0, -80.0], "tau_rise": [1.0, 2.0], "tau_decay": [3.0, 4.0]},
            {"E_rev": [0.0], "tau_rise": [1.0], "tau_decay": [5.0]},
        ],
    )
    sg = ours.create("spike_generator")
    with pytest.raises(ValueError, match="[Rr]eceptor type 2"):
        ours.connect(sg, n[1], syn_spec={"receptor_type": 2})
    with pytest.raises(nest.NESTError):
        nest.Connect(nest.Create("spike_generator"), theirs[1], syn_spec={"receptor_type": 2})
    with pytest.raises(ValueError, match="[Rr]eceptor type 0"):
        ours.connect(sg, n, syn_spec={"receptor_type": 0})
    ours.connect(sg, n[0], syn_spec={"receptor_type": 2})
    nest.Connect(nest.Create("spike_generator"), theirs[0], syn_spec={"receptor_type": 2})
    assert list(n.get("n_receptors")) == list(theirs.get("n_receptors")) == [2, 1]
    assert list(n.get("has_connections")) == list(theirs.get("has_connections")) == [True, False]
    for bad in [{"E_rev": [0.0]}, {"E_rev": [0.0], "tau_rise": [1.0], "tau_decay": [2.0]}]:  # fewer ports
        with pytest.raises(nest.NESTError):
            theirs[0].set(bad)
        with pytest.raises(BadProperty):
            n[0].set(bad)
    grow = {"E_rev": [0.0, -80.0, 10.0], "tau_rise": [1.0, 2.0, 3.0], "tau_decay": [3.0, 4.0, 5.0]}
    theirs[0].set(grow)
    n[0].set(grow)
    assert list(n.get("n_receptors")) == list(theirs.get("n_receptors")) == [3, 1]
    bad = [
        {"tau_rise": [0.0], "tau_decay": [1.0], "E_rev": [0.0]},
        {"tau_rise": [2.0], "tau_decay": [1.0], "E_rev": [0.0]},
        {"tau_rise": [1.0, 2.0], "tau_decay": [3.0], "E_rev": [0.0]},
        {"V_reset": 0.0},
        {"V_peak": -55.0},
        {"Delta_T": -1.0},
        {"C_m": 0.0},
        {"t_ref": -0.1},
        {"tau_w": 0.0},
        {"gsl_error_tol": 0.0},
    ]
    adex.parameter_checks(nest, MODEL, bad, ok=[{"Delta_T": 0.0, "V_peak": -50.4}])
