"""Parity of iaf_cond_exp with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps), NEST's parameter checks and receptors."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import neuron_scenario

MODEL = "iaf_cond_exp"
RECORD = ["V_m", "g_ex", "g_in"]


def _grid(rng, dt, lo, hi, n=None):
    """Sorted times on the grid of ``dt`` in [lo, hi] (one if ``n`` is None), repeats allowed."""
    steps = np.sort(rng.integers(round(lo / dt), round(hi / dt) + 1, size=n or 1))
    times = [round(float(k) * dt, 9) for k in steps]
    return times if n else times[0]


def _drive(sc, rng, dt, T):
    """Currents on receptor 0 (I_e, dc and step currents) and spikes of both signs with
    multiplicities and spike weights, all on random delays."""
    delay = lambda: _grid(rng, dt, dt, 2.5)  # noqa: E731
    start = _grid(rng, dt, 0.0, T / 3)
    sc.node(
        "dc",
        "dc_generator",
        1,
        {"amplitude": rng.uniform(-100, 400), "start": start, "stop": _grid(rng, dt, start, T)},
    )
    sc.node(
        "st",
        "step_current_generator",
        1,
        {"amplitude_times": _grid(rng, dt, dt, T, 6), "amplitude_values": list(rng.uniform(-300, 500, 6))},
    )
    trains = [_grid(rng, dt, dt, T, 40) for _ in range(3)]
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


def _random_neuron(rng):
    p = {
        "E_L": rng.uniform(-75, -60),
        "V_th": rng.uniform(-58, -50),
        "V_reset": rng.uniform(-75, -60),
        "C_m": rng.uniform(100, 400),
        "g_L": rng.uniform(5, 30),
        "E_ex": rng.uniform(-10, 10),
        "E_in": rng.uniform(-90, -70),
        "tau_syn_ex": rng.uniform(0.1, 3),
        "tau_syn_in": rng.uniform(0.5, 10),
        "t_ref": round(rng.uniform(0.05, 3.0), 2) * rng.choice([0, 1, 1, 1]),
        "V_m": rng.uniform(-75, -52),
        "g_ex": rng.uniform(0, 5),
        "g_in": rng.uniform(0, 5),
    }
    p["I_e"] = p["g_L"] * (p["V_th"] - p["E_L"]) * rng.uniform(0.8, 2.0)
    return p


@pytest.mark.parametrize("dt,seed,T", [(0.1, 0, 200.0), (0.01, 1, 50.0)])
def test_random_neurons_and_inputs(parity, dt, seed, T):
    rng = np.random.default_rng(seed)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(6)], 6, RECORD)
    _drive(sc, rng, dt, T)
    ours = parity.neuron(sc, MODEL, RECORD, "B", f"random parameters and input, split calls, dt={dt}")
    assert ours["sr"]["times"].size > 10
    assert np.ptp(ours["mm"]["g_in"]) > 10


def test_parameter_checks_and_receptors_as_nest(nest):
    for bad in [{"V_reset": -50.0}, {"C_m": 0.0}, {"t_ref": -0.1}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0}]:
        with pytest.raises(nest.NESTError):
            nest.Create(MODEL, 1, bad)
        with pytest.raises(BadProperty):
            nj.Simulator(dt=0.1).create(MODEL, 1, bad)
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    for src in ("spike_generator", "dc_generator"):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(sim.create(src, 1), n, syn_spec={"receptor_type": 1})
        with pytest.raises(nest.NESTError):
            nest.Connect(nest.Create(src), nest.Create(MODEL), syn_spec={"receptor_type": 1})
