"""The Class imbalance page: what each classification loss does to a rare positive class.

One seeded 2-D data set (rare positives vs common negatives, ratio 1:1 to
1:1000) is fitted exactly by linear models side by side, one comparison at a
time (``compare``): re-weighting (BCE, α-balanced BCE, pos_weight BCE, focal),
SVM margins (BCE, hinge, squared hinge, modified Huber, all with L2), label
smoothing (BCE vs smoothed BCE), and the set-level overlap losses (BCE, soft
Dice, Tversky of the whole data set). The page shows their decision boundaries
over the scatter (point size = the focal weight (1 − p_t)^γ in the focal
panel), per-class metrics at the model's decision threshold and at the one that
maximises F1, the histograms of the score per class, a reliability diagram, and
a slice of each objective over (w₁, w₂) at its optimal bias. Margin losses'
scores are decision values, shown as such (never as σ(z)).

Caching follows the dependencies, every key a tuple of scalars: the data on the
data sliders; each fit on data + λ + that loss's parameters (moving γ refits only
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
from lossviz.figures.classification import reliability_figure
from lossviz.fit import fit_logistic
from lossviz.fit.classification import MARGIN_LOSSES
from lossviz.registry import REGISTRY
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

RATIOS = ("1", "2", "5", "10", "20", "50", "100", "200", "500", "1000")
L2_CHOICES = ("0.0001", "0.001", "0.01", "0.1")
L2 = 1e-3  # default ridge on the weights (not the bias), as fit_logistic's default
MAX_SHOWN = 3000  # points drawn in the scatter; beyond, negatives are subsampled
FEW_POSITIVES = 30
SLICE_BUDGET = 8.0e6  # n · G² elements per landscape slice: G adapts to n
WINDOW_SNAP = 0.5
CAL_BINS = 10
_C = figures.loss_colour
_GREEN, _PURPLE, _VERMILLION = (figures.LINE_PALETTE[i] for i in (2, 3, 4))
#: Every model the page can fit: (loss key of fit_logistic, short title, colour). A
#: registry loss is drawn in its colour on every page (figures.LOSS_COLOURS), except
#: where that is orange, the positives' colour here (Tversky); BCE's re-weighted and
#: smoothed variants and soft Dice (blue, as BCE is) take a colour no other model of
#: their comparison (GROUPS) uses.
SPECS = {
    "bce": ("binary_cross_entropy", "BCE", _C("binary_cross_entropy")),
    "balanced": ("balanced_bce", "α-balanced", _VERMILLION),
    "posw": ("binary_cross_entropy", "pos_weight", _PURPLE),
    "focal": ("focal", "focal", _C("focal")),
    "hinge": ("hinge", "hinge (SVM)", _C("hinge")),
    "sqhinge": ("squared_hinge", "squared hinge", _C("squared_hinge")),
    "mhuber": ("modified_huber", "mod. Huber", _C("modified_huber")),
    "smooth": ("smoothed_bce", "smoothed BCE", _PURPLE),
    "dice": ("soft_dice", "soft Dice", _GREEN),
    "tversky": ("tversky", "Tversky", _PURPLE),
}
GROUPS = {
    "reweight": ("bce", "balanced", "posw", "focal"),
    "margin": ("bce", "hinge", "sqhinge", "mhuber"),
    "smoothing": ("bce", "smooth"),
    "overlap": ("bce", "dice", "tversky"),
}
GROUP_LABELS = {
    "reweight": "re-weighting (α, w₊, focal)",
    "margin": "SVM margins (hinge …)",
    "smoothing": "label smoothing",
    "overlap": "Dice / Tversky",
}
COLOURS = {k: s[2] for k, s in SPECS.items()}
LOSS_KEY = {k: s[0] for k, s in SPECS.items()}
PANEL_TITLES = {k: s[1] for k, s in SPECS.items()}
#: Column heads of the metrics table: five columns must fit a phone's width.
TABLE_HEADS = {
    **PANEL_TITLES,
    "balanced": "α-bal.",
    "posw": "w₊ BCE",
    "hinge": "hinge",
    "sqhinge": "sq. hinge",
    "smooth": "smoothed",
}

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
    """A fitted linear model and what the page shows of it.

    ``scores`` is what the metrics threshold: the probability σ(z) for the probabilistic
    losses (threshold 0.5), the decision value z itself for the margin losses (threshold
    0), whose σ(z) is not a probability.
    """

    weights: np.ndarray
    bias: float
    objective: float
    converged: bool
    convex: bool
    start: tuple[float, ...]
    is_prob: bool
    logits: np.ndarray
    probs: np.ndarray  # σ(z); only meaningful when is_prob
    scores: np.ndarray
    threshold: float
    at_half: metrics.BinaryMetrics
    best_threshold: float
    best_z: float  # the smallest z predicted positive at best_threshold
    best_f1: float
    at_best: metrics.BinaryMetrics


@st.cache_data(max_entries=96, show_spinner=False)
def make_model(key: DataKey, loss: str, params: Params, l2: float = L2) -> Model:
    d = make_data(key)
    f = fit_logistic(d.X, d.labels, loss, l2=l2, **dict(params))
    z = d.X @ f.weights + f.bias
    p = metrics.sigmoid_probs(z)
    is_prob = loss not in MARGIN_LOSSES
    scores, thr = (p, 0.5) if is_prob else (z, 0.0)
    t, f1 = metrics.best_f1_threshold(d.labels, scores)
    return Model(
        weights=f.weights,
        bias=f.bias,
        objective=f.objective,
        converged=f.converged,
        convex=f.convex,
        start=tuple(float(s) for s in f.start),
        is_prob=is_prob,
        logits=z,
        probs=p,
        scores=scores,
        threshold=thr,
        at_half=metrics.binary_metrics(d.labels, scores, thr),
        best_threshold=t,
        best_z=float(z[scores >= t].min()),
        best_f1=f1,
        at_best=metrics.binary_metrics(d.labels, scores, t),
    )


def slice_grid(n: int, models: int = 3) -> int:
    """Grid points per axis of a landscape slice: n · G² · models ≤ 3 · SLICE_BUDGET (the
    budget of three slices, however many models the comparison has), G in [25, 61]."""
    budget = SLICE_BUDGET * 3 / max(models, 1)
    return int(min(61, max(25, math.isqrt(int(budget // max(n, 1))))))


@st.cache_data(max_entries=48, show_spinner=False)
def make_slice(
    key: DataKey,
    loss: str,
    params: Params,
    bias: float,
    window: tuple[float, ...],
    grid: int,
    l2: float = L2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = make_data(key)
    w1 = np.linspace(window[0], window[1], grid)
    w2 = np.linspace(window[2], window[3], grid)
    z = metrics.logistic_slice(d.X, d.labels, w1, w2, bias=bias, loss=loss, l2=l2, **dict(params))
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
    v["compare"] = state.select(
        "compare", "compare BCE with", tuple(GROUPS), default="reweight",
        format_func=GROUP_LABELS.get,
        help="Which losses are fitted beside plain BCE. Each comparison has its own "
        "controls below; the data are shared.",
    )  # fmt: skip
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
    v["l2"] = float(
        state.select(
            "l2", "L2 penalty λ (every model)", L2_CHOICES, default="0.001",
            format_func=lambda s: f"λ = {s}",
            help="Each objective is its loss + λ/2 · ‖w‖² (the bias is not penalised). "
            "For the SVM, a larger λ is a smaller C = 1/(nλ).",
        )
    )  # fmt: skip
    group = v["compare"]
    v["gamma"], v["alpha"], v["bal_auto"], v["bal_alpha"] = 2.0, 0.25, True, None
    v["posw_auto"], v["pos_weight"], v["eps"] = True, None, 0.1
    v["tv_alpha"], v["tv_beta"] = 0.3, 0.7
    if group == "reweight":
        sb.markdown("**Focal loss**")
        focal = {p.name: p for p in REGISTRY["focal"].params}
        v["gamma"] = state.param(focal["gamma"])
        v["alpha"] = state.param(focal["alpha"])
        sb.markdown("**α-balanced BCE**")
        v["bal_auto"] = state.toggle(
            "bal_auto", "α = inverse class frequency", default=True,
            help="α = n_neg / n, so both classes carry the same total weight. Off: choose α.",
        )  # fmt: skip
        if not v["bal_auto"]:
            v["bal_alpha"] = state.slider(
                "bal_alpha", "α (weight of the positives)", min_value=0.01, max_value=0.99,
                default=0.5, step=0.01, help="Positives get α, negatives 1 − α.",
            )  # fmt: skip
        sb.markdown("**pos_weight BCE**")
        v["posw_auto"] = state.toggle(
            "posw_auto", "w₊ = n_neg / n_pos", default=True,
            help="PyTorch's recipe: the positive term × n_neg / n_pos. Off: choose w₊.",
        )  # fmt: skip
        if not v["posw_auto"]:
            pw = REGISTRY["binary_cross_entropy"].params[0]
            v["pos_weight"] = state.param(pw, default=5.0)
    elif group == "smoothing":
        sb.markdown("**Label smoothing**")
        v["eps"] = state.slider(
            "eps", "ε (label_smoothing)", min_value=0.0, max_value=0.5, default=0.1, step=0.01,
            help="Targets become (1 − ε)y + ε/2: 1 → 1 − ε/2, 0 → ε/2.",
        )  # fmt: skip
    elif group == "overlap":
        sb.markdown("**Tversky**")
        tv = {p.name: p for p in REGISTRY["tversky"].params}
        v["tv_alpha"] = state.param(tv["alpha"], url_name="tv_alpha", default=0.3)
        v["tv_beta"] = state.param(tv["beta"], url_name="tv_beta", default=0.7)
    sb.markdown("**View**")
    if group == "margin":
        v["hist_x"] = "logit"  # the margin losses' scores are decision values
    else:
        v["hist_x"] = state.select(
            "hist_x", "histogram x axis", ("p", "logit"), default="p",
            format_func={"p": "probability p", "logit": "logit z"}.get, radio=True,
            help="At strong imbalance every p of the plain BCE model is near 0: the logit "
            "axis spreads them out.",
        )  # fmt: skip
    return v


def _alpha_text(alpha: float | None) -> str:
    return "no α" if alpha is None else f"α = {fmt(alpha, 0.01)}"


def _names(v: dict, bal_alpha: float, pos_weight: float) -> dict[str, str]:
    """Each model's full name with its live parameters (legends, captions, the table)."""
    bal_how = " (inverse frequency)" if v["bal_auto"] else ""
    pw_how = " (n_neg / n_pos)" if v["posw_auto"] else ""
    return {
        "bce": "BCE",
        "balanced": f"α-balanced BCE, α = {bal_alpha:.3f}{bal_how}",
        "posw": f"pos_weight BCE, w₊ = {pos_weight:.3g}{pw_how}",
        "focal": f"focal γ = {fmt(v['gamma'], 0.1)}, {_alpha_text(v['alpha'])}",
        "hinge": "hinge (linear SVM)",
        "sqhinge": "squared hinge (L2-SVM)",
        "mhuber": "modified Huber",
        "smooth": f"smoothed BCE, ε = {fmt(v['eps'], 0.01)}",
        "dice": "soft Dice (s = 1)",
        "tversky": f"Tversky α = {fmt(v['tv_alpha'], 0.05)}, β = {fmt(v['tv_beta'], 0.05)}",
    }


