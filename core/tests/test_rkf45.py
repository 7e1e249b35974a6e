"""Adaptive RKF45 of GSL 1.15's ``gsl_odeiv`` (rkf45.c, cstd.c, evolve.c) as NEST drives it.

Checked against analytic solutions, SciPy's solve_ivp at tight tolerances, the convergence orders
of the 5th-order solution and of the embedded 4th-order one, and a scalar line-by-line Python
transcription of GSL's ``rkf45_apply`` / ``std_control_hadjust`` / ``gsl_odeiv_evolve_apply``
(the same accepted and rejected steps and the same carried h).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from nestjax.integrate import rkf45 as R

jax.config.update("jax_enable_x64", True)


# --- systems (vectorised over neurons: t (n,), y (n, dim)) --------------------------------------


def decay(t, y, tau):
    return -y / tau[:, None]


def oscillator(t, y, omega):
    return jnp.stack([y[:, 1], -(omega**2) * y[:, 0]], axis=-1)


def vdp(t, y, mu):  # van der Pol, non-trivial step-size control
    x, v = y[:, 0], y[:, 1]
    return jnp.stack([v, mu * (1 - x**2) * v - x], axis=-1)


def forced(t, y, t0):  # non-autonomous: y' = -y + sin(t0 + t)
    return -y + jnp.sin(t0 + t)[:, None]


def _run(f, params, y0, h0, control, t_end, n_steps):
    step = jax.jit(lambda y, h: R.rkf45_integrate(f, t_end, y, h, params, control))
    y, h = jnp.asarray(y0), jnp.asarray(h0)
    total = 0
    for _ in range(n_steps):
        y, h, st = step(y, h)
        total = total + np.asarray(st.steps)
    return np.asarray(y), np.asarray(h), total


# --- analytic and SciPy references ---------------------------------------------------------------


def test_exponential_decay_analytic():
    tau = jnp.array([1.0, 5.0, 20.0, 0.3])
    y0 = jnp.array([[1.0, -2.0], [3.0, 0.5], [-1.0, 1.0], [2.0, 2.0]])
    ctrl = R.control_y(1e-12, 1e-12)
    y, h, _ = _run(decay, tau, y0, 0.1, ctrl, 0.1, 50)  # 5 ms
    exact = np.asarray(y0) * np.exp(-5.0 / np.asarray(tau))[:, None]
    np.testing.assert_allclose(y, exact, rtol=1e-9, atol=1e-12)


def test_harmonic_oscillator_analytic():
    omega = jnp.array([0.5, 1.0, 3.0])
    y0 = jnp.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    ctrl = R.control_y(1e-10, 0.0)
    y, _, _ = _run(oscillator, omega, y0, 0.1, ctrl, 0.5, 20)  # t = 10
    t = 10.0
    w = np.asarray(omega)
    x0, v0 = np.asarray(y0).T
    exact = np.stack(
        [x0 * np.cos(w * t) + v0 / w * np.sin(w * t), -x0 * w * np.sin(w * t) + v0 * np.cos(w * t)], -1
    )
    np.testing.assert_allclose(y, exact, atol=1e-8)


@pytest.mark.parametrize("control", [R.control_y(1e-9, 1e-9), R.control_yp(1e-9, 1e-9)])
def test_van_der_pol_against_solve_ivp(control):
    mu = 2.0
    y0 = np.array([[2.0, 0.0], [0.5, 1.0]])
    y, _, _ = _run(vdp, mu, y0, 1e-3, control, 0.25, 40)  # t = 10
    for i in range(2):
        ref = solve_ivp(
            lambda t, z: [z[1], mu * (1 - z[0] ** 2) * z[1] - z[0]],
            (0, 10),
            y0[i],
            method="DOP853",
            rtol=1e-13,
            atol=1e-13,
        ).y[:, -1]
        np.testing.assert_allclose(y[i], ref, atol=2e-6)


def test_non_autonomous_against_solve_ivp():
    """Like NEST, the kernel's t runs from 0 within each step; the step's start time is a param."""
    ctrl = R.control_y(1e-11, 0.0)
    step = jax.jit(lambda y, h, t0: R.rkf45_integrate(forced, 0.1, y, h, t0, ctrl))
    y, h = jnp.array([[1.0], [-1.0]]), jnp.full((2,), 0.1)
    for k in range(30):
        y, h, _ = step(y, h, k * 0.1)
    for i, y0 in enumerate([1.0, -1.0]):
        ref = solve_ivp(lambda t, z: -z + np.sin(t), (0, 3), [y0], method="DOP853", rtol=1e-13, atol=1e-14).y[
            :, -1
        ]
        np.testing.assert_allclose(np.asarray(y[i]), ref, atol=1e-9)


# --- convergence orders --------------------------------------------------------------------------


def _fixed_global_error(h, embedded):
    """Max error at t = 2 of the oscillator with fixed steps h, propagating the 5th-order solution
    or the embedded 4th-order one (y5 - yerr)."""
    omega = jnp.array([1.0])
    n = int(round(2.0 / h))

    @jax.jit
    def run(y):
        def body(i, y):
            y5, yerr, _ = R.fehlberg_step(oscillator, i * h * jnp.ones(1), y, jnp.full((1,), h), omega)
            return y5 - yerr if embedded else y5

        return jax.lax.fori_loop(0, n, body, y)

    y = run(jnp.array([[1.0, 0.0]]))
    exact = np.array([math.cos(2.0), -math.sin(2.0)])
    return np.max(np.abs(np.asarray(y)[0] - exact))


def test_convergence_orders():
    hs = np.array([0.2, 0.1, 0.05, 0.025])
    e5 = np.array([_fixed_global_error(h, False) for h in hs])
    e4 = np.array([_fixed_global_error(h, True) for h in hs])
    p5 = np.polyfit(np.log(hs), np.log(e5), 1)[0]
    p4 = np.polyfit(np.log(hs), np.log(e4), 1)[0]
    assert 4.7 < p5 < 5.4, p5
    assert 3.7 < p4 < 4.4, p4


def test_large_tolerance_takes_one_step_per_call():
    """With a huge tolerance every call is a single clipped step, i.e. fixed-step RKF45."""
    tau = jnp.array([2.0])
    ctrl = R.control_y(1e6, 0.0)
    step = jax.jit(lambda y, h: R.rkf45_integrate(decay, 0.1, y, h, tau, ctrl))
    y, h, st = step(jnp.array([[1.0]]), jnp.array([0.1]))
    assert int(st.steps[0]) == 1 and int(st.failed[0]) == 0
    assert float(h[0]) == pytest.approx(0.5)  # grew by the cap 5
    y5, _, _ = R.fehlberg_step(decay, jnp.zeros(1), jnp.array([[1.0]]), jnp.array([0.1]), tau)
    assert float(y[0, 0]) == float(y5[0, 0])


# --- per-neuron control and carried h ------------------------------------------------------------


def test_per_neuron_tolerances_and_parameters():
    tau = jnp.array([1.0, 1.0, 1.0, 0.2])
    ctrl = R.control_y(jnp.array([1e-3, 1e-6, 1e-10, 1e-10]), 0.0)
    y0 = jnp.ones((4, 1))
    step = jax.jit(lambda y, h: R.rkf45_integrate(decay, 1.0, y, h, tau, ctrl))
    _, _, st = step(y0, jnp.full((4,), 1e-3))
    s = np.asarray(st.steps)
    assert s[0] < s[1] < s[2] < s[3], s
    assert int(st.iterations) == int(np.max(s + np.asarray(st.failed)))


def test_h_is_carried_between_calls():
    tau = jnp.array([3.0, 3.0])
    ctrl = R.control_y(1e-8, 0.0)
    step = jax.jit(lambda y, h: R.rkf45_integrate(decay, 0.1, y, h, tau, ctrl))
    y0 = jnp.ones((2, 1))
    y1, h1, st1 = step(y0, jnp.array([1e-4, 1e-4]))
    assert np.all(np.asarray(h1) > 1e-4)
    # continuing with the carried h needs fewer steps than restarting from the tiny one
    _, _, st_carried = step(y1, h1)
    _, _, st_reset = step(y1, jnp.array([1e-4, 1e-4]))
    assert np.all(np.asarray(st_carried.steps) < np.asarray(st_reset.steps))
    assert np.all(np.asarray(st_carried.steps) < np.asarray(st1.steps))


# --- a scalar transcription of GSL 1.15 --------------------------------------------------------


def _gsl_rkf45_apply(f, t, h, y, dydt_in):
    k1 = dydt_in
    ytmp = [y[i] + R.AH[0] * h * k1[i] for i in range(len(y))]
    k2 = f(t + R.AH[0] * h, ytmp)
    ytmp = [y[i] + h * (R.B3[0] * k1[i] + R.B3[1] * k2[i]) for i in range(len(y))]
    k3 = f(t + R.AH[1] * h, ytmp)
    ytmp = [y[i] + h * (R.B4[0] * k1[i] + R.B4[1] * k2[i] + R.B4[2] * k3[i]) for i in range(len(y))]
    k4 = f(t + R.AH[2] * h, ytmp)
    ytmp = [
        y[i] + h * (R.B5[0] * k1[i] + R.B5[1] * k2[i] + R.B5[2] * k3[i] + R.B5[3] * k4[i])
        for i in range(len(y))
    ]
    k5 = f(t + R.AH[3] * h, ytmp)
    ytmp = [
        y[i] + h * (R.B6[0] * k1[i] + R.B6[1] * k2[i] + R.B6[2] * k3[i] + R.B6[3] * k4[i] + R.B6[4] * k5[i])
        for i in range(len(y))
    ]
    k6 = f(t + R.AH[4] * h, ytmp)
    ynew = [
        y[i] + h * (R.C1 * k1[i] + R.C3 * k3[i] + R.C4 * k4[i] + R.C5 * k5[i] + R.C6 * k6[i])
        for i in range(len(y))
    ]
    dydt_out = f(t + h, ynew)
    ec = R.EC
    yerr = [
        h * (ec[1] * k1[i] + ec[3] * k3[i] + ec[4] * k4[i] + ec[5] * k5[i] + ec[6] * k6[i])
        for i in range(len(y))
    ]
    return ynew, yerr, dydt_out


def _gsl_hadjust(ctrl, y, yerr, yp, h):
    eps_abs, eps_rel, a_y, a_dydt = ctrl
    h_old = abs(h)
    rmax = R.DBL_MIN
    for i in range(len(y)):
        d0 = eps_rel * (a_y * abs(y[i]) + a_dydt * h_old * abs(yp[i])) + eps_abs
        r = abs(yerr[i]) / abs(d0)
        rmax = r if r > rmax else rmax
    if rmax > 1.1:
        return max(0.9 / rmax ** (1.0 / 5), 0.2) * h_old, -1
    if rmax < 0.5:
        fac = 0.9 / rmax ** (1.0 / 6.0)
        return min(5.0 * h_old, h_old * (fac if fac > 1.0 else 1.0)), 1
    return h, 0


def _gsl_evolve_apply(f, ctrl, t, t1, h, y):
    t0, h0, dt = t, h, t1 - t
    y0 = list(y)
    dydt_in = f(t0, y)
    failed = 0
    while True:
        final = h0 > dt
        if final:
            h0 = dt
        y, yerr, dydt_out = _gsl_rkf45_apply(f, t0, h0, y0, dydt_in)
        t = t1 if final else t0 + h0
        h_old = h0
        h0, stat = _gsl_hadjust(ctrl, y, yerr, dydt_out, h0)
        if stat == -1:
            if abs(h0) < abs(h_old) and t + h0 != t:
                failed += 1
                continue
            h0 = h_old
        return t, h0, y, failed


def _nest_loop(f, ctrl, t_end, h, y):
    t, steps, failed = 0.0, 0, 0
    while t < t_end:
        t, h, y, fl = _gsl_evolve_apply(f, ctrl, t, t_end, h, y)
        steps += 1
        failed += fl
    return y, h, steps, failed


@pytest.mark.parametrize(
    "ctrl",
    [(1e-3, 0.0, 1.0, 0.0), (1e-6, 0.0, 1.0, 0.0), (1e-6, 1e-6, 0.0, 1.0), (0.0, 1e-7, 1.0, 0.0)],
    ids=["y_new(1e-3,0)", "y_new(1e-6,0)", "yp_new(1e-6,1e-6)", "y_new(0,1e-7)"],
)
def test_matches_scalar_gsl_transcription(ctrl):
    mu = 3.0
    y0 = np.array([[2.0, 0.0], [0.3, -1.5], [-1.0, 4.0]])
    h0 = np.array([0.1, 1e-3, 0.05])  # 0.1 and 0.05 force rejected steps at first
    control = R.Control(*ctrl)
    step = jax.jit(lambda y, h: R.rkf45_integrate(vdp, 0.1, y, h, mu, control))
    y, h = jnp.asarray(y0), jnp.asarray(h0)
    fs = lambda t, z: [z[1], mu * (1 - z[0] ** 2) * z[1] - z[0]]  # noqa: E731
    ref = [(list(y0[i]), float(h0[i])) for i in range(3)]
    any_failed = 0
    for _ in range(30):
        y, h, st = step(y, h)
        for i in range(3):
            yr, hr, steps, failed = _nest_loop(fs, ctrl, 0.1, ref[i][1], ref[i][0])
            ref[i] = (yr, hr)
            assert int(st.steps[i]) == steps and int(st.failed[i]) == failed
            any_failed += failed
            np.testing.assert_allclose(np.asarray(y[i]), yr, rtol=1e-12, atol=1e-14)
            assert float(h[i]) == pytest.approx(hr, rel=1e-5)
    assert any_failed > 0


@pytest.mark.parametrize(
    "ctrl",
    [(1e-3, 0.0, 1.0, 0.0), (1e-6, 1e-6, 0.0, 1.0), (0.0, 1e-7, 1.0, 0.0)],
    ids=["y_new(1e-3,0)", "yp_new(1e-6,1e-6)", "y_new(0,1e-7)"],
)
def test_eager_is_bitwise_gsl_transcription(ctrl):
    """Op by op (no XLA fusion) the kernel rounds exactly as the scalar transcription of GSL does.
    Under jit, XLA may contract/reassociate, and yerr (a cancelling sum) then differs by ~1e-9
    relative, h by up to ~1e-6 relative; the test above bounds that."""
    mu = 3.0
    y0 = np.array([[2.0, 0.0], [0.3, -1.5], [-1.0, 4.0]])
    h0 = np.array([0.1, 1e-3, 0.05])
    fs = lambda t, z: [z[1], mu * (1 - z[0] ** 2) * z[1] - z[0]]  # noqa: E731
    ref = [(list(y0[i]), float(h0[i])) for i in range(3)]
    y, h = jnp.asarray(y0), jnp.asarray(h0)
    with jax.disable_jit():
        for _ in range(3):
            y, h, st = R.rkf45_integrate(vdp, 0.1, y, h, mu, R.Control(*ctrl))
            for i in range(3):
                yr, hr, steps, failed = _nest_loop(fs, ctrl, 0.1, ref[i][1], ref[i][0])
                ref[i] = (yr, hr)
                assert (int(st.steps[i]), int(st.failed[i])) == (steps, failed)
                assert list(np.asarray(y[i])) == yr and float(h[i]) == hr


def test_rkf45_step_api():
    tau = jnp.array([1.0, 2.0])
    y, h = jax.jit(lambda y, h: R.rkf45_step(decay, 0.1, y, h, tau, R.control_y(1e-3, 0.0)))(
        jnp.ones((2, 1)), jnp.full((2,), 0.1)
    )
    assert y.shape == (2, 1) and h.shape == (2,)


def test_initial_h_is_the_resolution():
    """h <= 0 (a model's initial state) starts from the resolution, as NEST's init_buffers does."""
    tau = jnp.array([0.5, 3.0])
    f = lambda y, h: R.rkf45_integrate(decay, 0.1, y, h, tau, R.control_y(1e-3, 0.0))  # noqa: E731
    a, b = f(jnp.ones((2, 1)), jnp.zeros(2)), f(jnp.ones((2, 1)), jnp.full(2, 0.1))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


# --- a hook after each accepted step, with carried per-neuron values ----------------------------


def _leaky_with_resets(t, y, drive, count):
    """y' = drive - y + 10 y^2 - count / 10, explosive as the aeif models: the right-hand side
    sees the carried reset count."""
    return drive[:, None] - y + 10.0 * y * y - (count / 10.0)[:, None]


def _reset(t, y, count):
    """At or above 1: back to 0, one more reset; as the aeif models' spike test in NEST's loop."""
    hit = y[:, 0] >= 1.0
    return jnp.where(hit[:, None], 0.0, y), count + hit


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_after_step_hook_matches_scalar_loop(jit):
    """A reset inside the loop, which the next evolve_apply starts from, and a carry that changes
    the right-hand side: the same steps, resets and h as a scalar GSL loop with the same code;
    op by op bitwise; under jit the same steps and resets, y within XLA's rounding (see the eager
    test above), which the explosive term amplifies near each reset."""
    drive = jnp.array([-0.5, 3.0, 40.0, 200.0])
    ctrl = R.control_yp(1e-6, 1e-6)
    step = lambda y, h, c: R.rkf45_evolve(_leaky_with_resets, 0.1, y, h, drive, ctrl, _reset, c)  # noqa: E731
    y, h, count = jnp.zeros((4, 1)), jnp.zeros(4), jnp.zeros(4)
    ref = [([0.0], 0.1, 0.0) for _ in range(4)]
    with jax.disable_jit(not jit):
        for _ in range(12 if jit else 6):
            y, h, count, st = (jax.jit(step) if jit else step)(y, h, count)
            for i in range(4):
                yi, hi, ci = ref[i]
                t, steps, failed = 0.0, 0, 0
                while t < 0.1:
                    fs = lambda t, z, c=ci, d=float(drive[i]): [d - z[0] + 10.0 * z[0] * z[0] - c / 10.0]  # noqa: E731
                    t, hi, yi, fl = _gsl_evolve_apply(fs, tuple(ctrl), t, 0.1, hi, yi)
                    if yi[0] >= 1.0:
                        yi, ci = [0.0], ci + 1
                    steps, failed = steps + 1, failed + fl
                ref[i] = (yi, hi, ci)
                assert (int(st.steps[i]), int(st.failed[i])) == (steps, failed)
                assert float(count[i]) == ci
                if jit:
                    np.testing.assert_allclose(np.asarray(y[i]), yi, rtol=1e-6)
                    assert float(h[i]) == pytest.approx(hi, rel=1e-6)
                else:
                    assert float(y[i, 0]) == yi[0] and float(h[i]) == hi
    counts = np.asarray(count)
    assert counts[0] == 0 and np.all(counts[1:] > 0)
    assert counts.max() > 2 * (12 if jit else 6)  # several resets within one call


def test_evolve_without_hook_is_integrate():
    tau = jnp.array([0.5, 3.0])
    ctrl = R.control_y(1e-6, 0.0)
    y0, h0 = jnp.ones((2, 1)), jnp.full(2, 0.1)
    a = R.rkf45_integrate(decay, 0.1, y0, h0, tau, ctrl)
    b = R.rkf45_evolve(lambda t, y, p, c: decay(t, y, p), 0.1, y0, h0, tau, ctrl, None, jnp.zeros(2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(b[2], jnp.zeros(2))


@pytest.mark.parametrize("jit", [False, True])
def test_the_last_neurons_finish_apart_with_the_same_arithmetic(monkeypatch, jit):
    """A population of 200 van der Pol oscillators whose stiffness spans three decades: after a few
    attempts at most 25 still integrate and finish gathered apart. Every neuron's y, h and counts
    of accepted and retried steps are bitwise those of the whole-population loop, which takes more
    attempts."""
    rng = np.random.default_rng(5)
    n = 200
    mu = jnp.asarray(10.0 ** rng.uniform(-1, 2, n))
    y0 = jnp.asarray(np.stack([rng.uniform(-2, 2, n), rng.uniform(-5, 5, n)], axis=1))
    control = R.control_y(1e-6, 1e-6)

    def run():
        f = lambda y, h: R.rkf45_integrate(vdp, 0.5, y, h, mu, control)  # noqa: E731
        return (jax.jit(f) if jit else f)(y0, 0.0)

    y, h, stats = run()
    monkeypatch.setattr(R, "COMPACT_FROM", 10**9)
    y_all, h_all, stats_all = run()
    assert np.array_equal(np.asarray(y), np.asarray(y_all))
    assert np.array_equal(np.asarray(h), np.asarray(h_all))
    assert np.array_equal(np.asarray(stats.steps), np.asarray(stats_all.steps))
    assert np.array_equal(np.asarray(stats.failed), np.asarray(stats_all.failed))
    attempts = np.asarray(stats.steps + stats.failed)
    assert attempts.max() > 5 * np.median(attempts)  # a few neurons need many more attempts
    assert int(stats.iterations) == int(stats_all.iterations)
