"""Bad input gets a clear error, early, and leaves the Simulator as it was."""

import brainunit as u
import numpy as np
import pytest

import nestjax as nj


@pytest.fixture
def net():
    sim = nj.Simulator(dt=0.1)
    n = sim.create("iaf_psc_alpha", 2, I_e=400.0)
    sr = sim.create("spike_recorder")
    vm = sim.create("voltmeter")
    sim.connect(n, sr)
    sim.connect(vm, n)
    return sim, n, sr, vm


def _still_works(sim, sr, n_spikes=None):
    ev = sim.simulate(100.0).events(sr)
    assert ev["senders"].size > 0
    if n_spikes is not None:
        assert ev["senders"].size == n_spikes


def _reference_spikes():
    sim = nj.Simulator(dt=0.1)
    n = sim.create("iaf_psc_alpha", 2, I_e=400.0)
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    return sim.simulate(100.0).events(sr)["senders"].size


def test_unknown_parameter_lists_the_valid_names(net):
    sim, n, sr, _ = net
    with pytest.raises(ValueError, match=r"no parameter 'V_thresh'.*valid names: .*V_th"):
        sim.create("iaf_psc_alpha", V_thresh=-50.0)
    with pytest.raises(ValueError, match=r"no parameter 'tau'.*tau_syn_ex"):
        n.set(tau=3.0)
    with pytest.raises(ValueError, match="no parameter 'wieght'"):
        sim.connect(n[0], n[1], syn_spec={"wieght": 2.0})
    _still_works(sim, sr, _reference_spikes())


def test_wrong_dimension_is_refused(net):
    sim, n, sr, _ = net
    with pytest.raises(nj.UnitMismatch, match="I_e expects pA"):
        sim.create("iaf_psc_alpha", I_e=5 * u.mV)
    with pytest.raises(nj.UnitMismatch, match="tau_m"):
        n.set(tau_m=10 * u.mV)
    with pytest.raises(ValueError, match="weight"):
        sim.connect(n[0], n[1], syn_spec={"weight": 3.0 * u.mV})
    _still_works(sim, sr, _reference_spikes())


def test_quantities_and_bare_numbers_in_nest_units_agree():
    a, b = nj.Simulator(), nj.Simulator()
    na = a.create("iaf_psc_alpha", I_e=0.4 * u.nA, tau_m=0.01 * u.second, V_th=-0.05 * u.volt)
    nb = b.create("iaf_psc_alpha", I_e=400.0, tau_m=10.0, V_th=-50.0)
    for name in ("I_e", "tau_m", "V_th"):
        assert na.get(name).to_decimal(nb.get(name).unit) == pytest.approx(nb.get(name).mantissa)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"V_reset": -50.0, "V_th": -55.0}, "Reset potential must be smaller than threshold"),
        ({"V_reset": -55.0}, "Reset potential must be smaller than threshold"),
        ({"C_m": 0.0}, "Capacitance must be > 0"),
        ({"C_m": -1.0}, "Capacitance must be > 0"),
        ({"t_ref": -0.1}, "refractory time t_ref can't be negative"),
        ({"tau_m": 0.0}, "Membrane time constant must be > 0"),
        ({"tau_syn_in": -2.0}, "synaptic time constants must be > 0"),
    ],
)
def test_values_nest_rejects(net, params, message):
    sim, n, sr, _ = net
    with pytest.raises(nj.BadProperty, match=message):
        sim.create("iaf_psc_alpha", 3, **params)
    before = n.get("V_th")
    with pytest.raises(nj.BadProperty, match=message):
        n.set(**params)
    np.testing.assert_array_equal(n.get("V_th").mantissa, before.mantissa)
    _still_works(sim, sr, _reference_spikes())


def test_per_node_values_are_checked_each(net):
    sim, n, _, _ = net
    with pytest.raises(nj.BadProperty, match="Capacitance"):
        sim.create("iaf_psc_alpha", 3, C_m=[250.0, 0.0, 100.0])
    with pytest.raises(ValueError, match="3 values for 2 nodes"):
        n.set(C_m=[1.0, 2.0, 3.0])


def test_delay_rounds_to_nearest_step_and_zero_steps_is_an_error(net):
    sim, n, sr, _ = net
    with pytest.raises(ValueError, match="delay 0.04 ms rounds to 0 steps"):
        sim.connect(n[0], n[1], syn_spec={"delay": 0.04})
    with pytest.raises(ValueError, match="rounds to 0 steps"):
        sim.connect(n, n, "one_to_one", {"delay": np.array([0.1, 0.0])})
    _still_works(sim, sr, _reference_spikes())
    sim.connect(n[0], n[1], syn_spec={"delay": 0.05, "weight": 1.0})  # 0.05 ms -> one step
    assert sim._conns[-1].delay_steps.tolist() == [1]


def test_simulation_time_must_be_whole_steps_on_the_tic_grid():
    sim = nj.Simulator(dt=0.02)
    sim.create("iaf_psc_alpha")
    with pytest.raises(ValueError, match="184.13 ms is not a multiple of the resolution"):
        sim.simulate(184.13)
    sim.simulate(184.14)
    assert sim.time.to_decimal(u.ms) == pytest.approx(184.14)
    with pytest.raises(ValueError, match="time"):
        sim.simulate(1.0 * u.mV)


def test_recorders_connected_the_wrong_way(net):
    sim, n, sr, vm = net
    with pytest.raises(ValueError, match=r"connect\(neurons, spike_recorder\)"):
        sim.connect(sr, n)
    with pytest.raises(ValueError, match=r"connect\(voltmeter, neurons\)"):
        sim.connect(n, vm)
    mm = sim.create("multimeter", record_from=["g_ex"])
    with pytest.raises(ValueError, match="no recordable 'g_ex'"):
        sim.connect(mm, n)
    _still_works(sim, sr, _reference_spikes())


def test_nodes_of_another_simulator(net):
    sim, n, sr, _ = net
    other = nj.Simulator().create("iaf_psc_alpha")
    with pytest.raises(ValueError, match="another Simulator"):
        sim.connect(n, other)
    with pytest.raises(TypeError):
        n + other
    _still_works(sim, sr, _reference_spikes())


def test_impossible_connection_specs(net):
    sim, n, sr, _ = net
    with pytest.raises(ValueError, match="same size"):
        sim.connect(n, n[:1], "one_to_one")
    with pytest.raises(ValueError, match="unknown connection rule 'all_to_one'.*fixed_indegree"):
        sim.connect(n, n, "all_to_one")
    with pytest.raises(ValueError, match="no receptor type 3"):
        sim.connect(n[0], n[1], syn_spec={"receptor_type": 3})
    with pytest.raises(ValueError, match="synapse model"):
        sim.connect(n, n, syn_spec={"synapse_model": "iaf_psc_alpha"})
    with pytest.raises(TypeError, match="One-dimensional parameter arrays can only be used"):
        sim.connect(n, n, syn_spec={"weight": [1.0, 2.0]})
    with pytest.raises(ValueError, match="dimension 2x2"):
        sim.connect(n, n, syn_spec={"weight": [[1.0, 2.0, 3.0]]})
    _still_works(sim, sr, _reference_spikes())
