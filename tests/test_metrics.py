"""lossviz.metrics: known values (hand-computed, sources in comments) and the slice's exactness."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import losses, metrics
from lossviz.data import imbalanced_data, preference_data
from lossviz.fit import fit_bradley_terry, fit_logistic

# A hand example: 3 positives, 5 negatives; predicted positive iff p >= 0.5.
#   y : 1    1    1    0    0    0    0    0
#   p : 0.9  0.6  0.4  0.7  0.2  0.1  0.3  0.5
#   ŷ : 1    1    0    1    0    0    0    1   -> TP 2, FN 1, FP 2, TN 3
Y8 = np.array([1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
P8 = np.array([0.9, 0.6, 0.4, 0.7, 0.2, 0.1, 0.3, 0.5])


def test_confusion_of_the_hand_example():
    assert metrics.confusion(Y8, P8) == metrics.Confusion(tp=2, fp=2, fn=1, tn=3)
    # threshold 0.65: ŷ = 1 only for 0.9 and 0.7 -> TP 1, FP 1, FN 2, TN 4
    assert metrics.confusion(Y8, P8, 0.65) == metrics.Confusion(tp=1, fp=1, fn=2, tn=4)


def test_binary_metrics_of_the_hand_example():
    m = metrics.binary_metrics(Y8, P8, 0.5)
    # By hand from TP 2, FP 2, FN 1, TN 3:
    assert m.recall_pos == pytest.approx(2 / 3)  # TP / (TP + FN)
    assert m.precision_pos == pytest.approx(2 / 4)  # TP / (TP + FP)
    assert m.f1_pos == pytest.approx(4 / 7)  # 2TP / (2TP + FP + FN) = 4 / 7
    assert m.recall_neg == pytest.approx(3 / 5)  # TN / (TN + FP)
    assert m.precision_neg == pytest.approx(3 / 4)  # TN / (TN + FN)
    assert m.f1_neg == pytest.approx(6 / 9)  # 2TN / (2TN + FN + FP)
    assert m.balanced_accuracy == pytest.approx((2 / 3 + 3 / 5) / 2)  # = 19/30
    assert m.accuracy == pytest.approx(5 / 8)


def test_no_predicted_positive_gives_undefined_precision_and_zero_f1():
    # Every p < 0.5: TP = FP = 0 -> precision 0/0 (NaN, as sklearn's zero_division
    # case), recall 0, F1 = 2·0 / (0 + 0 + FN) = 0, balanced accuracy (0 + 1) / 2.
    m = metrics.binary_metrics([1, 0, 0, 0], [0.4, 0.1, 0.2, 0.3])
    assert math.isnan(m.precision_pos)
    assert m.recall_pos == 0.0 and m.f1_pos == 0.0
    assert m.recall_neg == 1.0 and m.balanced_accuracy == 0.5


def test_best_f1_threshold_by_hand():
    # Sorted by p: y = 1 1 0 1 0 0. Cuts (predict p >= t):
    #   t=0.9: TP1 FP0 FN2 F1 = 2/4;  t=0.8: TP2 FP0 FN1 F1 = 4/5
    #   t=0.7: TP2 FP1 FN1 F1 = 4/6;  t=0.6: TP3 FP1 FN0 F1 = 6/7  <- best
    #   t=0.2: 6/8;  t=0.1: 6/9
    y = [1, 1, 0, 1, 0, 0]
    p = [0.9, 0.8, 0.7, 0.6, 0.2, 0.1]
    t, f1 = metrics.best_f1_threshold(y, p)
    assert t == 0.6 and f1 == pytest.approx(6 / 7)
    # Shuffling the examples changes nothing.
    order = [3, 0, 5, 1, 4, 2]
    assert metrics.best_f1_threshold(np.take(y, order), np.take(p, order)) == (t, f1)


def test_best_f1_threshold_keeps_ties_together():
    # Two examples at 0.5 (one pos, one neg) cannot be separated: t = 0.5 predicts both.
    t, f1 = metrics.best_f1_threshold([1, 1, 0, 0], [0.5, 0.9, 0.5, 0.1])
    # t=0.9: TP1 FP0 FN1 -> 2/3;  t=0.5: TP2 FP1 FN0 -> 4/5
    assert (t, f1) == (0.5, pytest.approx(4 / 5))
    assert metrics.best_f1_threshold([1, 0], [0.3, 0.3]) == (0.3, pytest.approx(2 / 3))


def test_rankdata_averages_ties_like_scipy():
    # scipy.stats.rankdata([5, 6, 7, 8, 7]) == [1, 2, 3.5, 5, 3.5]
    np.testing.assert_array_equal(metrics.rankdata([5, 6, 7, 8, 7]), [1, 2, 3.5, 5, 3.5])
    np.testing.assert_array_equal(metrics.rankdata([3, 3, 3]), [2, 2, 2])


def test_spearman_hand_examples():
    # No ties: ρ = 1 − 6Σd²/(n(n²−1)); d = (−1, 1, −1, 1, 0), Σd² = 4 -> 1 − 24/120 = 0.8.
    assert metrics.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    # With a tie: ranks (1..5) vs (1, 2, 3.5, 5, 3.5); centred cross-product 8,
    # sums of squares 10 and 9.5 -> ρ = 8 / sqrt(95).
    assert metrics.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    # Invariant under any increasing map, unlike Pearson.
    x = np.array([0.1, 0.5, 2.0, 3.0, 7.0])
    assert metrics.spearman(x, np.exp(x)) == pytest.approx(1.0)
    assert metrics.pearson(x, np.exp(x)) < 0.95


def test_pearson_hand_example_and_constant_input():
    # x = (1, 2, 3), y = (1, 2, 4): Σ x_c y_c = 3, Σ x_c² = 2, Σ y_c² = 42/9 -> 9/sqrt(84).
    assert metrics.pearson([1, 2, 3], [1, 2, 4]) == pytest.approx(9 / math.sqrt(84))
    assert metrics.pearson([1, 2, 3], [-2, -4, -6]) == pytest.approx(-1.0)
    assert math.isnan(metrics.pearson([1, 1, 1], [1, 2, 3]))
    assert math.isnan(metrics.spearman([1, 2, 3], [4, 4, 4]))


def test_pairwise_accuracy_counts_ties_as_half():
    r = np.array([0.0, 1.0, 1.0, -1.0])
    # (1 ≻ 0) right, (0 ≻ 3) right, (3 ≻ 0) wrong, (1 ≻ 2) tie -> (1 + 1 + 0 + 0.5)/4
    acc = metrics.pairwise_accuracy(r, np.array([1, 0, 3, 1]), np.array([0, 3, 0, 2]))
    assert acc == pytest.approx(2.5 / 4)


def test_split_pairs_is_seeded_disjoint_and_complete():
    train, test = metrics.split_pairs(100, test_fraction=0.2, seed=3)
    assert test.size == 20 and train.size == 80
    np.testing.assert_array_equal(np.sort(np.r_[train, test]), np.arange(100))
    again = metrics.split_pairs(100, test_fraction=0.2, seed=3)
    np.testing.assert_array_equal(again[1], test)
    assert not np.array_equal(metrics.split_pairs(100, seed=4)[1], test)
    tr, te = metrics.split_pairs(2, test_fraction=0.01)
    assert tr.size == 1 and te.size == 1


def test_focal_weight_matches_one_minus_pt_to_the_gamma():
    y = np.array([1.0, 1.0, 0.0, 0.0, 1.0])
    z = np.array([2.0, -1.0, 3.0, -40.0, 800.0])
    # 1 − p_t is σ(−z) for a positive and σ(z) for a negative (formed directly, not as
    # 1 − p_t, which rounds to 0 once p_t is within 1e-16 of 1).
    y4, z4 = y[:4], z[:4]
    one_minus_pt = np.where(y4 == 1, 1.0 / (1.0 + np.exp(z4)), 1.0 / (1.0 + np.exp(-z4)))
    np.testing.assert_allclose(metrics.focal_weight(y, z, gamma=2.0)[:4], one_minus_pt**2)
    assert metrics.focal_weight(y, z, gamma=2.0)[4] == 0.0  # underflows cleanly, no warning
    np.testing.assert_array_equal(metrics.focal_weight(y, z, gamma=0.0), 1.0)
    # The focal loss is exactly α_t · weight · BCE.
    np.testing.assert_allclose(
        losses.focal(y, z, gamma=1.5, alpha=None),
        metrics.focal_weight(y, z, gamma=1.5) * losses.binary_cross_entropy(y, z),
    )


def test_inverse_frequency_alpha_balances_the_total_weight():
    y = np.r_[np.ones(3), np.zeros(97)]
    a = metrics.inverse_frequency_alpha(y)
    assert a == pytest.approx(0.97)
    assert a * 3 == pytest.approx((1 - a) * 97)


CASES = [
    ("binary_cross_entropy", {}),
    ("balanced_bce", {"alpha": 0.9}),
    ("focal", {"gamma": 2.0, "alpha": 0.25}),
    ("focal", {"gamma": 0.5, "alpha": None}),
]


@pytest.mark.parametrize(("loss", "params"), CASES)
def test_slice_equals_brute_force_with_the_core_losses(loss, params):
    d = imbalanced_data(60, ratio=5.0, separation=1.5, seed=1)
    w1 = np.linspace(-4, 4, 7)
    w2 = np.linspace(-3, 3, 5)
    b = -1.3
    got = metrics.logistic_slice(d.X, d.labels, w1, w2, bias=b, loss=loss, l2=0.01, **params)
    assert got.shape == (5, 7)
    W1, W2 = np.meshgrid(w1, w2)
    z = d.X[:, 0, None, None] * W1 + d.X[:, 1, None, None] * W2 + b  # (n, 5, 7)
    y = d.labels[:, None, None]
    if loss == "binary_cross_entropy":
        per = losses.binary_cross_entropy(y, z)
    elif loss == "balanced_bce":
        per = losses.focal(y, z, gamma=0.0, alpha=params["alpha"])
    else:
        per = losses.focal(y, z, **params)
    want = per.mean(axis=0) + 0.005 * (W1**2 + W2**2)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("loss", "params"), CASES)
def test_fitted_weights_are_the_minimum_of_the_slice_at_the_fitted_bias(loss, params):
    d = imbalanced_data(400, ratio=20.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, loss, **params)
    w1, w2 = fit.weights
    h = 1e-3
    grid1 = np.array([w1 - h, w1, w1 + h])
    grid2 = np.array([w2 - h, w2, w2 + h])
    z = metrics.logistic_slice(d.X, d.labels, grid1, grid2, bias=fit.bias, loss=loss, **params)
    assert z[1, 1] == pytest.approx(fit.objective, rel=1e-12)
    assert z[1, 1] <= z.min() + 1e-15


def test_slice_at_extreme_weights_is_finite():
    d = imbalanced_data(50, ratio=10.0, seed=0)
    z = metrics.logistic_slice(
        d.X, d.labels, [-1e3, 1e3], [-1e3, 1e3], bias=0.0, loss="focal", gamma=5.0
    )
    assert np.all(np.isfinite(z)) and np.all(z > 0)


def test_fitted_bradley_terry_rewards_track_the_truth():
    d = preference_data(10, 3000, temperature=1.0, flip_rate=0.0, seed=0)
    train, test = metrics.split_pairs(3000, seed=0)
    fit = fit_bradley_terry(d.chosen[train], d.rejected[train], 10)
    assert metrics.spearman(d.rewards, fit.rewards) > 0.9
    assert metrics.pearson(d.rewards, fit.rewards) > 0.9
    acc = metrics.pairwise_accuracy(fit.rewards, d.chosen[test], d.rejected[test])
    truth = metrics.pairwise_accuracy(d.rewards, d.chosen[test], d.rejected[test])
    assert abs(acc - truth) < 0.05


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: metrics.confusion([1, 2], [0.1, 0.2]), "labels"),
        (lambda: metrics.confusion([1, 0], [0.1]), "probs"),
        (lambda: metrics.confusion([1, 0], [0.1, np.nan]), "probs"),
        (lambda: metrics.confusion([1, 0], [0.1, 0.2], threshold=np.inf), "threshold"),
        (lambda: metrics.best_f1_threshold([0, 0], [0.1, 0.2]), "positive"),
        (lambda: metrics.focal_weight([1], [0.0], gamma=-1), "gamma"),
        (lambda: metrics.pearson([1, 2], [1, 2, 3]), "shape"),
        (lambda: metrics.split_pairs(1), "n_pairs"),
        (lambda: metrics.split_pairs(10, test_fraction=1.0), "test_fraction"),
        (lambda: metrics.pairwise_accuracy([0, 1], np.array([0]), np.array([2])), "rejected"),
        (lambda: metrics.logistic_slice(np.zeros((3, 3)), [0, 1, 0], [0], [0], bias=0), "X"),
        (lambda: metrics.logistic_slice(np.eye(2), [0, 1], [0], [0], bias=0, loss="x"), "loss"),
    ],
)  # fmt: skip
def test_bad_arguments_raise_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --------------------------------------------------------------------------- issue 14
def test_reliability_bins_by_hand():
    # Two bins on [0, 0.5) and [0.5, 1]: {0.05 (y=0), 0.45 (y=0), 0.25 (y=1)} and
    # {0.95 (y=1), 0.55 (y=0)}: mean p 0.25 and 0.75, observed 1/3 and 1/2;
    # ECE = (3/5)|1/3 − 0.25| + (2/5)|0.5 − 0.75| = 0.05 + 0.1 = 0.15 (by hand).
    r = metrics.reliability_bins([0, 0, 1, 1, 0], [0.05, 0.45, 0.25, 0.95, 0.55], bins=2)
    np.testing.assert_allclose(r.mean_p, [0.25, 0.75])
    np.testing.assert_allclose(r.observed, [1 / 3, 0.5])
    np.testing.assert_array_equal(r.count, [3, 2])
    assert r.ece == pytest.approx(0.15, abs=1e-15)
    # p = 1 falls in the last bin (closed); empty bins are left out.
    r = metrics.reliability_bins([1, 0], [1.0, 0.0], bins=10)
    np.testing.assert_array_equal(r.count, [1, 1])
    np.testing.assert_array_equal(r.mean_p, [0.0, 1.0])
    assert r.ece == 0.0


def test_reliability_bins_validation():
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        metrics.reliability_bins([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match=r"bins must be an integer >= 1, got 0"):
        metrics.reliability_bins([0, 1], [0.5, 0.5], bins=0)


NEW_LOSSES = [("hinge", {}), ("soft_dice", {}), ("smoothed_bce", {"label_smoothing": 0.3})]


@pytest.mark.parametrize(("loss", "params"), NEW_LOSSES)
def test_logistic_slice_of_the_new_losses_is_the_fit_objective(loss, params):
    d = imbalanced_data(300, ratio=5.0, seed=1)
    fit = fit_logistic(d.X, d.labels, loss, **params)
    w1 = fit.weights[0] + np.array([-0.5, 0.0, 0.5])
    w2 = fit.weights[1] + np.array([-0.5, 0.0, 0.5])
    z = metrics.logistic_slice(d.X, d.labels, w1, w2, bias=fit.bias, loss=loss, **params)
    assert z[1, 1] == pytest.approx(fit.objective, rel=1e-12)
    assert z.min() >= fit.objective * (1 - 1e-12)  # the fit is the slice's minimum
