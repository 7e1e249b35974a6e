"""Waveform relaxation in the engine, with a toy gap model whose exact answer is known (NEST's gap
models are tested against NEST in nestjax-hh): explicit Euler with the gap current at the start of
each step, so that the coupled result is the coupled Euler recursion once the passes converge, and
a count of the passes it runs (state kept across passes, as NEST's buffers)."""

import brainunit as u
import jax.numpy as jnp
import numpy as np
import pytest

import nestjax as nj
from nestjax.model import Node, Synapse
from nestjax.units import Param
from nestjax.waveform_relaxation import GapInput

TAU, DT = 10.0, 0.1
V0, I_E = np.array([-5.0, 3.0, 1.0]), np.array([0.5, -0.2, 0.1])
G = np.array([[0, 0.8, 0], [0.8, 0, 0.3], [0, 0.3, 0]])
"""Conductances G[i, j] from j to i of the toy network (0 - 1 and 1 - 2)."""


class toy_gap(Node):
    """dV/dt = -V / tau + I_e + I_gap, one explicit Euler step per resolution step."""

    name = "toy_gap"
    gap_junctions = True
    wfr_carried = ("passes",)
    params = (Param("I_e", 0.0),)
    state = (Param("V_m", 0.0, u.mV), Param("passes", 0, kind=int))
    recordables = ("V_m",)

    @staticmethod
    def update(p, c, s, x, ctx):
        v = s["V_m"]
        gap = ctx.gap
        i_gap = 0.0 if gap is None else gap.current(v, 0.0)
        v1 = v + DT * (-v / TAU + p["I_e"] + i_gap)
        if gap is not None and gap.relaxing:
            return {"V_m": v1, "passes": s["passes"] + 1}, gap.polynomial(v, v1, 0 * v, 0 * v)
        return {"V_m": v1, "passes": s["passes"]}, jnp.zeros_like(v)


class toy_junction(Synapse):
    name = "toy_junction"
    gap = True
    params = (Param("weight", 1.0), Param("delay", 1.0), Param("receptor_type", 0, kind=int))


def euler(v0, i_e, g, steps, uncoupled=0):
    """The coupled Euler recursion, g[i, j] the conductance from j to i, the first ``uncoupled``
    steps without coupling."""
    v, out = np.array(v0, float), []
    for k in range(steps):
        c = g if k >= uncoupled else 0 * g
        v = v + DT * (-v / TAU + i_e + c @ v - c.sum(axis=1) * v)
        out.append(v)
    return np.array(out)


def network(kernel):
    sim = nj.Simulator(dt=DT)
    for k, v in kernel.items():
        setattr(sim, k, v)
    n = sim.create(toy_gap, 3, V_m=V0, I_e=I_E)
    sim.connect(
        n[0],
        n[1],
        {"rule": "one_to_one", "make_symmetric": True},
        {"synapse_model": toy_junction, "weight": 0.8},
    )
    sim.connect(
        n[1],
        n[2],
        {"rule": "one_to_one", "make_symmetric": True},
        {"synapse_model": toy_junction, "weight": 0.3},
    )
    mm = sim.create("multimeter", record_from=["V_m"], interval=DT)
    sim.connect(mm, n)
    return sim, n, mm, euler(V0, I_E, G, 100)


@pytest.mark.parametrize("calls", [[10.0], [3.0, 7.0], [2.3, 0.1, 7.6]])
def test_converged_passes_give_the_coupled_recursion(calls):
    """With wfr_tol 0 every slice of D steps converges after D passes exactly (each pass makes one more
    step exact) and stops after one more; split calls inside slices change nothing then."""
    sim, n, mm, expected = network({"wfr_tol": 0.0, "wfr_max_iterations": 50, "wfr_comm_interval": 0.5})
    v = np.concatenate([np.asarray(sim.simulate(t).trace(mm, "V_m").mantissa) for t in calls])
    np.testing.assert_allclose(v, expected, rtol=0, atol=1e-12)


def test_passes_per_slice():
    """Slices of 5 steps ("passes" counts the steps of all passes): with wfr_tol 0, 6 passes each but
    the first, which starts without coupling and needs 7; with wfr_max_iterations 2, two each."""
    sim, n, mm, _ = network({"wfr_tol": 0.0, "wfr_max_iterations": 50, "wfr_comm_interval": 0.5})
    sim.simulate(10.0)
    assert n.get("passes").tolist() == [(7 + 19 * 6) * 5] * 3
    sim, n, mm, expected = network({"wfr_max_iterations": 2, "wfr_comm_interval": 0.5})
    v = np.asarray(sim.simulate(10.0).trace(mm, "V_m").mantissa)
    assert n.get("passes").tolist() == [20 * 2 * 5] * 3
    assert 1e-6 < np.abs(v - expected).max() < 0.1  # not converged, still close


def test_without_relaxation_each_step_sees_the_last():
    """use_wfr False: slices of one step, each seeing the partners' V_m at its start: the coupled
    recursion again but for the first step (NEST delivers nothing before the first slice ends), and
    no passes."""
    sim, n, mm, _ = network({"use_wfr": False})
    v = np.asarray(sim.simulate(10.0).trace(mm, "V_m").mantissa)
    expected = euler(V0, I_E, G, 100, uncoupled=1)
    np.testing.assert_allclose(v, expected, rtol=0, atol=1e-12)
    assert n.get("passes").tolist() == [0, 0, 0]


def test_gap_input_polynomials():
    """The cubic Hermite polynomial of a cubic is the cubic; the current is -sum(g) V + p(t)."""
    a, b, c, d = 1.5, -2.0, 0.75, 0.25
    gap = GapInput(jnp.zeros((1, 4)), jnp.zeros(1), 3, True)
    at = lambda t: a + b * t + c * t * t + d * t * t * t  # noqa: E731
    poly = gap.polynomial(
        jnp.array([at(0.0)]), jnp.array([at(1.0)]), jnp.array([b]), jnp.array([b + 2 * c + 3 * d])
    )
    np.testing.assert_allclose(np.asarray(poly)[0], [a, b, c, d], rtol=1e-15)
    gap = GapInput(poly, jnp.array([0.5]), 3, False)
    assert float(gap.current(jnp.array([2.0]), 0.5)[0]) == pytest.approx(-1.0 + at(0.5), rel=1e-15)
    linear = GapInput(jnp.array([[1.0, 2.0]]), jnp.array([0.0]), 1, True)
    np.testing.assert_array_equal(
        np.asarray(linear.polynomial(jnp.array([1.0]), jnp.array([4.0]))), [[1.0, 3.0]]
    )
