"""Parity of iaf_chs_2007 with live NEST: category A (1e-9, identical spikes), with per-neuron noise
signals read one value per step, and ``set(noise=...)`` restarting the signal between calls."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "iaf_chs_2007"


def _random_neuron(rng, steps):
    p = {
        "V_epsp": rng.uniform(0.2, 1.5),
        "V_reset": rng.uniform(0.5, 3.0),
        "tau_epsp": rng.uniform(2, 15),
        "tau_reset": rng.uniform(5, 30),
        "V_noise": float(rng.choice([0.0, rng.uniform(0.05, 0.5)])),
    }
    if rng.integers(4):  # a signal long enough for the run, or none
        p["noise"] = list(rng.normal(0.5, 1.0, steps + int(rng.integers(0, 50))))
    return p


def _scenario(seed, dt):
    """Drivers (noise and spike input) send spikes to targets; spike generators with multiplicities
    and weights of both signs (NEST drops the negative ones); several simulate calls."""
    rng = np.random.default_rng(seed)
    calls = [23.3, 0.7, 36.0]
    steps = int(round(sum(calls) / dt)) + 10
    sc = Scenario(dt=dt)
    sc.node(
        "d", MODEL, 3, [_random_neuron(rng, steps) | {"V_noise": rng.uniform(0.3, 0.8)} for _ in range(3)]
    )
    sc.node("n", MODEL, 4, [_random_neuron(rng, steps) for _ in range(4)])
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m"], "interval": dt})
    sc.node("sr", "spike_recorder")
    times = [list(np.round(np.sort(rng.uniform(0.5, 55.0, 30)), 1)) for _ in range(2)]
    sc.node(
        "sg",
        "spike_generator",
        2,
        [{"spike_times": t, "spike_multiplicities": list(rng.integers(1, 4, 30))} for t in times],
    )
    sc.connect(("sg", slice(0, 1)), "d", syn_spec={"weight": rng.uniform(0.05, 0.3), "delay": 0.4})
    sc.connect(("sg", slice(0, 1)), "n", syn_spec={"weight": rng.uniform(0.05, 0.3), "delay": 1.2})
    sc.connect(("sg", slice(1, 2)), "n", syn_spec={"weight": -rng.uniform(0.05, 0.3), "delay": 0.6})
    sc.connect("d", "n", syn_spec={"weight": rng.uniform(0.1, 0.5), "delay": round(rng.uniform(0.1, 2.0), 2)})
    sc.connect("mm", "d")
    sc.connect("mm", "n")
    sc.connect("d", "sr")
    sc.connect("n", "sr")
    sc.simulate = calls
    return sc


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01)])
def test_noise_and_spike_input_random_parameters(parity, seed, dt):
    ours = parity.neuron(
        _scenario(seed, dt), MODEL, ["V_m"], "A", f"random parameters, noise, seed {seed}, dt={dt}"
    )
    assert ours["sr"]["times"].size > 10


def _set_between_calls(side, noise_a, noise_b):
    """Two neurons with noise; after 5 ms neuron 0 gets a new signal (its position restarts) and
    neuron 1 a new V_noise (its position goes on); V_m every step of 10 ms."""
    params = [{"V_noise": 0.3, "noise": noise_a}, {"V_noise": 0.2, "noise": noise_b}]
    if side == "nest":
        nest = fresh_nest(0.1)
        n, run = nest.Create(MODEL, 2, params=params), nest.Simulate
        mm = nest.Create("multimeter", 1, {"record_from": ["V_m"], "interval": 0.1})
        nest.Connect(mm, n)
    else:
        sim = nj.Simulator(dt=0.1)
        n, run = sim.create(MODEL, 2, V_noise=[0.3, 0.2], noise=[noise_a, noise_b]), sim.simulate
        mm = sim.create("multimeter", 1, {"record_from": ["V_m"], "interval": 0.1})
        sim.connect(mm, n)
    res = [run(5.0)]
    n[0].set({"noise": noise_b[::-1]})
    n[1].set({"V_noise": 0.4})
    res += [run(5.0)]
    if side == "nest":
        nest.Simulate(0.1)  # NEST hands over the last slice's samples only with a next call
        ev = mm.get("events")
        keep = ev["times"] <= 10.0 + 1e-9
        return np.stack([ev["V_m"][keep][ev["senders"][keep] == g] for g in (1, 2)], axis=1)
    return np.concatenate([np.asarray(r.trace(mm, "V_m")) for r in res])


def test_set_noise_restarts_its_position(parity):
    rng = np.random.default_rng(5)
    a, b = list(rng.normal(0, 1, 130)), list(rng.normal(0, 1, 140))
    ours, theirs = _set_between_calls("nj", a, b), _set_between_calls("nest", a, b)
    assert ours.shape == (100, 2)
    parity.samples(MODEL, "V_m", ours, theirs, "A", "set(noise) and set(V_noise) between simulate calls")


def test_inputs_as_nest():
    """Spikes on receptor 0 only, no current input; NEST's parameter checks; noise readable."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 2, noise=[[0.1, 0.2], [0.3]])
    assert [list(v) for v in n.get("noise")] == [[0.1, 0.2], [0.3]]
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    with pytest.raises(ValueError, match="receptor"):
        sim.connect(sg, n, syn_spec={"receptor_type": 1})
    with pytest.raises(ValueError, match="current"):
        sim.connect(dc, n)
    with pytest.raises(ValueError, match="EPSP cannot be negative"):
        sim.create(MODEL, 1, V_epsp=-0.1)
    with pytest.raises(ValueError, match="time constants"):
        sim.create(MODEL, 1, tau_reset=0.0)


def test_past_the_end_of_the_noise_signal():
    """NEST reads past the end of the signal (undefined values); nestjax takes the noise term as 0
    there (docs/divergences.md): V_m is then the noiseless one."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 2, V_noise=0.5, noise=[[0.2, 0.4], []])
    mm = sim.create("multimeter", record_from=["V_m"], interval=0.1)
    sim.connect(mm, n)
    v = np.asarray(sim.simulate(0.5).trace(mm, "V_m"))
    np.testing.assert_allclose(v[:, 0], [0.1, 0.2, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(v[:, 1], 0.0)
