"""Scrubbing in Chromium: the charts follow a slider while it is dragged, with exact numbers.

A real `streamlit run app.py` and headless Chromium: the mouse drags a scrub-bar slider
and the test reads the Plotly chart's data before the button is released (it must
already show the member at the dragged value, equal to the core loss there), then
checks that the release writes the link. Keys, play and Compare the same way.
"""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import compare, losses

pytestmark = pytest.mark.browser

_TRACE = """([plot, i]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[plot];
  const t = gd._fullData[i];
  return {y: Array.from(t.y), x0: t.x0, dx: t.dx, x: t.x ? Array.from(t.x) : null,
          title: gd.layout.title && gd.layout.title.text, name: t.name};
}"""


def _trace(app_page, plot: int, i: int) -> dict:
    return app_page.page.evaluate(_TRACE, [plot, i])


def _xs(t: dict) -> np.ndarray:
    if t["x"] is not None:
        return np.asarray(t["x"], dtype=float)
    return t["x0"] + t["dx"] * np.arange(len(t["y"]))


def _slider(app_page, label: str):
    return app_page.page.get_by_role("slider", name=label, exact=True)


def _drag_to(app_page, slider, fraction: float) -> None:
    """Press the slider's thumb, hold it and move to ``fraction`` of the track (no release)."""
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    now = float(slider.get_attribute("aria-valuenow"))
    lo = float(slider.get_attribute("aria-valuemin"))
    hi = float(slider.get_attribute("aria-valuemax"))
    pad = 8
    width = box["width"] - 2 * pad
    start = box["x"] + pad + width * (now - lo) / (hi - lo)
    app_page.page.mouse.move(start, y)
    app_page.page.mouse.down()
    target = box["x"] + pad + width * fraction
    for k in range(1, 11):
        app_page.page.mouse.move(start + (target - start) * k / 10, y)
        app_page.page.wait_for_timeout(30)


def _wait_frames(app_page, slider) -> None:
    """Hover a slider and wait until its frames have arrived (the browser asks on hover)."""
    slider.hover()
    app_page.page.wait_for_timeout(200)
    app_page.wait_idle()


def test_dragging_a_hyperparameter_moves_the_curve_before_release(app_page):
    app_page.goto("/?loss=huber&delta=1.00")
    app_page.plots().first.wait_for()
    delta = _slider(app_page, "δ (delta)")
    assert delta.get_attribute("aria-valuetext") == "δ = 1.00"
    _wait_frames(app_page, delta)
    _drag_to(app_page, delta, 0.5)
    dragged = float(delta.get_attribute("aria-valuenow"))
    assert dragged > 2.0
    app_page.page.wait_for_function(
        "(v) => document.querySelectorAll('.js-plotly-plot')[0].layout.title.text"
        ".includes('δ = ' + v)",
        arg=f"{dragged:.2f}",
        timeout=5_000,
    )
    # Before the release: the chart already holds the core's numbers at the dragged δ.
    loss = _trace(app_page, 0, 0)
    grad = _trace(app_page, 0, 1)
    x = _xs(loss)
    np.testing.assert_allclose(loss["y"], losses.huber(0.0, x, delta=dragged), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        grad["y"], losses.huber_grad(0.0, x, delta=dragged), rtol=1e-6, atol=1e-7
    )
    assert app_page.query()["delta"] == "1.00"  # nothing committed yet
    # The surface's "current δ" line followed too.
    line = app_page.page.locator(".lossviz-level").first
    assert float(line.get_attribute("data-y")) == pytest.approx(dragged)
    app_page.page.mouse.up()
    app_page.page.wait_for_function(
        "(v) => new URL(location.href).searchParams.get('delta') === v",
        arg=f"{dragged:.2f}",
        timeout=15_000,
    )
    app_page.wait_idle()
    after = _trace(app_page, 0, 0)
    assert len(after["y"]) == 801  # the committed curve: every point again
    assert app_page.exceptions().count() == 0


_DRAWN = """(plot) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[plot];
  const lines = [...gd.querySelectorAll('.scatterlayer .trace')].map(
      t => [t.__data__[0].trace.index, (t.querySelector('path.js-line') || {}).getAttribute('d')]);
  const shapes = [...gd.querySelectorAll('.shapelayer path')].filter(
      p => p.style.display !== 'none').map(p => [+p.dataset.index, p.getAttribute('d')]);
  const labels = [...gd.querySelectorAll('.annotation')].filter(a => a.style.display !== 'none')
      .map(a => [+a.dataset.index, a.textContent,
                 a.querySelector('.annotation-text-g > g').getAttribute('transform')]);
  return {lines, shapes, labels, title: gd.querySelector('.gtitle').textContent,
          range: gd._fullLayout.yaxis.range.slice()};
}"""


