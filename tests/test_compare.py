"""lossviz.compare (domains, entries, ratios, normalisation) and the Compare figure builders.

Every value is checked against the core losses called directly, never against
the module's own helpers: a ratio curve must equal value_a / value_b pointwise.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from lossviz import compare, figures, losses
from lossviz.compare import DOMAINS, PRESETS

X = {
    "regression": np.linspace(-4.0, 4.0, 41),
    "binary": np.linspace(-8.0, 8.0, 41),
    "multiclass": np.linspace(-6.0, 6.0, 41),
    "distance": np.linspace(0.0, 3.0, 41),
    "preference": np.linspace(-6.0, 6.0, 41),
    "divergence": np.linspace(-4.0, 4.0, 41),
}
Z1, Z2 = 1.3, -0.4
D_POS, D_NEG = 0.7, 1.6
GAUSS = {"mu_p": 0.5, "sigma_p": 1.2, "sigma_q": 0.8}
SHARED = {
    "multiclass": {"z1": Z1, "z2": Z2},
    "distance": {"d_pos": D_POS, "d_neg": D_NEG},
    "divergence": GAUSS,
}


def _kl_along_mu_q(reverse):
    """KL of the discretised Gaussians from the core, and its slope by the chain rule.

    d KL(P‖Q)/dμ_Q = Σ_i (∂KL/∂q_i)(∂q_i/∂μ_Q) with ∂KL/∂q_i = −p_i/q_i (the core's
    kl_divergence_grad) and ∂q_i/∂μ_Q = q_i (x_i − E_q[x])/σ_Q² (the discretised
    Gaussian's own derivative); KL(Q‖P) by the first argument's ∂ = log(q_i/p_i) + 1.
    """
    from lossviz.registry import gaussian_pair

    def at(mu):
        loss, grad = [], []
        for m in mu:
            grid, p, q = gaussian_pair(GAUSS["mu_p"], GAUSS["sigma_p"], m, GAUSS["sigma_q"])
            dq = q * (grid - np.sum(q * grid)) / GAUSS["sigma_q"] ** 2
            if reverse:
                loss.append(losses.kl_divergence(q, p))
                grad.append(np.sum((np.log(q / p) + 1.0) * dq))
            else:
                loss.append(losses.kl_divergence(p, q))
                grad.append(np.sum(losses.kl_divergence_grad(p, q) * dq))
        return np.array(loss), np.array(grad)

    return at


Y3 = np.array([1.0, 0.0, 0.0])


def _logits3(z0):
    z0 = np.asarray(z0, dtype=np.float64)
    return np.stack([z0, np.full_like(z0, Z1), np.full_like(z0, Z2)], axis=-1)


# (domain, option, params, expected (loss, grad) from the core losses)
CASES = [
    ("regression", "mse", {}, lambda x: (losses.mse(0.0, x), losses.mse_grad(0.0, x))),
    ("regression", "mae", {}, lambda x: (losses.mae(0.0, x), losses.mae_grad(0.0, x))),
    (
        "regression",
        "huber",
        {"delta": 0.5},
        lambda x: (losses.huber(0.0, x, delta=0.5), losses.huber_grad(0.0, x, delta=0.5)),
    ),
    (
        "binary",
        "binary_cross_entropy",
        {},
        lambda z: (losses.binary_cross_entropy(1.0, z), losses.binary_cross_entropy_grad(1.0, z)),
    ),
    (
        "binary",
        "focal",
        {"gamma": 2.0, "alpha": 0.25},
        lambda z: (losses.focal(1.0, z), losses.focal_grad(1.0, z)),
    ),
    (
        "binary",
        "focal",
        {"gamma": 5.0, "alpha": None},
        lambda z: (
            losses.focal(1.0, z, gamma=5.0, alpha=None),
            losses.focal_grad(1.0, z, gamma=5.0, alpha=None),
        ),
    ),
    (
        "multiclass",
        "categorical_cross_entropy",
        {},
        lambda z: (
            losses.categorical_cross_entropy(Y3, _logits3(z)),
            losses.categorical_cross_entropy_grad(Y3, _logits3(z))[..., 0],
        ),
    ),
    (
        "multiclass",
        "binary_cross_entropy",
        {},
        lambda z: (
            losses.binary_cross_entropy(Y3, _logits3(z)).sum(axis=-1),
            losses.binary_cross_entropy_grad(1.0, z),
        ),
    ),
    (
        "multiclass",
        "focal",
        {"gamma": 2.0, "alpha": 0.25},
        lambda z: (
            losses.focal(Y3, _logits3(z)).sum(axis=-1),
            losses.focal_grad(1.0, z),
        ),
    ),
    (
        "distance",
        "contrastive_similar",
        {"margin": 1.5},
        lambda d: (
            losses.contrastive(1.0, d, margin=1.5),
            losses.contrastive_grad(1.0, d, margin=1.5),
        ),
    ),
    (
        "distance",
        "contrastive_dissimilar",
        {"margin": 1.5},
        lambda d: (
            losses.contrastive(0.0, d, margin=1.5),
            losses.contrastive_grad(0.0, d, margin=1.5),
        ),
    ),
    (
        "distance",
        "triplet_neg",
        {"margin": 0.8},
        lambda d: (
            losses.triplet(D_POS, d, margin=0.8),
            losses.triplet_grad(D_POS, d, margin=0.8)[1],
        ),
    ),
    (
        "distance",
        "triplet_pos",
        {"margin": 0.8},
        lambda d: (
            losses.triplet(d, D_NEG, margin=0.8),
            losses.triplet_grad(d, D_NEG, margin=0.8)[0],
        ),
    ),
    (
        "preference",
        "bradley_terry",
        {"margin": 1.0},
        lambda r: (
            losses.bradley_terry(r, 0.0, margin=1.0),
            losses.bradley_terry_grad(r, 0.0, margin=1.0)[0],
        ),
    ),
    (
        "preference",
        "binary_cross_entropy",
        {},
        lambda r: (losses.binary_cross_entropy(1.0, r), losses.binary_cross_entropy_grad(1.0, r)),
    ),
    ("divergence", "kl_forward", {}, _kl_along_mu_q(False)),
    ("divergence", "kl_reverse", {}, _kl_along_mu_q(True)),
]


def _id(case):
    domain, opt, params, _ = case
    return f"{domain}-{opt}-" + "-".join(f"{k}{v}" for k, v in params.items())


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_entry_curve_equals_the_core_loss_and_gradient(case):
    domain, opt, params, expected = case
    x = X[domain]
    loss, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain))
    want_loss, want_grad = expected(x)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)


def test_every_option_of_every_domain_is_tested_against_the_core():
    # The new families test theirs beside their known values, with their domains' scenes.
    from test_registry_classification import COMPARE_CASES as CLASSIFICATION
    from test_registry_overlap import COMPARE_CASES as OVERLAP
    from test_registry_pairs import COMPARE_CASES as PAIRS
    from test_registry_regression import COMPARE_CASES as REGRESSION

    cases = [*CASES, *REGRESSION, *CLASSIFICATION, *PAIRS, *OVERLAP]
    tested = {(d, o) for d, o, _, _ in cases}
    assert tested == {(d.key, o.id) for d in DOMAINS.values() for o in d.options}


@pytest.mark.parametrize("opt", ["binary_cross_entropy", "focal"])
def test_the_p_t_axis_evaluates_at_the_matching_logit_and_keeps_the_logit_gradient(opt):
    p = np.linspace(0.01, 0.99, 25)
    z = np.log(p / (1 - p))
    params = {"gamma": 2.0, "alpha": None} if opt == "focal" else {}
    on_p, grad_p = compare.evaluate("binary", opt, p, params, axis="p_t")
    on_z, grad_z = compare.evaluate("binary", opt, z, params, axis="logit")
    np.testing.assert_allclose(on_p, on_z, rtol=1e-12)
    np.testing.assert_allclose(grad_p, grad_z, rtol=1e-12)


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_gradients_match_a_central_difference_along_x(domain):
    """The gradient is the derivative along the domain's x (away from kinks)."""
    dom = DOMAINS[domain]
    ax = dom.axes[0]
    rng = np.random.default_rng(3)
    x = rng.uniform(*ax.range, 40)
    h = 1e-6
    for opt in dom.options:
        params = compare.hyper_defaults(opt)
        loss_p, _ = compare.evaluate(domain, opt.id, x + h, params, SHARED.get(domain))
        loss_m, _ = compare.evaluate(domain, opt.id, x - h, params, SHARED.get(domain))
        _, grad = compare.evaluate(domain, opt.id, x, params, SHARED.get(domain))
        fd = (loss_p - loss_m) / (2 * h)
        smooth = np.abs(fd - grad) < 1e-4 * (1 + np.abs(grad))
        # Kinks (MAE at 0, hinges, margins) may fall between x ± h only at isolated points.
        assert smooth.mean() > 0.9, (opt.id, x[~smooth], fd[~smooth], grad[~smooth])


def test_ratio_equals_value_a_over_value_b_pointwise():
    x = X["binary"]
    a = losses.focal(1.0, x, gamma=2.0, alpha=None)
    b = losses.binary_cross_entropy(1.0, x)
    np.testing.assert_array_equal(compare.ratio(a, b), a / b)


def test_ratio_is_a_gap_where_the_baseline_is_zero_or_not_finite():
    r = compare.ratio(np.array([1.0, 0.0, 2.0, 1.0]), np.array([0.0, 0.0, np.inf, 4.0]))
    assert np.isnan(r[:3]).all() and r[3] == 0.25


def test_focal_over_cross_entropy_is_100x_at_pt_09_and_about_1000x_at_0968():
    """Lin et al. 2017, §3.2: with γ = 2 the loss at p_t = 0.9 is 100× lower than CE."""
    params = {"gamma": 2.0, "alpha": None}
    for pt, want in [(0.9, 0.01), (0.968, 0.032**2)]:
        fl, _ = compare.value_at("binary", "focal", pt, params, axis="p_t")
        ce, _ = compare.value_at("binary", "binary_cross_entropy", pt, {}, axis="p_t")
        assert float(compare.ratio(fl, ce)) == pytest.approx(want, rel=1e-9)
    assert 1 / 0.032**2 == pytest.approx(977, abs=1)


def test_normalise_scales_to_one_at_the_reference_and_refuses_zero():
    x = X["regression"]
    loss, grad = losses.huber(0.0, x, delta=2.0), losses.huber_grad(0.0, x, delta=2.0)
    ref, _ = compare.value_at("regression", "huber", 1.0, {"delta": 2.0})
    n_loss, n_grad = compare.normalise(loss, grad, ref)
    np.testing.assert_allclose(n_loss, loss / 0.5)
    np.testing.assert_allclose(n_grad, grad / 0.5)
    np.testing.assert_allclose(n_loss[x == 1.0], 1.0)
    assert compare.normalise(loss, grad, 0.0) is None
    assert compare.normalise(loss, grad, float("inf")) is None


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_surfaces_share_axes_and_equal_the_core(domain):
    dom = DOMAINS[domain]
    for opt in dom.options:
        params = compare.hyper_defaults(opt)
        x, y, z = compare.surface(domain, opt.id, params, SHARED.get(domain), n=21)
        assert z.shape == (21, 21) and np.isfinite(z).all()
        np.testing.assert_array_equal(x, np.linspace(*dom.surface_ranges[0], 21))
        np.testing.assert_array_equal(y, np.linspace(*dom.surface_ranges[1], 21))


def test_surface_values_against_the_core():
    x, y, z = compare.surface("regression", "huber", {"delta": 0.7}, n=11)
    assert z[3, 8] == pytest.approx(
        losses.huber(0.0, x[8], delta=0.7) + losses.huber(0.0, y[3], delta=0.7)
    )
    x, y, z = compare.surface("binary", "focal", {"gamma": 2.0, "alpha": 0.25}, n=11)
    assert z[4, 2] == pytest.approx(losses.focal(y[4], x[2], gamma=2.0, alpha=0.25))
    x, y, z = compare.surface("multiclass", "categorical_cross_entropy", {}, SHARED["multiclass"])
    assert z[7, 9] == pytest.approx(
        losses.categorical_cross_entropy(Y3, np.array([x[9], y[7], Z2]))
    )
    x, y, z = compare.surface("distance", "triplet_neg", {"margin": 0.4}, n=11)
    assert z[5, 1] == pytest.approx(losses.triplet(x[1], y[5], margin=0.4))
    x, y, z = compare.surface("preference", "bradley_terry", {"margin": 1.0}, n=11)
    assert z[2, 6] == pytest.approx(losses.bradley_terry(x[6], y[2], margin=1.0))


def test_entry_labels_come_from_the_values_and_tell_duplicates_apart():
    dom = DOMAINS["regression"]
    huber = dom.option("huber")
    assert compare.entry_label(0, huber, {"delta": 0.5}) == "A: Huber δ = 0.50"
    assert compare.entry_label(1, huber, {"delta": 2.0}) == "B: Huber δ = 2.00"
    assert compare.entry_label(2, dom.option("mse"), {}) == "C: MSE"
    focal = DOMAINS["binary"].option("focal")
    assert compare.entry_label(3, focal, {"gamma": 2.0, "alpha": None}) == "D: Focal γ = 2.0, α off"
    assert compare.entry_label(0, focal, {"gamma": 0.0, "alpha": 0.25}) == (
        "A: Focal γ = 0.0, α = 0.25"
    )
    tri = DOMAINS["distance"].option("triplet_neg")
    assert compare.entry_label(1, tri, {"margin": 1.0}) == "B: Triplet, d₋ = x · m = 1.00"


def test_presets_are_valid_comparisons():
    keys = [p.key for p in PRESETS]
    assert len(set(keys)) == len(keys) >= 4
    for p in PRESETS:
        compare.check_entries(p.domain, p.entries)
        assert 0 <= p.baseline < len(p.entries)
        dom = DOMAINS[p.domain]
        for opt_id, vals in p.entries:
            names = {q.name for q in compare.hyperparams(dom.option(opt_id))}
            assert set(vals) <= names
    focal = next(p for p in PRESETS if p.key == "focal")
    gammas = [v.get("gamma") for _, v in focal.entries if v]
    assert gammas == [0.0, 2.0, 5.0] and focal.axis == "p_t"


def test_domain_defaults_fill_four_slots_with_options_of_the_domain():
    for dom in DOMAINS.values():
        assert len(dom.defaults) == compare.MAX_ENTRIES
        compare.check_entries(dom.key, dom.defaults)
        assert compare.MIN_ENTRIES <= dom.default_n <= compare.MAX_ENTRIES
        assert dom.description and dom.surface_note


def test_bad_entries_raise_naming_the_problem():
    with pytest.raises(ValueError, match="2 to 4 entries, got 1"):
        compare.check_entries("regression", [("mse", {})])
    with pytest.raises(ValueError, match="unknown entry 'focal' for domain 'regression'"):
        compare.check_entries("regression", [("mse", {}), ("focal", {})])
    with pytest.raises(ValueError, match="unknown x axis 'p'"):
        DOMAINS["binary"].axis("p")


# --------------------------------------------------------------------------- builders


def _y(trace) -> np.ndarray:
    """The y values of a trace as the browser receives them (base64 float32 or a list)."""
    y = trace.y
    if isinstance(y, dict):  # plotly's typed-array spec
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return np.asarray(y, dtype=np.float32)


def _entries(domain, specs, axis=None):
    x = X[domain] if axis is None else np.linspace(0.01, 0.99, 41)
    out = []
    for i, (opt, params) in enumerate(specs):
        loss, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain), axis)
        label = compare.entry_label(i, DOMAINS[domain].option(opt), params)
        out.append((i, label, loss, grad))
    return x, out


