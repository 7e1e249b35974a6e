"""NodeView: an ordered set of node ids of one Simulator, as NEST's NodeCollection.

Follows PyNEST's ``NodeCollection`` (``pynest/nest/lib/hl_api_types.py``) and NEST 3.10's
``nestkernel/node_collection.cpp``. NEST keeps a collection as one *primitive* (a contiguous range of
one model), a *composite* (several primitives, sorted by id) or a *sliced composite* (a composite or
primitive sliced with a step, or a composite sliced at all); which operations it allows depends on
that structure, so a view remembers whether it is a sliced composite (``_sliced``) and derives the
rest from its ids:

- ``a + b`` joins into a sorted collection; overlapping views and sliced composites cannot be joined;
  ``view + 0`` and ``0 + view`` give the view (so ``sum(views, 0)`` works);
- ``v[start:stop:step]`` with a positive step; start and stop outside the view are errors (no
  clipping), an empty slice is an error; a sliced composite can only be sliced to one node;
- ``v[i]``, ``v[-1]``; ``v[[1, 3]]``, ``v[np.array([...])]`` with ascending, unique, non-negative
  positions; ``v[mask]`` with one bool per node;
- ``id in v``, ``len(v)``, iteration (one-node views), ``==`` (same Simulator, same ids),
  ``tolist()``, ``index(id)``; ``get``/``set`` and attribute access (``v.V_m``, ``v.V_m = -60.0``).

Where NEST 3.10 returns wrong ids we refuse instead, as NEST's own rules intend (each case is
tested against live NEST in ``core/tests/test_nodeview.py``):
``primitive + sliced composite`` (NEST silently drops the slicing), ``v[:0]`` (NEST gives the whole
collection; other empty slices are errors there too), joining a view that lies inside another
(NEST misses this overlap and repeats ids), negative positions in a NumPy index array (NEST reads
them as huge unsigned positions and returns a node outside the collection, or fails).
``==`` compares ids, where NEST compares structure (NEST 3.10 finds ``a[::2] == a[1::2]``).

``NodeView(sim, gids)`` itself takes any ids (internal code builds views of connection sources,
with repeats); the operations above apply NEST's rules.
"""

from __future__ import annotations

import numbers

import numpy as np

from .network.connections import set_groups, stack_values

_OWN = ("sim", "gids", "_sliced")


