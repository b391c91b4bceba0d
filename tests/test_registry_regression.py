"""The regression family's specs: known values through the views, identities, Compare.

The registry-wide suites (tests/test_registry.py, test_compare.py, test_explore_app.py)
check every spec's shape, finiteness and gradients. Here: the values each view draws
against sources outside the code under test (hand computations written out, Barron
2019's closed forms, scikit-learn values computed in a throwaway environment), the
identities the teaching text states, and the tables the lead merges into the shared
suites (ORDER, PROPERTIES, COMPARE_CASES with X_COUNT / SHARED_COUNT).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import compare, losses, registry
from lossviz.compare import DOMAINS, PRESETS
from lossviz.registry import REGISTRY, defaults, get
from lossviz.registry.regression import QUANTILE_SAMPLE, barron_gradient_peak

LN2 = math.log(2.0)
INF = math.inf

#: The regression family's keys in registry order (DESIGN.md's tables: the seed's
#: three, then the second table's regression rows).
ORDER = [
    "mse",
    "mae",
    "huber",
    "smooth_l1",
    "pseudo_huber",
    "log_cosh",
    "quantile",
    "epsilon_insensitive",
    "general_robust",
    "poisson_nll",
    "gaussian_nll",
]

# convex, bounded_gradient, robust_to_outliers, differentiable_everywhere, at the defaults
PROPERTIES = {
    # β = 1: Huber/β, convex, |∂ℓ/∂ŷ| = min(|r|/β, 1) ≤ 1, linear tails; C¹ for β > 0.
    "smooth_l1": (True, True, True, True),
    # δ²(√(1 + (r/δ)²) − 1): second derivative (1 + (r/δ)²)^(−3/2) > 0; |grad| < δ; smooth.
    "pseudo_huber": (True, True, True, True),
    # second derivative sech² r > 0; |tanh r| < 1; linear tails; smooth.
    "log_cosh": (True, True, True, True),
    # a max of two linear functions: convex, slopes −τ and 1 − τ, kink at r = 0.
    "quantile": (True, True, True, False),
    # max(0, |r| − ε): convex, |grad| ≤ 1, kinks at |r| = ε.
    "epsilon_insensitive": (True, True, True, False),
    # α = 1 is Charbonnier: convex for α ≥ 1, |ψ| ≤ 1/c for α ≤ 1, smooth for c > 0.
    "general_robust": (True, True, True, True),
    # e^z − yz: second derivative e^z > 0, gradient e^z − y unbounded above, smooth.
    "poisson_nll": (True, False, False, True),
    # in σ², ∂²/∂(σ²)² = −1/(2σ⁴) + r²/σ⁶ < 0 for σ² > 2r²: not convex in (μ, σ²);
    # ∂/∂μ = r/σ² unbounded; squared error at any fixed σ²; smooth for σ² > 0.
    "gaussian_nll": (False, False, False, True),
}

X_COUNT = np.linspace(-2.5, 3.5, 41)
SHARED_COUNT = {"count": 7.0}
X = {"regression": np.linspace(-4.0, 4.0, 41), "count": X_COUNT}
SHARED = {"count": SHARED_COUNT}
_Y = SHARED_COUNT["count"]


def _count_gaussian(z):
    """gaussian_nll(y, λ, λ) with λ = e^z, and d/dz by the chain rule through its gradient."""
    lam = np.exp(z)
    g_mean, g_var = losses.gaussian_nll_grad(_Y, lam, lam)
    return losses.gaussian_nll(_Y, lam, lam), (g_mean + g_var) * lam


# (domain, option, params, expected (loss, grad) from the core losses), as tests/test_compare.py
COMPARE_CASES = [
    (
        "regression",
        "smooth_l1",
        {"beta": 2.0},
        lambda x: (losses.smooth_l1(0.0, x, beta=2.0), losses.smooth_l1_grad(0.0, x, beta=2.0)),
    ),
    (
        "regression",
        "pseudo_huber",
        {"delta": 0.5},
        lambda x: (
            losses.pseudo_huber(0.0, x, delta=0.5),
            losses.pseudo_huber_grad(0.0, x, delta=0.5),
        ),
    ),
    (
        "regression",
        "log_cosh",
        {},
        lambda x: (losses.log_cosh(0.0, x), losses.log_cosh_grad(0.0, x)),
    ),
    (
        "regression",
        "quantile",
        {"tau": 0.9},
        lambda x: (losses.quantile(0.0, x, tau=0.9), losses.quantile_grad(0.0, x, tau=0.9)),
    ),
    (
        "regression",
        "epsilon_insensitive",
        {"epsilon": 0.3},
        lambda x: (
            losses.epsilon_insensitive(0.0, x, epsilon=0.3),
            losses.epsilon_insensitive_grad(0.0, x, epsilon=0.3),
        ),
    ),
    (
        "regression",
        "general_robust",
        {"alpha": -2.0, "scale": 1.5},
        lambda x: (
            losses.general_robust(0.0, x, alpha=-2.0, scale=1.5),
            losses.general_robust_grad(0.0, x, alpha=-2.0, scale=1.5),
        ),
    ),
    (
        "regression",
        "gaussian_nll",
        {},
        lambda x: (losses.gaussian_nll(0.0, x, 1.0), losses.gaussian_nll_grad(0.0, x, 1.0)[0]),
    ),
    (
        "count",
        "poisson_nll",
        {},
        lambda z: (losses.poisson_nll(_Y, z), losses.poisson_nll_grad(_Y, z)),
    ),
    ("count", "gaussian_nll_rate", {}, _count_gaussian),
    (
        "count",
        "mse_rate",
        {},
        lambda z: (
            losses.mse(_Y, np.exp(z)),
            losses.mse_grad(_Y, np.exp(z)) * np.exp(z),
        ),
    ),
]


def _grid(key, n=401, axis=None):
    return np.linspace(*get(key).curve.axis(axis).range, n)


def _curve(key, params, x, axis=None):
    return registry.curve(get(key), {**defaults(get(key)), **params}, np.asarray(x, float), axis)


# --------------------------------------------------------------------------- tables


def test_regression_keys_in_order():
    assert [k for k, s in REGISTRY.items() if s.family == "regression"] == ORDER


def test_every_new_regression_loss_has_its_properties_stated_here():
    assert set(PROPERTIES) == set(ORDER) - {"mse", "mae", "huber"}


@pytest.mark.parametrize("key", list(PROPERTIES))
def test_properties_at_the_defaults(key):
    at = get(key).properties.at(defaults(get(key)))
    assert tuple(at[name][0] for name, _ in registry.PROPERTY_ROWS) == PROPERTIES[key]


@pytest.mark.parametrize(
    ("alpha", "convex", "bounded"),
    [(3.0, True, False), (2.0, True, False), (1.5, True, False), (1.0, True, True),
     (0.5, False, True), (0.0, False, True), (-2.0, False, True), (-INF, False, True)],
)  # fmt: skip
def test_barron_properties_follow_alpha_and_are_true(alpha, convex, bounded):
    at = get("general_robust").properties.at({"alpha": alpha, "scale": 1.0})
    assert at["convex"][0] is convex and at["convex"][1] == "α ≥ 1"
    assert at["bounded_gradient"][0] is bounded and at["robust_to_outliers"][0] is bounded
    # The claims themselves, numerically: the second difference of ρ on [−30, 30] has a
    # negative stretch only for α < 1, and |ψ| at r = 1e6 stays ≤ 1/c only for α ≤ 1.
    r = np.linspace(-30.0, 30.0, 6001)
    second = np.diff(losses.general_robust(0.0, r, alpha=alpha), 2)
    assert bool(second.min() > -1e-12) is convex
    far = abs(float(losses.general_robust_grad(0.0, 1e6, alpha=alpha)))
    assert bool(far <= 1.0 + 1e-12) is bounded


def test_smooth_l1_is_differentiable_except_at_beta_zero():
    props = get("smooth_l1").properties
    assert props.at({"beta": 0.5})["differentiable_everywhere"][0] is True
    assert props.at({"beta": 0.0})["differentiable_everywhere"][0] is False
    assert props.cells({"beta": 0.0})["differentiable everywhere"].startswith("no (")


# --------------------------------------------------------------------------- Smooth L1


def test_smooth_l1_known_values_on_the_curve():
    # β = 2 (by hand): r = 0.5 is inside: ½·0.25/2 = 0.0625, slope 0.5/2 = 0.25;
    # r = 3 is outside: 3 − 2/2 = 2, slope 1; r = −3: 2, slope −1.
    ((_, loss, grad),) = _curve("smooth_l1", {"beta": 2.0}, [0.5, 3.0, -3.0])
    np.testing.assert_allclose(loss, [0.0625, 2.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(grad, [0.25, 1.0, -1.0], rtol=1e-15)


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0, 3.7])
def test_huber_is_delta_times_smooth_l1_on_the_curves(delta):
    # The pitfall both cards state: HuberLoss(δ) = δ · SmoothL1Loss(β = δ).
    x = _grid("huber")
    ((_, h, hg),) = _curve("huber", {"delta": delta}, x)
    ((_, s, sg),) = _curve("smooth_l1", {"beta": delta}, x)
    np.testing.assert_allclose(h, delta * s, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(hg, delta * sg, rtol=1e-13, atol=1e-15)


def test_the_beta_family_names_mae_and_its_member_is_mae():
    spec = get("smooth_l1")
    fam = spec.curve.family
    assert fam.values[0] == 0.0 and "MAE" in fam.names[0]
    x = _grid("smooth_l1", 81)
    ((_, loss, grad),) = registry.family(spec, defaults(spec), "beta", fam.values, x)
    ((_, mae, mae_g),) = _curve("mae", {}, x)
    np.testing.assert_array_equal(loss[0], mae)
    np.testing.assert_array_equal(grad[0], mae_g)


def test_huber_vs_smooth_l1_preset_shows_the_factor_two():
    preset = next(p for p in PRESETS if p.title == "Huber vs Smooth L1")
    assert preset.domain == "regression"
    assert preset.entries == (("huber", {"delta": 2.0}), ("smooth_l1", {"beta": 2.0}))
    x = X["regression"]
    huber, _ = compare.evaluate("regression", "huber", x, {"delta": 2.0})
    base_id, base_params = preset.entries[preset.baseline]
    base, _ = compare.evaluate("regression", base_id, x, base_params)
    ratio = compare.ratio(huber, base)
    # Flat at δ = 2 wherever it is defined (r = 0 is 0/0, a gap).
    np.testing.assert_allclose(ratio[x != 0], 2.0, rtol=1e-13)
    assert np.isnan(ratio[x == 0]).all()
    assert not preset.log_ratio


# --------------------------------------------------------------------------- pseudo-Huber


def test_pseudo_huber_known_values_and_the_huber_beside_it():
    # δ = 1, r = 1 (by hand): √2 − 1 = 0.41421356, slope 1/√2 = 0.70710678.
    (_, loss, grad), (name, h, hg) = _curve("pseudo_huber", {"delta": 1.0}, [1.0])
    assert loss[0] == pytest.approx(math.sqrt(2) - 1, rel=1e-14)
    assert grad[0] == pytest.approx(1 / math.sqrt(2), rel=1e-14)
    assert "Huber" in name
    x = _grid("pseudo_huber")
    _, (_, h, hg) = _curve("pseudo_huber", {"delta": 0.7}, x)
    ((_, want, want_g),) = _curve("huber", {"delta": 0.7}, x)
    np.testing.assert_array_equal(h, want)
    np.testing.assert_array_equal(hg, want_g)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_pseudo_huber_claims_of_its_card(delta):
    # Slope δ/√2 at |r| = δ: r/√(1 + 1) (by hand).
    (_, _, g), _ = _curve("pseudo_huber", {"delta": delta}, [delta])
    assert g[0] == pytest.approx(delta / math.sqrt(2), rel=1e-14)
    # Far out δ|r| − δ² (below Huber's δ|r| − δ²/2): δ²(√(1 + u²) − 1) − (δ|r| − δ²)
    # = δ²(√(1 + u²) − u) → δ²/(2u) for u = r/δ = 1000 (by hand).
    r = 1000.0 * delta
    (_, far, _), (_, hub, _) = _curve("pseudo_huber", {"delta": delta}, [r])
    assert far[0] - (delta * r - delta**2) == pytest.approx(delta**2 / 2000, rel=1e-5)
    assert hub[0] - far[0] == pytest.approx(delta**2 / 2, rel=1e-3)
    # ≈ ½r² near 0: ½r² − r⁴/(8δ²) + … (Taylor, by hand), at r = 0.01δ.
    r = 0.01 * delta
    (_, near, _), _ = _curve("pseudo_huber", {"delta": delta}, [r])
    assert near[0] == pytest.approx(0.5 * r**2 - r**4 / (8 * delta**2), rel=1e-9)


def test_charbonnier_is_barron_alpha_one_times_c_squared():
    # Barron 2019, α = 1: ρ(x, 1, c) = √((x/c)² + 1) − 1 = pseudo_huber(δ = c) / c².
    x = _grid("general_robust")
    for c in (0.5, 1.0, 2.0):
        ((_, rho, rho_g),) = _curve("general_robust", {"alpha": 1.0, "scale": c}, x)
        (_, ph, ph_g), _ = _curve("pseudo_huber", {"delta": c}, x)
        np.testing.assert_allclose(rho * c**2, ph, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(rho_g * c**2, ph_g, rtol=1e-13, atol=1e-15)


# --------------------------------------------------------------------------- log-cosh


def test_log_cosh_known_values_and_its_two_regimes():
    # ln cosh 1 = ln((e + 1/e)/2) = ln 1.5430806 = 0.4337808 (by hand); tanh 1 = 0.7615942.
    (_, loss, grad), (_, lin, lin_g) = _curve("log_cosh", {}, [1.0])
    assert loss[0] == pytest.approx(0.4337808, abs=5e-8)
    assert loss[0] == pytest.approx(math.log((math.e + 1 / math.e) / 2), rel=1e-15)
    assert grad[0] == pytest.approx(0.7615942, abs=5e-8)
    assert lin[0] == pytest.approx(1.0 - LN2, rel=1e-15) and lin_g[0] == 1.0  # |r| − ln 2
    (_, near, _), (_, quad, quad_g) = _curve("log_cosh", {}, [1.0], "near")
    assert near[0] == loss[0] and (quad[0], quad_g[0]) == (0.5, 1.0)  # ½r², r
    x = _grid("log_cosh")
    (_, loss, _), (_, lin, _) = _curve("log_cosh", {}, x)
    np.testing.assert_allclose(lin, np.abs(x) - LN2, rtol=1e-14, atol=1e-15)
    # log cosh r = |r| − ln 2 + log(1 + e^(−2|r|)) (by hand: cosh r = e^|r|(1 + e^(−2|r|))/2):
    # above |r| − ln 2, within 1e-3 of it beyond |r| = 3.8.
    np.testing.assert_allclose(loss - lin, np.log1p(np.exp(-2 * np.abs(x))), rtol=1e-12)
    assert (loss >= lin).all() and (loss - lin)[np.abs(x) >= 3.8].max() < 1e-3
    # Near the target: below ½r², and ½r² − r⁴/12 + … (Taylor of log cosh, by hand).
    x = _grid("log_cosh", axis="near")
    (_, loss, _), (_, quad, _) = _curve("log_cosh", {}, x, "near")
    np.testing.assert_allclose(quad, 0.5 * x**2, rtol=1e-15)
    assert (loss <= quad + 1e-15).all()
    (_, small, _), _ = _curve("log_cosh", {}, [0.01], "near")
    assert small[0] == pytest.approx(0.5e-4 - 1e-8 / 12, rel=1e-9)


@pytest.mark.parametrize("axis", ["r", "near"])
def test_log_cosh_gradient_is_tanh_on_the_curve(axis):
    x = _grid("log_cosh", axis=axis)
    ((_, _, grad), *_) = _curve("log_cosh", {}, x, axis)
    np.testing.assert_allclose(grad, np.tanh(x), rtol=1e-15)


# --------------------------------------------------------------------------- quantile


def test_quantile_tilts_the_v_on_the_curve():
    # τ = 0.9 (by hand): r = −1 (ŷ one below y) costs 0.9, slope −0.9; r = +1 costs 0.1,
    # slope 1 − 0.9 = 0.1.
    ((_, loss, grad),) = _curve("quantile", {"tau": 0.9}, [-1.0, 1.0])
    np.testing.assert_allclose(loss, [0.9, 0.1], rtol=1e-14)
    np.testing.assert_allclose(grad, [-0.9, 0.1], rtol=1e-14)


def test_quantile_one_half_is_half_mae_and_its_family_member_says_so():
    spec = get("quantile")
    x = _grid("quantile")
    ((_, q, qg),) = _curve("quantile", {"tau": 0.5}, x)
    ((_, mae, mae_g),) = _curve("mae", {}, x)
    np.testing.assert_array_equal(q, 0.5 * mae)
    np.testing.assert_array_equal(qg, 0.5 * mae_g)
    fam = spec.curve.family
    assert "½ MAE" in fam.names[fam.values.index(0.5)]


@pytest.mark.parametrize(
    ("y_hat", "tau", "want"),
    # sklearn.metrics.mean_pinball_loss(QUANTILE_SAMPLE, [ŷ] * 9, alpha=τ), scikit-learn
    # 1.9.1 in a throwaway venv; the first by hand: Σ|y|/(2·9) = 10.4/18 = 0.5777…
    [(0.0, 0.5, 0.5777777777777777), (1.0, 0.9, 0.43777777777777777),
     (-1.0, 0.1, 0.2177777777777778), (2.5, 0.25, 1.5805555555555555)],
)  # fmt: skip
def test_quantile_surface_is_the_mean_pinball_loss_of_the_sample(y_hat, tau, want):
    z = registry.surface(get("quantile"), {"tau": 0.5}, np.array([y_hat]), np.array([tau]))
    assert z[0, 0] == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("tau", [0.05, 0.1, 0.3, 0.5, 0.62, 0.9, 0.99])
def test_the_quantile_surface_valley_is_the_tau_quantile_of_the_sample(tau):
    # On a grid holding the sample, each τ row is smallest at the order statistic
    # y_(⌈9τ⌉) (Koenker & Bassett 1978), which is NumPy's inverted-CDF quantile.
    x = np.round(np.arange(-3.0, 4.0 + 1e-9, 0.1), 10)
    z = registry.surface(get("quantile"), {}, x, np.array([tau]))
    best = x[np.argmin(z[0])]
    assert best == pytest.approx(sorted(QUANTILE_SAMPLE)[math.ceil(9 * tau) - 1])
    assert best == pytest.approx(np.quantile(QUANTILE_SAMPLE, tau, method="inverted_cdf"))


def test_quantile_preset_has_the_three_taus():
    preset = next(p for p in PRESETS if p.key == "quantiles")
    assert [v["tau"] for _, v in preset.entries] == [0.1, 0.5, 0.9]
    assert {o for o, _ in preset.entries} == {"quantile"}


# --------------------------------------------------------------------------- ε-insensitive


def test_epsilon_insensitive_values_are_scikit_learns():
    # sklearn.linear_model._sgd_fast.EpsilonInsensitive(0.1).py_loss / py_dloss at
    # (p, y) = (0.5, 0), (0.05, 0), (−1.5, 0): 0.4, 0.0, 1.4 and 1, 0, −1 (scikit-learn
    # 1.9.1 in a throwaway venv).
    ((_, loss, grad),) = _curve("epsilon_insensitive", {"epsilon": 0.1}, [0.5, 0.05, -1.5])
    np.testing.assert_allclose(loss, [0.4, 0.0, 1.4], rtol=1e-14)
    np.testing.assert_array_equal(grad, [1.0, 0.0, -1.0])


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.45, 1.0])
def test_the_tube_is_flat_and_marked_at_its_edges(eps):
    x = _grid("epsilon_insensitive")
    ((_, loss, grad),) = _curve("epsilon_insensitive", {"epsilon": eps}, x)
    inside = np.abs(x) <= eps
    assert (loss[inside] == 0).all() and (grad[inside] == 0).all()
    np.testing.assert_allclose(loss[~inside], np.abs(x[~inside]) - eps, rtol=1e-14, atol=1e-15)
    marks = registry.markers(get("epsilon_insensitive"), {"epsilon": eps})
    assert sorted(m for m, _ in marks) == [-eps, eps]
    assert not any("-0.00" in label for _, label in marks)  # ε = 0: "−ε = 0.00"


# --------------------------------------------------------------------------- Barron


def _closed_forms():
    """Barron 2019, eq. 1's special cases, for u = x/c, and their derivatives in x."""
    return {
        2.0: (lambda u: 0.5 * u**2, lambda u, c: u / c),
        1.0: (lambda u: np.sqrt(u**2 + 1) - 1, lambda u, c: u / (c * np.sqrt(u**2 + 1))),
        0.0: (lambda u: np.log(0.5 * u**2 + 1), lambda u, c: 2 * u / (c * (u**2 + 2))),
        # Geman–McClure 2u²/(u² + 4): d/du = 16u/(u² + 4)² (by hand).
        -2.0: (lambda u: 2 * u**2 / (u**2 + 4), lambda u, c: 16 * u / (c * (u**2 + 4) ** 2)),
        -INF: (lambda u: 1 - np.exp(-0.5 * u**2), lambda u, c: u * np.exp(-0.5 * u**2) / c),
    }