def _cell(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:.3f}"


def _thr(m: Model, t: float) -> str:
    # A margin model's t* is a value of z (the caption says so): no "z ≥" in a narrow cell.
    return f"{t:.3g}" if m.is_prob else f"{t:.2f}".replace("-", "−")


#: Rows of the metrics table: (label, value of a Model). One column per model.
_METRIC_ROWS = (
    ("recall⁺", lambda m: _cell(m.at_half.recall_pos)),
    ("precision⁺", lambda m: _cell(m.at_half.precision_pos)),
    ("F1⁺", lambda m: _cell(m.at_half.f1_pos)),
    ("recall⁻", lambda m: _cell(m.at_half.recall_neg)),
    ("precision⁻", lambda m: _cell(m.at_half.precision_neg)),
    ("F1⁻", lambda m: _cell(m.at_half.f1_neg)),
    ("bal. accuracy", lambda m: _cell(m.at_half.balanced_accuracy)),
    ("t* (best F1⁺)", lambda m: _thr(m, m.best_threshold)),
    ("F1⁺ at t*", lambda m: f"{m.best_f1:.3f}"),
    ("bal. acc. at t*", lambda m: _cell(m.at_best.balanced_accuracy)),
)


def _metrics_table(models: dict[str, Model], heads: dict[str, str]) -> str:
    keys = list(models)
    rows = [
        "| metric | " + " | ".join(heads[k] for k in keys) + " |",
        "|---|" + "---:|" * len(keys),
    ]
    for label, value in _METRIC_ROWS:
        rows.append(f"| {label} | " + " | ".join(value(models[k]) for k in keys) + " |")
    return "\n".join(rows)


