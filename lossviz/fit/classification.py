"""Linear classifiers fitted exactly under a classification loss with L2."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from .. import losses, registry
from ._newton import _newton

#: Loss keys for :func:`fit_logistic`: two registry losses and α-balanced BCE (focal, γ = 0).
CLASSIFICATION_LOSSES: tuple[str, ...] = ("binary_cross_entropy", "focal", "balanced_bce")


@dataclass(frozen=True, eq=False)
class LogisticFit:
    """Minimiser of a regularised classification loss of a linear model.

    Attributes:
      weights: float64 ``(d,)``; bias: the unpenalised intercept.
      objective: mean loss + (l2/2)‖weights‖² at the optimum.
      iterations: Newton iterations; converged: gradient below tolerance.
    """

    weights: np.ndarray
    bias: float
    objective: float
    iterations: int
    converged: bool


def classification_kwargs(loss: str, params: dict[str, Any]) -> dict[str, Any]:
    """Checked keyword arguments of a :data:`CLASSIFICATION_LOSSES` key for its loss function.

    ``"balanced_bce"`` is focal loss with γ fixed at 0: it takes focal's ``alpha``
    (its default, range and check are focal's, from the registry).
    """
    if loss == "balanced_bce":
        unknown = sorted(set(params) - {"alpha"})
        if unknown:
            raise ValueError(f"loss 'balanced_bce' takes no parameter(s) {', '.join(unknown)}")
        if "alpha" in params and params["alpha"] is None:  # None is focal's "no weighting"
            raise ValueError("alpha must be a real number in [0, 1] for 'balanced_bce', got None")
        return registry.loss_kwargs("focal", {**params, "gamma": 0.0})
    return registry.loss_kwargs(loss, params, among=CLASSIFICATION_LOSSES)


def _matrix(name: str, a: Any) -> np.ndarray:
    try:
        m = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers") from None
    if m.ndim != 2 or m.shape[0] < 1 or m.shape[1] < 1:
        raise ValueError(f"{name} must be 2-D (n, d) with n, d >= 1, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"{name} must be finite")
    return m


def fit_logistic(
    X: Any, labels: Any, loss: str = "binary_cross_entropy", *, l2: float = 1e-3, **params: Any
) -> LogisticFit:
    r"""Minimise :math:`F(w, b) = \frac1n\sum_i \ell(y_i, x_i^\top w + b) + \frac{λ}{2}\|w\|^2`.

    Losses: ``"binary_cross_entropy"`` (``pos_weight``); ``"focal"`` (``gamma`` >= 0, ``alpha`` in
    [0, 1] or None); ``"balanced_bce"`` = focal with γ = 0 and the given
    ``alpha`` (class-weighted BCE: α on positives, 1 − α on negatives). The bias
    is not penalised. Values and first derivatives come from
    :mod:`lossviz.losses`; the per-sample second derivative :math:`h_i =
    \ell''(z_i)` is analytic for BCE (:math:`σ(z)(1-σ(z))`, times ``pos_weight`` on
    positives, or α_t when balanced) and a central difference of ``focal_grad`` for focal (step
    :math:`10^{-5}(1 + |z|)`, error O(step²)). Focal loss is not convex in z
    for γ > 0, so h is clipped at 0 (a Gauss–Newton-like PSD model); Newton's
    line search makes that safe, and the fixed point is still ∇F = 0.

    Hessian :math:`H = Z^\top \mathrm{diag}(h) Z / n + λ\,\mathrm{diag}(1,…,1,0)`,
    Z = [X, 1]. Each iteration is O(n d² + d³); typically < 15 iterations.

    Args:
      X: features ``(n, d)``, finite.
      labels: ``(n,)`` in [0, 1].
      loss: see above; ``**params`` its hyperparameters.
      l2: λ >= 0 (with λ = 0 on separable data no minimiser exists: converged=False).

    Returns:
      A :class:`LogisticFit` with ``‖∇F‖∞ <= 1e-10`` when converged.
    """
    Xm = _matrix("X", X)
    y = _vector_1d("labels", labels, Xm.shape[0])
    if np.any((y < 0) | (y > 1)):
        raise ValueError("labels must lie in [0, 1]")
    l2 = _v.real("l2", l2)
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    kw = classification_kwargs(loss, params)
    n, d = Xm.shape
    Z = np.concatenate([Xm, np.ones((n, 1))], axis=1)
    pen = np.r_[np.full(d, l2), 0.0]  # the bias is not penalised

    fkw = kw
    if loss == "binary_cross_entropy":
        fn, gfn = losses.binary_cross_entropy, losses.binary_cross_entropy_grad
        class_weight = kw["pos_weight"] * y + (1.0 - y)  # ℓ'' = (w·y + 1 − y) σ(1−σ)
    else:
        fn, gfn = losses.focal, losses.focal_grad
        a = kw["alpha"]
        class_weight = 1.0 if a is None else a * y + (1.0 - a) * (1.0 - y)  # α_t

    def second(z: np.ndarray) -> np.ndarray:
        if loss == "binary_cross_entropy" or kw["gamma"] == 0.0:  # weighted BCE: exact
            s = 1.0 / (1.0 + np.exp(-np.abs(z)))  # σ(|z|): no overflow; σ(1−σ) is even in z
            return class_weight * s * (1.0 - s)
        step = 1e-5 * (1.0 + np.abs(z))
        h = (gfn(y, z + step, **fkw) - gfn(y, z - step, **fkw)) / (2.0 * step)
        return np.maximum(h, 0.0)

    def f_only(theta: np.ndarray) -> float:
        z = Z @ theta
        if not np.all(np.isfinite(z)):
            return math.inf
        return float(np.mean(fn(y, z, **fkw))) + 0.5 * float(np.sum(pen * theta * theta))

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = Z @ theta
        val = float(np.mean(fn(y, z, **fkw))) + 0.5 * float(np.sum(pen * theta * theta))
        grad = Z.T @ gfn(y, z, **fkw) / n + pen * theta
        hess = (Z.T * second(z)) @ Z / n + np.diag(pen)
        return val, grad, hess

    theta, f, _, its, ok = _newton(fgh, f_only, np.zeros(d + 1), gtol=1e-10)
    return LogisticFit(theta[:d].copy(), float(theta[d]), f, its, ok)


def _vector_1d(name: str, a: Any, n: int) -> np.ndarray:
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers") from None
    if v.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite")
    return v
