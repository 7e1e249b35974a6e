"""Ports that read the spike offset as data (``Node.offset_receptors``), as NEST's iaf_tum_2000 and
iaf_bw_2001 do: the weight times the multiplicity times the offset arrives there, whatever the
source; other ports and other targets see weight times multiplicity only."""

import types

import jax.numpy as jnp
import numpy as np
import pytest

import nestjax as nj
from nestjax.hookspecs import hookimpl
from nestjax.model import SPIKE, Node
from nestjax.units import Param


class offset_source(Node):
    """Spikes every step with multiplicity 1 + (step mod 2) and offset 0.01 (step mod 7)."""

    name = "offset_source"

    @staticmethod
    def update(p, c, s, x, ctx):
        one = jnp.ones(ctx.gids.shape)
        return {}, ((1 + ctx.step % 2) * one, 0.01 * (ctx.step % 7) * one)


class offset_reader(Node):
    """Sums its input: port 0 plain, port 1 offset-weighted."""

    name = "offset_reader"
    state = (Param("plain", 0.0), Param("weighted", 0.0))
    recordables = ("plain", "weighted")
    channels = ("plain", "weighted")
    offset_receptors = frozenset({1})

    @classmethod
    def route(cls, event, receptor, weight):
        if event != SPIKE:
            return super().route(event, receptor, weight)
        cls.check_receptors(receptor, [0, 1])
        return np.asarray(receptor), weight

    @staticmethod
    def update(p, c, s, x, ctx):
        return {"plain": s["plain"] + x["plain"], "weighted": s["weighted"] + x["weighted"]}, None


@pytest.fixture
def toy():
    reg = nj.registry()
    mod = types.SimpleNamespace(nestjax_models=hookimpl(lambda: [offset_source, offset_reader]))
    reg.register(mod, name="offsettoy", distribution="nestjax-offsettoy")
    yield
    reg.unregister("offsettoy")


def test_offset_weighted_port_and_plain_port(toy):
    steps, delay, w = 40, 3, 2.5
    sim = nj.Simulator(dt=0.1)
    src = sim.create("offset_source", 2)
    sg = sim.create("spike_generator", 1, spike_times=[0.5, 1.0], spike_weights=[2.0, -1.0])
    tgt = sim.create("offset_reader", 2)
    mm = sim.create("multimeter", record_from=["plain", "weighted"], interval=0.1)
    sim.connect(src[0], tgt, syn_spec={"weight": w, "delay": delay * 0.1, "receptor_type": 0})
    sim.connect(src[1], tgt[1], syn_spec={"weight": -w, "delay": delay * 0.1, "receptor_type": 1})
    sim.connect(sg, tgt, syn_spec={"receptor_type": 1, "delay": 0.1})  # grid offsets are 0: nothing
    sim.connect(mm, tgt)
    res = [sim.simulate(1.7), sim.simulate(steps * 0.1 - 1.7)]
    plain = np.concatenate([r.trace(mm, "plain") for r in res])
    weighted = np.concatenate([r.trace(mm, "weighted") for r in res])
    k = np.arange(steps)  # sample i is after the update of step i; spikes of step j arrive at j + delay
    sent = np.arange(steps)
    arrived = [sent[sent + delay <= i] for i in k]
    np.testing.assert_allclose(plain[:, 0], [w * (1 + a % 2).sum() for a in arrived], rtol=1e-12)
    np.testing.assert_allclose(plain[:, 1], plain[:, 0], rtol=1e-12)
    np.testing.assert_allclose(weighted[:, 0], 0.0)
    expect = [-w * ((1 + a % 2) * 0.01 * (a % 7)).sum() for a in arrived]
    np.testing.assert_allclose(weighted[:, 1], expect, rtol=1e-12, atol=1e-15)
