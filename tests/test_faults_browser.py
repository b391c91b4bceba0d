"""A replica killed mid-lecture (issue 16): the page comes back from its link.

One deployment for the module (2 replicas + HAProxy, health check every 0.5 s). In
headless Chromium: open Outliers through HAProxy, move a slider, SIGKILL the replica
that served the page (the affinity cookie names it). Streamlit's client loses its
websocket and reconnects through HAProxy, which sends it to the other replica
(``option redispatch``; the dead one is marked down by the health check); that replica
has no such session, so the page runs anew from the URL, which holds the moved value.
The page shows the same view (the slider at the moved value, the same link, the same
charts) and no error box. Then the replica is restarted on its port and rejoins:
HAProxy marks it up and a new visitor is served by it.

Found here (2026-12-02): Streamlit's client does not rerun on reconnecting, so the page
shown after the kill is the one it had (the same view); the new replica first runs it
at the next move. That first run of a new session took its values from the link, so
the move was undone (the slider snapped back). UrlState now lets the values the browser
sends with a session's first run win over the link
(``lossviz.views.controls._client_widget_keys``);
``test_first_move_after_a_reconnect_applies`` checks that the move is kept.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conftest import IDLE, AppPage  # noqa: E402
from deploy_util import alive, require_haproxy, serve, wait_for  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COOKIE = "LOSSVIZ_REPLICA"
TIMEOUT_MS = 90_000  # generous: CI's machine is small, a shared one slower still


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    require_haproxy()
    d = serve.Deployment(2, run_dir=tmp_path_factory.mktemp("faults"), inter_ms=500, fall=2)
    try:
        yield d
    finally:
        d.stop()


class _App(AppPage):
    def wait_idle(self, timeout: float = TIMEOUT_MS) -> None:
        super().wait_idle(timeout)


def _replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def _view(app: AppPage) -> dict:
    """What the page shows: its link, the values on the sliders' thumbs, the charts."""
    return {
        "query": app.query(),
        "thumbs": app.page.get_by_test_id("stSliderThumbValue").all_inner_texts(),
        "plots": app.plots().count(),
    }


def _move(app: AppPage, presses: int = 1) -> None:
    slider = app.page.get_by_role("slider", name="δ (delta)")
    slider.focus()
    for _ in range(presses):
        slider.press("ArrowRight")
    app.wait_idle()


def _consistent(app: AppPage) -> tuple[str, str]:
    """(the δ in the link, the value on the δ slider's own thumb) once the page is idle
    and the two agree, or after 10 s if they never do (the caller's assertion says how).

    The thumb is found through its slider, not by its place among the page's thumbs: just
    after a reconnect the list can still hold the old run's elements, and the place then
    named another slider ('100', the points slider, was read for δ in a run under load).
    """
    app.page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    delta = app.page.get_by_test_id("stSlider").filter(
        has=app.page.get_by_role("slider", name="δ (delta)")
    )
    seen = ("", "")
    for _ in range(40):
        thumbs = delta.get_by_test_id("stSliderThumbValue").all_inner_texts()
        seen = (app.query().get("l2.delta", ""), thumbs[0] if len(thumbs) == 1 else repr(thumbs))
        if seen[0] == seen[1]:
            break
        app.page.wait_for_timeout(250)
    return seen


def _wait_link(app: AppPage, delta: str) -> None:
    app.page.wait_for_function(
        "(d) => new URL(location.href).searchParams.get('l2.delta') === d",
        arg=delta,
        timeout=TIMEOUT_MS,
    )


def _kill_page_replica(deployment, context) -> tuple[str, dict, str]:
    name = _replica_of(context)
    victim = deployment.replica(name)
    survivor = next(r["name"] for r in deployment.replicas if r["name"] != name)
    os.kill(victim["pid"], signal.SIGKILL)
    assert wait_for(lambda: not alive(victim["pid"]), 10)
    # The client reconnects (through HAProxy, to the survivor): the handshake's
    # response sets the cookie anew.
    assert wait_for(lambda: _replica_of(context) == survivor, 60, 0.25), context.cookies()
    return name, victim, survivor


def _restart(deployment, name: str, victim: dict) -> None:
    deployment.start_replica(name)
    serve.wait_healthy(victim["url"], 90)
    assert serve.warm_pages(victim["url"]) == []
    assert wait_for(lambda: deployment.server_states().get(name) == "UP", 30)


def test_killed_replica_page_comes_back_with_its_view_and_the_replica_rejoins(browser, deployment):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        app = _App(page, deployment.url)
        app.goto("/outliers?l2.delta=1.00")
        _move(app, 3)
        _wait_link(app, "1.15")
        app.plots().first.wait_for()
        before = _view(app)
        assert "1.15" in before["thumbs"] and before["plots"] > 0, before
        assert app.exceptions().count() == 0

        name, victim, _ = _kill_page_replica(deployment, context)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        assert _view(app) == before
        assert app.exceptions().count() == 0
        assert page.get_by_text("Connection error").count() == 0
        # HAProxy takes it out after its health checks fail (fall × (inter + timeout)); the
        # page may have reconnected to the survivor before that (redispatch), so wait.
        assert wait_for(lambda: deployment.server_states()[name] == "DOWN", 30), (
            deployment.server_states()
        )

        # The page works on the survivor, and the first move there is kept.
        _move(app)
        assert _consistent(app) == ("1.20", "1.20")
        assert app.exceptions().count() == 0
        assert app.plots().count() == before["plots"]
    finally:
        context.close()

    # Restart the killed replica on its port: HAProxy's health check brings it back.
    _restart(deployment, name, victim)
    # leastconn: nobody holds a connection now, so of two new visitors the restarted
    # replica serves at least one.
    served = set()
    contexts = [browser.new_context() for _ in range(2)]
    for c in contexts:
        c.set_default_timeout(TIMEOUT_MS)
    try:
        pages = [c.new_page() for c in contexts]
        for p in pages:
            _App(p, deployment.url).goto("/about")
        for c, p in zip(contexts, pages, strict=True):
            served.add(_replica_of(c))
            assert p.locator("[data-testid='stException']").count() == 0
    finally:
        for c in contexts:
            c.close()
    assert name in served, served


def test_first_move_after_a_reconnect_applies(browser, deployment):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    name = victim = None
    try:
        app = _App(context.new_page(), deployment.url)
        app.goto("/outliers?l2.delta=2.00")
        thumbs = app.page.get_by_test_id("stSliderThumbValue")
        thumbs.filter(has_text="2.00").first.wait_for()  # the sidebar drawn, not only idle
        name, victim, _ = _kill_page_replica(deployment, context)
        app.page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        _move(app)
        assert _consistent(app) == ("2.05", "2.05")
    finally:
        context.close()
        if name is not None:
            _restart(deployment, name, victim)
