"""Connections as data: ``sim.get_connections`` against NEST's GetConnections (counts, the
(source, target) multiset, weights and delays), filters, ``get``/``set`` and their effect on the
network."""

from collections import Counter

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest


def _build(api, sim=None):
    """One network written once for NEST (sim None) and for nestjax."""
    create = api.Create if sim is None else sim.create
    connect = api.Connect if sim is None else sim.connect
    a, b, c = create("iaf_psc_alpha", 4), create("iaf_psc_exp", 3), create("iaf_psc_alpha", 3)
    g = create("poisson_generator", 1, params={"rate": 1000.0})
    connect(a, b, syn_spec={"weight": 2.5, "delay": 1.26})
    w = np.arange(9, dtype=float).reshape(3, 3) - 4.0  # NEST's 2-D weights: [target][source]
    connect(b, c, syn_spec={"weight": w, "delay": 0.75})
    connect(a[1:], c, "one_to_one", {"weight": [1.5, -2.0, 3.0], "delay": [0.1, 2.05, 1.45]})
    connect(a[0], a[1], syn_spec={"weight": 7.0, "delay": 0.35})
    connect(a[0], a[1], syn_spec={"weight": 8.0})  # a multapse
    connect(g, a, syn_spec={"weight": 3.0, "delay": 0.5})
    return a, b, c, g


def _rows(srcs, tgts, ws, ds):
    return Counter(
        zip(
            np.asarray(srcs).tolist(),
            np.asarray(tgts).tolist(),
            np.round(ws, 12).tolist(),
            np.asarray(ds, dtype=float).tolist(),
            strict=True,
        )
    )


@pytest.fixture
def both():
    nest = fresh_nest(0.1)
    nest_views = _build(nest)
    sim = nj.Simulator(dt=0.1)
    our_views = _build(nj, sim)
    return nest, nest_views, sim, our_views


def test_all_connections_match_nest(both):
    nest, _, sim, _ = both
    theirs, ours = nest.GetConnections(), sim.get_connections()
    assert len(ours) == len(theirs) == 12 + 9 + 3 + 2 + 4
    t = theirs.get(["source", "target", "weight", "delay"])
    assert _rows(t["source"], t["target"], t["weight"], t["delay"]) == _rows(
        ours.sources(),
        ours.targets(),
        ours.get("weight").to_decimal(u.pA),
        ours.get("delay").to_decimal(u.ms),
    )
    assert ours.get("synapse_model") == ["static_synapse"] * len(ours)
    assert ours.get("receptor").tolist() == list(theirs.get("receptor")) == [0] * len(ours)


@pytest.mark.parametrize(
    "select",
    [
        lambda v: {"source": v[0]},
        lambda v: {"target": v[2]},
        lambda v: {"source": v[0][1:3], "target": v[2]},
        lambda v: {"source": v[1] + v[3]},
        lambda v: {"target": v[0][1]},
        lambda v: {"source": v[2]},  # no connections
        lambda v: {"synapse_model": "static_synapse"},
    ],
)
def test_filters_match_nest(both, select):
    nest, nest_views, sim, our_views = both
    theirs, ours = nest.GetConnections(**select(nest_views)), sim.get_connections(**select(our_views))
    assert len(ours) == len(theirs)
    if len(theirs):
        t = theirs.get(["source", "target", "weight", "delay"])
        assert _rows(t["source"], t["target"], t["weight"], t["delay"]) == _rows(
            ours.sources(), ours.targets(), ours.get("weight").mantissa, ours.get("delay").to_decimal(u.ms)
        )
        # NEST lists one thread's connections by source; so do we
        assert ours.sources().tolist() == sorted(ours.sources().tolist())
    else:
        assert ours.get() == {} and ours.get("weight") == ()


def test_get_forms(both):
    _, _, sim, (a, b, c, g) = both
    conns = sim.get_connections(source=a[0])
    assert conns.get("weight").to_decimal(u.pA).tolist() == [2.5, 2.5, 2.5, 7.0, 8.0]
    assert conns[3].get("delay") == 0.4 * u.ms and conns[-1].weight == 8.0 * u.pA
    assert conns[3].get("synapse_model") == "static_synapse" and len(conns[1:3]) == 2
    assert set(conns.get()) == {"source", "target", "synapse_model", "weight", "delay", "receptor"}
    assert set(conns.get(["weight", "target"])) == {"weight", "target"}
    assert [x.targets().tolist() for x in conns] == [[5], [6], [7], [2], [2]]
    with pytest.raises(ValueError, match="no parameter 'foo'"):
        conns.get("foo")
    mixed = sim.get_connections(target=b + c)  # the same weight unit (pA) for both models
    assert mixed.get("weight").unit == u.pA


