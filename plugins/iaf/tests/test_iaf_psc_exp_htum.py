"""Parity of iaf_psc_exp_htum with live NEST: category A (1e-9, identical spikes) for every
recordable, with absolute and total refractory periods of different lengths."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import neuron_scenario

MODEL = "iaf_psc_exp_htum"
RECORD = ["V_m", "I_syn_ex", "I_syn_in"]


def _random_neuron(rng):
    p = {
        "E_L": rng.uniform(-75, -60),
        "V_th": rng.uniform(-58, -50),
        "V_reset": rng.uniform(-80, -62),
        "C_m": rng.uniform(50, 400),
        "tau_m": rng.uniform(2, 30),
        "V_m": rng.uniform(-70, -60),
        "tau_syn_ex": rng.uniform(0.2, 10),
        "tau_syn_in": rng.uniform(0.2, 10),
        "t_ref_abs": float(rng.choice([0.1, 0.13, 1.0, 2.77])),
    }
    p["t_ref_tot"] = p["t_ref_abs"] + float(rng.choice([0.0, 0.37, 4.0]))
    if rng.integers(2):
        p["tau_syn_ex"] = p["tau_m"]
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * rng.uniform(0.9, 2.5)
    return p


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_random_parameters_and_input(parity, dt):
    """Six neurons with seeded random parameters (refractory periods abs < tot and abs == tot),
    spikes of both signs with multiplicities, a dc and a step current, three simulate calls."""
    rng = np.random.default_rng(11 if dt == 0.1 else 12)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    sc.node(
        "sg",
        "spike_generator",
        3,
        [
            {"spike_times": [round(t, 1) for t in np.sort(rng.uniform(0.5, 60.0, 30))]},
            {"spike_times": [2.0, 7.5, 7.5, 20.0, 33.3, 41.0], "spike_multiplicities": [1, 2, 1, 3, 1, 2]},
            {"spike_times": [round(t, 1) for t in np.sort(rng.uniform(0.5, 60.0, 20))]},
        ],
    )
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": rng.uniform(100, 600), "delay": 1.0})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -rng.uniform(100, 600), "delay": 0.7})
    sc.connect(("sg", slice(2, 3)), "n", syn_spec={"weight": rng.uniform(-400, 400), "delay": 2.3})
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-150, 300), "start": 10.0, "stop": 40.0})
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [5.0, 25.3, 50.0], "amplitude_values": [200.0, -100.0, 400.0]},
    )
    sc.connect("dc", "n", syn_spec={"delay": 0.2})
    sc.connect("step", "n", syn_spec={"delay": 0.5, "weight": 0.8})
    sc.simulate = [17.3, 0.4, 42.3]
    ours = parity.neuron(sc, MODEL, RECORD, "A", f"random parameters, spikes, dc and steps, dt={dt}")
    counts = np.bincount(ours["sr"]["senders"] - 1, minlength=6)
    assert counts.min() > 1, counts
    assert np.ptp(ours["mm"]["I_syn_in"]) > 50


def test_relative_refractoriness(parity):
    """Strong drive: V_m is held for t_ref_abs, then rises above threshold without firing until
    t_ref_tot has passed."""
    sc = neuron_scenario(
        MODEL,
        0.1,
        [
            {"I_e": 3000.0, "t_ref_abs": 0.5, "t_ref_tot": 3.0, "tau_m": 4.0},
            {"I_e": 3000.0, "t_ref_abs": 2.0, "t_ref_tot": 2.0, "tau_m": 4.0},
        ],
        2,
        RECORD,
    )
    sc.simulate = [30.0]
    ours = parity.neuron(sc, MODEL, RECORD, "A", "relative refractoriness, V_m above V_th unfired")
    v, theta = ours["mm"]["V_m"][:, 0], -55.0 + 70.0  # recordable V_m is relative to E_L, as NEST's
    assert np.any(v > theta + 5.0)
    isi = np.diff(ours["sr"]["times"][ours["sr"]["senders"] == 1])
    assert np.all(isi >= 3.0 - 1e-9)


def test_receptors_and_errors():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    for src in (sg, dc):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(src, n, syn_spec={"receptor_type": 1})
    with pytest.raises(BadProperty, match="Total refractory period"):
        sim.create(MODEL, 1, {"t_ref_abs": 3.0, "t_ref_tot": 2.0})
    with pytest.raises(BadProperty, match="at least one time step"):
        sim.create(MODEL, 1, {"t_ref_abs": 0.0004, "t_ref_tot": 2.0})
    with pytest.raises(BadProperty, match="strictly positive"):
        n.set(tau_syn_in=0.0)
    assert float(n.get("V_m").mantissa) == -70.0
