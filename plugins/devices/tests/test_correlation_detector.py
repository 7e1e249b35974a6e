"""correlation_detector against NEST: histograms, their Kahan corrections, counts and n_events
identical after every ``simulate`` call (category D)."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "correlation_detector"
KEYS = ("histogram", "histogram_correction", "count_histogram", "n_events")


def run(correlation, side, dt, seed, delay, params, calls):
    """Spike generators (random grid times with repeats and multiplicities, one with spike
    weights, one with zero multiplicities) and parrots driven by generators, two or more
    sources per port with random weights, all at ``delay``, into a correlation_detector with
    ``params``; its results after each call of ``calls``."""

    def wire(rng, connect, gens, parrots, cd, w):
        for k, port in ((0, 0), (1, 1), (2, 0), (3, 1)):
            connect(gens[k], cd, syn_spec={"receptor_type": port, "weight": w[k], "delay": delay})
        connect(parrots, cd, syn_spec={"receptor_type": 0, "weight": w[4], "delay": delay})
        connect(parrots[1:2], cd, syn_spec={"receptor_type": 1, "weight": w[5], "delay": delay})

    return correlation(MODEL, KEYS, side, dt, seed, delay, params, calls, 50, wire)


WINDOWS = {"Tstart": 1.0, "Tstop": 26.0, "start": 0.5, "stop": 28.0}
CASES = [  # dt, delay (sets NEST's update slices), parameters, simulate calls
    (0.1, 0.3, {"delta_tau": 0.3, "tau_max": 1.2, **WINDOWS}, (7.3, 5.0, 0.1, 17.6)),
    (0.1, 1.0, {}, (4.0, 11.1, 15.0)),
    (0.01, 0.1, {"delta_tau": 0.05, "tau_max": 0.3, **WINDOWS}, (7.3, 5.0, 0.01, 17.69)),
]


@pytest.mark.parametrize("dt,delay,params,calls", CASES)
def test_histograms_identical_to_nest(parity, correlation, dt, delay, params, calls):
    scenario = f"dt={dt}, delay={delay}, {params or 'defaults'}, calls {calls}"
    ours = run(correlation, "nj", dt, 7, delay, params, calls)
    theirs = run(correlation, "nest", dt, 7, delay, params, calls)
    assert theirs[-1]["count_histogram"].sum() > 500  # the scenario counts many pairs
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for key in KEYS:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{key} after call {k + 1} [{scenario}]")
    for key in KEYS:
        parity.samples(MODEL, key, ours[-1][key].astype(float), theirs[-1][key].astype(float), "D", scenario)


def _status(dev):
    return {k: np.asarray(dev.get(k)).copy() for k in KEYS}


def test_validation_and_resets_as_nest():
    """Checks and clearing as NEST's set_status: the arrays keep the size of the parameters
    before the change until the first simulate sizes them."""
    dt = 0.1
    outcomes = {}
    for side in ("nest", "nj"):
        nest = fresh_nest(dt) if side == "nest" else None
        sim = nj.Simulator(dt=dt) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        simulate = nest.Simulate if nest else sim.simulate
        got = []
        cd = create(MODEL, 1, {"delta_tau": 1.0})
        got.append(_status(cd))
        g = create(
            "spike_generator", 1, {"spike_times": [1.0, 2.0, 2.5, 4.0], "spike_multiplicities": [1, 2, 1, 3]}
        )
        connect(g, cd)
        connect(g, cd, syn_spec={"receptor_type": 1, "weight": 0.5})
        with pytest.raises(Exception, match="Receptor type 2 is not available"):
            connect(g, cd, syn_spec={"receptor_type": 2})
        for bad, match in (
            ({"delta_tau": 0.25}, "must be a multiple of the resolution"),
            ({"delta_tau": 0.2, "tau_max": 0.5}, "must be multiple of time property delta_tau"),
            ({"n_events": [1, 0]}, r"n_events can only be set to \[0 0\]"),
        ):
            with pytest.raises(Exception, match=match):
                cd.set(bad)
        simulate(5.0)
        got.append(_status(cd))
        cd.set(delta_tau=0.1, tau_max=1.0)  # cleared, sized with delta_tau 1.0 and tau_max 5.0
        got.append(_status(cd))
        simulate(5.0)
        got.append(_status(cd))
        cd.set(Tstart=1.0)
        got.append(_status(cd))
        simulate(5.0)
        cd.set(n_events=[0, 0])
        got.append(_status(cd))
        outcomes[side] = got
    for k, (a, b) in enumerate(zip(outcomes["nj"], outcomes["nest"], strict=True)):
        for key in KEYS:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{key}, step {k}")


@pytest.mark.parametrize("dt", [0.2, 0.3])
def test_default_bin_width_follows_the_resolution(dt):
    """Where 0.5 ms is no whole number of steps, NEST's default delta_tau is 5 steps."""
    nest = fresh_nest(dt)
    theirs = nest.Create(MODEL).get(["delta_tau", "tau_max"])
    ours = nj.Simulator(dt=dt).create(MODEL).get(["delta_tau", "tau_max"])
    assert {k: float(v.to_decimal(v.unit)) for k, v in ours.items()} == pytest.approx(theirs, abs=1e-12)


def test_pairs_outside_the_histogram_divergence():
    """A pool-2 spike at 0.9 ms from a generator updated before the pool-1 generator spiking at
    0.1 ms reaches the detector first; with tau_max 0.2 ms NEST's bin for the pair lies past the
    end of its arrays, where it writes (undefined). nestjax drops the pair; the arrays NEST shows
    are the same."""
    got = {}
    for side in ("nest", "nj"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        late = create("spike_generator", 1, {"spike_times": [0.9]})
        early = create("spike_generator", 1, {"spike_times": [0.1]})
        cd = create(MODEL, 1, {"delta_tau": 0.1, "tau_max": 0.2})
        connect(late, cd, syn_spec={"receptor_type": 1})
        connect(early, cd, syn_spec={"receptor_type": 0})
        nest.Simulate(2.0) if nest else sim.simulate(2.0)
        got[side] = _status(cd)
    for key in KEYS:
        np.testing.assert_array_equal(got["nj"][key], got["nest"][key], err_msg=key)
    assert got["nj"]["count_histogram"].sum() == 0 and list(got["nj"]["n_events"]) == [1, 1]


def test_per_target_sources_divergence():
    """NEST lets a poisson_generator feed a detector (a draw of its own); nestjax refuses sources
    that draw per target: connect a parrot_neuron they drive instead."""
    nest = fresh_nest(0.1)
    nest.Connect(nest.Create("poisson_generator"), nest.Create(MODEL))
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(ValueError, match="draws per target"):
        sim.connect(sim.create("poisson_generator"), sim.create(MODEL))