def test_overlay_draws_each_entry_loss_and_gradient_from_the_core():
    x, entries = _entries("regression", [("huber", {"delta": 0.5}), ("huber", {"delta": 2.0})])
    fig = figures.compare_overlay_figure(x, entries, x_label="r", grad_label="∂ℓ/∂ŷ")
    names = [t.name for t in fig.data]
    assert names == [
        "A: Huber δ = 0.50",
        "A: Huber δ = 0.50 (gradient)",
        "B: Huber δ = 2.00",
        "B: Huber δ = 2.00 (gradient)",
    ]
    for k, delta in enumerate((0.5, 2.0)):
        np.testing.assert_array_equal(
            _y(fig.data[2 * k]), figures.f32(losses.huber(0, x, delta=delta))
        )
        np.testing.assert_array_equal(
            _y(fig.data[2 * k + 1]), figures.f32(losses.huber_grad(0, x, delta=delta))
        )
    # Entries differ in colour and dash, so coinciding curves both stay visible.
    assert fig.data[0].line.dash != fig.data[2].line.dash
    assert fig.data[0].line.color != fig.data[2].line.color


def test_ratio_figure_curve_equals_focal_over_cross_entropy_pointwise():
    p = np.linspace(0.01, 0.99, 41)
    z = np.log(p / (1 - p))
    specs = [("binary_cross_entropy", {}), ("focal", {"gamma": 2.0, "alpha": None})]
    _, entries = _entries("binary", specs, axis="p_t")
    r = compare.ratio(entries[1][2], entries[0][2])
    fig = figures.compare_ratio_figure(
        p, [(1, entries[1][1], r)], x_label="p_t", baseline_label=entries[0][1], log_y=True
    )
    want = losses.focal(1.0, z, gamma=2.0, alpha=None) / losses.binary_cross_entropy(1.0, z)
    np.testing.assert_allclose(_y(fig.data[0]), want.astype(np.float32), rtol=1e-6)
    assert fig.layout.yaxis.type == "log"
    assert fig.data[0].name == "B: Focal γ = 2.0, α off ÷ baseline"
    assert "A: BCE" in fig.layout.yaxis.title.text