def _polyline(d: str) -> list[np.ndarray]:
    """An SVG path of M/L commands as its pieces, each an (n, 2) array of vertices."""
    pieces = []
    for part in d.replace("M", "|M").split("|"):
        if part:
            pts = [tuple(map(float, p.split(","))) for p in part[1:].split("L")]
            pieces.append(np.array(pts))
    return pieces


def _distance_to(points: np.ndarray, pieces: list[np.ndarray]) -> np.ndarray:
    """Each point's distance to the nearest segment of a polyline."""
    best = np.full(len(points), np.inf)
    for piece in pieces:
        a, b = piece[:-1], piece[1:]
        if not len(a):
            best = np.minimum(best, np.hypot(*(points - piece[0]).T))
            continue
        ab = b - a
        t = np.clip(
            np.einsum("pkd,kd->pk", points[:, None, :] - a[None], ab)
            / np.maximum((ab**2).sum(1), 1e-12),
            0,
            1,
        )
        near = a[None] + t[..., None] * ab[None]
        best = np.minimum(best, np.hypot(*(points[:, None, :] - near).transpose(2, 0, 1)).min(1))
    return best


def test_a_member_drawn_in_place_is_what_plotly_draws(app_page):
    """During a drag the page writes the member into Plotly's SVG itself; Plotly's own
    redraw of the same data and layout must put every line, marker line and label where
    the page put them (to a pixel), and the y axis holds every member of the family."""
    app_page.goto("/?loss=huber&delta=1.00")
    app_page.plots().first.wait_for()
    delta = _slider(app_page, "δ (delta)")
    _wait_frames(app_page, delta)
    _drag_to(app_page, delta, 0.6)
    dragged = float(delta.get_attribute("aria-valuenow"))
    app_page.page.wait_for_timeout(300)
    ours = app_page.page.evaluate(_DRAWN, 0)
    # δ up to 5: the gradient's cap ±δ and the loss at r = 4 must be in view while held.
    assert ours["range"][1] >= losses.huber(0.0, 4.0, delta=dragged)
    app_page.page.evaluate("() => Plotly.redraw(document.querySelectorAll('.js-plotly-plot')[0])")
    app_page.page.wait_for_timeout(300)
    plotly = app_page.page.evaluate(_DRAWN, 0)
    assert ours["title"] == plotly["title"] and f"δ = {dragged:.2f}" in ours["title"]
    theirs = dict(plotly["lines"])
    for index, d in ours["lines"]:
        mine = np.concatenate(_polyline(d))
        # Plotly drops vertices within max(line width, 3)/4 px of its simplified line
        # (plotly.js src/traces/scatter/line_points.js, `baseTolerance`): 0.75 px here.
        assert _distance_to(mine, _polyline(theirs[index])).max() < 1.0, index
    assert [i for i, _ in ours["shapes"]] == [i for i, _ in plotly["shapes"]]
    for (_, a), (_, b) in zip(ours["shapes"], plotly["shapes"], strict=True):
        np.testing.assert_allclose(
            np.concatenate(_polyline(a)), np.concatenate(_polyline(b)), atol=0.6
        )
    assert [lab[:2] for lab in ours["labels"]] == [lab[:2] for lab in plotly["labels"]]
    for (_, _, a), (_, _, b) in zip(ours["labels"], plotly["labels"], strict=True):
        xy = [np.array(t[10:-1].split(","), dtype=float) for t in (a, b)]  # translate(x,y)
        np.testing.assert_allclose(xy[0], xy[1], atol=1.0)
    app_page.page.mouse.up()
    assert app_page.exceptions().count() == 0


def test_keys_step_page_and_jump_and_commit(app_page):
    app_page.goto("/?loss=huber&delta=1.00")
    app_page.plots().first.wait_for()
    delta = _slider(app_page, "δ (delta)")
    _wait_frames(app_page, delta)
    delta.focus()
    for _ in range(3):
        delta.press("ArrowRight")
    assert delta.get_attribute("aria-valuenow") == "1.15"
    assert delta.get_attribute("aria-valuetext") == "δ = 1.15"
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('delta') === '1.15'", timeout=15_000
    )
    app_page.wait_idle()
    delta = _slider(app_page, "δ (delta)")
    delta.focus()
    delta.press("PageUp")  # ten steps
    assert delta.get_attribute("aria-valuenow") == "1.65"
    delta.press("End")
    assert delta.get_attribute("aria-valuenow") == "5"
    delta.press("Home")
    assert delta.get_attribute("aria-valuenow") == "0.05"
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('delta') === '0.05'", timeout=15_000
    )


