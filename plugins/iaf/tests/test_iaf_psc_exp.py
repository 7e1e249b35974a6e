"""Parity of iaf_psc_exp with live NEST: category A (1e-9, identical spikes) for the deterministic
threshold; category E (rates and ISI distribution, two-sample tests) for the stochastic one."""

import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.testing import Scenario, neuron_scenario, run_both, run_nestjax

MODEL = "iaf_psc_exp"
RECORD = ["V_m", "I_syn_ex", "I_syn_in"]


def _check(parity, sc, scenario):
    return parity.neuron(sc, MODEL, RECORD, "A", scenario)


def _net(dt, params, n=1, interval=None):
    return neuron_scenario(MODEL, dt, params, n, RECORD, interval)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_dc_via_I_e(parity, dt):
    sc = _net(dt, [{"I_e": 376.0}, {"I_e": 600.0, "t_ref": 0.0, "E_L": -65.0, "V_m": -60.0}], n=2)
    sc.simulate = [200.0]
    ours = _check(parity, sc, f"I_e, t_ref 0, dt={dt}")
    assert ours["sr"]["times"].size >= 8


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_currents_on_both_receptors_and_spike_input(parity, dt):
    sc = _net(dt, [{"I_e": 100.0, "tau_syn_ex": 0.5, "t_ref": 1.25},
                   {"tau_m": 2.0, "tau_syn_ex": 2.0, "tau_syn_in": 7.0, "C_m": 80.0, "t_ref": 0.0},
                   {"tau_m": 5.0, "tau_syn_ex": 5.0, "tau_syn_in": 5.0 * (1 + 1e-12), "V_reset": -80.0,
                    "E_L": -68.0, "V_th": -56.0, "t_ref": 3.33}], n=3)
    sc.node("dc", "dc_generator", 2, [{"amplitude": 320.0, "start": 20.0, "stop": 90.0},
                                       {"amplitude": 150.0, "start": 5.0, "stop": 60.3}])
    sc.node("sg", "spike_generator", 2, [{"spike_times": [2.0, 10.5, 10.5, 30.0, 31.0, 55.2, 55.3]},
                                          {"spike_times": [4.0, 12.0, 40.0, 60.0, 60.1, 99.9],
                                           "spike_multiplicities": [1, 2, 3, 1, 1, 2]}])
    sc.connect(("dc", slice(0, 1)), "n", syn_spec={"delay": 0.5, "weight": 1.5})
    sc.connect(("dc", slice(1, 2)), "n", syn_spec={"delay": 0.33, "weight": 0.8, "receptor_type": 1})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": 900.0, "delay": 1.0})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": 300.0, "delay": 0.73})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -450.0, "delay": 2.35})
    sc.simulate = [37.3, 0.4, 62.3]
    ours = _check(parity, sc, f"dc on receptors 0 and 1, spikes on both signs, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 3
    assert np.ptp(ours["mm"]["I_syn_in"]) > 100


def test_refractory_and_equal_time_constants(parity):
    sc = _net(0.1, [{"I_e": 2500.0, "t_ref": 5.0, "tau_m": 2.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0},
                    {"I_e": 2500.0, "t_ref": 0.25, "tau_m": 2.0, "tau_syn_ex": 2.0 + 1e-9}], n=2)
    sc.node("sg", "spike_generator", 1, {"spike_times": [3.0, 3.2, 7.0, 9.9]})
    sc.connect("sg", "n", syn_spec={"weight": 2000.0, "delay": 0.1})
    sc.simulate = [50.0]
    ours = _check(parity, sc, "refractory periods, tau_m == tau_syn")
    assert ours["sr"]["times"].size > 10


def _random_neuron(rng):
    p = {"E_L": rng.uniform(-75, -60), "V_th": rng.uniform(-58, -50), "V_reset": rng.uniform(-80, -62),
         "C_m": rng.uniform(50, 400), "tau_m": rng.uniform(2, 30), "V_m": rng.uniform(-70, -60),
         "tau_syn_ex": rng.uniform(0.2, 10), "tau_syn_in": rng.uniform(0.2, 10),
         "t_ref": float(rng.choice([0.0, 0.13, 1.0, 2.77]))}
    if rng.integers(2):
        p["tau_syn_ex"] = p["tau_m"]
    p["I_e"] = p["C_m"] * (p["V_th"] - p["E_L"]) / p["tau_m"] * rng.uniform(0.9, 1.8)
    return p


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_parameters_and_input(parity, seed):
    rng = np.random.default_rng(seed)
    dt = [0.1, 0.05, 0.01][seed]
    sc = _net(dt, [_random_neuron(rng) for _ in range(5)], n=5, interval=0.3)
    times = [list(np.round(np.sort(rng.uniform(0.5, 120.0, 60)), 1)) for _ in range(3)]
    sc.node("sg", "spike_generator", 3, [{"spike_times": t} for t in times])
    for i, w in enumerate([rng.uniform(50, 400), rng.uniform(-200, 0), rng.uniform(-200, 400)]):
        delay = round(rng.uniform(0.1, 3.0), 3)
        sc.connect(("sg", slice(i, i + 1)), "n", syn_spec={"weight": w, "delay": delay})
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(-200, 300), "start": 15.0, "stop": 70.0})
    sc.connect("dc", "n", syn_spec={"delay": 0.2, "receptor_type": int(rng.integers(2))})
    sc.simulate = [33.3, 50.1, 36.6]
    ours = _check(parity, sc, f"random parameters and input, seed {seed}")
    assert ours["sr"]["times"].size > 0


