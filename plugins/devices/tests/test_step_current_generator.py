"""Parity of step_current_generator with live NEST: its recordable I and the iaf_psc_alpha targets
it drives (category A, 1e-9 in NEST units)."""

import numpy as np
import pytest

from nestjax.model import BadProperty
from nestjax.testing import Scenario

MODEL = "step_current_generator"
CATS = {"I": ("A", "I"), **{n: ("A", f"{n} of iaf_psc_alpha targets") for n in ("V_m", "I_syn_ex")}}


def _scenario(rng, rnd, dt, gens, T):
    sc = Scenario(dt=dt)
    sc.node("sc", MODEL, len(gens), gens)
    sc.node(
        "n",
        "iaf_psc_alpha",
        3,
        [
            {"t_ref": 0.4},
            {"tau_m": 3.0, "C_m": 80.0, "V_th": -60.0},
            {"E_L": -65.0, "V_reset": -72.0, "I_e": -20.0},
        ],
    )
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m"], "interval": dt})
    sc.node("mi", "multimeter", 1, {"record_from": ["I"], "interval": dt})
    sc.node("sr", "spike_recorder")
    for g in range(len(gens)):
        sc.connect(
            ("sc", slice(g, g + 1)),
            "n",
            syn_spec={
                "weight": float(np.round(rng.uniform(-1.0, 3.0), 3)),
                "delay": rnd.grid(rng, dt, dt, 2.0),
            },
        )
    sc.connect("mm", "n")
    sc.connect("mi", "sc")
    sc.connect("n", "sr")
    sc.simulate = rnd.split(rng, dt, T, 3)
    return sc


@pytest.mark.parametrize("dt,seed", [(0.1, 41), (0.05, 42), (0.01, 43)])
def test_random_steps_and_windows(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 30.0
    gens = []
    for g in range(4):
        times = rnd.grid_times(rng, dt, T + 2.0, int(rng.integers(3, 12)), duplicates=False)
        p = {
            "amplitude_times": times,
            "amplitude_values": [float(v) for v in np.round(rng.uniform(-300, 700, len(times)), 2)],
        }
        if g > 0:
            start = rnd.grid(rng, dt, 0.0, 10.0)
            p.update(origin=rnd.grid(rng, dt, 0.0, 5.0), start=start, stop=rnd.grid(rng, dt, start, 28.0))
        gens.append(p)
    gens.append({})  # no steps at all
    ours, _ = both(MODEL, _scenario(rng, rnd, dt, gens, T), f"random steps, dt={dt}, seed={seed}", CATS)
    assert np.any(ours["mi"]["I"] != 0)


@pytest.mark.parametrize("dt", [0.1, 0.05, 0.01])
def test_offgrid_times_are_rounded_to_the_end_of_their_step(both, rnd, dt):
    rng = np.random.default_rng(int(dt * 1000) + 7)
    times = np.cumsum(rng.uniform(1.2 * dt, 3.0, size=10))
    times[2] = round(times[1] / dt) * dt + 2 * dt  # one on the grid
    gens = [
        {
            "amplitude_times": [float(t) for t in times],
            "allow_offgrid_times": True,
            "amplitude_values": [float(v) for v in rng.uniform(-100, 400, times.size)],
        }
    ]
    ours, _ = both(MODEL, _scenario(rng, rnd, dt, gens, 25.0), f"off-grid amplitude times, dt={dt}", CATS)
    assert np.unique(ours["mi"]["I"]).size > 5


def test_amplitude_times_set_between_calls(parity, set_between_calls):
    """Changes at or before now are skipped; the amplitude keeps its last value until the next."""
    first = {"amplitude_times": [1.0, 2.0, 6.0], "amplitude_values": [100.0, 200.0, 300.0]}
    steps = [
        ({"amplitude_times": [1.5, 3.0, 4.5, 5.0], "amplitude_values": [-50.0, 40.0, 60.0, 70.0]}, 3.0),
        ({"start": 4.0, "stop": 4.6}, 1.5),
        ({"origin": 1.0, "stop": 6.0}, 2.0),
    ]
    ours, theirs = set_between_calls(MODEL, first, steps, 3.0)
    np.testing.assert_array_equal(ours[0], theirs[0])
    scenario = "amplitude times, window and origin set between calls"
    parity.samples(MODEL, "V_m of iaf_psc_alpha targets", ours[1], theirs[1], "A", scenario)
    parity.samples(MODEL, "I", ours[2], theirs[2], "A", scenario)


BAD = [
    {"amplitude_times": [1.0, 2.0], "amplitude_values": [1.0]},
    {"amplitude_times": [0.0], "amplitude_values": [1.0]},
    {"amplitude_times": [-1.0], "amplitude_values": [1.0]},
    {"amplitude_times": [1.05], "amplitude_values": [1.0]},
    {"amplitude_times": [2.0, 2.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [2.0, 1.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [0.0001], "amplitude_values": [1.0]},
    {"amplitude_times": [1.01, 1.02], "amplitude_values": [1.0, 2.0], "allow_offgrid_times": True},
    {"amplitude_times": [1.234567891], "amplitude_values": [1.0]},
    {"start": 0.05},
    {"start": 3.0, "stop": 2.0},
]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(bad_properties, params):
    bad_properties(MODEL, params, BadProperty)