def _sizes(weight: np.ndarray) -> np.ndarray:
    """Marker diameters with area ∝ the focal weight in [0, 1] (a floor keeps points visible)."""
    return 2.0 + 9.0 * np.sqrt(np.clip(weight, 0.0, 1.0))


def _columns(k: int) -> int:
    """Panels per row: up to three in a row, four as 2 × 2."""
    return 2 if k == 4 else k


def render() -> None:
    state = UrlState("imbalance")
    v = _controls(state)
    group = v["compare"]
    key: DataKey = (v["n"], v["ratio"], v["sep"], v["seed"])
    d = make_data(key)
    n_pos = int(d.labels.sum())
    n_neg = d.labels.size - n_pos
    bal_alpha = (
        metrics.inverse_frequency_alpha(d.labels) if v["bal_auto"] else float(v["bal_alpha"])
    )
    pos_weight = n_neg / max(n_pos, 1) if v["posw_auto"] else float(v["pos_weight"])
    all_params: dict[str, Params] = {
        "bce": (),
        "balanced": (("alpha", bal_alpha),),
        "posw": (("pos_weight", pos_weight),),
        "focal": (("gamma", v["gamma"]), ("alpha", v["alpha"])),
        "hinge": (),
        "sqhinge": (),
        "mhuber": (),
        "smooth": (("label_smoothing", v["eps"]),),
        "dice": (),
        "tversky": (("alpha", v["tv_alpha"]), ("beta", v["tv_beta"])),
    }
    keys = GROUPS[group]
    params = {k: all_params[k] for k in keys}
    names = _names(v, bal_alpha, pos_weight)
    l2 = v["l2"]
    models = {k: make_model(key, LOSS_KEY[k], params[k], l2) for k in keys}

    others = ", ".join(names[k] for k in keys[1:])
    st.title("Class imbalance: what each loss does to a rare class")
    st.markdown(
        f"*{d.labels.size:,} points at 1 : {v['ratio']}: **{n_pos:,} "
        f"positive{'s' if n_pos != 1 else ''}** and "
        f"{n_neg:,} negatives, two unit-variance Gaussians whose means are "
        f"{fmt(v['sep'], 0.1)} apart. {len(keys)} linear models z = w·x + b, BCE beside "
        f"{others}; each minimises its loss + {l2:g}/2 · ‖w‖².*"
    )
    if n_pos < FEW_POSITIVES:
        need = FEW_POSITIVES * (1 + v["ratio"])
        st.info(
            f"Only {n_pos} positive{'s' if n_pos != 1 else ''}: the metrics below rest on very "
            f"few examples. Raise n (about {need:,} points give {FEW_POSITIVES} positives at "
            f"1 : {v['ratio']})." + (" The slider stops at 20,000." if need > 20000 else "")
        )
    for k in keys:
        if not models[k].converged:
            st.warning(f"The {names[k]} fit did not reach its tolerance; it is shown as it ended.")
    if group == "reweight" and v["alpha"] is not None and v["alpha"] in (0.0, 1.0):
        st.info(
            f"Focal α = {fmt(v['alpha'], 0.01)} gives the "
            f"{'negatives' if v['alpha'] == 1.0 else 'positives'} zero weight: the focal "
            "model just predicts one class everywhere."
        )
    # One view at a time (lazy tabs): a slider move refits the models and redraws the
    # open view only; the exact landscape slices run only while theirs is open.
    view = state.tabs(
        "view",
        [
            ("boundaries", "Decision boundaries"),
            ("probabilities", "Scores per class"),
            ("calibration", "Calibration"),
            ("objective", "The objective over (w₁, w₂)"),
        ],
        default="boundaries",
    )
    with state.tab_container(view):
        if view == "boundaries":
            _boundaries_view(v, key, d, models, names, n_pos, n_neg)
        elif view == "probabilities":
            _histograms_view(v, d, models, names)
        elif view == "calibration":
            _calibration_view(v, d, models, names)
        else:
            _slices_view(key, d, models, params, names, l2)

    # The table and the fit notes under the chart: above it, they put the chart below
    # the fold of a 1280×720 projector (y = 1056).
    _fit_notes(group, keys, models, names)

    # --- metrics ------------------------------------------------------------------------
    st.subheader("Per-class metrics")
    heads = {k: TABLE_HEADS[k] for k in keys}
    st.markdown(_metrics_table(models, heads))
    margin_note = (
        " For the margin losses (hinge, squared hinge, modified Huber) the score is the "
        "decision value z, not a probability: they predict positive when z ≥ 0 and their t* "
        "is a value of z."
        if group == "margin"
        else ""
    )
    st.caption(
        f"Columns: {'; '.join(names[k] for k in keys)}. "
        "On the training data; an example is predicted positive when p ≥ the threshold, "
        "0.5 unless the row says t*." + margin_note + " "
        "⁺ = the rare positive class, ⁻ = the negatives. Balanced accuracy is the mean of the "
        "two recalls (bal. accuracy). — = undefined (0/0): no example was predicted in that class. "
        "t* is the threshold that maximises F1⁺: moving the threshold can do much of what "
        "re-weighting the loss does."
    )
    state.sync_url()


