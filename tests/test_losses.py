"""The loss suite: one set of checks parametrized over every public loss.

Every loss exported by :mod:`lossviz.losses` must have an entry in ``CASES``
(``test_cases_cover_every_public_loss`` fails otherwise) and then gets the
finite-difference gradient check, the hyperparameter-broadcasting checks, the
element-wise validation check and the result-type check for free, as in
scikit-learn's ``sklearn/_loss/tests/test_loss.py``. Each loss's function is
``getattr(L, key)`` and its defaults come from its signature, so the suite does
not depend on the registry (which describes only some of the losses).

Reference values computed with PyTorch 2.13.0 (CPU, float64), scikit-learn 1.9.1,
SciPy 1.17.1 and MONAI 1.6.1 were run in a throwaway virtual environment outside
the repository; each carries the call that produced it. None of them is imported
here.
"""

from __future__ import annotations

import inspect
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import losses as L
from lossviz.losses._stable import sigmoid
from lossviz.registry import REGISTRY

RNG = np.random.default_rng(20261126)
LN2 = math.log(2.0)


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
    nonnegative: bool = True  # the loss is >= 0 (the NLLs drop constants and are not)


def _normal(scale):
    return lambda rng, n: rng.normal(0.0, scale, n)


def _simplex(rng, n, k=4):
    x = rng.uniform(0.05, 1.0, (n, k))
    return x / x.sum(axis=-1, keepdims=True)


def _one_hot(rng, n, k=4):
    return np.eye(k)[rng.integers(0, k, n)]


def _bits(rng, n):
    return rng.integers(0, 2, n).astype(np.float64)


def _residual_gap(points, kinks):
    r = points[1] - points[0]
    return np.min(np.abs(r[:, None] - np.asarray(kinks, dtype=float)[None, :]), axis=1)


def _tz(a):
    return (2.0 * a[0] - 1.0) * a[1]


def _margin_gap(a, kinks):
    return np.min(np.abs(_tz(a)[:, None] - np.asarray(kinks, dtype=float)[None, :]), axis=1)


def _multiclass_gap(a, p):
    y, s = a
    s_c = np.sum(y * s, axis=-1, keepdims=True)
    slack = np.where(y == 1.0, np.inf, np.abs(p["margin"] - s_c + s))
    return np.min(slack, axis=-1)


def _masks(rng, n, k=5):
    """Soft and hard labels (every row has a positive, so no row is 0/0) and probs."""
    y = rng.choice([0.0, 1.0, 0.3], (n, k))
    y[:, 0] = 1.0
    return y, rng.uniform(0.01, 0.99, (n, k))


def _log_probs(rng, n):
    return tuple(rng.uniform(-5.0, -0.01, n) for _ in range(4))


def _two_normals(scale):
    return lambda rng, n: (rng.normal(0, scale, n), rng.normal(0, scale, n))


CASES: dict[str, Case] = {
    # --- regression
    "mse": Case(_two_normals(2), wrt=(1,)),
    "mae": Case(_two_normals(2), wrt=(1,), kink_gap=lambda a, p: _residual_gap(a, [0.0])),
    "huber": Case(
        _two_normals(2),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [-p["delta"], p["delta"]]),
        extra_params=({"delta": 0.05}, {"delta": 0.7}, {"delta": 5.0}),
    ),
    "smooth_l1": Case(
        _two_normals(2),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [-p["beta"], 0.0, p["beta"]]),
        extra_params=({"beta": 0.0}, {"beta": 0.05}, {"beta": 3.0}),
    ),
    "pseudo_huber": Case(_two_normals(2), wrt=(1,), extra_params=({"delta": 0.05}, {"delta": 5.0})),
    "log_cosh": Case(_two_normals(3), wrt=(1,)),
    "quantile": Case(
        _two_normals(2),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [0.0]),
        extra_params=({"tau": 0.1}, {"tau": 0.9}),
    ),
    "epsilon_insensitive": Case(
        _two_normals(2),
        wrt=(1,),
        kink_gap=lambda a, p: _residual_gap(a, [-p["epsilon"], 0.0, p["epsilon"]]),
        extra_params=({"epsilon": 0.0}, {"epsilon": 0.5}),
    ),
    "general_robust": Case(
        _two_normals(2),
        wrt=(1,),
        extra_params=(
            {"alpha": 2.0},
            {"alpha": 2.0 - 1e-9},
            {"alpha": 0.0},
            {"alpha": 1e-9},
            {"alpha": -2.0},
            {"alpha": -math.inf},
            {"alpha": math.inf, "scale": 2.0},
            {"alpha": 5.0, "scale": 0.5},
            {"alpha": -20.0, "scale": 3.0},
        ),
    ),
    "poisson_nll": Case(
        lambda rng, n: (rng.poisson(3.0, n).astype(np.float64), rng.normal(0, 2, n)),
        wrt=(1,),
        nonnegative=False,
    ),
    "gaussian_nll": Case(
        lambda rng, n: (rng.normal(0, 2, n), rng.normal(0, 2, n), rng.uniform(0.2, 3.0, n)),
        wrt=(1, 2),
        nonnegative=False,
    ),
    # --- classification
    "binary_cross_entropy": Case(
        lambda rng, n: (rng.uniform(0, 1, n), rng.normal(0, 4, n)),
        wrt=(1,),
        extra_params=({"pos_weight": 0.0}, {"pos_weight": 3.0}),
    ),
    "categorical_cross_entropy": Case(
        lambda rng, n: (_simplex(rng, n), rng.normal(0, 3, (n, 4))),
        wrt=(1,),
        reduces=True,
        extra_params=({"label_smoothing": 0.1}, {"label_smoothing": 1.0}),
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
    "hinge": Case(
        lambda rng, n: (_bits(rng, n), rng.normal(0, 2, n)),
        wrt=(1,),
        kink_gap=lambda a, p: _margin_gap(a, [p["margin"]]),
        extra_params=({"margin": 0.0}, {"margin": 2.5}),
    ),
    "squared_hinge": Case(
        lambda rng, n: (_bits(rng, n), rng.normal(0, 2, n)),
        wrt=(1,),
        kink_gap=lambda a, p: _margin_gap(a, [p["margin"]]),
        extra_params=({"margin": 0.0}, {"margin": 2.5}),
    ),
    "modified_huber": Case(
        lambda rng, n: (_bits(rng, n), rng.normal(0, 2, n)),
        wrt=(1,),
        kink_gap=lambda a, p: _margin_gap(a, [-1.0, 1.0]),
    ),
    "exponential": Case(lambda rng, n: (_bits(rng, n), rng.normal(0, 2, n)), wrt=(1,)),
    "multiclass_hinge": Case(
        lambda rng, n: (_one_hot(rng, n), rng.normal(0, 1.5, (n, 4))),
        wrt=(1,),
        reduces=True,
        kink_gap=_multiclass_gap,
        extra_params=({"margin": 0.0}, {"margin": 2.0}),
    ),
    # --- divergence
    "kl_divergence": Case(
        lambda rng, n: (_simplex(rng, n), _simplex(rng, n)),
        wrt=(1,),
        reduces=True,
        simplex_args=(0, 1),
    ),
    "js_divergence": Case(
        lambda rng, n: (_simplex(rng, n), _simplex(rng, n)),
        wrt=(1,),
        reduces=True,
        simplex_args=(0, 1),
    ),
    # --- metric
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
    "info_nce": Case(
        lambda rng, n: (rng.uniform(-1, 1, n), rng.uniform(-1, 1, (n, 4))),
        wrt=(0, 1),
        reduces=True,
        extra_params=({"temperature": 0.5}, {"temperature": 2.0}),
    ),
    "cosine_embedding": Case(
        lambda rng, n: (_bits(rng, n), rng.uniform(-0.99, 0.99, n)),
        wrt=(1,),
        kink_gap=lambda a, p: np.where(a[0] == 0.0, np.abs(a[1] - p["margin"]), np.inf),
        extra_params=({"margin": -0.5}, {"margin": 0.5}),
    ),
    # --- preference
    "bradley_terry": Case(
        _two_normals(3), wrt=(0, 1), extra_params=({"margin": -2.0}, {"margin": 1.0})
    ),
    "dpo": Case(_log_probs, wrt=(0, 1), extra_params=({"beta": 0.5}, {"beta": 2.0})),
    "ipo": Case(_log_probs, wrt=(0, 1), extra_params=({"beta": 0.5}, {"beta": 2.0})),
    "preference_hinge": Case(
        _two_normals(2),
        wrt=(0, 1),
        kink_gap=lambda a, p: np.abs(p["margin"] - (a[0] - a[1])),
        extra_params=({"margin": 0.0}, {"margin": 2.0}),
    ),
    # --- overlap
    "soft_dice": Case(
        _masks, wrt=(1,), reduces=True, extra_params=({"smooth": 0.0}, {"smooth": 5.0})
    ),
    "tversky": Case(
        _masks,
        wrt=(1,),
        reduces=True,
        extra_params=(
            {"smooth": 0.0},
            {"alpha": 0.3, "beta": 0.7},
            {"alpha": 0.0, "beta": 1.0, "smooth": 0.0},
            {"alpha": 2.0, "beta": 0.0, "smooth": 0.5},
        ),
    ),
    "soft_jaccard": Case(
        _masks, wrt=(1,), reduces=True, extra_params=({"smooth": 0.0}, {"smooth": 5.0})
    ),
}

PUBLIC = sorted(n for n in L.__all__ if not n.endswith("_grad"))


def _fn(key):
    return getattr(L, key)


