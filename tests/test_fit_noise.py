"""Noise models: the Gaussian NLL with a learned variance, Poisson regression, count data.

Reference values are computed here from the formulas written out independently
(½(log v + r²/v) and e^z − y z, by hand, not through lossviz.losses) and solved with
SciPy's own optimiser, so the fits are checked against a second, unrelated solver.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from lossviz.data import CountData, count_data, heteroscedastic_data
from lossviz.fit import (
    GaussianNLLFit,
    PoissonFit,
    fit_gaussian_nll,
    fit_poisson,
    fit_regression,
    gaussian_nll_objective,
    poisson_objective,
)


# --------------------------------------------------------------------------- independent formulas
def _gauss_f(theta, x, y):
    a, b, c, d = theta
    s = c * x + d
    return float(np.mean(0.5 * (s + (y - a * x - b) ** 2 * np.exp(-s))))


def _gauss_g(theta, x, y):
    a, b, c, d = theta
    s = c * x + d
    r = y - a * x - b
    gm = -r * np.exp(-s)  # ∂/∂μ of ½ r² e^{−s}
    gs = 0.5 * (1.0 - r * r * np.exp(-s))  # ∂/∂s of ½(s + r² e^{−s})
    return np.array([np.mean(gm * x), np.mean(gm), np.mean(gs * x), np.mean(gs)])


def _pois_f(theta, x, y):
    z = theta[0] * x + theta[1]
    return float(np.mean(np.exp(z) - y * z))


def _pois_g(theta, x, y):
    e = np.exp(theta[0] * x + theta[1]) - y
    return np.array([np.mean(e * x), np.mean(e)])


def _pois_h(theta, x, y):
    w = np.exp(theta[0] * x + theta[1])
    return np.array([[np.mean(w * x * x), np.mean(w * x)], [np.mean(w * x), np.mean(w)]])


HETERO = [
    {"seed": 0},
    {"seed": 5, "n": 60, "noise_growth": 1.0},
    {"seed": 11, "n": 400, "noise_growth": 0.0},
    {"seed": 2, "n": 30, "noise": 0.5, "noise_growth": 0.1},
]
COUNTS = [
    {"seed": 0},
    {"seed": 3, "n": 40, "log_rate_slope": -0.5, "log_rate_intercept": 1.5},
    {"seed": 8, "n": 500, "log_rate_slope": 1.5, "log_rate_intercept": -3.0},
    {"seed": 1, "n": 25, "log_rate_slope": 0.0, "log_rate_intercept": 0.0},
]


# --------------------------------------------------------------------------- Gaussian NLL
@pytest.mark.parametrize("kw", HETERO)
def test_gaussian_nll_fit_is_a_stationary_point_and_a_strict_local_minimum(kw):
    d = heteroscedastic_data(**kw)
    fit = fit_gaussian_nll(d.x, d.y)
    assert isinstance(fit, GaussianNLLFit) and fit.converged
    # The gradient, recomputed from the independent formula, is ~0 (f is O(1)).
    assert np.max(np.abs(_gauss_g(fit.theta, d.x, d.y))) < 1e-9
    assert np.max(np.abs(fit.grad)) <= 1e-11
    assert fit.min_hessian_eig > 0
    # A strict local minimum: no point on a small sphere around it is lower.
    rng = np.random.default_rng(0)
    for u in rng.standard_normal((200, 4)):
        step = 1e-3 * u / np.linalg.norm(u)
        assert _gauss_f(fit.theta + step, d.x, d.y) > fit.nll


@pytest.mark.parametrize("kw", HETERO)
def test_gaussian_nll_fit_matches_scipy_from_the_same_start(kw):
    d = heteroscedastic_data(**kw)
    fit = fit_gaussian_nll(d.x, d.y)
    ref = minimize(
        _gauss_f, fit.start, args=(d.x, d.y), jac=_gauss_g, method="BFGS",
        options={"gtol": 1e-12, "maxiter": 10_000},
    )  # fmt: skip
    assert fit.nll <= ref.fun + 1e-12 * abs(ref.fun)
    assert abs(fit.nll - ref.fun) <= 1e-8 * abs(ref.fun)
    np.testing.assert_allclose(fit.theta, ref.x, atol=1e-5)
    assert fit.nll == pytest.approx(_gauss_f(fit.theta, d.x, d.y), rel=1e-14)


def test_gaussian_nll_start_is_the_mse_fit_and_its_nll_is_half_log_sigma2_plus_one():
    d = heteroscedastic_data(seed=4)
    fit = fit_gaussian_nll(d.x, d.y)
    ls = fit_regression(d.x, d.y, "mse")
    sigma2 = float(np.mean((d.y - ls.w * d.x - ls.b) ** 2))
    np.testing.assert_allclose(fit.start, [ls.w, ls.b, 0.0, math.log(sigma2)], rtol=1e-14)
    # A Gaussian with the least-squares mean and σ² = mean r²: ½(log σ² + r²/σ²) averages
    # to ½(log σ² + 1), by hand.
    assert fit.start_nll == pytest.approx(0.5 * (math.log(sigma2) + 1.0), rel=1e-13)
    # A learned variance does better than the constant one on heteroscedastic data.
    assert fit.nll < fit.start_nll - 0.1


def test_gaussian_nll_mean_is_the_weighted_least_squares_line_with_weights_one_over_v():
    # First-order condition in (a, b): Σ (y − μ)/v · (x, 1) = 0, i.e. the mean line is
    # the least-squares line weighted by 1/σ²(x): the noisy region counts less.
    d = heteroscedastic_data(seed=7, n=300, noise_growth=0.8)
    fit = fit_gaussian_nll(d.x, d.y)
    w = 1.0 / fit.var(d.x)
    A = np.stack([d.x, np.ones_like(d.x)], axis=1) * np.sqrt(w)[:, None]
    (a, b), *_ = np.linalg.lstsq(A, d.y * np.sqrt(w), rcond=None)
    assert fit.a == pytest.approx(a, abs=1e-9) and fit.b == pytest.approx(b, abs=1e-9)
    # And in (c, d): Σ (1 − r²/v)(x, 1) = 0: the standardised residuals average 1.
    q = (d.y - fit.mean(d.x)) ** 2 / fit.var(d.x)
    assert np.mean(q) == pytest.approx(1.0, abs=1e-9)
    assert np.mean(q * d.x) == pytest.approx(np.mean(d.x), abs=1e-9)


def test_gaussian_nll_sees_the_noise_grow_and_not_where_it_does_not():
    grows = fit_gaussian_nll(*_xy(heteroscedastic_data(n=2000, seed=1, noise_growth=0.6)))
    flat = fit_gaussian_nll(*_xy(heteroscedastic_data(n=2000, seed=1, noise_growth=0.0)))
    # σ(x) = 0.2 + 0.6x grows 16-fold over [0, 5]: log σ² rises by ~2 log 16 = 5.5
    # across the range, c ≈ 1.1 per unit of x; with σ constant, c ≈ 0.
    assert grows.c > 0.6
    assert abs(flat.c) < 0.05
    # With σ constant at 0.2: d ≈ log 0.04 = −3.22.
    assert flat.d == pytest.approx(math.log(0.04), abs=0.1)


def test_gaussian_nll_different_starts_find_the_same_optimum_here():
    d = heteroscedastic_data(seed=0)
    base = fit_gaussian_nll(d.x, d.y)
    for start in ([0.0, 0.0, 0.0, 0.0], [2.0, -1.0, 0.5, -1.0], [1.0, 0.5, -0.3, 1.0]):
        other = fit_gaussian_nll(d.x, d.y, start=start)
        np.testing.assert_allclose(other.start, start)
        assert other.nll == pytest.approx(base.nll, rel=1e-10)
        np.testing.assert_allclose(other.theta, base.theta, atol=1e-6)


def test_gaussian_nll_objective_helper_agrees_with_the_formula():
    d = heteroscedastic_data(seed=3)
    theta = [0.9, 0.4, 0.5, -1.0]
    assert gaussian_nll_objective(d.x, d.y, theta) == pytest.approx(
        _gauss_f(theta, d.x, d.y), rel=1e-14
    )


def _hessian(theta, x, y, h=1e-5):
    """Central differences of the independent gradient."""
    cols = []
    for i in range(4):
        e = np.zeros(4)
        e[i] = h
        cols.append(
            (_gauss_g(np.add(theta, e), x, y) - _gauss_g(np.subtract(theta, e), x, y)) / (2 * h)
        )
    return np.array(cols).T


def test_equal_size_residuals_make_the_mse_start_stationary_here_a_local_minimum():
    # x = 0…7, y = x + r with r = (1, −1, −1, 1, 1, −1, −1, 1): Σr = Σxr = 0, so the
    # least-squares line is y = x, σ² = mean r² = 1, and the start NLL is ½(0 + 1) = 0.5
    # (by hand). Every |r| = 1, so the variance gradient ½ mean(1 − r²/σ²)(x, 1) is 0 too.
    x = np.arange(8.0)
    y = x + np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0])
    start = [1.0, 0.0, 0.0, 0.0]
    assert np.max(np.abs(_gauss_g(start, x, y))) < 1e-15
    assert np.linalg.eigvalsh(_hessian(start, x, y))[0] > 0  # a strict local minimum
    fit = fit_gaussian_nll(x, y)
    np.testing.assert_allclose(fit.start, start, atol=1e-14)
    assert fit.start_nll == pytest.approx(0.5, rel=1e-14)
    assert fit.converged and fit.iterations == 0 and fit.saddle_escapes == 0
    np.testing.assert_allclose(fit.theta, start, atol=1e-14)


def test_a_saddle_start_is_stepped_off_and_an_unbounded_nll_is_not_called_converged():
    # Four points, residuals (1, −1, −1, 1) about y = x: the same stationary start, but
    # here a saddle (independent Hessian). And with x₍₃₎ = 2 > mean x = 1.5 the NLL has
    # no minimum: the line through the two left points with v → 0 there falls forever.
    x = np.arange(4.0)
    y = x + np.array([1.0, -1.0, -1.0, 1.0])
    start = [1.0, 0.0, 0.0, 0.0]
    assert np.max(np.abs(_gauss_g(start, x, y))) < 1e-15
    assert np.linalg.eigvalsh(_hessian(start, x, y))[0] < 0
    fit = fit_gaussian_nll(x, y)
    assert fit.saddle_escapes >= 1
    assert fit.nll < fit.start_nll - 1.0
    assert not fit.converged


def _xy(d):
    return d.x, d.y


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.0, 1.0, 2.0], [1.0, 2.0, 0.0]), {}, "at least 4 points"),
        (([0.0, 1.0, 2.0, 3.0], [1.0, 2.0]), {}, "equal length"),
        (([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 0.0, 3.0]), {}, "2 distinct values"),
        (([0.0, 1.0, 2.0, math.nan], [1.0, 2.0, 0.0, 3.0]), {}, "x must be finite"),
        (([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, math.inf]), {}, "y must be finite"),
        (([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]), {}, "exactly on a line"),
        (([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, 3.0]), {"start": [1.0, 2.0]}, "start must be 4"),
        (([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, 3.0]), {"gtol": -1.0}, "gtol must be"),
        (([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, 3.0]), {"max_iter": 0}, "max_iter must be"),
        (
            ([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 0.0, 3.0]),
            {"start": [0.0, 0.0, 0.0, 100.0]},
            "infinite NLL",
        ),
    ],
)
def test_gaussian_nll_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit_gaussian_nll(*args, **kwargs)


# --------------------------------------------------------------------------- Poisson NLL
@pytest.mark.parametrize("kw", COUNTS)
def test_poisson_fit_reaches_the_optimum_of_an_independent_solve(kw):
    c = count_data(**kw)
    fit = fit_poisson(c.x, c.counts)
    assert isinstance(fit, PoissonFit) and fit.converged
    ref = minimize(
        _pois_f, np.zeros(2), args=(c.x, c.counts), jac=_pois_g, hess=_pois_h,
        method="trust-exact", options={"gtol": 1e-13, "maxiter": 1000},
    )  # fmt: skip
    # Convex: both are the optimum; objective within 1e-8 relative (here: to round-off).
    assert abs(fit.nll - ref.fun) <= 1e-8 * max(1.0, abs(ref.fun))
    assert fit.nll <= ref.fun + 1e-12 * max(1.0, abs(ref.fun))
    np.testing.assert_allclose([fit.a, fit.b], ref.x, atol=1e-7)


@pytest.mark.parametrize("kw", COUNTS)
def test_poisson_fit_meets_the_score_equations(kw):
    # First-order conditions of the log-link GLM: Σ(e^z − y) = 0 and Σ x(e^z − y) = 0.
    c = count_data(**kw)
    fit = fit_poisson(c.x, c.counts)
    e = np.exp(fit.a * c.x + fit.b) - c.counts
    scale = max(1.0, float(c.counts.sum()))
    assert abs(e.sum()) <= 1e-9 * scale
    assert abs((c.x * e).sum()) <= 1e-9 * scale * c.x.max()
    # Fitted and observed totals agree: the fitted rates sum to the counts.
    assert fit.rate(c.x).sum() == pytest.approx(c.counts.sum(), rel=1e-10)


def test_poisson_fit_with_constant_rate_is_the_log_of_the_mean():
    # Counts independent of x: if the slope is forced to 0, b = log ȳ. With two groups
    # of x and their own means, the fit passes exactly through both group means
    # (two parameters, two score equations), by hand: a = log(ȳ₂/ȳ₁)/(x₂ − x₁).
    x = np.array([0.0, 0.0, 0.0, 2.0, 2.0, 2.0])
    y = np.array([1.0, 2.0, 3.0, 4.0, 8.0, 6.0])
    fit = fit_poisson(x, y)
    assert fit.b == pytest.approx(math.log(2.0), abs=1e-12)
    assert fit.a == pytest.approx(math.log(6.0 / 2.0) / 2.0, abs=1e-12)
    assert poisson_objective(x, y, [fit.a, fit.b]) == pytest.approx(fit.nll, rel=1e-14)


def test_poisson_fit_recovers_the_generating_rate_on_many_points():
    c = count_data(n=20000, seed=2)
    fit = fit_poisson(c.x, c.counts)
    assert fit.a == pytest.approx(0.8, abs=0.02)
    assert fit.b == pytest.approx(-1.0, abs=0.05)


def test_mse_on_counts_predicts_negative_rates_where_poisson_cannot():
    c = count_data(seed=0)
    ls = fit_regression(c.x, c.counts, "mse")
    fit = fit_poisson(c.x, c.counts)
    # λ(x) = e^{0.8x − 1} is convex: the least-squares line undershoots at the left end.
    assert ls.b < 0  # a negative predicted rate at x = 0
    assert np.all(fit.rate(np.linspace(0, 4, 101)) > 0)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([0.0, 1.0, 2.0], [1.0, -1.0, 2.0], "counts must be >= 0"),
        ([0.0, 1.0, 2.0], [0.0, 0.0, 0.0], "positive at 2 or more distinct x"),
        ([0.0, 1.0, 2.0], [0.0, 0.0, 5.0], "positive at 2 or more distinct x"),
        ([0.0], [1.0], "at least 2 points"),
        ([1.0, 1.0], [1.0, 2.0], "2 distinct values"),
        ([0.0, 1.0], [1.0, math.nan], "y must be finite"),
    ],
)
def test_poisson_fit_rejects_bad_arguments(x, y, message):
    with pytest.raises(ValueError, match=message):
        fit_poisson(x, y)


# --------------------------------------------------------------------------- count data
def test_count_data_is_seeded_integer_and_follows_its_rate():
    a = count_data(n=5000, seed=3)
    b = count_data(n=5000, seed=3)
    assert isinstance(a, CountData) and a.n == 5000
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert not np.array_equal(a.counts, count_data(n=5000, seed=4).counts)
    assert a.x.dtype == a.counts.dtype == np.float64
    assert a.x.min() >= 0.0 and a.x.max() <= 4.0
    assert np.all(a.counts >= 0) and np.all(a.counts == np.round(a.counts))
    # Poisson: the total count has mean and variance Σλ; 5 standard deviations.
    lam = a.rate(a.x)
    assert abs(a.counts.sum() - lam.sum()) < 5.0 * math.sqrt(lam.sum())
    np.testing.assert_allclose(lam, np.exp(0.8 * a.x - 1.0))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "n must be an integer >= 2"),
        ({"n": 2.5}, "n must be an integer"),
        ({"log_rate_slope": 6.0}, r"log_rate_slope must be in \[-5, 5\]"),
        ({"log_rate_slope": math.nan}, "log_rate_slope must be finite"),
        ({"log_rate_intercept": -11.0}, r"log_rate_intercept must be in \[-10, 10\]"),
        ({"x_max": 0.0}, "x_max must be > 0"),
        ({"x_max": 100.0, "log_rate_slope": 1.0}, "x_max must keep the largest rate"),
        ({"seed": -1}, "seed must be an integer >= 0"),
    ],
)
def test_count_data_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        count_data(**kwargs)
