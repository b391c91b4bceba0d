r"""Pure NumPy helpers for the metric-learning page: distances, activity, histograms.

The page trains a linear map :math:`A` (:func:`lossviz.fit.train_embedding`) and
looks at the embedding :math:`E = X A^\top` at any step. These helpers turn one
embedding into what is drawn: the distances of positive pairs (same class) and
negative pairs (different classes), the triplet slack :math:`d_{an} - d_{ap}`,
which pairs/triplets are active (non-zero loss), and histograms of several
samples on shared bins. Losses are those of :mod:`lossviz.losses.metric`:
contrastive :math:`y d^2 + (1-y)\max(0, m-d)^2` and triplet
:math:`\max(0, d_{ap} - d_{an} + m)`; InfoNCE and the cosine-embedding loss act on
cosines of the normalised embeddings (:func:`cosine_similarities`). Wang & Isola's
(2020) :func:`alignment` and :func:`uniformity` measure the normalised embedding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "active_share",
    "alignment",
    "cosine_similarities",
    "embed",
    "normalize",
    "pair_distances",
    "shared_histogram",
    "triplet_slack",
    "uniformity",
]


def _points(E: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    e = np.asarray(E, dtype=np.float64)
    lab = np.asarray(labels)
    if e.ndim != 2:
        raise ValueError(f"E must be 2-D (n, k), got shape {e.shape}")
    if lab.shape != (e.shape[0],):
        raise ValueError(f"labels must have shape ({e.shape[0]},), got {lab.shape}")
    return e, lab


def embed(X: Any, A: Any) -> np.ndarray:
    """The embedding :math:`E = X A^\\top` of points ``X`` (n, d) under a map ``A`` (k, d)."""
    x = np.asarray(X, dtype=np.float64)
    a = np.asarray(A, dtype=np.float64)
    if x.ndim != 2 or a.ndim != 2 or a.shape[1] != x.shape[1]:
        raise ValueError(f"X (n, d) and A (k, d) must agree on d, got {x.shape} and {a.shape}")
    return x @ a.T


def pair_distances(E: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Euclidean distances of all unordered pairs i < j, split by label.

    Returns:
      ``(d_pos, d_neg)``: distances of same-class pairs and of different-class
      pairs, each 1-D, in the order of ``np.triu_indices``. O(n² k).
    """
    e, lab = _points(E, labels)
    i, j = np.triu_indices(e.shape[0], k=1)
    d = np.linalg.norm(e[i] - e[j], axis=1)
    same = lab[i] == lab[j]
    return d[same], d[~same]


def triplet_slack(E: Any, labels: Any) -> np.ndarray:
    r""":math:`d_{an} - d_{ap}` of every triplet: anchor a, positive p ≠ a of its class, negative n.

    A triplet is active (non-zero loss) when its slack is below the margin m.
    O(n³) for the triplets (n ≤ 60 on the page: at most ~10⁵).
    """
    e, lab = _points(E, labels)
    n = e.shape[0]
    d = np.linalg.norm(e[:, None, :] - e[None, :, :], axis=-1)  # (n, n)
    same = lab[:, None] == lab[None, :]
    pos = same & ~np.eye(n, dtype=bool)
    a, p, q = np.nonzero(pos[:, :, None] & ~same[:, None, :])
    return d[a, q] - d[a, p]


def active_share(E: Any, labels: Any, loss: str, *, margin: float) -> float:
    """Share of pairs (contrastive) or triplets (triplet) whose loss is > 0.

    Contrastive: a positive pair is active whenever d > 0; a negative pair while
    d < m. Triplet: active while d_an − d_ap < m. Matches the ``active`` of
    :func:`lossviz.fit.train_embedding` (all pairs i < j; all triplets).
    """
    if loss == "contrastive":
        d_pos, d_neg = pair_distances(E, labels)
        active = int(np.count_nonzero(d_pos > 0)) + int(np.count_nonzero(d_neg < margin))
        return active / (d_pos.size + d_neg.size)
    if loss == "triplet":
        slack = triplet_slack(E, labels)
        return float(np.mean(slack < margin))
    raise ValueError(f"loss must be 'contrastive' or 'triplet'; got {loss!r}")