def _grad_fn(key):
    return getattr(L, key + "_grad")


def _defaults(key) -> dict:
    """The keyword-only hyperparameters and their defaults, from the signature."""
    sig = inspect.signature(_fn(key))
    return {n: p.default for n, p in sig.parameters.items() if p.kind is p.KEYWORD_ONLY}


def _param_sets(key):
    defaults = _defaults(key)
    return [defaults, *({**defaults, **e} for e in CASES[key].extra_params)]


def _ids(key, params):
    return f"{key}-" + ",".join(f"{k}={v}" for k, v in params.items()) if params else key


PARAM_CASES = [
    pytest.param(key, params, id=_ids(key, params)) for key in CASES for params in _param_sets(key)
]
HYPER_KEYS = [key for key in CASES if _defaults(key)]
HYPER_CASES = [
    pytest.param(key, name, id=f"{key}-{name}") for key in HYPER_KEYS for name in _defaults(key)
]


def _grads(key, args, params):
    g = _grad_fn(key)(*args, **params)
    return g if isinstance(g, tuple) else (g,)


def test_cases_cover_every_public_loss():
    assert set(CASES) == set(PUBLIC)
    assert len(PUBLIC) == 32
    assert set(REGISTRY) <= set(CASES)


def test_the_public_names_are_sorted_and_exported_from_the_package():
    import lossviz

    assert list(L.__all__) == sorted(L.__all__)
    assert set(L.__all__) == {*PUBLIC, *(k + "_grad" for k in PUBLIC)}
    for name in L.__all__:
        assert getattr(lossviz, name) is getattr(L, name)
        assert name in lossviz.__all__


@pytest.mark.parametrize("key", PUBLIC)
def test_every_loss_has_a_documented_gradient_and_keyword_only_hyperparameters(key):
    fn, grad = _fn(key), _grad_fn(key)
    doc = fn.__doc__ or ""
    assert "Example" in doc and ">>>" in doc, f"{key} docstring lacks an example"
    assert "Reference" in doc, f"{key} docstring lacks its reference"
    assert ">>>" in (grad.__doc__ or ""), f"{key}_grad docstring lacks an example"
    sig, gsig = inspect.signature(fn), inspect.signature(grad)
    assert list(sig.parameters) == list(gsig.parameters)
    for p, q in zip(sig.parameters.values(), gsig.parameters.values(), strict=True):
        assert (p.kind, p.default) == (q.kind, q.default), (key, p.name)
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        # Array arguments have no default; hyperparameters are keyword-only with one.
        assert (p.kind is p.KEYWORD_ONLY) == (p.default is not p.empty), (key, p.name)


def test_every_contract_function_is_registered_with_its_gradient():
    for key, spec in REGISTRY.items():
        assert spec.fn is getattr(L, key)
        assert spec.grad is getattr(L, f"{key}_grad")


# --- gradients against a 4th-order central difference -------------------------------

H = 1e-4


def _check_fd(key, params, grad_scale=1.0):
    case = CASES[key]
    fn = _fn(key)
    rng = np.random.default_rng(zlib.crc32(_ids(key, params).encode()))
    args = case.sample(rng, 400)
    grads = _grads(key, args, params)
    assert len(grads) == len(case.wrt)
    keep = np.ones(args[0].shape[0], dtype=bool)
    if case.kink_gap is not None:
        keep = case.kink_gap(args, params) > 10 * H  # the stencil spans ±2h·|v| ≤ 4h
    assert keep.sum() > 100
    worst = {"rel": 0.0, "abs": 0.0}  # for the report: relative where |FD| >= 1e-3
    for i, g in zip(case.wrt, grads, strict=True):
        v = rng.uniform(-1.0, 1.0, args[i].shape)
        if i in case.simplex_args:
            v -= v.mean(axis=-1, keepdims=True)  # stay on the simplex: Σ v = 0

        def f(t, i=i, v=v):
            moved = list(args)
            moved[i] = args[i] + t * v
            return fn(*moved, **params)

        fd = (-f(2 * H) + 8 * f(H) - 8 * f(-H) + f(-2 * H)) / (12 * H)
        analytic = grad_scale * g * v
        if analytic.shape != fd.shape:  # an argument with the class axis of a reduced loss
            analytic = analytic.sum(axis=-1)
        np.testing.assert_allclose(analytic[keep], fd[keep], rtol=1e-6, atol=1e-7)
        diff, big = np.abs(analytic[keep] - fd[keep]), np.abs(fd[keep]) >= 1e-3
        worst["abs"] = max(worst["abs"], float(diff.max()))
        worst["rel"] = max(worst["rel"], float((diff[big] / np.abs(fd[keep][big])).max()))
    return worst


@pytest.mark.parametrize(("key", "params"), PARAM_CASES)
def test_gradient_matches_fourth_order_central_difference(key, params):
    _check_fd(key, params)


@pytest.mark.parametrize("key", PUBLIC)
def test_the_finite_difference_check_catches_a_gradient_off_by_a_tenth_of_a_percent(key):
    # The check above must be able to fail: every loss's gradient scaled by 1.001.
    with pytest.raises(AssertionError):
        _check_fd(key, _defaults(key), grad_scale=1.001)


# --- hyperparameters broadcast like inputs ----------------------------------------------


def _values(key, name):
    """The distinct (non-None) values of one hyperparameter over the loss's parameter sets."""
    out = []
    for params in _param_sets(key):
        v = params[name]
        if v is not None and v not in out:
            out.append(v)
    return np.array(out, dtype=np.float64)


def _stack(outs):
    """Stack scalar-call results (arrays or tuples of arrays) along a new first axis."""
    if isinstance(outs[0], tuple):
        return tuple(np.stack(parts) for parts in zip(*outs, strict=True))
    return np.stack(outs)


def _assert_same(got, want):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert np.asarray(g).dtype == np.float64
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(("key", "name"), HYPER_CASES)
def test_a_hyperparameter_array_is_the_stack_of_the_scalar_calls(key, name):
    # DESIGN.md: huber(0.0, r[None, :], delta=deltas[:, None]) is the stack of the scalar
    # calls. Inputs along axis 1, the hyperparameter's values along axis 0: a 2-D grid.
    values = _values(key, name)
    assert values.size >= 2, "add an extra_params entry that varies this hyperparameter"
    defaults = _defaults(key)
    args = CASES[key].sample(np.random.default_rng(7), 9)
    grid = [a[None, ...] for a in args]
    for fn in (_fn(key), _grad_fn(key)):
        want = _stack([fn(*args, **{**defaults, name: float(v)}) for v in values])
        _assert_same(fn(*grid, **{**defaults, name: values[:, None]}), want)


@pytest.mark.parametrize(("key", "name"), HYPER_CASES)
def test_a_hyperparameter_per_sample_is_the_scalar_call_per_sample(key, name):
    # The hyperparameter with the reduced shape of the inputs: sample i uses value i.
    values = _values(key, name)
    defaults = _defaults(key)
    n = 8
    args = CASES[key].sample(np.random.default_rng(8), n)
    per = values[np.arange(n) % values.size]
    for fn in (_fn(key), _grad_fn(key)):
        rows = [fn(*(a[i] for a in args), **{**defaults, name: float(per[i])}) for i in range(n)]
        _assert_same(fn(*args, **{**defaults, name: per}), _stack(rows))


@pytest.mark.parametrize("key", HYPER_KEYS)
def test_all_hyperparameters_as_arrays_at_once(key):
    # Every hyperparameter an array of shape (S, 1), one row per parameter set, against
    # inputs of shape (1, n): row s is the scalar call with parameter set s.
    sets = [p for p in _param_sets(key) if all(v is not None for v in p.values())]
    args = CASES[key].sample(np.random.default_rng(9), 6)
    grid = [a[None, ...] for a in args]
    arrays = {name: np.array([[p[name]] for p in sets], dtype=np.float64) for name in sets[0]}
    for fn in (_fn(key), _grad_fn(key)):
        want = _stack([fn(*args, **p) for p in sets])
        _assert_same(fn(*grid, **arrays), want)


@pytest.mark.parametrize(("key", "name"), HYPER_CASES)
def test_a_bad_element_of_an_array_hyperparameter_is_named(key, name):
    bad = BAD_VALUE.get((key, name), BAD_VALUE.get(name, -1.0))
    default = _defaults(key)[name]
    good = 0.5 if default is None else default
    values = np.full(5, good)
    values[3] = bad
    args = CASES[key].sample(np.random.default_rng(10), 5)
    for fn in (_fn(key), _grad_fn(key)):
        with pytest.raises(ValueError) as info:
            fn(*args, **{name: values})
        msg = str(info.value)
        assert msg.startswith(f"{name} must "), msg
        assert msg.endswith(f", got {bad!r}"), msg
        # ... and the same message as for that value alone.
        with pytest.raises(ValueError) as alone:
            fn(*args, **{name: bad})
        assert str(alone.value) == msg


# A value outside each hyperparameter's range (default: −1.0).
BAD_VALUE = {
    "tau": 1.0,
    "label_smoothing": 1.5,
    ("focal", "alpha"): 1.5,
    ("general_robust", "alpha"): math.nan,
    ("cosine_embedding", "margin"): 2.0,
    ("bradley_terry", "margin"): math.inf,
    ("dpo", "beta"): 0.0,
    ("ipo", "beta"): 0.0,
    "delta": 0.0,
    "temperature": 0.0,
    "scale": 0.0,
}


