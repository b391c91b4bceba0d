"""The Outliers page: who pulls the fitted line, and how each loss lets them.

One seeded data set (inliers around a known line plus planted outliers) is fitted
exactly by MSE, MAE and Huber(δ); the scatter sizes each point by its vote
|∂ℓ/∂ŷ| under the chosen loss, and the three loss landscapes over (w, b) show
the optimum, the truth and an optimiser's path through them.

Caching follows the dependencies (every key is a tuple of scalars): the data
depend on the data sliders only, the fits on data + δ, the landscapes on data +
δ + grid, the descent paths on data + δ + optimiser + η + steps. Moving the step
slider, the influence selector or the 3-D toggle recomputes nothing but figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lossviz import figures, losses
from lossviz.data import OUTLIER_KINDS, RegressionData, regression_data
from lossviz.fit import (
    OPTIMIZERS,
    DescentPath,
    fit_regression,
    gradient_descent,
    mse_curvature,
    stable_learning_rate,
)
from lossviz.landscape import regression_landscape
from lossviz.views import scrub
from lossviz.views.controls import UrlState, decimals, fmt

LOSSES = ("mse", "mae", "huber")
TITLES = {"mse": "MSE", "mae": "MAE", "huber": "Huber"}
COLOURS = {"mse": figures.PALETTE[0], "mae": figures.PALETTE[1], "huber": figures.PALETTE[2]}
MOMENTUM = 0.9  # heavy-ball μ of every momentum run (and of its stability bound)
OPT_TITLES = {"gd": "gradient descent", "momentum": f"momentum (μ = {MOMENTUM})", "adam": "Adam"}
KIND_TITLES = {"vertical": "vertical (y shifted up)", "leverage": "leverage (far-right x)"}
#: Every optimiser starts here, away from all optima, so the paths have somewhere to go.
START = (-1.0, 3.0)
GRID_DEFAULT = 200  # DESIGN.md: surfaces default to ≤ 200×200, float32 to the browser
STEPS_DEFAULT = 300  # enough for GD at η = 1/L to reach every optimum on the default data
WINDOW_SNAP = 0.25  # landscape window edges are multiples of this (stable under small moves)

DataKey = tuple[int, float, int, float, str, int]  # n, noise, outliers %, magnitude, kind, seed


# --------------------------------------------------------------------------- cached compute


@st.cache_data(max_entries=64, show_spinner=False)
def make_data(key: DataKey) -> RegressionData:
    n, noise, pct, magnitude, kind, seed = key
    return regression_data(
        n,
        noise=noise,
        outlier_fraction=pct / 100.0,
        outlier_magnitude=magnitude,
        outlier_kind=kind,
        seed=seed,
    )


def _kw(loss: str, delta: float) -> dict[str, float]:
    return {"delta": delta} if loss == "huber" else {}


def mean_loss(d: RegressionData, w: float, b: float, loss: str, delta: float) -> float:
    fn = getattr(losses, loss)
    return float(np.mean(fn(d.y, w * d.x + b, **_kw(loss, delta))))


@dataclass(frozen=True)
class Fit:
    w: float
    b: float
    objective: float  # f* = mean loss at the optimum
    truth_objective: float  # mean loss at the true (w, b)


@st.cache_data(max_entries=64, show_spinner=False)
def make_fits(key: DataKey, delta: float) -> dict[str, Fit]:
    """The exact minimiser of each loss (fit.fit_regression) and its loss at the truth."""
    d = make_data(key)
    out = {}
    for loss in LOSSES:
        f = fit_regression(d.x, d.y, loss, **_kw(loss, delta))
        out[loss] = Fit(f.w, f.b, f.objective, mean_loss(d, d.slope, d.intercept, loss, delta))
    return out


def window(key: DataKey, delta: float) -> tuple[float, float, float, float]:
    """(w_lo, w_hi, b_lo, b_hi): a (w, b) window holding the truth, every optimum and the start.

    Padded by a quarter of the span (at least 0.5) and snapped outward to
    WINDOW_SNAP so that small slider moves rarely shift it.
    """
    d = make_data(key)
    fits = make_fits(key, delta)
    ws = [d.slope, START[0], *(f.w for f in fits.values())]
    bs = [d.intercept, START[1], *(f.b for f in fits.values())]

    def span(vals: list[float]) -> tuple[float, float]:
        lo, hi = min(vals), max(vals)
        pad = max(0.25 * (hi - lo), 0.5)
        return (
            math.floor((lo - pad) / WINDOW_SNAP) * WINDOW_SNAP,
            math.ceil((hi + pad) / WINDOW_SNAP) * WINDOW_SNAP,
        )

    return (*span(ws), *span(bs))


@st.cache_data(max_entries=32, show_spinner=False)
def make_landscapes(
    key: DataKey, delta: float, grid: int
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The axes w, b and the exact mean-loss landscape (len(b), len(w)) of each loss."""
    d = make_data(key)
    w_lo, w_hi, b_lo, b_hi = window(key, delta)
    w = np.linspace(w_lo, w_hi, grid)
    b = np.linspace(b_lo, b_hi, grid)
    return (
        w,
        b,
        {loss: regression_landscape(d.x, d.y, w, b, loss, **_kw(loss, delta)) for loss in LOSSES},
    )


