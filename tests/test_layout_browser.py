"""The main chart in view without scrolling (issue 15), in Chromium, on every page.

On a 1280×720 projector each page's first chart shows at least 300 px of itself, or
60 % of its height, in the first screen, with the sidebar (the controls) open. On a
390×844 phone the sidebar starts collapsed and the same holds for the chart. The
numbers are read off the page as a user sees it: the chart's box against the viewport.

Compare on a phone puts the chart before the entry cards (CSS order in
lossviz/views/layout.py): stacked above it, the cards put its top at y ≈ 860.
"""

from __future__ import annotations

import pytest
from _browser_checks import open_drawn

pytestmark = pytest.mark.browser

PAGES = ["/", "/compare", "/outliers", "/imbalance", "/preferences", "/kl-fit", "/metric", "/noise"]

_FIRST_CHART = """() => {
  const r = document.querySelector('.js-plotly-plot').getBoundingClientRect();
  const sb = document.querySelector('[data-testid=stSidebar]');
  return {top: r.top, height: r.height, shown: Math.min(r.bottom, innerHeight) - Math.max(r.top, 0),
          sidebar: sb ? sb.getBoundingClientRect().width : 0,
          sidebarRight: sb ? sb.getBoundingClientRect().right : 0};
}"""


def _in_view(app_page, path: str) -> dict:
    open_drawn(app_page, path)
    app_page.page.wait_for_timeout(500)  # the frame's CSS and the formulas settle
    got = app_page.page.evaluate(_FIRST_CHART)
    assert got["shown"] >= min(300, 0.6 * got["height"]), (path, got)
    return got


@pytest.mark.parametrize("sized_page", ["laptop"], indirect=True)
@pytest.mark.parametrize("path", PAGES)
def test_the_main_chart_is_in_view_on_a_projector(sized_page, path):
    got = _in_view(sized_page, path)
    assert got["sidebar"] >= 200, (path, got)  # the controls are open beside it


@pytest.mark.parametrize("sized_page", ["phone"], indirect=True)
@pytest.mark.parametrize("path", PAGES)
def test_on_a_phone_the_sidebar_is_collapsed_and_the_chart_in_view(sized_page, path):
    got = _in_view(sized_page, path)
    # Collapsed: the sidebar is off the screen (width 0 or moved out to the left).
    assert got["sidebar"] == 0 or got["sidebarRight"] <= 0, (path, got)
    if path == "/compare":  # the chart, then the cards that drive it, then the table
        tops = sized_page.page.evaluate(
            "() => ['.st-key-compare-view', '.st-key-compare-entries', '.st-key-compare-after']"
            ".map((s) => document.querySelector(s).getBoundingClientRect().top)"
        )
        assert tops == sorted(tops), tops
