"""Scalar argument checks shared by the data, fit and metrics modules.

Each raises ``ValueError`` naming the argument, the value and what is allowed,
as the losses do (``lossviz/losses/_checks.py`` holds their array checks).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    return v


def in_range(name: str, value: Any, lo: float, hi: float = math.inf) -> float:
    v = real(name, value)
    if not lo <= v <= hi:
        allowed = f">= {lo:g}" if hi == math.inf else f"in [{lo:g}, {hi:g}]"
        raise ValueError(f"{name} must be {allowed}, got {v!r}")
    return v


def integer(name: str, value: Any, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        allowed = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {v!r}")
    return v


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def seed(value: Any) -> int:
    """A random seed: an integer >= 0."""
    return integer("seed", value, 0)


def positive(name: str, value: Any) -> float:
    v = real(name, value)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    return v


def unit_open(name: str, value: Any) -> float:
    v = real(name, value)
    if not 0.0 <= v < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {v!r}")
    return v
