"""Parity of iaf_bw_2001 with live NEST: category B (<= 1e-6 mV, identical spike steps; spikes
recorded at stamp minus the NMDA jump sent as offset, as NEST's spike recorder does)."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import Scenario, run_both

MODEL = "iaf_bw_2001"
RECORD = ["V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_AMPA", "I_GABA", "I_NMDA"]


def _check(parity, sc, scenario):
    """Every recordable within category B; the same spikes at the same steps, recorded at the stamp
    minus the NMDA jump (k_0 from the incomplete gamma function agrees with boost's to a few ulp)."""
    ours, theirs = run_both(sc)
    np.testing.assert_array_equal(ours["mm"]["times"], theirs["mm"]["times"])
    for name in RECORD:
        parity.samples(MODEL, name, ours["mm"][name], theirs["mm"][name], "B", scenario)
    parity.events(MODEL, ours["sr"], theirs["sr"], scenario, category="B", time_tol=1e-12)
    return ours


def _random_neuron(rng):
    tau_decay = rng.uniform(20, 150)
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
        "tau_decay_NMDA": tau_decay,
        "tau_rise_NMDA": rng.uniform(0.5, 5),
        "alpha": rng.uniform(0.1, 1.0),
        "conc_Mg2": rng.uniform(0.5, 2),
        "gsl_error_tol": float(rng.choice([1e-3, 1e-4])),
    }


def _scenario(seed, dt):
    """Drivers (dc and step currents, random parameters) send their NMDA jumps as offsets on port 3
    and spikes on port 1 to targets; spike generators (multiplicities, weights of both signs) on
    AMPA, GABA; recorded from all; several simulate calls."""
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt)
    sc.node("d", MODEL, 3, [_random_neuron(rng) for _ in range(3)])
    sc.node("n", MODEL, 3, [_random_neuron(rng) for _ in range(3)])
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
    for i in range(3):
        delay = round(rng.uniform(0.1, 2.0), 2)
        sc.connect(
            ("d", slice(i, i + 1)),
            "n",
            syn_spec={"receptor_type": 3, "weight": rng.uniform(-0.5, 3.0), "delay": delay},
        )
        sc.connect(
            ("d", slice(i, i + 1)),
            "n",
            syn_spec={"receptor_type": 1, "weight": rng.uniform(0.0, 1.0), "delay": delay + 0.1},
        )
    times = [list(np.round(np.sort(rng.uniform(0.5, 55.0, 20)), 1)) for _ in range(2)]
    sc.node(
        "sg",
        "spike_generator",
        2,
        [{"spike_times": t, "spike_multiplicities": list(rng.integers(1, 4, 20))} for t in times],
    )
    for i, port in enumerate([1, 2]):
        sg = ("sg", slice(i, i + 1))
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": rng.uniform(0.5, 3.0), "delay": 0.4})
        sc.connect(sg, "n", syn_spec={"receptor_type": port, "weight": -rng.uniform(0.0, 0.5), "delay": 1.1})
    sc.connect("mm", "d")
    sc.connect("mm", "n")
    sc.connect("d", "sr")
    sc.connect("n", "sr")
    sc.simulate = [17.3, 0.2, 42.5]
    return sc


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01)])
def test_nmda_offsets_random_parameters(parity, seed, dt):
    ours = _check(parity, _scenario(seed, dt), f"random parameters, NMDA offsets, seed {seed}, dt={dt}")
    assert ours["sr"]["times"].size > 5
    offsets = ours["sr"]["times"] % dt
    assert np.any((offsets > 1e-6) & (offsets < dt - 1e-6))  # recorded at stamp - offset
    assert np.ptp(ours["mm"]["s_NMDA"][:, 3:]) > 0.1


def test_receptors_as_nest():
    """Spikes on AMPA, GABA, NMDA (1, 2, 3), currents on port 0 only; NEST's parameter checks."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(MODEL, 1)
    sg, dc = sim.create("spike_generator", 1), sim.create("dc_generator", 1)
    assert nj.registry().model(MODEL).receptor_types == {"AMPA": 1, "GABA": 2, "NMDA": 3}
    for port in (0, 4):
        with pytest.raises(ValueError, match="receptor"):
            sim.connect(sg, n, syn_spec={"receptor_type": port})
    with pytest.raises(ValueError, match="receptor"):
        sim.connect(dc, n, syn_spec={"receptor_type": 1})
    with pytest.raises(ValueError, match="alpha > 0"):
        sim.create(MODEL, 1, alpha=0.0)
    with pytest.raises(ValueError, match="gsl_error_tol"):
        sim.create(MODEL, 1, gsl_error_tol=0.0)
    with pytest.raises(ValueError, match="tau_rise_NMDA"):
        sim.create(MODEL, 1, tau_rise_NMDA=100.0)


def test_nmda_only_from_iaf_bw_2001_as_nest(nest):
    """The NMDA port reads the sender's offset: other senders are NEST's IllegalConnection."""
    sg, n = nest.Create("spike_generator"), nest.Create(MODEL)
    with pytest.raises(nest.NESTError, match="must also be of type"):
        nest.Connect(sg, n, syn_spec={"receptor_type": 3})
    sim = nj.Simulator(dt=0.1)
    src, tgt = sim.create("spike_generator"), sim.create(MODEL, 2)
    with pytest.raises(ValueError, match="must also be of type iaf_bw_2001"):
        sim.connect(src, tgt, syn_spec={"receptor_type": 3})
    sim.connect(src, tgt, syn_spec={"receptor_type": 1})
    sim.connect(tgt[0], tgt[1], syn_spec={"receptor_type": 3})
