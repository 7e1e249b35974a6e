"""Parity of ac_generator with live NEST: its recordable I and the iaf_psc_alpha targets it
drives (category A, 1e-9 in NEST units), for random amplitudes, offsets, frequencies, phases and
windows, at several resolutions, over split ``simulate`` calls and with values set between calls."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "ac_generator"
CATS = {"I": ("A", "I"), "V_m": ("A", "V_m of iaf_psc_alpha targets")}


def _generators(rng, rnd, dt, n):
    gens = []
    for _ in range(n):
        start = rnd.grid(rng, dt, 0.0, 10.0)
        gens.append(
            {
                "amplitude": float(np.round(rng.uniform(-800.0, 800.0), 2)),
                "offset": float(np.round(rng.uniform(-100.0, 100.0), 2)),
                "frequency": float(np.round(rng.uniform(0.0, 2000.0), 3)),
                "phase": float(np.round(rng.uniform(0.0, 360.0), 3)),
                "origin": rnd.grid(rng, dt, 0.0, 5.0),
                "start": start,
                "stop": rnd.grid(rng, dt, start, 38.0),
            }
        )
    gens[0] = {k: v for k, v in gens[0].items() if k not in ("origin", "start", "stop")}
    return gens


@pytest.mark.parametrize("dt,seed", [(0.1, 41), (0.05, 42), (0.01, 43)])
def test_random_generators_and_windows(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    gens = _generators(rng, rnd, dt, 5)
    sc = Scenario(dt=dt)
    sc.node("ac", MODEL, len(gens), gens)
    tau, cm = rng.uniform(2.0, 20.0, len(gens)), rng.uniform(50.0, 300.0, len(gens))
    near_threshold = 15.0 * cm / tau * rng.uniform(0.95, 1.2, len(gens))  # (V_th - E_L) C_m / tau_m
    neurons = [
        {"tau_m": float(t), "C_m": float(c), "I_e": float(i), "t_ref": 0.5}
        for t, c, i in zip(tau, cm, near_threshold, strict=True)
    ]
    sc.node("n", "iaf_psc_alpha", len(gens), neurons)
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m"], "interval": dt})
    sc.node("mi", "multimeter", 1, {"record_from": ["I"], "interval": dt})
    sc.node("sr", "spike_recorder")
    weights = np.round(rng.uniform(-1.0, 2.0, len(gens)), 3)
    delays = [rnd.grid(rng, dt, dt, 1.0) for _ in gens]
    sc.connect("ac", "n", "one_to_one", {"weight": weights, "delay": delays})
    sc.connect("mm", "n")
    sc.connect("mi", "ac")
    sc.connect("n", "sr")
    sc.simulate = rnd.split(rng, dt, 40.0, 4)
    ours, _ = both(MODEL, sc, f"5 random generators, dt={dt}, seed={seed}, 4 calls", CATS)
    assert np.any(ours["mi"]["I"] != 0) and ours["sr"]["times"].size > 0


def test_long_run_of_many_calls(both, rnd):
    """NEST sets the oscillator anew from the time at each Simulate call, and so does nestjax:
    10^4 steps in 20 calls stay within category A (rotating on across calls would drift by
    about 2e-9 pA here)."""
    rng = np.random.default_rng(44)
    sc = Scenario(dt=0.1)
    sc.node(
        "ac", MODEL, 3, [{"amplitude": 1000.0, "frequency": f, "phase": 90.0} for f in (3.0, 333.3, 1999.0)]
    )
    sc.node("mi", "multimeter", 1, {"record_from": ["I"], "interval": 0.1})
    sc.connect("mi", "ac")
    sc.simulate = rnd.split(rng, 0.1, 1000.0, 20)
    both(MODEL, sc, "amplitude 1000 pA, 10^4 steps in 20 calls", CATS)


def test_values_set_between_calls(parity, set_between_calls):
    steps = [
        ({"amplitude": 300.0, "frequency": 120.0}, 3.0),
        ({"phase": 45.0}, 2.5),
        ({"offset": -40.0, "start": 7.0, "stop": 11.0}, 4.5),
        ({"frequency": 700.0, "origin": 2.0}, 3.0),
    ]
    ours, theirs = set_between_calls(MODEL, {"amplitude": 50.0, "frequency": 200.0}, steps, 4.0)
    np.testing.assert_array_equal(ours[0], theirs[0])
    what = "amplitude, frequency, phase, offset, window set between calls"
    parity.samples(MODEL, "V_m of iaf_psc_alpha targets", ours[1], theirs[1], "A", what)
    parity.samples(MODEL, "I", ours[2], theirs[2], "A", what)
    assert np.any(np.diff(ours[2]) != 0)


def test_state_and_bad_window_as_nest():
    nest = fresh_nest(0.1)
    g = nest.Create(MODEL, params={"amplitude": 10.0, "frequency": 50.0})
    nest.Simulate(3.0)
    sim = nj.Simulator(dt=0.1)
    ours = sim.create(MODEL, 1, {"amplitude": 10.0, "frequency": 50.0})
    sim.simulate(3.0)
    for name in ("y_0", "y_1"):
        assert abs(float(ours.get(name).mantissa) - g.get(name)) <= 1e-12
    for params in ({"start": 0.05}, {"start": 3.0, "stop": 2.0}):
        with pytest.raises(Exception) as theirs:
            fresh_nest(0.1).Create(MODEL, params=params)
        with pytest.raises(ValueError) as mine:
            nj.Simulator(dt=0.1).create(MODEL, 1, params)
        assert str(mine.value) in str(theirs.value)
