"""mip_generator against live NEST and theory (category E) and its deterministic parts.

Each target's count per step is recorded through a parrot_neuron. Stated tests with fixed seeds
(nestjax seed 1, NEST rng_seed 12345); the statistical tests of one test function have a
family-wise error rate of ALPHA = 0.001 (Bonferroni over its tests). Theory: per step a mother
count M ~ Poisson(mu = rate dt), shared by the generator's n targets, each of which receives
Binomial(M, p_copy); the per-step sum over targets T then has P(T = t) = sum over M of
Poisson(M; mu) Binomial(t; n M, p_copy) (independent targets would give T ~ Poisson(n mu p_copy)),
mean n mu p and variance n p mu (1 + (n - 1) p), and the correlation of two targets' counts is p:

- rate vs theory: the total count, z-test with that variance, both simulators; nestjax vs NEST:
  the difference of the totals, alike;
- shared spikes: the distribution of T (chi-square goodness of fit, classes merged until each
  expects at least 5) in both simulators, and nestjax vs NEST (chi-square test of homogeneity);
  the number of steps in which at least two targets receive spikes, exact binomial test against
  theory for both simulators and conditional binomial test nestjax vs NEST.

The report keeps, per test, the |z| of its two-sided p-value, and the measured mean pairwise
correlation (theory: p_copy).
"""

import numpy as np
from scipy import stats

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "mip_generator"
ALPHA = 1e-3
N_TARGETS = 10
DELAY = 5  # steps: min_delay 0.5 ms, so NEST's update slices are 5 steps long
_TARGETS = {"n_targets": N_TARGETS, "delay_steps": DELAY}  # N_TARGETS parrots, delay DELAY steps


def _law_of_sum(mu, p, n):
    """P(T = t), t = 0 .. len - 1, for the per-step sum over n targets."""
    mothers = np.arange(int(stats.poisson.isf(1e-15, mu)) + 1)
    t = np.arange(n * mothers[-1] + 1)
    return (
        stats.poisson.pmf(mothers, mu)[:, None] * stats.binom.pmf(t[None, :], n * mothers[:, None], p)
    ).sum(0)


