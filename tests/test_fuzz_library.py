"""Hostile input to the library: shapes and dtypes a user might pass by accident.

For every public loss and gradient, hypothesis draws arrays of assorted dtypes
(bool, ints, float16/32/64, 0-d, empty) and shapes that may or may not
broadcast, for the inputs and for the hyperparameters. The call must either
return a correct float64 result of the broadcast shape, or raise a
``ValueError`` whose message names an argument. Nothing else: no TypeError, no
IndexError, no NaN, no warning.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossviz import losses as L

PUBLIC = sorted(n for n in L.__all__ if not n.endswith("_grad"))

DTYPES = st.sampled_from(
    [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.float16, np.float32, np.float64]
)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def _array(dtype, shape, lo, hi):
    if dtype is np.bool_:
        return hnp.arrays(dtype, shape)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        lo, hi = max(math.floor(lo), info.min), min(math.ceil(hi), info.max)
        return hnp.arrays(dtype, shape, elements=st.integers(lo, hi))
    return hnp.arrays(
        dtype, shape, elements=st.floats(lo, hi, width=np.finfo(dtype).bits, allow_nan=False)
    )


R = (-100, 100)  # any real
U = (0, 1)  # labels, probabilities, one-hot entries
D = (0, 100)  # distances, counts
LP = (-100, 0)  # log-probabilities
C = (-1, 1)  # cosines

# Valid value ranges for each positional argument (the fuzz also draws invalid ones).
RANGES = {
    "mse": [R, R],
    "mae": [R, R],
    "huber": [R, R],
    "smooth_l1": [R, R],
    "pseudo_huber": [R, R],
    "log_cosh": [R, R],
    "quantile": [R, R],
    "epsilon_insensitive": [R, R],
    "general_robust": [R, R],
    "poisson_nll": [D, R],
    "gaussian_nll": [R, R, (1, 100)],
    "binary_cross_entropy": [U, R],
    "categorical_cross_entropy": [U, R],
    "focal": [U, R],
    "hinge": [U, R],
    "squared_hinge": [U, R],
    "modified_huber": [U, R],
    "exponential": [U, R],
    "multiclass_hinge": [U, R],
    "kl_divergence": [U, U],
    "js_divergence": [U, U],
    "contrastive": [U, D],
    "triplet": [D, D],
    "info_nce": [R, R],
    "cosine_embedding": [U, C],
    "bradley_terry": [R, R],
    "dpo": [LP, LP, LP, LP],
    "ipo": [LP, LP, LP, LP],
    "preference_hinge": [R, R],
    "soft_dice": [U, U],
    "tversky": [U, U],
    "soft_jaccard": [U, U],
}
# Losses reduced over the last axis of every argument ("info_nce": of sim_neg only).
REDUCES = {
    "categorical_cross_entropy",
    "kl_divergence",
    "js_divergence",
    "multiclass_hinge",
    "soft_dice",
    "tversky",
    "soft_jaccard",
}
# The NLLs drop constants and can be negative; KL is +inf where q = 0 < p.
SIGNED = {"gaussian_nll", "poisson_nll"}
MAY_BE_INF = {"kl_divergence"}
# A valid range of each hyperparameter (dyadic ends: exact in float16) for the fuzz.
HYPER_RANGE = {
    "tau": (0.125, 0.875),
    "alpha": (0, 1),  # focal, Tversky, Barron (any α is valid there)
    "beta": (0.125, 3),
    "label_smoothing": (0, 1),
    "margin": (0, 1),
    "temperature": (0.125, 3),
}


def _arg_names(key):
    params = inspect.signature(getattr(L, key)).parameters.values()
    return [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]


def _hyper_names(key):
    params = inspect.signature(getattr(L, key)).parameters.values()
    return [p.name for p in params if p.kind is p.KEYWORD_ONLY]


def _expected_shapes(key, which, shapes, hyper_shapes=()):
    """The result shape(s) for these argument shapes (assuming they broadcast)."""
    if key == "info_nce":
        pos, neg = shapes
        out = np.broadcast_shapes(pos, neg[:-1], *hyper_shapes)
        return [out] if which == "fn" else [out, (*out, neg[-1])]
    if key in REDUCES:
        full = np.broadcast_shapes(*shapes)
        out = np.broadcast_shapes(full[:-1], *hyper_shapes)
        return [out] if which == "fn" else [(*out, full[-1])]
    out = np.broadcast_shapes(*shapes, *hyper_shapes)
    n = len(getattr(L, key + "_grad")(*_valid_args(key))) if _multi(key) else 1
    return [out] * (1 if which == "fn" else n)


def _multi(key):
    return isinstance(getattr(L, key + "_grad")(*_valid_args(key)), tuple)


def _valid_args(key):
    """One valid call's arguments (shape (2,) or (2, 3) for the class axis)."""
    if key in REDUCES or key == "info_nce":
        one_hot = np.eye(3)[[0, 2]]
        simplex = np.full((2, 3), 1 / 3)
        table = {
            "categorical_cross_entropy": (one_hot, np.zeros((2, 3))),
            "multiclass_hinge": (one_hot, np.zeros((2, 3))),
            "kl_divergence": (simplex, simplex),
            "js_divergence": (simplex, simplex),
            "info_nce": (np.zeros(2), np.zeros((2, 3))),
        }
        return table.get(key, (one_hot, np.full((2, 3), 0.5)))
    mids = [np.full(2, 0.5 * (lo + hi)) for lo, hi in RANGES[key]]
    if key in BINARY_LABELS:
        mids[0] = np.ones(2)
    return tuple(mids)