@pytest.mark.parametrize(("key", "name"), HYPER_CASES)
def test_a_hyperparameter_shape_that_does_not_broadcast_is_named(key, name):
    args = CASES[key].sample(np.random.default_rng(11), 3)
    default = _defaults(key)[name]
    values = np.full(4, 0.5 if default is None else default)
    for fn in (_fn(key), _grad_fn(key)):
        with pytest.raises(ValueError) as info:
            fn(*args, **{name: values})
        msg = str(info.value)
        assert msg.startswith("shapes do not broadcast: "), msg
        assert f"{name} with shape (4,)" in msg
        for arg, a in zip(inspect.signature(fn).parameters, args, strict=False):
            assert f"{arg} with shape {a.shape}" in msg


@pytest.mark.parametrize("key", PUBLIC)
def test_results_are_float64_with_numpy_scalars_for_0d(key):
    args = CASES[key].sample(np.random.default_rng(12), 3)
    one = [a[0] for a in args]  # a scalar per argument; a (K,) vector for class axes
    out, grad = _fn(key)(*one), _grad_fn(key)(*one)
    assert type(out) is np.float64
    grads = grad if isinstance(grad, tuple) else (grad,)
    assert isinstance(grad, tuple) == (len(CASES[key].wrt) > 1)
    for g, i in zip(grads, CASES[key].wrt, strict=True):
        if np.ndim(one[i]) == 0:
            assert type(g) is np.float64
        else:
            assert isinstance(g, np.ndarray) and g.dtype == np.float64
    full = _fn(key)(*args)
    assert isinstance(full, np.ndarray) and full.dtype == np.float64 and full.shape == (3,)
    if CASES[key].nonnegative:
        assert (full >= 0).all()


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


