"""The loss suite: one set of checks parametrized over the whole registry.

A new loss added to the registry must add an entry to ``CASES`` (the test
``test_every_registered_loss_has_a_case`` fails otherwise) and then gets the
finite-difference gradient check, the domain sweep and the hypothesis sweep
for free, as in scikit-learn's ``sklearn/_loss/tests/test_loss.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses as L
from lossviz.registry import REGISTRY

RNG = np.random.default_rng(20261126)


@dataclass(frozen=True)
class Case:
    """How to draw valid inputs for one loss and which arguments the gradient covers."""

    sample: Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]
    wrt: tuple[int, ...]  # positional arguments the gradient is taken with respect to
    reduces: bool = False  # reduces over the last axis
    # Distance of each sample to the nearest kink, for the FD check (None: smooth).
    kink_gap: Callable[[tuple[np.ndarray, ...], dict], np.ndarray] | None = None
    # Hyperparameter sets beyond the defaults.
    extra_params: tuple[dict, ...] = field(default_factory=tuple)
    simplex_args: tuple[int, ...] = ()  # arguments constrained to the probability simplex


def _normal(scale):
    return lambda rng, n: rng.normal(0.0, scale, n)


def _simplex(rng, n, k=4):
    x = rng.uniform(0.05, 1.0, (n, k))
    return x / x.sum(axis=-1, keepdims=True)


def _residual_gap(points, kinks):
    r = points[1] - points[0]
    return np.min(np.abs(r[:, None] - np.asarray(kinks)[None, :]), axis=1)


CASES: dict[str, Case] = {
    "mse": Case(lambda rng, n: (rng.normal(0, 2, n), rng.normal(0, 2, n)), wrt=(1,)),
    "mae": Case(
        lambda rng, n: (rng.normal(0, 2, n), rng.normal(0, 2, n)),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [0.0]),
    ),
    "huber": Case(
        lambda rng, n: (rng.normal(0, 2, n), rng.normal(0, 2, n)),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [-p["delta"], p["delta"]]),
        extra_params=({"delta": 0.05}, {"delta": 0.7}, {"delta": 5.0}),
    ),
    "binary_cross_entropy": Case(
        lambda rng, n: (rng.uniform(0, 1, n), rng.normal(0, 4, n)), wrt=(1,)
    ),
    "categorical_cross_entropy": Case(
        lambda rng, n: (_simplex(rng, n), rng.normal(0, 3, (n, 4))), wrt=(1,), reduces=True
    ),
    "focal": Case(
        lambda rng, n: (rng.choice([0.0, 1.0, 0.3], n), rng.normal(0, 4, n)),
        wrt=(1,),
        extra_params=(
            {"gamma": 0.0, "alpha": None},
            {"gamma": 0.5, "alpha": 0.25},
            {"gamma": 1.0, "alpha": 0.9},
            {"gamma": 5.0, "alpha": None},
        ),
    ),
    "kl_divergence": Case(
        lambda rng, n: (_simplex(rng, n), _simplex(rng, n)),
        wrt=(1,),
        reduces=True,
        simplex_args=(0, 1),
    ),
    "contrastive": Case(
        lambda rng, n: (rng.choice([0.0, 1.0, 0.5], n), rng.uniform(0.05, 3.0, n)),
        wrt=(1,),
        kink_gap=lambda a, p: np.minimum(np.abs(a[1] - p["margin"]), a[1]),
        extra_params=({"margin": 0.0}, {"margin": 2.5}),
    ),
    "triplet": Case(
        lambda rng, n: (rng.uniform(0.05, 3.0, n), rng.uniform(0.05, 3.0, n)),
        wrt=(0, 1),
        kink_gap=lambda a, p: np.minimum.reduce([np.abs(a[0] - a[1] + p["margin"]), a[0], a[1]]),
        extra_params=({"margin": 0.0}, {"margin": 2.0}),
    ),
    "bradley_terry": Case(
        lambda rng, n: (rng.normal(0, 3, n), rng.normal(0, 3, n)),
        wrt=(0, 1),
        extra_params=({"margin": -2.0}, {"margin": 1.0}),
    ),
}


def _param_sets(key):
    spec = REGISTRY[key]
    defaults = {p.name: p.default for p in spec.params}
    return [defaults, *({**defaults, **e} for e in CASES[key].extra_params)]


def _ids(key, params):
    return f"{key}-" + ",".join(f"{k}={v}" for k, v in params.items()) if params else key


PARAM_CASES = [
    pytest.param(key, params, id=_ids(key, params)) for key in CASES for params in _param_sets(key)
]


def _grads(key, args, params):
    g = REGISTRY[key].grad(*args, **params)
    return g if isinstance(g, tuple) else (g,)


def test_every_registered_loss_has_a_case():
    assert set(CASES) == set(REGISTRY)


def test_every_contract_function_is_registered_with_its_gradient():
    for key, spec in REGISTRY.items():
        assert spec.fn is getattr(L, key)
        assert spec.grad is getattr(L, f"{key}_grad")
        for f in (spec.fn, spec.grad):
            doc = f.__doc__ or ""
            assert "Example" in doc or f is spec.grad, f"{f.__name__} docstring lacks an example"


# --- gradients against a 4th-order central difference -------------------------------

H = 1e-4


@pytest.mark.parametrize(("key", "params"), PARAM_CASES)
def test_gradient_matches_fourth_order_central_difference(key, params):
    case = CASES[key]
    fn = REGISTRY[key].fn
    args = case.sample(RNG, 400)
    grads = _grads(key, args, params)
    assert len(grads) == len(case.wrt)
    keep = np.ones(args[0].shape[0], dtype=bool)
    if case.kink_gap is not None:
        keep = case.kink_gap(args, params) > 10 * H  # the stencil spans ±2h·|v| ≤ 4h
    assert keep.sum() > 100
    for i, g in zip(case.wrt, grads, strict=True):
        v = RNG.uniform(-1.0, 1.0, args[i].shape)
        if i in case.simplex_args:
            v -= v.mean(axis=-1, keepdims=True)  # stay on the simplex: Σ v = 0

        def f(t, i=i, v=v):
            moved = list(args)
            moved[i] = args[i] + t * v
            return fn(*moved, **params)

        fd = (-f(2 * H) + 8 * f(H) - 8 * f(-H) + f(-2 * H)) / (12 * H)
        analytic = g * v
        if case.reduces:
            analytic = analytic.sum(axis=-1)
        np.testing.assert_allclose(analytic[keep], fd[keep], rtol=1e-6, atol=1e-7)


# --- conventions at the kinks ---------------------------------------------------------


def test_subgradients_at_kinks_are_zero():
    assert L.mae_grad(1.5, 1.5) == 0.0
    dp, dn = L.triplet_grad(1.0, 2.0, margin=1.0)  # d_pos − d_neg + m = 0 exactly
    assert dp == 0.0 and dn == 0.0
    assert L.contrastive_grad(0.0, 1.0, margin=1.0) == 0.0  # the hinge ends at d = m
    # KL: p = 0 contributes no gradient, even where q = 0 too.
    assert L.kl_divergence_grad([1.0, 0.0], [1.0, 0.0]).tolist() == [-1.0, 0.0]


@pytest.mark.parametrize("delta", [0.05, 0.7, 1.0, 3.0])
def test_huber_is_continuous_with_clipped_gradient_at_the_kink(delta):
    eps = 1e-9
    for s in (-1.0, 1.0):
        left = L.huber(0.0, s * (delta - eps), delta=delta)
        right = L.huber(0.0, s * (delta + eps), delta=delta)
        assert abs(left - right) < 1e-8
        assert L.huber(0.0, s * delta, delta=delta) == pytest.approx(0.5 * delta**2)
    r = np.linspace(-3 * delta, 3 * delta, 101)
    np.testing.assert_array_equal(L.huber_grad(0.0, r, delta=delta), np.clip(r, -delta, delta))


# --- known values, each with its source ----------------------------------------------


def _logit(p):
    return math.log(p / (1 - p))


# Lin et al. 2017 (Focal Loss for Dense Object Detection), Fig. 1 curves: FL = −(1−p_t)^γ ln p_t.
# Hand values: −(0.9)² ln 0.1 = 0.81 × 2.302585 = 1.865094; −(0.5)² ln 0.5 = 0.173287;
# −(0.1)² ln 0.9 = 0.001054; −(0.032)² ln 0.968 = 3.3e-5. γ = 0 is CE = −ln p_t.
FOCAL_GAMMA2 = [1.865094, 0.173287, 0.001054, 3.3e-5]
CE_AT_PT = [2.302585, 0.693147, 0.105361, 0.032523]
PTS = [0.1, 0.5, 0.9, 0.968]


@pytest.mark.parametrize(("pt", "fl", "ce"), list(zip(PTS, FOCAL_GAMMA2, CE_AT_PT, strict=True)))
def test_focal_known_values_lin_et_al(pt, fl, ce):
    # p_t for a positive (y = 1) with p = p_t, and for a negative (y = 0) with p = 1 − p_t.
    for y, z in ((1.0, _logit(pt)), (0.0, -_logit(pt))):
        assert L.focal(y, z, gamma=2.0, alpha=None) == pytest.approx(fl, rel=1e-3, abs=5e-7)
        assert L.focal(y, z, gamma=0.0, alpha=None) == pytest.approx(ce, abs=5e-7)


def test_focal_to_cross_entropy_ratio_is_100_at_pt_0_9():
    # Lin et al. 2017, §3.2: "with γ = 2, an example classified with p_t = 0.9 would have
    # 100× lower loss compared with CE"; (1 − 0.9)^−2 = 100 exactly.
    z = _logit(0.9)
    ratio = L.focal(1.0, z, gamma=0.0, alpha=None) / L.focal(1.0, z, gamma=2.0, alpha=None)
    assert ratio == pytest.approx(100.0, rel=1e-9)


def test_focal_alpha_weights_the_positive_class():
    # torchvision.ops.sigmoid_focal_loss: alpha_t = α·y + (1 − α)(1 − y).
    pos = L.focal(1.0, 0.0, gamma=2.0, alpha=0.25)
    neg = L.focal(0.0, 0.0, gamma=2.0, alpha=0.25)
    unweighted = L.focal(1.0, 0.0, gamma=2.0, alpha=None)
    assert pos == pytest.approx(0.25 * unweighted)
    assert neg == pytest.approx(0.75 * unweighted)


@pytest.mark.parametrize(
    ("z", "y", "expected"),
    [
        (0.0, 1.0, math.log(2.0)),  # σ(0) = ½: −ln ½ = ln 2
        (2.0, 1.0, 0.126928),  # ln(1 + e^−2) = 0.1269280110 (by hand)
        (-1000.0, 1.0, 1000.0),  # softplus(1000) = 1000 + ln(1 + e^−1000) = 1000 in float64
        (1000.0, 0.0, 1000.0),
    ],
)
def test_bce_known_values(z, y, expected):
    assert L.binary_cross_entropy(y, z) == pytest.approx(expected, abs=5e-7)


@pytest.mark.parametrize(
    ("dr", "m", "expected"),
    [
        (0.0, 0.0, math.log(2.0)),  # σ(0) = ½
        (1.0, 0.0, 0.313262),  # ln(1 + e^−1) = 0.3132616875
        (1.0, 1.0, math.log(2.0)),  # the margin cancels the gap
    ],
)
def test_bradley_terry_known_values(dr, m, expected):
    assert L.bradley_terry(dr + 0.3, 0.3, margin=m) == pytest.approx(expected, abs=5e-7)


def test_categorical_cross_entropy_known_value():
    # −log softmax([2, 1, 0.1])_0 = ln(e² + e + e^0.1) − 2 = 0.4170300 (the classic
    # softmax example: probabilities 0.659, 0.242, 0.099).
    assert L.categorical_cross_entropy([1, 0, 0], [2.0, 1.0, 0.1]) == pytest.approx(
        0.417030, abs=5e-7
    )


def test_kl_known_value_and_infinity():
    # KL(½,½ ‖ 0.9,0.1) = ½ ln(½/0.9) + ½ ln(½/0.1) = ½ ln(25/9) = 0.5108256
    assert L.kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.5108256, abs=1e-7)
    assert L.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert L.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2.0))


# --- identities -----------------------------------------------------------------------


def test_focal_with_gamma_0_and_no_alpha_is_bce():
    y, z = RNG.uniform(0, 1, 500), RNG.normal(0, 5, 500)
    np.testing.assert_allclose(
        L.focal(y, z, gamma=0.0, alpha=None), L.binary_cross_entropy(y, z), rtol=1e-14
    )
    np.testing.assert_allclose(
        L.focal_grad(y, z, gamma=0.0, alpha=None),
        L.binary_cross_entropy_grad(y, z),
        rtol=1e-12,
        atol=1e-15,
    )


def test_bradley_terry_is_bce_on_the_score_difference():
    rc, rr = RNG.normal(0, 4, 500), RNG.normal(0, 4, 500)
    np.testing.assert_allclose(L.bradley_terry(rc, rr), L.binary_cross_entropy(1.0, rc - rr))
    gc, gr = L.bradley_terry_grad(rc, rr)
    np.testing.assert_allclose(gc, L.binary_cross_entropy_grad(1.0, rc - rr))
    np.testing.assert_allclose(gr, -gc)


def test_two_class_cce_is_bce_on_the_logit_difference():
    z = RNG.normal(0, 4, (500, 2))
    y = RNG.uniform(0, 1, 500)
    labels = np.stack([1 - y, y], axis=-1)
    np.testing.assert_allclose(
        L.categorical_cross_entropy(labels, z),
        L.binary_cross_entropy(y, z[:, 1] - z[:, 0]),
        rtol=1e-12,
        atol=1e-14,
    )


def test_huber_limits():
    r = RNG.normal(0, 3, 500)
    # δ → ∞: every residual is in the quadratic regime, so Huber = ½ MSE exactly.
    np.testing.assert_allclose(L.huber(0.0, r, delta=1e6), 0.5 * L.mse(0.0, r))
    # δ → 0: Huber/δ = |r| − δ/2 → MAE.
    np.testing.assert_allclose(L.huber(0.0, r, delta=1e-9) / 1e-9, L.mae(0.0, r), atol=1e-8)


def test_kl_of_a_distribution_with_itself_is_zero_and_kl_is_nonnegative():
    p, q = _simplex(RNG, 500, 6), _simplex(RNG, 500, 6)
    np.testing.assert_allclose(L.kl_divergence(p, p), 0.0, atol=1e-15)
    assert (L.kl_divergence(p, q) >= 0).all()
    assert not np.allclose(L.kl_divergence(p, q), L.kl_divergence(q, p))  # asymmetric


# --- extremes: finite, exact, no warnings (pytest turns RuntimeWarning into errors) ---


@pytest.mark.parametrize("z", [-1e4, -50.0, 0.0, 50.0, 1e4])
@pytest.mark.parametrize("gamma", [0.0, 0.3, 0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("y", [0.0, 0.4, 1.0])
def test_focal_finite_at_extreme_logits_for_every_gamma(z, gamma, y):
    for alpha in (None, 0.25):
        v = L.focal(y, z, gamma=gamma, alpha=alpha)
        g = L.focal_grad(y, z, gamma=gamma, alpha=alpha)
        assert np.isfinite(v) and v >= 0
        assert np.isfinite(g)


def test_extreme_logits_and_scores_are_exact():
    z = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(L.binary_cross_entropy([1.0, 0.0], z), [1e4, 1e4])
    np.testing.assert_array_equal(L.binary_cross_entropy([0.0, 1.0], z), [0.0, 0.0])
    np.testing.assert_array_equal(L.binary_cross_entropy_grad([1.0, 0.0], z), [-1.0, 1.0])
    assert L.categorical_cross_entropy([0, 1], [1e4, -1e4]) == 2e4
    assert L.bradley_terry(-1e4, 1e4) == 2e4
    assert L.bradley_terry(1e4, -1e4) == 0.0


# --- hypothesis: finite and non-negative over each domain, extremes included -----------

logit = st.floats(-1e4, 1e4)
label = st.floats(0.0, 1.0)
dist = st.floats(0.0, 1e3)
real = st.floats(-1e6, 1e6)


@settings(max_examples=300, deadline=None)
@given(y=real, yhat=real, delta=st.floats(1e-3, 1e3))
def test_regression_losses_finite_nonnegative(y, yhat, delta):
    for v in (L.mse(y, yhat), L.mae(y, yhat), L.huber(y, yhat, delta=delta)):
        assert np.isfinite(v) and v >= 0
    assert abs(L.huber_grad(y, yhat, delta=delta)) <= delta


@settings(max_examples=300, deadline=None)
@given(y=label, z=logit, gamma=st.floats(0.0, 5.0), alpha=st.none() | label)
def test_binary_losses_finite_nonnegative(y, z, gamma, alpha):
    for v in (L.binary_cross_entropy(y, z), L.focal(y, z, gamma=gamma, alpha=alpha)):
        assert np.isfinite(v) and v >= 0
    assert np.isfinite(L.focal_grad(y, z, gamma=gamma, alpha=alpha))
    assert abs(L.binary_cross_entropy_grad(y, z)) <= 1.0


@settings(max_examples=200, deadline=None)
@given(
    z=st.lists(logit, min_size=2, max_size=6),
    data=st.data(),
)
def test_cce_finite_nonnegative(z, data):
    k = data.draw(st.integers(0, len(z) - 1))
    y = np.eye(len(z))[k]
    v = L.categorical_cross_entropy(y, z)
    assert np.isfinite(v) and v >= 0
    g = L.categorical_cross_entropy_grad(y, z)
    assert np.isfinite(g).all() and abs(g.sum()) < 1e-12


@settings(max_examples=200, deadline=None)
@given(w=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6), data=st.data())
def test_kl_finite_nonnegative_where_q_positive(w, data):
    p = np.asarray(w) + 1e-12
    p = p / p.sum()
    u = np.asarray(data.draw(st.lists(st.floats(1e-6, 1.0), min_size=len(w), max_size=len(w))))
    q = u / u.sum()
    v = L.kl_divergence(p, q)
    assert np.isfinite(v) and v >= 0


@settings(max_examples=300, deadline=None)
@given(y=label, d=dist, dn=dist, m=st.floats(0.0, 10.0), r=logit, s=logit, bm=st.floats(-10, 10))
def test_metric_and_preference_losses_finite_nonnegative(y, d, dn, m, r, s, bm):
    vals = [
        L.contrastive(y, d, margin=m),
        L.triplet(d, dn, margin=m),
        L.bradley_terry(r, s, margin=bm),
    ]
    for v in vals:
        assert np.isfinite(v) and v >= 0
    assert np.isfinite(L.bradley_terry_grad(r, s, margin=bm)).all()


# --- broadcasting, dtype, shapes -------------------------------------------------------


def test_broadcasting_and_float64():
    out = L.huber(np.zeros((3, 1)), np.arange(4, dtype=np.float32), delta=1.5)
    assert out.shape == (3, 4) and out.dtype == np.float64
    out = L.categorical_cross_entropy(np.eye(3)[None, :, :], np.zeros((5, 1, 3)))
    assert out.shape == (5, 3)
    out = L.kl_divergence([0.5, 0.5], np.full((7, 2), 0.5))
    assert out.shape == (7,)
    assert L.mse([1, 2], [1, 4]).dtype == np.float64  # integers are accepted


# --- bad input: ValueError naming the argument, the value and what is allowed ----------

BAD = [
    (lambda: L.huber(0, 1, delta=-1.0), "delta must be > 0 and finite, got -1.0"),
    (lambda: L.huber(0, 1, delta=0.0), "delta must be > 0 and finite, got 0.0"),
    (lambda: L.huber(0, 1, delta=math.inf), "delta must be > 0 and finite, got inf"),
    (lambda: L.huber(0, 1, delta=math.nan), "delta must be > 0 and finite, got nan"),
    (lambda: L.focal(1, 0, gamma=-0.5), "gamma must be >= 0 and finite, got -0.5"),
    (lambda: L.focal(1, 0, alpha=1.5), "alpha must lie in [0, 1] (or be None), got 1.5"),
    (lambda: L.focal_grad(1, 0, alpha=-0.1), "alpha must lie in [0, 1] (or be None), got -0.1"),
    (lambda: L.contrastive(1, 1, margin=-1), "margin must be >= 0 and finite, got -1.0"),
    (lambda: L.triplet(1, 1, margin=-0.5), "margin must be >= 0 and finite, got -0.5"),
    (lambda: L.bradley_terry(1, 0, margin=math.inf), "margin must be a finite number, got inf"),
    (lambda: L.binary_cross_entropy(1.5, 0.0), "labels must lie in [0, 1], got 1.5"),
    (lambda: L.focal([-0.5], [0.0]), "labels must lie in [0, 1], got -0.5"),
    (lambda: L.categorical_cross_entropy([2, 0], [0, 0]), "labels must lie in [0, 1], got 2.0"),
    (lambda: L.contrastive(1, -0.1), "distance must be finite and >= 0, got -0.1"),
    (lambda: L.triplet(-1, 1), "d_pos must be finite and >= 0, got -1.0"),
    (lambda: L.triplet(1, -2), "d_neg must be finite and >= 0, got -2.0"),
    (lambda: L.kl_divergence([1.2, -0.2], [0.5, 0.5]), "p must be >= 0 and finite, got -0.2"),
    (lambda: L.kl_divergence([0.5, 0.5], [0.6, 0.6]), "q must sum to 1 over the last axis"),
    (lambda: L.kl_divergence(0.5, [0.5, 0.5]), "p must have at least one axis"),
    (lambda: L.binary_cross_entropy(1, math.inf), "logits must be finite, got inf"),
    (lambda: L.mse([1.0, math.nan], 0.0), "y_true must not contain NaN"),
    (lambda: L.mse(["a"], [1.0]), "y_true must be an array of real numbers"),
    (lambda: L.huber(0, 1, delta="1"), "delta must be a real number, got '1'"),
    (
        lambda: L.mse(np.zeros(3), np.zeros(4)),
        "shapes do not broadcast: y_true with shape (3,) and y_pred with shape (4,)",
    ),
    (
        lambda: L.categorical_cross_entropy(np.eye(3), np.zeros((3, 4))),
        "labels with shape (3, 3) and logits with shape (3, 4)",
    ),
    (
        lambda: L.bradley_terry_grad(np.zeros(2), np.zeros(5)),
        "score_chosen with shape (2,) and score_rejected with shape (5,)",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_docstring_examples_run():
    import doctest

    from lossviz.losses import classification, divergence, metric, preference, regression

    for module in (regression, classification, divergence, metric, preference):
        result = doctest.testmod(module, extraglobs={"np": np})
        assert result.attempted > 0 and result.failed == 0, module.__name__
