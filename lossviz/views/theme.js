// lossviz: one light/dark choice for every page, kept across reloads and links.
//
// Streamlit (1.66, 1.67) keeps the settings menu's choice in localStorage under
// `stActiveTheme-${location.pathname}-v2` ("Light", "Dark" or "System"), with the
// pathname the page was *loaded* at: a reload of /compare or a link to it reads another
// key than "/" wrote, so the choice seemed lost. It reads that key once, when the page
// loads. This script (run by lossviz.views.theme on every page) keeps one choice in
// `lossviz-theme` and writes it under every page's key, so whichever page is loaded
// next starts in it; a `theme=` link parameter (WANT, from the server) sets the choice;
// a choice made in the menu is copied to every page within half a second. Only when the
// choice differs from the theme the page loaded with (a link's `theme=` opened in a
// browser that had another) is the page reloaded, once, to start in it.
(() => {
  const WANT = __WANT__; // "Light" | "Dark" | "System" | null (no theme= in the link)
  const PATHS = __PATHS__; // every page's url_path ("" for the default page)
  const HERE = __HERE__; // the url_path of the page this run drew
  const OWN = "lossviz-theme";
  const VERSION = 2; // Streamlit's CACHED_THEME_VERSION in 1.66 and 1.67
  const CHOICES = ["Light", "Dark", "System"];
  const w = window.parent && window.parent !== window ? window.parent : window;
  let store;
  try {
    store = w.localStorage;
    store.getItem(OWN);
  } catch (e) {
    return; // no storage (private mode, blocked): Streamlit's own behaviour stays
  }
  const key = (path) => `stActiveTheme-${path}-v${VERSION}`;
  const read = (k) => {
    try {
      const v = JSON.parse(store.getItem(k));
      return CHOICES.includes(v) ? v : null;
    } catch (e) {
      return null;
    }
  };
  // The app's base path (a proxy may serve it under a prefix): the current pathname
  // without the page's own url_path.
  const now = w.location.pathname;
  const base = HERE && now.endsWith("/" + HERE) ? now.slice(0, -HERE.length - 1) : now.replace(/\/$/, "");
  const pagePath = (p) => (p ? `${base}/${p}` : base || "/");
  const writeAll = (choice) => {
    store.setItem(OWN, JSON.stringify(choice));
    const paths = new Set(PATHS.map(pagePath));
    paths.add(landing);
    paths.add(now);
    if (base) paths.add(base + "/");
    for (const p of paths) store.setItem(key(p), JSON.stringify(choice));
    state.last = choice;
  };
  const dark = () => w.matchMedia && w.matchMedia("(prefers-color-scheme: dark)").matches;
  const looks = (c) => (c === "System" ? (dark() ? "Dark" : "Light") : c);
  const state = (w.__lossvizTheme = w.__lossvizTheme || {});
  let firstRun = false;
  if (!state.landing) {
    // The key Streamlit read when this document loaded, and the theme it started in.
    firstRun = true;
    let first = now;
    try {
      first = new URL(w.performance.getEntriesByType("navigation")[0].name).pathname;
    } catch (e) {}
    state.landing = first;
    state.last = read(key(first));
    state.loaded = state.last || "System";
  }
  const landing = state.landing;
  // A choice made in the settings menu since the last look: it is the choice now.
  const sync = () => {
    const v = read(key(landing));
    if (v && v !== state.last) {
      state.loaded = v;
      writeAll(v);
    }
  };
  sync();
  let choice = null;
  if (WANT && state.applied !== WANT) choice = WANT; // a link's theme=, once
  else if (firstRun) choice = read(OWN); // the last choice, made on any page
  if (WANT) state.applied = WANT;
  if (choice) {
    writeAll(choice);
    if (looks(choice) !== looks(state.loaded) && read(key(landing)) === choice) {
      // Streamlit reads its key only when the page loads. Never twice in a row for the
      // same choice (if the reload did not take, storage is not what it seems).
      let again = false;
      try {
        const [c, t] = JSON.parse(w.sessionStorage.getItem(OWN) || "[]");
        again = c === choice && Date.now() - t < 5000;
        w.sessionStorage.setItem(OWN, JSON.stringify([choice, Date.now()]));
      } catch (e) {}
      if (!again) {
        w.location.reload();
        return;
      }
    }
  }
  if (!state.watch) state.watch = w.setInterval(sync, 500);
})();

// Chart text in the theme's text colour. theme.py's CSS does it for SVG text; a 3-D
// scene's axis text is drawn by WebGL from the layout, where Streamlit's Plotly template
// puts #808495 (3.7:1 on white), so the scenes' axes get the page's colour in the layout:
// after each draw of a plot (Streamlit's own redraws reset it), and only where it differs,
// so the relayout's own draw changes nothing.
(() => {
  const w = window.parent && window.parent !== window ? window.parent : window;
  if (w.__lossvizInk) return;
  w.__lossvizInk = true;
  const ink = () => {
    const app = w.document.querySelector("[data-testid='stApp']");
    return app ? w.getComputedStyle(app).color : null;
  };
  const paint = (gd) => {
    const fl = gd._fullLayout;
    const colour = ink();
    if (!fl || !colour || !w.Plotly) return;
    const update = {};
    for (const scene of Object.keys(fl).filter((k) => /^scene\d*$/.test(k))) {
      for (const axis of ["xaxis", "yaxis", "zaxis"]) {
        const ax = fl[scene][axis];
        if (!ax) continue;
        if (ax.tickfont.color !== colour) update[`${scene}.${axis}.tickfont.color`] = colour;
        if (ax.title.font.color !== colour) update[`${scene}.${axis}.title.font.color`] = colour;
      }
    }
    if (Object.keys(update).length) w.Plotly.relayout(gd, update);
  };
  const hook = () => {
    for (const gd of w.document.querySelectorAll(".js-plotly-plot")) {
      if (!gd.__lossvizInk && gd.on) {
        gd.__lossvizInk = true;
        gd.on("plotly_afterplot", () => paint(gd));
      }
      paint(gd); // also when the theme changed and nothing was redrawn
    }
  };
  hook();
  w.setInterval(hook, 500);
})();
