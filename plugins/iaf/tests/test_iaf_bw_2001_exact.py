"""Parity of iaf_bw_2001_exact with live NEST: category B (<= 1e-6 mV, identical spikes), with an
NMDA port of its own for every connection (targets with different numbers of ports, multapses,
neurons and spike generators as sources)."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, run_both

MODEL = "iaf_bw_2001_exact"
RECORD = ["V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_AMPA", "I_GABA", "I_NMDA"]


def _check(parity, sc, scenario):
    """Every recordable within category B, the same spikes at the same steps."""
    ours, theirs = run_both(sc)
    np.testing.assert_array_equal(ours["mm"]["times"], theirs["mm"]["times"])
    for name in RECORD:
        parity.samples(MODEL, name, ours["mm"][name], theirs["mm"][name], "B", scenario)
    parity.events(MODEL, ours["sr"], theirs["sr"], scenario, category="B")
    return ours


def _random_neuron(rng):
    return {
        "E_L": rng.uniform(-75, -65),
        "E_ex": rng.uniform(-5, 5),
        "E_in": rng.uniform(-80, -65),
        "V_th": rng.uniform(-56, -50),
        "V_reset": rng.uniform(-65, -58),
        "V_m": rng.uniform(-70, -55),
        "C_m": rng.uniform(200, 600),
        "g_L": rng.uniform(10, 40),
        "t_ref": float(rng.choice([0.0, 0.25, 2.0])),
        "tau_AMPA": rng.uniform(1, 5),
        "tau_GABA": rng.uniform(2, 10),
        "tau_decay_NMDA": rng.uniform(20, 150),
        "tau_rise_NMDA": rng.uniform(0.5, 5),
        "alpha": rng.uniform(0.1, 1.0),
        "conc_Mg2": rng.uniform(0.5, 2),
        "gsl_error_tol": float(rng.choice([1e-3, 1e-4])),
    }


def _scenario(seed, dt):
    """Drivers (dc and step currents) connect on NMDA to targets with random weights (target 0 none,
    target 1 one, target 2 several, some twice); spike generators (multiplicities, weights of both
    signs) on AMPA, GABA and NMDA; recorded from all; several simulate calls."""
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt)
    sc.node("d", MODEL, 3, [_random_neuron(rng) for _ in range(3)])
    sc.node("n", MODEL, 4, [_random_neuron(rng) for _ in range(4)])
    sc.node("mm", "multimeter", 1, {"record_from": RECORD, "interval": dt})
    sc.node("sr", "spike_recorder")
    sc.node("dc", "dc_generator", 1, {"amplitude": rng.uniform(500, 900)})
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [5.0, 20.3, 41.0], "amplitude_values": [rng.uniform(-50, 150), 300.0, -30.0]},
    )
    sc.connect("dc", "d", syn_spec={"weight": 1.0, "delay": 0.3})
    sc.connect("step", "d")
    sc.connect("step", "n", syn_spec={"delay": 0.5})
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
    times = [list(np.round(np.sort(rng.uniform(0.5, 55.0, 20)), 1)) for _ in range(3)]
    sc.node(
        "sg",
        "spike_generator",
        3,
        [{"spike_times": t, "spike_multiplicities": list(rng.integers(1, 4, 20))} for t in times],
    )
    for i, port in enumerate([1, 2]):
        sg = ("sg", slice(i, i + 1))
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": rng.uniform(0.5, 3.0), "delay": 0.4})
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": -rng.uniform(0.0, 0.5), "delay": 1.1})
    sc.connect(
        ("sg", slice(2, 3)), ("n", slice(0, 2)), syn_spec={"receptor_type": 3, "weight": 0.4, "delay": 0.6}
    )
    sc.connect("mm", "d")
    sc.connect("mm", "n")
    sc.connect("d", "sr")
    sc.connect("n", "sr")
    sc.simulate = [17.3, 0.2, 42.5]
    return sc


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01)])
def test_nmda_ports_random_parameters(parity, seed, dt):
    ours = _check(parity, _scenario(seed, dt), f"random parameters, NMDA ports, seed {seed}, dt={dt}")
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