def test_play_sweeps_the_probe_and_pause_commits_the_frame(app_page):
    app_page.goto("/?loss=huber&x0=-4.00")
    app_page.plots().first.wait_for()
    probe = _slider(app_page, "probe x₀: r")
    _wait_frames(app_page, probe)
    play = app_page.page.get_by_role("button", name="Play: sweep probe x₀: r")
    before = app_page.page.evaluate("() => window.__lossvizScrubUpdates || 0")
    play.click()
    # The frame rate is the benchmark's business (python -m benchmarks); here: it plays.
    app_page.page.wait_for_function(
        "(n) => (window.__lossvizScrubUpdates || 0) >= n", arg=before + 10, timeout=15_000
    )
    at = float(probe.get_attribute("aria-valuenow"))
    assert at > -4.0
    play.click()  # pause: the frame shown is committed to the link
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('x0') !== '-4.00'", timeout=15_000
    )
    assert float(app_page.query()["x0"]) >= at


def test_dragging_a_compare_entry_moves_its_overlay_curve_before_release(app_page):
    app_page.goto("/compare?domain=binary&x=p_t&n=3&e1=focal&e1.gamma=2.0&e1.alpha_on=0")
    app_page.plots().first.wait_for()
    gamma = _slider(app_page, "γ (gamma)").first
    _wait_frames(app_page, gamma)
    _drag_to(app_page, gamma, 0.9)
    dragged = float(gamma.get_attribute("aria-valuenow"))
    app_page.page.wait_for_function(
        "(v) => document.querySelectorAll('.js-plotly-plot')[0].data[2].name.includes(v)",
        arg=f"γ = {dragged:.1f}",
        timeout=5_000,
    )
    b = _trace(app_page, 0, 2)
    x = _xs(b)
    want, _ = compare.evaluate("binary", "focal", x, {"gamma": dragged, "alpha": None}, axis="p_t")
    np.testing.assert_allclose(b["y"], want, rtol=1e-6, atol=1e-7)
    assert app_page.query()["e1.gamma"] == "2.0"
    app_page.page.mouse.up()
    app_page.page.wait_for_function(
        "(v) => new URL(location.href).searchParams.get('e1.gamma') === v",
        arg=f"{dragged:.1f}",
        timeout=15_000,
    )
    assert app_page.exceptions().count() == 0


def test_play_replays_the_optimisers_path_on_the_outliers_landscapes(app_page):
    app_page.goto("/outliers?steps=200&step=0")
    app_page.plots().first.wait_for()
    step = _slider(app_page, "show the path up to step")
    _wait_frames(app_page, step)
    # The first landscape (loss 1, MSE): trace 2 is the path up to the step, 1 point at step 0.
    land = (
        "Array.from(document.querySelectorAll('.js-plotly-plot')).find(gd =>"
        " gd.layout.uirevision === 'outliers.land.l1.2d')"
    )
    assert app_page.page.evaluate(f"() => ({land})._fullData[2].x.length") == 1
    play = app_page.page.get_by_role("button", name="Play: sweep show the path up to step")
    play.click()
    app_page.page.wait_for_function(f"() => ({land}).data[2].x.length >= 10", timeout=15_000)
    play.click()  # pause: the step shown is committed
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('step') !== '0'", timeout=15_000
    )
    shown = int(app_page.query()["step"])
    app_page.wait_idle()
    # The committed page draws the same path, up to the same step.
    n = app_page.page.evaluate(f"() => ({land})._fullData[2].x.length")
    assert n == shown + 1
    assert app_page.exceptions().count() == 0


def test_play_replays_training_on_the_metric_learning_embedding(app_page):
    app_page.goto("/metric?steps=100&t=0")
    app_page.plots().first.wait_for()
    step = _slider(app_page, "show step")
    _wait_frames(app_page, step)
    during = (
        "Array.from(document.querySelectorAll('.js-plotly-plot')).find(gd =>"
        " gd.layout.uirevision.endsWith('.contrastive'))"
    )
    before = app_page.page.evaluate(f"() => Array.from(({during})._fullData[0].x)")
    app_page.page.get_by_role("button", name="Play: sweep show step").click()
    app_page.page.wait_for_function(
        f"() => ({during}).layout.annotations[0].text !== 'step 0 of 100'", timeout=15_000
    )
    app_page.page.wait_for_timeout(500)
    moved = app_page.page.evaluate(f"() => Array.from(({during}).data[0].x)")
    assert moved != before  # the points moved with training, in the browser
    app_page.page.get_by_role("button", name="Play: sweep show step").click()
    app_page.page.wait_for_function(
        "() => new URL(location.href).searchParams.get('t') !== '0'", timeout=15_000
    )
    assert app_page.exceptions().count() == 0
