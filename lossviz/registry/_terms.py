"""How a view evaluates a loss: its arguments as expressions of the view's coordinates.

A curve, a surface, a family of curves over a slider and a Compare entry all do
the same thing: call the loss function (and its gradient) with arguments that
depend on the view's coordinates (``x``, and ``y`` for a surface) and on the
page's parameter values. A :class:`Call` declares that mapping, argument by
argument, with small expressions: :data:`X` and :data:`Y` (the coordinates),
:class:`Par` (a parameter by name), numbers, their affine combinations
(``X + Par("d_neg")``), or a :class:`Build` for a vector such as a row of logits.
Evaluating a call calls the one function of :mod:`lossviz.losses`; the derivative
along a coordinate is the chain rule through the loss's own ``_grad``::

    d loss / d x = Σ_i (∂loss/∂arg_i) · (d arg_i / d x)

summed over the class axis for arguments that carry one. No formula of any loss
is written here.

Hyperparameters broadcast like inputs, so a family of curves over a slider's
values is one call: ``params[name]`` of shape ``(G, 1)`` and ``x`` of shape
``(1, N)`` give ``(G, N)``.

Pure NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Params = Mapping[str, Any]
Coords = Mapping[str, Any]

__all__ = [
    "Affine",
    "Build",
    "Call",
    "Const",
    "Expr",
    "Fns",
    "Par",
    "Sum",
    "Term",
    "Var",
    "X",
    "Y",
    "as_expr",
]


# --------------------------------------------------------------------------- expressions


class Expr:
    """An argument of a loss as a function of the coordinates and the parameters."""

    def value(self, coords: Coords, params: Params) -> Any:
        raise NotImplementedError

    def deriv(self, coords: Coords, params: Params, var: str) -> Any:
        """d value / d coords[var]; 0.0 where it does not depend on it."""
        raise NotImplementedError

    def depends_on(self, var: str) -> bool:
        raise NotImplementedError

    def subs(self, names: Mapping[str, str]) -> Expr:
        """The same expression with coordinates renamed (``{"x": "y"}``)."""
        return self

    # Affine arithmetic: X + 1, 2 * X, -X, X + Par("d_neg").
    def __add__(self, other: Any) -> Expr:
        return Affine.of(self) + other

    def __radd__(self, other: Any) -> Expr:
        return Affine.of(self) + other

    def __sub__(self, other: Any) -> Expr:
        return Affine.of(self) + Affine.of(as_expr(other)) * -1.0

    def __rsub__(self, other: Any) -> Expr:
        return Affine.of(as_expr(other)) + Affine.of(self) * -1.0

    def __mul__(self, c: float) -> Expr:
        return Affine.of(self) * c

    def __rmul__(self, c: float) -> Expr:
        return Affine.of(self) * c

    def __neg__(self) -> Expr:
        return Affine.of(self) * -1.0


@dataclass(frozen=True, eq=False)
class Const(Expr):
    v: float

    def value(self, coords, params):
        return self.v

    def deriv(self, coords, params, var):
        return 0.0

    def depends_on(self, var):
        return False


@dataclass(frozen=True, eq=False)
class Var(Expr):
    """A coordinate of the view: ``"x"`` (a curve's axis, a surface's first) or ``"y"``."""

    name: str

    def value(self, coords, params):
        return coords[self.name]

    def deriv(self, coords, params, var):
        return 1.0 if var == self.name else 0.0

    def depends_on(self, var):
        return var == self.name

    def subs(self, names):
        return Var(names.get(self.name, self.name))


@dataclass(frozen=True, eq=False)
class Par(Expr):
    """A parameter's value by name: a hyperparameter or a scene slider."""

    name: str

    def value(self, coords, params):
        return params[self.name]

    def deriv(self, coords, params, var):
        return 0.0

    def depends_on(self, var):
        return False


