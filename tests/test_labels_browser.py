"""Every title, legend and label drawn on Explore is whole and readable.

Drawing checks only a browser can make: text that Plotly puts outside its figure
is cut off, and a legend drawn over a marker label hides it (found on the landed
app: the KL surface title cut at "σ_P = 1", the focal legend over "z = 0 (p = 0.5)").
"""

from __future__ import annotations

import pytest

from lossviz.registry import REGISTRY

pytestmark = pytest.mark.browser

PAGES = [f"/?loss={k}" for k in REGISTRY] + [
    "/?loss=focal&x=p_t",
    "/?loss=focal&x=p",
    "/?loss=binary_cross_entropy&x=p",
]

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


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("path", PAGES)
def test_titles_legends_and_labels_are_whole_and_do_not_cover_each_other(app_page, path):
    app_page.goto(path)
    app_page.plots().first.wait_for()
    app_page.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(gd => gd._fullLayout && gd._fullLayout._size)"
    )
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
