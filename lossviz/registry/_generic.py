"""Any spec to its views: curves, the gradient along x, surfaces, families, markers.

Every function takes a :class:`LossSpec`, the parameter values (hyperparameters
and scene sliders by name, as :func:`defaults` gives them) and the coordinates,
and returns float64 arrays computed by the loss's own function pair.

Pure NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._types import Axis, Branch, LossSpec

Params = Mapping[str, Any]


def defaults(spec: LossSpec) -> dict[str, Any]:
    """Default values of the hyperparameters and of the curve's scene sliders, by name."""
    return {p.name: p.default for p in spec.sliders}


def hyper(spec: LossSpec, params: Params) -> dict[str, Any]:
    """The keyword arguments for ``spec.fn`` out of values that may also hold scene values.

    Missing hyperparameters take their defaults; focal ``alpha`` may be None.
    """
    return {p.name: params.get(p.name, p.default) for p in spec.params}


def kwargs(spec: LossSpec, params: Params) -> dict[str, Any]:
    """Checked keyword arguments for ``spec.fn``: the declared hyperparameters, defaults filled in.

    The one place a caller outside the views (fits, landscapes, metrics) learns
    which hyperparameters a loss takes. ValueError for a name the spec does not
    declare, naming the ones it does; a bad value gets the loss function's own
    message (it is called once, at the middle of its curve).
    """
    names = [p.name for p in spec.params]
    unknown = sorted(set(params) - set(names))
    if unknown:
        takes = f" (it takes {', '.join(names)})" if names else " (it takes none)"
        raise ValueError(f"loss {spec.key!r} takes no parameter(s) {', '.join(unknown)}{takes}")
    kw = hyper(spec, params)
    lo, hi = spec.curve.axis(None).range
    curve(spec, kw, np.array([(lo + hi) / 2]))  # the loss validates its hyperparameters
    return kw


def _full(spec: LossSpec, params: Params) -> dict[str, Any]:
    return {**defaults(spec), **params}


def branches(spec: LossSpec, axis: Axis) -> tuple[Branch, ...]:
    return axis.branches if axis.branches is not None else spec.curve.branches


def curve(
    spec: LossSpec, params: Params, x: np.ndarray, axis: str | None = None
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, loss, d loss / d native x)`` of each branch at the points ``x`` of the axis."""
    return _curve(spec, params, x, axis, params)


def _curve(spec, params, x, axis, named_by) -> list[tuple[str, np.ndarray, np.ndarray]]:
    ax = spec.curve.axis(axis)
    p = _full(spec, params)
    coords = {"x": ax.native(x)}
    fns = spec.fns
    out = []
    for b in branches(spec, ax):
        loss = b.term.loss(fns, coords, p)
        grad = b.term.deriv(fns, coords, p, "x")
        shape = np.broadcast_shapes(np.shape(loss), np.shape(coords["x"]))
        out.append(
            (
                b.title(_full(spec, named_by)),
                np.broadcast_to(loss, shape).astype(np.float64),
                np.broadcast_to(grad, shape).astype(np.float64),
            )
        )
    return out


def family(
    spec: LossSpec,
    params: Params,
    name: str,
    values: Sequence[float] | np.ndarray,
    x: np.ndarray,
    axis: str | None = None,
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The curve at every value of parameter ``name``: one call, arrays ``(len(values), len(x))``.

    The hyperparameter (or scene slider) broadcasts against the inputs, so the
    family is exactly the stack of the curves at each value, in one evaluation.
    """
    v = np.asarray(values, dtype=np.float64)[:, None]
    x = np.asarray(x, dtype=np.float64)
    shape = (v.shape[0], x.size)
    if any(q.name == name and q.shape for q in spec.sliders):  # K: one call per value
        members = [
            _curve(spec, {**params, name: float(u)}, x[None, :], axis, params) for u in v[:, 0]
        ]
        return [
            (
                n,
                np.stack([np.broadcast_to(m[b][1], (1, x.size))[0] for m in members]),
                np.stack([np.broadcast_to(m[b][2], (1, x.size))[0] for m in members]),
            )
            for b, (n, _, _) in enumerate(members[0])
        ]
    # A branch that does not read the parameter (BT's σ(Δr)) comes back (1, N): widen it.
    return [
        (n, np.broadcast_to(loss, shape).copy(), np.broadcast_to(grad, shape).copy())
        # Branch names from the scalar values: a name never formats a whole array.
        for n, loss, grad in _curve(spec, {**params, name: v}, x[None, :], axis, params)
    ]


def markers(
    spec: LossSpec, params: Params, axis: str | None = None, *, clip: bool = True
) -> list[tuple[float, str]]:
    """The curve's markers as ``(position on the axis, label)``.

    ``clip``: only those inside the axis's range (else all, in declaration order).
    """
    ax = spec.curve.axis(axis)
    p = _full(spec, params)
    lo, hi = ax.range
    out = []
    for m in spec.curve.markers:
        native, label = m.resolve(p)
        out.append((ax.shown(native), label))
    out += list(ax.markers)
    return [(x, label) for x, label in out if not clip or lo <= x <= hi]


def surface(spec: LossSpec, params: Params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The loss on the grid ``(len(y), len(x))`` of the surface's axes."""
    X, Y = np.meshgrid(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    p = _full(spec, params)
    z = spec.surface.term.loss(spec.fns, {"x": X, "y": Y}, p)
    return np.broadcast_to(z, X.shape).astype(np.float64)


def surface_params(spec: LossSpec, params: Params) -> dict[str, Any]:
    """The parameter values the surface reads (the rest leave its figure unchanged)."""
    s = spec.surface
    if s.uses is not None:
        return {k: params[k] for k in s.uses if k in params}
    return {k: v for k, v in params.items() if k != s.y_param}