def test_subgradients_at_the_kinks_of_the_new_losses_are_zero():
    # 0 lies in the subdifferential at each of these kinks (DESIGN.md, the brief).
    assert L.quantile_grad(2.0, 2.0, tau=0.9) == 0.0
    assert L.epsilon_insensitive_grad(0.0, [0.1, -0.1], epsilon=0.1).tolist() == [0.0, 0.0]
    assert L.epsilon_insensitive_grad(1.0, 1.0, epsilon=0.0) == 0.0
    assert L.smooth_l1_grad(1.0, 1.0, beta=0.0) == 0.0  # MAE's convention at β = 0
    assert L.hinge_grad([1.0, 0.0], [1.0, -1.0], margin=1.0).tolist() == [0.0, 0.0]  # t·z = m
    assert L.squared_hinge_grad(1.0, 2.0, margin=2.0) == 0.0
    assert L.multiclass_hinge_grad([1, 0, 0], [1.0, 0.0, -3.0]).tolist() == [0.0, 0.0, 0.0]
    assert L.preference_hinge_grad(1.5, 0.5, margin=1.0) == (0.0, 0.0)
    assert L.cosine_embedding_grad(0.0, 0.3, margin=0.3) == 0.0
    # JS: q = 0 < p is the one-sided −inf; p = q = 0 is ½ ln 2 (JS is ½ q ln 2 there).
    g = L.js_divergence_grad([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    assert g[0] == -math.inf and g[2] == pytest.approx(0.5 * LN2, rel=1e-15)


@pytest.mark.parametrize("beta", [0.05, 1.0, 3.0])
def test_smooth_l1_and_modified_huber_are_continuously_differentiable_at_their_kinks(beta):
    eps = 1e-9
    for s in (-1.0, 1.0):
        left, right = s * (beta - eps), s * (beta + eps)
        assert abs(L.smooth_l1(0.0, left, beta=beta) - L.smooth_l1(0.0, right, beta=beta)) < 1e-8
        assert L.smooth_l1_grad(0.0, right, beta=beta) == s
        assert L.smooth_l1_grad(0.0, left, beta=beta) == pytest.approx(s, abs=2 * eps / beta)
    # Modified Huber at t·z = −1: (1 − (−1))² = 4 = −4·(−1), slopes −2·2 = −4 both sides.
    z = np.array([-1.0 - eps, -1.0, -1.0 + eps])
    np.testing.assert_allclose(L.modified_huber(1.0, z), 4.0, atol=1e-8)
    np.testing.assert_allclose(L.modified_huber_grad(1.0, z), -4.0, atol=1e-8)
    np.testing.assert_allclose(L.modified_huber(0.0, -z), 4.0, atol=1e-8)  # t = −1 mirror


# --- known values of the new losses, each with its source ------------------------------


def test_log_cosh_known_values():
    # ln cosh 1 = ln 1.5430806348 = 0.4337808305 (by hand); far out log cosh r = |r| − ln 2
    # + log(1 + e^{−2|r|}), and e^{−2000} underflows: exactly 1000 − ln 2 in float64.
    assert L.log_cosh(0.0, 1.0) == pytest.approx(0.433781, abs=5e-7)
    assert L.log_cosh(3.0, 2.0) == pytest.approx(0.4337808305, rel=1e-9)
    assert L.log_cosh(0.0, -1000.0) == pytest.approx(1000.0 - LN2, rel=1e-15)
    assert L.log_cosh(0.0, 1e300) == 1e300  # no overflow
    # Small r: log cosh r = r²/2 − r⁴/12 + …; at r = 1e-8 that is 5e-17 (no cancellation).
    assert L.log_cosh(0.0, 1e-8) == pytest.approx(5e-17, rel=1e-12)
    assert L.log_cosh_grad(0.0, 1.0) == pytest.approx(math.tanh(1.0), rel=1e-15)


def test_pseudo_huber_known_values():
    # δ²(√(1 + (r/δ)²) − 1), by hand: δ = 1, r = 1: √2 − 1 = 0.41421356237;
    # δ = 2, r = 3: 4(√(13/4) − 1) = 4(1.80277563773 − 1) = 3.21110255093.
    assert L.pseudo_huber(0.0, 1.0) == pytest.approx(math.sqrt(2) - 1, rel=1e-14)
    assert L.pseudo_huber(1.0, 4.0, delta=2.0) == pytest.approx(3.21110255093, rel=1e-11)
    # Far out it is δ(|r| − δ) + O(δ³/r): finite for r = 1e300 (r² would overflow).
    assert L.pseudo_huber(0.0, 1e300, delta=1e-3) == pytest.approx(1e297, rel=1e-12)
    assert L.pseudo_huber_grad(0.0, 1e300, delta=2.0) == pytest.approx(2.0, rel=1e-15)


def test_smooth_l1_known_values_pytorch():
    # torch.nn.functional.smooth_l1_loss(torch.tensor([0.2, -0.3, 2.0]), torch.zeros(3),
    #     beta=0.5, reduction="none") (float64) = [0.04, 0.09, 1.75].
    np.testing.assert_allclose(
        L.smooth_l1(0.0, [0.2, -0.3, 2.0], beta=0.5), [0.04, 0.09, 1.75], rtol=1e-14
    )


def test_huber_is_delta_times_smooth_l1():
    # The confusion DESIGN.md names: PyTorch's SmoothL1Loss(β) = HuberLoss(δ = β) / β.
    r = RNG.normal(0, 3, 500)
    for delta in (0.05, 1.0, 2.5):
        np.testing.assert_allclose(
            L.huber(0.0, r, delta=delta), delta * L.smooth_l1(0.0, r, beta=delta), rtol=1e-14
        )
        np.testing.assert_allclose(
            L.huber_grad(0.0, r, delta=delta),
            delta * L.smooth_l1_grad(0.0, r, beta=delta),
            rtol=1e-14,
        )


def test_quantile_known_values_pinball():
    # sklearn._loss.loss.PinballLoss(quantile=0.9).loss(y_true=[1, 1, 0],
    #     raw_prediction=[0, 2, 0.5]) = [0.9, 0.1, 0.05] and .gradient(...) = [-0.9, 0.1, 0.1]
    # (by hand: an under-prediction by 1 costs τ = 0.9, an over-prediction (1 − τ)·|r|).
    np.testing.assert_allclose(
        L.quantile([1.0, 1.0, 0.0], [0.0, 2.0, 0.5], tau=0.9), [0.9, 0.1, 0.05], rtol=1e-14
    )
    np.testing.assert_allclose(
        L.quantile_grad([1.0, 1.0, 0.0], [0.0, 2.0, 0.5], tau=0.9), [-0.9, 0.1, 0.1], rtol=1e-14
    )


def test_epsilon_insensitive_known_values_sklearn():
    # sklearn.linear_model._sgd_fast.EpsilonInsensitive(0.1): py_loss(p, y) and
    # py_dloss(p, y) at (p, y) = (0.5, 0), (0.05, 0), (−1.2, 0.3): (0.4, 1), (0, 0), (1.4, −1).
    y, p = [0.0, 0.0, 0.3], [0.5, 0.05, -1.2]
    np.testing.assert_allclose(L.epsilon_insensitive(y, p, epsilon=0.1), [0.4, 0.0, 1.4])
    assert L.epsilon_insensitive_grad(y, p, epsilon=0.1).tolist() == [1.0, 0.0, -1.0]


X_BARRON = np.array([-30.0, -3.0, -1.0, -0.2, 0.0, 1e-4, 0.5, 2.0, 7.0, 25.0])

# Barron 2019, eq. 1 and its special cases (§1 and eq. 2), in x/c; the closed forms
# written without cancellation where one exists (Charbonnier as x²/(√(x²+1)+1)).
BARRON_CASES = [
    (2.0, lambda u: 0.5 * u * u),  # L2
    (1.0, lambda u: u * u / (np.sqrt(u * u + 1.0) + 1.0)),  # Charbonnier √(u²+1) − 1
    (0.0, lambda u: np.log1p(0.5 * u * u)),  # Cauchy / Lorentzian
    (-2.0, lambda u: 2.0 * u * u / (u * u + 4.0)),  # Geman–McClure
    (-math.inf, lambda u: -np.expm1(-0.5 * u * u)),  # Welsch / Leclerc
    (math.inf, lambda u: np.expm1(0.5 * u * u)),
]


@pytest.mark.parametrize(("alpha", "closed"), BARRON_CASES, ids=[str(a) for a, _ in BARRON_CASES])
@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_general_robust_special_cases_are_their_closed_forms(alpha, closed, scale):
    x = X_BARRON if alpha != math.inf else X_BARRON[np.abs(X_BARRON) < 20]
    np.testing.assert_allclose(
        L.general_robust(0.0, x, alpha=alpha, scale=scale), closed(x / scale), rtol=1e-13
    )


def test_general_robust_charbonnier_is_pseudo_huber_over_c_squared():
    # α = 1: ρ = √((x/c)² + 1) − 1 = pseudo_huber(x, δ = c)/c² (the same curve).
    x = RNG.normal(0, 4, 300)
    for c in (0.3, 1.0, 4.0):
        np.testing.assert_allclose(
            L.general_robust(0.0, x, alpha=1.0, scale=c),
            L.pseudo_huber(0.0, x, delta=c) / c**2,
            rtol=1e-13,
        )


@pytest.mark.parametrize(("limit", "eps"), [(2.0, 1e-9), (2.0, -1e-9), (0.0, 1e-9), (0.0, -1e-9)])
def test_general_robust_has_no_cancellation_next_to_its_limits(limit, eps):
    # Barron's formula is 0/0 at α = 0 and α = 2; next to them the value must agree with
    # the limit to ~1e-7 relative (it moves by O(|Δα|·log x²) = O(1e-8)), where the plain
    # formula loses about half of the digits.
    x = X_BARRON[X_BARRON != 0.0]
    for scale in (0.5, 2.0):
        near = L.general_robust(0.0, x, alpha=limit + eps, scale=scale)
        at = L.general_robust(0.0, x, alpha=limit, scale=scale)
        np.testing.assert_allclose(near, at, rtol=1e-7)
        g_near = L.general_robust_grad(0.0, x, alpha=limit + eps, scale=scale)
        g_at = L.general_robust_grad(0.0, x, alpha=limit, scale=scale)
        np.testing.assert_allclose(g_near, g_at, rtol=1e-7)


def test_general_robust_is_finite_for_extreme_residuals_and_scales():
    # log-space base and gradient: no overflow of (x/c)², no inf·0 in the gradient.
    # (x/c = 1e303 here: for α <= 1 the value is at most |x/c|, for α <= 2 the gradient
    # at most |x|/c².)
    r = np.array([-1e300, -1e200, 1e-300, 1e200, 1e300])
    for alpha in (-math.inf, -5.0, 0.0, 1.0):
        v = L.general_robust(0.0, r, alpha=alpha, scale=1e-3)
        assert np.isfinite(v).all() and (v >= 0).all()
    for alpha in (-math.inf, -5.0, 0.0, 1.0, 1.5, 2.0):
        assert np.isfinite(L.general_robust_grad(0.0, r, alpha=alpha, scale=1e-3)).all()
    # α = 1, |x| → ∞: the gradient tends to sign(x)/c.
    assert L.general_robust_grad(0.0, 1e300, alpha=1.0, scale=1e-3) == pytest.approx(1e3)
    # Beyond float64 the value is +inf, documented, never NaN (α > 2 grows fastest).
    assert L.general_robust(0.0, 1e300, alpha=math.inf) == math.inf
    assert L.general_robust(0.0, 1e300, alpha=4.0) == math.inf
    assert L.general_robust(0.0, 1e300, alpha=1.5, scale=1e-3) == math.inf


def test_poisson_and_gaussian_nll_known_values_pytorch():
    # torch.nn.functional.poisson_nll_loss(input=torch.tensor([0.5, 1.0, -1.0]),
    #     target=torch.tensor([0., 3., 2.]), log_input=True, full=False, reduction="none")
    #     = [1.6487212707001282, -0.2817181715409549, 2.3678794411714423]
    np.testing.assert_allclose(
        L.poisson_nll([0.0, 3.0, 2.0], [0.5, 1.0, -1.0]),
        [1.6487212707001282, -0.2817181715409549, 2.3678794411714423],
        rtol=1e-14,
    )
    # torch.nn.functional.gaussian_nll_loss(input=torch.tensor([0.5, 2.0]),
    #     target=torch.tensor([1.0, 0.0]), var=torch.tensor([2.0, 0.5]), full=False,
    #     reduction="none") = [0.40907359027997264, 3.6534264097200273]
    np.testing.assert_allclose(
        L.gaussian_nll([1.0, 0.0], [0.5, 2.0], [2.0, 0.5]),
        [0.40907359027997264, 3.6534264097200273],
        rtol=1e-14,
    )


def test_poisson_and_exponential_overflow_to_inf_without_a_warning():
    # e^z exceeds float64 beyond z = ln(max float) = 709.78: +inf, documented, never NaN.
    assert L.poisson_nll(3.0, 709.0) == pytest.approx(math.exp(709.0) - 3 * 709.0)
    assert L.poisson_nll(3.0, 710.0) == math.inf
    assert L.poisson_nll_grad(3.0, 1e4) == math.inf
    assert L.exponential(1.0, -710.0) == math.inf
    assert L.exponential(0.0, 1e4) == math.inf
    assert L.exponential_grad([1.0, 0.0], [-1e4, 1e4]).tolist() == [-math.inf, math.inf]
    assert L.exponential(1.0, 1e4) == 0.0


# scikit-learn's SGD losses take labels y = ±1 (our t = 2y − 1) and p = the score:
# sklearn.linear_model._sgd_fast.Hinge(1.0), SquaredHinge(1.0), ModifiedHuber(), their
# py_loss(p, y) and py_dloss(p, y) at (p, y) = (0.3, 1), (−2.5, 1), (0.4, −1), (1.7, 1).
SK_P, SK_T = [0.3, -2.5, 0.4, 1.7], [1.0, 1.0, -1.0, 1.0]
SK_VALUES = {
    "hinge": ([0.7, 3.5, 1.4, 0.0], [-1.0, -1.0, 1.0, 0.0]),
    "squared_hinge": ([0.49, 12.25, 1.96, 0.0], [-1.4, -7.0, 2.8, 0.0]),
    "modified_huber": ([0.49, 10.0, 1.96, 0.0], [-1.4, -4.0, 2.8, 0.0]),
}


@pytest.mark.parametrize("key", list(SK_VALUES))
def test_margin_losses_known_values_sklearn(key):
    labels = (np.asarray(SK_T) + 1.0) / 2.0
    value, grad = SK_VALUES[key]
    np.testing.assert_allclose(_fn(key)(labels, SK_P), value, rtol=1e-14)
    np.testing.assert_allclose(_grad_fn(key)(labels, SK_P), grad, rtol=1e-14)


def test_exponential_known_values_sklearn():
    # sklearn._loss.loss.ExponentialLoss().loss(y_true=[1, 0, 1], raw_prediction=[0.7, 0.7,
    #     -1.5]) = [0.4965853, 2.01375271, 4.48168907] (= e^−0.7, e^0.7, e^1.5), and
    #     .gradient(...) = [-0.4965853, 2.01375271, -4.48168907].
    y, z = [1.0, 0.0, 1.0], [0.7, 0.7, -1.5]
    np.testing.assert_allclose(L.exponential(y, z), np.exp([-0.7, 0.7, 1.5]), rtol=1e-15)
    np.testing.assert_allclose(L.exponential(y, z), [0.4965853, 2.01375271, 4.48168907], rtol=1e-7)
    np.testing.assert_allclose(
        L.exponential_grad(y, z), [-0.4965853, 2.01375271, -4.48168907], rtol=1e-7
    )


def test_multiclass_hinge_known_value_pytorch():
    # 4 × torch.nn.functional.multi_margin_loss(torch.tensor([[0.2, 1.5, -0.3, 0.9]]),
    #     torch.tensor([0]), margin=1.0, reduction="none") = 4.5; by hand the three
    #     hinges are 1 − 0.2 + 1.5 = 2.3, 1 − 0.2 − 0.3 = 0.5, 1 − 0.2 + 0.9 = 1.7.
    s = [0.2, 1.5, -0.3, 0.9]
    assert L.multiclass_hinge([1, 0, 0, 0], s) == pytest.approx(4.5, rel=1e-15)
    assert L.multiclass_hinge_grad([1, 0, 0, 0], s).tolist() == [-3.0, 1.0, 1.0, 1.0]


def test_js_divergence_known_values_scipy():
    # scipy.spatial.distance.jensenshannon(p, q) ** 2 (natural log):
    #   p = [0.5, 0.3, 0.2], q = [0.1, 0.6, 0.3] → 0.10329452541507406
    #   p = [0.7, 0.3, 0.0], q = [0.0, 0.4, 0.6] → 0.45412934391478016
    assert L.js_divergence([0.5, 0.3, 0.2], [0.1, 0.6, 0.3]) == pytest.approx(
        0.10329452541507406, rel=1e-13
    )
    assert L.js_divergence([0.7, 0.3, 0.0], [0.0, 0.4, 0.6]) == pytest.approx(
        0.45412934391478016, rel=1e-13
    )
    assert L.js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(LN2, rel=1e-15)  # disjoint


def test_info_nce_known_values_pytorch():
    # torch.nn.functional.cross_entropy(torch.tensor([[0.6, 0.5, 0.1, -0.2]]) / 0.07,
    #     torch.tensor([0]), reduction="none") = 0.21547615735577622
    assert L.info_nce(0.6, [0.5, 0.1, -0.2]) == pytest.approx(0.21547615735577622, rel=1e-13)
    # By hand: all K + 1 similarities equal gives −log 1/(K+1) = ln(K + 1), for any τ.
    assert L.info_nce(0.3, [0.3] * 4, temperature=0.5) == pytest.approx(math.log(5.0))
    # A far better positive: e^{−(1e4)/τ} underflows, the loss is 0, never NaN.
    assert L.info_nce(1e4, [-1e4], temperature=0.07) == 0.0
    assert L.info_nce(-1e4, [1e4], temperature=1.0) == 2e4


def test_cosine_embedding_known_values_pytorch():
    # torch.nn.functional.cosine_embedding_loss(a, b, y, margin=m) with a = [1, 0],
    #     b = [cos 1, sin 1] (cosine 0.5403023058681398): y = 1 → 0.4596976941324006,
    #     y = −1, m = 0.2 → 0.3403023058675994, y = −1, m = 0.7 → 0.0. PyTorch clamps the
    #     norms with eps = 1e-8, hence the 1e-12 relative differences.
    c = math.cos(1.0)
    assert L.cosine_embedding(1.0, c) == pytest.approx(0.4596976941324006, rel=1e-11)
    assert L.cosine_embedding(0.0, c, margin=0.2) == pytest.approx(0.3403023058675994, rel=1e-11)
    assert L.cosine_embedding(0.0, c, margin=0.7) == 0.0


def test_dpo_and_ipo_known_values():
    # Rafailov et al. 2023, eq. 7: at equal log-ratios (h = 0) the loss is −log σ(0) = ln 2
    # and the gradient is ∓β σ(0) = ∓β/2; IPO (Azar et al., eq. 17) at h = 0 is (1/(2β))².
    pc, pr, qc, qr = -1.3, -2.2, -1.3, -2.2
    for beta in (0.1, 0.5, 2.0):
        assert L.dpo(pc, pr, qc, qr, beta=beta) == pytest.approx(LN2, rel=1e-15)
        assert L.dpo_grad(pc, pr, qc, qr, beta=beta) == pytest.approx((-beta / 2, beta / 2))
        assert L.ipo(pc, pr, qc, qr, beta=beta) == pytest.approx(1.0 / (2 * beta) ** 2)
    # h = (−1 − −2) − (−3 − −2) = 2, β = 0.5: ln(1 + e^{−1}) = 0.3132616875 (by hand).
    assert L.dpo(-1.0, -3.0, -2.0, -2.0, beta=0.5) == pytest.approx(0.3132616875, rel=1e-9)


def test_preference_hinge_known_values():
    # By hand: max(0, 1 − (2 − 0)) = 0, max(0, 1 − 0.25) = 0.75, max(0, 3 − (−1)) = 4.
    np.testing.assert_allclose(
        L.preference_hinge([2.0, 0.5, -1.0], [0.0, 0.25, 0.0], margin=[1.0, 1.0, 3.0]),
        [0.0, 0.75, 4.0],
    )


MASK_Y = [1.0, 1.0, 0.0, 0.0, 0.3]
MASK_P = [0.9, 0.2, 0.4, 0.0, 0.5]


def test_overlap_losses_known_values_monai():
    # monai.losses.DiceLoss(smooth_nr=s, smooth_dr=s, reduction="none")(p, y) and
    # TverskyLoss(alpha=0.3, beta=0.7, smooth_nr=s, smooth_dr=s, reduction="none")(p, y)
    # with p, y of shape (1, 1, 5): MASK_P, MASK_Y (MONAI 1.6.1, float64):
    #   Dice    s = 0: 0.41860465116279066,  s = 1: 0.3396226415094339
    #   Tversky s = 0: 0.4343891402714932,   s = 1: 0.2990654205607477
    # By hand: I = 0.9 + 0.2 + 0.15 = 1.25, Σy = 2.3, Σp = 2.0; Dice(0) = 1 − 2.5/4.3.
    for s, dice, tv in ((0.0, 0.41860465116279066, 0.4343891402714932),
                        (1.0, 0.3396226415094339, 0.2990654205607477)):  # fmt: skip
        assert L.soft_dice(MASK_Y, MASK_P, smooth=s) == pytest.approx(dice, rel=1e-14)
        assert L.tversky(MASK_Y, MASK_P, alpha=0.3, beta=0.7, smooth=s) == pytest.approx(
            tv, rel=1e-14
        )
    # Jaccard by hand: 1 − I/(Σy + Σp − I) = 1 − 1.25/3.05 = 0.5901639344.
    assert L.soft_jaccard(MASK_Y, MASK_P, smooth=0.0) == pytest.approx(0.5901639344, rel=1e-9)


def test_a_perfect_mask_has_zero_overlap_loss_exactly():
    y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0]])
    for smooth in (0.0, 1.0):
        assert L.soft_dice(y, y, smooth=smooth) == 0.0
        assert L.soft_jaccard(y, y, smooth=smooth) == 0.0
        assert L.tversky(y, y, alpha=0.3, beta=0.7, smooth=smooth) == 0.0
    # An empty mask predicted empty: 0 with smoothing, undefined (0/0) without it.
    assert L.soft_dice(np.zeros(4), np.zeros(4), smooth=1.0) == 0.0
    for fn in (L.soft_dice, L.soft_jaccard, L.tversky, L.soft_dice_grad, L.tversky_grad):
        with pytest.raises(ValueError, match=r"0/0 \(undefined\) where smooth = 0"):
            fn(np.zeros((2, 4)), np.zeros((2, 4)), smooth=0.0)


