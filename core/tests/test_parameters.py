"""NEST's random parameters and their arithmetic: exact where NEST is deterministic (constants),
statistically against live NEST where it draws (category E: two-sample KS or chi-squared tests at
fixed seeds, significance 0.001), units, grid rounding of random delays, and reproducibility."""

import brainunit as u
import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.parameters import Constant
from nestjax.testing import fresh_nest

N = 4000
ALPHA = 1e-3


def _nest_values(nest, param, n=N, seed=11):
    nest.rng_seed = seed
    pop = nest.Create("iaf_psc_alpha", n, params={"V_m": param})
    return np.asarray(pop.get("V_m"), dtype=float)


def _our_values(param, n=N, seed=11):
    sim = nj.Simulator(seed=seed)
    return sim.create("iaf_psc_alpha", n, V_m=param).get("V_m").to_decimal(u.mV)


# The same expression written against NEST's modules and ours: (random, math, logic) -> Parameter.
CONTINUOUS = {
    "uniform": lambda r, m, lg: r.uniform(-3.0, 2.0),
    "normal": lambda r, m, lg: r.normal(1.0, 2.0),
    "lognormal": lambda r, m, lg: r.lognormal(0.5, 0.4),
    "exponential": lambda r, m, lg: r.exponential(2.5),
    "arithmetic": lambda r, m, lg: (r.uniform(1.0, 2.0) * 3 - 1) / 2 + r.normal(0.0, 0.1),
    "reflected": lambda r, m, lg: 2 - r.uniform(0.0, 1.0) + 1 / r.uniform(1.0, 2.0),
    "power_and_negation": lambda r, m, lg: -(r.uniform(0.0, 1.0) ** 2),
    "exp_sin_cos": lambda r, m, lg: m.exp(r.normal(0.0, 0.3)) + m.sin(r.uniform(0, 3)) * m.cos(r.normal()),
    "min_max": lambda r, m, lg: m.min(r.exponential(2.0), 3.0) + m.max(r.normal(), 0.0),
    "redraw": lambda r, m, lg: m.redraw(r.normal(0.0, 1.0), -0.5, 1.0),
    "conditional": lambda r, m, lg: lg.conditional(r.uniform() < 0.3, r.uniform(), r.normal(5.0, 1.0)),
    "comparisons": lambda r, m, lg: (r.uniform() >= 0.2) + (r.normal() != 0.0) * 2 + (r.uniform() <= 0.5) * 4,
}


@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_distributions_match_nest(name):
    nest = fresh_nest()
    make = CONTINUOUS[name]
    theirs = _nest_values(nest, make(nest.random, nest.math, nest.logic))
    ours = _our_values(make(nj.random, nj.math, nj.logic))
    assert ours.shape == theirs.shape == (N,)
    if np.unique(theirs).size < 20:  # discrete outcomes: compare the counts of each value
        values = np.union1d(theirs, ours)
        table = np.array([[np.sum(x == v) for v in values] for x in (theirs, ours)])
        assert stats.chi2_contingency(table).pvalue > ALPHA
    else:
        assert stats.ks_2samp(theirs, ours).pvalue > ALPHA


def test_uniform_int_matches_nest():
    nest = fresh_nest()
    theirs = _nest_values(nest, nest.random.uniform_int(7))
    ours = _our_values(nj.random.uniform_int(7))
    assert set(np.unique(ours)) == set(np.unique(theirs)) == set(range(7))
    counts = np.array([np.bincount(x.astype(int), minlength=7) for x in (theirs, ours)])
    assert stats.chi2_contingency(counts).pvalue > ALPHA
    assert nj.random.uniform_int(7).returns_int_only


def test_ranges_are_nest_s():
    uni = _our_values(nj.random.uniform(-2.0, 3.0))
    assert uni.min() >= -2.0 and uni.max() < 3.0
    red = _our_values(nj.math.redraw(nj.random.normal(0.0, 5.0), -1.0, 1.0))
    assert red.min() >= -1.0 and red.max() <= 1.0
    assert _our_values(nj.random.exponential(1.0)).min() >= 0.0


