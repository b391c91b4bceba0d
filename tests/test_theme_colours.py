"""One colour per loss, the same on Explore, Compare and the fit pages; the family
scale and the link's theme= parameter (unit and AppTest level; the browser checks are
in tests/test_theme_browser.py)."""

from __future__ import annotations

import json

import pytest
from _pages import run_page

from lossviz import figures
from lossviz.compare import DOMAINS
from lossviz.registry import REGISTRY
from lossviz.views import theme

# Okabe & Ito (2008), "Color Universal Design", the eight colours as published.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def _luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Streamlit 1.67's backgrounds, read in Chromium from [data-testid=stApp]:
# rgb(255, 255, 255) light, rgb(23, 22, 20) dark.
BACKGROUNDS = ("#FFFFFF", "#171614")


def test_every_registry_loss_has_exactly_one_okabe_ito_line_colour():
    assert set(figures.LOSS_COLOURS) == set(REGISTRY)
    for key in REGISTRY:
        colour = figures.loss_colour(key)
        assert colour in OKABE_ITO and colour != "#F0E442", key  # no yellow lines


def test_an_unknown_key_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="key must be a registry loss"):
        figures.loss_colour("nope")


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_the_losses_of_a_compare_domain_keep_their_colours_where_they_can(domain):
    options = [o.loss for o in DOMAINS[domain].options]
    for start in range(max(1, len(options) - 3)):  # Compare draws at most 4 entries
        keys = options[start : start + 4]
        got = figures.distinct_colours(keys)
        for i, (key, colour) in enumerate(zip(keys, got, strict=True)):
            if key in keys[:i]:
                assert colour == got[keys.index(key)]  # the same loss, the same colour
            elif figures.loss_colour(key) not in got[:i]:
                assert colour == figures.loss_colour(key)
            else:  # taken by another loss: a free one, never a colour shown already
                assert colour not in got[:i]


def test_branches_start_with_the_loss_colour_and_differ():
    for key in REGISTRY:
        two = figures.branch_colours(key, 2)
        assert two[0] == figures.loss_colour(key) and two[1] != two[0]


def test_family_scale_is_ordered_and_reads_on_both_backgrounds():
    fam = figures.family_colours(5)
    assert fam[0] == figures.FAMILY_SCALE[0] and fam[-1] == figures.FAMILY_SCALE[-1]
    lum = [_luminance(c) for c in fam]
    assert lum == sorted(lum)  # lighter as the family's value grows
    for c in fam:
        for bg in BACKGROUNDS:
            assert _contrast(c, bg) >= 3.0, (c, bg)  # WCAG 1.4.11, graphical objects


def _line_colours(spec: dict) -> list[str]:
    return [t["line"]["color"] for t in spec["data"] if t.get("showlegend", True) is not False]


@pytest.mark.app
@pytest.mark.parametrize(
    ("domain", "picks"),
    [
        ("regression", {"e0": "huber", "e1": "mse", "e2": "smooth_l1"}),
        ("binary", {"e0": "focal", "e1": "binary_cross_entropy"}),
    ],
)
def test_compare_and_explore_draw_a_loss_in_the_same_colour(domain, picks):
    at = run_page("compare", {"domain": domain, "n": str(len(picks)), **picks})
    assert not at.exception and not at.warning
    overlay = json.loads(at.get("plotly_chart")[0].proto.spec)
    losses = [DOMAINS[domain].option(v).loss for v in picks.values()]
    assert _line_colours(overlay) == [figures.loss_colour(k) for k in losses]
    for key in losses:
        ex = run_page("explore", {"loss": key})
        assert not ex.exception
        curve = json.loads(ex.get("plotly_chart")[0].proto.spec)
        branch = next(t for t in curve["data"] if t["line"].get("dash") is None)  # not a family
        assert branch["line"]["color"] == figures.loss_colour(key)


