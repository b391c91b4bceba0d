"""The Metric learning page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz import embedding
from lossviz.data import clustered_points
from lossviz.fit import train_embedding
from lossviz.views import scrub

pytestmark = pytest.mark.app


def _app(**query) -> AppTest:
    return run_page("metric", query)


_no_exception = assert_no_exception


def _slider(at: AppTest, name: str):
    matches = [s for s in at.slider if s.key.startswith("metric.") and s.key.endswith(f".{name}")]
    assert matches, f"no slider {name}"
    return matches[0]


def _step(at: AppTest) -> int:
    """The step the scrub bar shows (its value lives in session state, not a widget),
    under the key of the current number of steps."""
    return at.session_state[f"metric.{at.query_params['steps']}.t"]


def _set_step(at: AppTest, value: int) -> AppTest:
    at.session_state[f"metric.{at.query_params['steps']}.t"] = value  # a scrub-bar release
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _names(at: AppTest, index: int) -> list[str]:
    return [t.get("name", "") for t in json.loads(at.get("plotly_chart")[index].proto.spec)["data"]]


VIEWS = ("embedding", "distances", "training", "geometry")  # lazy tabs: only the open one
CHARTS = {"embedding": 2, "distances": 1, "training": 1, "geometry": 1}  # triplet: + slack


def _charts(loss: str, view: str) -> int:
    return CHARTS[view] + (loss == "triplet" and view == "distances")


def test_default_page_draws_the_embeddings_and_each_view_from_the_live_values():
    at = _app()
    _no_exception(at)
    assert not at.warning
    assert len(at.get("plotly_chart")) == 2  # before training, and at step t
    assert at.query_params["view"] == "embedding"
    X, labels = clustered_points(10, 3, 0)
    trace = train_embedding(X, labels, "contrastive", margin=1.0, lr=0.05, steps=200, seed=0)
    m = _metrics(at)
    assert m["mean contrastive loss at step 200"] == f"{trace.loss[200]:.4f}"
    assert m["active pairs at step 200"] == f"{100 * trace.active[200]:.1f}%"
    # Legends and labels come from the live values.
    assert not any("margin" in str(t.get("name", "")) for t in _spec(at, 0)["data"])
    assert "bar: margin m = 1.00" in [t.get("name") for t in _spec(at, 1)["data"]]
    assert at.query_params["t"] == "200" and at.query_params["loss"] == "contrastive"
    at = _app(view="training")
    assert len(at.get("plotly_chart")) == 1
    assert "mean contrastive loss (m = 1.00)" in _names(at, 0)
    at = _app(view="distances")
    assert len(at.get("plotly_chart")) == 1
    assert "positive pairs, same class (135)" in _names(at, 0)  # 3 classes × C(10, 2)


def _spec(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_triplet_adds_the_slack_histogram():
    at = _app(loss="triplet", margin="0.5", view="distances")
    _no_exception(at)
    assert len(at.get("plotly_chart")) == 2
    assert "active triplets at step 200" in _metrics(at)
    annotations = [a["text"] for a in _spec(at, 1)["layout"]["annotations"]]
    assert "margin m = 0.50" in annotations


def test_the_step_slider_scrubs_through_training():
    at = _app(steps="100", t="30")
    _no_exception(at)
    assert _step(at) == 30
    assert "mean contrastive loss at step 30" in _metrics(at)
    _set_step(at, 0)
    assert "mean contrastive loss at step 0" in _metrics(at)
    assert at.query_params["t"] == "0"
    # A new number of steps gives a new step slider, starting at the end.
    _slider(at, "steps").set_value(40)
    at.run()
    _no_exception(at)
    assert _step(at) == 40
    assert at.query_params["t"] == "40"


@pytest.mark.parametrize(
    "settings",
    [
        {"margin": 0.0, "classes": 2, "n": 4, "lr": 0.01, "steps": 20, "t": 0},
        {"margin": 3.0, "classes": 5, "n": 12, "lr": 1.0, "steps": 400, "t": 400},
    ],
)
@pytest.mark.parametrize("loss", ["contrastive", "triplet"])
@pytest.mark.parametrize("view", VIEWS)
def test_sliders_at_their_extremes(loss, settings, view):
    # Every slider at one end via the link (one training run), then the step slider
    # dragged to the other end of training.
    at = _app(loss=loss, view=view, **{k: str(v) for k, v in settings.items()})
    _no_exception(at)
    for name, value in settings.items():
        shown = _step(at) if name == "t" else _slider(at, name).value
        assert shown == pytest.approx(value)
    _set_step(at, settings["steps"] - settings["t"])
    _no_exception(at)
    assert len(at.get("plotly_chart")) == _charts(loss, view)
    # A divergence (η = 1 can blow up) is said in words, never in a warning or error box.
    assert not at.warning and not at.error


def _contrastive_bound(n_per_class: int, classes: int, seed: int) -> float:
    """P/λ_max(S), S = Σ over same-class pairs of ΔΔᵀ: by eigvalsh, as the fit's docstring
    derives it (past the margin the loss is the quadratic tr(A S Aᵀ)/P, curvature 2λ/P)."""
    X, labels = clustered_points(n_per_class, classes, seed)
    pairs = [(i, j) for i in range(labels.size) for j in range(i + 1, labels.size)]
    same = np.array([X[i] - X[j] for i, j in pairs if labels[i] == labels[j]])
    return len(pairs) / float(np.linalg.eigvalsh(same.T @ same)[-1])


@pytest.mark.parametrize(("opt", "lr", "factor"), [("gd", "0.50", 1.0), ("momentum", "1.00", 1.9)])
def test_divergence_is_said_in_words_with_the_stable_learning_rate(opt, lr, factor):
    # Contrastive GD with η = 0.5 (momentum: 1.0) blows up on the default points: the
    # page says where, and up to which η it would not, with no warning box.
    at = _app(loss="contrastive", margin="3", opt=opt, lr=lr, view="training")
    _no_exception(at)
    assert not at.warning and not at.error
    said = [m.value for m in at.markdown if "diverged at step" in m.value]
    assert len(said) == 1
    bound = factor * _contrastive_bound(10, 3, 0)
    assert f"= {bound:.3g} for these points" in said[0]
    assert f"stable for η < {bound:.3g} on these points" in "\n".join(c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"loss": "hinge"}, ["loss"]),
        ({"margin": "NaN", "classes": "7"}, ["margin", "classes"]),
        ({"steps": "100", "t": "150"}, ["t"]),
        ({"opt": "<script>", "lr": "-1", "seed": "x"}, ["opt", "lr", "seed"]),
        ({"n": "", "t": "inf"}, ["n", "t"]),
        ({"view": "all"}, ["view"]),
    ],
)
def test_garbage_in_the_url_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _no_exception(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    for name in names:
        assert f"`{name}`" in text
    assert "using" in text
    assert len(at.get("plotly_chart")) >= 1


def test_a_margin_move_leaves_the_embedding_before_training_as_it_is():
    # Unchanged specs are sent as cache references and not redrawn by the browser.
    at = _app()
    before = [e.proto.spec for e in at.get("plotly_chart")]
    _slider(at, "margin").set_value(1.5).run()
    _no_exception(at)
    after = [e.proto.spec for e in at.get("plotly_chart")]
    assert before[0] == after[0] and before[1] != after[1]


# --------------------------------------------------------------------------- InfoNCE, cosine
def _caption_with(at: AppTest, text: str) -> str:
    found = [c.value for c in at.caption if text in c.value]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


def test_info_nce_has_its_temperature_and_negatives_in_the_link_and_the_readouts():
    at = _app(loss="info_nce", tau="0.25", k="6", seed="3")
    _no_exception(at)
    assert not at.warning
    assert _slider(at, "tau").value == pytest.approx(0.25) and _slider(at, "k").value == 6
    # Only the live loss's parameters are in the link: τ and K, no margin.
    q = dict(at.query_params)
    assert (q["loss"], q["tau"], q["k"]) == ("info_nce", "0.25", "6")
    assert "margin" not in q and "cmargin" not in q
    X, labels = clustered_points(10, 3, 3)
    trace = train_embedding(X, labels, "info_nce", temperature=0.25, n_neg=6, lr=0.05,
                            steps=200, seed=3)  # fmt: skip
    m = _metrics(at)
    assert m["mean InfoNCE loss at step 200"] == f"{trace.loss[200]:.4f}"
    assert m["misranked rows at step 200"] == f"{100 * trace.active[200]:.1f}%"
    assert "τ = 0.25, K = 6" in at.markdown[0].value
    # The non-convexity, the seeded start and where the run ended, in words.
    said = _caption_with(at, "Non-convex")
    assert "drawn from seed 3" in said and "b₀ = 0" in said
    assert f"mean loss {trace.loss[200]:.4f} and gradient norm ‖∇‖ = {trace.grad_norm:.2g}" in said
    # Both embeddings are normalised, on the unit circle; no margin bar.
    for i in (0, 1):
        spec = _spec(at, i)
        names = [t.get("name") for t in spec["data"]]
        assert "unit circle ‖ê‖ = 1" in names and not any("bar" in str(n) for n in names)
    at = _app(loss="info_nce", tau="0.25", k="6", seed="3", view="training")
    assert "mean InfoNCE loss (τ = 0.25, K = 6)" in _names(at, 0)
    assert "over all 270 rows" in _caption_with(at, "rows")  # 3 classes × 10 · 9 ordered pairs


def test_k_beyond_the_other_class_points_is_capped_and_said():
    # 2 classes of 4 points: an anchor has 4 points of the other class.
    at = _app(loss="info_nce", k="16", classes="2", n="4")
    _no_exception(at)
    assert not at.warning
    said = [m.value for m in at.markdown if "was asked for" in m.value]
    assert len(said) == 1 and "K = 16 was asked for" in said[0] and "**K = 4**" in said[0]
    X, labels = clustered_points(4, 2, 0)
    trace = train_embedding(X, labels, "info_nce", temperature=0.1, n_neg=4, steps=200)
    assert _metrics(at)["mean InfoNCE loss at step 200"] == f"{trace.loss[200]:.4f}"
    assert at.query_params["k"] == "16"  # the link keeps what was asked for


def test_cosine_embedding_draws_cosines_against_its_margin():
    at = _app(loss="cosine_embedding", cmargin="0.5", view="distances")
    _no_exception(at)
    assert not at.warning
    assert at.query_params["cmargin"] == "0.50" and "margin" not in at.query_params
    spec = _spec(at, 0)
    assert spec["layout"]["xaxis"]["title"]["text"] == "cosine ê·ê′ of the normalised embeddings"
    assert "margin m = 0.50" in [a["text"] for a in spec["layout"]["annotations"]]
    X, labels = clustered_points(10, 3, 0)
    trace = train_embedding(X, labels, "cosine_embedding", margin=0.5, steps=200)
    assert _metrics(at)["mean cosine embedding loss at step 200"] == f"{trace.loss[200]:.4f}"
    c_neg = embedding.cosine_similarities(trace.embed(X, 200), labels)[1]
    assert f"Here {100 * np.mean(c_neg > 0.5):.1f}% of the negative pairs are" in (
        _caption_with(at, "Cosine embedding loss")
    )
    # InfoNCE has no margin: no line.
    at = _app(loss="info_nce", view="distances")
    assert "shapes" not in _spec(at, 0)["layout"]


def test_alignment_and_uniformity_follow_the_step():
    at = _app(loss="info_nce", view="geometry", steps="100", t="100")
    _no_exception(at)
    X, labels = clustered_points(10, 3, 0)
    trace = train_embedding(X, labels, "info_nce", temperature=0.1, n_neg=4, steps=100)
    for k in (100, 7):
        if k != 100:
            _set_step(at, k)
            _no_exception(at)
        m = _metrics(at)
        assert m[f"alignment at step {k}"] == f"{trace.alignment[k]:.3f}"
        assert m[f"uniformity at step {k}"] == f"{trace.uniformity[k]:.3f}"
        # The chart's line and label are at step k, with the values there.
        layout = _spec(at, 0)["layout"]
        assert layout["shapes"][0]["x0"] == k
        label = layout["annotations"][0]["text"]
        assert label == (
            f"step {k}: alignment {trace.alignment[k]:.3f}, uniformity {trace.uniformity[k]:.3f}"
        )
    # Values by the definition (Wang & Isola 2020), from the embedding at step 7.
    Z = embedding.normalize(trace.embed(X, 7))
    i, j = np.triu_indices(30, k=1)
    sq = np.sum((Z[i] - Z[j]) ** 2, axis=1)
    same = labels[i] == labels[j]
    assert trace.alignment[7] == pytest.approx(np.mean(sq[same]), rel=1e-12)
    assert trace.uniformity[7] == pytest.approx(np.log(np.mean(np.exp(-2 * sq))), rel=1e-12)


def _bars(at: AppTest) -> dict:
    return {e.proto.id.split("-", 2)[-1]: json.loads(e.proto.json)
            for e in at.get("bidi_component") if e.proto.component_name == scrub.NAME}  # fmt: skip


def test_the_scrub_frames_carry_alignment_and_uniformity_at_every_step():
    at = _app(loss="cosine_embedding", view="geometry", steps="40", t="40")
    data = _bars(at)["metric.scrub"]
    name = data["controls"][0]["name"]
    at.session_state["metric.scrub"] = {
        "want": {"name": name, "context": data["contexts"][name], "seq": 1},
        "commit": None,
    }
    at.run()
    _no_exception(at)
    frames = _bars(at)["metric.scrub"]["frames"][name]
    (chart,) = frames["charts"]
    X, labels = clustered_points(10, 3, 0)
    trace = train_embedding(X, labels, "cosine_embedding", margin=0.0, steps=40)
    assert frames["values"] == list(map(float, range(41)))
    want = [f"step {k}: alignment {trace.alignment[k]:.3f}, uniformity "
            f"{trace.uniformity[k]:.3f}" for k in range(41)]  # fmt: skip
    assert chart["layout"]["annotations[0].text"] == want
    assert chart["layout"]["shapes[1].x0"] == list(map(float, range(41)))
    assert chart["layout"]["annotations[0].xanchor"][:21] == ["left"] * 21


@pytest.mark.parametrize(
    "settings",
    [
        {"tau": 0.01, "k": 1, "classes": 2, "n": 4, "lr": 1.0, "steps": 20, "t": 0},
        {"tau": 1.0, "k": 16, "classes": 5, "n": 12, "lr": 0.01, "steps": 400, "t": 400},
        {"cmargin": -1.0, "classes": 5, "n": 12, "lr": 1.0, "steps": 400, "t": 0},
        {"cmargin": 1.0, "classes": 2, "n": 4, "lr": 0.01, "steps": 20, "t": 20},
    ],
)
@pytest.mark.parametrize("view", VIEWS)
def test_the_losses_on_cosines_at_their_extremes(settings, view):
    loss = "info_nce" if "tau" in settings else "cosine_embedding"
    at = _app(loss=loss, view=view, **{k: str(v) for k, v in settings.items()})
    _no_exception(at)
    for name, value in settings.items():
        shown = _step(at) if name == "t" else _slider(at, name).value
        assert shown == pytest.approx(value)
    _set_step(at, settings["steps"] - settings["t"])
    _no_exception(at)
    assert len(at.get("plotly_chart")) == CHARTS[view]
    assert not at.warning and not at.error


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"loss": "info_nce", "tau": "NaN", "k": "0"}, ["tau", "k"]),
        ({"loss": "info_nce", "tau": "5", "k": "2.5"}, ["tau", "k"]),
        ({"loss": "cosine_embedding", "cmargin": "2"}, ["cmargin"]),
        ({"loss": "cosine_embedding", "cmargin": "<b>x</b>", "view": "uniformity"},
         ["cmargin", "view"]),
    ],
)  # fmt: skip
def test_garbage_in_the_new_controls_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _no_exception(at)
    assert len(at.warning) == 1
    for name in names:
        assert f"`{name}`" in at.warning[0].value
    assert len(at.get("plotly_chart")) >= 1


def test_a_loss_switch_and_back_keeps_each_losss_own_parameters():
    at = _app(loss="info_nce", tau="0.30", k="8")
    at.radio[0].set_value("contrastive").run()
    _no_exception(at)
    assert "tau" not in at.query_params and at.query_params["margin"] == "1.00"
    at.radio[0].set_value("info_nce").run()
    _no_exception(at)
    assert (at.query_params["tau"], at.query_params["k"]) == ("0.30", "8")


def test_the_scrub_frames_of_the_losses_on_cosines_hold_unit_vectors_at_every_step():
    at = _app(loss="info_nce", view="embedding", steps="20", t="20")
    data = _bars(at)["metric.scrub"]
    name = data["controls"][0]["name"]
    at.session_state["metric.scrub"] = {
        "want": {"name": name, "context": data["contexts"][name], "seq": 1},
        "commit": None,
    }
    at.run()
    _no_exception(at)
    (chart,) = _bars(at)["metric.scrub"]["frames"][name]["charts"]
    X, labels = clustered_points(10, 3, 0)
    trace = train_embedding(X, labels, "info_nce", temperature=0.1, n_neg=4, steps=20)
    moves = chart["moves"]
    assert [m["index"] for m in moves] == [0, 1, 2]  # one per class; no margin bar to move
    for c, move in enumerate(moves):
        xs = np.frombuffer(base64.b64decode(move["arrays"]["x"]), dtype="<f4").reshape(21, -1)
        ys = np.frombuffer(base64.b64decode(move["arrays"]["y"]), dtype="<f4").reshape(21, -1)
        for k in (0, 9, 20):
            Z = embedding.normalize(trace.embed(X, k))[labels == c]
            np.testing.assert_allclose(xs[k], Z[:, 0], atol=1e-6)
            np.testing.assert_allclose(ys[k], Z[:, 1], atol=1e-6)
    titles = chart["layout"]["annotations[0].text"]
    assert titles[9] == "directions ê = e/‖e‖, step 9 of 20"
