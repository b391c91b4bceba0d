"""Classification losses from logits: binary and categorical cross-entropy, focal loss.

Everything is computed from logits in log space, so values and gradients are
exact and finite for logits anywhere in [-1e4, 1e4] (natural log: nats).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import log_sigmoid, log_softmax, sigmoid, softplus


def _binary_args(labels: ArrayLike, logits: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = _checks.unit_interval("labels", labels)
    z = _checks.finite("logits", logits)
    return _checks.broadcast(("labels", y), ("logits", z))


def _bce(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    # y·softplus(−z) + (1−y)·softplus(z): each term exact, no log(σ) of a rounded σ,
    # and no 0·inf when a label is exactly 0 or 1 (softplus is finite for finite z).
    return y * softplus(-z) + (1.0 - y) * softplus(z)


@_checks.float64_result
def binary_cross_entropy(labels: ArrayLike, logits: ArrayLike) -> np.ndarray:
    r"""Binary cross-entropy from logits, elementwise.

    .. math::
        \ell(y, z) = -\big[y \log\sigma(z) + (1-y)\log(1-\sigma(z))\big]
                   = y\,\mathrm{softplus}(-z) + (1-y)\,\mathrm{softplus}(z)

    Args:
      labels: targets ``y`` in [0, 1] (soft labels allowed).
      logits: real scores ``z``; ``σ(z)`` is the predicted probability of class 1.

    Returns:
      float64 array of the broadcast shape, in nats.

    Reference: the Bernoulli negative log-likelihood; PyTorch ``BCEWithLogitsLoss``.

    Example:
      >>> round(float(binary_cross_entropy(1.0, 0.0)), 6)  # ln 2
      0.693147
    """
    y, z = _binary_args(labels, logits)
    return _bce(y, z)


@_checks.float64_result
def binary_cross_entropy_grad(labels: ArrayLike, logits: ArrayLike) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = \sigma(z) - y`.

    Example:
      >>> float(binary_cross_entropy_grad(1.0, 0.0))
      -0.5
    """
    y, z = _binary_args(labels, logits)
    return sigmoid(z) - y


