"""Concurrent browser sessions against one server: moves completed, latency, server memory.

Run from the repository root (not part of the default ``python -m benchmarks``)::

    python -m benchmarks browser-load [--sessions 8] [--moves 10]

One ``streamlit run app.py`` on a free loopback port, one headless Chromium and
``sessions`` browser contexts (each its own Streamlit session), driven
concurrently with Playwright's async API. Session *i* opens the page
``PAGES[i % len(PAGES)]`` (round-robin over every page with sliders) and picks
a slider by rotating through that page's sliders, so the sessions on one page
move different sliders. Every session first loads its page; when all have
loaded (or failed to) they all start moving at once: ``moves`` key presses,
each waited for until the rerun is over: the ``data-test-script-state`` of
``stApp`` went ``running`` then ``notRunning`` (or, when the busy browser
renders both in one commit so ``running`` never reaches the DOM, the server's
websocket messages arrived and the state is ``notRunning``), and the page has
been quiet for :data:`~benchmarks.browser.QUIET_MS`, at most
:data:`MOVE_TIMEOUT_S`.

Reported: moves completed out of attempted, loads and moves after which an
``stException`` was on the page, uncaught page errors, press → rerun delivered
and press → last plot redrawn (p50 and p95, timed in the page with the probe of
:mod:`benchmarks.browser`, so the harness's own polling under load is not
counted), the CPU time of the server and of the browser, and the server's
resident memory (``VmRSS`` of its process) when fresh, after one visit of each
page, after the load, and after the sessions have disconnected, with its peak
(``VmHWM``).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.browser import (  # CHROMIUM, CHROMIUM_ARGS, StreamlitServer: tests/conftest
    _PROBE,
    _RESET,
    _SNAPSHOT,
    CHROMIUM,
    CHROMIUM_ARGS,
    QUIET_MS,
    ROOT,
    VIEWPORT,
    StreamlitServer,
)
from benchmarks.protocol import run as run_async

# Every page with at least one slider (``/about`` has none).
PAGES = ["/", "/compare", "/outliers", "/imbalance", "/preferences", "/kl-fit", "/metric"]
PAGES += ["/noise"]
LOAD_TIMEOUT_S = 180.0  # first load of a page, all sessions loading at once
MOVE_TIMEOUT_S = 60.0  # one key press until the rerun is over
BARRIER_TIMEOUT_S = 300.0  # the slowest session to finish loading
SETTLE_S = 5.0  # after the contexts close, before the last memory reading

# Installed with the probe of benchmarks.browser: the page time of every websocket message
# the page receives. A rerun shows as frames even when the browser, busy, renders the
# script's "running" and "notRunning" in one React commit and the attribute never flips.
_WS_PROBE = """
(() => {
  if (window.__lvws) return;
  const ws = (window.__lvws = { frames: [] });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => ws.frames.push(performance.now()));
    }
  };
})();
"""
_WS_RESET = "() => { window.__lvws.frames = []; }"
_WS_FRAMES = "() => window.__lvws.frames"

# True once, since the last reset, the script has run (its state went "running") or the
# server has sent something, the script is idle, and the page has been quiet (no state
# change, no plot redraw, no websocket message) for QUIET_MS. Polled inside the page.
_DONE = f"""(first) => {{
  const lv = window.__lv, ws = window.__lvws;
  if (!lv || !ws || lv.state !== "notRunning") return false;
  const ran = lv.states.some((s) => s[1] === "running");
  if (!(ran || (!first && ws.frames.length > 0))) return false;
  if (first) {{  // the first load: every plot drawn and the sliders there
    const gds = Array.from(document.querySelectorAll(".js-plotly-plot"));
    if (!gds.length || !gds.every((gd) => gd._fullData)) return false;
    // A slider: Streamlit's, or a scrub bar's inside the component's shadow root.
    const slider = (root) => root.querySelector("input[type=range], [role=slider]") ||
      Array.from(root.querySelectorAll("*")).some((e) => e.shadowRoot && slider(e.shadowRoot));
    if (!slider(document)) return false;
  }}
  const events = lv.states.map((s) => s[0]).concat(lv.plots, ws.frames, [lv.key || 0]);
  return performance.now() - Math.max(...events) >= {QUIET_MS};
}}"""
_EXCEPTIONS = "[data-testid='stException']"
# (value, min, max) of a Streamlit slider's input or of a scrub-bar slider (its aria-*;
# lossviz/views/scrub.py), which commits a key press once the key has rested 350 ms.
_VALUE = """e => (e.tagName === 'INPUT' ? [e.value, e.min, e.max]
  : ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(a => e.getAttribute(a))).map(Number)"""


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    """A memory figure of a process from ``/proc/<pid>/status``, in kB (0 if unreadable)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """VmRSS of a process and its children (Streamlit runs in one process; kept honest)."""
    total = rss_kb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_kb(int(c)) for c in children)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (``/proc/<pid>/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (children, their children, ...), from ``/proc``."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        todo += kids
    return out


def machine_busy_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, over all cores (``/proc/stat``)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


@dataclass
class Session:
    """What one browser session did."""

    index: int
    path: str
    slider: int = 0
    slider_label: str = ""
    load_ms: float | None = None
    attempted: int = 0
    completed: int = 0
    # key press → the rerun delivered: the last "notRunning" or websocket message
    idle_ms: list[float] = field(default_factory=list)
    drawn_ms: list[float] = field(default_factory=list)  # key press → last plot redrawn
    # press → script running (the browser sends, the server starts the rerun), running →
    # idle (the server runs the script and sends its deltas), idle → last plot redrawn;
    # only for moves where the page showed the "running" state
    parts_ms: list[tuple[float, float, float]] = field(default_factory=list)
    unseen_running: int = 0  # completed moves whose "running" state never reached the DOM
    exceptions: int = 0  # moves (or the load) after which an stException was on the page
    exception_text: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)  # uncaught JS errors in the page
    failures: list[str] = field(default_factory=list)


