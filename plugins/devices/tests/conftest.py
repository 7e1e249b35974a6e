"""Shared helpers of the devices' parity tests: run a scenario in both simulators and compare
every recorder, draw random scenario ingredients on NEST's grid, and count and test the spikes of
stochastic generators (the ``stoch`` fixture)."""

from __future__ import annotations

import brainunit as u
import numpy as np
import pytest
from scipy import stats

import nestjax as nj
from nestjax.testing import Scenario, fresh_nest, run_both
from nestjax.testing.random_input import grid, split


class Both:
    """Runs a :class:`Scenario` in nestjax and NEST and compares every recorder in it."""

    def __init__(self, parity):
        self.parity = parity

    def __call__(self, model, sc: Scenario, scenario: str, categories=None, seed: int = 1):
        """Spike recorders: identical events (category D). Samplers: identical sample times and
        targets, values within the category given in ``categories`` per (recorder label, recordable) or
        per recordable: ``(category, quantity name for the report)``, default D."""
        categories = categories or {}
        ours, theirs = run_both(sc, seed)
        for label, kind in sc.recorders():
            what = f"{scenario} [{label}]"
            if kind == "spikes":
                self.parity.events(model, ours[label], theirs[label], what, category="D")
                continue
            np.testing.assert_array_equal(ours[label]["times"], theirs[label]["times"], err_msg=what)
            if ours[label]["times"].size:
                np.testing.assert_array_equal(ours[label]["senders"], theirs[label]["senders"], err_msg=what)
            for name, values in ours[label].items():
                if name in ("times", "senders"):
                    continue
                cat, quantity = categories.get((label, name), categories.get(name, ("D", name)))
                self.parity.samples(model, quantity, values, theirs[label][name], cat, what)
        return ours, theirs


@pytest.fixture
def both(parity):
    return Both(parity)


def grid_times(rng, dt, t_max, n, t_min=None, duplicates=True):
    """``n`` sorted times on the grid of ``dt`` in [t_min, t_max] (default from one step on), with
    repeated times where ``duplicates``; rounded to 1e-9 ms so NEST's tic arithmetic sees grid times."""
    first = 1 if t_min is None else int(round(t_min / dt))
    steps = rng.integers(first, int(round(t_max / dt)) + 1, size=n)
    if not duplicates:
        steps = np.unique(steps)
    return sorted(round(float(s) * dt, 9) for s in steps)


