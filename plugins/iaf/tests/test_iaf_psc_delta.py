"""Parity of iaf_psc_delta with live NEST: category A (1e-9 mV, identical spikes)."""

import numpy as np
import pytest

from nestjax.testing import neuron_scenario

MODEL = "iaf_psc_delta"
RECORD = ["V_m"]


def _check(parity, sc, scenario):
    return parity.neuron(sc, MODEL, RECORD, "A", scenario)


def _net(dt, params, n=1, interval=None):
    return neuron_scenario(MODEL, dt, params, n, RECORD, interval)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_dc_via_I_e(parity, dt):
    sc = _net(dt, [{"I_e": 376.0}, {"I_e": 500.0, "t_ref": 0.0, "E_L": -65.0, "V_m": -60.0}], n=2)
    sc.simulate = [200.0]
    ours = _check(parity, sc, f"I_e, t_ref 0, dt={dt}")
    assert ours["sr"]["times"].size >= 8


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_dc_generator_and_spike_input(parity, dt):
    sc = _net(dt, [{"I_e": 100.0, "t_ref": 1.25},
                   {"tau_m": 4.0, "C_m": 80.0, "t_ref": 0.0, "V_th": -60.0, "E_L": -72.0},
                   {"tau_m": 25.0, "V_reset": -75.0, "V_min": -72.0, "refractory_input": True,
                    "t_ref": 3.33}], n=3)
    sc.node("dc", "dc_generator", 1, {"amplitude": 320.0, "start": 20.0, "stop": 90.0})
    sc.node("sg", "spike_generator", 2, [{"spike_times": [2.0, 10.5, 10.5, 30.0, 31.0, 55.2, 55.3]},
                                          {"spike_times": [4.0, 12.0, 40.0, 60.0, 60.1, 99.9],
                                           "spike_multiplicities": [1, 2, 3, 1, 1, 2]}])
    sc.connect("dc", "n", syn_spec={"delay": 0.5, "weight": 1.5})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": 9.0, "delay": 1.0})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": 4.5, "delay": 0.73})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -6.0, "delay": 2.35})
    sc.simulate = [37.3, 0.4, 62.3]
    ours = _check(parity, sc, f"dc + spikes on both signs, off-grid delays, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 3


def test_refractory_input(parity):
    """Input during refractoriness: dropped, or decayed and added when it ends (refractory_input)."""
    base = {"I_e": 800.0, "t_ref": 4.0, "tau_m": 8.0}
    sc = _net(0.1, [base, {**base, "refractory_input": True},
                    {**base, "refractory_input": True, "t_ref": 2.55, "V_min": -71.0}], n=3)
    sc.node("pg", "spike_generator", 1, {"spike_times": list(np.round(np.arange(1.0, 80.0, 0.7), 1))})
    sc.connect("pg", "n", syn_spec={"weight": 1.7, "delay": 1.0})
    sc.connect("pg", "n", syn_spec={"weight": -1.0, "delay": 1.3})
    sc.simulate = [40.0, 40.0]
    ours = _check(parity, sc, "refractory_input on and off")
    v = ours["mm"]["V_m"]
    assert not np.allclose(v[:, 0], v[:, 1])
    assert ours["sr"]["times"].size > 10


def _random_neuron(rng):
    p = {"E_L": rng.uniform(-75, -60), "V_th": rng.uniform(-58, -50), "V_reset": rng.uniform(-80, -62),
         "C_m": rng.uniform(50, 400), "tau_m": rng.uniform(2, 30), "V_m": rng.uniform(-70, -60),
         "t_ref": float(rng.choice([0.0, 0.13, 1.0, 2.77])), "refractory_input": bool(rng.integers(2))}
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * rng.uniform(0.9, 1.8)
    return p


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_parameters_and_input(parity, seed):
    rng = np.random.default_rng(seed)
    dt = [0.1, 0.05, 0.01][seed]
    n = 5
    params = [_random_neuron(rng) for _ in range(n)]
    sc = _net(dt, params, n=n, interval=0.3)
    times = [list(np.round(np.sort(rng.uniform(0.5, 120.0, 60)), 1)) for _ in range(3)]
    sc.node("sg", "spike_generator", 3, [{"spike_times": t} for t in times])
    for i, w in enumerate([rng.uniform(0, 10), rng.uniform(-8, 0), rng.uniform(-8, 10)]):
        delay = round(rng.uniform(0.1, 3.0), 3)
        sc.connect(("sg", slice(i, i + 1)), "n", syn_spec={"weight": w, "delay": delay})
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-200, 300), "start": 15.0, "stop": 70.0})
    sc.connect("dc", "n", syn_spec={"delay": 0.2})
    sc.simulate = [33.3, 50.1, 36.6]
    ours = _check(parity, sc, f"random parameters and input, seed {seed}")
    assert ours["sr"]["times"].size > 0


def test_delays_that_round_half_up(parity):
    """NEST rounds 1.15 ms to 1.2 ms and 1.45 ms to 1.5 ms at 0.1 ms (Time::delay_ms_to_steps)."""
    sc = _net(0.1, {"I_e": 300.0})
    sc.node("sg", "spike_generator", 1, {"spike_times": [5.0, 20.0, 20.5]})
    sc.connect("sg", "n", syn_spec={"weight": 3.0, "delay": 1.15})
    sc.connect("sg", "n", syn_spec={"weight": -2.0, "delay": 1.45})
    sc.simulate = [40.0]
    ours = _check(parity, sc, "delays 1.15 and 1.45 ms at 0.1 ms")
    assert np.ptp(np.diff(ours["mm"]["V_m"][:, 0])) > 1.0
