"""NodeView algebra against live NEST's NodeCollection: the same random sequences of joins, slices
and index operations on both, built from the same Create calls, give the same ids and raise in the
same places, except for NEST 3.10's listed bugs (tested one by one below); get/set/attributes."""

import brainunit as u
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import nestjax as nj
from nestjax.testing import fresh_nest

MODELS = ("iaf_psc_alpha", "iaf_psc_exp")


def _attempt(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - NEST raises its own error classes
        return None, e


def _ids(nc) -> list[int]:
    return list(nc.tolist())


def _known_nest_bug(kind, args, theirs, ours_err, our_args) -> bool:
    """NEST 3.10 returns a wrong result where we refuse: the listed divergences."""
    msg = str(ours_err)
    if kind == "join":
        left, right = our_args
        ids = _ids(theirs)
        if "overlapping" in msg and len(ids) != len(set(ids)):
            return True  # NEST misses an overlap where one view lies inside the other
        if "sliced composite" in msg and left._primitive and right._sliced:
            return True  # NEST's primitive + sliced composite ignores the slicing
    if kind == "slice" and args[0].stop == 0 and "start < stop" in msg:
        return True  # NEST's v[:0] is the whole collection
    if kind == "array" and min(args[0]) < 0 and "negative" in msg:
        return True  # NEST reads a negative position as a huge unsigned one: another node, or none
    return False


def _op(data, pool):
    """Draw one operation on the pool: (kind, args for NEST/ours chosen by position)."""
    i = data.draw(st.integers(0, len(pool) - 1), label="operand")
    n = len(pool[i][1])
    kind = data.draw(st.sampled_from(["join", "join", "slice", "slice", "int", "list", "mask", "array"]))
    bound = st.integers(-n - 2, n + 2)
    if kind == "join":
        j = data.draw(st.integers(0, len(pool) - 1), label="other")
        return kind, (i, j), None
    if kind == "slice":
        start = data.draw(st.none() | bound, label="start")
        stop = data.draw(st.none() | bound, label="stop")
        step = data.draw(st.none() | st.integers(-1, 4), label="step")
        return kind, (i,), slice(start, stop, step)
    if kind == "int":
        return kind, (i,), data.draw(bound, label="index")
    if kind in ("list", "array"):
        raw = data.draw(st.lists(st.integers(-1, n + 1), max_size=n + 2), label="positions")
        if data.draw(st.booleans(), label="tidy"):
            raw = sorted({k for k in raw if 0 <= k < n})
        return kind, (i,), raw
    mask = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="mask")
    if data.draw(st.integers(0, 9), label="bad length") == 0:
        mask = mask + [True]
    return kind, (i,), mask


def _apply(kind, a, b, key):
    if kind == "join":
        return a + b
    if kind == "array":
        return a[np.array(key, dtype=int)]
    return a[key]


def _check_same(nc, view, nest_pool, our_pool, data):
    assert view.tolist() == _ids(nc)
    assert len(view) == len(nc) and bool(view) == bool(len(nc))
    assert [v.tolist() for v in view] == [x.tolist() for x in nc]
    for gid in data.draw(st.lists(st.integers(1, 30), max_size=3), label="probe ids"):
        assert (gid in view) == (gid in nc)
        theirs, their_err = _attempt(nc.index, gid)
        ours, our_err = _attempt(view.index, gid)
        assert (their_err is None) == (our_err is None) and ours == theirs
    for other_nc, other_view in zip(nest_pool, our_pool, strict=True):  # == compares ids here
        assert (view == other_view) == (_ids(nc) == _ids(other_nc))


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    creates=st.lists(st.tuples(st.sampled_from(MODELS), st.integers(1, 6)), min_size=1, max_size=4),
    data=st.data(),
)
def test_random_operations_match_nest(creates, data):
    nest = fresh_nest()
    sim = nj.Simulator()
    pool = [(nest.Create(m, n), sim.create(m, n)) for m, n in creates]
    pool.append((nest.NodeCollection([]), nj.NodeView(sim, [])))
    for _ in range(data.draw(st.integers(1, 10), label="steps")):
        kind, at, key = _op(data, pool)
        (na, oa), (nb, ob) = pool[at[0]], pool[at[-1]]
        theirs, their_err = _attempt(_apply, kind, na, nb, key)
        ours, our_err = _attempt(_apply, kind, oa, ob, key)
        outcome = ("ok" if their_err is None else "raises", "ok" if our_err is None else "raises")
        event(f"{kind}: NEST {outcome[0]}, ours {outcome[1]}")
        if their_err is None and our_err is not None:
            known = _known_nest_bug(kind, (key,), theirs, our_err, (oa, ob))
            assert known, (kind, key, _ids(theirs), our_err)
            continue
        assert our_err is None or their_err is not None, (kind, key, ours)
        assert (their_err is None) == (our_err is None), (kind, key, their_err, our_err)
        if ours is not None:
            _check_same(theirs, ours, [p[0] for p in pool], [p[1] for p in pool], data)
            pool.append((theirs, ours))


