"""The benchmarks run and measure something (no timing thresholds: DESIGN.md).

Two slider moves on the minimal baseline app, in AppTest and in headless
Chromium; every number must be positive and every move must cost bytes. One drag of a
scrub slider on Explore and of the minimal app's slider.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, StreamlitServer

sys.path.insert(0, str(ROOT))  # `benchmarks` is a top-level folder, not an installed package

from benchmarks import browser as bench_browser
from benchmarks import drag as bench_drag
from benchmarks import rerun as bench_rerun


@pytest.mark.app
@pytest.mark.slow
def test_rerun_benchmark_times_the_minimal_app_and_the_trivial_script():
    for times in (bench_rerun.measure_minimal("curve", 2), bench_rerun.measure_trivial(2)):
        assert len(times) == 2
        assert all(t > 0 for t in times)


@pytest.fixture(scope="module")
def minimal_server():
    server = StreamlitServer(ROOT / "benchmarks" / "minimal_app.py")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["curve", "surface"])
def test_browser_measure_on_the_minimal_app(browser, minimal_server, kind):
    m = bench_browser.measure(f"{minimal_server.url}/?kind={kind}", 0, 2, browser=browser)
    assert m.load_ms > 0 and m.load_bytes > 0
    assert len(m.move_ms) == 2 and all(t > 0 for t in m.move_ms)
    assert all(b > 0 for b in m.move_bytes) and all(b > 0 for b in m.move_sent)
    assert all(m.reran)
    assert m.median_ms > 0 and m.p95_ms > 0 and m.kb_per_move > 0


@pytest.fixture(scope="module")
def app_server():
    server = StreamlitServer(ROOT / "app.py")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_drag_measure_counts_chart_updates_while_the_button_is_down(browser, app_server):
    """A scrub slider dragged: members drawn before the release, then one commit."""
    t = bench_drag.Target("Explore · Huber δ", "/?loss=huber", "δ (delta)")
    m = bench_drag.measure(app_server.url + t.path, t, browser, releases=1)
    assert m.load_ms > 0 and m.load_kb > 0 and m.frames_kb > 0
    assert m.step == 0.05  # δ's slider step (lossviz/registry/regression.py)
    assert m.rates[0] > 0  # the chart moved while the button was down
    assert len(m.release_ms) == 1 and m.release_ms[0] > 0 and m.release_kb[0] > 0


@pytest.mark.browser
@pytest.mark.slow
def test_drag_measure_on_the_minimal_app_sees_no_update_before_release(browser, minimal_server):
    """A Streamlit slider reports only on release: no chart update while dragged."""
    t = bench_drag.Target("minimal", "", "")
    m = bench_drag.measure(f"{minimal_server.url}/?kind=curve", t, browser, 1, streamlit=True)
    assert m.rates == [0.0]
    assert len(m.release_ms) == 1 and m.release_ms[0] > 0