def test_ratio_figure_log_axis_shows_no_more_than_the_asked_decades():
    x = np.linspace(0, 1, 5)
    r = np.array([1.0, 1e-3, 1e-9, 1e-15, 0.0])
    fig = figures.compare_ratio_figure(
        x, [(1, "B", r)], x_label="x", baseline_label="A", log_y=True, decades=8
    )
    lo, hi = fig.layout.yaxis.range
    assert hi > 0 and -8.5 < lo < -8
    assert np.isnan(_y(fig.data[0])[-1])  # 0 is a gap on a log axis
    lin = figures.compare_ratio_figure(
        x, [(1, "B", r)], x_label="x", baseline_label="A", log_y=False
    )
    assert lin.layout.yaxis.type in (None, "linear") and _y(lin.data[0])[-1] == 0


def test_normalised_overlay_passes_one_at_the_reference():
    x = np.linspace(-4.0, 4.0, 81)  # contains r = 1 exactly
    entries = []
    for i, (opt, params) in enumerate([("mse", {}), ("mae", {}), ("huber", {"delta": 1.0})]):
        loss, grad = compare.evaluate("regression", opt, x, params)
        ref, _ = compare.value_at("regression", opt, 1.0, params)
        loss, grad = compare.normalise(loss, grad, ref)
        entries.append((i, opt, loss, grad))
    fig = figures.compare_overlay_figure(x, entries, x_label="r", grad_label="g")
    at_ref = np.flatnonzero(np.isclose(x, 1.0))[0]
    for t in fig.data[::2]:
        assert _y(t)[at_ref] == pytest.approx(1.0)
    # MSE / MSE(1) = r², Huber / Huber(1) = 2 · huber: check one against the core.
    np.testing.assert_allclose(_y(fig.data[4]), 2 * losses.huber(0.0, x).astype(np.float32))