@st.cache_data(max_entries=64, show_spinner=False)
def make_paths(
    key: DataKey, delta: float, optimizer: str, lr: float, steps: int
) -> dict[str, DescentPath]:
    """The optimiser's path on each loss, from START."""
    d = make_data(key)
    return {
        loss: gradient_descent(
            d.x,
            d.y,
            loss,
            optimizer=optimizer,
            lr=lr,
            steps=steps,
            start=START,
            momentum=MOMENTUM,
            **_kw(loss, delta),
        )
        for loss in LOSSES
    }


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


def influence(d: RegressionData, fit: Fit, loss: str, delta: float) -> np.ndarray:
    """|∂ℓ/∂ŷ| of each point at the loss's own fitted line: its vote on the fit."""
    grad = getattr(losses, loss + "_grad")
    return np.abs(grad(d.y, fit.w * d.x + fit.b, **_kw(loss, delta)))


# --------------------------------------------------------------------------- page


def _controls(state: UrlState) -> dict:
    sb = st.sidebar
    sb.markdown("**Data**")
    v: dict = {}
    v["n"] = state.slider(
        "n", "points n", min_value=10, max_value=1000, default=100, step=10, integer=True,
        help="Number of points, inliers and outliers together.",
    )  # fmt: skip
    v["noise"] = state.slider(
        "noise", "noise σ", min_value=0.0, max_value=3.0, default=0.5, step=0.1,
        help="Standard deviation of the Gaussian noise around the true line.",
    )  # fmt: skip
    v["pct"] = state.slider(
        "outliers", "outliers (%)", min_value=0, max_value=50, default=10, step=1, integer=True,
        help="Share of points replaced by outliers.",
    )  # fmt: skip
    v["magnitude"] = state.slider(
        "magnitude", "outlier magnitude M", min_value=0.0, max_value=30.0, default=10.0,
        step=0.5, help="How far the outliers are placed (in units of y, or of x for leverage).",
    )  # fmt: skip
    v["kind"] = state.select(
        "kind", "outlier kind", OUTLIER_KINDS, default="vertical", format_func=KIND_TITLES.get,
        radio=True,
        help="Vertical: y shifted up by M·u, u ∈ [0.5, 1.5]: they raise the mean, not the "
        "median. Leverage: x moved far right and y placed below the line there; such points "
        "tilt every convex M-estimator, Huber and MAE included.",
    )  # fmt: skip
    v["seed"] = state.slider(
        "seed", "seed", min_value=0, max_value=99, default=0, step=1, integer=True,
        help="Same seed, same data: a shared link reproduces the exact points.",
    )  # fmt: skip
    sb.markdown("**Loss**")
    v["delta"] = state.slider(
        "delta", "Huber δ (delta)", min_value=0.1, max_value=5.0, default=1.0, step=0.1,
        help="Residuals beyond ±δ are penalised linearly: their vote is capped at δ.",
    )  # fmt: skip
    v["influence"] = state.select(
        "influence", "point size ∝ |∂ℓ/∂ŷ| of", LOSSES, default="huber",
        format_func=TITLES.get, radio=True,
        help="Each point's vote on the fit: the size of its gradient at that loss's fit.",
    )  # fmt: skip
    sb.markdown("**Descent**")
    v["opt"] = state.select(
        "opt", "optimiser", OPTIMIZERS, default="gd", format_func=OPT_TITLES.get,
        help=f"Every run starts at (w, b) = {START}.",
    )  # fmt: skip
    key: DataKey = (v["n"], v["noise"], v["pct"], v["magnitude"], v["kind"], v["seed"])
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