@dataclass(frozen=True, eq=False)
class Affine(Expr):
    """Σ c_k · e_k + b."""

    terms: tuple[tuple[float, Expr], ...]
    offset: float = 0.0

    @staticmethod
    def of(e: Expr) -> Affine:
        return e if isinstance(e, Affine) else Affine(((1.0, e),))

    def __add__(self, other):
        if isinstance(other, int | float):
            return Affine(self.terms, self.offset + float(other))
        o = Affine.of(as_expr(other))
        return Affine(self.terms + o.terms, self.offset + o.offset)

    def __radd__(self, other):
        return self + other

    def __mul__(self, c):
        c = float(c)
        return Affine(tuple((c * k, e) for k, e in self.terms), c * self.offset)

    def __rmul__(self, c):
        return self * c

    def value(self, coords, params):
        out: Any = self.offset
        for k, e in self.terms:
            out = out + k * np.asarray(e.value(coords, params), dtype=np.float64)
        return out

    def deriv(self, coords, params, var):
        out: Any = 0.0
        for k, e in self.terms:
            if e.depends_on(var):
                out = out + k * np.asarray(e.deriv(coords, params, var), dtype=np.float64)
        return out

    def depends_on(self, var):
        return any(e.depends_on(var) for _, e in self.terms)

    def subs(self, names):
        return Affine(tuple((k, e.subs(names)) for k, e in self.terms), self.offset)


@dataclass(frozen=True, eq=False)
class Build(Expr):
    """A custom argument, e.g. a row of logits ``[x, z₁, z₂, 0, …]`` or a distribution.

    ``fn(coords, params)`` builds it; ``d(coords, params, var)`` is its derivative
    along ``var`` (broadcastable to it); ``uses`` names the coordinates ``fn`` reads.
    ``rename`` maps those names to the view's coordinates after :meth:`subs`.
    """

    fn: Callable[[Coords, Params], Any]
    d: Callable[[Coords, Params, str], Any] | None = None
    uses: tuple[str, ...] = ("x",)
    rename: tuple[tuple[str, str], ...] = ()

    def _outer(self, name: str) -> str:
        return dict(self.rename).get(name, name)

    def _inner(self, coords: Coords) -> dict:
        inner = dict(coords)
        for u in self.uses:
            if self._outer(u) in coords:
                inner[u] = coords[self._outer(u)]
        return inner

    def value(self, coords, params):
        return self.fn(self._inner(coords), params)

    def deriv(self, coords, params, var):
        names = [u for u in self.uses if self._outer(u) == var]
        if not names:
            return 0.0
        if self.d is None:
            raise ValueError(f"this argument depends on {var} but declares no derivative")
        return self.d(self._inner(coords), params, names[0])

    def depends_on(self, var):
        return any(self._outer(u) == var for u in self.uses)

    def subs(self, names):
        return Build(
            self.fn,
            self.d,
            self.uses,
            tuple((u, names.get(self._outer(u), self._outer(u))) for u in self.uses),
        )


def as_expr(v: Any) -> Expr:
    if isinstance(v, Expr):
        return v
    if isinstance(v, int | float):
        return Const(float(v))
    raise TypeError(f"not an argument expression: {v!r}")


X = Var("x")
Y = Var("y")


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True, slots=True)
class Fns:
    """What a term calls: a loss, its gradient, and the shape of its arguments.

    Attributes:
      fn, grad: the function pair of :mod:`lossviz.losses`.
      wrt: the positional arguments the gradient is taken with respect to, in order.
      class_axis: the positional arguments that carry a class axis last (reduced).
      hyper: the keyword hyperparameters, passed from the parameter values by name.
    """

    fn: Callable
    grad: Callable
    wrt: tuple[int, ...]
    class_axis: tuple[int, ...] = ()
    hyper: tuple[str, ...] = ()


