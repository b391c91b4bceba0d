"""Metric-learning losses on distances: contrastive and triplet (with a margin).

Hyperparameters broadcast with the inputs."""

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
