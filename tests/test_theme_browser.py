"""Light and dark in a real browser: a link's ``theme=`` is applied on every page and
kept across a reload and on a link to another page; a pick in Streamlit's menu sticks
on every page; a bad ``theme=`` warns; axis and tick text (SVG, and a 3-D scene's WebGL
text) is ≥ 4.5:1 (WCAG 2.1 AA, 1.4.3) against the page's background in both themes.

One server for the module (conftest's ``app_server``); each test opens its own browser
context (fresh localStorage, the system setting it names).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from _browser_checks import open_drawn
from conftest import AppPage
from test_margins_browser import PAGES as MARGIN_PAGES

pytestmark = pytest.mark.browser

# One link per page of tests/test_margins_browser.py's PAGES (its first for each path).
PAGES: list[str] = []
for _link in MARGIN_PAGES:
    if urlsplit(_link).path not in {urlsplit(p).path for p in PAGES}:
        PAGES.append(_link)

# Streamlit 1.67's two backgrounds ([data-testid=stApp]); a light theme's is lighter.
WHITE = (255, 255, 255)

# Every cartesian axis's tick labels and title and the colour bars' (SVG text).
_TEXTS = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const out = [];
  const bgOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const chart of document.querySelectorAll('.stPlotlyChart')) {
    const bg = bgOf(chart);
    const sel = '.xtick text, .ytick text, .cbaxis text, text[class*="title"]';
    for (const t of chart.querySelectorAll('.main-svg ' + sel)) {
      if (!t.textContent.trim() || t.getBBox().width === 0) continue;
      const s = getComputedStyle(t);
      out.push({text: t.textContent.slice(0, 30), cls: t.getAttribute('class') || '',
                fill: rgb(s.fill), opacity: Number(s.fillOpacity) * Number(s.opacity),
                size: parseFloat(s.fontSize), bg});
    }
  }
  return out;
}"""


def _luminance(rgb) -> float:
    """WCAG 2.1 relative luminance (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""
    lin = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
           for c in rgb]  # fmt: skip
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg, bg, alpha: float = 1.0) -> float:
    """WCAG contrast ratio of ``fg`` drawn at ``alpha`` over ``bg``."""
    shown = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]
    hi, lo = sorted((_luminance(shown), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def background(app: AppPage) -> tuple[int, ...]:
    c = app.page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
    )
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", c)[:3])


def is_dark(app: AppPage) -> bool:
    return _luminance(background(app)) < 0.2


def wait_theme(app: AppPage, dark: bool) -> None:
    """Wait (no sleep) until the page shows the theme, after the one reload it may take."""
    app.page.wait_for_function(
        "(dark) => { const c = getComputedStyle(document.querySelector('[data-testid=stApp]'))"
        ".backgroundColor.match(/[\\d.]+/g).map(Number);"
        " const l = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;"
        " return dark ? l < 0.3 : l > 0.7; }",
        arg=dark,
        timeout=30_000,
    )
    app.wait_idle()


def wait_drawn(app: AppPage) -> None:
    """The page's plots laid out (after a reload, without loading it again)."""
    app.wait_idle()
    app.plots().first.wait_for()
    app.page.wait_for_function(
        "() => { const gds = Array.from(document.querySelectorAll('.js-plotly-plot'));"
        " return gds.length > 0 && gds.every(gd => gd._fullLayout && gd._fullLayout._size); }"
    )


def open_in(app: AppPage, path: str, dark: bool) -> None:
    """Open ``path`` and wait for the theme (its one reload, if any) and the plots."""
    open_drawn(app, path)
    wait_theme(app, dark)
    wait_drawn(app)


def assert_axis_text_legible(app: AppPage, path: str, dark: bool) -> None:
    texts = app.page.evaluate(_TEXTS)
    assert any("tick" in (t["cls"] or "") or t["cls"] == "" for t in texts), (path, texts[:3])
    bad = [
        (t["text"], t["fill"], t["bg"], round(contrast(t["fill"], t["bg"], t["opacity"]), 2))
        for t in texts
        if contrast(t["fill"], t["bg"], t["opacity"]) < 4.5
    ]
    assert not bad, (path, "dark" if dark else "light", bad[:5])
    assert (_luminance(texts[0]["bg"]) < 0.2) == dark, (path, texts[0]["bg"])


def no_unusable_warning(app: AppPage) -> bool:
    alerts = app.page.locator("[data-testid='stAlert']")
    return not any("not usable" in alerts.nth(i).inner_text() for i in range(alerts.count()))


