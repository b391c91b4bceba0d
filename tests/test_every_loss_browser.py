"""Every loss renders on Explore, and every Compare entry on its domain in every view, in Chromium.

The registry-wide AppTest suites check the numbers; this checks what only a browser
shows, one page load per page: the plots hold data, with no exception and no warning;
no plot needs a second draw for its margins (tests/test_margins_browser.py says why);
on Explore, every title, legend and label is whole and uncovered.
"""

from __future__ import annotations

import pytest
from _browser_checks import (
    assert_margins_hold_what_is_drawn,
    assert_plots_hold_data,
    assert_texts_whole_and_apart,
    open_drawn,
)

from lossviz.compare import DOMAINS, MAX_ENTRIES
from lossviz.registry import REGISTRY

pytestmark = pytest.mark.browser


def _check(app_page, path: str, min_plots: int) -> None:
    open_drawn(app_page, path, min_plots)
    assert_plots_hold_data(app_page, path, min_plots)
    assert_margins_hold_what_is_drawn(app_page, path)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_loss_renders_on_explore_whole_and_readable(app_page, key):
    path = f"/?loss={key}"
    _check(app_page, path, 2)  # the curve and the surface
    assert_texts_whole_and_apart(app_page, path)


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


# Compare's views, each a tab: (its tab's name, the plots it draws for n entries).
_VIEWS = {
    "overlay": ("Overlay: losses and gradients", lambda n: 1),
    "ratio": ("Ratio to a baseline", lambda n: 1),
    "panels": ("Side by side", lambda n: n),
    "surfaces": ("Surfaces", lambda n: n),
}


@pytest.mark.parametrize("path", list(_compare_paths()))
def test_every_compare_entry_renders_on_its_domain_in_every_view(app_page, path):
    n = int(path.split("&n=")[1].split("&")[0])
    _check(app_page, path, 1)  # the overlay
    for view, (tab, plots) in list(_VIEWS.items())[1:]:
        # The layouts drawn so far: the new view's plots are laid out afresh.
        app_page.page.evaluate(
            "() => { window.__drawn = new Set(Array.from("
            "document.querySelectorAll('.js-plotly-plot'), gd => gd._fullLayout)); }"
        )
        app_page.page.get_by_role("tab", name=tab).click()
        app_page.wait_idle()
        app_page.page.wait_for_function(
            "([view, n]) => new URLSearchParams(location.search).get('view') === view"
            " && document.querySelectorAll('.js-plotly-plot').length === n"
            " && Array.from(document.querySelectorAll('.js-plotly-plot')).every(gd =>"
            " gd._fullLayout && gd._fullLayout._size && !window.__drawn.has(gd._fullLayout))",
            arg=[view, plots(n)],
            timeout=20_000,
        )
        where = f"{path}&view={view}"
        assert_plots_hold_data(app_page, where, plots(n))
        assert_margins_hold_what_is_drawn(app_page, where)