@pytest.fixture
def both():
    nest = fresh_nest()
    a, b, c = nest.Create("iaf_psc_alpha", 10), nest.Create("iaf_psc_alpha", 5), nest.Create("iaf_psc_exp", 5)
    sim = nj.Simulator()
    x, y, z = sim.create("iaf_psc_alpha", 10), sim.create("iaf_psc_alpha", 5), sim.create("iaf_psc_exp", 5)
    return nest, (a, b, c), sim, (x, y, z)


def test_nest_bugs_we_do_not_reproduce(both):
    _, (a, b, c), _, (x, y, z) = both
    # primitive + sliced composite: NEST drops the slicing; sliced composite + anything is refused
    assert (b + a[::2]).tolist() == list(range(1, 16))
    with pytest.raises(ValueError, match="sliced composite"):
        y + x[::2]
    with pytest.raises(Exception, match="sliced composite"):
        a[::2] + b
    with pytest.raises(ValueError, match="sliced composite"):
        x[::2] + y
    # an overlap where one collection lies inside the other: NEST repeats ids
    assert (a[2:5] + a).tolist() == list(range(1, 11)) + [3, 4, 5]
    with pytest.raises(ValueError, match="overlapping"):
        x[2:5] + x
    # v[:0] is the whole collection in NEST; other empty slices are errors there too
    assert a[:0].tolist() == a.tolist()
    with pytest.raises(Exception, match="start < stop"):
        a[3:3]
    with pytest.raises(ValueError, match="start < stop"):
        x[:0]
    # a negative position in a NumPy index array: NEST takes the node before the collection
    assert b[np.array([-1])].tolist() == [10]
    with pytest.raises(IndexError, match="negative"):
        y[np.array([-1])]
    # NEST compares structure, not ids
    assert a[::2] == a[1::2] and not a[::2] == a[[0, 2, 4, 6, 8]]
    assert not x[::2] == x[1::2] and x[::2] == x[[0, 2, 4, 6, 8]]


def test_algebra_examples(both):
    _, (a, b, c), sim, (x, y, z) = both
    assert (x + y).tolist() == list(range(1, 16)) and (y + x)._primitive
    assert (z + x).tolist() == list(range(1, 11)) + list(range(16, 21))
    assert sum([z, x], 0).tolist() == (x + z).tolist() and (x + 0) == x and (0 + x) == x
    assert (x + z)[::3].tolist() == [1, 4, 7, 10, 18] and (x + z)[8:12].tolist() == [9, 10, 16, 17]
    assert x[-3:].tolist() == [8, 9, 10] and x[-1].tolist() == [10] and x[np.int64(2)].tolist() == [3]
    assert x[[1, 3]].tolist() == [2, 4] and x[np.array([1, 3])].tolist() == [2, 4]
    assert y[[True, False, True, False, True]].tolist() == [11, 13, 15]
    assert x[::2][np.array([True, False, True, False, True])].tolist() == [1, 5, 9]
    assert 5 in x and 20 not in x and x.index(5) == 4 and (x + z).index(17) == 11
    assert list(map(lambda v: v.tolist(), z)) == [[16], [17], [18], [19], [20]]
    assert np.asarray(x[:3]).tolist() == [1, 2, 3]
    assert nj.NodeView(sim, [3, 1, 3]).gids.tolist() == [3, 1, 3]  # internal views take any ids
    with pytest.raises(TypeError, match="Cannot add object of type 'int'"):
        x + 1
    with pytest.raises(TypeError, match="same Simulator"):
        x + nj.Simulator().create("iaf_psc_alpha")
    for bad, err in [
        (lambda: x[[3, 1]], ValueError),  # positions must ascend
        (lambda: x[[1, 1]], ValueError),
        (lambda: x[[10]], IndexError),
        (lambda: x[[-1]], IndexError),
        (lambda: x[[True] * 9], IndexError),
        (lambda: x[10], IndexError),
        (lambda: x[-11], IndexError),
        (lambda: x[0:11], IndexError),  # no clipping at the ends, as NEST
        (lambda: x[::0], IndexError),
        (lambda: x[::-1], IndexError),
        (lambda: x[::2][1:3], ValueError),
        (lambda: (y + z)[1:][1:], ValueError),
        (lambda: x[2.0], IndexError),
        (lambda: x[[1, 2.0]], TypeError),
        (lambda: x[np.array([[1]])], TypeError),
        (lambda: x[np.array([1.0])], TypeError),
        (lambda: x.index(20), ValueError),
    ]:
        with pytest.raises(err):
            bad()