def test_panels_share_y_ranges_and_title_each_entry():
    x, entries = _entries(
        "binary", [("focal", {"gamma": g, "alpha": None}) for g in (0.0, 2.0, 5.0)]
    )
    ranges = figures.compare_panel_ranges([(loss, grad) for _, _, loss, grad in entries])
    figs = [
        figures.compare_panel_figure(
            x, i, label, loss, grad, x_label="z", grad_label="∂ℓ/∂z", y_ranges=ranges,
            y_titles=i == 0,
        )
        for i, label, loss, grad in entries
    ]  # fmt: skip
    for fig, (_, label, _, grad), g in zip(figs, entries, (0.0, 2.0, 5.0), strict=True):
        assert len(fig.data) == 2
        assert fig.layout.annotations[0].text == label
        # Every panel's rows have the same y range, spanning every entry's values.
        assert tuple(fig.layout.yaxis.range) == ranges[0]
        assert tuple(fig.layout.yaxis2.range) == ranges[1]
        assert fig.layout.xaxis.matches == "x2"
        np.testing.assert_array_equal(
            _y(fig.data[0]), figures.f32(losses.focal(1.0, x, gamma=g, alpha=None))
        )
        np.testing.assert_array_equal(_y(fig.data[1]), figures.f32(grad))
    lo, hi = ranges[0]
    all_loss = np.concatenate([e[2] for e in entries])
    assert lo < all_loss.min() and hi > all_loss.max()
    assert figs[0].layout.yaxis.title.text == "loss" and figs[1].layout.yaxis.title.text is None


