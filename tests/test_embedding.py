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
