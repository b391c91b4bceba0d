"""The page frame every page shares: room for the chart on a projector and a phone.

At 1280×720 Streamlit's default frame left the first chart of most pages below the
fold (Explore's started at y = 607, Class imbalance's at 1056): ~6rem of padding
above a 2.75rem title, then the formulas. :func:`page_frame` tightens the frame
(CSS only: the padding above the title, the headings' sizes), and fits display
formulas to their box: a KaTeX formula wider than its box is scaled down to it (to
70 % of its size at most, then it scrolls sideways), instead of being cut at the
right edge as Huber's, BCE's and focal's were on a phone. The sidebar starts
collapsed on a phone (``initial_sidebar_state="auto"`` in app.py); opened there, it is
a sheet over the lower 44 % of the screen and the page scrolls its first chart above
it, so a slider moves with the chart in view (Streamlit's panel covered 300 of 390 px).
"""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.25rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem 0; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.35rem; padding: 0.5rem 0 0.25rem 0; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.15rem; }
[data-testid="stTabs"] [role="tabpanel"] { padding-top: 0.25rem; }
/* Compare's entry cards (keyed containers): tighter than Streamlit's 1rem and gaps. */
[class*="st-key-compare-card-"] { padding: 0.6rem 0.75rem; gap: 0.5rem; }
.katex-display { margin: 0.25em 0 !important; overflow-x: auto; overflow-y: hidden; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.55rem; }
  /* Compare on a phone: the chart first, then the entry cards that drive it, then the
     table (the cards stacked above the chart put it at y ≈ 860). */
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-compare-entries"]),
  [class*="st-key-compare-entries"] { order: 1; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-compare-after),
  .st-key-compare-after { order: 2; }
  /* The sidebar, opened on a phone, is a sheet over the lower half of the screen (it
     covered 300 of the 390 px): the chart stays in view above it while its controls
     move, the page's controls come first in it, the page list after them. */
  section[data-testid="stSidebar"][data-collapsed="false"] {
    position: fixed !important; top: auto !important; bottom: 0; left: 0;
    width: 100vw !important; min-width: 100vw !important; max-width: 100vw !important;
    height: 44vh !important; border-radius: 0.75rem 0.75rem 0 0;
    box-shadow: 0 -0.25rem 1rem rgba(0, 0, 0, 0.25);
  }
  section[data-testid="stSidebar"][data-collapsed="false"] > div {
    height: 100%; overflow-y: auto; display: flex; flex-direction: column;
  }
  section[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarHeader"] {
    position: sticky; top: 0; z-index: 2; background: inherit; height: auto;
    min-height: 0; padding-top: 0.5rem; padding-bottom: 0.25rem;
  }
  section[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarUserContent"] {
    order: 1; padding-top: 0.25rem;
  }
  section[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarNav"] {
    order: 2;
  }
  section[data-testid="stSidebar"][data-collapsed="false"] ~ [data-testid="stMain"] {
    padding-bottom: 44vh;
  }
}
</style>
"""

# Scale each display formula down to its box when it is wider (never up), and again
# when the box is resized (a rotated phone, a sidebar opened). Only the formula's
# font size changes: the text stays the formula KaTeX set. A chart's wrapped legend is
# kept clear of its title, and the phone's sheet scrolls the chart above it.
_JS = """
const MIN = 0.7;
const PHONE = "(max-width: 640px)";
export default function () {
  const w = window;
  const doc = w.document;
  const fit = (box) => {
    const k = box.querySelector(":scope > .katex");
    if (!k) return;
    k.style.fontSize = "";
    const room = box.clientWidth;
    const need = k.scrollWidth;
    // Down to MIN of its size; a formula that needs more scrolls sideways in its
    // box (.katex-display has overflow-x: auto) rather than shrinking past reading.
    if (room > 0 && need > room + 1) {
      const px = parseFloat(w.getComputedStyle(k).fontSize);
      k.style.fontSize = px * Math.max(MIN, room / need) + "px";
    }
  };
  if (!w.__lossvizFormulaFit) {
    const resize = new w.ResizeObserver((es) => es.forEach((e) => fit(e.target)));
    const scan = () =>
      doc.querySelectorAll(".katex-display").forEach((box) => {
        const k = box.querySelector(":scope > .katex");
        if (box.__lossvizFit === k) return; // fitted, and still the same formula
        if (box.__lossvizFit === undefined) resize.observe(box);
        box.__lossvizFit = k;
        fit(box);
      });
    w.__lossvizFormulaFit = new w.MutationObserver(scan);
    w.__lossvizFormulaFit.observe(doc.body, { childList: true, subtree: true });
    scan();
  }
  // A horizontal legend above the plot grows upwards as it wraps, and on a phone's
  // narrow plot it wrapped into the title (focal's γ family): the top margin gets what
  // it lacks, after a draw. Only a legend that the margin moves (on the plot's top edge,
  // growing upwards), and at most three times a figure (the legend's rows settle over
  // the first draws; a new figure from Python brings its own margin and starts anew).
  const clear = (gd) => {
    const fl = gd._fullLayout;
    const title = gd.querySelector(".g-gtitle .gtitle");
    const legend = gd.querySelector(".legend");
    if (!fl || !fl.showlegend || !title || !legend || !w.Plotly) return;
    const lg = fl.legend;
    const onTop = lg.orientation === "h" && lg.yref === "paper" && lg.yanchor === "bottom";
    if (!onTop || lg.y < 1) return;
    const mine = gd.__lossvizLegendTop || { top: null, tries: 0 };
    const tries = fl.margin.t === mine.top ? mine.tries : 0;
    if (tries >= 3) return;
    const t = title.getBoundingClientRect();
    const l = legend.getBoundingClientRect();
    const overlap = t.bottom + 3 - l.top;
    if (!t.height || !l.height || overlap <= 0 || l.left > t.right || l.right < t.left) return;
    // From the drawn top margin (_size.t: Plotly's own push for the legend included).
    const top = Math.max(fl.margin.t, fl._size.t) + Math.ceil(overlap);
    gd.__lossvizLegendTop = { top, tries: tries + 1 };
    w.Plotly.relayout(gd, { "margin.t": gd.__lossvizLegendTop.top });
  };
  const hook = () =>
    doc.querySelectorAll(".js-plotly-plot").forEach((gd) => {
      if (gd.__lossvizLegendHook || !gd.on) return;
      gd.__lossvizLegendHook = true;
      gd.on("plotly_afterplot", () => clear(gd));
      clear(gd);
    });
  if (!w.__lossvizLegendClear) {
    w.__lossvizLegendClear = new w.MutationObserver(hook);
    w.__lossvizLegendClear.observe(doc.body, { childList: true, subtree: true });
  }
  hook();
  // On a phone the opened sidebar is a sheet over the lower half (the CSS above):
  // when it opens, the page scrolls its first chart to the top, above the sheet.
  const bar = doc.querySelector("section[data-testid='stSidebar']");
  if (bar && !bar.__lossvizSheet) {
    bar.__lossvizSheet = new w.MutationObserver(() => {
      if (bar.getAttribute("data-collapsed") !== "false" || !w.matchMedia(PHONE).matches) return;
      const plot = doc.querySelector("[data-testid='stMain'] .stPlotlyChart");
      if (!plot) return;
      let box = plot.parentElement;
      const scrolls = (e) =>
        /(auto|scroll)/.test(w.getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight;
      while (box && !scrolls(box)) box = box.parentElement;
      if (!box) return;
      // Below Streamlit's header bar, which lies over the top of the page.
      const head = doc.querySelector("[data-testid='stHeader']");
      const under = head ? head.getBoundingClientRect().bottom : 0;
      const top = Math.max(box.getBoundingClientRect().top, under);
      box.scrollBy({ top: plot.getBoundingClientRect().top - top });
    });
    bar.__lossvizSheet.observe(bar, { attributes: true, attributeFilter: ["data-collapsed"] });
  }
}
"""

_fit_formulas = st.components.v2.component("lossviz_formula_fit", js=_JS)


def page_frame() -> None:
    """The shared frame's CSS and the formula fitting (no visible element)."""
    st.html(_CSS)
    _fit_formulas(key="lossviz_formula_fit")
