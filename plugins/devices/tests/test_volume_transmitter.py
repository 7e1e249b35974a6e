"""volume_transmitter against NEST: it accepts spike connections on port 0 and refuses what NEST
refuses; a network with one behaves as in NEST (category D). What it collects is used only by
stdp_dopamine_synapse, which nestjax does not have yet."""

import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "volume_transmitter"


def network(side):
    """Parrots driven by a spike generator, all connected to a volume transmitter (with weights
    and delays of all kinds) and to a spike recorder; the recorded spikes after 20 ms."""
    nest = fresh_nest(0.1) if side == "nest" else None
    sim = nj.Simulator(dt=0.1) if side == "nj" else None
    create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
    g = create(
        "spike_generator", 1, {"spike_times": [1.0, 2.5, 2.5, 7.0], "spike_multiplicities": [1, 2, 1, 3]}
    )
    parrots = create("parrot_neuron", 3)
    vt = create(MODEL, 1, {"deliver_interval": 3})
    sr = create("spike_recorder")
    connect(g, parrots, syn_spec={"delay": 0.5})
    for p, w, d in zip(parrots, (-2.0, 0.0, 1.5), (0.3, 1.0, 2.2), strict=True):
        connect(p, vt, syn_spec={"weight": w, "delay": d})
    connect(parrots, sr)
    if nest:
        nest.Simulate(20.0)
        ev = sr.get("events")
        return {"senders": ev["senders"], "times": ev["times"]}, vt.get("deliver_interval")
    res = sim.simulate(20.0)
    return res.events(sr), int(vt.get("deliver_interval"))


def test_network_with_a_volume_transmitter_as_nest(parity):
    (ours, ours_interval), (theirs, theirs_interval) = network("nj"), network("nest")
    assert ours_interval == theirs_interval == 3
    assert parity.events(MODEL, ours, theirs, "parrots feeding a volume transmitter", category="D") > 0


def test_connections_and_parameters_as_nest():
    for side in ("nest", "nj"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        vt, n = create(MODEL), create("iaf_psc_alpha")
        connect(n, vt, syn_spec={"weight": -2.0, "delay": 3.0})
        with pytest.raises(Exception, match="Receptor type 1 is not available"):
            connect(n, vt, syn_spec={"receptor_type": 1})
        with pytest.raises(Exception, match="does not send output|cannot be the source"):
            connect(vt, n)
        with pytest.raises(Exception, match="deliver_interval"):  # counts update slices
            vt.set(deliver_interval=2.5)
        vt.set(deliver_interval=-3)  # not checked by NEST
        assert int(vt.get("deliver_interval")) == -3, side


def test_device_sources_refused_as_nest():
    """A device cannot feed a volume_transmitter (NEST: "global receiver"); a parrot can."""
    nest = fresh_nest(0.1)
    with pytest.raises(Exception, match="global receiver"):
        nest.Connect(nest.Create("spike_generator"), nest.Create(MODEL))
    sim = nj.Simulator(dt=0.1)
    vt = sim.create(MODEL)
    for device in ("spike_generator", "poisson_generator"):
        with pytest.raises(ValueError, match="global receiver"):
            sim.connect(sim.create(device), vt)
    sim.connect(sim.create("parrot_neuron"), vt)
