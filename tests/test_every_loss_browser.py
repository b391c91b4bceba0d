"""Every registered loss renders on Explore, and every Compare entry on its domain, in Chromium.

The registry-wide AppTest suites check the numbers; this checks what only a browser
shows: the page draws its plots with data in them, with no exception and no warning.
"""

from __future__ import annotations

import pytest

from lossviz.compare import DOMAINS, MAX_ENTRIES
from lossviz.registry import REGISTRY

pytestmark = pytest.mark.browser

_DRAWN = """() => {
  const count = (v) => {
    let n = 0;
    for (const e of v || []) {
      if (typeof e === 'number') { if (Number.isFinite(e)) n++; }
      else if (e && e.length !== undefined) { for (const f of e) if (Number.isFinite(f)) n++; }
    }
    return n;
  };
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
    (gd._fullData || []).reduce((n, t) => n + count(t.z || t.y), 0));
}"""


def _check(app_page, path: str, min_plots: int) -> None:
    app_page.goto(path)
    app_page.plots().nth(min_plots - 1).wait_for()
    app_page.page.wait_for_function(
        "(n) => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(gd => gd._fullData).length >= n",
        arg=min_plots,
    )
    drawn = app_page.page.evaluate(_DRAWN)
    assert len(drawn) >= min_plots and all(n > 0 for n in drawn), (path, drawn)
    assert app_page.exceptions().count() == 0, path
    alerts = app_page.page.locator("[data-testid='stAlert']")
    texts = [alerts.nth(i).inner_text() for i in range(alerts.count())]
    assert not [t for t in texts if "not usable" in t], (path, texts)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_loss_renders_on_explore(app_page, key):
    _check(app_page, f"/?loss={key}", 2)  # the curve and the surface


def _compare_paths():
    for dom in DOMAINS.values():
        ids = [o.id for o in dom.options]
        for start in range(0, len(ids), MAX_ENTRIES):
            chunk = ids[start : start + MAX_ENTRIES]
            if len(chunk) < 2:
                chunk = [*chunk, ids[0]]
            entries = "&".join(f"e{i}={o}" for i, o in enumerate(chunk))
            yield pytest.param(
                f"/compare?domain={dom.key}&n={len(chunk)}&{entries}",
                id=f"{dom.key}-{start // MAX_ENTRIES}",
            )


@pytest.mark.parametrize("path", list(_compare_paths()))
@pytest.mark.parametrize("view", ["overlay", "surfaces"])
def test_every_compare_entry_renders_on_its_domain(app_page, path, view):
    n = int(path.split("&n=")[1].split("&")[0])
    _check(app_page, f"{path}&view={view}", 1 if view == "overlay" else n)
