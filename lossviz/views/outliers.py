"""The Robust regression page (url ``outliers``): who pulls the fitted line, and how each
loss lets them.

One seeded data set — inliers around a known line plus planted outliers, or
heteroscedastic points whose noise grows with x — is fitted by any three regression
losses of the registry, each with its own hyperparameters (exactly where the loss is
convex; Barron's α < 1 is not, and the page says which local optimum it shows and
where it started). The scatter sizes each point by its vote |∂ℓ/∂ŷ| under the chosen
loss; the three loss landscapes over (w, b) show the optimum, the truth and an
optimiser's path through them.

Caching follows the dependencies (every key is a tuple of scalars) and is per loss
slot: the data depend on the data sliders only; a slot's fit on data + its loss and
hyperparameters; its landscape on those + grid; its descent path on those +
optimiser + η + steps. Changing one slot recomputes that slot only; moving the step
slider, the influence selector or the 3-D toggle recomputes nothing but figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lossviz import figures, losses, registry
from lossviz.data import OUTLIER_KINDS, heteroscedastic_data, regression_data
from lossviz.fit import (
    OPTIMIZERS,
    DescentPath,
    fit_regression,
    gradient_descent,
    mse_curvature,
    stable_learning_rate,
)
from lossviz.landscape import PIECEWISE_LOSSES, REGRESSION_LOSSES, regression_landscape
from lossviz.views import scrub
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, decimals, fmt

#: The data choices: the two outlier kinds and the heteroscedastic sample.
KINDS = (*OUTLIER_KINDS, "heteroscedastic")
#: Short names of the losses (the registry's titles are long for a legend).
SHORT = {
    "mse": "MSE",
    "mae": "MAE",
    "huber": "Huber",
    "smooth_l1": "Smooth-L1",
    "pseudo_huber": "Pseudo-Huber",
    "log_cosh": "Log-cosh",
    "quantile": "Quantile",
    "epsilon_insensitive": "ε-insensitive",
    "general_robust": "Barron",
}
SLOTS = ("l1", "l2", "l3")


def _slot_colours(specs) -> dict[str, str]:
    """Each slot's line colour: its loss's, as on Explore and Compare (figures.LOSS_COLOURS)."""
    return dict(zip(SLOTS, figures.distinct_colours([s[0] for s in specs]), strict=True))


#: The default losses of each data choice: least squares, a capped vote and Barron's
#: redescending Geman–McClure (α = −2), which ignores the outliers; on heteroscedastic
#: data the τ = 0.1 / 0.5 / 0.9 quantile lines, which fan out with the noise.
DEFAULT_SLOTS = {
    "outliers": (("mse", {}), ("huber", {"delta": 1.0}), ("general_robust", {"alpha": -2.0})),
    "heteroscedastic": (
        ("quantile", {"tau": 0.1}),
        ("quantile", {"tau": 0.5}),
        ("quantile", {"tau": 0.9}),
    ),
}
MOMENTUM = 0.9  # heavy-ball μ of every momentum run (and of its stability bound)
OPT_TITLES = {"gd": "gradient descent", "momentum": f"momentum (μ = {MOMENTUM})", "adam": "Adam"}
KIND_TITLES = {
    "vertical": "vertical outliers (y shifted up)",
    "leverage": "leverage outliers (far-right x)",
    "heteroscedastic": "heteroscedastic (noise grows with x)",
}
#: Every optimiser starts here, away from all optima, so the paths have somewhere to go.
START = (-1.0, 3.0)
GRID_DEFAULT = 200  # DESIGN.md: surfaces default to ≤ 200×200, float32 to the browser
STEPS_DEFAULT = 300  # enough for GD at η = 1/L to reach every optimum on the default data
WINDOW_SNAP = 0.25  # landscape window edges are multiples of this (stable under small moves)
#: A smooth loss's landscape has no exact shortcut: it evaluates the loss G²·n times.
#: Beyond this many evaluations (~90 ms of server CPU for Barron's loss) its grid is made
#: coarser: 100 × 100 for n = 100, ~3 px a cell in a third of the page, on a smooth surface
#: (the optimum is marked from the fit, not from the grid).
SMOOTH_BUDGET = 1_000_000

#: n, noise, outliers %, magnitude, kind, seed, noise growth (heteroscedastic only)
DataKey = tuple[int, float, int, float, str, int, float]
#: A loss slot: the loss key and its hyperparameters as sorted (name, value) pairs.
Spec = tuple[str, tuple[tuple[str, float], ...]]


# --------------------------------------------------------------------------- cached compute


@dataclass(frozen=True, eq=False)
class PageData:
    """The page's data set, whichever generator drew it."""

    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray
    slope: float
    intercept: float
    #: the heteroscedastic sample (for its true quantile lines), else None
    het: object | None = None

    @property
    def n(self) -> int:
        return int(self.x.size)


