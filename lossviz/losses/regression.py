"""Regression losses and their gradients w.r.t. the prediction.

MSE, MAE, Huber, Smooth-L1, pseudo-Huber, log-cosh, quantile (pinball),
ε-insensitive, Barron's general robust loss, and the Poisson and Gaussian
negative log-likelihoods. All are elementwise and unreduced: they broadcast
their arguments *and hyperparameters* together and return float64 of the
broadcast shape; take the mean yourself. ``r = ŷ − y`` throughout.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import hinge_terms


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


def _safe(h, ok):
    """``h`` where ``ok``, else 1: a divisor that is never 0 in a branch np.where discards."""
    return np.where(ok, h, 1.0)


# --- the formulas, on the residual r = ŷ − y -------------------------------------------
# Each public loss below checks its arguments and calls one of these; the fitting
# loops (lossviz.fit.regression), which check once and then evaluate hundreds of
# times on the same data, call them directly (:data:`ON_RESIDUAL`). Hyperparameters
# are as the checks return them: Python floats or float64 arrays broadcast with r.


def _mse(r):
    return r * r


def _mse_grad(r):
    return 2.0 * r


def _mae(r):
    return np.abs(r)


def _mae_grad(r):
    return np.sign(r)


def _huber(r, delta):
    a = np.abs(r)
    # Both branches are evaluated on |r| only, so neither can overflow.
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def _huber_grad(r, delta):
    return np.clip(r, -delta, delta)


def _smooth_l1(r, beta):
    a = np.abs(r)
    quad = a < beta  # never true for β = 0, so β = 0 takes the |r| − 0 branch: MAE
    return np.where(quad, 0.5 * a * a / _safe(beta, quad), a - 0.5 * beta)


def _smooth_l1_grad(r, beta):
    quad = np.abs(r) < beta
    return np.where(quad, r / _safe(beta, quad), np.sign(r))


def _pseudo_huber(r, delta):
    a = np.abs(r)
    # |r|/(hypot(δ, r) + δ) <= 1, so no intermediate is larger than the result.
    return delta * (a * (a / (np.hypot(delta, a) + delta)))


def _pseudo_huber_grad(r, delta):
    # r/hypot(δ, r) is in [−1, 1]: no overflow of (r/δ)² for a small δ.
    return delta * (r / _safe(np.hypot(delta, r), r != 0))


_LN2 = math.log(2.0)


def _log_cosh(r):
    a = np.abs(r)
    far = a >= 1.0
    # cosh r − 1 = 2 sinh²(r/2), exact for small r; sinh only of min(|r|, 1) never overflows.
    near = np.log1p(2.0 * np.sinh(0.5 * np.minimum(a, 1.0)) ** 2)
    return np.where(far, a + np.log1p(np.exp(-2.0 * a)) - _LN2, near)


def _log_cosh_grad(r):
    return np.tanh(r)


def _quantile(r, tau):
    u = -r  # y − ŷ
    return np.maximum(tau * u, (tau - 1.0) * u)


def _quantile_grad(r, tau):
    return np.where(r > 0, 1.0 - tau, np.where(r < 0, -tau, 0.0))


def _epsilon_insensitive(r, epsilon):
    return hinge_terms(np.abs(r) - epsilon)[0]


def _epsilon_insensitive_grad(r, epsilon):
    return np.sign(r) * hinge_terms(np.abs(r) - epsilon)[1]


def _general_robust(r, alpha, scale):
    if isinstance(alpha, float) and isinstance(scale, float):
        return _barron_scalar(r, alpha, scale, grad=False)
    return _barron(r, alpha, scale)[0]


def _general_robust_grad(r, alpha, scale):
    if isinstance(alpha, float) and isinstance(scale, float):
        return _barron_scalar(r, alpha, scale, grad=True)
    return _barron(r, alpha, scale)[1]


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
    return _mse(*_residual(y_true, y_pred))


@_checks.float64_result
def mse_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\partial/\partial\hat y\,(y - \hat y)^2 = 2(\hat y - y)`.

    Example:
      >>> float(mse_grad(1.0, 3.0))
      4.0
    """
    return _mse_grad(*_residual(y_true, y_pred))


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
    return _mae(*_residual(y_true, y_pred))


