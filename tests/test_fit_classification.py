"""Linear classifiers of every classification loss (issues 6 and 14): exact where convex.

Moved here from tests/test_fit.py (issue 6's logistic tests) and extended for issue 14:
pos_weight BCE, label smoothing, the margin losses (hinge as a QP, certified by its KKT
conditions and by an independent SciPy solve), exponential, and the set-level Dice and
Tversky losses (non-convex: a stationary point from the reported start).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from lossviz import losses, metrics
from lossviz.data import imbalanced_data
from lossviz.fit import fit_logistic
from lossviz.fit.classification import smoothed_targets

LOGISTIC = [
    ("binary_cross_entropy", {}),
    ("binary_cross_entropy", {"pos_weight": 5.0}),
    ("focal", {}),
    ("focal", {"gamma": 0.5, "alpha": None}),
    ("focal", {"gamma": 4.0, "alpha": 0.9}),
    ("balanced_bce", {"alpha": 0.8}),
]


def _logistic_objective(X, y, loss, params, l2, w, b):
    z = X @ w + b
    if loss == "binary_cross_entropy":
        val = losses.binary_cross_entropy(y, z, **params)
        g = losses.binary_cross_entropy_grad(y, z, **params)
    else:
        kw = (
            {"gamma": 0.0, **params}
            if loss == "balanced_bce"
            else {"gamma": 2.0, "alpha": 0.25, **params}
        )
        val, g = losses.focal(y, z, **kw), losses.focal_grad(y, z, **kw)
    f = val.mean() + 0.5 * l2 * w @ w
    grad = np.r_[X.T @ g / len(y) + l2 * w, g.mean()]
    return f, grad


@pytest.mark.parametrize(("loss", "params"), LOGISTIC)
@pytest.mark.parametrize("ratio", [1.0, 20.0])
def test_logistic_first_order_and_local_optimality(loss, params, ratio) -> None:
    d = imbalanced_data(300, ratio=ratio, separation=2.0, seed=1)
    fit = fit_logistic(d.X, d.labels, loss, l2=1e-2, **params)
    assert fit.converged
    f, grad = _logistic_objective(d.X, d.labels, loss, params, 1e-2, fit.weights, fit.bias)
    assert fit.objective == pytest.approx(f, rel=1e-14)
    assert np.max(np.abs(grad)) <= 1e-9
    rng = np.random.default_rng(0)
    theta = np.r_[fit.weights, fit.bias]
    for eps in (1e-2, 1e-4):
        for u in rng.standard_normal((20, theta.size)):
            t = theta + eps * u / np.linalg.norm(u)
            ft, _ = _logistic_objective(d.X, d.labels, loss, params, 1e-2, t[:-1], t[-1])
            assert ft >= fit.objective * (1 - 1e-13)


def test_focal_with_gamma_0_and_no_alpha_is_bce() -> None:
    d = imbalanced_data(200, ratio=5.0, seed=2)
    a = fit_logistic(d.X, d.labels, "focal", gamma=0.0, alpha=None)
    b = fit_logistic(d.X, d.labels, "binary_cross_entropy")
    np.testing.assert_allclose(np.r_[a.weights, a.bias], np.r_[b.weights, b.bias], rtol=1e-9)
    assert a.objective == pytest.approx(b.objective, rel=1e-12)


def test_balanced_bce_is_focal_with_gamma_0() -> None:
    d = imbalanced_data(200, ratio=5.0, seed=2)
    a = fit_logistic(d.X, d.labels, "balanced_bce", alpha=0.9)
    b = fit_logistic(d.X, d.labels, "focal", gamma=0.0, alpha=0.9)
    np.testing.assert_allclose(np.r_[a.weights, a.bias], np.r_[b.weights, b.bias], rtol=1e-9)


def test_upweighting_positives_moves_the_boundary_towards_negatives() -> None:
    d = imbalanced_data(400, ratio=20.0, separation=2.0, seed=3)
    plain = fit_logistic(d.X, d.labels, "binary_cross_entropy")
    bal = fit_logistic(d.X, d.labels, "balanced_bce", alpha=0.95)
    # More positives predicted positive once they weigh more.
    pos = d.labels == 1
    assert ((d.X @ bal.weights + bal.bias)[pos] > 0).mean() > (
        (d.X @ plain.weights + plain.bias)[pos] > 0
    ).mean()


@pytest.mark.parametrize(
    ("loss", "params", "message"),
    [
        ("log_cosh", {}, r"loss must be one of"),
        (
            "smoothed_bce",
            {"label_smoothing": 1.5},
            r"label_smoothing must be in \[0, 1\], got 1\.5",
        ),
        ("smoothed_bce", {"alpha": 0.5}, r"takes no parameter\(s\) alpha"),
        ("hinge", {"margin": -1.0}, r"margin must be"),
        ("focal", {"gamma": -1.0}, r"gamma must be >= 0 and finite, got -1\.0"),
        ("focal", {"alpha": 1.5}, r"alpha must lie in \[0, 1\] \(or be None\), got 1\.5"),
        ("balanced_bce", {"alpha": None}, r"alpha must be a real number"),
        ("binary_cross_entropy", {"gamma": 2.0}, r"takes no parameter\(s\) gamma"),
    ],
)
def test_logistic_validation(loss, params, message) -> None:
    with pytest.raises(ValueError, match=message):
        fit_logistic(np.zeros((4, 2)), [0, 1, 0, 1], loss, **params)


def test_logistic_validation_of_data() -> None:
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        fit_logistic(np.zeros((3, 2)), [0, 1], "binary_cross_entropy")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        fit_logistic(np.zeros((2, 2)), [0, 2], "binary_cross_entropy")
    with pytest.raises(ValueError, match=r"l2 must be >= 0"):
        fit_logistic(np.zeros((2, 2)), [0, 1], l2=-1.0)


# =========================================================================== issue 14
# Independent objectives: written here from the loss functions, not from the fit module.
def _objective(X, y, loss, params, l2, theta):
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    if loss == "smoothed_bce":
        t = (1 - params["label_smoothing"]) * y + params["label_smoothing"] / 2
        val = losses.binary_cross_entropy(t, z).mean()
        g = losses.binary_cross_entropy_grad(t, z)
    elif loss in ("soft_dice", "tversky"):
        p = 1 / (1 + np.exp(-z))
        val = float(getattr(losses, loss)(y, p, **params))
        g = getattr(losses, f"{loss}_grad")(y, p, **params) * p * (1 - p) * len(y)
    else:
        val = getattr(losses, loss)(y, z, **params).mean()
        g = getattr(losses, f"{loss}_grad")(y, z, **params)
    return val + 0.5 * l2 * w @ w, np.r_[X.T @ g / len(y) + l2 * w, g.mean()]


CONVEX_SMOOTH = [
    ("binary_cross_entropy", {"pos_weight": 19.0}),
    ("smoothed_bce", {"label_smoothing": 0.2}),
    ("squared_hinge", {}),
    ("squared_hinge", {"margin": 2.0}),
    ("modified_huber", {}),
    ("exponential", {}),
]


@pytest.mark.parametrize(("loss", "params"), CONVEX_SMOOTH)
@pytest.mark.parametrize("ratio", [1.0, 20.0])
def test_convex_c1_fits_reach_the_optimum_of_an_independent_solve(loss, params, ratio) -> None:
    d = imbalanced_data(400, ratio=ratio, separation=2.0, seed=4)
    lam = 1e-2
    fit = fit_logistic(d.X, d.labels, loss, l2=lam, **params)
    assert fit.converged and fit.convex
    theta = np.r_[fit.weights, fit.bias]
    f, grad = _objective(d.X, d.labels, loss, params, lam, theta)
    assert fit.objective == pytest.approx(f, rel=1e-14)
    assert np.max(np.abs(grad)) <= 1e-9  # first-order condition (C¹: the gradient)
    # An independent solver from another start: BFGS on the same objective.
    ref = minimize(
        lambda th: _objective(d.X, d.labels, loss, params, lam, th),
        np.r_[0.3, -0.2, 0.5],
        jac=True,
        method="BFGS",
        options={"gtol": 1e-11, "maxiter": 10_000},
    )
    assert fit.objective <= ref.fun * (1 + 1e-12)
    assert fit.objective == pytest.approx(ref.fun, rel=1e-8)


def _slack_qp(X, y, lam, margin=1.0):
    """The hinge SVM as the textbook QP with n slacks, solved by SciPy's SLSQP."""
    n, t = len(y), 2 * y - 1

    def obj(v):
        return v[3:].mean() + 0.5 * lam * v[:2] @ v[:2]

    def jac(v):
        return np.r_[lam * v[:2], 0.0, np.full(n, 1 / n)]

    cons = [
        {
            "type": "ineq",
            "fun": lambda v: t * (X @ v[:2] + v[2]) - margin + v[3:],
            "jac": lambda v: np.c_[t[:, None] * X, t, np.eye(n)],
        },
        {
            "type": "ineq",
            "fun": lambda v: v[3:],
            "jac": lambda v: np.c_[np.zeros((n, 3)), np.eye(n)],
        },
    ]
    v0 = np.r_[0.5, 0.0, 0.0, np.maximum(0.0, margin - t * 0.5 * X[:, 0]) + 0.1]
    r = minimize(obj, v0, jac=jac, constraints=cons, method="SLSQP",
                 options={"ftol": 1e-14, "maxiter": 2000})  # fmt: skip
    assert r.success, r.message
    return r.fun


