"""The Metric learning page: a linear 2-D embedding trained by contrastive or triplet loss.

Labelled points in C classes (:func:`lossviz.data.clustered_points`: separable by a
linear map, mixed by a nuisance direction in the raw plane) are mapped by A to a
2-D embedding, and A is trained on every pair or triplet
(:func:`lossviz.fit.train_embedding`). A step slider scrubs through training: the
embedding before and at that step, the positive- and negative-pair distance
histograms with the margin drawn, and the loss and share of active (non-zero
loss) pairs/triplets over all steps.

Caching: the data depend on (n, C, seed); the training on those plus the loss,
margin, optimiser, learning rate and steps. Moving the step slider recomputes
only the distances of one embedding.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lossviz import embedding, figures
from lossviz.data import clustered_points
from lossviz.fit import (
    OPTIMIZERS,
    EmbeddingTrace,
    contrastive_stable_learning_rate,
    train_embedding,
)
from lossviz.registry import REGISTRY
from lossviz.views import scrub
from lossviz.views.controls import UrlState, fmt

LOSSES = ("contrastive", "triplet")
LOSS_TITLES = {"contrastive": "contrastive (pairs)", "triplet": "triplet (anchor, +, −)"}
MOMENTUM = 0.9  # train_embedding's heavy-ball μ
OPT_TITLES = {"gd": "gradient descent", "momentum": f"momentum (μ = {MOMENTUM})", "adam": "Adam"}
MARGIN = REGISTRY["contrastive"].params[0]  # the same m range for both losses
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
    margin: float,
    optimizer: str,
    lr: float,
    steps: int,
) -> EmbeddingTrace:
    X, labels = make_data(n_per_class, n_classes, seed)
    return train_embedding(
        X, labels, loss, margin=margin, lr=lr, steps=steps, seed=seed, optimizer=optimizer
    )


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
    margin = state.slider(
        "margin",
        "margin m",
        min_value=MARGIN.min,
        max_value=MARGIN.max,
        default=MARGIN.default,
        step=MARGIN.step,
        help=MARGIN.help,
    )
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
        help="Seeds the data and the initial map.",
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
    m_text = f"m = {fmt(margin, MARGIN.step)}"
    st.title("Metric learning")
    st.markdown(
        f"*A linear map A sends {n_classes} classes of 2-D points to a 2-D embedding; "
        f"{spec.title.lower()} with margin {m_text} trains it on every "
        f"{'pair' if loss == 'contrastive' else 'triplet'}.*"
    )
    st.latex(spec.latex)

    X, labels = make_data(n_per_class, n_classes, seed)
    trace = train(n_per_class, n_classes, seed, loss, margin, optimizer, lr, steps)
    last = trace.maps.shape[0] - 1
    k = min(t, last)
    if trace.diverged:
        st.markdown(_divergence(trace, X, labels, loss, optimizer, lr, last))
    E0 = embedding.embed(X, trace.maps[0])
    Ek = embedding.embed(X, trace.maps[k])

    d_pos, d_neg = embedding.pair_distances(Ek, labels)
    d0_pos, d0_neg = embedding.pair_distances(E0, labels)
    unit = "pairs" if loss == "contrastive" else "triplets"
    _readouts(trace, k, loss, unit, (d_pos, d_neg), (d0_pos, d0_neg))

    bar = st.container()
    # One view at a time (lazy tabs): a slider move redraws one chart, not four.
    view = state.tabs(
        "view",
        [
            ("embedding", "The embedding, before and during training"),
            ("distances", "Distances against the margin"),
            ("training", "Loss and active share over training"),
        ],
        default="embedding",
    )
    with state.tab_container(view):
        if view == "embedding":
            # Two charts: the one before training does not depend on the loss settings, so
            # a margin, rate or step move leaves it as it is (sent as a cache reference,
            # not redrawn); the margin's scale bar is drawn where it acts, at step t.
            names = [f"class {c}" for c in range(n_classes)]
            rev = f"metric.emb.{n_classes}.{n_per_class}.{seed}"
            before, during = st.columns(2, gap="small")
            fig = figures.embeddings_figure(
                [("before training (step 0)", E0)], labels, margin=None, class_names=names,
                uirevision=f"{rev}.before",
            )  # fmt: skip
            before.plotly_chart(fig, key="metric.embedding0", config={"displaylogo": False})
            fig = figures.embeddings_figure(
                [(f"step {k} of {steps}", Ek)],
                labels,
                margin=margin,
                margin_label=f"margin {m_text}",
                class_names=names,
                uirevision=f"{rev}.{loss}",
            )
            during.plotly_chart(fig, key="metric.embedding", config={"displaylogo": False})
        elif view == "distances":
            _distances_view(loss, margin, m_text, k, Ek, labels, d_pos, d_neg)
        else:
            n_items = d_pos.size + d_neg.size if loss == "contrastive" else n_triplets(labels)
            fig = figures.training_curves_figure(
                np.arange(last + 1),
                trace.loss,
                trace.active,
                current=k,
                loss_label=f"mean {loss} loss ({m_text})",
                active_label=f"active {unit}",
                uirevision=f"metric.curves.{loss}",
            )
            st.plotly_chart(fig, key="metric.curves", config={"displaylogo": False})
            bound = _bound_text(X, labels, loss, optimizer)
            st.caption(
                f"{OPT_TITLES[optimizer]}, η = {fmt(lr, 0.01)}, {steps} steps on the mean "
                f"loss over all {n_items} {unit}{bound}. An inactive "
                f"{unit[:-1]} contributes no gradient: as training succeeds, fewer and fewer "
                f"{unit} drive it (hard-negative mining exists because of this)."
            )
    control = scrub.Control(t_key, "show step", 0, steps, 1, k, valuetext="step {v}")
    context = scrub.context_of(n_per_class, n_classes, seed, loss, margin, optimizer, lr,
                               steps, view)  # fmt: skip
    sent = {}
    if want is not None and want.get("name") == t_key and want.get("context") == context:
        revision = f"metric.emb.{n_classes}.{n_per_class}.{seed}.{loss}"
        sent[t_key] = _training_frames(control, view, trace, X, labels, loss, margin, steps,
                                       n_classes, revision)  # fmt: skip
    with bar:
        scrub.scrub_bar(SCRUB, [control], contexts={t_key: context}, frames=sent)
    state.sync_url()


def _training_frames(control, view, trace, X, labels, loss, margin, steps, n_classes, revision):
    """Training replayed in the browser: at every step, the embedding's points (each class
    a trace) and the margin's bar, or the training curves' "now" line. The distances view
    follows on release (its histograms are rebinned)."""
    grid = control.grid
    last = trace.maps.shape[0] - 1
    charts = []
    if view == "embedding":
        embeds = [embedding.embed(X, trace.maps[min(int(k), last)]) for k in grid]
        moves = []
        for j, c in enumerate(np.unique(labels)):
            sel = labels == c
            moves.append(
                (j, {"x": np.stack([e[sel, 0] for e in embeds]),
                     "y": np.stack([e[sel, 1] for e in embeds])})
            )  # fmt: skip
        bars = [figures.scale_bar(e, margin, "", "") for e in embeds]
        moves.append(
            (
                n_classes,
                {"x": np.array([b["x"] for b in bars]), "y": np.array([b["y"] for b in bars])},
            )
        )
        title = {"annotations[0].text": [f"step {min(int(k), last)} of {steps}" for k in grid]}
        charts.append(scrub.ChartFrames(revision=revision, moves=moves, layout=title))
    elif view == "training":
        at = [float(min(int(k), last)) for k in grid]
        layout = {
            "shapes[0].x0": at, "shapes[0].x1": at, "shapes[1].x0": at, "shapes[1].x1": at,
            "annotations[0].x": at, "annotations[0].text": [f"step {int(a)}" for a in at],
        }  # fmt: skip
        charts.append(scrub.ChartFrames(revision=f"metric.curves.{loss}", layout=layout))
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


def _readouts(trace, k: int, loss: str, unit: str, at_k: tuple, at_0: tuple) -> None:
    (d_pos, d_neg), (d0_pos, d0_neg) = at_k, at_0
    a, b, c = st.columns(3)
    a.metric(
        f"mean {loss} loss at step {k}",
        f"{trace.loss[k]:.4f}",
        f"{trace.loss[k] - trace.loss[0]:+.4f} since step 0",
        delta_color="inverse",
    )
    b.metric(
        f"active {unit} at step {k}",
        _pct(trace.active[k]),
        f"{100 * (trace.active[k] - trace.active[0]):+.1f} percentage points since step 0",
        delta_color="inverse",
    )
    c.metric(
        f"median pair distance at step {k}: same vs other class",
        f"{np.median(d_pos):.2f} vs {np.median(d_neg):.2f}",
        f"ratio {np.median(d_neg) / max(np.median(d_pos), 1e-12):.1f}× (step 0: "
        f"{np.median(d0_neg) / max(np.median(d0_pos), 1e-12):.1f}×)",
        delta_color="off",
        delta_arrow="off",
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
        st.plotly_chart(fig, key="metric.pairs", config={"displaylogo": False})
        inside = float(np.mean(d_neg < margin)) if d_neg.size else 0.0
        st.caption(
            f"Contrastive loss: every positive pair with d > 0 is active (it keeps "
            f"pulling), so at least {_pct(d_pos.size / (d_pos.size + d_neg.size))} of "
            f"pairs are always active; a negative pair is active only while d < m. Here "
            f"{_pct(inside)} of the negative pairs are inside the margin."
        )
        return
    left, right = st.columns(2, gap="medium")
    left.plotly_chart(fig, key="metric.pairs", config={"displaylogo": False})
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
    right.plotly_chart(fig, key="metric.slack", config={"displaylogo": False})
    st.caption(
        f"Triplet loss looks at differences, not distances: a triplet is active while "
        f"its negative is less than m further from the anchor than its positive "
        f"(slack < m, left of the line). Here {_pct(float(np.mean(slack < margin)))} "
        "are."
    )