@pytest.fixture
def rnd():
    """The random helpers above, as a namespace (test modules cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(grid_times=grid_times, grid=grid, split=split)


def current_set_between_calls(model: str, first: dict, steps, tail: float):
    """A current generator (``first``) driving an iaf_psc_alpha (delay 0.3 ms), with ``set(values)``
    after each ``simulate(t)`` of ``steps`` and a final ``simulate(tail)``, in NEST and nestjax.
    Returns (nestjax, NEST), each (sample times, the neuron's V_m, the generator's I)."""
    traces = []
    for side in ("nest", "nj"):
        nest, sim = (fresh_nest(0.1), None) if side == "nest" else (None, nj.Simulator(dt=0.1))
        create, connect = (nest.Create, nest.Connect) if side == "nest" else (sim.create, sim.connect)
        g = create(model, 1, first)
        n = create("iaf_psc_alpha", 1, {"tau_m": 4.0})
        mm = create("multimeter", 1, {"record_from": ["V_m"], "interval": 0.1})
        mi = create("multimeter", 1, {"record_from": ["I"], "interval": 0.1})
        connect(g, n, syn_spec={"delay": 0.3})
        connect(mm, n)
        connect(mi, g)
        if side == "nest":
            for values, t in steps:
                nest.Simulate(t)
                g.set(values)
            nest.Simulate(tail)
            nest.Simulate(1.0)  # NEST hands over the last slice's samples only with a next call
            total = sum(t for _, t in steps) + tail
            ev, ei = mm.get("events"), mi.get("events")
            keep = ev["times"] <= total + 1e-9
            traces.append((ev["times"][keep], ev["V_m"][keep], ei["I"][ei["times"] <= total + 1e-9]))
        else:
            res = []
            for values, t in steps:
                res.append(sim.simulate(t))
                g.set(values)
            res.append(sim.simulate(tail))
            traces.append(
                (
                    np.concatenate([r.times(mm).to_decimal(u.ms) for r in res]),
                    np.concatenate([r.trace(mm, "V_m").to_decimal(u.mV)[:, 0] for r in res]),
                    np.concatenate([r.trace(mi, "I").to_decimal(u.pA)[:, 0] for r in res]),
                )
            )
    theirs, ours = traces
    return ours, theirs


@pytest.fixture
def set_between_calls():
    """:func:`current_set_between_calls`."""
    return current_set_between_calls


def correlation_run(model, keys, side, dt, seed, delay, params, calls, n_spikes, wire):
    """Six spike generators (``n_spikes`` random grid times with repeats and multiplicities, zero
    included for generators 0 and 5, spike weights for generator 1), a ``model`` detector with
    ``params`` and two parrots driven by generators 4 and 5, at ``delay``; ``wire(rng, connect,
    gens, parrots, cd, w)`` connects the sources to the detector with the weights ``w``. Returns the
    detector's ``keys`` after each call of ``calls``."""
    rng = np.random.default_rng(seed)
    nest = fresh_nest(dt) if side == "nest" else None
    sim = nj.Simulator(dt=dt) if side == "nj" else None
    create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
    n_steps = int(round(sum(calls) / dt))
    gens = []
    for k in range(6):
        steps = np.sort(rng.integers(1, n_steps, n_spikes))
        p = {
            "spike_times": [round(float(s) * dt, 9) for s in steps],
            "spike_multiplicities": rng.integers(0 if k in (0, 5) else 1, 4, steps.size).tolist(),
        }
        if k == 1:
            p["spike_weights"] = rng.uniform(-1.0, 2.0, steps.size).round(2).tolist()
        gens.append(create("spike_generator", 1, p))
    cd = create(model, 1, params)
    parrots = create("parrot_neuron", 2)
    connect(gens[4], parrots[0:1], syn_spec={"delay": delay})
    connect(gens[5], parrots[1:2], syn_spec={"delay": delay})
    w = rng.uniform(-2.0, 3.0, 6).round(3)
    wire(rng, connect, gens, parrots, cd, w)
    out = []
    for t in calls:
        nest.Simulate(t) if nest else sim.simulate(t)
        out.append({k: np.asarray(cd.get(k)) for k in keys})
    return out


@pytest.fixture
def correlation():
    """:func:`correlation_run`."""
    return correlation_run


def z_of_p(p):
    """The |z| of a two-sided p-value (what the report keeps: larger is worse; 3.29 is alpha)."""
    return float(stats.norm.isf(max(p, 1e-300) / 2))


def parrot_counts(side, dt, model, gens, n_steps, split=(1,), seed=1, n_targets=20, delay_steps=1, sim=None):
    """One ``model`` generator per parameter dict, each driving its own ``n_targets`` parrots (delay
    ``delay_steps`` steps; NEST's min_delay is that or the recorder connection's 1 ms, the smaller);
    NEST with rng_seed 12345, nestjax with ``seed`` (or in ``sim``) and the run split into calls in
    the ratios ``split``. Returns one (steps, targets) matrix of counts per generator, row k those of
    the update k -> k+1 (parrots re-emit at k + 1 + delay)."""
    if side == "nest":
        nest = fresh_nest(dt)
        nest.rng_seed = 12345
        create, connect = nest.Create, nest.Connect
    else:
        sim = sim or nj.Simulator(dt=dt, seed=seed)
        create, connect = sim.create, sim.connect
    sr = create("spike_recorder", 1)
    firsts = []
    for q in gens:
        g, par = create(model, 1, q), create("parrot_neuron", n_targets)
        connect(g, par, syn_spec={"delay": delay_steps * dt})
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
        sel = (senders >= first) & (senders < first + n_targets)
        c = np.zeros((n_steps, n_targets), np.int64)
        np.add.at(c, (np.rint(times[sel] / dt).astype(np.int64) - delay_steps - 1, senders[sel] - first), 1)
        out.append(c)
    return out


