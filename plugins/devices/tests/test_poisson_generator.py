"""poisson_generator against live NEST and theory (category E) and its deterministic parts.

Each target's count per step is recorded through a parrot_neuron (one event of multiplicity k comes
out as k spikes with one stamp). Stated tests with fixed seeds (nestjax seed 1; NEST rng_seed
12345), so every outcome is reproducible. Significance: the whole set of statistical tests in this
module has a family-wise error rate of ALPHA = 0.001 (Bonferroni: each of the N_TESTS tests is run
at ALPHA / N_TESTS, i.e. |z| <= 4.28), so a correct generator fails this module once in a
thousand seeds, not once in twenty:

- rate vs theory: the total count of each simulator against Poisson(n_steps x n_targets x mean),
  two-sided exact Poisson test;
- rate nestjax vs NEST: conditional binomial test of the two totals (equal exposure: p = 1/2);
- count distribution nestjax vs NEST: chi-square test of homogeneity of the per-(step, target)
  counts, classes 0, 1, 2, ... with the upper classes merged until every expected count is >= 5;
- count distribution vs theory: chi-square goodness of fit to Poisson(mean), same classes;
- Fano factor ~ 1: dispersion test, sum (x - mean)^2 / mean ~ chi2(n - 1), on counts per target
  in windows of 50 steps, both simulators;
- independence between targets: dispersion test on the per-step sum over targets (correlated
  targets inflate its variance), and the largest per-step correlation of a pair, r sqrt(n) ~ N(0, 1)
  per pair, with a Bonferroni correction over the pairs.

The report keeps, per test, the |z| of its two-sided p-value (a test fails above 4.28).
"""

import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.testing import fresh_nest
from nestjax_devices.poisson_generator import PIECE, cdf_table, poisson_counts, table_search

MODEL = "poisson_generator"
ALPHA = 1e-3
CONFIGS = [(0.1, (8000.0, 450000.0)), (0.05, (30000.0,)), (0.01, (150000.0, 3000.0))]
LARGE_MEANS = [31.0, 100.0, 2500.0]
TESTS_PER_RATE = 10
N_TESTS = TESTS_PER_RATE * sum(len(r) for _, r in CONFIGS) + len(LARGE_MEANS)
PER_TEST = ALPHA / N_TESTS
N_TARGETS = 12
STEPS = 8000


def _counts(senders, times, first, dt, n_steps):
    """Matrix (steps, targets) of events per stamp (row stamp - 1) and target."""
    k = np.rint(np.asarray(times) / dt).astype(np.int64) - 1
    c = np.zeros((n_steps, N_TARGETS), np.int64)
    np.add.at(c, (k, np.asarray(senders) - first), 1)
    return c


def _run(side, dt, rates, n_steps, params=None, seed=1, split=(1,)):
    """One generator per rate, each driving its own N_TARGETS parrots (delay dt), all recorded;
    returns one count matrix per generator."""
    per = [{"rate": r, **(params or {})} for r in rates]
    if side == "nest":
        nest = fresh_nest(dt)
        nest.rng_seed = 12345
        create = nest.Create
    else:
        sim = nj.Simulator(dt=dt, seed=seed)
        create = sim.create
    sr = create("spike_recorder", 1)
    pars = []
    for q in per:
        pg, par = create(MODEL, 1, q), create("parrot_neuron", N_TARGETS)
        (nest.Connect if side == "nest" else sim.connect)(pg, par, syn_spec={"delay": dt})
        (nest.Connect if side == "nest" else sim.connect)(par, sr)
        pars.append(par.tolist()[0])
    if side == "nest":
        nest.Simulate(n_steps * dt)
        ev = sr.get("events")
        senders, times = ev["senders"], ev["times"]
    else:
        cuts = np.rint(np.cumsum(split) / np.sum(split) * n_steps).astype(int)
        evs = [
            sim.simulate((b - a) * dt).events(sr)
            for a, b in zip(np.concatenate([[0], cuts[:-1]]), cuts, strict=True)
        ]
        senders = np.concatenate([e["senders"] for e in evs])
        times = np.concatenate([np.asarray(e["times"].mantissa) for e in evs])
    out = []
    for first in pars:
        sel = (senders >= first) & (senders < first + N_TARGETS)
        out.append(_counts(senders[sel], times[sel], first, dt, n_steps))
    return out