CONSTANT_EXPRESSIONS = [
    lambda p, m, lg: (p + 2) * 4 / 2 - 1,
    lambda p, m, lg: 2 - p,
    lambda p, m, lg: 12 / p,
    lambda p, m, lg: 7 + p,
    lambda p, m, lg: 0.5 * p,
    lambda p, m, lg: p**2.5,
    lambda p, m, lg: -p,
    lambda p, m, lg: +p,
    lambda p, m, lg: p < 4,
    lambda p, m, lg: p <= 3,
    lambda p, m, lg: p == 3,
    lambda p, m, lg: p != 3,
    lambda p, m, lg: p >= 4,
    lambda p, m, lg: p > 2.5,
    lambda p, m, lg: m.min(p, 2.5),
    lambda p, m, lg: m.max(p, 2.5),
    lambda p, m, lg: m.exp(p / 2),
    lambda p, m, lg: m.sin(p) + m.cos(p),
    lambda p, m, lg: lg.conditional(p > 2, p * 2, 7),
    lambda p, m, lg: lg.conditional(p - 3, 1.0, 0.5),  # any non-zero value is true
    lambda p, m, lg: m.redraw(p, 3.0, 3.0),
]


@pytest.mark.parametrize("i", range(len(CONSTANT_EXPRESSIONS)))
def test_arithmetic_on_constants_equals_nest(i):
    nest = fresh_nest()
    expr = CONSTANT_EXPRESSIONS[i]
    theirs = expr(nest.CreateParameter("constant", {"value": 3.0}), nest.math, nest.logic).GetValue()
    ours = expr(Constant(3.0), nj.math, nj.logic)
    assert ours.GetValue() == pytest.approx(theirs, rel=1e-15, abs=0)
    assert ours.evaluate(5, np.random.default_rng(0)).tolist() == pytest.approx([theirs] * 5, rel=1e-15)


def test_modules_are_reachable_as_in_nest():
    import nestjax.logic
    import nestjax.math
    import nestjax.random

    assert nj.random.uniform is nestjax.random.uniform
    assert nj.math.redraw is nestjax.math.redraw and nj.logic.conditional is nestjax.logic.conditional
    assert isinstance(nj.random.normal(), nj.Parameter)
    assert isinstance(nj.random.uniform(2.0, 3.0).GetValue(), float)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: nj.random.uniform(1.0, 0.0), "min < max"),
        (lambda: nj.random.uniform(1.0, 1.0), "min < max"),
        (lambda: nj.random.normal(0.0, 0.0), "std > 0"),
        (lambda: nj.random.lognormal(0.0, -1.0), "std > 0"),
        (lambda: nj.random.uniform_int(0), "max > 0"),
        (lambda: nj.random.uniform_int(2.5), "max > 0"),
        (lambda: nj.random.exponential(-1.0), "beta >= 0"),
        (lambda: nj.math.redraw(nj.random.normal(), 1.0, 0.0), "min <= max"),
    ],
)
def test_bad_distribution_arguments_are_refused(make, message):
    with pytest.raises(nj.BadProperty, match=message):
        make()


def test_redraw_gives_up_after_1000_draws_and_truth_values_are_refused():
    sim = nj.Simulator()
    with pytest.raises(ValueError, match="Number of redraws exceeded limit of 1000"):
        sim.create("iaf_psc_alpha", 3, V_m=nj.math.redraw(nj.random.normal(0.0, 1.0), 10.0, 11.0))
    assert not sim._pops  # nothing was created
    with pytest.raises(TypeError, match="no truth value"):
        bool(nj.random.uniform() < 0.5)


