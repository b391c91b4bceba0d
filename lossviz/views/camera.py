"""Keep a 3-D plot's camera when a slider changes the data (Streamlit issue 8882).

Streamlit mounts a new Plotly element when a chart's data change, so plotly's
own ``uirevision`` has no previous camera to keep and every slider move snaps
the view back. :func:`keep_3d_camera` adds a few lines of JavaScript to the page
(a script-only ``st.components.v2`` component; it runs in the browser only) that remember the
camera of each 3-D plot, keyed by the figure's ``layout.uirevision``, whenever
the user rotates it, and put it back on the next plot with the same revision.
Nothing is sent to the server and nothing leaves the browser.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function () {
  const w = window;
  if (w.__lossvizCamera) return;
  w.__lossvizCamera = {};
  const store = w.__lossvizCamera;
  const hook = (gd) => {
    if (gd.__lossvizHooked || typeof gd.on !== "function" || !gd._fullLayout) return;
    gd.__lossvizHooked = true;
    const rev = () => (gd.layout && gd.layout.uirevision) || null;
    const near = (a, b) => ["x", "y", "z"].every((k) => Math.abs(a[k] - b[k]) < 1e-6);
    // After every draw (a new figure, or a React update that reset the view), put the
    // remembered camera back if the plot is not showing it.
    const restore = () => {
      const saved = rev() && store[rev()];
      const scene = gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene;
      if (!saved || !scene || !w.Plotly) return;
      if (near(scene.getCamera().eye, saved.eye)) return;
      w.Plotly.relayout(gd, {"scene.camera": saved});
    };
    gd.on("plotly_afterplot", restore);
    restore();
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
}
"""

# Registered once at import: a v2 component runs its module in the app page itself
# (no iframe), with no HTML of its own.
_keeper = st.components.v2.component("lossviz_camera_keeper", js=_JS)


def keep_3d_camera() -> None:
    """Install the camera keeper on this page (idempotent; invisible)."""
    _keeper(key="lossviz_camera_keeper")