@pytest.mark.parametrize("alpha", list(_closed_forms()))
@pytest.mark.parametrize("c", [0.3, 1.0, 2.5])
def test_barron_curve_at_the_named_alphas_is_its_closed_form(alpha, c):
    value, deriv = _closed_forms()[alpha]
    x = _grid("general_robust")
    ((_, loss, grad),) = _curve("general_robust", {"alpha": alpha, "scale": c}, x)
    np.testing.assert_allclose(loss, value(x / c), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad, deriv(x / c, c), rtol=1e-12, atol=1e-15)


def test_the_named_cases_are_the_family_presets_and_welsch_the_special_value():
    spec = get("general_robust")
    alpha = spec.params[0]
    fam = spec.curve.family
    named = dict(zip(fam.names, fam.values, strict=True))
    assert named == {
        "L2 (α = 2)": 2.0,
        "Charbonnier (α = 1)": 1.0,
        "Cauchy (α = 0)": 0.0,
        "Geman–McClure (α = −2)": -2.0,
        "Welsch (α = −∞)": -INF,
    }
    assert dict(alpha.presets) == named  # Welsch too: its pill switches the special toggle
    assert alpha.special == ("inf", "α = −∞ (Welsch)", -INF)
    # The slider reaches −10 … 3: α > 2 (faster than L2) is said in its help.
    assert (alpha.min, alpha.max) == (-10.0, 3.0) and "faster than L2" in alpha.help
    assert spec.params[1].min > 0  # c > 0