def _fits_table(d: RegressionData, fits: dict[str, Fit], delta: float) -> str:
    """Four columns, each fit's error in brackets: narrow enough for a phone or a side column."""
    rows = [
        # No-break spaces keep "(ŵ − w)" on one line when a narrow column wraps the header.
        "| loss | slope ŵ (ŵ\u00a0−\u00a0w) | intercept b̂ (b̂\u00a0−\u00a0b) | outliers' vote |",
        "|---|---:|---:|---:|",
        f"| truth | {d.slope:.3f} | {d.intercept:.3f} | |",
    ]
    for loss in LOSSES:
        f = fits[loss]
        dw, db = f.w - d.slope, f.b - d.intercept
        g = influence(d, f, loss, delta)
        total = float(g.sum())
        share = f"{100 * float(g[d.is_outlier].sum()) / total:.0f} %" if total > 0 else "–"
        rows.append(f"| {TITLES[loss]} | {f.w:.3f} ({dw:+.3f}) | {f.b:.3f} ({db:+.3f}) | {share} |")
    return "\n".join(rows)


def _influence_caption(d: RegressionData, fit: Fit, loss: str, delta: float) -> str:
    g = influence(d, fit, loss, delta)
    if loss == "mse":
        return (
            "MSE: ∂ℓ/∂ŷ = 2(ŷ − y), so a point's vote grows with its residual; the outliers, "
            f"with the largest residuals, dominate (largest vote {g.max():.3g})."
        )
    if loss == "mae":
        zero = int(np.sum(g == 0))
        on_line = (
            f" {zero} point(s) lie exactly on the MAE line (r = 0, subgradient 0)." if zero else ""
        )
        return (
            "MAE: ∂ℓ/∂ŷ = sign(ŷ − y), so every point has the same vote, 1, however far it is: "
            "the line is a median and outliers only count once each." + on_line
        )
    at_cap = g >= delta * (1 - 1e-12)
    return (
        f"Huber: ∂ℓ/∂ŷ = r inside ±δ and ±δ beyond, so the vote is capped at δ = "
        f"{fmt(delta, 0.1)}: {int(at_cap.sum())} of {d.n} points are at the cap"
        + (
            f" ({int(at_cap[d.is_outlier].sum())} of the {int(d.is_outlier.sum())} outliers)."
            if d.is_outlier.any()
            else "."
        )
    )


SCRUB = "outliers.scrub"