def test_pandas_output(both):
    pd = pytest.importorskip("pandas")
    nest, (na, *_), sim, (a, *_) = both
    theirs = nest.GetConnections(source=na[0]).get(["weight", "delay"], output="pandas")
    ours = sim.get_connections(source=a[0]).get(["weight", "delay"], output="pandas")
    assert isinstance(ours, pd.DataFrame) and list(ours.columns) == ["weight", "delay"]
    assert ours.index.tolist() == theirs.index.tolist() == [1] * 5
    assert sorted(map(tuple, ours.to_numpy().tolist())) == sorted(map(tuple, theirs.to_numpy().tolist()))


def test_set_as_nest(both):
    nest, (na, nb, *_), sim, (a, b, *_) = both
    theirs, ours = nest.GetConnections(source=na, target=nb), sim.get_connections(source=a, target=b)
    theirs.set(weight=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
    ours.set(weight=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
    assert ours.get("weight").mantissa.tolist() == list(theirs.get("weight"))
    theirs.set(delay=1.33)
    ours.set(delay=1.33 * u.ms)
    assert ours.delay.to_decimal(u.ms).tolist() == list(theirs.delay)
    theirs.set([{"weight": float(i)} for i in range(12)])
    ours.set([{"weight": float(i) * u.pA} for i in range(12)])
    assert ours.weight.mantissa.tolist() == list(theirs.weight)
    theirs.weight = 3.0
    ours.weight = 3.0
    assert ours.weight.mantissa.tolist() == list(theirs.weight)
    ours.set(weight=nj.random.uniform(10.0, 20.0))  # NEST 3.10 refuses Parameters here; we draw
    w = ours.weight.mantissa
    assert np.unique(w).size == 12 and w.min() >= 10.0 and w.max() < 20.0


def test_refused_changes_leave_the_connections_as_they_were(both):
    _, _, sim, (a, b, *_) = both
    conns = sim.get_connections(source=a, target=b)
    before = conns.get(["weight", "delay"])
    for bad, message in [
        ({"delay": [1.0] * 11 + [0.01]}, "rounds to 0 steps"),
        ({"foo": 1.0}, "no parameter 'foo'"),
        ({"receptor": 1}, "cannot be set"),
        ({"source": 1}, "cannot be set"),
        ({"weight": [1.0, 2.0]}, "2 values for 12"),
        ({"weight": 3.0 * u.mV, "delay": 2.0}, "weight unit"),
    ]:
        with pytest.raises(ValueError, match=message):
            conns.set(bad)
    with pytest.raises(TypeError, match="not both"):
        conns.set({"weight": 1.0}, delay=2.0)
    after = conns.get(["weight", "delay"])
    for k in before:
        np.testing.assert_array_equal(after[k].mantissa, before[k].mantissa)


def _probe(weight, delay, set_after_connect):
    """A spike source driving one neuron; the weight and delay given at connect or set later."""
    sim = nj.Simulator(dt=0.1)
    sg = sim.create("spike_generator", spike_times=[2.0, 10.0])
    n = sim.create("iaf_psc_alpha")
    vm = sim.create("voltmeter", interval=0.1)
    sim.connect(vm, n)
    if set_after_connect:
        sim.connect(sg, n, syn_spec={"weight": 1.0, "delay": 1.0})
        sim.simulate(1.0)
        sim.get_connections(source=sg).set(weight=weight, delay=delay)
        res = sim.simulate(19.0)
    else:
        sim.connect(sg, n, syn_spec={"weight": weight, "delay": delay})
        sim.simulate(1.0)
        res = sim.simulate(19.0)
    return res.trace(vm, "V_m").to_decimal(u.mV)


def test_set_changes_the_network_before_the_next_simulate():
    changed = _probe(500.0, 2.3, set_after_connect=True)
    np.testing.assert_array_equal(changed, _probe(500.0, 2.3, set_after_connect=False))
    assert not np.array_equal(changed, _probe(1.0, 1.0, set_after_connect=False))


def test_arrays_of_ids_connect_as_in_nest():
    """``connect`` takes arrays of node ids, as ``nest.Connect(pre_ids, post_ids, "one_to_one")``."""
    nest = fresh_nest(0.1)
    nest.Create("iaf_psc_alpha", 6)
    pre, post = np.array([1, 1, 4, 2]), np.array([5, 6, 6, 3])
    nest.Connect(pre, post, "one_to_one", {"weight": [1.0, 2.0, 3.0, 4.0]})
    theirs = nest.GetConnections().get(["source", "target", "weight"])

    sim = nj.Simulator()
    sim.create("iaf_psc_alpha", 6)
    sim.connect(pre, post, "one_to_one", {"weight": [1.0, 2.0, 3.0, 4.0]})
    ours = sim.get_connections()
    assert _rows(theirs["source"], theirs["target"], theirs["weight"], [1.0] * 4) == _rows(
        ours.sources(), ours.targets(), ours.get("weight").mantissa, [1.0] * 4
    )
    with pytest.raises(ValueError, match="does not exist"):
        sim.connect([1, 7], [2, 3], "one_to_one")
