"""Press-to-idle time and websocket bytes per slider move, in headless Chromium.

Run from the repository root (``python -m benchmarks`` runs this with the rest)::

    python -m benchmarks browser [--quick]

One run starts ``streamlit run app.py`` and ``streamlit run
benchmarks/minimal_app.py`` (one slider, one chart of the same kind) on free
loopback ports, opens each page of :data:`TARGETS` and the matching minimal app
in the same headless Chromium, and reports per page:

- **first load**: navigation start → the script is idle and every plot drawn;
- **move**: a slider key press → the rerun has run, the app is idle and the
  plots have re-rendered, as median and p95 over ``moves`` presses;
- **bytes**: websocket payload received (and sent) per move, from the Chrome
  DevTools Protocol (``Network.webSocketFrameReceived``/``Sent``).

All times are taken inside the page with ``performance.now()``: the key press
by a capturing ``keydown`` listener, the script state from the
``data-test-script-state`` attribute of ``stApp``, and each plot re-render
from a ``plotly_afterplot`` listener plus a per-frame check of the plot's
``_fullData`` (which Plotly replaces on every redraw). A move ends at the last
of these before a quiet period, so Python's polling latency is not counted.

The slider moves one step per press and sweeps towards its maximum, turning at
either end, so the values it visits are new to ``st.cache_data`` until it
turns (the cost of a first visit, not of a cache hit). On Explore and Compare the
sliders are the scrub bar's (lossviz/views/scrub.py): a key press moves the chart at
once and commits when the key has rested 350 ms (held keys repeat), so their "press →
running" includes that rest; ``benchmarks/drag.py`` measures them dragged.
"""

from __future__ import annotations

import base64
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer  # noqa: E402


@dataclass(frozen=True)
class Target:
    """One page and slider to measure.

    Args:
      name: the row's name in the table.
      path: the URL path and query on the app (``/?loss=huber``).
      slider: the slider to move: its label (exact), or its index in page order
        (``get_by_role("slider")`` in the browser, ``at.slider`` in AppTest; the
        two orders agree only while a page's sliders are all in one area).
      kind: the chart that slider redraws, which picks the baseline
        (``minimal_app.py?kind=``) and the target: ``curve``, ``surface`` (2-D
        contour) or ``surface3d``.
    """

    name: str
    path: str
    slider: int | str
    kind: str


# The benchmark table: a new page is one line. Curve targets: move ≤ 1.5× the minimal
# app and < 300 KB per move; surface targets: < 1 MB per move (issue 3).
TARGETS: list[Target] = [
    Target("Explore · Huber δ", "/?loss=huber", "δ (delta)", "curve"),
    Target("Explore · Huber probe x₀", "/?loss=huber", "probe x₀: r", "curve"),
    Target("Explore · focal γ, contour", "/?loss=focal", "γ (gamma)", "surface"),
    Target("Explore · focal γ, 3-D surface", "/?loss=focal&3d=1", "γ (gamma)", "surface3d"),
    Target("Compare · δ", "/compare", "δ (delta)", "curve"),
    Target("Compare · δ, surfaces view", "/compare?view=surfaces", "δ (delta)", "surface"),
    Target("Robust regression · Huber δ", "/outliers", "δ (delta)", "surface"),
    Target("Class imbalance · separation", "/imbalance", "class separation", "surface"),
    Target("Preferences · comparisons N", "/preferences", "comparisons N", "curve"),
    Target("Forward vs reverse KL · separation", "/kl-fit", "separation s", "surface"),
    Target("Metric learning · margin", "/metric", "margin m", "curve"),
    Target(
        "Preferences · β, DPO vs IPO policy", "/preferences?view=policy", "β (KL strength)", "curve"
    ),
    Target(
        "Preferences · ridge λ, β sweep (80 fits)",
        "/preferences?view=beta",
        "ridge λ on the logits",
        "curve",
    ),
    # issue 14: Class imbalance's label smoothing and Dice/Tversky comparisons
    Target(
        "Class imbalance · label smoothing ε",
        "/imbalance?compare=smoothing&view=probabilities",
        "ε (label_smoothing)",
        "curve",
    ),
    Target("Class imbalance · Tversky β", "/imbalance?compare=overlap", "β (beta)", "surface"),
    Target("Noise models · noise growth", "/noise", "noise growth (σ per unit of x)", "curve"),
    Target("Noise models · Poisson slope", "/noise?view=poisson", "true log-rate slope a", "curve"),
    Target("Robust regression · Barron α", "/outliers", "α (alpha)", "surface"),
    Target(
        "Robust regression · quantile τ",
        "/outliers?kind=heteroscedastic&l1=mse&l2=huber",
        "τ (tau)",
        "surface",
    ),
    Target("Metric learning · InfoNCE τ", "/metric?loss=info_nce", "temperature τ", "curve"),
]
CURVE_RATIO_MAX = 1.5
CURVE_KB_MAX = 300.0
SURFACE_KB_MAX = 1000.0