def isis(c):
    """Intervals between the spikes of each target (column of ``c``), in steps."""
    return np.concatenate([np.diff(np.nonzero(c[:, j])[0]) for j in range(c.shape[1])])


def independence_p(c, mean):
    """Targets (columns of ``c``) independent given the rate: the sum over steps and pairs of targets
    of the products of their deviations from the mean, S, has mean 0 and variance pairs x sum(mean^2)."""
    n_targets = c.shape[1]
    dev = c - mean[:, None]
    total = dev.sum(1)
    pairs_sum = (total**2 - (dev**2).sum(1)).sum() / 2
    return 2 * stats.norm.sf(abs(pairs_sum) / np.sqrt(n_targets * (n_targets - 1) / 2 * (mean**2).sum()))


def report_and_reject(parity, model, p, scenario, alpha):
    """Each p-value of ``p`` (test name: p) into the report as the |z| of p (category E), then the
    tests rejected at ``alpha / len(p)`` (Bonferroni, family-wise ``alpha``) fail."""
    for what, value in p.items():
        parity.report.add(model, f"{what} (|z| of p)", "E", scenario, z_of_p(value))
    bad = {k: v for k, v in p.items() if v < alpha / len(p)}
    assert not bad, f"rejected at {alpha / len(p):.2g} (family-wise {alpha}): {bad}"


def window_steps(parity, model, ours, theirs, dt, expected, scenario):
    """The steps in which a generator's targets receive spikes (rows of the count matrices ``ours``
    and ``theirs`` with any): nestjax's are ``expected``, NEST's the same (category D)."""
    sent = [np.nonzero(c.sum(1))[0] for c in (ours, theirs)]
    np.testing.assert_array_equal(sent[0], expected)
    parity.events(
        model,
        {"senders": 0 * sent[0], "times": sent[0] * dt},
        {"senders": 0 * sent[1], "times": sent[1] * dt},
        scenario,
        "D",
    )


def refused_as_nest(nest, model, bads):
    """Each parameter dict of ``bads`` is refused by NEST (``nest``) and by nestjax, with a ValueError
    whose message is part of NEST's."""
    for bad in bads:
        try:
            nest.Create(model, 1, bad)
        except Exception as e:  # noqa: PERF203
            theirs = str(e)
        else:
            raise AssertionError(bad)
        try:
            nj.Simulator(dt=0.1).create(model, 1, bad)
        except ValueError as e:
            assert str(e) in theirs, (bad, str(e), theirs)
        else:
            raise AssertionError(bad)


def bad_properties_as_nest(model, params, error=ValueError):
    """``params`` refused by NEST on Create and by nestjax with ``error``, whose message is part of
    NEST's."""
    nest = fresh_nest(0.1)
    with pytest.raises(Exception) as theirs:
        nest.Create(model, params=params)
    with pytest.raises(error) as ours:
        nj.Simulator(dt=0.1).create(model, 1, params)
    assert str(ours.value) in str(theirs.value)


@pytest.fixture
def bad_properties():
    """:func:`bad_properties_as_nest`."""
    return bad_properties_as_nest


@pytest.fixture
def stoch():
    """The helpers of the stochastic generators' tests above, as a namespace."""
    from types import SimpleNamespace

    return SimpleNamespace(
        z=z_of_p,
        counts=parrot_counts,
        isis=isis,
        independence_p=independence_p,
        report_and_reject=report_and_reject,
        refused_as_nest=refused_as_nest,
        window_steps=window_steps,
    )
