"""NEST's parameters: random draws and arithmetic on them, evaluated once per create/connect/set.

Follows NEST 3.10 ``nestkernel/parameter.{h,cpp}`` and PyNEST's ``Parameter`` class
(``pynest/nest/lib/hl_api_types.py``): ``nestjax.random.uniform(-70.0, -55.0)`` is a recipe, not a
value; where it is given as a node parameter (``create``, ``set``) it gives one value per node, and as
a synapse parameter (``syn_spec`` weight, delay, ...) one value per connection.

Evaluation is vectorised: ``evaluate(n, rng)`` draws all ``n`` values at once from a NumPy Generator
(the Simulator derives one per call from its seed, so the same seed and the same sequence of calls
give the same network). NEST evaluates element by element; the values follow the same
distributions, not NEST's random streams (those cannot be reproduced). Both branches of a
``conditional`` are drawn for every element and one is chosen per element, as NEST's choice of branch.

Units: a parameter built from quantities carries their unit (``uniform(-70 * u.mV, -55 * u.mV)``,
``normal(0, 1) * 5 * u.pA``) and is dimension-checked where it is used; one built from bare numbers
is in NEST's unit of whatever it is given to, as a bare number is. ``+``, ``-``, comparisons,
``min``, ``max``, ``redraw`` and the branches of ``conditional`` need matching dimensions (a bare
number counts as dimensionless); ``*``, ``/`` and ``**`` combine units; ``exp``, ``sin``, ``cos``
need a dimensionless argument.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from typing import Any

import brainunit as u
import numpy as np

from .model import BadProperty
from .units import UnitMismatch

MAX_REDRAWS = 1000  # RedrawParameter::max_redraws_


@dataclass(frozen=True)
class Context:
    """What an evaluation sees: how many values, the random generator, and (where known) the node
    ids each value is for (``nodes`` for create/set; ``sources``/``targets`` for connections), so
    that parameter types of plugins (e.g. spatial ones) can depend on the nodes."""

    n: int
    rng: np.random.Generator
    nodes: np.ndarray | None = None
    sources: np.ndarray | None = None
    targets: np.ndarray | None = None

    def subset(self, mask: np.ndarray) -> Context:
        """The context of the elements selected by ``mask`` (for redraws)."""
        keys = [k for k in ("nodes", "sources", "targets") if getattr(self, k) is not None]
        return replace(self, n=int(np.count_nonzero(mask)), **{k: getattr(self, k)[mask] for k in keys})


def _dim(unit):
    return u.get_dim(unit) if unit is not None else u.get_dim(1.0)


def _unit_name(unit) -> str:
    return str(unit) if unit is not None else "a dimensionless number"


def _normal_unit(unit) -> tuple[Any, float]:
    """(unit, factor): a dimensionless unit becomes None (bare numbers) with its scale as factor."""
    if unit is None:
        return None, 1.0
    if _dim(unit) == u.get_dim(1.0):
        return None, float(u.Quantity(1.0, unit=unit).to_decimal())
    return unit, 1.0


def _scalar(value, what: str) -> tuple[float, Any]:
    """A scalar number or quantity as (number, unit or None)."""
    if isinstance(value, u.Quantity):
        unit, factor = _normal_unit(value.unit)
        mant = np.asarray(value.mantissa)
        if mant.ndim != 0:
            raise TypeError(f"{what} must be a single number or quantity, got {value}")
        return float(mant) * factor, unit
    if isinstance(value, u.Unit):
        return _scalar(u.Quantity(1.0, unit=value), what)
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return float(value), None
    raise TypeError(f"{what} must be a number or a quantity, got {value!r}")


def _in_unit(value, unit, what: str) -> float:
    """A scalar number or quantity in ``unit`` (None: dimensionless), dimension-checked."""
    x, xu = _scalar(value, what)
    if _dim(xu) != _dim(unit):
        raise UnitMismatch(f"{what} must have the dimension of {_unit_name(unit)}, got {value}")
    return x if unit is None else float(u.Quantity(x, unit=xu).to_decimal(unit))


def _common_unit(values: dict[str, Any]):
    """The unit of the first quantity among scalar arguments (None if all are bare numbers)."""
    for v in values.values():
        if isinstance(v, (u.Quantity, u.Unit)):
            return _scalar(v, "argument")[1]
    return None


def _same_dimension(values: dict[str, Any], func: str) -> tuple[dict[str, float], Any]:
    """Arguments of a distribution in one unit. A bare zero fits any unit (e.g. the default
    ``min=0`` of ``uniform(max=5 * u.mV)``); other bare numbers with quantities are refused."""
    unit = _common_unit(values)
    out = {}
    for k, v in values.items():
        if unit is not None and not isinstance(v, (u.Quantity, u.Unit)) and _scalar(v, k)[0] == 0.0:
            out[k] = 0.0
        else:
            out[k] = _in_unit(v, unit, f"{func}: {k}")
    return out, unit


class Parameter:
    """A NEST parameter: values drawn when the parameter is used, one per node or connection.

    Build parameters with :mod:`nestjax.random`, :mod:`nestjax.math`, :mod:`nestjax.logic` and
    arithmetic (``+ - * / **``, unary ``-``; comparisons give conditions that are 1.0 or 0.0).
    ``unit`` is the unit of the values (None: bare numbers, in NEST's unit of where they go);
    ``returns_int_only`` as NEST's: whether every value is a whole number.
    """

    __array_ufunc__ = None  # NumPy scalars and arrays defer to our reflected operators
    __array_priority__ = 1000

    unit: Any = None
    returns_int_only: bool = False

    # ------------------------------------------------------------ evaluation
    def _draw(self, ctx: Context) -> np.ndarray:
        """``ctx.n`` values (float64) in ``self.unit``."""
        raise NotImplementedError

    def evaluate(self, n: int, rng: np.random.Generator | None = None, **nodes) -> Any:
        """``n`` values: a float array, or a quantity array where the parameter has a unit.
        ``nodes``: optional ``nodes=``, ``sources=``, ``targets=`` id arrays (see :class:`Context`)."""
        rng = np.random.default_rng() if rng is None else rng
        vals = np.asarray(self._draw(Context(int(n), rng, **nodes)), dtype=np.float64).reshape(-1)
        return vals if self.unit is None else u.Quantity(vals, unit=self.unit)

    def GetValue(self, rng: np.random.Generator | None = None):
        """One value, as NEST's ``Parameter.GetValue()`` (a fresh generator unless ``rng`` is given)."""
        v = self.evaluate(1, rng)
        return float(v[0]) if self.unit is None else v[0]

    def is_spatial(self) -> bool:
        return False

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other):
        a, b, unit = _aligned(self, other, "add")
        return _Binary(np.add, a, b, unit, a.returns_int_only and b.returns_int_only)

    def __radd__(self, lhs):
        return self + lhs

    def __sub__(self, other):
        a, b, unit = _aligned(self, other, "subtract")
        return _Binary(np.subtract, a, b, unit, a.returns_int_only and b.returns_int_only)

    def __rsub__(self, lhs):
        return self * (-1) + lhs  # as PyNEST

    def __pos__(self):
        return self

    def __neg__(self):
        return self * (-1)

    def __mul__(self, other):
        other = as_parameter(other)
        if other is NotImplemented:
            return NotImplemented
        both_int = self.returns_int_only and other.returns_int_only
        unit = _product_unit(self.unit, other.unit, 1)
        return _scaled(_Binary(np.multiply, self, other, None, both_int), unit)

    def __rmul__(self, lhs):
        return self * lhs

    def __truediv__(self, other):
        other = as_parameter(other)
        if other is NotImplemented:
            return NotImplemented
        both_int = self.returns_int_only and other.returns_int_only
        unit = _product_unit(self.unit, other.unit, -1)
        return _scaled(_Binary(np.divide, self, other, None, both_int), unit)

    def __rtruediv__(self, lhs):
        return self**-1 * lhs  # as PyNEST

    def __pow__(self, exponent):
        e, eu = _scalar(exponent, "exponent")
        if eu is not None:
            raise UnitMismatch(f"an exponent must be dimensionless, got {exponent}")
        unit = None if self.unit is None else self.unit**e
        return _scaled(_Pow(self, e), unit)

    def _compare(self, other, op, symbol):
        other = as_parameter(other)
        if other is NotImplemented:
            return NotImplemented
        a, b, _ = _aligned(self, other, f"compare ({symbol})")
        return _Binary(op, a, b, None, True)

    def __lt__(self, other):
        return self._compare(other, np.less, "<")

    def __le__(self, other):
        return self._compare(other, np.less_equal, "<=")

    def __eq__(self, other):
        return self._compare(other, np.equal, "==")

    def __ne__(self, other):
        return self._compare(other, np.not_equal, "!=")

    def __ge__(self, other):
        return self._compare(other, np.greater_equal, ">=")

    def __gt__(self, other):
        return self._compare(other, np.greater, ">")

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError(
            "a Parameter has no truth value (its values are drawn where it is used); "
            "use nestjax.logic.conditional(condition, if_true, if_false)"
        )

    def __repr__(self) -> str:
        unit = f", unit={self.unit}" if self.unit is not None else ""
        return f"{type(self).__name__.lstrip('_')}({self._describe()}{unit})"

    def _describe(self) -> str:
        return ""