def test_get_and_set_as_nest(both):
    nest, (a, b, c), sim, (x, y, z) = both
    assert x.get("V_m").to_decimal(u.mV).tolist() == list(a.get("V_m"))
    assert x[0].get("V_m").to_decimal(u.mV) == a[0].get("V_m")
    mixed_n, mixed_o = (a + c)[[0, 10]], (x + z)[[0, 10]]
    assert mixed_o.get("tau_syn_ex").to_decimal(u.ms).tolist() == list(mixed_n.get("tau_syn_ex"))
    got = x[:2].get(["V_m", "C_m"])
    assert set(got) == {"V_m", "C_m"} and got["C_m"].to_decimal(u.pF).tolist() == [250.0, 250.0]
    assert set(x[:1].get(["V_m"])) == {"V_m"}

    for nc, view in ((a[:3], x[:3]), (b, y)):
        nc.set([{"V_m": -60.0}, {"C_m": 100.0}] + [{"V_m": -50.0}] * (len(nc) - 2))
        view.set([{"V_m": -60.0}, {"C_m": 100.0}] + [{"V_m": -50.0}] * (len(view) - 2))
    for name, unit in (("V_m", u.mV), ("C_m", u.pF)):
        assert x.get(name).to_decimal(unit).tolist() == list(a.get(name))
        assert y.get(name).to_decimal(unit).tolist() == list(b.get(name))
    a[:2].set([{"V_m": -61.0}])  # one dict applies to all
    x[:2].set([{"V_m": -61.0}])
    a[4:6].set(V_m=[-1.0, -2.0])
    x[4:6].set(V_m=[-1.0 * u.mV, -0.002 * u.volt])
    a[6:8].V_m = -3.0
    x[6:8].V_m = -3.0 * u.mV
    (a + c).set(tau_syn_ex=3.0)
    (x + z).set(tau_syn_ex=3.0)
    assert x.V_m.to_decimal(u.mV).tolist() == list(a.V_m)
    assert (x + z)[::5].tau_syn_ex.to_decimal(u.ms).tolist() == list((a + c)[::5].tau_syn_ex)

    x[:3].set(V_m=nj.random.uniform(-70.0, -65.0))
    v = x[:4].V_m.to_decimal(u.mV)
    assert np.unique(v[:3]).size == 3 and np.all((-70 <= v[:3]) & (v[:3] < -65)) and v[3] == a[3].V_m

    with pytest.raises(TypeError, match="not both"):
        x.set({"V_m": -5.0}, V_m=-4.0)
    with pytest.raises(ValueError, match="no parameter 'V_x'"):
        x.set(V_x=-5.0)
    with pytest.raises(AttributeError, match="no parameter 'foo'"):
        x.foo  # noqa: B018
    assert not hasattr(x, "foo") and hasattr(x, "V_m")
    empty = nj.NodeView(sim, [])
    empty.set(V_m=1.0)  # a no-op, as NEST
    with pytest.raises(ValueError, match="empty"):
        empty.get("V_m")


def test_pandas_output_as_nest(both):
    pd = pytest.importorskip("pandas")
    _, (a, b, c), _, (x, y, z) = both
    theirs = (a + c)[[0, 10]].get(["V_m", "tau_syn_ex"], output="pandas")
    ours = (x + z)[[0, 10]].get(["V_m", "tau_syn_ex"], output="pandas")
    assert isinstance(ours, pd.DataFrame)
    assert ours.index.tolist() == theirs.index.tolist() == [1, 16]
    assert ours.to_numpy().tolist() == theirs[["V_m", "tau_syn_ex"]].to_numpy().tolist()
    one = x[0].get("V_m", output="pandas")
    assert one.index.tolist() == [1] and one["V_m"].tolist() == [-70.0]
    everything = x[:2].get(output="pandas")
    assert {"V_m", "C_m", "tau_m"} <= set(everything.columns) and everything.index.tolist() == [1, 2]


def test_set_list_of_dicts_naming_different_list_valued_parameters(nest):
    """Each dict applies to its own node, list-valued parameters included, as NEST's set."""
    dicts = [{"spike_times": [1.0, 2.0]}, {"start": 5.0}, {"spike_times": [3.0]}]
    theirs = nest.Create("spike_generator", 3)
    theirs.set(dicts)
    sim = nj.Simulator(dt=0.1)
    ours = sim.create("spike_generator", 3)
    ours.set(dicts)
    assert [list(t) for t in theirs.get("spike_times")] == ours.get("spike_times")
    assert list(theirs.get("start")) == list(ours.get("start").to_decimal(u.ms))
