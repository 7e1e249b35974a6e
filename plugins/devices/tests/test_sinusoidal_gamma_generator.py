"""sinusoidal_gamma_generator against live NEST: the recordable ``rate`` (category A), the spikes
(category E) and the window's edges (deterministic where the hazard is at least 1, category D).

Each target's train is recorded through a parrot_neuron. Stated tests with fixed seeds (nestjax
seed 1, NEST rng_seed 12345); the statistical tests of one test function have a family-wise error
rate of ALPHA = 0.001 (Bonferroni over its tests). Theory is that of NEST's discrete-time process
(a spike in the update k -> k+1 with probability equal to the hazard at its end), computed
exactly in the test for integer orders (where Gamma(a, L) has a closed form) by following, step
by step, the probability of each time of the last spike; it differs from the continuous gamma
process by O(rate dt) (0.6% in rate at order 2 and 150 spikes/s at dt 0.1 ms). The count of a
target has, for long times, about the variance mean / order:

- rate vs theory: the total count, z-test with that mean and variance, both simulators;
- rate nestjax vs NEST: conditional binomial test of the two totals (conservative: Poisson
  variance);
- ISI shape (stationary generator): Kolmogorov-Smirnov test of the intervals against their exact
  distribution, both simulators, and nestjax vs NEST (two-sample);
- rate profile over a cycle (modulated generator): counts in 10 phase bins against their
  expectation (chi-square with Poisson variance: conservative for order >= 1), both simulators, and
  nestjax vs NEST (chi-square test of homogeneity);
- independence between targets: the sum over steps and pairs of targets of the products of their
  counts' deviations from the mean, against N(0, pairs x sum of squared means).

The report keeps, per test, the |z| of its two-sided p-value.
"""

import math

import numpy as np
from scipy import stats

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "sinusoidal_gamma_generator"
ALPHA = 1e-3
N_TARGETS = 20
BINS = 10


def _rate(q, dt, n_steps):
    """spikes/ms at the end of each update."""
    t = (np.arange(n_steps) + 1) * dt
    om = q.get("frequency", 0.0) * 2.0 * np.pi / 1000.0
    return (
        q["rate"] + q.get("amplitude", 0.0) * np.sin(om * t + q.get("phase", 0.0) * np.pi / 180.0)
    ) / 1000.0


def _ratio(a: int, L):
    """L^(a-1) exp(-L) / Gamma(a, L) for an integer order a (Gamma(a, L) = (a-1)! exp(-L) times the
    sum of L^k / k! for k < a)."""
    terms = np.array([L**k / math.factorial(k) for k in range(a)])
    return terms[-1] / terms.sum(0)


