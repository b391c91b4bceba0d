"""A linear metric-learning map trained by contrastive, triplet, InfoNCE or cosine loss."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from .. import embedding as _emb
from .. import losses
from ..losses.metric import contrastive_terms, triplet_terms
from ._descent import _descend, _optimizer_settings
from .classification import _matrix


@dataclass(frozen=True, eq=False)
class EmbeddingTrace:
    """A linear embedding ``E = X Aᵀ`` trained by a metric-learning loss.

    Attributes:
      maps: float64 ``(k, 2, d)``, the map A after each step (k = steps + 1
        unless diverged, the initial map first: the start, 0.5·N(0, 1) entries
        drawn from ``seed``). For the losses on cosines the map is affine and A is
        ``(2, d + 1)``, its last column the offset b (b₀ = 0); :meth:`embed` applies it.
      loss: mean loss over all pairs/triplets/rows at each kept map, ``(k,)``.
      active: at each kept map, ``(k,)``: the share of pairs (contrastive, cosine
        embedding) or triplets with non-zero loss; for InfoNCE (whose loss is never
        0) the share of rows whose positive is *not* more similar to the anchor than
        all K negatives (misranked rows).
      alignment, uniformity: Wang & Isola (2020) at each kept map, ``(k,)``, on the
        normalised embeddings: :func:`lossviz.embedding.alignment` (α = 2, same-class
        pairs as the positive pairs) and :func:`lossviz.embedding.uniformity` (t = 2).
      grad_norm: ‖∇_A‖ (Frobenius) of the objective at the last kept map: ~0 at a
        stationary point; the objective is non-convex in A, so that is a *local*
        optimum (or saddle) reached from the seeded start.
      diverged, diverged_at: as in :class:`DescentPath`.
      loss_name, margin, temperature, n_neg, seed: the settings (temperature and n_neg
        are None unless InfoNCE; margin is None for InfoNCE).
    """

    maps: np.ndarray
    loss: np.ndarray
    active: np.ndarray
    alignment: np.ndarray
    uniformity: np.ndarray
    grad_norm: float
    diverged: bool
    diverged_at: int | None
    loss_name: str
    margin: float | None
    temperature: float | None = None
    n_neg: int | None = None
    seed: int = 0
    affine: bool = False

    def embed(self, X: Any, k: int) -> np.ndarray:
        """The embedding ``(n, 2)`` of ``X`` at kept step k: ``X Aᵀ``, or ``[X, 1] Aᵀ``
        (= X Aᵀ + b) when the map is affine."""
        x = np.asarray(X, dtype=np.float64)
        if self.affine:
            x = np.hstack([x, np.ones((x.shape[0], 1))])
        return _emb.embed(x, self.maps[k])


#: The losses :func:`train_embedding` trains with: two on distances, two on cosines.
METRIC_LOSSES = ("contrastive", "triplet", "info_nce", "cosine_embedding")
#: The losses' own default margins (contrastive/triplet m = 1 in distance units; the
#: cosine-embedding margin is a cosine, 0 as in PyTorch).
DEFAULT_MARGIN = {"contrastive": 1.0, "triplet": 1.0, "cosine_embedding": 0.0}


#: Metric-learning fits use every pair / triplet: keep n small.
MAX_EMBEDDING_POINTS = 60


def _pairs_and_triplets(labels: np.ndarray, loss: str):
    """Index arrays: all pairs i < j, and (for triplets) pair ids of (a,p) and (a,n)."""
    n = labels.size
    i, j = np.triu_indices(n, k=1)
    if loss in ("contrastive", "cosine_embedding"):
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


def max_negatives(labels: Any) -> int:
    """The largest K :func:`train_embedding` takes: the fewest other-class points of an anchor."""
    lab = np.asarray(labels)
    _, counts = np.unique(lab, return_counts=True)
    return int(lab.size - counts.max())


def info_nce_rows(labels: Any, n_neg: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of :func:`train_embedding`'s InfoNCE: (anchor, positive, K negatives).

    Every ordered same-class pair (a, p), p ≠ a, is a row. Each anchor a has K
    negatives, drawn once without replacement from the points of the other classes
    (seeded by ``seed``, independently of the start A₀) and shared by all its rows, so
    the objective is one fixed function of A (no resampling per step).

    Returns:
      ``(anchor (M,), positive (M,), negatives (M, K))`` integer indices.
    """
    lab = np.asarray(labels)
    n = lab.size
    k = _v.integer("n_neg", n_neg, 1, max_negatives(lab))
    rng = np.random.default_rng([_v.seed(seed), 1])
    negs = np.empty((n, k), dtype=np.int64)
    for a in range(n):
        negs[a] = rng.choice(np.flatnonzero(lab != lab[a]), size=k, replace=False)
    same = (lab[:, None] == lab[None, :]) & ~np.eye(n, dtype=bool)
    anchor, positive = np.nonzero(same)
    return anchor, positive, negs[anchor]


