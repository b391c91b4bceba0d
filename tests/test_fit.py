"""Exact fits and gradient-descent paths: regression (issue 5); logistic, Bradley–Terry,
Gaussian KL and metric learning (issue 6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import losses
from lossviz.data import (
    clustered_points,
    gaussian_mixture,
    heteroscedastic_data,
    preference_data,
    regression_data,
)
from lossviz.fit import (
    DescentPath,
    RegressionFit,
    contrastive_stable_learning_rate,
    fit_bradley_terry,
    fit_gaussian_kl,
    fit_regression,
    gradient_descent,
    mse_curvature,
    stable_learning_rate,
    train_embedding,
)
from lossviz.fit.metric import _pairs_and_triplets, info_nce_rows, max_negatives
from lossviz.fit.regression import _lp_solve
from lossviz.landscape import (
    kl_landscape,
    regression_landscape,
    regression_landscape_bruteforce,
)

# Every regression loss of the registry. Convex: the global optimum; non-convex
# (Barron's α < 1): the local optimum from the LAD start.
CONVEX_FITS = [
    ("mse", {}),
    ("mae", {}),
    ("huber", {"delta": 0.1}),
    ("huber", {"delta": 1.0}),
    ("huber", {"delta": 4.0}),
    ("smooth_l1", {"beta": 0.5}),
    ("smooth_l1", {"beta": 0.0}),
    ("pseudo_huber", {"delta": 0.1}),
    ("pseudo_huber", {"delta": 2.0}),
    ("log_cosh", {}),
    ("quantile", {"tau": 0.1}),
    ("quantile", {"tau": 0.5}),
    ("quantile", {"tau": 0.9}),
    ("epsilon_insensitive", {"epsilon": 0.0}),
    ("epsilon_insensitive", {"epsilon": 0.3}),
    ("epsilon_insensitive", {"epsilon": 1.0}),
    ("general_robust", {"alpha": 2.0}),
    ("general_robust", {"alpha": 1.5, "scale": 0.5}),
    ("general_robust", {"alpha": 1.0}),
    ("general_robust", {"alpha": 3.0, "scale": 2.0}),
]
NONCONVEX_FITS = [
    ("general_robust", {"alpha": 0.5}),
    ("general_robust", {"alpha": 0.0}),  # Cauchy
    ("general_robust", {"alpha": -2.0}),  # Geman–McClure
    ("general_robust", {"alpha": -np.inf, "scale": 1.5}),  # Welsch
]
FITS = CONVEX_FITS + NONCONVEX_FITS
LP_FITS = [
    (loss, p)
    for loss, p in CONVEX_FITS
    if loss in ("mae", "quantile", "epsilon_insensitive") or p == {"beta": 0.0}
]
SMOOTH_FITS = [fp for fp in FITS if fp not in LP_FITS]
KINDS = ["vertical", "leverage"]


def _data(kind: str, n: int = 150, seed: int = 4):
    return regression_data(n, outlier_fraction=0.2, outlier_kind=kind, seed=seed)


def _ids(fp) -> str:
    return fp[0] + "".join(f"-{k}={v}" for k, v in fp[1].items())


@pytest.mark.parametrize("fp", FITS, ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("radius", [1e-1, 1e-4, 1e-7])
def test_no_better_point_on_a_fine_local_grid(fp, kind, radius) -> None:
    loss, params = fp
    d = _data(kind)
    f = fit_regression(d.x, d.y, loss, **params)
    assert isinstance(f, RegressionFit) and f.converged
    grid = np.linspace(-radius, radius, 101)
    surface = regression_landscape_bruteforce(d.x, d.y, f.w + grid, f.b + grid, loss, **params)
    assert surface.min() >= f.objective * (1 - 1e-13)


@pytest.mark.parametrize("fp", FITS, ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
def test_objective_matches_the_loss_module(fp, kind) -> None:
    loss, params = fp
    d = _data(kind)
    f = fit_regression(d.x, d.y, loss, **params)
    direct = np.mean(getattr(losses, loss)(d.y, f.w * d.x + f.b, **params))
    assert f.objective == pytest.approx(direct, rel=1e-15)


@pytest.mark.parametrize("fp", [fp for fp in CONVEX_FITS if fp not in LP_FITS], ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
def test_objective_against_a_zooming_brute_force_grid(fp, kind) -> None:
    # (The LP fits get an exact independent check instead: the vertex enumeration below;
    # a grid zoom can lose a piecewise-linear objective's narrow valleys.)
    # An independent solve: zoom a 41² brute-force grid (the loss function broadcast
    # over every grid point, no fit code) in on its own minimum, 4× per round. On a
    # convex objective it never beats the fit, and it gets within 1e-8 relative of it.
    loss, params = fp
    d = _data(kind, n=60, seed=9)
    f = fit_regression(d.x, d.y, loss, **params)
    ols = fit_regression(d.x, d.y, "mse")
    wc, bc, half = ols.w, ols.b, 8.0
    best = np.inf
    while half > 1e-11:
        w = np.linspace(wc - half, wc + half, 41)
        b = np.linspace(bc - half, bc + half, 41)
        s = regression_landscape_bruteforce(d.x, d.y, w, b, loss, **params)
        j, k = np.unravel_index(np.argmin(s), s.shape)
        best, wc, bc, half = min(best, s[j, k]), w[k], b[j], half / 4
    assert best >= f.objective * (1 - 1e-13)
    assert best <= f.objective * (1 + 1e-8)


@pytest.mark.parametrize("fp", SMOOTH_FITS, ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
def test_smooth_fits_have_zero_gradient(fp, kind) -> None:
    loss, params = fp
    d = _data(kind)
    f = fit_regression(d.x, d.y, loss, **params)
    g = getattr(losses, loss + "_grad")(d.y, f.w * d.x + f.b, **params)
    grad = np.array([np.mean(g * d.x), np.mean(g)])
    scale = np.mean(np.abs(g)) * (1 + np.mean(np.abs(d.x)))
    assert np.linalg.norm(grad) <= 1e-12 * scale


def _one_sided_slopes(loss, params, y, pred, h=1e-7):
    """Left and right derivatives of a piecewise-linear loss at pred, by differences of
    the loss itself (exact when no kink lies within h of pred other than at pred)."""
    fn = getattr(losses, loss)
    at = fn(y, pred, **params)
    return (at - fn(y, pred - h, **params)) / h, (fn(y, pred + h, **params) - at) / h


@pytest.mark.parametrize("fp", LP_FITS, ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lp_fits_have_zero_in_the_subdifferential(fp, kind, seed) -> None:
    # 0 ∈ ∂f(θ) ⇔ every directional derivative f'(θ; d) >= 0. For ŷ_i = z_i·θ,
    # z_i = (x_i, 1): f'(θ; d) = mean_i [ℓ'_+(ŷ_i)·t_i if t_i > 0 else ℓ'_−(ŷ_i)·t_i],
    # t_i = z_i·d, with ℓ'_± the one-sided slopes of the loss (not its _grad).
    loss, params = fp
    d = _data(kind, n=101, seed=seed)
    f = fit_regression(d.x, d.y, loss, **params)
    left, right = _one_sided_slopes(loss, params, d.y, f.w * d.x + f.b)
    z = np.stack([d.x, np.ones_like(d.x)], axis=1)
    angles = np.linspace(0, 2 * np.pi, 3601)
    t = z @ np.stack([np.cos(angles), np.sin(angles)], axis=0)  # (n, m)
    deriv = np.where(t > 0, right[:, None] * t, left[:, None] * t).mean(axis=0)
    assert deriv.min() >= -1e-6  # the slopes are differences with h = 1e-7


@pytest.mark.parametrize("fp", LP_FITS, ids=_ids)
@pytest.mark.parametrize("seed", [0, 5])
def test_lp_fits_equal_the_best_vertex_of_the_arrangement(fp, seed) -> None:
    # A piecewise-linear convex objective in (w, b) attains its minimum at a vertex of
    # the arrangement of its kink lines: y_i − w x_i − b ∈ {0} (MAE, quantile) or {±ε}
    # (ε-insensitive). Enumerate every line through two points (shifted by ±ε), score
    # each by brute force: the best is the optimum, found without any solver.
    loss, params = fp
    d = _data("leverage", n=30, seed=seed)
    f = fit_regression(d.x, d.y, loss, **params)
    eps = params.get("epsilon", 0.0)
    shifts = [-eps, eps] if eps > 0 else [0.0]
    i, j = np.triu_indices(d.x.size, k=1)
    keep = d.x[i] != d.x[j]
    i, j = i[keep], j[keep]
    cands = []
    for si in shifts:
        for sj in shifts:
            yi, yj = d.y[i] - si, d.y[j] - sj
            w = (yj - yi) / (d.x[j] - d.x[i])
            cands.append((w, yi - w * d.x[i]))
    w = np.concatenate([c[0] for c in cands])
    b = np.concatenate([c[1] for c in cands])
    vals = getattr(losses, loss)(d.y[None, :], w[:, None] * d.x[None, :] + b[:, None], **params)
    best = vals.mean(axis=1).min()
    assert f.objective == pytest.approx(best, rel=1e-12)


@pytest.mark.parametrize("tau", [0.1, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("seed", [0, 3])
def test_quantile_line_splits_the_points_at_tau(tau, seed) -> None:
    # Koenker & Bassett (1978), Theorem 3.4: with an intercept, the N points below the
    # τ-line (y < ŷ) and the Z on it satisfy N <= nτ <= N + Z.
    d = heteroscedastic_data(300, seed=seed)
    f = fit_regression(d.x, d.y, "quantile", tau=tau)
    r = d.y - (f.w * d.x + f.b)
    on = np.abs(r) <= 1e-9 * (1 + np.abs(d.y))
    below = int(np.sum((r < 0) & ~on))
    assert on.sum() >= 2  # a vertex: the line passes through two data points
    assert below <= 300 * tau <= below + on.sum()


def test_quantile_lines_recover_the_true_conditional_quantiles() -> None:
    d = heteroscedastic_data(4000, seed=1)
    for tau in (0.1, 0.5, 0.9):
        f = fit_regression(d.x, d.y, "quantile", tau=tau)
        w, b = d.quantile_line(tau)
        assert abs(f.w - w) < 0.08 and abs(f.b - b) < 0.15, tau


@pytest.mark.parametrize("fp", LP_FITS, ids=_ids)
def test_lp_kkt_dual_certificate(fp) -> None:
    # The LP's own optimality certificate (HiGHS's duals λ), checked here: dual
    # feasibility, stationarity in the free (w, c) and strong duality (objectives equal).
    loss, params = fp
    d = _data("vertical", n=80, seed=2)
    u = d.x - d.x.mean()
    kw = {"tau": 0.5} if loss in ("mae", "smooth_l1") else params
    lp_loss = "mae" if loss == "smooth_l1" else loss
    sol = _lp_solve(u, d.y, lp_loss, kw)
    z = np.stack([u, np.ones_like(u)], axis=1)
    lkw = {} if lp_loss == "mae" else params
    primal = np.mean(getattr(losses, lp_loss)(d.y, z @ [sol["w"], sol["c"]], **lkw)) * u.size
    lam = sol["duals"]
    if loss == "epsilon_insensitive":
        eps = params["epsilon"]
        lo, hi = lam[: u.size], lam[u.size :]
        # min cᵀx s.t. A x <= b: λ <= 0, and −1 <= λ for the p and m columns (cost 1).
        assert np.all((lo <= 1e-12) & (lo >= -1 - 1e-9) & (hi <= 1e-12) & (hi >= -1 - 1e-9))
        assert np.allclose(-z.T @ lo + z.T @ hi, 0.0, atol=1e-9)
        dual = float(np.dot(eps - d.y, lo) + np.dot(eps + d.y, hi))
    else:
        tau = params.get("tau", 0.5)
        scale = 1.0 if loss == "quantile" else 2.0  # MAE costs 1 = 2·½ per unit
        # max yᵀλ s.t. zᵀλ = 0, λ_i ∈ [(τ − 1)s, τs]: the quantile LP's dual.
        assert np.all(lam <= tau * scale + 1e-9) and np.all(lam >= (tau - 1) * scale - 1e-9)
        assert np.allclose(z.T @ lam, 0.0, atol=1e-9)
        dual = float(np.dot(d.y, lam))
    assert dual == pytest.approx(primal, rel=1e-9)


@pytest.mark.parametrize("fp", NONCONVEX_FITS, ids=_ids)
@pytest.mark.parametrize("kind", KINDS)
def test_nonconvex_fit_is_a_local_minimum_reached_from_the_lad_fit(fp, kind) -> None:
    loss, params = fp
    d = _data(kind)
    f = fit_regression(d.x, d.y, loss, **params)
    lad = fit_regression(d.x, d.y, "mae")
    assert not f.convex and f.converged and f.start_from == "the LAD (MAE) fit"
    assert f.start == pytest.approx((lad.w, lad.b), rel=1e-12, abs=1e-12)
    start_obj = np.mean(getattr(losses, loss)(d.y, lad.w * d.x + lad.b, **params))
    assert f.objective <= start_obj
    # A local minimum: the Hessian, by central differences of the objective itself, is
    # positive definite.
    h = 1e-4

    def obj(w, b):
        return np.mean(getattr(losses, loss)(d.y, w * d.x + b, **params))

    f0 = obj(f.w, f.b)
    hww = (obj(f.w + h, f.b) - 2 * f0 + obj(f.w - h, f.b)) / h**2
    hbb = (obj(f.w, f.b + h) - 2 * f0 + obj(f.w, f.b - h)) / h**2
    hwb = (obj(f.w + h, f.b + h) - obj(f.w + h, f.b - h) - obj(f.w - h, f.b + h)) / (4 * h * h)
    hwb += obj(f.w - h, f.b - h) / (4 * h * h)
    assert hww > 0 and hww * hbb - hwb**2 > 0


def test_convexity_is_reported() -> None:
    d = _data("vertical")
    for loss, params in CONVEX_FITS:
        f = fit_regression(d.x, d.y, loss, **params)
        assert f.convex and f.start is None and f.start_from is None, (loss, params)


def test_redescending_fit_ignores_vertical_outliers_that_tilt_least_squares() -> None:
    # Barron's α moves from least squares (α = 2) to Geman–McClure (α = −2).
    d = regression_data(200, outlier_fraction=0.2, outlier_magnitude=10.0, seed=2)
    ols = fit_regression(d.x, d.y, "mse")
    l2 = fit_regression(d.x, d.y, "general_robust", alpha=2.0)
    gm = fit_regression(d.x, d.y, "general_robust", alpha=-2.0)
    assert (l2.w, l2.b) == pytest.approx((ols.w, ols.b), rel=1e-9)
    # Barron (2019), eq. 2: α = 2, c = 1 is ½r², half the MSE.
    assert l2.objective == pytest.approx(ols.objective / 2, rel=1e-12)
    assert abs(ols.b - d.intercept) > 1.0
    assert abs(gm.w - d.slope) < 0.1 and abs(gm.b - d.intercept) < 0.2
    # Geman–McClure (c = 1): ρ'(r) = r/(r²/4 + 1)², by hand its peak is at r = 2/√3,
    # ρ' = 0.6495, and at r = 5 it is 5/7.25² = 0.0951. The outliers sit ~5–15 above
    # the line: each keeps under 15 % of an inlier's largest vote, and together they
    # cast under 10 % of all votes though they are 20 % of the points.
    g = np.abs(losses.general_robust_grad(d.y, gm.w * d.x + gm.b, alpha=-2.0))
    assert g.max() == pytest.approx(0.6495, abs=2e-3)
    assert g[d.is_outlier].max() < 0.15 * g.max()
    assert g[d.is_outlier].sum() < 0.1 * g.sum()


@pytest.mark.parametrize("beta", [0.3, 1.0, 2.5])
def test_smooth_l1_is_huber_divided_by_beta(beta: float) -> None:
    d = _data("vertical")
    s = fit_regression(d.x, d.y, "smooth_l1", beta=beta)
    h = fit_regression(d.x, d.y, "huber", delta=beta)
    assert (s.w, s.b) == (h.w, h.b)  # the same solver on the same objective, scaled
    assert s.objective == pytest.approx(h.objective / beta, rel=1e-13)


def test_huber_with_huge_delta_is_least_squares() -> None:
    d = _data("vertical")
    ols = fit_regression(d.x, d.y, "mse")
    hub = fit_regression(d.x, d.y, "huber", delta=1e6)
    assert (hub.w, hub.b) == pytest.approx((ols.w, ols.b), rel=1e-12)
    assert hub.objective == pytest.approx(ols.objective / 2, rel=1e-12)


def test_robust_fits_ignore_vertical_outliers() -> None:
    d = regression_data(200, outlier_fraction=0.2, outlier_magnitude=30.0, seed=2)
    for loss, params in [("mae", {}), ("huber", {"delta": 1.0})]:
        f = fit_regression(d.x, d.y, loss, **params)
        assert abs(f.w - d.slope) < 0.2 and abs(f.b - d.intercept) < 0.3


@pytest.mark.parametrize("fp", FITS, ids=_ids)
def test_constant_x_gives_zero_slope(fp) -> None:
    loss, params = fp
    x, y = np.full(5, 2.0), np.array([0.0, 1.0, 2.0, 3.0, 10.0])
    f = fit_regression(x, y, loss, **params)
    assert f.w == 0.0
    g = np.linspace(-0.01, 0.01, 21)
    assert regression_landscape(x, y, [0.0], f.b + g, loss, **params).min() >= f.objective - 1e-15


# --------------------------------------------------------------------------- descent
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize(("loss", "params"), [*FITS[:5], FITS[9], FITS[11], FITS[14]])
def test_small_lr_decreases_the_loss(optimizer, loss, params) -> None:
    d = _data("vertical")
    p = gradient_descent(d.x, d.y, loss, optimizer=optimizer, lr=0.05, steps=200, **params)
    assert isinstance(p, DescentPath) and not p.diverged and p.diverged_at is None
    assert p.w.shape == p.b.shape == p.loss.shape == (201,)
    assert (p.w[0], p.b[0]) == (0.0, 0.0)
    assert p.loss[-1] < 0.9 * p.loss[0]
    if optimizer == "gd" and loss == "mse":
        assert np.all(np.diff(p.loss) <= 1e-12 * p.loss[0])  # lr below 1/L: monotone


def test_gd_converges_to_the_least_squares_fit() -> None:
    d = _data("vertical")
    f = fit_regression(d.x, d.y, "mse")
    p = gradient_descent(d.x, d.y, "mse", lr=0.05, steps=3000, start=(-3.0, 4.0))
    assert (p.w[-1], p.b[-1]) == pytest.approx((f.w, f.b), rel=1e-8)


def test_path_losses_match_the_landscape() -> None:
    d = _data("leverage")
    p = gradient_descent(d.x, d.y, "huber", optimizer="adam", lr=0.1, steps=20, delta=0.7)
    for k in (0, 5, 20):
        surf = regression_landscape(d.x, d.y, [p.w[k]], [p.b[k]], "huber", delta=0.7)
        assert p.loss[k] == pytest.approx(surf[0, 0], rel=1e-12)


@pytest.mark.parametrize(("loss", "params"), FITS)
def test_path_steps_are_the_public_loss_and_gradient_exactly(loss, params) -> None:
    # The descent loop calls the formulas on the residual without the argument checks
    # (ON_RESIDUAL); each iterate must be what the public loss and its gradient give.
    d = _data("vertical")
    p = gradient_descent(d.x, d.y, loss, optimizer="momentum", lr=0.05, steps=12, **params)
    fn, grad = getattr(losses, loss), getattr(losses, loss + "_grad")
    vel = np.zeros(2)
    for k in range(12):
        pred = p.w[k] * d.x + p.b[k]
        assert p.loss[k] == np.mean(fn(d.y, pred, **params))
        g = grad(d.y, pred, **params)
        vel = 0.9 * vel + np.array([np.mean(g * d.x), np.mean(g)])
        assert (p.w[k + 1], p.b[k + 1]) == (p.w[k] - 0.05 * vel[0], p.b[k] - 0.05 * vel[1])


@pytest.mark.parametrize("lr", [10.0, 1e150])
def test_large_lr_diverges_and_is_reported(lr: float) -> None:
    d = regression_data(100, seed=0)
    x = 10.0 * d.x  # spread-out x: the MSE curvature 2·mean(x²) is ~600
    p = gradient_descent(x, d.y, "mse", lr=lr, steps=100)
    assert p.diverged and isinstance(p.diverged_at, int) and 1 <= p.diverged_at <= 100
    assert p.w.shape == p.b.shape == p.loss.shape == (p.diverged_at,)
    assert np.all(np.isfinite(p.loss)) and np.all(p.loss <= 1e6 * p.loss[0])
    assert (p.optimizer, p.lr) == ("gd", lr)


@pytest.mark.parametrize(
    ("x", "curvature"),
    [
        # H = 2·mean(z zᵀ), z = (x, 1). By hand: x = (−1, 1): mean x² = 1, mean x = 0,
        # H = 2I, L = 2. x = (0, 2): mean x² = 2, mean x = 1, H = 2·[[2, 1], [1, 1]] with
        # eigenvalues 2·(3 ± √5)/2, L = 3 + √5. x = (3, 3, 3): H = 2·[[9, 3], [3, 1]],
        # eigenvalues 0 and 2·10 (z = (3, 1) always), L = 20.
        ([-1.0, 1.0], 2.0),
        ([0.0, 2.0], 3.0 + np.sqrt(5.0)),
        ([3.0, 3.0, 3.0], 20.0),
    ],
)
def test_mse_curvature_by_hand(x, curvature) -> None:
    assert mse_curvature(x) == pytest.approx(curvature, rel=1e-14)
    assert stable_learning_rate(x) == pytest.approx(2.0 / curvature, rel=1e-14)
    assert stable_learning_rate(x, "momentum", momentum=0.5) == pytest.approx(
        3.0 / curvature, rel=1e-14
    )


@pytest.mark.parametrize("optimizer", ["gd", "momentum"])
@pytest.mark.parametrize("kind", KINDS)
def test_mse_diverges_just_above_the_stable_learning_rate(optimizer, kind) -> None:
    d = regression_data(80, outlier_fraction=0.1, outlier_kind=kind, seed=3)
    eta = stable_learning_rate(d.x, optimizer)
    f = fit_regression(d.x, d.y, "mse")
    below = gradient_descent(d.x, d.y, "mse", optimizer=optimizer, lr=0.98 * eta, steps=3000)
    above = gradient_descent(d.x, d.y, "mse", optimizer=optimizer, lr=1.02 * eta, steps=3000)
    assert not below.diverged and below.loss[-1] - f.objective < 1e-9 * f.objective
    assert above.diverged


def test_stable_learning_rate_validation() -> None:
    with pytest.raises(ValueError, match=r"optimizer must be 'gd' or 'momentum'.*'adam'"):
        stable_learning_rate([0.0, 1.0], "adam")
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.0"):
        stable_learning_rate([0.0, 1.0], "momentum", momentum=1.0)
    with pytest.raises(ValueError, match=r"x must be finite, got nan"):
        mse_curvature([0.0, float("nan")])


def test_zero_steps_is_just_the_start() -> None:
    p = gradient_descent([0.0, 1.0], [1.0, 2.0], "mae", steps=0, start=(1.0, -1.0))
    assert p.w.tolist() == [1.0] and p.b.tolist() == [-1.0] and p.loss.tolist() == [2.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimizer": "sgd"}, r"optimizer must be one of 'gd', 'momentum', 'adam'; got 'sgd'"),
        ({"lr": 0.0}, r"lr must be > 0, got 0\.0"),
        ({"lr": float("inf")}, r"lr must be finite"),
        ({"steps": -1}, r"steps must be an integer in \[0, 100000\], got -1"),
        ({"steps": 1.5}, r"steps must be an integer"),
        ({"momentum": 1.0}, r"momentum must be in \[0, 1\), got 1\.0"),
        ({"betas": (0.9,)}, r"betas must be a pair"),
        ({"betas": (0.9, 1.5)}, r"betas\[1\] must be in \[0, 1\), got 1\.5"),
        ({"eps": -1e-8}, r"eps must be > 0"),
        ({"start": (1.0,)}, r"start must be a pair"),
        ({"start": (1.0, float("nan"))}, r"start\[1\] must be finite, got nan"),
        ({"delta": 1.0}, r"loss 'mse' takes no parameter"),
    ],
)
def test_descent_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gradient_descent([0.0, 1.0], [1.0, 2.0], "mse", **kwargs)


def test_fit_validation() -> None:
    with pytest.raises(ValueError, match=r"loss must be one of"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "logcosh")
    with pytest.raises(ValueError, match=r"delta must be > 0"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "huber", delta=-2)
    with pytest.raises(ValueError, match=r"tau must lie in the open interval \(0, 1\), got 1.5"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "quantile", tau=1.5)
    with pytest.raises(ValueError, match=r"epsilon must be >= 0"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "epsilon_insensitive", epsilon=-0.1)
    with pytest.raises(ValueError, match=r"takes no parameter\(s\) delta"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "log_cosh", delta=1.0)
    with pytest.raises(ValueError, match=r"scale must be > 0"):
        fit_regression([0.0, 1.0], [1.0, 2.0], "general_robust", alpha=0.0, scale=0.0)


# =========================================================================== issue 6
# --------------------------------------------------------------------------- Bradley–Terry
def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_bradley_terry_first_order_and_local_optimality(margin: float) -> None:
    data = preference_data(10, 400, temperature=1.0, flip_rate=0.1, seed=4)
    fit = fit_bradley_terry(data.chosen, data.rejected, 10, margin=margin, l2=1e-2)
    assert fit.converged
    r = fit.rewards

    def objective(r):
        return losses.bradley_terry(r[data.chosen], r[data.rejected], margin=margin).mean() + (
            0.5e-2 * r @ r
        )

    gc, gr = losses.bradley_terry_grad(r[data.chosen], r[data.rejected], margin=margin)
    grad = np.zeros(10)
    np.add.at(grad, data.chosen, gc)
    np.add.at(grad, data.rejected, gr)
    grad = grad / data.chosen.size + 1e-2 * r
    assert np.max(np.abs(grad)) <= 1e-10
    assert fit.objective == pytest.approx(objective(r), rel=1e-14)
    rng = np.random.default_rng(1)
    for u in rng.standard_normal((30, 10)):
        assert objective(r + 1e-3 * u / np.linalg.norm(u)) >= fit.objective


def test_bradley_terry_recovers_the_ranking() -> None:
    data = preference_data(8, 4000, temperature=0.3, seed=14)
    gaps = np.diff(np.sort(data.rewards))
    assert gaps.min() > 0.1  # reasonably separated rewards for this seed
    fit = fit_bradley_terry(data.chosen, data.rejected, 8)
    assert _spearman(fit.rewards, data.rewards) >= 0.95


def test_bradley_terry_validation() -> None:
    with pytest.raises(ValueError, match=r"chosen and rejected must differ"):
        fit_bradley_terry([0, 1], [0, 2], 3)
    with pytest.raises(ValueError, match=r"rejected must hold indices in \[0, 3\), got 3"):
        fit_bradley_terry([0, 1], [1, 3], 3)
    with pytest.raises(ValueError, match=r"chosen must be a non-empty 1-D integer array"):
        fit_bradley_terry([0.5], [1], 3)


# --------------------------------------------------------------------------- Gaussian KL
GRID = np.linspace(-20.0, 20.0, 2001)


@pytest.mark.parametrize(
    ("separation", "weight", "sigma"), [(0.0, 0.5, 1.0), (3.0, 0.3, 0.8), (8.0, 0.6, 1.2)]
)
def test_forward_kl_is_moment_matching(separation, weight, sigma) -> None:
    p = gaussian_mixture(GRID, separation=separation, weight=weight, sigma=sigma)
    mu, s, kl = fit_gaussian_kl(GRID, p, "forward")
    mean = p @ GRID
    std = np.sqrt(p @ (GRID - mean) ** 2)
    assert mu == pytest.approx(mean, abs=1e-3) and s == pytest.approx(std, abs=1e-3)
    assert kl == pytest.approx(kl_landscape(GRID, p, [mu], [np.log(s)], "forward")[0, 0], rel=1e-12)


@pytest.mark.parametrize("weight", [0.3, 0.7])
def test_reverse_kl_sits_on_one_mode(weight: float) -> None:
    p = gaussian_mixture(GRID, separation=8.0, weight=weight, sigma=1.0)
    mu, s, kl = fit_gaussian_kl(GRID, p, "reverse")
    heavier = -4.0 if weight > 0.5 else 4.0
    assert mu == pytest.approx(heavier, abs=0.05) and s == pytest.approx(1.0, abs=0.05)
    _assert_no_better_point_nearby(p, mu, s, kl)


def _assert_no_better_point_nearby(p, mu: float, s: float, kl: float) -> None:
    """No point of the reverse landscape within ±0.01 in μ and log σ is lower than kl."""
    around = kl_landscape(
        GRID,
        p,
        mu + np.linspace(-0.01, 0.01, 21),
        np.log(s) + np.linspace(-0.01, 0.01, 21),
        "reverse",
    )
    assert around.min() >= kl * (1 - 1e-9)


@pytest.mark.parametrize("direction", ["forward", "reverse"])
def test_kl_landscape_matches_the_loss_module(direction: str) -> None:
    x = np.linspace(-6, 6, 121)
    p = gaussian_mixture(x, separation=3.0, weight=0.4, sigma=0.9)
    mus, log_sigmas = np.array([-1.0, 0.0, 2.5]), np.log([0.5, 1.0, 3.0, 4.0])
    out = kl_landscape(x, p, mus, log_sigmas, direction)
    assert out.shape == (4, 3)
    for j, ls in enumerate(log_sigmas):
        for k, m in enumerate(mus):
            q = np.exp(-0.5 * ((x - m) / np.exp(ls)) ** 2)
            q /= q.sum()
            ref = (
                losses.kl_divergence(p, q) if direction == "forward" else losses.kl_divergence(q, p)
            )
            assert out[j, k] == pytest.approx(float(ref), rel=1e-9)


def test_reverse_kl_from_a_start_finds_the_local_optimum_there() -> None:
    # w = 0.3: the right mode (weight 0.7) is the fit; started on the left mode, Newton
    # stops at the left mode's own optimum, a worse local minimum (ln(1/0.3) = 1.20 nats
    # for Q = that component alone, a bit less for the best Q near it).
    p = gaussian_mixture(GRID, separation=8.0, weight=0.3, sigma=1.0)
    best = fit_gaussian_kl(GRID, p, "reverse")
    mu, s, kl = fit_gaussian_kl(GRID, p, "reverse", start=(-3.5, 1.5))
    assert best[0] == pytest.approx(4.0, abs=0.05)
    assert mu == pytest.approx(-4.0, abs=0.05) and s == pytest.approx(1.0, abs=0.05)
    assert best[2] < kl < np.log(1 / 0.3)
    _assert_no_better_point_nearby(p, mu, s, kl)
    assert kl == pytest.approx(kl_landscape(GRID, p, [mu], [np.log(s)], "reverse")[0, 0])


def test_gaussian_kl_local_optima_runs_newton_from_each_start() -> None:
    from lossviz.fit import gaussian_kl_local_optima

    p = gaussian_mixture(GRID, separation=8.0, weight=0.3, sigma=1.0)
    starts = [(-3.5, 1.5), (3.0, 0.7), (4.5, 1.2)]
    out = gaussian_kl_local_optima(GRID, p, "reverse", starts)
    assert len(out) == 3
    for (mu, s, kl), start in zip(out, starts, strict=True):
        one = fit_gaussian_kl(GRID, p, "reverse", start=start)
        assert (mu, s, kl) == pytest.approx(one, rel=1e-12, abs=1e-12)
        # Each reached the optimum of the mode it started on (±4, σ ≈ 1).
        assert mu == pytest.approx(4.0 if start[0] > 0 else -4.0, abs=0.05)
        assert s == pytest.approx(1.0, abs=0.05)
    assert out[1][2] == pytest.approx(out[2][2], rel=1e-12) and out[0][2] > out[1][2]
    # A Q with mass where p = 0 is +inf: returned as it is, not run.
    x = np.linspace(-3.0, 3.0, 121)
    tri = np.maximum(0.0, 1.0 - np.abs(x))
    tri /= tri.sum()
    # σ = 0.02: q underflows to 0 beyond |x| = 1 (e^(−½(1.05/0.02)²) = 0 in float64).
    far, near = gaussian_kl_local_optima(x, tri, "reverse", [(0.0, 2.0), (0.0, 0.02)])
    assert far == (0.0, 2.0, math.inf)
    assert math.isfinite(near[2])
    with pytest.raises(ValueError, match=r"starts must hold finite \(mu, sigma > 0\) pairs"):
        gaussian_kl_local_optima(GRID, p, "reverse", [(0.0, -1.0)])
    with pytest.raises(ValueError, match=r"starts must hold finite \(mu, sigma > 0\) pairs"):
        gaussian_kl_local_optima(GRID, p, "reverse", [])


def test_reverse_kl_tie_between_equal_modes_goes_to_the_left_one() -> None:
    p = gaussian_mixture(GRID, separation=8.0, weight=0.5, sigma=1.0)
    mu, _, kl = fit_gaussian_kl(GRID, p, "reverse")
    assert mu == pytest.approx(-4.0, abs=0.05)
    assert fit_gaussian_kl(GRID, p, "reverse", start=(4.0, 1.0))[2] == pytest.approx(kl, rel=1e-12)


def test_kl_validation() -> None:
    with pytest.raises(ValueError, match=r"start must be a finite \(mu, sigma > 0\)"):
        fit_gaussian_kl(GRID, gaussian_mixture(GRID), "reverse", start=(0.0, 0.0))
    with pytest.raises(ValueError, match=r"direction must be 'forward' or 'reverse'"):
        fit_gaussian_kl(GRID, gaussian_mixture(GRID), "sideways")
    with pytest.raises(ValueError, match=r"p must be >= 0 and sum to 1"):
        kl_landscape([0.0, 1.0], [0.5, 0.6], [0.0], [0.0])
    with pytest.raises(ValueError, match=r"grid must be strictly increasing"):
        kl_landscape([1.0, 0.0], [0.5, 0.5], [0.0], [0.0])


# --------------------------------------------------------------------------- embeddings
@pytest.mark.parametrize("loss", ["contrastive", "triplet"])
def test_embedding_gradient_matches_finite_differences(loss: str) -> None:
    X, labels = clustered_points(6, 3, seed=2)
    tr = train_embedding(X, labels, loss, lr=1e-3, steps=1, seed=3)
    A = tr.maps[0]
    # Rebuild the objective from the public losses and compare the first GD step.
    pi, pj, ysim, ap, an = _pairs_and_triplets(labels, loss)

    def f(a):
        d = np.linalg.norm((X[pi] - X[pj]) @ a.reshape(2, 2).T, axis=1)
        if loss == "contrastive":
            return losses.contrastive(ysim, d, margin=1.0).mean()
        return losses.triplet(d[ap], d[an], margin=1.0).mean()

    num = np.array([(f(A.ravel() + e) - f(A.ravel() - e)) / 2e-6 for e in 1e-6 * np.eye(4)])
    step = (A - tr.maps[1]).ravel() / 1e-3  # = the analytic gradient
    np.testing.assert_allclose(step, num, rtol=1e-5, atol=1e-8)
    assert tr.loss[0] == pytest.approx(f(A.ravel()), rel=1e-14)


@pytest.mark.parametrize("loss", ["contrastive", "triplet"])
@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_embedding_training_reduces_loss_and_active_share(loss, optimizer) -> None:
    X, labels = clustered_points(15, 3, seed=0)
    tr = train_embedding(X, labels, loss, lr=0.05, steps=150, optimizer=optimizer)
    assert not tr.diverged and tr.maps.shape == (151, 2, 2)
    assert tr.loss.shape == tr.active.shape == (151,)
    assert tr.loss[-1] < 0.5 * tr.loss[0]
    assert np.all((tr.active >= 0) & (tr.active <= 1)) and tr.active[-1] < tr.active[0]


def test_embedding_validation() -> None:
    X, labels = clustered_points(40, 2)
    with pytest.raises(ValueError, match=r"X must have between 2 and 60 rows, got 80"):
        train_embedding(X, labels)
    with pytest.raises(ValueError, match=r"labels must contain at least two classes"):
        train_embedding(X[:4], np.zeros(4, dtype=int))
    with pytest.raises(
        ValueError, match=r"loss must be one of 'contrastive', 'triplet', 'info_nce'"
    ):
        train_embedding(X[:4], labels[[0, 1, 40, 41]], "npair")
    four, lab4 = X[[0, 1, 40, 41]], labels[[0, 1, 40, 41]]
    with pytest.raises(ValueError, match=r"n_neg must be an integer in \[1, 2\], got 3"):
        train_embedding(four, lab4, "info_nce", n_neg=3)  # 2 points of the other class
    with pytest.raises(ValueError, match=r"temperature must be > 0, got 0.0"):
        train_embedding(four, lab4, "info_nce", temperature=0.0)
    with pytest.raises(ValueError, match=r"margin must be in \[-1, 1\], got 1.5"):
        train_embedding(four, lab4, "cosine_embedding", margin=1.5)
    with pytest.raises(ValueError, match=r"margin must be >= 0, got -0.5"):
        train_embedding(four, lab4, "triplet", margin=-0.5)


def test_contrastive_stable_learning_rate_by_hand() -> None:
    # Points (0, 0), (1, 0) of class 0 and (5, 5), (5, 7) of class 1: the same-class
    # differences are (1, 0) and (0, 2), so S = diag(1, 4), λ_max = 4; P = 6 pairs.
    # GD: P/λ_max = 1.5; momentum 0.9: 1.9 · 1.5 = 2.85.
    X = [[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [5.0, 7.0]]
    assert contrastive_stable_learning_rate(X, [0, 0, 1, 1]) == pytest.approx(1.5, rel=1e-14)
    assert contrastive_stable_learning_rate(X, [0, 0, 1, 1], "momentum") == pytest.approx(2.85)
    assert contrastive_stable_learning_rate(X, [0, 1, 2, 3]) == np.inf  # no same-class pair
    with pytest.raises(ValueError, match=r"optimizer must be 'gd' or 'momentum'"):
        contrastive_stable_learning_rate(X, [0, 0, 1, 1], "adam")


@pytest.mark.parametrize(("n", "classes", "seed"), [(10, 3, 0), (12, 2, 50), (4, 5, 0)])
def test_contrastive_training_blows_up_just_above_the_bound(n, classes, seed) -> None:
    X, labels = clustered_points(n, classes, seed)
    eta = contrastive_stable_learning_rate(X, labels)
    below = train_embedding(X, labels, "contrastive", lr=0.95 * eta, steps=400, seed=seed)
    above = train_embedding(X, labels, "contrastive", lr=1.1 * eta, steps=400, seed=seed)
    assert not below.diverged and above.diverged


# --------------------------------------------------------------------------- InfoNCE, cosine
def _cosine_objective_from_public_losses(X, labels, loss, *, margin=0.0, tau=0.5, k=3, seed=0):
    """The training objective rebuilt from the public losses: cosines of the normalised
    affine embeddings [X, 1] Aᵀ, over InfoNCE's rows or over all pairs i < j."""
    Xf = np.hstack([X, np.ones((X.shape[0], 1))])

    def f(a):
        E = Xf @ a.reshape(2, 3).T
        Z = E / np.linalg.norm(E, axis=1, keepdims=True)
        S = np.clip(Z @ Z.T, -1.0, 1.0)
        if loss == "info_nce":
            anc, pos, neg = info_nce_rows(labels, k, seed)
            return losses.info_nce(S[anc, pos], S[anc[:, None], neg], temperature=tau).mean()
        i, j = np.triu_indices(labels.size, k=1)
        y = (labels[i] == labels[j]).astype(float)
        return losses.cosine_embedding(y, S[i, j], margin=margin).mean()

    return f


