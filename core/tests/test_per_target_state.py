"""Per-connection state of per-target draws (``Node.target_state``) and per-target values wider than
one number (``Node.draw_width``): the state of each connection is initialised by the model, carried
from step to step, across chunks, ``simulate`` calls and rebuilds (where new connections start from
their initial state and old ones keep theirs), and the draws do not depend on how time is split.

The toy source mirrors gamma_sup_generator's bookkeeping: each connection holds a one-hot vector
over ``period`` phases (padded to the longest period of its group) that advances one phase per
active step; the connection sends a spike when the phase returns to 0, and with ``noise`` also a
Bernoulli(0.3) spike. A sink records what arrives each step.
"""

import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nestjax as nj
from nestjax.engine.program import CHUNK_STEPS
from nestjax.hookspecs import hookimpl
from nestjax.model import Node
from nestjax.units import Param


class phase_source(Node):
    name = "phase_source"
    kind = "stimulator"
    per_target = True
    draw_width = 3
    params = (Param("period", 3.0), Param("phase", 0.0), Param("noise", 0.0), Param("first", 0.0))

    @staticmethod
    def update(p, c, s, x, ctx):
        active = (ctx.step >= p["first"]).astype(float)
        return s, jnp.stack([active, p["period"], p["noise"]], axis=1)

    @classmethod
    def target_state(cls, p, dt):
        bins = p["period"].astype(np.int64)
        hot = np.arange(bins.max()) == (p["phase"].astype(np.int64) % bins)[:, None]
        return {"hot": hot.astype(float), "bins": bins}

    @staticmethod
    def draw(value, lane, key, state):
        def one(st, vk):
            v, k = vk
            active, noise = v[lane, 0] > 0, v[lane, 2]
            hot, bins = st["hot"], st["bins"]
            last = jnp.take_along_axis(hot, (bins - 1)[:, None], axis=1)[:, 0]
            shifted = jnp.concatenate([last[:, None], hot[:, :-1]], axis=1)
            shifted = jnp.where(jnp.arange(hot.shape[1]) < bins[:, None], shifted, 0.0)
            hot = jnp.where(active[:, None], shifted, hot)
            spike = (active & (hot[:, 0] > 0)).astype(float)
            extra = (jax.random.uniform(k, lane.shape) < 0.3) & active & (noise > 0)
            return {"hot": hot, "bins": bins}, spike + extra

        state, mult = jax.lax.scan(one, state, (value, key))
        return mult, state


class phase_sink(Node):
    name = "phase_sink"
    channels = ("in",)
    state = (Param("got", 0.0),)
    recordables = ("got",)

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        return np.zeros(np.shape(receptor), int), weight

    @staticmethod
    def update(p, c, s, x, ctx):
        return {"got": x["in"]}, None


@pytest.fixture(scope="module", autouse=True)
def toy():
    reg = nj.registry()
    mod = types.SimpleNamespace(nestjax_models=hookimpl(lambda: [phase_source, phase_sink]))
    reg.register(mod, name="phasetoy", distribution="nestjax-phasetoy")
    yield
    reg.unregister("phasetoy")


DELAY = 5  # steps (min_delay 5: calls that end inside a slice leave steps for the next call)


def _network(sim):
    """Two populations of the toy source (one group: the same model), a population of another
    model between them, and sinks; returns (sources, sinks, multimeter)."""
    a = sim.create("phase_source", 2, period=[3.0, 5.0], phase=[0.0, 4.0], first=[0.0, 7.0])
    sim.create("phase_sink", 1)
    b = sim.create("phase_source", 2, period=[4.0, 2.0], phase=[1.0, 0.0], noise=[1.0, 0.0])
    sinks = sim.create("phase_sink", 6)
    sim.connect(a[0], sinks[0:2], syn_spec={"delay": DELAY * 0.1})
    sim.connect(a[1], sinks[2], syn_spec={"delay": DELAY * 0.1})
    sim.connect(b, sinks[3:5], "one_to_one", syn_spec={"delay": DELAY * 0.1})
    sim.connect(b[0], sinks[5], syn_spec={"delay": DELAY * 0.1, "weight": 2.0})
    mm = sim.create("multimeter", record_from=["got"], interval=0.1)
    sim.connect(mm, sinks)
    return a + b, sinks, mm


def _got(results, mm):
    return np.concatenate([np.asarray(r.trace(mm, "got")) for r in results])