@pytest.mark.parametrize("c", [0.3, 1.0, 2.5])
def test_the_family_members_drawn_are_the_closed_forms(c):
    spec = get("general_robust")
    fam = spec.curve.family
    x = _grid("general_robust", 161)
    ((_, loss, grad),) = registry.family(spec, {"alpha": 1.0, "scale": c}, "alpha", fam.values, x)
    forms = _closed_forms()
    for i, a in enumerate(fam.values):
        np.testing.assert_allclose(loss[i], forms[a][0](x / c), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grad[i], forms[a][1](x / c, c), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("c", [0.1, 1.0, 3.0])
def test_welsch_off_the_slider_draws_finite_curves_with_the_right_slope(c):
    # α = −∞ is reached by the toggle only, so the registry-wide suite never sees it.
    spec = get("general_robust")
    params = {"alpha": -INF, "scale": c}
    x = np.linspace(-3.9, 3.9, 157)
    ((name, loss, grad),) = registry.curve(spec, params, x)
    assert np.isfinite(loss).all() and np.isfinite(grad).all() and name
    h = 1e-3
    at = [registry.curve(spec, params, x + s)[0][1] for s in (2 * h, h, -h, -2 * h)]
    fd = (-at[0] + 8 * at[1] - 8 * at[2] + at[3]) / (12 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-7)
    loss, grad = compare.evaluate("regression", "general_robust", x, params)
    assert np.isfinite(loss).all() and np.isfinite(grad).all()
    assert [m for m, _ in registry.markers(spec, params)] == [-c, c]


@pytest.mark.parametrize("alpha", [0.9, 0.5, 0.0, -0.7, -2.0, -10.0, -INF])
@pytest.mark.parametrize("c", [0.3, 1.0, 2.5])
def test_the_gradient_peak_marker_is_the_argmax_of_the_librarys_gradient(alpha, c):
    # The argmax of general_robust_grad itself on a fine grid, not the closed form.
    r = np.linspace(0.0, 40.0 * c, 400_001)
    g = losses.general_robust_grad(0.0, r, alpha=alpha, scale=c)
    step = r[1] - r[0]
    assert barron_gradient_peak({"alpha": alpha, "scale": c}) == pytest.approx(
        r[np.argmax(g)], abs=step
    )
    # It is where ρ stops being convex: the second difference changes sign there.
    peak = barron_gradient_peak({"alpha": alpha, "scale": c})
    d2 = np.diff(losses.general_robust(0.0, peak + np.array([-2, -1, 0, 1, 2]) * 1e-2 * c,
                                       alpha=alpha, scale=c), 2)  # fmt: skip
    assert d2[0] > 0 > d2[-1]


@pytest.mark.parametrize("alpha", [1.0, 1.5, 2.0, 3.0])
def test_no_gradient_peak_where_the_gradient_does_not_redescend(alpha):
    spec = get("general_robust")
    assert registry.markers(spec, {"alpha": alpha, "scale": 1.0}) == []
    g = losses.general_robust_grad(0.0, np.linspace(0.0, 1e3, 10_001), alpha=alpha)
    assert (np.diff(g) > 0).all()  # the gradient keeps rising (to 1/c for α = 1)


def test_peak_markers_are_labelled_with_their_position():
    marks = registry.markers(get("general_robust"), {"alpha": 0.0, "scale": 1.0})
    # Cauchy: ψ = 2x/(x² + 2c²) peaks at x = √2 c (by hand).
    assert [m for m, _ in marks] == pytest.approx([-math.sqrt(2), math.sqrt(2)])
    assert "1.41" in marks[1][1] and "-1.41" in marks[0][1]


def test_barron_surface_is_the_loss_over_r_and_alpha():
    spec = get("general_robust")
    # α is the map's y axis (a "current α" line, none at α = −∞, off the map): the map
    # reads c only, so moving α (or switching on Welsch) keeps the figure.
    assert spec.surface.y_param == "alpha" and spec.surface.uses == ("scale",)
    assert registry.surface_params(spec, {"alpha": -INF, "scale": 0.5}) == {"scale": 0.5}
    x, y = np.linspace(-4.0, 4.0, 9), np.array([-10.0, -2.0, 0.0, 1.0, 2.0, 3.0])
    z = registry.surface(spec, {"alpha": 1.0, "scale": 0.5}, x, y)
    for i, a in enumerate(y):
        np.testing.assert_array_equal(z[i], losses.general_robust(0.0, x, alpha=a, scale=0.5))


def test_robust_zoo_preset():
    preset = next(p for p in PRESETS if p.key == "robust_zoo")
    assert preset.domain == "regression"
    assert preset.entries[0] == ("mse", {}) and preset.entries[1] == ("huber", {"delta": 1.0})
    assert [v["alpha"] for o, v in preset.entries if o == "general_robust"] == [0.0, -2.0]
    # Geman–McClure's pull at r = 4 is below its peak (redescending), Huber's is δ = 1.
    _, g_gm = compare.value_at("regression", "general_robust", 4.0, preset.entries[3][1])
    _, g_peak = compare.value_at(
        "regression", "general_robust", 2 / math.sqrt(3), preset.entries[3][1]
    )
    assert 0 < g_gm < g_peak  # peak at c·√(4/3) = 1.1547 (by hand)


# --------------------------------------------------------------------------- Poisson


@pytest.mark.parametrize("y", [1.0, 3.0, 7.0, 20.0])
def test_poisson_minimum_is_at_log_y_and_marked(y):
    spec = get("poisson_nll")
    ((mx, label),) = registry.markers(spec, {"count": y})
    assert mx == pytest.approx(math.log(y), rel=1e-15)
    assert f"{math.log(y):.2f}" in label
    ((_, loss, grad),) = _curve("poisson_nll", {"count": y}, [mx])
    # At z = log y: e^z − y z = y − y log y, slope e^z − y = 0 (by hand).
    assert loss[0] == pytest.approx(y - y * math.log(y), rel=1e-12, abs=1e-12)
    assert grad[0] == pytest.approx(0.0, abs=1e-12)
    x = _grid("poisson_nll", 7001)
    ((_, loss, _),) = _curve("poisson_nll", {"count": y}, x)
    assert x[np.argmin(loss)] == pytest.approx(math.log(y), abs=1e-3)
    # On the rate axis the same minimum is at λ = y.
    ((lam, _),) = registry.markers(spec, {"count": y}, "rate")
    assert lam == pytest.approx(y, rel=1e-12)


def test_poisson_with_zero_count_has_no_minimum_marked():
    spec = get("poisson_nll")
    assert registry.markers(spec, {"count": 0.0}) == []
    assert registry.markers(spec, {"count": 0}, "rate") == []
    x = _grid("poisson_nll")
    ((_, loss, grad),) = _curve("poisson_nll", {"count": 0}, x)
    np.testing.assert_allclose(loss, np.exp(x), rtol=1e-15)  # e^z − 0·z
    assert (grad > 0).all()


def test_poisson_known_values():
    # e⁰ − 2·0 = 1, slope e⁰ − 2 = −1; z = 1, y = 3: e − 3 = −0.2817182, slope e − 3 (hand).
    ((_, loss, grad),) = _curve("poisson_nll", {"count": 2}, [0.0])
    assert (loss[0], grad[0]) == (1.0, -1.0)
    ((_, loss, grad),) = _curve("poisson_nll", {"count": 3}, [1.0])
    assert loss[0] == pytest.approx(math.e - 3.0, rel=1e-15)
    assert grad[0] == pytest.approx(math.e - 3.0, rel=1e-15)
    # The rate axis: λ = 5 is z = log 5, same gradient ∂ℓ/∂z = λ − y = 2.
    ((_, loss, grad),) = _curve("poisson_nll", {"count": 3}, [5.0], "rate")
    assert loss[0] == pytest.approx(5.0 - 3.0 * math.log(5.0), rel=1e-14)
    assert grad[0] == pytest.approx(2.0, rel=1e-14)


def test_poisson_surface_is_over_log_rate_and_count():
    spec = get("poisson_nll")
    assert spec.surface.y_param == "count"
    x, y = np.linspace(-3.0, 4.0, 8), np.arange(0.0, 21.0, 5.0)
    z = registry.surface(spec, defaults(spec), x, y)
    X_, Y_ = np.meshgrid(x, y)
    np.testing.assert_allclose(z, np.exp(X_) - Y_ * X_, rtol=1e-14)  # e^z − y z (hand)


def test_count_domain():
    dom = DOMAINS["count"]
    assert [o.id for o in dom.options] == ["poisson_nll", "mse_rate", "gaussian_nll_rate"]
    assert [p.name for p in dom.shared] == ["count"]
    assert all(o.uses == ("count",) for o in dom.options)
    for text in ("poisson_nll(y, z)", "gaussian_nll(y, λ, λ)", "mse(y, λ)", "z = log y",
                 "λ = ½(√(1 + 4y²) − 1)"):  # fmt: skip
        assert text in dom.description
    assert dom.default_n == 2  # MSE on the rate, third, outgrows both by far
    # Every entry is smallest at z = log y for y > 0 (its gradient vanishes there).
    for opt in dom.options:
        _, g = compare.value_at("count", opt.id, math.log(_Y), {}, SHARED_COUNT)
        if opt.id != "gaussian_nll_rate":
            assert g == pytest.approx(0.0, abs=1e-12), opt.id
    # The Gaussian with variance λ: d/dz of ½(z + (y − e^z)²/e^z) = ½(1 − y²e^(−z) + e^z),
    # zero at e^z = ½(−1 + √(1 + 4y²)) (by hand), close to but not exactly y.
    root = math.log(0.5 * (-1 + math.sqrt(1 + 4 * _Y**2)))
    _, g = compare.value_at("count", "gaussian_nll_rate", root, {}, SHARED_COUNT)
    assert g == pytest.approx(0.0, abs=1e-12)


def test_count_domain_surfaces_equal_the_core():
    x, y, z = compare.surface("count", "poisson_nll", {}, n=11)
    assert z[4, 7] == pytest.approx(losses.poisson_nll(y[4], x[7]))
    x, y, z = compare.surface("count", "mse_rate", {}, n=11)
    assert z[2, 9] == pytest.approx(losses.mse(y[2], math.exp(x[9])))
    x, y, z = compare.surface("count", "gaussian_nll_rate", {}, n=11)
    lam = math.exp(x[3])
    assert z[6, 3] == pytest.approx(losses.gaussian_nll(y[6], lam, lam))


# --------------------------------------------------------------------------- Gaussian NLL


def test_gaussian_nll_with_unit_variance_is_half_r_squared():
    # ½(log 1 + r²/1) = ½r² (by hand): MSE/2 plus the dropped constant ½ log 2π.
    x = _grid("gaussian_nll")
    ((_, loss, grad),) = _curve("gaussian_nll", {"var": 1.0}, x)
    np.testing.assert_allclose(loss, 0.5 * x**2, rtol=1e-15)
    np.testing.assert_allclose(grad, x, rtol=1e-15)
    assert "½r²" in dict(zip(get("gaussian_nll").curve.family.values,
                             get("gaussian_nll").curve.family.names, strict=True))[1.0]  # fmt: skip


def test_gaussian_nll_known_values():
    # σ² = 4, r = 2: ½(log 4 + 4/4) = ½(1.3862944 + 1) = 1.1931472; slope r/σ² = 0.5.
    ((_, loss, grad),) = _curve("gaussian_nll", {"var": 4.0}, [2.0])
    assert loss[0] == pytest.approx(1.1931472, abs=5e-8)
    assert grad[0] == 0.5
    # y = 1, μ = 3, σ² = 1 in Compare's regression domain (σ² = 1): ½·4 = 2.
    assert compare.value_at("regression", "gaussian_nll", 2.0, {}) == (2.0, 2.0)
    assert "σ² = 1" in DOMAINS["regression"].option("gaussian_nll").name


def test_gaussian_surface_valley_is_at_variance_r_squared():
    # ∂ℓ/∂σ² = ½(1/σ² − r²/σ⁴) = 0 at σ² = r², where ℓ = ½(log r² + 1) = log|r| + ½.
    spec = get("gaussian_nll")
    r = np.array([0.5, 1.0, 1.5, 2.0])
    v = np.linspace(0.1, 5.0, 4901)
    z = registry.surface(spec, defaults(spec), r, v)
    np.testing.assert_allclose(v[np.argmin(z, axis=0)], r**2, atol=1e-3)
    np.testing.assert_allclose(z.min(axis=0), np.log(r) + 0.5, atol=1e-6)


def test_gaussian_markers_are_one_standard_deviation():
    marks = registry.markers(get("gaussian_nll"), {"var": 2.25})
    assert [m for m, _ in marks] == [-1.5, 1.5]


# --------------------------------------------------------------------------- Compare


@pytest.mark.parametrize(
    "case", COMPARE_CASES, ids=[f"{d}-{o}-" + "-".join(f"{k}{v}" for k, v in p.items())
                                for d, o, p, _ in COMPARE_CASES],
)  # fmt: skip
def test_entry_curve_equals_the_core_loss_and_gradient(case):
    domain, opt, params, expected = case
    x = X[domain]
    loss, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain))
    want_loss, want_grad = expected(x)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)