def test_bce_pos_weight_known_values_pytorch():
    # torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor([0.5, -1., 2.]),
    #     torch.tensor([1., 0., 0.3]), pos_weight=torch.tensor(3.0), reduction="none")
    #     = [1.42223095254032, 0.3132616875182228, 1.603084817668756]; the gradient of its
    #     sum w.r.t. the logits (autograd) = [-1.132622006394436, 0.2689414213699951,
    #     0.5092753247646116].
    y, z = [1.0, 0.0, 0.3], [0.5, -1.0, 2.0]
    np.testing.assert_allclose(
        L.binary_cross_entropy(y, z, pos_weight=3.0),
        [1.42223095254032, 0.3132616875182228, 1.603084817668756],
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        L.binary_cross_entropy_grad(y, z, pos_weight=3.0),
        [-1.132622006394436, 0.2689414213699951, 0.5092753247646116],
        rtol=1e-14,
    )


def test_cce_label_smoothing_known_values_pytorch():
    # torch.nn.functional.cross_entropy(torch.tensor([[2.0, 1.0, 0.1]]),
    #     torch.tensor([[1., 0., 0.]]), label_smoothing=0.1, reduction="none")
    #     = 0.5136966829445002; autograd gradient w.r.t. the logits =
    #     [-0.27433219444736545, 0.20909963737138057, 0.06523255707598485].
    z = [2.0, 1.0, 0.1]
    assert L.categorical_cross_entropy([1, 0, 0], z, label_smoothing=0.1) == pytest.approx(
        0.5136966829445002, rel=1e-14
    )
    np.testing.assert_allclose(
        L.categorical_cross_entropy_grad([1, 0, 0], z, label_smoothing=0.1),
        [-0.27433219444736545, 0.20909963737138057, 0.06523255707598485],
        rtol=1e-13,
    )


# --- identities of the new losses ---------------------------------------------------


def test_pos_weight_one_and_label_smoothing_zero_are_the_unweighted_losses_exactly():
    y, z = RNG.uniform(0, 1, 500), RNG.normal(0, 5, 500)

    # The seed's formulas, written out: y·softplus(−z) + (1 − y)·softplus(z) and σ(z) − y,
    # softplus(x) = max(x, 0) + log1p(e^−|x|) (np.logaddexp(0, x) agrees within an ulp).
    def softplus(x):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

    bce = y * softplus(-z) + (1.0 - y) * softplus(z)
    np.testing.assert_array_equal(L.binary_cross_entropy(y, z, pos_weight=1.0), bce)
    np.testing.assert_array_equal(L.binary_cross_entropy_grad(y, z, pos_weight=1), sigmoid(z) - y)
    labels, logits = _simplex(RNG, 200, 5), RNG.normal(0, 3, (200, 5))
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_sm = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    np.testing.assert_array_equal(
        L.categorical_cross_entropy(labels, logits, label_smoothing=0.0),
        -np.sum(labels * log_sm, axis=-1),
    )
    np.testing.assert_array_equal(
        L.categorical_cross_entropy_grad(labels, logits, label_smoothing=0),
        np.exp(log_sm) * labels.sum(axis=-1, keepdims=True) - labels,
    )


def test_pos_weight_scales_only_the_positive_term():
    z = RNG.normal(0, 4, 300)
    for w in (0.0, 0.5, 7.0):
        np.testing.assert_allclose(
            L.binary_cross_entropy(1.0, z, pos_weight=w), w * L.binary_cross_entropy(1.0, z)
        )
        np.testing.assert_array_equal(
            L.binary_cross_entropy(0.0, z, pos_weight=w), L.binary_cross_entropy(0.0, z)
        )


