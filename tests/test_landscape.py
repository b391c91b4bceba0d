"""The exact regression landscapes against the brute-force broadcast reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.data import regression_data
from lossviz.fit import fit_regression
from lossviz.landscape import regression_landscape, regression_landscape_bruteforce

RTOL = 1e-9

LOSSES = [
    ("mse", {}),
    ("mae", {}),
    ("huber", {"delta": 0.05}),
    ("huber", {"delta": 0.5}),
    ("huber", {"delta": 1.0}),
    ("huber", {"delta": 5.0}),
    ("huber", {"delta": 1e3}),
    ("smooth_l1", {"beta": 0.0}),
    ("smooth_l1", {"beta": 0.5}),
    ("smooth_l1", {"beta": 1.0}),
    ("quantile", {"tau": 0.01}),
    ("quantile", {"tau": 0.3}),
    ("quantile", {"tau": 0.9}),
    ("epsilon_insensitive", {"epsilon": 0.0}),
    ("epsilon_insensitive", {"epsilon": 0.1}),
    ("epsilon_insensitive", {"epsilon": 1.0}),
    ("pseudo_huber", {"delta": 0.05}),
    ("pseudo_huber", {"delta": 2.0}),
    ("log_cosh", {}),
    ("general_robust", {"alpha": 2.0}),
    ("general_robust", {"alpha": 1.0, "scale": 0.5}),
    ("general_robust", {"alpha": 0.0}),
    ("general_robust", {"alpha": -2.0, "scale": 2.0}),
    ("general_robust", {"alpha": -np.inf}),
]
#: Losses with an exact sorted-residual path (the others broadcast the loss function).
PIECEWISE = [
    lp for lp in LOSSES if lp[0] in ("mae", "huber", "smooth_l1", "quantile", "epsilon_insensitive")
]


def _assert_matches_bruteforce(x, y, w, b, loss, params) -> None:
    fast = regression_landscape(x, y, w, b, loss, **params)
    ref = regression_landscape_bruteforce(x, y, w, b, loss, **params)
    assert fast.shape == (len(b), len(w)) and fast.dtype == np.float64
    np.testing.assert_allclose(fast, ref, rtol=RTOL, atol=0)


@pytest.mark.parametrize(("loss", "params"), LOSSES)
@pytest.mark.parametrize("kind", ["vertical", "leverage"])
def test_grid_around_the_optimum(loss: str, params: dict, kind: str) -> None:
    d = regression_data(150, outlier_fraction=0.2, outlier_kind=kind, seed=11)
    f = fit_regression(d.x, d.y, loss, **params)
    w = np.linspace(f.w - 2.0, f.w + 2.0, 41)  # contains the optimum
    b = np.linspace(f.b - 3.0, f.b + 3.0, 31)
    _assert_matches_bruteforce(d.x, d.y, w, b, loss, params)


@pytest.mark.parametrize(("loss", "params"), LOSSES)
def test_grid_far_from_the_optimum(loss: str, params: dict) -> None:
    d = regression_data(120, outlier_fraction=0.1, seed=3)
    w = np.linspace(20.0, 40.0, 17)  # every residual on one side for most b
    b = np.linspace(-300.0, -100.0, 23)
    _assert_matches_bruteforce(d.x, d.y, w, b, loss, params)


@pytest.mark.parametrize(("loss", "params"), LOSSES)
def test_ties_and_grid_points_on_the_residuals(loss: str, params: dict) -> None:
    # Integer data and an integer grid: many grid b equal a residual exactly, and
    # b ± δ lands on residuals for the integer δ — searchsorted's tie handling.
    x = np.array([0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0, -2.0])
    y = np.array([1.0, 2.0, 2.0, 0.0, 5.0, 5.0, -1.0, 4.0])
    w = np.arange(-3.0, 4.0)
    b = np.arange(-8.0, 9.0)
    _assert_matches_bruteforce(x, y, w, b, loss, params)


@pytest.mark.parametrize(("loss", "params"), LOSSES)
def test_single_point_and_constant_x(loss: str, params: dict) -> None:
    w, b = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    _assert_matches_bruteforce([0.5], [2.0], w, b, loss, params)
    _assert_matches_bruteforce([1.0] * 6, [0.0, 1, 2, 3, 4, 10], w, b, loss, params)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=1, max_size=25),
    w=st.lists(st.floats(-10, 10), min_size=1, max_size=6),
    b=st.lists(st.floats(-60, 60), min_size=1, max_size=6),
    which=st.sampled_from(LOSSES),
)
def test_random_data_and_grids(data, w, b, which) -> None:
    x, y = np.array(data).T
    loss, params = which
    fast = regression_landscape(x, y, w, b, loss, **params)
    ref = regression_landscape_bruteforce(x, y, w, b, loss, **params)
    # Relative to the typical loss size: brute force itself rounds at that scale
    # when a grid point happens to fit the data exactly (loss ~ 0).
    scale = max(float(np.max(ref)), 1e-300)
    np.testing.assert_allclose(fast, ref, rtol=RTOL, atol=1e-12 * scale)


def test_orientation_rows_are_b_columns_are_w() -> None:
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])
    out = regression_landscape(x, y, [0.0, 2.0], [0.0, 1.0, 5.0], "mse")
    assert out.shape == (3, 2)
    assert out[0, 1] == pytest.approx(0.0, abs=1e-15)  # b = 0, w = 2: the data's line
    assert out[2, 1] == pytest.approx(25.0)  # b = 5, w = 2: every residual is −5


def test_mse_has_no_cancellation_at_an_exact_fit() -> None:
    # Far from the origin and noise-free: the textbook Σy² − 2wΣxy + … form loses
    # every digit here; the centred form returns ~0 at the true line.
    x = 1e4 + np.linspace(0.0, 1.0, 1001)
    y = 3.0 * x - 7.0
    out = regression_landscape(x, y, [3.0], [-7.0], "mse")
    assert out[0, 0] < 1e-18


@pytest.mark.parametrize(
    ("args", "params", "message"),
    [
        (([1, 2], [1, 2], [0], [0], "hinge"), {}, r"loss must be one of 'mse', 'mae', 'huber'"),
        (([1, 2], [1, 2], [0], [0], "huber"), {"delta": -1.0}, r"delta must be > 0.*-1\.0"),
        (([1, 2], [1, 2], [0], [0], "huber"), {"delta": 0}, r"delta must be > 0"),
        (([1, 2], [1, 2], [0], [0], "mse"), {"delta": 1.0}, r"loss 'mse' takes no parameter"),
        (([1, 2], [1, 2], [0], [0], "huber"), {"beta": 1.0}, r"takes no parameter\(s\) beta"),
        (([1, 2], [1], [0], [0], "mse"), {}, r"x and y must have the same length"),
        (([1, np.nan], [1, 2], [0], [0], "mae"), {}, r"x must be finite, got nan"),
        (([1, 2], [1, 2], [], [0], "mae"), {}, r"w must have at least 1 element"),
        (([1, 2], [1, 2], [[0.0]], [0], "mae"), {}, r"w must be 1-D"),
    ],
)
def test_validation(args: tuple, params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        regression_landscape(*args, **params)


@pytest.mark.parametrize("chunk", [1, 7, 50, 10_000])
def test_bruteforce_chunking_does_not_change_the_result(monkeypatch, chunk: int) -> None:
    import lossviz.landscape as ls

    d = regression_data(30, seed=5)
    w, b = np.linspace(-1, 3, 9), np.linspace(-2, 2, 11)
    whole = ls.regression_landscape_bruteforce(d.x, d.y, w, b, "huber", delta=0.5)
    monkeypatch.setattr(ls, "_BRUTE_CHUNK", chunk)
    chunked = ls.regression_landscape_bruteforce(d.x, d.y, w, b, "huber", delta=0.5)
    np.testing.assert_array_equal(chunked, whole)


@pytest.mark.parametrize(("loss", "params"), PIECEWISE)
@pytest.mark.parametrize(("max_n", "elements"), [(0, 1 << 19), (10**9, 1), (10**9, 64)])
def test_row_at_a_time_and_batched_paths_agree(monkeypatch, loss, params, max_n, elements) -> None:
    # Force one-w-at-a-time searchsorted (max_n = 0) or blocks of a few rows, on
    # integer data with ties, an unsorted b grid and b ± δ on the residuals.
    import lossviz.landscape as ls

    monkeypatch.setattr(ls, "_BATCH_MAX_N", max_n)
    monkeypatch.setattr(ls, "_BATCH_ELEMENTS", elements)
    x = np.array([0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0, -2.0])
    y = np.array([1.0, 2.0, 2.0, 0.0, 5.0, 5.0, -1.0, 4.0])
    w = np.arange(-3.0, 4.0)
    b = np.array([3.0, -8.0, 0.0, 0.0, 1.0, -1.0, 7.5, 2.0])
    _assert_matches_bruteforce(x, y, w, b, loss, params)


def test_every_regression_loss_of_the_registry_has_a_landscape() -> None:
    from lossviz import registry
    from lossviz.landscape import REGRESSION_LOSSES

    covered = {loss for loss, _ in LOSSES} | {"mse"}
    assert covered == set(REGRESSION_LOSSES)
    # Every registry loss of the regression family with (y_true, y_pred) arguments.
    family = {k for k, spec in registry.REGISTRY.items() if spec.family == "regression"}
    assert set(REGRESSION_LOSSES) == family - {"poisson_nll", "gaussian_nll"}


@pytest.mark.parametrize(
    ("loss", "params", "closed"),
    [
        # By hand, one point (x, y) = (0, 0), so the residual is −b whatever w:
        # quantile τ = 0.3 at b = 2 (over-prediction): (1 − τ)·2 = 1.4; at b = −2: τ·2 = 0.6.
        ("quantile", {"tau": 0.3}, {2.0: 1.4, -2.0: 0.6, 0.0: 0.0}),
        # ε-insensitive ε = 0.5: |b| − ε outside the tube, 0 inside.
        ("epsilon_insensitive", {"epsilon": 0.5}, {2.0: 1.5, -2.0: 1.5, 0.25: 0.0}),
        # smooth-L1 β = 2: ½b²/β = 0.25 at b = 1; |b| − β/2 = 2 at b = 3.
        ("smooth_l1", {"beta": 2.0}, {1.0: 0.25, -3.0: 2.0}),
    ],
)
def test_piecewise_landscapes_by_hand(loss, params, closed) -> None:
    b = np.array(sorted(closed))
    out = regression_landscape([0.0], [0.0], [0.0, 5.0], b, loss, **params)
    for j, bj in enumerate(b):
        assert out[j].tolist() == pytest.approx([closed[bj]] * 2, abs=1e-15)


# --------------------------------------------------------------------------- KL
# kl_landscape's fast paths (moments and log Z forward; a correlation of log p with the
# Gaussian kernel reverse, for means on the grid's lattice) against the definition:
# kl_landscape_bruteforce evaluates log q of every (σ, μ) on every grid point.
KL_GRID = np.linspace(-30.0, 30.0, 481)  # the KL page's support, dx = 0.125
KL_MU = np.linspace(-6.0, 6.0, 97)[::3]  # on the lattice (every third page mean)
KL_LOG_SIGMA = np.linspace(np.log(0.25), np.log(5.0), 73)[::3]


def _kl_close(fast: np.ndarray, ref: np.ndarray) -> None:
    assert fast.shape == ref.shape
    np.testing.assert_array_equal(np.isinf(fast), np.isinf(ref))
    finite = np.isfinite(ref)
    # Both sum terms of size ~5 nats to KL values down to ~1e-4: round-off is ~1e-14
    # absolute; rel 1e-10 plus abs 1e-12 (for KL ≈ 0) is far above it.
    np.testing.assert_allclose(fast[finite], ref[finite], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("direction", ["forward", "reverse"])
@pytest.mark.parametrize("weight", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("separation", [0.0, 6.0, 8.0])
@pytest.mark.parametrize(
    "axes",
    [
        "lattice",
        "lattice-unsorted",  # any lattice points, in any order, up to the grid's ends
        "off-lattice",  # shifted by a third of dx: the general path
    ],
)
def test_kl_landscape_matches_the_brute_force(direction, weight, separation, axes) -> None:
    from lossviz.data import gaussian_mixture
    from lossviz.landscape import kl_landscape, kl_landscape_bruteforce

    p = gaussian_mixture(KL_GRID, separation=separation, weight=weight, sigma=1.0)
    mu = {
        "lattice": KL_MU,
        "lattice-unsorted": KL_GRID[[0, 480, 240, 3, 400, 239, 241, 100]],
        "off-lattice": KL_MU + 0.125 / 3,
    }[axes]
    fast = kl_landscape(KL_GRID, p, mu, KL_LOG_SIGMA, direction)
    _kl_close(fast, kl_landscape_bruteforce(KL_GRID, p, mu, KL_LOG_SIGMA, direction))


@pytest.mark.parametrize("direction", ["forward", "reverse"])
def test_kl_landscape_with_p_zero_on_part_of_the_grid(direction) -> None:
    from lossviz.landscape import kl_landscape, kl_landscape_bruteforce

    # P a triangle on [−1, 1], zero elsewhere on ±3 (dx = 0.05, not a binary fraction).
    # Reverse: +inf where Q has mass (a positive float64 q) off P's support, finite where
    # a narrow Q's tail underflows there; forward: always finite (0·log q = 0).
    x = np.linspace(-3.0, 3.0, 121)
    p = np.maximum(0.0, 1.0 - np.abs(x))
    p /= p.sum()
    mu = x[20:101:4]  # −2 … 2 on the lattice
    log_sigma = np.log(np.geomspace(0.01, 1.0, 15))
    fast = kl_landscape(x, p, mu, log_sigma, direction)
    ref = kl_landscape_bruteforce(x, p, mu, log_sigma, direction)
    _kl_close(fast, ref)
    if direction == "reverse":
        assert np.isinf(ref).any() and np.isfinite(ref).any()
    else:
        assert np.isfinite(ref).all()


def test_kl_landscape_uniform_grid_of_inexact_floats_matches_the_loss_module() -> None:
    from lossviz import losses
    from lossviz.landscape import kl_landscape

    # dx = 0.1 is not a binary fraction: the lattice means are x[k] to an ulp, not k·dx.
    x = np.linspace(-5.0, 7.0, 121)
    rng = np.random.default_rng(3)
    p = rng.random(x.size)
    p /= p.sum()
    mu = x[[0, 7, 60, 61, 120]]
    # σ ≥ 0.5: no q of the plain-exp reference underflows (12² / (2·0.5²) = 288 < 745).
    log_sigma = np.log([0.5, 1.3, 4.0])
    for direction in ("forward", "reverse"):
        out = kl_landscape(x, p, mu, log_sigma, direction)
        for j, ls in enumerate(log_sigma):
            for k, m in enumerate(mu):
                q = np.exp(-0.5 * ((x - m) / np.exp(ls)) ** 2)
                q /= q.sum()
                pq = (p, q) if direction == "forward" else (q, p)
                assert out[j, k] == pytest.approx(float(losses.kl_divergence(*pq)), rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    k=st.integers(2, 60),
    zeros=st.floats(0.0, 0.6),
    n_mu=st.integers(1, 12),
    log_sigma=st.lists(st.floats(-4.0, 2.0), min_size=1, max_size=6),
    dx=st.sampled_from([0.125, 0.1, 0.37]),
)
def test_kl_landscape_random_p_and_lattice_axes(seed, k, zeros, n_mu, log_sigma, dx) -> None:
    from lossviz.landscape import kl_landscape, kl_landscape_bruteforce

    rng = np.random.default_rng(seed)
    x = -1.0 + dx * np.arange(k)
    p = rng.random(k) * (rng.random(k) >= zeros)
    if p.sum() == 0:
        p[rng.integers(k)] = 1.0
    p /= p.sum()
    mu = x[rng.integers(0, k, n_mu)]
    for direction in ("forward", "reverse"):
        fast = kl_landscape(x, p, mu, log_sigma, direction)
        _kl_close(fast, kl_landscape_bruteforce(x, p, mu, log_sigma, direction))


def test_kl_tables_are_bounded_in_bytes_and_never_handed_out() -> None:
    from lossviz import landscape

    x = KL_GRID
    p = np.full(x.size, 1.0 / x.size)
    first = landscape.kl_landscape(x, p, KL_MU, KL_LOG_SIGMA, "reverse")
    first[:] = -1.0  # the caller's array: the cached tables must not change
    again = landscape.kl_landscape(x, p, KL_MU, KL_LOG_SIGMA, "reverse")
    _kl_close(again, landscape.kl_landscape_bruteforce(x, p, KL_MU, KL_LOG_SIGMA, "reverse"))
    for shift in range(40):  # 40 different σ axes of ~0.4 MB of tables each
        landscape.kl_landscape(x, p, KL_MU, KL_LOG_SIGMA + shift * 1e-3, "forward")
    with landscape._TABLES_LOCK:
        held = sum(t.nbytes for v in landscape._TABLES.values() for t in v)
    assert 0 < held <= landscape._TABLES_MAX_BYTES
