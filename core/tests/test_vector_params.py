"""Receptor-indexed vector parameters (``Param.vector``) and models whose receptor ports are a
parameter (``PortNode``): conversion, per-node lengths, get/set, read-only counts, per-target port
checks, per-population channels and recordables, and rebuilds when the ports change."""

import brainunit as u
import jax.numpy as jnp
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty, PortNode, port_channels, port_input
from nestjax.units import Param, UnitMismatch


class toy_ports(PortNode):
    """Adds each step's input on port k to ``acc[k - 1]``; ``w_max`` is a second vector with an
    empty default (padding 0) that must be positive."""

    name = "toy_ports"
    params = (
        Param("tau_syn", (2.0,), u.ms, vector=True),
        Param("w_max", (), u.pA, vector=True),
        Param("n_synapses", 1, kind=int, counts="tau_syn"),
        Param("has_connections", False, kind=bool, readonly=True),
    )
    state = (Param("acc", 0.0, u.pA, vector="tau_syn", hidden=True),)
    recordables = ("acc_1",)
    channels = ("current", *port_channels(1))
    port_recordable, port_state = "acc_", "acc"
    weight_unit = u.pA

    @classmethod
    def check(cls, p, dt):
        if np.any(p["w_max"] <= 0):
            raise BadProperty("w_max must be positive")

    @staticmethod
    def update(p, c, s, x, ctx):
        n, ports = s["acc"].shape
        return {"acc": s["acc"] + port_input(x, ports, n)}, jnp.zeros(n)


class toy_growing(toy_ports):
    name = "toy_growing"
    ports_may_grow = True


def test_conversion_of_vector_values():
    p = toy_ports.params[0]
    np.testing.assert_array_equal(p.to_nest([1, 2.5]), [1.0, 2.5])
    np.testing.assert_array_equal(p.to_nest([1, 2] * u.second), [1000.0, 2000.0])
    np.testing.assert_array_equal(p.to_nest([1 * u.ms, 3 * u.ms]), [1.0, 3.0])
    assert p.to_nest([]).shape == (0,)
    rows = p.to_nest([[1.0, 2.0], [3.0], []])
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0], []]
    assert [r.tolist() for r in p.to_nest([[1, 2] * u.ms, [3] * u.ms])] == [[1.0, 2.0], [3.0]]
    with pytest.raises(TypeError, match="list"):
        p.to_nest(2.0)
    with pytest.raises(TypeError, match="list"):
        p.to_nest([[[1.0]]])
    with pytest.raises(UnitMismatch):
        p.to_nest([1.0] * u.mV)
    assert toy_ports.defaults()["tau_syn"] == [2.0] and toy_ports.defaults()["w_max"] == []


def test_create_get_set_with_different_lengths():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(toy_ports, 3, tau_syn=[1.0, 2.0])
    assert [x.mantissa.tolist() for x in n.get("tau_syn")] == [[1.0, 2.0]] * 3
    assert n[0].get("tau_syn").unit == u.ms
    n.set(tau_syn=[[1.0], [2.0, 3.0, 4.0], []])
    assert n.get("n_synapses").tolist() == [1, 3, 0]
    pop = sim._pops[0]
    assert pop.param_state.value["tau_syn"].shape == (3, 3)
    assert pop.param_state.value["tau_syn"][0].tolist() == [1.0, 2.0, 2.0]  # padded with the default
    n.set([{"tau_syn": [5.0, 6.0]}, {"w_max": [1.0]}, {"tau_syn": [7.0]}])
    assert [x.mantissa.tolist() for x in n.get("tau_syn")] == [[5.0, 6.0], [2.0, 3.0, 4.0], [7.0]]
    assert [x.mantissa.tolist() for x in n.get("w_max")] == [[], [1.0], []]
    n[1:].set(tau_syn=[[1.0, 1.5], [2.5]])
    assert n.get("n_synapses").tolist() == [2, 2, 1]
    assert pop.param_state.value["tau_syn"].shape == (3, 2)
    df = n.get(["tau_syn", "n_synapses"], output="pandas")
    assert df["tau_syn"].iloc[2].tolist() == [2.5] and df["n_synapses"].tolist() == [2, 2, 1]
    m = sim.create(toy_ports, 2, params={"tau_syn": np.array([[1.0, 2.0], [3.0, 4.0]]) * u.ms})
    assert [x.mantissa.tolist() for x in m.get("tau_syn")] == [[1.0, 2.0], [3.0, 4.0]]


