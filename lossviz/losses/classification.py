"""Classification losses from logits and scores.

Binary and categorical cross-entropy and focal loss (probabilistic, from
logits, in nats), and the margin losses of linear classifiers: hinge, squared
hinge, modified Huber, exponential (AdaBoost) and the Weston–Watkins multiclass
hinge. The cross-entropies are computed in log space, so values and gradients
are exact and finite for logits anywhere in [-1e4, 1e4]. Hyperparameters are
scalars or arrays that broadcast with the inputs (for the losses reduced over
the class axis, against the reduced shape).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import hinge_terms, log_softmax, sigmoid, softplus_pm


def _binary_args(labels: ArrayLike, logits: ArrayLike, *params) -> tuple:
    y = _checks.unit_interval("labels", labels)
    z = _checks.finite("logits", logits)
    return _checks.broadcast(("labels", y), ("logits", z), *params)


def _bce(y: np.ndarray, z: np.ndarray, w=1.0, sp=None) -> np.ndarray:
    # w·y·softplus(−z) + (1−y)·softplus(z): each term exact, no log(σ) of a rounded σ,
    # and no 0·inf when a label is exactly 0 or 1 (softplus is finite for finite z).
    # w·y is y exactly for w = 1, so pos_weight = 1 is the unweighted loss bit for bit.
    # ``sp``: (softplus(z), softplus(−z)) when the caller has them already.
    pos, neg = softplus_pm(z) if sp is None else sp
    return (w * y) * neg + (1.0 - y) * pos


@_checks.float64_result
def binary_cross_entropy(
    labels: ArrayLike, logits: ArrayLike, *, pos_weight: ArrayLike = 1.0
) -> np.ndarray:
    r"""Binary cross-entropy from logits, elementwise.

    .. math::
        \ell(y, z) = -\big[w\,y \log\sigma(z) + (1-y)\log(1-\sigma(z))\big]
                   = w\,y\,\mathrm{softplus}(-z) + (1-y)\,\mathrm{softplus}(z)

    with w = ``pos_weight``, the weight of the positive term, as PyTorch's
    ``BCEWithLogitsLoss(pos_weight=w)``: w = n_neg/n_pos balances rare positives.

    Args:
      labels: targets ``y`` in [0, 1] (soft labels allowed).
      logits: real scores ``z``; ``σ(z)`` is the predicted probability of class 1.
      pos_weight: w >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape, in nats.

    Reference: the Bernoulli negative log-likelihood; PyTorch ``BCEWithLogitsLoss``.

    Example:
      >>> round(float(binary_cross_entropy(1.0, 0.0)), 6)  # ln 2
      0.693147
      >>> round(float(binary_cross_entropy(1.0, 0.0, pos_weight=3.0)), 6)  # 3 ln 2
      2.079442
    """
    w = _checks.nonnegative_param("pos_weight", pos_weight)
    y, z, w = _binary_args(labels, logits, ("pos_weight", w))
    return _bce(y, z, w)


@_checks.float64_result
def binary_cross_entropy_grad(
    labels: ArrayLike, logits: ArrayLike, *, pos_weight: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = -w\,y\,\sigma(-z) + (1-y)\,\sigma(z)`.

    For w = 1 it is computed as the familiar ``σ(z) − y``, bit for bit.

    Example:
      >>> float(binary_cross_entropy_grad(1.0, 0.0))
      -0.5
    """
    w = _checks.nonnegative_param("pos_weight", pos_weight)
    y, z, w = _binary_args(labels, logits, ("pos_weight", w))
    g = sigmoid(z) - y  # w = 1: the seed's form, bit for bit
    if isinstance(w, float) and w == 1.0:
        return g
    # w ≠ 1: the two terms apart, each with the σ of its own sign (σ(z) − 1 would lose
    # the digits of a small σ(−z)); elements with w = 1 keep the form above.
    return np.where(w == 1.0, g, (1.0 - y) * sigmoid(z) - (w * y) * sigmoid(-z))


def _class_args(labels: ArrayLike, logits: ArrayLike, label_smoothing) -> tuple:
    eps = _checks.unit_param("label_smoothing", label_smoothing)
    y = _checks.unit_interval("labels", labels)
    z = _checks.finite("logits", logits)
    y, z, eps = _checks.with_class_axis(
        ("labels", y), ("logits", z), outer=(("label_smoothing", eps),)
    )
    # Smoothed targets t = (1 − ε)y + ε/K; for ε = 0 they are y exactly.
    return (1.0 - eps) * y + eps / z.shape[-1], z


