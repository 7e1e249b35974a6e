"""gamma_sup_generator against live NEST and theory (category E) and its deterministic parts.

Each target's count per step is recorded through a parrot_neuron (an event of multiplicity k comes
out as k spikes with one stamp). Stated tests with fixed seeds (nestjax seed 1, NEST rng_seed
12345); the statistical tests of one test function have a family-wise error rate of ALPHA = 0.001
(Bonferroni over its tests). Theory is NEST's discrete-time process: each component process moves
to its next state with probability p = rate x gamma_shape x dt per step, so the expected
occupations evolve linearly from NEST's initial ones and a single process (n_proc 1) has
intervals that are sums of gamma_shape geometric numbers of steps (negative binomial, CV^2 =
(1 - p) / gamma_shape):

- rate vs theory: the total count against its exact expectation, z-test with the variance
  mean x CV^2 of a (superposition of) renewal processes, both simulators; nestjax vs NEST: the
  difference of the totals, z-test with the variance (sum) x CV^2;
- ISI shape of a single process: Kolmogorov-Smirnov test against the negative binomial, both
  simulators, and nestjax vs NEST (two-sample);
- Fano factor of counts in windows of 100 ms (superposition): F-test of the variances of
  nestjax's and NEST's window counts;
- independence between targets: the sum over steps and pairs of targets of the products of their
  counts' deviations from the mean, against N(0, pairs x sum of squared means).

The report keeps, per test, the |z| of its two-sided p-value.
"""

import numpy as np
from scipy import stats

from nestjax.testing import fresh_nest

MODEL = "gamma_sup_generator"
ALPHA = 1e-3
N_TARGETS = 20