def _fit_notes(group: str, keys, models: dict[str, Model], names: dict[str, str]) -> None:
    """What was solved exactly, and what is only a local optimum (and from where)."""
    local = [k for k in keys if not models[k].convex]
    parts = []
    convex = [names[k] for k in keys if models[k].convex]
    if convex:
        parts.append(
            f"Convex, fitted to the optimum: {', '.join(convex)}"
            + (" (the hinge as a QP, certified by its KKT conditions)" if "hinge" in keys else "")
            + "."
        )
    for k in local:
        m = models[k]
        start = ", ".join(f"{s:g}" for s in m.start)
        parts.append(
            f"**{names[k]} is not convex** in (w, b): shown is the local optimum Newton reached "
            f"from (w₁, w₂, b) = ({start}), objective {m.objective:.6g}."
        )
    if "hinge" in keys and np.all(models["hinge"].weights == 0.0):
        hb = f"{models['hinge'].bias:.3g}".replace("-", "−")
        parts.append(
            f"The hinge SVM's optimum here is w = 0, b = {hb}: with "
            "this λ it pays less to put every negative on its margin and give up on the rare "
            "positives than to separate them. A smaller λ (a larger C) or class weights change "
            "that."
        )
    st.caption(" ".join(parts))


def _boundaries_view(v: dict, key: DataKey, d, models, names, n_pos: int, n_neg: int) -> None:
    idx = shown_indices(key)
    keys = list(models)
    focal_w = (
        metrics.focal_weight(d.labels, models["focal"].logits, gamma=v["gamma"])
        if "focal" in models
        else None
    )
    panels = [
        (
            names[k],
            COLOURS[k],
            (float(models[k].weights[0]), float(models[k].weights[1])),
            models[k].bias,
            (_sizes(focal_w[idx]), focal_w[idx]) if k == "focal" else None,
        )
        for k in keys
    ]
    fig = figures.imbalance_scatter_figure(
        d.X[idx],
        d.labels[idx],
        panels,
        size_label=f"focal weight (1 − p_t)^{fmt(v['gamma'], 0.1)}",
        titles=[PANEL_TITLES[k] for k in keys],
        uirevision=f"imbalance.scatter.{v['compare']}",
        columns=_columns(len(keys)),
    )
    chart(fig, "imbalance.scatter")
    shown = (
        f"All {d.labels.size:,} points are drawn."
        if idx.size == d.labels.size
        else f"Drawn: all {n_pos:,} positives and {idx.size - n_pos:,} of the {n_neg:,} "
        "negatives (a seeded sample); every number on the page uses all points."
    )
    line = (
        "The line in each panel is where that model's p = 0.5 (z = 0; for the margin losses "
        "the SVM's decision boundary z = 0)."
    )
    text = f"Panels: {'; '.join(names[k] for k in keys)}. {line} "
    if focal_w is not None:
        neg_share = float(focal_w[d.labels == 0].sum() / max(focal_w.sum(), 1e-300))
        med_neg = float(np.median(focal_w[d.labels == 0]))
        med_pos = float(np.median(focal_w[d.labels == 1]))
        verdict = (
            "the easy negatives are quietened"
            if med_neg < med_pos
            else "here the negatives are the harder class at this fit, so they keep more weight"
        )
        text += (
            f"In the focal panel a point's area is proportional to its focal weight "
            f"(1 − p_t)^γ at the focal fit: the median negative has weight {med_neg:.3g}, the "
            f"median positive {med_pos:.3g}. The negatives are "
            f"{100 * n_neg / d.labels.size:.1f} % of the points and hold "
            f"{100 * neg_share:.1f} % of the total focal weight (under BCE every example has "
            f"weight 1): {verdict}. "
        )
    if "posw" in models and "balanced" in models and v["posw_auto"] and v["bal_auto"]:
        text += (
            "pos_weight w₊ = n_neg / n_pos is α-balanced BCE with α = n_neg / n times "
            "1 + w₊ (so λ weighs 1 + w₊ times less): nearly the same boundary. "
        )
    st.caption(text + shown)
    if focal_w is not None and v["alpha"] is not None and v["alpha"] < 0.5:
        st.caption(
            f"Focal α = {fmt(v['alpha'], 0.01)} weights the *positives* by α and the negatives "
            f"by {fmt(1 - v['alpha'], 0.01)}: the positive class gets the smaller weight. That is "
            "Lin et al.'s best setting once γ = 2 has quietened the easy negatives, but on its "
            "own it pushes the boundary towards the positives; compare α = 0.75 or α off."
        )
    if v["compare"] == "overlap":
        rec = {k: models[k].at_half.recall_pos for k in models}
        st.caption(
            "Dice and Tversky score the overlap of the predicted foreground with the true one "
            f"over the whole set, so {int((d.labels == 0).sum()):,} easy negatives do not drown "
            f"{int(d.labels.sum()):,} positives as they do in BCE's mean: recall of "
            "the rare class at p ≥ 0.5 is "
            + ", ".join(f"{names[k]} {_cell(rec[k])}" for k in models)
            + ". β > α in Tversky makes a missed positive cost more than a false alarm."
        )


