"""The Noise models page in headless Chromium: both tabs, their controls, the link, the layout."""

from __future__ import annotations

import pytest
from _browser_checks import (
    SIZES,
    assert_laid_out,
    assert_margins_hold_what_is_drawn,
    assert_plots_hold_data,
    assert_texts_whole_and_apart,
    open_drawn,
)

pytestmark = pytest.mark.browser

VIEWS = ["/noise", "/noise?view=poisson", "/noise?growth=1.00&n=1000&seed=3",
         "/noise?view=poisson&slope=-0.50&n=20"]  # fmt: skip


def _trace(app_page, trace: int, axis: str = "y"):
    return app_page.page.evaluate(
        "([t, a]) => Array.from(document.querySelectorAll('.js-plotly-plot')[0]._fullData[t][a])",
        [trace, axis],
    )


def _names(app_page) -> list[str]:
    return app_page.page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[0]._fullData.map(t => t.name)"
    )


def _wait_param(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('{name}') === '{value}'", timeout=15_000
    )


def _main_text(app_page) -> str:
    return app_page.page.locator("[data-testid='stMain']").inner_text()


@pytest.mark.parametrize("path", VIEWS)
def test_each_view_draws_its_plot_with_data_and_labels_apart(app_page, path):
    open_drawn(app_page, path)
    assert app_page.plots().count() == 1
    assert_plots_hold_data(app_page, path, 1)
    assert_texts_whole_and_apart(app_page, path)
    assert_margins_hold_what_is_drawn(app_page, path)


GROWTH = "noise growth (σ per unit of x)"


def _growth(app_page):
    return app_page.page.get_by_role("slider", name=GROWTH, exact=True)


def test_a_keyboard_move_of_noise_growth_refits_and_updates_the_link(app_page):
    app_page.goto("/noise?growth=0.40&n=200&seed=0")
    app_page.plots().first.wait_for()
    before = _names(app_page)
    slider = _growth(app_page)
    assert slider.get_attribute("aria-valuetext") == "noise growth 0.40"
    slider.focus()
    slider.press("ArrowRight")
    app_page.wait_idle()
    _wait_param(app_page, "growth", "0.45")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => document.body.innerText.includes('σ(x) = 0.20 + 0.45x')", timeout=15_000
    )
    after = _names(app_page)
    assert after != before and any("0.45x" in n for n in after)  # the truth's σ = 0.20 + 0.45x
    assert "Not convex" in _main_text(app_page)
    assert app_page.exceptions().count() == 0


def test_dragging_noise_growth_moves_the_points_and_bands_before_release(app_page):
    app_page.goto("/noise?growth=0.40&n=200&seed=0")
    app_page.plots().first.wait_for()
    slider = _growth(app_page)
    slider.hover()  # the browser asks for the frames
    app_page.page.wait_for_timeout(200)
    app_page.wait_idle()
    points = _trace(app_page, 0)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    pad, width = 8, box["width"] - 16
    start = box["x"] + pad + width * 0.4
    app_page.page.mouse.move(start, y)
    app_page.page.mouse.down()
    for k in range(1, 11):
        app_page.page.mouse.move(start + (box["x"] + pad + width * 0.9 - start) * k / 10, y)
        app_page.page.wait_for_timeout(30)
    dragged = float(slider.get_attribute("aria-valuenow"))
    assert dragged >= 0.8
    app_page.page.wait_for_function(
        "(v) => document.querySelector('.js-plotly-plot').layout.title.text"
        ".includes('noise growth ' + v)",
        arg=f"{dragged:.2f}",
        timeout=5_000,
    )
    assert app_page.query()["growth"] == "0.40"  # nothing committed yet
    moved = _trace(app_page, 0)
    assert moved != points  # the same x and noise draws, a larger σ(x): the points spread
    assert any(f"0.20 + {dragged:.2f}x" in n for n in _names(app_page))
    app_page.page.mouse.up()
    _wait_param(app_page, "growth", f"{dragged:.2f}")
    app_page.wait_idle()
    assert app_page.exceptions().count() == 0


def test_opening_the_poisson_tab_swaps_the_controls_and_keeps_n_and_seed(app_page):
    app_page.goto("/noise?growth=0.40&n=300&seed=5")
    app_page.plots().first.wait_for()
    app_page.page.get_by_role("tab", name="Poisson NLL vs MSE").click()
    app_page.wait_idle()
    _wait_param(app_page, "view", "poisson")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot .gtitle')"
        ".textContent.startsWith('Fitted rates')",
        timeout=15_000,
    )
    q = app_page.query()
    assert q == {"view": "poisson", "slope": "0.80", "n": "300", "seed": "5"}
    sidebar = app_page.page.locator("[data-testid='stSidebar']").inner_text()
    assert "true log-rate slope a" in sidebar and "noise growth" not in sidebar
    body = _main_text(app_page)
    assert "mean Poisson NLL, Poisson fit" in body and "log link" in body
    assert any(n.startswith("Poisson NLL: λ = exp(") for n in _names(app_page))


def test_a_shared_link_restores_the_view(app_page):
    app_page.goto("/noise?view=poisson&slope=1.20&n=500&seed=9")
    app_page.plots().first.wait_for()
    assert "true log-rate slope 1.20, seed 9" in _main_text(app_page)
    assert app_page.query() == {"view": "poisson", "slope": "1.20", "n": "500", "seed": "9"}
    selected = app_page.page.get_by_role("tab", selected=True).inner_text()
    assert selected == "Poisson NLL vs MSE"


def test_bad_link_values_are_warned_by_name(app_page):
    app_page.goto("/noise?growth=abc&n=%3Cb%3E9%3C/b%3E&view=x")
    app_page.plots().first.wait_for()
    alerts = app_page.page.locator("[data-testid='stAlert']")
    text = "\n".join(alerts.nth(i).inner_text() for i in range(alerts.count()))
    for name in ("growth", "n", "view"):
        assert name in text
    assert app_page.exceptions().count() == 0
    assert app_page.query()["growth"] == "0.40" and app_page.query()["view"] == "gaussian"


@pytest.mark.parametrize("sized_page", list(SIZES), indirect=True)
@pytest.mark.parametrize("path", VIEWS[:2])
def test_nothing_is_cut_off_or_overlapping(sized_page, path):
    # The same checks as tests/test_fitpages_browser.py's for the other fit pages: no
    # table or formula wider than its block, no plot text outside its plot or over another.
    sized_page.goto(path)
    assert_laid_out(sized_page, path, trace_text="plot")
