"""A linear metric-learning map trained by contrastive or triplet loss."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from ..losses.metric import contrastive_terms, triplet_terms
from ._descent import _descend, _optimizer_settings
from .classification import _matrix


@dataclass(frozen=True, eq=False)
class EmbeddingTrace:
    """A linear embedding ``E = X Aᵀ`` trained by a metric-learning loss.

    Attributes:
      maps: float64 ``(k, 2, d)``, the map A after each step (k = steps + 1
        unless diverged, the initial map first).
      loss: mean loss over all pairs/triplets at each kept map, ``(k,)``.
      active: share of pairs/triplets with non-zero loss at each kept map, ``(k,)``.
      diverged, diverged_at: as in :class:`DescentPath`.
      loss_name, margin: the settings.
    """

    maps: np.ndarray
    loss: np.ndarray
    active: np.ndarray
    diverged: bool
    diverged_at: int | None
    loss_name: str
    margin: float


#: Metric-learning fits use every pair / triplet: keep n small.
MAX_EMBEDDING_POINTS = 60


def _pairs_and_triplets(labels: np.ndarray, loss: str):
    """Index arrays: all pairs i < j, and (for triplets) pair ids of (a,p) and (a,n)."""
    n = labels.size
    i, j = np.triu_indices(n, k=1)
    if loss == "contrastive":
        return i, j, (labels[i] == labels[j]).astype(np.float64), None, None
    # All pairs i != j (ordered) so an anchor's pair with any point has an id.
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    pid = np.full((n, n), -1)
    pid[ii, jj] = np.arange(ii.size)
    same = labels[:, None] == labels[None, :]
    a, p, q = np.nonzero(
        (same & ~np.eye(n, dtype=bool))[:, :, None] & ~same[:, None, :]
    )  # anchor a, positive p (same class, ≠ a), negative q (other class)
    return ii, jj, None, pid[a, p], pid[a, q]


def contrastive_stable_learning_rate(
    X: Any, labels: Any, optimizer: str = "gd", *, momentum: float = 0.9
) -> float:
    r"""The learning rate beyond which :func:`train_embedding`'s contrastive run blows up.

    Once every negative pair is past the margin (as it is whenever A has grown large),
    the mean loss over the P pairs is the same-class pairs' part alone,
    :math:`\frac1P\sum_{y_{ij}=1}\|A\Delta_{ij}\|^2 = \frac1P\operatorname{tr}(A S A^\top)`
    with :math:`S = \sum_{y_{ij}=1}\Delta_{ij}\Delta_{ij}^\top`: a quadratic in A of
    largest curvature :math:`L = 2\lambda_{\max}(S)/P`. As for a line's MSE
    (:func:`stable_learning_rate`), gradient descent on it grows without bound for
    η > 2/L = P/λ_max(S), heavy-ball momentum for η > 2(1 + μ)/L. Below, the runs of
    the Metric learning page stay finite; just above, the loss blows up.

    Args:
      X: ``(n, d)`` features, n in [2, 60]; labels: ``(n,)`` integer classes.
      optimizer: ``"gd"`` or ``"momentum"``; momentum: μ in [0, 1).

    Returns:
      The bound (inf when no two points share a class: then nothing pulls A up).
    """
    if optimizer not in ("gd", "momentum"):
        raise ValueError(
            f"optimizer must be 'gd' or 'momentum' (Adam has no such bound); got {optimizer!r}"
        )
    mu = _v.unit_open("momentum", momentum)
    Xm = _matrix("X", X)
    lab = np.asarray(labels)
    if lab.shape != (Xm.shape[0],):
        raise ValueError(f"labels must have shape ({Xm.shape[0]},), got {lab.shape}")
    i, j = np.triu_indices(Xm.shape[0], k=1)
    same = lab[i] == lab[j]
    delta = Xm[i[same]] - Xm[j[same]]
    top = float(np.linalg.eigvalsh(delta.T @ delta)[-1]) if delta.size else 0.0
    if top <= 0.0:
        return math.inf
    gd = i.size / top
    return gd if optimizer == "gd" else (1.0 + mu) * gd


def train_embedding(
    X: Any,
    labels: Any,
    loss: str = "contrastive",
    *,
    margin: float = 1.0,
    lr: float = 0.05,
    steps: int = 200,
    seed: int = 0,
    optimizer: str = "gd",
) -> EmbeddingTrace:
    r"""Learn a linear map :math:`A \in \mathbb R^{2\times d}` with a metric-learning loss.

    Embeddings :math:`e_i = A x_i`, distances :math:`d_{ij} = \|A(x_i - x_j)\|`.

    * ``"contrastive"``: mean over all pairs i < j of ``contrastive(y_ij, d_ij,
      margin)``, y_ij = 1 for the same label.
    * ``"triplet"``: mean over all triplets (anchor, positive of its class,
      negative of another class) of ``triplet(d_ap, d_an, margin)``.

    Gradient: with :math:`g = ∂\ell/∂d` from the loss's ``_grad`` and
    :math:`∂d_{ij}/∂A = A Δ_{ij} Δ_{ij}^\top / d_{ij}`, :math:`Δ_{ij} = x_i - x_j`,
    the total is :math:`A\,Δ^\top \mathrm{diag}(c)\,Δ` with per-pair weights
    :math:`c = g/d` summed over every use of the pair — one (d×d) product per
    step. At d = 0 the weight is set to 0: there :math:`AΔ = 0`, so the
    contribution is 0 whatever the weight (and ‖·‖ has only that subgradient
    in the direction of AΔ). Optimised by the shared :func:`_descend` loop.

    Args:
      X: ``(n, d)`` features, n in [2, 60]; labels: ``(n,)`` integer classes.
      loss, margin: the loss and its margin m >= 0.
      lr, steps, optimizer: as in :func:`gradient_descent`.
      seed: initial A = 0.5·N(0, 1) entries, seeded.

    Returns:
      An :class:`EmbeddingTrace`. O(steps · (n² d + T)) with T triplets (≤ ~n³/2).
    """
    Xm = _matrix("X", X)
    n, dim = Xm.shape
    if not 2 <= n <= MAX_EMBEDDING_POINTS:
        raise ValueError(f"X must have between 2 and {MAX_EMBEDDING_POINTS} rows, got {n}")
    lab = np.asarray(labels)
    if lab.shape != (n,) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be an integer array of shape ({n},)")
    if np.unique(lab).size < 2:
        raise ValueError("labels must contain at least two classes")
    if loss not in ("contrastive", "triplet"):
        raise ValueError(f"loss must be 'contrastive' or 'triplet'; got {loss!r}")
    margin = _v.real("margin", margin)
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin!r}")
    settings = _optimizer_settings(optimizer, lr, steps, 0.9, (0.9, 0.999), 1e-8)
    seed = _v.integer("seed", seed, 0, 2**63 - 1)

    pi, pj, ysim, ap, an = _pairs_and_triplets(lab, loss)
    delta = Xm[pi] - Xm[pj]  # (P, d)

    def distances(A: np.ndarray) -> np.ndarray:
        e = delta @ A.T  # (P, 2)
        return np.sqrt(np.einsum("pk,pk->p", e, e))

    def per_item(dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Loss of every pair/triplet, and the per-pair weights c = Σ g/d."""
        # The losses' own formulas, without re-validating these arrays every step (the
        # public functions check them: ~half of a step's time at 30 points).
        if loss == "contrastive":
            vals, c = contrastive_terms(ysim, dist, margin)
        else:
            vals, act = triplet_terms(dist[ap], dist[an], margin)
            c = np.bincount(ap, weights=act, minlength=dist.size)
            c -= np.bincount(an, weights=act, minlength=dist.size)
        safe = dist > 0
        c = np.where(safe, c / np.where(safe, dist, 1.0), 0.0)
        return vals, c

    def objective_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        A = theta.reshape(2, dim)
        with np.errstate(over="ignore", invalid="ignore"):
            dist = distances(A)
            if not np.all(np.isfinite(dist)):
                return math.inf, np.full(theta.size, np.nan)
            vals, c = per_item(dist)
            grad = A @ (delta.T * c) @ delta / vals.size
        return float(np.mean(vals)), grad.ravel()

    rng = np.random.default_rng(seed)
    A0 = 0.5 * rng.standard_normal((2, dim))
    trace = _descend(objective_and_grad, A0.ravel(), **settings)
    maps = trace.thetas.reshape(-1, 2, dim)
    # Active share at every step in one vectorised pass (a per-step loop of per_item
    # was half of the training time): distances (steps + 1, P).
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.einsum("pd,tkd->tpk", delta, maps)
        dist = np.sqrt(np.einsum("tpk,tpk->tp", e, e))
        if loss == "contrastive":
            vals = contrastive_terms(ysim[None, :], dist, margin)[0]
        else:
            vals = triplet_terms(dist[:, ap], dist[:, an], margin)[0]
    active = np.mean(vals > 0, axis=1)
    return EmbeddingTrace(
        maps=maps,
        loss=trace.losses,
        active=active,
        diverged=trace.diverged,
        diverged_at=trace.diverged_at,
        loss_name=loss,
        margin=margin,
    )
