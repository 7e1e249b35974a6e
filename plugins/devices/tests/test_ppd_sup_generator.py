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

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "ppd_sup_generator"
ALPHA = 1e-3
N_TARGETS = 20
BINS = 10


def _z(p):
    return float(stats.norm.isf(max(p, 1e-300) / 2))


def _run(side, dt, gens, n_steps, split=(1,), seed=1):
    """One generator per parameter dict, each driving its own N_TARGETS parrots (delay dt); returns
    one (steps, targets) matrix of counts per generator, row k those of the update k -> k+1."""
    if side == "nest":
        nest = fresh_nest(dt)
        nest.rng_seed = 12345
        create, connect = nest.Create, nest.Connect
    else:
        sim = nj.Simulator(dt=dt, seed=seed)
        create, connect = sim.create, sim.connect
    sr = create("spike_recorder", 1)
    firsts = []
    for q in gens:
        g, par = create(MODEL, 1, q), create("parrot_neuron", N_TARGETS)
        connect(g, par, syn_spec={"delay": dt})
        connect(par, sr)
        firsts.append(par.tolist()[0])
    if side == "nest":
        nest.Simulate(n_steps * dt)
        ev = sr.get("events")
        senders, times = ev["senders"], ev["times"]
    else:
        cuts = np.rint(np.cumsum(split) / np.sum(split) * n_steps).astype(int)
        evs = [sim.simulate((b - a) * dt).events(sr) for a, b in zip(np.concatenate([[0], cuts[:-1]]), cuts)]
        senders = np.concatenate([e["senders"] for e in evs])
        times = np.concatenate([np.asarray(e["times"].mantissa) for e in evs])
    out = []
    for first in firsts:
        sel = (senders >= first) & (senders < first + N_TARGETS)
        c = np.zeros((n_steps, N_TARGETS), np.int64)
        np.add.at(c, (np.rint(times[sel] / dt).astype(np.int64) - 2, senders[sel] - first), 1)
        out.append(c)
    return out


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


def _isis(c):
    """Intervals between the spikes of each target, in steps."""
    return np.concatenate([np.diff(np.nonzero(c[:, j])[0]) for j in range(c.shape[1])])


def _independence_p(c, mean):
    dev = c - mean[:, None]
    total = dev.sum(1)
    pairs_sum = (total**2 - (dev**2).sum(1)).sum() / 2
    return 2 * stats.norm.sf(abs(pairs_sum) / np.sqrt(N_TARGETS * (N_TARGETS - 1) / 2 * (mean**2).sum()))


def test_spike_statistics_against_nest_and_theory(parity):
    dt, n_steps = 0.1, 30000
    gens = [
        {"rate": 50.0, "dead_time": 5.0, "n_proc": 1},
        {"rate": 60.0, "dead_time": 2.5, "n_proc": 30, "frequency": 10.0, "relative_amplitude": 0.7},
        {"rate": 1.0, "dead_time": 0.55, "n_proc": 500},  # NEST's Poisson approximation; 5 dead steps
        {"rate": 10000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # hazard 1: a spike every active step
    ]
    ours_all = _run("nj", dt, gens, n_steps, split=(2, 3, 1))
    nest_all = _run("nest", dt, gens, n_steps)
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
            isi = [_isis(c) for c in (ours, theirs)]
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
        p[f"{tag}: independence nestjax"] = _independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator"
    for what, value in p.items():
        parity.report.add(MODEL, f"{what} (|z| of p)", "E", scenario, _z(value))
    bad = {k: v for k, v in p.items() if v < ALPHA / len(p)}
    assert not bad, f"rejected at {ALPHA / len(p):.2g} (family-wise {ALPHA}): {bad}"
    # the window: origin+start = 3.5 ms < k dt <= 7.3 ms = origin+stop, one spike every active step
    sent = [np.nonzero(c.sum(1))[0] for c in (ours_all[3], nest_all[3])]
    np.testing.assert_array_equal(sent[0], np.arange(36, 74))
    assert (ours_all[3][36:74] == 1).all()
    parity.events(
        MODEL,
        {"senders": 0 * sent[0], "times": sent[0] * dt},
        {"senders": 0 * sent[1], "times": sent[1] * dt},
        "active steps at hazard 1",
        "D",
    )


def test_results_do_not_depend_on_how_simulate_is_split():
    gens = [{"rate": 300.0, "dead_time": 1.2, "n_proc": 7, "frequency": 30.0, "relative_amplitude": 0.5}]
    a = _run("nj", 0.1, gens, 700, split=(1,), seed=4)[0]
    b = _run("nj", 0.1, gens, 700, split=(3, 1, 2, 5), seed=4)[0]
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0 and not np.array_equal(a[:, 0], a[:, 1])


def test_bad_parameters_as_nest():
    nest = fresh_nest(0.1)
    bads = (
        {"dead_time": -1.0},
        {"rate": 200.0, "dead_time": 5.0},
        {"rate": -1.0},
        {"n_proc": 0},
        {"relative_amplitude": 1.5},
    )
    for bad in bads:
        try:
            nest.Create(MODEL, 1, bad)
        except Exception as e:  # noqa: PERF203
            theirs = str(e)
        else:
            raise AssertionError(bad)
        try:
            nj.Simulator(dt=0.1).create(MODEL, 1, bad)
        except ValueError as e:
            assert str(e) in theirs, (bad, str(e), theirs)
        else:
            raise AssertionError(bad)