def shared_histogram(
    samples: Sequence[Any], *, bins: int = 30, lo: float | None = None, hi: float | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Histograms of several samples on one set of bins, each as a share of its sample.

    Args:
      samples: 1-D arrays (an empty one gives all-zero shares).
      bins: number of equal-width bins, >= 1.
      lo, hi: the range; by default the smallest and largest value over all
        samples (widened by 1 when they are equal, so the bins have a width).

    Returns:
      ``(edges, shares)``: ``bins + 1`` edges and, per sample, the fraction of its
      values in each bin (sums to 1 for a non-empty sample; values outside
      [lo, hi] are not counted).
    """
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be an integer >= 1, got {bins!r}")
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in samples]
    values = np.concatenate(arrays) if arrays else np.zeros(0)
    values = values[np.isfinite(values)]
    a = float(values.min()) if lo is None and values.size else (0.0 if lo is None else lo)
    b = float(values.max()) if hi is None and values.size else (a + 1.0 if hi is None else hi)
    if not b > a:
        b = a + 1.0
    edges = np.linspace(a, b, int(bins) + 1)
    shares = []
    for s in arrays:
        counts, _ = np.histogram(s[np.isfinite(s)], bins=edges)
        shares.append(counts / s.size if s.size else counts.astype(np.float64))
    return edges, shares


# --------------------------------------------------------------------------- Wang & Isola
def normalize(E: Any) -> np.ndarray:
    r"""Rows scaled to unit length, :math:`\hat e_i = e_i / \|e_i\|`, over the last axis.

    Any leading axes are kept (a stack of embeddings ``(T, n, k)`` is normalised per
    row). A zero row has no direction: ``ValueError``.
    """
    e = np.asarray(E, dtype=np.float64)
    if e.ndim < 2:
        raise ValueError(f"E must be at least 2-D (..., n, k), got shape {e.shape}")
    norm = np.linalg.norm(e, axis=-1, keepdims=True)
    if not np.all(norm > 0):
        raise ValueError("E must have no zero rows (a zero embedding has no direction)")
    return e / norm


def _stack_and_labels(E: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    z = normalize(E)
    lab = np.asarray(labels)
    if lab.shape != (z.shape[-2],):
        raise ValueError(f"labels must have shape ({z.shape[-2]},), got {lab.shape}")
    return z, lab


def alignment(E: Any, labels: Any, *, alpha: float = 2.0) -> np.ndarray:
    r"""Alignment of Wang & Isola (2020): :math:`\mathbb E_{(x, x^+)}\|f(x) - f(x^+)\|_2^\alpha`.

    On the *normalised* embeddings :math:`f(x) = \hat e`, averaged over the positive
    pairs: every unordered same-class pair i < j. 0 when each class sits at one point
    of the circle/sphere, 4 (α = 2) when every positive pair is antipodal. Lower is
    better.

    Args:
      E: embeddings ``(..., n, k)``; leading axes (e.g. training steps) are kept.
      labels: ``(n,)`` classes; at least one same-class pair.
      alpha: α > 0 (the paper's default 2).

    Returns:
      float64 of shape ``E.shape[:-2]`` (a 0-d array for one embedding). O(n² k).

    Reference: T. Wang, P. Isola, "Understanding Contrastive Representation Learning
    through Alignment and Uniformity on the Hypersphere", ICML 2020, eq. (2) and
    their ``align_loss``.
    """
    alpha = float(alpha)
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a finite number > 0, got {alpha!r}")
    z, lab = _stack_and_labels(E, labels)
    i, j = np.triu_indices(lab.size, k=1)
    same = lab[i] == lab[j]
    if not np.any(same):
        raise ValueError("labels must give at least one same-class pair")
    diff = z[..., i[same], :] - z[..., j[same], :]
    sq = np.einsum("...pk,...pk->...p", diff, diff)
    return np.mean(sq ** (alpha / 2.0), axis=-1)


def uniformity(E: Any, *, t: float = 2.0) -> np.ndarray:
    r"""Uniformity of Wang & Isola (2020): :math:`\log \mathbb E_{x,y} e^{-t\|f(x)-f(y)\|_2^2}`.

    On the *normalised* embeddings, averaged over every unordered pair i < j (as their
    ``uniform_loss`` with ``torch.pdist``), computed as a log-sum-exp (the max
    subtracted) so a large t never underflows to log 0. 0 when all points coincide;
    lower (more negative) is more uniform: on the unit circle the points spread
    evenly tend to :math:`\log I_0(2t) - 2t` (−1.575 at t = 2).

    Args:
      E: embeddings ``(..., n, k)``, n >= 2; leading axes are kept.
      t: t > 0 (the paper's default 2).

    Returns:
      float64 of shape ``E.shape[:-2]``, <= 0. O(n² k).

    Reference: Wang & Isola 2020, eq. (4) and their ``uniform_loss``.
    """
    t = float(t)
    if not (np.isfinite(t) and t > 0):
        raise ValueError(f"t must be a finite number > 0, got {t!r}")
    z = normalize(E)
    n = z.shape[-2]
    if n < 2:
        raise ValueError(f"E must have at least 2 rows, got {n}")
    i, j = np.triu_indices(n, k=1)
    diff = z[..., i, :] - z[..., j, :]
    u = -t * np.einsum("...pk,...pk->...p", diff, diff)
    mx = np.max(u, axis=-1, keepdims=True)
    return (mx[..., 0] + np.log(np.mean(np.exp(u - mx), axis=-1))).astype(np.float64)


def cosine_similarities(E: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Cosines of all unordered pairs i < j of one embedding, split by label.

    Returns ``(cos_pos, cos_neg)`` in the order of ``np.triu_indices``, as
    :func:`pair_distances`. O(n² k).
    """
    e, lab = _points(E, labels)
    z = normalize(e)
    i, j = np.triu_indices(e.shape[0], k=1)
    # Unit vectors' dot product can round to 1 + 1e-16: back into cos's range [-1, 1].
    c = np.clip(np.einsum("pk,pk->p", z[i], z[j]), -1.0, 1.0)
    same = lab[i] == lab[j]
    return c[same], c[~same]