@pytest.mark.app
def test_the_fit_page_draws_each_slot_in_its_loss_colour():
    at = run_page("outliers", {"l1": "mse", "l2": "huber", "l3": "smooth_l1"})
    assert not at.exception
    scatter = json.loads(at.get("plotly_chart")[0].proto.spec)
    by_name = {t.get("name", ""): t for t in scatter["data"] if t.get("mode") == "lines"}
    for key, word in (("mse", "MSE"), ("huber", "Huber"), ("smooth_l1", "Smooth")):
        line = next(t for n, t in by_name.items() if n.startswith(word))
        assert line["line"]["color"] == figures.loss_colour(key), by_name.keys()


def _explore_colour(key: str) -> str:
    ex = run_page("explore", {"loss": key})
    assert not ex.exception
    curve = json.loads(ex.get("plotly_chart")[0].proto.spec)
    return next(t for t in curve["data"] if t["line"].get("dash") is None)["line"]["color"]


@pytest.mark.app
@pytest.mark.parametrize(
    ("view", "models"),
    [("gaussian", {"mse": "MSE", "gaussian_nll": "Gaussian NLL"}),
     ("poisson", {"mse": "MSE", "poisson_nll": "Poisson NLL"})],
)  # fmt: skip
def test_the_noise_page_draws_each_model_in_its_colour_on_explore(view, models):
    at = run_page("noise", {"view": view})
    assert not at.exception
    fit = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = {t["name"]: t for t in fit["data"] if "color" in t.get("line", {})}  # not bands
    for key, word in models.items():
        line = next(t for n, t in lines.items() if n.startswith(word))
        assert line["line"]["color"] == _explore_colour(key), (key, lines.keys())


@pytest.mark.app
def test_preferences_draws_dpo_ipo_and_bradley_terry_as_on_explore():
    policy = run_page("preferences", {"view": "policy"})
    assert not policy.exception
    bars = json.loads(policy.get("plotly_chart")[0].proto.spec)["data"]
    by_name = {t["name"].split(" ")[0]: t["marker"]["color"] for t in bars}
    assert by_name["π_DPO"] == _explore_colour("dpo")
    assert by_name["π_IPO"] == _explore_colour("ipo")
    assert by_name["π_DPO"] != by_name["π_IPO"]
    loss = run_page("preferences", {"view": "loss"})
    assert not loss.exception
    curve = json.loads(loss.get("plotly_chart")[0].proto.spec)["data"][0]
    assert curve["name"].startswith("−log σ")
    assert curve["line"]["color"] == _explore_colour("bradley_terry")


@pytest.mark.app
@pytest.mark.parametrize("group", ["reweight", "margin", "smoothing", "overlap"])
def test_class_imbalance_draws_its_models_apart_and_a_loss_as_on_explore(group):
    at = run_page("imbalance", {"compare": group})
    assert not at.exception
    panels = json.loads(at.get("plotly_chart")[0].proto.spec)
    # The decision boundaries, one per model, in the models' order (views/imbalance.py).
    boundaries = [
        t for t in panels["data"]
        if t.get("mode") == "lines" and t["line"]["color"] != figures.MARKER_COLOUR  # not x₁ = 0
    ]  # fmt: skip
    colours = [t["line"]["color"] for t in boundaries]
    assert len(colours) == len(set(colours)) >= 2, colours
    # No boundary in the positives' colour (their points are drawn beside it).
    positives = next(t for t in panels["data"] if t.get("name", "").startswith("positives"))
    assert positives["marker"]["color"] not in colours, colours
    # Losses drawn in their own colour: BCE, focal, the SVM margins.
    own = {"BCE": "binary_cross_entropy", "focal": "focal", "hinge": "hinge",
           "squared": "squared_hinge", "modified": "modified_huber"}  # fmt: skip
    for t in boundaries:
        word = next((w for w in own if t.get("name", "").startswith(w)), None)
        if word is not None:
            assert t["line"]["color"] == _explore_colour(own[word]), t.get("name")


@pytest.mark.parametrize(
    ("raw", "want"), [("dark", "Dark"), ("LIGHT", "Light"), ("system", "System")]
)
def test_theme_parameter_values(raw, want):
    assert theme.parse(raw) == want


def test_a_bad_theme_names_the_parameter_the_allowed_values_and_the_default():
    with pytest.raises(ValueError) as err:
        theme.parse("purple")
    text = str(err.value)
    assert "`theme`" in text and "light, dark, system" in text and "`purple`" in text
    assert "default" in text
