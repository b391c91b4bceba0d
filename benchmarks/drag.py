"""Chart updates while a slider is dragged, and the release to idle, in headless Chromium.

Run from the repository root (``python -m benchmarks`` runs this with the rest)::

    python -m benchmarks drag [--quick]

For each target of :data:`TARGETS` the mouse presses a scrub-bar slider's thumb and
drags it at :data:`STEPS_PER_S` steps a second for :data:`DRAG_S` seconds, and the
page counts every redraw of every Plotly chart (``plotly_afterplot``) while the
button is down: the **updates per second** during the drag. Then the button is
released, and the **release → idle** time runs from the ``pointerup`` to the
script idle and the last plot redrawn (the commit's rerun), with the websocket
bytes received for it. The frames a slider needs are fetched once, when it is
first hovered: their bytes are reported too (**frames KB**). Play targets press
▶ instead and count updates for :data:`DRAG_S` seconds.

The baseline is ``benchmarks/minimal_app.py?kind=curve`` (one Streamlit slider,
one chart) in the same run, dragged the same way: a Streamlit slider reports only
on release, so its chart does not move during the drag (0 updates a second), and
its release → idle is the round trip of today's pages.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from benchmarks.browser import (
    _PROBE,
    _RESET,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    VIEWPORT,
    StreamlitServer,
    _Frames,
    _settle,
)

STEPS_PER_S = 40  # the drag: 40 slider steps a second
DRAG_S = 2.0
RELEASES = 3  # drags per target (alternating direction); medians reported
UPDATES_MIN = 30.0  # target: ≥ 30 chart updates a second on curve views (display: 60)
PLAY_MIN = 20.0  # target: play animates at ≥ 20 frames a second
RELEASE_KB_MAX = 300.0


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    slider: str  # the slider's accessible name (its aria-label)
    nth: int = 0  # which of the sliders of that name (Compare: one per entry)
    play: bool = False  # press ▶ instead of dragging


TARGETS: list[Target] = [
    Target("Explore · Huber δ", "/?loss=huber", "δ (delta)"),
    Target("Explore · Huber probe x₀", "/?loss=huber", "probe x₀: r"),
    Target("Explore · focal γ, p_t axis", "/?loss=focal&x=p_t", "γ (gamma)"),
    Target("Explore · Barron α", "/?loss=general_robust", "α (alpha)"),
    Target("Compare · Huber δ, overlay", "/compare", "δ (delta)"),
    Target("Compare · focal γ, ratio", "/compare?domain=binary&x=p_t&view=ratio", "γ (gamma)"),
    Target("Explore · ▶ focal γ", "/?loss=focal&gamma=0.0", "γ (gamma)", play=True),
    Target("Outliers · ▶ descent path", "/outliers?step=0", "show the path up to step", play=True),
    Target("Metric learning · ▶ training", "/metric?t=0", "show step", play=True),
]

_MARK = """() => { const lv = window.__lv; lv.drag = performance.now(); lv.upAt = null;
  if (!lv.upHooked) { lv.upHooked = true;
    document.addEventListener("pointerup", () => { lv.upAt = performance.now(); }, true); } }"""
_COUNT = """() => { const lv = window.__lv; const s = window.__lossvizScrub || {drawn: {}, ms: []};
  return {now: performance.now(), plots: lv.plots.filter(t => t >= lv.drag).length,
  upAt: lv.upAt, drawn: Math.max(0, ...Object.values(s.drawn)), ms: s.ms.slice()}; }"""
_ZERO = """() => { if (window.__lossvizScrub) window.__lossvizScrub = {drawn: {}, ms: []}; }"""


@dataclass
class Result:
    url: str
    load_ms: float = 0.0
    load_kb: float = 0.0
    frames_kb: float = 0.0
    rates: list[float] = field(default_factory=list)  # chart updates a second while dragged
    release_ms: list[float] = field(default_factory=list)
    release_kb: list[float] = field(default_factory=list)
    draw_ms: list[float] = field(default_factory=list)  # the page's time to draw one member

    @property
    def rate(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0

    @property
    def release(self) -> float:
        return statistics.median(self.release_ms) if self.release_ms else 0.0

    @property
    def kb(self) -> float:
        return statistics.median(self.release_kb) if self.release_kb else 0.0


def _slider(page, t: Target):
    if not t.slider:  # the minimal app: its one Streamlit slider
        return page.get_by_role("slider").first
    return page.get_by_role("slider", name=t.slider, exact=True).nth(t.nth)


def _geometry(page, handle) -> tuple[float, float, float, float, float]:
    """(value, min, max, x of the thumb, y) and the track's left/right end, of a scrub
    slider (the role="slider" element is its track) or a Streamlit one (the thumb)."""
    return handle.evaluate(
        """e => { const v = +e.getAttribute('aria-valuenow');
          const lo = +e.getAttribute('aria-valuemin'), hi = +e.getAttribute('aria-valuemax');
          if (e.tagName === 'INPUT') {  // Streamlit: a hidden input in the thumb, in the track
            const thumb = e.parentElement.parentElement.getBoundingClientRect();
            const track = e.parentElement.parentElement.parentElement.getBoundingClientRect();
            return [v, lo, hi, thumb.left + thumb.width / 2, thumb.top + thumb.height / 2,
                    track.left + 6, track.right - 6];
          }
          const r = e.getBoundingClientRect();
          return [v, lo, hi, r.left + 8 + (r.width - 16) * (v - lo) / (hi - lo),
                  r.top + r.height / 2, r.left + 8, r.right - 8]; }"""
    )


def measure(url: str, t: Target, browser, releases: int = RELEASES) -> Result:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(_PROBE)
    page = context.new_page()
    try:
        frames = _Frames(page)
        out = Result(url)
        page.goto(url, wait_until="commit")
        out.load_ms, _, _ = _settle(page, frames, first=True)
        out.load_kb = frames.received / 1000
        handle = _slider(page, t)
        handle.wait_for(state="attached")
        if t.slider:
            # The first hover asks for the slider's frames (one rerun); count their bytes.
            handle.scroll_into_view_if_needed()
            page.evaluate(_RESET)
            frames.reset()
            handle.hover()
            page.wait_for_timeout(200)
            _settle(page, frames)
            out.frames_kb = frames.received / 1000
        for _ in range(releases):
            value, lo, hi, x_thumb, y, left, right = _geometry(page, handle)
            target = right if value < (lo + hi) / 2 else left
            page.evaluate(_RESET)
            page.evaluate(_MARK)
            page.evaluate(_ZERO)
            frames.reset()
            if t.play:
                button = page.get_by_role("button", name=f"Play: sweep {t.slider}")
                button.click()
                t0 = time.perf_counter()
                page.wait_for_timeout(DRAG_S * 1000)
                n = page.evaluate(_COUNT)
                out.rates.append((n["drawn"] or n["plots"]) / (time.perf_counter() - t0))
                out.draw_ms += n["ms"]
                page.evaluate(_MARK)
                button.click()  # pause: commits the frame shown
                up = page.evaluate("() => performance.now()")
            else:
                page.mouse.move(x_thumb, y)
                page.mouse.down()
                start = time.perf_counter()
                steps = int(STEPS_PER_S * DRAG_S)
                for i in range(1, steps + 1):
                    page.mouse.move(x_thumb + (target - x_thumb) * i / steps, y)
                    wait = start + i / STEPS_PER_S - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                n = page.evaluate(_COUNT)
                out.rates.append((n["drawn"] or n["plots"]) / (time.perf_counter() - start))
                out.draw_ms += n["ms"]
                frames.reset()
                page.mouse.up()
                up = None
            end, ran, _ = _settle(page, frames)
            up = up or page.evaluate(_COUNT)["upAt"]
            if up is not None and ran:
                out.release_ms.append(end - up)
                out.release_kb.append(frames.received / 1000)
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{url} shows an exception")
        return out
    finally:
        context.close()


def run(targets: list[Target] | None = None, releases: int = RELEASES) -> str:
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
                warm = Target("warm", "/?loss=huber", "δ (delta)")
                measure(app.url + warm.path, warm, browser, releases=1)
                base = measure(f"{minimal.url}/?kind=curve", Target("minimal", "", ""), browser,
                               releases)  # fmt: skip
                rows = []
                for t in targets:
                    try:
                        rows.append((t, measure(app.url + t.path, t, browser, releases)))
                    except Exception as exc:  # one broken page must not hide the others
                        rows.append((t, exc))
                version = browser.version
            finally:
                browser.close()
    finally:
        minimal.stop()
        app.stop()
    return table(rows, base, releases, version)


def table(rows, base: Result, releases: int, chromium: str) -> str:
    lines = [
        f"Headless Chromium {chromium}, viewport {VIEWPORT['width']}×{VIEWPORT['height']}; "
        f"{releases} drags per page of {DRAG_S:.0f} s at {STEPS_PER_S} steps a second (play "
        f"rows: ▶ for {DRAG_S:.0f} s, then ⏸); baseline = `benchmarks/minimal_app.py?kind="
        "curve` (a Streamlit slider, one chart) dragged the same way in the same run. "
        "Updates = members of the frames drawn on the driven chart while the button is "
        "down (per second, coalesced to the display's frames; for the minimal app, Plotly "
        "redraws); draw ms = the page's time to draw one member (median); release "
        "→ idle from the pointerup (⏸) to the script idle and the last plot redrawn; KB "
        "received over the websocket (10³ bytes).",
        "",
        "| page · slider | first load ms (minimal) | first load KB (minimal) | frames KB "
        "| updates/s during the drag (minimal) | draw ms | release → idle ms (minimal) "
        "| ratio | release KB | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t, m in rows:
        if isinstance(m, Exception):
            msg = " ".join(str(m).split())[:160]
            lines.append(f"| {t.name} `{t.path}` | error: {type(m).__name__}: {msg} |")
            continue
        misses = []
        floor = PLAY_MIN if t.play else UPDATES_MIN
        if m.rate < floor:
            misses.append(f"< {floor:.0f} updates/s")
        if m.kb > RELEASE_KB_MAX:
            misses.append(f"> {RELEASE_KB_MAX:.0f} KB")
        verdict = "ok" if not misses else "**miss**: " + ", ".join(misses)
        ratio = f"{m.release / base.release:.2f}×" if base.release else "n/a"
        lines.append(
            f"| {t.name} `{t.path}` | {m.load_ms:.0f} ({base.load_ms:.0f}) "
            f"| {m.load_kb:.0f} ({base.load_kb:.0f}) | {m.frames_kb:.0f} "
            f"| {m.rate:.1f} ({base.rate:.1f}) "
            f"| {statistics.median(m.draw_ms) if m.draw_ms else 0:.1f} "
            f"| {m.release:.0f} ({base.release:.0f}) | {ratio} "
            f"| {m.kb:.1f} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=RELEASES, help="drags per page")
    args = parser.parse_args(argv)
    print(run(releases=args.releases))


if __name__ == "__main__":
    main()