def as_parameter(value):
    """A Parameter for a Parameter, a scalar number or quantity (NEST's ``_arg_as_parameter``);
    NotImplemented for anything else."""
    value = unwrap(value)
    if isinstance(value, Parameter):
        return value
    try:
        x, unit = _scalar(value, "operand")
    except TypeError:
        return NotImplemented
    return Constant(x, unit)


def unwrap(value):
    """``quantity * parameter`` with the quantity on the left gives a brainunit Quantity whose
    mantissa is a Parameter: turn it into a Parameter with that unit. Anything else unchanged."""
    if isinstance(value, u.Quantity) and isinstance(value.mantissa, Parameter):
        return value.mantissa * Constant(1.0, value.unit)
    return value


def is_parameter(value) -> bool:
    return isinstance(unwrap(value), Parameter)


def _aligned(a: Parameter, other, what: str):
    """(a, b, unit) with b converted to a's unit; dimensions must match."""
    b = as_parameter(other)
    if b is NotImplemented:
        raise TypeError(f"cannot {what} a Parameter and {type(other).__name__}")
    if _dim(a.unit) != _dim(b.unit):
        raise UnitMismatch(
            f"cannot {what} {_unit_name(a.unit)} and {_unit_name(b.unit)}: the dimensions differ"
        )
    if a.unit is not None and b.unit != a.unit:
        factor = float(u.Quantity(1.0, unit=b.unit).to_decimal(a.unit))
        if factor != 1.0:
            b = _Binary(np.multiply, b, Constant(factor), None, False)
    return a, b, a.unit


