r"""The Noise models page: what the likelihood behind a loss does to the fit.

Tab 1, **Gaussian NLL vs MSE**: heteroscedastic data (:func:`lossviz.data.heteroscedastic_data`,
σ(x) = 0.2 + growth·x) fitted by least squares (one constant σ² = mean residual²) and by
the Gaussian NLL with mean and log-variance linear in x
(:func:`lossviz.fit.fit_gaussian_nll`: not jointly convex, a local optimum from the MSE
fit). Each model's mean and ±2σ band over the data with the true band; the share of
points inside each band on the quiet and the noisy half.

Tab 2, **Poisson NLL vs MSE**: counts y ~ Poisson(e^{a x + b})
(:func:`lossviz.data.count_data`) fitted by the Poisson NLL with the log link
(:func:`lossviz.fit.fit_poisson`: convex, its optimum) and by a least-squares line.

Caching: each tab's data and fits are cached on its scalars (growth or slope, n, seed).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import streamlit as st

from lossviz import figures, losses
from lossviz.data import CountData, HeteroscedasticData, count_data, heteroscedastic_data
from lossviz.fit import (
    GaussianNLLFit,
    PoissonFit,
    RegressionFit,
    fit_gaussian_nll,
    fit_poisson,
    fit_regression,
)
from lossviz.views import scrub
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

X_MAX_GAUSS = 5.0  # heteroscedastic_data's default x range [0, 5]
NOISE = 0.2  # σ at x = 0
SLOPE, INTERCEPT = 1.0, 0.5  # the true mean line
X_MAX_COUNTS = 4.0
LOG_RATE_INTERCEPT = -1.0
GROWTH = {"min_value": 0.0, "max_value": 1.0, "default": 0.4, "step": 0.05}
RATE_SLOPE = {"min_value": -0.5, "max_value": 1.5, "default": 0.8, "step": 0.05}
N = {"min_value": 20, "max_value": 1000, "default": 200, "step": 10}
SEED = {"min_value": 0, "max_value": 99, "default": 0, "step": 1}
GRID_POINTS = 201
MAX_SIZE, MIN_SIZE = 14.0, 3.0  # marker diameters (px) for the weight 1/σ̂²(x)


# --------------------------------------------------------------------------- cached compute
@st.cache_data(max_entries=64, show_spinner=False)
def hetero(growth: float, n: int, seed: int) -> HeteroscedasticData:
    return heteroscedastic_data(
        n, slope=SLOPE, intercept=INTERCEPT, noise=NOISE, noise_growth=growth,
        x_max=X_MAX_GAUSS, seed=seed,
    )  # fmt: skip


@st.cache_data(max_entries=64, show_spinner="Fitting the Gaussian NLL…")
def gaussian_fits(growth: float, n: int, seed: int) -> tuple[RegressionFit, GaussianNLLFit]:
    d = hetero(growth, n, seed)
    return fit_regression(d.x, d.y, "mse"), fit_gaussian_nll(d.x, d.y)


@st.cache_data(max_entries=64, show_spinner=False)
def counts(slope: float, n: int, seed: int) -> CountData:
    return count_data(
        n, log_rate_slope=slope, log_rate_intercept=LOG_RATE_INTERCEPT, x_max=X_MAX_COUNTS,
        seed=seed,
    )  # fmt: skip


@st.cache_data(max_entries=64, show_spinner=False)
def poisson_fits(slope: float, n: int, seed: int) -> tuple[RegressionFit, PoissonFit | None]:
    """The least-squares line and the Poisson fit (None when it has no optimum)."""
    c = counts(slope, n, seed)
    try:
        pois = fit_poisson(c.x, c.counts)
    except ValueError:
        pois = None
    return fit_regression(c.x, c.counts, "mse"), pois


# --------------------------------------------------------------------------- pure helpers
def num(v: float, places: int = 2) -> str:
    """Fixed decimals, a real minus sign, never "−0.00"."""
    text = f"{round(v, places) + 0.0:.{places}f}"
    return text.replace("-", "−")


def line(a: float, b: float, var: str = "x") -> str:
    """``0.94x + 0.53`` (signs written out)."""
    sign = "+" if round(b, 2) >= 0 else "−"
    return f"{num(a)}{var} {sign} {num(abs(b))}"


def band_share(y: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> float:
    """Share of points with |y − mean| ≤ 2 sd."""
    return float(np.mean(np.abs(y - mean) <= 2.0 * sd))


def negative_interval(w: float, b: float, lo: float, hi: float) -> tuple[float, float] | None:
    """Where the line w x + b is < 0 on [lo, hi], or None."""
    f_lo, f_hi = w * lo + b, w * hi + b
    if f_lo >= 0 and f_hi >= 0:
        return None
    if f_lo < 0 and f_hi < 0:
        return lo, hi
    root = -b / w
    return (lo, root) if f_lo < 0 else (root, hi)


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%"


# --------------------------------------------------------------------------- page
def render() -> None:
    state = UrlState("noise")
    st.title("Noise models")
    st.markdown(
        "*A loss is a noise model in disguise: MSE is the Gaussian likelihood with one "
        "fixed variance. Let the model learn how noisy each region is, or use the "
        "likelihood counts actually have, and the fit changes.*"
    )
    # One view at a time (lazy tabs): each has its own data, fits and chart.
    view = state.tabs(
        "view",
        [
            ("gaussian", "Gaussian NLL vs MSE"),
            ("poisson", "Poisson NLL vs MSE"),
        ],
        default="gaussian",
    )
    sb = st.sidebar
    commit, want = scrub.states(SCRUB)
    growth = growth_key = None
    if view == "gaussian":
        if commit is not None and commit.get("name") in st.session_state:
            st.session_state[commit["name"]] = round(float(commit["value"]), 2)
        sb.markdown("**Heteroscedastic data**")
        sb.caption(
            f"σ(x) = {NOISE} + growth · x on x ∈ [0, {X_MAX_GAUSS:g}]: the noise growth "
            "slider is above the chart, and the chart follows it while you drag."
        )
        # Drawn by the scrub bar above the chart (its frames follow a drag in the browser).
        growth, growth_key = state.number("growth", **GROWTH)
    else:
        sb.markdown("**Counts**")
        slope = state.slider(
            "slope", "true log-rate slope a", **RATE_SLOPE,
            help=f"y ~ Poisson(exp(a·x {LOG_RATE_INTERCEPT:+g})) on x ∈ [0, {X_MAX_COUNTS:g}].",
        )  # fmt: skip
    n = state.slider("n", "points n", **N, integer=True)
    seed = state.slider(
        "seed", "seed", **SEED, integer=True,
        help="Same seed, same data: a shared link reproduces the exact points.",
    )  # fmt: skip
    with state.tab_container(view):
        if view == "gaussian":
            _gaussian_view(growth, growth_key, n, seed, want)
        else:
            _poisson_view(slope, n, seed)
    state.sync_url()


SCRUB = "noise.scrub"
GROWTH_LABEL = "noise growth (σ per unit of x)"


def bands_figure(growth: float, n: int, seed: int):
    """The Gaussian tab's chart at one noise growth (also each frame of a drag)."""
    d = hetero(growth, n, seed)
    ls, g = gaussian_fits(growth, n, seed)
    sigma_ls = math.sqrt(ls.objective)  # MSE's implied constant σ² = mean residual²
    grid = np.linspace(0.0, X_MAX_GAUSS, GRID_POINTS)
    true_sd = NOISE + growth * grid
    truth = f"truth: μ = {line(SLOPE, INTERCEPT)}, σ = {num(NOISE)} + {num(growth)}x"
    mse_name = f"MSE: μ = {line(ls.w, ls.b)}, σ = {num(sigma_ls)}"
    nll_name = f"Gaussian NLL: μ = {line(g.a, g.b)}, log σ² = {line(g.c, g.d)}"
    weight = 1.0 / g.var(d.x)
    sizes = np.maximum(MAX_SIZE * np.sqrt(weight / weight.max()), MIN_SIZE)
    return figures.noise_bands_figure(
        d.x, d.y, grid,
        [
            (truth, SLOPE * grid + INTERCEPT, true_sd, figures.NOISE_TRUTH_COLOUR, "lines"),
            (mse_name, ls.w * grid + ls.b, np.full_like(grid, sigma_ls), figures.MSE_COLOUR,
             "fill"),
            (nll_name, g.mean(grid), g.sd(grid), figures.GAUSSIAN_NLL_COLOUR, "fill"),
        ],
        points_label=f"data (n = {n}), area ∝ 1/σ̂²(x)",
        sizes=sizes, size_label="diameter",
        title=f"Mean ± 2σ of each model (noise growth {fmt(growth, 0.05)}, seed {seed})",
        uirevision=f"noise.gauss.{n}.{seed}",
    )  # fmt: skip


