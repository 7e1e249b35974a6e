"""Gap junctions in the step loop: delivery of the interpolation polynomials and NEST's waveform
relaxation of one update slice (see :mod:`nestjax.waveform_relaxation` for the method).

The gap state carried from slice to slice is ``(coefficients, total)``: per lag of the slice and
gap node the weighted sum of the partners' polynomials, (D, n_gap, order + 1), and per node the sum
of the weights delivered, (n_gap,). A slice that runs to its end sends each node's final V_m as a
constant for the lags it ran; a slice cut short by the end of a ``simulate`` call sends nothing
(NEST delivers at slice ends only), so the next call starts its first pass without coupling.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import lax


def deliver_gap(poly, links: dict):
    """Each node's weighted sum of its partners' polynomials: ``poly`` (D, n_gap, K) -> same shape.
    ``links``: the arrays of a :class:`~nestjax.network.tables.GapTable` (pre, post, weight, total)."""
    sent = poly[:, links["pre"], :] * links["weight"][None, :, None]
    return jnp.zeros_like(poly).at[:, links["post"], :].add(sent)


def no_coupling(D: int, n: int, order: int):
    """The gap state before anything was delivered (NEST's first slice)."""
    return jnp.zeros((D, n, order + 1)), jnp.zeros(n)


def after_slice(carry, v_end, ran, complete, links: dict, order: int):
    """The gap state the next slice starts from, after the real update of a slice: ``v_end``
    (n_gap,) the final V_m, ``ran`` (D,) the lags updated; ``complete``: the slice ran to its end.
    A slice that did not run at all leaves ``carry`` as it was."""
    const = jnp.where(ran[:, None], v_end[None, :], 0.0)
    poly = jnp.zeros((ran.size, v_end.size, order + 1)).at[:, :, 0].set(const)
    sent = (deliver_gap(poly, links), links["total"])
    none = no_coupling(ran.size, v_end.size, order)
    pick = lambda a, b, c: jnp.where(complete, a, jnp.where(jnp.any(ran), b, c))  # noqa: E731
    return jax.tree.map(pick, sent, none, carry)


def relax(passes: Callable, kept, carry, covered, links: dict, tol: float, max_iterations: int):
    """NEST's iteration over one slice: ``passes(kept, coefficients, total) -> (kept, poly, v)``
    runs one relaxation pass of all gap nodes over the slice from their saved state with the
    carried entries ``kept`` and returns the new ones, each node's polynomials ``poly`` (D, n_gap,
    K) and its V_m at the end of each step ``v`` (D, n_gap); ``covered`` (D,): the lags the passes
    cover (from the first step of the call to the end of the slice). Passes repeat until no V_m
    moved by more than ``tol`` since the previous pass (the first pass compares with 0, as NEST's
    reset ``last_y_values``),
    at most ``max_iterations`` times. Returns (kept, gap state for the real update)."""
    total = links["total"]

    def cond(c):
        return (c[3] < max_iterations) & ~c[4]

    def body(c):
        kept, coefficients, last, it, _, delivered = c
        kept, poly, v = passes(kept, coefficients, delivered)
        moved = jnp.any(covered[:, None] & (jnp.abs(v - last) > tol))
        poly = jnp.where(covered[:, None, None], poly, 0.0)
        return kept, deliver_gap(poly, links), jnp.where(covered[:, None], v, last), it + 1, ~moved, total

    coefficients, total0 = carry
    last = jnp.zeros(coefficients.shape[:2])
    kept, coefficients, _, _, _, total = lax.while_loop(
        cond, body, (kept, coefficients, last, jnp.int32(0), jnp.bool_(False), total0)
    )
    return kept, (coefficients, total)
