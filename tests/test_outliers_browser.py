"""The Robust regression page (url /outliers) in headless Chromium against a real
`streamlit run app.py`."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz.data import regression_data
from lossviz.fit import fit_regression

pytestmark = pytest.mark.browser

N_PLOTS = 5  # scatter, three landscapes, distance to the optimum


def _trace(app_page, plot: int, trace: int, field: str):
    """A field of a trace as the browser holds it (after plotly decoded the float32)."""
    return app_page.page.evaluate(
        "([p, t, f]) => Array.from(document.querySelectorAll('.js-plotly-plot')[p]"
        "._fullData[t][f])",
        [plot, trace, field],
    )


def _wait_plots(app_page) -> None:
    app_page.plots().nth(N_PLOTS - 1).wait_for()
    app_page.page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot').length === {N_PLOTS}"
        " && Array.from(document.querySelectorAll('.js-plotly-plot')).every(p => p._fullData)"
    )


def test_outliers_loads_with_plots_and_no_exception(app_page):
    app_page.goto("/outliers")
    _wait_plots(app_page)
    assert app_page.exceptions().count() == 0
    q = app_page.query()
    assert q["outliers"] == "10" and q["grid"] == "200" and q["step"] == "300"
    # The scatter's Huber and Barron lines are the fits of the same seeded data
    # (traces: inliers, outliers, truth, loss 1, loss 2, loss 3).
    d = regression_data(100, noise=0.5, outlier_fraction=0.1, outlier_magnitude=10.0, seed=0)
    for trace, loss, kw in ((4, "huber", {"delta": 1.0}), (5, "general_robust", {"alpha": -2.0})):
        fit = fit_regression(d.x, d.y, loss, **kw)
        xs = np.array(_trace(app_page, 0, trace, "x"))
        ys = np.array(_trace(app_page, 0, trace, "y"))
        np.testing.assert_allclose(ys, fit.w * xs + fit.b, rtol=1e-5, atol=1e-5)
    main = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "Robust regression" in main and "non-convex (α < 1): local optimum from" in main
    # The landscape is 200 × 200 in the browser.
    z = app_page.page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[1]._fullData[0].z.length"
    )
    assert z == 200


def _drawn_lines(app_page) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The scatter's lines as the browser drew them, by the first word of their legend."""
    traces = app_page.page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[0]._fullData"
        ".filter(t => t.mode === 'lines').map(t => [t.name, Array.from(t.x), Array.from(t.y)])"
    )
    return {name.split(":")[0]: (np.array(x), np.array(y)) for name, x, y in traces}


def test_first_load_draws_mse_pulled_away_from_the_robust_lines(app_page):
    # Issue 11.6: the default view drew three overlapping lines. Over the inliers'
    # x ∈ [−3, 3] MSE's drawn line must now leave the true line by more than twice the
    # noise σ = 0.5, and Huber's and Barron's (Geman–McClure) stay within it.
    app_page.goto("/outliers")
    _wait_plots(app_page)
    lines = {k.split(" (")[0]: v for k, v in _drawn_lines(app_page).items()}
    tx, ty = lines["truth"]
    slope, intercept = np.polyfit(tx, ty, 1)

    def departure(name: str) -> float:
        x, y = lines[name]
        w, b = np.polyfit(x, y, 1)
        return max(abs((w - slope) * e + b - intercept) for e in (-3.0, 3.0))

    assert departure("MSE") > 1.0
    assert departure("Huber") < 0.5 and departure("Barron") < 0.5
    assert departure("Barron") < departure("Huber")  # it ignores the outliers entirely


def test_leverage_first_load_has_no_error_box_and_divergence_is_in_words(app_page):
    app_page.goto("/outliers?kind=leverage")
    _wait_plots(app_page)
    main = app_page.page.locator("[data-testid='stMain']")
    assert app_page.page.locator("[data-testid='stAlert']").count() == 0
    assert "diverged" not in main.inner_text()
    app_page.goto("/outliers?kind=leverage&lr=0.1000")
    _wait_plots(app_page)
    assert app_page.page.locator("[data-testid='stAlert']").count() == 0
    assert app_page.exceptions().count() == 0
    assert "MSE diverged at step" in main.inner_text()