def growth_frames(control: scrub.Control, n: int, seed: int) -> scrub.Frames:
    """The chart at every noise growth of the slider's grid: the points' y and size, every
    line and band, the legend's names and the title, each from that value's own fits (the
    same seed keeps x and the noise draws, so the points slide as σ(x) grows)."""
    figs = [bands_figure(float(v), n, seed) for v in control.grid]
    first = figs[0]
    moves = []
    for i, trace in enumerate(first.data):
        arrays = {"y": np.stack([np.asarray(f.data[i].y, dtype=np.float64) for f in figs])}
        if i == 0:  # the points: their area follows the fitted weight 1/σ̂²(x)
            arrays["marker.size"] = np.stack(
                [np.asarray(f.data[0].marker.size, dtype=np.float64) for f in figs]
            )
        elif trace.customdata is not None:  # a mean line's hover: ± 2σ
            arrays["customdata"] = np.stack(
                [np.asarray(f.data[i].customdata, dtype=np.float64) for f in figs]
            )
        moves.append((i, arrays))
    names = {i: [f.data[i].name for f in figs] for i, t in enumerate(first.data)
             if t.showlegend is not False and i > 0}  # fmt: skip
    layout = {"title.text": [f.layout.title.text for f in figs]}
    chart = scrub.ChartFrames(
        revision=first.layout.uirevision, moves=moves, names=names, layout=layout
    )
    return scrub.Frames(values=control.grid, charts=[chart])


