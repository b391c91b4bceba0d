"""Regression losses: MSE, MAE and Huber, with their gradients w.r.t. ``y_pred``.

All functions are elementwise and unreduced: they broadcast ``y_true`` against
``y_pred`` *and the hyperparameters* and return float64 of the broadcast shape;
take the mean yourself.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks


def _residual(y_true: ArrayLike, y_pred: ArrayLike, *params: tuple[str, object]) -> tuple:
    """``(r, *params)``: r = ŷ − y and the hyperparameters, broadcast together."""
    yt = _checks.as_array("y_true", y_true)
    yp = _checks.as_array("y_pred", y_pred)
    yt, yp, *ps = _checks.broadcast(("y_true", yt), ("y_pred", yp), *params)
    with np.errstate(invalid="raise"):
        try:
            return (yp - yt, *ps)
        except FloatingPointError:
            raise ValueError("y_true and y_pred are both infinite with the same sign") from None


# --- MSE, MAE ---------------------------------------------------------------------------


@_checks.float64_result
def mse(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Squared error :math:`(y - \hat y)^2`, elementwise.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.

    Returns:
      float64 array of the broadcast shape.

    Reference: Gauss (1809), Legendre (1805): least squares.

    Example:
      >>> float(mse(1.0, 3.0))
      4.0
    """
    (r,) = _residual(y_true, y_pred)
    return r * r


@_checks.float64_result
def mse_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\partial/\partial\hat y\,(y - \hat y)^2 = 2(\hat y - y)`.

    Example:
      >>> float(mse_grad(1.0, 3.0))
      4.0
    """
    (r,) = _residual(y_true, y_pred)
    return 2.0 * r


@_checks.float64_result
def mae(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Absolute error :math:`|y - \hat y|`, elementwise.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.

    Returns:
      float64 array of the broadcast shape.

    Reference: Laplace (1774); least absolute deviations.

    Example:
      >>> float(mae(1.0, -2.0))
      3.0
    """
    (r,) = _residual(y_true, y_pred)
    return np.abs(r)


@_checks.float64_result
def mae_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\operatorname{sign}(\hat y - y)`, with the subgradient 0 at :math:`\hat y = y`.

    Example:
      >>> mae_grad([0.0, 0.0, 0.0], [-2.0, 0.0, 5.0]).tolist()
      [-1.0, 0.0, 1.0]
    """
    (r,) = _residual(y_true, y_pred)
    return np.sign(r)


# --- Huber, Smooth-L1, pseudo-Huber, log-cosh ------------------------------------------


@_checks.float64_result
def huber(y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0) -> np.ndarray:
    r"""Huber loss, quadratic near 0 and linear beyond :math:`\delta`.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
                  \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases},
        \quad r = \hat y - y.

    It is continuous with a continuous gradient ``clip(r, -δ, δ)``. PyTorch's
    ``SmoothL1Loss(beta=δ)`` equals ``huber / δ``: the two differ by a factor δ.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.
      delta: the threshold between the quadratic and the linear regime, > 0; a
        scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: P. J. Huber, "Robust Estimation of a Location Parameter",
    Annals of Mathematical Statistics, 1964.

    Example:
      >>> huber([0.0, 0.0], [0.5, 3.0]).tolist()
      [0.125, 2.5]
    """
    delta = _checks.positive_param("delta", delta)
    r, delta = _residual(y_true, y_pred, ("delta", delta))
    a = np.abs(r)
    # Both branches are evaluated on |r| only, so neither can overflow.
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


@_checks.float64_result
def huber_grad(y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0) -> np.ndarray:
    r""":math:`\partial\ell/\partial\hat y = \operatorname{clip}(r, -\delta, \delta)`.

    Example:
      >>> huber_grad(0.0, [-3.0, 0.5, 3.0], delta=1.0).tolist()
      [-1.0, 0.5, 1.0]
    """
    delta = _checks.positive_param("delta", delta)
    r, delta = _residual(y_true, y_pred, ("delta", delta))
    return np.clip(r, -delta, delta)