def _classes(law, *samples):
    """Observed frequencies of T per sample and expected ones under ``law``, the upper classes
    merged until each expects at least 5."""
    size = samples[0].size
    observed = np.array([np.bincount(s, minlength=law.size)[: law.size] for s in samples], float)
    expected = law * size
    cut = int(np.nonzero(expected >= 5)[0].max())
    observed = np.concatenate([observed[:, :cut], observed[:, cut:].sum(1, keepdims=True)], axis=1)
    expected = np.concatenate([expected[:cut], [expected[cut:].sum()]])
    return observed, expected


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps = 0.1, 40000
    gens = [
        {"rate": 2000.0, "p_copy": 0.3},
        {"rate": 1500.0, "p_copy": 0.75},
        {"rate": 300.0, "p_copy": 1.0},  # every target receives the mother train
        {"rate": 400000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # mean 40: every active step
    ]
    ours_all = stoch.counts("nj", dt, MODEL, gens, n_steps, split=(2, 3, 1), **_TARGETS)
    nest_all = stoch.counts("nest", dt, MODEL, gens, n_steps, **_TARGETS)
    rows, p = slice(0, n_steps - DELAY - 1), {}  # later draws reach no parrot in time
    for i, q in enumerate(gens[:2]):
        mu, pc, n = q["rate"] * dt * 1e-3, q["p_copy"], N_TARGETS
        ours, theirs = ours_all[i][rows], nest_all[i][rows]
        K = ours.shape[0]
        tag = f"generator {i} (rate {q['rate']}, p_copy {pc})"
        mean, var = K * n * mu * pc, K * n * pc * mu * (1 + (n - 1) * pc)
        for who, c in (("nestjax", ours), ("NEST", theirs)):
            p[f"{tag}: rate {who} vs theory"] = 2 * stats.norm.sf(abs(c.sum() - mean) / np.sqrt(var))
        p[f"{tag}: rate nestjax vs NEST"] = 2 * stats.norm.sf(
            abs(ours.sum() - theirs.sum()) / np.sqrt(2 * var)
        )
        law = _law_of_sum(mu, pc, n)
        observed, expected = _classes(law, ours.sum(1), theirs.sum(1))
        for who, o in zip(("nestjax", "NEST"), observed):
            p[f"{tag}: shared spikes, law of the sum over targets, {who} vs theory"] = stats.chisquare(
                o, expected * o.sum() / expected.sum()
            ).pvalue
        p[f"{tag}: shared spikes, law of the sum over targets, nestjax vs NEST"] = stats.chi2_contingency(
            observed
        )[1]
        shared = [int((c.sum(1) >= 2).sum()) for c in (ours, theirs)]
        q2 = law[2:].sum()
        for who, s in zip(("nestjax", "NEST"), shared):
            p[f"{tag}: steps with shared spikes {who} vs theory"] = stats.binomtest(s, K, q2).pvalue
        p[f"{tag}: steps with shared spikes nestjax vs NEST"] = stats.binomtest(shared[0], sum(shared)).pvalue
        r = np.corrcoef(ours.T)[np.triu_indices(n, 1)].mean()
        parity.report.add(MODEL, f"{tag}: mean pairwise correlation nestjax (theory {pc})", "E", "", r)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator, min_delay {DELAY} steps"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    for c in (ours_all[2], nest_all[2]):  # p_copy 1: all targets see the same counts
        assert (c == c[:, :1]).all() and c.sum() > 1000
    # the window, decided per update slice of 5 steps at its start T: 3.5 ms < T dt <= 7.3 ms
    stoch.window_steps(
        parity, MODEL, ours_all[3], nest_all[3], dt, np.arange(40, 75), "active slices at mean 40"
    )


def test_results_do_not_depend_on_how_simulate_is_split(stoch):
    gens = [{"rate": 3000.0, "p_copy": 0.4}]
    a = stoch.counts("nj", 0.1, MODEL, gens, 600, split=(1,), seed=4, **_TARGETS)[0]
    b = stoch.counts("nj", 0.1, MODEL, gens, 600, split=(3, 1, 2, 5), seed=4, **_TARGETS)[0]
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0 and not np.array_equal(a[:, 0], a[:, 1])


def test_bad_parameters_as_nest(stoch):
    nest = fresh_nest(0.1)
    stoch.refused_as_nest(nest, MODEL, ({"rate": -1.0}, {"p_copy": 1.5}, {"p_copy": -0.1}))


def test_window_with_delays_above_one_ms_as_nest():
    """NEST's min_delay counts the connections to recorders (their default delay, 1 ms): with a
    delay of 2 ms to the parrots the slices are 10 steps long, and the window (decided per slice)
    has the edges of those slices in both simulators."""
    dt, gens = 0.1, [{"rate": 400000.0, "origin": 1.0, "start": 3.5, "stop": 6.3}]
    sent = []
    for side in ("nj", "nest"):
        nest = fresh_nest(dt) if side == "nest" else None
        sim = nj.Simulator(dt=dt) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        g, par, sr = create(MODEL, 1, gens[0]), create("parrot_neuron", 1), create("spike_recorder")
        connect(g, par, syn_spec={"delay": 2.0})
        connect(par, sr)
        if nest:
            nest.Simulate(12.0)
            times = sr.get("events")["times"]
        else:
            times = np.asarray(sim.simulate(12.0).events(sr)["times"].mantissa)
        sent.append(np.unique(np.rint(times / dt).astype(int) - 21))  # the update that drew them
    np.testing.assert_array_equal(sent[0], sent[1])
    np.testing.assert_array_equal(sent[1], np.arange(50, 80))  # slices of 10 steps: T = 50, 60, 70