def _classes(*samples):
    """Frequencies of count classes, one row per sample, and each class's first value: the values
    seen, the lowest and highest merged into their neighbours until every expected frequency
    (under homogeneity) is at least 5. The first class stands for all values up to its end, the
    last for all values from its start."""
    lo, hi = int(min(s.min() for s in samples)), int(max(s.max() for s in samples))
    table = np.array([[np.sum(s == v) for v in range(lo, hi + 1)] for s in samples], float)
    starts = list(range(lo, hi + 1))

    def expected(t):
        return t.sum(0) * t.sum(1).min() / t.sum()

    while table.shape[1] > 2 and expected(table)[0] < 5:
        table = np.concatenate([table[:, :2].sum(1, keepdims=True), table[:, 2:]], axis=1)
        starts.pop(1)
    while table.shape[1] > 2 and expected(table)[-1] < 5:
        table = np.concatenate([table[:, :-2], table[:, -2:].sum(1, keepdims=True)], axis=1)
        starts.pop()
    return table, np.array(starts)


def _dispersion_p(x):
    x = np.asarray(x, float).reshape(-1)
    d = ((x - x.mean()) ** 2).sum() / x.mean()
    cdf = stats.chi2.cdf(d, x.size - 1)
    return 2 * min(cdf, 1 - cdf)


def _poisson_total_p(total, mean):
    lo, hi = stats.poisson.cdf(total, mean), stats.poisson.sf(total - 1, mean)
    return min(1.0, 2 * min(lo, hi))


def _z(p):
    """The |z| of a two-sided p-value (what the report keeps: larger is worse; 3.29 is alpha)."""
    return float(stats.norm.isf(max(p, 1e-300) / 2))


@pytest.mark.parametrize("dt,rates", CONFIGS)
def test_statistics_against_nest_and_theory(parity, dt, rates):
    ours_all = _run("nj", dt, rates, STEPS, split=(2, 1, 1))
    nest_all = _run("nest", dt, rates, STEPS)
    for rate, ours, theirs in zip(rates, ours_all, nest_all, strict=True):
        _check_statistics(parity, dt, rate, ours, theirs)


def _check_statistics(parity, dt, rate, ours, theirs):
    mean = dt * rate * 1e-3
    # steps k = 1 .. STEPS-2 are active; the parrots re-emit at stamp k + 2 (rows 2 .. STEPS-1)
    assert ours[:2].sum() == 0 and theirs[:2].sum() == 0
    rows = slice(2, 2 + (STEPS - 2) // 50 * 50)
    ours, theirs = ours[rows], theirs[rows]
    n = ours.size
    scenario = f"dt={dt}, rate={rate}, mean {mean:g} per step, {N_TARGETS} targets, {ours.shape[0]} steps"
    p = {
        "rate nestjax vs theory": _poisson_total_p(ours.sum(), n * mean),
        "rate NEST vs theory": _poisson_total_p(theirs.sum(), n * mean),
        "rate nestjax vs NEST": stats.binomtest(int(ours.sum()), int(ours.sum() + theirs.sum()), 0.5).pvalue,
        "counts nestjax vs NEST": stats.chi2_contingency(_classes(ours, theirs)[0])[1],
        "Fano factor nestjax": _dispersion_p(ours.reshape(-1, 50, N_TARGETS).sum(1)),
        "Fano factor NEST": _dispersion_p(theirs.reshape(-1, 50, N_TARGETS).sum(1)),
        "independence nestjax (sum over targets)": _dispersion_p(ours.sum(1)),
        "independence NEST (sum over targets)": _dispersion_p(theirs.sum(1)),
    }
    table, starts = _classes(ours)
    cdf = stats.poisson.cdf(starts[1:] - 1, mean)
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    p["counts nestjax vs Poisson"] = stats.chisquare(table[0], probs * n, ddof=0).pvalue
    r = np.corrcoef(ours.T)[np.triu_indices(N_TARGETS, 1)]
    pairs = r.size
    p["independence nestjax (largest pair correlation)"] = min(
        1.0, 2 * pairs * stats.norm.sf(np.abs(r).max() * np.sqrt(ours.shape[0]))
    )
    assert len(p) == TESTS_PER_RATE
    for what, value in p.items():
        parity.report.add(MODEL, f"{what} (|z| of p)", "E", scenario, _z(value))
    bad = {k: v for k, v in p.items() if v < PER_TEST}
    assert not bad, f"{scenario}: tests rejected at {PER_TEST:.2g} (family-wise {ALPHA}): {bad}"
    assert ours.sum() > 0


def test_window_edges_as_nest(parity):
    """At a mean of 40 per step every active step sends (P(0) = 4e-18), so the stamps of the
    events are deterministic: the same steps as NEST's, origin + start < k <= origin + stop."""
    dt, rate = 0.1, 400000.0
    params = {"origin": 1.0, "start": 2.5, "stop": 6.3}
    ours, theirs = (
        _run("nj", dt, [rate], 120, params, split=(3, 5))[0],
        _run("nest", dt, [rate], 120, params)[0],
    )
    steps_ours, steps_nest = np.nonzero(ours.sum(1))[0], np.nonzero(theirs.sum(1))[0]
    np.testing.assert_array_equal(steps_ours, steps_nest)
    # active k = 36 .. 73 (3.5 < k dt <= 7.3); the parrots re-emit at k + 2, i.e. rows 37 .. 74
    assert steps_ours[0] == 37 and steps_ours[-1] == 74
    assert (ours[steps_ours] > 0).all()
    parity.events(
        MODEL,
        {"senders": np.zeros(steps_ours.size), "times": steps_ours * dt},
        {"senders": np.zeros(steps_nest.size), "times": steps_nest * dt},
        "active steps at mean 40",
        "D",
    )


def test_results_do_not_depend_on_how_simulate_is_split():
    a = _run("nj", 0.1, [20000.0, 5000.0], 600, split=(1,))
    b = _run("nj", 0.1, [20000.0, 5000.0], 600, split=(2, 1, 3))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0][:, 0], a[0][:, 1])