def _class_args(labels: ArrayLike, logits: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = _checks.unit_interval("labels", labels)
    z = _checks.finite("logits", logits)
    return _checks.with_class_axis(("labels", y), ("logits", z))


@_checks.float64_result
def categorical_cross_entropy(labels: ArrayLike, logits: ArrayLike) -> np.ndarray:
    r"""Categorical cross-entropy from logits, reduced over the last (class) axis only.

    .. math::
        \ell(y, z) = -\sum_k y_k \log\operatorname{softmax}(z)_k

    Args:
      labels: one-hot or soft targets ``(..., K)`` with entries in [0, 1].
      logits: real scores ``(..., K)``.

    Returns:
      float64 array of shape ``broadcast(labels, logits).shape[:-1]``, in nats.

    Reference: PyTorch ``CrossEntropyLoss`` with probability targets.

    Example:
      >>> round(float(categorical_cross_entropy([1, 0, 0], [2.0, 1.0, 0.1])), 6)
      0.41703
    """
    y, z = _class_args(labels, logits)
    return -np.sum(y * log_softmax(z), axis=-1)


@_checks.float64_result
def categorical_cross_entropy_grad(labels: ArrayLike, logits: ArrayLike) -> np.ndarray:
    r""":math:`\partial\ell/\partial z_k = \operatorname{softmax}(z)_k\sum_j y_j - y_k`.

    For labels that sum to 1 this is the familiar ``softmax(z) − y``.

    Example:
      >>> categorical_cross_entropy_grad([0, 1], [0.0, 0.0]).tolist()
      [0.5, -0.5]
    """
    y, z = _class_args(labels, logits)
    p = np.exp(log_softmax(z))
    return p * np.sum(y, axis=-1, keepdims=True) - y


def _focal_args(labels, logits, gamma, alpha):
    gamma = _checks.nonnegative_param("gamma", gamma)
    alpha = None if alpha is None else _checks.unit_param("alpha", alpha)
    y, z = _binary_args(labels, logits)
    return y, z, gamma, alpha


def _log_one_minus_pt(y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log(1 − p_t), where 1 − p_t = y·σ(−z) + (1 − y)·σ(z), in log space.

    ``logaddexp`` of the two log terms stays finite at |z| = 1e4, where
    1 − p_t itself would underflow to 0 and its log to −inf.
    """
    with np.errstate(divide="ignore"):  # log 0 = −inf for hard labels, handled by logaddexp
        return np.logaddexp(np.log(y) + log_sigmoid(-z), np.log1p(-y) + log_sigmoid(z))


def _alpha_t(y: np.ndarray, alpha: float | None) -> np.ndarray | float:
    return 1.0 if alpha is None else alpha * y + (1.0 - alpha) * (1.0 - y)


@_checks.float64_result
def focal(
    labels: ArrayLike, logits: ArrayLike, *, gamma: float = 2.0, alpha: float | None = 0.25
) -> np.ndarray:
    r"""Focal loss from logits (torchvision's ``sigmoid_focal_loss``, unreduced).

    .. math::
        \ell = -\alpha_t (1 - p_t)^\gamma \log p_t, \quad
        p = \sigma(z),\; p_t = p y + (1-p)(1-y),\; \alpha_t = \alpha y + (1-\alpha)(1-y)

    with ``-log p_t`` taken as the binary cross-entropy, so soft labels are
    defined. ``alpha=None`` drops the weighting; ``gamma=0, alpha=None`` is BCE.
    Note that α weights the *positive* class: α = 0.25 gives positives the
    smaller weight, the paper's best setting once γ = 2 quietens easy negatives.

    Args:
      labels: targets ``y`` in [0, 1].
      logits: real scores ``z``.
      gamma: focusing parameter γ >= 0.
      alpha: weight of the positive class in [0, 1], or None.

    Returns:
      float64 array of the broadcast shape, in nats.

    Reference: T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollár,
    "Focal Loss for Dense Object Detection", ICCV 2017.

    Example:
      >>> p_t = 0.9; z = np.log(p_t / (1 - p_t))
      >>> round(float(focal(1.0, z, gamma=2.0, alpha=None)), 6)
      0.001054
    """
    y, z, gamma, alpha = _focal_args(labels, logits, gamma, alpha)
    # The modulating factor (1 − p_t)^γ computed as exp(γ·log(1 − p_t)):
    # finite for every γ >= 0, including γ < 1, and exactly 1 for γ = 0.
    weight = np.exp(gamma * _log_one_minus_pt(y, z))
    return _alpha_t(y, alpha) * weight * _bce(y, z)


@_checks.float64_result
def focal_grad(
    labels: ArrayLike, logits: ArrayLike, *, gamma: float = 2.0, alpha: float | None = 0.25
) -> np.ndarray:
    r"""Gradient of :func:`focal` w.r.t. the logits.

    .. math::
        \frac{\partial\ell}{\partial z} = \alpha_t\Big[(1-p_t)^\gamma (p - y)
        + \gamma (1-p_t)^{\gamma-1}(1-2y)\,p(1-p)\,\mathrm{CE}\Big]

    The second term is computed in log space: for γ < 1 the factor
    (1 − p_t)^{γ−1} alone would overflow, but times p(1 − p) it is finite.

    Example:
      >>> round(float(focal_grad(1.0, 0.0, gamma=0.0, alpha=None)), 6)  # = BCE's σ(0) − 1
      -0.5
    """
    y, z, gamma, alpha = _focal_args(labels, logits, gamma, alpha)
    l1m = _log_one_minus_pt(y, z)
    ce = _bce(y, z)
    first = np.exp(gamma * l1m) * (sigmoid(z) - y)
    if gamma == 0.0:
        second = 0.0
    else:
        # log of γ (1−p_t)^{γ−1} p (1−p); log p + log(1−p) = logσ(z) + logσ(−z).
        log_mag = np.log(gamma) + (gamma - 1.0) * l1m + log_sigmoid(z) + log_sigmoid(-z)
        second = (1.0 - 2.0 * y) * np.exp(log_mag) * ce
    return _alpha_t(y, alpha) * (first + second)
