"""Draw "current value" on a surface map without redrawing the map.

On the Explore page some surfaces have a hyperparameter as their y axis (Huber
over (r, δ), focal over (p_t, γ), contrastive over (d, m)): the map itself does
not depend on that slider, only the dashed line marking its current value does.
If the line were part of the figure, every move of the slider would change the
figure, and Streamlit would mount a new chart and draw the whole map again.
Moving a Plotly shape is no cheaper: ``Plotly.relayout`` of a shape's position
replots the whole figure (~40 ms for a 160² contour map, measured in Chromium).

So the figure stays the same (Streamlit sends a cache reference and keeps the
chart), and :func:`show_level` draws the line as a small HTML element over the
plot, placed with the plot's own axis mapping (``_fullLayout.yaxis.l2p``) and
re-placed after every redraw, zoom or pan of that plot. It is not part of the
figure, so Plotly's "download as PNG" leaves it out.

The JavaScript is a script-only ``st.components.v2`` module, like
:mod:`lossviz.views.camera`: it finds the plot by its ``layout.uirevision``. The
label is set with ``textContent`` (never parsed as HTML). Nothing is sent back to
the server.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function ({ data }) {
  const w = window;
  const doc = w.document;
  const levels = (w.__lossvizLevels = w.__lossvizLevels || {});
  if (!data || !data.revision) return;
  levels[data.revision] = data;
  const place = (gd) => {
    const want = gd.layout && levels[gd.layout.uirevision];
    const fl = gd._fullLayout;
    let line = gd.querySelector(":scope > .lossviz-level");
    if (!want || !fl || !fl.xaxis || !fl.yaxis || fl.scene) {
      if (line) line.remove();
      return;
    }
    if (!line) {
      line = doc.createElement("div");
      line.className = "lossviz-level";
      line.style.cssText =
        "position:absolute;height:0;border-top:2px dashed #ffffff;pointer-events:none;z-index:1";
      const label = doc.createElement("span");
      label.style.cssText =
        "position:absolute;left:2px;bottom:2px;color:#ffffff;font-size:13px;white-space:nowrap";
      line.appendChild(label);
      if (w.getComputedStyle(gd).position === "static") gd.style.position = "relative";
      gd.appendChild(line);
    }
    const xa = fl.xaxis;
    const ya = fl.yaxis;
    const top = ya._offset + ya.l2p(want.y);
    const inside = top >= ya._offset - 0.5 && top <= ya._offset + ya._length + 0.5;
    line.style.display = inside ? "block" : "none";
    line.style.left = xa._offset + "px";
    line.style.width = xa._length + "px";
    line.style.top = top - 1 + "px";
    line.dataset.y = String(want.y);
    const label = line.firstChild;
    label.style.fontFamily = (fl.font && fl.font.family) || "sans-serif";
    // Only on change: a new text node is a DOM mutation, which would wake scan() again.
    if (label.textContent !== want.label) label.textContent = want.label;
  };
  const hook = (gd) => {
    if (!gd.__lossvizLevel && typeof gd.on === "function") {
      gd.__lossvizLevel = true;
      gd.on("plotly_afterplot", () => place(gd));
      gd.on("plotly_relayout", () => place(gd));
    }
    if (gd._fullLayout) place(gd);
  };
  const scan = () => doc.querySelectorAll(".js-plotly-plot").forEach(hook);
  // The scrub bar moves the line while its slider is dragged (lossviz/views/scrub.py).
  w.__lossvizLevelSet = (revision, y, label) => {
    levels[revision] = { ...(levels[revision] || {}), revision, y, label };
    doc.querySelectorAll(".js-plotly-plot").forEach((gd) => {
      if (gd.layout && gd.layout.uirevision === revision) place(gd);
    });
  };
  if (!w.__lossvizLevelObserver) {
    w.__lossvizLevelObserver = new w.MutationObserver(scan);
    w.__lossvizLevelObserver.observe(doc.body, { childList: true, subtree: true });
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
