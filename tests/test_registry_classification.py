"""The classification family's specs: the margin classifiers, label smoothing and pos_weight.

Known values carry their source: a hand computation written out, or scikit-learn
1.9.1 / PyTorch 2.13.0 (CPU) run in a throwaway virtual environment outside the
repository (neither is a dependency, and no test imports them). The registry-wide
suites (tests/test_registry.py, test_compare.py, test_explore_app.py) check the
rest of every spec; this file holds the family's own tables (ORDER, PROPERTIES,
COMPARE_CASES) until the lead merges them into the shared ones.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import compare, losses, registry
from lossviz.compare import DOMAINS, PRESETS
from lossviz.registry import REGISTRY, classification, defaults, get

# The classification module's specs in registry order: the seed's three, then the
# margin classifiers in the order of DESIGN.md's second table.
ORDER = [
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "focal",
    "hinge",
    "squared_hinge",
    "modified_huber",
    "exponential",
    "multiclass_hinge",
]

# convex, bounded_gradient, robust_to_outliers, differentiable_everywhere, at the defaults.
# "Robust" as for BCE in the seed's table: a mislabelled point is ignored (bounded loss);
# every margin loss here grows without bound on the wrong side, so none is.
PROPERTIES = {
    # max(0, m − t·z): convex (max of affine), |∂ℓ/∂z| ≤ 1, linear growth, kink at t·z = m.
    "hinge": (True, True, False, False),
    # max(0, m − t·z)²: convex, C¹ (slope 0 on both sides of t·z = m), ∂ℓ/∂z = −2t(m − t·z)
    # unbounded, quadratic growth.
    "squared_hinge": (True, False, False, True),
    # Squared hinge then −4t·z below t·z = −1, both 4 with slope −4t there: convex and C¹,
    # |∂ℓ/∂z| ≤ 4, but the cost still grows linearly (by hand from the two pieces).
    "modified_huber": (True, True, False, True),
    # e^(−t·z): convex and smooth; the slope −t·e^(−t·z) is unbounded as t·z → −∞.
    "exponential": (True, False, False, True),
    # A sum of hinges of affine functions of the scores: convex, kinked where a term
    # switches; |∂ℓ/∂s_c| ≤ K − 1 and |∂ℓ/∂s_k| ≤ 1; linear growth.
    "multiclass_hinge": (True, True, False, False),
}

Y3 = np.array([1.0, 0.0, 0.0])
Z1, Z2 = 1.3, -0.4
SHARED = {"multiclass": {"z1": Z1, "z2": Z2}}
X = {
    "margin": np.linspace(-2.0, 3.0, 41),  # the domain's range; holds 0 and ±1 exactly
    "multiclass": np.linspace(-6.0, 6.0, 41),
    "binary": np.linspace(-8.0, 8.0, 41),
}


def _logits3(z0):
    z0 = np.asarray(z0, dtype=np.float64)
    return np.stack([z0, np.full_like(z0, Z1), np.full_like(z0, Z2)], axis=-1)


# (domain, option, params, expected (loss, grad) along the domain's x from the core)
COMPARE_CASES = [
    (
        # The reference 0-1 loss: 1 where t·z ≤ 0, else 0; derivative 0 (by definition).
        "margin",
        "zero_one",
        {},
        lambda x: ((x <= 0.0).astype(np.float64), np.zeros_like(x)),
    ),
    (
        "margin",
        "binary_cross_entropy",
        {},
        lambda x: (losses.binary_cross_entropy(1.0, x), losses.binary_cross_entropy_grad(1.0, x)),
    ),
    (
        "margin",
        "hinge",
        {"margin": 0.5},
        lambda x: (losses.hinge(1.0, x, margin=0.5), losses.hinge_grad(1.0, x, margin=0.5)),
    ),
    (
        "margin",
        "squared_hinge",
        {"margin": 1.5},
        lambda x: (
            losses.squared_hinge(1.0, x, margin=1.5),
            losses.squared_hinge_grad(1.0, x, margin=1.5),
        ),
    ),
    (
        "margin",
        "modified_huber",
        {},
        lambda x: (losses.modified_huber(1.0, x), losses.modified_huber_grad(1.0, x)),
    ),
    (
        "margin",
        "exponential",
        {},
        lambda x: (losses.exponential(1.0, x), losses.exponential_grad(1.0, x)),
    ),
    (
        "multiclass",
        "multiclass_hinge",
        {"margin": 0.7},
        lambda z: (
            losses.multiclass_hinge(Y3, _logits3(z), margin=0.7),
            losses.multiclass_hinge_grad(Y3, _logits3(z), margin=0.7)[..., 0],
        ),
    ),
]


def _id(case):
    domain, opt, params, _ = case
    return f"{domain}-{opt}-" + "-".join(f"{k}{v}" for k, v in params.items())


# --------------------------------------------------------------------------- tables


def test_order_is_the_registry_order_of_the_module():
    assert [s.key for s in classification.SPECS] == ORDER
    keys = [k for k in REGISTRY if REGISTRY[k].family == "classification"]
    assert keys == ORDER


def test_every_new_loss_has_its_properties_stated_here():
    assert set(PROPERTIES) == set(ORDER[3:])


@pytest.mark.parametrize("key", list(PROPERTIES))
def test_properties(key):
    spec = get(key)
    at = spec.properties.at(defaults(spec))
    assert tuple(at[name][0] for name, _ in registry.PROPERTY_ROWS) == PROPERTIES[key]


def test_every_option_of_the_margin_domain_and_the_new_multiclass_entry_is_tested():
    tested = {(d, o) for d, o, _, _ in COMPARE_CASES}
    margin = {("margin", o.id) for o in DOMAINS["margin"].options}
    assert margin <= tested
    assert ("multiclass", "multiclass_hinge") in tested


@pytest.mark.parametrize("case", COMPARE_CASES, ids=[_id(c) for c in COMPARE_CASES])
def test_entry_curve_equals_the_core_loss_and_gradient(case):
    domain, opt, params, expected = case
    x = X[domain]
    loss, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain))
    want_loss, want_grad = expected(x)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- known values


@pytest.mark.parametrize(
    ("key", "params", "tz", "value", "slope"),
    [
        # hinge(1, 0) = max(0, 1 − 0) = 1, slope −1 (by hand); sklearn Hinge(1.0): 1.0, −1.0.
        ("hinge", {"margin": 1.0}, 0.0, 1.0, -1.0),
        # sklearn Hinge(0.5).py_loss(0.25, 1) = 0.25; Hinge(2.0).py_loss(1.5, 1) = 0.5.
        ("hinge", {"margin": 0.5}, 0.25, 0.25, -1.0),
        ("hinge", {"margin": 2.0}, 1.5, 0.5, -1.0),
        # m = 0, the perceptron: max(0, −(−1)) = 1; sklearn Hinge(0.0).py_loss(−1, 1) = 1.0.
        ("hinge", {"margin": 0.0}, -1.0, 1.0, -1.0),
        # squared_hinge(1, 0.5) = (1 − 0.5)² = 0.25, slope −2·0.5 = −1 (by hand; sklearn
        # SquaredHinge(1.0): 0.25, −1.0).
        ("squared_hinge", {"margin": 1.0}, 0.5, 0.25, -1.0),
        # sklearn SquaredHinge(2.0).py_loss(0.25, 1) = 3.0625 = 1.75²; slope −3.5 by hand.
        ("squared_hinge", {"margin": 2.0}, 0.25, 3.0625, -3.5),
        # modified Huber at t·z = −2: −4·(−2) = 8, slope −4 (sklearn ModifiedHuber: 8.0, −4.0).
        ("modified_huber", {}, -2.0, 8.0, -4.0),
        # at t·z = 0.5: (1 − 0.5)² = 0.25, slope −1 (sklearn: 0.25, −1.0).
        ("modified_huber", {}, 0.5, 0.25, -1.0),
        # exponential(1, 0) = e⁰ = 1, slope −1; e^(−1) at 1 (sklearn ExponentialLoss:
        # loss([1], [1.0]) = 0.36787944, gradient −0.36787944).
        ("exponential", {}, 0.0, 1.0, -1.0),
        ("exponential", {}, 1.0, math.exp(-1.0), -math.exp(-1.0)),
    ],
)
def test_margin_curves_at_known_values(key, params, tz, value, slope):
    (_, loss, grad), (_, zero_one, zero_one_slope) = registry.curve(get(key), params, [tz])
    assert loss[0] == pytest.approx(value, rel=1e-12)
    assert grad[0] == pytest.approx(slope, rel=1e-12)
    assert zero_one[0] == (1.0 if tz <= 0 else 0.0) and zero_one_slope[0] == 0.0


def test_a_label_0_example_with_score_minus_x_is_the_same_point_of_the_margin_axis():
    # t = −1 for y = 0, so t·z = x at z = −x: the loss is the same, the slope flips.
    x = X["margin"]
    for key in ("hinge", "squared_hinge", "modified_huber", "exponential"):
        spec = get(key)
        ((_, loss, grad), _) = registry.curve(spec, defaults(spec), x)
        np.testing.assert_array_equal(loss, spec.fn(0.0, -x))
        np.testing.assert_array_equal(grad, -spec.grad(0.0, -x))


def test_modified_huber_pieces_meet_at_minus_one_with_the_same_value_and_slope():
    # Both pieces are 4 at t·z = −1 with slope −4 (by hand: (1 + 1)² = 4 = −4·(−1)).
    ((_, loss, grad), _) = registry.curve(get("modified_huber"), {}, [-1.0 - 1e-9, -1.0 + 1e-9])
    np.testing.assert_allclose(loss, [4.0, 4.0], rtol=1e-8)
    np.testing.assert_allclose(grad, [-4.0, -4.0], rtol=1e-8)


def test_surrogates_bound_the_zero_one_loss_and_bce_does_so_only_in_bits():
    # Bartlett et al. 2006: hinge (m = 1), squared hinge, modified Huber and exponential are
    # ≥ 1[t·z ≤ 0]; BCE in nats is ln 2 < 1 at t·z = 0, BCE / ln 2 = log₂(1 + e^(−t·z)) ≥ 1
    # for t·z ≤ 0 (by hand: e^(−t·z) ≥ 1 there).
    x = np.linspace(-2.0, 3.0, 501)
    zero_one, _ = compare.evaluate("margin", "zero_one", x, {})
    for opt in ("hinge", "squared_hinge", "modified_huber", "exponential"):
        loss, _ = compare.evaluate("margin", opt, x, {})
        assert (loss >= zero_one).all(), opt
    bce, _ = compare.evaluate("margin", "binary_cross_entropy", x, {})
    assert bce[x == 0.0][0] == pytest.approx(math.log(2.0))
    assert (bce < zero_one).any()
    ref, _ = compare.value_at("margin", "binary_cross_entropy", 0.0, {})
    bits, _ = compare.normalise(bce, bce, ref)
    assert (bits >= zero_one - 1e-12).all() and bits[x == 0.0][0] == pytest.approx(1.0)
    # The hinge with m < 1 does not bound it: hinge(1, 0; m = 0.5) = 0.5 < 1.
    half, _ = compare.value_at("margin", "hinge", 0.0, {"margin": 0.5})
    assert half == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("key", "params", "expected"),
    [
        ("hinge", {"margin": 1.3}, [(0.0, "0-1 step"), (1.3, "t·z = m = 1.30")]),
        ("hinge", {"margin": 0.0}, [(0.0, "0-1 step"), (0.0, "t·z = m = 0.00")]),
        ("squared_hinge", {"margin": 0.45}, [(0.0, "0-1 step"), (0.45, "t·z = m = 0.45")]),
        ("modified_huber", {}, [(-1.0, "quadratic → linear"), (0.0, "0-1"), (1.0, "zero")]),
        ("exponential", {}, [(0.0, "0-1 step")]),
    ],
)
def test_margin_markers_are_on_every_kink(key, params, expected):
    got = sorted(registry.markers(get(key), params))
    assert [m for m, _ in got] == pytest.approx([m for m, _ in expected])
    for (_, label), (_, text) in zip(got, expected, strict=True):
        assert text in label


def test_margin_surfaces_are_the_loss_over_the_margin_and_m_or_two_examples():
    for key in ("hinge", "squared_hinge"):
        spec = get(key)
        x, y = np.linspace(*spec.surface.x_range, 21), np.linspace(*spec.surface.y_range, 11)
        z = registry.surface(spec, defaults(spec), x, y)
        for row in range(y.size):
            np.testing.assert_allclose(z[row], spec.fn(1.0, x, margin=float(y[row])), rtol=1e-15)
    for key in ("modified_huber", "exponential"):
        spec = get(key)
        assert spec.surface.equal_axes
        x = y = np.linspace(*spec.surface.x_range, 21)
        X_, Y_ = np.meshgrid(x, y)
        z = registry.surface(spec, {}, x, y)
        np.testing.assert_allclose(z, 0.5 * (spec.fn(1.0, X_) + spec.fn(1.0, Y_)), rtol=1e-15)


def test_compare_margin_surfaces_are_the_mean_of_two_examples():
    x, y, z = compare.surface("margin", "exponential", {}, n=11)
    assert z[3, 8] == pytest.approx(0.5 * (math.exp(-x[8]) + math.exp(-y[3])))
    x, y, z = compare.surface("margin", "zero_one", {}, n=9)  # margins −1, −0.5, …, 3
    assert set(np.unique(z)) == {0.0, 0.5, 1.0}
    assert z[0, 0] == 1.0 and z[-1, -1] == 0.0  # both wrong; both right


def test_the_zero_one_entry_has_no_slider_and_says_it_is_a_reference():
    opt = DOMAINS["margin"].option("zero_one")
    assert compare.hyperparams(opt) == ()
    assert "reference" in opt.name
    assert "reference" in classification.ZeroOne.__doc__
    assert "not a training loss" in classification.ZeroOne.__doc__


# --------------------------------------------------------------------------- multiclass


# PyTorch 2.13.0: F.multi_margin_loss(x, [0, 0, 0], margin=1, reduction="none") × K = 3
# for these rows gives [0.5, 2.5, 1.1], and the gradient of the sum × 3 the rows below.
TORCH_ROWS = np.array([[2.0, 1.5, -1.0], [0.0, 1.0, -0.5], [1.2, 1.3, -0.4]])
TORCH_LOSS = [0.5, 2.5, 1.1]
TORCH_GRAD = [[-1.0, 1.0, 0.0], [-2.0, 1.0, 1.0], [-1.0, 1.0, 0.0]]


@pytest.mark.parametrize("row", range(3))
def test_multiclass_hinge_curve_at_pytorch_values(row):
    s0, s1, s2 = TORCH_ROWS[row]
    params = {"margin": 1.0, "other_score_1": s1, "other_score_2": s2}
    (_, total, slope), (_, t1, _), (_, t2, _) = registry.curve(
        get("multiclass_hinge"), params, [s0]
    )
    assert total[0] == pytest.approx(TORCH_LOSS[row], rel=1e-12)
    assert slope[0] == pytest.approx(TORCH_GRAD[row][0], rel=1e-12)
    # The two terms drawn beside the sum are its terms: max(0, 1 − s₀ + s_k) (by hand).
    assert t1[0] == pytest.approx(max(0.0, 1.0 - s0 + s1))
    assert t2[0] == pytest.approx(max(0.0, 1.0 - s0 + s2))


def test_multiclass_hinge_terms_add_up_to_the_loss_along_the_axis():
    spec = get("multiclass_hinge")
    x = np.linspace(*spec.curve.x_range, 201)
    params = {"margin": 0.6, "other_score_1": 2.2, "other_score_2": -1.7}
    (_, total, g), (_, t1, g1), (_, t2, g2) = registry.curve(spec, params, x)
    np.testing.assert_allclose(total, t1 + t2, rtol=1e-15)
    np.testing.assert_allclose(g, g1 + g2, rtol=1e-15)


def test_multiclass_hinge_markers_are_where_each_term_switches():
    params = {"margin": 0.6, "other_score_1": 2.2, "other_score_2": -1.7}
    got = registry.markers(get("multiclass_hinge"), params)
    assert [m for m, _ in got] == pytest.approx([2.8, -1.1])  # m + s₁, m + s₂ by hand
    assert "2.80" in got[0][1] and "-1.10" in got[1][1]
    spec = get("multiclass_hinge")
    (_, _, _), (_, t1, _), (_, t2, _) = registry.curve(spec, params, [2.8 - 1e-9, -1.1 + 1e-9])
    assert t1[0] > 0 and t1[0] < 1e-8 and t2[1] < 1e-8  # each term is just at its kink


def test_multiclass_hinge_surface_is_over_the_true_and_first_wrong_score():
    spec = get("multiclass_hinge")
    x = y = np.linspace(-4.0, 4.0, 9)
    z = registry.surface(spec, {"margin": 1.0, "other_score_2": 0.5}, x, y)
    assert z[2, 7] == pytest.approx(float(losses.multiclass_hinge(Y3, [x[7], y[2], 0.5])))
    x, y, z = compare.surface(
        "multiclass", "multiclass_hinge", {"margin": 1.0}, SHARED["multiclass"]
    )
    assert z[7, 9] == pytest.approx(float(losses.multiclass_hinge(Y3, [x[9], y[7], Z2])))


# --------------------------------------------------------------------------- label smoothing


@pytest.mark.parametrize(
    ("n_classes", "z1", "z2", "eps", "torch_argmin"),
    [
        # The minimiser of PyTorch's cross_entropy(label_smoothing=ε) along z₀, found by
        # bisection on torch's own gradient (200 halvings of [−60, 60]); for K = 2 and
        # z₁ = 0 the closed form ln((1 − ε/2)/(ε/2)) = ln 19 = 2.9444389791664403 by hand.
        (2.0, 0.0, 0.0, 0.1, 2.944438979166444),
        (2.0, 1.5, 0.0, 0.2, 3.69722457733622),  # z₁ + ln(0.9/0.1) = 1.5 + ln 9 by hand
        (3.0, 1.0, 0.0, 0.1, 3.9523190171334823),
        (10.0, 3.0, -1.0, 0.3, 4.307113193073382),
        (3.0, 1.0, 0.0, 1.0, 0.6201145069582774),  # uniform target: p₀ = 1/3
    ],
)
def test_label_smoothing_moves_the_minimum_to_a_finite_marked_logit(
    n_classes, z1, z2, eps, torch_argmin
):
    spec = get("categorical_cross_entropy")
    params = {
        "label_smoothing": eps,
        "n_classes": n_classes,
        "other_logit_1": z1,
        "other_logit_2": z2,
    }
    got = registry.markers(spec, params)
    assert len(got) == 2  # p₀ = ½ and the minimum
    x_min, label = got[1]
    assert x_min == pytest.approx(torch_argmin, rel=1e-9, abs=1e-12)
    assert f"{x_min:.2f}" in label and "minimum" in label
    # The library's gradient along z₀ is 0 there, and the curve is lowest there.
    ((_, loss, grad),) = registry.curve(spec, params, [x_min - 0.01, x_min, x_min + 0.01])
    assert abs(grad[1]) < 1e-12
    assert loss[1] < loss[0] and loss[1] < loss[2]


def test_the_k2_minimiser_is_the_closed_form_on_the_logit_difference():
    # K = 2: t₀ = 1 − ε/2, and p₀ = σ(z₀ − z₁) = t₀ ⇔ z₀ − z₁ = ln((1 − ε/2)/(ε/2)) (by hand).
    spec = get("categorical_cross_entropy")
    for eps in (0.05, 0.1, 0.5, 0.9):
        for z1 in (-2.0, 0.0, 1.7):
            params = {"label_smoothing": eps, "n_classes": 2.0, "other_logit_1": z1}
            x_min = registry.markers(spec, {**defaults(spec), **params})[1][0]
            assert x_min - z1 == pytest.approx(math.log((1 - eps / 2) / (eps / 2)), rel=1e-12)


def test_without_smoothing_there_is_no_finite_minimum_to_mark():
    spec = get("categorical_cross_entropy")
    assert len(registry.markers(spec, defaults(spec))) == 1  # only p₀ = ½
    assert classification.smoothed_minimum(defaults(spec)) == math.inf
    ((_, loss, grad),) = registry.curve(spec, defaults(spec), np.linspace(-6, 6, 101))
    assert (np.diff(loss) < 0).all() and (grad < 0).all()  # falls all the way


def test_label_smoothing_marker_on_first_move_is_inside_the_axis():
    # Inception-v3's ε = 0.1 (a named preset) at the scene's defaults: 3.95, inside (−6, 6).
    spec = get("categorical_cross_entropy")
    ((eps_name, eps),) = [(n, v) for n, v in spec.params[0].presets if v > 0]
    assert "0.1" in eps_name
    x_min, _ = registry.markers(spec, {**defaults(spec), "label_smoothing": eps})[1]
    lo, hi = spec.curve.x_range
    assert lo < x_min < hi


# --------------------------------------------------------------------------- pos_weight


def test_pos_weight_preset_puts_bce_beside_alpha_balancing_and_focal():
    preset = next(p for p in PRESETS if p.key == "pos_weight")
    assert preset.domain == "binary"
    assert preset.entries == (
        ("binary_cross_entropy", {"pos_weight": 1.0}),
        ("binary_cross_entropy", {"pos_weight": 4.0}),
        ("focal", {"gamma": 0.0, "alpha": 0.75}),
        ("focal", {"gamma": 2.0, "alpha": 0.25}),
    )
    compare.check_entries(preset.domain, preset.entries)
    # At a positive: w₊ = 4 is 4 × BCE, α = 0.75 with γ = 0 is 0.75 × BCE (by hand).
    z = X["binary"]
    bce, _ = compare.evaluate("binary", "binary_cross_entropy", z, {"pos_weight": 1.0})
    w4, _ = compare.evaluate("binary", "binary_cross_entropy", z, {"pos_weight": 4.0})
    a75, _ = compare.evaluate("binary", "focal", z, {"gamma": 0.0, "alpha": 0.75})
    np.testing.assert_allclose(compare.ratio(w4, bce), 4.0, rtol=1e-12)
    np.testing.assert_allclose(compare.ratio(a75, bce), 0.75, rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.25, 0.75, 0.8])
def test_alpha_balancing_is_pos_weight_alpha_over_one_minus_alpha_at_scale_one_minus_alpha(alpha):
    # By hand: α·y·sp(−z) + (1 − α)(1 − y)·sp(z) = (1 − α)·[w·y·sp(−z) + (1 − y)·sp(z)]
    # with w = α/(1 − α); so α = 0.75 is w₊ = 3 and α = 0.8 is w₊ = 4, as the text says.
    z = np.linspace(-8.0, 8.0, 33)
    for y in (0.0, 1.0):
        focal = losses.focal(y, z, gamma=0.0, alpha=alpha)
        bce = losses.binary_cross_entropy(y, z, pos_weight=alpha / (1 - alpha))
        np.testing.assert_allclose(focal, (1 - alpha) * bce, rtol=1e-12)


def test_surrogates_preset_is_the_classic_picture():
    preset = next(p for p in PRESETS if p.key == "surrogates")
    assert preset.title == "Surrogates of the 0-1 loss" and preset.domain == "margin"
    ids = [e for e, _ in preset.entries]
    assert ids == ["binary_cross_entropy", "hinge", "exponential", "zero_one"]
    assert ids[preset.baseline] == "binary_cross_entropy"  # never 0: no gaps in the ratio
    compare.check_entries(preset.domain, preset.entries)


# --------------------------------------------------------------------------- text


def _text(key):
    s = get(key)
    return " ".join((s.one_liner, s.when_to_use, *s.pitfalls))


def test_bce_text_explains_pos_weight_against_focal_alpha_and_the_bits_picture():
    text = _text("binary_cross_entropy")
    assert "pos_weight" in text and "n_neg / n_pos" in text and "positive term" in text
    assert "α = 0.25 gives the positives the smaller weight" in text
    assert "log₂(1 + e^(−t·z))" in text and "(0, 1)" in text and "ln 2" in text
    assert r"w_{+}" in get("binary_cross_entropy").latex


def test_cce_text_and_formula_say_where_label_smoothing_puts_the_minimum():
    spec = get("categorical_cross_entropy")
    text = _text("categorical_cross_entropy")
    assert "Label smoothing" in text and "finite" in text and "ln((1 − ε/2)/(ε/2))" in text
    assert r"\varepsilon / K" in spec.latex
    assert any(r.year == 2016 and "Inception" in r.title for r in spec.references)


def test_margin_text_names_the_real_confusions_and_the_papers():
    assert "perceptron" in _text("hinge") and "HingeEmbeddingLoss" in _text("hinge")
    assert "L2-SVM" in _text("squared_hinge")
    assert "predict_proba" in _text("modified_huber")
    assert "σ(2z)" in _text("exponential") and "label noise" in _text("exponential")
    assert "MultiMarginLoss" in _text("multiclass_hinge") and "/ K" in _text("multiclass_hinge")
    for key in ("hinge", "squared_hinge"):
        assert any(r.year == 2006 and "Bartlett" in r.authors for r in get(key).references)
    assert any(r.year == 1995 and "Cortes" in r.authors for r in get("hinge").references)
    assert any(r.year == 2000 and "Friedman" in r.authors for r in get("exponential").references)
    assert any(r.year == 1999 and "Weston" in r.authors for r in get("multiclass_hinge").references)


def test_margin_domain_opens_on_the_classic_picture_with_a_baseline_never_zero():
    dom = DOMAINS["margin"]
    ids = [e for e, _ in dom.defaults[: dom.default_n]]
    assert set(ids) == {"binary_cross_entropy", "hinge", "exponential", "zero_one"}
    # The ratio view divides by entry A by default: logistic is > 0 on the whole axis.
    x = np.linspace(*dom.axes[0].range, 201)
    base, _ = compare.evaluate("margin", ids[0], x, dom.defaults[0][1])
    assert (base > 0).all()
