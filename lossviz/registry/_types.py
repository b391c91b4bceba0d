"""The declarations a loss's spec is made of: parameters, inputs, views, teaching text.

A :class:`LossSpec` is data: the function pair, what each positional argument is,
the hyperparameters as sliders, the teaching text, and its views as
:mod:`._terms` expressions (which argument is the curve's x, the fixed values of
the others, the branches, the surface's two axes, the markers). The generic code
in :mod:`._generic` turns any spec into the curve, the gradient curve, the
surface and a family of curves; :mod:`lossviz.compare` into Compare entries.

Pure Python + NumPy: no streamlit, no plotly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ._terms import Fns, Term

Family = Literal["regression", "classification", "divergence", "metric", "preference", "overlap"]
#: The families in the order pages list them.
FAMILIES: tuple[str, ...] = (
    "regression",
    "classification",
    "divergence",
    "metric",
    "preference",
    "overlap",
)

Params = Mapping[str, Any]
INF = math.inf


@dataclass(frozen=True, slots=True)
class Param:
    """A slider: a keyword hyperparameter of the loss or a scene variable of a view."""

    name: str
    symbol: str
    latex: str
    default: float
    min: float
    max: float
    step: float
    help: str
    optional: bool = False  # focal alpha: the UI offers "no α weighting" (None)
    #: Named values a teacher reaches for (Barron's α = 2 "L2", …), offered as presets.
    presets: tuple[tuple[str, float], ...] = ()
    #: A value outside the slider's range, offered as a toggle: (URL suffix, label,
    #: value), e.g. ("inf", "α = −∞ (Welsch)", -inf); the link says ``alpha_inf=1``.
    special: tuple[str, str, float] | None = None
    #: Its value sets the arguments' shape (K classes, K negatives), so it cannot
    #: broadcast: a family over it is one evaluation per value, stacked.
    shape: bool = False


@dataclass(frozen=True, slots=True)
class Input:
    """A positional argument of the loss function and its domain.

    ``grad``: the loss's ``_grad`` returns the gradient with respect to it (in the
    order of the arguments); ``classes``: it carries a class axis last, which the
    loss reduces over.
    """

    name: str
    symbol: str
    meaning: str
    domain: tuple[float, float]
    grad: bool = False
    classes: bool = False


@dataclass(frozen=True, slots=True)
class Reference:
    authors: str
    title: str
    year: int
    venue: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Depends:
    """A property that holds for some hyperparameter values only.

    ``holds(params)`` says whether it holds at those values; ``when`` says in words
    for which values it does ("γ = 0 only"), so a table can show "no (γ = 0 only)".
    """

    holds: Callable[[Params], bool]
    when: str


#: The yes/no properties, in the order the tables show them, with their row titles.
PROPERTY_ROWS: tuple[tuple[str, str], ...] = (
    ("convex", "convex"),
    ("bounded_gradient", "bounded gradient"),
    ("robust_to_outliers", "robust to outliers"),
    ("differentiable_everywhere", "differentiable everywhere"),
)


@dataclass(frozen=True, slots=True)
class Properties:
    """Properties of the loss as a function of its prediction argument(s).

    Each yes/no property is a bool, or a :class:`Depends` where it holds for some
    hyperparameter values only; :meth:`at` evaluates them for given values.
    """

    convex: bool | Depends
    bounded_gradient: bool | Depends
    robust_to_outliers: bool | Depends
    differentiable_everywhere: bool | Depends
    typical_use: str

    def at(self, params: Params) -> dict[str, tuple[bool, str]]:
        """``{property: (holds at these values, when it holds if that depends on them)}``."""
        out = {}
        for name, _ in PROPERTY_ROWS:
            v = getattr(self, name)
            out[name] = (bool(v.holds(params)), v.when) if isinstance(v, Depends) else (v, "")
        return out

    def cells(self, params: Params) -> dict[str, str]:
        """``{row title: "yes" | "no" | "no (γ = 0 only)"}`` at these values, for tables."""
        at = self.at(params)
        cells = {}
        for name, title in PROPERTY_ROWS:
            holds, when = at[name]
            word = "yes" if holds else "no"
            cells[title] = f"{word} ({when})" if when else word
        return cells


@dataclass(frozen=True, slots=True)
class Marker:
    """A regime change to mark on a curve (kink, margin, p = ½, …).

    ``at`` is the position on the curve's native x (a number, or a function of the
    parameter values); ``label`` a format string with ``{x}`` (the position) and the
    parameters by name, e.g. ``"+δ = {x:.2f}"``. Plotly's ``<sub>``/``<sup>`` tags
    are allowed, TeX is not (Plotly in Streamlit does not render it).
    """

    at: float | Callable[[Params], float]
    label: str

    def resolve(self, params: Params) -> tuple[float, str]:
        x = float(self.at(params) if callable(self.at) else self.at)
        return x, self.label.format(x=x, **{k: v for k, v in params.items() if v is not None})


@dataclass(frozen=True, slots=True)
class Branch:
    """One plotted line of a curve: a name and how the loss is called along x.

    ``name`` may be a function of the parameter values ("positive, α_t = 0.25").
    """

    name: str | Callable[[Params], str]
    term: Term

    def title(self, params: Params) -> str:
        return self.name(params) if callable(self.name) else self.name


@dataclass(frozen=True, slots=True)
class Axis:
    """An x axis of a curve (or of a Compare domain).

    The branches are written in *native* coordinates (e.g. the logit z); an axis
    may show another coordinate (the probability p = σ(z)) with ``to_native`` and
    ``from_native`` mapping between them. The gradient row always shows the
    derivative along the native coordinate, named by ``grad_label``. ``branches``
    replaces the curve's branches on this axis (focal's p_t axis shows a positive
    and a negative example); ``probe`` and ``step`` set the probe slider.
    """

    key: str
    label: str
    range: tuple[float, float]
    grad_label: str
    title: str = ""  # short name of the axis in a selector ("logit z", "p_t")
    to_native: Callable[[np.ndarray], np.ndarray] | None = None
    from_native: Callable[[np.ndarray], np.ndarray] | None = None
    branches: tuple[Branch, ...] | None = None
    probe: float | None = None
    step: float | None = None
    symbol: str = "x"  # short name in labels: ℓ(r = 1.00)
    #: Reference points of this axis, in its shown coordinate ((0.9, "p_t = 0.9")).
    markers: tuple[tuple[float, str], ...] = ()

    def native(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return self.to_native(x) if self.to_native is not None else x

    def shown(self, native: float) -> float:
        return float(self.from_native(native)) if self.from_native is not None else native


@dataclass(frozen=True, slots=True)
class CurveFamily:
    """Members of a family drawn behind the curve (focal's γ of Lin et al. Fig. 1).

    The curve's first branch at each of ``values`` of parameter ``param``, named
    ``names[i]`` (default: "symbol = value"); ``title`` labels the toggle.
    """

    param: str
    values: tuple[float, ...]
    title: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Curve:
    """The loss (and its derivative) along one variable, as one or more branches."""

    axes: tuple[Axis, ...]
    branches: tuple[Branch, ...]
    scene: tuple[Param, ...] = ()
    markers: tuple[Marker, ...] = ()
    loss_label: str = "loss"
    family: CurveFamily | None = None

    def axis(self, key: str | None = None) -> Axis:
        if key is None:
            return self.axes[0]
        for a in self.axes:
            if a.key == key:
                return a
        raise ValueError(f"unknown x axis {key!r}; allowed: {', '.join(a.key for a in self.axes)}")

    # The first axis's label and range, the names the seed's views used.
    @property
    def x_label(self) -> str:
        return self.axes[0].label

    @property
    def x_range(self) -> tuple[float, float]:
        return self.axes[0].range

    @property
    def grad_label(self) -> str:
        return self.axes[0].grad_label


@dataclass(frozen=True, slots=True)
class Surface:
    """The loss over two variables ``x`` and ``y`` (a :class:`Term` of both).

    ``y_param`` names the parameter (hyperparameter or scene slider) that is the y
    axis, if one is: the term reads it as ``Y``, so the surface does not depend on
    its value and a view marks its current value with a line. ``uses`` names the
    parameters the term reads (None: all but ``y_param``): a view leaves the others
    out of its title and cache key.
    """

    term: Term
    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    z_label: str = "loss"
    y_param: str | None = None
    uses: tuple[str, ...] | None = None
    x_short: str = ""  # axis titles short enough for a 3-D scene ("δ", "p_t")
    y_short: str = ""
    log_colour: bool = False  # colour by decades where the loss spans many
    equal_axes: bool = False  # both axes one quantity: draw them to the same scale


@dataclass(frozen=True, slots=True)
class Join:
    """Membership of a Compare domain.

    ``term`` evaluates the loss along the domain's native x (default: the spec's
    first branch); ``surface`` over the domain's (x, y) (default: the domain's own
    rule, e.g. two outputs ``ℓ(x) + ℓ(y)``); ``uses`` names the domain's shared
    sliders the entry reads; ``id`` is its URL value (default: the loss key).
    """

    domain: str
    name: str
    id: str = ""
    term: Term | None = None
    surface: Term | None = None
    uses: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)  # hyperparameters held fixed
    #: A reference drawn beside the losses that is not this spec's loss (the 0-1 loss on
    #: the margin domain): its own caption and properties instead of the spec's.
    title: str = ""
    properties: Properties | None = None


@dataclass(frozen=True, slots=True)
class LossSpec:
    key: str
    title: str
    family: Family
    fn: Callable
    grad: Callable
    latex: str
    grad_latex: str
    params: tuple[Param, ...]
    inputs: tuple[Input, ...]
    one_liner: str
    when_to_use: str
    pitfalls: tuple[str, ...]
    references: tuple[Reference, ...]
    properties: Properties
    curve: Curve
    surface: Surface
    joins: tuple[Join, ...] = ()

    @property
    def fns(self) -> Fns:
        """The function pair with what the views need to call it."""
        return Fns(
            self.fn,
            self.grad,
            wrt=tuple(i for i, a in enumerate(self.inputs) if a.grad),
            class_axis=tuple(i for i, a in enumerate(self.inputs) if a.classes),
            hyper=tuple(p.name for p in self.params),
        )

    @property
    def sliders(self) -> tuple[Param, ...]:
        """The hyperparameters and then the curve's scene sliders."""
        return (*self.params, *self.curve.scene)


