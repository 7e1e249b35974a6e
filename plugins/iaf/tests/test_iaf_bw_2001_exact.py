"""Parity of iaf_bw_2001_exact with live NEST: category B (<= 1e-6 mV, identical spikes), with an
NMDA port of its own for every connection (targets with different numbers of ports, multapses,
neurons and spike generators as sources)."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj

MODEL = "iaf_bw_2001_exact"
RECORD = ["V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_AMPA", "I_GABA", "I_NMDA"]


def _drivers(sc, rng):
    """NMDA connections with random weights (target 0 none, target 1 one, target 2 several, some
    twice), spikes of all drivers on AMPA of target 0."""
    nmda = [(0, 1), (0, 2), (1, 2), (2, 2), (0, 2), (1, 3), (2, 3)]  # (driver, target), a multapse
    for i, j in nmda:
        sc.connect(
            ("d", slice(i, i + 1)),
            ("n", slice(j, j + 1)),
            syn_spec={
                "receptor_type": 3,
                "weight": rng.uniform(-0.5, 1.5),
                "delay": round(rng.uniform(0.1, 2), 2),
            },
        )
    sc.connect(
        "d", ("n", slice(0, 1)), syn_spec={"receptor_type": 1, "weight": rng.uniform(0.5, 2.0), "delay": 0.7}
    )


def _nmda_generator(sc):
    sc.connect(
        ("sg", slice(2, 3)), ("n", slice(0, 2)), syn_spec={"receptor_type": 3, "weight": 0.4, "delay": 0.6}
    )


def _scenario(bw, seed, dt):
    """Drivers (dc and step currents) connect on NMDA to targets with random weights (target 0 none,
    target 1 one, target 2 several, some twice); spike generators (multiplicities, weights of both
    signs) on AMPA, GABA and NMDA; recorded from all; several simulate calls."""
    return bw.scenario(MODEL, RECORD, seed, dt, bw.neuron, 4, _drivers, 3, _nmda_generator)


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01)])
def test_nmda_ports_random_parameters(parity, bw, seed, dt):
    """Every recordable within category B, the same spikes at the same steps."""
    scenario = f"random parameters, NMDA ports, seed {seed}, dt={dt}"
    ours = bw.check(parity, MODEL, RECORD, _scenario(bw, seed, dt), scenario)
    assert ours["sr"]["times"].size > 5
    assert np.all(np.ptp(ours["mm"]["s_NMDA"][:, 3:], axis=0) > 0.01)


def test_ports_and_receptors_as_nest():
    """One port per NMDA connection (a channel each); spikes on AMPA, GABA, NMDA, currents on port 0;
    NMDA connections only before the first simulate that includes the target."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 3)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    sim.connect(sg, n[1], syn_spec={"receptor_type": 3, "weight": 0.5})
    sim.connect(sg, n[1:], syn_spec={"receptor_type": 3, "weight": 2.0})
    for port in (0, 4):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(sg, n, syn_spec={"receptor_type": port})
    with pytest.raises(ValueError, match="receptor"):
        sim.connect(dc, n, syn_spec={"receptor_type": 1})
    sim.simulate(1.0)
    assert [list(w.to_decimal(u.nS)) for w in n.get("NMDA_weights")] == [[], [0.5, 2.0], [2.0]]
    sim.connect(sg, n, syn_spec={"receptor_type": 1})
    with pytest.raises(ValueError, match="before the first simulate"):
        sim.connect(sg, n[0], syn_spec={"receptor_type": 3})
    late = sim.create(MODEL, 1)
    sim.connect(sg, late, syn_spec={"receptor_type": 3})  # not simulated yet: accepted