def test_receptors_as_nest():
    """Spikes only on receptor 0, currents on 0 and 1 (NEST's handles_test_event)."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    sim.connect(dc, n, syn_spec={"receptor_type": 1})
    with pytest.raises(ValueError, match="receptor"):
        sim.connect(sg, n, syn_spec={"receptor_type": 1})
    with pytest.raises(ValueError, match="receptor"):
        sim.connect(dc, n, syn_spec={"receptor_type": 2})


def _isis(events, n):
    s, t = np.asarray(events["senders"]), np.asarray(events["times"])
    return np.concatenate([np.diff(np.sort(t[s == g])) for g in np.unique(s)]), t.size / n


def test_stochastic_threshold_statistics(parity):
    """Category E: escape noise (delta > 0). 400 neurons, 2 s: the mean rates agree within 4
    standard errors and a two-sample KS test of the ISIs does not reject at 0.001."""
    n, T = 400, 2000.0
    sc = Scenario(dt=0.1)
    sc.node("n", MODEL, n, {"I_e": 350.0, "delta": 2.0, "rho": 100.0, "t_ref": 2.0})
    sc.node("sr", "spike_recorder")
    sc.connect("n", "sr")
    sc.simulate = [T / 2, T / 2]
    ours, theirs = run_both(sc, seed=7)
    isi_o, c_o = _isis(ours["sr"], n)
    isi_t, c_t = _isis(theirs["sr"], n)
    assert c_t > 30  # about 50 spikes per neuron in NEST
    se = np.sqrt((c_o + c_t) / n)  # Poisson-like standard error of the difference of mean counts
    assert abs(c_o - c_t) < 4 * se, (c_o, c_t)
    ks = stats.ks_2samp(isi_o, isi_t)
    assert ks.pvalue > 1e-3, ks
    parity.report.add(MODEL, "ISI distribution (delta > 0), KS distance", "E", "400 neurons x 2 s",
                      ks.statistic)


def test_stochastic_threshold_independent_of_split():
    """Draws are keyed by (seed, step, node): the same spikes however simulate is split."""
    def run(calls):
        sc = Scenario(dt=0.1)
        sc.node("n", MODEL, 50, {"I_e": 350.0, "delta": 2.0, "rho": 100.0})
        sc.node("sr", "spike_recorder")
        sc.connect("n", "sr")
        sc.simulate = calls
        return run_nestjax(sc, seed=3)["sr"]

    a, b = run([300.0]), run([123.4, 76.6, 100.0])
    assert a["times"].size > 100
    np.testing.assert_array_equal(a["times"], b["times"])
    np.testing.assert_array_equal(a["senders"], b["senders"])
