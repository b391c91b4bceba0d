"""The Forward vs reverse KL and Metric learning pages in headless Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _trace(app_page, plot: int, trace: int, axis: str = "y"):
    """One axis of one trace of one plot, as the browser holds it."""
    return app_page.page.evaluate(
        "([p, t, a]) => Array.from("
        "document.querySelectorAll('.js-plotly-plot')[p]._fullData[t][a])",
        [plot, trace, axis],
    )


def _wait_param(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('{name}') === '{value}'", timeout=15_000
    )


@pytest.mark.parametrize(("path", "plots"), [("/kl-fit", 2), ("/metric", 2)])
def test_page_loads_with_plots_and_no_exception(app_page, path, plots):
    app_page.goto(path)
    app_page.plots().first.wait_for()
    assert app_page.plots().count() == plots
    assert app_page.exceptions().count() == 0


def test_kl_keyboard_slider_move_changes_the_fit(app_page):
    app_page.goto("/kl-fit?sep=6.0&w=0.40")
    app_page.plots().first.wait_for()
    before = _trace(app_page, 0, 1)  # the forward fit Q over P
    slider = app_page.page.get_by_role("slider").first  # separation
    slider.focus()
    slider.press("ArrowLeft")
    app_page.wait_idle()
    _wait_param(app_page, "sep", "5.9")
    app_page.wait_idle()
    assert _trace(app_page, 0, 1) != before
    assert app_page.exceptions().count() == 0


def test_metric_step_slider_scrubs_the_embedding(app_page):
    app_page.goto("/metric?steps=100&t=100")
    app_page.plots().nth(1).wait_for()
    before = _trace(app_page, 1, 0, "x")  # class 0 in the "step t" chart
    slider = app_page.page.get_by_role("slider").last  # show step
    slider.focus()
    slider.press("Home")
    app_page.wait_idle()
    _wait_param(app_page, "t", "0")
    app_page.wait_idle()
    assert _trace(app_page, 1, 0, "x") != before
    assert "step 0 of 100" in app_page.page.locator("[data-testid='stMain']").inner_text()


def test_shared_urls_restore_their_values(app_page):
    app_page.goto("/metric?loss=triplet&margin=1.50&classes=4&steps=60&t=20")
    app_page.plots().first.wait_for()
    body = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "triplet loss with margin m = 1.50" in body and "step 20 of 60" in body
    q = app_page.query()
    assert q["loss"] == "triplet" and q["margin"] == "1.50" and q["t"] == "20"
    assert q["classes"] == "4"

    app_page.goto("/kl-fit?sep=8.0&w=0.50")
    app_page.plots().first.wait_for()
    body = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "s = 8.0, w = 0.50" in body and "0.6931 nats" in body
    assert app_page.query() == {"sep": "8.0", "w": "0.50"}


@pytest.mark.parametrize(
    ("path", "names"),
    [("/kl-fit?sep=abc&w=%3Cb%3E9%3C/b%3E", ("sep", "w")), ("/metric?loss=x&t=NaN", ("loss", "t"))],
)
def test_garbage_url_shows_warning_not_traceback(app_page, path, names):
    app_page.goto(path)
    app_page.plots().first.wait_for()
    warning = app_page.page.locator("[data-testid='stAlert']").first.inner_text()
    for name in names:
        assert name in warning
    assert app_page.exceptions().count() == 0