def _histograms_view(v: dict, d, models, names) -> None:
    hist_x = v["hist_x"]
    keys = list(models)
    margin = v["compare"] == "margin"
    hist_panels = []
    for k in keys:
        m = models[k]
        score = m.probs if hist_x == "p" else m.logits
        # On the z axis t* is the smallest score predicted positive (exact, no σ⁻¹).
        t_best = m.best_threshold if hist_x == "p" else m.best_z
        half = 0.5 if hist_x == "p" else 0.0
        if hist_x == "p":
            lines = [(half, "0.5")]
        elif margin:
            lines = [(half, "z = 0")]
        else:
            lines = [(half, "z = 0 (p = 0.5)")]
        if abs(t_best - half) > 1e-9:
            at_z = "" if (hist_x == "p" or not m.is_prob) else f" (z = {t_best:.2f})"
            lines.append((t_best, f"t* = {m.best_threshold:.3g}{at_z}"))
        if k == "smooth" and hist_x == "p":
            eps = v["eps"]
            lines.append((1 - eps / 2, f"1 − ε/2 = {1 - eps / 2:.3g}"))
            if eps > 0:
                lines.append((eps / 2, f"ε/2 = {eps / 2:.3g}"))
        hist_panels.append((PANEL_TITLES[k], score[d.labels == 1], score[d.labels == 0], lines))
    x_title = "score z = w·x + b (decision value; BCE's is its logit)" if margin else None
    fig = figures.probability_histograms_figure(
        hist_panels,
        x_mode=hist_x,
        uirevision=f"imbalance.hist.{v['compare']}.{hist_x}",
        columns=_columns(len(keys)),
        x_title=x_title,
    )
    chart(fig, "imbalance.hist")
    text = (
        f"Panels: {'; '.join(names[k] for k in keys)}. "
        "Each class is scaled to 100 % on its own, so the rare class stays visible. "
    )
    if margin:
        text += (
            "The margin losses' scores are decision values z, drawn as they are: σ(z) of an "
            "SVM is not a probability (its scale is set by the margin and λ, not by the odds), "
            "so there is no p axis here. The hinge pushes scores out to the margins z = ±1 and "
            "no further."
        )
    elif "smooth" in keys:
        eps = v["eps"]
        share = float(np.mean(models["smooth"].probs > 1 - eps / 2))
        text += (
            f"Label smoothing trains on targets ε/2 = {eps / 2:.3g} and 1 − ε/2 = "
            f"{1 - eps / 2:.3g}: the loss pulls each p back inside that band (a linear model "
            f"still passes it far out: {100 * share:.2f} % of the points here)."
        )
    else:
        text += (
            "Re-weighting (α, w₊) and focusing (γ) move the positives' scores: a weighted model "
            "is no longer calibrated, and its p is not the frequency of positives."
        )
    st.caption(text)


