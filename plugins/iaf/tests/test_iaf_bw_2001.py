"""Parity of iaf_bw_2001 with live NEST: category B (<= 1e-6 mV, identical spike steps; spikes
recorded at stamp minus the NMDA jump sent as offset, as NEST's spike recorder does)."""

import numpy as np
import pytest

import nestjax as nj

MODEL = "iaf_bw_2001"
RECORD = ["V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_AMPA", "I_GABA", "I_NMDA"]


def _drivers(sc, rng):
    """Each driver sends its NMDA jumps as offsets on port 3 and spikes on port 1 to all targets."""
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


def _scenario(bw, seed, dt):
    """Drivers (dc and step currents, random parameters) send their NMDA jumps as offsets on port 3
    and spikes on port 1 to targets; spike generators (multiplicities, weights of both signs) on
    AMPA, GABA; recorded from all; several simulate calls."""
    neuron = lambda rng: bw.neuron(rng, decay_first=True)  # noqa: E731
    return bw.scenario(MODEL, RECORD, seed, dt, neuron, 3, _drivers, 2)


@pytest.mark.parametrize("seed, dt", [(0, 0.1), (1, 0.01)])
def test_nmda_offsets_random_parameters(parity, bw, seed, dt):
    """Every recordable within category B; the same spikes at the same steps, recorded at the stamp
    minus the NMDA jump (k_0 from the incomplete gamma function agrees with boost's to a few ulp)."""
    scenario = f"random parameters, NMDA offsets, seed {seed}, dt={dt}"
    ours = bw.check(parity, MODEL, RECORD, _scenario(bw, seed, dt), scenario, time_tol=1e-12)
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
