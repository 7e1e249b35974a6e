"""correlospinmatrix_detector against NEST: the count covariance identical after every
``simulate`` call (category D). No binary neuron models exist yet: spike generators with
multiplicities 1 (down), 2 (up), 0 and 3, and parrots they drive (whose spikes NEST splits into
single events), send the spikes."""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "correlospinmatrix_detector"


def run(side, dt, seed, delay, params, calls):
    rng = np.random.default_rng(seed)
    nest = fresh_nest(dt) if side == "nest" else None
    sim = nj.Simulator(dt=dt) if side == "nj" else None
    create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
    n_steps = int(round(sum(calls) / dt))
    n = params["N_channels"]
    gens = []
    for _ in range(5):
        steps = np.sort(rng.integers(1, n_steps, 50))
        times = [round(float(s) * dt, 9) for s in steps]
        mult = rng.choice([0, 1, 1, 2, 2, 3], steps.size).tolist()
        gens.append(create("spike_generator", 1, {"spike_times": times, "spike_multiplicities": mult}))
    cs = create(MODEL, 1, params)
    parrots = create("parrot_neuron", 2)
    connect(gens[3], parrots[0:1], syn_spec={"delay": delay})
    connect(gens[4], parrots[1:2], syn_spec={"delay": delay})
    for k in range(3):
        connect(gens[k], cs, syn_spec={"receptor_type": int(rng.integers(0, n)), "delay": delay})
    connect(parrots[0:1], cs, syn_spec={"receptor_type": 0, "delay": delay})
    connect(parrots[1:2], cs, syn_spec={"receptor_type": n - 1, "delay": delay})
    out = []
    for t in calls:
        nest.Simulate(t) if nest else sim.simulate(t)
        out.append(np.asarray(cs.get("count_covariance")))
    return out


CASES = [  # dt, delay (sets NEST's update slices), parameters, simulate calls
    (
        0.1,
        0.3,
        {"N_channels": 3, "delta_tau": 0.3, "tau_max": 1.2, "start": 0.5, "stop": 27.0},
        (7.3, 5.0, 0.1, 17.6),
    ),
    (0.1, 1.0, {"N_channels": 2, "tau_max": 2.0}, (4.0, 11.1, 15.0)),
    (0.01, 0.1, {"N_channels": 4, "delta_tau": 0.05, "tau_max": 0.3}, (7.3, 5.0, 0.01, 17.69)),
]


@pytest.mark.parametrize("dt,delay,params,calls", CASES)
def test_count_covariance_identical_to_nest(parity, dt, delay, params, calls):
    scenario = f"dt={dt}, delay={delay}, {params}, calls {calls}"
    ours = run("nj", dt, 5, delay, params, calls)
    theirs = run("nest", dt, 5, delay, params, calls)
    assert theirs[-1].sum() > 1000  # the scenario counts many overlaps
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"count_covariance after call {k + 1} [{scenario}]")
    parity.samples(MODEL, "count_covariance", ours[-1].astype(float), theirs[-1].astype(float), "D", scenario)


def test_validation_as_nest():
    shapes = {}
    for side in ("nest", "nj"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        cs = create(MODEL, 1, {"N_channels": 2})
        for bad in (
            {"N_channels": 0},
            {"delta_tau": -0.1},
            {"tau_max": -1.0},
            {"Tstart": -1.0},
            {"Tstop": -1.0},
        ):
            with pytest.raises(Exception, match=f"/{next(iter(bad))}"):
                cs.set(bad)
        with pytest.raises(Exception, match="multiple"):
            cs.set(delta_tau=0.3)
        g = create("spike_generator")
        with pytest.raises(Exception, match="Receptor type 2"):
            connect(g, cs, syn_spec={"receptor_type": 2})
        with pytest.raises(Exception, match="not compatible"):
            connect(create("iaf_psc_alpha"), cs)
        cs.set(delta_tau=0.2)
        shapes[side] = np.asarray(cs.get("count_covariance")).shape
    assert shapes["nj"] == shapes["nest"] == (2, 2, 11)