@_checks.float64_result
def mae_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\operatorname{sign}(\hat y - y)`, with the subgradient 0 at :math:`\hat y = y`.

    Example:
      >>> mae_grad([0.0, 0.0, 0.0], [-2.0, 0.0, 5.0]).tolist()
      [-1.0, 0.0, 1.0]
    """
    return _mae_grad(*_residual(y_true, y_pred))


# --- Huber, Smooth-L1, pseudo-Huber, log-cosh ------------------------------------------


@_checks.float64_result
def huber(y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0) -> np.ndarray:
    r"""Huber loss, quadratic near 0 and linear beyond :math:`\delta`.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
                  \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases},
        \quad r = \hat y - y.

    It is continuous with a continuous gradient ``clip(r, -δ, δ)``. PyTorch's
    ``SmoothL1Loss(beta=δ)`` (:func:`smooth_l1`) equals ``huber / δ``: the two
    differ by a factor δ.

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
    return _huber(*_residual(y_true, y_pred, ("delta", delta)))


@_checks.float64_result
def huber_grad(y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0) -> np.ndarray:
    r""":math:`\partial\ell/\partial\hat y = \operatorname{clip}(r, -\delta, \delta)`.

    Example:
      >>> huber_grad(0.0, [-3.0, 0.5, 3.0], delta=1.0).tolist()
      [-1.0, 0.5, 1.0]
    """
    delta = _checks.positive_param("delta", delta)
    return _huber_grad(*_residual(y_true, y_pred, ("delta", delta)))


@_checks.float64_result
def smooth_l1(y_true: ArrayLike, y_pred: ArrayLike, *, beta: ArrayLike = 1.0) -> np.ndarray:
    r"""Smooth-L1 loss (PyTorch's ``smooth_l1_loss``), elementwise.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2/\beta & |r| < \beta \\
                  |r| - \tfrac12\beta & |r| \ge \beta \end{cases}

    It is :func:`huber` divided by δ = β: Huber's linear part has slope δ, this
    one slope 1 whatever β. β = 0 is exactly :func:`mae` (no division by zero).

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.
      beta: the threshold β >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: R. Girshick, "Fast R-CNN", ICCV 2015 (eq. 3, β = 1).

    Example:
      >>> smooth_l1(0.0, [0.5, 3.0], beta=1.0).tolist()
      [0.125, 2.5]
    """
    beta = _checks.nonnegative_param("beta", beta)
    return _smooth_l1(*_residual(y_true, y_pred, ("beta", beta)))


@_checks.float64_result
def smooth_l1_grad(y_true: ArrayLike, y_pred: ArrayLike, *, beta: ArrayLike = 1.0) -> np.ndarray:
    r""":math:`r/\beta` for :math:`|r| < \beta`, else :math:`\operatorname{sign}(r)`.

    Continuous at |r| = β; for β = 0 it is MAE's sign(r) with 0 at r = 0.

    Example:
      >>> smooth_l1_grad(0.0, [-3.0, 0.5, 3.0], beta=2.0).tolist()
      [-1.0, 0.25, 1.0]
    """
    beta = _checks.nonnegative_param("beta", beta)
    return _smooth_l1_grad(*_residual(y_true, y_pred, ("beta", beta)))


@_checks.float64_result
def pseudo_huber(y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0) -> np.ndarray:
    r"""Pseudo-Huber (Charbonnier) loss, a smooth Huber: ½r² near 0, ≈ δ|r| far out.

    .. math::
        \ell(r) = \delta^2\Big(\sqrt{1 + (r/\delta)^2} - 1\Big)
                = \frac{\delta\,r^2}{\sqrt{\delta^2 + r^2} + \delta}

    The second form is used: no cancellation for small r (the first subtracts
    two numbers near 1) and, written as δ·|r|·(|r|/(hypot(δ, r) + δ)), no
    overflow of r² for large r.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.
      delta: δ > 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: P. Charbonnier, L. Blanc-Féraud, G. Aubert, M. Barlaud,
    "Deterministic edge-preserving regularization in computed imaging",
    IEEE Trans. Image Processing, 1997; R. Hartley, A. Zisserman, Multiple View
    Geometry (2nd ed., 2003), §A6.8.

    Example:
      >>> round(float(pseudo_huber(0.0, 1.0)), 6)  # √2 − 1
      0.414214
    """
    delta = _checks.positive_param("delta", delta)
    return _pseudo_huber(*_residual(y_true, y_pred, ("delta", delta)))


@_checks.float64_result
def pseudo_huber_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, delta: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial\hat y = r/\sqrt{1 + (r/\delta)^2}`, in (−δ, δ).

    Computed as δ·r/hypot(δ, r), so (r/δ)² never overflows.

    Example:
      >>> round(float(pseudo_huber_grad(0.0, 1.0)), 6)  # 1/√2
      0.707107
    """
    delta = _checks.positive_param("delta", delta)
    return _pseudo_huber_grad(*_residual(y_true, y_pred, ("delta", delta)))


@_checks.float64_result
def log_cosh(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r"""Log-cosh loss :math:`\log\cosh(\hat y - y)`: ½r² near 0, |r| − ln 2 far out.

    Computed without overflow for any finite r (cosh overflows beyond |r| ≈ 710):
    as :math:`|r| + \operatorname{log1p}(e^{-2|r|}) - \ln 2` for |r| >= 1, and as
    :math:`\operatorname{log1p}(2\sinh^2(r/2))` below 1, where the first form
    would lose the small result to cancellation.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.

    Returns:
      float64 array of the broadcast shape.

    Reference: P. Saleh, R. Saleh, "Statistical Properties of the log-cosh Loss
    Function Used in Machine Learning", arXiv:2208.04564, 2022.

    Example:
      >>> round(float(log_cosh(0.0, 1.0)), 6)  # ln cosh 1
      0.433781
    """
    return _log_cosh(*_residual(y_true, y_pred))


@_checks.float64_result
def log_cosh_grad(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    r""":math:`\partial\ell/\partial\hat y = \tanh(\hat y - y)`, in (−1, 1).

    Example:
      >>> round(float(log_cosh_grad(0.0, 1.0)), 6)
      0.761594
    """
    return _log_cosh_grad(*_residual(y_true, y_pred))


# --- quantile, ε-insensitive -----------------------------------------------------------


@_checks.float64_result
def quantile(y_true: ArrayLike, y_pred: ArrayLike, *, tau: ArrayLike = 0.5) -> np.ndarray:
    r"""Quantile (pinball) loss :math:`\max(\tau(y-\hat y), (\tau-1)(y-\hat y))`.

    Its minimiser over a constant prediction is the τ-quantile of y: an
    under-prediction costs τ per unit, an over-prediction 1 − τ. τ = ½ is ½ MAE.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.
      tau: the quantile τ in the open interval (0, 1), scalar or array.

    Returns:
      float64 array of the broadcast shape.

    Reference: R. Koenker, G. Bassett, "Regression Quantiles", Econometrica, 1978.

    Example:
      >>> quantile([1.0, 1.0], [0.0, 2.0], tau=0.9).tolist()
      [0.9, 0.09999999999999998]
    """
    tau = _checks.open_unit_param("tau", tau)
    return _quantile(*_residual(y_true, y_pred, ("tau", tau)))


@_checks.float64_result
def quantile_grad(y_true: ArrayLike, y_pred: ArrayLike, *, tau: ArrayLike = 0.5) -> np.ndarray:
    r""":math:`\partial\ell/\partial\hat y = 1-\tau` if ŷ > y, :math:`-\tau` if ŷ < y.

    At ŷ = y the subgradient 0 is used (0 lies in [−τ, 1 − τ]).

    Example:
      >>> quantile_grad(1.0, [0.0, 1.0, 2.0], tau=0.75).tolist()
      [-0.75, 0.0, 0.25]
    """
    tau = _checks.open_unit_param("tau", tau)
    return _quantile_grad(*_residual(y_true, y_pred, ("tau", tau)))


@_checks.float64_result
def epsilon_insensitive(
    y_true: ArrayLike, y_pred: ArrayLike, *, epsilon: ArrayLike = 0.1
) -> np.ndarray:
    r"""ε-insensitive loss of support-vector regression: :math:`\max(0, |r| - \varepsilon)`.

    Residuals inside the tube |r| <= ε cost nothing; ε = 0 is MAE.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions.
      epsilon: the half-width ε >= 0 of the tube, scalar or array.

    Returns:
      float64 array of the broadcast shape.

    Reference: V. Vapnik, The Nature of Statistical Learning Theory, Springer
    1995; scikit-learn ``SGDRegressor(loss="epsilon_insensitive")``.

    Example:
      >>> epsilon_insensitive(0.0, [0.05, -0.5], epsilon=0.1).tolist()
      [0.0, 0.4]
    """
    epsilon = _checks.nonnegative_param("epsilon", epsilon)
    return _epsilon_insensitive(*_residual(y_true, y_pred, ("epsilon", epsilon)))


@_checks.float64_result
def epsilon_insensitive_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, epsilon: ArrayLike = 0.1
) -> np.ndarray:
    r""":math:`\operatorname{sign}(r)` outside the tube |r| > ε, else 0.

    At the kinks |r| = ε the subgradient 0 is used (0 lies in the subdifferential).

    Example:
      >>> epsilon_insensitive_grad(0.0, [0.05, -0.5, 0.1], epsilon=0.1).tolist()
      [0.0, -1.0, 0.0]
    """
    epsilon = _checks.nonnegative_param("epsilon", epsilon)
    return _epsilon_insensitive_grad(*_residual(y_true, y_pred, ("epsilon", epsilon)))


# --- Barron's general robust loss ------------------------------------------------------


def _barron_scalar(r: np.ndarray, alpha: float, scale: float, grad: bool) -> np.ndarray:
    """ρ(r, α, c) (or ∂ρ/∂r when ``grad``) for a scalar α and c: the same operations as
    :func:`_barron`, but only the one case that α selects and only the output asked for
    (the array form evaluates all five cases and both outputs, ~10× the work)."""
    with np.errstate(divide="ignore", over="ignore"):  # as in _barron
        if alpha == 2.0:
            x = r / scale
            return x / scale if grad else 0.5 * x * x
        log_x = np.log(np.abs(r)) - math.log(scale)
        if alpha == 0.0:
            log_base0 = np.logaddexp(0.0, 2.0 * log_x - _LN2)
            if not grad:
                return log_base0
            log_factor = -log_base0
        elif alpha in (-math.inf, math.inf):
            x = r / scale
            half_x2 = 0.5 * x * x
            if not grad:
                return -np.expm1(-half_x2) if alpha < 0 else np.expm1(half_x2)
            log_factor = -half_x2 if alpha < 0 else half_x2
        else:
            b = abs(alpha - 2.0)
            log_base = np.logaddexp(0.0, 2.0 * log_x - math.log(b))
            if grad:
                log_factor = (0.5 * alpha - 1.0) * log_base
            else:
                u = 0.5 * alpha * log_base
                nz = u != 0.0
                ratio = np.where(nz, np.expm1(u) / np.where(nz, u, 1.0), 1.0)
                return 0.5 * b * log_base * ratio
        return np.sign(r) * np.exp(log_x - math.log(scale) + log_factor)


def _barron(r: np.ndarray, alpha, scale) -> tuple[np.ndarray, np.ndarray]:
    """ρ(r, α, c) and ∂ρ/∂r elementwise in α, with its four special cases exact."""
    is2, is0 = alpha == 2.0, alpha == 0.0
    ninf, pinf = alpha == -math.inf, alpha == math.inf
    a = np.where(is2 | is0 | ninf | pinf, 1.0, alpha)  # a harmless stand-in where special
    b = np.abs(a - 2.0)
    with np.errstate(divide="ignore", over="ignore"):  # log 0 = −inf at r = 0; +inf results
        x = r / scale
        log_x = np.log(np.abs(r)) - np.log(scale)  # log|x|: never overflows, −inf at x = 0
        # log((x/c)²/b + 1) = softplus(2 log|x| − log b): no overflow of x², and log1p
        # precision for small x.
        log_base = np.logaddexp(0.0, 2.0 * log_x - np.log(b))
        log_base0 = np.logaddexp(0.0, 2.0 * log_x - _LN2)  # α = 0: log(½(x/c)² + 1)
        half_x2 = 0.5 * x * x
        # (b/α)·expm1(u), u = α/2·log base, written as ½·b·log base·expm1(u)/u: expm1
        # keeps full relative precision as α → 0 and as α → 2 (b → 0), where the plain
        # form cancels, and b/α cannot overflow for a subnormal α (expm1(u)/u → 1).
        u = 0.5 * a * log_base
        ratio = np.where(u == 0.0, 1.0, np.expm1(u) / np.where(u == 0.0, 1.0, u))
        general = 0.5 * b * log_base * ratio
        value = np.select(
            [is2, is0, ninf, pinf],
            [half_x2, log_base0, -np.expm1(-half_x2), np.expm1(half_x2)],
            general,
        )
        # ∂ρ/∂r = (x/c)·base^{α/2 − 1}, in log space: x/c can overflow while the power
        # underflows (α < 2, huge x), and inf·0 would be NaN.
        log_factor = np.select(
            [is0, ninf, pinf], [-log_base0, -half_x2, half_x2], (0.5 * a - 1.0) * log_base
        )
        grad = np.where(is2, x / scale, np.sign(r) * np.exp(log_x - np.log(scale) + log_factor))
    return value, grad


def _barron_args(y_true, y_pred, alpha, scale):
    alpha = _checks.extended_real_param("alpha", alpha)
    scale = _checks.positive_param("scale", scale)
    return _residual(y_true, y_pred, ("alpha", alpha), ("scale", scale))


@_checks.float64_result
def general_robust(
    y_true: ArrayLike, y_pred: ArrayLike, *, alpha: ArrayLike = 1.0, scale: ArrayLike = 1.0
) -> np.ndarray:
    r"""Barron's general and adaptive robust loss ρ(r, α, c), elementwise.

    .. math::
        \rho(x, \alpha, c) = \frac{|\alpha-2|}{\alpha}
          \left[\left(\frac{(x/c)^2}{|\alpha-2|} + 1\right)^{\alpha/2} - 1\right]

    with its limits taken exactly: α = 2 is ½(x/c)² (L2), α = 0 is
    log(½(x/c)² + 1) (Cauchy), α = −∞ is 1 − exp(−½(x/c)²) (Welsch) and α = +∞
    is exp(½(x/c)²) − 1. α = 1 is Charbonnier √((x/c)² + 1) − 1 and α = −2
    Geman–McClure 2(x/c)²/((x/c)² + 4). Computed as (|α−2|/α)·expm1(α/2·
    log1p((x/c)²/|α−2|)), so there is no cancellation near α = 0 or α = 2.
    Where the value exceeds float64 the result is +inf, without a warning: for
    α > 2 (and α = +∞) the loss grows faster than |x/c|^α, for α <= 2 that takes
    |x/c| beyond ~1e154 (α = 2) or more; the gradient is finite for every α <= 2.

    Args:
      y_true: targets, any shape broadcastable with ``y_pred``.
      y_pred: predictions; x = ŷ − y.
      alpha: the shape α, any real number or ±inf (not NaN); scalar or array.
      scale: the scale c > 0 (the width of the quadratic bowl); scalar or array.

    Returns:
      float64 array of the broadcast shape, >= 0.

    Reference: J. T. Barron, "A General and Adaptive Robust Loss Function",
    CVPR 2019, eq. 1 and eq. 2 (its special cases).

    Example:
      >>> round(float(general_robust(0.0, 1.0, alpha=1.0)), 6)  # Charbonnier: √2 − 1
      0.414214
    """
    return _general_robust(*_barron_args(y_true, y_pred, alpha, scale))


@_checks.float64_result
def general_robust_grad(
    y_true: ArrayLike, y_pred: ArrayLike, *, alpha: ArrayLike = 1.0, scale: ArrayLike = 1.0
) -> np.ndarray:
    r"""Gradient of :func:`general_robust` w.r.t. ``y_pred``.

    .. math::
        \frac{\partial\rho}{\partial\hat y} = \frac{x}{c^2}
          \left(\frac{(x/c)^2}{|\alpha-2|} + 1\right)^{\alpha/2-1}

    With the limits: x/c² (α = 2), 2x/(x² + 2c²) (α = 0), (x/c²)·exp(−½(x/c)²)
    (α = −∞), (x/c²)·exp(½(x/c)²) (α = +∞, +inf beyond float64).

    Example:
      >>> round(float(general_robust_grad(0.0, 1.0, alpha=1.0)), 6)  # 1/√2
      0.707107
    """
    return _general_robust_grad(*_barron_args(y_true, y_pred, alpha, scale))


# --- likelihoods: Poisson, Gaussian ----------------------------------------------------


def _poisson_args(counts, log_rate):
    y = _checks.nonnegative("counts", counts)
    z = _checks.finite("log_rate", log_rate)
    return _checks.broadcast(("counts", y), ("log_rate", z))


@_checks.float64_result
def poisson_nll(counts: ArrayLike, log_rate: ArrayLike) -> np.ndarray:
    r"""Poisson negative log-likelihood from the log-rate: :math:`e^z - y\,z`.

    PyTorch's ``poisson_nll_loss(log_rate, counts, log_input=True, full=False)``:
    the constant log y! (Stirling term) is dropped, so the value can be negative.
    For z beyond ≈ 709.78, e^z exceeds float64 and the loss is +inf, without a
    warning.

    Args:
      counts: observed counts y >= 0 (finite; need not be integers).
      log_rate: the predicted log-rate z = log λ, finite.

    Returns:
      float64 array of the broadcast shape.

    Reference: P. McCullagh, J. A. Nelder, Generalized Linear Models (2nd ed.,
    1989), ch. 6 (log link).

    Example:
      >>> float(poisson_nll(2.0, 0.0))  # e⁰ − 2·0
      1.0
    """
    y, z = _poisson_args(counts, log_rate)
    with np.errstate(over="ignore"):  # e^z = +inf beyond z ≈ 709.78: the loss is +inf
        return np.exp(z) - y * z


@_checks.float64_result
def poisson_nll_grad(counts: ArrayLike, log_rate: ArrayLike) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = e^z - y` (+inf beyond z ≈ 709.78).

    Example:
      >>> float(poisson_nll_grad(2.0, 0.0))
      -1.0
    """
    y, z = _poisson_args(counts, log_rate)
    with np.errstate(over="ignore"):
        return np.exp(z) - y


