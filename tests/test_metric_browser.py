"""The Metric learning page's InfoNCE, cosine-embedding and alignment/uniformity views in
headless Chromium: the new controls move the page and the link, and dragging the step
scrub moves the alignment/uniformity readout before release."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GEOMETRY = (
    "Array.from(document.querySelectorAll('.js-plotly-plot')).find(gd =>"
    " gd.layout.uirevision && gd.layout.uirevision.startsWith('metric.geometry'))"
)


def _wait_param(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('{name}') === '{value}'", timeout=15_000
    )


def _main_text(app_page) -> str:
    return app_page.page.locator("[data-testid='stMain']").inner_text()


def test_info_nce_loads_with_its_controls_from_the_link(app_page):
    app_page.goto("/metric?loss=info_nce&tau=0.20&k=6&steps=60&t=60")
    app_page.plots().nth(1).wait_for()
    assert app_page.plots().count() == 2
    assert app_page.exceptions().count() == 0
    body = _main_text(app_page)
    assert "InfoNCE loss with τ = 0.20, K = 6" in body
    assert "directions ê = e/‖e‖, step 60 of 60" in body
    assert "Non-convex" in body and "drawn from seed 0" in body
    q = app_page.query()
    assert (q["loss"], q["tau"], q["k"]) == ("info_nce", "0.20", "6")


def test_a_temperature_key_press_retrains_and_updates_the_link(app_page):
    app_page.goto("/metric?loss=info_nce&tau=0.20&steps=60&t=60")
    app_page.plots().first.wait_for()
    loss_before = app_page.page.locator("[data-testid='stMetricValue']").first.inner_text()
    tau = app_page.page.get_by_role("slider", name="temperature τ")
    tau.focus()
    tau.press("ArrowRight")
    app_page.wait_idle()
    _wait_param(app_page, "tau", "0.21")
    app_page.wait_idle()
    assert "τ = 0.21" in _main_text(app_page)
    loss_after = app_page.page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert loss_after != loss_before
    assert app_page.exceptions().count() == 0


def test_cosine_embedding_margin_from_the_link(app_page):
    app_page.goto("/metric?loss=cosine_embedding&cmargin=0.30&view=distances")
    app_page.plots().first.wait_for()
    body = _main_text(app_page)
    assert (
        "cosine embedding loss with margin m = 0.30" in body and "Pair cosines at step 200" in body
    )
    assert app_page.query()["cmargin"] == "0.30"
    assert app_page.exceptions().count() == 0


def test_dragging_the_step_moves_alignment_and_uniformity_before_release(app_page):
    app_page.goto("/metric?loss=info_nce&view=geometry&steps=100&t=100")
    app_page.plots().first.wait_for()
    label = f"() => ({GEOMETRY}).layout.annotations[0].text"
    assert app_page.page.evaluate(label).startswith("step 100: alignment")
    step = app_page.page.get_by_role("slider", name="show step", exact=True)
    step.hover()
    app_page.page.wait_for_timeout(200)
    app_page.wait_idle()  # the frames arrive on hover
    box = step.bounding_box()
    y = box["y"] + box["height"] / 2
    app_page.page.mouse.move(box["x"] + box["width"] - 8, y)
    app_page.page.mouse.down()
    for k in range(1, 11):  # towards a quarter of the track, held
        app_page.page.mouse.move(box["x"] + box["width"] - 8 - k * 0.075 * box["width"], y)
        app_page.page.wait_for_timeout(30)
    app_page.page.wait_for_function(
        f"() => !({GEOMETRY}).layout.annotations[0].text.startsWith('step 100:')",
        timeout=5_000,
    )
    shown = app_page.page.evaluate(label)
    now = int(float(step.get_attribute("aria-valuenow")))
    assert shown.startswith(f"step {now}: alignment ")
    assert app_page.page.evaluate(f"() => ({GEOMETRY}).layout.shapes[0].x0") == now
    app_page.page.mouse.up()
    _wait_param(app_page, "t", str(now))
    app_page.wait_idle()
    # Committed: the readouts agree with what the chart showed while dragging.
    body = _main_text(app_page)
    alignment = shown.split("alignment ")[1].split(",")[0]
    assert f"alignment at step {now}\n{alignment}" in body.replace("\n\n", "\n")
    assert app_page.exceptions().count() == 0


# The new views at a phone's and a laptop's width: no text cut at a plot's edge, none
# printed over another, no formula wider than its block (the checks of
# tests/test_fitpages_browser.py, on these views).
NEW_VIEWS = [
    "/metric?loss=info_nce",
    "/metric?loss=info_nce&view=geometry",
    "/metric?loss=info_nce&view=training",
    "/metric?loss=info_nce&view=distances",
    "/metric?loss=cosine_embedding&cmargin=0.5",
    "/metric?loss=cosine_embedding&view=distances",
]


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
@pytest.mark.parametrize("path", NEW_VIEWS)
def test_the_new_views_cut_off_and_overlap_no_text(browser, app_server, viewport, path):
    from _browser_checks import VIEWPORTS, assert_laid_out
    from conftest import AppPage

    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = AppPage(context.new_page(), app_server.url)
        page.goto(path)
        assert_laid_out(page, path, trace_text="skip", ticks=False)
    finally:
        context.close()