async def _settled(page, timeout_s: float, *, first: bool = False) -> dict:
    await page.wait_for_function(_DONE, arg=first, polling=100, timeout=timeout_s * 1000)
    snap = await page.evaluate(_SNAPSHOT)
    snap["frames"] = await page.evaluate(_WS_FRAMES)
    return snap


async def _why(page) -> str:
    """What the page was doing when a wait timed out: its script states since the press."""
    try:
        snap = await page.evaluate(_SNAPSHOT)
    except Exception as exc:
        return f"(page unreadable: {type(exc).__name__})"
    frames = await page.evaluate(_WS_FRAMES)
    t0 = snap["key"] or 0.0
    states = ", ".join(f"{s}@{t - t0:+.0f}ms" for t, s in snap["states"][-6:])
    last = f", the last at {frames[-1] - t0:+.0f}ms" if frames else ""
    return (
        f"state now {snap['state']}; states since the press [{states}]; "
        f"{len(frames)} websocket messages{last}; {len(snap['plots'])} plot redraws; "
        f"{snap['drawn']}/{snap['nplots']} plots drawn; page time {snap['now'] - t0:+.0f}ms; "
        f"{await page.get_by_role('slider').count()} sliders on the page"
    )


async def _exceptions(page, out: Session) -> None:
    errs = page.locator(_EXCEPTIONS)
    n = await errs.count()
    if n:
        out.exceptions += 1
        for i in range(min(n, 2)):
            text = " ".join((await errs.nth(i).inner_text(timeout=5_000)).split())
            text = text.split(" Copy Ask Google")[0]  # Streamlit's buttons under a trace
            if text[:300] not in out.exception_text:
                out.exception_text.append(text[:300])


async def _load(browser, url: str, out: Session):
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(MOVE_TIMEOUT_S * 1000)
    await context.add_init_script(_PROBE)
    await context.add_init_script(_WS_PROBE)
    page = await context.new_page()
    page.on("pageerror", lambda exc: out.page_errors.append(str(exc)[:300]))
    await page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
    try:
        snap = await _settled(page, LOAD_TIMEOUT_S, first=True)
    except Exception as exc:
        raise RuntimeError(f"{_short(exc)}; {await _why(page)}") from exc
    idle = [t for t, s in snap["states"] if s == "notRunning"]
    out.load_ms = max(idle[-1:] + snap["plots"])
    await _exceptions(page, out)
    return context, page