class NodeView:
    """Node ids (1-based, as NEST's) of one Simulator; slicing and ``+`` give new views."""

    def __init__(self, sim, gids, _sliced: bool = False):
        object.__setattr__(self, "sim", sim)
        object.__setattr__(self, "gids", np.asarray(gids, dtype=np.int64).reshape(-1))
        object.__setattr__(self, "_sliced", bool(_sliced))

    # --------------------------------------------------------- structure
    def _model_ids(self, gids: np.ndarray) -> np.ndarray:
        """A number per node that is equal for nodes of the same model (NEST's model id)."""
        pops = self.sim._pops
        first = {}
        of_pop = np.array([first.setdefault(p.model, i) for i, p in enumerate(pops)], dtype=np.int64)
        return of_pop[np.searchsorted(self.sim._first, gids, side="right") - 1]

    def _one_part(self, gids: np.ndarray) -> bool:
        """Whether ids form one NEST primitive: contiguous and of one model."""
        if gids.size <= 1:
            return True
        m = self._model_ids(gids)
        return bool(np.all(np.diff(gids) == 1) and np.all(m == m[0]))

    @property
    def _primitive(self) -> bool:
        return len(self) > 0 and not self._sliced and self._one_part(self.gids)

    def _new(self, gids, sliced: bool = False) -> NodeView:
        return NodeView(self.sim, gids, sliced)

    # --------------------------------------------------------- container
    def __len__(self) -> int:
        return self.gids.size

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        return (self._new([g]) for g in self.gids)

    def __array__(self, dtype=None, copy=None):
        return np.array(self.gids, dtype=dtype)

    def __contains__(self, gid) -> bool:
        if isinstance(gid, NodeView):
            return len(gid) == 1 and bool(np.any(self.gids == gid.gids[0]))
        return bool(np.any(self.gids == int(gid)))

    def __eq__(self, other) -> bool:
        if not isinstance(other, NodeView):
            return NotImplemented
        return other.sim is self.sim and np.array_equal(self.gids, other.gids)

    def __hash__(self):
        return hash((id(self.sim), self.gids.tobytes()))

    def tolist(self) -> list[int]:
        return self.gids.tolist()

    def index(self, gid) -> int:
        """Position of node ``gid`` in the view."""
        at = np.nonzero(self.gids == int(gid))[0]
        if at.size == 0:
            raise ValueError(f"{gid} is not in NodeView")
        return int(at[0])

    # ------------------------------------------------------------- join
    def __add__(self, other) -> NodeView:
        if not isinstance(other, NodeView):
            if isinstance(other, numbers.Number) and other == 0:
                other = self._new([])
            else:
                raise TypeError(f"Cannot add object of type '{type(other).__name__}' to 'NodeView'")
        if other.sim is not self.sim:
            raise TypeError("can only add NodeViews of the same Simulator")
        if len(other) == 0:
            return self._new(self.gids, self._sliced)
        if len(self) == 0:
            return self._new(other.gids, other._sliced)
        if self._sliced or other._sliced:
            raise ValueError(
                "Cannot add NodeView to a sliced composite (a view sliced with a step, "
                "or a slice across models or gaps); join first, then slice."
            )
        if np.intersect1d(self.gids, other.gids).size:
            raise ValueError("Cannot join overlapping NodeViews.")
        return self._new(np.union1d(self.gids, other.gids))

    def __radd__(self, other) -> NodeView:
        return self + other

    # ----------------------------------------------------------- indexing
    def __getitem__(self, key) -> NodeView:
        if isinstance(key, slice):
            return self._slice(key)
        if isinstance(key, (int, np.integer)):
            n = len(self)
            if abs(key + (key >= 0)) > n:
                raise IndexError(f"index {key} outside of the NodeView of {n} nodes")
            return self._new([self.gids[key]])
        if isinstance(key, (list, tuple)):
            if len(key) == 0:
                return self._new([])
            if all(isinstance(x, (bool, np.bool_)) for x in key):
                return self._take(np.array(key, dtype=bool))
            if all(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) for x in key):
                return self._take(np.array(key, dtype=np.int64))
            raise TypeError("Indices must be integers or bools")
        if isinstance(key, np.ndarray):
            if key.size == 0 and key.ndim == 1:
                return self._new([])
            if key.ndim != 1:
                raise TypeError("NumPy indices must be one-dimensional")
            if not (np.issubdtype(key.dtype, np.bool_) or np.issubdtype(key.dtype, np.integer)):
                raise TypeError("NumPy indices must be an array of integers or bools")
            return self._take(key)
        raise IndexError("only integers, slices, lists, tuples, and numpy arrays are valid indices")

    def _slice(self, key: slice) -> NodeView:
        n = len(self)
        for v in (key.start, key.stop, key.step):
            if v is not None and not isinstance(v, (int, np.integer)):
                raise TypeError(f"slice indices must be integers, got {v!r}")
        # PyNEST's checks: no clipping at either end
        if key.start is not None and abs(key.start + 1 if key.start >= 0 else key.start) > n:
            raise IndexError("slice start value outside of the NodeView")
        if key.stop is not None and abs(key.stop if key.stop > 0 else key.stop - 1) > n:
            raise IndexError("slice stop value outside of the NodeView")
        step = 1 if key.step is None else int(key.step)
        if step < 1:
            raise IndexError("slicing step for NodeView must be strictly positive")
        start = 0 if key.start is None else key.start + (n if key.start < 0 else 0)
        stop = n if key.stop is None else key.stop + (n if key.stop < 0 else 0)
        if not start < stop:
            raise ValueError(
                f"start < stop required: the slice [{key.start}:{key.stop}] of a NodeView "
                f"of {n} nodes would be empty"
            )
        gids = self.gids[start:stop:step]
        if self._primitive:
            return self._new(gids, step > 1)
        if self._sliced and gids.size > 1:
            raise ValueError("Cannot slice a sliced composite NodeView to more than one node.")
        return self._new(gids, not (step == 1 and self._one_part(gids)))

    def _take(self, key: np.ndarray) -> NodeView:
        n = len(self)
        if key.dtype == bool:
            if key.size != n:
                raise IndexError("Bool index array must be the same length as NodeView")
            return self._new(self.gids[key])
        if np.unique(key).size != key.size:
            raise ValueError("All node IDs in a NodeView have to be unique")
        if key.min() < 0:
            raise IndexError("index arrays take positions 0 .. len-1 (no negative positions)")
        if key.max() >= n:
            raise IndexError(f"pos {int(key.max())} points outside of the NodeView")
        gids = self.gids[key]
        if np.any(np.diff(gids) <= 0):
            raise ValueError("Indices must be sorted in ascending order")
        return self._new(gids)

    # ------------------------------------------------------------ get/set
    def get(self, *names, output: str | None = None):
        """Parameter or state values, as ``NodeCollection.get``: one name gives one value per
        node (a scalar for one node), several names or a list of names give a dict, no names
        every parameter. Values with a unit come as quantities in NEST's unit.
        ``output="pandas"``: a DataFrame of numbers in NEST's units indexed by node id (for a
        recorder's ``"events"``: one row per event, NEST's keys as columns)."""
        if output not in (None, "", "pandas"):
            raise ValueError(f"output must be None or 'pandas', got {output!r}")
        if len(self) == 0:
            raise ValueError("Cannot get parameter of empty NodeView")
        as_dict = len(names) == 1 and isinstance(names[0], (list, tuple))
        flat = tuple(names[0]) if as_dict else names
        if not all(isinstance(x, str) for x in flat):
            raise TypeError("parameter names must be strings, or one list of strings")
        result = self.sim._get(self, flat)
        if as_dict and len(flat) == 1:
            result = {flat[0]: result}
        if output == "pandas" and names == ("events",) and len(self) == 1:  # a row per event
            from .result import events_frame

            return events_frame(result)
        if output != "pandas":
            return result
        import pandas as pd

        table = result if isinstance(result, dict) else {flat[0]: result}
        cols = {k: _numbers(v, len(self)) for k, v in table.items()}
        return pd.DataFrame(cols, index=pd.Index(self.gids, name="global_id"))

    def set(self, params=None, **kwargs) -> None:
        """Set parameters or state, as ``NodeCollection.set``: a dict (or keywords) of single values,
        one value per node or Parameters (drawn per node); or a list of dicts, one per node (a
        list of one dict applies to all). Checked as a whole before anything changes."""
        if len(self) == 0:
            return
        for at, cols in set_groups(params, kwargs, len(self), "nodes"):
            view = self if at is None else self._new(self.gids[at])
            self.sim._set(view, {k: stack_values(v) for k, v in cols.items()})

    def __getattr__(self, name: str):
        if name.startswith("_") or name in _OWN:  # (not yet set while copying or unpickling)
            raise AttributeError(name)
        if len(self) == 0:
            raise AttributeError("Cannot get attribute of empty NodeView")
        try:
            return self.get(name)
        except ValueError as e:
            raise AttributeError(str(e)) from None

    def __setattr__(self, name: str, value) -> None:
        if name in _OWN:
            object.__setattr__(self, name, value)
        elif name.startswith("_"):
            raise AttributeError(f"cannot set {name!r} on a NodeView")
        else:
            self.set({name: value})

    def __repr__(self) -> str:
        if len(self) == 0:
            return "NodeView(<empty>)"
        g = self.gids
        m = self._model_ids(g)
        cut = np.nonzero(np.diff(m) != 0)[0] + 1  # runs of one model; each shown with its step
        parts = []
        for s, e in zip(np.r_[0, cut], np.r_[cut, g.size], strict=True):
            run, d = g[s:e], np.diff(g[s:e])
            pieces = [run] if d.size == 0 or np.all(d == d[0]) else np.split(run, np.nonzero(d != 1)[0] + 1)
            for p in pieces:
                step = int(p[1] - p[0]) if p.size > 1 else 1
                parts.append(
                    f"model={self.sim._pop_of(int(p[0])).model.name}, size={p.size}, first={p[0]}"
                    + (f", last={p[-1]}" if p.size > 1 else "")
                    + (f", step={step}" if step != 1 else "")
                )
        more = f"; ... ({len(parts) - 10} more parts)" if len(parts) > 10 else ""
        return f"NodeView({'; '.join(parts[:10])}{more})"


def _numbers(v, n: int):
    """Values of one column for a DataFrame: numbers in NEST's units, one per node."""
    import brainunit as u

    if isinstance(v, u.Quantity):
        v = np.asarray(v.mantissa)
    if isinstance(v, list):  # vector parameters: one array per node
        v = [np.asarray(x.mantissa) if isinstance(x, u.Quantity) else x for x in v]
    if n == 1:
        return [v]
    return list(v) if isinstance(v, (list, tuple)) else np.asarray(v)