def _calibration_view(v: dict, d, models, names) -> None:
    keys = [k for k in models if models[k].is_prob]
    skipped = [names[k] for k in models if not models[k].is_prob]
    curves, eces = [], {}
    for k in keys:
        r = metrics.reliability_bins(d.labels, models[k].probs, CAL_BINS)
        eces[k] = r.ece
        curves.append(
            (f"{PANEL_TITLES[k]} (ECE {r.ece:.3f})", COLOURS[k], r.mean_p, r.observed, r.count)
        )
    bounds = []
    if "smooth" in keys:
        eps = v["eps"]
        bounds = [(1 - eps / 2, f"1 − ε/2 = {1 - eps / 2:.3g}")]
        if eps > 0:
            bounds.append((eps / 2, f"ε/2 = {eps / 2:.3g}"))
    fig = reliability_figure(
        curves, bounds=bounds, uirevision=f"imbalance.calibration.{v['compare']}"
    )
    chart(fig, "imbalance.calibration")
    text = (
        f"{CAL_BINS} equal-width bins of predicted p = σ(z); each point is a bin's mean p "
        "against the share of positives in it (area ∝ examples). On the dashed diagonal a "
        "model is calibrated: among examples given p = 0.8, 80 % are positive. ECE = the "
        "mean |observed − predicted| weighted by the bins' sizes, on the training data. "
        f"Models: {'; '.join(names[k] for k in keys)}."
    )
    if "smooth" in keys:
        text += (
            " Smoothed BCE is under-confident by design: its targets are ε/2 and 1 − ε/2, "
            "so its high-p bins sit above the diagonal and its low-p ones below — the "
            "correction p' = (p − ε/2)/(1 − ε) undoes it."
        )
    if skipped:
        text += (
            f" Not drawn: {', '.join(skipped)} — their scores are decision values, not "
            "probabilities (calibrating an SVM needs a separate fit, e.g. Platt scaling)."
        )
    st.caption(text)


