"""Exact-integration propagators (NEST ``libnestutil/iaf_propagator``) against the matrix exponential.

For an alpha current (y1' = -y1/ts, y2' = y1 - y2/ts) into a membrane (V' = y2/C - V/tm), the
entries (V <- y1, V <- y2) of expm(A h) are P31 and P32; for an exponential current P32 is the same
entry. P32 is accurate to a few ulp everywhere (tm - ts is exact near equality). P31 follows
NEST's switch to the limit tm -> ts below h_min = 1e-7 tm^2 / |tm - ts|, which bounds its relative
error by about 1e-7 when the time constants are close.
"""

import jax
import numpy as np
import pytest
from scipy.linalg import expm

from nestjax.integrate.propagators import propagator_alpha, propagator_exp

jax.config.update("jax_enable_x64", True)

C_M = 250.0
CLOSE = [0.0, 1e-4, -1e-6, 1e-8, -1e-10, 1e-12, -1e-14]  # relative tau_syn - tau_m


def _reference(ts, tm, c, h):
    A = np.array([[-1 / ts, 0.0, 0.0], [1.0, -1 / ts, 0.0], [0.0, 1 / c, -1 / tm]])
    E = expm(A * h)
    return E[2, 0], E[2, 1]


def _cases():
    tau_m = np.array([10.0, 2.0, 30.0])
    far = [(ts, tm) for tm in tau_m for ts in (0.1, 0.5 * tm, 0.8 * tm, 2.0, 5.0 * tm)]
    near = [(tm * (1 + r), tm) for tm in tau_m for r in CLOSE]
    ts, tm = np.array(far + near).T
    return ts, tm, np.arange(ts.size) >= len(far)


@pytest.mark.parametrize("h", [0.01, 0.1, 1.0])
def test_against_matrix_exponential(h):
    ts, tm, near = _cases()
    p31, p32 = (np.asarray(x) for x in propagator_alpha(ts, tm, C_M, h))
    p32_exp = np.asarray(propagator_exp(ts, tm, C_M, h))
    r31, r32 = np.array([_reference(a, b, C_M, h) for a, b in zip(ts, tm, strict=True)]).T
    np.testing.assert_array_equal(p32_exp, p32)
    np.testing.assert_allclose(p32, r32, rtol=1e-14, atol=0)
    np.testing.assert_allclose(p31[~near], r31[~near], rtol=1e-11, atol=0)
    np.testing.assert_allclose(p31[near], r31[near], rtol=1e-7, atol=0)


def test_equal_time_constants_closed_form():
    tm = np.array([0.5, 2.0, 10.0, 30.0])
    for h in (0.01, 0.1, 1.0):
        p31, p32 = (np.asarray(x) for x in propagator_alpha(tm, tm, C_M, h))
        np.testing.assert_allclose(p32, h / C_M * np.exp(-h / tm), rtol=1e-15)
        np.testing.assert_allclose(p31, 0.5 * h * h / C_M * np.exp(-h / tm), rtol=1e-15)
        assert np.all(np.isfinite(p31)) and np.all(np.isfinite(p32))
