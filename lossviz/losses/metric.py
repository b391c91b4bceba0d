"""Metric-learning losses: contrastive and triplet on distances, InfoNCE on
similarities, cosine embedding on cosines. Hyperparameters broadcast with the inputs."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import hinge_terms


def _contrastive_args(labels, distance, margin):
    margin = _checks.nonnegative_param("margin", margin)
    y = _checks.unit_interval("labels", labels)
    d = _checks.nonnegative("distance", distance)
    return _checks.broadcast(("labels", y), ("distance", d), ("margin", margin))


def contrastive_terms(y: np.ndarray, d: np.ndarray, m) -> tuple[np.ndarray, np.ndarray]:
    """Contrastive loss and ∂ℓ/∂d for inputs already checked (float64, broadcast, m >= 0).

    The one formula behind :func:`contrastive` and :func:`contrastive_grad`; the
    embedding trainer calls it directly on its own arrays once per step, instead of
    paying both functions' validation each step.
    """
    hinge = hinge_terms(m - d)[0]
    return y * d * d + (1.0 - y) * hinge * hinge, 2.0 * y * d - 2.0 * (1.0 - y) * hinge


def triplet_terms(dp: np.ndarray, dn: np.ndarray, m) -> tuple[np.ndarray, np.ndarray]:
    """Triplet loss and where its hinge is active (1.0 or 0.0), for inputs already checked.

    ``(∂ℓ/∂d_pos, ∂ℓ/∂d_neg) = (active, −active)``; see :func:`contrastive_terms`.
    """
    return hinge_terms(dp - dn + m)


@_checks.float64_result
def contrastive(labels: ArrayLike, distance: ArrayLike, *, margin: ArrayLike = 1.0) -> np.ndarray:
    r"""Contrastive loss, elementwise: :math:`y\,d^2 + (1-y)\max(0, m-d)^2`.

    ``y = 1`` marks a *similar* pair (pulled together), ``y = 0`` a dissimilar one
    (pushed apart until it is at least the margin away). Hadsell et al. write it
    with a factor ½ on both terms; this is the form without the ½, so its gradient
    is 2·d for a similar pair.

    Args:
      labels: 1 for similar pairs, 0 for dissimilar (values in [0, 1]).
      distance: distances d >= 0 between the two embeddings.
      margin: m >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: R. Hadsell, S. Chopra, Y. LeCun, "Dimensionality Reduction by
    Learning an Invariant Mapping", CVPR 2006.

    Example:
      >>> contrastive([1, 0, 0], [0.5, 0.5, 2.0], margin=1.0).tolist()
      [0.25, 0.25, 0.0]
    """
    return contrastive_terms(*_contrastive_args(labels, distance, margin))[0]


@_checks.float64_result
def contrastive_grad(
    labels: ArrayLike, distance: ArrayLike, *, margin: ArrayLike = 1.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial d = 2y\,d - 2(1-y)\max(0, m-d)` (continuous, 0 at d = m).

    Example:
      >>> contrastive_grad([1, 0], [0.5, 0.5], margin=1.0).tolist()
      [1.0, -1.0]
    """
    return contrastive_terms(*_contrastive_args(labels, distance, margin))[1]


def _triplet_args(d_pos, d_neg, margin):
    margin = _checks.nonnegative_param("margin", margin)
    dp = _checks.nonnegative("d_pos", d_pos)
    dn = _checks.nonnegative("d_neg", d_neg)
    return _checks.broadcast(("d_pos", dp), ("d_neg", dn), ("margin", margin))


@_checks.float64_result
def triplet(d_pos: ArrayLike, d_neg: ArrayLike, *, margin: ArrayLike = 1.0) -> np.ndarray:
    r"""Triplet loss, elementwise: :math:`\max(0, d_{pos} - d_{neg} + m)`.

    Zero once the negative is at least ``margin`` further from the anchor than
    the positive. FaceNet applies it to *squared* distances; pass those if you
    want that form.

    Args:
      d_pos: anchor–positive distances >= 0.
      d_neg: anchor–negative distances >= 0.
      margin: m >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: F. Schroff, D. Kalenichenko, J. Philbin, "FaceNet: A Unified
    Embedding for Face Recognition and Clustering", CVPR 2015.

    Example:
      >>> triplet([1.0, 1.0], [1.5, 3.0], margin=1.0).tolist()
      [0.5, 0.0]
    """
    return triplet_terms(*_triplet_args(d_pos, d_neg, margin))[0]