async def _moves(page, out: Session, moves: int) -> None:
    sliders = page.get_by_role("slider")
    count = await sliders.count()
    if count == 0:
        out.failures.append("no slider on the page")
        return
    out.slider = out.slider % count
    thumb = sliders.nth(out.slider)
    out.slider_label = await thumb.get_attribute("aria-label") or f"slider #{out.slider}"
    direction = "ArrowRight"
    for i in range(moves):
        if await sliders.count() <= out.slider:  # e.g. an exception replaced the page
            out.failures.append(f"move {i + 1}: the slider is gone; {await _why(page)}")
            out.attempted += moves - i
            break
        out.attempted += 1
        try:
            before, lo, hi = await thumb.evaluate(_VALUE)
            if before >= hi:
                direction = "ArrowLeft"
            elif before <= lo:
                direction = "ArrowRight"
            await thumb.focus()
            await page.evaluate(_RESET)
            await page.evaluate(_WS_RESET)
            await thumb.press(direction)
            snap = await _settled(page, MOVE_TIMEOUT_S)
            after = (await thumb.evaluate(_VALUE))[0]
            if after == before:
                out.failures.append(f"move {i + 1}: {direction} did not move the slider")
                continue
            key = snap["key"]
            idle = [t for t, s in snap["states"] if s == "notRunning"]
            runs = [t for t, s in snap["states"] if s == "running"]
            delivered = max(idle[-1:] + snap["frames"][-1:])
            out.idle_ms.append(delivered - key)
            out.drawn_ms.append(max([delivered, *snap["plots"]]) - key)
            if runs and idle:
                out.parts_ms.append(
                    (runs[0] - key, idle[-1] - runs[0], out.drawn_ms[-1] + key - idle[-1])
                )
            else:
                out.unseen_running += 1
            out.completed += 1
        except Exception as exc:  # a timeout: record it and go on with the next move
            why = await _why(page)
            out.failures.append(f"move {i + 1}: {type(exc).__name__}: {_short(exc)}; {why}")
        await _exceptions(page, out)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


async def _session(browser, base: str, out: Session, moves: int, barrier) -> None:
    context = page = None
    try:
        try:
            context, page = await _load(browser, base + out.path, out)
        except Exception as exc:
            out.failures.append(f"load: {type(exc).__name__}: {_short(exc)}")
        finally:
            # Everyone starts moving together: loads are measured apart from moves.
            try:
                await asyncio.wait_for(barrier.wait(), BARRIER_TIMEOUT_S)
            except (TimeoutError, asyncio.BrokenBarrierError):
                pass
        if page is not None:
            await _moves(page, out, moves)
    finally:
        if context is not None:
            await context.close()


@dataclass
class LoadResult:
    sessions: list[Session]
    moves: int
    rss_kb: dict[str, int]
    peak_kb: int
    wall_s: float
    chromium: str
    server_errors: list[str]
    server_cpu_s: float  # CPU seconds the server used during the load
    browser_cpu_s: float  # the same for this process, Playwright's driver and Chromium
    machine_busy: float  # share of the machine's CPU time busy during the load (0..1)


async def _drive(
    url: str, sessions: list[Session], moves: int, me: int, server: int, cpu: dict[int, float]
) -> str:
    """Run the sessions; meanwhile record the CPU time of this process's children in ``cpu``.

    The children (Playwright's driver, Chromium and its renderers) are read every
    second and once before the browser closes, so renderers of closed contexts count.
    """
    from playwright.async_api import async_playwright

    def sample() -> None:
        for p in descendants(me):
            if p != server:
                cpu[p] = max(cpu.get(p, 0.0), cpu_s(p))

    async def sampler() -> None:
        while True:
            sample()
            await asyncio.sleep(1.0)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        task = asyncio.create_task(sampler())
        try:
            barrier = asyncio.Barrier(len(sessions))
            await asyncio.gather(*(_session(browser, url, s, moves, barrier) for s in sessions))
            return browser.version
        finally:
            task.cancel()
            sample()
            await browser.close()


