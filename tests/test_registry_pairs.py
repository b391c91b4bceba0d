"""The specs of Jensen–Shannon, InfoNCE, cosine embedding, DPO, IPO and the preference hinge.

The registry-wide suites (tests/test_registry.py, test_compare.py, test_explore_app.py)
check what every spec must satisfy; this file holds these six losses' rows of the
shared tables (ORDER, PROPERTIES, COMPARE_CASES, until the lead merges them) and the
known values and identities of their views, each with its source.

Sources: hand computations written out in the comments; SciPy 1.17.1
``scipy.spatial.distance.jensenshannon`` (squared) and PyTorch 2.13.0 (CPU)
``cross_entropy`` / ``cosine_embedding_loss``, run in a throwaway virtual environment
outside the repository (neither is a dependency, and no test imports them).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import compare, losses, registry
from lossviz.compare import DOMAINS, PRESETS
from lossviz.registry import REGISTRY, defaults, gaussian_pair, get
from lossviz.registry import divergence as divergence_module
from lossviz.registry import metric as metric_module
from lossviz.registry import preference as preference_module

LN2 = math.log(2.0)

#: These losses, in registry order (each after its module's seed specs).
ORDER = ["js_divergence", "info_nce", "cosine_embedding", "dpo", "ipo", "preference_hinge"]


def test_the_specs_are_registered_in_order_after_their_modules_seed_specs():
    assert [k for k in REGISTRY if k in ORDER] == ORDER
    assert [s.key for s in divergence_module.SPECS] == ["kl_divergence", "js_divergence"]
    assert [s.key for s in metric_module.SPECS][:2] == ["contrastive", "triplet"]
    assert [s.key for s in metric_module.SPECS][2:] == ["info_nce", "cosine_embedding"]
    assert [s.key for s in preference_module.SPECS] == [
        "bradley_terry",
        "dpo",
        "ipo",
        "preference_hinge",
    ]
    for key in ORDER:
        assert get(key).fn is getattr(losses, key)
        assert get(key).grad is getattr(losses, key + "_grad")


# --------------------------------------------------------------------------- properties

# convex, bounded_gradient, robust_to_outliers, differentiable_everywhere, at the defaults
PROPERTIES = {
    # Jointly convex (KL is, and M = ½(P + Q) is linear); ∂JS/∂q_i = ½ log(2q_i/(p_i + q_i))
    # → −∞ as q_i → 0 < p_i; each category costs at most ½(p_i + q_i) ln 2, so an event Q
    # misses costs ½ p_i ln 2 where KL charges +∞ (robust); smooth inside the simplex.
    "js_divergence": (True, False, True, True),
    # log Σ exp of affine functions of (s⁺, s⁻): convex and smooth, every partial in
    # [−1/τ, 1/τ]; the loss grows linearly in (s⁻ − s⁺)/τ, so a false negative pulls with
    # the full 1/τ (not robust).
    "info_nce": (True, True, False, True),
    # 1 − cos (linear) or max(0, cos − m) (hinge): convex, |∂ℓ/∂cos| ≤ 1, the loss in
    # [0, 2] so a mislabelled pair costs at most 2 (robust); kink at cos = m.
    "cosine_embedding": (True, True, True, False),
    # softplus(−βh), h linear in the policy's log-probabilities: convex, smooth, |∂ℓ| ≤ β;
    # a mislabelled pair costs ≈ β|h|, without bound.
    "dpo": (True, True, False, True),
    # (h − 1/(2β))²: convex, smooth, gradient 2(h − 1/(2β)) unbounded, so not robust.
    "ipo": (True, False, False, True),
    # max(0, m − Δr): convex hinge, slope −1 or 0, kink at Δr = m, linear growth.
    "preference_hinge": (True, True, False, False),
}


def test_these_properties_are_stated_for_each_of_these_losses():
    assert set(PROPERTIES) == set(ORDER)


@pytest.mark.parametrize("key", ORDER)
def test_properties(key):
    spec = get(key)
    at = spec.properties.at(defaults(spec))
    assert tuple(at[name][0] for name, _ in registry.PROPERTY_ROWS) == PROPERTIES[key]


# --------------------------------------------------------------------------- Compare

X = {
    "divergence": np.linspace(-4.0, 4.0, 41),
    "similarity": np.linspace(-1.0, 1.0, 41),
    "preference": np.linspace(-6.0, 6.0, 41),
}
GAUSS = {"mu_p": 0.5, "sigma_p": 1.2, "sigma_q": 0.8}
S_POS, K, S_NEG = 0.3, 7, -0.2
SHARED = {
    "divergence": GAUSS,
    "similarity": {"sim_pos": S_POS, "n_neg": float(K), "sim_neg": S_NEG},
}
RHO = -30.0  # the preference views' reference log-probabilities (preference.REF_LOGP)


def _js_along_mu_q(mu):
    """JS of the discretised Gaussians from the core, and its slope by the chain rule.

    d JS/dμ_Q = Σ_i (∂JS/∂q_i)(∂q_i/∂μ_Q), ∂JS/∂q_i from the core's js_divergence_grad and
    ∂q_i/∂μ_Q = q_i (x_i − E_q[x])/σ_Q² (the discretised Gaussian's own derivative). On
    this scene no probability underflows (the far tails are ≥ e^−450), so the core's
    functions take gaussian_pair's probabilities as they are.
    """
    loss, grad = [], []
    for m in mu:
        grid, p, q = gaussian_pair(GAUSS["mu_p"], GAUSS["sigma_p"], m, GAUSS["sigma_q"])
        assert (p > 0).all() and (q > 0).all()
        dq = q * (grid - np.sum(q * grid)) / GAUSS["sigma_q"] ** 2
        loss.append(losses.js_divergence(p, q))
        grad.append(np.sum(losses.js_divergence_grad(p, q) * dq))
    return np.array(loss), np.array(grad)


def _negatives(s, k=K):
    return np.broadcast_to(np.asarray(s, dtype=np.float64)[..., None], (*np.shape(s), k))


def _one_negative(x):
    out = np.full((np.size(x), K), S_NEG)
    out[:, 0] = x
    return out


# (domain, option, params, expected (loss, grad) from the core losses), as CASES in
# tests/test_compare.py
COMPARE_CASES = [
    ("divergence", "js_divergence", {}, _js_along_mu_q),
    (
        "similarity",
        "info_nce",
        {"temperature": 0.1},
        lambda s: (
            losses.info_nce(s, _negatives(np.full_like(s, S_NEG)), temperature=0.1),
            losses.info_nce_grad(s, _negatives(np.full_like(s, S_NEG)), temperature=0.1)[0],
        ),
    ),
    (
        "similarity",
        "info_nce_negative",
        {"temperature": 0.1},
        lambda s: (
            losses.info_nce(S_POS, _one_negative(s), temperature=0.1),
            losses.info_nce_grad(S_POS, _one_negative(s), temperature=0.1)[1][:, 0],
        ),
    ),
    (
        "similarity",
        "cosine_similar",
        {"margin": 0.3},
        lambda s: (
            losses.cosine_embedding(1.0, s, margin=0.3),
            losses.cosine_embedding_grad(1.0, s, margin=0.3),
        ),
    ),
    (
        "similarity",
        "cosine_dissimilar",
        {"margin": 0.3},
        lambda s: (
            losses.cosine_embedding(0.0, s, margin=0.3),
            losses.cosine_embedding_grad(0.0, s, margin=0.3),
        ),
    ),
    (
        "preference",
        "dpo",
        {"beta": 0.5},
        lambda h: (
            losses.dpo(RHO + h, RHO, RHO, RHO, beta=0.5),
            losses.dpo_grad(RHO + h, RHO, RHO, RHO, beta=0.5)[0],
        ),
    ),
    (
        "preference",
        "ipo",
        {"beta": 0.25},
        lambda h: (
            losses.ipo(RHO + h, RHO, RHO, RHO, beta=0.25),
            losses.ipo_grad(RHO + h, RHO, RHO, RHO, beta=0.25)[0],
        ),
    ),
    (
        "preference",
        "preference_hinge",
        {"margin": 1.5},
        lambda r: (
            losses.preference_hinge(r, 0.0, margin=1.5),
            losses.preference_hinge_grad(r, 0.0, margin=1.5)[0],
        ),
    ),
]


def _id(case):
    domain, opt, params, _ = case
    return f"{domain}-{opt}-" + "-".join(f"{k}{v}" for k, v in params.items())


@pytest.mark.parametrize("case", COMPARE_CASES, ids=[_id(c) for c in COMPARE_CASES])
def test_entry_curve_equals_the_core_loss_and_gradient(case):
    domain, opt, params, expected = case
    x = X[domain]
    loss, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain))
    want_loss, want_grad = expected(x)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)


def test_every_option_these_losses_add_is_tested_against_the_core():
    added = {(d.key, o.id) for d in DOMAINS.values() for o in d.options if o.loss in ORDER}
    assert {(d, o) for d, o, _, _ in COMPARE_CASES} == added
    # Every option of the similarity domain (declared in metric.py) is one of them.
    assert {o.loss for o in DOMAINS["similarity"].options} <= set(ORDER)


def test_compare_surfaces_equal_the_core():
    sim = SHARED["similarity"]
    x, y, z = compare.surface("similarity", "info_nce", {"temperature": 0.2}, sim, n=11)
    assert z[3, 8] == pytest.approx(float(losses.info_nce(x[8], _negatives(y[3]), temperature=0.2)))
    x, y, z = compare.surface("similarity", "cosine_dissimilar", {"margin": 0.3}, sim, n=11)
    # A similar pair at s⁺ plus a dissimilar one at s⁻: (1 − x) + max(0, y − m), by hand.
    assert z[9, 2] == pytest.approx((1.0 - x[2]) + max(0.0, y[9] - 0.3))
    x, y, z = compare.surface("preference", "dpo", {"beta": 0.5}, n=11)
    # Only h = x − y matters: Bradley–Terry on β(x − y).
    assert z[2, 6] == pytest.approx(float(losses.bradley_terry(0.5 * (x[6] - y[2]), 0.0)))
    x, y, z = compare.surface("preference", "ipo", {"beta": 0.25}, n=11)
    assert z[7, 1] == pytest.approx((x[1] - y[7] - 2.0) ** 2)
    _, _, z = compare.surface("divergence", "js_divergence", {}, GAUSS, n=11)
    assert np.isfinite(z).all() and (z >= 0).all() and (z <= LN2).all()


def test_compare_gradients_along_x_are_central_differences_of_the_values():
    # Independent of the chain rule in the terms: the entries' own values at x ± h.
    h = 1e-6
    for domain, opt, params, _ in COMPARE_CASES:
        x = X[domain][1:-1] + 0.013  # off the kinks (cos = m, Δr = m) of the grid
        up, _ = compare.evaluate(domain, opt, x + h, params, SHARED.get(domain))
        down, _ = compare.evaluate(domain, opt, x - h, params, SHARED.get(domain))
        _, grad = compare.evaluate(domain, opt, x, params, SHARED.get(domain))
        np.testing.assert_allclose((up - down) / (2 * h), grad, rtol=1e-5, atol=1e-6)


def test_the_presets():
    by_key = {p.key: p for p in PRESETS}
    div = by_key["divergences"]
    assert div.title == "KL forward, KL reverse and JS" and div.domain == "divergence"
    assert [e for e, _ in div.entries] == ["kl_forward", "kl_reverse", "js_divergence"]
    rlhf = by_key["rlhf"]
    assert rlhf.title == "Reward model vs DPO vs IPO" and rlhf.domain == "preference"
    assert [e for e, _ in rlhf.entries] == ["bradley_terry", "dpo", "ipo"]
    # The note's numbers: DPO at β = 0.5 and IPO's target 1/(2β) = 2 at β = 0.25.
    assert dict(rlhf.entries)["dpo"] == {"beta": 0.5}
    assert dict(rlhf.entries)["ipo"] == {"beta": 0.25} and "= 2" in rlhf.note
    for p in (div, rlhf):
        compare.check_entries(p.domain, p.entries)
        assert 0 <= p.baseline < len(p.entries)


def test_the_similarity_domain_is_declared_with_its_shared_sliders():
    dom = DOMAINS["similarity"]
    assert [o.id for o in dom.options] == [
        "info_nce",
        "info_nce_negative",
        "cosine_similar",
        "cosine_dissimilar",
    ]
    assert [p.name for p in dom.shared] == ["sim_pos", "n_neg", "sim_neg"]
    compare.check_entries("similarity", dom.defaults)
    for text in ("info_nce(x, ", "info_nce(s⁺, [x, ", "cosine_embedding(1, x)", "(0, x, m)"):
        assert text in dom.description


# --------------------------------------------------------------------------- helpers


def _curve(key, x, axis=None, **params):
    """The curve's branches at x, by name, with the spec's defaults for what is not given."""
    spec = get(key)
    out = registry.curve(spec, {**defaults(spec), **params}, np.atleast_1d(np.asarray(x)), axis)
    return {name: (loss, grad) for name, loss, grad in out}


def _first(key, x, **params):
    """(loss, gradient) of the curve's first branch at x."""
    spec = get(key)
    (_, loss, grad), *_ = registry.curve(
        spec, {**defaults(spec), **params}, np.atleast_1d(np.asarray(x, dtype=np.float64))
    )
    return loss, grad


def _markers(key, **params):
    spec = get(key)
    return registry.markers(spec, {**defaults(spec), **params})


def _surface(key, n=41, **params):
    spec = get(key)
    x = np.linspace(*spec.surface.x_range, n)
    y = np.linspace(*spec.surface.y_range, n)
    return x, y, registry.surface(spec, {**defaults(spec), **params}, x, y)


# --------------------------------------------------------------------------- Jensen–Shannon

SCENES = [
    {"mu_p": 0.0, "sigma_p": 1.5, "sigma_q": 0.7},  # the defaults
    {"mu_p": -1.0, "sigma_p": 0.6, "sigma_q": 1.4},
    {"mu_p": 2.0, "sigma_p": 3.0, "sigma_q": 0.2},
]


@pytest.mark.parametrize(
    ("scene", "mu_q", "scipy_js"),
    [
        # scipy.spatial.distance.jensenshannon(p, q) ** 2 (natural log) on gaussian_pair's
        # p and q, SciPy 1.17.1 in a throwaway venv; it gave the same value for (q, p).
        (SCENES[0], 2.5, 0.40628334479079364),
        (SCENES[1], 1.5, 0.4494397830197713),
    ],
)
def test_js_curve_is_scipys_jensen_shannon_of_the_discretised_gaussians(scene, mu_q, scipy_js):
    loss, _ = _first("js_divergence", mu_q, **scene)
    assert loss[0] == pytest.approx(scipy_js, rel=1e-9)


def test_js_of_identical_gaussians_is_zero_with_zero_slope():
    # JS(P, P) = 0, and μ_Q = μ_P is its minimum along μ_Q (by hand: JS ≥ 0).
    loss, grad = _first("js_divergence", 1.3, mu_p=1.3, sigma_p=0.9, sigma_q=0.9)
    assert loss[0] == pytest.approx(0.0, abs=1e-12)
    assert grad[0] == pytest.approx(0.0, abs=1e-9)


def test_js_of_disjoint_gaussians_is_ln_2_even_where_the_probabilities_underflow():
    # μ_P = −4 and μ_Q = 5 with σ = 0.2: 45σ apart, so the supports are disjoint to
    # float64 (the overlap is below e^−250) and JS = ln 2 (Lin 1991: the maximum, for
    # disjoint supports). Both discretised Gaussians are exactly 0 over most of the grid
    # and subnormal at its edge; the curve stays finite.
    _, p, q = gaussian_pair(-4.0, 0.2, 5.0, 0.2)
    assert (q == 0).any() and (p == 0).any()
    loss, grad = _first("js_divergence", 5.0, mu_p=-4.0, sigma_p=0.2, sigma_q=0.2)
    assert loss[0] == pytest.approx(LN2, rel=1e-12)
    assert np.isfinite(grad[0]) and abs(grad[0]) < 1e-12  # saturated: no signal left


def test_js_slope_is_a_central_difference_of_the_core_values():
    # Independent of the chain rule in the term: js_divergence of gaussian_pair at μ ± h.
    h = 1e-4
    for scene in SCENES:
        for mu_q in (-3.3, 0.4, 2.1):
            _, grad = _first("js_divergence", mu_q, **scene)

            def js(m, scene=scene):
                _, p, q = gaussian_pair(scene["mu_p"], scene["sigma_p"], m, scene["sigma_q"])
                return float(losses.js_divergence(p, q))

            fd = (-js(mu_q + 2 * h) + 8 * js(mu_q + h) - 8 * js(mu_q - h) + js(mu_q - 2 * h)) / (
                12 * h
            )
            assert grad[0] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_js_is_symmetric_where_kl_is_not():
    # Swapping the roles of the two Gaussians, P = N(a, s₁), Q = N(b, s₂) against
    # P = N(b, s₂), Q = N(a, s₁): JS gives the same value, KL does not (σ_P ≠ σ_Q).
    a, s1, b, s2 = -0.5, 1.5, 1.7, 0.7
    js_pq, _ = _first("js_divergence", b, mu_p=a, sigma_p=s1, sigma_q=s2)
    js_qp, _ = _first("js_divergence", a, mu_p=b, sigma_p=s2, sigma_q=s1)
    assert js_pq[0] == pytest.approx(js_qp[0], rel=1e-9)
    kl_pq, _ = _first("kl_divergence", b, mu_p=a, sigma_p=s1, sigma_q=s2)
    kl_qp, _ = _first("kl_divergence", a, mu_p=b, sigma_p=s2, sigma_q=s1)
    assert abs(kl_pq[0] - kl_qp[0]) > 0.1


def test_js_is_bounded_by_ln_2_at_every_slider_setting():
    # The bound is the JS of two distributions with disjoint supports (Lin 1991).
    assert float(losses.js_divergence([1.0, 0.0], [0.0, 1.0])) == pytest.approx(LN2, rel=1e-15)
    spec = get("js_divergence")
    x = np.linspace(*spec.curve.x_range, 201)
    for p_mu in (-4.0, 0.0, 4.0):
        for sp in (0.2, 1.5, 3.0):
            for sq in (0.2, 0.7, 3.0):
                js, _ = _first("js_divergence", x, mu_p=p_mu, sigma_p=sp, sigma_q=sq)
                assert (js >= 0).all() and (js <= LN2 + 1e-15).all()
    # and KL, beside it on the same scene, is not bounded: 26 nats at μ_Q = 5 (closed form,
    # ln(0.7/1.5) + (1.5² + 5²)/(2 · 0.7²) − ½ = 26.54).
    kl, _ = _first("kl_divergence", 5.0)
    assert kl[0] == pytest.approx(math.log(0.7 / 1.5) + (2.25 + 25) / 0.98 - 0.5, rel=1e-3)


def test_js_marker_is_at_mu_p():
    ((x, label),) = _markers("js_divergence", mu_p=-2.3)
    assert x == pytest.approx(-2.3) and "-2.30" in label and "ln 2 ≈ 0.693" in label


@pytest.mark.parametrize(
    ("mu_p", "sigma_p"), [(0.0, 1.5), (-4.0, 0.2), (4.0, 3.0), (-4.0, 3.0), (1.5, 0.7), (4.0, 0.2)]
)
def test_js_surface_on_its_coarse_partition_is_within_0005_nats_of_the_curves(mu_p, sigma_p):
    """The surface (16 bins over ±5σ of each Gaussian, 33 per point) against the curve
    (the fine 1,601-point grid), over the whole slider ranges, as its text says."""
    spec = get("js_divergence")
    scene = {"mu_p": mu_p, "sigma_p": sigma_p}
    mu_q = np.linspace(-4.0, 4.0, 41)
    sigmas = np.linspace(0.2, 3.0, 15)
    z = registry.surface(spec, scene, mu_q, sigmas)
    for i, sigma_q in enumerate(sigmas):
        curve, _ = _first("js_divergence", mu_q, **scene, sigma_q=sigma_q)
        np.testing.assert_allclose(z[i], curve, rtol=0, atol=5e-3)


def test_js_partition_holds_two_normalised_distributions_on_one_partition():
    p, q = divergence_module.gaussian_partition(0.5, 1.2, np.array([[-3.0, 2.0]]), 0.3)
    assert p.shape == q.shape == (1, 2, 2 * divergence_module.JS_BINS + 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(q.sum(axis=-1), 1.0, rtol=1e-14)
    assert (p >= 0).all() and (q >= 0).all()


def test_js_text_states_the_teaching_points():
    spec = get("js_divergence")
    text = " ".join((spec.one_liner, spec.when_to_use, *spec.pitfalls))
    for phrase in ("ln 2", "symmetric", "√JS", "bits", "0.005 nats"):
        assert phrase in text, phrase
    assert any(r.year == 1991 and r.authors == "J. Lin" for r in spec.references)
    assert {j.domain for j in spec.joins} == {"divergence"}


# --------------------------------------------------------------------------- InfoNCE


@pytest.mark.parametrize(("k", "tau", "s"), [(1, 0.07, 0.0), (15, 0.07, 0.4), (100, 1.0, -0.6)])
def test_info_nce_at_equal_similarities_is_ln_k_plus_one(k, tau, s):
    # Every logit s/τ equal: the softmax is uniform, −log 1/(K + 1) = ln(K + 1) (by hand).
    loss, grad = _first("info_nce", s, n_neg=float(k), sim_neg=s, temperature=tau)
    assert loss[0] == pytest.approx(math.log(k + 1), rel=1e-12)
    # ∂ℓ/∂s⁺ = −(1 − π₊)/τ with π₊ = 1/(K + 1).
    assert grad[0] == pytest.approx(-(k / (k + 1)) / tau, rel=1e-12)


def test_info_nce_against_pytorch_cross_entropy():
    # torch.nn.functional.cross_entropy(logits = [0.3, 0.1 × 15] / 0.07, target 0), float64,
    # PyTorch 2.13.0, and the autograd gradients with respect to s⁺ and to one negative.
    params = {"n_neg": 15.0, "sim_neg": 0.1, "temperature": 0.07}
    loss, grad = _first("info_nce", 0.3, **params)
    assert loss[0] == pytest.approx(0.6213768603598823, rel=1e-12)
    assert grad[0] == pytest.approx(-6.611367530123123, rel=1e-12)
    shared = {"sim_pos": 0.3, "n_neg": 15.0, "sim_neg": 0.1}
    value, slope = compare.value_at(
        "similarity", "info_nce_negative", 0.1, {"temperature": 0.07}, shared
    )
    assert value == pytest.approx(0.6213768603598823, rel=1e-12)
    assert slope == pytest.approx(0.44075783534154184, rel=1e-12)


def test_info_nce_is_cross_entropy_over_k_plus_one_classes():
    # The identity of the docstring, against the core's categorical cross-entropy.
    s = np.linspace(-1.0, 1.0, 21)
    k, tau, sn = 6, 0.3, 0.25
    loss, _ = _first("info_nce", s, n_neg=float(k), sim_neg=sn, temperature=tau)
    logits = np.concatenate([s[:, None], np.full((s.size, k), sn)], axis=1) / tau
    labels = np.zeros(k + 1)
    labels[0] = 1.0
    np.testing.assert_allclose(loss, losses.categorical_cross_entropy(labels, logits), rtol=1e-12)


def test_info_nce_half_marker_is_where_the_positive_gets_probability_one_half():
    # π₊ = ½ ⇔ e^{s⁺/τ} = K e^{s⁻/τ} ⇔ s⁺ = s⁻ + τ ln K; there ℓ = ln 2 and ∂ℓ/∂s⁺ = −1/(2τ).
    params = {"n_neg": 15.0, "sim_neg": -0.2, "temperature": 0.1}
    (eq_x, eq_label), (half_x, half_label) = _markers("info_nce", **params)
    assert eq_x == pytest.approx(-0.2) and "ln(K + 1)" in eq_label
    assert half_x == pytest.approx(-0.2 + 0.1 * math.log(15)) and "τ ln K" in half_label
    loss, grad = _first("info_nce", half_x, **params)
    assert loss[0] == pytest.approx(LN2, rel=1e-12)
    assert grad[0] == pytest.approx(-1.0 / (2 * 0.1), rel=1e-12)
    # With one negative the two markers coincide: only the first is drawn.
    assert len(_markers("info_nce", n_neg=1.0)) == 1


def test_a_smaller_temperature_sharpens_the_softmax():
    # At s⁺ − s⁻ = 0.3 the positive's probability e^{−ℓ} rises towards 1 as τ falls, and
    # the largest slope |∂ℓ/∂s⁺| along the axis approaches 1/τ (by hand, ∂ℓ/∂s⁺ =
    # −(1 − π₊)/τ with π₊ → 0 where s⁺ ≪ s⁻).
    s = np.linspace(-1.0, 1.0, 401)
    probs, slopes = [], []
    for tau in (1.0, 0.3, 0.1, 0.03):
        loss, _ = _first("info_nce", 0.3, sim_neg=0.0, temperature=tau)
        probs.append(math.exp(-loss[0]))
        _, grad = _first("info_nce", s, sim_neg=0.0, temperature=tau)
        slopes.append(float(np.max(-grad)))
        assert -grad.min() <= 1 / tau and float(np.max(-grad)) > 0.9 / tau
    assert probs == sorted(probs) and probs[-1] > 0.99


def test_info_nce_surface_rows_are_the_curve_at_each_temperature():
    x, y, z = _surface("info_nce", n_neg=9.0, sim_neg=0.15)
    for row in (0, 13, 40):
        loss, _ = _first("info_nce", x, n_neg=9.0, sim_neg=0.15, temperature=float(y[row]))
        np.testing.assert_allclose(z[row], loss, rtol=1e-12)


# --------------------------------------------------------------------------- cosine embedding


def test_cosine_embedding_at_cos_one_for_a_similar_pair_is_zero():
    branches = _curve("cosine_embedding", 1.0)
    loss, grad = branches["y = 1 (similar)"]
    assert loss[0] == 0.0 and grad[0] == -1.0  # 1 − cos, slope −1 (by hand)


@pytest.mark.parametrize(
    ("margin", "similar", "dissimilar"),
    [
        # torch.nn.functional.cosine_embedding_loss(a = [1, 0], b = [0.6, 0.8]), cos = 0.6,
        # float64, PyTorch 2.13.0: y = 1 gives 0.4000000000006 and y = −1 (this library's
        # 0) gives 0.5999999999994, 0.0999999999994 and 0.0 at m = 0, 0.5, 0.7 (PyTorch adds
        # 1e-12 to the squared norms, hence the last digits).
        (0.0, 0.4000000000006001, 0.5999999999993999),
        (0.5, 0.4000000000006001, 0.0999999999993999),
        (0.7, 0.4000000000006001, 0.0),
    ],
)
def test_cosine_embedding_against_pytorch(margin, similar, dissimilar):
    branches = _curve("cosine_embedding", 0.6, margin=margin)
    assert branches["y = 1 (similar)"][0][0] == pytest.approx(similar, abs=1e-11)
    assert branches["y = 0 (dissimilar)"][0][0] == pytest.approx(dissimilar, abs=1e-11)


def test_cosine_embedding_marker_is_the_margin_and_the_dissimilar_branch_vanishes_below_it():
    ((x, label),) = _markers("cosine_embedding", margin=0.35)
    assert x == pytest.approx(0.35) and "0.35" in label
    c = np.linspace(-1.0, 1.0, 201)
    loss, grad = _curve("cosine_embedding", c, margin=0.35)["y = 0 (dissimilar)"]
    np.testing.assert_array_equal(loss[c <= 0.35], 0.0)
    np.testing.assert_allclose(loss[c > 0.35], c[c > 0.35] - 0.35, rtol=1e-12)
    np.testing.assert_array_equal(grad, np.where(c > 0.35, 1.0, 0.0))


def test_cosine_embedding_surface_rows_are_the_dissimilar_branch_at_each_margin():
    x, y, z = _surface("cosine_embedding")
    for row in (0, 20, 33):
        np.testing.assert_allclose(z[row], np.maximum(0.0, x - y[row]), rtol=0, atol=1e-15)


def test_cosine_embedding_text_names_the_label_convention():
    spec = get("cosine_embedding")
    text = " ".join((spec.when_to_use, *spec.pitfalls))
    assert "y = −1" in text and "2 − 2 cos θ" in text


# --------------------------------------------------------------------------- DPO and IPO


@pytest.mark.parametrize("beta", [0.01, 0.1, 0.5, 1.0])
def test_dpo_at_h_zero_is_ln_2(beta):
    # −log σ(0) = ln 2 whatever β (Rafailov et al. 2023, eq. 7 at π_θ = π_ref), slope −β/2.
    branches = _curve("dpo", 0.0, beta=beta)
    loss, grad = branches["−log σ(βh)"]
    assert loss[0] == pytest.approx(LN2, rel=1e-12)
    assert grad[0] == pytest.approx(-beta / 2, rel=1e-12)
    prob, _ = branches["σ(βh), the implied P(chosen ≻ rejected)"]
    assert prob[0] == pytest.approx(0.5, rel=1e-12)


def test_dpo_is_bradley_terry_on_beta_h():
    h = np.linspace(-20.0, 20.0, 81)
    for beta in (0.05, 0.3):
        loss, grad = _first("dpo", h, beta=beta)
        np.testing.assert_allclose(loss, losses.bradley_terry(beta * h, 0.0), rtol=1e-12)
        np.testing.assert_allclose(
            grad, beta * losses.bradley_terry_grad(beta * h, 0.0)[0], rtol=1e-12
        )
    # By hand: β = 0.1, h = 10: −log σ(1) = log(1 + e^{−1}) = 0.3132616875182228.
    loss, _ = _first("dpo", 10.0)
    assert loss[0] == pytest.approx(0.3132616875182228, rel=1e-12)


def test_dpo_probability_branch_is_sigmoid_of_beta_h():
    h = np.linspace(-20.0, 20.0, 41)
    prob, slope = _curve("dpo", h, beta=0.2)["σ(βh), the implied P(chosen ≻ rejected)"]
    s = 1.0 / (1.0 + np.exp(-0.2 * h))
    np.testing.assert_allclose(prob, s, rtol=1e-12)
    np.testing.assert_allclose(slope, 0.2 * s * (1 - s), rtol=1e-10)


def test_the_views_inputs_stay_log_probabilities():
    # π_c = ρ + h ≤ 0 over the whole h axis (else the core would raise).
    axis = get("dpo").curve.axis()
    assert RHO + axis.range[1] < 0
    assert preference_module.REF_LOGP == RHO
    (_, hi), (_, y_hi) = DOMAINS["preference"].surface_ranges
    assert RHO + max(hi, y_hi) < 0 and RHO + DOMAINS["preference"].axes[0].range[1] < 0


@pytest.mark.parametrize("beta", [0.03, 0.1, 0.25, 1.0])
def test_ipo_minimum_is_at_h_one_over_two_beta(beta):
    # (h − 1/(2β))² is 0 with slope 0 at its target (Azar et al. 2023, eq. 17), and the
    # marker sits there, on the axis for every β the slider allows (β ≥ 0.03: h ≤ 16.7).
    target = 1.0 / (2.0 * beta)
    loss, grad = _first("ipo", target, beta=beta)
    assert loss[0] == pytest.approx(0.0, abs=1e-24) and grad[0] == pytest.approx(0.0, abs=1e-12)
    ((x, label),) = _markers("ipo", beta=beta)
    assert x == pytest.approx(target) and f"{target:.2f}" in label
    lo, hi = get("ipo").curve.x_range
    assert lo < target < hi


def test_ipo_known_values_and_that_it_pulls_back_where_dpo_keeps_pushing():
    # By hand: β = 0.5 at h = 0: (0 − 1)² = 1; β = 0.1 at h = −5: (−5 − 5)² = 100.
    assert _first("ipo", 0.0, beta=0.5)[0][0] == pytest.approx(1.0, rel=1e-12)
    assert _first("ipo", -5.0, beta=0.1)[0][0] == pytest.approx(100.0, rel=1e-12)
    h = np.linspace(-20.0, 20.0, 401)
    _, ipo_grad = _first("ipo", h, beta=0.1)
    _, dpo_grad = _first("dpo", h, beta=0.1)
    assert (dpo_grad < 0).all()  # DPO always asks for a larger margin
    assert (ipo_grad[h > 5.0] > 0).all() and (ipo_grad[h < 5.0] < 0).all()


def test_dpo_and_ipo_surfaces_rows_are_the_curves_at_each_beta():
    for key in ("dpo", "ipo"):
        x, y, z = _surface(key)
        for row in (0, 17, 40):
            loss, _ = _first(key, x, beta=float(y[row]))
            np.testing.assert_allclose(z[row], loss, rtol=1e-12)
    # IPO's valley follows h = 1/(2β) across the map (to the grid's spacing).
    x, y, z = _surface("ipo", n=161)
    best = x[np.argmin(z, axis=1)]
    inside = 1 / (2 * y) < x[-1]
    np.testing.assert_allclose(best[inside], 1 / (2 * y[inside]), atol=x[1] - x[0])


# --------------------------------------------------------------------------- preference hinge


def test_preference_hinge_known_values_and_marker():
    # max(0, m − Δr) with m = 1 (by hand): 2 at Δr = −1, 0.5 at 0.5, 0 from Δr = 1 on.
    loss, grad = _first("preference_hinge", np.array([-1.0, 0.5, 1.0, 3.0]))
    np.testing.assert_allclose(loss, [2.0, 0.5, 0.0, 0.0], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(grad, [-1.0, -1.0, 0.0, 0.0])  # subgradient 0 at the kink
    ((x, label),) = _markers("preference_hinge", margin=2.2)
    assert x == pytest.approx(2.2) and "2.20" in label


def test_preference_hinge_is_the_hinge_with_label_one_on_the_score_gap():
    dr = np.linspace(-6.0, 6.0, 61)
    for m in (0.0, 1.0, 2.5):
        loss, _ = _first("preference_hinge", dr, margin=m)
        np.testing.assert_allclose(loss, losses.hinge(1.0, dr, margin=m), rtol=0, atol=1e-15)


def test_preference_hinge_surface_rows_are_the_curve_at_each_margin():
    x, y, z = _surface("preference_hinge")
    for row in (0, 21, 40):
        np.testing.assert_allclose(z[row], np.maximum(0.0, y[row] - x), rtol=0, atol=1e-15)
