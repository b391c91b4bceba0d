// The scrub bar (lossviz/views/scrub.py): accessible sliders that move Plotly charts
// while dragged, from frames the server computed. It never holds a loss formula.

function b64floats(s) {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const PLAY_MS = 1000 / 30; // ▶ shows 30 steps a second (every other frame at 60 Hz)

function fmt(v, c) {
  if (v === null || v === undefined) return "off";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const t = v.toFixed(c.decimals);
  return t.startsWith("-") ? "−" + t.slice(1) : t;
}

function plotFor(doc, revision) {
  for (const gd of doc.querySelectorAll(".js-plotly-plot")) {
    if (gd.layout && gd.layout.uirevision === revision && gd._fullLayout) return gd;
  }
  return null;
}

// ---- Drawing a member in place -------------------------------------------------------
// During a drag the page writes the member's numbers into the SVG Plotly drew, with
// Plotly's own axis mappings (`ax.c2p`): a Plotly.animate or relayout runs its defaults,
// calculation and components for every trace of the chart (~20 ms a member on this
// machine, a contour map's included), this a few hundred microseconds. It handles what
// the frames move (scatter lines and markers, vertical marker lines, plain-text labels);
// anything else returns false and the chart is drawn by Plotly instead. gd.data,
// gd.layout and their _full copies are kept in step, so a later Plotly redraw draws the
// same member, and the commit's rerun replaces everything with the server's figure.

const finite = Number.isFinite;
const axisOf = (fl, ref) => {
  const m = /^([xy])(\d*)$/.exec(ref || "");
  return m ? fl[`${m[1]}axis${m[2]}`] : null;
};
const isArray = (a) => Array.isArray(a) || ArrayBuffer.isView(a);
const FAR = 1e5; // px: farther points are clamped (the plot clips them; SVG would overflow)
const clampPx = (v) => Math.min(Math.max(v, -FAR), FAR);

function traceGroup(gd, i) {
  for (const el of gd.querySelectorAll(".scatterlayer .trace")) {
    const d = el.__data__;
    if (d && d[0] && d[0].trace && d[0].trace.index === i) return el;
  }
  return null;
}

// Trace i's new x/y (x null: the even grid x0 + dx·k), or false.
function fastTrace(gd, i, u) {
  const fl = gd._fullLayout;
  const ft = gd._fullData && gd._fullData[i];
  if (!ft || ft.type !== "scatter" || ft.visible !== true) return false;
  const mode = ft.mode || "";
  if (mode.includes("text") || (ft.fill && ft.fill !== "none")) return false;
  if (ft.line && ft.line.shape && ft.line.shape !== "linear") return false;
  if ((ft.error_x && ft.error_x.visible) || (ft.error_y && ft.error_y.visible)) return false;
  const mk = ft.marker || {};
  if (mode.includes("markers") && (isArray(mk.color) || isArray(mk.size) || isArray(mk.symbol)))
    return false;
  if (Object.keys(u).some((k) => !["x", "y", "x0", "dx"].includes(k))) return false;
  const g = traceGroup(gd, i);
  const xa = axisOf(fl, ft.xaxis);
  const ya = axisOf(fl, ft.yaxis);
  if (!g || !xa || !ya) return false;
  const gridded = "x" in u ? u.x === null : !isArray(ft.x);
  const x = gridded ? null : "x" in u ? u.x : ft.x;
  const y = "y" in u ? u.y : ft.y;
  const x0 = "x0" in u ? u.x0 : ft.x0;
  const dx = "dx" in u ? u.dx : ft.dx;
  if (!isArray(y) || (x && x.length !== y.length)) return false;
  const line = mode.includes("lines") ? g.querySelector("path.js-line") : null;
  const points = mode.includes("markers") ? [...g.querySelectorAll(".points path.point")] : [];
  if ((mode.includes("lines") && !line) || (mode.includes("markers") && !points.length))
    return false;
  const n = y.length;
  let d = "";
  let pen = false;
  const holder = points.length ? points[0].parentNode : null;
  for (let k = 0; k < n; k++) {
    const a = xa.c2p(x ? x[k] : x0 + dx * k);
    const b = ya.c2p(y[k]);
    const ok = finite(a) && finite(b);
    if (line) {
      if (ok) {
        d += (pen ? "L" : "M") + clampPx(a).toFixed(2) + "," + clampPx(b).toFixed(2);
        pen = true;
      } else if (!ft.connectgaps) pen = false;
    }
    if (holder) {
      let el = points[k];
      if (!el) {
        el = points[0].cloneNode(false);
        holder.appendChild(el);
        points.push(el);
      }
      el.style.display = ok ? "" : "none";
      if (ok) el.setAttribute("transform", `translate(${a.toFixed(2)},${b.toFixed(2)})`);
    }
  }
  for (let k = n; k < points.length; k++) points[k].style.display = "none";
  if (line) line.setAttribute("d", d || "M0,0");
  for (const t of [gd.data[i], ft]) {
    t.y = y;
    if (gridded) {
      delete t.x;
      t.x0 = x0;
      t.dx = dx;
    } else t.x = x;
  }
  return true;
}

// Shape k's x0, x1, visible, for a line whose x is on an axis, or false.
function fastShape(gd, k, attrs) {
  const fl = gd._fullLayout;
  const sh = fl.shapes && fl.shapes[k];
  const src = gd.layout.shapes && gd.layout.shapes[k];
  if (!sh || !src || sh.type !== "line") return false;
  if (Object.keys(attrs).some((a) => !["x0", "x1", "visible"].includes(a))) return false;
  const next = { x0: sh.x0, x1: sh.x1, visible: sh.visible, ...attrs };
  const el = gd.querySelector(`.shapelayer path[data-index="${k}"]`);
  if (!el) return next.visible === false ? sync(src, sh, next) : false;
  const xa = axisOf(fl, sh.xref);
  const m = /^M([^,]+),([^L]+)L([^,]+),(.+)$/.exec(el.getAttribute("d") || "");
  if (!xa || !m) return false;
  const p0 = xa._offset + xa.c2p(next.x0);
  const p1 = xa._offset + xa.c2p(next.x1);
  const ok = finite(p0) && finite(p1) && next.visible !== false;
  el.style.display = ok ? "" : "none";
  if (ok) el.setAttribute("d", `M${clampPx(p0).toFixed(2)},${m[2]}L${clampPx(p1).toFixed(2)},${m[4]}`);
  return sync(src, sh, next);
}

function sync(src, full, next) {
  Object.assign(src, next);
  Object.assign(full, next);
  return true;
}

// Annotation k's x, text, xanchor, xshift, yshift, visible, for a plain-text label
// without an arrow whose x is on an axis, or false. Positions move by differences from
// where Plotly drew it, with Plotly's box: text width rounded, plus border and padding.
const SHIFT = { left: 0, center: -0.5, right: -1 };
function fastAnnotation(gd, k, attrs) {
  const fl = gd._fullLayout;
  const an = fl.annotations && fl.annotations[k];
  const src = gd.layout.annotations && gd.layout.annotations[k];
  if (!an || !src || an.showarrow || an.textangle || (an.align && an.align !== "center"))
    return false;
  const keys = ["x", "text", "xanchor", "xshift", "yshift", "visible"];
  if (Object.keys(attrs).some((a) => !keys.includes(a))) return false;
  const next = {};
  for (const a of keys) next[a] = a in attrs ? attrs[a] : an[a];
  const g = gd.querySelector(`.annotation[data-index="${k}"]`);
  if (next.visible === false) {
    if (g) g.style.display = "none";
    return sync(src, an, next); // hidden: nothing to draw, drawn or not
  }
  const inner = g && g.querySelector(".annotation-text-g > g");
  const text = g && g.querySelector("text.annotation-text");
  const rect = g && g.querySelector("rect.bg");
  const xa = axisOf(fl, an.xref);
  if (!inner || !text || !rect || !xa || !(next.xanchor in SHIFT) || !(an.xanchor in SHIFT))
    return false;
  const retext = next.text !== text.getAttribute("data-unformatted");
  // New text with markup (<sub>, <br>) is laid out by Plotly; unchanged text stays.
  if (typeof next.text !== "string" || (retext && /[<&]/.test(next.text))) return false;
  const tm = /translate\(([^,]+),\s*([^)]+)\)/.exec(inner.getAttribute("transform") || "");
  if (!tm) return false;
  const border = an.borderwidth || 0;
  const full = border + (an.borderpad || 0);
  const was = g.__lv || {
    px: xa._offset + xa.c2p(an.x),
    xanchor: an.xanchor,
    xshift: an.xshift || 0,
    yshift: an.yshift || 0,
    outer: +rect.getAttribute("width") + border,
    tx: +tm[1],
    ty: +tm[2],
  };
  let outer = was.outer;
  if (retext) {
    text.textContent = next.text;
    text.setAttribute("data-unformatted", next.text);
    const width = text.getComputedTextLength();
    outer = Math.round(Math.round(width) + 2 * full);
    rect.setAttribute("width", String(outer - border));
    text.setAttribute("x", String(full + width / 2));
  }
  const px = xa._offset + xa.c2p(next.x);
  if (!finite(px)) return false;
  const tx =
    was.tx + (px - was.px) + ((next.xshift || 0) - was.xshift) +
    SHIFT[next.xanchor] * outer - SHIFT[was.xanchor] * was.outer;
  const ty = was.ty - ((next.yshift || 0) - was.yshift);
  inner.setAttribute("transform", `translate(${Math.round(tx)},${Math.round(ty)})`);
  const inside = px >= xa._offset - 0.5 && px <= xa._offset + xa._length + 0.5;
  g.style.display = inside ? "" : "none";
  g.__lv = { px, xanchor: next.xanchor, xshift: next.xshift || 0, yshift: next.yshift || 0, outer, tx, ty };
  return sync(src, an, next);
}

