"""The Preferences (RLHF) page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json

import pytest
from _pages import run_page
from streamlit.testing.v1 import AppTest

from lossviz import metrics
from lossviz.data import preference_data
from lossviz.fit import fit_bradley_terry

pytestmark = pytest.mark.app

VIEWS = ("rewards", "loss", "sweep")  # the tabs: one chart each, only the open one is drawn


def _app(**query) -> AppTest:
    return run_page("preferences", query, timeout=120)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 1


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _trace_names(at: AppTest, index: int) -> list[str]:
    return [t.get("name", "") for t in json.loads(at.get("plotly_chart")[index].proto.spec)["data"]]


def _slider(at: AppTest, name: str):
    return next(s for s in at.slider if s.key == f"preferences.{name}")


def test_default_page_numbers_equal_the_pure_computation():
    at = _app()
    _ok(at)
    assert not at.warning
    d = preference_data(10, 500, temperature=1.0, flip_rate=0.1, seed=0)
    train, test = metrics.split_pairs(500, test_fraction=0.2, seed=0)
    fit = fit_bradley_terry(d.chosen[train], d.rejected[train], 10, margin=0.0, l2=1e-3)
    shown = _metrics(at)
    assert shown["Spearman ρ (fitted vs true)"] == f"{metrics.spearman(d.rewards, fit.rewards):.3f}"
    assert shown["Pearson r (fitted vs true)"] == f"{metrics.pearson(d.rewards, fit.rewards):.3f}"
    acc = metrics.pairwise_accuracy(fit.rewards, d.chosen[test], d.rejected[test])
    assert shown["held-out accuracy"] == f"{100 * acc:.1f} %"
    header = at.markdown[0].value
    assert f"({int(d.flipped.sum())} of 500 flipped)" in header
    assert "on 400 pairs, judged on 100 held-out pairs" in header


@pytest.mark.parametrize(
    "query",
    [
        {"items": "2", "pairs": "10", "temp": "0.1", "flip": "0.0", "seed": "0", "margin": "-3.0"},
        {"items": "50", "pairs": "5000", "temp": "5.0", "flip": "0.5", "seed": "99",
         "margin": "3.0"},
        {"items": "3", "pairs": "10", "temp": "0.1", "flip": "0.5", "margin": "0.0"},
    ],
)  # fmt: skip
@pytest.mark.parametrize("view", VIEWS)
def test_sliders_at_their_extremes_render_without_error(query, view):
    at = _app(**query, view=view)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params["view"] == view
    for name, raw in query.items():
        assert _slider(at, name).value == pytest.approx(float(raw))
        assert float(at.query_params[name]) == pytest.approx(float(raw))
    for value in _metrics(at).values():
        assert "nan" not in value.lower()


def test_margin_moves_the_curve_legend_and_url():
    at = _app(margin="1.5", view="loss")
    _ok(at)
    names = _trace_names(at, 0)
    assert "−log σ(Δr − m), m = 1.5" in names and "m = 0" in names
    _slider(at, "margin").set_value(-0.5)
    at.run()
    _ok(at)
    assert "−log σ(Δr − m), m = -0.5" in _trace_names(at, 0)
    assert at.query_params["margin"] == "-0.5"
    header = at.markdown[0].value
    assert "margin m = -0.5" in header


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"items": "abc"}, ["items"]),
        ({"pairs": "NaN", "temp": "0"}, ["pairs", "temp"]),
        ({"flip": "0.9", "margin": "inf", "seed": "-1"}, ["flip", "margin", "seed"]),
        ({"margin": "<script>x</script>", "items": "1e400"}, ["margin", "items"]),
        ({"view": "everything"}, ["view"]),
    ],
)
def test_garbage_in_the_url_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _ok(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    for name in names:
        assert f"`{name}`" in text
    assert "using" in text


def _kept_training_labels() -> int:
    d = preference_data(10, 500, temperature=1.0, flip_rate=0.1, seed=0)
    train, _ = metrics.split_pairs(500, test_fraction=0.2, seed=0)
    return int((~d.flipped[train]).sum())


@pytest.mark.parametrize(
    ("view", "trace"),
    [
        ("rewards", lambda: "items (10)"),
        ("loss", lambda: f"label kept ({_kept_training_labels()})"),
        ("sweep", lambda: "Spearman ρ"),
    ],
)
def test_the_view_in_the_url_opens_its_tab_and_draws_only_that_chart(view, trace):
    at = _app(view=view)
    _ok(at)
    assert trace() in _trace_names(at, 0)
    assert at.query_params["view"] == view


@pytest.mark.parametrize(("seed", "same"), [("0", True), ("1", False)])
def test_margin_sweep_caption_says_how_accuracy_changed(seed, same):
    # At the defaults the held-out accuracy is the same at m = 0 and m = 3 to the digit
    # shown; the caption read "moves from 59.0 % to 59.0 %". It says "stays at" then.
    # (Seed 1: 55.0 % at m = 0, 56.0 % at m = 3.)
    at = _app(view="sweep", seed=seed)
    _ok(at)
    caption = next(c.value for c in at.caption if "A margin demands" in c.value)
    moved = caption.split("while held-out accuracy ")[1]
    if same:
        assert moved.startswith("stays at ")
    else:
        start, end = moved.removeprefix("moves from ").split(" at m =")[0].split(" to ")
        assert start != end