@pytest.fixture
def light_system(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="light")
    try:
        yield AppPage(context.new_page(), app_server.url)
    finally:
        context.close()


@pytest.mark.parametrize("i", range(len(PAGES)), ids=[urlsplit(p).path for p in PAGES])
def test_a_links_theme_is_kept_across_a_reload_and_on_another_page(light_system, i):
    app, path = light_system, PAGES[i]
    other = PAGES[(i + 1) % len(PAGES)]
    sep = "&" if "?" in path else "?"
    open_in(app, f"{path}{sep}theme=dark", dark=True)  # a light system, a dark link
    assert no_unusable_warning(app), path  # theme= is a parameter of every page
    assert_axis_text_legible(app, path, dark=True)
    app.page.reload()
    wait_drawn(app)
    assert is_dark(app), f"{path}: the theme was lost on reload"
    open_drawn(app, other)  # a shared link to another page, without theme=
    assert is_dark(app), f"{path} → {other}: the theme was lost on another page"
    sep = "&" if "?" in other else "?"
    open_in(app, f"{other}{sep}theme=light", dark=False)
    assert_axis_text_legible(app, other, dark=False)


def test_a_theme_picked_in_the_menu_sticks_on_every_page(light_system):
    app = light_system
    open_drawn(app, "/compare")
    assert not is_dark(app)
    app.page.locator("[data-testid=stMainMenu] button, [data-testid=stMainMenu]").first.click()
    app.page.locator("[data-testid='stMainMenuItem-theme-Dark']").click()
    wait_theme(app, dark=True)
    # lossviz copies the pick to every page's key (within half a second).
    app.page.wait_for_function("localStorage.getItem('stActiveTheme-/outliers-v2') === '\"Dark\"'")
    open_drawn(app, "/outliers")
    assert is_dark(app)
    app.page.reload()
    app.wait_idle()
    assert is_dark(app)


def test_a_bad_theme_warns_naming_it_and_the_default(light_system):
    app = light_system
    open_drawn(app, "/compare?theme=purple")
    alerts = app.page.locator("[data-testid='stAlert']")
    alerts.first.wait_for()
    text = " ".join(alerts.nth(i).inner_text() for i in range(alerts.count()))
    assert "theme" in text and "purple" in text, text
    assert "light, dark, system" in text and "default" in text, text
    assert not is_dark(app)  # the default: the system setting (light here)


# A 3-D scene's axis text is drawn by WebGL from the layout (no SVG text to read): its
# colours as Plotly resolved them, for each axis of each scene on the page.
_SCENE_TEXT = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter((gd) => gd._fullLayout && gd._fullLayout.scene)
  .flatMap((gd) => Object.keys(gd._fullLayout).filter((k) => /^scene\\d*$/.test(k))
    .flatMap((s) => ['xaxis', 'yaxis', 'zaxis'].map((a) => {
      const ax = gd._fullLayout[s][a];
      return {axis: s + '.' + a, tick: ax.tickfont.color, title: ax.title.font.color};
    })))"""


def _colour(css: str) -> tuple[int, ...]:
    """``#rrggbb`` or ``rgb(r, g, b)`` → (r, g, b)."""
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/?loss=contrastive&3d=1", "/compare?view=surfaces&3d=1"])
def test_3d_axis_text_is_legible_in_both_themes(browser, app_server, scheme, path):
    # Streamlit's Plotly template gives 3-D axis text #808495: 3.7:1 on white.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme=scheme)
    try:
        app = AppPage(context.new_page(), app_server.url)
        open_drawn(app, path)
        wait_theme(app, dark=scheme == "dark")
        bg = background(app)
        js = _SCENE_TEXT.replace("\n", " ")
        app.page.wait_for_function(f"() => ({js})().length >= 3")

        def low() -> list:
            return [
                (t["axis"], which, t[which], round(contrast(_colour(t[which]), bg), 2))
                for t in app.page.evaluate(_SCENE_TEXT)
                for which in ("tick", "title")
                if contrast(_colour(t[which]), bg) < 4.5
            ]

        # theme.js sets the colour right after a plot's draw (no sleep: poll up to 10 s).
        for _ in range(50):
            if not low():
                break
            app.page.wait_for_timeout(200)
        assert not low(), (path, scheme, bg, low()[:4])
    finally:
        context.close()
