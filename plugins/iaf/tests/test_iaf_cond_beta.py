"""Parity of iaf_cond_beta with live NEST: category B (every recordable within 1e-6 in NEST's units,
identical spike steps), including rise and decay times equal (NEST's alpha-function normalisation),
NEST's parameter checks and receptors."""

import pytest

MODEL = "iaf_cond_beta"
RECORD = ["V_m", "g_ex", "g_in", "t_ref_remaining"]


def _synapses(rng):
    p = {}
    for syn in ("ex", "in"):
        rise = rng.uniform(0.1, 2)
        # equal; distinct but alpha-normalised in NEST (peak below DBL_EPSILON); nearly equal; distinct
        decay = rng.choice([rise, rise + 1e-15, rise * (1 + 1e-9), rise + rng.uniform(0.1, 8)])
        p.update({f"tau_rise_{syn}": rise, f"tau_decay_{syn}": float(decay), f"dg_{syn}": rng.uniform(0, 5)})
    return p


@pytest.mark.parametrize("dt,seed,T", [(0.1, 4, 200.0), (0.01, 5, 50.0)])
def test_random_neurons_and_inputs(parity, cond, dt, seed, T):
    neuron = lambda rng: cond.neuron(rng, late=_synapses)  # noqa: E731
    cond.random_neurons_and_inputs(parity, MODEL, RECORD, neuron, dt, seed, T)


def test_parameter_checks_and_receptors_as_nest(nest, cond):
    bads = [
        {"V_reset": -50.0},
        {"C_m": 0.0},
        {"t_ref": -0.1},
        {"tau_rise_ex": 0.0},
        {"tau_decay_ex": -1.0},
        {"tau_rise_in": 0.0},
        {"tau_decay_in": 0.0},
    ]
    cond.parameter_checks_and_receptors(nest, MODEL, bads)
