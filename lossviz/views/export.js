// The export row under a chart (lossviz/views/export.py): "PNG ×2", "SVG", "CSV",
// "Copy link". Everything is made on click from what the browser drew: the chart's
// gd.data and gd.layout (Plotly.toImage / the CSV writer), the page's background and
// text colours as computed now (whatever theme is active), and the "current value"
// line that lossviz/views/level_line.py draws over a surface map as an HTML element.
// No formula is computed here; numbers are copied, never derived.

const CSS = `
:host { display: block; }
.lvx { display: flex; flex-wrap: wrap; gap: 0.3rem; justify-content: flex-end;
  font-family: var(--st-font, "Source Sans Pro", sans-serif); }
.lvx button { font: inherit; font-size: 0.8rem; line-height: 1.2; padding: 0.15rem 0.55rem;
  border-radius: 0.4rem; border: 1px solid rgba(128,128,128,0.45); background: transparent;
  color: var(--st-text-color, #31333f); cursor: pointer; }
.lvx button:hover { border-color: var(--st-primary-color, #ff4b4b); }
.lvx button:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); outline-offset: 1px; }
`;

const PAGE_NAMES = { "": "explore" };

// The chart drawn just before this row: the nearest preceding element container (in the
// same container) that holds a Plotly graph div.
function findChart(host) {
  let el = host;
  while (el && !(el.dataset && el.dataset.testid === "stElementContainer")) el = el.parentElement;
  for (let prev = el && el.previousElementSibling; prev; prev = prev.previousElementSibling) {
    const gd = prev.querySelector(".js-plotly-plot");
    if (gd) return gd;
  }
  return null;
}

function pageName() {
  const path = window.location.pathname.replace(/^\/+|\/+$/g, "");
  const last = path.split("/").pop() || "";
  return PAGE_NAMES[last] !== undefined ? PAGE_NAMES[last] : last;
}

function params() {
  return [...new URLSearchParams(window.location.search).entries()];
}

const safe = (s) => String(s).replace(/[^A-Za-z0-9._-]+/g, "_");

// lossviz-<page>-<chart>-<parameters>: "lossviz-explore-curve-huber-delta1.0".
function fileStem(key) {
  const chart = key.split(".").slice(1).join("-");
  const parts = ["lossviz", pageName(), chart];
  for (const [k, v] of params()) parts.push(k === "loss" || k === "view" ? v : k + v);
  return parts.filter((p) => p !== "").map(safe).join("-");
}

// The page's opaque background and text colour as the browser paints them now.
function pageColours() {
  const opaque = (c) => c && c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c);
  let bg = null;
  const app = document.querySelector("[data-testid='stApp']");
  for (let el = app; el && !bg; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (opaque(c)) bg = c;
  }
  const fg = getComputedStyle(app || document.body).color;
  return { bg: bg || "#ffffff", fg };
}

const axisTitle = (ax) => titleText(ax && ax.title);

function titleText(t) {
  const s = (typeof t === "string" ? t : t && t.text) || "";
  return s.replace(/<br>/g, " ").replace(/<[^>]*>/g, "").trim();
}

// The "current value" line (level_line.js) as a shape and its label, where it is shown.
function levelShapes(gd) {
  const line = gd.querySelector(":scope > .lossviz-level");
  if (!line || line.style.display === "none" || line.dataset.y === undefined) return null;
  const y = Number(line.dataset.y);
  const label = line.firstChild ? line.firstChild.textContent : "";
  return {
    shape: {
      type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: y, y1: y,
      line: { color: "#ffffff", width: 2, dash: "dash" },
    },
    annotation: {
      text: label, xref: "paper", x: 0, xanchor: "left", yref: "y", y, yanchor: "bottom",
      showarrow: false, font: { color: "#ffffff", size: 13 },
    },
  };
}

// The figure as drawn, with an opaque background and the level line: for toImage.
function slideFigure(gd) {
  const { bg, fg } = pageColours();
  const lay = gd.layout || {};
  const font = { ...(lay.font || {}) };
  if (!font.color) font.color = fg;
  const layout = { ...lay, paper_bgcolor: bg, plot_bgcolor: bg, font };
  const level = levelShapes(gd);
  if (level) {
    layout.shapes = [...(lay.shapes || []), level.shape];
    layout.annotations = [...(lay.annotations || []), level.annotation];
  }
  const fl = gd._fullLayout || {};
  return { data: gd.data, layout, width: fl.width || gd.clientWidth, height: fl.height || gd.clientHeight };
}

