"""Parity of iaf_cond_exp_sfa_rr with live NEST: category B (every recordable within 1e-6 in NEST's
units, identical spike steps), NEST's parameter checks and receptors."""

import pytest

MODEL = "iaf_cond_exp_sfa_rr"
RECORD = ["V_m", "g_ex", "g_in", "g_sfa", "g_rr"]


def _synapses_and_adaptation(rng):
    return dict(
        tau_syn_ex=rng.uniform(0.1, 3),
        tau_syn_in=rng.uniform(0.5, 10),
        tau_sfa=rng.uniform(20, 200),
        tau_rr=rng.uniform(0.5, 5),
        E_sfa=rng.uniform(-85, -65),
        E_rr=rng.uniform(-85, -65),
        q_sfa=rng.uniform(2, 30),
        q_rr=rng.uniform(50, 4000),
        g_sfa=rng.uniform(0, 10),
        g_rr=rng.uniform(0, 50),
    )


@pytest.mark.parametrize("dt,seed,T", [(0.1, 6, 200.0), (0.01, 7, 50.0)])
def test_random_neurons_and_inputs(parity, cond, dt, seed, T):
    neuron = lambda rng: cond.neuron(rng, late=_synapses_and_adaptation)  # noqa: E731
    cond.random_neurons_and_inputs(parity, MODEL, RECORD, neuron, dt, seed, T)


def test_parameter_checks_and_receptors_as_nest(nest, cond):
    bads = [
        {"V_reset": -50.0},
        {"C_m": 0.0},
        {"t_ref": -0.1},
        {"tau_syn_ex": 0.0},
        {"tau_syn_in": -1.0},
        {"tau_sfa": 0.0},
        {"tau_rr": -2.0},
    ]
    cond.parameter_checks_and_receptors(nest, MODEL, bads)