@pytest.mark.parametrize("three_d", [False, True])
def test_surfaces_use_one_colour_scale_and_the_same_camera(three_d):
    surfs = []
    for i, delta in enumerate((0.5, 2.0)):
        x, y, z = compare.surface("regression", "huber", {"delta": delta}, n=31)
        surfs.append((i, f"Huber δ = {delta}", z))
    colour_range = figures.compare_colour_range([z for _, _, z in surfs], cap=3.0)
    assert colour_range[:2] == (0.0, 3.0)
    assert colour_range[2] == pytest.approx(max(float(z.max()) for _, _, z in surfs))
    figs = [
        figures.compare_surface_figure(
            x, y, z, label=label, x_label="r₁", y_label="r₂", colour_range=colour_range,
            three_d=three_d, colour_bar=i == 1, y_title=i == 0,
        )
        for i, label, z in surfs
    ]  # fmt: skip
    for fig, (_, label, z) in zip(figs, surfs, strict=True):
        assert len(fig.data) == 1 and fig.data[0].coloraxis == "coloraxis"
        assert fig.layout.coloraxis.cmin == 0.0 and fig.layout.coloraxis.cmax == 3.0
        assert fig.layout.annotations[0].text == label
        z1 = fig.data[0].z
        np.testing.assert_array_equal(np.asarray(z1), figures.f32(z))
        assert np.asarray(z1).dtype == np.float32
    # One colour bar, on the last panel.
    assert [f.layout.coloraxis.showscale for f in figs] == [False, True]
    if three_d:
        assert figs[0].layout.scene.camera == figs[1].layout.scene.camera
        assert figs[0].layout.scene.zaxis.range == figs[1].layout.scene.zaxis.range
        assert figs[0].layout.scene.zaxis.range[1] == pytest.approx(colour_range[2])


