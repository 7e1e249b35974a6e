"""sinusoidal_poisson_generator against live NEST: the recordable ``rate`` and ``y_0``/``y_1``
(category A) and the spikes (category E; the window's edges, which are deterministic at a mean of
40 per step, category D).

Each target's count per step is recorded through a parrot_neuron. Stated tests with fixed seeds
(nestjax seed 1, NEST rng_seed 12345); the statistical tests of one test function have a
family-wise error rate of ALPHA = 0.001 (Bonferroni over its tests):

- rate vs theory: the total count against Poisson(sum over steps and targets of rate(t) dt), the
  rate NEST's rotated phasor gives (closed form), exact two-sided Poisson test, both simulators;
- rate nestjax vs NEST: conditional binomial test of the two totals (equal exposure);
- rate profile over a cycle: counts in 10 phase bins of the modulation against their expectation
  (chi-square, 10 degrees of freedom), both simulators, and nestjax vs NEST (chi-square test of
  homogeneity);
- independence between targets: the sum over steps and pairs of targets of the products of their
  counts' deviations from the mean, against N(0, pairs x sum of squared means).

The report keeps, per test, the |z| of its two-sided p-value.
"""

import numpy as np
from scipy import stats

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "sinusoidal_poisson_generator"
ALPHA = 1e-3
N_TARGETS = 20
BINS = 10


def _rate(q, dt, n_steps):
    """Hz per update k: NEST's rate at the end of the step, clipped at 0."""
    t = (np.arange(n_steps) + 1) * dt
    om = q["frequency"] * 2.0 * np.pi / 1000.0
    return np.maximum(q["rate"] + q["amplitude"] * np.sin(om * t + q["phase"] * np.pi / 180.0), 0.0)


def _poisson_total_p(total, mean):
    return min(1.0, 2 * min(stats.poisson.cdf(total, mean), stats.poisson.sf(total - 1, mean)))


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps = 0.1, 20000
    gens = [
        {"rate": 700.0, "amplitude": 500.0, "frequency": 10.0, "phase": 45.0},
        {"rate": 200.0, "amplitude": 400.0, "frequency": 23.0, "phase": -60.0, "start": 3.0},  # clipped
        {"rate": 400000.0, "origin": 1.0, "start": 2.5, "stop": 6.3},  # window edges
    ]
    ours_all = stoch.counts("nj", dt, MODEL, gens, n_steps, split=(3, 1, 2))
    nest_all = stoch.counts("nest", dt, MODEL, gens, n_steps)
    p, rows = {}, slice(0, n_steps - 2)  # the draws of the last update reach no parrot in time
    for i, q in enumerate(gens[:2]):
        q = {"amplitude": 0.0, "frequency": 0.0, "phase": 0.0, "start": 0.0, **q}
        mean = _rate(q, dt, n_steps) * dt * 1e-3
        k = np.arange(n_steps)
        mean[k + 2 <= round(q["start"] / dt)] = (
            0.0  # active while origin+start < k+2 (as a current generator)
        )
        ours, theirs, mean = ours_all[i][rows], nest_all[i][rows], mean[rows]
        phase = np.floor(((k[rows] + 1) * dt * q["frequency"] / 1000.0 % 1.0) * BINS).astype(int)
        expected = np.bincount(phase, mean, BINS) * N_TARGETS
        on = expected > 0  # bins where the rate is clipped to 0 throughout get no spikes
        tag = f"generator {i}"
        for who, c in (("nestjax", ours), ("NEST", theirs)):
            p[f"{tag}: rate {who} vs theory"] = _poisson_total_p(c.sum(), N_TARGETS * mean.sum())
            observed = np.bincount(phase, c.sum(1), BINS)
            assert observed[~on].sum() == 0, who
            chi2 = ((observed[on] - expected[on]) ** 2 / expected[on]).sum()
            p[f"{tag}: rate profile {who} vs theory"] = stats.chi2.sf(chi2, on.sum())
        p[f"{tag}: rate nestjax vs NEST"] = stats.binomtest(
            int(ours.sum()), int(ours.sum() + theirs.sum())
        ).pvalue
        table = np.array([np.bincount(phase, c.sum(1), BINS)[on] for c in (ours, theirs)])
        p[f"{tag}: rate profile nestjax vs NEST"] = stats.chi2_contingency(table)[1]
        p[f"{tag}: independence nestjax"] = stoch.independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator, rates {gens[:2]}"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    # the window: origin+start = 3.5 ms < (k+2) dt <= 7.3 ms = origin+stop, every active step sends
    assert (ours_all[2][34:72] > 0).all()
    stoch.window_steps(
        parity, MODEL, ours_all[2], nest_all[2], dt, np.arange(34, 72), "active steps at mean 40"
    )


