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


def _assert_warned_cleanly(at: AppTest, names: list[str]) -> None:
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(w.value for w in at.warning)
    for name in names:
        assert f"`{name}`" in text, f"no warning names {name}"
    # The page still drew something.
    assert len(at.get("plotly_chart")) >= 1


def test_pages_are_discovered():
    assert {"explore", "about"} <= set(PAGES)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
def test_every_page_writes_its_controls_to_the_url(page):
    assert _params(page), f"{page} writes no query parameters"


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
def test_hostile_value_in_every_parameter_at_once(page, value):
    names = _params(page)
    at = _run(page, dict.fromkeys(names, value))
    _assert_warned_cleanly(at, names)


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