def test_quantities_are_dimension_checked_and_converted():
    sim = nj.Simulator(seed=2)
    a = sim.create("iaf_psc_alpha", 500, V_m=nj.random.uniform(-0.070 * u.volt, -55.0 * u.mV))
    v = a.get("V_m").to_decimal(u.mV)
    assert v.min() >= -70.0 and v.max() < -55.0 and np.ptp(v) > 10.0
    b = sim.create("iaf_psc_alpha", 500, I_e=nj.random.lognormal(0.0, 0.5) * 2 * u.nA)
    assert b.get("I_e").to_decimal(u.pA).mean() == pytest.approx(2000 * np.exp(0.125), rel=0.05)
    c = sim.create("iaf_psc_alpha", 3, I_e=5 * u.pA * nj.random.normal(10.0, 1.0))  # quantity on the left
    assert np.all(np.abs(c.get("I_e").to_decimal(u.pA) - 50.0) < 30.0)
    d = sim.create("iaf_psc_alpha", 200, tau_m=nj.random.uniform(max=20.0 * u.ms))  # bare zero fits any unit
    assert 0.0 <= d.get("tau_m").to_decimal(u.ms).min()
    with pytest.raises(nj.UnitMismatch, match="I_e"):
        sim.create("iaf_psc_alpha", 2, I_e=nj.random.normal(0.0, 1.0) * u.mV)
    with pytest.raises(nj.UnitMismatch, match="V_m"):
        a.set(V_m=nj.random.uniform(1.0, 2.0) * u.ms)


@pytest.mark.parametrize(
    "make",
    [
        lambda: nj.random.uniform(-70.0 * u.mV, 5.0),  # a bare non-zero number with a quantity
        lambda: nj.random.normal(0.0 * u.mV, 1.0 * u.ms),
        lambda: nj.random.lognormal(1.0 * u.mV),
        lambda: nj.random.uniform(0.0 * u.mV, 1.0 * u.mV) + 1.0,
        lambda: nj.random.uniform(0.0 * u.mV, 1.0 * u.mV) < 1.0 * u.ms,
        lambda: nj.math.exp(nj.random.uniform(0.0 * u.mV, 1.0 * u.mV)),
        lambda: nj.math.min(nj.random.uniform(0.0 * u.mV, 1.0 * u.mV), 0.5),
        lambda: nj.math.redraw(nj.random.normal(0.0 * u.mV, 1.0 * u.mV), -1.0, 1.0),
        lambda: nj.logic.conditional(nj.random.uniform() < 0.5, 1.0 * u.mV, 2.0),
    ],
)
def test_mismatched_dimensions_in_parameters_are_refused(make):
    with pytest.raises(nj.UnitMismatch):
        make()


def test_units_combine_as_quantities_do():
    rng = np.random.default_rng(0)
    p = nj.random.uniform(1.0 * u.ms, 2.0 * u.ms)
    assert (p * 2).unit == u.ms and (p * (3 * u.mV)).unit == u.ms * u.mV
    ratio = (p / (1.0 * u.second)).evaluate(100, rng)  # dimensionless: a bare array
    assert isinstance(ratio, np.ndarray) and 0.001 <= ratio.min() and ratio.max() < 0.002
    summed = (p + 1.0 * u.second).evaluate(10, rng)
    assert summed.unit == u.ms and np.all(summed.to_decimal(u.ms) >= 1001.0)
    # each use of p draws anew (as in NEST): the branch's p is not the condition's p
    cond = nj.logic.conditional(p > 1.5 * u.ms, p, 0.5 * u.second).evaluate(400, rng).to_decimal(u.ms)
    assert set(np.unique(cond[cond > 2.0])) == {500.0} and 1.0 <= cond.min() < 1.5
    assert 0.35 < np.mean(cond == 500.0) < 0.65


def test_same_seed_same_network_other_seed_other_network():
    def build(seed):
        sim = nj.Simulator(seed=seed)
        a = sim.create("iaf_psc_alpha", 20, V_m=nj.random.normal(-65.0, 3.0))
        b = sim.create("iaf_psc_alpha", 10)
        b.set(I_e=nj.random.uniform(100.0, 200.0))
        syn = {"weight": nj.random.normal(10.0, 2.0), "delay": nj.random.uniform(0.5, 2.0)}
        sim.connect(a, b, syn_spec=syn)
        c = sim.get_connections()
        return np.concatenate(
            [a.get("V_m").mantissa, b.get("I_e").mantissa, c.get("weight").mantissa, c.get("delay").mantissa]
        )

    np.testing.assert_array_equal(build(3), build(3))
    assert not np.array_equal(build(3), build(4))


