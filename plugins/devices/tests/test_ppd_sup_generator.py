"""ppd_sup_generator against live NEST and theory (category E) and its deterministic parts.

Each target's count per step is recorded through a parrot_neuron (an event of multiplicity k comes
out as k spikes with one stamp). Stated tests with fixed seeds (nestjax seed 1, NEST rng_seed
12345); the statistical tests of one test function have a family-wise error rate of ALPHA = 0.001
(Bonferroni over its tests). Theory is NEST's discrete-time process: an active component spikes
with the hazard h of its step, then stays dead for b = int(dead_time / dt) updates and is active
again from the next; the expected occupations evolve linearly from NEST's initial ones, and a
single process (n_proc 1) has intervals of b steps plus a geometric number (>= 1) of steps:

- no interval of a single process shorter than b + 1 steps, and that shortest one occurs, in both
  simulators (deterministic);
- rate vs theory: the total count against its exact expectation, z-test with the variance
  mean x CV^2 of the renewal process (n_proc 1), or with Poisson variance (superpositions: CV <
  1, conservative), both simulators; nestjax vs NEST: the difference of the totals, alike;
- ISI shape of a single process: Kolmogorov-Smirnov test of intervals - b against the geometric
  law, both simulators, and nestjax vs NEST (two-sample);
- rate profile over a cycle (modulated hazard): counts in 10 phase bins against their expectation
  (chi-square, Poisson variance), both simulators, and nestjax vs NEST (chi-square test of
  homogeneity);
- independence between targets: the sum over steps and pairs of targets of the products of their
  counts' deviations from the mean, against N(0, pairs x sum of squared means).

The report keeps, per test, the |z| of its two-sided p-value.
"""

import numpy as np
from scipy import stats

from nestjax.testing import fresh_nest

MODEL = "ppd_sup_generator"
ALPHA = 1e-3
N_TARGETS = 20
BINS = 10


def _hazard(q, dt, n_steps):
    """NEST's hazard per update (active from the first step on)."""
    h = 1.0 / (1000.0 / q["rate"] - q.get("dead_time", 0.0)) * dt
    amplitude, frequency = q.get("relative_amplitude", 0.0), q.get("frequency", 0.0)
    if amplitude > 0 and frequency != 0:
        return h * (1.0 + amplitude * np.sin(2.0 * np.pi * frequency / 1000.0 * np.arange(n_steps) * dt))
    return np.full(n_steps, h)


def _expected(q, dt, n_steps):
    """Expected spikes of one target per update: NEST's age distribution, in expectation."""
    n, b = q["n_proc"], int(q.get("dead_time", 0.0) / dt)
    dead = int(q["rate"] / 1000.0 * n * dt)
    ring, active = np.full(max(b, 1), float(dead) if b else 0.0), float(n - dead * b)
    out = np.zeros(n_steps)
    for k, h in enumerate(_hazard(q, dt, n_steps)):
        out[k] = h * active
        if b:
            active += ring[k % b] - out[k]
            ring[k % b] = out[k]
    return out


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps = 0.1, 30000
    gens = [
        {"rate": 50.0, "dead_time": 5.0, "n_proc": 1},
        {"rate": 60.0, "dead_time": 2.5, "n_proc": 30, "frequency": 10.0, "relative_amplitude": 0.7},
        {"rate": 1.0, "dead_time": 0.55, "n_proc": 500},  # NEST's Poisson approximation; 5 dead steps
        {"rate": 10000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # hazard 1: a spike every active step
    ]
    ours_all = stoch.counts("nj", dt, MODEL, gens, n_steps, split=(2, 3, 1))
    nest_all = stoch.counts("nest", dt, MODEL, gens, n_steps)
    rows, p = slice(0, n_steps - 2), {}  # the spikes of the last update reach no parrot in time
    for i, q in enumerate(gens[:3]):
        b, h = int(q["dead_time"] / dt), _hazard(q, dt, n_steps)[0]
        mean, ours, theirs = _expected(q, dt, n_steps)[rows], ours_all[i][rows], nest_all[i][rows]
        tag = f"generator {i} ({q})"
        cv2 = (1 - h) / h**2 / (b + 1 / h) ** 2 if q["n_proc"] == 1 else 1.0
        for who, c in (("nestjax", ours), ("NEST", theirs)):
            z = (c.sum() - N_TARGETS * mean.sum()) / np.sqrt(N_TARGETS * mean.sum() * cv2)
            p[f"{tag}: rate {who} vs theory"] = 2 * stats.norm.sf(abs(z))
        z = (ours.sum() - theirs.sum()) / np.sqrt((ours.sum() + theirs.sum()) * cv2)
        p[f"{tag}: rate nestjax vs NEST"] = 2 * stats.norm.sf(abs(z))
        if q["n_proc"] == 1:
            isi = [stoch.isis(c) for c in (ours, theirs)]
            assert isi[0].min() == isi[1].min() == b + 1, (isi[0].min(), isi[1].min(), b)
            for who, x in zip(("nestjax", "NEST"), isi):
                p[f"{tag}: ISI - dead time {who} vs geometric (KS)"] = stats.kstest(
                    x - b, stats.geom(h).cdf
                ).pvalue
            p[f"{tag}: ISI shape nestjax vs NEST (KS)"] = stats.ks_2samp(*isi).pvalue
            shortest = max(abs(x.min() - (b + 1)) for x in isi)  # 0: both at dead steps + 1
            parity.report.add(MODEL, "shortest ISI - (dead steps + 1), steps", "D", tag, shortest)
        if "frequency" in q:
            phase = np.floor((np.arange(n_steps)[rows] * dt * q["frequency"] / 1000.0 % 1.0) * BINS).astype(
                int
            )
            profile = N_TARGETS * np.bincount(phase, mean, BINS)
            table = np.array([np.bincount(phase, c.sum(1), BINS) for c in (ours, theirs)])
            for who, observed in zip(("nestjax", "NEST"), table):
                chi2 = ((observed - profile) ** 2 / profile).sum()
                p[f"{tag}: rate profile {who} vs theory"] = stats.chi2.sf(chi2, BINS)
            p[f"{tag}: rate profile nestjax vs NEST"] = stats.chi2_contingency(table)[1]
        p[f"{tag}: independence nestjax"] = stoch.independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    # the window: origin+start = 3.5 ms < k dt <= 7.3 ms = origin+stop, one spike every active step
    assert (ours_all[3][36:74] == 1).all()
    stoch.window_steps(
        parity, MODEL, ours_all[3], nest_all[3], dt, np.arange(36, 74), "active steps at hazard 1"
    )


def test_results_do_not_depend_on_how_simulate_is_split(stoch):
    gens = [{"rate": 300.0, "dead_time": 1.2, "n_proc": 7, "frequency": 30.0, "relative_amplitude": 0.5}]
    a = stoch.counts("nj", 0.1, MODEL, gens, 700, split=(1,), seed=4)[0]
    b = stoch.counts("nj", 0.1, MODEL, gens, 700, split=(3, 1, 2, 5), seed=4)[0]
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0 and not np.array_equal(a[:, 0], a[:, 1])


def test_bad_parameters_as_nest(stoch):
    nest = fresh_nest(0.1)
    bads = (
        {"dead_time": -1.0},
        {"rate": 200.0, "dead_time": 5.0},
        {"rate": -1.0},
        {"n_proc": 0},
        {"relative_amplitude": 1.5},
    )
    stoch.refused_as_nest(nest, MODEL, bads)