@pytest.mark.parametrize(
    ("loss", "kw"),
    [
        ("info_nce", {"tau": 0.5, "k": 3}),
        ("info_nce", {"tau": 0.07, "k": 1}),
        ("cosine_embedding", {"margin": 0.0}),
        ("cosine_embedding", {"margin": -0.3}),
    ],
)
def test_cosine_losses_gradient_matches_finite_differences(loss, kw) -> None:
    X, labels = clustered_points(5, 3, seed=2)
    margin = kw.get("margin")
    tr = train_embedding(
        X, labels, loss, lr=1e-4, steps=1, seed=3, margin=margin,
        temperature=kw.get("tau", 0.07), n_neg=kw.get("k", 4),
    )  # fmt: skip
    f = _cosine_objective_from_public_losses(X, labels, loss, seed=3, **kw)
    A = tr.maps[0].ravel()
    assert tr.maps.shape == (2, 2, 3) and np.all(tr.maps[0][:, 2] == 0.0)  # b₀ = 0
    h = 1e-6
    num = np.array([(f(A + e) - f(A - e)) / (2 * h) for e in h * np.eye(6)])
    step = (A - tr.maps[1].ravel()) / 1e-4  # = the analytic gradient
    np.testing.assert_allclose(step, num, rtol=1e-5, atol=1e-7)
    assert tr.loss[0] == pytest.approx(f(A), rel=1e-13)