@st.cache_data(max_entries=64, show_spinner=False)
def make_data(key: DataKey) -> PageData:
    n, noise, pct, magnitude, kind, seed, growth = key
    if kind == "heteroscedastic":
        h = heteroscedastic_data(n, noise=max(noise, 0.05), noise_growth=growth, seed=seed)
        return PageData(h.x, h.y, np.zeros(h.n, dtype=bool), h.slope, h.intercept, het=h)
    d = regression_data(
        n,
        noise=noise,
        outlier_fraction=pct / 100.0,
        outlier_magnitude=magnitude,
        outlier_kind=kind,
        seed=seed,
    )
    return PageData(d.x, d.y, d.is_outlier, d.slope, d.intercept)


def kw_of(spec: Spec) -> dict[str, float]:
    return dict(spec[1])


def spec_title(spec: Spec, *, named: bool = True) -> str:
    """'Huber (δ = 1.00)', 'Barron (α = −2.0, c = 1.00: Geman–McClure)': from the values.

    ``named=False`` leaves out the name of a special case (for the figures, where a
    phone has room for little more than the parameters).
    """
    loss, params = spec
    specs = {p.name: p for p in registry.get(loss).params}
    parts = []
    for name, value in params:
        p = specs[name]
        shown = "−∞" if value == -math.inf else fmt(value, p.step).replace("-", "−")
        parts.append(f"{p.symbol} = {shown}")
    suffix = ""
    if loss == "general_robust" and named:
        alpha = dict(params)["alpha"]
        names = {v: label.split(" (")[0] for label, v in specs["alpha"].presets}
        suffix = f": {names[alpha]}" if alpha in names else ""
    return SHORT[loss] + (f" ({', '.join(parts)}{suffix})" if parts else "")


def mean_loss(d: PageData, w: float, b: float, spec: Spec) -> float:
    fn = getattr(losses, spec[0])
    return float(np.mean(fn(d.y, w * d.x + b, **kw_of(spec))))


@dataclass(frozen=True)
class Fit:
    w: float
    b: float
    objective: float  # f* = mean loss at the optimum (a local one where not convex)
    truth_objective: float  # mean loss at the target line
    target: tuple[float, float]  # the line this loss estimates (w, b)
    target_name: str  # what that line is, in words
    convex: bool
    start: tuple[float, float] | None  # where a non-convex fit started
    start_from: str | None
    method: str


def target_line(d: PageData, spec: Spec) -> tuple[tuple[float, float], str]:
    """The true line a loss estimates: the τ-quantile line on heteroscedastic data for
    quantile regression, else the true mean line (the noise is symmetric)."""
    if d.het is not None and spec[0] == "quantile":
        tau = kw_of(spec)["tau"]
        return d.het.quantile_line(tau), f"true τ = {fmt(tau, 0.01)} quantile line"
    return (d.slope, d.intercept), "true line"


@st.cache_data(max_entries=96, show_spinner=False)
def make_fit(key: DataKey, spec: Spec) -> Fit:
    """The minimiser of the loss (fit.fit_regression) and its loss at the target line."""
    d = make_data(key)
    f = fit_regression(d.x, d.y, spec[0], **kw_of(spec))
    (tw, tb), tname = target_line(d, spec)
    return Fit(
        f.w,
        f.b,
        f.objective,
        mean_loss(d, tw, tb, spec),
        (tw, tb),
        tname,
        f.convex,
        f.start,
        f.start_from,
        f.method,
    )


def window(key: DataKey, spec: Spec) -> tuple[float, float, float, float]:
    """(w_lo, w_hi, b_lo, b_hi): a (w, b) window holding the truth, the optimum and the start.

    Padded by a quarter of the span (at least 0.5) and snapped outward to
    WINDOW_SNAP so that small slider moves rarely shift it.
    """
    d = make_data(key)
    f = make_fit(key, spec)
    ws = [d.slope, f.target[0], START[0], f.w]
    bs = [d.intercept, f.target[1], START[1], f.b]

    def span(vals: list[float]) -> tuple[float, float]:
        lo, hi = min(vals), max(vals)
        pad = max(0.25 * (hi - lo), 0.5)
        return (
            math.floor((lo - pad) / WINDOW_SNAP) * WINDOW_SNAP,
            math.ceil((hi + pad) / WINDOW_SNAP) * WINDOW_SNAP,
        )

    return (*span(ws), *span(bs))