function save(href, name) {
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

async function image(gd, key, format) {
  const f = slideFigure(gd);
  const scale = format === "png" ? 2 : 1;
  const url = await window.Plotly.toImage(
    { data: f.data, layout: f.layout, config: { displaylogo: false } },
    { format, width: f.width, height: f.height, scale },
  );
  save(url, `${fileStem(key)}.${format}`);
  return url;
}

// ---- CSV: every trace's coordinates as columns, surfaces in long form (x, y, z) ----

const num = (v) => (v === null || v === undefined || (typeof v === "number" && !isFinite(v)) ? "" : String(v));
const cell = (s) => (/[",\n#]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// A trace's coordinates on an axis: its array, or Plotly's x0/dx for an even axis.
function coords(t, axis, n) {
  const a = t[axis];
  if (a !== undefined && a !== null) return Array.from(a);
  const start = Number(t[axis + "0"] ?? 0);
  const step = Number(t["d" + axis] ?? 1);
  return Array.from({ length: n }, (_, i) => start + step * i);
}

function axisOf(layout, t, axis) {
  if (t.type === "surface" || t.type === "scatter3d") return (layout.scene || {})[axis + "axis"];
  const ref = t[axis + "axis"] || axis;
  return layout[axis + "axis" + ref.slice(1)];
}

function csvColumns(gd) {
  const layout = gd.layout || {};
  const cols = [];
  // Plotly's own copy of each trace: arrays decoded (gd.data holds {dtype, bdata}).
  const full = gd._fullData || [];
  (gd.data || []).forEach((given, i) => {
    const t = full.find((f) => f.index === i) || given;
    const name = (given.name || "").replace(/<[^>]*>/g, "") || `trace ${i + 1}`;
    const label = (axis, dflt) => `${name}: ${axisTitle(axisOf(layout, t, axis)) || dflt}`;
    if (t.z && t.z.length && t.z[0] && t.z[0].length !== undefined) {
      const z = Array.from(t.z, (row) => Array.from(row));
      const rows = z.length;
      const colsN = z[0].length;
      const x = coords(t, "x", colsN);
      const y = coords(t, "y", rows);
      const xs = [], ys = [], zs = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < colsN; c++) {
          xs.push(Array.isArray(x[0]) || ArrayBuffer.isView(x[0]) ? x[r][c] : x[c]);
          ys.push(Array.isArray(y[0]) || ArrayBuffer.isView(y[0]) ? y[r][c] : y[r]);
          zs.push(z[r][c]);
        }
      }
      const zt = t.type === "surface" ? axisTitle((layout.scene || {}).zaxis) : "";
      const ct = t.colorbar ? axisTitle(t.colorbar) : "";
      cols.push([label("x", "x"), xs], [label("y", "y"), ys], [`${name}: ${zt || ct || "z"}`, zs]);
      return;
    }
    if (!t.y && !t.x) return;
    const n = (t.y || t.x).length;
    cols.push([label("x", "x"), coords(t, "x", n)], [label("y", "y"), coords(t, "y", n)]);
    if (t.type === "scatter3d" && t.z) cols.push([label("z", "z"), Array.from(t.z)]);
  });
  return cols;
}

function csvText(gd, key) {
  const cols = csvColumns(gd);
  const title = titleText((gd.layout || {}).title) || key;
  const lines = [
    `# lossviz ${pageName()}: ${title}`,
    `# link: ${window.location.href}`,
    `# parameters: ${params().map(([k, v]) => `${k}=${v}`).join(", ") || "(defaults)"}`,
    cols.map(([h]) => cell(h)).join(","),
  ];
  const n = Math.max(0, ...cols.map(([, v]) => v.length));
  for (let i = 0; i < n; i++) lines.push(cols.map(([, v]) => (i < v.length ? num(v[i]) : "")).join(","));
  return lines.join("\n") + "\n";
}

function csv(gd, key) {
  const text = csvText(gd, key);
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  save(url, `${fileStem(key)}.csv`);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return text;
}

// ---- Copy link ----

async function copyLink() {
  const href = window.location.href;
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(href);
    return;
  }
  // Plain http on a classroom network: no Clipboard API, the old way still works.
  const ta = document.createElement("textarea");
  ta.value = href;
  ta.style.cssText = "position:fixed;opacity:0;top:0;left:0";
  document.body.appendChild(ta);
  ta.select();
  document.execCommand("copy");
  ta.remove();
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data || !data.key) return;
  const root = parentElement.querySelector(".lvx") || (() => {
    const style = document.createElement("style");
    style.textContent = CSS;
    parentElement.appendChild(style);
    const el = document.createElement("div");
    el.className = "lvx";
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", "Export this chart");
    const add = (name, text, title) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.action = name;
      b.textContent = text;
      b.title = title;
      el.appendChild(b);
      return b;
    };
    add("png", "PNG ×2", "Download the chart as a PNG for slides (2× size, opaque background)");
    add("svg", "SVG", "Download the chart as an SVG");
    add("csv", "CSV", "Download the plotted data as CSV");
    add("link", "Copy link", "Copy the link to this page with its current settings");
    el.addEventListener("click", async (ev) => {
      const b = ev.target.closest("button");
      if (!b) return;
      const S = el.__lvx;
      const host = parentElement.host || parentElement;
      const gd = findChart(host);
      try {
        if (b.dataset.action === "link") {
          await copyLink();
          b.textContent = "Copied";
          setTimeout(() => (b.textContent = "Copy link"), 2000);
          return;
        }
        if (!gd || !window.Plotly) return;
        if (b.dataset.action === "csv") csv(gd, S.key);
        else await image(gd, S.key, b.dataset.action);
      } catch (err) {
        console.error("lossviz export:", err);
      }
    });
    parentElement.appendChild(el);
    return el;
  })();
  root.__lvx = { key: data.key };
  // For tests and for other scripts: what the CSV of this row's chart would hold.
  window.__lossvizExport = window.__lossvizExport || {
    csvText: (gd, key) => csvText(gd, key),
    slideFigure,
    fileStem,
  };
}
