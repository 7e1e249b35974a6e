"""spike_dilutor against live NEST and theory.

The mother process is a spike_generator with multiplicities (the same train in both simulators),
delivered to three dilutors (p_copy 0.2, 0.5, 0.9), each repeating it to 15 parrot neurons, which
are recorded; a fourth (p_copy 1) and a fifth (p_copy 0) are deterministic. Category E (fixed
seeds: nestjax 1, NEST its default seed after a kernel reset); tests per dilutor, each at
ALPHA / N_TESTS (Bonferroni, family-wise ALPHA = 0.001):

- copies given the mother spikes of a step: chi-square goodness of fit of the (step, target)
  counts, classes by the number of mother spikes n = 1, 2, 3 and copies 0 .. n, to
  Binomial(n, p_copy), for each simulator (about 2500 mother spikes to 15 targets: a 10% error in
  p_copy is more than 9 standard errors of the copied fraction);
- copied fraction nestjax vs NEST: two-proportion z-test;
- independence between targets: dispersion of the per-step number of copies over the targets
  (sum over steps of (S - 15 n p)^2 / (15 n p (1-p)) ~ chi2(steps)), for each simulator, and the
  largest pair correlation of the targets' counts less n p_copy (r sqrt(steps) ~ N(0, 1),
  Bonferroni over pairs) for nestjax.
"""

import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest, run_both

MODEL = "spike_dilutor"
ALPHA = 1e-3
P_COPY = (0.2, 0.5, 0.9)
TESTS_PER_DILUTOR = 6
N_TESTS = TESTS_PER_DILUTOR * len(P_COPY)
PER_TEST = ALPHA / N_TESTS
TARGETS = 15


def _z(p):
    return float(stats.norm.isf(max(p, 1e-300) / 2))


def _counts(ev, first, steps, dt):
    """(steps, targets) counts of the parrots first .. first + TARGETS - 1 (row: stamp step)."""
    c = np.zeros((steps, TARGETS), np.int64)
    sel = (ev["senders"] >= first) & (ev["senders"] < first + TARGETS)
    np.add.at(c, (np.rint(ev["times"][sel] / dt).astype(np.int64), ev["senders"][sel] - first), 1)
    return c


def _binomial_fit(copies, mother, p):
    """p-value of the chi-square fit of copies (steps, targets) to Binomial(mother, p), by n."""
    obs, exp = [], []
    for n in range(1, int(mother.max()) + 1):
        at = copies[mother == n]
        if at.size:
            obs.extend(np.bincount(at.reshape(-1), minlength=n + 1)[: n + 1])
            exp.extend(at.size * stats.binom.pmf(np.arange(n + 1), n, p))
    obs, exp = np.asarray(obs, float), np.asarray(exp)
    keep = exp >= 5  # sparse classes (n = 3 with extreme p) are dropped, the rest rescaled
    return stats.chisquare(obs[keep], exp[keep] * obs[keep].sum() / exp[keep].sum()).pvalue


@pytest.mark.parametrize("dt,seed", [(0.1, 81), (0.01, 82)])
def test_copies_against_theory_and_nest(parity, dt, seed):
    rng = np.random.default_rng(seed)
    steps = 3000
    mother_steps = np.sort(rng.choice(np.arange(2, steps - 20), size=1500, replace=False))
    mult = rng.choice([1, 2, 3], size=mother_steps.size, p=[0.5, 0.3, 0.2])
    sc = Scenario(dt=dt)
    sc.node(
        "sg",
        "spike_generator",
        1,
        {
            "spike_times": [round(float(k) * dt, 9) for k in mother_steps],
            "spike_multiplicities": [int(m) for m in mult],
        },
    )
    sc.node("d", MODEL, len(P_COPY) + 2, [{"p_copy": p} for p in (*P_COPY, 1.0, 0.0)])
    sc.node("par", "parrot_neuron", TARGETS * (len(P_COPY) + 2))
    sc.node("sr", "spike_recorder")
    sc.connect("sg", "d", syn_spec={"delay": dt})
    for i in range(len(P_COPY) + 2):
        sc.connect(
            ("d", slice(i, i + 1)), ("par", slice(i * TARGETS, (i + 1) * TARGETS)), syn_spec={"delay": dt}
        )
    sc.connect("par", "sr")
    sc.simulate = [steps * dt]
    ours, theirs = (r["sr"] for r in run_both(sc, seed=1))
    mother = np.zeros(steps, np.int64)
    mother[mother_steps + 2] = mult  # the parrots send at the mother stamp + 2 steps
    first = 1 + (len(P_COPY) + 2) + 1  # the first parrot's node id (after sg and the dilutors)
    scenario = f"{mother.sum()} mother spikes, dt={dt}"
    for i in (3, 4):  # p_copy 1 and 0: deterministic
        for ev in (ours, theirs):
            c = _counts(ev, first + i * TARGETS, steps, dt)
            np.testing.assert_array_equal(
                c, mother[:, None] * (1 if i == 3 else 0) * np.ones((1, TARGETS), int)
            )
    parity.report.add(MODEL, "copies at p_copy 1 and 0", "D", scenario, 0.0)
    for i, p_copy in enumerate(P_COPY):
        a, b = (_counts(ev, first + i * TARGETS, steps, dt) for ev in (ours, theirs))
        assert np.all(a <= mother[:, None]) and np.all(b <= mother[:, None])
        on = mother > 0
        m = mother[on]
        p = {}
        for name, c in (("nestjax", a), ("NEST", b)):
            p[f"copies given the mother spikes, {name} vs Binomial (chi-square)"] = _binomial_fit(
                c[on], m[:, None] * np.ones((1, TARGETS), int), p_copy
            )
            s = c[on].sum(1)
            d = ((s - TARGETS * m * p_copy) ** 2 / (TARGETS * m * p_copy * (1 - p_copy))).sum()
            p[f"independence of targets, {name} (dispersion)"] = 2 * min(
                stats.chi2.cdf(d, m.size), stats.chi2.sf(d, m.size)
            )
        n = TARGETS * mother.sum()
        f1, f2 = a.sum() / n, b.sum() / n
        pooled = (a.sum() + b.sum()) / (2 * n)
        p["copied fraction nestjax vs NEST (z)"] = 2 * stats.norm.sf(
            abs(f1 - f2) / np.sqrt(pooled * (1 - pooled) * 2 / n)
        )
        r = np.corrcoef((a[on] - m[:, None] * p_copy).T)[np.triu_indices(TARGETS, 1)]  # given n
        p["independence of targets, nestjax (largest pair correlation)"] = min(
            1.0, 2 * r.size * stats.norm.sf(np.abs(r).max() * np.sqrt(m.size))
        )
        assert len(p) == TESTS_PER_DILUTOR
        what = f"p_copy {p_copy}, {scenario}"
        for name, value in p.items():
            parity.report.add(MODEL, f"{name} (|z| of p)", "E", what, _z(value))
        bad = {k: v for k, v in p.items() if v < PER_TEST}
        assert not bad, f"{what}: rejected at {PER_TEST:.2g} (family-wise {ALPHA}): {bad}"