def test_compare_cases_cover_every_option_this_family_adds():
    ours = {(d, o) for d, o, _, _ in COMPARE_CASES}
    seed = {("regression", "mse"), ("regression", "mae"), ("regression", "huber")}
    regression_family = {
        (d.key, o.id)
        for d in DOMAINS.values()
        for o in d.options
        if REGISTRY[o.loss].family == "regression"
    }
    assert ours == regression_family - seed


def test_every_regression_loss_joins_a_compare_domain():
    for key in ORDER:
        if key != "poisson_nll":
            assert "regression" in {j.domain for j in get(key).joins}, key
    assert {j.domain for j in get("poisson_nll").joins} == {"count"}


# --------------------------------------------------------------------------- teaching text


def _text(key):
    s = get(key)
    return " ".join((s.one_liner, s.when_to_use, *s.pitfalls))


def test_required_teaching_content():
    assert "SmoothL1Loss" in _text("smooth_l1") and "factor β" in _text("smooth_l1")
    assert "β = 0 is MAE" in _text("smooth_l1")
    assert "½r²" in _text("pseudo_huber") and "δ|r|" in _text("pseudo_huber")
    assert "|r| − ln 2" in _text("log_cosh") and "tanh r" in _text("log_cosh")
    assert "τ-quantile" in _text("quantile") and "½·MAE" in _text("quantile")
    assert "tube" in _text("epsilon_insensitive") and "ε = 0" in _text("epsilon_insensitive")
    barron = _text("general_robust")
    for name in ("L2", "Charbonnier", "Cauchy", "Geman–McClure", "Welsch"):
        assert name in barron
    assert "Not convex for α < 1" in barron and "redescends" in barron
    assert "z = log y" in _text("poisson_nll") and "log y!" in _text("poisson_nll")
    gauss = _text("gaussian_nll")
    assert "½r² + const" in gauss and "log-variance" in gauss and "β-NLL" in gauss
    assert any(r.year == 2019 and "Barron" in r.authors for r in get("general_robust").references)
    assert any(r.year == 2022 and "Seitzer" in r.authors for r in get("gaussian_nll").references)
