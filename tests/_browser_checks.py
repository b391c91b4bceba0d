"""What a page must look like once drawn, checked in Chromium: shared by the browser tests.

Each check takes an :class:`AppPage` already on the page, so one page load can
serve all of them (every loss on Explore is loaded once, not once per check).
"""

from __future__ import annotations

# Finite numbers each plot draws (in y, or z for surfaces): a plot with none is empty.
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

# [plot index, what, text, [left, top, right, bottom]] of every title, legend and
# annotation, relative to its plot's own box.
_BOXES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap((gd, i) => {
  const root = gd.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - root.left, r.top - root.top, r.right - root.left, r.bottom - root.top]; };
  const out = [];
  gd.querySelectorAll('.gtitle').forEach(t => out.push([i, 'title', t.textContent, box(t)]));
  gd.querySelectorAll('.legend .traces').forEach(
    t => out.push([i, 'legend', t.textContent, box(t)]));
  gd.querySelectorAll('.annotation-text').forEach(
    t => out.push([i, 'label', t.textContent, box(t)]));
  out.push([i, 'plot', '', [0, 0, root.width, root.height]]);
  return out;
})"""

# The margins each figure asked for and the ones Plotly drew with (automargin grows them).
_MARGINS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd, i) => {
  const fl = gd._fullLayout, m = fl.margin, s = fl._size;
  return [i, [m.l, m.r, m.t, m.b], [s.l, s.r, s.t, s.b].map(Math.round)];
})"""


def open_drawn(app_page, path: str, min_plots: int = 1) -> None:
    """Load ``path`` and wait until at least ``min_plots`` plots are laid out."""
    app_page.goto(path)
    app_page.plots().nth(min_plots - 1).wait_for()
    app_page.page.wait_for_function(
        "(n) => { const gds = Array.from(document.querySelectorAll('.js-plotly-plot'));"
        " return gds.length >= n && gds.every(gd => gd._fullLayout && gd._fullLayout._size); }",
        arg=min_plots,
    )


def assert_plots_hold_data(app_page, path: str, min_plots: int) -> None:
    """Every plot draws finite numbers; no exception, no "not usable" warning on the page."""
    drawn = app_page.page.evaluate(_DRAWN)
    assert len(drawn) >= min_plots and all(n > 0 for n in drawn), (path, drawn)
    assert app_page.exceptions().count() == 0, path
    alerts = app_page.page.locator("[data-testid='stAlert']")
    texts = [alerts.nth(i).inner_text() for i in range(alerts.count())]
    assert not [t for t in texts if "not usable" in t], (path, texts)


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def assert_texts_whole_and_apart(app_page, path: str) -> None:
    """Titles, legends and marker labels lie inside their plot and do not cover each other."""
    rows = app_page.page.evaluate(_BOXES)
    plots = {i: b for i, what, _, b in rows if what == "plot"}
    texts = [(i, what, text, b) for i, what, text, b in rows if what != "plot" and text.strip()]
    assert any(what == "title" for _, what, _, _ in texts), path
    for i, what, text, b in texts:
        w, h = plots[i][2], plots[i][3]
        assert b[0] >= -1 and b[1] >= -1 and b[2] <= w + 1 and b[3] <= h + 1, (path, what, text)
    for i, what, text, b in texts:
        for j, what2, text2, b2 in texts:
            if i != j or (what, text) >= (what2, text2) or what == what2 == "legend":
                continue
            assert not _overlap(b, b2), (path, (what, text), (what2, text2))


def assert_margins_hold_what_is_drawn(app_page, path: str) -> None:
    """No plot was drawn a second time because automargin had to grow its margins."""
    rows = app_page.page.evaluate(_MARGINS)
    assert rows, f"no plots on {path}"
    grown = [(i, asked, drawn) for i, asked, drawn in rows if asked != drawn]
    assert not grown, f"{path}: (plot, margins asked l/r/t/b, margins drawn): {grown}"
