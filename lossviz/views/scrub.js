// The scrub bar (lossviz/views/scrub.py): accessible sliders that move Plotly charts
// while dragged, from frames the server computed. It never holds a loss formula.

function b64floats(s) {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

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
      draw(gd, sets, lay);
      // For the benchmark and the tests: members drawn per chart, and what drawing cost.
      w.__lossvizScrubUpdates = (w.__lossvizScrubUpdates || 0) + 1;
      const stats = (w.__lossvizScrub = w.__lossvizScrub || { drawn: {}, ms: [] });
      stats.drawn[ch.revision] = (stats.drawn[ch.revision] || 0) + 1;
      stats.ms.push(performance.now() - t0);
      if (stats.ms.length > 500) stats.ms.shift();
    }
    if (f.level && w.__lossvizLevelSet) {
      w.__lossvizLevelSet(f.level.revision, v, f.level.label.replace("{v}", fmt(v, spec(name))));
    }
    return true;
  };

  // One chart's member: the traces' new arrays and the layout's new values.
  //  - 2-D scatter traces move in place, Plotly.animate without a redraw (a restyle
  //    would recompute and redraw every trace of the chart, a contour map included);
  //  - names go straight into the legend's text (a restyle would redraw everything;
  //    the commit's rerun redraws the legend from the server's figure anyway);
  //  - layout changes (title, marker lines and labels) by Plotly.relayout, which redraws
  //    only those; a 3-D trace falls back to Plotly.update.
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
      w.Plotly.update(gd, upd, lay, idx);
      return;
    }
    if (data.some((d) => Object.keys(d).length)) {
      w.Plotly.animate(gd, { data, traces: idx }, {
        transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate",
      });
    }
    if (Object.keys(lay).length) w.Plotly.relayout(gd, lay);
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
      want(name);
      move(next);
      // Held keys repeat: commit once the key has rested a moment.
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => commit(name, +track.dataset.value), 350);
    });
    // ▶ sweeps from the minimum to the maximum at 25 frames a second; ⏸ commits.
    let timer = null;
    const stop = (doCommit) => {
      if (timer === null) return;
      clearInterval(timer);
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
      play.textContent = "⏸";
      track.dataset.live = "1";
      timer = setInterval(() => {
        const cc = spec(name);
        if (!framesFor(name) && cc.frames) return; // wait for the frames to arrive
        v = snap(cc, v + cc.step);
        move(v);
        if (v >= cc.max) stop(true);
      }, 40);
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