@pytest.mark.parametrize("dt,delay", [(0.1, 1.0), (0.01, 0.2)])
def test_windows_and_slices_as_nest(both, dt, delay):
    """p_copy 1: the mother spikes are repeated in the slices whose origin T (a multiple of
    min_delay) is active, origin+start < T <= origin+stop; mother spikes arrive only while active
    (see the divergence below)."""
    windows = [{}, {"stop": 3.0}, {"origin": 1.0, "stop": 4.4}, {"stop": 6.6}]
    sc = Scenario(dt=dt)
    sc.node(
        "sg",
        "spike_generator",
        1,
        {
            "spike_times": [1.6, 2.0, 2.9, 3.0, 3.3, 4.5, 5.1, 6.0, 7.0, 7.1],
            "spike_multiplicities": [1, 2, 1, 1, 3, 1, 1, 2, 1, 1],
        },
    )
    sc.node("d", MODEL, len(windows), windows)
    sc.node("p", "parrot_neuron", 2 * len(windows))
    sc.node("sr", "spike_recorder")
    sc.connect("sg", "d", syn_spec={"delay": delay})
    for i in range(len(windows)):
        sc.connect(("d", slice(i, i + 1)), ("p", slice(2 * i, 2 * i + 2)), syn_spec={"delay": delay})
    sc.connect("p", "sr")
    sc.simulate = [5.0, 4.0]
    ours, _ = both(MODEL, sc, f"p_copy 1, {len(windows)} windows, delay {delay}, dt={dt}")
    assert ours["sr"]["times"].size > 20


def test_results_do_not_depend_on_how_simulate_is_split():
    def run(calls):
        sim = nj.Simulator(dt=0.1, seed=5)
        sg = sim.create(
            "spike_generator",
            1,
            {
                "spike_times": [0.1 * k for k in range(1, 300)],
                "spike_multiplicities": [1 + k % 3 for k in range(1, 300)],
            },
        )
        d, par, sr = (
            sim.create(MODEL, 2, {"p_copy": 0.4}),
            sim.create("parrot_neuron", 6),
            sim.create("spike_recorder"),
        )
        sim.connect(sg, d)
        sim.connect(d, par)
        sim.connect(par, sr)
        evs = [sim.simulate(t).events(sr) for t in calls]
        return np.concatenate([e["senders"] for e in evs]), np.concatenate([e["times"].mantissa for e in evs])

    a, b = run([32.0]), run([3.3, 10.1, 0.1, 18.5])
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert 0 < a[0].size < 6 * 600


def test_nest_repeats_spikes_that_arrived_while_inactive_later():
    """Divergence (docs/divergences.md): NEST reads its input only while active, so mother spikes
    that arrived before start come out later (a multiple of min_delay + max_delay steps after
    their arrival, added to later input); nestjax drops them."""
    results = []
    for side in ("nest", "nj"):
        nest, sim = (fresh_nest(0.1), None) if side == "nest" else (None, nj.Simulator(dt=0.1))
        create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
        sg = create("spike_generator", 1, {"spike_times": [1.0, 2.0, 3.0]})
        d, p, sr = create(MODEL, 1, {"start": 5.0}), create("parrot_neuron", 1), create("spike_recorder", 1)
        connect(sg, d)
        connect(d, p)
        connect(p, sr)
        if side == "nest":
            nest.Simulate(12.0)
            results.append(sr.get("events")["times"])
        else:
            results.append(np.asarray(sim.simulate(12.0).events(sr)["times"].mantissa))
    theirs, ours = results
    assert theirs.size == 3 and ours.size == 0


BAD = [{"p_copy": -0.1}, {"p_copy": 1.5}, {"start": 3.0, "stop": 2.0}]


@pytest.mark.parametrize("params", BAD, ids=[str(p) for p in BAD])
def test_bad_properties_as_nest(bad_properties, params):
    bad_properties(MODEL, params)


def test_only_port_0_as_nest():
    nest = fresh_nest(0.1)
    with pytest.raises(Exception, match="(?i)receptor"):
        nest.Connect(nest.Create("parrot_neuron"), nest.Create(MODEL), syn_spec={"receptor_type": 1})
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(ValueError, match="(?i)receptor"):
        sim.connect(sim.create("parrot_neuron"), sim.create(MODEL), syn_spec={"receptor_type": 1})