def train_embedding(
    X: Any,
    labels: Any,
    loss: str = "contrastive",
    *,
    margin: float | None = None,
    temperature: float = 0.07,
    n_neg: int = 4,
    lr: float = 0.05,
    steps: int = 200,
    seed: int = 0,
    optimizer: str = "gd",
) -> EmbeddingTrace:
    r"""Learn a linear map :math:`A \in \mathbb R^{2\times d}` with a metric-learning loss.

    Embeddings :math:`e_i = A x_i` (for InfoNCE and the cosine embedding
    :math:`e_i = A x_i + b`: cosines, unlike distances, depend on the origin; b is a
    last column of A on a constant feature, starting at 0), distances
    :math:`d_{ij} = \|A(x_i - x_j)\|`, and
    for the two losses on similarities the cosine of the normalised embeddings
    :math:`s_{ij} = \hat e_i \cdot \hat e_j`, :math:`\hat e = e/\|e\|` (SimCLR's
    similarity; it ignores the length of e, so only directions are learned).

    * ``"contrastive"``: mean over all pairs i < j of ``contrastive(y_ij, d_ij,
      margin)``, y_ij = 1 for the same label.
    * ``"triplet"``: mean over all triplets (anchor, positive of its class,
      negative of another class) of ``triplet(d_ap, d_an, margin)``.
    * ``"info_nce"``: mean over the rows of :func:`info_nce_rows` (every ordered
      same-class pair (a, p), with K = ``n_neg`` negatives per anchor, drawn once from
      the other classes) of ``info_nce(s_ap, [s_an₁ … s_an_K], temperature)``:
      supervised InfoNCE with cosine similarities.
    * ``"cosine_embedding"``: mean over all pairs i < j of ``cosine_embedding(y_ij,
      s_ij, margin)``, margin a cosine in [−1, 1].

    Gradients, by the chain rule through the losses' ``_grad`` functions:

    * distances: with :math:`g = ∂\ell/∂d` and :math:`∂d_{ij}/∂A = A Δ_{ij}
      Δ_{ij}^\top / d_{ij}`, :math:`Δ_{ij} = x_i - x_j`, the total is
      :math:`A\,Δ^\top \mathrm{diag}(c)\,Δ` with per-pair weights :math:`c = g/d`
      summed over every use of the pair — one (d×d) product per step. At d = 0 the
      weight is set to 0: there :math:`AΔ = 0`, so the contribution is 0 whatever
      the weight.
    * cosines: with :math:`G_{ij} = ∂L/∂s_{ij}` gathered over every use of the pair,
      :math:`∂L/∂\hat e_i = \sum_j (G_{ij} + G_{ji}) \hat e_j`, then through the
      normalisation :math:`∂L/∂e_i = (I - \hat e_i \hat e_i^\top)(∂L/∂\hat e_i)/\|e_i\|`
      and :math:`∂L/∂A = \sum_i (∂L/∂e_i)\, x_i^\top`. A zero embedding has no
      cosine: the objective is +inf there (a divergence).

    Optimised by the shared :func:`_descend` loop. Every one of these objectives is
    non-convex in A (d and s are not convex in A, and the sign symmetry A → −A
    alone gives two minimisers), so the run ends at a local optimum — or on the way to
    one — that depends on the start; ``grad_norm`` says how stationary it is.

    Args:
      X: ``(n, d)`` features, n in [2, 60]; labels: ``(n,)`` integer classes.
      loss: one of :data:`METRIC_LOSSES`.
      margin: contrastive/triplet m >= 0 (default 1), cosine embedding m in [−1, 1]
        (default 0); not used by InfoNCE.
      temperature: InfoNCE's τ > 0 (default 0.07, as the loss).
      n_neg: InfoNCE's K, an integer in [1, :func:`max_negatives`].
      lr, steps, optimizer: as in :func:`gradient_descent`.
      seed: initial A = 0.5·N(0, 1) entries, seeded; also seeds InfoNCE's negatives.

    Returns:
      An :class:`EmbeddingTrace`. O(steps · (n² d + T)) with T triplets (≤ ~n³/2) or
      T = M·K InfoNCE similarities.
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
    if loss not in METRIC_LOSSES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, METRIC_LOSSES))}; got {loss!r}")
    if loss == "info_nce":
        margin = None
        temperature = _v.positive("temperature", temperature)
        n_neg = _v.integer("n_neg", n_neg, 1, max_negatives(lab))
    else:
        temperature = n_neg = None
        margin = DEFAULT_MARGIN[loss] if margin is None else _v.real("margin", margin)
        if loss == "cosine_embedding":
            margin = _v.in_range("margin", margin, -1.0, 1.0)
        elif margin < 0:
            raise ValueError(f"margin must be >= 0, got {margin!r}")
    settings = _optimizer_settings(optimizer, lr, steps, 0.9, (0.9, 0.999), 1e-8)
    seed = _v.integer("seed", seed, 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    A0 = 0.5 * rng.standard_normal((2, dim))

    affine = loss in ("info_nce", "cosine_embedding")
    if affine:
        # Cosines depend on where the origin is (distances do not): the map is affine,
        # e = A x + b, b a last column of A acting on a constant feature 1, from b₀ = 0.
        Xm = np.hstack([Xm, np.ones((n, 1))])
        A0 = np.hstack([A0, np.zeros((2, 1))])
        objective_and_grad, active_of = _cosine_objective(
            Xm, lab, loss, margin, temperature, n_neg, seed
        )
    else:
        objective_and_grad, active_of = _distance_objective(Xm, lab, loss, margin)
    trace = _descend(objective_and_grad, A0.ravel(), **settings)
    maps = trace.thetas.reshape(-1, 2, Xm.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.einsum("nd,tkd->tnk", Xm, maps)  # (steps + 1, n, 2)
        active = active_of(maps, E)
        _, g_last = objective_and_grad(trace.thetas[-1])
    return EmbeddingTrace(
        maps=maps,
        loss=trace.losses,
        active=active,
        alignment=_emb.alignment(E, lab, alpha=2.0),
        uniformity=_emb.uniformity(E, t=2.0),
        grad_norm=float(np.linalg.norm(g_last)),
        diverged=trace.diverged,
        diverged_at=trace.diverged_at,
        loss_name=loss,
        margin=margin,
        temperature=temperature,
        n_neg=n_neg,
        seed=seed,
        affine=affine,
    )


def _distance_objective(Xm: np.ndarray, lab: np.ndarray, loss: str, margin: float):
    """Objective-and-gradient over A, and the active share at every map, for the losses on
    distances (contrastive over pairs, triplet over triplets)."""
    dim = Xm.shape[1]
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

    def active_of(maps: np.ndarray, E: np.ndarray) -> np.ndarray:
        # Every step in one vectorised pass (a per-step loop of per_item was half of the
        # training time): distances (steps + 1, P).
        e = np.einsum("pd,tkd->tpk", delta, maps)
        dist = np.sqrt(np.einsum("tpk,tpk->tp", e, e))
        if loss == "contrastive":
            vals = contrastive_terms(ysim[None, :], dist, margin)[0]
        else:
            vals = triplet_terms(dist[:, ap], dist[:, an], margin)[0]
        return np.mean(vals > 0, axis=1)

    return objective_and_grad, active_of


def _unit_rows(E: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(ê, ‖e‖) of embeddings ``(..., n, 2)``, or None where a row is zero or not finite."""
    norm = np.sqrt(np.einsum("...k,...k->...", E, E))
    if not (np.all(np.isfinite(norm)) and np.all(norm > 0)):
        return None
    return E / norm[..., None], norm