def _expected(period, phase, first, steps):
    """What a sink receives per step from one deterministic connection: a spike sent at step k
    (active steps k >= first, counted from 1) where phase + count is a multiple of the period,
    arriving at step k + DELAY (its sample is row k + DELAY)."""
    k = np.arange(steps)
    count = np.cumsum(k >= first)
    sent = (k >= first) & ((phase + count) % period == 0)
    got = np.zeros(steps)
    got[DELAY:] = sent[: steps - DELAY]
    return got


def test_state_carries_over_steps_chunks_and_calls_and_splits_do_not_matter():
    steps = CHUNK_STEPS + 537  # two chunks
    runs = []
    for split in [(1,), (3, 7, 2), (1, 1, 1, 1, 1)]:  # calls that end inside a slice, too
        sim = nj.Simulator(dt=0.1, seed=3)
        _, _, mm = _network(sim)
        cuts = np.rint(np.cumsum(split) / np.sum(split) * steps).astype(int)
        runs.append(_got([sim.simulate(n * 0.1) for n in np.diff(np.concatenate([[0], cuts]))], mm))
    got = runs[0]
    assert got.shape == (steps, 6)
    for col, (period, phase, first) in enumerate([(3, 0, 0), (3, 0, 0), (5, 4, 7), (4, 1, 0), (2, 0, 0)]):
        det = _expected(period, phase, first, steps)
        if col == 3:  # noise: the deterministic spikes and Bernoulli(0.3) extra ones
            assert np.all(got[:, col] >= det) and np.all(got[:, col] <= det + 1)
            extra = got[DELAY:, col] - det[DELAY:]
            assert abs(extra.mean() - 0.3) < 4 * np.sqrt(0.21 / extra.size)
        else:
            np.testing.assert_array_equal(got[:, col], det, err_msg=f"sink {col}")
    det = _expected(4, 1, 0, steps)  # the noisy source again, weight 2
    assert np.all(got[:, 5] >= 2 * det) and np.all(got[:, 5] <= 2 * det + 2)
    assert not np.array_equal(got[:, 3] > 0, got[:, 5] > 0)  # independent noise per connection
    for other in runs[1:]:
        np.testing.assert_array_equal(other, got)


def test_a_rebuild_keeps_the_state_of_old_connections_and_starts_new_ones_fresh():
    first, later = 203, 150
    sim = nj.Simulator(dt=0.1, seed=5)
    src, sinks, mm = _network(sim)
    r1 = sim.simulate(first * 0.1)
    extra_sinks = sim.create("phase_sink", 2)
    wide = sim.create("phase_source", 1, period=7.0, phase=2.0)  # a longer phase axis: old states padded
    sim.connect(src[0], extra_sinks[0], syn_spec={"delay": DELAY * 0.1})
    sim.connect(wide, extra_sinks[1], syn_spec={"delay": DELAY * 0.1})
    mm2 = sim.create("multimeter", record_from=["got"], interval=0.1)
    sim.connect(mm2, extra_sinks)
    r2 = sim.simulate(later * 0.1)
    total = first + later
    got = np.concatenate([np.asarray(r1.trace(mm, "got")), np.asarray(r2.trace(mm, "got"))])
    np.testing.assert_array_equal(got[:, 0], _expected(3, 0, 0, total))  # unchanged by the rebuild
    np.testing.assert_array_equal(got[:, 2], _expected(5, 4, 7, total))
    new = np.asarray(r2.trace(mm2, "got"))
    # new connections start at the rebuild, counting from their initial phase, and their first
    # spikes arrive DELAY steps later
    np.testing.assert_array_equal(new[:, 0], _expected(3, 0, 0, later))
    np.testing.assert_array_equal(new[:, 1], _expected(7, 2, 0, later))


def test_models_without_target_state_are_unchanged():
    """poisson_generator (no per-connection state, one value per node) next to the toy."""
    sim = nj.Simulator(dt=0.1, seed=2)
    _network(sim)
    pg = sim.create("poisson_generator", rate=20000.0)
    sink = sim.create("phase_sink", 3)
    sim.connect(pg, sink, syn_spec={"delay": 0.5})
    mm = sim.create("multimeter", record_from=["got"], interval=0.1)
    sim.connect(mm, sink)
    got = np.asarray(sim.simulate(100.0).trace(mm, "got"))
    assert abs(got[10:].mean() - 2.0) < 4 * np.sqrt(2.0 / got[10:].size)
    assert not np.array_equal(got[:, 0], got[:, 1])
