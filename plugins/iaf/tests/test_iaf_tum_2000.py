"""Parity of iaf_tum_2000 with live NEST: category A (1e-9, identical spikes, recorded at stamp
minus offset as NEST's spike recorder does) for the deterministic threshold; category E (mean
rate) for the stochastic one."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, run_both

MODEL = "iaf_tum_2000"
RECORD = ["V_m", "I_syn_ex", "I_syn_in"]


def _random_neuron(rng, drive):
    p = {
        "E_L": rng.uniform(-75, -60),
        "V_th": rng.uniform(-58, -50),
        "V_reset": rng.uniform(-80, -62),
        "C_m": rng.uniform(50, 400),
        "tau_m": rng.uniform(2, 30),
        "V_m": rng.uniform(-70, -60),
        "tau_syn_ex": rng.uniform(0.2, 10),
        "tau_syn_in": rng.uniform(0.2, 10),
        "t_ref": float(rng.choice([0.0, 0.13, 1.0, 2.77])),
        "U": rng.uniform(0.05, 0.9),
        "tau_fac": float(rng.choice([0.0, rng.uniform(5, 1500)])),
        "tau_psc": rng.uniform(0.5, 10),
        "tau_rec": rng.uniform(20, 800),
    }
    if rng.integers(2):
        p["tau_syn_ex"] = p["tau_m"]
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * drive
    return p


def _scenario(seed, dt):
    """Drivers (firing on their own, random parameters) send their Tsodyks-Markram offsets on port 1
    to targets, with weights of both signs; spike generators (multiplicities, both signs) on port 0;
    dc and step currents on current ports 0 and 1; recorded from all; several simulate calls."""
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt)
    sc.node("d", MODEL, 3, [_random_neuron(rng, rng.uniform(1.1, 2.5)) for _ in range(3)])
    sc.node("n", MODEL, 3, [_random_neuron(rng, rng.uniform(0.0, 0.9)) for _ in range(3)])
    sc.node("mm", "multimeter", 1, {"record_from": RECORD, "interval": dt})
    sc.node("sr", "spike_recorder")
    for i in range(3):
        w = rng.uniform(200, 1500) * (1 if i < 2 else -1)
        sc.connect(
            ("d", slice(i, i + 1)),
            "n",
            syn_spec={"receptor_type": 1, "weight": w, "delay": round(rng.uniform(0.1, 2.0), 2)},
        )
    times = [list(np.round(np.sort(rng.uniform(0.5, 80.0, 25)), 1)) for _ in range(2)]
    sc.node(
        "sg",
        "spike_generator",
        2,
        [{"spike_times": t, "spike_multiplicities": list(rng.integers(1, 4, 25))} for t in times],
    )
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": rng.uniform(100, 600), "delay": 0.5})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -rng.uniform(100, 600), "delay": 1.3})
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-100, 300), "start": 10.0, "stop": 60.0})
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [5.0, 25.3, 61.0], "amplitude_values": list(rng.uniform(-100, 300, 3))},
    )
    sc.connect("dc", "n", syn_spec={"delay": 0.2})
    sc.connect("step", "n", syn_spec={"delay": 0.4, "receptor_type": 1})
    sc.connect("mm", "d")
    sc.connect("mm", "n")
    sc.connect("d", "sr")
    sc.connect("n", "sr")
    sc.simulate = [23.3, 0.7, 56.0]
    return sc


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01), (2, 0.1)])
def test_offsets_on_port_1_random_parameters(parity, seed, dt):
    ours = parity.neuron(
        _scenario(seed, dt), MODEL, RECORD, "A", f"random parameters, offsets, seed {seed}, dt={dt}"
    )
    offsets = ours["sr"]["times"] % dt
    assert np.any((offsets > 1e-6) & (offsets < dt - 1e-6))  # recorded at stamp - offset
    assert np.ptp(ours["mm"]["I_syn_in"]) > 10 and np.ptp(ours["mm"]["I_syn_ex"]) > 10


def test_receptors_as_nest():
    """Spikes and currents on ports 0 and 1 only (NEST's handles_test_event)."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    sim.connect(sg, n, syn_spec={"receptor_type": 1})
    sim.connect(dc, n, syn_spec={"receptor_type": 1})
    for src in (sg, dc):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(src, n, syn_spec={"receptor_type": 2})
    with pytest.raises(ValueError, match="'U' must be in"):
        sim.create(MODEL, 1, U=1.5)
    with pytest.raises(ValueError, match="tau_fac"):
        sim.create(MODEL, 1, tau_fac=-1.0)


def test_stochastic_threshold_rate(parity):
    """Category E: escape noise (delta > 0), 200 neurons x 1 s: the mean spike counts agree within
    4 standard errors of their difference (Poisson-like), seeds fixed."""
    n = 200
    sc = Scenario(dt=0.1)
    sc.node("n", MODEL, n, {"I_e": 350.0, "delta": 2.0, "rho": 100.0, "t_ref": 2.0})
    sc.node("sr", "spike_recorder")
    sc.connect("n", "sr")
    sc.simulate = [500.0, 500.0]
    ours, theirs = run_both(sc, seed=11)
    c_o, c_t = ours["sr"]["times"].size / n, theirs["sr"]["times"].size / n
    assert c_t > 20
    se = np.sqrt((c_o + c_t) / n)
    assert abs(c_o - c_t) < 4 * se, (c_o, c_t)
    parity.report.add(
        MODEL,
        "spike count per neuron (delta > 0), |difference| / SE",
        "E",
        "200 neurons x 1 s",
        abs(c_o - c_t) / se,
    )


def test_port_0_from_iaf_tum_2000_refused_as_nest(nest):
    """A tum neuron's spikes go to port 1 of another: port 0 is NEST's IllegalConnection."""
    a, b = nest.Create(MODEL), nest.Create(MODEL)
    with pytest.raises(nest.NESTError, match="receptor_type 1"):
        nest.Connect(a, b)
    sim = nj.Simulator(dt=0.1)
    x, y = sim.create(MODEL, 2), sim.create(MODEL, 1)
    with pytest.raises(ValueError, match="receptor_type 1"):
        sim.connect(x, y)
    sim.connect(x, y, syn_spec={"receptor_type": 1})
    sim.connect(sim.create("spike_generator"), y)  # other sources may use port 0
