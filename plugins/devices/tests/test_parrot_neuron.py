"""Parity of parrot_neuron with live NEST (category D: identical events)."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest

MODEL = "parrot_neuron"


@pytest.mark.parametrize("dt,seed", [(0.1, 21), (0.05, 22), (0.01, 23)])
def test_multiplicities_port_1_and_chains(both, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    T = 25.0
    gens = []
    for _ in range(3):
        n = int(rng.integers(5, 12))
        gens.append(
            {
                "spike_times": rnd.grid_times(rng, dt, T, n),
                "spike_multiplicities": [int(m) for m in rng.integers(1, 5, size=n)],
            }
        )
    sc = Scenario(dt=dt)
    sc.node("sg", "spike_generator", 3, gens)
    sc.node("p", MODEL, 3)
    sc.node("n", "iaf_psc_alpha", 2, [{}, {"tau_syn_ex": 0.3, "tau_m": 3.0}])
    sc.node("mm", "multimeter", 1, {"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": dt})
    sc.node("sr", "spike_recorder")
    sc.connect(
        ("sg", slice(0, 2)),
        ("p", slice(0, 1)),
        syn_spec={"weight": -2.5, "delay": rnd.grid(rng, dt, dt, 1.5)},
    )
    sc.connect(("sg", slice(2, 3)), ("p", slice(0, 1)), syn_spec={"receptor_type": 1, "delay": 1.0})
    sc.connect(("sg", slice(1, 3)), ("p", slice(1, 2)), syn_spec={"delay": rnd.grid(rng, dt, dt, 1.5)})
    sc.connect(
        ("p", slice(0, 2)), ("p", slice(2, 3)), syn_spec={"delay": rnd.grid(rng, dt, dt, 2.0), "weight": 0.0}
    )
    sc.connect("p", "n", syn_spec={"weight": 350.0, "delay": rnd.grid(rng, dt, dt, 1.0)})
    sc.connect(("p", slice(0, 1)), ("n", slice(1, 2)), syn_spec={"weight": -200.0, "delay": 0.5})
    sc.connect("p", "sr")
    sc.connect("n", "sr")
    sc.connect("mm", "n")
    sc.simulate = rnd.split(rng, dt, T, 3)
    traces = {name: ("A", f"{name} of iaf_psc_alpha targets") for name in ("V_m", "I_syn_ex", "I_syn_in")}
    ours, _ = both(MODEL, sc, f"multiplicities, port 1, a chain; dt={dt}, calls {sc.simulate}", traces)
    mult = sum(sum(g["spike_multiplicities"]) for g in gens[:2])
    assert (ours["sr"]["senders"] == 4).sum() == mult  # everything on port 0, nothing from port 1


def test_a_multiplicity_k_event_comes_out_as_k_spikes(both):
    """(A silent poisson_generator on the same parrot: per-target and spike input together.)"""
    sc = Scenario(dt=0.1)
    sc.node("pg", "poisson_generator", 1, {"rate": 0.0})
    sc.node("sg", "spike_generator", 1, {"spike_times": [1.0, 2.0], "spike_multiplicities": [7, 3]})
    sc.node("p", MODEL, 1)
    sc.node("sr", "spike_recorder")
    sc.connect("pg", "p")
    sc.connect("sg", "p")
    sc.connect("p", "sr")
    sc.simulate = [5.0]
    ours, _ = both(MODEL, sc, "multiplicity 7 and 3")
    assert ours["sr"]["times"].tolist() == pytest.approx([2.0] * 7 + [3.0] * 3)


@pytest.mark.parametrize("what", ["current", "receptor 2"])
def test_refused_connections_as_nest(what):
    nest = fresh_nest(0.1)
    src = nest.Create("dc_generator" if what == "current" else "spike_generator")
    par = nest.Create(MODEL)
    syn = {"receptor_type": 2} if what == "receptor 2" else None
    with pytest.raises(nest.NESTError):
        nest.Connect(src, par, syn_spec=syn)
    sim = nj.Simulator(dt=0.1)
    src = sim.create("dc_generator" if what == "current" else "spike_generator")
    par = sim.create(MODEL)
    with pytest.raises(ValueError):
        sim.connect(src, par, syn_spec=syn)