def _assert_hinge_kkt(X, y, fit, lam, margin=1.0):
    """KKT conditions of the hinge QP, from the fit's dual variables a ∈ [0, 1]."""
    n, t = len(y), 2 * y - 1
    a = fit.dual
    s = margin - t * (X @ fit.weights + fit.bias)  # slack of the margin constraint
    tol = 1e-9
    assert np.all((a >= 0) & (a <= 1))
    np.testing.assert_allclose(lam * fit.weights, X.T @ (a * t) / n, atol=tol)  # ∂/∂w = 0
    assert abs(float(a @ t)) / n <= tol  # ∂/∂b = 0 (the bias is unpenalised)
    assert np.all(a[s > tol] == 1.0)  # inside the margin: the hinge is active
    assert np.all(a[s < -tol] == 0.0)  # beyond the margin: no force
    between = (a > 0) & (a < 1)
    assert np.all(np.abs(s[between]) <= tol)  # fractional a only on the margin


@pytest.mark.parametrize(("ratio", "sep", "seed", "margin"),
                         [(1.0, 2.0, 0, 1.0), (5.0, 2.0, 0, 1.0), (3.0, 1.0, 5, 2.0),
                          (1.0, 4.0, 2, 1.0)])  # fmt: skip
def test_hinge_is_the_qp_optimum_and_satisfies_kkt(ratio, sep, seed, margin) -> None:
    d = imbalanced_data(120, ratio=ratio, separation=sep, seed=seed)
    lam = 1e-2
    fit = fit_logistic(d.X, d.labels, "hinge", l2=lam, margin=margin)
    assert fit.converged and fit.convex
    _assert_hinge_kkt(d.X, d.labels, fit, lam, margin)
    f, _ = _objective(d.X, d.labels, "hinge", {"margin": margin}, lam, np.r_[fit.weights, fit.bias])
    assert fit.objective == pytest.approx(f, rel=1e-14)
    ref = _slack_qp(d.X, d.labels, lam, margin)
    assert fit.objective <= ref * (1 + 1e-10)
    assert fit.objective == pytest.approx(ref, rel=1e-8)


