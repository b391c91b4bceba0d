"""The Metric learning page: a 2-D embedding trained by contrastive, triplet, InfoNCE or
cosine-embedding loss.

Labelled points in C classes (:func:`lossviz.data.clustered_points`: separable by a
linear map, mixed by a nuisance direction in the raw plane) are mapped by A to a
2-D embedding (affine, Ax + b, for the two losses on cosines), and A is trained on
every pair, triplet or InfoNCE row (:func:`lossviz.fit.train_embedding`). A step
slider scrubs through training: the embedding before and at that step (normalised,
on the unit circle, for the losses on cosines), the positive- and negative-pair
distance (or cosine) histograms with the margin drawn, the loss and share of active
pairs/triplets over all steps, and Wang & Isola's alignment and uniformity.

Caching: the data depend on (n, C, seed); the training on those plus the loss, its
parameters (margin; or τ and K), optimiser, learning rate and steps. Moving the step
slider recomputes only the distances of one embedding.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lossviz import embedding, figures
from lossviz.data import clustered_points
from lossviz.fit import (
    METRIC_LOSSES,
    OPTIMIZERS,
    EmbeddingTrace,
    contrastive_stable_learning_rate,
    max_negatives,
    train_embedding,
)
from lossviz.registry import REGISTRY
from lossviz.views import scrub
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

LOSSES = METRIC_LOSSES
LOSS_TITLES = {
    "contrastive": "contrastive (pairs)",
    "triplet": "triplet (anchor, +, −)",
    "info_nce": "InfoNCE (anchor, +, K −)",
    "cosine_embedding": "cosine embedding (pairs)",
}
LOSS_NAMES = {"contrastive": "contrastive loss", "triplet": "triplet loss",
              "info_nce": "InfoNCE loss", "cosine_embedding": "cosine embedding loss"}  # fmt: skip
#: The two losses on cosines of the normalised embeddings (the others act on distances).
ON_COSINES = ("info_nce", "cosine_embedding")
UNITS = {"contrastive": "pairs", "triplet": "triplets", "info_nce": "rows",
         "cosine_embedding": "pairs"}  # fmt: skip
MOMENTUM = 0.9  # train_embedding's heavy-ball μ
OPT_TITLES = {"gd": "gradient descent", "momentum": f"momentum (μ = {MOMENTUM})", "adam": "Adam"}
MARGIN = REGISTRY["contrastive"].params[0]  # the same m range for contrastive and triplet
COS_MARGIN = REGISTRY["cosine_embedding"].params[0]  # a cosine, in [−1, 1]
TAU = REGISTRY["info_nce"].params[0]
TAU_DEFAULT = 0.1  # the page's start: τ = 0.07 (the loss's default) trains as well, slower
K_MAX = 16  # negatives per anchor; capped by the data (see max_negatives)
K_DEFAULT = 4
POS_COLOUR = figures.PALETTE[2]  # bluish green: same class
NEG_COLOUR = figures.PALETTE[4]  # vermillion: different classes
BINS = 30


# --------------------------------------------------------------------------- cached compute
@st.cache_data(max_entries=64, show_spinner=False)
def make_data(n_per_class: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return clustered_points(n_per_class, n_classes, seed)


@st.cache_data(max_entries=64, show_spinner="Training the embedding…")
def train(
    n_per_class: int,
    n_classes: int,
    seed: int,
    loss: str,
    margin: float | None,
    optimizer: str,
    lr: float,
    steps: int,
    temperature: float = TAU_DEFAULT,
    n_neg: int = K_DEFAULT,
) -> EmbeddingTrace:
    X, labels = make_data(n_per_class, n_classes, seed)
    return train_embedding(
        X, labels, loss, margin=margin, temperature=temperature, n_neg=n_neg, lr=lr,
        steps=steps, seed=seed, optimizer=optimizer,
    )  # fmt: skip


def n_triplets(labels: np.ndarray) -> int:
    """Triplets (anchor, positive ≠ anchor of its class, negative of another class)."""
    _, counts = np.unique(labels, return_counts=True)
    return int(np.sum(counts * (counts - 1) * (labels.size - counts)))


# --------------------------------------------------------------------------- page
def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


SCRUB = "metric.scrub"


def render() -> None:
    state = UrlState("metric")
    commit, want = scrub.states(SCRUB)
    if commit is not None and commit.get("name") in st.session_state:
        st.session_state[commit["name"]] = int(commit["value"])
    st.sidebar.markdown("**Loss**")
    loss = state.select(
        "loss", "Loss", LOSSES, default="contrastive", format_func=LOSS_TITLES.get, radio=True
    )
    # Each loss's own parameters (only the live ones are in the link).
    margin = tau = k_asked = None
    if loss in ("contrastive", "triplet"):
        margin = state.slider(
            "margin", "margin m", min_value=MARGIN.min, max_value=MARGIN.max,
            default=MARGIN.default, step=MARGIN.step, help=MARGIN.help,
        )  # fmt: skip
    elif loss == "cosine_embedding":
        margin = state.slider(
            "cmargin", "margin m (a cosine)", min_value=COS_MARGIN.min,
            max_value=COS_MARGIN.max, default=COS_MARGIN.default, step=COS_MARGIN.step,
            help=COS_MARGIN.help,
        )  # fmt: skip
    else:
        tau = state.slider(
            "tau", "temperature τ", min_value=TAU.min, max_value=TAU.max,
            default=TAU_DEFAULT, step=TAU.step, help=TAU.help,
        )  # fmt: skip
        k_asked = state.slider(
            "k", "negatives per anchor K", min_value=1, max_value=K_MAX, default=K_DEFAULT,
            step=1, integer=True,
            help="K points of other classes, drawn once per anchor (seeded), compete with "
            "each of its positives in the softmax.",
        )  # fmt: skip
    st.sidebar.markdown("**Data**")
    n_classes = state.slider(
        "classes", "classes C", min_value=2, max_value=5, default=3, step=1, integer=True
    )
    n_per_class = state.slider(
        "n", "points per class", min_value=4, max_value=12, default=10, step=1, integer=True
    )
    seed = state.slider(
        "seed",
        "seed",
        min_value=0,
        max_value=50,
        default=0,
        step=1,
        integer=True,
        help="Seeds the data and the initial map (the start of the non-convex training).",
    )
    st.sidebar.markdown("**Training**")
    optimizer = state.select(
        "opt", "optimiser", OPTIMIZERS, default="gd", format_func=OPT_TITLES.get
    )
    lr = state.slider(
        "lr", "learning rate η", min_value=0.01, max_value=1.0, default=0.05, step=0.01
    )
    steps = state.slider(
        "steps", "training steps", min_value=20, max_value=400, default=200, step=20, integer=True
    )
    # The step slider's range follows `steps`: one widget per value of `steps` (its own
    # key), starting at the end of training.
    # Shown as a scrub bar above the views: drag it, or ▶ to replay training in the browser.
    t, t_key = state.number(
        "t", min_value=0, max_value=steps, default=steps, step=1, integer=True, scope=str(steps)
    )

    spec = REGISTRY[loss]
    cosines = loss in ON_COSINES
    unit = UNITS[loss]
    X, labels = make_data(n_per_class, n_classes, seed)
    k_neg = None
    if loss == "info_nce":
        k_neg = min(int(k_asked), max_negatives(labels))
        m_text = f"τ = {fmt(tau, TAU.step)}, K = {k_neg}"
    else:
        m_text = f"m = {fmt(margin, MARGIN.step)}"
    st.title("Metric learning")
    what = {
        "contrastive": "every pair",
        "triplet": "every triplet",
        "info_nce": "every (anchor, positive) row, with K negatives per anchor",
        "cosine_embedding": "every pair",
    }[loss]
    on = ", on the cosines s of the normalised embeddings" if cosines else ""
    st.markdown(
        f"*{'An affine' if cosines else 'A linear'} map sends {n_classes} classes of 2-D "
        f"points to a 2-D embedding; {LOSS_NAMES[loss]} with "
        f"{'' if loss == 'info_nce' else 'margin '}{m_text} trains it on "
        f"{what}{on}.*"
    )
    st.latex(spec.latex)
    if loss == "info_nce" and k_neg < k_asked:
        st.markdown(
            f"K = {k_asked} was asked for, but with {n_classes} classes of {n_per_class} "
            f"points an anchor has only {k_neg} points of other classes: **K = {k_neg}** "
            "is used."
        )

    trace = train(n_per_class, n_classes, seed, loss, margin, optimizer, lr, steps,
                  *((tau, k_neg) if loss == "info_nce" else ()))  # fmt: skip
    last = trace.maps.shape[0] - 1
    k = min(t, last)
    if trace.diverged:
        st.markdown(_divergence(trace, X, labels, loss, optimizer, lr, last))
    E0 = trace.embed(X, 0)
    Ek = trace.embed(X, k)
    if cosines:
        shown0, shown_k = embedding.normalize(E0), embedding.normalize(Ek)
        d_pos, d_neg = embedding.cosine_similarities(Ek, labels)
        d0_pos, d0_neg = embedding.cosine_similarities(E0, labels)
    else:
        shown0, shown_k = E0, Ek
        d_pos, d_neg = embedding.pair_distances(Ek, labels)
        d0_pos, d0_neg = embedding.pair_distances(E0, labels)
    bar = st.container()
    # One view at a time (lazy tabs): a slider move redraws one chart, not four.
    view = state.tabs(
        "view",
        [
            ("embedding", "The embedding, before and during training"),
            ("distances", {"info_nce": "Pair cosines",
                           "cosine_embedding": "Cosines against the margin"}.get(
                               loss, "Distances against the margin")),
            ("training", "Loss and misranked rows over training" if loss == "info_nce"
             else "Loss and active share over training"),
            ("geometry", "Alignment and uniformity (Wang & Isola)"),
        ],
        default="embedding",
    )  # fmt: skip
    bar_margin = None if cosines else margin
    with state.tab_container(view):
        if view == "embedding":
            # Two charts: the one before training does not depend on the loss settings, so
            # a margin, rate or step move leaves it as it is (sent as a cache reference,
            # not redrawn); the margin's scale bar is drawn where it acts, at step t.
            names = [f"class {c}" for c in range(n_classes)]
            rev = f"metric.emb.{n_classes}.{n_per_class}.{seed}"
            before, during = st.columns(2, gap="small")
            norm = "directions ê = e/‖e‖, " if cosines else ""
            fig = figures.embeddings_figure(
                [(f"{norm}before training (step 0)", shown0)], labels, margin=None,
                class_names=names, uirevision=f"{rev}.before{'.unit' if cosines else ''}",
                unit_circle=cosines,
            )  # fmt: skip
            chart(fig, "metric.embedding0", where=before)
            fig = figures.embeddings_figure(
                [(f"{norm}step {k} of {steps}", shown_k)],
                labels,
                margin=bar_margin,
                margin_label=f"margin {m_text}",
                class_names=names,
                uirevision=f"{rev}.{loss}",
                unit_circle=cosines,
            )
            chart(fig, "metric.embedding", where=during)
        elif view == "distances":
            if cosines:
                _cosines_view(loss, margin, m_text, k, d_pos, d_neg)
            else:
                _distances_view(loss, margin, m_text, k, Ek, labels, d_pos, d_neg)
        elif view == "training":
            n_items = _n_items(loss, labels, d_pos.size + d_neg.size)
            fig = figures.training_curves_figure(
                np.arange(last + 1),
                trace.loss,
                trace.active,
                current=k,
                loss_label=f"mean {LOSS_NAMES[loss]} ({m_text})",
                active_label=_active_label(loss),
                active_axis="misranked" if loss == "info_nce" else "active",
                uirevision=f"metric.curves.{loss}",
            )
            chart(fig, "metric.curves")
            bound = _bound_text(X, labels, loss, optimizer)
            st.caption(
                f"{OPT_TITLES[optimizer]}, η = {fmt(lr, 0.01)}, {steps} steps on the mean "
                f"loss over all {n_items} {unit}{bound}. " + _training_note(loss, unit)
            )
        else:
            _geometry_view(trace, k, last, loss)
    # The readouts and the note on the start under the chart: above it they pushed the
    # embedding below a 1280×720 projector's fold (its top at y = 527) and a phone's.
    _readouts(trace, k, loss, unit, (d_pos, d_neg), (d0_pos, d0_neg), cosines)
    st.caption(_start_text(trace, seed, last, cosines))
    control = scrub.Control(t_key, "show step", 0, steps, 1, k, valuetext="step {v}")
    context = scrub.context_of(n_per_class, n_classes, seed, loss, margin, optimizer, lr,
                               steps, view, tau, k_neg)  # fmt: skip
    sent = {}
    if want is not None and want.get("name") == t_key and want.get("context") == context:
        revision = f"metric.emb.{n_classes}.{n_per_class}.{seed}.{loss}"
        sent[t_key] = _training_frames(control, view, trace, X, labels, loss, bar_margin,
                                       steps, n_classes, revision)  # fmt: skip
    with bar:
        scrub.scrub_bar(SCRUB, [control], contexts={t_key: context}, frames=sent)
    state.sync_url()


def _n_items(loss: str, labels: np.ndarray, n_pairs: int) -> int:
    if loss in ("contrastive", "cosine_embedding"):
        return n_pairs
    if loss == "triplet":
        return n_triplets(labels)
    _, counts = np.unique(labels, return_counts=True)
    return int(np.sum(counts * (counts - 1)))  # InfoNCE rows: ordered same-class pairs


def _active_label(loss: str) -> str:
    if loss == "info_nce":
        return "misranked rows"
    return f"active {UNITS[loss]}"


def _training_note(loss: str, unit: str) -> str:
    if loss == "info_nce":
        return (
            "InfoNCE is never exactly 0, so every row keeps a gradient; a misranked row is "
            "one where a negative is at least as similar to the anchor as the positive, i.e. "
            "whose positive is not the most similar of its K + 1 candidates. A small τ "
            "puts almost all of a row's gradient on its hardest negative."
        )
    return (
        f"An inactive {unit[:-1]} contributes no gradient: as training succeeds, fewer and "
        f"fewer {unit} drive it (hard-negative mining exists because of this)."
    )


def _start_text(trace, seed: int, last: int, cosines: bool) -> str:
    """The non-convexity said in words, with the start and where this run ended."""
    start = "A₀ with 0.5·N(0, 1) entries" + (" and b₀ = 0" if cosines else "")
    return (
        f"Non-convex in the map: training finds a local optimum that depends on its start. "
        f"This run starts from {start}, drawn from seed {seed}, and ends at step {last} with "
        f"mean loss {trace.loss[last]:.4f} and gradient norm ‖∇‖ = {trace.grad_norm:.2g} "
        "(≈ 0 at a local optimum); another seed may end elsewhere."
    )


def _geometry_view(trace, k: int, last: int, loss: str) -> None:
    """Alignment and uniformity over training, their values at step k."""
    a, b = st.columns(2)
    a.metric(
        f"alignment at step {k}",
        f"{trace.alignment[k]:.3f}",
        f"{trace.alignment[k] - trace.alignment[0]:+.3f} since step 0",
        delta_color="inverse",
    )
    b.metric(
        f"uniformity at step {k}",
        f"{trace.uniformity[k]:.3f}",
        f"{trace.uniformity[k] - trace.uniformity[0]:+.3f} since step 0",
        delta_color="inverse",
    )
    fig = figures.alignment_uniformity_figure(
        np.arange(last + 1),
        trace.alignment,
        trace.uniformity,
        current=k,
        current_label=_geometry_label(trace, k),
        uirevision=f"metric.geometry.{loss}",
    )
    chart(fig, "metric.geometry")
    st.caption(
        "Wang & Isola (2020), on the normalised embeddings ê = e/‖e‖ whatever the loss: "
        "alignment E‖ê − ê⁺‖² over the same-class pairs (0 when each class sits at one "
        "point of the circle, 4 at most) and uniformity log E exp(−2‖ê − ê′‖²) over all "
        "pairs (0 when every point is at one place; −1.58 for points spread evenly round "
        "the circle). Lower is better for both; contrastive learning trades one for the "
        "other."
    )


def _geometry_label(trace, k: int) -> str:
    return f"step {k}: alignment {trace.alignment[k]:.3f}, uniformity {trace.uniformity[k]:.3f}"


def _training_frames(control, view, trace, X, labels, loss, margin, steps, n_classes, revision):
    """Training replayed in the browser: at every step, the embedding's points (each class
    a trace; normalised for the losses on cosines) and the margin's bar, or the "now" line
    of the training or alignment/uniformity curves with the values there. The distances
    view follows on release (its histograms are rebinned)."""
    grid = control.grid
    last = trace.maps.shape[0] - 1
    at_step = [min(int(k), last) for k in grid]
    charts = []
    if view == "embedding":
        embeds = [trace.embed(X, k) for k in at_step]
        if loss in ON_COSINES:
            embeds = [embedding.normalize(e) for e in embeds]
        moves = []
        for j, c in enumerate(np.unique(labels)):
            sel = labels == c
            moves.append(
                (j, {"x": np.stack([e[sel, 0] for e in embeds]),
                     "y": np.stack([e[sel, 1] for e in embeds])})
            )  # fmt: skip
        if margin is not None:
            bars = [figures.scale_bar(e, margin, "", "") for e in embeds]
            moves.append(
                (
                    n_classes,
                    {"x": np.array([b["x"] for b in bars]), "y": np.array([b["y"] for b in bars])},
                )
            )
        prefix = "directions ê = e/‖e‖, " if loss in ON_COSINES else ""
        title = {"annotations[0].text": [f"{prefix}step {k} of {steps}" for k in at_step]}
        charts.append(scrub.ChartFrames(revision=revision, moves=moves, layout=title))
    elif view in ("training", "geometry"):
        at = [float(k) for k in at_step]
        text = (
            [f"step {k}" for k in at_step]
            if view == "training"
            else [_geometry_label(trace, k) for k in at_step]
        )
        layout = {
            "shapes[0].x0": at, "shapes[0].x1": at, "shapes[1].x0": at, "shapes[1].x1": at,
            "annotations[0].x": at, "annotations[0].text": text,
        }  # fmt: skip
        if view == "geometry":
            span = np.arange(last + 1)
            layout["annotations[0].xanchor"] = [figures.label_anchor(a, span) for a in at]
        name = "curves" if view == "training" else "geometry"
        charts.append(scrub.ChartFrames(revision=f"metric.{name}.{loss}", layout=layout))
    return scrub.Frames(values=grid, charts=charts)


def _bound_text(X: np.ndarray, labels: np.ndarray, loss: str, optimizer: str) -> str:
    """', stable for η < …' when the run has a learning-rate bound (contrastive, GD or momentum)."""
    if loss != "contrastive" or optimizer == "adam":
        return ""
    bound = contrastive_stable_learning_rate(X, labels, optimizer, momentum=MOMENTUM)
    return f" (stable for η < {bound:.3g} on these points)"


def _divergence(trace, X, labels, loss: str, optimizer: str, lr: float, last: int) -> str:
    """Which run blew up, at which step, and (where there is one) the largest stable η."""
    said = (
        f"**Training diverged at step {trace.diverged_at}**: with η = {fmt(lr, 0.01)} the "
        f"loss blew up. Steps 0 to {last} are shown."
    )
    if loss != "contrastive" or optimizer == "adam":
        return said + " Lower the learning rate."
    bound = contrastive_stable_learning_rate(X, labels, optimizer, momentum=MOMENTUM)
    formula = "2/L" if optimizer == "gd" else "2(1 + μ)/L"
    return (
        said + f" Past the margin the loss is the same-class pairs' mean d², a quadratic in "
        f"A whose largest curvature L sets the largest stable learning rate of "
        f"{OPT_TITLES[optimizer]}: {formula} = {bound:.3g} for these points."
    )


def _readouts(trace, k: int, loss: str, unit: str, at_k: tuple, at_0: tuple, cosines: bool) -> None:
    (d_pos, d_neg), (d0_pos, d0_neg) = at_k, at_0
    a, b, c = st.columns(3)
    a.metric(
        f"mean {LOSS_NAMES[loss]} at step {k}",
        f"{trace.loss[k]:.4f}",
        f"{trace.loss[k] - trace.loss[0]:+.4f} since step 0",
        delta_color="inverse",
    )
    b.metric(
        f"{'misranked' if loss == 'info_nce' else 'active'} {unit} at step {k}",
        _pct(trace.active[k]),
        f"{100 * (trace.active[k] - trace.active[0]):+.1f} percentage points since step 0",
        delta_color="inverse",
    )
    # Short labels: a metric's label is cut with "…" when it is wider than its column.
    if cosines:
        c.metric(
            f"median cosine at step {k}",
            f"{np.median(d_pos):.2f} vs {np.median(d_neg):.2f}",
            f"same vs other class (step 0: {np.median(d0_pos):.2f} vs {np.median(d0_neg):.2f})",
            delta_color="off",
            delta_arrow="off",
        )
        return
    c.metric(
        f"median distance at step {k}",
        f"{np.median(d_pos):.2f} vs {np.median(d_neg):.2f}",
        f"same vs other class: ratio {np.median(d_neg) / max(np.median(d_pos), 1e-12):.1f}× "
        f"(step 0: {np.median(d0_neg) / max(np.median(d0_pos), 1e-12):.1f}×)",
        delta_color="off",
        delta_arrow="off",
    )


def _cosines_view(loss, margin, m_text, k, c_pos, c_neg) -> None:
    """Cosines of the same- and other-class pairs (what the two losses on cosines see)."""
    edges, (h_pos, h_neg) = embedding.shared_histogram([c_pos, c_neg], bins=BINS, lo=-1.0,
                                                       hi=1.0)  # fmt: skip
    fig = figures.distance_histogram_figure(
        edges,
        [
            (f"positive pairs, same class ({c_pos.size})", h_pos, POS_COLOUR),
            (f"negative pairs, different classes ({c_neg.size})", h_neg, NEG_COLOUR),
        ],
        margin=margin if loss == "cosine_embedding" else None,
        margin_label=f"margin {m_text}",
        x_label="cosine ê·ê′ of the normalised embeddings",
        y_label="share of its pairs",
        title=f"Pair cosines at step {k}",
    )
    chart(fig, "metric.pairs")
    if loss == "cosine_embedding":
        above = float(np.mean(c_neg > margin)) if c_neg.size else 0.0
        st.caption(
            f"Cosine embedding loss: a positive pair costs 1 − cos until it points the same "
            f"way (cos = 1); a negative pair costs cos − m while its cosine is above the "
            f"margin, right of the line. Here {_pct(above)} of the negative pairs are."
        )
    else:
        st.caption(
            f"InfoNCE has no margin: each positive's cosine competes with its anchor's "
            f"K negatives in a softmax at temperature τ ({m_text}), so it pushes the "
            "positives' cosines up and the negatives' down until the positive wins by "
            "several τ."
        )


def _distances_view(loss, margin, m_text, k, Ek, labels, d_pos, d_neg) -> None:
    """Pair distances (and, for triplet loss, the triplets' slack) against the margin."""
    hi = max(float(max(d_pos.max(), d_neg.max())), margin) * 1.05
    edges, (h_pos, h_neg) = embedding.shared_histogram([d_pos, d_neg], bins=BINS, lo=0.0, hi=hi)
    fig = figures.distance_histogram_figure(
        edges,
        [
            (f"positive pairs, same class ({d_pos.size})", h_pos, POS_COLOUR),
            (f"negative pairs, different classes ({d_neg.size})", h_neg, NEG_COLOUR),
        ],
        margin=margin,
        margin_label=f"margin {m_text}",
        x_label="distance d in the embedding",
        y_label="share of its pairs",
        title=f"Pair distances at step {k}",
    )
    if loss == "contrastive":
        chart(fig, "metric.pairs")
        inside = float(np.mean(d_neg < margin)) if d_neg.size else 0.0
        st.caption(
            f"Contrastive loss: every positive pair with d > 0 is active (it keeps "
            f"pulling), so at least {_pct(d_pos.size / (d_pos.size + d_neg.size))} of "
            f"pairs are always active; a negative pair is active only while d < m. Here "
            f"{_pct(inside)} of the negative pairs are inside the margin."
        )
        return
    left, right = st.columns(2, gap="medium")
    chart(fig, "metric.pairs", where=left)
    slack = embedding.triplet_slack(Ek, labels)
    s_lo = min(float(slack.min()), 0.0)
    s_hi = max(float(slack.max()), margin) * 1.05
    s_edges, (h_slack,) = embedding.shared_histogram([slack], bins=BINS, lo=s_lo, hi=s_hi)
    fig = figures.distance_histogram_figure(
        s_edges,
        [(f"triplets ({slack.size})", h_slack, figures.PALETTE[0])],
        margin=margin,
        margin_label=f"margin {m_text}",
        x_label="slack d(a, −) − d(a, +)",
        y_label="share of triplets",
        title=f"Triplet slack at step {k}",
    )
    chart(fig, "metric.slack", where=right)
    st.caption(
        f"Triplet loss looks at differences, not distances: a triplet is active while "
        f"its negative is less than m further from the anchor than its positive "
        f"(slack < m, left of the line). Here {_pct(float(np.mean(slack < margin)))} "
        "are."
    )