class Term:
    """Something that evaluates to a loss array: a :class:`Call`, or a weighted sum."""

    def loss(self, fns: Fns, coords: Coords, params: Params) -> np.ndarray:
        raise NotImplementedError

    def deriv(self, fns: Fns, coords: Coords, params: Params, var: str) -> np.ndarray:
        raise NotImplementedError

    def subs(self, names: Mapping[str, str]) -> Term:
        raise NotImplementedError

    def coords(self) -> set[str]:
        """The coordinates the term depends on."""
        raise NotImplementedError

    def __add__(self, other: Term) -> Term:
        return Sum((self, other))

    def __mul__(self, c: float) -> Term:
        return Sum((self,), (float(c),))

    def __rmul__(self, c: float) -> Term:
        return Sum((self,), (float(c),))


@dataclass(frozen=True, eq=False)
class Call(Term):
    """``fn(*args, **kwargs)``, every argument an expression.

    ``args`` are the positional arguments in the function's order. Each keyword
    hyperparameter is the page's value ``params[name]`` unless ``kwargs`` gives it
    an expression (e.g. ``{"delta": Y}`` for a surface over (r, δ), or a constant).
    """

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def _kw(self, fns: Fns, coords: Coords, params: Params) -> dict:
        kw = {n: params[n] for n in fns.hyper if n in params}
        for n, e in self.kwargs.items():
            # An expression, a number, or a value passed as it is (focal's alpha=None).
            kw[n] = e.value(coords, params) if isinstance(e, Expr) else e
        return kw

    def _args(self, coords, params) -> list[np.ndarray]:
        return [np.asarray(as_expr(a).value(coords, params), dtype=np.float64) for a in self.args]

    def loss(self, fns, coords, params):
        out = fns.fn(*self._args(coords, params), **self._kw(fns, coords, params))
        return np.asarray(out, dtype=np.float64)

    def deriv(self, fns, coords, params, var):
        for n, e in self.kwargs.items():
            if isinstance(e, Expr) and e.depends_on(var):
                raise ValueError(f"no gradient along {var}: it moves the hyperparameter {n}")
        moving = [i for i, a in enumerate(self.args) if as_expr(a).depends_on(var)]
        outside = [i for i in moving if i not in fns.wrt]
        if outside:
            raise ValueError(
                f"no gradient along {var}: it moves positional argument {outside[0]}, "
                "which the loss's gradient does not cover"
            )
        if not moving:
            return np.zeros_like(self.loss(fns, coords, params))
        g = fns.grad(*self._args(coords, params), **self._kw(fns, coords, params))
        g = g if isinstance(g, tuple) else (g,)
        total: Any = 0.0
        for i in moving:
            gi = np.asarray(g[fns.wrt.index(i)], dtype=np.float64)
            term = gi * np.asarray(as_expr(self.args[i]).deriv(coords, params, var))
            if i in fns.class_axis:
                term = term.sum(axis=-1)
            total = total + term
        return np.asarray(total, dtype=np.float64)

    def subs(self, names):
        return Call(
            tuple(as_expr(a).subs(names) for a in self.args),
            {n: e.subs(names) if isinstance(e, Expr) else e for n, e in self.kwargs.items()},
        )

    def coords(self):
        exprs = [as_expr(a) for a in self.args]
        exprs += [e for e in self.kwargs.values() if isinstance(e, Expr)]
        return {v for v in ("x", "y") if any(e.depends_on(v) for e in exprs)}


@dataclass(frozen=True, eq=False)
class Sum(Term):
    """Σ w_k · term_k: a one-vs-all sum, or the mean loss of two outputs."""

    terms: tuple[Term, ...]
    weights: tuple[float, ...] = ()

    def _pairs(self):
        return zip(self.weights or (1.0,) * len(self.terms), self.terms, strict=True)

    def loss(self, fns, coords, params):
        return np.asarray(sum(w * t.loss(fns, coords, params) for w, t in self._pairs()))

    def deriv(self, fns, coords, params, var):
        return np.asarray(sum(w * t.deriv(fns, coords, params, var) for w, t in self._pairs()))

    def subs(self, names):
        return Sum(tuple(t.subs(names) for t in self.terms), self.weights)

    def coords(self):
        return set().union(*(t.coords() for t in self.terms))