def _product_unit(ua, ub, sign: int):
    if ub is None:
        return ua
    if ua is None:
        return ub if sign > 0 else ub**-1
    return ua * ub if sign > 0 else ua / ub


def _scaled(p: Parameter, unit) -> Parameter:
    """``p`` with ``unit``; a dimensionless unit (e.g. mV/V) is folded into the values."""
    unit, factor = _normal_unit(unit)
    if factor != 1.0:
        p = _Binary(np.multiply, p, Constant(factor), None, False)
    p.unit = unit
    return p


# ------------------------------------------------------------------- kinds
class Constant(Parameter):
    """NEST's ``constant``: the same value everywhere."""

    def __init__(self, value: float, unit=None):
        self.value = float(value)
        self.unit = unit
        self.returns_int_only = float(self.value).is_integer()

    def _draw(self, ctx):
        return np.full(ctx.n, self.value)

    def _describe(self):
        return repr(self.value)


class Uniform(Parameter):
    """NEST's ``uniform``: values in [min, max)."""

    def __init__(self, min=0.0, max=1.0):
        v, self.unit = _same_dimension({"min": min, "max": max}, "uniform")
        self.lo, self.hi = v["min"], v["max"]
        if not self.lo < self.hi:
            raise BadProperty("nest::UniformParameter: min < max required.")

    def _draw(self, ctx):
        return self.lo + ctx.rng.random(ctx.n) * (self.hi - self.lo)

    def _describe(self):
        return f"min={self.lo}, max={self.hi}"


