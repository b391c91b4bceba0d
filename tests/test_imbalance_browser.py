"""The Class imbalance page's comparisons of issue 14 in headless Chromium (`streamlit run`)."""

from __future__ import annotations

import pytest
from _browser_checks import SIZES, assert_laid_out, assert_plots_hold_data, open_drawn

pytestmark = pytest.mark.browser

GROUP_SIZE = {"reweight": 4, "margin": 4, "smoothing": 2, "overlap": 3}

#: Every view of every comparison not already in test_fitpages_browser.FIT_VIEWS.
VIEWS = [
    f"/imbalance?compare={g}&view={v}"
    for g in GROUP_SIZE
    for v in ("boundaries", "probabilities", "calibration", "objective")
    if not (g == "reweight" and v != "calibration")
]


def _main_text(app_page) -> str:
    return app_page.page.locator("[data-testid='stMain']").inner_text()


def _panels(app_page) -> int:
    """Subplots of the first plot: x axes Plotly laid out."""
    return app_page.page.evaluate(
        "() => Object.keys(document.querySelector('.js-plotly-plot')._fullLayout)"
        ".filter(k => /^xaxis\\d*$/.test(k)).length"
    )


@pytest.mark.parametrize("group", list(GROUP_SIZE))
def test_each_comparison_draws_one_panel_per_model(app_page, group):
    open_drawn(app_page, f"/imbalance?compare={group}")
    assert_plots_hold_data(app_page, group, 1)
    assert _panels(app_page) == GROUP_SIZE[group]
    assert app_page.page.locator("[data-testid='stAlert']").count() == 0
    assert app_page.query()["compare"] == group


def test_choosing_a_comparison_in_the_sidebar_refits_and_updates_the_link(app_page):
    open_drawn(app_page, "/imbalance")
    app_page.wait_idle()
    box = app_page.page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    box.click()
    app_page.page.get_by_role("option", name="label smoothing").click()
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('compare') === 'smoothing'",
        timeout=15_000,
    )
    app_page.wait_idle()
    assert "smoothed BCE, ε = 0.10" in _main_text(app_page)
    assert _panels(app_page) == 2
    assert app_page.query().get("eps") == "0.10"
    assert "gamma" not in app_page.query()  # the re-weighting controls left with their view
    assert app_page.exceptions().count() == 0


def test_epsilon_slider_moves_the_smoothing_bound(app_page):
    open_drawn(app_page, "/imbalance?compare=smoothing&view=probabilities&eps=0.20")
    app_page.wait_idle()
    labels = (
        "() => Array.from(document.querySelectorAll('.annotation-text')).map(t => t.textContent)"
    )
    assert "1 − ε/2 = 0.9" in app_page.page.evaluate(labels)
    slider = app_page.page.get_by_role("slider", name="ε (label_smoothing)")
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('eps') === '0.30'", timeout=15_000
    )
    app_page.wait_idle()
    app_page.page.wait_for_function(
        f"() => ({labels})().includes('1 − ε/2 = 0.85')", timeout=15_000
    )
    assert app_page.exceptions().count() == 0


def test_shared_overlap_link_restores_its_values(app_page):
    open_drawn(app_page, "/imbalance?compare=overlap&ratio=100&n=10000&tv_alpha=0.20&tv_beta=0.80")
    body = _main_text(app_page)
    assert "10,000 points at 1 : 100" in body
    assert "Tversky α = 0.20, β = 0.80 is not convex" in body
    q = app_page.query()
    assert q["tv_alpha"] == "0.20" and q["tv_beta"] == "0.80" and q["ratio"] == "100"


@pytest.mark.parametrize("sized_page", list(SIZES), indirect=True)
@pytest.mark.parametrize("path", VIEWS)
def test_new_views_cut_off_and_overlap_no_text(sized_page, path):
    # As test_fitpages_browser.test_fit_pages_cut_off_and_overlap_no_text, for the views
    # issue 14 added: at 390, 1280 and 1440 px nothing runs past its box or over another.
    sized_page.goto(path)
    assert_laid_out(sized_page, path, trace_text="skip")