def test_synapse_parameters_are_drawn_per_connection():
    sim = nj.Simulator(seed=5)
    a, b = sim.create("iaf_psc_alpha", 30), sim.create("iaf_psc_alpha", 30)
    sim.connect(
        a,
        b,
        syn_spec={
            "weight": nj.random.normal(10.0 * u.pA, 2.0 * u.pA),
            "delay": nj.random.uniform(0.5 * u.ms, 2.0 * u.ms),
        },
    )
    c = sim.get_connections()
    w, d = c.get("weight").to_decimal(u.pA), c.get("delay").to_decimal(u.ms)
    assert w.size == 900 and np.unique(w).size == 900 and abs(w.mean() - 10.0) < 0.3
    assert d.min() >= 0.5 and d.max() <= 2.0 and np.unique(d).size == 16  # 0.5 .. 2.0 on the 0.1 ms grid
    with pytest.raises(ValueError, match="weight"):
        sim.connect(a, b, syn_spec={"weight": nj.random.normal(10.0 * u.mV, 2.0 * u.mV)})


@pytest.mark.parametrize("dt", [0.1, 0.02])
def test_delays_round_to_the_grid_as_nest_s(dt):
    delays = np.array([1.45, 0.15, 0.25, 0.35, 2.05, 1.05, 0.1, 3.0, 0.51, 0.149, 0.07, 0.05])
    delays = delays[delays >= dt * 0.5 + 1e-9]  # those that are at least one step in both
    nest = fresh_nest(dt)
    pre, post = nest.Create("iaf_psc_alpha", delays.size), nest.Create("iaf_psc_alpha", delays.size)
    nest.Connect(pre, post, "one_to_one", {"delay": delays})
    theirs = np.asarray(nest.GetConnections().get("delay"), dtype=float)
    sim = nj.Simulator(dt=dt)
    a, b = sim.create("iaf_psc_alpha", delays.size), sim.create("iaf_psc_alpha", delays.size)
    sim.connect(a, b, "one_to_one", {"delay": delays})
    ours = sim.get_connections().get("delay").to_decimal(u.ms)
    np.testing.assert_array_equal(ours, theirs)  # the same ms values, bit for bit


def test_random_delays_follow_nest_s_rounding_statistically():
    nest = fresh_nest(0.1)
    nest.rng_seed = 3
    pre, post = nest.Create("iaf_psc_alpha", 60), nest.Create("iaf_psc_alpha", 60)
    nest.Connect(pre, post, syn_spec={"delay": nest.random.uniform(0.5, 1.2)})
    theirs = np.round(np.asarray(nest.GetConnections().get("delay")) * 10).astype(int)
    sim = nj.Simulator(dt=0.1, seed=3)
    a, b = sim.create("iaf_psc_alpha", 60), sim.create("iaf_psc_alpha", 60)
    sim.connect(a, b, syn_spec={"delay": nj.random.uniform(0.5, 1.2)})
    ours = np.round(sim.get_connections().get("delay").to_decimal(u.ms) * 10).astype(int)
    counts = np.array([np.bincount(x, minlength=13)[5:13] for x in (theirs, ours)])
    assert counts[0, 0] < counts[0, 1] / 1.5 and counts[0, -1] < counts[0, 1] / 1.5  # half-width ends
    assert stats.chi2_contingency(counts).pvalue > ALPHA


def test_random_delay_that_rounds_to_zero_steps_is_an_error():
    sim = nj.Simulator(dt=0.1)
    a = sim.create("iaf_psc_alpha", 5)
    with pytest.raises(ValueError, match="rounds to 0 steps"):
        sim.connect(a, a, syn_spec={"delay": nj.random.uniform(0.01, 0.04)})
    assert not sim._conns