// While a value moves, a chart's y axes widen (never narrow) to hold the member shown,
// so a curve that grows with the value stays in view (the commit's rerun autoranges to
// the member again). A widening leaves headroom, so it is one relayout now and then,
// not one per member; only the members visited count, so one extreme member of the
// slider's range does not flatten every other.
const HEADROOM = 0.15;
function frame(gd, ch, g) {
  const fl = gd._fullLayout;
  if (!fl || !gd._fullData || !ch.traces.length) return;
  const extent = {}; // y axis name → [lo, hi] of member g, in the axis's own units
  for (const t of ch.traces) {
    const tr = gd._fullData[t.index];
    const ax = tr && axisOf(fl, tr.yaxis);
    if (!ax) continue;
    const log = ax.type === "log";
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of t.y.subarray(g * ch.points, (g + 1) * ch.points)) {
      const u = log ? (v > 0 ? Math.log10(v) : NaN) : v;
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
    if (!(hi >= lo)) continue;
    const was = extent[ax._name];
    extent[ax._name] = was ? [Math.min(was[0], lo), Math.max(was[1], hi)] : [lo, hi];
  }
  const upd = {};
  for (const [key, [lo, hi]] of Object.entries(extent)) {
    const ax = fl[key];
    if (!ax || !ax.range) continue;
    const [a, b] = ax.range.map(Number);
    const r0 = Math.min(a, b);
    const r1 = Math.max(a, b);
    if (lo >= r0 && hi <= r1) continue;
    const span = Math.max(r1, hi) - Math.min(r0, lo) || 1;
    const range = [lo < r0 ? lo - HEADROOM * span : r0, hi > r1 ? hi + HEADROOM * span : r1];
    upd[`${key}.range`] = a > b ? range.reverse() : range;
  }
  if (Object.keys(upd).length) window.Plotly.relayout(gd, upd);
}

