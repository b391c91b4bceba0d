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


#: A phone, and a laptop narrower than the projector the pages were laid out on.
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 720)}
#: Every size a test opens a page at, by name (conftest's ``sized_page``).
SIZES = {**VIEWPORTS, "projector": (1440, 900)}

# [plot, what, text, [left, top, right, bottom]] relative to the plot's own box, for every
# title, axis title, subplot title or label, legend entry, text on a trace and tick label
# (ticks keyed by their subplot, so that two panels' ticks running together are found).
PLOT_TEXT = r"""() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap((gd, i) => {
  const root = gd.getBoundingClientRect();
  const box = (el) => { const r = el.getBoundingClientRect();
    return [r.left - root.left, r.top - root.top, r.right - root.left, r.bottom - root.top]; };
  const out = [[i, 'plot', '', [0, 0, root.width, root.height]]];
  const add = (sel, what) => gd.querySelectorAll(sel).forEach(
    t => out.push([i, what, t.textContent, box(t)]));
  add('.gtitle', 'title');
  add('.g-xtitle text, .g-ytitle text, [class*="g-x"][class*="title"] text', 'axis title');
  add('.annotation-text', 'label');
  add('.legend .traces .legendtext', 'legend');
  // Text on a trace is clipped at its subplot's plot area, not at the figure's edge.
  gd.querySelectorAll('.cartesianlayer .subplot').forEach(sp => {
    const id = Array.from(sp.classList).find(c => /^x\d*y\d*$/.test(c));
    if (!id) return;
    const [, xn, yn] = id.match(/^x(\d*)y(\d*)$/);
    const xa = gd._fullLayout['xaxis' + xn], ya = gd._fullLayout['yaxis' + yn];
    const area = [xa._offset, ya._offset, xa._offset + xa._length, ya._offset + ya._length];
    sp.querySelectorAll('.textpoint text').forEach(t => {
      out.push([i, 'trace text', t.textContent, box(t)]);
      out.push([i, 'area of ' + t.textContent, '', area]);
    });
  });
  gd.querySelectorAll('.cartesianlayer .subplot').forEach(sp => sp.querySelectorAll(
    '.xtick text').forEach(t => out.push([i, 'tick ' + sp.getAttribute('class'),
    t.textContent, box(t)])));
  return out;
})"""

# [what, text, overflow in px] of every table and formula wider than the block it sits in.
BLOCKS = """() => {
  const out = [];
  const main = document.querySelector("[data-testid='stMain']");
  const check = (el, what) => {
    const holder = el.closest("[data-testid='stElementContainer']") || el.parentElement;
    const over = el.getBoundingClientRect().right - holder.getBoundingClientRect().right;
    const inner = el.scrollWidth - el.clientWidth;
    if (over > 1 || inner > 1) out.push([what, el.textContent.slice(0, 60), Math.max(over, inner)]);
  };
  main.querySelectorAll('table').forEach(t => check(t, 'table'));
  main.querySelectorAll('.katex-display').forEach(k => check(k, 'formula'));
  return out;
}"""


def assert_laid_out(app_page, path: str, *, trace_text: str = "area", ticks: bool = True) -> None:
    """Nothing on a page runs past its box or over another, once its plots are laid out.

    No table or formula wider than its block; every title, axis title, label and legend
    entry inside its plot; text on a trace inside its subplot's area (``trace_text=
    "area"``), inside the plot (``"plot"``) or anywhere (``"skip"``); no two texts of
    one plot over each other, tick labels included unless ``ticks=False`` (ticks of one
    subplot may touch each other: Plotly spaces them).
    """
    app_page.plots().first.wait_for()
    app_page.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(gd => gd._fullLayout && gd._fullLayout._size)"
    )
    app_page.page.wait_for_timeout(300)  # KaTeX and the last relayout
    assert app_page.exceptions().count() == 0, path
    assert app_page.page.evaluate(BLOCKS) == [], path
    rows = app_page.page.evaluate(PLOT_TEXT)
    plots = {i: b for i, what, _, b in rows if what == "plot"}
    areas = {(i, w[len("area of ") :]): b for i, w, _, b in rows if w.startswith("area of ")}
    texts = [
        (i, w, t, b)
        for i, w, t, b in rows
        if w != "plot"
        and t.strip()
        and not w.startswith("area of ")
        and not (w.startswith("tick") and not ticks)
    ]
    for i, what, text, b in texts:
        if what.startswith("tick") or (what == "trace text" and trace_text == "skip"):
            continue  # Plotly places ticks inside the figure by construction
        if what == "trace text" and trace_text == "area":
            frame = areas[i, text]
        else:
            frame = [0, 0, plots[i][2], plots[i][3]]
        assert (
            b[0] >= frame[0] - 1
            and b[1] >= frame[1] - 1
            and b[2] <= frame[2] + 1
            and b[3] <= frame[3] + 1
        ), (path, what, text, b, frame)
    for n, (i, what, text, b) in enumerate(texts):
        for j, what2, text2, b2 in texts[n + 1 :]:
            if i != j or (what == what2 and what.startswith("tick")):
                continue
            assert not _overlap(b, b2), (path, (what, text), (what2, text2))
