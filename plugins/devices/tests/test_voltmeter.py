"""Parity of voltmeter with live NEST: identical sample times and targets (category D), V_m of
the recorded iaf models within category A; ``get("events")`` after split calls as NEST's."""

import numpy as np
import pytest

from nestjax.testing import Scenario

MODEL = "voltmeter"


@pytest.mark.parametrize("dt,seed", [(0.1, 71), (0.05, 72), (0.01, 73)])
def test_interval_offset_window_and_targets_of_three_models(both, parity, rnd, dt, seed):
    rng = np.random.default_rng(seed)
    sc = Scenario(dt=dt)
    sc.node("a", "iaf_psc_alpha", 2, [{"I_e": 410.0}, {"I_e": 200.0, "tau_m": 4.0}])
    sc.node("d", "iaf_psc_delta", 1, {"I_e": 390.0, "t_ref": 1.0})
    sc.node("e", "iaf_psc_exp", 1, {"I_e": 380.0})
    start = rnd.grid(rng, dt, 0.0, 6.0)
    sc.node("vm0", MODEL)
    sc.node(
        "vm1",
        MODEL,
        1,
        {
            "interval": rnd.grid(rng, dt, dt, 1.0),
            "offset": rnd.grid(rng, dt, dt, 4.0),
            "origin": rnd.grid(rng, dt, 0.0, 3.0),
            "start": start,
            "stop": rnd.grid(rng, dt, start, 20.0),
        },
    )
    for vm in ("vm0", "vm1"):
        sc.connect(vm, "e")
        sc.connect(vm, "a")
        sc.connect(vm, "d")
    sc.simulate = rnd.split(rng, dt, 25.0, 2)
    sc.stored = True
    ours, theirs = both(MODEL, sc, f"dt={dt}, calls {sc.simulate}", {"V_m": ("A", "V_m of iaf targets")})
    assert ours["vm0"]["times"].size == 25
    for label in ("vm0", "vm1"):  # get("events") after the calls: NEST's dict, in NEST's order
        a, b = ours["stored"][label], theirs["stored"][label]
        for k in ("senders", "times"):
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{label}: {k}")
        parity.samples(MODEL, "V_m of iaf targets", a["V_m"], b["V_m"], "A", f"get('events') dt={dt}")