# --------------------------------------------------------------------------- Compare


@dataclass(frozen=True, slots=True)
class DomainAxis:
    """An x axis of a domain (the binary domain has two: the logit and p_t)."""

    key: str
    label: str
    range: tuple[float, float]
    reference: float  # default reference input of the normalised mode
    probe: float  # default point of the value/gradient table
    step: float
    to_native: Callable[[np.ndarray], np.ndarray] | None = None  # x -> the terms' x
    markers: tuple[tuple[float, str], ...] = ()  # drawn on the ratio view
    symbol: str = "x"  # short name in labels: ℓ(r = 1.00)


@dataclass(frozen=True, slots=True)
class DomainDecl:
    key: str
    title: str
    description: str
    axes: tuple[DomainAxis, ...]
    grad_label: str
    shared: tuple[Param, ...]
    surface_labels: tuple[str, str]
    surface_ranges: tuple[tuple[float, float], tuple[float, float]]
    surface_note: str
    #: Per slot, MAX_ENTRIES long: (entry id, hyperparameter values).
    defaults: tuple[tuple[str, Mapping[str, Any]], ...]
    default_n: int = 3
    term: Term | None = None  # an entry's call along x when its join gives none
    surface: Term | None = None  # and over (x, y)
    lead: tuple[str, ...] = ()  # entry ids listed first, in this order; then registry order


@dataclass(frozen=True, slots=True)
class Preset:
    """A whole comparison in one click: a domain, its entries and the view's settings."""

    key: str
    title: str
    domain: str
    entries: tuple[tuple[str, Mapping[str, float | None]], ...]
    baseline: int = 0
    axis: str | None = None
    log_ratio: bool = True
    shared: Mapping[str, float] = field(default_factory=dict)
    note: str = ""
