"""Adaptive Runge-Kutta-Fehlberg 4(5) of GSL 1.15's old ``gsl_odeiv`` API, as NEST drives it.

NEST's adaptive models (iaf_cond_*, hh_*, aeif_*, ...) advance each neuron over one resolution
step h with ``while (t < h) gsl_odeiv_evolve_apply(e, c, s, &sys, &t, h, &IntegrationStep_, y)``,
starting from t = 0 and keeping ``IntegrationStep_`` from one step to the next. This module
reproduces that loop for a whole population at once; one ``lax.while_loop`` iteration is one
attempted step (accepted or rejected) of every neuron that has not reached t_end yet, the others
wait; in a large population the last few go on gathered apart (:data:`COMPACT_FROM`). The three GSL
pieces, as in GSL 1.15's sources:

- ``ode-initval/rkf45.c``: the Fehlberg tableau below; y advances with the 5th-order weights,
  ``yerr = h * sum(ec * k)`` is the 5th minus the embedded 4th-order solution, and
  ``dydt_out = f(t + h, y_new)``. The stepper can use ``dydt_in``, so k1 = f(t0, y0) is evaluated
  once per ``evolve_apply`` call (and reused when a step is retried).
- ``ode-initval/cstd.c`` ``std_control_hadjust`` with ``ord = 5`` (``rkf45_order`` returns 5):
  ``D0_i = eps_rel * (a_y |y_i| + a_dydt h_old |y'_i|) + eps_abs``, ``rmax = max(DBL_MIN,
  |yerr_i| / |D0_i|)`` (NaN ratios skipped as ``GSL_MAX_DBL`` skips them); ``rmax > 1.1``:
  ``h = max(0.9 / rmax^(1/5), 0.2) * h_old`` (decrease, rounded in that order); ``rmax < 0.5``:
  ``h = min(5 h_old, h_old * max(1, 0.9 / rmax^(1/6)))`` (increase); otherwise unchanged.
- ``ode-initval/evolve.c`` ``gsl_odeiv_evolve_apply``: ``h0`` is clipped to the remaining
  ``dt = t1 - t0`` (then ``t = t1`` exactly, else ``t = t0 + h0``); if the control decreased h,
  the decrease is real (``|h0| < |h_old|``) and ``t + h0 != t`` the step is undone and retried
  from the same y with the new h0; otherwise it is accepted, with ``h_old`` kept when the
  decrease was refused. The h returned is the controller's suggestion for the next step, computed
  from the (possibly clipped) h0 just taken.

:func:`rkf45_evolve` runs a model's own code after each accepted ``evolve_apply`` of that loop (the
aeif models test for spikes and reset there), with per-neuron values carried through it.

Floating-point expressions follow GSL's order of operations; XLA may still contract to FMA or use
a different ``pow``, so agreement with GSL is to a few ulp per step, not bitwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

# Fehlberg coefficients exactly as written in GSL's rkf45.c (zero elements left out there).
AH = (1.0 / 4.0, 3.0 / 8.0, 12.0 / 13.0, 1.0, 1.0 / 2.0)
B3 = (3.0 / 32.0, 9.0 / 32.0)
B4 = (1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0)
B5 = (8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0)
B6 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0, 9295.0 / 20520.0, -5643.0 / 20520.0)
C1 = 902880.0 / 7618050.0
C3 = 3953664.0 / 7618050.0
C4 = 3855735.0 / 7618050.0
C5 = -1371249.0 / 7618050.0
C6 = 277020.0 / 7618050.0
EC = (0.0, 1.0 / 360.0, 0.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0)

ORDER = 5  # what rkf45_order reports to the controller
SAFETY = 0.9  # S in std_control_hadjust
DBL_MIN = float(jnp.finfo(jnp.float64).tiny)

HADJ_DEC, HADJ_NIL, HADJ_INC = -1, 0, 1


class Control(NamedTuple):
    """``gsl_odeiv_control_standard_new(eps_abs, eps_rel, a_y, a_dydt)``; each field a scalar or
    an array of shape (n,) for per-neuron settings."""

    eps_abs: object
    eps_rel: object
    a_y: object
    a_dydt: object


def control_y(eps_abs, eps_rel) -> Control:
    """``gsl_odeiv_control_y_new``: a_y = 1, a_dydt = 0."""
    return Control(eps_abs, eps_rel, 1.0, 0.0)


def control_yp(eps_abs, eps_rel) -> Control:
    """``gsl_odeiv_control_yp_new``: a_y = 0, a_dydt = 1."""
    return Control(eps_abs, eps_rel, 0.0, 1.0)


class Stats(NamedTuple):
    steps: jax.Array  # (n,) accepted steps (evolve_apply calls)
    failed: jax.Array  # (n,) rejected (retried) steps
    iterations: jax.Array  # () while-loop iterations over the population


def fehlberg_step(f: Callable, t, y, h, params, k1=None):
    """One ``rkf45_apply`` from (t, y) over h, per neuron: returns (y5, yerr, dydt_out).

    ``t`` and ``h`` have shape (n,) (or broadcast to it), ``y`` shape (n, dim). ``k1`` is
    ``dydt_in`` = f(t, y) if already known.
    """
    t = jnp.asarray(t)
    h = jnp.asarray(h)
    hc = h[..., None] if h.ndim else h
    if k1 is None:
        k1 = f(t, y, params)
    ytmp = y + AH[0] * hc * k1
    k2 = f(t + AH[0] * h, ytmp, params)
    ytmp = y + hc * (B3[0] * k1 + B3[1] * k2)
    k3 = f(t + AH[1] * h, ytmp, params)
    ytmp = y + hc * (B4[0] * k1 + B4[1] * k2 + B4[2] * k3)
    k4 = f(t + AH[2] * h, ytmp, params)
    ytmp = y + hc * (B5[0] * k1 + B5[1] * k2 + B5[2] * k3 + B5[3] * k4)
    k5 = f(t + AH[3] * h, ytmp, params)
    ytmp = y + hc * (B6[0] * k1 + B6[1] * k2 + B6[2] * k3 + B6[3] * k4 + B6[4] * k5)
    k6 = f(t + AH[4] * h, ytmp, params)
    d = C1 * k1 + C3 * k3 + C4 * k4 + C5 * k5 + C6 * k6
    y_new = y + hc * d
    dydt_out = f(t + h, y_new, params)
    yerr = hc * (EC[1] * k1 + EC[3] * k3 + EC[4] * k4 + EC[5] * k5 + EC[6] * k6)
    return y_new, yerr, dydt_out


def hadjust(control: Control, y, yerr, yp, h):
    """``std_control_hadjust`` with ord = 5, per neuron: returns (h_new, status) with status
    HADJ_DEC, HADJ_NIL or HADJ_INC. ``y``, ``yerr``, ``yp``: (n, dim); ``h``: (n,)."""
    eps_abs, eps_rel, a_y, a_dydt = (jnp.asarray(c, dtype=y.dtype) for c in control)
    col = lambda c: c[..., None] if c.ndim else c  # noqa: E731
    h_old = jnp.abs(h)
    d0 = col(eps_rel) * (col(a_y) * jnp.abs(y) + col(a_dydt) * h_old[:, None] * jnp.abs(yp)) + col(eps_abs)
    r = jnp.abs(yerr) / jnp.abs(d0)
    r = jnp.where(jnp.isnan(r), DBL_MIN, r)  # GSL_MAX_DBL(r, rmax) keeps rmax for NaN r
    rmax = jnp.maximum(jnp.max(r, axis=-1), DBL_MIN)
    dec = rmax > 1.1
    inc = rmax < 0.5
    h_dec = jnp.maximum(SAFETY / jnp.power(rmax, 1.0 / ORDER), 0.2) * h_old  # r = S / rmax^(1/5), r * h_old
    fac = SAFETY / jnp.power(rmax, 1.0 / (ORDER + 1.0))
    h_inc = jnp.minimum(5.0 * h_old, h_old * jnp.where(fac > 1.0, fac, 1.0))
    h_new = jnp.where(dec, h_dec, jnp.where(inc, h_inc, h))
    status = jnp.where(dec, HADJ_DEC, jnp.where(inc, HADJ_INC, HADJ_NIL))
    return h_new, status


def rkf45_integrate(f: Callable, t_end, y, h, params, control: Control, max_iterations: int = 1_000_000):
    """Advance every neuron from t = 0 to ``t_end`` as NEST's ``while (t < t_end)
    gsl_odeiv_evolve_apply(...)`` loop does. Returns (y_new, h_new, Stats).

    ``y``: (n, dim); ``h``: (n,) or scalar, the internal step carried from the previous call,
    where h <= 0 (a model's initial state) starts at ``t_end`` as NEST's ``init_buffers`` sets
    ``IntegrationStep_`` to the resolution;
    ``t_end``: scalar or (n,); ``f(t, y, params) -> dy/dt`` with t of shape (n,). ``control``
    fields are scalars or (n,). ``max_iterations`` only guards against a hang (GSL has no such
    limit); neurons unfinished by then stop where they are.
    """
    y, h, _, stats = rkf45_evolve(
        lambda t, y, p, _: f(t, y, p), t_end, y, h, params, control, None, (), max_iterations
    )
    return y, h, stats


def rkf45_evolve(
    f: Callable,
    t_end,
    y,
    h,
    params,
    control: Control,
    after_step: Callable | None,
    carry,
    max_iterations: int = 1_000_000,
):
    """:func:`rkf45_integrate` with NEST's code between two ``evolve_apply`` calls (e.g. the aeif
    models' spike test, reset and adaptation jump inside the while-loop). Returns
    (y_new, h_new, carry_new, Stats).

    ``carry``: a pytree of per-neuron arrays (leading axis n) carried through the loop, e.g. a
    refractory count or a spike count; the right-hand side sees it as ``f(t, y, params, carry)``.
    ``after_step(t, y, carry) -> (y, carry)`` runs after each accepted step (``t``: (n,), the time
    reached within the step) and its results are kept for the neurons that took that step; the next
    ``evolve_apply`` starts from the ``y`` it returns, as GSL's starts from the node's state vector.
    None: no hook.
    """
    y = jnp.asarray(y)
    n = y.shape[0]
    dtype = y.dtype
    t_end = jnp.broadcast_to(jnp.asarray(t_end, dtype), (n,))
    h = jnp.broadcast_to(jnp.asarray(h, dtype), (n,))
    h = jnp.where(h > 0, h, t_end)
    zeros_i = jnp.zeros((n,), jnp.int32)
    few = _compact_size(n) if after_step is None else 0

    def cond(state):
        t, it = state[0], state[-1]
        active = t < t_end
        return jnp.any(active) & (it < max_iterations) & (jnp.sum(active) > few)

    t0 = jnp.zeros((n,), dtype)
    init = (t0, y, h, carry, zeros_i, zeros_i, jnp.int32(0))
    state = lax.while_loop(cond, _attempt(f, t_end, params, control, after_step), init)
    if few:
        unfinished = jnp.any(state[0] < t_end) & (state[-1] < max_iterations)
        finish = lambda s: _finish_few(f, t_end, params, control, s, few, max_iterations)  # noqa: E731
        state = lax.cond(unfinished, finish, lambda s: s, state)
    _, y, h, carry, steps, failed, it = state
    return y, h, carry, Stats(steps, failed, it)


COMPACT_FROM = 64
"""Populations of at least this many neurons finish the last neurons of a step apart (without an
``after_step`` hook): once at most an eighth of them still integrate, those are gathered into an
array of that size, so that the many attempts of a few neurons (a spike's upswing needs many short
steps) do not cost attempts of the whole population. Each neuron's arithmetic is the same."""


def _compact_size(n: int) -> int:
    return n // 8 if n >= COMPACT_FROM else 0


def _attempt(f, t_end, params, control, after_step):
    """One ``evolve_apply`` attempt (accepted or retried) of every neuron with t < t_end."""

    def body(state):
        t, y, h, carry, steps, failed, it = state
        n = t.shape[0]
        active = t < t_end
        dt = t_end - t
        final = h > dt
        h0 = jnp.where(final, dt, h)
        y5, yerr, dydt_out = fehlberg_step(lambda t, y, p: f(t, y, p, carry), t, y, h0, params)
        t_after = jnp.where(final, t_end, t + h0)
        h_adj, status = hadjust(control, y5, yerr, dydt_out, h0)
        retry = (status == HADJ_DEC) & (jnp.abs(h_adj) < jnp.abs(h0)) & (t_after + h_adj != t_after)
        h_next = jnp.where(status == HADJ_DEC, jnp.where(retry, h_adj, h0), h_adj)
        accept = active & ~retry
        if after_step is not None:
            y5, carry_new = after_step(t_after, y5, carry)
            carry = jax.tree.map(
                lambda new, old: jnp.where(accept.reshape((n,) + (1,) * (jnp.ndim(old) - 1)), new, old),
                carry_new,
                carry,
            )
        t = jnp.where(accept, t_after, t)
        y = jnp.where(accept[:, None], y5, y)
        h = jnp.where(active, h_next, h)
        steps = steps + accept.astype(jnp.int32)
        failed = failed + (active & retry).astype(jnp.int32)
        return t, y, h, carry, steps, failed, it + 1

    return body


def _finish_few(f, t_end, params, control, state, few: int, max_iterations: int):
    """Go on with the at most ``few`` neurons that have not reached ``t_end``, gathered into arrays
    of that size: their per-neuron entries of ``params``, ``control`` and the carry (every array
    whose first axis has the population's length) with them; the results are put back."""
    n = t_end.shape[0]
    active = state[0] < t_end
    (idx,) = jnp.nonzero(active, size=few, fill_value=n)
    real = idx < n

    def take(a):
        per_neuron = hasattr(a, "ndim") and a.ndim >= 1 and a.shape[0] == n
        return jnp.take(a, idx, axis=0, mode="clip") if per_neuron else a

    t, y, h, carry, steps, failed, it = jax.tree.map(take, state)
    t_end_few = jnp.where(real, take(t_end), t)  # the padding rows are done already
    params_few, control_few = jax.tree.map(take, (params, control))

    def cond(s):
        return jnp.any(s[0] < t_end_few) & (s[-1] < max_iterations)

    body = _attempt(f, t_end_few, params_few, control_few, None)
    few_state = lax.while_loop(cond, body, (t, y, h, carry, steps, failed, it))

    def put(whole, part):
        return whole.at[idx].set(part, mode="drop") if jnp.ndim(whole) >= 1 else part

    return jax.tree.map(put, state, few_state)


def rkf45_step(f: Callable, t_end, y, h, params, control: Control):
    """One NEST resolution step for the population: (y_new, h_new). See ``rkf45_integrate``."""
    y, h, _ = rkf45_integrate(f, t_end, y, h, params, control)
    return y, h