def _gaussian_view(growth: float, growth_key: str, n: int, seed: int, want) -> None:
    d = hetero(growth, n, seed)
    ls, g = gaussian_fits(growth, n, seed)
    sigma_ls = math.sqrt(ls.objective)  # MSE's implied constant σ² = mean residual²
    control = scrub.Control(
        growth_key, GROWTH_LABEL, GROWTH["min_value"], GROWTH["max_value"], GROWTH["step"],
        growth, valuetext="noise growth {v}",
    )  # fmt: skip
    context = scrub.context_of(n, seed)
    sent = {}
    if want is not None and want.get("name") == growth_key and want.get("context") == context:
        sent[growth_key] = growth_frames(control, n, seed)
    scrub.scrub_bar(SCRUB, [control], contexts={growth_key: context}, frames=sent)
    chart(bands_figure(growth, n, seed), "noise.gaussian")

    true_nll = float(
        np.mean(losses.gaussian_nll(d.y, SLOPE * d.x + INTERCEPT, (NOISE + growth * d.x) ** 2))
    )
    a, b, c = st.columns(3)
    a.metric(
        "mean Gaussian NLL, MSE fit (σ constant)", f"{g.start_nll:.4f}",
        f"MSE = {ls.objective:.4f}, σ = {num(sigma_ls, 3)}", delta_color="off", delta_arrow="off",
    )  # fmt: skip
    b.metric(
        "mean Gaussian NLL, learned variance", f"{g.nll:.4f}",
        f"{g.nll - g.start_nll:+.4f} vs the MSE fit", delta_color="inverse",
    )  # fmt: skip
    c.metric(
        "mean Gaussian NLL of the true model", f"{true_nll:.4f}",
        f"σ(x) = {num(NOISE)} + {num(growth)}x", delta_color="off", delta_arrow="off",
    )  # fmt: skip

    edges = np.linspace(0.0, X_MAX_GAUSS, 4)
    thirds = list(itertools.pairwise(edges))
    parts = [
        (d.x >= lo) & ((d.x < hi) if k < 2 else (d.x <= hi)) for k, (lo, hi) in enumerate(thirds)
    ]
    (_, t1), (t2, _) = thirds[0], thirds[2]
    heads = [f"x < {num(t1)}", f"{num(t1)} ≤ x < {num(t2)}", f"x ≥ {num(t2)}"]
    rows = ["| points within ±2σ | " + " | ".join(heads) + " |", "|---|---:|---:|---:|"]
    for name, mean, sd in (
        ("true band", SLOPE * d.x + INTERCEPT, d.sd),
        ("MSE band (constant σ)", ls.w * d.x + ls.b, np.full_like(d.x, sigma_ls)),
        ("Gaussian NLL band", g.mean(d.x), g.sd(d.x)),
    ):
        cells = [_pct(band_share(d.y[m], mean[m], sd[m])) if m.any() else "—" for m in parts]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    st.markdown("\n".join(rows))
    st.caption(
        "A ±2σ band of a Gaussian holds about 95% of the points. One σ for all x is too "
        "wide where the noise is small and too narrow where it is large; the learned "
        "variance follows the noise."
    )

    st.markdown("**Why a learned variance down-weights the noisy region**")
    # One formula per column: side by side on a wide screen, stacked on a phone.
    left, right = st.columns(2)
    left.latex(r"\ell(y,\mu,v)=\tfrac12\Big(\log v+\frac{(y-\mu)^2}{v}\Big)")
    right.latex(r"\frac{\partial\ell}{\partial\mu}=\frac{\mu-y}{v}")
    st.markdown(
        "Each residual pulls on the mean line with weight **1/v**: where the model has "
        "learned that the noise is large, a point counts less (point area on the plot ∝ "
        f"1/σ̂²(x); here from {1 / g.var(0.0):.3g} at x = 0 to "
        f"{1 / g.var(X_MAX_GAUSS):.3g} at x = {X_MAX_GAUSS:g}). At the optimum the mean "
        "is exactly the least-squares line weighted by 1/σ̂²(x), and MSE is the special "
        "case v = constant, every point weighted the same. The price: a model can also "
        "*explain away* a residual by raising v, so the variance must be fitted with the "
        "mean, not after it."
    )
    grad = float(np.max(np.abs(g.grad)))
    status = (
        f"reached ‖∇‖∞ = {grad:.1e} after {g.iterations} Newton iterations"
        if g.converged
        else f"stopped without converging (‖∇‖∞ = {grad:.1e} after {g.iterations} iterations)"
    )
    escapes = (
        f" It stepped off {g.saddle_escapes} saddle point{'s' if g.saddle_escapes != 1 else ''} "
        "on the way."
        if g.saddle_escapes
        else ""
    )
    shape = (
        f"a strict local minimum (the Hessian's smallest eigenvalue is {g.min_hessian_eig:.3g} > 0)"
        if g.min_hessian_eig > 0
        else f"not a strict minimum (smallest Hessian eigenvalue {g.min_hessian_eig:.3g})"
    )
    (st.info if g.converged else st.warning)(
        "**Not convex: this is a local optimum.** The mean NLL is not jointly convex in "
        "the mean line (a, b) and the log-variance line (c, d): per point its Hessian in "
        "(μ, log v) has determinant −½ r²/v² < 0. Damped Newton started from the "
        f"MSE fit read as a Gaussian (a, b = {num(ls.w, 3)}, {num(ls.b, 3)}; c = 0, "
        f"d = log σ² = {num(g.start[3], 3)}; NLL {g.start_nll:.4f}) and {status}, at "
        f"a = {num(g.a, 3)}, b = {num(g.b, 3)}, c = {num(g.c, 3)}, d = {num(g.d, 3)} "
        f"(NLL {g.nll:.4f}), {shape}.{escapes}"
    )
    st.caption(
        f"The truth's σ(x) = {num(NOISE)} + {num(growth)}x is linear in σ, the model's "
        "log σ² is linear in x: a different shape, so the fitted band only approximates "
        "the true one (closest in the middle of the range). Both NLLs omit ½ log 2π, as "
        "PyTorch's gaussian_nll_loss does."
    )