class UniformInt(Parameter):
    """NEST's ``uniform_int``: whole numbers in [0, max)."""

    returns_int_only = True

    def __init__(self, max):
        m = _in_unit(max, None, "uniform_int: max")
        if not float(m).is_integer() or m <= 0:
            raise BadProperty(f"nest::UniformIntParameter: max > 0 required (an integer), got {max!r}.")
        self.max = int(m)

    def _draw(self, ctx):
        return ctx.rng.integers(0, self.max, ctx.n).astype(np.float64)

    def _describe(self):
        return f"max={self.max}"


class Normal(Parameter):
    """NEST's ``normal``: mean and standard deviation (> 0, as NEST 3.10 requires)."""

    def __init__(self, mean=0.0, std=1.0):
        v, self.unit = _same_dimension({"mean": mean, "std": std}, "normal")
        self.mean, self.std = v["mean"], v["std"]
        if not self.std > 0:
            raise BadProperty("nest::NormalParameter: std > 0 required.")

    def _draw(self, ctx):
        return self.mean + self.std * ctx.rng.standard_normal(ctx.n)

    def _describe(self):
        return f"mean={self.mean}, std={self.std}"


class Lognormal(Parameter):
    """NEST's ``lognormal``: exp of a normal with ``mean`` and ``std`` (of the logarithm, so both
    dimensionless; give the values a unit by multiplying, ``lognormal(0, 1) * u.pA``)."""

    def __init__(self, mean=0.0, std=1.0):
        self.mean = _in_unit(mean, None, "lognormal: mean (of the logarithm)")
        self.std = _in_unit(std, None, "lognormal: std (of the logarithm)")
        if not self.std > 0:
            raise BadProperty("nest::LognormalParameter: std > 0 required.")

    def _draw(self, ctx):
        return np.exp(self.mean + self.std * ctx.rng.standard_normal(ctx.n))

    def _describe(self):
        return f"mean={self.mean}, std={self.std}"


class Exponential(Parameter):
    """NEST's ``exponential``: ``beta * -log(1 - U)``, scale ``beta`` >= 0 (NEST 3.10 accepts a
    negative beta and draws negative values; later NEST versions refuse it, as we do)."""

    def __init__(self, beta=1.0):
        self.beta, self.unit = _scalar(beta, "exponential: beta")
        if self.beta < 0:
            raise BadProperty("nest::ExponentialParameter: beta >= 0 required.")

    def _draw(self, ctx):
        return self.beta * -np.log1p(-ctx.rng.random(ctx.n))

    def _describe(self):
        return f"beta={self.beta}"


class _Binary(Parameter):
    def __init__(self, op, a: Parameter, b: Parameter, unit, int_only: bool):
        self.op, self.a, self.b, self.unit, self.returns_int_only = op, a, b, unit, int_only

    def _draw(self, ctx):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self.op(self.a._draw(ctx), self.b._draw(ctx)).astype(np.float64)

    def _describe(self):
        return f"{self.op.__name__}, {self.a!r}, {self.b!r}"


class _Pow(Parameter):
    def __init__(self, p: Parameter, exponent: float):
        self.p, self.exponent, self.returns_int_only = p, exponent, p.returns_int_only

    def _draw(self, ctx):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.power(self.p._draw(ctx), self.exponent)

    def _describe(self):
        return f"{self.p!r} ** {self.exponent}"