@_checks.float64_result
def categorical_cross_entropy(
    labels: ArrayLike, logits: ArrayLike, *, label_smoothing: ArrayLike = 0.0
) -> np.ndarray:
    r"""Categorical cross-entropy from logits, reduced over the last (class) axis only.

    .. math::
        \ell(y, z) = -\sum_k t_k \log\operatorname{softmax}(z)_k, \quad
        t = (1-\varepsilon)\,y + \varepsilon/K

    ε = ``label_smoothing`` mixes the targets with the uniform distribution over
    the K classes, as PyTorch's ``CrossEntropyLoss(label_smoothing=ε)``.

    Args:
      labels: one-hot or soft targets ``(..., K)`` with entries in [0, 1].
      logits: real scores ``(..., K)``.
      label_smoothing: ε in [0, 1], a scalar or an array that broadcasts against
        the reduced shape ``(...)``.

    Returns:
      float64 array of shape ``broadcast(labels, logits).shape[:-1]``, in nats.

    Reference: PyTorch ``CrossEntropyLoss`` with probability targets; label
    smoothing: C. Szegedy et al., "Rethinking the Inception Architecture for
    Computer Vision", CVPR 2016, §7.

    Example:
      >>> round(float(categorical_cross_entropy([1, 0, 0], [2.0, 1.0, 0.1])), 6)
      0.41703
    """
    t, z = _class_args(labels, logits, label_smoothing)
    return -np.sum(t * log_softmax(z), axis=-1)