def test_colour_range_ignores_non_finite_values_and_never_collapses():
    z = np.array([[np.nan, 1.0], [np.inf, 2.0]])
    assert figures.compare_colour_range([z]) == (1.0, 2.0, 2.0)
    assert figures.compare_colour_range([np.ones((2, 2))]) == (1.0, 2.0, 2.0)
    assert figures.compare_colour_range([np.full((2, 2), np.nan)]) == (0.0, 1.0, 1.0)


def test_curves_on_an_even_grid_send_x0_and_dx_instead_of_x():
    assert figures.compare_x(np.linspace(-4, 4, 801)) == {"x0": -4.0, "dx": 0.01}
    uneven = np.array([0.0, 1.0, 3.0])
    out = figures.compare_x(uneven)
    assert set(out) == {"x"} and out["x"].dtype == np.float32
    x, entries = _entries("regression", [("mse", {}), ("huber", {"delta": 1.0})])
    fig = figures.compare_overlay_figure(x, entries, x_label="r", grad_label="g")
    for t in fig.data:
        assert t.x is None and t.x0 == pytest.approx(x[0]) and t.dx == pytest.approx(x[1] - x[0])


def test_builders_reject_mismatched_shapes():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="shape of x"):
        figures.compare_overlay_figure(
            x, [(0, "A", np.zeros(4), np.zeros(5))], x_label="x", grad_label="g"
        )
    with pytest.raises(ValueError, match="A: z must have shape"):
        figures.compare_surface_figure(
            x, x, np.zeros((4, 5)), label="A", x_label="x", y_label="y",
            colour_range=(0.0, 1.0, 1.0),
        )  # fmt: skip
    with pytest.raises(ValueError, match="shape of x"):
        figures.compare_panel_figure(
            x, 0, "A", np.zeros(5), np.zeros(3), x_label="x", grad_label="g"
        )


def test_marker_labels_keep_their_order_and_close_ones_stack():
    # In the order given (the scrub bar moves marker k by its index); labels at one x or
    # close to each other go a row further from the axis instead of overlapping.
    fig = figures.compare_ratio_figure(
        np.linspace(0, 1, 11),
        [(1, "B", np.ones(11))],
        x_label="p_t",
        baseline_label="A",
        markers=[(0.9, "p_t = 0.9"), (0.968, "p_t = 0.968"), (0.9, "x₀ = 0.900"), (2.0, "out")],
    )
    notes = [(a.text, a.yshift, a.visible) for a in fig.layout.annotations]
    assert notes == [
        ("p_t = 0.9", 0, True),
        ("p_t = 0.968", 32, True),
        ("x₀ = 0.900", 16, True),
        ("out", 0, False),
    ]