VIEWPORT = {"width": 1500, "height": 1000}
QUIET_MS = 400.0  # a move (or a load) is over after this long with no state change,
# no plot redraw and no websocket frame
NO_RERUN_S = 2.0  # if the state never shows "running" after this long, stop waiting for it
NO_PLOT_S = 5.0  # same, for a plot redraw
TIMEOUT_S = 60.0

# Installed before any page script: records key presses, script-state changes and plot
# redraws with performance.now() (ms since navigation start).
_PROBE = """
(() => {
  if (window.__lv) return;
  const lv = (window.__lv = { key: null, state: null, states: [], plots: [], which: [] });
  const seen = new WeakMap();
  const hooked = new WeakSet();
  const note = (s) => {
    if (s !== lv.state) {
      lv.state = s;
      lv.states.push([performance.now(), s]);
    }
  };
  const checkState = () => {
    const app = document.querySelector("[data-testid='stApp']");
    note(app ? app.getAttribute("data-test-script-state") : null);
  };
  // Every value the attribute took, from the records: a fast rerun can flip it to
  // "running" and back before the observer's callback runs, and reading only the
  // current value would miss the rerun.
  const onRecords = (records) => {
    records.forEach((r, i) => {
      const next = records[i + 1];
      note(next ? next.oldValue : r.target.getAttribute(r.attributeName));
    });
  };
  const tick = () => {
    checkState();
    document.querySelectorAll(".js-plotly-plot").forEach((gd, i) => {
      if (gd._fullData && seen.get(gd) !== gd._fullData) {
        seen.set(gd, gd._fullData);
        lv.plots.push(performance.now());
        lv.which.push(i);
      }
      if (typeof gd.on === "function" && !hooked.has(gd)) {
        hooked.add(gd);
        gd.on("plotly_afterplot", () => lv.plots.push(performance.now()));
      }
    });
    requestAnimationFrame(tick);
  };
  new MutationObserver(onRecords).observe(document, {
    attributes: true, subtree: true, attributeFilter: ["data-test-script-state"],
    attributeOldValue: true,
  });
  document.addEventListener("keydown", () => { lv.key = performance.now(); }, true);
  requestAnimationFrame(tick);
})();
"""
_SNAPSHOT = """() => {
  const gds = Array.from(document.querySelectorAll(".js-plotly-plot"));
  return { now: performance.now(), ...window.__lv, nplots: gds.length,
           drawn: gds.filter((gd) => gd._fullData).length };
}"""
_RESET = """() => {
  const lv = window.__lv; lv.key = null; lv.states = []; lv.plots = []; lv.which = [];
}"""


@dataclass
class Measurement:
    """What :func:`measure` saw on one page (times in ms, payloads in bytes)."""

    url: str
    load_ms: float = 0.0
    load_bytes: int = 0
    move_ms: list[float] = field(default_factory=list)
    move_bytes: list[int] = field(default_factory=list)  # received by the browser
    move_sent: list[int] = field(default_factory=list)
    reran: list[bool] = field(default_factory=list)  # the state went through "running"
    # Where a move's time went: press → script starts, script running (server), then
    # until the last plot is drawn (browser).
    move_parts: list[tuple[float, float, float]] = field(default_factory=list)
    redrawn: list[tuple[int, ...]] = field(default_factory=list)  # plots (page order) redrawn

    @property
    def median_ms(self) -> float:
        return statistics.median(self.move_ms)

    @property
    def p95_ms(self) -> float:
        return float(np.percentile(self.move_ms, 95))

    @property
    def parts_ms(self) -> tuple[float, float, float]:
        """Medians of (press → running, running → idle, idle → last redraw)."""
        return tuple(statistics.median(p[i] for p in self.move_parts) for i in range(3))

    @property
    def kb_per_move(self) -> float:
        return statistics.median(self.move_bytes) / 1000.0

    @property
    def sent_per_move(self) -> float:
        return statistics.median(self.move_sent)


class _Frames:
    """Websocket payload bytes seen by a CDP session, and when the last frame came."""

    def __init__(self, page) -> None:
        self.received = 0
        self.sent = 0
        self.last = time.monotonic()
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameReceived", self._on_received)
        cdp.on("Network.webSocketFrameSent", self._on_sent)
        cdp.send("Network.enable")
        self.cdp = cdp

    @staticmethod
    def _size(response: dict) -> int:
        data = response.get("payloadData", "")
        if response.get("opcode") == 2:  # binary frames (Streamlit's protobufs) come base64
            return len(base64.b64decode(data))
        return len(data.encode())

    def _on_received(self, event: dict) -> None:
        self.received += self._size(event["response"])
        self.last = time.monotonic()

    def _on_sent(self, event: dict) -> None:
        self.sent += self._size(event["response"])
        self.last = time.monotonic()

    def reset(self) -> None:
        self.received = 0
        self.sent = 0


