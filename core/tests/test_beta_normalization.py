"""NEST's beta normalisation factor: a conductance with dg(0) = factor, dg' = -dg / tau_rise,
g' = dg - g / tau_decay peaks at exactly 1 (the alpha function where the time constants coincide)."""

import jax
import numpy as np
import pytest

from nestjax.integrate.beta_normalization import beta_normalization_factor

jax.config.update("jax_enable_x64", True)


@pytest.mark.parametrize(("tau_rise", "tau_decay"), [(0.2, 2.0), (1.0, 1.5), (3.0, 3.0 + 1e-6), (2.0, 2.0)])
def test_peak_is_one(tau_rise, tau_decay):
    factor = float(beta_normalization_factor(np.float64(tau_rise), np.float64(tau_decay)))
    t = np.linspace(0.0, 20.0 * tau_decay, 400001)
    if tau_rise == tau_decay:
        g = factor * t * np.exp(-t / tau_decay)
    else:
        scale = tau_rise * tau_decay / (tau_decay - tau_rise)
        g = factor * scale * (np.exp(-t / tau_decay) - np.exp(-t / tau_rise))
    assert abs(g.max() - 1.0) < 1e-6


def test_elementwise_under_jit():
    rise, decay = np.array([[0.2, 1.0], [2.0, 2.0]]), np.array([[2.0, 1.5], [2.0, 5.0]])
    out = jax.jit(beta_normalization_factor)(rise, decay)
    assert out.shape == (2, 2)
    for i in np.ndindex(2, 2):
        assert out[i] == beta_normalization_factor(rise[i], decay[i])
