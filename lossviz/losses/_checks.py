"""Argument validation shared by every loss.

Every check raises ``ValueError`` naming the argument, the offending value and
what is allowed, so that a message read in a notebook or in the app tells the
user exactly what to change. Nothing is ever clipped silently.

Hyperparameters are a real number or an array of real numbers, checked
elementwise (the message names the first bad element). A scalar comes back as a
Python float, so the scalar path, which the fitting code calls in its loops,
stays as cheap as before; an array comes back as float64 and takes part in the
broadcasting like any input (:func:`broadcast`, :func:`with_class_axis`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

_F64 = np.dtype(np.float64)

#: Tolerance on "sums to 1 over the last axis" for probability vectors.
SIMPLEX_ATOL = 1e-6


def _first_bad(a: np.ndarray, bad: np.ndarray) -> float:
    """The first offending element, for the error message."""
    return float(a[bad].flat[0])


# --- array arguments -------------------------------------------------------------------


def _clean(x: Any, ok: Callable[[np.ndarray], Any]) -> bool:
    """Whether ``x`` is already a float64 ndarray whose every element passes ``ok``.

    The fitting loops call the losses hundreds of times on such arrays: for them a
    check is one pass and ``x`` comes back as it is (what :func:`as_array` returns for
    a float64 array too). Anything else, or a failing element (NaN fails every ``ok``),
    takes the full path, whose messages name what is wrong.
    """
    return type(x) is np.ndarray and x.dtype == _F64 and bool(ok(x).all())


def as_array(name: str, x: Any) -> np.ndarray:
    """``x`` as a float64 array; reject what is not a real number."""
    if _clean(x, lambda a: a == a):  # no NaN (NaN != NaN)
        return x
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged nested lists and the like
        raise ValueError(f"{name} must be an array of real numbers: {exc}") from None
    if a.dtype == object or not (
        np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be an array of real numbers, got dtype {a.dtype}")
    if np.iscomplexobj(a):
        raise ValueError(f"{name} must be real, got complex dtype {a.dtype}")
    a = a.astype(np.float64, copy=False)
    if np.isnan(a).any():
        raise ValueError(f"{name} must not contain NaN")
    return a


def finite(name: str, x: Any) -> np.ndarray:
    """A float64 array whose every element is finite (logits, scores, predictions)."""
    if _clean(x, np.isfinite):
        return x
    a = as_array(name, x)
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{name} must be finite, got {_first_bad(a, bad)}")
    return a


def interval(name: str, x: Any, lo: float, hi: float) -> np.ndarray:
    """A float64 array in the closed interval [lo, hi] (cosines in [-1, 1])."""
    if _clean(x, lambda a: (a >= lo) & (a <= hi)):
        return x
    a = as_array(name, x)
    bad = (a < lo) | (a > hi)
    if bad.any():
        raise ValueError(f"{name} must lie in [{lo:g}, {hi:g}], got {_first_bad(a, bad)}")
    return a


def unit_interval(name: str, x: Any) -> np.ndarray:
    """A float64 array in [0, 1] (labels, probabilities)."""
    return interval(name, x, 0.0, 1.0)


def binary(name: str, x: Any) -> np.ndarray:
    """A float64 array whose every element is exactly 0 or 1 (margin-classifier labels)."""
    if _clean(x, lambda a: (a == 0.0) | (a == 1.0)):
        return x
    a = as_array(name, x)
    bad = (a != 0.0) & (a != 1.0)
    if bad.any():
        raise ValueError(f"{name} must be 0 or 1, got {_first_bad(a, bad)}")
    return a


def one_hot(name: str, x: Any) -> np.ndarray:
    """One-hot vectors along the last axis: entries 0 or 1, exactly one 1 per row."""
    a = as_array(name, x)
    if a.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the classes), got a scalar")
    bad = (a != 0.0) & (a != 1.0)
    if bad.any():
        raise ValueError(
            f"{name} must be one-hot over the last axis (entries 0 or 1), got {_first_bad(a, bad)}"
        )
    ones = a.sum(axis=-1)
    off = ones != 1.0
    if off.any():
        raise ValueError(
            f"{name} must be one-hot over the last axis (exactly one 1 per row), "
            f"got a row with {int(ones[off].flat[0])} ones"
        )
    return a


def nonnegative(name: str, x: Any) -> np.ndarray:
    """A float64 array of finite values >= 0 (distances, counts)."""
    a = as_array(name, x)
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and >= 0, got {_first_bad(a, bad)}")
    return a


def positive(name: str, x: Any) -> np.ndarray:
    """A float64 array of finite values > 0 (variances)."""
    a = as_array(name, x)
    bad = ~np.isfinite(a) | (a <= 0)
    if bad.any():
        raise ValueError(f"{name} must be > 0 and finite, got {_first_bad(a, bad)}")
    return a


def log_probability(name: str, x: Any) -> np.ndarray:
    """A float64 array of log-probabilities: finite and <= 0."""
    if _clean(x, lambda a: (a <= 0) & (a > -np.inf)):
        return x
    a = as_array(name, x)
    bad = ~np.isfinite(a) | (a > 0)
    if bad.any():
        raise ValueError(
            f"{name} must be finite and <= 0 (a log-probability), got {_first_bad(a, bad)}"
        )
    return a


def simplex(name: str, x: Any) -> np.ndarray:
    """A float64 array of probability vectors along the last axis."""
    a = as_array(name, x)
    if a.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the categories), got a scalar")
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        raise ValueError(f"{name} must be >= 0 and finite, got {_first_bad(a, bad)}")
    if a.shape[-1] == 0:
        raise ValueError(f"{name} must have at least one category on its last axis")
    sums = a.sum(axis=-1)
    off = np.abs(sums - 1.0) > SIMPLEX_ATOL
    if off.any():
        raise ValueError(
            f"{name} must sum to 1 over the last axis (tolerance {SIMPLEX_ATOL:g}), "
            f"got a sum of {float(sums[off].flat[0])!r}"
        )
    return a


# --- broadcasting ----------------------------------------------------------------------


def _shapes(named) -> str:
    return " and ".join(f"{n} with shape {a.shape}" for n, a in named if isinstance(a, np.ndarray))


def broadcast(*named: tuple[str, Any]) -> tuple[Any, ...]:
    """Broadcast the arrays together, naming every shape if they do not fit.

    Python floats (scalar hyperparameters) pass through untouched, so the scalar
    path costs nothing; array hyperparameters take part like any input.
    """
    arrays = [a for _, a in named if isinstance(a, np.ndarray)]
    if all(a.shape == arrays[0].shape for a in arrays):
        out = arrays  # nothing to broadcast (the fitting loops' case)
    else:
        try:
            out = np.broadcast_arrays(*arrays)
        except ValueError:
            raise ValueError(f"shapes do not broadcast: {_shapes(named)}") from None
    if len(arrays) == len(named):
        return tuple(out)
    it = iter(out)
    return tuple(next(it) if isinstance(a, np.ndarray) else a for _, a in named)


def with_class_axis(
    *named: tuple[str, np.ndarray], outer: tuple[tuple[str, Any], ...] = ()
) -> tuple[Any, ...]:
    """Broadcast arrays that carry a class axis last; each needs at least one axis.

    ``outer`` are arguments without the class axis (hyperparameters, InfoNCE's
    positive similarity): they broadcast against the reduced shape, as if they had
    a trailing axis of length 1, and are returned with that axis added (floats as
    they are). The class arrays come back broadcast to the full shape ``(..., K)``,
    which includes the outer arguments' leading axes.
    """
    for n, a in named:
        if a.ndim == 0:
            raise ValueError(f"{n} must have at least one axis (the classes), got a scalar")
        if a.shape[-1] == 0:
            raise ValueError(f"{n} must have at least one class on its last axis, got {a.shape}")
    if not any(isinstance(a, np.ndarray) for _, a in outer):
        return (*broadcast(*named), *(a for _, a in outer))
    lifted = tuple((n, a[..., None] if isinstance(a, np.ndarray) else a) for n, a in outer)
    try:
        out = np.broadcast_arrays(
            *(a for _, a in named), *(a for _, a in lifted if isinstance(a, np.ndarray))
        )
    except ValueError:
        others = ", ".join(n for n, a in outer if isinstance(a, np.ndarray))
        raise ValueError(
            f"shapes do not broadcast: {_shapes((*named, *outer))} ({others}: against the "
            "shape without the last, reduced axis)"
        ) from None
    return (*out[: len(named)], *(a for _, a in lifted))


# --- hyperparameters: a real number or an array of them, checked elementwise ----------


def _hyper(name: str, value: Any) -> float | np.ndarray:
    """A scalar hyperparameter as a Python float, an array one as a float64 array."""
    if isinstance(value, float):  # the common case first: the scalar path stays cheap
        return float(value)
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if isinstance(value, int | np.integer | np.floating):
        return float(value)
    if isinstance(value, np.ndarray | list | tuple):
        try:
            a = np.asarray(value)
        except Exception as exc:  # ragged nested lists
            raise ValueError(f"{name} must be a real number or an array of them: {exc}") from None
        if a.dtype.kind not in "iuf":
            raise ValueError(
                f"{name} must be a real number or an array of real numbers, got dtype {a.dtype}"
            )
        return a.astype(np.float64, copy=False)
    raise ValueError(f"{name} must be a real number, got {value!r}")


def _param(name: str, value: Any, ok: Callable[[Any], Any], rule: str) -> float | np.ndarray:
    """Check ``ok`` elementwise; the message names the (first) bad value.

    ``ok`` uses only comparisons and ``&``, which work alike on a float and on an
    array; NaN fails every comparison, so every rule rejects NaN.
    """
    v = _hyper(name, value)
    good = ok(v)
    if isinstance(v, float):
        if not good:
            raise ValueError(f"{name} {rule}, got {v!r}")
    elif not good.all():
        raise ValueError(f"{name} {rule}, got {_first_bad(v, ~good)!r}")
    return v


def positive_param(name: str, value: Any) -> float | np.ndarray:
    """A finite hyperparameter > 0 (Huber's delta, temperatures, scales, β of DPO)."""
    return _param(name, value, lambda v: (v > 0) & (v < math.inf), "must be > 0 and finite")


def nonnegative_param(name: str, value: Any) -> float | np.ndarray:
    """A finite hyperparameter >= 0 (focal gamma, margins, smoothing terms)."""
    return _param(name, value, lambda v: (v >= 0) & (v < math.inf), "must be >= 0 and finite")


def unit_param(name: str, value: Any, *, or_none: bool = False) -> float | np.ndarray:
    """A hyperparameter in [0, 1] (focal alpha, which may also be None; label smoothing)."""
    rule = "must lie in [0, 1] (or be None)" if or_none else "must lie in [0, 1]"
    return _param(name, value, lambda v: (v >= 0) & (v <= 1), rule)


def open_unit_param(name: str, value: Any) -> float | np.ndarray:
    """A hyperparameter in the open interval (0, 1) (the quantile τ)."""
    return _param(name, value, lambda v: (v > 0) & (v < 1), "must lie in the open interval (0, 1)")


def symmetric_unit_param(name: str, value: Any) -> float | np.ndarray:
    """A hyperparameter in [-1, 1] (the cosine-embedding margin)."""
    return _param(name, value, lambda v: (v >= -1) & (v <= 1), "must lie in [-1, 1]")


def finite_param(name: str, value: Any) -> float | np.ndarray:
    """Any finite real hyperparameter (the Bradley–Terry margin)."""
    return _param(
        name, value, lambda v: (v > -math.inf) & (v < math.inf), "must be a finite number"
    )


def extended_real_param(name: str, value: Any) -> float | np.ndarray:
    """Any real hyperparameter or ±inf, but not NaN (Barron's shape α)."""
    return _param(name, value, lambda v: v == v, "must be a real number or ±inf, not NaN")


def float64_result(fn):
    """Return float64: an ndarray, or an ``np.float64`` scalar for 0-d results.

    NumPy returns a 0-d array from some expressions and a scalar from others;
    this makes every loss and gradient consistent (and tuples element-wise).
    """

    def _one(a):
        return np.asarray(a, dtype=np.float64)[()]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(_one(a) for a in out)
        return _one(out)

    return wrapper
