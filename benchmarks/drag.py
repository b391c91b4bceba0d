"""Chart updates while a slider is dragged, and the release to idle, in headless Chromium.

Run from the repository root (``python -m benchmarks`` runs this with the rest)::

    python -m benchmarks drag [--quick]

For each target of :data:`TARGETS` the mouse presses a scrub-bar slider's thumb and
drags it at :data:`STEPS_PER_S` slider steps a second (one step's width per move) for
:data:`DRAG_S` seconds or to the track's end if that comes first, and the
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

import contextlib
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

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
PLAY_S = 1.2  # ▶ runs this long before ⏸ (a sweep of 50 steps at 30 a second: 1.7 s)
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
    #: The same control's Streamlit slider (its aria-label) on the pages before the
    #: scrub bar, measured as "before"; None: not measured there (play is new).
    before: str | None = None
    curve: bool = True  # a curve view: its release is held to RELEASE_KB_MAX


TARGETS: list[Target] = [
    Target("Explore · Huber δ", "/?loss=huber", "δ (delta)", before="δ (delta)"),
    Target(
        "Explore · Huber probe x₀",
        "/?loss=huber",
        "probe x₀: r",
        before="probe: residual r = ŷ − y",
    ),
    Target("Explore · focal γ, p_t axis", "/?loss=focal&x=p_t", "γ (gamma)", before="γ (gamma)"),
    Target("Explore · Barron α", "/?loss=general_robust", "α (alpha)", before="α (alpha)"),
    Target("Compare · Huber δ, overlay", "/compare", "δ (delta)", before="δ (delta)"),
    Target(
        "Compare · focal γ, ratio",
        "/compare?domain=binary&x=p_t&view=ratio",
        "γ (gamma)",
        before="γ (gamma)",
    ),
    Target("Explore · ▶ focal γ", "/?loss=focal&gamma=0.0", "γ (gamma)", play=True),
    Target(
        "Outliers · ▶ descent path",
        "/outliers?step=0",
        "show the path up to step",
        play=True,
        curve=False,
    ),
    Target("Metric learning · ▶ training", "/metric?t=0", "show step", play=True, curve=False),
    Target("Noise models · noise growth", "/noise", "noise growth (σ per unit of x)"),
    Target(
        "Metric learning · alignment/uniformity step",
        "/metric?loss=info_nce&view=geometry&t=0",
        "show step",
        curve=False,
    ),
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
    step: float | None = None  # the slider's step (a scrub slider says it; reused for before)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0

    @property
    def release(self) -> float:
        return statistics.median(self.release_ms) if self.release_ms else 0.0

    @property
    def kb(self) -> float:
        return statistics.median(self.release_kb) if self.release_kb else 0.0


def _slider(page, t: Target, streamlit: bool = False):
    if not t.slider:  # the minimal app: its one Streamlit slider
        return page.get_by_role("slider").first
    if streamlit:  # a Streamlit slider's input carries its label as aria-label
        label = t.slider.replace("\\", "\\\\").replace('"', '\\"')
        return page.locator(f'input[type="range"][aria-label="{label}"]').nth(t.nth)
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


def measure(
    url: str,
    t: Target,
    browser,
    releases: int = RELEASES,
    *,
    streamlit: bool = False,
    step: float | None = None,
) -> Result:
    """First load, then ``releases`` drags (or ▶ … ⏸) of ``t``'s control on ``url``.

    ``streamlit``: the control is a Streamlit slider (the pages before the scrub bar,
    the minimal app), which has no frames to fetch on hover; ``step``: its step, if
    known (else the drag spans the track in :data:`STEPS_PER_S` · :data:`DRAG_S` moves).
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(_PROBE)
    page = context.new_page()
    try:
        frames = _Frames(page)
        out = Result(url)
        page.goto(url, wait_until="commit")
        out.load_ms, _, _ = _settle(page, frames, first=True)
        out.load_kb = frames.received / 1000
        handle = _slider(page, t, streamlit)
        handle.wait_for(state="attached")
        if t.slider and not streamlit:
            # The first hover asks for the slider's frames (one rerun); count their bytes.
            handle.scroll_into_view_if_needed()
            page.evaluate(_RESET)
            frames.reset()
            handle.hover()
            page.wait_for_timeout(200)
            _settle(page, frames)
            out.frames_kb = frames.received / 1000
        if not streamlit and t.slider:
            step = float(handle.get_attribute("data-step"))
        out.step = step
        for _ in range(releases):
            value, lo, hi, x_thumb, y, left, right = _geometry(page, handle)
            target = right if value < (lo + hi) / 2 else left
            steps = int(STEPS_PER_S * DRAG_S)
            if step and hi > lo:  # one slider step per move, to the end of the track
                px = (right - left) * step / (hi - lo)
                steps = max(1, min(steps, round(abs(target - x_thumb) / px)))
                target = x_thumb + px * steps * (1 if target > x_thumb else -1)
            page.evaluate(_RESET)
            page.evaluate(_MARK)
            page.evaluate(_ZERO)
            frames.reset()
            if t.play:
                button = page.get_by_role("button", name=f"Play: sweep {t.slider}")
                button.click()
                t0 = time.perf_counter()
                # ▶ for PLAY_S, or until the sweep reaches the end by itself (⏸ → ▶).
                while time.perf_counter() < t0 + PLAY_S and button.text_content() == "⏸":
                    page.wait_for_timeout(50)
                n = page.evaluate(_COUNT)
                out.rates.append((n["drawn"] or n["plots"]) / (time.perf_counter() - t0))
                out.draw_ms += n["ms"]
                up = None
                if button.text_content() == "⏸":
                    page.evaluate(_MARK)
                    button.click()  # pause: commits the frame shown
                    up = page.evaluate("() => performance.now()")
            else:
                page.mouse.move(x_thumb, y)
                page.mouse.down()
                start = time.perf_counter()
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
            if not t.play:
                up = page.evaluate(_COUNT)["upAt"]
            if up is not None and ran:
                out.release_ms.append(end - up)
                out.release_kb.append(frames.received / 1000)
        if page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{url} shows an exception")
        return out
    finally:
        context.close()


