"""The Metric learning page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _pages import assert_no_exception, run_page
from streamlit.testing.v1 import AppTest

from lossviz.data import clustered_points
from lossviz.fit import train_embedding

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


VIEWS = ("embedding", "distances", "training")  # lazy tabs: only the open one is drawn
CHARTS = {"embedding": 2, "distances": 1, "training": 1}  # contrastive; triplet adds the slack


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
