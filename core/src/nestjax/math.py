"""NEST's mathematical functions of parameters (``nest.math``)."""

from __future__ import annotations

import numpy as np

from .parameters import Parameter, _Bound, _Function, _Redraw

__all__ = ["cos", "exp", "max", "min", "redraw", "sin"]


def exp(parameter) -> Parameter:
    """The exponential of a dimensionless parameter."""
    return _Function(np.exp, parameter)


def sin(parameter) -> Parameter:
    """The sine of a dimensionless parameter."""
    return _Function(np.sin, parameter)


def cos(parameter) -> Parameter:
    """The cosine of a dimensionless parameter."""
    return _Function(np.cos, parameter)


def min(parameter, value) -> Parameter:
    """The smaller of the parameter's value and ``value`` (same dimension)."""
    return _Bound(np.minimum, parameter, value)


def max(parameter, value) -> Parameter:
    """The larger of the parameter's value and ``value`` (same dimension)."""
    return _Bound(np.maximum, parameter, value)


def redraw(parameter, min, max) -> Parameter:
    """The parameter's value, drawn again while outside [min, max] (both included); more than
    1000 draws for one value is an error, as in NEST."""
    return _Redraw(parameter, min, max)