BINARY_LABELS = {"hinge", "squared_hinge", "modified_huber", "exponential", "cosine_embedding"}


def test_fuzz_tables_cover_every_public_loss():
    assert set(RANGES) == set(PUBLIC)
    assert len(PUBLIC) == 32
    for key in PUBLIC:
        assert len(RANGES[key]) == len(_arg_names(key)), key


def _check(key, which, func, args, kwargs, hyper_shapes=(), inf_ok=False):
    names = _arg_names(key) + list(kwargs)
    try:
        out = func(*args, **kwargs)
    except ValueError as exc:
        msg = str(exc)
        assert any(name in msg for name in names), msg
        return
    outs = out if isinstance(out, tuple) else (out,)
    shapes = _expected_shapes(key, which, [np.shape(a) for a in args], hyper_shapes)
    assert len(outs) == len(shapes)
    for o, shape in zip(outs, shapes, strict=True):
        o = np.asarray(o)
        assert o.dtype == np.float64
        assert o.shape == shape
        assert not np.isnan(o).any()
        if which == "fn" and key not in MAY_BE_INF and not inf_ok:
            assert np.isfinite(o).all()
            if key not in SIGNED:
                assert (o >= 0).all()


@pytest.mark.parametrize("key", PUBLIC)
@pytest.mark.parametrize("which", ["fn", "grad"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_correct_result_or_clear_value_error(key, which, data):
    func = getattr(L, key if which == "fn" else key + "_grad")
    args = []
    for lo, hi in RANGES[key]:
        # Mostly in range, sometimes widened past the domain.
        if data.draw(st.booleans()):
            lo, hi = lo - 5, hi + 5
        args.append(data.draw(_array(data.draw(DTYPES), data.draw(SHAPES), lo, hi)))
    _check(key, which, func, args, {})


HYPER_KEYS = [key for key in PUBLIC if _hyper_names(key)]


@pytest.mark.parametrize("key", HYPER_KEYS)
@pytest.mark.parametrize("which", ["fn", "grad"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hostile_hyperparameters_give_a_correct_result_or_a_clear_value_error(key, which, data):
    # Valid inputs of shape (2,) (or (2, 3)); one hyperparameter a hostile array.
    func = getattr(L, key if which == "fn" else key + "_grad")
    name = data.draw(st.sampled_from(_hyper_names(key)))
    lo, hi = HYPER_RANGE.get(name, (0, 10))
    if data.draw(st.booleans()):
        lo, hi = lo - 2, hi + 2
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    value = data.draw(_array(data.draw(DTYPES), shape, lo, hi))
    # IPO's target 1/(2β) exceeds float64 for a subnormal β: +inf, as documented.
    inf_ok = key == "ipo" and bool(np.any((value > 0) & (value < 1e-150)))
    _check(key, which, func, _valid_args(key), {name: value}, (value.shape,), inf_ok)


@pytest.mark.parametrize("key", PUBLIC)
def test_empty_arrays_give_empty_results(key):
    args = [np.asarray(a)[:0] for a in _valid_args(key)]
    out = getattr(L, key)(*args)
    assert np.asarray(out).shape == (0,)
    grad = getattr(L, key + "_grad")(*args)
    for g in grad if isinstance(grad, tuple) else (grad,):
        assert np.asarray(g).shape[0] == 0