def _expected(q, dt, n_steps):
    """Expected spikes of one target per update from NEST's initial occupations (always active)."""
    k, n = q["gamma_shape"], q["n_proc"]
    p = q["rate"] * k * dt / 1000.0
    occ = np.full(k, float(n // k))
    occ[-1] += n - k * (n // k)
    out = np.zeros(n_steps)
    for step in range(n_steps):
        moved = p * occ
        out[step] = moved[-1]
        occ = occ - moved + np.roll(moved, 1)
    return out


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps, window = 0.1, 30000, 1000
    gens = [
        {"rate": 40.0, "gamma_shape": 3, "n_proc": 1},
        {"rate": 40.0, "gamma_shape": 2, "n_proc": 20},
        {"rate": 2.0, "gamma_shape": 1, "n_proc": 200},  # NEST's Poisson approximation
        {"rate": 10000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # p = 1: a spike every active step
    ]
    ours_all = stoch.counts("nj", dt, MODEL, gens, n_steps, split=(2, 3, 1))
    nest_all = stoch.counts("nest", dt, MODEL, gens, n_steps)
    rows, p = slice(0, n_steps - 2), {}  # the spikes of the last update reach no parrot in time
    for i, q in enumerate(gens[:3]):
        k, prob = q["gamma_shape"], q["rate"] * q["gamma_shape"] * dt / 1000.0
        cv2, mean = (1 - prob) / k, _expected(q, dt, n_steps)[rows]
        ours, theirs = ours_all[i][rows], nest_all[i][rows]
        tag = f"generator {i} (gamma_shape {k}, n_proc {q['n_proc']})"
        for who, c in (("nestjax", ours), ("NEST", theirs)):
            z = (c.sum() - N_TARGETS * mean.sum()) / np.sqrt(N_TARGETS * mean.sum() * cv2)
            p[f"{tag}: rate {who} vs theory"] = 2 * stats.norm.sf(abs(z))
        z = (ours.sum() - theirs.sum()) / np.sqrt((ours.sum() + theirs.sum()) * cv2)
        p[f"{tag}: rate nestjax vs NEST"] = 2 * stats.norm.sf(abs(z))
        if q["n_proc"] == 1:
            cdf = stats.nbinom(k, prob).cdf  # failures before the k-th success: interval - k
            for who, c in (("nestjax", ours), ("NEST", theirs)):
                p[f"{tag}: ISI shape {who} vs negative binomial (KS)"] = stats.kstest(
                    stoch.isis(c), lambda x, cdf=cdf, k=k: cdf(x - k)
                ).pvalue
            p[f"{tag}: ISI shape nestjax vs NEST (KS)"] = stats.ks_2samp(
                stoch.isis(ours), stoch.isis(theirs)
            ).pvalue
            isi = stoch.isis(ours)
            parity.report.add(
                MODEL, f"{tag}: CV^2 of ISIs nestjax (theory {cv2:.4f})", "E", "", isi.var() / isi.mean() ** 2
            )
        elif i == 1:
            counts = [
                c[: c.shape[0] // window * window].reshape(-1, window, N_TARGETS).sum(1)
                for c in (ours, theirs)
            ]
            f = counts[0].var(ddof=1) / counts[1].var(ddof=1)
            dof = counts[0].size - 1
            p[f"{tag}: Fano factor nestjax vs NEST (F-test)"] = 2 * min(
                stats.f.cdf(f, dof, dof), stats.f.sf(f, dof, dof)
            )
            fano = counts[0].var(ddof=1) / counts[0].mean()
            parity.report.add(
                MODEL, f"{tag}: Fano factor nestjax, 100 ms (asymptotic {cv2:.4f})", "E", "", fano
            )
        p[f"{tag}: independence nestjax"] = stoch.independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator, {gens[:3]}"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    # the window: origin+start = 3.5 ms < k dt <= 7.3 ms = origin+stop, one spike every active step
    assert (ours_all[3][36:74] == 1).all()
    stoch.window_steps(
        parity, MODEL, ours_all[3], nest_all[3], dt, np.arange(36, 74), "active steps at p = 1"
    )


def test_results_do_not_depend_on_how_simulate_is_split(stoch):
    gens = [{"rate": 300.0, "gamma_shape": 4, "n_proc": 7}]
    a = stoch.counts("nj", 0.1, MODEL, gens, 700, split=(1,), seed=4)[0]
    b = stoch.counts("nj", 0.1, MODEL, gens, 700, split=(3, 1, 2, 5), seed=4)[0]
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0 and not np.array_equal(a[:, 0], a[:, 1])


def test_bad_parameters_as_nest(stoch):
    nest = fresh_nest(0.1)
    stoch.refused_as_nest(nest, MODEL, ({"gamma_shape": 0}, {"rate": -1.0}, {"n_proc": 0}))


CASES = [
    (1, 0.3, False),
    (7, 0.7, False),
    (30, 0.2, False),
    (1000, 0.05, False),
    (1000, 0.93, False),
    (3000, 2e-4, True),
    (5000, 0.01, True),
]


def test_counts_follow_the_binomial_and_poisson_laws(parity, stoch):
    """The inverse-CDF draws (pieces, the flip of p above 1/2, NEST's capped Poisson; all cases in
    one array, with elements of no trials among them) against scipy's distributions: chi-square
    goodness of fit on 20000 draws each, Bonferroni over the cases (family-wise ALPHA)."""
    import jax
    import jax.numpy as jnp

    from nestjax_devices.gamma_sup_generator import counts

    size = 20000
    n, prob, poisson = (np.repeat(np.array(col), size) for col in zip(*CASES, (0, 0.0, False)))
    draws = np.asarray(
        counts(jax.random.key(3), jnp.asarray(n, float), jnp.asarray(prob), jnp.asarray(poisson))
    )
    for i, (n, prob, poisson) in enumerate(CASES):
        x = draws[i * size : (i + 1) * size]
        law = stats.poisson(n * prob) if poisson else stats.binom(n, prob)
        values = np.arange(int(law.ppf(1e-6)), int(law.isf(1e-6)) + 1)
        edges = np.concatenate([[-0.5], values[1:] - 0.5, [n + 0.5]])
        observed = np.histogram(x, edges)[0]
        probs = np.diff(np.concatenate([[0.0], law.cdf(values[1:] - 1), [1.0]]))
        keep = probs * size >= 5
        observed = np.concatenate([observed[keep], [observed[~keep].sum()]])
        expected = np.concatenate([probs[keep], [probs[~keep].sum()]]) * size
        chi2 = ((observed - expected) ** 2 / np.where(expected > 0, expected, 1.0)).sum()
        pval = stats.chi2.sf(chi2, keep.sum())
        parity.report.add(
            MODEL,
            "binomial/Poisson draws vs scipy (|z| of p)",
            "E",
            f"n={n}, p={prob}, poisson={poisson}",
            stoch.z(pval),
        )
        assert pval >= ALPHA / len(CASES), (n, prob, poisson, x.mean(), x.var(), pval)
        assert x.min() >= 0 and x.max() <= n
    assert (draws[len(CASES) * size :] == 0).all()  # no trials, in the same array as the others
