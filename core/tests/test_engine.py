"""The compiled loop: compiled once, split-invariant, complete delivery, get/set between calls."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj


def _network(dt=0.1, seed=7):
    sim = nj.Simulator(dt=dt, seed=seed)
    rng = np.random.default_rng(3)
    pop = sim.create("iaf_psc_alpha", 20, I_e=rng.uniform(300, 500, 20), tau_syn_ex=rng.uniform(0.5, 3, 20))
    syn = {"weight": rng.uniform(-300, 600, (10, 10)), "delay": rng.uniform(0.1, 3, (10, 10))}
    sim.connect(pop[:10], pop[10:], syn_spec=syn)
    sim.connect(pop[10:], pop[:10], "one_to_one", {"weight": 250.0, "delay": 1.7})
    vm = sim.create("voltmeter", interval=0.1)
    sr = sim.create("spike_recorder")
    sim.connect(vm, pop)
    sim.connect(pop, sr)
    return sim, pop, vm, sr


def _run(sim, vm, sr, chunks):
    res = [sim.simulate(t) for t in chunks]
    v = np.concatenate([r.trace(vm, "V_m").to_decimal(u.mV) for r in res])
    t = np.concatenate([r.times(vm).to_decimal(u.ms) for r in res])
    s = np.concatenate([r.events(sr)["senders"] for r in res])
    ts = np.concatenate([r.events(sr)["times"].to_decimal(u.ms) for r in res])
    return t, v, s, ts


def test_second_simulate_and_parameter_changes_do_not_retrace():
    sim, pop, vm, sr = _network()
    sim.simulate(50.0)
    prog = sim._program
    assert prog.traces == 1
    sim.simulate(150.0)
    sim.simulate(0.3)
    pop.set(I_e=600.0, V_m=-60.0)
    sim.simulate(20.0)
    assert sim._program is prog and prog.traces == 1
    sim.connect(pop[0], pop[1])  # a new connection changes the structure: one new program
    sim.simulate(10.0)
    assert sim._program is not prog and sim._program.traces == 1


@pytest.mark.parametrize("chunks", [[10.0, 0.1, 89.9], [33.3] * 3 + [0.1], [0.1] * 20 + [98.0]])
def test_results_do_not_depend_on_how_simulate_is_split(chunks):
    sim, _, vm, sr = _network()
    whole = _run(sim, vm, sr, [100.0])
    sim, _, vm, sr = _network()
    split = _run(sim, vm, sr, chunks)
    assert whole[2].size > 20
    for a, b in zip(whole, split):
        np.testing.assert_array_equal(a, b)


def test_a_burst_larger_than_the_delivery_capacity_is_delivered_completely():
    n = 3000  # all fire in the same step; the per-batch capacity is 1024
    a = nj.Simulator()
    src = a.create("iaf_psc_alpha", n, I_e=1000.0)
    tgt = a.create("iaf_psc_alpha", V_th=1e9)
    vm = a.create("voltmeter", interval=0.1)
    a.connect(src, tgt, syn_spec={"weight": 0.5})
    a.connect(vm, tgt)
    b = nj.Simulator()
    one = b.create("iaf_psc_alpha", I_e=1000.0)
    tgt_b = b.create("iaf_psc_alpha", V_th=1e9)
    vm_b = b.create("voltmeter", interval=0.1)
    b.connect(one, tgt_b, syn_spec={"weight": 0.5 * n})
    b.connect(vm_b, tgt_b)
    va = a.simulate(30.0).trace(vm, "V_m").to_decimal(u.mV)
    vb = b.simulate(30.0).trace(vm_b, "V_m").to_decimal(u.mV)
    assert np.ptp(vb) > 1.0
    np.testing.assert_allclose(va, vb, rtol=1e-12, atol=1e-9)


def test_get_and_set_between_calls():
    sim = nj.Simulator()
    n = sim.create("iaf_psc_alpha", 2, I_e=[0.0, 100.0])
    vm = sim.create("voltmeter", interval=0.1)
    sim.connect(vm, n)
    sim.simulate(5.0)
    v = n.get("V_m")
    assert v.shape == (2,) and v[0].to_decimal(u.mV) == -70.0 and v[1].to_decimal(u.mV) > -70.0
    n[0].set(V_m=-60.0 * u.mV)
    assert n[0].get("V_m").to_decimal(u.mV) == -60.0
    res = sim.simulate(0.1)
    expected = -70.0 + 10.0 * np.exp(-0.1 / 10.0)
    assert res.trace(vm, "V_m")[0, 0].to_decimal(u.mV) == pytest.approx(expected, abs=1e-12)
    params = n[1].get()
    assert params["I_e"].to_decimal(u.pA) == 100.0 and params["tau_m"].to_decimal(u.ms) == 10.0
    both = n.get("I_e", "C_m")
    assert set(both) == {"I_e", "C_m"}


def test_recording_window_and_result_per_call():
    sim = nj.Simulator()
    n = sim.create("iaf_psc_alpha", I_e=376.0)
    sr = sim.create("spike_recorder", start=100.0, stop=300.0)
    vm = sim.create("voltmeter")
    sim.connect(n, sr)
    sim.connect(vm, n)
    r1 = sim.simulate(200.0)
    r2 = sim.simulate(200.0)
    t1, t2 = r1.events(sr)["times"].to_decimal(u.ms), r2.events(sr)["times"].to_decimal(u.ms)
    assert t1.min() > 100.0 and t2.max() <= 300.0 and t2.min() > 200.0
    np.testing.assert_allclose(r2.times(vm).to_decimal(u.ms), np.arange(201.0, 401.0))


@pytest.mark.parametrize("delay", [0.1, 0.5])
def test_input_due_at_the_first_step_of_the_next_call_is_kept(delay):
    """A spike that arrives in the first step after a ``simulate`` call ended is delivered."""

    def run(chunks):
        sim = nj.Simulator(dt=0.1)
        sg = sim.create("spike_generator", spike_times=[1.0 - delay + 0.1, 1.0])
        n = sim.create("iaf_psc_delta")
        vm = sim.create("voltmeter", interval=0.1)
        sim.connect(sg, n, syn_spec={"weight": 3.0, "delay": delay})
        sim.connect(vm, n)
        return np.concatenate([sim.simulate(t).trace(vm, "V_m").to_decimal(u.mV)[:, 0] for t in chunks])

    whole, split = run([3.0]), run([1.0, 2.0])
    assert whole.max() > -67.5  # both spikes arrived
    np.testing.assert_array_equal(whole, split)


def test_progress_bar_counts_simulated_time(capsys):
    sim = nj.Simulator()
    sim.create("iaf_psc_alpha", I_e=400.0)
    sim.simulate(250.0, progress=True)
    err = capsys.readouterr().err
    assert "250.0/250.0 ms" in err and "100%" in err


def test_input_in_flight_survives_a_rebuild():
    """Creating and connecting nodes between calls rebuilds the tables; spikes already on their
    way (here: a 5 ms delay) still arrive, and the observed neuron is unaffected."""

    def run(grow: bool):
        sim = nj.Simulator(dt=0.1)
        sg = sim.create("spike_generator", spike_times=[2.0, 4.0])
        n = sim.create("iaf_psc_alpha")
        vm = sim.create("voltmeter", interval=0.1)
        sim.connect(sg, n, syn_spec={"weight": 500.0, "delay": 5.0})
        sim.connect(vm, n)
        first = sim.simulate(5.0).trace(vm, "V_m").to_decimal(u.mV)[:, 0]
        if grow:
            extra = sim.create("iaf_psc_alpha", 3, I_e=500.0)
            sim.connect(extra, extra, syn_spec={"weight": 10.0, "delay": 7.5})
        second = sim.simulate(10.0).trace(vm, "V_m").to_decimal(u.mV)[:, 0]
        return np.concatenate([first, second])

    plain, grown = run(False), run(True)
    assert plain[80:].max() > -69.0  # the spikes sent at 2 and 4 ms arrived at 7 and 9 ms
    np.testing.assert_array_equal(plain, grown)