def _cosines(Z: np.ndarray) -> np.ndarray:
    # Unit vectors' dot products can round just past ±1: back into a cosine's range (the
    # gradient treats this as the identity: it moves values by ~1e-16 only).
    return np.clip(Z @ np.swapaxes(Z, -1, -2), -1.0, 1.0)


def _cosine_objective(Xm, lab, loss, margin, temperature, n_neg, seed):
    """Objective-and-gradient over A, and the active share at every map, for the losses on
    cosines of the normalised embeddings (InfoNCE over rows, cosine embedding over pairs)."""
    n, dim = Xm.shape
    if loss == "info_nce":
        anchor, positive, negs = info_nce_rows(lab, n_neg, seed)
        flat_pos = anchor * n + positive
        flat_neg = (anchor[:, None] * n + negs).ravel()
        count = anchor.size
    else:
        pi, pj, ysim, _, _ = _pairs_and_triplets(lab, loss)
        flat_pairs = pi * n + pj
        count = pi.size

    def objective_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        A = theta.reshape(2, dim)
        with np.errstate(over="ignore", invalid="ignore"):
            unit = _unit_rows(Xm @ A.T)
            if unit is None:
                return math.inf, np.full(theta.size, np.nan)
            Z, norm = unit
            S = _cosines(Z)
            if loss == "info_nce":
                sp, sn = S[anchor, positive], S[anchor[:, None], negs]
                vals = losses.info_nce(sp, sn, temperature=temperature)
                gp, gn = losses.info_nce_grad(sp, sn, temperature=temperature)
                G = np.bincount(flat_pos, weights=gp, minlength=n * n)
                G += np.bincount(flat_neg, weights=gn.ravel(), minlength=n * n)
            else:
                s = S[pi, pj]
                vals = losses.cosine_embedding(ysim, s, margin=margin)
                g = losses.cosine_embedding_grad(ysim, s, margin=margin)
                G = np.bincount(flat_pairs, weights=g, minlength=n * n)
            G = G.reshape(n, n) / count
            dZ = (G + G.T) @ Z  # ∂L/∂ê_i = Σ_j (G_ij + G_ji) ê_j
            dE = (dZ - np.einsum("nk,nk->n", dZ, Z)[:, None] * Z) / norm[:, None]
            grad = dE.T @ Xm  # ∂L/∂A = Σ_i (∂L/∂e_i) x_iᵀ
        return float(np.mean(vals)), grad.ravel()

    def active_of(maps: np.ndarray, E: np.ndarray) -> np.ndarray:
        unit = _unit_rows(E)
        if unit is None:  # only a diverged run's kept maps could; they are all finite
            return np.full(E.shape[0], np.nan)
        S = _cosines(unit[0])  # (steps + 1, n, n)
        if loss == "info_nce":
            sp = S[:, anchor, positive]
            sn = S[:, anchor[:, None], negs]
            return np.mean(np.any(sn >= sp[..., None], axis=-1), axis=1)
        vals = losses.cosine_embedding(ysim, S[:, pi, pj], margin=margin)
        return np.mean(vals > 0, axis=1)

    return objective_and_grad, active_of