def test_label_smoothing_is_linear_in_the_targets():
    # CE is linear in t = (1 − ε)y + ε/K: CE_ε(y) = (1 − ε) CE(y) + ε CE(uniform).
    y, z = _simplex(RNG, 200, 3), RNG.normal(0, 3, (200, 3))
    u = np.full(3, 1 / 3)
    for eps in (0.1, 0.5, 1.0):
        np.testing.assert_allclose(
            L.categorical_cross_entropy(y, z, label_smoothing=eps),
            (1 - eps) * L.categorical_cross_entropy(y, z) + eps * L.categorical_cross_entropy(u, z),
            rtol=1e-12,
        )


def test_smooth_l1_with_beta_zero_is_mae_and_quantile_one_half_is_half_mae():
    y, yhat = RNG.normal(0, 2, 500), RNG.normal(0, 2, 500)
    yhat[:5] = y[:5]  # include r = 0
    np.testing.assert_array_equal(L.smooth_l1(y, yhat, beta=0.0), L.mae(y, yhat))
    np.testing.assert_array_equal(L.smooth_l1_grad(y, yhat, beta=0.0), L.mae_grad(y, yhat))
    np.testing.assert_array_equal(
        L.smooth_l1(y, yhat, beta=np.array([[0.0], [1.0]]))[0], L.mae(y, yhat)
    )
    np.testing.assert_array_equal(L.quantile(y, yhat, tau=0.5), 0.5 * L.mae(y, yhat))
    np.testing.assert_array_equal(L.quantile_grad(y, yhat, tau=0.5), 0.5 * L.mae_grad(y, yhat))
    np.testing.assert_array_equal(L.epsilon_insensitive(y, yhat, epsilon=0.0), L.mae(y, yhat))


def test_general_robust_alpha_two_is_half_the_scaled_square():
    r = RNG.normal(0, 3, 500)
    for c in (0.1, 1.0, 7.0):
        np.testing.assert_allclose(
            L.general_robust(0.0, r, alpha=2.0, scale=c), 0.5 * (r / c) ** 2, rtol=1e-15
        )
        np.testing.assert_allclose(
            L.general_robust_grad(0.0, r, alpha=2.0, scale=c), r / c**2, rtol=1e-15
        )


def test_pseudo_huber_is_half_the_square_for_small_residuals_and_linear_far_out():
    r = np.array([1e-300, 1e-8, 1e-5, -1e-4])
    for delta in (0.5, 1.0, 3.0):
        # δ²(√(1 + u²) − 1) = ½r²(1 − u²/4 + …), u = r/δ: ½r² to a relative 1e-8.
        np.testing.assert_allclose(L.pseudo_huber(0.0, r, delta=delta), 0.5 * r * r, rtol=1e-8)
        big = np.array([1e6, -1e8])
        np.testing.assert_allclose(
            L.pseudo_huber(0.0, big, delta=delta), delta * (np.abs(big) - delta), rtol=1e-6
        )


def test_margin_loss_identities():
    y, z = _bits(RNG, 1000), RNG.normal(0, 2, 1000)
    t = 2 * y - 1
    zero_one = (t * z <= 0).astype(float)
    assert (L.hinge(y, z) >= zero_one).all()  # the hinge bounds the zero-one loss
    np.testing.assert_allclose(L.squared_hinge(y, z), L.hinge(y, z) ** 2, rtol=1e-15)
    for m in (0.0, 2.0):
        np.testing.assert_allclose(
            L.squared_hinge(y, z, margin=m), L.hinge(y, z, margin=m) ** 2, rtol=1e-15
        )
    assert (L.exponential(y, z) >= zero_one).all()
    # Modified Huber is the squared hinge for t·z >= −1.
    ok = t * z >= -1
    np.testing.assert_array_equal(L.modified_huber(y, z)[ok], L.squared_hinge(y, z)[ok])


def test_multiclass_hinge_with_two_classes_is_the_binary_hinge_on_the_difference():
    # K = 2, class 1 labelled: max(0, m − (s_1 − s_0)) = hinge(1, s_1 − s_0).
    s = RNG.normal(0, 2, (300, 2))
    labels = np.eye(2)[RNG.integers(0, 2, 300)]
    y = labels[:, 1]
    np.testing.assert_allclose(
        L.multiclass_hinge(labels, s, margin=1.5), L.hinge(y, s[:, 1] - s[:, 0], margin=1.5)
    )


def test_js_is_symmetric_bounded_by_ln2_and_zero_only_on_equal_inputs():
    p, q = _simplex(RNG, 500, 6), _simplex(RNG, 500, 6)
    js = L.js_divergence(p, q)
    np.testing.assert_array_equal(js, L.js_divergence(q, p))
    assert (js >= 0).all() and (js <= LN2).all()
    np.testing.assert_allclose(L.js_divergence(p, p), 0.0, atol=1e-15)
    # JS(p, q) = ½KL(p‖m) + ½KL(q‖m), through the library's KL.
    m = 0.5 * (p + q)
    np.testing.assert_allclose(
        js, 0.5 * L.kl_divergence(p, m) + 0.5 * L.kl_divergence(q, m), rtol=1e-12
    )


def test_ipo_minimum_is_at_h_equal_one_over_two_beta():
    for beta in (0.1, 0.5, 2.0):
        target = 1.0 / (2 * beta)
        # policy_chosen − ref_chosen = target, the rejected log-ratio 0: h = target.
        pc, qc = -0.5, -0.5 - target
        assert L.ipo(pc, -1.0, qc, -1.0, beta=beta) == pytest.approx(0.0, abs=1e-24)
        assert L.ipo_grad(pc, -1.0, qc, -1.0, beta=beta) == pytest.approx((0.0, 0.0), abs=1e-12)
        for d in (-0.1, 0.1):
            assert L.ipo(pc + d, -1.0, qc, -1.0, beta=beta) == pytest.approx(d * d)


def test_dpo_is_bradley_terry_on_the_implicit_rewards():
    pc, pr, qc, qr = _log_probs(RNG, 500)
    for beta in (0.1, 1.0, 3.0):
        rc, rr = beta * (pc - qc), beta * (pr - qr)
        np.testing.assert_allclose(L.dpo(pc, pr, qc, qr, beta=beta), L.bradley_terry(rc, rr))
        gc, gr = L.dpo_grad(pc, pr, qc, qr, beta=beta)
        bc, br = L.bradley_terry_grad(rc, rr)
        np.testing.assert_allclose(gc, beta * bc)
        np.testing.assert_allclose(gr, beta * br)


def test_preference_hinge_is_the_hinge_on_the_score_difference():
    rc, rr = RNG.normal(0, 2, 500), RNG.normal(0, 2, 500)
    for m in (0.0, 1.0, 2.5):
        np.testing.assert_allclose(
            L.preference_hinge(rc, rr, margin=m), L.hinge(1.0, rc - rr, margin=m)
        )
        gc, gr = L.preference_hinge_grad(rc, rr, margin=m)
        np.testing.assert_allclose(gc, L.hinge_grad(1.0, rc - rr, margin=m))
        np.testing.assert_allclose(gr, -gc)


def test_overlap_identities():
    y, p = _masks(RNG, 300)
    dice = 1 - L.soft_dice(y, p, smooth=0.0)
    jac = 1 - L.soft_jaccard(y, p, smooth=0.0)
    np.testing.assert_allclose(jac, dice / (2 - dice), rtol=1e-13)  # J = D/(2 − D)
    np.testing.assert_allclose(
        L.tversky(y, p, alpha=0.5, beta=0.5, smooth=0.0), L.soft_dice(y, p, smooth=0.0), rtol=1e-13
    )
    # With smoothing, α = β = ½ is Dice with the smoothing doubled: (I + s)/(I + ½E + s)
    # = (2I + 2s)/(Σy + Σp + 2s). α = β = 1 is Jaccard.
    np.testing.assert_allclose(
        L.tversky(y, p, smooth=1.0), L.soft_dice(y, p, smooth=2.0), rtol=1e-13
    )
    np.testing.assert_allclose(
        L.tversky(y, p, alpha=1.0, beta=1.0, smooth=0.7),
        L.soft_jaccard(y, p, smooth=0.7),
        rtol=1e-13,
    )
    # Tversky's α weighs false positives: more FP weight, more loss when p > y.
    over = np.clip(y + 0.2, 0, 1)
    fp_heavy = L.tversky(y, over, alpha=0.9, beta=0.1)
    fn_heavy = L.tversky(y, over, alpha=0.1, beta=0.9)
    assert (fp_heavy >= fn_heavy).all() and (fp_heavy > fn_heavy).mean() > 0.9


def test_info_nce_with_one_negative_is_bradley_terry():
    # K = 1: −log σ((s⁺ − s⁻)/τ), the two-way softmax.
    sp, sn = RNG.uniform(-1, 1, 300), RNG.uniform(-1, 1, 300)
    for tau in (0.07, 1.0):
        np.testing.assert_allclose(
            L.info_nce(sp, sn[:, None], temperature=tau), L.bradley_terry(sp / tau, sn / tau)
        )


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


def _ok(v, nonnegative=True, inf_ok=False):
    v = np.asarray(v)
    assert not np.isnan(v).any()
    assert np.isfinite(v).all() or (inf_ok and (v[~np.isfinite(v)] > 0).all()), v
    if nonnegative:
        assert (v >= 0).all(), v


