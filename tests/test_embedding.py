"""The pure helpers of the metric-learning page (lossviz.embedding)."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import embedding
from lossviz.data import clustered_points
from lossviz.fit import train_embedding

# Four points on a line, two classes: 0 0 1 1 at x = 0, 1, 3, 6.
E4 = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [6.0, 0.0]])
L4 = np.array([0, 0, 1, 1])


def test_embed_is_x_times_a_transposed():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    A = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    np.testing.assert_allclose(embedding.embed(X, A), [[1, 3, 4], [3, 7, 8]])
    with pytest.raises(ValueError, match="agree on d"):
        embedding.embed(X, np.ones((2, 3)))


def test_pair_distances_split_by_label():
    d_pos, d_neg = embedding.pair_distances(E4, L4)
    np.testing.assert_allclose(d_pos, [1.0, 3.0])  # (0,1), (2,3)
    np.testing.assert_allclose(d_neg, [3.0, 6.0, 2.0, 5.0])  # (0,2) (0,3) (1,2) (1,3)
    with pytest.raises(ValueError, match="labels must have shape"):
        embedding.pair_distances(E4, L4[:3])


def test_triplet_slack_enumerates_every_triplet():
    slack = embedding.triplet_slack(E4, L4)
    # anchor 0: (+1, −2) 3−1, (+1, −3) 6−1; anchor 1: (+0, −2) 2−1, (+0, −3) 5−1;
    # anchor 2: (+3, −0) 3−3, (+3, −1) 2−3; anchor 3: (+2, −0) 6−3, (+2, −1) 5−3.
    np.testing.assert_allclose(np.sort(slack), np.sort([2, 5, 1, 4, 0, -1, 3, 2]))


def test_active_share_by_hand():
    # contrastive, m = 2.5: both positives (d > 0) + the negative at d = 2 -> 3 of 6.
    assert embedding.active_share(E4, L4, "contrastive", margin=2.5) == pytest.approx(0.5)
    # triplet, m = 1: slack < 1 for 0, −1 -> 2 of 8.
    assert embedding.active_share(E4, L4, "triplet", margin=1.0) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="loss must be"):
        embedding.active_share(E4, L4, "hinge", margin=1.0)


@pytest.mark.parametrize("loss", ["contrastive", "triplet"])
def test_active_share_agrees_with_the_trainer(loss):
    X, labels = clustered_points(6, 3, seed=1)
    trace = train_embedding(X, labels, loss, margin=1.0, lr=0.05, steps=30, seed=1)
    for k in (0, 10, 30):
        E = embedding.embed(X, trace.maps[k])
        assert embedding.active_share(E, labels, loss, margin=1.0) == pytest.approx(
            trace.active[k], abs=1e-12
        )


def test_shared_histogram_shares_and_bins():
    edges, (a, b) = embedding.shared_histogram([[0.0, 1.0, 1.0, 2.0], [2.0]], bins=4)
    np.testing.assert_allclose(edges, [0.0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(a, [0.25, 0.0, 0.5, 0.25])
    np.testing.assert_allclose(b, [0, 0, 0, 1.0])
    # Fixed range: values outside are not counted; an empty sample gives zeros.
    edges, (c, d) = embedding.shared_histogram([[0.25, 5.0], []], bins=2, lo=0.0, hi=1.0)
    np.testing.assert_allclose(c, [0.5, 0.0])
    np.testing.assert_allclose(d, [0.0, 0.0])
    # All values equal: the bins still have a width.
    edges, _ = embedding.shared_histogram([[3.0, 3.0]], bins=2)
    assert edges[-1] > edges[0]
    with pytest.raises(ValueError, match="bins"):
        embedding.shared_histogram([[1.0]], bins=0)


# --------------------------------------------------------------------------- Wang & Isola
# Four embeddings whose directions are (1, 0), (1, 0), (0, 1), (0, −1) once normalised.
W4 = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [0.0, -1.0]])


def test_alignment_by_hand():
    # Positive pairs (0, 1): ‖(1,0) − (1,0)‖² = 0 and (2, 3): ‖(0,1) − (0,−1)‖² = 4.
    assert embedding.alignment(W4, L4) == pytest.approx(2.0, rel=1e-15)  # mean(0, 4)
    assert embedding.alignment(W4, L4, alpha=1.0) == pytest.approx(1.0, rel=1e-15)  # mean(0, 2)
    # Each class at one direction: perfectly aligned, whatever the lengths.
    same = [[1.0, 1.0], [3.0, 3.0], [0.0, -2.0], [0.0, -5.0]]
    assert embedding.alignment(same, L4) == pytest.approx(0.0, abs=1e-30)
    with pytest.raises(ValueError, match="at least one same-class pair"):
        embedding.alignment(W4, [0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"alpha must be a finite number > 0, got -1.0"):
        embedding.alignment(W4, L4, alpha=-1.0)
    with pytest.raises(ValueError, match="no zero rows"):
        embedding.alignment([[0.0, 0.0], [1.0, 0.0]], [0, 0])


def test_uniformity_by_hand():
    # Squared distances of the 6 pairs: (0,1) 0; (0,2) (0,3) (1,2) (1,3) 2; (2,3) 4.
    # t = 2: log((e⁰ + 4 e⁻⁴ + e⁻⁸) / 6).
    want = np.log((1.0 + 4.0 * np.exp(-4.0) + np.exp(-8.0)) / 6.0)
    assert embedding.uniformity(W4) == pytest.approx(want, rel=1e-14)
    # t = 1: log((1 + 4 e⁻² + e⁻⁴) / 6).
    want1 = np.log((1.0 + 4.0 * np.exp(-2.0) + np.exp(-4.0)) / 6.0)
    assert embedding.uniformity(W4, t=1.0) == pytest.approx(want1, rel=1e-14)
    # All at one direction: 0 (the worst); antipodal pair with a huge t: −4t, no log 0.
    assert embedding.uniformity([[1.0, 0.0], [2.0, 0.0], [5.0, 0.0]]) == 0.0
    assert embedding.uniformity([[1.0, 0.0], [-1.0, 0.0]], t=1000.0) == pytest.approx(-4000.0)
    with pytest.raises(ValueError, match=r"t must be a finite number > 0, got 0.0"):
        embedding.uniformity(W4, t=0.0)


def test_uniformity_of_evenly_spread_points_on_the_circle():
    # n points at angles 2πk/n: ‖z_i − z_j‖² = 2 − 2cos θ. Over ordered pairs with i = j
    # included, the mean of e^{−2t(1 − cos θ)} is e^{−2t} I₀(2t) (the trapezoid rule on a
    # periodic analytic function is exact to ~1e-300 here); dropping the n diagonal
    # terms (each 1) gives the mean over i < j: (n e^{−2t} I₀(2t) − 1)/(n − 1).
    # I₀(4) = 11.301921952136330 (Abramowitz & Stegun, table 9.8: e⁻⁴ I₀(4) = 0.2070019212).
    n = 400
    a = 2 * np.pi * np.arange(n) / n
    E = np.stack([np.cos(a), np.sin(a)], axis=1)
    want = np.log((n * np.exp(-4.0) * 11.301921952136330 - 1.0) / (n - 1))
    assert embedding.uniformity(E, t=2.0) == pytest.approx(want, rel=1e-12)


def test_alignment_and_uniformity_keep_leading_axes():
    stack = np.stack([W4, 3.0 * W4[::-1]])
    np.testing.assert_allclose(
        embedding.alignment(stack, L4),
        [embedding.alignment(W4, L4), embedding.alignment(3.0 * W4[::-1], L4)],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        embedding.uniformity(stack), [embedding.uniformity(W4)] * 2, rtol=1e-14
    )


def test_cosine_similarities_split_by_label():
    c_pos, c_neg = embedding.cosine_similarities(W4, L4)
    np.testing.assert_allclose(c_pos, [1.0, -1.0])  # (0,1) same direction, (2,3) opposite
    np.testing.assert_allclose(c_neg, [0.0, 0.0, 0.0, 0.0], atol=1e-15)


def test_the_trace_records_alignment_and_uniformity_of_every_step():
    X, labels = clustered_points(6, 3, seed=1)
    for loss in ("contrastive", "info_nce"):
        tr = train_embedding(X, labels, loss, steps=5, n_neg=3)
        for k in (0, 5):
            E = tr.embed(X, k)
            assert tr.alignment[k] == pytest.approx(float(embedding.alignment(E, labels)))
            assert tr.uniformity[k] == pytest.approx(float(embedding.uniformity(E)))
