"""NEST's logic on parameters (``nest.logic``)."""

from __future__ import annotations

from .parameters import Parameter, _Conditional

__all__ = ["conditional"]


def conditional(condition, param_if_true, param_if_false) -> Parameter:
    """Per value, ``param_if_true`` where ``condition`` is non-zero (e.g. ``p < 0``), else
    ``param_if_false``; the branches are parameters, numbers or quantities of one dimension."""
    return _Conditional(condition, param_if_true, param_if_false)