def test_a_shared_train_reaches_every_target():
    """individual_spike_trains False (on a copy of the model, as NEST allows it): all targets
    receive the same counts, at the rate of one train; setting it on a node is NEST's error."""
    sim = nj.Simulator(dt=0.1, seed=3)
    sim.copy_model(MODEL, "sp_shared", {"individual_spike_trains": False})
    q = {"rate": 500.0, "amplitude": 300.0, "frequency": 8.0}
    (c,) = _run_copy(sim, "sp_shared", q, 5000)
    assert (c == c[:, :1]).all()
    mean = (_rate({"phase": 0.0, **q}, 0.1, 5000) * 1e-4)[:-2].sum()
    assert _poisson_total_p(c[:-2, 0].sum(), mean) > ALPHA
    nest = fresh_nest(0.1)
    for create in (nest.Create, sim.create):
        try:
            create(MODEL, 1, {"individual_spike_trains": False})
        except Exception as e:  # noqa: PERF203
            assert "can only be set as a model default" in str(e)
        else:
            raise AssertionError(f"{create} accepted individual_spike_trains on a node")


def _run_copy(sim, model, q, n_steps):
    g, par, sr = sim.create(model, 1, q), sim.create("parrot_neuron", N_TARGETS), sim.create("spike_recorder")
    sim.connect(g, par, syn_spec={"delay": 0.1})
    sim.connect(par, sr)
    ev = sim.simulate(n_steps * 0.1).events(sr)
    c = np.zeros((n_steps, N_TARGETS), np.int64)
    k = np.rint(np.asarray(ev["times"].mantissa) / 0.1).astype(np.int64) - 2
    np.add.at(c, (k, np.asarray(ev["senders"]) - par.tolist()[0]), 1)
    return (c,)


def _random_params(rng, n):
    return {
        "rate": rng.uniform(0.0, 800.0, n).round(3).tolist(),
        "amplitude": rng.uniform(0.0, 900.0, n).round(3).tolist(),
        "frequency": rng.uniform(0.0, 80.0, n).round(3).tolist(),
        "phase": rng.uniform(-180.0, 360.0, n).round(3).tolist(),
    }


def test_rate_and_phasor_as_nest_with_changes_between_calls(parity):
    """Random parameters per generator at dt 0.1 and 0.01; calls of random lengths with new
    amplitudes, frequencies, phases and rates set between them: the recorded rate every step and
    y_0, y_1 after each call, against NEST's multimeter and GetStatus (category A)."""
    rng = np.random.default_rng(11)
    for dt in (0.1, 0.01):
        n = 4
        calls = [(round(float(rng.integers(50, 400)) * dt, 9), _random_params(rng, n)) for _ in range(3)]
        first = {**_random_params(rng, n), "start": [0.0, 1.0, 0.0, 2.0], "stop": [np.inf, 5.0, 3.0, np.inf]}
        got = []
        for side in ("nest", "nj"):
            nest, sim = (fresh_nest(dt), None) if side == "nest" else (None, nj.Simulator(dt=dt))
            create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
            g = create(MODEL, n, first)
            mm = create("multimeter", 1, {"record_from": ["rate"], "interval": dt})
            connect(mm, g)
            ys, traces = [], []
            for t, values in calls:
                if side == "nest":
                    nest.Simulate(t)
                    ys.append(np.array([g.get("y_0"), g.get("y_1")]))
                else:
                    traces.append(np.asarray(sim.simulate(t).trace(mm, "rate").mantissa))
                    ys.append(np.array([np.asarray(g.get("y_0")), np.asarray(g.get("y_1"))]))
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
            got.append((trace, np.array(ys)))
        (theirs, y_nest), (ours, y_ours) = got
        scenario = f"dt={dt}, {n} generators, 3 calls with new parameters between them"
        parity.samples(MODEL, "rate", ours, theirs, "A", scenario)
        parity.samples(MODEL, "y_0, y_1", y_ours, y_nest, "A", scenario)
        assert (ours == 0).any() and (ours > 0).any()  # clipped and unclipped steps
