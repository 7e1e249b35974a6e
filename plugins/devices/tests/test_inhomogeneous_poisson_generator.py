"""inhomogeneous_poisson_generator against live NEST and theory (category E) and its deterministic
parts (when the rate changes, the window, changes between calls: category D).

Each target's count per step is recorded through a parrot_neuron. Stated tests with fixed seeds
(nestjax seed 1, NEST rng_seed 12345); the statistical tests of one test function have a
family-wise error rate of ALPHA = 0.001 (Bonferroni over its tests). Theory: in the update k -> k+1
each target receives Poisson(rate x dt), the rate being that of the last rate time whose stamp is
at most k+1 (0 before the first):

- rate vs theory: the total count against Poisson(sum of the means), exact two-sided test, both
  simulators; nestjax vs NEST: conditional binomial test of the two totals;
- rate profile: the counts in each piece of constant rate against their Poisson expectations
  (chi-square), both simulators, and nestjax vs NEST (chi-square test of homogeneity);
- independence between targets: the sum over steps and pairs of targets of the products of their
  counts' deviations from the mean, against N(0, pairs x sum of squared means).

The report keeps, per test, the |z| of its two-sided p-value.
"""

import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "inhomogeneous_poisson_generator"
ALPHA = 1e-3
N_TARGETS = 20


def _run(side, dt, gens, calls, sets=(), n_targets=N_TARGETS):
    """One generator per parameter dict, each driving its own ``n_targets`` parrots (delay dt); ``calls``
    simulate lengths in steps, ``sets[i]`` (per generator dicts or None) set after call i. Returns
    one (steps, targets) matrix of counts per generator, row k those of the update k -> k+1."""
    if side == "nest":
        nest = fresh_nest(dt)
        nest.rng_seed = 12345
        create, connect = nest.Create, nest.Connect
    else:
        sim = nj.Simulator(dt=dt, seed=1)
        create, connect = sim.create, sim.connect
    sr = create("spike_recorder", 1)
    firsts, made = [], []
    for q in gens:
        g, par = create(MODEL, 1, q), create("parrot_neuron", n_targets)
        connect(g, par, syn_spec={"delay": dt})
        connect(par, sr)
        firsts.append(par.tolist()[0])
        made.append(g)
    senders, times = [], []
    for i, n in enumerate(calls):
        if side == "nest":
            nest.Simulate(n * dt)
        else:
            ev = sim.simulate(n * dt).events(sr)
            senders.append(np.asarray(ev["senders"]))
            times.append(np.asarray(ev["times"].mantissa))
        for g, values in zip(made, sets[i] if i < len(sets) else ()):
            if values:
                g.set(values)
    if side == "nest":
        ev = sr.get("events")
        senders, times = ev["senders"], ev["times"]
    else:
        senders, times = np.concatenate(senders), np.concatenate(times)
    out = []
    for first in firsts:
        sel = (senders >= first) & (senders < first + n_targets)
        c = np.zeros((sum(calls), n_targets), np.int64)
        np.add.at(c, (np.rint(times[sel] / dt).astype(np.int64) - 2, senders[sel] - first), 1)
        out.append(c)
    return out


def _rates(stamps, values, n_steps):
    """Hz per update k: the value of the last stamp <= k + 1."""
    i = np.searchsorted(stamps, np.arange(n_steps) + 1, side="right") - 1
    return np.where(i >= 0, np.asarray(values)[np.maximum(i, 0)], 0.0)


def test_spike_statistics_against_nest_and_theory(parity, stoch):
    dt, n_steps = 0.1, 30000
    gens = [
        {"rate_times": [50.0, 300.0, 1200.5, 2000.0], "rate_values": [800.0, 0.0, 1500.0, 300.0]},
        {  # off the grid: each time counts at the end of its step
            "rate_times": [10.03, 700.27, 1500.55],
            "rate_values": [400.0, 1200.0, 100.0],
            "allow_offgrid_times": True,
            "start": 40.0,
        },
        {"rate_times": [0.1], "rate_values": [400000.0], "origin": 1.0, "start": 2.5, "stop": 6.3},
    ]
    stamps = [np.array([500, 3000, 12005, 20000]), np.array([101, 7003, 15006])]
    ours_all = _run("nj", dt, gens, [11000, 7000, 12000])
    nest_all = _run("nest", dt, gens, [n_steps])
    rows, p = slice(0, n_steps - 2), {}  # the draws of the last update reach no parrot in time
    for i, q in enumerate(gens[:2]):
        mean = _rates(stamps[i], q["rate_values"], n_steps) * dt * 1e-3
        mean[np.arange(n_steps) <= round(q.get("start", 0.0) / dt)] = 0.0
        mean, ours, theirs = mean[rows], ours_all[i][rows], nest_all[i][rows]
        tag = f"generator {i}"
        assert ours[mean == 0].sum() == 0 and theirs[mean == 0].sum() == 0
        piece = np.searchsorted(stamps[i], np.arange(n_steps)[rows] + 1, side="right")
        expected = N_TARGETS * np.bincount(piece, mean)
        on = expected > 0
        table = np.array([np.bincount(piece, c.sum(1))[on] for c in (ours, theirs)])
        for who, c, observed in zip(("nestjax", "NEST"), (ours, theirs), table):
            total = c.sum()
            tail = min(
                stats.poisson.cdf(total, mean.sum() * N_TARGETS),
                stats.poisson.sf(total - 1, mean.sum() * N_TARGETS),
            )
            p[f"{tag}: rate {who} vs theory"] = min(1.0, 2 * tail)
            chi2 = ((observed - expected[on]) ** 2 / expected[on]).sum()
            p[f"{tag}: rate profile {who} vs theory"] = stats.chi2.sf(chi2, on.sum())
        p[f"{tag}: rate nestjax vs NEST"] = stats.binomtest(
            int(ours.sum()), int(ours.sum() + theirs.sum())
        ).pvalue
        p[f"{tag}: rate profile nestjax vs NEST"] = stats.chi2_contingency(table)[1]
        p[f"{tag}: independence nestjax"] = stoch.independence_p(ours, mean)
    scenario = f"dt={dt}, {n_steps} steps, {N_TARGETS} targets per generator, {gens[:2]}"
    stoch.report_and_reject(parity, MODEL, p, scenario, ALPHA)
    # the window: origin+start = 3.5 ms < k dt <= 7.3 ms = origin+stop, every active step sends
    stoch.window_steps(
        parity, MODEL, ours_all[2], nest_all[2], dt, np.arange(36, 74), "active steps at mean 40"
    )


