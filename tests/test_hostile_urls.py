"""Every page × every query parameter, fed hostile values: warn by name, never trace back.

The pages are discovered (every ``lossviz.views`` module with a ``render``) and
their parameters are read from the URL each page writes on a default run, so a
new page or control is fuzzed with no change here.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from _pages import run_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import lossviz.views

pytestmark = pytest.mark.app

PAGES = sorted(
    m.name
    for m in pkgutil.iter_modules(lossviz.views.__path__)
    if not m.name.startswith("_")
    and hasattr(importlib.import_module(f"lossviz.views.{m.name}"), "render")
)

HOSTILE = [
    "",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "123456789012345678901234567890",
    "ünïcødé ✓ 漢字",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) $x^2$ :red[red]",
]


def _run(page: str, query: dict[str, str]) -> AppTest:
    return run_page(page, query, timeout=120)


_PARAMS: dict[str, list[str]] = {}


def _params(page: str) -> list[str]:
    """The page's query parameters, as it writes them on a default run."""
    if page not in _PARAMS:
        at = _run(page, {})
        assert not at.exception, [e.value for e in at.exception]
        _PARAMS[page] = sorted(dict(at.query_params))
    return _PARAMS[page]


#: What a page draws when it has no chart of its own: Lessons embeds the step's view.
DRAWS = {"lessons": "iframe"}


def _assert_warned_cleanly(at: AppTest, names: list[str], page: str = "") -> None:
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(w.value for w in at.warning)
    for name in names:
        assert f"`{name}`" in text, f"no warning names {name}"
    # The page still drew something.
    assert len(at.get(DRAWS.get(page, "plotly_chart"))) >= 1


def test_pages_are_discovered():
    assert {"explore", "about", "lessons"} <= set(PAGES)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
def test_every_page_writes_its_controls_to_the_url(page):
    assert _params(page), f"{page} writes no query parameters"


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
def test_hostile_value_in_every_parameter_at_once(page, value):
    names = _params(page)
    at = _run(page, dict.fromkeys(names, value))
    _assert_warned_cleanly(at, names, page)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_text_in_one_parameter(page, data):
    names = _params(page)
    name = data.draw(st.sampled_from(names))
    value = data.draw(st.text(min_size=0, max_size=30))
    at = _run(page, {name: value})
    assert not at.exception, [e.value for e in at.exception]
    # Either a warning names the parameter, or the value was usable as written: the URL
    # then holds it, or its canonical spelling (TRUE → 1, 2 → 2.00).
    used = dict(at.query_params).get(name)
    warned = any(f"`{name}`" in w.value for w in at.warning)
    if used != value and not warned:
        assert _same(value, used), (name, value, used)


def _same(given: str, used: str | None) -> bool:
    if used is None:
        return False
    try:  # a number written another way: 0 → 0.0, 2 → 2.00
        if float(given) == float(used):
            return True
    except ValueError:
        pass
    flags = {"1": "1", "true": "1", "on": "1", "yes": "1", "0": "0", "false": "0", "off": "0"}
    flags["no"] = "0"
    return flags.get(given.strip().lower()) == used


def test_about_page_renders():
    at = _run("about", {"anything": "<script>alert(1)</script>"})
    assert not at.exception


@pytest.mark.parametrize("value", HOSTILE[:7], ids=range(7))
@pytest.mark.parametrize("view", ["policy", "beta"])
def test_hostile_values_on_the_preferences_policy_tabs(view, value):
    # The generic tests open the default tab; the DPO / IPO tabs have their own controls
    # (β, ridge λ, reference spread, noise-free), fuzzed here with those tabs open.
    names = ["beta", "l2", "ref", "clean", "items", "pairs"]
    at = _run("preferences", {**dict.fromkeys(names, value), "view": view})
    _assert_warned_cleanly(at, names)
    assert at.query_params["view"] == view


# Issue 14: the Class imbalance page's controls depend on its comparison (``compare``);
# each comparison's own parameters, fuzzed with that comparison open.
IMBALANCE_GROUPS = {
    "reweight": {"posw_auto": "0", "bal_auto": "0"},
    "margin": {},
    "smoothing": {},
    "overlap": {},
}