@pytest.mark.parametrize("mean", [1e-6, 0.01, 0.3, 1.0, 2.5, 7.0, 15.0, 29.5])
def test_inverse_cdf_is_exact(mean):
    """The table search returns scipy's Poisson quantile for every uniform except within 1e-13 of
    a step of the CDF (where float64 sums may round either way)."""
    import jax.numpy as jnp

    u = np.concatenate([np.linspace(0.0, 1.0, 20001, endpoint=False), 1 - np.logspace(-16, -1, 200)])
    table = cdf_table(jnp.full((1, 1), mean))
    ours = np.asarray(table_search(table, jnp.zeros(u.size, jnp.int32), jnp.asarray(u)[None, :]))[0]
    ref = np.maximum(stats.poisson.ppf(u, mean), 0)  # scipy gives -1 at u = 0
    cdf = stats.poisson.cdf(np.arange(200), mean)
    near = np.min(np.abs(u[:, None] - cdf[None, :]), axis=1) < 1e-13
    ok = (ours == ref) | near | (u > 1 - 1e-15)
    assert ok.all(), (u[~ok][:5], ours[~ok][:5], ref[~ok][:5])


@pytest.mark.parametrize("mean", LARGE_MEANS)
def test_means_above_one_piece_are_poisson(parity, mean):
    """Counts of a mean above PIECE (a sum of searches over pieces) against Poisson(mean):
    chi-square goodness of fit on 20000 draws."""
    import jax
    import jax.numpy as jnp

    keys = jax.vmap(lambda i: jax.random.fold_in(jax.random.key(7), i))(jnp.arange(4))
    lane = jnp.zeros(5000, jnp.int32)
    x = np.asarray(poisson_counts(jnp.full((4, 1), mean), lane, keys)).reshape(-1).astype(np.int64)
    table, starts = _classes(x)
    probs = np.diff(np.concatenate([[0.0], stats.poisson.cdf(starts[1:] - 1, mean), [1.0]]))
    p = stats.chisquare(table[0], probs * x.size).pvalue
    parity.report.add(MODEL, "counts of large means vs Poisson (|z| of p)", "E", f"mean {mean}", _z(p))
    assert mean > PIECE
    assert p >= PER_TEST, (mean, x.mean(), x.var(), p)


def test_negative_rate_is_refused_as_nest():
    nest = fresh_nest(0.1)
    with pytest.raises(Exception) as theirs:
        nest.Create(MODEL, params={"rate": -1.0})
    with pytest.raises(ValueError) as ours:
        nj.Simulator(dt=0.1).create(MODEL, 1, {"rate": -1.0})
    assert str(ours.value) in str(theirs.value)