def test_rate_changes_set_between_calls_as_nest(parity):
    """At a mean of 40 per step every step sends and at 0 none, so the steps that send show when
    each rate took effect: new rate times set between calls (on and off the grid), at dt 0.1 and
    0.01, identical to NEST's (category D)."""
    for dt in (0.1, 0.01):
        on, off = 40.0 / (dt * 1e-3), 0.0  # a mean of 40 per step: P(0) = 4e-18
        gens = [
            {"rate_times": [2.0, 4.0], "rate_values": [on, off]},
            {"rate_times": [1.0], "rate_values": [on], "allow_offgrid_times": True, "stop": 9.0},
        ]
        sets = [
            [
                {"rate_times": [7.0, 8.5], "rate_values": [on, off]},
                {"rate_times": [6.02, 7.51], "rate_values": [off, on]},
            ],
            [{"rate_times": [13.0], "rate_values": [on]}, None],
        ]
        calls = [round(5.0 / dt), round(6.0 / dt), round(4.0 / dt)]
        ours, theirs = _run("nj", dt, gens, calls, sets, 1), _run("nest", dt, gens, calls, sets, 1)
        for i in range(2):
            a, b = (np.nonzero(c.sum(1))[0] for c in (ours[i], theirs[i]))
            parity.events(
                MODEL,
                {"senders": 0 * a, "times": a * dt},
                {"senders": 0 * b, "times": b * dt},
                f"dt={dt}, generator {i}, rates set between calls",
                "D",
            )
            assert a.size > 0


def test_bad_parameters_as_nest(stoch):
    nest = fresh_nest(0.1)
    bads = [
        {"rate_times": [1.0]},
        {"rate_times": [1.0, 0.5], "rate_values": [1.0, 2.0]},
        {"rate_times": [1.03], "rate_values": [1.0]},
        {"rate_times": [0.0], "rate_values": [1.0]},
        {"rate_times": [1.0], "rate_values": [1.0, 2.0]},
        {"rate_times": [1.03, 1.05], "rate_values": [1.0, 2.0], "allow_offgrid_times": True},
    ]
    stoch.refused_as_nest(nest, MODEL, bads)
    g = nest.Create(MODEL, 1, {"rate_times": [1.0], "rate_values": [1.0]})
    ours = nj.Simulator(dt=0.1).create(MODEL, 1, {"rate_times": [1.0], "rate_values": [1.0]})
    for node in (g, ours):
        try:
            node.set({"allow_offgrid_times": True})
        except Exception as e:
            assert "Option can only be set together with rate times" in str(e)
        else:
            raise AssertionError(node)


def test_rate_times_after_the_current_time_as_nest():
    """Rate times are shown as stamps on the grid, and must lie after the current time, as in NEST."""
    nest = fresh_nest(0.1)
    theirs = nest.Create(MODEL, 1, {"rate_times": [1.03], "rate_values": [10.0], "allow_offgrid_times": True})
    sim = nj.Simulator(dt=0.1)
    ours = sim.create(MODEL, 1, {"rate_times": [1.03], "rate_values": [10.0], "allow_offgrid_times": True})
    assert list(theirs.get("rate_times")) == [1.1]
    assert [float(t) for t in ours.get("rate_times")] == [1.1]
    nest.Simulate(5.0)
    sim.simulate(5.0)
    for side in (theirs, ours):
        for past in ([3.0], [5.0]):
            with pytest.raises(Exception, match="Time points must lie strictly in the future."):
                side.set({"rate_times": past, "rate_values": [1e6]})
        side.set({"rate_times": [5.1], "rate_values": [20.0]})
    assert [float(t) for t in ours.get("rate_times")] == list(theirs.get("rate_times"))
