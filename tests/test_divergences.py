"""Each entry of docs/divergences.md, measured against live NEST."""

import brainunit as u
import numpy as np

import nestjax as nj
from nestjax.testing import fresh_nest


def test_samples_of_a_calls_last_slice_arrive_with_that_call():
    """NEST's memory backend hands the samples of a call's last update slice over only with the
    next call; nestjax returns every sample of a call with that call. The values agree."""
    nest = fresh_nest(0.1)
    n = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(vm, n)
    nest.Simulate(50.0)
    after_first = vm.get("events")["times"].size
    nest.Simulate(50.0)
    nest_v = vm.get("events")["V_m"]

    sim = nj.Simulator(dt=0.1)
    m = sim.create("iaf_psc_alpha", I_e=376.0)
    v = sim.create("voltmeter", interval=0.1)
    sim.connect(v, m)
    r1, r2 = sim.simulate(50.0), sim.simulate(50.0)
    assert r1.times(v).size == 500
    assert after_first == 500 - round(nest.min_delay / 0.1)  # NEST: one slice short
    ours = np.concatenate([r.trace(v, "V_m").to_decimal(u.mV)[:, 0] for r in (r1, r2)])
    np.testing.assert_allclose(ours[: nest_v.size], nest_v, rtol=0, atol=1e-9)
