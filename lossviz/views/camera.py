"""Keep a 3-D plot's camera when a slider changes the data (Streamlit issue 8882).

Streamlit mounts a new Plotly element when a chart's data change, so plotly's
own ``uirevision`` has no previous camera to keep and every slider move snaps
the view back. :func:`keep_3d_camera` adds a few lines of JavaScript to the page
(through a zero-height component; it runs in the browser only) that remember the
camera of each 3-D plot, keyed by the figure's ``layout.uirevision``, whenever
the user rotates it, and put it back on the next plot with the same revision.
Nothing is sent to the server and nothing leaves the browser.
"""

from __future__ import annotations

import streamlit.components.v1 as components

_SCRIPT = """
<script>
(() => {
  const w = window.parent;
  if (!w || w.__lossvizCamera) return;
  w.__lossvizCamera = {};
  const store = w.__lossvizCamera;
  const hook = (gd) => {
    if (gd.__lossvizHooked || typeof gd.on !== "function" || !gd._fullLayout) return;
    gd.__lossvizHooked = true;
    const rev = () => (gd.layout && gd.layout.uirevision) || null;
    const saved = rev() && store[rev()];
    if (saved && gd._fullLayout.scene && w.Plotly) {
      w.Plotly.relayout(gd, {"scene.camera": saved});
    }
    // "relayouting" fires while the user drags, "relayout" when plotly settles.
    const keep = (ev) => {
      if (ev && ev["scene.camera"] && rev()) store[rev()] = ev["scene.camera"];
    };
    gd.on("plotly_relayouting", keep);
    gd.on("plotly_relayout", keep);
  };
  const scan = () => w.document.querySelectorAll(".js-plotly-plot").forEach(hook);
  new w.MutationObserver(scan).observe(w.document.body, {childList: true, subtree: true});
  scan();
})();
</script>
"""


def keep_3d_camera() -> None:
    """Install the camera keeper on this page (idempotent; invisible)."""
    components.html(_SCRIPT, height=0)
