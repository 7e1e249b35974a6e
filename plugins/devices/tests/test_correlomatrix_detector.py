"""correlomatrix_detector against NEST: covariance and count covariance matrices and n_events
identical after every ``simulate`` call (category D)."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "correlomatrix_detector"
KEYS = ("covariance", "count_covariance", "n_events")


def run(correlation, side, dt, seed, delay, params, calls):
    """Spike generators (random grid times with repeats and multiplicities, zero included, one
    with spike weights) and parrots driven by generators on random ports, some shared, with random
    weights, all at ``delay``, into a correlomatrix_detector with ``params``; its results after
    each call of ``calls``."""
    n = params.get("N_channels", 1)

    def wire(rng, connect, gens, parrots, cd, w):
        for k in range(4):
            connect(
                gens[k],
                cd,
                syn_spec={"receptor_type": int(rng.integers(0, n)), "weight": w[k], "delay": delay},
            )
        connect(parrots, cd, syn_spec={"receptor_type": 0, "weight": w[4], "delay": delay})
        connect(parrots[1:2], cd, syn_spec={"receptor_type": n - 1, "weight": w[5], "delay": delay})

    return correlation(MODEL, KEYS, side, dt, seed, delay, params, calls, 40, wire)


WINDOWS = {"Tstart": 1.0, "Tstop": 26.0, "start": 0.5, "stop": 28.0}
CASES = [  # dt, delay (sets NEST's update slices), parameters, simulate calls
    (0.1, 0.3, {"N_channels": 3, "delta_tau": 0.3, "tau_max": 1.2, **WINDOWS}, (7.3, 5.0, 0.1, 17.6)),
    (0.1, 1.0, {"N_channels": 2}, (4.0, 11.1, 15.0)),
    (0.01, 0.1, {"N_channels": 4, "delta_tau": 0.05, "tau_max": 0.3, **WINDOWS}, (7.3, 5.0, 0.01, 17.69)),
]


@pytest.mark.parametrize("dt,delay,params,calls", CASES)
def test_covariances_identical_to_nest(parity, correlation, dt, delay, params, calls):
    scenario = f"dt={dt}, delay={delay}, {params}, calls {calls}"
    ours = run(correlation, "nj", dt, 11, delay, params, calls)
    theirs = run(correlation, "nest", dt, 11, delay, params, calls)
    assert theirs[-1]["count_covariance"].sum() > 1000  # the scenario counts many pairs
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for key in KEYS:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{key} after call {k + 1} [{scenario}]")
    for key in KEYS:
        parity.samples(MODEL, key, ours[-1][key].astype(float), theirs[-1][key].astype(float), "D", scenario)


def test_validation_and_resets_as_nest():
    """Checks and clearing as NEST's set_status (with the new parameters), and NEST's default
    bin width, which its checks refuse at 0.01 ms once anything is set."""
    outcomes = {}
    for side in ("nest", "nj"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        got = []
        cd = create(MODEL, 1, {"N_channels": 2})
        got.append([np.asarray(cd.get(k)).shape for k in KEYS])
        g = create("spike_generator", 1, {"spike_times": [1.0, 2.0, 2.5], "spike_multiplicities": [1, 2, 3]})
        connect(g, cd, syn_spec={"receptor_type": 1})
        for bad, match in (
            ({"N_channels": 0}, "N_channels can only be larger than zero"),
            ({"delta_tau": 0.2}, "delta_tau must be odd multiple of resolution"),
            ({"delta_tau": 0.3, "tau_max": 1.0}, "must be multiple of time property delta_tau"),
            ({"delta_tau": 0.25}, "must be a multiple of the resolution"),
        ):
            with pytest.raises(Exception, match=match):
                cd.set(bad)
        with pytest.raises(Exception, match="Receptor type 2 is not available"):
            connect(g, cd, syn_spec={"receptor_type": 2})
        nest.Simulate(5.0) if nest else sim.simulate(5.0)
        got.append([np.asarray(cd.get(k)).tolist() for k in KEYS])
        cd.set(delta_tau=0.3, tau_max=0.9)
        got.append([np.asarray(cd.get(k)).tolist() for k in KEYS])
        outcomes[side] = got
    assert outcomes["nj"] == outcomes["nest"]
    fresh = nj.Simulator(dt=0.01).create(MODEL)
    with pytest.raises(ValueError, match="odd multiple"):
        fresh.set(start=1.0)