def _gaussian_args(y_true, mean, var):
    y = _checks.finite("y_true", y_true)
    mu = _checks.finite("mean", mean)
    v = _checks.positive("var", var)
    y, mu, v = _checks.broadcast(("y_true", y), ("mean", mu), ("var", v))
    # The standardised residual (μ − y)/√v: squaring it, not (μ − y)² then /v,
    # overflows only where the loss itself does.
    return mu - y, v, (mu - y) / np.sqrt(v)


@_checks.float64_result
def gaussian_nll(y_true: ArrayLike, mean: ArrayLike, var: ArrayLike) -> np.ndarray:
    r"""Gaussian negative log-likelihood with a predicted variance.

    .. math::
        \ell(y, \mu, v) = \tfrac12\Big(\log v + \frac{(y - \mu)^2}{v}\Big)

    PyTorch's ``gaussian_nll_loss(mean, y, var, full=False)`` without its clamp
    of var at eps: the constant ½ log 2π is dropped, so the value can be negative.

    Args:
      y_true: targets y, finite.
      mean: predicted means μ, finite.
      var: predicted variances v > 0, finite.

    Returns:
      float64 array of the broadcast shape.

    Reference: D. A. Nix, A. S. Weigend, "Estimating the mean and variance of the
    target probability distribution", ICNN 1994.

    Example:
      >>> float(gaussian_nll(1.0, 3.0, 1.0))  # ½(0 + 4)
      2.0
    """
    _, v, q = _gaussian_args(y_true, mean, var)
    return 0.5 * (np.log(v) + q * q)