def test_hinge_at_strong_imbalance_and_weak_l2_predicts_all_negative() -> None:
    # With w = 0, b = −1 every negative sits on its margin (slack 0) and every positive
    # costs 1 − (−1) = 2: objective 2 n_pos / n (by hand). The KKT check certifies it.
    d = imbalanced_data(2000, ratio=20.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, "hinge", l2=1e-3)
    assert fit.converged
    _assert_hinge_kkt(d.X, d.labels, fit, 1e-3)
    np.testing.assert_allclose(fit.weights, 0.0, atol=1e-12)
    assert fit.bias == pytest.approx(-1.0, abs=1e-12)
    assert fit.objective == pytest.approx(2 * d.labels.mean(), rel=1e-12)


def test_hinge_at_large_n_is_certified() -> None:
    d = imbalanced_data(20000, ratio=1.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, "hinge", l2=1e-3)
    assert fit.converged
    _assert_hinge_kkt(d.X, d.labels, fit, 1e-3)


def test_pos_weight_is_balanced_bce_with_rescaled_l2() -> None:
    # w₊ y sp(−z) + (1 − y) sp(z) = (1 + w₊)[α y sp(−z) + (1 − α)(1 − y) sp(z)] with
    # α = w₊/(1 + w₊): the same minimiser when λ is divided by 1 + w₊ (by hand).
    d = imbalanced_data(300, ratio=10.0, seed=1)
    wp = 9.0
    a = fit_logistic(d.X, d.labels, "binary_cross_entropy", l2=1e-2, pos_weight=wp)
    b = fit_logistic(d.X, d.labels, "balanced_bce", l2=1e-2 / (1 + wp), alpha=wp / (1 + wp))
    np.testing.assert_allclose(np.r_[a.weights, a.bias], np.r_[b.weights, b.bias], rtol=1e-8)
    assert a.objective == pytest.approx((1 + wp) * b.objective, rel=1e-10)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.4])
