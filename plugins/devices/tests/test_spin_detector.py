"""spin_detector against NEST: the decoded events (senders, times, state) identical and in
NEST's order, and n_events, after every ``simulate`` call (category D). No binary neuron models
exist yet: spike generators with multiplicities 1 (down), 2 (up), 0 and 3, and parrots they drive,
send the spikes, from node ids below and above the detector's."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "spin_detector"


def _plain(v):
    return np.asarray(v.to_decimal(u.ms) if isinstance(v, u.Quantity) else v)


def run(side, dt, seed, delay, params, calls):
    rng = np.random.default_rng(seed)
    nest = fresh_nest(dt) if side == "nest" else None
    sim = nj.Simulator(dt=dt) if side == "nj" else None
    create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
    n_steps = int(round(sum(calls) / dt))

    def generator(choices):
        steps = np.sort(rng.integers(1, n_steps, 60))
        times = [round(float(s) * dt, 9) for s in steps]
        return create(
            "spike_generator",
            1,
            {"spike_times": times, "spike_multiplicities": rng.choice(choices, 60).tolist()},
        )

    low = [generator([0, 1, 1, 2, 2, 3]) for _ in range(3)]
    sd = create(MODEL, 1, params)
    high = [generator([1, 2]) for _ in range(2)]
    parrots = create("parrot_neuron", 2)
    for g, p in zip(high, parrots, strict=True):
        connect(g, p, syn_spec={"delay": delay})
    connect(low[0] + low[1], sd, syn_spec={"delay": delay})
    connect(low[2], sd, syn_spec={"delay": delay, "weight": 2.0})
    connect(parrots, sd, syn_spec={"delay": delay})
    out = []
    keys = (
        ("senders", "times", "offsets", "state")
        if params.get("time_in_steps")
        else ("senders", "times", "state")
    )
    for t in calls:
        nest.Simulate(t) if nest else sim.simulate(t)
        ev = sd.get("events")
        out.append({k: _plain(ev[k]) for k in keys} | {"n_events": np.asarray(sd.get("n_events"))})
    return out


CASES = [  # dt, delay (sets NEST's update slices), parameters, simulate calls
    (0.1, 0.3, {"start": 0.5, "stop": 27.0}, (7.3, 5.0, 0.1, 17.6)),
    (0.1, 1.0, {"time_in_steps": True}, (4.0, 11.1, 15.0)),
    (0.01, 0.1, {"start": 0.5, "stop": 27.0}, (7.3, 5.0, 0.01, 17.69)),
]


@pytest.mark.parametrize("dt,delay,params,calls", CASES)
def test_events_identical_to_nest(parity, dt, delay, params, calls):
    scenario = f"dt={dt}, delay={delay}, {params}, calls {calls}"
    ours = run("nj", dt, 3, delay, params, calls)
    theirs = run("nest", dt, 3, delay, params, calls)
    assert theirs[-1]["n_events"] > 150 and 0 < theirs[-1]["state"].mean() < 1
    for k, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{key} after call {k + 1} [{scenario}]")
    last = {k: ours[-1][k] for k in ("senders", "times")}
    parity.events(MODEL, last, {k: theirs[-1][k] for k in last}, scenario, category="D")
    parity.samples(
        MODEL, "state", ours[-1]["state"].astype(float), theirs[-1]["state"].astype(float), "D", scenario
    )


def test_connections_and_n_events_as_nest():
    for side in ("nest", "nj"):
        nest = fresh_nest(0.1) if side == "nest" else None
        sim = nj.Simulator(dt=0.1) if side == "nj" else None
        create, connect = (nest.Create, nest.Connect) if nest else (sim.create, sim.connect)
        sd = create(MODEL)
        g = create("spike_generator", 1, {"spike_times": [1.0, 2.0, 2.0], "spike_multiplicities": [2, 1, 1]})
        with pytest.raises(Exception, match="not available|Receptor"):
            connect(g, sd, syn_spec={"receptor_type": 1})
        with pytest.raises(Exception, match="not compatible"):
            connect(create("iaf_psc_alpha"), sd)
        connect(g, sd)
        nest.Simulate(5.0) if nest else sim.simulate(5.0)
        assert list(_plain(sd.get("events")["state"])) == [1, 1] and sd.get("n_events") == 2, side
        with pytest.raises(Exception, match="n_events"):
            sd.set(n_events=1)
        sd.set(n_events=0)
        assert sd.get("n_events") == 0 and _plain(sd.get("events")["senders"]).size == 0, side