def _theory(q, dt, n_steps, window=3000):
    """Expected spikes of one target per update (NEST's process, integer order, always active),
    and the distribution of intervals in steps for a stationary rate."""
    a, rate = int(q["order"]), _rate(q, dt, n_steps)
    om, phi, t = (
        q.get("frequency", 0.0) * 2 * np.pi / 1000,
        q.get("phase", 0.0) * np.pi / 180,
        np.arange(n_steps + 1) * dt,
    )
    wave = q.get("amplitude", 0.0) / 1000 / om * -np.cos(om * t + phi) if om else 0.0 * t
    C = a * (q["rate"] / 1000 * t + wave - (wave[0] if om else 0.0))  # Lambda from 0 to each step's end
    mass, base, spikes = np.zeros(window), np.zeros(window), np.zeros(n_steps)
    mass[0] = 1.0
    for k in range(n_steps):  # slot k % window: the trains whose last spike was in update k - 1
        hazard = dt * a * rate[k] * _ratio(a, C[k + 1] - base)
        spikes[k] = (mass * hazard).sum()
        mass *= 1 - hazard
        mass[(k + 1) % window], base[(k + 1) % window] = spikes[k], C[k + 1]
    n = np.arange(1, window)
    hazard = dt * a * rate[0] * _ratio(a, a * q["rate"] / 1000 * dt * n)
    intervals = hazard * np.cumprod(np.concatenate([[1.0], 1 - hazard[:-1]]))
    return spikes, intervals


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps = 0.1, 30000
    gens = [
        {"rate": 120.0, "order": 3.0},
        {"rate": 150.0, "amplitude": 100.0, "frequency": 8.0, "phase": 120.0, "order": 2.0},
        {"rate": 10000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # hazard 1 while active
        {"rate": 400000.0, "origin": 1.0, "start": 2.5},  # Lambda 1400 at the start: exp underflows
    ]
    ours_all = stoch.counts("nj", dt, MODEL, gens, n_steps, split=(2, 3, 1))
    nest_all = stoch.counts("nest", dt, MODEL, gens, n_steps)
    rows, p = slice(0, n_steps - 2), {}  # the spikes of the last update reach no parrot in time
    for i, q in enumerate(gens[:2]):
        a, (mean, intervals) = q["order"], _theory(q, dt, n_steps)
        mean, ours, theirs = mean[rows], ours_all[i][rows], nest_all[i][rows]
        tag = f"generator {i} (order {a:g})"
        for who, c in (("nestjax", ours), ("NEST", theirs)):
            z = (c.sum() - N_TARGETS * mean.sum()) / np.sqrt(N_TARGETS * mean.sum() / a)
            p[f"{tag}: rate {who} vs theory"] = 2 * stats.norm.sf(abs(z))
        p[f"{tag}: rate nestjax vs NEST"] = stats.binomtest(
            int(ours.sum()), int(ours.sum() + theirs.sum())
        ).pvalue
        if "frequency" not in q:
            cdf = np.concatenate([[0.0], np.cumsum(intervals)])
            for who, c in (("nestjax", ours), ("NEST", theirs)):
                isi = stoch.isis(c)
                p[f"{tag}: ISI shape {who} vs theory (KS)"] = stats.kstest(
                    isi, lambda x, cdf=cdf: cdf[np.minimum(x.astype(int), cdf.size - 1)]
                ).pvalue
            p[f"{tag}: ISI shape nestjax vs NEST (KS)"] = stats.ks_2samp(
                stoch.isis(ours), stoch.isis(theirs)
            ).pvalue
            cv = stoch.isis(ours).std() / stoch.isis(ours).mean()
            parity.report.add(MODEL, f"{tag}: CV of ISIs nestjax (gamma: {1 / np.sqrt(a):.4f})", "E", "", cv)
        else:
            k = np.arange(n_steps)[rows]
            phase = np.floor(((k + 1) * dt * q["frequency"] / 1000.0 % 1.0) * BINS).astype(int)
            profile = N_TARGETS * np.bincount(phase, mean, BINS)
            table = np.array([np.bincount(phase, c.sum(1), BINS) for c in (ours, theirs)])
            for who, observed in zip(("nestjax", "NEST"), table):
                chi2 = ((observed - profile) ** 2 / profile).sum()
                p[f"{tag}: rate profile {who} vs theory"] = stats.chi2.sf(chi2, BINS)
            p[f"{tag}: rate profile nestjax vs NEST"] = stats.chi2_contingency(table)[1]
        p[f"{tag}: independence nestjax"] = stoch.independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator, {gens[:2]}"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    # the window: origin+start = 3.5 ms < k dt <= 7.3 ms = origin+stop, a spike every active step
    assert (ours_all[2][36:74] == 1).all()
    stoch.window_steps(
        parity, MODEL, ours_all[2], nest_all[2], dt, np.arange(36, 74), "active steps at hazard 1"
    )
    assert (
        ours_all[3].sum() == 0 and nest_all[3].sum() == 0
    )  # as NEST: no spikes once exp(-Lambda) underflows


def test_a_shared_train_reaches_every_target(stoch):
    """individual_spike_trains False (on a copy of the model, as NEST allows it): all targets
    receive the same train, at the rate of one train; setting it on a node is NEST's error."""
    sim = nj.Simulator(dt=0.1, seed=3)
    sim.copy_model(MODEL, "sg_shared", {"individual_spike_trains": False})
    q = {"rate": 400.0, "amplitude": 200.0, "frequency": 5.0, "order": 4.0}
    (c,) = stoch.counts("nj", 0.1, "sg_shared", [q], 6000, sim=sim)
    assert (c == c[:, :1]).all()
    mean = _rate(q, 0.1, 6000)[:-2].sum() * 0.1
    z = (c[:-2, 0].sum() - mean - (1 / 4 - 1) / 2) / np.sqrt(mean / 4)
    assert abs(z) < stats.norm.isf(ALPHA / 2), z
    nest = fresh_nest(0.1)
    for create in (nest.Create, sim.create):
        try:
            create(MODEL, 1, {"individual_spike_trains": False})
        except Exception as e:  # noqa: PERF203
            assert "can only be set as a model default" in str(e)
        else:
            raise AssertionError(f"{create} accepted individual_spike_trains on a node")


def test_rate_as_nest_with_changes_between_calls(parity):
    """Random parameters per generator at dt 0.1 and 0.01, calls of random lengths with new
    parameters set between them: the recorded rate every step against NEST's multimeter (A)."""
    rng = np.random.default_rng(5)

    def params(n):
        rate = rng.uniform(0.0, 900.0, n).round(3)
        return {
            "rate": rate.tolist(),
            "amplitude": (rate * rng.uniform(0.0, 1.0, n)).round(3).tolist(),
            "frequency": rng.uniform(0.0, 80.0, n).round(3).tolist(),
            "phase": rng.uniform(-180.0, 360.0, n).round(3).tolist(),
            "order": rng.uniform(1.0, 6.0, n).round(3).tolist(),
        }

    for dt in (0.1, 0.01):
        n = 4
        calls = [(round(float(rng.integers(50, 400)) * dt, 9), params(n)) for _ in range(3)]
        first = {**params(n), "start": [0.0, 1.0, 0.0, 2.0], "stop": [np.inf, 5.0, 3.0, np.inf]}
        got = []
        for side in ("nest", "nj"):
            nest, sim = (fresh_nest(dt), None) if side == "nest" else (None, nj.Simulator(dt=dt))
            create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
            g = create(MODEL, n, first)
            mm = create("multimeter", 1, {"record_from": ["rate"], "interval": dt})
            connect(mm, g)
            traces = []
            for t, values in calls:
                if side == "nest":
                    nest.Simulate(t)
                else:
                    traces.append(np.asarray(sim.simulate(t).trace(mm, "rate").mantissa))
                g.set(values)
            if side == "nest":
                total = sum(t for t, _ in calls)
                nest.Simulate(nest.min_delay)  # NEST hands over the last slice's samples with a next call
                ev = mm.get("events")
                keep = ev["times"] <= total + 1e-9
                times, senders, rate = ev["times"][keep], ev["senders"][keep], ev["rate"][keep]
                trace = np.zeros((np.unique(times).size, n))
                trace[np.searchsorted(np.unique(times), times), senders - g.tolist()[0]] = rate
            else:
                trace = np.concatenate(traces)
            got.append(trace)
        theirs, ours = got
        parity.samples(MODEL, "rate", ours, theirs, "A", f"dt={dt}, {n} generators, 3 calls, new parameters")


def test_bad_parameters_as_nest(stoch):
    nest = fresh_nest(0.1)
    stoch.refused_as_nest(
        nest, MODEL, ({"order": 0.5}, {"rate": 10.0, "amplitude": 20.0}, {"amplitude": -1.0})
    )