#: Today's main before the scrub bar: the "before" of the README's table.
BEFORE = "4a33707"


def _checkout(rev: str, into: Path) -> Path:
    """The files of commit ``rev`` of this repository, extracted into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(
    targets: list[Target] | None = None, releases: int = RELEASES, before: str | None = BEFORE
) -> str:
    """The table; ``before``: a commit of this repository whose pages are measured too
    (the same controls as Streamlit sliders), or None for the minimal app alone."""
    from playwright.sync_api import sync_playwright

    targets = TARGETS if targets is None else targets
    with contextlib.ExitStack() as stack:
        app = StreamlitServer(ROOT / "app.py")
        stack.callback(app.stop)
        minimal = StreamlitServer(ROOT / "benchmarks" / "minimal_app.py")
        stack.callback(minimal.stop)
        old = None
        if before:
            tree = _checkout(before, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            old = StreamlitServer(tree / "app.py", cwd=tree)
            stack.callback(old.stop)
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        stack.callback(browser.close)
        warm = Target("warm", "/?loss=huber", "δ (delta)")
        measure(app.url + warm.path, warm, browser, releases=1)
        base = measure(
            f"{minimal.url}/?kind=curve", Target("minimal", "", ""), browser, releases,
            streamlit=True,
        )  # fmt: skip
        rows = []
        for t in targets:
            try:
                now = measure(app.url + t.path, t, browser, releases)
                was = None
                if old is not None and t.before:
                    bt = Target(t.name, t.path, t.before, t.nth)
                    was = measure(
                        old.url + t.path, bt, browser, releases, streamlit=True, step=now.step
                    )
                rows.append((t, now, was))
            except Exception as exc:  # one broken page must not hide the others
                rows.append((t, exc, None))
        version = browser.version
    return table(rows, base, releases, version, before)


def _median(v: list[float]) -> float:
    return statistics.median(v) if v else 0.0


def table(rows, base: Result, releases: int, chromium: str, before: str | None = None) -> str:
    was_col = f"`{before}`" if before else "before"
    lines = [
        f"Headless Chromium {chromium}, viewport {VIEWPORT['width']}×{VIEWPORT['height']}; "
        f"{releases} drags per page of {DRAG_S:.0f} s at {STEPS_PER_S} steps a second (play "
        f"rows: ▶ for {PLAY_S} s, then ⏸). Before = the same page and control at commit "
        f"{was_col} (sidebar Streamlit sliders), minimal = `benchmarks/minimal_app.py?kind="
        "curve` (a Streamlit slider, one chart), both dragged the same way in the same run. "
        "Updates = members of the frames drawn on the driven chart while the button is "
        "down (per second, coalesced to the display's frames; for Streamlit sliders, Plotly "
        "redraws); draw ms = the page's time to draw one member (median); release → idle "
        "from the pointerup (⏸) to the script idle and the last plot redrawn; KB received "
        "over the websocket (10³ bytes). Targets: ≥ 30 updates/s on drags, ≥ 20 on play; "
        "release → idle ≤ 1.2× before; first load ≤ 1.5× before in time and bytes; a "
        "release on a curve view (Explore, Compare) ≤ 300 KB.",
        "",
        "| page · control | first load ms (before) | first load KB (before) | frames KB "
        "| updates/s while dragged (before) | draw ms | release → idle ms (before) "
        "| ratio | release KB (before) | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| minimal app, one Streamlit slider | {base.load_ms:.0f} | {base.load_kb:.0f} | – "
        f"| {base.rate:.1f} | – | {base.release:.0f} | – | {base.kb:.1f} | |",
    ]
    for t, m, was in rows:
        if isinstance(m, Exception):
            msg = " ".join(str(m).split())[:160]
            lines.append(f"| {t.name} `{t.path}` | error: {type(m).__name__}: {msg} |")
            continue
        misses = []
        floor = PLAY_MIN if t.play else UPDATES_MIN
        if m.rate < floor:
            misses.append(f"< {floor:.0f} updates/s")
        if t.curve and m.kb > RELEASE_KB_MAX:
            misses.append(f"> {RELEASE_KB_MAX:.0f} KB")
        ratio = "–"
        if was is not None and was.release:
            ratio = f"{m.release / was.release:.2f}×"
            if m.release > 1.2 * was.release:
                misses.append("release > 1.2× before")
            if m.load_ms > 1.5 * was.load_ms or m.load_kb > 1.5 * was.load_kb:
                misses.append("first load > 1.5× before")
        verdict = "ok" if not misses else "**miss**: " + ", ".join(misses)

        def pair(now: float, then: float | None, fmt: str = ".0f") -> str:
            return f"{now:{fmt}}" + ("" if then is None else f" ({then:{fmt}})")

        lines.append(
            f"| {t.name} `{t.path}` "
            f"| {pair(m.load_ms, was and was.load_ms)} "
            f"| {pair(m.load_kb, was and was.load_kb)} | {m.frames_kb:.0f} "
            f"| {pair(m.rate, was and was.rate, '.1f')} | {_median(m.draw_ms):.1f} "
            f"| {pair(m.release, was and was.release)} | {ratio} "
            f"| {pair(m.kb, was and was.kb, '.1f')} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=RELEASES, help="drags per page")
    parser.add_argument("--before", default=BEFORE, help="commit measured as before ('' none)")
    args = parser.parse_args(argv)
    print(run(releases=args.releases, before=args.before or None))


if __name__ == "__main__":
    main()