def _slices_view(key: DataKey, d, models, params, names, l2: float) -> None:
    window = slice_window(models)
    grid = slice_grid(d.labels.size, len(models))
    # One full-width chart per model, one under the other: side by side leave each
    # map a sliver between its axis labels and its colour bar on anything but a wide screen.
    for k, m in models.items():
        w1, w2, z = make_slice(key, LOSS_KEY[k], params[k], m.bias, window, grid, l2)
        top = float(np.quantile(z, 0.6))
        fig = figures.surface_figure(
            w1,
            w2,
            z,
            x_label="w₁",
            y_label="w₂",
            z_label="objective",
            point=(float(m.weights[0]), float(m.weights[1]), "fit"),
            zmax=top if top > z.min() else None,
            title=f"{PANEL_TITLES[k]} · b = {m.bias:.2f}",
            height=420,
            uirevision=f"imbalance.slice.{k}",
        )
        chart(fig, f"imbalance.slice.{k}")
        kind = "" if m.convex else " — a local optimum (not convex)"
        st.caption(
            f"{names[k]}: w = ({m.weights[0]:.3f}, {m.weights[1]:.3f}), "
            f"objective {m.objective:.4g}{kind}"
        )
    st.caption(
        f"Loss + {l2:g}/2 · ‖w‖² on a {grid} × {grid} grid (finer for smaller n), the "
        "bias held at the fitted value (Dice and Tversky: the loss of all n points' σ(z)); "
        "the colour scale stops at the 60th percentile so the basin keeps its detail (hover "
        "shows the true value). The focal objective is much flatter: most examples are easy "
        "and contribute almost nothing."
    )
