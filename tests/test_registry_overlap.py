"""The overlap family's specs (soft Dice, Tversky, soft Jaccard) and their Compare domain.

The views draw each loss on one image of 1000 pixels, f % foreground, with probability
x on every foreground pixel and b on every background pixel. Every expected value here
is computed on that 1000-pixel image itself, built in this file, by the core losses
called directly (the views evaluate a 100-pixel tile with the smoothing scaled, which
these tests check), or is a known value with its source: a hand computation written
out, or MONAI 1.6.1 / PyTorch 2.13.0 run in a throwaway virtual environment (neither is
a dependency of lossviz).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lossviz import compare, losses, registry
from lossviz.compare import DOMAINS, PRESETS
from lossviz.registry import REGISTRY, defaults, overlap

#: The overlap losses in registry order.
ORDER = ["soft_dice", "tversky", "soft_jaccard"]

# (convex, bounded_gradient, robust_to_outliers, differentiable_everywhere) at the defaults
# (s = 1), as functions of the probabilities.
PROPERTIES = {
    # Not convex: along a background pixel it is concave (test below). ∂ℓ/∂p_k =
    # ((1 − 2y_k) − ℓ)/D with |numerator| ≤ 2 and D = Σy + Σp + s ≥ s: bounded and smooth
    # for s > 0. Robust: ℓ ∈ [0, 1], and one wrong pixel moves it by at most 2/D.
    "soft_dice": (False, True, True, True),
    # Same shape: ∂ℓ/∂p_k = (e_k − ℓ(y_k + e_k))/D with |e_k| ≤ max(α, β) and D ≥ s.
    "tversky": (False, True, True, True),
    # ∂ℓ/∂p_k = ((1 − 2y_k) − ℓ(1 − y_k))/D, D = Σy + Σp − Σyp + s ≥ s.
    "soft_jaccard": (False, True, True, True),
}

N = 1000
EDGE = 0.01  # the views' foreground-probability axis is [0.01, 0.99]


def _image(f, b, x, n=N):
    """(labels, probs) of the scene: the first f % of n pixels foreground, probs x there, b
    elsewhere; x may be an array (rows of images)."""
    y = np.zeros(n)
    y[: round(f * n / 100)] = 1.0
    x = np.asarray(x, dtype=np.float64)[..., None]
    return y, x * y + b * (1.0 - y)


def _core(key, f, b, x, **kw):
    """Loss of the 1000-pixel image and dℓ/dx = Σ over the foreground of ∂ℓ/∂p_k."""
    y, p = _image(f, b, x)
    fn, grad = getattr(losses, key), getattr(losses, key + "_grad")
    return fn(y, p, **kw), (grad(y, p, **kw) * y).sum(axis=-1)


def _mean_bce(f, b, x, **kw):
    """Mean BCE over the 1000 pixels (from logits) and its derivative along x."""
    y, p = _image(f, b, x)
    z = np.log(p / (1.0 - p))
    x = np.asarray(x, dtype=np.float64)[..., None]
    dz = y / (x * (1.0 - x))  # d logit(x)/dx on the foreground pixels
    loss = losses.binary_cross_entropy(y, z, **kw).mean(axis=-1)
    return loss, (losses.binary_cross_entropy_grad(y, z, **kw) * dz).mean(axis=-1)


def _scene(spec, **values):
    return {**defaults(spec), **values}


# --------------------------------------------------------------------------- registry


def test_the_overlap_specs_in_registry_order():
    assert [k for k, s in REGISTRY.items() if s.family == "overlap"] == ORDER


@pytest.mark.parametrize("key", ORDER)
def test_properties(key):
    spec = REGISTRY[key]
    at = spec.properties.at(defaults(spec))
    assert tuple(at[name][0] for name, _ in registry.PROPERTY_ROWS) == PROPERTIES[key]
    # At s = 0 the loss is 0/0 on an all-zero row: no bound on the gradient there.
    at0 = spec.properties.at({**defaults(spec), "smooth": 0.0})
    assert at0["bounded_gradient"][0] is False and at0["differentiable_everywhere"][0] is False
    assert spec.properties.cells({"smooth": 0.0})["bounded gradient"] == "no (s > 0)"


@pytest.mark.parametrize("key", ORDER)
def test_not_convex_along_a_background_pixel(key):
    # y = (1, 0), p = (1, t): ℓ = 1 − c/(B + t) with c, B > 0 (Dice: c = 2 + s, B = 2 + s),
    # concave in t, so the midpoint lies above the chord.
    fn = getattr(losses, key)
    t = np.array([0.0, 0.5, 1.0])
    ell = fn(np.array([1.0, 0.0]), np.stack([np.ones(3), t], axis=-1))
    assert ell[1] > 0.5 * (ell[0] + ell[2])


@pytest.mark.parametrize("key", ORDER)
def test_gradient_bounded_by_two_over_smooth(key):
    # |∂ℓ/∂p_k| ≤ 2/s by the forms in PROPERTIES (α, β ≤ 1), over random soft masks and
    # the all-zero row, where the denominator is s itself.
    rng = np.random.default_rng(0)
    y = np.concatenate([rng.uniform(size=(200, 8)), np.zeros((1, 8))])
    p = np.concatenate([rng.uniform(size=(200, 8)), np.zeros((1, 8))])
    for s in (0.5, 1.0, 4.0):
        g = getattr(losses, key + "_grad")(y, p, smooth=s)
        assert np.abs(g).max() <= 2.0 / s + 1e-12


# --------------------------------------------------------------------------- curves

SCENES = [
    {"f": 1.0, "b": 0.001},
    {"f": 7.0, "b": 0.03},
    {"f": 50.0, "b": 0.1},
]
HYPER = {
    "soft_dice": [{"smooth": 1.0}, {"smooth": 0.0}, {"smooth": 6.3}],
    "tversky": [
        {"alpha": 0.5, "beta": 0.5, "smooth": 1.0},
        {"alpha": 0.3, "beta": 0.7, "smooth": 0.0},
        {"alpha": 0.05, "beta": 1.0, "smooth": 2.5},
    ],
    "soft_jaccard": [{"smooth": 1.0}, {"smooth": 0.0}, {"smooth": 10.0}],
}
CASES = [(k, s, h) for k in ORDER for s in SCENES for h in HYPER[k]]


@pytest.mark.parametrize(("key", "scene", "hyper"), CASES)
def test_the_curve_is_the_loss_of_the_1000_pixel_image(key, scene, hyper):
    spec = REGISTRY[key]
    x = np.linspace(EDGE, 1 - EDGE, 37)
    (_, loss, grad), (bce_name, bce, bce_grad) = registry.curve(spec, {**scene, **hyper}, x)
    want, want_grad = _core(key, scene["f"], scene["b"], x, **hyper)
    np.testing.assert_allclose(loss, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-15)
    want, want_grad = _mean_bce(scene["f"], scene["b"], x)
    np.testing.assert_allclose(bce, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(bce_grad, want_grad, rtol=1e-12, atol=1e-15)
    assert "BCE" in bce_name and "1000 pixels" in bce_name


@pytest.mark.parametrize(("key", "scene", "hyper"), CASES)
def test_the_surface_is_the_loss_of_the_1000_pixel_image(key, scene, hyper):
    spec = REGISTRY[key]
    x = np.linspace(*spec.surface.x_range, 9)
    b = np.linspace(*spec.surface.y_range, 7)
    z = registry.surface(spec, {**scene, **hyper}, x, b)
    for i, bi in enumerate(b):
        want, _ = _core(key, scene["f"], float(bi), x, **hyper)
        np.testing.assert_allclose(z[i], want, rtol=1e-12, atol=1e-15)


# Known values on the 1000-pixel image: MONAI 1.6.1 with PyTorch 2.13.0 (float64), run in
# a throwaway venv: DiceLoss(smooth_nr=s, smooth_dr=s), TverskyLoss(alpha=0.3, beta=0.7,
# smooth_nr=s, smooth_dr=s), DiceLoss(jaccard=True, smooth_nr=2s, smooth_dr=2s) (MONAI's
# Jaccard is 1 − (2I + s′)/(2(Σy + Σp − I) + s′), ours with s = s′/2) and
# F.binary_cross_entropy (mean over the pixels), on inputs of shape (1, 1, 1000) with
# x a scalar leaf tensor broadcast into the foreground pixels; dℓ/dx by autograd.
MONAI = [
    # (f, b, x, s): {key: (loss, dℓ/dx)}
    (
        (1, 0.001, 0.5, 1.0),
        {
            "soft_dice": (0.3525603296056504, -0.7960920127166864),
            "tversky": (0.3875676227416557, -0.8331839204067537),
            "soft_jaccard": (0.49958298582151806, -0.8340283569641366),
            "bce": (0.007921967135847155, -0.02),
        },
    ),
    (
        (1, 0.001, 0.001, 1.0),
        {
            "soft_dice": (0.915, -1.5958333333333332),
            "tversky": (0.8783132530120482, -1.1608361155465232),
            "soft_jaccard": (0.9157631359466222, -0.8340283569641367),
            "bce": (0.0700680481200691, -9.999999999999998),
        },
    ),
    (
        (5, 0.02, 0.3, 1.0),
        {
            "soft_dice": (0.6352941176470588, -0.961937716262976),
            "tversky": (0.6536796536796536, -0.9698094113678534),
            "soft_jaccard": (0.7714285714285715, -0.7142857142857144),
            "bce": (0.07939121216794029, -0.16666666666666663),
        },
    ),
    (
        (20, 0.05, 0.8, 0.0),
        {
            "soft_dice": (0.20000000000000007, -0.6),
            "tversky": (0.19999999999999996, -0.7599999999999999),
            "soft_jaccard": (0.3333333333333335, -0.8333333333333331),
            "bce": (0.08566334577288237, -0.24999999999999997),
        },
    ),
]


@pytest.mark.parametrize(("scene", "want"), MONAI, ids=[str(s) for s, _ in MONAI])
def test_curves_equal_monai_and_autograd(scene, want):
    f, b, x, s = scene
    for key in ORDER:
        params = {"f": f, "b": b, "smooth": s}
        if key == "tversky":
            params |= {"alpha": 0.3, "beta": 0.7}
        (_, loss, grad), (_, bce, bce_grad) = registry.curve(REGISTRY[key], params, np.array([x]))
        assert loss[0] == pytest.approx(want[key][0], rel=1e-12)
        assert grad[0] == pytest.approx(want[key][1], rel=1e-12)
        assert bce[0] == pytest.approx(want["bce"][0], rel=1e-12)
        assert bce_grad[0] == pytest.approx(want["bce"][1], rel=1e-12)


def test_known_values_by_hand():
    # A 10-pixel object in 1000 pixels, x = 0.5, b = 0.001, s = 1: Σy = 10, Σp = 10·0.5 +
    # 990·0.001 = 5.99, Σyp = 5, so Dice = 1 − (2·5 + 1)/(10 + 5.99 + 1) = 1 − 11/16.99.
    (_, dice, _), (_, bce, _) = registry.curve(
        REGISTRY["soft_dice"], _scene(REGISTRY["soft_dice"]), np.array([0.5])
    )
    assert dice[0] == pytest.approx(1 - 11 / 16.99, rel=1e-12)
    # Mean BCE: 10 pixels cost −ln 0.5, 990 cost −ln 0.999, over 1000.
    assert bce[0] == pytest.approx((10 * math.log(2) - 990 * math.log(0.999)) / 1000, rel=1e-12)
    y, _ = _image(1, 0.0, 0.0)
    # A perfect mask at s = 0: no error terms, exactly 0.
    assert losses.soft_dice(y, y, smooth=0.0) == 0.0
    assert losses.soft_jaccard(y, y, smooth=0.0) == 0.0
    assert losses.tversky(y, y, alpha=0.3, beta=0.7, smooth=0.0) == 0.0
    # An all-zero prediction on a non-empty mask: 1 − s/(Σy + s) = 1 − 1/11 with s = 1.
    zero = np.zeros(N)
    assert losses.soft_dice(y, zero, smooth=1.0) == pytest.approx(1 - 1 / 11, rel=1e-15)
    assert losses.soft_dice(y, zero, smooth=0.0) == 1.0
    # An empty mask: predicting nothing scores 1 − s/s = 0; predicting Σp = 2 costs
    # 1 − s/(Σp + s) = 2/3 at s = 1; at s = 0 the empty case is 0/0 and raises.
    two = np.zeros(N)
    two[:4] = 0.5
    assert losses.soft_dice(zero, zero, smooth=1.0) == 0.0
    assert losses.soft_dice(zero, two, smooth=1.0) == pytest.approx(2 / 3, rel=1e-15)
    with pytest.raises(ValueError, match="0/0"):
        losses.soft_dice(zero, zero, smooth=0.0)


def test_jaccard_along_x_is_a_straight_line():
    # The foreground pixels are in the union whatever x is: Σy + Σp − Σyp = 10 + 0.99, so
    # 1 − J = 1 − (10x + s)/(10.99 + s), slope −10/11.99 at s = 1 (by hand).
    spec = REGISTRY["soft_jaccard"]
    x = np.linspace(EDGE, 1 - EDGE, 11)
    (_, loss, grad), _ = registry.curve(spec, _scene(spec), x)
    np.testing.assert_allclose(loss, 1 - (10 * x + 1) / 11.99, rtol=1e-12)
    np.testing.assert_allclose(grad, -10 / 11.99, rtol=1e-12)


def _loss_curve(key, x, **params):
    spec = REGISTRY[key]
    (_, loss, grad), _ = registry.curve(spec, _scene(spec, **params), x)
    return loss, grad


@pytest.mark.parametrize("s", [0.0, 0.4, 1.0, 3.7])
def test_tversky_identities_on_the_curve(s):
    x = np.linspace(EDGE, 1 - EDGE, 41)
    scene = {"f": 3.0, "b": 0.02}
    # α = β = ½ is soft Dice with the smoothing doubled (MONAI's convention; by hand:
    # TP + ½(FP + FN) = ½(Σy + Σp), so (TP + s)/(…) = (2TP + 2s)/(Σy + Σp + 2s)).
    tv = _loss_curve("tversky", x, alpha=0.5, beta=0.5, smooth=s, **scene)
    dice = _loss_curve("soft_dice", x, smooth=2 * s, **scene)
    np.testing.assert_allclose(tv, dice, rtol=1e-12, atol=1e-15)
    # α = β = 1 is soft Jaccard: TP + FP + FN = Σy + Σp − TP.
    tv = _loss_curve("tversky", x, alpha=1.0, beta=1.0, smooth=s, **scene)
    jac = _loss_curve("soft_jaccard", x, smooth=s, **scene)
    np.testing.assert_allclose(tv, jac, rtol=1e-12, atol=1e-15)


def test_jaccard_is_dice_over_two_minus_dice_at_zero_smoothing():
    # J = I/(Σy + Σp − I) and D = 2I/(Σy + Σp) give J = D/(2 − D) (by hand).
    x = np.linspace(EDGE, 1 - EDGE, 41)
    for scene in SCENES:
        dice, _ = _loss_curve("soft_dice", x, smooth=0.0, **scene)
        jac, _ = _loss_curve("soft_jaccard", x, smooth=0.0, **scene)
        d = 1 - dice
        np.testing.assert_allclose(1 - jac, d / (2 - d), rtol=1e-12)
        assert (jac >= dice - 1e-15).all()


def test_beta_above_alpha_makes_a_missed_object_cost_more():
    # Salehi et al. 2017: β weighs the false negatives. Near x = 0 (the object missed)
    # β = 0.7 > α = 0.3 costs more than α = β = ½ (and the background haze less).
    x = np.array([0.05])
    recall, _ = _loss_curve("tversky", x, alpha=0.3, beta=0.7)
    even, _ = _loss_curve("tversky", x, alpha=0.5, beta=0.5)
    assert recall[0] > even[0]
    spec = REGISTRY["tversky"]
    xs, bs = np.array([1 - EDGE]), np.array([0.001, 0.1])
    z_recall = registry.surface(spec, _scene(spec, alpha=0.3, beta=0.7), xs, bs)[:, 0]
    z_even = registry.surface(spec, _scene(spec), xs, bs)[:, 0]
    assert z_recall[1] - z_recall[0] < z_even[1] - z_even[0]


# --------------------------------------------------------------------------- the lesson


def test_at_one_percent_bce_barely_moves_while_dice_goes_from_one_to_zero():
    # The numbers the teaching text quotes, at the defaults (f = 1 %, b = 0.001, s = 1).
    spec = REGISTRY["soft_dice"]
    (_, dice, _), (_, bce, _) = registry.curve(spec, _scene(spec), np.array([EDGE, 1 - EDGE]))
    assert round(dice[0], 2) == 0.90 and round(dice[1], 2) == 0.05
    assert round(bce[0], 2) == 0.05 and round(bce[1], 3) == 0.001
    assert dice[0] - dice[1] > 10 * (bce[0] - bce[1])
    # With half the image foreground BCE moves as much as Dice does.
    (_, dice, _), (_, bce, _) = registry.curve(spec, _scene(spec, f=50.0), np.array([0.01, 0.99]))
    assert bce[0] - bce[1] > dice[0] - dice[1]
    # "b = 0.02 already costs Dice 0.5 when the object is found, and BCE almost nothing".
    (_, dice, _), (_, bce, _) = registry.curve(spec, _scene(spec, b=0.02), np.array([1 - EDGE]))
    assert round(dice[0], 1) == 0.5 and bce[0] < 0.025
    # "x = 0.5 on every foreground pixel scores a soft Dice coefficient of 0.65".
    (_, dice, _), _ = registry.curve(spec, _scene(spec), np.array([0.5]))
    assert round(1 - dice[0], 2) == 0.65
    assert "0.05 to 0.001" in spec.when_to_use and "0.90 to 0.05" in spec.when_to_use
    assert "1 − 1/11 ≈ 0.91" in spec.pitfalls[0]


@pytest.mark.parametrize("key", ORDER)
def test_latex_uses_only_known_commands(key):
    # A command run into the next word (\quad then e_k) renders as a red error in KaTeX.
    known = {"ell", "frac", "sum", "partial", "quad", "text", "mathrm", "alpha", "beta"}
    spec = REGISTRY[key]
    for tex in (spec.latex, spec.grad_latex):
        assert set(re.findall(r"\\([A-Za-z]+)", tex)) <= known, tex


def test_teaching_text_names_the_conventions():
    text = " ".join((REGISTRY["tversky"].when_to_use, *REGISTRY["tversky"].pitfalls))
    assert "α multiplies the false positives and β the false negatives" in text
    assert "smoothing doubled" in text and "α = 0.3, β = 0.7" in text
    assert "J = D/(2 − D)" in REGISTRY["soft_jaccard"].when_to_use
    assert "straight line" in REGISTRY["soft_jaccard"].when_to_use
    for key in ORDER:
        assert any("empty mask" in p for p in REGISTRY[key].pitfalls), key
    assert any(r.year == 2017 and "Tversky" in r.title for r in REGISTRY["tversky"].references)
    assert any(r.year == 2016 and "V-Net" in r.title for r in REGISTRY["soft_dice"].references)


def test_surfaces_show_the_background_haze():
    # Over (x, b): at x = 1, raising b from 0.001 to 0.1 costs Dice more than missing
    # half the object does at b = 0.001 (f = 1 %: 99 of the 1000 pixels' worth of haze).
    spec = REGISTRY["soft_dice"]
    x = np.array([0.5, 1 - EDGE])
    z = registry.surface(spec, _scene(spec), x, np.array([0.001, 0.1]))
    assert z[1, 1] > z[0, 0] > z[0, 1]


# --------------------------------------------------------------------------- Compare

X = np.linspace(EDGE, 1 - EDGE, 41)
SHARED = {"f": 3.0, "b": 0.004}


def _case(key, **kw):
    return lambda x: _core(key, SHARED["f"], SHARED["b"], x, **kw)


# (domain, option, params, expected (loss, grad) from the core losses), as tests/test_compare.py
COMPARE_CASES = [
    ("overlap", "binary_cross_entropy", {}, lambda x: _mean_bce(SHARED["f"], SHARED["b"], x)),
    ("overlap", "soft_dice", {"smooth": 1.0}, _case("soft_dice", smooth=1.0)),
    ("overlap", "soft_dice", {"smooth": 0.0}, _case("soft_dice", smooth=0.0)),
    (
        "overlap",
        "tversky",
        {"alpha": 0.3, "beta": 0.7, "smooth": 1.0},
        _case("tversky", alpha=0.3, beta=0.7, smooth=1.0),
    ),
    ("overlap", "soft_jaccard", {"smooth": 2.0}, _case("soft_jaccard", smooth=2.0)),
]


def _id(case):
    domain, opt, params, _ = case
    return f"{domain}-{opt}-" + "-".join(f"{k}{v}" for k, v in params.items())


@pytest.mark.parametrize("case", COMPARE_CASES, ids=[_id(c) for c in COMPARE_CASES])
def test_entry_curve_equals_the_core_loss_and_gradient(case):
    domain, opt, params, expected = case
    loss, grad = compare.evaluate(domain, opt, X, params, SHARED)
    want_loss, want_grad = expected(X)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)


def test_every_option_of_the_overlap_domain_has_a_case_here():
    tested = {o for d, o, _, _ in COMPARE_CASES}
    assert tested == {o.id for o in DOMAINS["overlap"].options}


def test_compare_surfaces_are_the_core_over_x_and_b():
    x, b, z = compare.surface("overlap", "tversky", {"alpha": 0.3, "beta": 0.7}, SHARED, n=11)
    for i in (0, 4, 10):
        want, _ = _core("tversky", SHARED["f"], float(b[i]), x, alpha=0.3, beta=0.7)
        np.testing.assert_allclose(z[i], want, rtol=1e-12)


def test_the_overlap_presets():
    preset, versus = [p for p in PRESETS if p.domain == "overlap"]
    # Dice vs the pixel-mean BCE: what its note says, at its values (f = 1 %, b = 0.001).
    assert [e for e, _ in versus.entries] == ["soft_dice", "binary_cross_entropy"]
    compare.check_entries(versus.domain, versus.entries)
    x = np.array([0.01, 0.99])
    dice, _ = _core("soft_dice", 1.0, 0.001, x, smooth=1.0)
    bce, _ = _mean_bce(1.0, 0.001, x)
    assert dice[0] - dice[1] > 0.8 and bce[0] - bce[1] < 0.05
    assert preset.title == "Dice, Tversky and Jaccard"
    assert [e for e, _ in preset.entries] == ORDER
    assert dict(preset.entries)["tversky"] == {"alpha": 0.3, "beta": 0.7, "smooth": 1.0}
    assert preset.shared == {"f": 1.0, "b": 0.001}
    compare.check_entries(preset.domain, preset.entries)
    # What its note says, at its values: Tversky (0.3, 0.7) above Dice at x = 0.5 (half
    # found), below it under a haze (x = 0.99, b = 0.05), Jaccard above Dice everywhere.
    (dice, _), (tv, _), (jac, _) = [
        _core(k, 1.0, 0.001, np.array([0.5, 0.99]), **v) for k, v in preset.entries
    ]
    assert tv[0] > dice[0] and (jac > dice).all()
    (dice, _), (tv, _), _ = [_core(k, 1.0, 0.05, 0.99, **v) for k, v in preset.entries]
    assert tv < dice


def test_mean_bce_term_is_ready_for_bce_s_own_join():
    # The lead may give BCE a join on this domain with overlap.MEAN_BCE as its term: then
    # the entry's pos_weight reaches binary_cross_entropy.
    bce = REGISTRY["binary_cross_entropy"]
    params = {"f": 3.0, "b": 0.004, "pos_weight": 3.0}
    coords = {"x": X}
    loss = overlap.MEAN_BCE.loss(bce.fns, coords, params)
    grad = overlap.MEAN_BCE.deriv(bce.fns, coords, params, "x")
    want, want_grad = _mean_bce(3.0, 0.004, X, pos_weight=3.0)
    np.testing.assert_allclose(loss, want, rtol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12)
    xs, bs = np.meshgrid(X[::8], np.array([0.001, 0.05]))
    z = overlap.MEAN_BCE_OVER_X_B.loss(bce.fns, {"x": xs, "y": bs}, params)
    want, _ = _mean_bce(3.0, 0.05, X[::8], pos_weight=3.0)
    np.testing.assert_allclose(z[1], want, rtol=1e-12)
