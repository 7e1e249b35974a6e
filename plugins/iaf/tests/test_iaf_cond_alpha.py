"""Parity of iaf_cond_alpha with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps), NEST's parameter checks and receptors."""

import pytest

MODEL = "iaf_cond_alpha"
RECORD = ["V_m", "g_ex", "g_in", "t_ref_remaining"]


def _synapses(rng):
    return dict(
        tau_syn_ex=rng.uniform(0.1, 3),
        tau_syn_in=rng.uniform(0.5, 10),
        dg_ex=rng.uniform(0, 5),
        dg_in=rng.uniform(0, 5),
    )


@pytest.mark.parametrize("dt,seed,T", [(0.1, 2, 200.0), (0.01, 3, 50.0)])
def test_random_neurons_and_inputs(parity, cond, dt, seed, T):
    neuron = lambda rng: cond.neuron(rng, late=_synapses)  # noqa: E731
    cond.random_neurons_and_inputs(parity, MODEL, RECORD, neuron, dt, seed, T)


def test_parameter_checks_and_receptors_as_nest(nest, cond):
    bads = [{"V_reset": -50.0}, {"C_m": 0.0}, {"t_ref": -0.1}, {"tau_syn_ex": 0.0}, {"tau_syn_in": -1.0}]
    cond.parameter_checks_and_receptors(nest, MODEL, bads)