@settings(max_examples=300, deadline=None)
@given(
    y=real,
    yhat=real,
    beta=st.floats(0.0, 1e3),
    delta=st.floats(1e-3, 1e3),
    tau=st.floats(1e-6, 1 - 1e-6),
    eps=st.floats(0.0, 1e3),
)
def test_new_regression_losses_finite_nonnegative(y, yhat, beta, delta, tau, eps):
    for fn, kw in (
        (L.smooth_l1, {"beta": beta}),
        (L.pseudo_huber, {"delta": delta}),
        (L.log_cosh, {}),
        (L.quantile, {"tau": tau}),
        (L.epsilon_insensitive, {"epsilon": eps}),
    ):
        _ok(fn(y, yhat, **kw))
        g = getattr(L, fn.__name__ + "_grad")(y, yhat, **kw)
        _ok(g, nonnegative=False)
    assert abs(L.smooth_l1_grad(y, yhat, beta=beta)) <= 1.0
    assert abs(L.pseudo_huber_grad(y, yhat, delta=delta)) <= delta
    assert abs(L.log_cosh_grad(y, yhat)) <= 1.0


@settings(max_examples=400, deadline=None)
@given(
    y=real,
    yhat=real,
    alpha=st.floats(-1e3, 1e3) | st.sampled_from([-math.inf, math.inf, 0.0, 2.0, 2 + 1e-12]),
    scale=st.floats(1e-3, 1e3),
)
def test_general_robust_finite_nonnegative(y, yhat, alpha, scale):
    # Finite for α <= 2 (it grows at most like (x/c)²); for α > 2 it may exceed float64,
    # and is then +inf, as documented. Never NaN.
    v = L.general_robust(y, yhat, alpha=alpha, scale=scale)
    _ok(v, inf_ok=alpha > 2)
    g = L.general_robust_grad(y, yhat, alpha=alpha, scale=scale)
    assert not np.isnan(g)
    if alpha <= 2:
        assert np.isfinite(g)


@settings(max_examples=300, deadline=None)
@given(
    counts=st.floats(0.0, 1e6),
    z=logit,
    y=real,
    mu=real,
    var=st.floats(1e-6, 1e6),
)
def test_likelihoods_finite(counts, z, y, mu, var):
    # The NLLs drop constants and can be negative: finiteness only (Poisson: +inf beyond
    # z ≈ 709.78, documented).
    _ok(L.poisson_nll(counts, z), nonnegative=False, inf_ok=True)
    _ok(L.poisson_nll_grad(counts, z), nonnegative=False, inf_ok=True)
    if z < 709.0:
        assert np.isfinite(L.poisson_nll(counts, z))
    _ok(L.gaussian_nll(y, mu, var), nonnegative=False)
    for g in L.gaussian_nll_grad(y, mu, var):
        _ok(g, nonnegative=False)


@settings(max_examples=300, deadline=None)
@given(y=st.sampled_from([0.0, 1.0]), z=logit, m=st.floats(0.0, 10.0), w=st.floats(0.0, 1e3))
def test_margin_losses_finite_nonnegative(y, z, m, w):
    for fn, kw in (
        (L.hinge, {"margin": m}),
        (L.squared_hinge, {"margin": m}),
        (L.modified_huber, {}),
    ):
        _ok(fn(y, z, **kw))
        _ok(getattr(L, fn.__name__ + "_grad")(y, z, **kw), nonnegative=False)
    _ok(L.exponential(y, z), inf_ok=True)  # e^{1e4} is +inf, documented
    assert not np.isnan(L.exponential_grad(y, z))
    _ok(L.binary_cross_entropy(y, z, pos_weight=w))
    _ok(L.binary_cross_entropy_grad(y, z, pos_weight=w), nonnegative=False)


@settings(max_examples=200, deadline=None)
@given(z=st.lists(logit, min_size=2, max_size=6), m=st.floats(0.0, 10.0), data=st.data())
def test_multiclass_hinge_and_smoothed_cce_finite_nonnegative(z, m, data):
    k = data.draw(st.integers(0, len(z) - 1))
    eps = data.draw(st.floats(0.0, 1.0))
    y = np.eye(len(z))[k]
    _ok(L.multiclass_hinge(y, z, margin=m))
    g = L.multiclass_hinge_grad(y, z, margin=m)
    _ok(g, nonnegative=False)
    assert g.sum() == 0.0
    _ok(L.categorical_cross_entropy(y, z, label_smoothing=eps))
    g = L.categorical_cross_entropy_grad(y, z, label_smoothing=eps)
    _ok(g, nonnegative=False)
    assert abs(g.sum()) < 1e-12


@settings(max_examples=200, deadline=None)
@given(w=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6), data=st.data())
def test_js_finite_nonnegative_bounded(w, data):
    p = np.asarray(w) + 1e-12
    p = p / p.sum()
    u = np.asarray(data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(w), max_size=len(w))))
    u = u + 1e-300
    q = u / u.sum()
    v = L.js_divergence(p, q)
    _ok(v)
    assert v <= LN2 * (1 + 1e-12)
    assert not np.isnan(L.js_divergence_grad(p, q)).any()


@settings(max_examples=300, deadline=None)
@given(
    sp=logit,
    sn=st.lists(logit, min_size=1, max_size=5),
    tau=st.floats(1e-3, 1e3),
    y=st.sampled_from([0.0, 1.0]),
    c=st.floats(-1.0, 1.0),
    cm=st.floats(-1.0, 1.0),
)
def test_info_nce_and_cosine_embedding_finite_nonnegative(sp, sn, tau, y, c, cm):
    _ok(L.info_nce(sp, sn, temperature=tau))
    gp, gn = L.info_nce_grad(sp, sn, temperature=tau)
    _ok(gp, nonnegative=False)
    _ok(gn)
    assert -1.0 / tau <= gp <= 0.0
    v = L.cosine_embedding(y, c, margin=cm)
    _ok(v)
    assert v <= 2.0
    _ok(L.cosine_embedding_grad(y, c, margin=cm), nonnegative=False)


log_prob = st.floats(-1e4, 0.0)


@settings(max_examples=300, deadline=None)
@given(
    pc=log_prob,
    pr=log_prob,
    qc=log_prob,
    qr=log_prob,
    beta=st.floats(1e-3, 1e3),
    r=logit,
    s=logit,
    m=st.floats(0.0, 10.0),
)
def test_new_preference_losses_finite_nonnegative(pc, pr, qc, qr, beta, r, s, m):
    for fn in (L.dpo, L.ipo):
        _ok(fn(pc, pr, qc, qr, beta=beta))
        for g in getattr(L, fn.__name__ + "_grad")(pc, pr, qc, qr, beta=beta):
            _ok(g, nonnegative=False)
    _ok(L.preference_hinge(r, s, margin=m))
    for g in L.preference_hinge_grad(r, s, margin=m):
        _ok(g, nonnegative=False)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    smooth=st.just(0.0) | st.floats(1e-6, 10.0),
    a=st.floats(0.0, 5.0),
    b=st.floats(0.0, 5.0),
)
def test_overlap_losses_finite_in_unit_interval_or_a_clear_0_over_0(data, smooth, a, b):
    k = data.draw(st.integers(1, 6))
    y = np.asarray(data.draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k)))
    p = np.asarray(data.draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k)))
    calls = (
        (L.soft_dice, L.soft_dice_grad, {"smooth": smooth}),
        (L.soft_jaccard, L.soft_jaccard_grad, {"smooth": smooth}),
        (L.tversky, L.tversky_grad, {"alpha": a, "beta": b, "smooth": smooth}),
    )
    for fn, grad, kw in calls:
        try:
            v = fn(y, p, **kw)
        except ValueError as exc:
            assert smooth == 0.0 and "0/0" in str(exc)
            continue
        _ok(v)
        assert v <= 1.0 + 1e-15  # E/(I + E + s) <= 1 for every α, β >= 0
        _ok(grad(y, p, **kw), nonnegative=False)


# --- broadcasting, dtype, shapes -------------------------------------------------------


def test_broadcasting_and_float64():
    out = L.huber(np.zeros((3, 1)), np.arange(4, dtype=np.float32), delta=1.5)
    assert out.shape == (3, 4) and out.dtype == np.float64
    out = L.categorical_cross_entropy(np.eye(3)[None, :, :], np.zeros((5, 1, 3)))
    assert out.shape == (5, 3)
    out = L.kl_divergence([0.5, 0.5], np.full((7, 2), 0.5))
    assert out.shape == (7,)
    assert L.mse([1, 2], [1, 4]).dtype == np.float64  # integers are accepted


def test_the_design_example_and_hyperparameter_dtypes():
    # DESIGN.md's example, literally: a (δ, r) surface in one call.
    r, deltas = np.linspace(-3, 3, 13), np.array([0.5, 1.0, 2.0])
    surface = L.huber(0.0, r[None, :], delta=deltas[:, None])
    assert surface.shape == (3, 13)
    for i, d in enumerate(deltas):
        np.testing.assert_array_equal(surface[i], L.huber(0.0, r, delta=d))
    # Integer, float32 and list hyperparameters; a 0-d array gives a 0-d result.
    np.testing.assert_array_equal(L.huber(0.0, 3.0, delta=[1, 2]), [2.5, 4.0])
    assert L.huber(0.0, 3.0, delta=np.float32(2.0)) == 4.0
    assert type(L.huber(0.0, 3.0, delta=np.array(2.0))) is np.float64
    # A reduced loss: the hyperparameter's axes lead, the class axis is consumed.
    out = L.categorical_cross_entropy(np.eye(3), np.zeros((4, 1, 3)), label_smoothing=[0.0, 0.5, 1])
    assert out.shape == (4, 3)
    out = L.info_nce(np.zeros(5), np.zeros((5, 2)), temperature=np.ones((3, 1)))
    assert out.shape == (3, 5)
    gp, gn = L.info_nce_grad(np.zeros(5), np.zeros((5, 2)), temperature=np.ones((3, 1)))
    assert gp.shape == (3, 5) and gn.shape == (3, 5, 2)
    # Focal's array γ keeps γ = 0 exact: BCE bit for bit, no warning from log 0.
    y, z = RNG.uniform(0, 1, 50), RNG.normal(0, 4, 50)
    fam = L.focal_grad(y, z, gamma=np.array([[0.0], [2.0]]), alpha=None)
    np.testing.assert_array_equal(fam[0], L.binary_cross_entropy_grad(y, z))
    # alpha may be an array too; None still means no weighting.
    two = L.focal(1.0, 0.0, gamma=2.0, alpha=np.array([0.25, 1.0]))
    np.testing.assert_allclose(
        two, np.array([0.25, 1.0]) * L.focal(1.0, 0.0, gamma=2.0, alpha=None)
    )


