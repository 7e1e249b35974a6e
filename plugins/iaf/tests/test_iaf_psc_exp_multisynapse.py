"""Parity of iaf_psc_exp_multisynapse with live NEST: category A (1e-9, identical spikes) for
V_m, I_syn and every I_syn_k; receptor ports, port counts and their errors as NEST's."""

import numpy as np
import pytest

import nestjax as nj

MODEL = "iaf_psc_exp_multisynapse"


def _tweak(rng, p, ports):
    if rng.integers(2):  # NEST refuses tau_syn == tau_m here; next to it the propagator is ill-conditioned
        p["tau_syn"][int(rng.integers(ports))] = p["tau_m"] * (1 + 1e-12)


def _scenario(multisynapse, seed, dt):
    neuron = lambda rng, ports: multisynapse.neuron(rng, ports, _tweak)  # noqa: E731
    return multisynapse.scenario(MODEL, neuron, seed, dt, (2, 4, 1, 3, 3))


@pytest.mark.parametrize("seed,dt", [(0, 0.1), (1, 0.01)])
def test_ports_with_random_parameters_and_input(parity, multisynapse, seed, dt):
    sc = _scenario(multisynapse, seed, dt)
    what = f"ports 2/4/1/3/3, both signs, multiplicities, dc, split calls, dt={dt}"
    ours = multisynapse.compare(parity, MODEL, sc, what)
    assert ours["sr"]["times"].size > 5
    assert np.ptp(ours["mm4"]["I_syn_4"]) > 10


def test_ports_and_errors_as_nest(nest):
    """Spikes on ports 1 .. n_synapses of each target, currents on port 0; has_connections; a
    connected node keeps its port count; tau_syn == tau_m is refused when tau_syn is set."""
    ours = nj.Simulator(dt=0.1)
    n = ours.create(MODEL, 2, params={"tau_syn": [[1.0, 3.0], [4.0]]})
    sg, dc = ours.create("spike_generator"), ours.create("dc_generator")
    theirs = nest.Create(MODEL, 2, params=[{"tau_syn": [1.0, 3.0]}, {"tau_syn": [4.0]}])
    nsg, ndc = nest.Create("spike_generator"), nest.Create("dc_generator")
    for a, b, port in [(sg, n, 0), (sg, n[1], 2), (dc, n, 1)]:
        with pytest.raises(ValueError, match=f"[Rr]eceptor type {port}"):
            ours.connect(a, b, syn_spec={"receptor_type": port})
    for a, b, port in [(nsg, theirs, 0), (nsg, theirs[1], 2), (ndc, theirs, 1)]:
        with pytest.raises(nest.NESTError, match=f"Receptor type {port}"):
            nest.Connect(a, b, syn_spec={"receptor_type": port})
    ours.connect(sg, n[0], syn_spec={"receptor_type": 2})
    nest.Connect(nsg, theirs[0], syn_spec={"receptor_type": 2})
    assert list(n.get("has_connections")) == list(theirs.get("has_connections")) == [True, False]
    for tau in ([1.0], [1.0, 2.0, 3.0]):
        with pytest.raises(nj.BadProperty, match="has connections"):
            n[0].set(tau_syn=tau)
        with pytest.raises(nest.NESTError, match="has connections"):
            theirs[0].set(tau_syn=tau)
    for view, error in ((n, nj.BadProperty), (theirs, nest.NESTError)):
        with pytest.raises(error, match="must differ"):
            view[1].set(tau_syn=[10.0])
        with pytest.raises(error, match="must differ"):
            view[1].set(tau_syn=[4.0], tau_m=4.0)
        view[1].set(tau_syn=[3.0, 5.0, 6.0])
        view[1].set(tau_m=5.0)  # allowed: only a tau_syn being set is compared
    assert [list(x) for x in theirs.get("tau_syn")] == [list(x.mantissa) for x in n.get("tau_syn")]
    mm = ours.create("multimeter", record_from=["I_syn_3"])
    with pytest.raises(ValueError, match="I_syn_3"):
        ours.connect(mm, n)
    with pytest.raises(nest.NESTError, match="I_syn_3"):
        nest.Connect(nest.Create("multimeter", params={"record_from": ["I_syn_3"]}), theirs)


def test_changes_between_calls(parity, multisynapse):
    """Between simulate calls: ports added to an unconnected node (a rebuild; input in flight to
    the connected node survives, new ports start at zero) and tau_m set equal to a tau_syn
    (NEST's propagator limit)."""
    multisynapse.changes_between_calls(parity, MODEL)
