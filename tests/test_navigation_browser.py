"""Navigation keeps your place, in Chromium: Back and Forward walk the committed views,
and a page you leave and come back to shows what you left."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _wait_param(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        "([n, v]) => new URL(location.href).searchParams.get(n) === v",
        arg=[name, value],
        timeout=15_000,
    )
    app_page.wait_idle()


def _commit_keys(app_page, label: str, presses: int, expect: str, name: str) -> None:
    slider = app_page.page.get_by_role("slider", name=label, exact=True)
    slider.focus()
    for _ in range(presses):
        slider.press("ArrowRight")
    _wait_param(app_page, name, expect)


def _shown(app_page, label: str) -> str:
    return app_page.page.get_by_role("slider", name=label, exact=True).get_attribute(
        "aria-valuenow"
    )


def test_back_and_forward_walk_the_committed_views(app_page):
    app_page.goto("/?loss=huber&delta=1.00")
    app_page.plots().first.wait_for()
    length = app_page.page.evaluate("() => history.length")
    _commit_keys(app_page, "δ (delta)", 4, "1.20", "delta")
    _commit_keys(app_page, "δ (delta)", 4, "1.40", "delta")
    assert app_page.page.evaluate("() => history.length") == length + 2  # one per commit
    app_page.page.go_back()
    _wait_param(app_page, "delta", "1.20")
    app_page.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[0].layout.title.text"
        ".includes('δ = 1.20')",
        timeout=15_000,
    )
    assert _shown(app_page, "δ (delta)") == "1.2"
    app_page.page.go_back()
    _wait_param(app_page, "delta", "1.00")
    assert _shown(app_page, "δ (delta)") == "1"
    app_page.page.go_forward()
    _wait_param(app_page, "delta", "1.20")
    assert _shown(app_page, "δ (delta)") == "1.2"
    assert app_page.exceptions().count() == 0


def _open(app_page, section: str, page: str) -> None:
    """Go to a page through the top navigation: its section's menu, then the page."""
    app_page.page.get_by_test_id("stTopNavSection").filter(has_text=section).click()
    app_page.page.get_by_role("menuitem", name=page).click()


def test_a_page_left_and_come_back_to_shows_what_was_left(app_page):
    app_page.goto("/?loss=huber&delta=2.55&3d=1")
    app_page.plots().first.wait_for()
    _open(app_page, "Losses", "Compare")
    app_page.wait_idle()
    app_page.page.get_by_role("button", name="Presets").click()  # a popover
    app_page.page.get_by_role("button", name="Focal vs cross-entropy").click()
    app_page.wait_idle()
    # The menu closes on a choice: left open it covered the chart the preset set.
    app_page.page.get_by_role("button", name="Focal vs cross-entropy").wait_for(state="hidden")
    _open(app_page, "Losses", "Explore")
    _wait_param(app_page, "delta", "2.55")
    assert app_page.query()["3d"] == "1"
    _open(app_page, "Losses", "Compare")
    _wait_param(app_page, "domain", "binary")  # the preset's comparison, as it was left
    assert app_page.query()["x"] == "p_t"
    assert app_page.exceptions().count() == 0