# --- bad input: ValueError naming the argument, the value and what is allowed ----------

Z3 = np.zeros(3)

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
    # --- array hyperparameters: the first bad element, and every shape
    (lambda: L.huber(0, 1, delta=[1.0, -2.0, -3.0]), "delta must be > 0 and finite, got -2.0"),
    (
        lambda: L.focal(1, 0, gamma=np.array([[1.0], [np.nan]])),
        "gamma must be >= 0 and finite, got nan",
    ),
    (
        lambda: L.huber(0, 1, delta=[True]),
        "delta must be a real number or an array of real numbers, got dtype bool",
    ),
    (lambda: L.huber(0, 1, delta=True), "delta must be a real number, got True"),
    (lambda: L.huber(0, 1, delta=1 + 2j), "delta must be a real number, got (1+2j)"),
    (
        lambda: L.huber(Z3, Z3, delta=np.ones(2)),
        "shapes do not broadcast: y_true with shape (3,) and y_pred with shape (3,) and delta "
        "with shape (2,)",
    ),
    (
        lambda: L.categorical_cross_entropy(np.eye(3), np.zeros(3), label_smoothing=np.zeros(2)),
        "labels with shape (3, 3) and logits with shape (3,) and label_smoothing with shape (2,) "
        "(label_smoothing: against the shape without the last, reduced axis)",
    ),
    # --- the new keywords and losses
    (
        lambda: L.binary_cross_entropy(1, 0, pos_weight=-1),
        "pos_weight must be >= 0 and finite, got -1.0",
    ),
    (
        lambda: L.categorical_cross_entropy([1, 0], [0, 0], label_smoothing=1.5),
        "label_smoothing must lie in [0, 1], got 1.5",
    ),
    (lambda: L.quantile(0, 1, tau=1.0), "tau must lie in the open interval (0, 1), got 1.0"),
    (lambda: L.quantile_grad(0, 1, tau=0), "tau must lie in the open interval (0, 1), got 0.0"),
    (
        lambda: L.epsilon_insensitive(0, 1, epsilon=-0.1),
        "epsilon must be >= 0 and finite, got -0.1",
    ),
    (lambda: L.smooth_l1(0, 1, beta=-1.0), "beta must be >= 0 and finite, got -1.0"),
    (lambda: L.pseudo_huber(0, 1, delta=0), "delta must be > 0 and finite, got 0.0"),
    (
        lambda: L.general_robust(0, 1, alpha=math.nan),
        "alpha must be a real number or ±inf, not NaN, got nan",
    ),
    (lambda: L.general_robust(0, 1, scale=0.0), "scale must be > 0 and finite, got 0.0"),
    (lambda: L.poisson_nll(-1.0, 0.0), "counts must be finite and >= 0, got -1.0"),
    (lambda: L.poisson_nll(1.0, math.inf), "log_rate must be finite, got inf"),
    (lambda: L.gaussian_nll(0.0, 0.0, 0.0), "var must be > 0 and finite, got 0.0"),
    (lambda: L.gaussian_nll_grad(0.0, math.inf, 1.0), "mean must be finite, got inf"),
    (lambda: L.hinge(0.5, 1.0), "labels must be 0 or 1, got 0.5"),
    (lambda: L.exponential_grad([1, -1], [0, 0]), "labels must be 0 or 1, got -1.0"),
    (lambda: L.squared_hinge(1, 0, margin=-1), "margin must be >= 0 and finite, got -1.0"),
    (lambda: L.modified_huber(1, math.nan), "scores must not contain NaN"),
    (
        lambda: L.multiclass_hinge([1, 0.5], [0, 0]),
        "labels must be one-hot over the last axis (entries 0 or 1), got 0.5",
    ),
    (
        lambda: L.multiclass_hinge([[1, 1, 0]], [0, 0, 0]),
        "labels must be one-hot over the last axis (exactly one 1 per row), got a row with 2 ones",
    ),
    (
        lambda: L.multiclass_hinge_grad([0, 0], [0, 0]),
        "labels must be one-hot over the last axis (exactly one 1 per row), got a row with 0 ones",
    ),
    (lambda: L.multiclass_hinge(1, 0), "labels must have at least one axis (the classes)"),
    (lambda: L.js_divergence([0.5, 0.5], [1.5, -0.5]), "q must be >= 0 and finite, got -0.5"),
    (
        lambda: L.info_nce(0.0, [0.0], temperature=0.0),
        "temperature must be > 0 and finite, got 0.0",
    ),
    (
        lambda: L.info_nce(0.0, 1.0),
        "sim_neg must have at least one axis (the classes), got a scalar",
    ),
    (
        lambda: L.info_nce(0.0, np.zeros((2, 0))),
        "sim_neg must have at least one class on its last axis",
    ),
    (
        lambda: L.info_nce_grad(np.zeros(3), np.zeros((2, 4))),
        "sim_neg with shape (2, 4) and sim_pos with shape (3,)",
    ),
    (lambda: L.cosine_embedding(1, 1.5), "cosine must lie in [-1, 1], got 1.5"),
    (lambda: L.cosine_embedding(1, 0.5, margin=-2), "margin must lie in [-1, 1], got -2.0"),
    (lambda: L.cosine_embedding_grad(-1, 0.5), "labels must be 0 or 1, got -1.0"),
    (
        lambda: L.dpo(0.5, -1, -1, -1),
        "policy_chosen must be finite and <= 0 (a log-probability), got 0.5",
    ),
    (
        lambda: L.ipo(-1, -1, -1, -math.inf),
        "ref_rejected must be finite and <= 0 (a log-probability), got -inf",
    ),
    (lambda: L.dpo(-1, -1, -1, -1, beta=0.0), "beta must be > 0 and finite, got 0.0"),
    (lambda: L.ipo_grad(-1, -1, -1, -1, beta=-1), "beta must be > 0 and finite, got -1.0"),
    (lambda: L.preference_hinge(0, 0, margin=-1), "margin must be >= 0 and finite, got -1.0"),
    (lambda: L.soft_dice([1, 0], [1.5, 0]), "probs must lie in [0, 1], got 1.5"),
    (lambda: L.soft_jaccard([2, 0], [1, 0]), "labels must lie in [0, 1], got 2.0"),
    (lambda: L.soft_dice([1, 0], [1, 0], smooth=-1), "smooth must be >= 0 and finite, got -1.0"),
    (lambda: L.tversky([1, 0], [1, 0], alpha=-0.5), "alpha must be >= 0 and finite, got -0.5"),
    (
        lambda: L.tversky_grad([1, 0], [1, 0], beta=math.inf),
        "beta must be >= 0 and finite, got inf",
    ),
    (
        lambda: L.soft_dice(np.zeros((2, 3)), np.zeros((2, 3)), smooth=0.0),
        "soft_dice is 0/0 (undefined) where smooth = 0 and a row of labels and probs is all "
        "zero; use smooth > 0",
    ),
    (
        lambda: L.tversky([0.0, 0.0], [0.5, 0.0], alpha=0.0, smooth=0.0),
        "tversky is 0/0 (undefined) where smooth = 0 and Σyp + αΣ(1−y)p + βΣy(1−p) = 0",
    ),
    (
        lambda: L.dpo(Z3, Z3, Z3, np.zeros(2)),
        "policy_chosen with shape (3,) and policy_rejected with shape (3,) and ref_chosen with "
        "shape (3,) and ref_rejected with shape (2,)",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_docstring_examples_run():
    import doctest

    from lossviz.losses import (
        classification,
        divergence,
        metric,
        overlap,
        preference,
        regression,
    )

    for module in (regression, classification, divergence, metric, preference, overlap):
        result = doctest.testmod(module, extraglobs={"np": np})
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_js_divergence_stays_finite_where_half_a_probability_underflows():
    # ½·5e-324 rounds to 0 in float64: m = ½(p + q) must be taken in log space. The
    # exact value is ½p ln 2 + ½(1−p) ln((1−p)/(1−p/2)) + ½·1·ln(1/(1−p/2)) ≈ 0 (by hand).
    tiny = 5e-324
    v = L.js_divergence([tiny, 1.0 - tiny], [0.0, 1.0])
    assert np.isfinite(v) and 0.0 <= v < 1e-300
    g = L.js_divergence_grad([tiny, 1.0 - tiny], [0.0, 1.0])
    assert g[0] == -np.inf and np.isfinite(g[1])


if __name__ == "__main__":  # the README's table: python tests/test_losses.py
    print("| loss | parameter sets | max relative error | max absolute error |")
    print("|---|---|---|---|")
    for key in REGISTRY:
        sets = _param_sets(key)
        worst = [_check_fd(key, p) for p in sets]
        rel = max(w["rel"] for w in worst)
        err = max(w["abs"] for w in worst)
        print(f"| `{key}` | {len(sets)} | {rel:.1e} | {err:.1e} |")