def _settle(page, frames: _Frames, *, first: bool = False) -> tuple[float, bool, dict]:
    """Wait until the app is idle, plots drawn and the wire quiet; return (end ms, reran).

    ``end`` is the page time of the last idle transition or plot redraw. On the
    ``first`` load the script must have run and every plot on the page be drawn;
    after a key press a missing rerun or redraw is waited for a few seconds only
    (and reported in ``reran``).
    """
    start = time.monotonic()
    while True:
        page.wait_for_timeout(30)  # lets Playwright deliver the CDP events meanwhile
        snap = page.evaluate(_SNAPSHOT)
        elapsed = time.monotonic() - start
        # A rerun shows as the "running" state, or, when the browser is busy and React
        # renders the script's start and end in one commit (the attribute then never
        # changes), as the server's messages arriving after the press.
        ran = any(s == "running" for _, s in snap["states"]) or (not first and frames.received > 0)
        idle_at = [t for t, s in snap["states"] if s == "notRunning"]
        events = [t for t, _ in snap["states"]] + snap["plots"] + [snap["key"] or 0.0]
        quiet = (
            snap["now"] - max(events) >= QUIET_MS
            and time.monotonic() - frames.last >= QUIET_MS / 1000
        )
        if first:
            drawn = ran and snap["nplots"] > 0 and snap["drawn"] == snap["nplots"]
        else:
            drawn = (ran or elapsed > NO_RERUN_S) and (snap["plots"] or elapsed > NO_PLOT_S)
        if snap["state"] == "notRunning" and drawn and quiet:
            return max(idle_at[-1:] + snap["plots"] + [snap["key"] or 0.0]), ran, snap
        if elapsed > TIMEOUT_S:
            raise TimeoutError(f"{page.url} did not settle in {TIMEOUT_S:.0f}s: {snap['states']}")


def _aria(handle) -> tuple[float, float, float]:
    """(value, min, max) of a Streamlit slider's ``input[type=range]`` or of a scrub-bar
    slider (``role="slider"``, lossviz/views/scrub.py)."""
    return tuple(
        handle.evaluate(
            """e => (e.tagName === 'INPUT' ? [e.value, e.min, e.max]
              : ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(a => e.getAttribute(a))
              ).map(Number)"""
        )
    )


