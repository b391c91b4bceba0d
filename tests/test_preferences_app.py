"""The Preferences (RLHF) page's wiring with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import base64
import itertools
import json

import numpy as np
import pytest
from _pages import run_page
from streamlit.testing.v1 import AppTest

from lossviz import metrics
from lossviz.data import policy_preference_data, preference_data
from lossviz.fit import fit_bradley_terry, fit_preference_policy

pytestmark = pytest.mark.app

VIEWS = ("rewards", "loss", "sweep", "policy", "beta")  # the tabs: one chart each, only
# the open one is drawn


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


# --------------------------------------------------------------------------- policies
def _traces(at: AppTest, index: int = 0) -> list[dict]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def _array(a) -> np.ndarray:
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).astype(float)
    return np.asarray(a, dtype=float)


def _policy(clean=True, spread=1.0, seed=0, k=10, n=500, temp=1.0, flip=0.1):
    return policy_preference_data(
        k, n, temperature=temp, flip_rate=flip, ref_spread=spread, noise_free=clean, seed=seed
    )


SCRUB = "preferences.scrub"  # β is on the scrub bar (lossviz/views/scrub.py)
_SEQ = itertools.count(1)


def _commit_beta(at: AppTest, value: float) -> None:
    """Release the scrub bar's β at ``value``, as the browser commits it."""
    commit = {"name": "preferences.beta", "value": value, "seq": next(_SEQ)}
    at.session_state[SCRUB] = {"commit": commit, "want": None}
    at.run()


def _bar(at: AppTest) -> dict:
    from lossviz.views import scrub

    bars = [e for e in at.get("bidi_component") if e.proto.component_name == scrub.NAME]
    assert len(bars) == 1
    return json.loads(bars[0].proto.json)


def _b64(a: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(a), dtype="<f4").astype(float)


def test_beta_scrub_frames_are_the_fits_at_every_beta():
    # Frames are sent when the bar asks for them (hover/focus): the bars of DPO, IPO and π*
    # at every β of the slider's grid, and the title and legend names that go with them.
    at = _app(view="policy", clean="0")
    _ok(at)
    bar = _bar(at)
    (control,) = bar["controls"]
    assert control["label"] == "β (KL strength)" and control["value"] == 0.5
    context = bar["contexts"]["preferences.beta"]
    want = {"name": "preferences.beta", "context": context, "seq": next(_SEQ)}
    at.session_state[SCRUB] = {"commit": None, "want": want}
    at.run()
    _ok(at)
    frames = _bar(at)["frames"]["preferences.beta"]
    assert len(frames["values"]) == 40 and frames["values"][9] == 0.5
    (chart,) = frames["charts"]
    assert chart["revision"] == "preferences.policy"
    traces = {t["index"]: _b64(t["y"]).reshape(40, 10) for t in chart["traces"]}
    d = _policy(clean=False)
    for g, beta in ((0, 0.05), (25, 1.3), (39, 2.0)):
        dpo = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="dpo", beta=beta)
        ipo = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="ipo", beta=beta)
        np.testing.assert_allclose(traces[1][g], dpo.probs, rtol=1e-6)
        np.testing.assert_allclose(traces[2][g], ipo.probs, rtol=1e-6)
        np.testing.assert_allclose(traces[3][g], np.exp(d.optimal_logprobs(beta)), rtol=1e-6)
    assert chart["names"]["1"][25] == "π_DPO (β = 1.30)"
    assert "β = 1.30, λ = 0.000" in chart["layout"]["title.text"][25]


def test_beta_sweep_frames_move_the_marker_only():
    at = _app(view="beta")
    _ok(at)
    context = _bar(at)["contexts"]["preferences.beta"]
    want = {"name": "preferences.beta", "context": context, "seq": next(_SEQ)}
    at.session_state[SCRUB] = {"commit": None, "want": want}
    at.run()
    (chart,) = _bar(at)["frames"]["preferences.beta"]["charts"]
    assert chart["revision"] == "preferences.beta" and not chart["traces"]
    assert chart["layout"]["shapes[0].x0"][3] == pytest.approx(0.2)
    assert chart["layout"]["annotations[0].x"][3] == pytest.approx(np.log10(0.2))
    assert chart["layout"]["annotations[0].text"][3] == "β = 0.20"


def test_policy_tab_numbers_equal_the_fit_function():
    at = _app(view="policy", beta="0.7", ref="0.5")
    _ok(at)
    d = _policy(spread=0.5)
    b = d.best
    dpo = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="dpo", beta=0.7)
    ipo = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="ipo", beta=0.7)
    shown = _metrics(at)
    assert shown[f"π_DPO(item {b})"] == f"{dpo.probs[b]:.4f}"
    assert shown[f"π_IPO(item {b})"] == f"{ipo.probs[b]:.4f}"
    assert shown[f"π*(item {b})"] == f"{np.exp(d.optimal_logprobs(0.7)[b]):.4f}"
    assert shown[f"π_ref(item {b}) (best item)"] == f"{np.exp(d.ref_logprobs[b]):.4f}"
    traces = {t["name"]: _array(t["y"]) for t in _traces(at)}
    np.testing.assert_allclose(traces["π_IPO (β = 0.70)"], ipo.probs, rtol=1e-6)
    np.testing.assert_allclose(traces["π_DPO (β = 0.70)"], dpo.probs, rtol=1e-6, atol=1e-30)
    # Noise-free labels and no ridge: DPO has no finite minimiser, and the page says so.
    assert dpo.unbounded
    assert any("no finite minimiser" in i.value for i in at.info)
    assert not at.warning