def test_info_nce_rows_pair_every_anchor_with_each_positive_and_k_other_class_negatives():
    labels = np.array([0, 0, 0, 1, 1, 2])
    assert max_negatives(labels) == 3  # class 0's anchors have 3 points of other classes
    anc, pos, neg = info_nce_rows(labels, 3, seed=7)
    # Ordered same-class pairs: 3·2 of class 0, 2·1 of class 1, none of class 2.
    assert anc.size == 8 and neg.shape == (8, 3)
    assert np.all(labels[anc] == labels[pos]) and np.all(anc != pos)
    assert np.all(labels[neg] != labels[anc][:, None])
    assert all(np.unique(row).size == 3 for row in neg)  # without replacement
    # Shared by an anchor's rows; seeded, and the same whatever the start.
    for a in np.unique(anc):
        assert np.unique(neg[anc == a], axis=0).shape[0] == 1
    np.testing.assert_array_equal(neg, info_nce_rows(labels, 3, seed=7)[2])


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
@pytest.mark.parametrize(
    ("loss", "kw"),
    [("info_nce", {"temperature": 0.1, "n_neg": 8}), ("cosine_embedding", {"margin": 0.5})],
)
def test_cosine_losses_training_aligns_the_classes(loss, kw, optimizer) -> None:
    # The same data and start as the other losses; the normalised classes come together
    # (alignment falls) and the rows/pairs that still cost something become fewer.
    X, labels = clustered_points(10, 3, seed=0)
    tr = train_embedding(X, labels, loss, lr=0.05, steps=200, optimizer=optimizer, **kw)
    assert not tr.diverged and tr.maps.shape == (201, 2, 3)
    assert tr.loss[-1] < 0.5 * tr.loss[0]
    assert tr.alignment[-1] < 0.5 * tr.alignment[0]
    assert tr.active[-1] < tr.active[0]
    assert tr.alignment.shape == tr.uniformity.shape == tr.active.shape == (201,)
    assert np.all(tr.uniformity <= 0.0) and np.all((tr.alignment >= 0) & (tr.alignment <= 4))