def test_a_slider_change_changes_the_plot_and_the_url(app_page):
    app_page.goto("/outliers?l2.delta=1.00")
    _wait_plots(app_page)
    before = _trace(app_page, 0, 4, "y")  # the Huber line
    slider = app_page.page.get_by_role("slider", name="δ (delta)")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('l2.delta') === '1.25'", timeout=15_000
    )
    _wait_plots(app_page)
    app_page.page.wait_for_function(
        "(b) => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot')[0]"
        "._fullData[4].y)) !== JSON.stringify(b)",
        arg=before,
        timeout=15_000,
    )
    assert app_page.exceptions().count() == 0


def test_the_step_slider_moves_the_path(app_page):
    app_page.goto("/outliers?steps=40&step=40")
    _wait_plots(app_page)
    assert len(_trace(app_page, 1, 2, "x")) == 41  # the path so far: start + 40 steps
    slider = app_page.page.get_by_role("slider", name="show the path up to step")
    slider.focus()
    slider.press("Home")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('step') === '0'", timeout=15_000
    )
    app_page.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot')[1]._fullData[2].x.length === 1",
        timeout=15_000,
    )


def test_shared_url_restores_its_values(app_page):
    app_page.goto(
        "/outliers?n=200&outliers=40&kind=leverage&magnitude=12.0&l2.delta=2.00&opt=adam"
        "&lr=0.050&steps=80&step=20&influence=l1&grid=120&seed=5&l3=quantile&l3.tau=0.75"
    )
    _wait_plots(app_page)
    body = app_page.page.locator("[data-testid='stMain']").inner_text()
    assert "200 points" in body and "40 % of them outliers" in body
    assert "Adam, η = 0.050, 80 steps" in body and "step 20:" in body
    q = app_page.query()
    assert q["kind"] == "leverage" and q["opt"] == "adam" and q["step"] == "20"
    assert q["influence"] == "l1" and q["grid"] == "120" and q["seed"] == "5"
    assert q["l3"] == "quantile" and q["l3.tau"] == "0.75" and "Quantile (τ = 0.75)" in body
    z = app_page.page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot')[1]._fullData[0].z.length"
    )
    assert z == 120
    assert app_page.exceptions().count() == 0


def test_garbage_url_shows_warning_not_traceback(app_page):
    app_page.goto("/outliers?n=%3Cscript%3Ealert(1)%3C/script%3E&lr=NaN&opt=sgd&grid=9999")
    _wait_plots(app_page)
    warning = app_page.page.locator("[data-testid='stAlert']").first.inner_text()
    for name in ("n", "lr", "opt", "grid"):
        assert name in warning
    assert app_page.page.locator("script:text('alert(1)')").count() == 0
    assert app_page.exceptions().count() == 0
    assert app_page.query()["grid"] == "200"


def test_heteroscedastic_quantile_lines_fan_out_beside_the_true_ones(app_page):
    app_page.goto("/outliers?kind=heteroscedastic")
    _wait_plots(app_page)
    assert app_page.exceptions().count() == 0
    lines = _drawn_lines(app_page)
    fitted = [np.polyfit(*lines[f"Quantile (τ = {t})"], 1)[0] for t in ("0.10", "0.50", "0.90")]
    assert fitted[0] < fitted[1] < fitted[2]
    # The true τ = 0.9 line: slope 1 + 0.4·z_0.9, z_0.9 = 1.2816 (normal table).
    w, _ = np.polyfit(*lines["true τ = 0.90"], 1)
    assert w == pytest.approx(1 + 0.4 * 1.2816, abs=1e-3)


def test_the_barron_alpha_slider_moves_the_fit_towards_least_squares(app_page):
    app_page.goto("/outliers?l3.alpha=1.5")
    _wait_plots(app_page)
    slider = app_page.page.get_by_role("slider", name="α (alpha)")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")
    app_page.wait_idle()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('l3.alpha') === '2.0'", timeout=15_000
    )
    _wait_plots(app_page)
    # α = 2 is least squares (Barron 2019, eq. 2): its line is MSE's line.
    app_page.page.wait_for_function(
        "() => { const d = document.querySelectorAll('.js-plotly-plot')[0]._fullData;"
        " return d[5].name.includes('α = 2.0') && JSON.stringify(Array.from(d[5].y))"
        " === JSON.stringify(Array.from(d[3].y)); }",
        timeout=15_000,
    )
    assert app_page.exceptions().count() == 0