def test_bradley_terry_labels_give_a_finite_dpo_fit_and_no_note():
    at = _app(view="policy", clean="0")
    _ok(at)
    assert not at.info and not at.warning
    d = _policy(clean=False)
    dpo = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="dpo", beta=0.5)
    assert dpo.converged and not dpo.unbounded
    assert _metrics(at)[f"π_DPO(item {d.best})"] == f"{dpo.probs[d.best]:.4f}"
    assert "Bradley–Terry labels at T = 1.0" in at.markdown[1].value


def test_beta_slider_moves_the_legend_title_and_url():
    at = _app(view="policy")
    _ok(at)
    assert "π_DPO (β = 0.50)" in _trace_names(at, 0)
    _commit_beta(at, 1.25)
    _ok(at)
    names = _trace_names(at, 0)
    assert "π_DPO (β = 1.25)" in names and "π_IPO (β = 1.25)" in names
    assert at.query_params["beta"] == "1.25"
    _slider(at, "l2").set_value(0.05)
    at.run()
    _ok(at)
    assert at.query_params["l2"] == "0.050"
    assert not at.info  # the ridge makes DPO's minimiser finite


def test_beta_sweep_shows_dpo_at_one_and_ipo_set_by_beta_on_noise_free_labels():
    at = _app(view="beta")
    _ok(at)
    traces = {t["name"]: t for t in _traces(at)}
    dpo = next(t for n, t in traces.items() if n.startswith("π_DPO(best)"))
    assert "no finite optimum" in dpo["name"]
    betas = _array(dpo["x"])
    np.testing.assert_allclose(betas, np.arange(0.05, 2.0001, 0.05), rtol=1e-6)
    assert np.all(_array(dpo["y"]) > 1 - 1e-4)  # → 1 whatever β (Azar et al. 2023)
    d = _policy()
    ipo_y = _array(traces["π_IPO(best)"]["y"])
    for i in (0, 9, 39):
        fit = fit_preference_policy(
            d.chosen, d.rejected, d.ref_logprobs, loss="ipo", beta=float(betas[i])
        )
        assert ipo_y[i] == pytest.approx(fit.probs[d.best], rel=1e-6)
    assert np.all(np.diff(ipo_y) < 0)  # larger β, closer to the reference
    opt = _array(traces["π*(best) ∝ π_ref·exp(r/(Tβ))"]["y"])
    assert opt[9] == pytest.approx(np.exp(d.optimal_logprobs(0.5)[d.best]), rel=1e-6)
    caption = next(c.value for c in at.caption if "π(best) goes from" in c.value)
    assert f"IPO's from {ipo_y[0]:.4f} to {ipo_y[-1]:.4f}" in caption


def test_beta_sweep_with_bradley_terry_labels_has_finite_dpo_fits():
    at = _app(view="beta", clean="0", beta="1.00")
    _ok(at)
    dpo = next(t for t in _traces(at) if t["name"].startswith("π_DPO(best)"))
    assert dpo["name"] == "π_DPO(best)"
    assert np.all(_array(dpo["y"]) < 0.99)
    title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["annotations"]
    assert any(a["text"] == "β = 1.00" for a in title)


@pytest.mark.parametrize(
    "query",
    [
        {"beta": "0.05", "l2": "0.0", "ref": "0.0", "clean": "1"},
        {"beta": "2.0", "l2": "0.1", "ref": "3.0", "clean": "0", "items": "50", "pairs": "5000"},
        {"beta": "0.05", "l2": "0.0", "ref": "3.0", "clean": "0", "items": "2", "pairs": "10",
         "temp": "0.1", "flip": "0.0"},
    ],
)  # fmt: skip
@pytest.mark.parametrize("view", ["policy", "beta"])
def test_policy_controls_at_their_extremes_render_without_error(query, view):
    at = _app(**query, view=view)
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    for name, raw in query.items():
        if name == "clean":
            assert at.query_params[name] == raw
        else:
            assert float(at.query_params[name]) == pytest.approx(float(raw))
    for value in _metrics(at).values():
        assert "nan" not in value.lower()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"beta": "0", "l2": "-1"}, ["beta", "l2"]),
        ({"ref": "abc", "clean": "maybe"}, ["ref", "clean"]),
        ({"beta": "NaN", "view": "policy"}, ["beta"]),
    ],
)
def test_garbage_in_the_policy_controls_warns_by_name_and_falls_back(query, names):
    at = _app(**query)
    _ok(at)
    text = at.warning[0].value
    for name in names:
        assert f"`{name}`" in text
    assert at.query_params["beta"] == "0.50" or "beta" not in names


# --------------------------------------------------------------------------- figures
def test_policy_figures_validate_and_label_from_their_values():
    from lossviz import figures

    with pytest.raises(ValueError, match="must have shape"):
        figures.policy_bars_figure(["a", "b"], [("π", np.ones(3) / 3, "#000")])
    with pytest.raises(ValueError, match="> 0"):
        figures.beta_sweep_figure(
            np.array([0.0, 1.0]), [], current=0.5, current_label="β = 0.50", y_title="p"
        )
    fig = figures.beta_sweep_figure(
        np.arange(0.05, 2.0001, 0.05),
        [("π_IPO(best)", np.linspace(0.6, 0.1, 40), "#000", "solid")],
        current=0.3,
        current_label="β = 0.30",
        y_title="p",
        title="one<br>two",
    )
    assert list(fig.layout.xaxis.tickvals) == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
    assert fig.layout.annotations[0].text == "β = 0.30"
    assert fig.layout.annotations[0].x == pytest.approx(np.log10(0.3))  # log axis: log10
    assert fig.layout.shapes[0].x0 == pytest.approx(0.3)