def test_a_long_run_reports_a_nearly_stationary_local_optimum() -> None:
    # Non-convex (and scale-invariant in A: the gradient only turns A): what is reported
    # is where the run from the seeded start ends and how stationary it is there (the
    # gradient norm), checked against the objective rebuilt from the public losses.
    X, labels = clustered_points(5, 3, seed=2)
    tr = train_embedding(
        X, labels, "info_nce", temperature=0.5, n_neg=3, lr=0.3, steps=2000,
        optimizer="momentum", seed=3,
    )  # fmt: skip
    f = _cosine_objective_from_public_losses(X, labels, "info_nce", tau=0.5, k=3, seed=3)
    h = 1e-6

    def fd_grad_norm(a):
        return float(np.linalg.norm([(f(a + e) - f(a - e)) / (2 * h) for e in h * np.eye(6)]))

    assert tr.grad_norm == pytest.approx(fd_grad_norm(tr.maps[-1].ravel()), rel=1e-4)
    assert tr.grad_norm < 0.02 * fd_grad_norm(tr.maps[0].ravel())
    assert tr.loss[-1] == pytest.approx(f(tr.maps[-1].ravel()), rel=1e-13)
    assert tr.loss[-1] < 0.2 * tr.loss[0]


def test_the_same_seed_starts_every_loss_from_the_same_map() -> None:
    X, labels = clustered_points(6, 3, seed=0)
    starts = [train_embedding(X, labels, loss, steps=1, seed=4, n_neg=2).maps[0] for loss in
              ("contrastive", "triplet", "info_nce", "cosine_embedding")]  # fmt: skip
    for s in starts[1:]:
        np.testing.assert_array_equal(s[:, :2], starts[0])


