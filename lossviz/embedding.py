r"""Pure NumPy helpers for the metric-learning page: distances, activity, histograms.

The page trains a linear map :math:`A` (:func:`lossviz.fit.train_embedding`) and
looks at the embedding :math:`E = X A^\top` at any step. These helpers turn one
embedding into what is drawn: the distances of positive pairs (same class) and
negative pairs (different classes), the triplet slack :math:`d_{an} - d_{ap}`,
which pairs/triplets are active (non-zero loss), and histograms of several
samples on shared bins. Losses are those of :mod:`lossviz.losses.metric`:
contrastive :math:`y d^2 + (1-y)\max(0, m-d)^2` and triplet
:math:`\max(0, d_{ap} - d_{an} + m)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "active_share",
    "embed",
    "pair_distances",
    "shared_histogram",
    "triplet_slack",
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
