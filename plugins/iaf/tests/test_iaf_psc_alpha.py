"""Parity of iaf_psc_alpha with live NEST: category A (1e-9 mV, identical spikes)."""

import pytest

from nestjax.testing import neuron_scenario

MODEL = "iaf_psc_alpha"
RECORD = ["V_m", "I_syn_ex", "I_syn_in"]


def _check(parity, sc, scenario):
    return parity.neuron(sc, MODEL, RECORD, "A", scenario)


def _net(dt, params, n=1, interval=None):
    return neuron_scenario(MODEL, dt, params, n, RECORD, interval)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_dc_via_I_e(parity, dt):
    sc = _net(dt, {"I_e": 376.0})
    sc.simulate = [300.0]
    ours = _check(parity, sc, f"I_e=376 pA, dt={dt}")
    assert ours["sr"]["times"].size >= 4


def test_program_of_the_issue_matches_nest_exactly(parity):
    sc = _net(0.1, {"I_e": 376.0}, interval=1.0)
    sc.simulate = [1000.0]
    ours = _check(parity, sc, "I_e=376 pA, 1000 ms")
    assert ours["mm"]["V_m"].shape == (1000, 1)
    assert ours["sr"]["times"].size == 16
    assert ours["sr"]["times"][[0, -1]] == pytest.approx([59.3, 978.8], abs=1e-12)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_dc_generator_and_spike_input(parity, dt):
    sc = _net(dt, [{"I_e": 100.0, "tau_syn_ex": 0.5, "t_ref": 1.3},
                   {"tau_m": 2.0, "tau_syn_ex": 2.0, "tau_syn_in": 7.0, "C_m": 80.0, "t_ref": 0.0},
                   {"tau_m": 5.0, "tau_syn_ex": 5.0, "V_reset": -80.0, "V_min": -72.0}], n=3)
    sc.node("dc", "dc_generator", 1, {"amplitude": 320.0, "start": 20.0, "stop": 90.0})
    sc.node("sg", "spike_generator", 2, [{"spike_times": [2.0, 10.5, 10.5, 30.0, 31.0, 55.2, 55.3]},
                                          {"spike_times": [4.0, 12.0, 40.0, 60.0, 60.1, 99.9],
                                           "spike_multiplicities": [1, 2, 3, 1, 1, 2]}])
    sc.connect("dc", "n", syn_spec={"delay": 0.5, "weight": 1.5})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": 900.0, "delay": 1.0})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -450.0, "delay": 2.3})
    sc.simulate = [37.3, 0.4, 62.3]
    ours = _check(parity, sc, f"dc + spikes on both signs, split calls, 3 parameter sets, dt={dt}")
    assert ours["sr"]["times"].size > 0


def test_refractory_and_equal_time_constants(parity):
    sc = _net(0.1, [{"I_e": 1500.0, "t_ref": 5.0, "tau_m": 2.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0},
                    {"I_e": 1500.0, "t_ref": 0.25, "tau_m": 2.0, "tau_syn_ex": 2.0 + 1e-9}], n=2)
    sc.node("sg", "spike_generator", 1, {"spike_times": [3.0, 3.2, 7.0, 9.9]})
    sc.connect("sg", "n", syn_spec={"weight": 2000.0, "delay": 0.1})
    sc.simulate = [50.0]
    ours = _check(parity, sc, "refractory periods, tau_m == tau_syn")
    assert ours["sr"]["times"].size > 10