// The member's traces and layout drawn in place, or false (nothing is left half-drawn
// that Plotly's redraw of the same member would not overwrite).
function drawInPlace(gd, idx, data, lay, setTitle) {
  if (!gd._fullLayout || !gd._fullData) return false;
  const shapes = {};
  const labels = {};
  const titles = [];
  for (const [key, v] of Object.entries(lay)) {
    let m;
    if ((m = /^shapes\[(\d+)\]\.(\w+)$/.exec(key))) (shapes[m[1]] = shapes[m[1]] || {})[m[2]] = v;
    else if ((m = /^annotations\[(\d+)\]\.(\w+)$/.exec(key)))
      (labels[m[1]] = labels[m[1]] || {})[m[2]] = v;
    else if (/title\.text$/.test(key)) titles.push([key, v]);
    else return false;
  }
  for (let j = 0; j < idx.length; j++) if (!fastTrace(gd, idx[j], data[j])) return false;
  for (const [k, a] of Object.entries(shapes)) if (!fastShape(gd, +k, a)) return false;
  for (const [k, a] of Object.entries(labels)) if (!fastAnnotation(gd, +k, a)) return false;
  for (const [key, v] of titles) if (!setTitle(gd, key, v)) return false;
  return true;
}

export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const w = window;
  const doc = w.document;
  if (!data || !data.controls) return;
  const root = parentElement.querySelector(".lvs") || (() => {
    const el = doc.createElement("div");
    el.className = "lvs";
    parentElement.appendChild(el);
    return el;
  })();
  // Persistent state across reruns (the function runs again with each new `data`).
  const S = (root.__lvs = root.__lvs || { frames: {}, controls: {}, seq: 0, want: {} });
  S.data = data;
  S.setState = setStateValue;
  for (const [name, f] of Object.entries(data.frames || {})) {
    // Decode once; frames are kept per (control, context) until the context changes.
    const decode = (arrays) => {
      const out = {};
      for (const [k, v] of Object.entries(arrays || {})) out[k] = b64floats(v);
      return out;
    };
    const charts = f.charts.map((c) => ({
      revision: c.revision,
      points: c.points,
      x0: c.x0,
      dx: c.dx,
      // Curves on the chart's even grid: y of every member, (G, points).
      traces: c.traces.map((t) => ({ index: t.index, y: b64floats(t.y) })),
      // Points that move: x and y of every member, (G, n) each (an embedding's classes).
      moves: (c.moves || []).map((t) => ({ index: t.index, n: t.n, arrays: decode(t.arrays) })),
      // A path revealed step by step: the first g + 1 points, the rest, or point g.
      reveal: (c.reveal || []).map((t) => ({ index: t.index, mode: t.mode, arrays: decode(t.arrays) })),
      layout: c.layout,
      names: c.names || {},
    }));
    S.frames[name] = { ctx: f.context, values: f.values, charts, level: f.level };
  }

  const control = (c) => {
    let el = S.controls[c.name];
    if (!el) {
      el = doc.createElement("div");
      el.className = "lvs-c";
      el.innerHTML =
        '<div class="lvs-top"><span class="lvs-name"></span><span class="lvs-val"></span></div>' +
        '<div class="lvs-row"><button class="lvs-play" type="button">▶</button>' +
        '<div class="lvs-track" role="slider" tabindex="0">' +
        '<div class="lvs-rail"><div class="lvs-fill"></div></div><div class="lvs-thumb"></div>' +
        "</div></div>";
      root.appendChild(el);
      S.controls[c.name] = el;
      wire(el, c.name);
    }
    return el;
  };

  const spec = (name) => S.data.controls.find((c) => c.name === name);
  const framesFor = (name) => {
    const f = S.frames[name];
    return f && f.ctx === S.data.contexts[name] ? f : null;
  };
  const index = (c, v) => Math.round((v - c.min) / c.step);
  const snap = (c, v) => {
    const k = Math.min(Math.max(index(c, v), 0), Math.round((c.max - c.min) / c.step));
    return +(c.min + k * c.step).toFixed(c.decimals + 2);
  };

  const paint = (el, c, v) => {
    const frac = c.max > c.min ? (v - c.min) / (c.max - c.min) : 0;
    el.querySelector(".lvs-name").textContent = c.label;
    el.querySelector(".lvs-val").textContent = fmt(v, c);
    el.querySelector(".lvs-fill").style.width = (100 * frac).toFixed(3) + "%";
    el.querySelector(".lvs-thumb").style.left = "calc(0.5rem + (100% - 1rem) * " + frac + ")";
    const t = el.querySelector(".lvs-track");
    t.setAttribute("aria-label", c.aria);
    t.setAttribute("aria-valuemin", String(c.min));
    t.setAttribute("aria-valuemax", String(c.max));
    t.setAttribute("aria-valuenow", String(v));
    t.setAttribute("aria-valuetext", c.valuetext.replace("{v}", fmt(v, c)));
    t.dataset.value = String(v);
    t.dataset.step = String(c.step);
    el.querySelector(".lvs-play").setAttribute("aria-label", "Play: sweep " + c.aria);
  };

  // Show the member of the frames at value v: one Plotly.update per chart, at most once
  // per animation frame (a drag delivers more pointer events than the screen shows).
  const show = (name, v) => {
    const f = framesFor(name);
    if (!f) return false;
    const g = f.values.findIndex((u) => Math.abs(u - v) < 1e-9 * Math.max(1, Math.abs(v)));
    if (g < 0) return false;
    for (const ch of f.charts) {
      const gd = plotFor(doc, ch.revision);
      if (!gd || !w.Plotly) continue;
      frame(gd, ch, g);
      // Per trace, the attributes this member sets; one Plotly.update for the chart, with
      // every trace's current value for an attribute another trace sets.
      const sets = new Map();
      const put = (i, key, value) => {
        if (!sets.has(i)) sets.set(i, {});
        sets.get(i)[key] = value;
      };
      for (const t of ch.traces) {
        put(t.index, "y", t.y.subarray(g * ch.points, (g + 1) * ch.points));
        put(t.index, "x0", ch.x0);
        put(t.index, "dx", ch.dx);
        put(t.index, "x", null);
      }
      for (const t of ch.moves) {
        for (const [k, arr] of Object.entries(t.arrays)) put(t.index, k, arr.subarray(g * t.n, (g + 1) * t.n));
      }
      for (const t of ch.reveal) {
        for (const [k, arr] of Object.entries(t.arrays)) {
          const last = Math.min(g, arr.length - 1);
          const part =
            t.mode === "prefix" ? arr.subarray(0, last + 1)
            : t.mode === "suffix" ? arr.subarray(last)
            : arr.subarray(last, last + 1);
          put(t.index, k, part);
        }
      }
      for (const [i, vals] of Object.entries(ch.names)) put(Number(i), "name", vals[g]);
      const lay = {};
      for (const [path, vals] of Object.entries(ch.layout || {})) lay[path] = vals[g];
      const t0 = performance.now();
      const rev = ch.revision;
      // For the benchmark and the tests: members asked for, members whose drawing
      // finished per chart (Plotly draws asynchronously; a member interrupted by the
      // next one is not counted), and what drawing one cost, call to finish.
      w.__lossvizScrubUpdates = (w.__lossvizScrubUpdates || 0) + 1;
      const stats = (w.__lossvizScrub = w.__lossvizScrub || { drawn: {}, ms: [] });
      Promise.resolve(draw(gd, sets, lay)).then(() => {
        const s = w.__lossvizScrub;
        if (s !== stats) return; // reset in between (the benchmark's mark)
        s.drawn[rev] = (s.drawn[rev] || 0) + 1;
        s.ms.push(performance.now() - t0);
        if (s.ms.length > 500) s.ms.shift();
      }, () => {});
    }
    if (f.level && w.__lossvizLevelSet) {
      w.__lossvizLevelSet(f.level.revision, v, f.level.label.replace("{v}", fmt(v, spec(name))));
    }
    return true;
  };

  // One chart's member: the traces' new arrays and the layout's new values.
  //  - 2-D charts are drawn in place (drawInPlace above), else by Plotly.animate without
  //    a redraw (a restyle would recompute and redraw every trace of the chart, a
  //    contour map included), with shapes and annotations in the same frame;
  //  - names go straight into the legend's text (a restyle would redraw everything;
  //    the commit's rerun redraws the legend from the server's figure anyway);
  //  - a chart with any other trace type (3-D) is drawn by one Plotly.update.
  const draw = (gd, sets, lay) => {
    const idx = [...sets.keys()];
    const names = [];
    const data = [];
    const plain = idx.every((i) => {
      const t = gd._fullData && gd._fullData[i];
      return t && t.type === "scatter";
    });
    for (const i of idx) {
      const { name, ...rest } = sets.get(i);
      if (name !== undefined) names.push([i, name]);
      data.push(rest);
    }
    if (!plain) {
      const keys = new Set(data.flatMap((d) => Object.keys(d)));
      const upd = {};
      for (const k of keys) upd[k] = idx.map((i, j) => (k in data[j] ? data[j][k] : gd.data[i][k]));
      if (names.length) upd.name = idx.map((i) => (names.find((n) => n[0] === i) || [0, gd.data[i].name])[1]);
      return w.Plotly.update(gd, upd, lay, idx);
    }
    const done = [];
    if (!drawInPlace(gd, idx, data, lay, setTitle)) {
      // Counted for the tests and the benchmark: members Plotly had to draw.
      const stats = (w.__lossvizScrub = w.__lossvizScrub || { drawn: {}, ms: [] });
      stats.byPlotly = (stats.byPlotly || 0) + 1;
      done.push(animate(gd, idx, data, lay));
    }
    setNames(gd, names);
    return Promise.all(done);
  };

  // The member by Plotly: traces and shapes and annotations in one animation frame
  // (one recalculation), titles in their SVG text or by a relayout.
  const animate = (gd, idx, data, lay) => {
    const done = [];
    // Shapes and annotations ride along in the animation frame (drawn with the traces,
    // one recalculation); titles are drawn only by a relayout, which redraws just them.
    const titles = {};
    const rest = {};
    for (const [k, v] of Object.entries(lay)) (/title\.text$/.test(k) ? titles : rest)[k] = v;
    if (data.some((d) => Object.keys(d).length) || Object.keys(rest).length) {
      done.push(w.Plotly.animate(gd, { data, traces: idx, layout: rest }, {
        transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate",
      }));
    }
    // A plain-text title goes straight into its SVG text (a relayout costs ~10 ms);
    // one with markup (<br>, <sub>) is relayouted, for Plotly to lay it out.
    const relay = {};
    for (const [k, v] of Object.entries(titles)) if (!setTitle(gd, k, v)) relay[k] = v;
    if (Object.keys(relay).length) done.push(w.Plotly.relayout(gd, relay));
    return Promise.all(done);
  };

  const setNames = (gd, names) => {
    for (const [i, name] of names) {
      gd.data[i].name = name;
      for (const el of gd.querySelectorAll(".legend .traces")) {
        const d = el.__data__;
        if (d && d[0] && d[0].trace && d[0].trace.index === i) {
          const text = el.querySelector(".legendtext");
          if (text && text.textContent !== name) text.textContent = name;
        }
      }
    }
  };

  // The title at layout path ``key`` ("title.text", "yaxis2.title.text") set in the
  // DOM and in gd.layout; false where Plotly must lay it out.
  const TITLE = /^(?:(([xy])axis(\d*))\.)?title\.text$/;
  const setTitle = (gd, key, text) => {
    const m = TITLE.exec(key);
    if (!m || typeof text !== "string" || /[<&]/.test(text)) return false;
    const sel = m[1] ? `.g-${m[2]}${m[3]}title text` : ".g-gtitle text";
    let el = gd.querySelector(sel);
    const owner = m[1] ? gd.layout[m[1]] : gd.layout;
    if (!el || !owner) return false;
    // Streamlit's theme wraps titles in <b>…</b> (drawn as nested tspans): keep the
    // wrapping, replace the text inside it.
    while (el.children.length === 1 && el.firstElementChild.tagName === "tspan") {
      el = el.firstElementChild;
    }
    if (el.children.length) return false; // several lines or mixed styles
    if (typeof owner.title !== "object" || owner.title === null) owner.title = {};
    const wrap = /^((?:<b>)*)[^<]*((?:<\/b>)*)$/.exec(owner.title.text || "");
    owner.title.text = wrap ? wrap[1] + text + wrap[2] : text;
    if (el.textContent !== text) el.textContent = text;
    return true;
  };

  const want = (name) => {
    const c = spec(name);
    if (!c || !c.frames || framesFor(name)) return;
    const key = name + "@" + S.data.contexts[name];
    if (S.want[key]) return;
    S.want[key] = true;
    S.seq += 1;
    S.setState("want", { name, context: S.data.contexts[name], seq: S.seq });
  };

  let pending = null;
  const schedule = (name, v) => {
    const first = pending === null;
    pending = { name, v };
    if (!first) return;
    w.requestAnimationFrame(() => {
      const p = pending;
      pending = null;
      show(p.name, p.v);
    });
  };

  const commit = (name, v) => {
    S.seq += 1;
    S.setState("commit", { name, value: v, seq: S.seq });
  };

  function wire(el, name) {
    const track = el.querySelector(".lvs-track");
    const play = el.querySelector(".lvs-play");
    let dragging = false;
    let keyTimer = null;
    const valueAt = (ev) => {
      const c = spec(name);
      const r = track.getBoundingClientRect();
      const pad = 8;
      const frac = Math.min(Math.max((ev.clientX - r.left - pad) / Math.max(r.width - 2 * pad, 1), 0), 1);
      return snap(c, c.min + frac * (c.max - c.min));
    };
    const move = (v) => {
      const c = spec(name);
      if (String(v) === track.dataset.value) return;
      paint(el, c, v);
      schedule(name, v);
    };
    track.addEventListener("pointerenter", () => want(name));
    track.addEventListener("focus", () => want(name));
    track.addEventListener("pointerdown", (ev) => {
      want(name);
      dragging = true;
      track.dataset.live = "1";
      track.setPointerCapture(ev.pointerId);
      track.focus({ preventScroll: true });
      move(valueAt(ev));
      ev.preventDefault();
    });
    track.addEventListener("pointermove", (ev) => { if (dragging) move(valueAt(ev)); });
    const end = () => {
      if (!dragging) return;
      dragging = false;
      track.dataset.live = "0";
      commit(name, +track.dataset.value);
    };
    track.addEventListener("pointerup", end);
    track.addEventListener("pointercancel", end);
    track.addEventListener("keydown", (ev) => {
      const c = spec(name);
      const v = +track.dataset.value;
      const steps = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
      let next = null;
      if (ev.key in steps) next = snap(c, v + steps[ev.key] * c.step);
      else if (ev.key === "Home") next = c.min;
      else if (ev.key === "End") next = c.max;
      if (next === null) return;
      ev.preventDefault();
      // Live until the commit: the rerun that answers `want` must not paint the server's
      // older value over the keys' (held keys would start again from it).
      track.dataset.live = "1";
      want(name);
      move(next);
      // Held keys repeat: commit once the key has rested a moment.
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => {
        track.dataset.live = "0";
        commit(name, +track.dataset.value);
      }, 350);
    });
    // ▶ sweeps from the minimum to the maximum, one step per PLAY_MS, on the display's
    // frames (requestAnimationFrame: a slow frame delays the next step, never skips
    // one, so a descent path is shown step by step); ⏸ commits the frame shown.
    let timer = null;
    const stop = (doCommit) => {
      if (timer === null) return;
      w.cancelAnimationFrame(timer);
      timer = null;
      play.textContent = "▶";
      track.dataset.live = "0";
      if (doCommit) commit(name, +track.dataset.value);
    };
    play.addEventListener("click", () => {
      if (timer !== null) { stop(true); return; }
      const c = spec(name);
      want(name);
      let v = +track.dataset.value >= c.max ? c.min : +track.dataset.value;
      let last = -Infinity;
      play.textContent = "⏸";
      track.dataset.live = "1";
      const tick = (now) => {
        if (timer === null) return;
        timer = w.requestAnimationFrame(tick);
        const cc = spec(name);
        if (!framesFor(name) && cc.frames) return; // wait for the frames to arrive
        if (now - last < PLAY_MS - 2) return; // 2 ms: a 60 Hz display's frame jitter
        last = now;
        v = snap(cc, v + cc.step);
        move(v);
        if (v >= cc.max) stop(true);
      };
      timer = w.requestAnimationFrame(tick);
    });
    el.__stop = stop;
  }

  for (const c of data.controls) {
    const el = control(c);
    const track = el.querySelector(".lvs-track");
    // The server's value wins unless this control is being moved right now.
    if (track.dataset.live !== "1") paint(el, c, c.value);
  }
  for (const [name, el] of Object.entries(S.controls)) {
    if (!data.controls.find((c) => c.name === name)) { el.remove(); delete S.controls[name]; }
  }
}
