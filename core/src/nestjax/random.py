"""NEST's random parameters (``nest.random``): one value per node or connection where used.

``uniform(-70 * u.mV, -55 * u.mV)`` carries a unit; ``uniform(-70.0, -55.0)`` is in NEST's unit of
the parameter it is given to. See :mod:`nestjax.parameters` for evaluation, seeding and units.
"""

from __future__ import annotations

from .parameters import Exponential, Lognormal, Normal, Parameter, Uniform, UniformInt

__all__ = ["exponential", "lognormal", "normal", "uniform", "uniform_int"]


def uniform(min=0.0, max=1.0) -> Parameter:
    """Values distributed uniformly in [min, max)."""
    return Uniform(min, max)


def uniform_int(max) -> Parameter:
    """Whole numbers distributed uniformly in [0, max)."""
    return UniformInt(max)


def normal(mean=0.0, std=1.0) -> Parameter:
    """Values from a normal distribution with ``mean`` and standard deviation ``std``."""
    return Normal(mean, std)


def lognormal(mean=0.0, std=1.0) -> Parameter:
    """Values from a log-normal distribution; ``mean`` and ``std`` are those of the underlying
    normal distribution (dimensionless)."""
    return Lognormal(mean, std)


def exponential(beta=1.0) -> Parameter:
    """Values from an exponential distribution with scale ``beta``."""
    return Exponential(beta)