def test_checks_see_only_valid_entries_and_counts_are_read_only():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(toy_ports, 2, params={"w_max": [[1.0, 2.0], [3.0]]})  # padding 0 is not checked
    with pytest.raises(BadProperty, match="w_max"):
        n[1].set(w_max=[1.0, 0.0])
    assert [x.mantissa.tolist() for x in n.get("w_max")] == [[1.0, 2.0], [3.0]]  # unchanged
    for name in ("n_synapses", "has_connections"):
        with pytest.raises(ValueError, match="read-only"):
            n.set({name: 1})
        with pytest.raises(ValueError, match="read-only"):
            sim.create(toy_ports, 1, params={name: 1})
    with pytest.raises(ValueError, match="3 lists for 2 nodes"):
        n.set(tau_syn=[[1.0], [2.0], [3.0]])


def test_ports_per_target_and_port_count_after_connect():
    sim = nj.Simulator(dt=0.1)
    n = sim.create(toy_ports, 3, params={"tau_syn": [[1.0, 2.0], [1.0], [1.0, 2.0, 3.0]]})
    sg, dc = sim.create("spike_generator"), sim.create("dc_generator")
    with pytest.raises(ValueError, match="Receptor type 0 .* does not accept SpikeEvent"):
        sim.connect(sg, n, syn_spec={"receptor_type": 0})
    with pytest.raises(ValueError, match="Receptor type 2 .* ports 1 .. 1"):
        sim.connect(sg, n, syn_spec={"receptor_type": 2})
    with pytest.raises(ValueError, match="receptor type 1"):
        sim.connect(dc, n, syn_spec={"receptor_type": 1})
    assert not n.get("has_connections").any()  # failed connects change nothing
    sim.connect(dc, n)
    assert not n.get("has_connections").any()  # currents do not count
    sim.connect(sg, n[::2], syn_spec={"receptor_type": 2})
    assert n.get("has_connections").tolist() == [True, False, True]
    with pytest.raises(BadProperty, match="has connections"):
        n[0].set(tau_syn=[1.0, 2.0, 3.0])
    with pytest.raises(BadProperty, match="has connections"):
        n.set(tau_syn=[1.0])
    n[0].set(tau_syn=[4.0, 5.0])  # same count
    n[1].set(tau_syn=[4.0, 5.0, 6.0, 7.0])
    g = sim.create(toy_growing, 1, params={"tau_syn": [1.0, 2.0]})
    sim.connect(sg, g, syn_spec={"receptor_type": 1})
    g.set(tau_syn=[1.0, 2.0, 3.0])
    with pytest.raises(BadProperty, match="has connections"):
        g.set(tau_syn=[1.0])


def _acc(sim):
    return np.asarray(sim._pops[0].state.value["acc"])


def test_input_on_every_port_and_rebuild_when_ports_change():
    """Nodes 0 and 2 take spikes on all their ports; node 1 (unconnected) changes its port count
    between calls: a new ring layout, pending input carried over, its vector state resized."""
    sim = nj.Simulator(dt=0.1)
    n = sim.create(toy_ports, 3, params={"tau_syn": [[1.0, 2.0], [1.0], [1.0, 2.0, 3.0]]})
    sg = sim.create("spike_generator", params={"spike_times": [1.0, 3.0], "spike_multiplicities": [1, 2]})
    for port, w in ((1, 10.0), (2, -100.0)):
        sim.connect(sg, n[::2], syn_spec={"receptor_type": port, "weight": w, "delay": 2.0})
    sim.connect(sg, n[2], syn_spec={"receptor_type": 3, "weight": 1000.0, "delay": 2.0})
    mm = sim.create("multimeter", params={"record_from": ["acc_1", "acc_2"], "interval": 0.1})
    with pytest.raises(ValueError, match="no recordable 'acc_2'"):
        sim.connect(mm, n)
    sim.connect(mm, n[::2])
    n[1].set(acc=[5.0])
    sim.simulate(4.0)  # the multiplicity-2 spike sent at 3.0 is in flight
    np.testing.assert_array_equal(_acc(sim), [[10.0, -100.0, 0], [5.0, 0, 0], [10.0, -100.0, 1000.0]])
    n[1].set(tau_syn=[1.0, 2.0, 3.0, 4.0])  # R 3 -> 4
    assert sim._program is None
    res = sim.simulate(2.0)
    np.testing.assert_array_equal(
        _acc(sim), [[30.0, -300.0, 0, 0], [5.0, 0, 0, 0], [30.0, -300.0, 3000.0, 0]]
    )
    assert res.trace(mm, "acc_2").unit == u.pA
    np.testing.assert_array_equal(res.trace(mm, "acc_2").mantissa[-1], [-300.0, -300.0])
    m1 = sim.create("multimeter", params={"record_from": ["acc_2"]})
    sim.connect(m1, n[1])
    n[1].set(tau_syn=[9.0])  # the remaining entries keep their values
    assert _acc(sim).shape == (3, 3) and _acc(sim)[1].tolist() == [5.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="no recordable 'acc_2'"):  # m1's target has lost it
        sim.simulate(1.0)
    with pytest.raises(ValueError, match="one value per entry of tau_syn"):
        n[1].set(acc=[1.0, 2.0])
