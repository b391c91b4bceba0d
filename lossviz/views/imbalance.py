"""The Class imbalance page: BCE, α-balanced BCE and focal loss on a rare positive class.

One seeded 2-D data set (rare positives vs common negatives, ratio 1:1 to
1:1000) is fitted exactly by three logistic models side by side. The page shows
their decision boundaries over the scatter (point size = the focal weight
(1 − p_t)^γ in the focal panel), per-class metrics at the threshold 0.5 and at
the threshold that maximises F1, the histograms of predicted probability per
class, and a slice of each objective over (w₁, w₂) at its optimal bias.

Caching follows the dependencies, every key a tuple of scalars: the data on the
data sliders; each fit on data + that loss's parameters (moving γ refits only
the focal model); each landscape slice on data + loss parameters + window.
Figures are rebuilt on every run (cheap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lossviz import figures, metrics
from lossviz.data import ClassificationData, imbalanced_data
from lossviz.fit import fit_logistic
from lossviz.registry import REGISTRY
from lossviz.views.controls import UrlState, fmt

RATIOS = ("1", "2", "5", "10", "20", "50", "100", "200", "500", "1000")
L2 = 1e-3  # ridge on the weights (not the bias), as fit_logistic's default
MAX_SHOWN = 3000  # points drawn in the scatter; beyond, negatives are subsampled
FEW_POSITIVES = 30
SLICE_BUDGET = 8.0e6  # n · G² elements per landscape slice: G adapts to n
WINDOW_SNAP = 0.5
MODELS = ("bce", "balanced", "focal")
COLOURS = {"bce": figures.PALETTE[0], "balanced": figures.PALETTE[2], "focal": figures.PALETTE[3]}
LOSS_KEY = {"bce": "binary_cross_entropy", "balanced": "balanced_bce", "focal": "focal"}

DataKey = tuple[int, int, float, int]  # n, ratio k, separation, seed
Params = tuple[tuple[str, float | None], ...]


# --------------------------------------------------------------------------- cached compute


@st.cache_data(max_entries=32, show_spinner=False)
def make_data(key: DataKey) -> ClassificationData:
    n, ratio, sep, seed = key
    return imbalanced_data(n, ratio=float(ratio), separation=sep, seed=seed)


@st.cache_data(max_entries=32, show_spinner=False)
def shown_indices(key: DataKey) -> np.ndarray:
    """Which points the scatter draws: all positives, a seeded sample of negatives."""
    d = make_data(key)
    n = d.labels.size
    if n <= MAX_SHOWN:
        return np.arange(n)
    pos = np.flatnonzero(d.labels == 1.0)
    neg = np.flatnonzero(d.labels == 0.0)
    k = max(0, MAX_SHOWN - pos.size)
    pick = np.random.default_rng(key[3] + 1).choice(neg, size=k, replace=False)
    return np.sort(np.r_[pos, pick])


@dataclass(frozen=True, eq=False)
class Model:
    """A fitted logistic model and what the page shows of it."""

    weights: np.ndarray
    bias: float
    objective: float
    converged: bool
    logits: np.ndarray
    probs: np.ndarray
    at_half: metrics.BinaryMetrics
    best_threshold: float
    best_f1: float
    at_best: metrics.BinaryMetrics


@st.cache_data(max_entries=64, show_spinner=False)
def make_model(key: DataKey, loss: str, params: Params) -> Model:
    d = make_data(key)
    f = fit_logistic(d.X, d.labels, loss, l2=L2, **dict(params))
    z = d.X @ f.weights + f.bias
    p = metrics.sigmoid_probs(z)
    t, f1 = metrics.best_f1_threshold(d.labels, p)
    return Model(
        weights=f.weights,
        bias=f.bias,
        objective=f.objective,
        converged=f.converged,
        logits=z,
        probs=p,
        at_half=metrics.binary_metrics(d.labels, p, 0.5),
        best_threshold=t,
        best_f1=f1,
        at_best=metrics.binary_metrics(d.labels, p, t),
    )


def slice_grid(n: int) -> int:
    """Grid points per axis of a landscape slice: n · G² ≤ SLICE_BUDGET, G in [25, 61]."""
    return int(min(61, max(25, math.isqrt(int(SLICE_BUDGET // max(n, 1))))))


@st.cache_data(max_entries=48, show_spinner=False)
def make_slice(
    key: DataKey, loss: str, params: Params, bias: float, window: tuple[float, ...], grid: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = make_data(key)
    w1 = np.linspace(window[0], window[1], grid)
    w2 = np.linspace(window[2], window[3], grid)
    z = metrics.logistic_slice(d.X, d.labels, w1, w2, bias=bias, loss=loss, l2=L2, **dict(params))
    return w1, w2, z


def slice_window(models: dict[str, Model]) -> tuple[float, float, float, float]:
    """A (w₁, w₂) window holding the origin and every fitted weight vector, snapped outward."""
    ws = np.array([[0.0, 0.0], *(m.weights for m in models.values())])
    out = []
    for axis in (0, 1):
        lo, hi = float(ws[:, axis].min()), float(ws[:, axis].max())
        pad = max(0.5 * (hi - lo), 1.0)
        out += [
            math.floor((lo - pad) / WINDOW_SNAP) * WINDOW_SNAP,
            math.ceil((hi + pad) / WINDOW_SNAP) * WINDOW_SNAP,
        ]
    return tuple(out)  # type: ignore[return-value]


# --------------------------------------------------------------------------- page


def _controls(state: UrlState) -> dict:
    sb = st.sidebar
    v: dict = {}
    sb.markdown("**Data**")
    v["ratio"] = int(
        state.select(
            "ratio", "imbalance positives : negatives", RATIOS, default="20",
            format_func=lambda k: f"1 : {k}",
            help="1 : k means one positive for every k negatives.",
        )
    )  # fmt: skip
    v["n"] = state.slider(
        "n", "points n", min_value=200, max_value=20000, default=2000, step=200, integer=True,
        help="Both classes together. At 1 : 1000 you need n in the tens of thousands for "
        "more than a handful of positives; the page says how many there are.",
    )  # fmt: skip
    v["sep"] = state.slider(
        "sep", "class separation", min_value=0.0, max_value=5.0, default=2.0, step=0.1,
        help="Distance between the two class means (both classes have unit variance).",
    )  # fmt: skip
    v["seed"] = state.slider(
        "seed", "seed", min_value=0, max_value=99, default=0, step=1, integer=True,
        help="Same seed, same data: a shared link reproduces the exact points.",
    )  # fmt: skip
    sb.markdown("**Focal loss**")
    focal = {p.name: p for p in REGISTRY["focal"].params}
    v["gamma"] = state.param(focal["gamma"])
    v["alpha"] = state.param(focal["alpha"])
    sb.markdown("**α-balanced BCE**")
    v["bal_auto"] = state.toggle(
        "bal_auto", "α = inverse class frequency", default=True,
        help="α = n_neg / n, so both classes carry the same total weight. Off: choose α.",
    )  # fmt: skip
    v["bal_alpha"] = None
    if not v["bal_auto"]:
        v["bal_alpha"] = state.slider(
            "bal_alpha", "α (weight of the positives)", min_value=0.01, max_value=0.99,
            default=0.5, step=0.01, help="Positives get α, negatives 1 − α.",
        )  # fmt: skip
    sb.markdown("**View**")
    v["hist_x"] = state.select(
        "hist_x", "histogram x axis", ("p", "logit"), default="p",
        format_func={"p": "probability p", "logit": "logit z"}.get, radio=True,
        help="At strong imbalance every p of the plain BCE model is near 0: the logit "
        "axis spreads them out.",
    )  # fmt: skip
    return v


def _alpha_text(alpha: float | None) -> str:
    return "no α" if alpha is None else f"α = {fmt(alpha, 0.01)}"


#: Panel titles: short enough for three panels side by side in a phone's width; the
#: legend, the table and the captions carry each model's parameters.
PANEL_TITLES = {"bce": "BCE", "balanced": "α-balanced", "focal": "focal"}


def _names(v: dict, bal_alpha: float, *, short: bool = False) -> dict[str, str]:
    how = " (inverse frequency)" if v["bal_auto"] and not short else ""
    return {
        "bce": "BCE",
        "balanced": f"α-balanced BCE, α = {bal_alpha:.3f}{how}",
        "focal": f"focal γ = {fmt(v['gamma'], 0.1)}, {_alpha_text(v['alpha'])}",
    }


def _cell(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.3f}"


#: Rows of the metrics table: (label, value of a Model). One column per model keeps the
#: table four columns wide, legible in a phone's width as on a projector.
_METRIC_ROWS = (
    ("recall⁺", lambda m: _cell(m.at_half.recall_pos)),
    ("precision⁺", lambda m: _cell(m.at_half.precision_pos)),
    ("F1⁺", lambda m: _cell(m.at_half.f1_pos)),
    ("recall⁻", lambda m: _cell(m.at_half.recall_neg)),
    ("precision⁻", lambda m: _cell(m.at_half.precision_neg)),
    ("F1⁻", lambda m: _cell(m.at_half.f1_neg)),
    ("balanced accuracy", lambda m: _cell(m.at_half.balanced_accuracy)),
    ("best-F1 threshold t*", lambda m: f"{m.best_threshold:.3g}"),
    ("F1⁺ at t*", lambda m: f"{m.best_f1:.3f}"),
    ("balanced accuracy at t*", lambda m: _cell(m.at_best.balanced_accuracy)),
)


def _metrics_table(models: dict[str, Model], names: dict[str, str]) -> str:
    rows = [
        "| metric | " + " | ".join(names[k] for k in MODELS) + " |",
        "|---|" + "---:|" * len(MODELS),
    ]
    for label, value in _METRIC_ROWS:
        rows.append(f"| {label} | " + " | ".join(value(models[k]) for k in MODELS) + " |")
    return "\n".join(rows)


def _sizes(weight: np.ndarray) -> np.ndarray:
    """Marker diameters with area ∝ the focal weight in [0, 1] (a floor keeps points visible)."""
    return 2.0 + 9.0 * np.sqrt(np.clip(weight, 0.0, 1.0))


def render() -> None:
    state = UrlState("imbalance")
    v = _controls(state)
    key: DataKey = (v["n"], v["ratio"], v["sep"], v["seed"])
    d = make_data(key)
    n_pos = int(d.labels.sum())
    n_neg = d.labels.size - n_pos
    bal_alpha = (
        metrics.inverse_frequency_alpha(d.labels) if v["bal_auto"] else float(v["bal_alpha"])
    )
    params: dict[str, Params] = {
        "bce": (),
        "balanced": (("alpha", bal_alpha),),
        "focal": (("gamma", v["gamma"]), ("alpha", v["alpha"])),
    }
    names = _names(v, bal_alpha)
    short = _names(v, bal_alpha, short=True)
    models = {k: make_model(key, LOSS_KEY[k], params[k]) for k in MODELS}

    st.title("Class imbalance: BCE, α-balanced BCE and focal loss")
    st.markdown(
        f"*{d.labels.size:,} points at 1 : {v['ratio']}: **{n_pos:,} "
        f"positive{'s' if n_pos != 1 else ''}** and "
        f"{n_neg:,} negatives, two unit-variance Gaussians whose means are "
        f"{fmt(v['sep'], 0.1)} apart. Three logistic models p = σ(w·x + b), each the exact "
        f"minimiser of its mean loss + {L2:g}/2 · ‖w‖².*"
    )
    if n_pos < FEW_POSITIVES:
        need = FEW_POSITIVES * (1 + v["ratio"])
        st.info(
            f"Only {n_pos} positive{'s' if n_pos != 1 else ''}: the metrics below rest on very "
            f"few examples. Raise n (about {need:,} points give {FEW_POSITIVES} positives at "
            f"1 : {v['ratio']})." + (" The slider stops at 20,000." if need > 20000 else "")
        )
    for k in MODELS:
        if not models[k].converged:
            st.warning(f"The {names[k]} fit did not reach its tolerance; it is shown as it ended.")
    if v["alpha"] is not None and v["alpha"] in (0.0, 1.0):
        st.info(
            f"Focal α = {fmt(v['alpha'], 0.01)} gives the "
            f"{'negatives' if v['alpha'] == 1.0 else 'positives'} zero weight: the focal "
            "model just predicts one class everywhere."
        )

    # --- metrics ------------------------------------------------------------------------
    st.subheader("Per-class metrics")
    st.markdown(_metrics_table(models, names))
    st.caption(
        "On the training data; an example is predicted positive when p ≥ the threshold, "
        "0.5 unless the row says t*. "
        "⁺ = the rare positive class, ⁻ = the negatives. Balanced accuracy is the mean of the "
        "two recalls. — = undefined (0/0): no example was predicted in that class. "
        "t* is the threshold that maximises F1⁺: moving the threshold can do much of what "
        "re-weighting the loss does."
    )

    # One view at a time (lazy tabs): a slider move refits the three models and redraws
    # the open view only; the three exact landscape slices run only while theirs is open.
    view = state.tabs(
        "view",
        [
            ("boundaries", "Decision boundaries"),
            ("probabilities", "Predicted probability per class"),
            ("objective", "The objective over (w₁, w₂)"),
        ],
        default="boundaries",
    )
    with state.tab_container(view):
        if view == "boundaries":
            _boundaries_view(v, key, d, models, names, n_pos, n_neg)
        elif view == "probabilities":
            _histograms_view(v, d, models, short)
        else:
            _slices_view(key, d, models, params, short)
    state.sync_url()


def _boundaries_view(v: dict, key: DataKey, d, models, names, n_pos: int, n_neg: int) -> None:
    idx = shown_indices(key)
    focal_w = metrics.focal_weight(d.labels, models["focal"].logits, gamma=v["gamma"])
    panels = [
        (
            names[k],
            COLOURS[k],
            (float(models[k].weights[0]), float(models[k].weights[1])),
            models[k].bias,
            (_sizes(focal_w[idx]), focal_w[idx]) if k == "focal" else None,
        )
        for k in MODELS
    ]
    fig = figures.imbalance_scatter_figure(
        d.X[idx],
        d.labels[idx],
        panels,
        size_label=f"focal weight (1 − p_t)^{fmt(v['gamma'], 0.1)}",
        titles=[PANEL_TITLES[k] for k in MODELS],
        uirevision="imbalance.scatter",
    )
    st.plotly_chart(fig, key="imbalance.scatter", config={"displaylogo": False})
    shown = (
        f"All {d.labels.size:,} points are drawn."
        if idx.size == d.labels.size
        else f"Drawn: all {n_pos:,} positives and {idx.size - n_pos:,} of the {n_neg:,} "
        "negatives (a seeded sample); every number on the page uses all points."
    )
    neg_share = float(focal_w[d.labels == 0].sum() / max(focal_w.sum(), 1e-300))
    med_neg = float(np.median(focal_w[d.labels == 0]))
    med_pos = float(np.median(focal_w[d.labels == 1]))
    verdict = (
        "the easy negatives are quietened"
        if med_neg < med_pos
        else "here the negatives are the harder class at this fit, so they keep more weight"
    )
    st.caption(
        f"Panels: {'; '.join(names[k] for k in MODELS)}. "
        f"The line in each panel is where that model's p = 0.5. In the focal panel a point's "
        f"area is proportional to its focal weight (1 − p_t)^γ at the focal fit: the median "
        f"negative has weight {med_neg:.3g}, the median positive {med_pos:.3g}. The negatives "
        f"are {100 * n_neg / d.labels.size:.1f} % of the points and hold "
        f"{100 * neg_share:.1f} % of the total focal weight (under BCE every example has "
        f"weight 1): {verdict}. {shown}"
    )
    if v["alpha"] is not None and v["alpha"] < 0.5:
        st.caption(
            f"Focal α = {fmt(v['alpha'], 0.01)} weights the *positives* by α and the negatives "
            f"by {fmt(1 - v['alpha'], 0.01)}: the positive class gets the smaller weight. That is "
            "Lin et al.'s best setting once γ = 2 has quietened the easy negatives, but on its "
            "own it pushes the boundary towards the positives; compare α = 0.75 or α off."
        )


def _histograms_view(v: dict, d, models, short) -> None:
    hist_x = v["hist_x"]
    hist_panels = []
    for k in MODELS:
        m = models[k]
        t_best_p = m.best_threshold
        score = m.probs if hist_x == "p" else m.logits
        # On the logit axis t* is the smallest logit predicted positive (exact, no σ⁻¹).
        t_best = m.best_threshold if hist_x == "p" else float(m.logits[m.probs >= t_best_p].min())
        half = 0.5 if hist_x == "p" else 0.0
        lines = [(half, "0.5" if hist_x == "p" else "z = 0 (p = 0.5)")]
        if abs(t_best - half) > 1e-9:
            # On the logit axis the line sits at a logit: its label gives both.
            at_z = "" if hist_x == "p" else f" (z = {t_best:.2f})"
            lines.append((t_best, f"t* = {m.best_threshold:.3g}{at_z}"))
        hist_panels.append((PANEL_TITLES[k], score[d.labels == 1], score[d.labels == 0], lines))
    fig = figures.probability_histograms_figure(
        hist_panels, x_mode=hist_x, uirevision=f"imbalance.hist.{hist_x}"
    )
    st.plotly_chart(fig, key="imbalance.hist", config={"displaylogo": False})
    st.caption(
        f"Panels: {'; '.join(short[k] for k in MODELS)}. "
        "Each class is scaled to 100 % on its own, so the rare class stays visible. "
        "Re-weighting (α) and focusing (γ) move the positives' probabilities: a weighted model "
        "is no longer calibrated, and its p is not the frequency of positives."
    )


def _slices_view(key: DataKey, d, models, params, short) -> None:
    window = slice_window(models)
    grid = slice_grid(d.labels.size)
    # One full-width chart per model, one under the other: three side by side leave each
    # map a sliver between its axis labels and its colour bar on anything but a wide screen.
    for k in MODELS:
        col = st.container()
        m = models[k]
        w1, w2, z = make_slice(key, LOSS_KEY[k], params[k], m.bias, window, grid)
        top = float(np.quantile(z, 0.6))
        with col:
            fig = figures.surface_figure(
                w1,
                w2,
                z,
                x_label="w₁",
                y_label="w₂",
                z_label="objective",
                point=(float(m.weights[0]), float(m.weights[1]), "fit"),
                zmax=top if top > z.min() else None,
                title=f"{short[k]} · b = {m.bias:.2f}",
                height=420,
                uirevision=f"imbalance.slice.{k}",
            )
            st.plotly_chart(fig, key=f"imbalance.slice.{k}", config={"displaylogo": False})
            st.caption(f"w = ({m.weights[0]:.3f}, {m.weights[1]:.3f}), objective {m.objective:.4g}")
    st.caption(
        f"Mean loss + {L2:g}/2 · ‖w‖² on a {grid} × {grid} grid (finer for smaller n), the "
        "bias held at the fitted value; the colour scale stops at the 60th percentile so the "
        "basin keeps its detail (hover shows the true value). The focal objective is much "
        "flatter: most examples are easy and contribute almost nothing."
    )
