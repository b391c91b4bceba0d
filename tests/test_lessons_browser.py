"""The Lessons page in Chromium: ←/→ walk the steps, the URL follows, the embedded view
draws its chart with no error box."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FRAME = "iframe"


def test_arrow_keys_walk_the_steps_and_the_view_draws(app_page):
    app_page.goto("/lessons?lesson=huber-outliers&step=1")
    view = app_page.page.frame_locator(FRAME).first
    view.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    assert view.locator("[data-testid='stException']").count() == 0
    app_page.page.keyboard.press("ArrowRight")
    app_page.page.wait_for_function("location.search.includes('step=2')", timeout=30_000)
    app_page.wait_idle()
    assert app_page.query() == {"lesson": "huber-outliers", "step": "2"}
    assert "outliers=10" in app_page.page.locator(FRAME).first.get_attribute("src")
    app_page.page.keyboard.press("ArrowLeft")
    app_page.page.wait_for_function("location.search.includes('step=1')", timeout=30_000)
    app_page.wait_idle()
    assert app_page.query() == {"lesson": "huber-outliers", "step": "1"}
    view = app_page.page.frame_locator(FRAME).first
    view.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    assert view.locator("[data-testid='stException']").count() == 0
    assert app_page.exceptions().count() == 0
