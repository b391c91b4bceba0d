"""The Explore page in headless Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _trace_y(app_page, index: int = 0):
    """The y values of a trace of the first plot, as the browser holds them."""
    return app_page.page.evaluate(
        "(i) => Array.from(document.querySelectorAll('.js-plotly-plot')[0]._fullData[i].y)", index
    )


def test_explore_loads_with_plots_and_no_exception(app_page):
    app_page.goto("/?loss=huber")
    app_page.plots().first.wait_for()
    assert app_page.plots().count() >= 2
    assert app_page.exceptions().count() == 0
    assert app_page.query()["loss"] == "huber"


def test_keyboard_slider_move_changes_plot_and_url(app_page):
    app_page.goto("/?loss=huber&delta=1.00")
    app_page.plots().first.wait_for()
    before = _trace_y(app_page)
    slider = app_page.page.get_by_role("slider").first
    slider.focus()
    for _ in range(4):
        slider.press("ArrowRight")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('delta') === '1.20'", timeout=15_000
    )
    after = _trace_y(app_page)
    assert before != after


def test_shared_url_restores_its_values(app_page):
    app_page.goto("/?loss=focal&gamma=0.5&alpha_on=0&x=p_t")
    app_page.plots().first.wait_for()
    body = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "γ = 0.5 ·" in body and "α: off" in body
    q = app_page.query()
    assert q["gamma"] == "0.5" and q["x"] == "p_t" and q["alpha_on"] == "0"


def test_garbage_url_shows_warning_not_traceback(app_page):
    app_page.goto("/?loss=%3Cscript%3Ealert(1)%3C/script%3E&delta=NaN")
    app_page.plots().first.wait_for()
    warning = app_page.page.locator("[data-testid='stAlert']").first
    assert "loss" in warning.inner_text() and "delta" in warning.inner_text()
    assert app_page.page.locator("script:text('alert(1)')").count() == 0
    assert app_page.exceptions().count() == 0


def test_3d_camera_survives_a_slider_move(app_page):
    # Streamlit issue 8882: the chart is re-mounted when its data change, so the page
    # remembers the camera client-side (lossviz/views/camera.py).
    page = app_page.page
    app_page.goto("/?loss=huber&3d=1")
    app_page.plots().nth(1).wait_for()
    page.wait_for_timeout(1000)
    eye = (
        "() => document.querySelectorAll('.js-plotly-plot')[1]"
        "._fullLayout.scene._scene.getCamera().eye"
    )
    default = page.evaluate(eye)
    box = app_page.plots().nth(1).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 150, cy + 40, steps=10)
    page.mouse.up()
    page.wait_for_timeout(500)
    rotated = page.evaluate(eye)
    assert abs(rotated["x"] - default["x"]) > 0.2  # the drag did rotate the view
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    app_page.wait_idle()
    page.wait_for_function("() => new URL(location.href).searchParams.get('delta') === '1.05'")
    page.wait_for_timeout(1500)
    after = page.evaluate(eye)
    assert abs(after["x"] - default["x"]) > 0.2, (default, rotated, after)


def test_moving_the_surface_y_parameter_moves_its_line_not_the_map(app_page):
    # Huber's surface is over (r, δ): a δ move must leave the map's chart in place (the
    # same plot, not a new one; that its figure is not resent is checked in
    # test_explore_app.py) and move the dashed "current δ" line drawn over it
    # (views/level_line.py) to where the map's own y axis puts δ.
    page = app_page.page
    app_page.goto("/?loss=huber&delta=1.00")
    line = (
        "(() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];"
        " return gd && gd.querySelector('.lossviz-level'); })()"
    )
    page.wait_for_function(f"() => {line} && {line}.dataset.y === '1'")
    page.evaluate(
        "() => { const gd = document.querySelectorAll('.js-plotly-plot')[1]; gd.__tag = 'map'; }"
    )
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    app_page.wait_idle()
    page.wait_for_function("() => new URL(location.href).searchParams.get('delta') === '1.05'")
    # Null-safe: while the rerun's elements are being replaced the line can be absent for a
    # frame (it is placed again on the plot's next afterplot); the state that counts is the end.
    page.wait_for_function(
        f"() => {{ const el = {line}; return !!el && el.dataset.y === '1.05'; }}", timeout=10_000
    )
    kept = page.evaluate(
        """() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];
        const el = gd.querySelector('.lossviz-level'), ya = gd._fullLayout.yaxis;
        return [gd.__tag, el.textContent, el.style.display,
                Math.abs(parseFloat(el.style.top) + 1 - (ya._offset + ya.l2p(1.05)))]; }"""
    )
    assert kept[:3] == ["map", "current δ = 1.05", "block"], kept
    assert kept[3] < 0.5, kept  # the line is where the axis maps δ = 1.05
    assert app_page.exceptions().count() == 0