@_checks.float64_result
def categorical_cross_entropy_grad(
    labels: ArrayLike, logits: ArrayLike, *, label_smoothing: ArrayLike = 0.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial z_k = \operatorname{softmax}(z)_k\sum_j t_j - t_k`.

    For targets that sum to 1 this is the familiar ``softmax(z) − t``.

    Example:
      >>> categorical_cross_entropy_grad([0, 1], [0.0, 0.0]).tolist()
      [0.5, -0.5]
    """
    t, z = _class_args(labels, logits, label_smoothing)
    p = np.exp(log_softmax(z))
    return p * np.sum(t, axis=-1, keepdims=True) - t


def _focal_args(labels, logits, gamma, alpha):
    gamma = _checks.nonnegative_param("gamma", gamma)
    alpha = None if alpha is None else _checks.unit_param("alpha", alpha, or_none=True)
    if alpha is None:
        y, z, gamma = _binary_args(labels, logits, ("gamma", gamma))
    else:
        y, z, gamma, alpha = _binary_args(labels, logits, ("gamma", gamma), ("alpha", alpha))
    return y, z, gamma, alpha


def _log_one_minus_pt(y: np.ndarray, sp: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """log(1 − p_t), where 1 − p_t = y·σ(−z) + (1 − y)·σ(z), in log space.

    ``logaddexp`` of the two log terms stays finite at |z| = 1e4, where
    1 − p_t itself would underflow to 0 and its log to −inf.
    """
    with np.errstate(divide="ignore"):  # log 0 = −inf for hard labels, handled by logaddexp
        # log σ(−z) = −softplus(z), log σ(z) = −softplus(−z); sp = (softplus(z), softplus(−z)).
        return np.logaddexp(np.log(y) - sp[0], np.log1p(-y) - sp[1])


def _alpha_t(y: np.ndarray, alpha) -> np.ndarray | float:
    return 1.0 if alpha is None else alpha * y + (1.0 - alpha) * (1.0 - y)


@_checks.float64_result
def focal(
    labels: ArrayLike,
    logits: ArrayLike,
    *,
    gamma: ArrayLike = 2.0,
    alpha: ArrayLike | None = 0.25,
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
      gamma: focusing parameter γ >= 0, a scalar or an array broadcast with the inputs.
      alpha: weight of the positive class in [0, 1] (scalar or array), or None.

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
    sp = softplus_pm(z)
    weight = np.exp(gamma * _log_one_minus_pt(y, sp))
    return _alpha_t(y, alpha) * weight * _bce(y, z, sp=sp)


@_checks.float64_result
def focal_grad(
    labels: ArrayLike,
    logits: ArrayLike,
    *,
    gamma: ArrayLike = 2.0,
    alpha: ArrayLike | None = 0.25,
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
    sp = softplus_pm(z)
    l1m = _log_one_minus_pt(y, sp)
    ce = _bce(y, z, sp=sp)
    first = np.exp(gamma * l1m) * (sigmoid(z) - y)
    # log of γ (1−p_t)^{γ−1} p (1−p); log p + log(1−p) = logσ(z) + logσ(−z). It is
    # <= log γ (p(1−p) <= 1 − p_t), so exp never overflows. γ = 0 has no second term:
    # it is evaluated on the stand-in γ = 1 there (no log 0) and set to 0 exactly, so
    # γ = 0 is BCE's gradient bit for bit.
    live = gamma > 0.0
    g = np.where(live, gamma, 1.0)
    log_mag = np.log(g) + (g - 1.0) * l1m - sp[0] - sp[1]  # + log σ(z) + log σ(−z)
    second = np.where(live, (1.0 - 2.0 * y) * np.exp(log_mag) * ce, 0.0)
    return _alpha_t(y, alpha) * (first + second)


# --- margin losses of linear classifiers: labels 0/1, t = 2y − 1 -------------------------


def _margin_args(labels: ArrayLike, scores: ArrayLike, *params) -> tuple:
    y = _checks.binary("labels", labels)
    z = _checks.finite("scores", scores)
    y, z, *ps = _checks.broadcast(("labels", y), ("scores", z), *params)
    return 2.0 * y - 1.0, z, *ps


@_checks.float64_result
def hinge(labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0) -> np.ndarray:
    r"""Hinge loss of the support-vector machine: :math:`\max(0, m - t z)`, t = 2y − 1.

    Zero once a sample is on the right side with functional margin t·z >= m; it
    upper-bounds the zero-one loss 1[t·z <= 0] for m = 1.

    Args:
      labels: class labels, exactly 0 or 1 (t = 2y − 1 = ±1).
      scores: real scores z (decision values), finite.
      margin: m >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: C. Cortes, V. Vapnik, "Support-Vector Networks", Machine Learning,
    1995; scikit-learn ``SGDClassifier(loss="hinge")``.

    Example:
      >>> hinge([1, 1, 0], [2.0, 0.5, 0.5]).tolist()
      [0.0, 0.5, 1.5]
    """
    margin = _checks.nonnegative_param("margin", margin)
    t, z, m = _margin_args(labels, scores, ("margin", margin))
    return hinge_terms(m - t * z)[0]


@_checks.float64_result
def hinge_grad(labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = -t` where t·z < m, else 0.

    At the kink t·z = m the subgradient 0 is used (0 lies in [−1, 0]·t).
    scikit-learn's ``Hinge.dloss`` takes −t there instead.

    Example:
      >>> hinge_grad([1, 1, 0], [2.0, 0.5, 0.5]).tolist()
      [-0.0, -1.0, 1.0]
    """
    margin = _checks.nonnegative_param("margin", margin)
    t, z, m = _margin_args(labels, scores, ("margin", margin))
    return -t * hinge_terms(m - t * z)[1]


@_checks.float64_result
def squared_hinge(labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0) -> np.ndarray:
    r"""Squared hinge loss :math:`\max(0, m - t z)^2`, t = 2y − 1: a differentiable hinge.

    Args:
      labels: class labels, exactly 0 or 1.
      scores: real scores z, finite.
      margin: m >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: the L2-SVM; scikit-learn ``SGDClassifier(loss="squared_hinge")``;
    R.-E. Fan et al., "LIBLINEAR", JMLR 2008.

    Example:
      >>> squared_hinge([1, 0], [0.5, 0.5]).tolist()
      [0.25, 2.25]
    """
    margin = _checks.nonnegative_param("margin", margin)
    t, z, m = _margin_args(labels, scores, ("margin", margin))
    h = hinge_terms(m - t * z)[0]
    return h * h


@_checks.float64_result
def squared_hinge_grad(
    labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = -2t\max(0, m - t z)` (continuous, 0 at t·z = m).

    Example:
      >>> squared_hinge_grad([1, 0], [0.5, 0.5]).tolist()
      [-1.0, 3.0]
    """
    margin = _checks.nonnegative_param("margin", margin)
    t, z, m = _margin_args(labels, scores, ("margin", margin))
    return -2.0 * t * hinge_terms(m - t * z)[0]


@_checks.float64_result
def modified_huber(labels: ArrayLike, scores: ArrayLike) -> np.ndarray:
    r"""Modified Huber loss: the squared hinge, made linear below t·z = −1.

    .. math::
        \ell = \begin{cases} \max(0, 1 - t z)^2 & t z \ge -1 \\ -4 t z & t z < -1 \end{cases}

    Continuous with a continuous gradient at t·z = −1 (both pieces are 4 with
    slope −4t there), so outliers cost linearly, not quadratically.

    Args:
      labels: class labels, exactly 0 or 1.
      scores: real scores z, finite.

    Returns:
      float64 array of the broadcast shape.

    Reference: T. Zhang, "Solving Large Scale Linear Prediction Problems Using
    Stochastic Gradient Descent Algorithms", ICML 2004; scikit-learn
    ``SGDClassifier(loss="modified_huber")``.

    Example:
      >>> modified_huber([1, 1, 1], [2.0, 0.0, -3.0]).tolist()
      [0.0, 1.0, 12.0]
    """
    t, z = _margin_args(labels, scores)
    tz = t * z
    h = hinge_terms(1.0 - tz)[0]
    return np.where(tz >= -1.0, h * h, -4.0 * tz)


@_checks.float64_result
def modified_huber_grad(labels: ArrayLike, scores: ArrayLike) -> np.ndarray:
    r""":math:`-2t\max(0, 1 - t z)` for t·z >= −1, else :math:`-4t`.

    Example:
      >>> modified_huber_grad([1, 1, 1], [2.0, 0.0, -3.0]).tolist()
      [-0.0, -2.0, -4.0]
    """
    t, z = _margin_args(labels, scores)
    tz = t * z
    return np.where(tz >= -1.0, -2.0 * t * hinge_terms(1.0 - tz)[0], -4.0 * t)


@_checks.float64_result
def exponential(labels: ArrayLike, scores: ArrayLike) -> np.ndarray:
    r"""Exponential loss of AdaBoost: :math:`e^{-t z}`, t = 2y − 1.

    It punishes a confident mistake exponentially, hence its sensitivity to label
    noise. Where −t·z exceeds ≈ 709.78 the value exceeds float64 and is +inf,
    without a warning (never NaN).

    Args:
      labels: class labels, exactly 0 or 1.
      scores: real scores z, finite.

    Returns:
      float64 array of the broadcast shape, > 0 (or +inf).

    Reference: Y. Freund, R. E. Schapire, "A Decision-Theoretic Generalization of
    On-Line Learning and an Application to Boosting", 1997; J. Friedman, T. Hastie,
    R. Tibshirani, "Additive Logistic Regression", Annals of Statistics, 2000.

    Example:
      >>> round(float(exponential(1, 1.0)), 6)  # e^−1
      0.367879
    """
    t, z = _margin_args(labels, scores)
    with np.errstate(over="ignore"):  # e^(−tz) = +inf beyond −tz ≈ 709.78: the loss is +inf
        return np.exp(-t * z)


@_checks.float64_result
def exponential_grad(labels: ArrayLike, scores: ArrayLike) -> np.ndarray:
    r""":math:`\partial\ell/\partial z = -t\,e^{-t z}` (±inf where e^{−tz} overflows).

    Example:
      >>> round(float(exponential_grad(0, 0.0)), 6)
      1.0
    """
    t, z = _margin_args(labels, scores)
    with np.errstate(over="ignore"):
        return -t * np.exp(-t * z)


def _multiclass_args(labels: ArrayLike, scores: ArrayLike, margin) -> tuple:
    margin = _checks.nonnegative_param("margin", margin)
    y = _checks.one_hot("labels", labels)
    s = _checks.finite("scores", scores)
    y, s, m = _checks.with_class_axis(("labels", y), ("scores", s), outer=(("margin", margin),))
    # s_c, the labelled class's score: Σ y_k s_k is exact for one-hot y (one product, zeros).
    s_c = np.sum(y * s, axis=-1, keepdims=True)
    # Every class k ≠ c: its hinge max(0, m − s_c + s_k); the class c itself is masked out.
    value, active = hinge_terms(m - s_c + s)
    return y, (1.0 - y) * value, (1.0 - y) * active


@_checks.float64_result
def multiclass_hinge(
    labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0
) -> np.ndarray:
    r"""Weston–Watkins multiclass hinge loss, reduced over the last (class) axis.

    .. math::
        \ell(y, s) = \sum_{k \ne c} \max(0, m - s_c + s_k)

    where c is the class marked by the one-hot ``labels``. PyTorch's
    ``multi_margin_loss`` (p = 1) is this divided by K; Crammer–Singer would take
    the max over k instead of the sum.

    Args:
      labels: one-hot labels ``(..., K)``: entries 0 or 1, exactly one 1 per row.
      scores: real scores ``(..., K)``, finite.
      margin: m >= 0, a scalar or an array that broadcasts against the reduced
        shape ``(...)``.

    Returns:
      float64 array of shape ``broadcast(labels, scores).shape[:-1]``.

    Reference: J. Weston, C. Watkins, "Support Vector Machines for Multi-Class
    Pattern Recognition", ESANN 1999.

    Example:
      >>> float(multiclass_hinge([1, 0, 0], [2.0, 1.5, -1.0]))  # max(0, 1 − 0.5) + 0
      0.5
    """
    _, value, _ = _multiclass_args(labels, scores, margin)
    return np.sum(value, axis=-1)


@_checks.float64_result
def multiclass_hinge_grad(
    labels: ArrayLike, scores: ArrayLike, *, margin: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial s_k = a_k` for k ≠ c and :math:`-\sum_{j\ne c} a_j` for c.

    a_k = 1[m − s_c + s_k > 0]; at a kink (= 0) the subgradient 0 is used.

    Example:
      >>> multiclass_hinge_grad([1, 0, 0], [2.0, 1.5, -1.0]).tolist()
      [-1.0, 1.0, 0.0]
    """
    y, _, active = _multiclass_args(labels, scores, margin)
    return active - y * np.sum(active, axis=-1, keepdims=True)
