"""Hostile input to the library: shapes and dtypes a user might pass by accident.

For every loss and gradient in the registry, hypothesis draws arrays of assorted
dtypes (bool, ints, float16/32/64, 0-d, empty) and shapes that may or may not
broadcast. The call must either return a correct float64 result of the broadcast
shape, or raise a ``ValueError`` whose message names an argument. Nothing else:
no TypeError, no IndexError, no NaN, no warning.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lossviz.registry import REGISTRY

DTYPES = st.sampled_from(
    [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.float16, np.float32, np.float64]
)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def _array(dtype, shape, lo, hi):
    if dtype is np.bool_:
        return hnp.arrays(dtype, shape)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return hnp.arrays(dtype, shape, elements=st.integers(max(lo, info.min), min(hi, info.max)))
    return hnp.arrays(
        dtype, shape, elements=st.floats(lo, hi, width=np.finfo(dtype).bits, allow_nan=False)
    )


# Valid value ranges for each positional argument (the fuzz also draws invalid ones).
RANGES = {
    "mse": [(-100, 100), (-100, 100)],
    "mae": [(-100, 100), (-100, 100)],
    "huber": [(-100, 100), (-100, 100)],
    "binary_cross_entropy": [(0, 1), (-100, 100)],
    "focal": [(0, 1), (-100, 100)],
    "categorical_cross_entropy": [(0, 1), (-100, 100)],
    "kl_divergence": [(0, 1), (0, 1)],
    "contrastive": [(0, 1), (0, 100)],
    "triplet": [(0, 100), (0, 100)],
    "bradley_terry": [(-100, 100), (-100, 100)],
}
ARG_NAMES = {
    "mse": ("y_true", "y_pred"),
    "mae": ("y_true", "y_pred"),
    "huber": ("y_true", "y_pred"),
    "binary_cross_entropy": ("labels", "logits"),
    "focal": ("labels", "logits"),
    "categorical_cross_entropy": ("labels", "logits"),
    "kl_divergence": ("p", "q"),
    "contrastive": ("labels", "distance"),
    "triplet": ("d_pos", "d_neg"),
    "bradley_terry": ("score_chosen", "score_rejected"),
}
REDUCES = {"categorical_cross_entropy", "kl_divergence"}


def test_fuzz_tables_cover_the_registry():
    assert set(RANGES) == set(REGISTRY) == set(ARG_NAMES)


@pytest.mark.parametrize("key", list(REGISTRY))
@pytest.mark.parametrize("which", ["fn", "grad"])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_correct_result_or_clear_value_error(key, which, data):
    spec = REGISTRY[key]
    func = spec.fn if which == "fn" else spec.grad
    args = []
    for lo, hi in RANGES[key]:
        # Mostly in range, sometimes widened past the domain.
        if data.draw(st.booleans()):
            lo, hi = lo - 5, hi + 5
        args.append(data.draw(_array(data.draw(DTYPES), data.draw(SHAPES), lo, hi)))
    try:
        out = func(*args)
    except ValueError as exc:
        msg = str(exc)
        assert any(name in msg for name in ARG_NAMES[key]), msg
        return
    outs = out if isinstance(out, tuple) else (out,)
    shape = np.broadcast_shapes(*(np.shape(a) for a in args))
    if key in REDUCES and which == "fn":
        shape = shape[:-1]
    for o in outs:
        o = np.asarray(o)
        assert o.dtype == np.float64
        assert o.shape == shape
        assert not np.isnan(o).any()
        if which == "fn" and key != "kl_divergence":
            assert np.isfinite(o).all() and (o >= 0).all()


@pytest.mark.parametrize("key", list(REGISTRY))
def test_empty_arrays_give_empty_results(key):
    spec = REGISTRY[key]
    shape = (0, 3) if key in REDUCES else (0,)
    out = spec.fn(np.zeros(shape), np.zeros(shape) + (1 / 3 if key in REDUCES else 0.5))
    assert np.asarray(out).shape == (0,)