def _poisson_view(slope: float, n: int, seed: int) -> None:
    c = counts(slope, n, seed)
    ls, p = poisson_fits(slope, n, seed)
    grid = np.linspace(0.0, X_MAX_COUNTS, GRID_POINTS)
    truth = f"truth: λ = exp({line(slope, LOG_RATE_INTERCEPT)})"
    curves = [(truth, c.rate(grid), figures.NOISE_TRUTH_COLOUR, "dash")]
    if p is not None:
        curves.append(
            (f"Poisson NLL: λ = exp({line(p.a, p.b)})", p.rate(grid), figures.POISSON_COLOUR,
             "solid")
        )  # fmt: skip
    curves.append((f"MSE: λ = {line(ls.w, ls.b)}", ls.w * grid + ls.b, figures.MSE_COLOUR, "solid"))
    fig = figures.rate_curves_figure(
        c.x, c.counts, grid, curves,
        points_label=f"counts (n = {n}, total {int(c.counts.sum())})",
        title=f"Fitted rates λ(x) (true log-rate slope {fmt(slope, 0.05)}, seed {seed})",
        uirevision=f"noise.pois.{slope}.{n}.{seed}",
    )  # fmt: skip
    chart(fig, "noise.poisson")
    if p is None:
        st.warning(
            "These counts are positive at fewer than two distinct x, so the Poisson NLL has "
            "no minimum (the rate can shrink towards 0 forever). Raise n or change the seed."
        )
        return
    true_nll = float(np.mean(losses.poisson_nll(c.counts, slope * c.x + LOG_RATE_INTERCEPT)))
    neg = negative_interval(ls.w, ls.b, 0.0, X_MAX_COUNTS)
    a, b, m = st.columns(3)
    a.metric(
        "mean Poisson NLL, Poisson fit", f"{p.nll:.4f}",
        f"a = {num(p.a, 3)}, b = {num(p.b, 3)}", delta_color="off", delta_arrow="off",
    )  # fmt: skip
    b.metric(
        "mean Poisson NLL of the true rate", f"{true_nll:.4f}",
        f"a = {num(slope, 3)}, b = {num(LOG_RATE_INTERCEPT, 3)}", delta_color="off",
        delta_arrow="off",
    )  # fmt: skip
    at_data = ls.w * c.x + ls.b
    if np.all(at_data > 0):
        # Defined: every point's predicted rate is > 0 (log of it is the log-rate).
        ls_nll = float(np.mean(losses.poisson_nll(c.counts, np.log(at_data))))
        m.metric(
            "mean Poisson NLL, MSE line", f"{ls_nll:.4f}",
            "its rates are all > 0 here" if neg is None
            else f"λ < 0 for x in [{num(neg[0])}, {num(neg[1])}], where no point is",
            delta_color="off", delta_arrow="off",
        )  # fmt: skip
    else:
        m.metric(
            "mean Poisson NLL, MSE line", "undefined",
            f"λ ≤ 0 at {int(np.sum(at_data <= 0))} of the points", delta_color="off",
            delta_arrow="off",
        )  # fmt: skip
    fitted_total = float(p.rate(c.x).sum())
    st.markdown(
        f"The Poisson fit is the exact optimum (the objective is convex): its score "
        f"equations Σ(eᶻ − y) = 0 and Σx(eᶻ − y) = 0 hold to ‖∇‖∞ = "
        f"{float(np.max(np.abs(p.grad))):.1e} after {p.iterations} Newton iterations, so "
        f"its fitted rates add up to the observed total ({fitted_total:.2f} vs "
        f"{int(c.counts.sum())}). The least-squares line is ŷ = {line(ls.w, ls.b)} "
        f"(MSE {ls.objective:.3f})"
        + (
            f", and it predicts a **negative rate** for x in [{num(neg[0])}, {num(neg[1])}]: "
            "a count cannot be negative, and its Poisson likelihood there is undefined."
            if neg is not None
            else "; on these data it stays positive, but it is a straight line through a "
            "curve and nothing stops it going below 0 elsewhere."
        )
    )
    st.markdown("**Why the log link keeps rates positive**")
    left, mid, right = st.columns(3)
    left.latex(r"\lambda=e^{z},\ z=ax+b")
    mid.latex(r"\ell(y,z)=e^{z}-y\,z")
    right.latex(r"\frac{\partial\ell}{\partial z}=e^{z}-y")
    st.markdown(
        "The model predicts the log-rate z, any real number, and λ = eᶻ is positive "
        "whatever a and b are: no constraint to enforce, no clipping. The loss is convex "
        "in z (eᶻ is convex, −y z linear), so with z linear in x the fit has one optimum "
        "and Newton finds it. Its gradient eᶻ − y is the residual on the rate scale, and "
        "its curvature eᶻ = λ is the Poisson variance: counts are noisier where the rate "
        "is higher, and the fit weighs them accordingly, while MSE treats a miss of 3 at "
        "λ = 0.4 and at λ = 9 alike."
    )
    st.caption("The NLL omits log y! (PyTorch's poisson_nll_loss with full=False).")
