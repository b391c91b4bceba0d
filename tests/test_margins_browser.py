"""Every plot on every page is drawn once: its margins already hold what it draws.

When an axis title, tick labels, a legend or a colour bar need more room than the
figure's margins, Plotly's automargin grows the margin and draws the whole figure
again (up to three times). Measured in Chromium that was ~40 % of the browser's
time per slider move, so lossviz.figures sizes the margins for what its figures
draw. This test fails if a figure (or its data) outgrows them: Plotly's final plot
area (``_fullLayout._size``) must equal the margins the figure asked for.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/?loss=huber",
    "/?loss=focal&x=p_t",
    "/?loss=focal&3d=1",
    "/?loss=binary_cross_entropy&x=p",
    "/?loss=categorical_cross_entropy",
    "/?loss=kl_divergence",
    "/?loss=contrastive",
    "/?loss=triplet",
    "/?loss=bradley_terry",
    "/compare",
    "/compare?view=ratio",
    "/compare?view=panels",
    "/compare?view=surfaces",
    "/compare?view=surfaces&3d=1",
    "/outliers",
    "/outliers?3d=1",
    "/imbalance",
    "/imbalance?view=probabilities",
    "/imbalance?view=objective",
    "/preferences",
    "/preferences?view=loss",
    "/preferences?view=sweep",
    "/kl-fit",
    "/metric",
    "/metric?view=distances&loss=triplet",
    "/metric?view=training",
]

_MARGINS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd, i) => {
  const fl = gd._fullLayout, m = fl.margin, s = fl._size;
  return [i, [m.l, m.r, m.t, m.b], [s.l, s.r, s.t, s.b].map(Math.round)];
})"""


@pytest.mark.parametrize("path", PAGES)
def test_no_plot_needs_a_second_draw_for_its_margins(app_page, path):
    app_page.goto(path)
    app_page.plots().first.wait_for()
    app_page.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".every(gd => gd._fullLayout && gd._fullLayout._size)"
    )
    rows = app_page.page.evaluate(_MARGINS)
    assert rows, f"no plots on {path}"
    grown = [(i, asked, drawn) for i, asked, drawn in rows if asked != drawn]
    assert not grown, f"{path}: (plot, margins asked l/r/t/b, margins drawn): {grown}"