def grid_for(spec: Spec, grid: int, n: int) -> int:
    """The grid a loss's landscape is drawn at: ``grid``, or for a smooth loss (no sorted-
    residual shortcut, G²·n loss evaluations) the largest multiple of 10 within
    :data:`SMOOTH_BUDGET`, at least 20."""
    if spec[0] == "mse" or spec[0] in PIECEWISE_LOSSES or grid * grid * n <= SMOOTH_BUDGET:
        return grid
    return max(20, min(grid, int(math.sqrt(SMOOTH_BUDGET / n)) // 10 * 10))


# 24: an entry is up to ~1.6 MB (a 200² exact landscape with its axes), ~40 MB in all
# (tests/test_cache_bytes.py bounds every cache in bytes).
@st.cache_data(max_entries=24, show_spinner=False)
def make_landscape(
    key: DataKey, spec: Spec, grid: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The axes w, b and the exact mean-loss landscape (len(b), len(w)) of one loss."""
    d = make_data(key)
    grid = grid_for(spec, grid, d.n)
    w_lo, w_hi, b_lo, b_hi = window(key, spec)
    w = np.linspace(w_lo, w_hi, grid)
    b = np.linspace(b_lo, b_hi, grid)
    return w, b, regression_landscape(d.x, d.y, w, b, spec[0], **kw_of(spec))


@st.cache_data(max_entries=96, show_spinner=False)
def make_path(key: DataKey, spec: Spec, optimizer: str, lr: float, steps: int) -> DescentPath:
    """The optimiser's path on one loss, from START."""
    d = make_data(key)
    return gradient_descent(
        d.x,
        d.y,
        spec[0],
        optimizer=optimizer,
        lr=lr,
        steps=steps,
        start=START,
        momentum=MOMENTUM,
        **kw_of(spec),
    )


@dataclass(frozen=True)
class LrRange:
    """The learning-rate slider: its range, step and default for the data and optimiser."""

    min_value: float
    max_value: float
    default: float
    step: float
    scope: str  # the slider's key changes with its range (a kept value could fall outside)


#: Adam moves each of w, b by about η per step whatever the curvature: a fixed range.
ADAM_LR = LrRange(0.001, 1.0, 0.1, 0.001, "adam")


def _nice_ceil(v: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is >= v > 0."""
    e = math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        top = round(m * 10.0**e, 12 - e)
        if top >= v * (1 - 1e-12):
            return top
    raise AssertionError("unreachable")  # pragma: no cover


def lr_range(key: DataKey, optimizer: str) -> LrRange:
    """The η slider for these data: gradient descent and momentum follow MSE's curvature.

    GD diverges on MSE beyond 2/L, momentum beyond 2(1 + μ)/L, with L the largest
    curvature of MSE's mean loss (:func:`lossviz.fit.mse_curvature`), which leverage
    points make large (L ≈ 6.9 for the default vertical data, 33 with leverage). The
    slider runs up to 5/L rounded up to 1, 2 or 5 × 10^k (past both bounds and past
    Huber's safe 4/L), in steps of a thousandth of that decade, and starts at 1/L
    rounded down to a step: the textbook step for an L-smooth loss, at which every path
    of the default data reaches its optimum. Adam gets :data:`ADAM_LR`.
    """
    if optimizer == "adam":
        return ADAM_LR
    lipschitz = mse_curvature(make_data(key).x)
    top = _nice_ceil(5.0 / lipschitz)
    step = 10.0 ** (math.floor(math.log10(top)) - 3)
    nd = decimals(step)
    default = max(step, round(math.floor(1.0 / lipschitz / step + 1e-9) * step, nd))
    return LrRange(step, top, default, step, f"upto{top:g}")


def influence(d: PageData, fit: Fit, spec: Spec) -> np.ndarray:
    """|∂ℓ/∂ŷ| of each point at the loss's own fitted line: its vote on the fit."""
    grad = getattr(losses, spec[0] + "_grad")
    return np.abs(grad(d.y, fit.w * d.x + fit.b, **kw_of(spec)))


# --------------------------------------------------------------------------- page


def _slot_controls(state: UrlState, i: int, group: str) -> Spec:
    """Loss select and hyperparameter sliders of slot i (URL: l{i}, l{i}.<param>)."""
    slot = SLOTS[i]
    sb = st.sidebar
    d_loss, d_params = DEFAULT_SLOTS[group][i]
    loss = state.select(
        slot, f"Loss {i + 1}", REGRESSION_LOSSES, default=d_loss,
        format_func=lambda k: registry.get(k).title, scope=group,
        help="Any regression loss of the registry; the same loss may appear twice.",
    )  # fmt: skip
    params = []
    for p in registry.get(loss).params:
        default = d_params.get(p.name, p.default) if loss == d_loss else p.default
        value = state.param(
            p, scope=f"{group}.{slot}.{loss}", container=sb, url_name=f"{slot}.{p.name}",
            default=default,
        )  # fmt: skip
        params.append((p.name, float(value)))
    return loss, tuple(params)


def _controls(state: UrlState) -> dict:
    sb = st.sidebar
    sb.markdown("**Data**")
    v: dict = {}
    v["kind"] = state.select(
        "kind", "data", KINDS, default="vertical", format_func=KIND_TITLES.get,
        help="Vertical: y shifted up by M·u, u ∈ [0.5, 1.5]: they raise the mean, not the "
        "median. Leverage: x moved far right and y placed below the line there; such points "
        "tilt every convex M-estimator, Huber and MAE included. Heteroscedastic: no "
        "outliers, but the noise σ(x) = σ₀ + g·x grows with x: each conditional quantile "
        "is its own line.",
    )  # fmt: skip
    het = v["kind"] == "heteroscedastic"
    v["n"] = state.slider(
        "n", "points n", min_value=10, max_value=1000, default=100, step=10, integer=True,
        help="Number of points, inliers and outliers together.",
    )  # fmt: skip
    v["noise"] = state.slider(
        "noise", "noise σ₀ at x = 0" if het else "noise σ", min_value=0.0, max_value=3.0,
        default=0.5, step=0.1,
        help="Standard deviation of the Gaussian noise around the true line"
        + (" at x = 0 (at least 0.05 here)." if het else "."),
    )  # fmt: skip
    if het:
        v["pct"], v["magnitude"] = 0, 0.0
        v["growth"] = state.slider(
            "growth", "noise growth g", min_value=0.0, max_value=1.0, default=0.4, step=0.05,
            help="σ(x) = σ₀ + g·x on x ∈ [0, 5]: the true τ-quantile line is "
            "ŷ = (1 + g·z_τ)x + 0.5 + σ₀·z_τ, z_τ = Φ⁻¹(τ).",
        )  # fmt: skip
    else:
        v["growth"] = 0.0
        v["pct"] = state.slider(
            "outliers", "outliers (%)", min_value=0, max_value=50, default=10, step=1,
            integer=True, help="Share of points replaced by outliers.",
        )  # fmt: skip
        v["magnitude"] = state.slider(
            "magnitude", "outlier magnitude M", min_value=0.0, max_value=30.0, default=10.0,
            step=0.5, help="How far the outliers are placed (in units of y, or of x for "
            "leverage).",
        )  # fmt: skip
    v["seed"] = state.slider(
        "seed", "seed", min_value=0, max_value=99, default=0, step=1, integer=True,
        help="Same seed, same data: a shared link reproduces the exact points.",
    )  # fmt: skip
    sb.markdown("**Losses**")
    group = "heteroscedastic" if het else "outliers"
    v["specs"] = tuple(_slot_controls(state, i, group) for i in range(len(SLOTS)))
    v["influence"] = state.select(
        "influence", "point size ∝ |∂ℓ/∂ŷ| of", SLOTS, default="l3",
        format_func=lambda s: f"loss {SLOTS.index(s) + 1}", radio=True,
        help="Each point's vote on the fit: the size of its gradient at that loss's fit.",
    )  # fmt: skip
    sb.markdown("**Descent**")
    v["opt"] = state.select(
        "opt", "optimiser", OPTIMIZERS, default="gd", format_func=OPT_TITLES.get,
        help=f"Every run starts at (w, b) = {START}.",
    )  # fmt: skip
    key = data_key(v)
    lr = lr_range(key, v["opt"])
    v["lr_step"] = lr.step
    v["lr"] = state.slider(
        "lr", "learning rate η", min_value=lr.min_value, max_value=lr.max_value,
        default=lr.default, step=lr.step, scope=lr.scope,
        help="Adam moves w and b by about η per step." if v["opt"] == "adam" else
        "The range follows the data: gradient descent on MSE diverges beyond 2/L and "
        "momentum beyond 2(1 + μ)/L, where L is the largest curvature of MSE's mean loss "
        "(large with leverage points). It starts at 1/L; the page says when a path diverges.",
    )  # fmt: skip
    v["steps"] = state.slider(
        "steps", "steps", min_value=1, max_value=500, default=STEPS_DEFAULT, step=1,
        integer=True,
    )  # fmt: skip
    sb.markdown("**View**")
    v["grid"] = state.slider(
        "grid", "landscape grid (G × G)", min_value=20, max_value=400, default=GRID_DEFAULT,
        step=10, integer=True, help="Resolution of the exact landscapes.",
    )  # fmt: skip
    v["three_d"] = state.toggle(
        "3d", "3-D landscapes", default=False, help="Rotate with the mouse."
    )
    return v


def data_key(v: dict) -> DataKey:
    return (v["n"], v["noise"], v["pct"], v["magnitude"], v["kind"], v["seed"], v["growth"])


def _fits_table(d: PageData, specs, fits: list[Fit]) -> str:
    """Four columns, each fit's error in brackets: narrow enough for a phone or a side column."""
    rows = [
        # No-break spaces keep "(ŵ − w)" on one line when a narrow column wraps the header.
        "| loss | slope ŵ (ŵ\u00a0−\u00a0w) | intercept b̂ (b̂\u00a0−\u00a0b) | outliers' vote |",
        "|---|---:|---:|---:|",
        f"| true line | {d.slope:.3f} | {d.intercept:.3f} | |".replace("-", "−"),
    ]
    for spec, f in zip(specs, fits, strict=True):
        dw, db = f.w - f.target[0], f.b - f.target[1]
        g = influence(d, f, spec)
        total = float(g.sum())
        share = (
            f"{100 * float(g[d.is_outlier].sum()) / total:.0f} %"
            if total > 0 and d.is_outlier.any()
            else "–"
        )
        mark = "" if f.convex else " †"
        nums = f"{f.w:.3f} ({dw:+.3f}) | {f.b:.3f} ({db:+.3f})".replace("-", "−")
        rows.append(f"| {spec_title(spec)}{mark} | {nums} | {share} |")
    return "\n".join(rows)


def _nonconvex_note(spec: Spec, f: Fit) -> str:
    w0, b0 = f.start
    return (
        f"{spec_title(spec)} is non-convex (α < 1): local optimum from {f.start_from} "
        f"(w, b) = ({w0:.3f}, {b0:.3f}), by Newton's method."
    )


def _influence_caption(d: PageData, fit: Fit, spec: Spec) -> str:
    g = influence(d, fit, spec)
    loss, kw = spec[0], kw_of(spec)
    title = spec_title(spec)
    out = d.is_outlier
    of_outliers = (
        f" ({int((g >= g.max() * (1 - 1e-12))[out].sum())} of the {int(out.sum())} outliers)"
        if out.any()
        else ""
    )
    if loss == "mse":
        return (
            "MSE: ∂ℓ/∂ŷ = 2(ŷ − y), so a point's vote grows with its residual; the outliers, "
            f"with the largest residuals, dominate (largest vote {g.max():.3g})."
        )
    if loss in ("mae", "quantile") or (loss == "smooth_l1" and kw["beta"] == 0.0):
        zero = int(np.sum(g == 0))
        on_line = (
            f" {zero} point(s) lie exactly on the line (r = 0, subgradient 0)." if zero else ""
        )
        if loss == "quantile":
            tau = kw["tau"]
            below = int(np.sum(d.y < fit.w * d.x + fit.b - 1e-9 * (1 + np.abs(d.y))))
            return (
                f"{title}: a point above the line votes τ = {fmt(tau, 0.01)}, one below "
                f"1 − τ = {fmt(1 - tau, 0.01)}, however far: the line balances them where "
                f"{below} of {d.n} points ({100 * below / d.n:.0f} %) lie below it, the "
                "τ-quantile of y at each x." + on_line
            )
        return (
            f"{title}: ∂ℓ/∂ŷ = sign(ŷ − y), so every point has the same vote, 1, however far it "
            "is: the line is a median and outliers only count once each." + on_line
        )
    if loss in ("huber", "smooth_l1"):
        cap = kw["delta"] if loss == "huber" else 1.0
        at_cap = g >= cap * (1 - 1e-12)
        what = "r inside ±δ and ±δ beyond" if loss == "huber" else "r/β inside ±β and ±1 beyond"
        return (
            f"{title}: ∂ℓ/∂ŷ = {what}, so the vote is capped at {fmt(cap, 0.05)}: "
            f"{int(at_cap.sum())} of {d.n} points are at the cap"
            + (
                f" ({int(at_cap[out].sum())} of the {int(out.sum())} outliers)."
                if out.any()
                else "."
            )
        )
    if loss == "epsilon_insensitive":
        inside = int(np.sum(g == 0))
        return (
            f"{title}: residuals inside the tube ±ε cost nothing and have no vote; beyond it "
            f"every point votes 1 ({inside} of {d.n} points inside the tube)."
        )
    if loss == "pseudo_huber":
        return (
            f"{title}: ∂ℓ/∂ŷ = r/√(1 + (r/δ)²), smooth, growing towards δ: far points keep "
            f"a vote close to δ (largest vote {g.max():.3g}){of_outliers}."
        )
    if loss == "log_cosh":
        return (
            f"{title}: ∂ℓ/∂ŷ = tanh(ŷ − y), smooth and capped at 1: far points keep a vote "
            f"close to 1 (largest vote {g.max():.3g})."
        )
    alpha = kw["alpha"]
    share = (
        f" The outliers cast {100 * float(g[out].sum()) / float(g.sum()):.0f} % of all votes."
        if out.any() and g.sum() > 0
        else ""
    )
    if alpha >= 1.0:
        # Barron (2019): far from 0, ∂ℓ/∂r ~ |r|^(α−1) up to a constant, so for α > 1
        # it grows without bound; at α = 1 (Charbonnier) it tends to 1/c.
        grows = (
            f"grows without bound, like |r|^{fmt(alpha - 1.0, 0.1)}"
            if alpha > 1.0
            else f"grows towards a cap, 1/c = {1.0 / kw['scale']:.3g}"
        )
        return f"{title}: for α ≥ 1 the vote of a far point {grows} (convex).{share}"
    return (
        f"{title}: for α < 1 the vote is redescending: it peaks near |r| ≈ c and falls back "
        f"towards 0 for far points, so distant outliers are ignored (largest vote "
        f"{g.max():.3g}).{share}"
    )


SCRUB = "outliers.scrub"


def _path_frames(control, specs, paths, lands, three_d: bool):
    """Each optimiser path revealed step by step (the browser slices the path it was
    sent once: the first k + 1 iterates solid, the rest dotted, the iterate k marked),
    and the gap chart's "now" line at every step."""
    steps = control.grid
    charts = []
    for slot, p, land in zip(SLOTS, paths, lands, strict=True):
        arrays = {"x": p.w, "y": p.b}
        lift = figures.path_lift(land) if three_d else 0.0
        if three_d:
            arrays["z"] = p.loss + lift
        last = p.w.size - 1
        names = {
            2: [f"path to step {min(int(k), last)}" for k in steps],
            3: [f"step {min(int(k), last)}" for k in steps],
        }
        point = {**arrays, **({"z": p.loss + 4 * lift} if three_d else {})}
        charts.append(
            scrub.ChartFrames(
                revision=f"outliers.land.{slot}.{'3d' if three_d else '2d'}",
                reveal=[(1, "suffix", arrays), (2, "prefix", arrays), (3, "point", point)],
                names=names,
            )
        )
    gap = {"shapes[0].x0": [float(k) for k in steps], "shapes[0].x1": [float(k) for k in steps]}
    charts.append(scrub.ChartFrames(revision="outliers.gap", layout=gap))
    return scrub.Frames(values=steps, charts=charts)


def render() -> None:
    state = UrlState("outliers")
    commit, want = scrub.states(SCRUB)
    if commit is not None and commit.get("name") in st.session_state:
        st.session_state[commit["name"]] = int(commit["value"])
    v = _controls(state)
    key = data_key(v)
    specs = v["specs"]
    colours = _slot_colours(specs)
    opt, lr, steps, grid = v["opt"], v["lr"], v["steps"], v["grid"]
    titles = [spec_title(s) for s in specs]
    short = [spec_title(s, named=False) for s in specs]
    het = v["kind"] == "heteroscedastic"

    st.title("Robust regression: who pulls the line?")
    what = (
        f"{v['n']} points whose noise grows with x (σ₀ = {fmt(v['noise'], 0.1)}, "
        f"g = {fmt(v['growth'], 0.05)})"
        if het
        else f"{v['n']} points around the true line, {v['pct']} % of them outliers "
        f"({KIND_TITLES[v['kind']]}, M = {fmt(v['magnitude'], 0.5)})"
    )
    st.markdown(f"*{what}, fitted by {titles[0]}, {titles[1]} and {titles[2]}.*")

    d = make_data(key)
    fits = [make_fit(key, s) for s in specs]
    sel = SLOTS.index(v["influence"])

    left, right = st.columns([11, 9], gap="medium")
    with left:
        references = []
        if het:
            seen = set()
            for slot, spec in zip(SLOTS, specs, strict=True):
                if spec[0] == "quantile" and spec not in seen:
                    seen.add(spec)
                    tau = kw_of(spec)["tau"]
                    w, b = d.het.quantile_line(tau)
                    references.append((f"true τ = {fmt(tau, 0.01)}", w, b, colours[slot]))
        fig = figures.outliers_scatter_figure(
            d.x,
            d.y,
            d.is_outlier,
            influence(d, fits[sel], specs[sel]),
            lines=[(t, f.w, f.b, colours[s]) for s, t, f in zip(SLOTS, short, fits, strict=True)],
            truth=(d.slope, d.intercept),
            references=references,
            influence_label=f"|∂ℓ/∂ŷ| ({short[sel]})",
            title=f"Point size ∝ |∂ℓ/∂ŷ| of {SHORT[specs[sel][0]]}",
            uirevision="outliers.scatter",
        )
        chart(fig, "outliers.scatter")
        st.caption(_influence_caption(d, fits[sel], specs[sel]))
    with right:
        st.subheader("Fits against the truth")
        st.markdown(_fits_table(d, specs, fits))
        methods = "; ".join(f"{t}: {f.method}" for t, f in zip(titles, fits, strict=True))
        targets = {f.target_name for f in fits}
        st.caption(
            "Each line minimises the mean loss exactly where the loss is convex "
            f"({methods}). The bracket is the fit's error against the "
            + ("line it estimates (the true τ-quantile line for quantile regression, "
               "else the true line)" if "true line" not in targets or len(targets) > 1
               else "true line")
            + ". *Outliers' vote*: the outliers' share of Σ|∂ℓ/∂ŷ| over all points at that fit."
        )  # fmt: skip
        for spec, f in zip(specs, fits, strict=True):
            if not f.convex:
                st.markdown("† " + _nonconvex_note(spec, f))

    st.subheader("Loss landscapes over (w, b)")
    lands = [make_landscape(key, s, grid) for s in specs]
    paths = [make_path(key, s, opt, lr, steps) for s in specs]
    # The step: a scrub bar (drag, keys, or ▶ to replay the optimiser in the browser).
    step, step_key = state.number(
        "step", min_value=0, max_value=steps, default=steps, step=1, integer=True,
        scope=f"s{steps}",
    )  # fmt: skip
    bar = st.container()
    eta = fmt(lr, v["lr_step"])
    st.caption(
        f"{OPT_TITLES[opt]}, η = {eta}, {steps} steps from (w, b) = {START}. "
        + (
            "◆ = optimum of that loss, + = true parameters"
            if v["three_d"]
            else "★ = optimum of that loss, ✕ = true parameters"
        )
        + ", ● = the iterate at the chosen step. "
        + _stability_note(d, opt)
    )
    cols = st.columns(3, gap="small")
    for col, slot, spec, title, name, f, p, land in zip(
        cols, SLOTS, specs, titles, short, fits, paths, lands, strict=True
    ):
        w_axis, b_axis, z = land
        with col:
            fig = figures.landscape_path_figure(
                w_axis,
                b_axis,
                z,
                optimum=(f.w, f.b, f.objective),
                truth=(f.target[0], f.target[1], f.truth_objective),
                path=(p.w, p.b, p.loss),
                step=step,
                colour=colours[slot],
                three_d=v["three_d"],
                title=name + ": mean loss",
                height=420,
                uirevision=f"outliers.land.{slot}.{'3d' if v['three_d'] else '2d'}",
            )
            chart(fig, f"outliers.land.{slot}")
            _path_status(p, f, step, w_axis, b_axis, title, spec, d, opt, eta)
            if w_axis.size < grid:
                st.caption(
                    f"Drawn at {w_axis.size} × {w_axis.size}: a smooth loss has no exact "
                    f"shortcut, and {grid} × {grid} × n = {grid * grid * d.n:,} evaluations "
                    f"exceed the page's {SMOOTH_BUDGET:,}."
                )

    runs = [
        (t, p.loss, f.objective, colours[s])
        for s, t, p, f in zip(SLOTS, short, paths, fits, strict=True)
    ]
    fig = figures.descent_gap_figure(
        runs,
        step=step,
        steps=steps,
        title="Distance to the optimum, f(θ_t) − f*",
        uirevision="outliers.gap",
    )
    chart(fig, "outliers.gap")
    control = scrub.Control(
        step_key, "show the path up to step", 0, steps, 1, step, valuetext="step {v}"
    )
    context = scrub.context_of(key, specs, opt, lr, steps, grid, v["three_d"])
    sent = {}
    if want is not None and want.get("name") == step_key and want.get("context") == context:
        sent[step_key] = _path_frames(control, specs, paths, [z for *_, z in lands], v["three_d"])
    with bar:
        scrub.scrub_bar(SCRUB, [control], contexts={step_key: context}, frames=sent)
    nonconvex = [t for t, f in zip(titles, fits, strict=True) if not f.convex]
    st.caption(
        f"{OPT_TITLES[opt].capitalize()}, η = {eta}, on a log scale: a straight descending "
        "line is linear convergence. The gradient of MAE, quantile and ε-insensitive "
        "losses does not shrink near the optimum, so with a fixed η the iterates keep "
        "bouncing around it; values below 1e-15 are drawn at 1e-15."
        + (
            f" For {', '.join(nonconvex)} f* is the local optimum reached from the LAD fit; "
            "the path, from another start, may settle in another valley (a gap below 0 is "
            "drawn at 1e-15)."
            if nonconvex
            else ""
        )
    )
    state.sync_url()


def _stability_note(d: PageData, opt: str) -> str:
    """What bounds η on these data, in numbers (the same ones the η slider is built from)."""
    if opt == "adam":
        return "Adam moves w and b by about η per step, whatever the curvature."
    lipschitz = mse_curvature(d.x)
    return (
        f"Here MSE's mean loss has curvature up to L = {lipschitz:.3g}: gradient descent "
        f"on it is stable for η < 2/L = {stable_learning_rate(d.x, 'gd'):.3g}, momentum for "
        f"η < 2(1 + μ)/L = {stable_learning_rate(d.x, 'momentum', momentum=MOMENTUM):.3g}; "
        "the slider starts at 1/L. Huber's curvature is at most L/2, and MAE's bounded "
        "gradient makes it bounce rather than blow up."
    )


def _divergence(p: DescentPath, title: str, spec: Spec, d: PageData, opt: str, eta: str) -> str:
    """Which run diverged, where, and the largest η that would not have."""
    k = p.diverged_at
    drawn = f"The path is drawn up to step {k - 1}."
    if spec[0] == "mse" and opt in ("gd", "momentum"):
        lipschitz = mse_curvature(d.x)
        bound = stable_learning_rate(d.x, opt, momentum=MOMENTUM)
        formula = "2/L" if opt == "gd" else "2(1 + μ)/L"
        return (
            f"**MSE diverged at step {k}**: η = {eta} is above {formula} = {bound:.3g}, the "
            f"largest stable learning rate of {OPT_TITLES[opt]} on MSE for these data "
            f"(L = {lipschitz:.3g}, the largest curvature of its mean loss); any η below it "
            f"converges. {drawn}"
        )
    return (
        f"**{title} diverged at step {k}**: with η = {eta} the loss grew more than a "
        f"million-fold. {drawn}"
    )


def _path_status(
    p: DescentPath,
    f: Fit,
    step: int,
    w: np.ndarray,
    b: np.ndarray,
    title: str,
    spec: Spec,
    d: PageData,
    opt: str,
    eta: str,
) -> None:
    if p.diverged:
        st.markdown(_divergence(p, title, spec, d, opt, eta))
    k = min(step, p.w.size - 1)
    outside = (p.w < w[0]) | (p.w > w[-1]) | (p.b < b[0]) | (p.b > b[-1])
    gap = p.loss[k] - f.objective
    # |gap| at the level of round-off of f* itself: the optimiser has reached the optimum.
    shown = "≈ 0" if abs(gap) <= 1e-12 * max(1.0, abs(f.objective)) else f"= {gap:.3g}"
    text = f"step {k}: w = {p.w[k]:.3f}, b = {p.b[k]:.3f}, f − f* {shown}"
    if not f.convex:
        text += " (f* local)"
    if outside.any():
        text += " · the path leaves this window"
    st.caption(text)
