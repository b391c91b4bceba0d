"""The Compare page in headless Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

OVERLAY = 0  # the overlay view's plot: losses (even traces) and gradients (odd traces)
RATIO = 0  # the ratio view's plot (each view is a tab, drawn only while open)


def _names(app_page, plot: int = OVERLAY) -> list[str]:
    return app_page.page.evaluate(
        "(i) => document.querySelectorAll('.js-plotly-plot')[i]._fullData.map(t => t.name)", plot
    )


def _trace(app_page, plot: int, index: int) -> tuple[list[float], list[float]]:
    return app_page.page.evaluate(
        "([p, i]) => { const t = document.querySelectorAll('.js-plotly-plot')[p]._fullData[i];"
        " const y = Array.from(t.y);"  # curves on an even grid send x0/dx, not x
        " return [t.x ? Array.from(t.x) : y.map((_, k) => t.x0 + k * t.dx), y]; }",
        [plot, index],
    )


def _wait_for_query(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        "([k, v]) => new URL(location.href).searchParams.get(k) === v",
        arg=[name, value],
        timeout=20_000,
    )


def test_compare_loads_with_plots_and_no_exception(app_page):
    app_page.goto("/compare")
    app_page.plots().first.wait_for()
    assert app_page.plots().count() == 1  # the open view: the overlay
    assert app_page.exceptions().count() == 0
    assert _names(app_page)[::2] == ["A: MSE", "B: MAE", "C: Huber δ = 1.00"]
    q = app_page.query()
    assert q["domain"] == "regression" and q["n"] == "3" and q["view"] == "overlay"


# Each view's tab, its URL and the plots it draws: tests/test_every_loss_browser.py
# opens every tab on every domain.


def test_adding_an_entry_adds_a_trace(app_page):
    app_page.goto("/compare?domain=regression&n=2&e0=mse&e1=mae")
    app_page.plots().first.wait_for()
    assert len(_names(app_page)) == 4
    sidebar = app_page.page.get_by_test_id("stSidebar")
    sidebar.get_by_text("3", exact=True).click()
    app_page.wait_idle()
    _wait_for_query(app_page, "n", "3")
    app_page.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.length === 6",
        timeout=20_000,
    )
    assert _names(app_page)[4] == "C: Huber δ = 1.00"
    assert app_page.exceptions().count() == 0


def test_a_preset_changes_the_url_and_the_plots(app_page):
    app_page.goto("/compare")
    app_page.plots().first.wait_for()
    app_page.page.get_by_role("button", name="Presets").click()  # a popover
    app_page.page.get_by_role("button", name="Focal vs cross-entropy").click()
    app_page.wait_idle()
    _wait_for_query(app_page, "domain", "binary")
    q = app_page.query()
    assert q["x"] == "p_t" and q["n"] == "4"
    assert [q["e1.gamma"], q["e2.gamma"], q["e3.gamma"]] == ["0.0", "2.0", "5.0"]
    app_page.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.length === 8",
        timeout=20_000,
    )
    assert _names(app_page)[4] == "C: Focal γ = 2.0, α off"
    assert app_page.exceptions().count() == 0


def test_a_shared_url_restores_the_comparison(app_page):
    url = (
        "/compare?domain=binary&x=p_t&n=3&e0=binary_cross_entropy"
        "&e1=focal&e1.gamma=2.0&e1.alpha_on=0&e2=focal&e2.gamma=5.0&e2.alpha_on=0"
        "&base=A&x0=0.900"
    )
    app_page.goto(url)
    app_page.plots().first.wait_for()
    assert _names(app_page)[::2] == [
        "A: BCE w₊ = 1.0",  # pos_weight, at its default
        "B: Focal γ = 2.0, α off",
        "C: Focal γ = 5.0, α off",
    ]
    app_page.goto(url + "&view=ratio")
    app_page.plots().first.wait_for()
    # The ratio curve of B at the grid point nearest p_t = 0.9 is (1 − p_t)² = 0.01.
    x, y = _trace(app_page, RATIO, 0)
    i = min(range(len(x)), key=lambda k: abs(x[k] - 0.9))
    assert y[i] == pytest.approx((1 - x[i]) ** 2, rel=1e-4)
    q = app_page.query()
    assert q["e1.gamma"] == "2.0" and q["e2.alpha_on"] == "0" and q["x0"] == "0.900"
    body = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "B ÷ A = 0.01 (100× smaller)" in body
    assert app_page.exceptions().count() == 0


def test_bad_url_values_show_a_warning_naming_them(app_page):
    app_page.goto("/compare?domain=regression&n=12&e1=%3Cscript%3Ealert(1)%3C/script%3E")
    app_page.plots().first.wait_for()
    warning = app_page.page.locator("[data-testid='stAlert']").first.inner_text()
    assert "parameter n =" in warning and "parameter e1 =" in warning
    assert app_page.page.locator("script:text('alert(1)')").count() == 0
    assert app_page.exceptions().count() == 0
