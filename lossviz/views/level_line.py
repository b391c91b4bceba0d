"""Draw "current value" on a surface map without redrawing the map.

On the Explore page some surfaces have a hyperparameter as their y axis (Huber
over (r, δ), focal over (p_t, γ), contrastive over (d, m)): the map itself does
not depend on that slider, only the dashed line marking its current value does.
If the line were part of the figure, every move of the slider would change the
figure, and Streamlit would mount a new chart and draw the whole map again
(about half the browser's time per move). Instead the figure stays the same
(Streamlit sends a cache reference and keeps the chart), and
:func:`show_level` moves the line in the browser with ``Plotly.relayout``, which
redraws only the line and its label.

The JavaScript is a script-only ``st.components.v2`` component, like
:mod:`lossviz.views.camera`: it finds the plot by its ``layout.uirevision`` and
re-applies the line after any redraw of that plot. Nothing is sent back to the
server.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ data }) {
  const w = window;
  const levels = (w.__lossvizLevels = w.__lossvizLevels || {});
  if (!data || !data.revision) return;
  levels[data.revision] = data;
  const update = (gd) => {
    const want = gd.layout && levels[gd.layout.uirevision];
    if (!want || !gd._fullLayout || !w.Plotly) return;
    const shape = {
      type: "line", xref: "x domain", x0: 0, x1: 1, yref: "y", y0: want.y, y1: want.y,
      line: { color: "#ffffff", dash: "dash", width: 2 },
    };
    const note = {
      xref: "x domain", x: 0, xanchor: "left", yref: "y", y: want.y, yanchor: "bottom",
      text: want.label, showarrow: false, font: { color: "#ffffff", size: 13 },
    };
    const shown = (gd.layout.shapes || [])[0];
    const label = (gd.layout.annotations || [])[0];
    if (shown && label) {  // move the line: redraws only that shape and its label
      if (shown.y0 === want.y && label.text === want.label) return;
      w.Plotly.relayout(gd, {
        "shapes[0].y0": want.y, "shapes[0].y1": want.y,
        "annotations[0].y": want.y, "annotations[0].text": want.label,
      });
    } else {
      w.Plotly.relayout(gd, { shapes: [shape], annotations: [note] });
    }
  };
  const hook = (gd) => {
    if (!gd.__lossvizLevel && typeof gd.on === "function") {
      gd.__lossvizLevel = true;
      gd.on("plotly_afterplot", () => update(gd));
    }
    update(gd);
  };
  const scan = () => w.document.querySelectorAll(".js-plotly-plot").forEach(hook);
  if (!w.__lossvizLevelObserver) {
    w.__lossvizLevelObserver = new w.MutationObserver(scan);
    w.__lossvizLevelObserver.observe(w.document.body, { childList: true, subtree: true });
  }
  scan();
}
"""

_level = st.components.v2.component("lossviz_level_line", js=_JS)


def show_level(revision: str, y: float, label: str) -> None:
    """Mark ``y`` with a dashed line and ``label`` on the 2-D map whose uirevision is
    ``revision`` (invisible element; the line follows every call)."""
    data = {"revision": revision, "y": y, "label": label}
    _level(key=f"lossviz_level_line.{revision}", data=data)