class _Function(Parameter):
    """``exp``, ``sin``, ``cos`` of a dimensionless parameter."""

    def __init__(self, fn, p):
        p = as_parameter(p)
        if p is NotImplemented:
            raise TypeError(f"{fn.__name__} takes a Parameter or a number")
        if p.unit is not None:
            raise UnitMismatch(f"{fn.__name__} needs a dimensionless argument, got a parameter in {p.unit}")
        self.fn, self.p = fn, p

    def _draw(self, ctx):
        with np.errstate(over="ignore", invalid="ignore"):
            return self.fn(self.p._draw(ctx))

    def _describe(self):
        return f"{self.fn.__name__}, {self.p!r}"


class _Bound(Parameter):
    """``min(p, value)`` / ``max(p, value)``."""

    def __init__(self, fn, p, value):
        p = _need_parameter(p, fn.__name__)
        self.fn, self.p, self.unit = fn, p, p.unit
        self.value = _in_unit(value, p.unit, f"{fn.__name__}: value")
        self.returns_int_only = p.returns_int_only and float(self.value).is_integer()

    def _draw(self, ctx):
        return self.fn(self.p._draw(ctx), self.value)

    def _describe(self):
        return f"{self.fn.__name__}, {self.p!r}, {self.value}"


class _Redraw(Parameter):
    """Values of ``p`` drawn again where outside [min, max], at most 1000 draws per value."""

    def __init__(self, p, min, max):
        p = _need_parameter(p, "redraw")
        self.p, self.unit = p, p.unit
        self.lo = _in_unit(min, p.unit, "redraw: min")
        self.hi = _in_unit(max, p.unit, "redraw: max")
        if self.lo > self.hi:
            raise BadProperty("min <= max required.")

    def _draw(self, ctx):
        vals = np.asarray(self.p._draw(ctx), dtype=np.float64)
        bad = (vals < self.lo) | (vals > self.hi)
        draws = 1
        while bad.any():
            if draws == MAX_REDRAWS:
                raise ValueError(f"Number of redraws exceeded limit of {MAX_REDRAWS}")
            vals[bad] = self.p._draw(ctx.subset(bad))
            bad[bad] = (vals[bad] < self.lo) | (vals[bad] > self.hi)
            draws += 1
        return vals

    def _describe(self):
        return f"{self.p!r}, min={self.lo}, max={self.hi}"


class _Conditional(Parameter):
    def __init__(self, condition, if_true, if_false):
        self.cond = _need_parameter(condition, "conditional: condition")
        t = as_parameter(if_true)
        if t is NotImplemented:
            raise TypeError(f"conditional: if_true must be a Parameter, number or quantity, got {if_true!r}")
        self.t, self.f, self.unit = _aligned(t, if_false, "choose between")
        self.returns_int_only = self.t.returns_int_only and self.f.returns_int_only

    def _draw(self, ctx):
        return np.where(self.cond._draw(ctx) != 0, self.t._draw(ctx), self.f._draw(ctx))

    def _describe(self):
        return f"{self.cond!r}, {self.t!r}, {self.f!r}"


def _need_parameter(p, what: str) -> Parameter:
    p = unwrap(p)
    if not isinstance(p, Parameter):
        raise TypeError(f"{what} takes a Parameter, got {type(p).__name__}")
    return p


# ------------------------------------------------------------- resolving
def resolve(values: dict[str, Any], n: int, rng_factory, **nodes) -> dict[str, Any]:
    """``values`` with every Parameter replaced by its ``n`` drawn values (array or quantity).
    ``rng_factory()`` gives the generator; it is called only if some value is a Parameter."""
    if not any(is_parameter(v) for v in values.values()):
        return values
    rng = rng_factory()
    return {k: unwrap(v).evaluate(n, rng, **nodes) if is_parameter(v) else v for k, v in values.items()}
