"""NEST 3.10's connection rules, vectorised with NumPy.

A rule is ``rule(pre, post, spec, rng) -> (sources, targets)`` (the ``nestjax_connection_rules``
hook): ``pre`` and ``post`` are whole NodeViews (any order, sliced, stepped, composite, possibly
overlapping), ``spec`` the conn_spec without ``"rule"``, ``rng`` a NumPy generator. Node ids come back
as int32 where the ids allow (int64 otherwise): these arrays are the largest thing a Simulator builds.

Follows NEST 3.10 ``nestkernel/conn_builder.cpp`` (the builders' constructors for the checks, their
``connect_`` for the algorithm) and PyNEST's ``hl_api_connection_helpers.py`` (array-valued syn_spec
entries, arrays of node ids). Draws are NumPy's, not NEST's, so a realisation differs from NEST's; its
distribution, the order of the connections and the mapping of array-valued syn_spec entries are NEST's
(single process, single thread). Where NEST would loop forever (an indegree that no target can reach
without autapses and multapses, ...), the rule raises instead.

Every rule reads ``allow_autapses`` (default True: a connection from a node to itself, i.e. equal node
ids, may be made), ``allow_multapses`` (default True: a pair may be connected more than once) and
``make_symmetric`` (default False; only ``one_to_one`` supports it, ``symmetric_pairwise_bernoulli``
requires it). Any other key than these and the rule's own parameter is an error, as NEST's
"Unaccessed elements in conn_spec". As in NEST, ``indegree``, ``outdegree``, ``p`` (of
``pairwise_bernoulli``) and ``pairwise_avg_num_conns`` may be Parameters (``nestjax.random`` ...):
drawn per target, per source, per pair and per pair respectively.

The result is a :class:`Connections`, a ``(sources, targets)`` tuple that also carries
``param_index``: the index, into NEST's flattened array-valued syn_spec entry, of the value each
connection takes (``None`` when connection i takes entry i). :func:`syn_array` checks such an entry
as PyNEST does and returns one value per connection.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import brainunit as u
import numpy as np

from ..parameters import Parameter

COMMON_KEYS = ("allow_autapses", "allow_multapses", "make_symmetric")

_CHUNK = 1 << 22  # elements per block of temporary draws
_INT32_MAX = np.iinfo(np.int32).max


class Connections(tuple):
    """``(sources, targets)`` of one rule call, unpacking as a pair; ``param_index[i]`` is the entry of
    the flattened array-valued syn_spec value that connection ``i`` takes (``None``: entry ``i``)."""

    def __new__(cls, sources, targets, param_index=None):
        self = super().__new__(cls, (sources, targets))
        self.param_index = param_index
        return self

    @property
    def sources(self) -> np.ndarray:
        return self[0]

    @property
    def targets(self) -> np.ndarray:
        return self[1]


# ===================================================================================== the rules
def all_to_all(pre, post, spec, rng) -> Connections:
    """Every source to every target: targets in ``post`` order, each with every source in ``pre``
    order. ``allow_autapses`` False drops i->i; ``allow_multapses`` is read and has no effect;
    ``make_symmetric`` is not supported (as NEST, even for ``pre == post``).

    Array-valued syn_spec entries are 2-D ``[target][source]`` (n_post x n_pre), flattened row-major;
    a dropped autapse skips its entry (NEST's ``skip_conn_parameter_``).
    """
    autapses, _, symmetric = _flags(spec, "all_to_all")
    _no_symmetric(symmetric)
    s_ids, t_ids = _ids(pre, "all_to_all"), _ids(post, "all_to_all")
    dt = _id_dtype(s_ids, t_ids)
    s = np.tile(s_ids.astype(dt), t_ids.size)
    t = np.repeat(t_ids.astype(dt), s_ids.size)
    if autapses or not np.intersect1d(s_ids, t_ids).size:
        return Connections(s, t)
    keep = np.flatnonzero(s != t)
    return Connections(s[keep], t[keep], keep)


def one_to_one(pre, post, spec, rng) -> Connections:
    """Source i to target i; ``pre`` and ``post`` must have the same size and may repeat ids (NEST's
    connection of two arrays of ids). ``allow_autapses`` False drops pairs of equal ids;
    ``make_symmetric`` True adds, after all of them, target i -> source i for every i (as NEST: a
    second pass with sources and targets swapped, so ``pre == post`` gives each autapse twice).

    Array-valued syn_spec entries are 1-D of length ``len(pre)``. NEST does not skip the entry of a
    dropped autapse: the k-th connection made takes entry k (observed in NEST 3.10); the reverse
    connections of ``make_symmetric`` take the same entries again.
    """
    autapses, _, symmetric = _flags(spec, "one_to_one")
    s_ids, t_ids = pre.gids, post.gids
    if s_ids.size != t_ids.size:
        raise ValueError(
            "Source and Target population must be of the same size "
            f"(one_to_one got {s_ids.size} sources and {t_ids.size} targets)."
        )
    dt = _id_dtype(s_ids, t_ids)
    s, t = s_ids.astype(dt), t_ids.astype(dt)
    if not autapses:
        keep = s != t
        s, t = s[keep], t[keep]
    index = np.arange(s.size)
    if symmetric:
        s, t = np.concatenate([s, t]), np.concatenate([t, s])
        index = np.concatenate([index, index])
    return Connections(s, t, None if not symmetric and autapses else index)


def fixed_indegree(pre, post, spec, rng) -> Connections:
    """Each target draws ``indegree`` sources uniformly from ``pre``: targets in ``post`` order, each
    with its sources in the order drawn. Without autapses a target that is also a source never draws
    itself (it draws among the others: the distribution of NEST's redraw); without multapses a
    target's sources are the first ``indegree`` distinct values of its stream of draws, as NEST's
    redraw loop. ``indegree`` may be a Parameter (``nestjax.random...``): one value per target,
    rounded to the nearest integer (halves away from zero, as C++ ``std::round``), none for a value
    below one half. Where NEST would loop forever (too few sources left to draw) this raises.

    Array-valued syn_spec entries are 2-D ``[target][k]`` (n_post x indegree), flattened row-major:
    entry ``[i][k]`` goes to the k-th source drawn by target ``post[i]``.
    """
    autapses, multapses, symmetric = _flags(spec, "fixed_indegree", "indegree")
    s_ids, t_ids = _ids(pre, "fixed_indegree"), _ids(post, "fixed_indegree")
    if s_ids.size == 0:
        raise ValueError("Source array must not be empty.")
    k = _degree(spec, "indegree", rng, targets=t_ids)
    if np.ndim(k) == 0:
        if k < 0:
            raise ValueError(f"Indegree cannot be less than zero (got {k}).")
        if not multapses and k > s_ids.size:
            raise ValueError(
                f"Indegree cannot be larger than population size without multapses "
                f"(indegree {k}, {s_ids.size} sources)."
            )
    _no_symmetric(symmetric)
    dt = _id_dtype(s_ids, t_ids)
    chosen = _fixed_degree(rng, t_ids, s_ids, k, autapses, multapses, dt, "Indegree", "sources")
    return Connections(chosen, np.repeat(t_ids.astype(dt), k))


def fixed_outdegree(pre, post, spec, rng) -> Connections:
    """Each source draws ``outdegree`` targets uniformly from ``post``: sources in ``pre`` order, each
    with its targets in the order drawn; autapses, multapses and a Parameter as ``outdegree`` (one
    value per source) as in :func:`fixed_indegree`.

    Array-valued syn_spec entries are 2-D ``[source][k]`` (n_pre x outdegree), flattened row-major:
    entry ``[i][k]`` goes to the k-th target drawn by source ``pre[i]``.
    """
    autapses, multapses, symmetric = _flags(spec, "fixed_outdegree", "outdegree")
    s_ids, t_ids = _ids(pre, "fixed_outdegree"), _ids(post, "fixed_outdegree")
    if t_ids.size == 0:
        raise ValueError("Target array must not be empty.")
    k = _degree(spec, "outdegree", rng, sources=s_ids)
    if np.ndim(k) == 0:
        if not multapses and k > t_ids.size:
            raise ValueError(
                f"Outdegree cannot be larger than population size without multapses "
                f"(outdegree {k}, {t_ids.size} targets)."
            )
        if k < 0:
            raise ValueError(f"Outdegree cannot be less than zero (got {k}).")
    _no_symmetric(symmetric)
    dt = _id_dtype(s_ids, t_ids)
    chosen = _fixed_degree(rng, s_ids, t_ids, k, autapses, multapses, dt, "Outdegree", "targets")
    return Connections(np.repeat(s_ids.astype(dt), k), chosen)


def fixed_total_number(pre, post, spec, rng) -> Connections:
    """``N`` connections, each between a source and a target drawn uniformly and independently (a
    pair of equal ids is redrawn when autapses are not allowed), in the order drawn. NEST requires
    multapses: ``allow_multapses`` False is an error.

    Array-valued syn_spec entries are 1-D of length ``N``: entry i goes to the i-th pair drawn.
    """
    autapses, multapses, symmetric = _flags(spec, "fixed_total_number", "N")
    s_ids, t_ids = _ids(pre, "fixed_total_number"), _ids(post, "fixed_total_number")
    n = _count(spec, "N")
    if not multapses and n > s_ids.size * t_ids.size:
        raise ValueError(
            "Total number of connections cannot exceed product of source and target population sizes "
            f"(N {n}, {s_ids.size} x {t_ids.size})."
        )
    if n < 0:
        raise ValueError(f"Total number of connections cannot be negative (got {n}).")
    if not multapses:
        raise ValueError(
            "Connect doesn't support the suppression of multapses in the FixedTotalNumber connector "
            "(allow_multapses must be True)."
        )
    _no_symmetric(symmetric)
    dt = _id_dtype(s_ids, t_ids)
    s_ids, t_ids = s_ids.astype(dt), t_ids.astype(dt)
    if n and not autapses and s_ids.size == 1 and t_ids.size == 1 and s_ids[0] == t_ids[0]:
        raise ValueError(
            f"fixed_total_number: the only possible pair is the autapse {s_ids[0]}->{s_ids[0]} and "
            "autapses are not allowed (NEST would loop forever)."
        )
    s, t = np.empty(n, dt), np.empty(n, dt)
    done = 0
    while done < n:  # a few rounds: a drawn autapse is redrawn
        m = n - done
        si = s_ids[_uniform(rng, s_ids.size, m)]
        ti = t_ids[_uniform(rng, t_ids.size, m)]
        if not autapses:
            ok = si != ti
            si, ti = si[ok], ti[ok]
        s[done : done + si.size], t[done : done + si.size] = si, ti
        done += si.size
    return Connections(s, t)


def pairwise_bernoulli(pre, post, spec, rng) -> Connections:
    """Each pair (source, target) is connected with probability ``p``, independently: targets in
    ``post`` order, each with its sources in ``pre`` order (NEST's loop). Without autapses a pair of
    equal ids is never connected; multapses cannot arise. No array-valued syn_spec entries (PyNEST
    refuses them for this rule).

    The connected pairs are found by geometric skipping over the n_post x n_pre grid: cost grows with
    the number of connections, not with the grid.
    """
    autapses, _, symmetric = _flags(spec, "pairwise_bernoulli", "p")
    par = _parameter(spec["p"])
    p = None if par is not None else _real(spec, "p")
    if p is not None and not 0.0 <= p <= 1.0:
        raise ValueError(f"Connection probability 0 <= p <= 1 required (got p={p}).")
    _no_symmetric(symmetric)
    s_ids, t_ids = _ids(pre, "pairwise_bernoulli"), _ids(post, "pairwise_bernoulli")
    dt = _id_dtype(s_ids, t_ids)
    if par is None:
        cells = _bernoulli_cells(rng, s_ids.size * t_ids.size, p)
        return _joined([_cells_to_pairs(c, s_ids, t_ids, dt, autapses) for c in cells], dt)
    parts = []
    for s, t in _all_pairs(s_ids, t_ids, dt, autapses):  # p drawn for each pair, as NEST
        hit = rng.random(s.size) < _draw(par, "p", s.size, rng, sources=s, targets=t)
        parts.append((s[hit], t[hit]))
    return _joined(parts, dt)


def symmetric_pairwise_bernoulli(pre, post, spec, rng) -> Connections:
    """NEST's symmetric Bernoulli rule: each target (in ``post`` order) draws a number k of sources
    from Binomial(len(pre), p), redrawn while k == len(pre), then k distinct sources other than itself
    uniformly from ``pre``; each chosen pair gives source->target followed by target->source. NEST
    requires ``allow_autapses`` False, ``allow_multapses`` True (a pair drawn by both of its nodes is
    connected twice each way) and ``make_symmetric`` True, and 0 <= p < 1. No array-valued syn_spec
    entries (PyNEST refuses them for this rule).
    """
    autapses, multapses, symmetric = _flags(spec, "symmetric_pairwise_bernoulli", "p")
    p = _real(spec, "p")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"Connection probability 0 <= p < 1 required (got p={p}).")
    if not multapses:
        raise ValueError(
            "Multapses must be enabled (symmetric_pairwise_bernoulli needs allow_multapses True)."
        )
    if autapses:
        raise ValueError(
            "Autapses must be disabled (symmetric_pairwise_bernoulli needs allow_autapses False)."
        )
    if not symmetric:
        raise ValueError(
            "Symmetric connections must be enabled (symmetric_pairwise_bernoulli needs make_symmetric True)."
        )
    rule = "symmetric_pairwise_bernoulli"
    s_ids, t_ids = _ids(pre, rule), _ids(post, rule)
    dt = _id_dtype(s_ids, t_ids)
    n = s_ids.size
    k = rng.binomial(n, p, t_ids.size)
    while (bad := np.flatnonzero(k >= n)).size:  # NEST's truncation: redraw k == n
        k[bad] = rng.binomial(n, p, bad.size)
    forbid = _positions(s_ids, t_ids)  # a target never draws itself
    rows, src = [], []
    for group in (np.flatnonzero(forbid < 0), np.flatnonzero(forbid >= 0)):
        if not group.size:
            continue
        has_self = forbid[group[0]] >= 0
        m = _distinct(rng, group.size, n - has_self, k[group], _small_dtype(n))
        r, c = np.nonzero(np.arange(m.shape[1]) < k[group][:, None])
        v = m[r, c].astype(np.int64)
        if has_self:
            v += v >= forbid[group][r]
        rows.append(group[r])
        src.append(v)
    rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    src = np.concatenate(src) if src else np.zeros(0, np.int64)
    order = np.argsort(rows, kind="stable")  # targets in post order
    a, b = s_ids.astype(dt)[src[order]], t_ids.astype(dt)[rows[order]]
    return Connections(np.stack([a, b], 1).reshape(-1), np.stack([b, a], 1).reshape(-1))


def pairwise_poisson(pre, post, spec, rng) -> Connections:
    """Each pair (source, target) is connected a Poisson(``pairwise_avg_num_conns``) number of times,
    independently: targets in ``post`` order, each with its sources in ``pre`` order, a pair's
    multapses one after the other (NEST's loop). Without autapses a pair of equal ids is never
    connected. NEST requires ``allow_multapses`` True. No array-valued syn_spec entries (PyNEST
    refuses them for this rule).
    """
    autapses, multapses, symmetric = _flags(spec, "pairwise_poisson", "pairwise_avg_num_conns")
    key = "pairwise_avg_num_conns"
    par = _parameter(spec[key])
    lam = None if par is not None else _real(spec, key)
    if lam is not None and not (lam >= 0.0 and math.isfinite(lam)):
        raise ValueError(f"Connection parameter 0 ≤ pairwise_avg_num_conns required (got {lam}).")
    if not multapses:
        raise ValueError("Multapses must be allowed for this connection rule (pairwise_poisson).")
    _no_symmetric(symmetric)
    s_ids, t_ids = _ids(pre, "pairwise_poisson"), _ids(post, "pairwise_poisson")
    dt = _id_dtype(s_ids, t_ids)
    n_cells = s_ids.size * t_ids.size
    parts = []
    if par is not None:  # the mean drawn for each pair, as NEST
        for s, t in _all_pairs(s_ids, t_ids, dt, autapses):
            mean = _draw(par, key, s.size, rng, sources=s, targets=t)
            if (mean < 0).any() or not np.isfinite(mean).all():
                bad = mean[(mean < 0) | ~np.isfinite(mean)][0]
                raise ValueError(f"Connection parameter 0 ≤ pairwise_avg_num_conns required (drew {bad}).")
            c = rng.poisson(mean)
            parts.append((np.repeat(s, c), np.repeat(t, c)))
        return _joined(parts, dt)
    p_any = -math.expm1(-lam)  # probability that a pair is connected at all
    if 0.0 < p_any < 0.5:  # sparse: the connected pairs by geometric skipping, then how often each
        for cells in _bernoulli_cells(rng, n_cells, p_any):
            counts = _zero_truncated_poisson(rng, lam, cells.size)
            parts.append(_cells_to_pairs(cells, s_ids, t_ids, dt, autapses, counts))
    elif p_any > 0.0:  # dense: one Poisson draw per pair
        for c0 in range(0, n_cells, _CHUNK):
            c = rng.poisson(lam, min(_CHUNK, n_cells - c0))
            nz = np.flatnonzero(c)
            parts.append(_cells_to_pairs(nz + c0, s_ids, t_ids, dt, autapses, c[nz]))
    return _joined(parts, dt)


RULES = {
    "all_to_all": all_to_all,
    "one_to_one": one_to_one,
    "fixed_indegree": fixed_indegree,
    "fixed_outdegree": fixed_outdegree,
    "fixed_total_number": fixed_total_number,
    "pairwise_bernoulli": pairwise_bernoulli,
    "symmetric_pairwise_bernoulli": symmetric_pairwise_bernoulli,
    "pairwise_poisson": pairwise_poisson,
}


# ====================================================================== array-valued syn_spec
def syn_array(rule: str, spec: dict, key: str, value, n_pre: int, n_post: int, conns) -> np.ndarray:
    """One value per connection from an array-valued syn_spec entry ``key``, checked as PyNEST does
    (``_process_syn_spec``): 1-D arrays only for ``one_to_one`` (length n_pre) and
    ``fixed_total_number`` (length N); 2-D only for ``all_to_all`` (n_post x n_pre),
    ``fixed_indegree`` (n_post x indegree) and ``fixed_outdegree`` (n_pre x outdegree); PyNEST's
    TypeError for an array the rule does not take, ValueError for a wrong shape. ``conns`` is the
    rule's :class:`Connections`; a scalar ``value`` is broadcast."""
    v = np.asarray(value)
    n = len(conns[0])
    if v.ndim == 0:
        return np.full(n, v)
    if v.ndim == 1:
        if rule == "one_to_one":
            if v.shape[0] != n_pre:
                raise ValueError(
                    f"'{key}' has to be an array of dimension {n_pre}, a scalar or a dictionary."
                )
        elif rule == "fixed_total_number":
            if v.shape[0] != spec.get("N"):
                raise ValueError(
                    f"'{key}' has to be an array of dimension {spec.get('N')}, a scalar or a dictionary"
                )
        else:
            raise TypeError(
                f"'{key}' has the wrong type. One-dimensional parameter arrays can only be used in "
                "conjunction with rule 'one_to_one' or 'fixed_total_number'."
            )
    elif v.ndim == 2:
        shape = {
            "all_to_all": ((n_post, n_pre), "n_target x n_sources"),
            "fixed_indegree": ((n_post, spec.get("indegree")), "n_target x indegree"),
            "fixed_outdegree": ((n_pre, spec.get("outdegree")), "n_sources x outdegree"),
        }.get(rule)
        if shape is None:
            raise TypeError(
                f"'{key}' has the wrong type. Two-dimensional parameter arrays can only be used in "
                "conjunction with rules 'all_to_all', 'fixed_indegree' or fixed_outdegree'."
            )
        if v.shape != shape[0]:
            raise ValueError(
                f"'{key}' has to be an array of dimension {shape[0][0]}x{shape[0][1]} ({shape[1]}), "
                "a scalar or a dictionary."
            )
    else:
        raise ValueError(f"'{key}' has {v.ndim} dimensions; syn_spec arrays have one or two")
    flat = v.reshape(-1)
    index = getattr(conns, "param_index", None)
    return flat[index] if index is not None else flat[:n]


# ============================================================================ arrays of node ids
def node_ids(sim, ids) -> np.ndarray:
    """Node ids given as an array (any order, repeats allowed) checked against ``sim``'s nodes, as
    int64: the ids of a NodeView for ``sim.connect``. Repeated ids are accepted by ``one_to_one``
    only (NEST 3.10 connects arrays with repeated ids one-to-one, ``nest.Connect(pre_ids, post_ids,
    "one_to_one")``); every other rule refuses them."""
    a = np.asarray(ids)
    if a.ndim != 1:
        raise ValueError("Sources and targets must be 1-dimensional arrays")
    if a.size and not np.issubdtype(a.dtype, np.integer):
        raise TypeError("node IDs must be integers.")
    a = a.astype(np.int64)
    n_nodes = int(sim._first[-1] + sim._pops[-1].n - 1) if sim._pops else 0
    bad = a[(a < 1) | (a > n_nodes)]
    if bad.size:
        raise ValueError(f"node ID {int(bad[0])} does not exist (this Simulator has nodes 1..{n_nodes})")
    return a


def check_symmetric(rule: str, spec: dict, pre, post, syn_spec: dict) -> None:
    """NEST's condition for synapse models that require symmetric connections (gap_junction):
    ``make_symmetric`` True, or all_to_all from a population onto itself with single-valued
    synapse parameters."""
    if spec.get("make_symmetric", False) is True:
        return
    scalar = all(
        np.ndim(v.mantissa if isinstance(v, u.Quantity) else v) == 0 and not isinstance(v, Parameter)
        for k, v in syn_spec.items()
        if k != "synapse_model"
    )
    if rule == "all_to_all" and np.array_equal(pre.gids, post.gids) and scalar:
        return
    raise ValueError(
        "Connections with this synapse model can only be created as one-to-one connections with "
        '"make_symmetric" set to true or as all-to-all connections with equal source and target '
        "populations and default or scalar parameters."
    )


# ================================================================================== internals
def _flags(spec: dict, rule: str, *own: str) -> tuple[bool, bool, bool]:
    allowed = (*own, *COMMON_KEYS)
    extra = [k for k in spec if k not in allowed]
    if extra:
        raise ValueError(
            f"Unaccessed elements in conn_spec of rule {rule!r}: {', '.join(map(repr, extra))}; "
            f"the rule reads {', '.join(map(repr, allowed))}"
        )
    for k in own:
        if k not in spec:
            raise ValueError(f"conn_spec of rule {rule!r} needs {k!r}")
    out = []
    for k, default in zip(COMMON_KEYS, (True, True, False), strict=True):
        v = spec.get(k, default)
        if not isinstance(v, (bool, np.bool_)):
            raise ValueError(f"conn_spec {k!r} must be True or False, got {v!r}")
        out.append(bool(v))
    return tuple(out)


def _no_symmetric(symmetric: bool) -> None:
    if symmetric:
        raise ValueError(
            "This connection rule does not support symmetric connections "
            "(make_symmetric works with 'one_to_one'; 'symmetric_pairwise_bernoulli' requires it)."
        )


def _count(spec: dict, key: str) -> int:
    v = spec[key]
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, Integral):
        raise ValueError(f"conn_spec {key!r} must be an integer, got {v!r}")
    return int(v)


def _real(spec: dict, key: str) -> float:
    v = spec[key]
    if not isinstance(v, Real):
        raise ValueError(f"conn_spec {key!r} must be a number, got {v!r}")
    return float(v)


def _ids(view, rule: str) -> np.ndarray:
    """The view's node ids; NEST connects repeated ids with one_to_one only."""
    g = view.gids
    if g.size > 1 and np.unique(g).size != g.size:
        raise ValueError(
            "When connecting two arrays with non-unique IDs, `conn_spec` must be 'one_to_one' "
            f"(got {rule!r})."
        )
    return g


def _id_dtype(*ids: np.ndarray):
    top = max((int(a.max()) for a in ids if a.size), default=0)
    return np.int32 if top <= _INT32_MAX else np.int64


def _small_dtype(n: int):
    return np.int32 if n <= _INT32_MAX // 2 else np.int64


def _uniform(rng, n: int, size) -> np.ndarray:
    return rng.integers(0, n, size=size, dtype=_small_dtype(n))


def _positions(pool: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """For each id, its position in ``pool`` (unique ids), -1 where absent."""
    order = np.argsort(pool, kind="stable")
    at = np.searchsorted(pool, ids, sorter=order)
    at = np.minimum(at, pool.size - 1)
    pos = order[at]
    return np.where(pool[pos] == ids, pos, -1)


def _fixed_degree(rng, rows, pool, k, autapses, multapses, dt, what, pool_name) -> np.ndarray:
    """Ids from ``pool`` drawn for each id in ``rows``: ``k`` (or ``k[r]``) each, rows in order, each
    row's draws in draw order, as one flat array."""
    n, ragged = pool.size, np.ndim(k) > 0
    kk = np.asarray(k, np.int64) if ragged else np.full(rows.size, int(k), np.int64)
    out = np.empty(int(kk.sum()), dt)
    if out.size == 0:
        return out
    pool = pool.astype(dt)
    forbid = np.full(rows.size, -1, np.int64) if autapses else _positions(pool, rows)
    has = forbid >= 0
    cap = n - has  # how many of the pool a row may draw
    bad = np.flatnonzero(kk > cap if not multapses else (kk > 0) & (cap == 0))
    if bad.size:
        r = bad[0]
        why = (
            f"node {rows[r]} is among the {pool_name} and autapses are not allowed, leaving"
            if has[r]
            else "with"
        )
        raise ValueError(
            f"{what} cannot be larger than population size: {why} {cap[r]} {pool_name} for "
            f"{what.lower()} {kk[r]}{'' if multapses else ' without multapses'} (NEST would loop forever)."
        )
    ends = np.cumsum(kk)
    step = max(1, _CHUNK // max(1, int(kk.max())))
    idt = _small_dtype(n)
    for r0 in range(0, rows.size, step):
        r1 = min(rows.size, r0 + step)
        kr, f, h = kk[r0:r1], forbid[r0:r1], has[r0:r1]
        width = int(kr.max())
        if width == 0:
            continue
        if multapses:
            high = n - 1 if h.all() else n if not h.any() else (n - h)[:, None]
            idx = rng.integers(0, high, (r1 - r0, width), dtype=idt)
        elif h.all() or not h.any():
            idx = _distinct(rng, r1 - r0, n - bool(h[0]), kr if ragged else width, idt)
        else:
            idx = np.zeros((r1 - r0, width), idt)
            for sel, avail in ((h, n - 1), (~h, n)):
                idx[sel] = _distinct(rng, int(sel.sum()), avail, kr[sel] if ragged else width, idt)
        if h.all():
            idx += idx >= f[:, None]
        elif h.any():
            idx += (idx >= f[:, None]) & h[:, None]
        dest = out[(int(ends[r0 - 1]) if r0 else 0) : int(ends[r1 - 1])]
        if ragged:
            dest[:] = np.take(pool, idx)[np.arange(width) < kr[:, None]]
        else:
            np.take(pool, idx, out=dest.reshape(r1 - r0, width))
    return out


def _degree(spec: dict, key: str, rng, **nodes):
    """A degree: an int, or (a Parameter) one rounded value per row node, negatives as zero."""
    v = spec[key]
    par = _parameter(v)
    if par is None:
        return _count(spec, key)
    x = _draw(par, key, len(next(iter(nodes.values()))), rng, **nodes)
    return np.maximum(np.sign(x) * np.floor(np.abs(x) + 0.5), 0).astype(np.int64)


def _parameter(v):
    """The nestjax Parameter ``v`` is, or None."""
    try:
        from ..parameters import is_parameter, unwrap
    except ImportError:  # pragma: no cover - parameters are part of core
        return None
    return unwrap(v) if is_parameter(v) else None


def _draw(par, key: str, n: int, rng, **nodes) -> np.ndarray:
    if par.unit is not None:
        raise ValueError(f"conn_spec {key!r} must be dimensionless, got a parameter in {par.unit}")
    return np.asarray(par.evaluate(n, rng, **nodes), np.float64)


def _distinct(rng, n_rows: int, avail: int, k, dtype) -> np.ndarray:
    """(n_rows, kmax) matrix whose row r starts with k[r] (or k) distinct values of range(avail), a
    uniformly random ordered sample without replacement (with a ragged ``k``, the entries after the
    k[r]-th are of no use).

    Sparse rows (2 kmax <= avail) follow NEST's redraw-on-repeat loop exactly: a stream of uniform
    draws, of which the first k distinct values are kept in the order they first appear. The stream is
    drawn ahead, long enough for nearly every row; a row that falls short draws again. Dense rows take
    the first k of a uniformly random permutation."""
    ragged, avail = np.ndim(k) > 0, int(avail)
    kmax = int(np.max(k)) if ragged else int(k)
    out = np.zeros((n_rows, kmax), dtype)
    if kmax == 0 or n_rows == 0:
        return out
    if 2 * kmax > avail:
        step = max(1, _CHUNK // avail)
        for r0 in range(0, n_rows, step):
            m = np.tile(np.arange(avail, dtype=dtype), (min(n_rows, r0 + step) - r0, 1))
            rng.permuted(m, axis=1, out=m)
            out[r0 : r0 + step] = m[:, :kmax]
        return out
    f = kmax / avail  # draws until kmax distinct: mean -avail ln(1-f), variance avail (f/(1-f) + ln(1-f))
    mean, var = -avail * math.log1p(-f), avail * (f / (1.0 - f) + math.log1p(-f))
    width = int(mean + 6.0 * math.sqrt(max(var, 0.0)) + 8)
    todo = np.arange(n_rows)
    while todo.size:
        step = max(1, _CHUNK // width)
        short = []
        for r0 in range(0, todo.size, step):
            rows = todo[r0 : r0 + step]
            kk = k[rows] if ragged else kmax
            got, ok = _first_distinct(rng, rows.size, avail, width, kk, kmax, dtype)
            if ok.all() and rows[-1] - rows[0] == rows.size - 1:
                out[rows[0] : rows[-1] + 1] = got
            else:
                out[rows[ok]] = got[ok]
                short.append(rows[~ok])
        todo = np.concatenate(short) if short else todo[:0]
        width = 2 * width
    return out


def _first_distinct(rng, n_rows, avail, width, k, kmax, dtype):
    """For ``n_rows`` streams of ``width`` uniform draws from range(avail): the first ``kmax`` distinct
    values of each in order of first appearance, and whether the stream had ``k`` of them."""
    v = rng.integers(0, avail, (n_rows, width), dtype=dtype)
    pbits = max(1, (width - 1).bit_length())
    kdt = np.int32 if pbits + max(1, (avail - 1).bit_length()) <= 31 else np.int64
    keys = v.astype(kdt)
    keys <<= pbits
    keys |= np.arange(width, dtype=kdt)
    keys.sort(axis=1)  # by value, then position
    vals = keys >> pbits
    pos = keys & kdt((1 << pbits) - 1)
    del keys
    pos[:, 1:][vals[:, 1:] == vals[:, :-1]] = width  # later copies of a value
    del vals
    pos.sort(axis=1)  # positions of first appearances, in order, then ``width`` fills
    first = pos[:, :kmax]
    ok = first[:, kmax - 1] < width if np.ndim(k) == 0 else first[np.arange(n_rows), k - 1] < width
    if np.ndim(k):
        ok |= k == 0
    got = np.take_along_axis(v, np.minimum(first, width - 1), axis=1)
    return got, ok


def _bernoulli_cells(rng, n: int, p: float):
    """The cells of range(n) that succeed, each independently with probability p, in increasing
    order, as a sequence of chunks (geometric skipping: the gaps between successes are geometric)."""
    if n == 0 or p <= 0.0:
        return
    if p >= 1.0:
        for c0 in range(0, n, _CHUNK):
            yield np.arange(c0, min(n, c0 + _CHUNK), dtype=np.int64)
        return
    last = -1
    while True:
        rest = (n - 1 - last) * p
        size = int(min(rest + 6.0 * math.sqrt(rest) + 64, _CHUNK))
        c = np.cumsum(rng.geometric(p, size))
        c += last
        cut = int(np.searchsorted(c, n))
        yield c[:cut]
        if cut < size:
            return
        last = int(c[-1])


def _cells_to_pairs(cells, s_ids, t_ids, dt, autapses, counts=None):
    """Source and target ids of the grid cells (target-major: cell = target position * n_pre +
    source position), without autapses when they are not allowed; ``counts`` repeats each."""
    t_at, s_at = np.divmod(cells, s_ids.size)
    s, t = s_ids.astype(dt)[s_at], t_ids.astype(dt)[t_at]
    if not autapses:
        keep = s != t
        s, t = s[keep], t[keep]
        counts = None if counts is None else counts[keep]
    if counts is not None:
        s, t = np.repeat(s, counts), np.repeat(t, counts)
    return s, t


def _all_pairs(s_ids, t_ids, dt, autapses):
    """Every (source, target) pair, target-major, in chunks; without autapses, pairs of equal ids
    are left out."""
    n = s_ids.size * t_ids.size
    for c0 in range(0, n, _CHUNK):
        yield _cells_to_pairs(np.arange(c0, min(n, c0 + _CHUNK), dtype=np.int64), s_ids, t_ids, dt, autapses)


def _joined(parts, dt) -> Connections:
    if not parts:
        return Connections(np.zeros(0, dt), np.zeros(0, dt))
    return Connections(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def _zero_truncated_poisson(rng, lam: float, size: int) -> np.ndarray:
    """Poisson(lam) draws conditioned on >= 1, by inversion of the CDF (lam below ln 2 here)."""
    kmax = int(lam + 12.0 * math.sqrt(lam) + 40)
    ks = np.arange(1, kmax + 1)
    logpmf = -lam + ks * math.log(lam) - np.array([math.lgamma(x + 1.0) for x in ks])
    cdf = np.cumsum(np.exp(logpmf))
    u = rng.random(size) * cdf[-1]
    return 1 + np.minimum(np.searchsorted(cdf, u, side="right"), kmax - 1)
