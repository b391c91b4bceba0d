"""The registry: one declarative spec per loss, the single source the UI is generated from.

Each family module (regression, classification, divergence, metric, preference,
overlap) declares its losses as :class:`LossSpec` data: the function pair, its
inputs and hyperparameters, teaching text, and its views as expressions of the
view's coordinates (:mod:`._terms`). The generic functions below turn any spec
into its curve, gradient curve, surface and families of curves; Explore,
Compare and About list every spec with no per-loss view code.

Adding a loss: write its function pair in :mod:`lossviz.losses`, its spec in the
family module, and its known values in the tests; the registry-wide suites pick
it up.

Pure Python + NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

import types
from collections.abc import Mapping

import numpy as np

from . import classification, divergence, metric, overlap, preference, regression
from ._generic import (
    branches,
    curve,
    defaults,
    family,
    hyper,
    kwargs,
    markers,
    surface,
    surface_params,
)
from ._terms import Build, Call, Par, Sum, Term, X, Y
from ._types import (
    FAMILIES,
    PROPERTY_ROWS,
    Axis,
    Branch,
    Curve,
    CurveFamily,
    Depends,
    Family,
    Input,
    Join,
    LossSpec,
    Marker,
    Param,
    Preset,
    Properties,
    Reference,
    Surface,
)
from .divergence import KL_GRID, gaussian_kl, gaussian_pair

__all__ = [
    "FAMILIES",
    "FAMILY_MODULES",
    "KL_GRID",
    "PROPERTY_ROWS",
    "REGISTRY",
    "Axis",
    "Branch",
    "Build",
    "Call",
    "Curve",
    "CurveFamily",
    "Depends",
    "Family",
    "Input",
    "Join",
    "LossSpec",
    "Marker",
    "Par",
    "Param",
    "Preset",
    "Properties",
    "Reference",
    "Sum",
    "Surface",
    "Term",
    "X",
    "Y",
    "branches",
    "curve",
    "defaults",
    "family",
    "gaussian_kl",
    "gaussian_pair",
    "get",
    "hyper",
    "kwargs",
    "loss_kwargs",
    "markers",
    "surface",
    "surface_params",
]

#: The family modules, in the order pages list them; each declares SPECS, and may
#: declare DOMAINS (Compare's shared inputs) and PRESETS (whole comparisons).
FAMILY_MODULES = (regression, classification, divergence, metric, preference, overlap)

#: Every loss by key, family by family in the order of DESIGN.md's tables (read-only).
REGISTRY: Mapping[str, LossSpec] = types.MappingProxyType(
    {s.key: s for module in FAMILY_MODULES for s in module.SPECS}
)


def loss_kwargs(key: str, params: Mapping, among: tuple[str, ...] | None = None) -> dict:
    """:func:`kwargs` of loss ``key``, which must be one of ``among`` (default: any loss).

    For code that takes a loss by name and one value per hyperparameter (the
    exact fits and landscapes): ValueError naming the key and the allowed ones,
    then as :func:`kwargs`; values come back as floats (None stays None).
    """
    if among is not None and key not in among:
        raise ValueError(f"loss must be one of {', '.join(map(repr, among))}; got {key!r}")
    kw = kwargs(get(key), params)
    for name, v in kw.items():
        if v is not None and np.ndim(v) != 0:
            raise ValueError(f"{name} must be a single number here, got shape {np.shape(v)}")
    return {k: None if v is None else float(v) for k, v in kw.items()}


def get(key: str) -> LossSpec:
    """The spec of loss ``key``; ValueError naming the key and the allowed ones if unknown."""
    try:
        return REGISTRY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {key!r}; allowed keys: {', '.join(REGISTRY)}") from None