@_checks.float64_result
def triplet_grad(
    d_pos: ArrayLike, d_neg: ArrayLike, *, margin: ArrayLike = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂d_pos, ∂ℓ/∂d_neg) = (1, −1)`` where the hinge is active, else (0, 0).

    At the kink d_pos − d_neg + m = 0 the subgradient 0 is used.

    Example:
      >>> [g.tolist() for g in triplet_grad([1.0, 1.0], [1.5, 3.0])]
      [[1.0, 0.0], [-1.0, -0.0]]
    """
    active = triplet_terms(*_triplet_args(d_pos, d_neg, margin))[1]
    return active, -active


# --- InfoNCE ---------------------------------------------------------------------------


def _info_nce_args(sim_pos, sim_neg, temperature):
    tau = _checks.positive_param("temperature", temperature)
    sp = _checks.finite("sim_pos", sim_pos)
    sn = _checks.finite("sim_neg", sim_neg)
    sn, sp, tau = _checks.with_class_axis(
        ("sim_neg", sn), outer=(("sim_pos", sp), ("temperature", tau))
    )
    # u_k = (s⁻_k − s⁺)/τ; the loss is log(1 + Σ_k e^{u_k}) = softplus(logsumexp(u)).
    u = (sn - sp) / tau
    mx = np.max(u, axis=-1, keepdims=True)
    # logsumexp with the max subtracted (exp never overflows), then softplus via
    # logaddexp: accurate both for a tiny loss (all u ≪ 0) and for u up to ±1e5.
    lse = (mx + np.log(np.sum(np.exp(u - mx), axis=-1, keepdims=True)))[..., 0]
    loss = np.logaddexp(0.0, lse)
    # τ as the reduced shape sees it (the trailing axis of length 1 dropped).
    return u, loss, tau, tau[..., 0] if isinstance(tau, np.ndarray) else tau


@_checks.float64_result
def info_nce(
    sim_pos: ArrayLike, sim_neg: ArrayLike, *, temperature: ArrayLike = 0.07
) -> np.ndarray:
    r"""InfoNCE (the contrastive loss of CPC, SimCLR, CLIP) for one positive and K negatives.

    .. math::
        \ell = -\log\frac{e^{s^+/\tau}}{e^{s^+/\tau} + \sum_{k=1}^K e^{s^-_k/\tau}}
             = \log\Big(1 + \sum_k e^{(s^-_k - s^+)/\tau}\Big)

    the cross-entropy of classifying the positive among the K + 1 candidates
    (PyTorch ``cross_entropy`` on the logits [s⁺, s⁻₁, …, s⁻_K]/τ with target 0),
    computed with log-sum-exp. The temperature τ sharpens (small τ) or flattens
    the softmax; 0.07 is the default of MoCo and CLIP's initial value.

    Args:
      sim_pos: similarity s⁺ of each anchor to its positive, shape ``(...)``.
      sim_neg: similarities to the negatives, shape ``(..., K)``, K >= 1 on the
        last axis; all finite reals (cosines in [−1, 1] in the papers).
      temperature: τ > 0, a scalar or an array that broadcasts against ``(...)``.

    Returns:
      float64 array of shape ``broadcast(sim_pos.shape, sim_neg.shape[:-1])``, >= 0.

    Reference: A. van den Oord, Y. Li, O. Vinyals, "Representation Learning with
    Contrastive Predictive Coding", arXiv:1807.03748, 2018; T. Chen et al.,
    "A Simple Framework for Contrastive Learning of Visual Representations", 2020.

    Example:
      >>> round(float(info_nce(0.5, [0.5, 0.5], temperature=1.0)), 6)  # ln 3
      1.098612
    """
    return _info_nce_args(sim_pos, sim_neg, temperature)[1]


@_checks.float64_result
def info_nce_grad(
    sim_pos: ArrayLike, sim_neg: ArrayLike, *, temperature: ArrayLike = 0.07
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂s⁺, ∂ℓ/∂s⁻) = (−(1 − π₊)/τ, π_k/τ)`` with π the softmax over [s⁺, s⁻]/τ.

    π_k = e^{u_k − ℓ} and 1 − π₊ = −expm1(−ℓ), both without cancellation. The
    first has the reduced shape, the second that of the broadcast ``sim_neg``.

    Example:
      >>> [np.round(g, 6).tolist() for g in info_nce_grad(0.5, [0.5, 0.5], temperature=1.0)]
      [-0.666667, [0.333333, 0.333333]]
    """
    u, loss, tau, tau_out = _info_nce_args(sim_pos, sim_neg, temperature)
    return np.expm1(-loss) / tau_out, np.exp(u - loss[..., None]) / tau


# --- cosine embedding ------------------------------------------------------------------


def _cosine_args(labels, cosine, margin):
    margin = _checks.symmetric_unit_param("margin", margin)
    y = _checks.binary("labels", labels)
    c = _checks.interval("cosine", cosine, -1.0, 1.0)
    y, c, m = _checks.broadcast(("labels", y), ("cosine", c), ("margin", margin))
    value, active = hinge_terms(c - m)  # the dissimilar pairs' hinge
    return y, c, value, active


@_checks.float64_result
def cosine_embedding(
    labels: ArrayLike, cosine: ArrayLike, *, margin: ArrayLike = 0.0
) -> np.ndarray:
    r"""Cosine embedding loss: :math:`1 - \cos` for similar pairs, :math:`\max(0, \cos - m)` else.

    Labels are 1 (similar, pulled to cos = 1) or 0 (dissimilar, pushed below
    cos = m), as :func:`contrastive`; PyTorch's ``cosine_embedding_loss`` takes
    the cosine of two embeddings and labels 1/−1 for the same thing.

    Args:
      labels: 1 for similar pairs, 0 for dissimilar, exactly.
      cosine: cosine similarities in [−1, 1].
      margin: m in [−1, 1], a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape, in [0, 2].

    Reference: PyTorch ``CosineEmbeddingLoss``; J. Bromley et al., "Signature
    Verification using a Siamese Time Delay Neural Network", NeurIPS 1993.

    Example:
      >>> cosine_embedding([1, 0, 0], [0.8, 0.8, -0.2], margin=0.5).tolist()
      [0.19999999999999996, 0.30000000000000004, 0.0]
    """
    y, c, value, _ = _cosine_args(labels, cosine, margin)
    return np.where(y == 1.0, 1.0 - c, value)


@_checks.float64_result
def cosine_embedding_grad(
    labels: ArrayLike, cosine: ArrayLike, *, margin: ArrayLike = 0.0
) -> np.ndarray:
    r""":math:`\partial\ell/\partial\cos`: −1 for similar pairs; 1[cos > m] for dissimilar ones.

    At the kink cos = m the subgradient 0 is used.

    Example:
      >>> cosine_embedding_grad([1, 0, 0], [0.8, 0.8, -0.2], margin=0.5).tolist()
      [-1.0, 1.0, 0.0]
    """
    y, _, _, active = _cosine_args(labels, cosine, margin)
    return np.where(y == 1.0, -1.0, active)