def test_label_smoothing_mean_probability_is_the_mean_smoothed_target(eps) -> None:
    # ∂F/∂b = mean(σ(z) − y') = 0 at the optimum (b unpenalised): the mean predicted
    # probability is (1 − ε) ȳ + ε/2, whatever the features.
    d = imbalanced_data(500, ratio=20.0, seed=3)
    fit = fit_logistic(d.X, d.labels, "smoothed_bce", label_smoothing=eps)
    p = metrics.sigmoid_probs(d.X @ fit.weights + fit.bias)
    assert p.mean() == pytest.approx((1 - eps) * d.labels.mean() + eps / 2, abs=1e-10)
    np.testing.assert_allclose(smoothed_targets(np.array([0.0, 1.0]), eps), [eps / 2, 1 - eps / 2])
    if eps == 0.0:
        plain = fit_logistic(d.X, d.labels, "binary_cross_entropy")
        np.testing.assert_allclose(fit.weights, plain.weights, rtol=1e-10)


def test_label_smoothing_makes_the_model_less_confident() -> None:
    d = imbalanced_data(2000, ratio=1.0, separation=3.0, seed=0)
    plain = fit_logistic(d.X, d.labels, "binary_cross_entropy")
    smooth = fit_logistic(d.X, d.labels, "smoothed_bce", label_smoothing=0.2)
    assert np.linalg.norm(smooth.weights) < 0.5 * np.linalg.norm(plain.weights)


@pytest.mark.parametrize(("loss", "params"),
                         [("soft_dice", {"smooth": 1.0}),
                          ("tversky", {"alpha": 0.3, "beta": 0.7, "smooth": 1.0}),
                          ("focal", {"gamma": 2.0, "alpha": 0.25})])  # fmt: skip
def test_non_convex_fits_report_a_local_optimum_and_its_start(loss, params) -> None:
    d = imbalanced_data(600, ratio=20.0, separation=2.0, seed=2)
    lam = 1e-3
    fit = fit_logistic(d.X, d.labels, loss, l2=lam, **params)
    assert fit.converged and not fit.convex
    np.testing.assert_array_equal(fit.start, np.zeros(3))
    theta = np.r_[fit.weights, fit.bias]
    f, grad = _objective(d.X, d.labels, loss, params, lam, theta)
    assert fit.objective == pytest.approx(f, rel=1e-13)
    assert np.max(np.abs(grad)) <= 1e-8  # stationary
    rng = np.random.default_rng(0)
    for eps in (1e-2, 1e-4):  # and a local minimum: no better point nearby
        for u in rng.standard_normal((20, 3)):
            ft, _ = _objective(
                d.X, d.labels, loss, params, lam, theta + eps * u / np.linalg.norm(u)
            )
            assert ft >= fit.objective * (1 - 1e-13)


def test_dice_and_tversky_find_more_of_a_tiny_foreground_than_bce() -> None:
    # A rare class (1 : 100): BCE's p ≥ 0.5 finds few positives; the set-level losses
    # score the overlap with the rare class itself and recall more of it.
    d = imbalanced_data(10000, ratio=100.0, separation=2.0, seed=0)
    recall = {}
    for loss, params in [("binary_cross_entropy", {}), ("soft_dice", {}),
                         ("tversky", {"alpha": 0.3, "beta": 0.7})]:  # fmt: skip
        f = fit_logistic(d.X, d.labels, loss, **params)
        p = metrics.sigmoid_probs(d.X @ f.weights + f.bias)
        recall[loss] = metrics.binary_metrics(d.labels, p).recall_pos
    assert recall["soft_dice"] > 2 * recall["binary_cross_entropy"] + 0.1  # 0.26 vs 0.07 here
    assert recall["tversky"] >= recall["soft_dice"]


def test_margin_losses_need_hard_labels_and_hinge_needs_l2() -> None:
    with pytest.raises(ValueError, match=r"labels must be exactly 0 or 1 for the margin loss"):
        fit_logistic(np.zeros((2, 2)), [0.0, 0.5], "squared_hinge")
    with pytest.raises(ValueError, match=r"l2 must be > 0 for the hinge loss"):
        fit_logistic(np.eye(2), [0.0, 1.0], "hinge", l2=0.0)
