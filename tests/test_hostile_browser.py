"""Hostile query parameters in a real browser: warned by name, never rendered as HTML.

Every page is opened with *every* one of its query parameters set to an HTML or a
``<script>`` payload that would set ``window.__pwned`` if it ever reached the DOM
as markup. The page must show no exception, a warning naming each parameter, and
no injected element. The parameters are read from the URL each page writes on a
default load, so a new control is covered with no change here (the AppTest
counterpart, with many more values, is tests/test_hostile_urls.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from conftest import IDLE

pytestmark = pytest.mark.browser

PAGES = ["/", "/compare", "/outliers", "/imbalance", "/preferences", "/kl-fit", "/metric"]
PAGES += ["/noise"]
PAYLOADS = {
    "img": '<img src=x onerror="window.__pwned=1">',
    "script": "<script>window.__pwned=1</script>",
}
VIEWPORT = {"width": 1500, "height": 1000}

# Anything the payloads could have put in the DOM: the <img> itself, a <script> with
# their text, or any element carrying their handler.
_INJECTED = """() => ({
  pwned: typeof window.__pwned !== "undefined",
  imgs: document.querySelectorAll("img[src='x']").length,
  scripts: Array.from(document.scripts).filter((s) => s.text.includes("__pwned")).length,
  handlers: Array.from(document.querySelectorAll("[onerror]"))
    .filter((e) => e.getAttribute("onerror").includes("__pwned")).length,
})"""


def _settle(page, timeout: float = 60_000) -> None:
    """The script has run, every plot is drawn, and the page stays idle."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(
        """() => {
          const gds = Array.from(document.querySelectorAll(".js-plotly-plot"));
          return gds.length > 0 && gds.every((gd) => gd._fullData);
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    page.wait_for_selector(IDLE, timeout=timeout)


@pytest.fixture(scope="module")
def page_params(browser, app_server) -> dict[str, list[str]]:
    """Each page's query parameters, as its default load writes them to the URL."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    out = {}
    try:
        for path in PAGES:
            page.goto(app_server.url + path, wait_until="domcontentloaded")
            _settle(page)
            out[path] = sorted(dict(parse_qsl(urlsplit(page.url).query)))
    finally:
        context.close()
    return out


def test_every_page_writes_query_parameters(page_params):
    assert all(page_params[p] for p in PAGES), page_params


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("path", PAGES)
def test_hostile_value_in_every_parameter(browser, app_server, page_params, path, payload):
    names = page_params[path]
    assert names, f"{path} writes no query parameters"
    value = PAYLOADS[payload]
    context = browser.new_context(viewport=VIEWPORT)  # a new session reads the URL
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(
            f"{app_server.url}{path}?{urlencode(dict.fromkeys(names, value))}",
            wait_until="domcontentloaded",
        )
        _settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        alerts = page.locator("[data-testid='stAlert']:has([data-testid='stAlertContentWarning'])")
        assert alerts.count() >= 1, f"no warning on {path}"
        # The warning shows each name as a code span: `name` = `value`: ...
        named = set(alerts.locator("code").all_inner_texts())
        missing = [n for n in names if n not in named]
        assert not missing, f"{path}: no warning names {missing}; code spans: {sorted(named)}"
        # The payload is shown as text (shortened to 40 characters), not as markup.
        assert value[:30] in "\n".join(alerts.all_inner_texts())
        injected = page.evaluate(_INJECTED)
        assert injected == {"pwned": False, "imgs": 0, "scripts": 0, "handlers": 0}, injected
        assert not errors, errors
    finally:
        context.close()


def test_unknown_parameter_on_the_about_page_is_inert(browser, app_server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        query = urlencode({"x": PAYLOADS["img"], "loss": PAYLOADS["script"]})
        page.goto(f"{app_server.url}/about?{query}", wait_until="domcontentloaded")
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator("[data-testid='stException']").count() == 0
        injected = page.evaluate(_INJECTED)
        assert injected == {"pwned": False, "imgs": 0, "scripts": 0, "handlers": 0}, injected
    finally:
        context.close()