def _path_frames(control, paths, land, three_d: bool):
    """Each optimiser path revealed step by step (the browser slices the path it was
    sent once: the first k + 1 iterates solid, the rest dotted, the iterate k marked),
    and the gap chart's "now" line at every step."""
    steps = control.grid
    charts = []
    for loss in LOSSES:
        p = paths[loss]
        arrays = {"x": p.w, "y": p.b}
        lift = figures.path_lift(land[loss]) if three_d else 0.0
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
                revision=f"outliers.land.{loss}.{'3d' if three_d else '2d'}",
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
    key: DataKey = (v["n"], v["noise"], v["pct"], v["magnitude"], v["kind"], v["seed"])
    delta, opt, lr, steps, grid = v["delta"], v["opt"], v["lr"], v["steps"], v["grid"]

    st.title("Outliers: who pulls the line?")
    st.markdown(
        f"*{v['n']} points around the true line, {v['pct']} % of them outliers "
        f"({KIND_TITLES[v['kind']]}, M = {fmt(v['magnitude'], 0.5)}), fitted exactly by MSE, "
        f"MAE and Huber (δ = {fmt(delta, 0.1)}).*"
    )

    d = make_data(key)
    fits = make_fits(key, delta)
    sel = v["influence"]

    left, right = st.columns([11, 9], gap="medium")
    with left:
        fig = figures.outliers_scatter_figure(
            d.x,
            d.y,
            d.is_outlier,
            influence(d, fits[sel], sel, delta),
            lines=[(TITLES[k], fits[k].w, fits[k].b, COLOURS[k]) for k in LOSSES],
            truth=(d.slope, d.intercept),
            influence_label=f"|∂ℓ/∂ŷ| ({TITLES[sel]})",
            title=f"Fitted lines; point size ∝ |∂ℓ/∂ŷ| of {TITLES[sel]}",
            uirevision="outliers.scatter",
        )
        st.plotly_chart(fig, key="outliers.scatter", config={"displaylogo": False})
        st.caption(_influence_caption(d, fits[sel], sel, delta))
    with right:
        st.subheader("Fits against the truth")
        st.markdown(_fits_table(d, fits, delta))
        st.caption(
            "Each line is the exact minimiser of the mean loss (closed form for MSE, "
            f"exact LAD for MAE, Newton for Huber with δ = {fmt(delta, 0.1)}); "
            "w and b are the true slope and intercept, the bracket the fit's error. "
            "*Outliers' vote*: the outliers' share of Σ|∂ℓ/∂ŷ| over all points at that fit."
        )

    st.subheader("Loss landscapes over (w, b)")
    w_axis, b_axis, land = make_landscapes(key, delta, grid)
    paths = make_paths(key, delta, opt, lr, steps)
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
    for col, loss in zip(cols, LOSSES, strict=True):
        p, f = paths[loss], fits[loss]
        with col:
            fig = figures.landscape_path_figure(
                w_axis,
                b_axis,
                land[loss],
                optimum=(f.w, f.b, f.objective),
                truth=(d.slope, d.intercept, f.truth_objective),
                path=(p.w, p.b, p.loss),
                step=step,
                colour=COLOURS[loss],
                three_d=v["three_d"],
                title=TITLES[loss]
                + (f" (δ = {fmt(delta, 0.1)})" if loss == "huber" else "")
                + ": mean loss",
                height=420,
                uirevision=f"outliers.land.{loss}.{'3d' if v['three_d'] else '2d'}",
            )
            st.plotly_chart(fig, key=f"outliers.land.{loss}", config={"displaylogo": False})
            _path_status(p, f, step, w_axis, b_axis, loss, d, opt, eta)

    runs = [(TITLES[k], paths[k].loss, fits[k].objective, COLOURS[k]) for k in LOSSES]
    fig = figures.descent_gap_figure(
        runs,
        step=step,
        steps=steps,
        title="Distance to the optimum, f(θ_t) − f*",
        uirevision="outliers.gap",
    )
    st.plotly_chart(fig, key="outliers.gap", config={"displaylogo": False})
    control = scrub.Control(
        step_key, "show the path up to step", 0, steps, 1, step, valuetext="step {v}"
    )
    context = scrub.context_of(key, delta, opt, lr, steps, grid, v["three_d"])
    sent = {}
    if want is not None and want.get("name") == step_key and want.get("context") == context:
        sent[step_key] = _path_frames(control, paths, land, v["three_d"])
    with bar:
        scrub.scrub_bar(SCRUB, [control], contexts={step_key: context}, frames=sent)
    st.caption(
        f"{OPT_TITLES[opt].capitalize()}, η = {eta}, on a log scale: a straight descending "
        "line is linear convergence. MAE's gradient "
        "does not shrink near the optimum, so with a fixed η the iterates keep bouncing "
        "around it; values below 1e-15 are drawn at 1e-15."
    )
    state.sync_url()


def _stability_note(d: RegressionData, opt: str) -> str:
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


def _divergence(p: DescentPath, loss: str, d: RegressionData, opt: str, eta: str) -> str:
    """Which run diverged, where, and the largest η that would not have."""
    k = p.diverged_at
    drawn = f"The path is drawn up to step {k - 1}."
    if loss == "mse" and opt in ("gd", "momentum"):
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
        f"**{TITLES[loss]} diverged at step {k}**: with η = {eta} the loss grew more than a "
        f"million-fold. {drawn}"
    )


def _path_status(
    p: DescentPath,
    f: Fit,
    step: int,
    w: np.ndarray,
    b: np.ndarray,
    loss: str,
    d: RegressionData,
    opt: str,
    eta: str,
) -> None:
    if p.diverged:
        st.markdown(_divergence(p, loss, d, opt, eta))
    k = min(step, p.w.size - 1)
    outside = (p.w < w[0]) | (p.w > w[-1]) | (p.b < b[0]) | (p.b > b[-1])
    gap = p.loss[k] - f.objective
    # |gap| at the level of round-off of f* itself: the optimiser has reached the optimum.
    shown = "≈ 0" if abs(gap) <= 1e-12 * max(1.0, abs(f.objective)) else f"= {gap:.3g}"
    text = f"step {k}: w = {p.w[k]:.3f}, b = {p.b[k]:.3f}, f − f* {shown}"
    if outside.any():
        text += " · the path leaves this window"
    st.caption(text)
