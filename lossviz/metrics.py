r"""Evaluation metrics and objective slices for the Class imbalance and Preferences pages.

Pure NumPy, float64, validated like the rest of the library (a bad argument
raises ``ValueError`` naming it):

* classification at a threshold: :func:`confusion`, :func:`binary_metrics`
  (per-class recall, precision, F1, balanced accuracy) and
  :func:`best_f1_threshold`;
* :func:`focal_weight` :math:`(1 - p_t)^\gamma` and :func:`inverse_frequency_alpha`;
* :func:`logistic_slice`: the regularised mean objective of a linear classifier
  over a grid of weights :math:`(w_1, w_2)` at a fixed bias, vectorised;
* ranking: :func:`rankdata`, :func:`spearman`, :func:`pearson`;
* preferences: :func:`pairwise_accuracy` and a seeded :func:`split_pairs`.

Undefined ratios (0/0, e.g. precision with no predicted positive, or a
correlation of a constant vector) are returned as NaN and documented as such;
no division warning is ever raised.

``logistic_slice``, ``focal_weight`` and ``split_pairs`` are helpers that could
live in :mod:`lossviz.fit` / :mod:`lossviz.data`; they are kept here so those
modules stay untouched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validate as _v
from .fit.classification import SET_LOSSES, classification_kwargs, sample_loss, set_loss
from .losses._stable import sigmoid

__all__ = [
    "BinaryMetrics",
    "Confusion",
    "best_f1_threshold",
    "binary_metrics",
    "confusion",
    "focal_weight",
    "inverse_frequency_alpha",
    "logistic_slice",
    "pairwise_accuracy",
    "pearson",
    "rankdata",
    "reliability_bins",
    "sigmoid_probs",
    "spearman",
    "split_pairs",
]

#: Elements (examples × grid columns) evaluated at once by :func:`logistic_slice`: 2 MB
#: blocks stay in cache between the loss's passes over them (8 MB ones did not: the four
#: slices of the Class imbalance page took ~15 % longer; the same numbers either way,
#: each grid point summed over the examples in the same order).
_SLICE_CHUNK = 1 << 18


def _vector(name: str, a: Any, *, min_len: int = 1) -> np.ndarray:
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of real numbers") from None
    if v.ndim != 1 or v.size < min_len:
        raise ValueError(f"{name} must be 1-D with at least {min_len} element(s), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite")
    return v


def _hard_labels(labels: Any) -> np.ndarray:
    y = _vector("labels", labels)
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("labels must be 0 or 1")
    return y


def _labels_scores(labels: Any, scores: Any, name: str = "scores") -> tuple[np.ndarray, np.ndarray]:
    y = _hard_labels(labels)
    s = _vector(name, scores)
    if s.shape != y.shape:
        raise ValueError(f"labels and {name} must have the same shape, got {y.shape} and {s.shape}")
    return y, s


def _ratio(num: float, den: float) -> float:
    """num / den, NaN when den is 0 (an undefined rate, never a division warning)."""
    return num / den if den > 0 else math.nan


# --------------------------------------------------------------------------- thresholded
@dataclass(frozen=True)
class Confusion:
    """Counts of a binary classifier at one threshold (class 1 = positive)."""

    tp: int
    fp: int
    fn: int
    tn: int


def confusion(labels: Any, probs: Any, threshold: float = 0.5) -> Confusion:
    """Confusion counts when an example is predicted positive iff ``probs >= threshold``.

    Args:
      labels: ``(n,)`` in {0, 1}.
      probs: ``(n,)`` finite scores (probabilities, or any monotone score).
      threshold: finite cut-off.
    """
    y, p = _labels_scores(labels, probs, "probs")
    t = _v.real("threshold", threshold)
    pred = p >= t
    pos = y == 1.0
    tp = int(np.sum(pred & pos))
    fp = int(np.sum(pred & ~pos))
    fn = int(np.sum(~pred & pos))
    return Confusion(tp=tp, fp=fp, fn=fn, tn=int(y.size) - tp - fp - fn)


@dataclass(frozen=True)
class BinaryMetrics:
    """Per-class metrics at one threshold. NaN marks a 0/0 (e.g. no predicted positive)."""

    threshold: float
    counts: Confusion
    recall_pos: float
    precision_pos: float
    f1_pos: float
    recall_neg: float
    precision_neg: float
    f1_neg: float
    balanced_accuracy: float
    accuracy: float


def _f1(tp: int, fp: int, fn: int) -> float:
    # 2TP / (2TP + FP + FN): the harmonic mean of precision and recall, written so it
    # stays defined (= 0) when there is no predicted positive but some actual one.
    return _ratio(2.0 * tp, 2.0 * tp + fp + fn)


def binary_metrics(labels: Any, probs: Any, threshold: float = 0.5) -> BinaryMetrics:
    r"""Recall, precision and F1 of each class, balanced accuracy and accuracy.

    For the positive class recall = TP/(TP+FN), precision = TP/(TP+FP),
    F1 = 2TP/(2TP+FP+FN); for the negative class the roles swap (TN for TP).
    Balanced accuracy is the mean of the two recalls (scikit-learn's
    ``balanced_accuracy_score``). A rate whose denominator is 0 is NaN.

    Returns:
      A :class:`BinaryMetrics`. O(n).
    """
    c = confusion(labels, probs, threshold)
    n = c.tp + c.fp + c.fn + c.tn
    rec_pos = _ratio(c.tp, c.tp + c.fn)
    rec_neg = _ratio(c.tn, c.tn + c.fp)
    if math.isnan(rec_pos) or math.isnan(rec_neg):
        bal = rec_neg if math.isnan(rec_pos) else rec_pos  # one class absent: its recall only
    else:
        bal = 0.5 * (rec_pos + rec_neg)
    return BinaryMetrics(
        threshold=float(threshold),
        counts=c,
        recall_pos=rec_pos,
        precision_pos=_ratio(c.tp, c.tp + c.fp),
        f1_pos=_f1(c.tp, c.fp, c.fn),
        recall_neg=rec_neg,
        precision_neg=_ratio(c.tn, c.tn + c.fn),
        f1_neg=_f1(c.tn, c.fn, c.fp),
        balanced_accuracy=bal,
        accuracy=(c.tp + c.tn) / n,
    )


def best_f1_threshold(labels: Any, probs: Any) -> tuple[float, float]:
    """The threshold t (predict positive iff ``probs >= t``) that maximises the positive F1.

    Every distinct score is a candidate (as in scikit-learn's
    ``precision_recall_curve``); among equal F1 the highest threshold wins.
    Needs at least one positive.

    Returns:
      ``(threshold, f1)``. O(n log n).
    """
    y, p = _labels_scores(labels, probs, "probs")
    n_pos = float(y.sum())
    if n_pos == 0:
        raise ValueError("labels must contain at least one positive")
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    fp = np.arange(1, ps.size + 1) - tp
    # Cutting at a distinct value keeps all its ties: use the last index of each run.
    last = np.r_[ps[1:] != ps[:-1], True]
    tp, fp, cand = tp[last], fp[last], ps[last]
    f1 = 2.0 * tp / (2.0 * tp + fp + (n_pos - tp))  # denominator >= n_pos > 0
    k = int(np.argmax(f1))
    return float(cand[k]), float(f1[k])


# --------------------------------------------------------------------------- focal weights
def focal_weight(labels: Any, logits: Any, *, gamma: float) -> np.ndarray:
    r"""The focal modulating factor :math:`(1 - p_t)^\gamma` of each example.

    For hard labels :math:`1 - p_t = \sigma(-(2y-1) z)`, computed as
    :math:`\exp(\gamma \log\sigma(\cdot))` so that it is finite and exact for any
    logit (and exactly 1 for γ = 0).
    """
    y, z = _labels_scores(labels, logits, "logits")
    g = _v.real("gamma", gamma)
    if g < 0:
        raise ValueError(f"gamma must be >= 0, got {g!r}")
    s = (2.0 * y - 1.0) * z  # signed margin: large = confidently right
    return np.exp(-g * np.logaddexp(0.0, s))  # log σ(−s) = −softplus(s)


def inverse_frequency_alpha(labels: Any) -> float:
    """α that weights each class by the other's frequency: n_neg / n (0.5 when balanced).

    With it, α·n_pos = (1 − α)·n_neg: both classes carry the same total weight.
    """
    y = _hard_labels(labels)
    return float(np.mean(y == 0.0))


# --------------------------------------------------------------------------- landscape slice
def logistic_slice(
    X: Any,
    labels: Any,
    w1: Any,
    w2: Any,
    *,
    bias: float,
    loss: str = "binary_cross_entropy",
    l2: float = 1e-3,
    **params: Any,
) -> np.ndarray:
    r"""The objective of :func:`lossviz.fit.fit_logistic` over a grid of 2-D weights.

    .. math::
        F[j, k] = \frac1n \sum_i \ell\big(y_i,\; w_{1,k} x_{i1} + w_{2,j} x_{i2} + b\big)
                  + \frac{λ}{2}(w_{1,k}^2 + w_{2,j}^2)

    with the same losses, defaults and penalty as ``fit_logistic`` (every key of
    ``CLASSIFICATION_LOSSES``; for the set-level ``"soft_dice"`` / ``"tversky"`` the
    mean is replaced by the loss of all n probabilities σ(z)), so the fitted
    weights are the minimum of the slice at the fitted bias. Each class's
    logits go through the loss function itself (a class at a time, so the label
    is a scalar), rows of w₂ at a time in blocks of ≤ 2²⁰ elements.

    Args:
      X: ``(n, 2)`` finite features; labels: ``(n,)`` in {0, 1}.
      w1, w2: 1-D grids (columns and rows of the result).
      bias: the fixed intercept b.
      loss, l2, **params: as in ``fit_logistic``.

    Returns:
      float64 ``(len(w2), len(w1))``. O(n · len(w1) · len(w2)) time, O(block) memory.
    """
    try:
        Xm = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("X must be an array of real numbers") from None
    if Xm.ndim != 2 or Xm.shape[1] != 2 or Xm.shape[0] < 1:
        raise ValueError(f"X must have shape (n, 2), got {Xm.shape}")
    if not np.all(np.isfinite(Xm)):
        raise ValueError("X must be finite")
    y = _hard_labels(labels)
    if y.shape != (Xm.shape[0],):
        raise ValueError(f"labels must have shape ({Xm.shape[0]},), got {y.shape}")
    g1, g2 = _vector("w1", w1), _vector("w2", w2)
    b = _v.real("bias", bias)
    lam = _v.real("l2", l2)
    if lam < 0:
        raise ValueError(f"l2 must be >= 0, got {lam!r}")
    kw = classification_kwargs(loss, params)
    n = y.size
    out = np.zeros((g2.size, g1.size))
    rows = max(1, _SLICE_CHUNK // max(1, n * g1.size))
    if loss in SET_LOSSES:
        # One value per grid point over all n probabilities (the loss's last axis).
        fn_set, _ = set_loss(loss, kw)
        for j0 in range(0, g2.size, rows):
            z = (
                Xm[:, 0][None, None, :] * g1[None, :, None]
                + Xm[:, 1][None, None, :] * g2[j0 : j0 + rows, None, None]
                + b
            )  # (rows, len(w1), n)
            out[j0 : j0 + rows] = fn_set(y, sigmoid(z))
        return out + 0.5 * lam * (g1[None, :] ** 2 + g2[:, None] ** 2)
    fn, _ = sample_loss(loss, kw)
    for cls in (1.0, 0.0):
        sel = y == cls
        if not sel.any():
            continue
        # Logits z = w1 x1 + w2 x2 + b = a[i, k] + c[i, j], by the loss's own function.
        a = Xm[sel, 0][:, None] * g1[None, :]
        for j0 in range(0, g2.size, rows):
            c = Xm[sel, 1][:, None] * g2[None, j0 : j0 + rows] + b
            z = a[:, None, :] + c[:, :, None]  # (n_cls, rows, len(w1))
            out[j0 : j0 + rows] += fn(cls, z).sum(axis=0)
    out /= n
    out += 0.5 * lam * (g1[None, :] ** 2 + g2[:, None] ** 2)
    return out


# --------------------------------------------------------------------------- ranking
def rankdata(a: Any) -> np.ndarray:
    """Ranks 1..n, ties given their average rank (scipy's ``rankdata(method="average")``)."""
    v = _vector("a", a)
    order = np.argsort(v, kind="stable")
    sv = v[order]
    starts = np.r_[True, sv[1:] != sv[:-1]]
    group = np.cumsum(starts) - 1  # run id of each sorted element
    first = np.flatnonzero(starts)
    ends = np.r_[first[1:], sv.size]
    avg = 0.5 * (first + 1 + ends)  # mean of ranks first+1 .. end
    ranks = np.empty(v.size)
    ranks[order] = avg[group]
    return ranks


def pearson(a: Any, b: Any) -> float:
    """Pearson correlation; NaN when either vector is constant (it is undefined there)."""
    x, y = _vector("a", a, min_len=2), _vector("b", b, min_len=2)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    xc, yc = x - x.mean(), y - y.mean()
    den = math.sqrt(float(xc @ xc) * float(yc @ yc))
    if den == 0.0:
        return math.nan
    return float(np.clip(float(xc @ yc) / den, -1.0, 1.0))


def spearman(a: Any, b: Any) -> float:
    """Spearman rank correlation: Pearson of the (average) ranks; NaN for a constant vector."""
    x, y = _vector("a", a, min_len=2), _vector("b", b, min_len=2)
    if x.shape != y.shape:
        raise ValueError(f"a and b must have the same shape, got {x.shape} and {y.shape}")
    return pearson(rankdata(x), rankdata(y))


# --------------------------------------------------------------------------- preferences
def _indices(name: str, a: Any, n_items: int) -> np.ndarray:
    v = np.asarray(a)
    if v.ndim != 1 or v.size < 1 or not np.issubdtype(v.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty 1-D integer array")
    if np.any((v < 0) | (v >= n_items)):
        raise ValueError(f"{name} must hold indices in [0, {n_items})")
    return v


def pairwise_accuracy(rewards: Any, chosen: Any, rejected: Any) -> float:
    """Share of pairs whose chosen item has the higher reward (a tie counts as half)."""
    r = _vector("rewards", rewards, min_len=2)
    c = _indices("chosen", chosen, r.size)
    j = _indices("rejected", rejected, r.size)
    if c.shape != j.shape:
        raise ValueError(f"chosen and rejected must have the same shape, got {c.shape}, {j.shape}")
    d = r[c] - r[j]
    return float(np.mean((d > 0) + 0.5 * (d == 0)))


def split_pairs(
    n_pairs: int, *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded train/test split of ``range(n_pairs)``: sorted index arrays, both non-empty.

    ``n_test = round(test_fraction · n_pairs)``, kept within [1, n_pairs − 1].
    """
    if isinstance(n_pairs, bool) or not isinstance(n_pairs, int | np.integer) or n_pairs < 2:
        raise ValueError(f"n_pairs must be an integer >= 2, got {n_pairs!r}")
    f = _v.real("test_fraction", test_fraction)
    if not 0.0 < f < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {f!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    n = int(n_pairs)
    n_test = min(max(1, round(f * n)), n - 1)
    perm = np.random.default_rng(int(seed)).permutation(n)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


@dataclass(frozen=True, eq=False)
class Reliability:
    """Equal-width bins of predicted probability: what a reliability diagram draws.

    Attributes:
      mean_p, observed, count: per non-empty bin, the mean predicted p, the share of
        positives among its examples, and how many there are.
      ece: expected calibration error Σ_bins (count/n)·|observed − mean_p| (Guo et al. 2017).
    """

    mean_p: np.ndarray
    observed: np.ndarray
    count: np.ndarray
    ece: float


def reliability_bins(labels: Any, probs: Any, bins: int = 10) -> Reliability:
    """Bin ``probs`` into ``bins`` equal-width bins on [0, 1] (the last one closed). O(n)."""
    y, p = _labels_scores(labels, probs, "probs")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probs must lie in [0, 1]")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be an integer >= 1, got {bins!r}")
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    count = np.bincount(idx, minlength=bins).astype(np.float64)
    sum_p = np.bincount(idx, weights=p, minlength=bins)
    sum_y = np.bincount(idx, weights=y, minlength=bins)
    keep = count > 0
    mean_p, observed = sum_p[keep] / count[keep], sum_y[keep] / count[keep]
    ece = float(np.sum(count[keep] * np.abs(observed - mean_p)) / y.size)
    return Reliability(mean_p, observed, count[keep], ece)


def sigmoid_probs(logits: Any) -> np.ndarray:
    """σ(z) for finite logits, never overflowing (re-exported for the views)."""
    return sigmoid(_vector("logits", logits))
