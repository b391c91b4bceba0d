"""The Preferences page's DPO / IPO tabs in headless Chromium against `streamlit run app.py`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _trace(app_page, prefix: str) -> dict:
    """Name and y of the first plot's trace whose name starts with ``prefix``."""
    return app_page.page.evaluate(
        "(prefix) => { const gd = document.querySelector('.js-plotly-plot');"
        " const t = gd._fullData.find(t => t.name.startsWith(prefix));"
        " return t ? {name: t.name, y: Array.from(t.y)} : null; }",
        prefix,
    )


def _wait_param(app_page, name: str, value: str) -> None:
    app_page.page.wait_for_function(
        f"() => new URL(location.href).searchParams.get('{name}') === '{value}'",
        timeout=60_000,
    )
    app_page.wait_idle()


def test_beta_slider_moves_the_policy_bars_and_the_url(app_page):
    app_page.goto("/preferences?view=policy")
    app_page.plots().first.wait_for(timeout=90_000)
    app_page.wait_idle()
    assert _trace(app_page, "π_DPO")["name"] == "π_DPO (β = 0.50)"
    old = _trace(app_page, "π_IPO")["y"]
    # Noise-free labels, no ridge: the note that DPO has no finite minimiser.
    assert "no finite minimiser" in app_page.page.locator("[data-testid='stAlert']").inner_text()
    # β is on the scrub bar above the chart: a key press moves the chart at once and
    # commits when the key has rested.
    slider = app_page.page.get_by_role("slider", name="β (KL strength)")
    slider.focus()
    for _ in range(2):
        slider.press("ArrowRight")
    _wait_param(app_page, "beta", "0.60")
    app_page.page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => t.name === 'π_IPO (β = 0.60)')",
        timeout=60_000,
    )
    new = _trace(app_page, "π_IPO")["y"]
    assert len(new) == 10 and new != old
    assert abs(sum(new) - 1) < 1e-5
    assert app_page.exceptions().count() == 0


def test_beta_sweep_tab_and_the_noise_free_toggle(app_page):
    app_page.goto("/preferences?view=policy")
    app_page.plots().first.wait_for(timeout=90_000)
    app_page.page.get_by_role("tab", name="β sweep: DPO vs IPO").click()
    _wait_param(app_page, "view", "beta")
    app_page.page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => t.name.startsWith('π_IPO(best)'))",
        timeout=60_000,
    )
    assert app_page.plots().count() == 1
    dpo = _trace(app_page, "π_DPO(best)")
    assert "no finite optimum" in dpo["name"]
    assert len(dpo["y"]) == 40 and min(dpo["y"]) > 0.9999  # → 1 whatever β
    ipo = _trace(app_page, "π_IPO(best)")["y"]
    assert max(ipo) < 0.9 and ipo[0] > ipo[-1]
    app_page.page.get_by_test_id("stCheckbox").get_by_text("noise-free labels").click()
    _wait_param(app_page, "clean", "0")
    app_page.page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".some(t => t.name === 'π_DPO(best)')",
        timeout=60_000,
    )
    assert max(_trace(app_page, "π_DPO(best)")["y"]) < 0.99
    assert app_page.exceptions().count() == 0


def test_shared_policy_link_restores_its_values(app_page):
    app_page.goto("/preferences?view=beta&beta=1.25&l2=0.02&ref=0.5&clean=0&items=6")
    app_page.plots().first.wait_for(timeout=90_000)
    q = app_page.query()
    assert q["beta"] == "1.25" and q["l2"] == "0.020" and q["ref"] == "0.5"
    assert q["clean"] == "0" and q["view"] == "beta" and q["items"] == "6"
    text = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "λ = 0.020" in text and "Bradley–Terry labels" in text
    assert app_page.page.get_by_role("tab", selected=True).inner_text() == "β sweep: DPO vs IPO"
    assert app_page.exceptions().count() == 0
