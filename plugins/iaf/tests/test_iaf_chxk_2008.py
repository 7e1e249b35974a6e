"""Parity of iaf_chxk_2008 with live NEST: category B (<= 1e-6 in NEST units) for every
recordable; spikes in the same steps, with the interpolated spike times (the step's end minus the
SpikeEvent offset, as NEST's spike recorder shows them) within 1e-9 ms."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import compare_events, neuron_scenario, run_both

MODEL = "iaf_chxk_2008"
RECORD = ["V_m", "g_ex", "g_in", "g_ahp", "I_syn_ex", "I_syn_in", "I_ahp"]
TIME_TOL = 1e-9  # ms, on spike times interpolated from V_m (category B)


def _random_neuron(rng):
    p = {
        "E_L": rng.uniform(-70, -55),
        "V_th": rng.uniform(-50, -40),
        "C_m": rng.uniform(300, 2000),
        "g_L": rng.uniform(30, 200),
        "E_ex": rng.uniform(0, 30),
        "E_in": rng.uniform(-95, -75),
        "tau_syn_ex": rng.uniform(0.2, 3),
        "tau_syn_in": rng.uniform(0.2, 5),
        "tau_ahp": rng.uniform(0.2, 2),
        "g_ahp": rng.uniform(100, 800),
        "E_ahp": rng.uniform(-100, -80),
        "V_m": rng.uniform(-70, -50),
        "ahp_bug": bool(rng.integers(2)),
    }
    p["I_e"] = p["g_L"] * (p["V_th"] - p["E_L"]) * rng.uniform(1.3, 3.0)
    return p


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_random_parameters_and_input(parity, dt):
    """Six neurons with seeded random parameters (ahp_bug on and off), connected among themselves
    (their spikes carry offsets), spikes of both signs with multiplicities, a dc and a step
    current, three simulate calls; every recordable."""
    rng = np.random.default_rng(21 if dt == 0.1 else 22)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    sc.node(
        "sg",
        "spike_generator",
        2,
        [
            {"spike_times": [round(t, 1) for t in np.sort(rng.uniform(0.5, 60.0, 30))]},
            {"spike_times": [2.0, 7.5, 7.5, 20.0, 33.3, 41.0], "spike_multiplicities": [1, 2, 1, 3, 1, 2]},
        ],
    )
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": rng.uniform(5, 40), "delay": 1.0})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -rng.uniform(5, 40), "delay": 0.7})
    sc.connect(
        ("n", slice(0, 5)), ("n", slice(1, 6)), "one_to_one", {"weight": rng.uniform(10, 30), "delay": 1.3}
    )
    sc.connect(("n", slice(3, 6)), ("n", slice(0, 3)), "one_to_one", {"weight": -rng.uniform(10, 30)})
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-500, 1500), "start": 10.0, "stop": 40.0})
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [5.0, 25.3, 50.0], "amplitude_values": [800.0, -600.0, 1500.0]},
    )
    sc.connect("dc", "n", syn_spec={"delay": 0.2})
    sc.connect("step", "n", syn_spec={"delay": 0.5, "weight": 0.8})
    sc.simulate = [17.3, 0.4, 42.3]
    what = f"random parameters, recurrent, spikes, dc and steps, dt={dt}"
    ours, theirs = run_both(sc)
    assert np.array_equal(ours["mm"]["times"], theirs["mm"]["times"])
    for name in RECORD:
        parity.samples(MODEL, name, ours["mm"][name], theirs["mm"][name], "B", what)
    compare_events(ours["sr"], theirs["sr"], what, time_tol=TIME_TOL)
    t_o, t_t = (np.sort(x["sr"]["times"] + 1e3 * x["sr"]["senders"]) for x in (ours, theirs))
    parity.report.add(MODEL, "spike times (interpolated)", "B", what, float(np.max(np.abs(t_o - t_t))))
    counts = np.bincount(ours["sr"]["senders"] - 1, minlength=6)
    assert counts.min() >= 1 and counts.sum() > 15, counts
    offsets = np.ceil(ours["sr"]["times"] / dt - 1e-6) * dt - ours["sr"]["times"]
    assert np.all(offsets > 1e-6 * dt)  # spike times are off the grid


def test_receptors_and_errors():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    for src in (sg, dc):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(src, n, syn_spec={"receptor_type": 1})
    with pytest.raises(BadProperty, match="Capacitance"):
        sim.create(MODEL, 1, {"C_m": 0.0})
    for tau in ("tau_syn_ex", "tau_syn_in", "tau_ahp"):
        with pytest.raises(BadProperty, match="time constants"):
            n.set({tau: -1.0})
