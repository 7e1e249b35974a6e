"""Every neuron model in a population large enough that the adaptive integrator finishes its last
neurons apart (``nestjax.integrate.rkf45.COMPACT_FROM``): the same state, bit for bit, as when the
whole population integrates together. (The parity tests use small populations.)"""

import numpy as np
import pytest

import nestjax as nj
from nestjax.integrate import rkf45

N = 2 * rkf45.COMPACT_FROM
MODELS = sorted(m.name for m in nj.registry().models() if m.kind == "neuron")


def _state(model):
    sim = nj.Simulator(dt=0.1, seed=1)
    rng = np.random.default_rng(3)
    names = {q.name for q in sim._model(model).params}
    drive = {"I_e": rng.uniform(0.0, 1500.0, N)} if "I_e" in names else {}
    sim.create(model, N, **drive)
    sim.simulate(8.0)
    return {k: np.asarray(v) for k, v in sim._pops[0].state.value.items()}


@pytest.mark.parametrize("model", MODELS)
def test_state_as_when_integrated_together(monkeypatch, model):
    apart = _state(model)
    monkeypatch.setattr(rkf45, "COMPACT_FROM", 10**9)
    together = _state(model)
    assert apart.keys() == together.keys()
    for k in apart:
        np.testing.assert_array_equal(apart[k], together[k], err_msg=f"{model}.{k}")
