"""The registry: one suite parametrized over every LossSpec, plus per-loss checks.

Every spec must agree with the function it describes (names, defaults), carry
complete teaching text, and give curve and surface views that are finite over
their ranges at the defaults and at every slider's extremes, with branch
gradients that match a 4th-order central difference of the branch loss.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import math
import typing
from pathlib import Path

import numpy as np
import pytest

from lossviz import losses, registry
from lossviz.registry import REGISTRY, defaults, gaussian_kl, gaussian_pair, get, hyper

KEYS = list(REGISTRY)
SPECS = [REGISTRY[k] for k in KEYS]

EXPECTED_ORDER = [
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "focal",
    "kl_divergence",
    "contrastive",
    "triplet",
    "bradley_terry",
]


def _configs(spec):
    """(id, params): defaults, each slider at its min and its max, all at min, all at max."""
    base = defaults(spec)
    sliders = (*spec.params, *spec.curve.scene)
    out = [("defaults", base)]
    for p in sliders:
        for end in ("min", "max"):
            out.append((f"{p.name}={end}", {**base, p.name: getattr(p, end)}))
        if p.optional:
            out.append((f"{p.name}=None", {**base, p.name: None}))
    if sliders:
        out.append(("all=min", {**base, **{p.name: p.min for p in sliders}}))
        out.append(("all=max", {**base, **{p.name: p.max for p in sliders}}))
    return out


SPEC_CONFIGS = [
    pytest.param(spec, params, id=f"{spec.key}-{cid}")
    for spec in SPECS
    for cid, params in _configs(spec)
]

by_key = pytest.mark.parametrize("spec", SPECS, ids=KEYS)
by_config = pytest.mark.parametrize(("spec", "params"), SPEC_CONFIGS)


# --------------------------------------------------------------------------- identity


def test_keys_are_the_loss_functions_in_design_order():
    assert KEYS == EXPECTED_ORDER
    for key, spec in REGISTRY.items():
        assert spec.key == key
        assert key in losses.__all__
        assert spec.fn is getattr(losses, key)
        assert spec.grad is getattr(losses, key + "_grad")


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        REGISTRY["mse"] = REGISTRY["mae"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["mse"].title = "x"  # type: ignore[misc]


@by_key
def test_params_are_the_keyword_arguments_with_their_defaults(spec):
    sig = inspect.signature(spec.fn)
    kw_only = {n: p for n, p in sig.parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert [p.name for p in spec.params] == list(kw_only)
    for p in spec.params:
        assert p.default == kw_only[p.name].default, p.name
    assert inspect.signature(spec.grad).parameters.keys() == sig.parameters.keys()


@by_key
def test_inputs_are_the_positional_arguments(spec):
    sig = inspect.signature(spec.fn)
    positional = [n for n, p in sig.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert [i.name for i in spec.inputs] == positional
    for i in spec.inputs:
        lo, hi = i.domain
        assert lo < hi
        assert i.symbol and i.meaning


@by_key
def test_slider_ranges(spec):
    sliders = (*spec.params, *spec.curve.scene)
    names = [p.name for p in sliders]
    assert len(set(names)) == len(names)
    for p in sliders:
        assert p.min <= p.default <= p.max, p.name
        assert p.min < p.max and p.step > 0, p.name
        # the default is on the slider's lattice
        steps = (p.default - p.min) / p.step
        assert abs(steps - round(steps)) < 1e-9, p.name
        assert p.symbol and p.latex and p.help.strip().endswith("."), p.name
        assert p.optional == (spec.key == "focal" and p.name == "alpha")


def test_brief_slider_values():
    def ranges(key):
        spec = get(key)
        return {
            p.name: (p.default, p.min, p.max, p.step) for p in (*spec.params, *spec.curve.scene)
        }

    assert ranges("huber") == {"delta": (1.0, 0.05, 5.0, 0.05)}
    assert ranges("focal") == {"gamma": (2.0, 0.0, 5.0, 0.1), "alpha": (0.25, 0.0, 1.0, 0.05)}
    assert ranges("contrastive") == {"margin": (1.0, 0.0, 3.0, 0.05)}
    assert ranges("triplet") == {"margin": (1.0, 0.0, 3.0, 0.05), "d_neg": (2.0, 0.0, 5.0, 0.1)}
    assert ranges("bradley_terry") == {"margin": (0.0, -3.0, 3.0, 0.1)}
    assert ranges("binary_cross_entropy") == {"pos_weight": (1.0, 0.0, 10.0, 0.1)}
    assert ranges("categorical_cross_entropy") == {
        "label_smoothing": (0.0, 0.0, 1.0, 0.01),
        "n_classes": (3.0, 2.0, 10.0, 1.0),
        "other_logit_1": (1.0, -5.0, 5.0, 0.1),
        "other_logit_2": (0.0, -5.0, 5.0, 0.1),
    }
    assert ranges("kl_divergence") == {
        "mu_p": (0.0, -4.0, 4.0, 0.1),
        # Unequal default widths: with σ_P = σ_Q the two KL directions coincide in μ_Q and
        # the asymmetry, the lesson of the view, would be invisible.
        "sigma_p": (1.5, 0.2, 3.0, 0.05),
        "sigma_q": (0.7, 0.2, 3.0, 0.05),
    }
    for key in ("mse", "mae"):
        assert ranges(key) == {}


def test_defaults_and_hyper():
    focal = get("focal")
    assert defaults(focal) == {"gamma": 2.0, "alpha": 0.25}
    assert hyper(focal, {"gamma": 1.0, "alpha": None}) == {"gamma": 1.0, "alpha": None}
    triplet = get("triplet")
    assert defaults(triplet) == {"margin": 1.0, "d_neg": 2.0}
    assert hyper(triplet, {"margin": 0.5, "d_neg": 3.0}) == {"margin": 0.5}
    assert hyper(get("mse"), defaults(get("mse"))) == {}
    assert hyper(get("huber"), {}) == {"delta": 1.0}


def test_get():
    assert get("huber") is REGISTRY["huber"]
    with pytest.raises(ValueError, match="'hubr'") as info:
        get("hubr")
    for key in KEYS:
        assert key in str(info.value)


def test_registry_imports_no_ui_library():
    tree = ast.parse(Path(registry.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"streamlit", "plotly"}


# --------------------------------------------------------------------------- content


@by_key
def test_text_fields_are_filled(spec):
    assert spec.family in typing.get_args(registry.Family)
    for text in (spec.title, spec.latex, spec.grad_latex, spec.one_liner, spec.when_to_use):
        assert text.strip()
    assert 2 <= len(spec.pitfalls) <= 4
    assert all(p.strip() for p in spec.pitfalls)
    assert spec.references
    for ref in spec.references:
        assert ref.authors.strip() and ref.title.strip() and ref.venue.strip()
        assert isinstance(ref.year, int) and 1700 <= ref.year <= 2030
        assert ref.url == "" or ref.url.startswith(("http://", "https://"))
    assert spec.properties.typical_use.strip()
    assert spec.curve.x_label.strip()
    assert spec.surface.x_label.strip() and spec.surface.y_label.strip()
    for lo, hi in (spec.curve.x_range, spec.surface.x_range, spec.surface.y_range):
        assert lo < hi


def _text(spec):
    return " ".join((spec.one_liner, spec.when_to_use, *spec.pitfalls))


def _years(spec):
    return {r.year for r in spec.references}


def test_required_teaching_content():
    assert "SmoothL1" in _text(get("huber")) and "/ δ" in _text(get("huber"))
    kl = _text(get("kl_divergence"))
    assert "batchmean" in kl and "'mean'" in kl and "+inf" in kl and "Asymmetric" in kl
    focal = _text(get("focal"))
    assert "positive class" in focal and "α = 0.25" in focal and "smaller weight" in focal
    for key in ("binary_cross_entropy", "categorical_cross_entropy", "kl_divergence"):
        assert "ln 2" in _text(get(key)) and "bits" in _text(get(key)), key
    contrastive = _text(get("contrastive"))
    assert "½" in contrastive and "y = 1 is a similar pair" in contrastive
    assert "square" in contrastive
    assert {1952, 2017, 2022, 2023} <= _years(get("bradley_terry"))
    assert "Christiano" in _text(get("bradley_terry")) and "Llama 2" in _text(get("bradley_terry"))
    assert any(
        r.title == "Focal Loss for Dense Object Detection" and r.year == 2017 and r.venue == "ICCV"
        for r in get("focal").references
    )
    assert any(
        r.title == "Robust Estimation of a Location Parameter" and r.year == 1964
        for r in get("huber").references
    )
    assert any(r.year == 2015 and "FaceNet" in r.title for r in get("triplet").references)
    assert any(
        r.year == 2006 and r.authors == "R. Hadsell, S. Chopra, Y. LeCun"
        for r in get("contrastive").references
    )
    assert any(r.year == 1951 and "Kullback" in r.authors for r in get("kl_divergence").references)


# convex, bounded_gradient, robust_to_outliers, differentiable_everywhere
PROPERTIES = {
    "mse": (True, False, False, True),
    "mae": (True, True, True, False),
    "huber": (True, True, True, True),
    "binary_cross_entropy": (True, True, False, True),
    "categorical_cross_entropy": (True, True, False, True),
    "focal": (False, True, False, True),
    "kl_divergence": (True, False, False, True),
    "contrastive": (True, False, False, True),  # squared hinge: C¹ in d
    "triplet": (True, True, False, False),  # plain hinge: kink at d₊ − d₋ = −m
    "bradley_terry": (True, True, False, True),
}


@by_key
def test_properties(spec):
    at = spec.properties.at(defaults(spec))
    assert tuple(at[name][0] for name, _ in registry.PROPERTY_ROWS) == PROPERTIES[spec.key]


def test_properties_that_depend_on_hyperparameters_are_computed_for_the_values():
    # Focal with γ = 0 (and no α) is BCE, which is convex; for any γ > 0 it is not
    # (test_focal_is_not_convex_for_positive_gamma). Issue: Compare listed focal γ = 0
    # as not convex beside BCE as convex.
    props = get("focal").properties
    assert props.at({"gamma": 0.0, "alpha": None})["convex"][0] is True
    assert props.at({"gamma": 0.5, "alpha": None})["convex"][0] is False
    assert props.cells({"gamma": 0.0, "alpha": None})["convex"].startswith("yes")
    assert props.cells({"gamma": 2.0, "alpha": 0.25})["convex"].startswith("no (")
    assert props.cells({"gamma": 0.0, "alpha": None})["convex"] != props.cells(
        {"gamma": 2.0, "alpha": None}
    )["convex"]


@pytest.mark.parametrize("gamma", [0.1, 0.5, 2.0])
def test_focal_is_not_convex_for_positive_gamma(gamma):
    # Label 1, z → −∞: FL ≈ −z + eᶻ(1 + γz), whose second derivative eᶻ(1 + γ(z + 2)) is
    # negative for z < −2 − 1/γ (by hand), so every γ > 0 has a concave stretch there.
    z = np.linspace(-2.0 - 1.0 / gamma - 8.0, -2.0 - 1.0 / gamma - 1.0, 4001)
    second = np.diff(losses.focal(1.0, z, gamma=gamma, alpha=None), 2)
    assert second.min() < 0
    second0 = np.diff(losses.focal(1.0, np.linspace(-30, 30, 4001), gamma=0.0, alpha=None), 2)
    assert second0.min() > -1e-12  # γ = 0 is BCE: convex


# --------------------------------------------------------------------------- curves


def _curve_x(spec, n=401):
    return np.linspace(*spec.curve.x_range, n)


@by_config
def test_curve_branches_are_finite_with_the_shape_of_x(spec, params):
    x = _curve_x(spec)
    branches = spec.curve.evaluate(x, params)
    assert branches
    for b in branches:
        assert b.name.strip()
        assert b.loss.shape == x.shape and b.grad.shape == x.shape
        assert b.loss.dtype == np.float64 and b.grad.dtype == np.float64
        if spec.key == "triplet":  # NaN exactly where d₊ = d₋ + x would be negative
            valid = params["d_neg"] + x >= 0
            assert np.isfinite(b.loss[valid]).all() and np.isfinite(b.grad[valid]).all()
            assert np.isnan(b.loss[~valid]).all() and np.isnan(b.grad[~valid]).all()
        else:
            assert np.isfinite(b.loss).all() and np.isfinite(b.grad).all(), b.name
    for m in spec.curve.markers(params):
        assert math.isfinite(m.x) and m.label.strip()


@by_config
def test_curve_grad_is_the_derivative_of_the_loss(spec, params):
    h = 1e-3
    lo, hi = spec.curve.x_range
    x = np.linspace(lo + 3 * h, hi - 3 * h, 301)
    for m in spec.curve.markers(params):  # stay off kinks and regime changes
        x = x[np.abs(x - m.x) > 5 * h]

    def losses_at(shift):
        return [b.loss for b in spec.curve.evaluate(x + shift, params)]

    fp2, fp1, fm1, fm2 = (losses_at(s) for s in (2 * h, h, -h, -2 * h))
    for i, b in enumerate(spec.curve.evaluate(x, params)):
        fd = (-fp2[i] + 8 * fp1[i] - 8 * fm1[i] + fm2[i]) / (12 * h)
        ok = np.isfinite(fd)  # triplet: the NaN region (d₊ < 0) and its edge
        assert ok.sum() > 0.4 * x.size
        np.testing.assert_allclose(b.grad[ok], fd[ok], rtol=1e-5, atol=1e-6, err_msg=b.name)


def test_regression_curves_are_the_functions_of_the_residual():
    x = _curve_x(get("huber"))
    (b,) = get("huber").curve.evaluate(x, {"delta": 0.7})
    np.testing.assert_array_equal(b.loss, losses.huber(0.0, x, delta=0.7))
    np.testing.assert_array_equal(b.grad, losses.huber_grad(0.0, x, delta=0.7))
    (b,) = get("mse").curve.evaluate(x, {})
    np.testing.assert_allclose(b.loss, x**2)


def test_huber_markers_follow_delta():
    markers = get("huber").curve.markers({"delta": 0.7})
    assert [m.x for m in markers] == [-0.7, 0.7]
    assert "-0.70" in markers[0].label and "0.70" in markers[1].label
    assert "-" not in markers[1].label.split("=")[-1]
    assert [m.x for m in get("huber").curve.markers({"delta": 2.35})] == [-2.35, 2.35]


@pytest.mark.parametrize(
    ("key", "params", "expected_x", "text"),
    [
        ("contrastive", {"margin": 1.3}, 1.3, "1.30"),
        ("triplet", {"margin": 0.4, "d_neg": 2.0}, -0.4, "-0.40"),
        ("bradley_terry", {"margin": -1.5}, -1.5, "-1.50"),
        ("kl_divergence", {"mu_p": 2.2, "sigma_p": 1.0, "sigma_q": 1.0}, 2.2, "2.20"),
        ("mae", {}, 0.0, "0"),
        ("binary_cross_entropy", {}, 0.0, "0.5"),
    ],
)
def test_markers_follow_the_params(key, params, expected_x, text):
    (m,) = get(key).curve.markers(params)
    assert m.x == pytest.approx(expected_x)
    assert text in m.label


@pytest.mark.parametrize(
    ("n_classes", "z1", "z2"),
    [(3.0, 1.0, 0.0), (2.0, -2.0, 4.0), (10.0, 3.0, -1.0), (5.0, 0.0, 0.0)],
)
def test_cce_marker_is_where_the_true_class_gets_one_half(n_classes, z1, z2):
    params = {"n_classes": n_classes, "other_logit_1": z1, "other_logit_2": z2}
    (m,) = get("categorical_cross_entropy").curve.markers(params)
    others = [z1] + ([z2] if n_classes >= 3 else []) + [0.0] * (int(n_classes) - 3)
    assert m.x == pytest.approx(math.log(sum(math.exp(o) for o in others)))
    assert f"{m.x:.2f}" in m.label
    (b,) = get("categorical_cross_entropy").curve.evaluate(np.array([m.x]), params)
    assert b.loss[0] == pytest.approx(math.log(2.0))  # −log ½
    assert b.grad[0] == pytest.approx(-0.5)  # p₀ − 1


def test_cce_with_two_classes_is_bce_on_the_logit_difference():
    x = _curve_x(get("categorical_cross_entropy"))
    params = {"n_classes": 2.0, "other_logit_1": 1.5, "other_logit_2": 4.0}
    (b,) = get("categorical_cross_entropy").curve.evaluate(x, params)
    np.testing.assert_allclose(b.loss, losses.binary_cross_entropy(1.0, x - 1.5), rtol=1e-12)


def test_focal_curve_uses_gamma_and_alpha():
    spec = get("focal")
    x = _curve_x(spec)
    for params in ({"gamma": 0.5, "alpha": 0.9}, {"gamma": 3.0, "alpha": None}):
        y1, y0 = spec.curve.evaluate(x, params)
        np.testing.assert_array_equal(y1.loss, losses.focal(1.0, x, **params))
        np.testing.assert_array_equal(y0.loss, losses.focal(0.0, x, **params))
    # gamma = 0, no alpha: binary cross-entropy
    y1, y0 = spec.curve.evaluate(x, {"gamma": 0.0, "alpha": None})
    np.testing.assert_allclose(y1.loss, losses.binary_cross_entropy(1.0, x), rtol=1e-12)


def test_bradley_terry_probability_branch():
    x = _curve_x(get("bradley_terry"))
    loss, prob = get("bradley_terry").curve.evaluate(x, {"margin": 1.0})
    np.testing.assert_allclose(loss.loss, -np.log(1 / (1 + np.exp(-(x - 1.0)))), rtol=1e-10)
    np.testing.assert_allclose(prob.loss, 1 / (1 + np.exp(-x)), rtol=1e-12)


@pytest.mark.parametrize(
    "scene",
    [
        {"mu_p": 0.0, "sigma_p": 1.0, "sigma_q": 1.0},
        {"mu_p": -1.5, "sigma_p": 0.6, "sigma_q": 1.4},
        {"mu_p": 2.0, "sigma_p": 1.2, "sigma_q": 0.8},
    ],
)
def test_kl_curve_is_kl_divergence_of_the_discretised_gaussians(scene):
    x = np.linspace(-5.0, 5.0, 41)
    pq, qp = get("kl_divergence").curve.evaluate(x, scene)
    for i, mu_q in enumerate(x):
        _, p, q = gaussian_pair(scene["mu_p"], scene["sigma_p"], mu_q, scene["sigma_q"])
        assert pq.loss[i] == pytest.approx(float(losses.kl_divergence(p, q)), rel=1e-9, abs=1e-12)
        assert qp.loss[i] == pytest.approx(float(losses.kl_divergence(q, p)), rel=1e-9, abs=1e-12)


def test_kl_curve_is_finite_where_a_narrow_q_underflows():
    # σ_Q = 0.2 at μ_Q = −5: q is 0 in float64 near x = 10 although the exact
    # discretised KL is finite (log space keeps it so).
    _, p, q = gaussian_pair(0.0, 1.0, -5.0, 0.2)
    assert (q == 0).any() and (p > 0).all()
    pq, qp = get("kl_divergence").curve.evaluate(
        np.array([-5.0]), {"mu_p": 0.0, "sigma_p": 1.0, "sigma_q": 0.2}
    )
    assert np.isfinite(pq.loss).all() and np.isfinite(qp.loss).all()
    assert pq.loss[0] == pytest.approx(float(gaussian_kl(0.0, 1.0, -5.0, 0.2)), rel=1e-6)


def test_gaussian_pair():
    grid, p, q = gaussian_pair(0.5, 1.0, -1.0, 2.0)
    assert grid.shape == p.shape == q.shape == (1601,)
    assert grid[0] == -20.0 and grid[-1] == 20.0
    assert p.sum() == pytest.approx(1.0) and q.sum() == pytest.approx(1.0)
    assert float(np.sum(grid * p)) == pytest.approx(0.5, abs=1e-9)
    assert float(np.sum(grid * q)) == pytest.approx(-1.0, abs=1e-4)  # grid truncates at 4.5σ


# --------------------------------------------------------------------------- surfaces


def _mesh(spec, n=50):
    return np.meshgrid(np.linspace(*spec.surface.x_range, n), np.linspace(*spec.surface.y_range, n))


@by_config
def test_surface_is_finite_with_the_shape_of_the_mesh(spec, params):
    X, Y = _mesh(spec)
    Z = np.asarray(spec.surface.evaluate(X, Y, params))
    assert Z.shape == X.shape
    assert np.isfinite(Z).all()
    assert (Z >= 0).all() or spec.key == "kl_divergence"


def test_regression_surfaces_match_the_functions():
    X, Y = _mesh(get("huber"))
    Z = get("huber").surface.evaluate(X, Y, {"delta": 1.0})
    for row in range(X.shape[0]):
        np.testing.assert_allclose(
            Z[row], losses.huber(0.0, X[row], delta=float(Y[row, 0])), rtol=1e-12
        )
    for key in ("mse", "mae"):
        X, Y = _mesh(get(key))
        Z = get(key).surface.evaluate(X, Y, {})
        fn = getattr(losses, key)
        np.testing.assert_allclose(Z, 0.5 * (fn(0.0, X) + fn(0.0, Y)), rtol=1e-15)


@by_config
def test_every_surface_changes_along_both_of_its_axes(spec, params):
    # Issue: MSE's and MAE's surfaces were over (r, δ), where δ does nothing: vertical
    # stripes. Each axis of every surface must move the loss somewhere on the map.
    X, Y = _mesh(spec, 41)
    Z = np.asarray(spec.surface.evaluate(X, Y, params), dtype=float)
    along_x = np.nanmax(np.ptp(Z, axis=1))
    along_y = np.nanmax(np.ptp(Z, axis=0))
    assert along_x > 1e-6 and along_y > 1e-6, (along_x, along_y)


@by_config
def test_no_label_holds_latex(spec, params):
    # Plotly in Streamlit cannot render LaTeX: "log Σ_{k≥1} exp(z_k)" showed raw. Marker
    # labels may use Plotly's <sub>/<sup> tags, never TeX markup.
    texts = [m.label for m in spec.curve.markers(params)]
    texts += [spec.curve.x_label, spec.curve.grad_label, spec.curve.loss_label]
    s = spec.surface
    texts += [s.x_label, s.y_label, s.z_label, s.x_short, s.y_short]
    texts += [b.name for b in spec.curve.evaluate(np.linspace(*spec.curve.x_range, 5), params)]
    for t in texts:
        assert not any(c in t for c in "\\{}$"), t


@pytest.mark.parametrize("alpha", [0.25, 0.8, None])
def test_focal_surface_matches_focal_with_label_one_and_no_alpha(alpha):
    # α only scales the whole map by α_t, so the surface leaves it out (and says so).
    X, Y = _mesh(get("focal"))
    Z = get("focal").surface.evaluate(X, Y, {"gamma": 2.0, "alpha": alpha})
    logits = np.log(X[0]) - np.log1p(-X[0])
    for row in range(0, X.shape[0], 7):
        expected = losses.focal(1.0, logits, gamma=float(Y[row, 0]), alpha=None)
        np.testing.assert_allclose(Z[row], expected, rtol=1e-9)
    assert "α off" in get("focal").surface.z_label


def test_contrastive_surface_is_the_dissimilar_branch():
    X, Y = _mesh(get("contrastive"))
    Z = get("contrastive").surface.evaluate(X, Y, {"margin": 1.0})
    for row in range(0, X.shape[0], 7):
        expected = losses.contrastive(0.0, X[row], margin=float(Y[row, 0]))
        np.testing.assert_allclose(Z[row], expected, rtol=1e-12)


def test_pair_surfaces_use_the_margin():
    X, Y = _mesh(get("triplet"))
    np.testing.assert_array_equal(
        get("triplet").surface.evaluate(X, Y, {"margin": 0.3, "d_neg": 2.0}),
        losses.triplet(X, Y, margin=0.3),
    )
    X, Y = _mesh(get("bradley_terry"))
    np.testing.assert_array_equal(
        get("bradley_terry").surface.evaluate(X, Y, {"margin": 0.7}),
        losses.bradley_terry(X, Y, margin=0.7),
    )
    X, Y = _mesh(get("categorical_cross_entropy"))
    Z = get("categorical_cross_entropy").surface.evaluate(
        X, Y, defaults(get("categorical_cross_entropy"))
    )
    np.testing.assert_allclose(Z, np.logaddexp(np.logaddexp(X, Y), 0.0) - X, rtol=1e-12)


@pytest.mark.parametrize(
    ("mu_p", "sigma_p"), [(0.0, 1.5), (-4.0, 0.2), (4.0, 3.0), (-4.0, 3.0), (1.5, 0.7)]
)
def test_kl_closed_form_surface_matches_the_discretised_kl_over_every_slider_setting(mu_p, sigma_p):
    """The surface (closed form) agrees with the curve (discretised on [−20, 20]) to 1e-3
    over the whole slider ranges: |μ| ≤ 5 and σ ≤ 3 keep both Gaussians 5σ inside the grid."""
    scene = {"mu_p": mu_p, "sigma_p": sigma_p}
    mu_q = np.linspace(-5.0, 5.0, 41)
    for sigma_q in np.linspace(0.2, 3.0, 15):
        curve, _ = get("kl_divergence").curve.evaluate(mu_q, {**scene, "sigma_q": sigma_q})
        surface = get("kl_divergence").surface.evaluate(
            mu_q, np.full_like(mu_q, sigma_q), {**scene, "sigma_q": 1.0}
        )
        np.testing.assert_allclose(surface, curve.loss, rtol=0, atol=1e-3)


def test_gaussian_kl_known_values():
    assert float(gaussian_kl(0.0, 1.0, 0.0, 1.0)) == 0.0
    assert float(gaussian_kl(0.0, 1.0, 1.0, 1.0)) == pytest.approx(0.5)
    assert float(gaussian_kl(0.0, 1.0, 0.0, 2.0)) == pytest.approx(math.log(2) + 1 / 8 - 0.5)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.surface.y_param], ids=lambda s: s.key)
def test_a_surface_does_not_depend_on_the_parameter_on_its_y_axis(spec):
    # The Explore page leaves that parameter out of the surface's inputs, so that moving
    # its slider keeps the figure (views/level_line.py moves the "current" line instead).
    s = spec.surface
    x, y = np.meshgrid(np.linspace(*s.x_range, 7), np.linspace(*s.y_range, 5))
    params = defaults(spec)
    without = {k: v for k, v in params.items() if k != s.y_param}
    if s.uses is not None:
        without = {k: params[k] for k in s.uses}
    z = s.evaluate(x, y, without)
    p = next(p for p in (*spec.params, *spec.curve.scene) if p.name == s.y_param)
    for v in (p.min, p.max):
        np.testing.assert_array_equal(s.evaluate(x, y, {**params, s.y_param: v}), z)