@pytest.mark.parametrize("value", HOSTILE[1:6] + HOSTILE[9:], ids=range(8))
@pytest.mark.parametrize("group", list(IMBALANCE_GROUPS))
def test_hostile_value_in_every_imbalance_comparison(group, value):
    base = {"compare": group, **IMBALANCE_GROUPS[group]}
    names = sorted(set(dict(_run("imbalance", base).query_params)) - set(base))
    at = _run("imbalance", {**base, **dict.fromkeys(names, value)})
    _assert_warned_cleanly(at, names)
    assert at.query_params["compare"] == group


# --------------------------------------------------------------------------- noise models
# The Noise models page draws only the open tab's controls, so a default run writes the
# Gaussian tab's; the Poisson tab's (view=poisson, slope) are fuzzed here.
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_noise_poisson_tab_hostile_value_in_every_parameter(value):
    names = ["slope", "n", "seed"]
    at = _run("noise", {"view": "poisson", **dict.fromkeys(names, value)})
    _assert_warned_cleanly(at, names)
    assert dict(at.query_params)["view"] == "poisson"
    assert {s.key for s in at.slider} == {"noise.slope", "noise.n", "noise.seed"}


# Issue 14, Robust regression (url "outliers"): three loss slots, each with the sliders
# of its own loss; a hostile slot falls back to its default loss, whose sliders are
# then read (and warned about) as usual.
ROBUST_CASES = [
    ({"l1": "__proto__", "l2": "general_robust", "l2.alpha": "-inf", "l2.alpha_inf": "maybe"},
     ["l1", "l2.alpha", "l2.alpha_inf"]),
    ({"kind": "heteroscedastic", "growth": "NaN", "l1.tau": "1.0", "l3.tau": "0"},
     ["growth", "l1.tau", "l3.tau"]),
    ({"influence": "l4", "l3": "<script>alert(1)</script>", "l3.alpha": "1e309"},
     ["influence", "l3", "l3.alpha"]),
    ({"l2": "quantile", "l2.tau": "ünïcødé", "l1": "epsilon_insensitive", "l1.epsilon": "-1"},
     ["l2.tau", "l1.epsilon"]),
    ({"kind": "heteroscedastic ", "l1": "poisson_nll", "l3.scale": "0"},
     ["kind", "l1", "l3.scale"]),
]  # fmt: skip


@pytest.mark.parametrize(("query", "names"), ROBUST_CASES)
def test_robust_regression_slots_warn_by_name(query, names):
    at = _run("outliers", query)
    _assert_warned_cleanly(at, names)
    q = dict(at.query_params)
    for slot in ("l1", "l2", "l3"):
        assert q[slot] in {"mse", "mae", "huber", "smooth_l1", "pseudo_huber", "log_cosh",
                           "quantile", "epsilon_insensitive", "general_robust"}  # fmt: skip


# Controls that a page draws only for some of its choices (a loss's own parameters), with
# that choice valid and every other parameter hostile.
CONDITIONAL = [
    ("metric", {"loss": "info_nce"}, ["tau", "k"]),
    ("metric", {"loss": "cosine_embedding"}, ["cmargin"]),
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(("page", "fixed", "extra"), CONDITIONAL)
def test_hostile_value_in_every_conditional_parameter(page, fixed, extra, value):
    at = _run(page, fixed)
    assert not at.exception, [e.value for e in at.exception]
    names = sorted(set(dict(at.query_params)) - set(fixed))
    assert set(extra) <= set(names)
    at = _run(page, {**fixed, **dict.fromkeys(names, value)})
    _assert_warned_cleanly(at, names)
    assert dict(at.query_params)[next(iter(fixed))] == next(iter(fixed.values()))


# The Lessons page: the step's range depends on the lesson, so a step valid in one lesson
# and not in another is checked with each, and a hostile lesson with a valid step.
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_lessons_hostile_lesson_with_a_valid_step(value):
    at = _run("lessons", {"lesson": value, "step": "2"})
    _assert_warned_cleanly(at, ["lesson"], "lessons")
    assert dict(at.query_params) == {"lesson": "huber-outliers", "step": "2"}


def test_lessons_step_beyond_this_lesson():
    # metric-margins has 4 steps, kl-forward-reverse 3: step 4 is fine in one only.
    assert not _run("lessons", {"lesson": "metric-margins", "step": "4"}).warning
    at = _run("lessons", {"lesson": "kl-forward-reverse", "step": "4"})
    _assert_warned_cleanly(at, ["step"], "lessons")
    assert dict(at.query_params)["step"] == "1"