async def _warm(url: str, pages: list[str]) -> None:
    """One visit of each page in turn: imports and first script runs, outside the load."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            for path in pages:
                out = Session(-1, path)
                context, _ = await _load(browser, url + path, out)
                await context.close()
        finally:
            await browser.close()


def _server_errors(server: StreamlitServer) -> list[str]:
    """Lines of the server's log that look like errors (tracebacks, exceptions)."""
    server.log.flush()
    text = Path(server.log.name).read_text(errors="replace")
    keys = ("Traceback", "Error", "Exception")
    return [line.strip()[:200] for line in text.splitlines() if any(k in line for k in keys)]


def run(sessions: int = 20, moves: int = 10, *, pages: list[str] | None = None) -> LoadResult:
    """Start a server, warm it, drive ``sessions`` concurrent sessions; stop the server."""
    pages = PAGES if pages is None else pages
    plan = [Session(i, pages[i % len(pages)], slider=i // len(pages)) for i in range(sessions)]
    server = StreamlitServer(ROOT / "app.py")
    try:
        pid = server.proc.pid
        rss = {"fresh": tree_rss_kb(pid)}
        run_async(_warm(server.url, list(dict.fromkeys(pages))))
        rss["after one visit of each page"] = tree_rss_kb(pid)
        t0, cpu0, (busy0, total0) = time.perf_counter(), cpu_s(pid), machine_busy_s()
        me = os.getpid()
        self0 = sum(os.times()[:2])  # this process; the browser's tree is read at the end
        browser_cpu: dict[int, float] = {}  # pid → CPU s, the last reading of each
        chromium = run_async(_drive(server.url, plan, moves, me, pid, browser_cpu))
        wall = time.perf_counter() - t0
        busy1, total1 = machine_busy_s()
        server_cpu = cpu_s(pid) - cpu0
        harness_cpu = sum(os.times()[:2]) - self0 + sum(browser_cpu.values())
        busy = (busy1 - busy0) / max(total1 - total0, 1e-9)
        rss["after the load"] = tree_rss_kb(pid)
        time.sleep(SETTLE_S)
        rss[f"sessions closed + {SETTLE_S:.0f} s"] = tree_rss_kb(pid)
        peak = rss_kb(pid, "VmHWM")
        alive = server.proc.poll() is None
        errors = _server_errors(server)
        if not alive:
            errors.insert(0, f"the server exited with code {server.proc.returncode}")
    finally:
        server.stop()
    return LoadResult(plan, moves, rss, peak, wall, chromium, errors, server_cpu, harness_cpu, busy)


# --- the table ---------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> str:
    return f"{np.percentile(values, q):.0f}" if values else "–"


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def table(r: LoadResult) -> str:
    ss = r.sessions
    attempted = sum(s.attempted for s in ss)
    completed = sum(s.completed for s in ss)
    loaded = [s.load_ms for s in ss if s.load_ms is not None]
    lines = [
        f"One `streamlit run app.py`, headless Chromium {r.chromium}, {len(ss)} concurrent "
        f"sessions (one browser context each, viewport {VIEWPORT['width']}×"
        f"{VIEWPORT['height']}), {r.moves} slider key presses per session, all sessions "
        f"moving at once after all have loaded; {r.wall_s:.0f} s wall time (loads and "
        "moves). Times in ms, taken in the page: press → delivered is the key press to the "
        "last of the script's `notRunning` and the last websocket message of the rerun; "
        "press → drawn adds the last plot redraw. A move completes when the rerun has "
        "been delivered and the page has been quiet for "
        f"{QUIET_MS:.0f} ms (timeout {MOVE_TIMEOUT_S:.0f} s). First load: "
        f"{len(loaded)}/{len(ss)} sessions loaded, p50 {_pct(loaded, 50)}, "
        f"p95 {_pct(loaded, 95)} (all loading at once).",
        "",
        "| page | sessions | sliders moved | moves done / tried | moves showing an exception "
        "| page errors | press → delivered p50 | p95 | press → drawn p50 | p95 |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for path in dict.fromkeys(s.path for s in ss):
        group = [s for s in ss if s.path == path]
        lines.append(_row(f"`{path}`", group))
    lines.append(_row("**all**", ss))
    parts = [p for s in ss for p in s.parts_ms]
    if parts:
        med = [statistics.median(p[i] for p in parts) for i in range(3)]
        lines += [
            "",
            f"Where a move's time went (medians over the {len(parts)} moves whose `running` "
            f"state reached the DOM, ms): press → script running {med[0]:.0f}, running → "
            f"idle (the server's rerun and the browser applying its deltas) {med[1]:.0f}, "
            f"idle → last plot redrawn (browser) {med[2]:.0f}. During the load the server "
            "used "
            f"{r.server_cpu_s:.0f} CPU s in {r.wall_s:.0f} s "
            f"({r.server_cpu_s / max(r.wall_s, 1e-9):.0%} of one core), Chromium with "
            f"Playwright and this harness {r.browser_cpu_s:.0f} CPU s "
            f"({r.browser_cpu_s / max(r.wall_s, 1e-9):.0%} of one core); the machine's "
            f"{os.cpu_count()} CPUs were {r.machine_busy:.0%} busy (all processes, "
            "including any not ours).",
        ]
    lines += [
        "",
        f"Moves completed: **{completed} / {attempted}** (of which "
        f"{sum(s.unseen_running for s in ss)} completed with the `running` state never "
        "reaching the DOM: the busy browser rendered the script's start and end in one "
        "commit; the rerun is seen in its websocket messages); loads or moves after which "
        f"an `stException` was on the page: **{sum(s.exceptions for s in ss)}**; uncaught "
        f"page errors: **{sum(len(s.page_errors) for s in ss)}**.",
        "",
        "| server memory (VmRSS) | MB |",
        "|---|---:|",
        *(f"| {k} | {_mb(v)} |" for k, v in r.rss_kb.items()),
        f"| peak (VmHWM) | {_mb(r.peak_kb)} |",
    ]
    problems = [
        f"- session {s.index} `{s.path}` ({s.slider_label}): {f}"
        for s in ss
        for f in s.failures + [f"exception: {t}" for t in s.exception_text] + s.page_errors
    ]
    if problems:
        lines += ["", "Failures:", "", *problems[:40]]
        if len(problems) > 40:
            lines.append(f"- … and {len(problems) - 40} more")
    if r.server_errors:
        lines += ["", "Server log lines that look like errors:", ""]
        lines += [f"- `{e}`" for e in r.server_errors[:20]]
    return "\n".join(lines)


def _row(name: str, group: list[Session]) -> str:
    idle = [t for s in group for t in s.idle_ms]
    drawn = [t for s in group for t in s.drawn_ms]
    labels = ", ".join(dict.fromkeys(s.slider_label or f"#{s.slider}" for s in group))
    if len(labels) > 60:
        labels = f"{len({s.slider_label for s in group})} different"
    return (
        f"| {name} | {len(group)} | {labels} "
        f"| {sum(s.completed for s in group)} / {sum(s.attempted for s in group)} "
        f"| {sum(s.exceptions for s in group)} | {sum(len(s.page_errors) for s in group)} "
        f"| {_pct(idle, 50)} | {_pct(idle, 95)} | {_pct(drawn, 50)} | {_pct(drawn, 95)} |"
    )


def summary(r: LoadResult) -> dict[str, float]:
    """The headline numbers (for tests and scripts)."""
    idle = [t for s in r.sessions for t in s.idle_ms]
    return {
        "attempted": sum(s.attempted for s in r.sessions),
        "completed": sum(s.completed for s in r.sessions),
        "exceptions": sum(s.exceptions for s in r.sessions),
        "page_errors": sum(len(s.page_errors) for s in r.sessions),
        "p50_ms": statistics.median(idle) if idle else float("nan"),
        "p95_ms": float(np.percentile(idle, 95)) if idle else float("nan"),
    }


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per session (10)")
    args = parser.parse_args(argv)
    print(table(run(args.sessions, args.moves)))


if __name__ == "__main__":
    main()