def test_newton_batch_runs_the_same_iteration_as_newton_from_each_start() -> None:
    from lossviz.fit._newton import _newton, _newton_batch

    # Rosenbrock's valley (non-convex: indefinite Hessians, the Levenberg shift and
    # backtracking all happen) plus a start that is already optimal (0 iterations).
    def fgh1(t):
        x, y = t
        f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        h = np.array([[2 - 400 * (y - 3 * x * x), -400 * x], [-400 * x, 200.0]])
        return f, g, h

    def fgh(ts):
        out = [fgh1(t) for t in ts]
        return (np.array([o[0] for o in out]), np.array([o[1] for o in out]),
                np.array([o[2] for o in out]))  # fmt: skip

    def f_only(ts):
        return fgh(ts)[0]

    starts = np.array([[-1.2, 1.0], [0.0, 0.0], [2.0, -1.0], [1.0, 1.0], [-0.5, 3.0]])
    theta, f, _, iters, conv = _newton_batch(fgh, f_only, starts, gtol=1e-10, max_iter=200)
    for i, s0 in enumerate(starts):
        t1, f1, _, it1, c1 = _newton(fgh1, lambda t: fgh1(t)[0], s0, gtol=1e-10)
        np.testing.assert_array_equal(theta[i], t1)
        assert (f[i], iters[i], conv[i]) == (f1, it1, c1)
    assert conv.all() and iters[3] == 0 and iters.max() > 5
    np.testing.assert_allclose(theta, 1.0, atol=1e-9)
