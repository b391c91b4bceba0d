"""Seeded regression data: determinism, the outlier kinds and argument validation."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.data import (
    RegressionData,
    clustered_points,
    gaussian_mixture,
    heteroscedastic_data,
    imbalanced_data,
    preference_data,
    regression_data,
)


def test_same_arguments_same_data() -> None:
    a = regression_data(50, seed=7, outlier_kind="leverage")
    b = regression_data(50, seed=7, outlier_kind="leverage")
    for name in ("x", "y", "is_outlier"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_different_seeds_differ() -> None:
    assert not np.array_equal(regression_data(seed=1).y, regression_data(seed=2).y)


def test_shapes_dtypes_and_frozen() -> None:
    d = regression_data(37, slope=-2.0, intercept=1.0)
    assert isinstance(d, RegressionData)
    assert d.x.shape == d.y.shape == d.is_outlier.shape == (37,)
    assert d.x.dtype == d.y.dtype == np.float64 and d.is_outlier.dtype == bool
    assert (d.slope, d.intercept, d.n) == (-2.0, 1.0, 37)
    with pytest.raises(AttributeError):
        d.slope = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.5])
def test_outlier_count(fraction: float) -> None:
    d = regression_data(80, outlier_fraction=fraction)
    assert d.is_outlier.sum() == round(fraction * 80)


def test_no_noise_no_outliers_is_the_line() -> None:
    d = regression_data(20, slope=0.7, intercept=-3.0, noise=0.0, outlier_fraction=0.0)
    np.testing.assert_allclose(d.y, 0.7 * d.x - 3.0, rtol=0, atol=1e-14)


def test_vertical_outliers_move_y_only() -> None:
    m = 10.0
    d = regression_data(200, noise=0.0, outlier_fraction=0.2, outlier_magnitude=m)
    off = d.y - (d.slope * d.x + d.intercept)
    assert np.all(np.abs(d.x) <= 3.0)
    assert np.all(np.abs(off[~d.is_outlier]) <= 1e-12)
    # All on one side, shifted up by M·u with u in [0.5, 1.5]: outliers of random sign
    # would leave least squares unbiased and its line on the robust ones (issue 11.6).
    assert np.all(off[d.is_outlier] >= 0.5 * m - 1e-12)
    assert np.all(off[d.is_outlier] <= 1.5 * m + 1e-12)


def test_leverage_outliers_sit_far_out_and_off_the_line() -> None:
    m = 12.0
    d = regression_data(
        200, noise=0.0, outlier_fraction=0.1, outlier_magnitude=m, outlier_kind="leverage"
    )
    assert np.all(d.x[d.is_outlier] >= 0.5 * m) and np.all(np.abs(d.x[~d.is_outlier]) <= 3.0)
    off = d.y - (d.slope * d.x + d.intercept)
    assert np.all(off[d.is_outlier] <= -0.5 * m + 1e-12)  # below the rising line


def test_changing_the_fraction_keeps_the_inliers() -> None:
    a = regression_data(60, outlier_fraction=0.0)
    b = regression_data(60, outlier_fraction=0.3)
    keep = ~b.is_outlier
    np.testing.assert_array_equal(a.x[keep], b.x[keep])
    np.testing.assert_array_equal(a.y[keep], b.y[keep])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, r"n must be an integer >= 2, got 1"),
        ({"n": 2.5}, r"n must be an integer, got 2\.5"),
        ({"n": True}, r"n must be an integer"),
        ({"outlier_fraction": 0.6}, r"outlier_fraction must be in \[0, 0\.5\], got 0\.6"),
        ({"outlier_fraction": -0.1}, r"outlier_fraction must be in \[0, 0\.5\], got -0\.1"),
        ({"noise": -1.0}, r"noise must be >= 0, got -1\.0"),
        ({"noise": float("nan")}, r"noise must be finite, got nan"),
        ({"outlier_magnitude": -2}, r"outlier_magnitude must be >= 0, got -2\.0"),
        ({"outlier_kind": "sideways"}, r"outlier_kind must be one of 'vertical', 'leverage'"),
        ({"slope": float("inf")}, r"slope must be finite"),
        ({"intercept": "1"}, r"intercept must be a real number, got '1'"),
        ({"seed": -1}, r"seed must be an integer >= 0, got -1"),
    ],
)
def test_validation_names_argument_value_and_range(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        regression_data(**kwargs)


# --------------------------------------------------------------------------- part B generators
@pytest.mark.parametrize(
    ("n", "ratio", "n_pos"), [(200, 1.0, 100), (200, 9.0, 20), (50, 1000.0, 1)]
)
def test_imbalanced_counts(n: int, ratio: float, n_pos: int) -> None:
    d = imbalanced_data(n, ratio=ratio, seed=3)
    assert d.X.shape == (n, 2) and d.labels.shape == (n,)
    assert d.labels.sum() == n_pos and set(np.unique(d.labels)) <= {0.0, 1.0}
    np.testing.assert_array_equal(d.X, imbalanced_data(n, ratio=ratio, seed=3).X)


def test_imbalanced_separation_moves_the_means() -> None:
    d = imbalanced_data(4000, ratio=1.0, separation=6.0)
    pos = d.labels == 1
    assert d.X[pos, 0].mean() == pytest.approx(3.0, abs=0.1)
    assert d.X[~pos, 0].mean() == pytest.approx(-3.0, abs=0.1)


def test_preference_data_is_seeded_and_valid() -> None:
    a = preference_data(6, 500, temperature=0.5, flip_rate=0.2, seed=9)
    b = preference_data(6, 500, temperature=0.5, flip_rate=0.2, seed=9)
    np.testing.assert_array_equal(a.chosen, b.chosen)
    assert np.all(a.chosen != a.rejected)
    assert a.chosen.min() >= 0 and a.chosen.max() < 6 and a.rewards.shape == (6,)
    assert 0.1 < a.flipped.mean() < 0.3


def test_low_temperature_preferences_follow_the_rewards() -> None:
    d = preference_data(5, 2000, temperature=1e-3, seed=1)
    assert np.all(d.rewards[d.chosen] >= d.rewards[d.rejected])
    flipped = preference_data(5, 2000, temperature=1e-3, flip_rate=1.0, seed=1)
    assert np.all(flipped.rewards[flipped.chosen] <= flipped.rewards[flipped.rejected])


def test_gaussian_mixture_is_a_distribution() -> None:
    x = np.linspace(-10, 10, 401)
    p = gaussian_mixture(x, separation=4.0, weight=0.25, sigma=1.0)
    assert p.shape == x.shape and np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-12)
    assert p @ x == pytest.approx(0.25 * -2.0 + 0.75 * 2.0, abs=1e-9)
    # Far tails in log space: no 0/0 even when every density underflows.
    q = gaussian_mixture(np.array([1e3, 1e3 + 1]), sigma=0.1)
    assert np.all(np.isfinite(q)) and q.sum() == pytest.approx(1.0)


def test_clustered_points() -> None:
    X, labels = clustered_points(7, 4, seed=2)
    assert X.shape == (28, 2) and labels.shape == (28,) and np.bincount(labels).tolist() == [7] * 4


@pytest.mark.parametrize(
    ("fn", "kwargs", "message"),
    [
        (imbalanced_data, {"ratio": 0.5}, r"ratio must be in \[1, 1000\], got 0\.5"),
        (imbalanced_data, {"ratio": 2000}, r"ratio must be in \[1, 1000\], got 2000\.0"),
        (imbalanced_data, {"separation": -1}, r"separation must be >= 0"),
        (imbalanced_data, {"n": 1}, r"n must be an integer >= 2"),
        (preference_data, {"n_items": 1}, r"n_items must be an integer >= 2, got 1"),
        (preference_data, {"n_pairs": 0}, r"n_pairs must be an integer >= 1, got 0"),
        (preference_data, {"temperature": 0.0}, r"temperature must be > 0, got 0\.0"),
        (preference_data, {"flip_rate": 1.5}, r"flip_rate must be in \[0, 1\], got 1\.5"),
        (clustered_points, {"n_classes": 11}, r"n_classes must be an integer in \[2, 10\]"),
        (clustered_points, {"n_per_class": 1}, r"n_per_class must be an integer in \[2, 100\]"),
    ],
)
def test_part_b_validation(fn, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fn(**kwargs)


@pytest.mark.parametrize(
    ("grid", "kwargs", "message"),
    [
        ([0.0, 1.0], {"sigma": 0.0}, r"sigma must be > 0, got 0\.0"),
        ([0.0, 1.0], {"weight": 1.2}, r"weight must be in \[0, 1\], got 1\.2"),
        ([0.0], {}, r"grid must be 1-D with at least 2 points"),
        ([1.0, 0.0], {}, r"grid must be strictly increasing"),
    ],
)
def test_gaussian_mixture_validation(grid, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gaussian_mixture(grid, **kwargs)


# --------------------------------------------------------------------------- heteroscedastic
def test_heteroscedastic_data_is_seeded_and_its_noise_grows_with_x():
    a = heteroscedastic_data(n=4000, seed=3)
    b = heteroscedastic_data(n=4000, seed=3)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.x.min() >= 0.0 and a.x.max() <= 5.0
    np.testing.assert_allclose(a.sd, 0.2 + 0.4 * a.x)
    resid = a.y - (a.slope * a.x + a.intercept)
    low, high = a.x < 1.0, a.x > 4.0
    # σ(x) = 0.2 + 0.4x: about 0.4 on [0, 1], about 1.8 on [4, 5].
    assert resid[high].std() > 3.0 * resid[low].std()


def test_heteroscedastic_quantile_lines_hold_their_share_of_points():
    d = heteroscedastic_data(n=20000, seed=1)
    for tau in (0.1, 0.5, 0.9):
        w, b = d.quantile_line(tau)
        share = float(np.mean(d.y <= w * d.x + b))
        assert abs(share - tau) < 0.01, (tau, share)
    # z_0.9 = 1.2816 (standard normal table): w = 1 + 0.4·1.2816, b = 0.5 + 0.2·1.2816.
    w, b = d.quantile_line(0.9)
    assert w == pytest.approx(1.51262, abs=1e-4) and b == pytest.approx(0.75631, abs=1e-4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 1}, "n must be"),
        ({"noise": 0.0}, "noise must be > 0"),
        ({"noise_growth": -0.1}, "noise_growth must be >= 0"),
        ({"x_max": -1.0}, "x_max must be > 0"),
    ],
)
def test_heteroscedastic_data_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        heteroscedastic_data(**kwargs)


def test_heteroscedastic_quantile_line_rejects_tau_outside_the_open_unit_interval():
    with pytest.raises(ValueError, match=r"tau must be in \(0, 1\)"):
        heteroscedastic_data().quantile_line(1.0)