@_checks.float64_result
def gaussian_nll_grad(
    y_true: ArrayLike, mean: ArrayLike, var: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂μ, ∂ℓ/∂v) = ((μ − y)/v, ½(1/v − (y − μ)²/v²))``.

    Example:
      >>> [float(g) for g in gaussian_nll_grad(1.0, 3.0, 1.0)]
      [2.0, -1.5]
    """
    d, v, q = _gaussian_args(y_true, mean, var)
    return d / v, 0.5 * (1.0 - q * q) / v


#: Loss key → (value, gradient) on the residual r = ŷ − y with checked hyperparameters
#: (keyword arguments named as the public loss's): the formulas themselves, without
#: the argument checks, for loops that check once (:mod:`lossviz.fit.regression`).
ON_RESIDUAL = {
    "mse": (_mse, _mse_grad),
    "mae": (_mae, _mae_grad),
    "huber": (_huber, _huber_grad),
    "smooth_l1": (_smooth_l1, _smooth_l1_grad),
    "pseudo_huber": (_pseudo_huber, _pseudo_huber_grad),
    "log_cosh": (_log_cosh, _log_cosh_grad),
    "quantile": (_quantile, _quantile_grad),
    "epsilon_insensitive": (_epsilon_insensitive, _epsilon_insensitive_grad),
    "general_robust": (_general_robust, _general_robust_grad),
}
