"""Overlap losses of segmentation: soft Dice, Tversky and soft Jaccard (IoU).

Each compares a soft mask ``probs`` with a (soft or hard) mask ``labels``,
both in [0, 1], over the last axis (flatten the pixels of a mask onto it), and
returns one minus an overlap ratio, in [0, 1]. ``smooth`` is added to the
numerator and denominator (MONAI's ``smooth_nr = smooth_dr``): it keeps an empty
mask defined and softens the gradient. With smooth = 0 an all-zero row is 0/0,
and raises. (A smooth so tiny, ~1e-308, that 1/smooth overflows gives an
infinite gradient on an all-zero row, without a warning.) Hyperparameters
broadcast against the reduced shape.

Every loss is computed as (its error terms)/(its denominator), e.g. Dice as
Σ(y(1−p) + p(1−y))/(Σy + Σp + s), rather than 1 − ratio: the numerator is a
sum of non-negative terms, so a near-perfect mask loses no digits to cancellation
and a perfect hard mask gives exactly 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks


def _mask_args(labels, probs, params: tuple) -> tuple:
    params = tuple((n, _checks.nonnegative_param(n, v)) for n, v in params)
    y = _checks.unit_interval("labels", labels)
    p = _checks.unit_interval("probs", probs)
    y, p, *ps = _checks.with_class_axis(("labels", y), ("probs", p), outer=params)
    return y, p, ps


def _ratio(name: str, err: np.ndarray, den: np.ndarray, why: str) -> np.ndarray:
    if np.any(den == 0):
        raise ValueError(f"{name} is 0/0 (undefined) where smooth = 0 and {why}; use smooth > 0")
    return err / den


def _dice_terms(labels, probs, smooth):
    y, p, (s,) = _mask_args(labels, probs, (("smooth", smooth),))
    err = np.sum(y * (1.0 - p) + p * (1.0 - y), axis=-1, keepdims=True)  # Σy + Σp − 2Σyp
    den = np.sum(y + p, axis=-1, keepdims=True) + s
    return y, _ratio("soft_dice", err, den, "a row of labels and probs is all zero"), den


@_checks.float64_result
def soft_dice(labels: ArrayLike, probs: ArrayLike, *, smooth: ArrayLike = 1.0) -> np.ndarray:
    r"""Soft Dice loss over the last axis.

    .. math::
        \ell = 1 - \frac{2\sum_k y_k p_k + s}{\sum_k y_k + \sum_k p_k + s}

    One minus the (smoothed) Dice coefficient, i.e. the F1 score of the soft
    mask: insensitive to how much of the image is background, hence its use for
    small structures.

    Args:
      labels: target masks ``(..., K)`` in [0, 1].
      probs: predicted probabilities ``(..., K)`` in [0, 1].
      smooth: s >= 0, a scalar or an array that broadcasts against ``(...)``.

    Returns:
      float64 array of shape ``broadcast(labels, probs).shape[:-1]``, in [0, 1].

    Raises:
      ValueError: where smooth = 0 and a row of labels and probs is all zero (0/0).

    Reference: F. Milletari, N. Navab, S.-A. Ahmadi, "V-Net: Fully Convolutional
    Neural Networks for Volumetric Medical Image Segmentation", 3DV 2016; MONAI
    ``DiceLoss``.

    Example:
      >>> float(soft_dice([1, 1, 0, 0], [1, 0, 1, 0], smooth=0.0))  # 1 − 2/4
      0.5
    """
    _, loss, _ = _dice_terms(labels, probs, smooth)
    return loss[..., 0]


@_checks.float64_result
def soft_dice_grad(labels: ArrayLike, probs: ArrayLike, *, smooth: ArrayLike = 1.0) -> np.ndarray:
    r""":math:`\partial\ell/\partial p_k = ((1 - 2y_k) - \ell)/D`, D = Σy + Σp + s.

    Example:
      >>> soft_dice_grad([1, 0], [1, 0], smooth=0.0).tolist()
      [-0.5, 0.5]
    """
    y, loss, den = _dice_terms(labels, probs, smooth)
    with np.errstate(over="ignore"):  # only for a subnormal smooth on an empty row
        return ((1.0 - 2.0 * y) - loss) / den


def _tversky_terms(labels, probs, alpha, beta, smooth):
    y, p, (a, b, s) = _mask_args(
        labels, probs, (("alpha", alpha), ("beta", beta), ("smooth", smooth))
    )
    tp = np.sum(y * p, axis=-1, keepdims=True)
    fp = np.sum((1.0 - y) * p, axis=-1, keepdims=True)
    fn = np.sum(y * (1.0 - p), axis=-1, keepdims=True)
    err = a * fp + b * fn
    den = tp + err + s
    why = "Σyp + αΣ(1−y)p + βΣy(1−p) = 0 in a row (e.g. labels and probs all zero)"
    loss = _ratio("tversky", err, den, why)
    # ∂err/∂p_k = α(1 − y_k) − β y_k and ∂den/∂p_k = y_k + ∂err/∂p_k.
    d_err = a * (1.0 - y) - b * y
    return loss, den, d_err, y + d_err


@_checks.float64_result
def tversky(
    labels: ArrayLike,
    probs: ArrayLike,
    *,
    alpha: ArrayLike = 0.5,
    beta: ArrayLike = 0.5,
    smooth: ArrayLike = 1.0,
) -> np.ndarray:
    r"""Tversky loss over the last axis: Dice with false positives and negatives weighted.

    .. math::
        \ell = 1 - \frac{\mathrm{TP} + s}
                        {\mathrm{TP} + \alpha\,\mathrm{FP} + \beta\,\mathrm{FN} + s},
        \quad \mathrm{TP} = \sum y p,\ \mathrm{FP} = \sum (1-y) p,\ \mathrm{FN} = \sum y (1-p)

    α weighs false positives and β false negatives, as MONAI's ``TverskyLoss``;
    β > α favours recall, for small lesions. α = β = ½ is :func:`soft_dice` with
    the smoothing doubled (equal to it at smooth = 0); α = β = 1 is
    :func:`soft_jaccard`.

    Args:
      labels: target masks ``(..., K)`` in [0, 1].
      probs: predicted probabilities ``(..., K)`` in [0, 1].
      alpha: weight α >= 0 of the false positives; scalar or array.
      beta: weight β >= 0 of the false negatives; scalar or array.
      smooth: s >= 0; scalar or array. All three broadcast against ``(...)``.

    Returns:
      float64 array of shape ``broadcast(labels, probs).shape[:-1]``, in [0, 1].

    Raises:
      ValueError: where smooth = 0 and a row's denominator is 0 (0/0).

    Reference: S. S. M. Salehi, D. Erdogmus, A. Gholipour, "Tversky loss function
    for image segmentation using 3D fully convolutional deep networks", MLMI 2017.

    Example:
      >>> float(tversky([1, 1, 0, 0], [1, 0, 1, 0], alpha=0.5, beta=0.5, smooth=0.0))
      0.5
    """
    loss, _, _, _ = _tversky_terms(labels, probs, alpha, beta, smooth)
    return loss[..., 0]


@_checks.float64_result
def tversky_grad(
    labels: ArrayLike,
    probs: ArrayLike,
    *,
    alpha: ArrayLike = 0.5,
    beta: ArrayLike = 0.5,
    smooth: ArrayLike = 1.0,
) -> np.ndarray:
    r""":math:`\partial\ell/\partial p_k = (e_k - \ell\,d_k)/D`.

    With e_k = α(1 − y_k) − β y_k (∂ of the weighted errors), d_k = y_k + e_k
    (∂ of the denominator D = TP + αFP + βFN + s).

    Example:
      >>> tversky_grad([1, 0], [1, 0], alpha=0.5, beta=0.5, smooth=0.0).tolist()
      [-0.5, 0.5]
    """
    loss, den, d_err, d_den = _tversky_terms(labels, probs, alpha, beta, smooth)
    with np.errstate(over="ignore"):  # only for a subnormal smooth on an empty row
        return (d_err - loss * d_den) / den


def _jaccard_terms(labels, probs, smooth):
    y, p, (s,) = _mask_args(labels, probs, (("smooth", smooth),))
    err = np.sum(y * (1.0 - p) + p * (1.0 - y), axis=-1, keepdims=True)  # |union| − |inter|
    # Σy + Σp − Σyp = Σ(1 − (1−y)(1−p)) >= 0 termwise: 0 only for an all-zero row.
    den = np.sum(y + p - y * p, axis=-1, keepdims=True) + s
    return y, _ratio("soft_jaccard", err, den, "a row of labels and probs is all zero"), den


@_checks.float64_result
def soft_jaccard(labels: ArrayLike, probs: ArrayLike, *, smooth: ArrayLike = 1.0) -> np.ndarray:
    r"""Soft Jaccard (IoU) loss over the last axis.

    .. math::
        \ell = 1 - \frac{I + s}{\sum_k y_k + \sum_k p_k - I + s}, \quad I = \sum_k y_k p_k

    At smooth = 0 the Jaccard index J and the Dice coefficient D are related by
    J = D/(2 − D): the same ranking, but J punishes a partial overlap more.

    Args:
      labels: target masks ``(..., K)`` in [0, 1].
      probs: predicted probabilities ``(..., K)`` in [0, 1].
      smooth: s >= 0, a scalar or an array that broadcasts against ``(...)``.

    Returns:
      float64 array of shape ``broadcast(labels, probs).shape[:-1]``, in [0, 1].

    Raises:
      ValueError: where smooth = 0 and a row of labels and probs is all zero (0/0).

    Reference: P. Jaccard, "Étude comparative de la distribution florale dans une
    portion des Alpes et du Jura", 1901; M. A. Rahman, Y. Wang, "Optimizing
    Intersection-Over-Union in Deep Neural Networks for Image Segmentation", 2016.

    Example:
      >>> round(float(soft_jaccard([1, 1, 0, 0], [1, 0, 1, 0], smooth=0.0)), 6)  # 1 − 1/3
      0.666667
    """
    _, loss, _ = _jaccard_terms(labels, probs, smooth)
    return loss[..., 0]


@_checks.float64_result
def soft_jaccard_grad(
    labels: ArrayLike, probs: ArrayLike, *, smooth: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial p_k = ((1 - 2y_k) - \ell\,(1 - y_k))/D`, D = Σy + Σp − I + s.

    Example:
      >>> soft_jaccard_grad([1, 0], [1, 0], smooth=0.0).tolist()
      [-1.0, 1.0]
    """
    y, loss, den = _jaccard_terms(labels, probs, smooth)
    with np.errstate(over="ignore"):  # only for a subnormal smooth on an empty row
        return ((1.0 - 2.0 * y) - loss * (1.0 - y)) / den
