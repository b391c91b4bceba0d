"""The Class imbalance page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _pages import run_page
from streamlit.testing.v1 import AppTest

from lossviz import metrics
from lossviz.data import imbalanced_data
from lossviz.fit import fit_logistic

pytestmark = pytest.mark.app

# Lazy tabs, one open at a time: the scatter with the boundaries, the histograms, the
# reliability diagram, or one landscape slice per model of the comparison.
CHARTS = {"boundaries": 1, "probabilities": 1, "calibration": 1, "objective": None}
GROUP_SIZE = {"reweight": 4, "margin": 4, "smoothing": 2, "overlap": 3}


def _app(**query) -> AppTest:
    return run_page("imbalance", query, timeout=120)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    view, group = at.query_params["view"], at.query_params["compare"]
    assert len(at.get("plotly_chart")) == (CHARTS[view] or GROUP_SIZE[group])


def _figure(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _trace_names(at: AppTest, index: int = 0) -> list[str]:
    return [t.get("name", "") for t in _figure(at, index)["data"]]


def _slider(at: AppTest, name: str):
    return next(s for s in at.slider if s.key == f"imbalance.{name}")


@pytest.mark.parametrize("ratio", [1, 20, 500, 1000])
def test_each_ratio_renders_and_states_the_number_of_positives(ratio):
    at = _app(ratio=str(ratio))
    _ok(at)
    assert not at.warning
    n_pos = int(imbalanced_data(2000, ratio=float(ratio), seed=0).labels.sum())
    header = at.markdown[0].value
    assert f"1 : {ratio}" in header and f"**{n_pos:,} positives**" in header
    # Few positives are called out, with the n that would give enough.
    assert bool(at.info) == (n_pos < 30)
    if n_pos < 30:
        assert f"Only {n_pos} positive" in at.info[0].value
    assert at.query_params["ratio"] == str(ratio)


@pytest.mark.parametrize(
    "query",
    [
        # every slider at its minimum (and switches off)
        {"ratio": "1000", "n": "200", "sep": "0.0", "seed": "0", "gamma": "0.0",
         "alpha": "0.0", "bal_auto": "0", "bal_alpha": "0.01", "hist_x": "logit"},
        # every slider at its maximum
        {"ratio": "1", "n": "20000", "sep": "5.0", "seed": "99", "gamma": "5.0",
         "alpha": "1.0", "bal_auto": "0", "bal_alpha": "0.99"},
        {"ratio": "500", "alpha_on": "0", "gamma": "5.0", "sep": "5.0", "hist_x": "logit"},
    ],
)  # fmt: skip
@pytest.mark.parametrize("view", list(CHARTS))
def test_controls_at_their_extremes_render_without_error(query, view):
    at = _app(**query, view=view)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    for name in ("n", "sep", "gamma"):
        if name in query:
            assert _slider(at, name).value == pytest.approx(float(query[name]))


def test_legends_and_table_follow_the_live_values():
    at = _app(gamma="3.0", alpha="0.50", bal_auto="0", bal_alpha="0.80")
    _ok(at)
    names = _trace_names(at)
    assert "focal γ = 3.0, α = 0.50: p = 0.5" in names
    assert "α-balanced BCE, α = 0.800: p = 0.5" in names
    columns = next(c.value for c in at.caption if c.value.startswith("Columns:"))
    assert "focal γ = 3.0, α = 0.50" in columns and "α = 0.800" in columns
    # Move γ with the widget: the legend, the table and the URL follow.
    _slider(at, "gamma").set_value(1.0)
    at.run()
    _ok(at)
    assert "focal γ = 1.0, α = 0.50: p = 0.5" in _trace_names(at)
    assert at.query_params["gamma"] == "1.0"
    # Switching α off for focal says so by name.
    next(t for t in at.toggle if t.key == "imbalance.alpha_on").set_value(False)
    at.run()
    _ok(at)
    assert "focal γ = 1.0, no α: p = 0.5" in _trace_names(at)
    assert at.query_params["alpha_on"] == "0"


def test_page_numbers_equal_the_pure_computation():
    at = _app(ratio="50", n="4000", sep="1.5", seed="7")
    _ok(at)
    d = imbalanced_data(4000, ratio=50.0, separation=1.5, seed=7)
    alpha = metrics.inverse_frequency_alpha(d.labels)
    fit = fit_logistic(d.X, d.labels, "balanced_bce", alpha=alpha)
    p = metrics.sigmoid_probs(d.X @ fit.weights + fit.bias)
    m = metrics.binary_metrics(d.labels, p)
    t, f1 = metrics.best_f1_threshold(d.labels, p)
    table = next(x.value for x in at.markdown if x.value.startswith("| metric"))
    header, _, *rows = table.splitlines()
    col = [c.strip() for c in header.strip("|").split("|")].index("α-bal.")
    shown = {
        cells[0]: cells[col]
        for cells in ([c.strip() for c in r.strip("|").split("|")] for r in rows)
    }
    assert shown["recall⁺"] == f"{m.recall_pos:.3f}"
    assert shown["bal. accuracy"] == f"{m.balanced_accuracy:.3f}"
    assert shown["t* (best F1⁺)"] == f"{t:.3g}" and shown["F1⁺ at t*"] == f"{f1:.3f}"
    # The scatter draws the fitted boundary w·x + b = 0.
    fig = _figure(at)
    line = next(tr for tr in fig["data"] if tr.get("name", "").startswith("α-balanced"))
    xs, ys = _decode(line["x"]), _decode(line["y"])
    np.testing.assert_allclose(
        fit.weights[0] * xs + fit.weights[1] * ys + fit.bias, 0.0, atol=1e-4 * (1 + abs(fit.bias))
    )


def _decode(a) -> np.ndarray:
    """A plotly array as sent to the browser: a list, or a base64 typed array."""
    if isinstance(a, dict):
        import base64

        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).astype(float)
    return np.asarray(a, dtype=float)


def test_focal_point_sizes_are_the_focal_weights():
    at = _app(ratio="20", gamma="2.0")
    _ok(at)
    fig = _figure(at)
    sized = [tr for tr in fig["data"] if "customdata" in tr]
    assert len(sized) == 2  # the two classes of the focal panel only
    weights = np.concatenate([_decode(tr["customdata"]) for tr in sized])
    assert np.all((weights >= 0) & (weights <= 1))
    negatives = _decode(sized[0]["customdata"])
    positives = _decode(sized[1]["customdata"])
    assert np.median(negatives) < 0.1 < np.median(positives)  # easy negatives quietened


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"ratio": "abc"}, ["ratio"]),
        ({"ratio": "30"}, ["ratio"]),
        ({"n": "NaN", "sep": "-1"}, ["n", "sep"]),
        ({"n": "1e9", "gamma": "inf", "hist_x": "zz"}, ["n", "gamma", "hist_x"]),
        ({"bal_auto": "maybe", "alpha_on": "<b>x</b>"}, ["bal_auto", "alpha_on"]),
        ({"seed": "", "alpha": "2"}, ["seed", "alpha"]),
        ({"view": "all"}, ["view"]),
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


def test_slice_grid_adapts_to_n_within_bounds():
    from lossviz.views.imbalance import slice_grid

    assert slice_grid(200) == 61
    assert slice_grid(20000) == 25
    assert all(25 <= slice_grid(n) <= 61 for n in range(200, 20001, 200))


def test_the_other_views_open_from_the_url():
    at = _app(view="probabilities")
    _ok(at)
    names = set(_trace_names(at))
    assert {"negatives (y = 0)", "positives (y = 1)"} <= names
    at = _app(view="objective")
    _ok(at)
    titles = [_figure(at, i)["layout"]["title"]["text"] for i in range(4)]
    assert titles[0].startswith("BCE · b = ") and titles[3].startswith("focal · b = ")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("focal γ = 2.0, α = 0.25: w = (") for c in captions)


@pytest.mark.parametrize("hist_x", ["p", "logit"])
def test_threshold_labels_state_where_their_line_is_drawn(hist_x):
    # On the logit axis the t* line is drawn at a logit; its label gave only the
    # probability ("t* = 0.328" at z = −0.72), a number in the other axis's units.
    at = _app(view="probabilities", hist_x=hist_x)
    _ok(at)
    labels = [a for a in _figure(at)["layout"]["annotations"] if a["text"].startswith("t* =")]
    assert len(labels) == 4  # one per model: none of their t* is 0.5 here
    for a in labels:
        if hist_x == "p":
            assert a["text"] == f"t* = {a['x']:.3g}"
        else:
            p = float(a["text"].split()[2])
            assert a["text"] == f"t* = {p:.3g} (z = {a['x']:.2f})"
            # the drawn logit is the threshold's: σ(z) = t* to the digits shown
            assert 1 / (1 + np.exp(-a["x"])) == pytest.approx(p, abs=0.005)


def test_one_positive_is_not_called_positives():
    at = _app(ratio="1000", n="200")  # n_pos = max(1, round(200 / 1001)) = 1
    _ok(at)
    assert "**1 positive** and 199 negatives" in at.markdown[0].value


# =========================================================================== issue 14
@pytest.mark.parametrize("group", list(GROUP_SIZE))
@pytest.mark.parametrize("view", list(CHARTS))
def test_every_comparison_renders_in_every_view(group, view):
    at = _app(compare=group, view=view)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params["compare"] == group and at.query_params["view"] == view


def test_margin_scores_are_shown_as_decision_values_not_probabilities():
    at = _app(compare="margin", view="probabilities")
    _ok(at)
    assert "hist_x" not in at.query_params  # no p axis to choose for an SVM
    fig = _figure(at)
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert "hinge (SVM)" in titles and "squared hinge" in titles and "mod. Huber" in titles
    x_titles = [v["title"]["text"] for k, v in fig["layout"].items()
                if k.startswith("xaxis") and "title" in v]  # fmt: skip
    assert x_titles == ["score z = w·x + b (decision value; BCE's is its logit)"]
    assert any("σ(z) of an SVM is not a probability" in c.value for c in at.caption)
    # The calibration view leaves the margin models out, and says why.
    at = _app(compare="margin", view="calibration")
    _ok(at)
    names = _trace_names(at)
    assert len(names) == 2 and names[1].startswith("BCE (ECE ")
    assert any("not probabilities" in c.value for c in at.caption)


def test_margin_table_equals_the_pure_svm_fit():
    at = _app(compare="margin", ratio="1", n="1000", l2="0.01")
    _ok(at)
    d = imbalanced_data(1000, ratio=1.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, "hinge", l2=0.01)
    z = d.X @ fit.weights + fit.bias
    m = metrics.binary_metrics(d.labels, z, 0.0)  # predicted positive iff z ≥ 0
    t, _ = metrics.best_f1_threshold(d.labels, z)
    table = next(x.value for x in at.markdown if x.value.startswith("| metric"))
    header, _, *rows = table.splitlines()
    col = [c.strip() for c in header.strip("|").split("|")].index("hinge")
    shown = {c[0]: c[col] for c in ([x.strip() for x in r.strip("|").split("|")] for r in rows)}
    assert shown["recall⁺"] == f"{m.recall_pos:.3f}"
    assert shown["t* (best F1⁺)"] == f"{t:.2f}".replace("-", "−")  # a value of z
    assert "0.01/2 · ‖w‖²" in at.markdown[0].value


def test_hinge_all_negative_optimum_is_said_in_words():
    at = _app(compare="margin")  # 1 : 20, λ = 0.001: the SVM's optimum is w = 0
    _ok(at)
    note = next(c.value for c in at.caption if c.value.startswith("Convex, fitted"))
    assert "certified by its KKT conditions" in note
    assert "optimum here is w = 0, b = −1" in note
    fig = _figure(at)
    assert any("w = 0: no boundary at all" in a["text"] for a in fig["layout"]["annotations"])


def test_label_smoothing_bounds_follow_epsilon():
    at = _app(compare="smoothing", view="probabilities", eps="0.20")
    _ok(at)
    labels = [a["text"] for a in _figure(at)["layout"]["annotations"]]
    assert "1 − ε/2 = 0.9" in labels and "ε/2 = 0.1" in labels
    s = next(x for x in at.slider if x.key == "imbalance.eps")
    s.set_value(0.3)
    at.run()
    _ok(at)
    labels = [a["text"] for a in _figure(at)["layout"]["annotations"]]
    assert "1 − ε/2 = 0.85" in labels and at.query_params["eps"] == "0.30"
    at = _app(compare="smoothing", view="calibration", eps="0.20")
    _ok(at)
    d = imbalanced_data(2000, ratio=20.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, "smoothed_bce", label_smoothing=0.2)
    ece = metrics.reliability_bins(
        d.labels, metrics.sigmoid_probs(d.X @ fit.weights + fit.bias)
    ).ece
    assert f"smoothed BCE (ECE {ece:.3f})" in _trace_names(at)
    assert "1 − ε/2 = 0.9" in [a["text"] for a in _figure(at)["layout"]["annotations"]]


def test_overlap_losses_say_they_are_not_convex_and_from_where():
    at = _app(compare="overlap", tv_alpha="0.20", tv_beta="0.80")
    _ok(at)
    d = imbalanced_data(2000, ratio=20.0, separation=2.0, seed=0)
    fit = fit_logistic(d.X, d.labels, "tversky", alpha=0.2, beta=0.8)
    note = next(c.value for c in at.caption if c.value.startswith("Convex, fitted"))
    assert "**Tversky α = 0.20, β = 0.80 is not convex**" in note
    assert "from (w₁, w₂, b) = (0, 0, 0)" in note and f"{fit.objective:.6g}" in note
    recall = metrics.binary_metrics(
        d.labels, metrics.sigmoid_probs(d.X @ fit.weights + fit.bias)
    ).recall_pos
    rec_caption = next(c.value for c in at.caption if c.value.startswith("Dice and Tversky score"))
    assert f"Tversky α = 0.20, β = 0.80 {recall:.3f}" in rec_caption
    assert at.query_params["tv_alpha"] == "0.20" and at.query_params["tv_beta"] == "0.80"


def test_pos_weight_by_hand_is_named_and_in_the_link():
    at = _app(posw_auto="0", pos_weight="3.0")
    _ok(at)
    assert "pos_weight BCE, w₊ = 3: p = 0.5" in _trace_names(at)
    assert at.query_params["pos_weight"] == "3.0" and at.query_params["posw_auto"] == "0"
    at = _app()
    _ok(at)
    d = imbalanced_data(2000, ratio=20.0, separation=2.0, seed=0)
    w = (d.labels == 0).sum() / d.labels.sum()
    assert f"pos_weight BCE, w₊ = {w:.3g} (n_neg / n_pos): p = 0.5" in _trace_names(at)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"compare": "svm"}, ["compare"]),
        ({"l2": "0"}, ["l2"]),
        ({"compare": "smoothing", "eps": "0.9"}, ["eps"]),
        ({"compare": "overlap", "tv_alpha": "abc", "tv_beta": "2"}, ["tv_alpha", "tv_beta"]),
        ({"posw_auto": "0", "pos_weight": "-1"}, ["pos_weight"]),
    ],
)
def test_garbage_in_the_new_controls_warns_by_name(query, names):
    at = _app(**query)
    _ok(at)
    assert len(at.warning) == 1
    for name in names:
        assert f"`{name}`" in at.warning[0].value
