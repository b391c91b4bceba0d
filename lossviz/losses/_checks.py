"""Argument validation shared by every loss.

Every check raises ``ValueError`` naming the argument, the offending value and
what is allowed, so that a message read in a notebook or in the app tells the
user exactly what to change. Nothing is ever clipped silently.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

#: Tolerance on "sums to 1 over the last axis" for probability vectors.
SIMPLEX_ATOL = 1e-6


def _first_bad(a: np.ndarray, bad: np.ndarray) -> float:
    """The first offending element, for the error message."""
    return float(a[bad].flat[0])


def as_array(name: str, x: Any) -> np.ndarray:
    """``x`` as a float64 array; reject what is not a real number."""
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
    a = as_array(name, x)
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{name} must be finite, got {_first_bad(a, bad)}")
    return a


def unit_interval(name: str, x: Any) -> np.ndarray:
    """A float64 array in [0, 1] (labels, probabilities)."""
    a = as_array(name, x)
    bad = (a < 0) | (a > 1)
    if bad.any():
        raise ValueError(f"{name} must lie in [0, 1], got {_first_bad(a, bad)}")
    return a


def nonnegative(name: str, x: Any) -> np.ndarray:
    """A float64 array of finite values >= 0 (distances)."""
    a = as_array(name, x)
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and >= 0, got {_first_bad(a, bad)}")
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


def broadcast(*named: tuple[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Broadcast the arrays together, naming every shape if they do not fit."""
    try:
        return tuple(np.broadcast_arrays(*(a for _, a in named)))
    except ValueError:
        shapes = " and ".join(f"{n} with shape {a.shape}" for n, a in named)
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


def with_class_axis(*named: tuple[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Broadcast arrays that carry a class axis last; each needs at least one axis."""
    for n, a in named:
        if a.ndim == 0:
            raise ValueError(f"{n} must have at least one axis (the classes), got a scalar")
        if a.shape[-1] == 0:
            raise ValueError(f"{n} must have at least one class on its last axis, got {a.shape}")
    return broadcast(*named)


def positive_param(name: str, value: Any) -> float:
    """A finite hyperparameter > 0 (Huber's delta)."""
    v = _scalar(name, value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be > 0 and finite, got {v!r}")
    return v


def nonnegative_param(name: str, value: Any) -> float:
    """A finite hyperparameter >= 0 (focal gamma, hinge margins)."""
    v = _scalar(name, value)
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"{name} must be >= 0 and finite, got {v!r}")
    return v


def unit_param(name: str, value: Any) -> float:
    """A hyperparameter in [0, 1] (focal alpha)."""
    v = _scalar(name, value)
    if not (0.0 <= v <= 1.0):
        raise ValueError(f"{name} must lie in [0, 1] (or be None), got {v!r}")
    return v


def finite_param(name: str, value: Any) -> float:
    """Any finite real hyperparameter (the Bradley–Terry margin)."""
    v = _scalar(name, value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    return v


def _scalar(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    return float(value)


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