def measure(
    url: str, slider: int | str = 0, moves: int = 12, *, warmup: int = 2, browser=None
) -> Measurement:
    """First load and ``moves`` key presses of one slider on ``url``.

    Args:
      url: the full page URL.
      slider: the slider's label, or its index in page order.
      moves: key presses; each is timed from the press to the app idle and replotted.
      warmup: key presses made first and not counted (the first reruns of a fresh
        page pay one-off costs: lazy-loaded chunks, first React renders).
      browser: a Playwright ``Browser``; when None one headless Chromium is launched.
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                return measure(url, slider, moves, warmup=warmup, browser=b)
            finally:
                b.close()

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(_PROBE)
    page = context.new_page()
    try:
        frames = _Frames(page)
        out = Measurement(url)
        page.goto(url, wait_until="commit")
        out.load_ms, _, _ = _settle(page, frames, first=True)
        out.load_bytes = frames.received
        if isinstance(slider, str):  # the label is the input's aria-label (its accessible
            # name comes from aria-labelledby and does not match the label exactly), or a
            # scrub-bar slider's accessible name
            label = slider.replace("\\", "\\\\").replace('"', '\\"')
            thumb = page.locator(f'input[type="range"][aria-label="{label}"]').or_(
                page.get_by_role("slider", name=slider, exact=True)
            )
        else:
            thumb = page.get_by_role("slider").nth(slider)
        thumb.wait_for(state="attached")
        direction = "ArrowRight"
        for i in range(warmup + moves):
            before, lo, hi = _aria(thumb)
            if before >= hi:
                direction = "ArrowLeft"
            elif before <= lo:
                direction = "ArrowRight"
            thumb.focus()
            page.evaluate(_RESET)
            frames.reset()
            thumb.press(direction)
            end, ran, snap = _settle(page, frames)
            key = snap["key"]
            if _aria(thumb)[0] == before:
                raise RuntimeError(f"{direction} did not move slider {slider!r} on {url}")
            if i < warmup:
                continue
            out.move_ms.append(end - key)
            out.move_bytes.append(frames.received)
            out.move_sent.append(frames.sent)
            out.reran.append(ran)
            out.redrawn.append(tuple(sorted(set(snap["which"]))))
            runs = [t for t, s in snap["states"] if s == "running"]
            idles = [t for t, s in snap["states"] if s == "notRunning"]
            if runs and idles:
                out.move_parts.append((runs[0] - key, idles[-1] - runs[0], end - idles[-1]))
        errors = page.locator("[data-testid='stException']").count()
        if errors:
            raise RuntimeError(f"{url} shows {errors} exception(s)")
        return out
    finally:
        context.close()


# --- the table ---------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b > 0 else "n/a"


def _verdict(t: Target, m: Measurement, base: Measurement) -> str:
    misses = []
    if t.kind == "curve":
        if m.median_ms > CURVE_RATIO_MAX * base.median_ms:
            misses.append(f"> {CURVE_RATIO_MAX}× time")
        if m.kb_per_move >= CURVE_KB_MAX:
            misses.append(f"≥ {CURVE_KB_MAX:.0f} KB")
    elif m.kb_per_move >= SURFACE_KB_MAX:
        misses.append(f"≥ {SURFACE_KB_MAX:.0f} KB")
    return "ok" if not misses else "**miss**: " + ", ".join(misses)


def run(targets: list[Target] | None = None, moves: int = 12) -> str:
    """Measure every target and its baseline in one run; the Markdown table."""
    from playwright.sync_api import sync_playwright

    targets = TARGETS if targets is None else targets
    app = StreamlitServer(ROOT / "app.py")
    try:
        minimal = StreamlitServer(ROOT / "benchmarks" / "minimal_app.py")
    except BaseException:
        app.stop()
        raise
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                # Warm both servers (imports, first script run) outside the measurements.
                for server in (app, minimal):
                    measure(server.url + "/", 0, 1, warmup=0, browser=browser)
                base = {
                    kind: measure(f"{minimal.url}/?kind={kind}", 0, moves, browser=browser)
                    for kind in dict.fromkeys(t.kind for t in targets)
                }
                rows = []
                for t in targets:
                    try:
                        rows.append(
                            (t, measure(app.url + t.path, t.slider, moves, browser=browser))
                        )
                    except Exception as exc:  # one broken page must not hide the others
                        rows.append((t, exc))
                version = browser.version
            finally:
                browser.close()
    finally:
        minimal.stop()
        app.stop()
    return table(rows, base, moves, version)


def table(
    rows: list[tuple[Target, Measurement | Exception]],
    base: dict[str, Measurement],
    moves: int,
    chromium: str,
) -> str:
    lines = [
        f"Headless Chromium {chromium}, viewport {VIEWPORT['width']}×{VIEWPORT['height']}; "
        f"{moves} key presses per page; baseline = `benchmarks/minimal_app.py?kind=<kind>` "
        "(one slider, one chart of that kind) in the same run. Times in ms, payload "
        "received over the websocket in KB (10³ bytes) per move (median).",
        "",
        "| page · slider | kind | first load (minimal) | move median (minimal) | ratio "
        "| move p95 (minimal) | KB/move (minimal) | sent B/move | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t, m in rows:
        if isinstance(m, Exception):
            msg = " ".join(str(m).split())[:160]
            lines.append(f"| {t.name} `{t.path}` | {t.kind} | error: {type(m).__name__}: {msg} |")
            continue
        b = base[t.kind]
        note = "" if all(m.reran) else f" ({m.reran.count(False)} presses without a rerun)"
        lines.append(
            f"| {t.name} `{t.path}` | {t.kind} "
            f"| {m.load_ms:.0f} ({b.load_ms:.0f}) "
            f"| {m.median_ms:.0f} ({b.median_ms:.0f}) | {_ratio(m.median_ms, b.median_ms)} "
            f"| {m.p95_ms:.0f} ({b.p95_ms:.0f}) "
            f"| {m.kb_per_move:.1f} ({b.kb_per_move:.1f}) | {m.sent_per_move:.0f} "
            f"| {_verdict(t, m, b)}{note} |"
        )
    lines += [
        "",
        "Where a move's time goes (medians, ms; minimal app in brackets): press → the "
        "script starts (the slider's debounce and the BackMsg), the script running "
        "(server: the rerun and sending its deltas), idle → last plot redrawn (browser).",
        "",
        "| page · slider | press → running | running → idle | idle → redrawn "
        "| plots redrawn per move (of those on the page) |",
        "|---|---:|---:|---:|---|",
    ]
    for t, m in rows:
        if isinstance(m, Exception):
            continue
        b = base[t.kind]
        cells = " | ".join(
            f"{x:.0f} ({y:.0f})" for x, y in zip(m.parts_ms, b.parts_ms, strict=True)
        )
        redrawn = statistics.median(len(r) for r in m.redrawn)
        lines.append(f"| {t.name} | {cells} | {redrawn:.0f} (e.g. #{m.redrawn[-1]}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="key presses per page (12)")
    args = parser.parse_args(argv)
    print(run(moves=args.moves))


if __name__ == "__main__":
    main()
