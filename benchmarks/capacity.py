"""How many students one and two replicas hold: protocol sessions through HAProxy.

Run from the repository root (``python -m benchmarks load``; not in the default set)::

    python -m benchmarks load [--replicas 1 2] [--duration 30] [--start 10] [--probes 4]

For each replica count, ``deploy/serve.py``'s :class:`Deployment` starts that many
``streamlit run app.py`` behind HAProxy on free loopback ports (each replica warmed:
every page loaded once). Then:

1. **CPU per run, by page** (first deployment only): one protocol session per page,
   alone on the first replica, loads the page and makes :data:`CPU_MOVES` moves; the
   replica's CPU time over those runs, per run; and the same for the named baseline,
   ``benchmarks/minimal_app.py`` (one slider, one chart, served and warmed the same way).
2. **The search**: a probe drives ``n`` protocol sessions (:mod:`benchmarks.protocol`)
   through HAProxy: session *i* loads ``LINKS[i % len(LINKS)]`` (starts spread over
   :data:`RAMP_S`), then, once all have loaded, moves its control once per
   ``period`` seconds on average (uniform in ½–1½ of it) for ``duration`` seconds. A
   probe *holds* when p95 of move sent → script finished is ≤ :data:`P95_MAX_MS`, no
   exception, no dropped connection, no move left unfinished and no failure.
   ``n`` doubles from ``start`` while probes hold, then bisects between the last
   that held and the first that did not, ``probes`` probes in all.

Reported per replica count: the largest ``n`` that held, its reruns per second (script
runs finished in the moving phase / its length), p50/p95/p99, its errors, the replicas'
CPU (cores busy during the probe), and their summed RSS when warm, after the search
and after the last sessions disconnected (+ :data:`SETTLE_S`). Every probe is listed.

3. **A replica killed** (2 or more replicas, after the memory figures): a probe at the
   number of sessions held, during which the last replica is SIGKILLed half-way
   (:func:`failover`): its sessions' drops, reconnects (drop → page loaded again, through
   HAProxy, on a live replica), moves lost at the kill, moves after it, errors, how soon
   HAProxy marks it DOWN, and how soon the restarted replica is UP again.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.load import cpu_s, tree_rss_kb
from benchmarks.protocol import DriveResult, ProtoSession, drive, errors
from benchmarks.protocol import run as run_async

ROOT = Path(__file__).resolve().parents[1]
# A class's links: every page with a control, as a teacher would share them.
LINKS = [
    "/?loss=huber",
    "/?loss=focal",
    "/compare",
    "/outliers",
    "/imbalance",
    "/preferences",
    "/kl-fit",
    "/metric",
    "/noise",
]
P95_MAX_MS = 1000.0
RAMP_S = 5.0
CPU_MOVES = 5
SETTLE_S = 5.0
HEALTH_EVERY_S = 0.5
#: The baseline app's links (benchmarks/minimal_app.py): a two-row curve figure of 801
#: points, and a 200 × 200 contour map.
BASELINE_LINKS = ["/?kind=curve", "/?kind=surface"]


def _serve():
    spec = importlib.util.spec_from_file_location("lossviz_deploy_serve", ROOT / "deploy/serve.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Probe:
    sessions: int
    result: DriveResult
    cpu_s: float  # the replicas' CPU seconds during the probe
    wall_s: float
    # Each replica's /_stcore/health answer time, sampled every HEALTH_EVERY_S during the
    # probe: what HAProxy's check sees (deploy/: a 2 s timeout, 3 failures take it out).
    health_ms: list[float] = field(default_factory=list)

    @property
    def moves(self) -> list[float]:
        return [t for s in self.result.sessions for t in s.move_ms]

    def pct(self, q: float) -> float:
        m = self.moves
        return float(np.percentile(m, q)) if m else float("nan")

    @property
    def errors(self) -> dict[str, int]:
        return errors(self.result.sessions)

    @property
    def holds(self) -> bool:
        return bool(self.moves) and self.pct(95) <= P95_MAX_MS and not any(self.errors.values())

    @property
    def reruns_per_s(self) -> float:
        runs = sum(len(s.move_ms) for s in self.result.sessions)
        return runs / self.result.move_s if self.result.move_s else float("nan")


@dataclass
class Capacity:
    replicas: int
    probes: list[Probe] = field(default_factory=list)
    rss_kb: dict[str, int] = field(default_factory=dict)
    cpu_ms_per_run: dict[str, float] = field(default_factory=dict)
    failover: Failover | None = None
    baseline_ms_per_run: dict[str, float] = field(default_factory=dict)

    @property
    def best(self) -> Probe | None:
        held = [p for p in self.probes if p.holds]
        return max(held, key=lambda p: p.sessions) if held else None


def _pids(d) -> list[int]:
    return [r["pid"] for r in d.replicas]


def _cpu(d) -> float:
    return sum(cpu_s(p) for p in _pids(d))


def _rss(d) -> int:
    return sum(tree_rss_kb(p) for p in _pids(d))


def cpu_per_run(d, links: list[str] = LINKS, moves: int = CPU_MOVES) -> dict[str, float]:
    """Replica r1's CPU milliseconds per script run, page by page, one session alone."""
    return _cpu_per_run(d.replicas[0]["url"], d.replicas[0]["pid"], links, moves)


def baseline_cpu_per_run(moves: int = CPU_MOVES) -> dict[str, float]:
    """:func:`cpu_per_run` of the named baseline, ``benchmarks/minimal_app.py`` (Streamlit
    and Plotly with one slider and one chart, nothing of lossviz), served as a replica is."""
    serve = _serve()
    port = serve.free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        serve.replica_cmd("127.0.0.1", port, script=ROOT / "benchmarks" / "minimal_app.py"),
        cwd=ROOT,
        env=serve.replica_env(secrets.token_hex(32)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        serve.wait_healthy(url, 90, [proc])
        _cpu_per_run(url, proc.pid, BASELINE_LINKS, 1)  # warm, as the replicas are
        return _cpu_per_run(url, proc.pid, BASELINE_LINKS, moves)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _cpu_per_run(url: str, pid: int, links: list[str], moves: int) -> dict[str, float]:
    async def one(link: str) -> tuple[int, float]:
        s = ProtoSession(url, link)
        c0 = cpu_s(pid)
        try:
            await s.load()
            for _ in range(moves):
                if not await s.move():
                    break
                await s._wait()
        finally:
            await s.close()
        return s.stats.runs, cpu_s(pid) - c0

    out = {}
    for link in links:
        runs, cpu = run_async(one(link))
        out[link] = cpu / runs * 1000 if runs else float("nan")
    return out


class _HealthSampler:
    """A thread timing each replica's health route (directly, not through HAProxy)."""

    def __init__(self, d) -> None:
        self.urls = [r["url"] + "/_stcore/health" for r in d.replicas]
        self.ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(HEALTH_EVERY_S):
            for url in self.urls:
                t = time.perf_counter()
                try:
                    urllib.request.urlopen(url, timeout=30).read()
                except OSError:
                    continue  # a killed replica: no answer to time
                self.ms.append((time.perf_counter() - t) * 1000)

    def __enter__(self) -> _HealthSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def probe(d, n: int, duration: float, period: float, seed: int = 0) -> Probe:
    c0, t0 = _cpu(d), time.perf_counter()
    with _HealthSampler(d) as health:
        r = run_async(
            drive(d.url, LINKS, n, duration_s=duration, period_s=period, ramp_s=RAMP_S, seed=seed)
        )
    return Probe(n, r, _cpu(d) - c0, time.perf_counter() - t0, health.ms)


def search(d, start: int, probes: int, duration: float, period: float, out: Capacity) -> None:
    held, failed, n = 0, None, start
    for i in range(probes):
        p = probe(d, n, duration, period, seed=i)
        out.probes.append(p)
        print(
            f"  {out.replicas} replica(s), {n} sessions: p95 {p.pct(95):.0f} ms, "
            f"{'holds' if p.holds else 'does not hold'} {p.errors}",
            flush=True,
        )
        if p.holds:
            held = n
        else:
            failed = n if failed is None else min(failed, n)
        nxt = n * 2 if failed is None else (held + failed) // 2
        if nxt <= held or (failed is not None and nxt >= failed):
            break
        n = nxt


def run(
    replicas: tuple[int, ...] = (1, 2),
    *,
    duration: float = 30.0,
    period: float = 3.0,
    start: int = 10,
    probes: int = 4,
) -> list[Capacity]:
    serve = _serve()
    out = []
    for i, n in enumerate(replicas):
        d = serve.Deployment(n)
        try:
            cap = Capacity(n)
            cap.rss_kb["warm"] = _rss(d)
            if i == 0:
                cap.cpu_ms_per_run = cpu_per_run(d)
                cap.baseline_ms_per_run = baseline_cpu_per_run()
            search(d, start, probes, duration, period, cap)
            cap.rss_kb["after the search"] = _rss(d)
            time.sleep(SETTLE_S)
            cap.rss_kb[f"sessions gone + {SETTLE_S:.0f} s"] = _rss(d)
            cap.rss_kb["peak (VmHWM)"] = sum(_hwm(p) for p in _pids(d))
            if n >= 2:  # after the memory figures: a replica killed at the load held
                held = cap.best.sessions if cap.best else start
                cap.failover = failover(d, held, duration, period)
                print(f"  failover at {held} sessions: {cap.failover.errors}", flush=True)
            out.append(cap)
        finally:
            d.stop()
    return out


@dataclass
class Failover:
    """A probe during which one replica was SIGKILLed, then restarted."""

    sessions: int
    victim: str
    result: DriveResult
    kill_at_s: float  # into the probe (its start: the first session's ramp)
    down_after_s: float | None  # kill → HAProxy marks the replica DOWN
    rejoin_s: float | None  # restart → HAProxy marks it UP again
    after_kill_ms: list[float] = field(default_factory=list)  # moves sent after the kill

    @property
    def dropped(self) -> list:
        return [s for s in self.result.sessions if s.drops]

    @property
    def reconnect_ms(self) -> list[float]:
        return [t for s in self.result.sessions for t in s.reconnect_ms]

    @property
    def errors(self) -> dict[str, int]:
        """As :func:`~benchmarks.protocol.errors`, but the kill's drops are expected: a
        drop counts only when its session did not reconnect."""
        ss = self.result.sessions
        out = errors(ss)
        del out["drops"]
        return {"sessions not reconnected": sum(s.drops > len(s.reconnect_ms) for s in ss), **out}


def failover(
    d, n: int, duration: float, period: float, *, kill_after: float | None = None, seed: int = 7
) -> Failover:
    """``n`` sessions through HAProxy; ``kill_after`` s into the moving phase (default: half
    of it) the last replica is SIGKILLed; its sessions reconnect through HAProxy (to a live
    replica) and go on moving. Afterwards the replica is restarted on its port and HAProxy's
    health check is waited for. Moves are timed as in :func:`probe`; ``after_kill_ms`` are
    those of moves sent after the kill (what the class saw once it had failed over)."""
    victim = d.replicas[-1]
    kill_after = duration / 2 if kill_after is None else kill_after
    marks: dict[str, float] = {}

    async def go() -> DriveResult:
        task = asyncio.create_task(
            drive(d.url, LINKS, n, duration_s=duration, period_s=period, ramp_s=RAMP_S, seed=seed)
        )
        t0 = time.perf_counter()
        # The moving phase starts once every session has loaded (after the ramp).
        await asyncio.sleep(RAMP_S + kill_after)
        os.kill(victim["pid"], signal.SIGKILL)
        marks["kill"] = time.perf_counter()
        marks["kill_at"] = marks["kill"] - t0
        while time.perf_counter() - marks["kill"] < 30:
            if d.server_states().get(victim["name"]) == "DOWN":
                marks["down"] = time.perf_counter()
                break
            await asyncio.sleep(0.1)
        return await task

    result = run_async(go())
    d.procs[victim["name"]].wait(timeout=10)
    t_restart = time.perf_counter()
    d.start_replica(victim["name"])
    rejoin = None
    while time.perf_counter() - t_restart < 60:
        if d.server_states().get(victim["name"]) == "UP":
            rejoin = time.perf_counter() - t_restart
            break
        time.sleep(0.2)
    after = [
        t
        for s in result.sessions
        for sent, t in zip(s.move_sent_at, s.move_ms, strict=False)
        if sent > marks["kill"]
    ]
    return Failover(
        n,
        victim["name"],
        result,
        marks["kill_at"],
        marks["down"] - marks["kill"] if "down" in marks else None,
        rejoin,
        after,
    )


def failover_table(f: Failover) -> str:
    rc = sorted(f.reconnect_ms)
    errs = ", ".join(f"{k} {v}" for k, v in f.errors.items() if v) or "none"
    lost = sum(s.lost_in_drop for s in f.result.sessions)
    after = np.array(f.after_kill_ms) if f.after_kill_ms else None
    pct = (
        " / ".join(f"{np.percentile(after, q):.0f}" for q in (50, 95, 99))
        if after is not None
        else "–"
    )
    return "\n".join(
        [
            f"Replica {f.victim} SIGKILLed {f.kill_at_s:.0f} s into a probe of {f.sessions} "
            f"sessions (one move per 3 s each), then restarted:",
            "",
            "| sessions on it (dropped) | reconnected | reconnect ms p50 / max | moves lost at "
            "the kill | moves after the kill, p50 / p95 / p99 ms | errors | HAProxy: DOWN "
            "after | restarted → UP |",
            "|---|---|---|---|---|---|---|---|",
            f"| {len(f.dropped)} | {len(rc)} | "
            + (f"{rc[len(rc) // 2]:.0f} / {rc[-1]:.0f}" if rc else "–")
            + f" | {lost} | {pct} | {errs} | "
            + (f"{f.down_after_s:.1f} s" if f.down_after_s is not None else "not seen")
            + " | "
            + (f"{f.rejoin_s:.1f} s" if f.rejoin_s is not None else "not within 60 s")
            + " |",
        ]
    )


def _hwm(pid: int) -> int:
    from benchmarks.load import rss_kb

    return rss_kb(pid, "VmHWM")


def table(caps: list[Capacity], *, duration: float, period: float) -> str:
    lines = [
        f"Protocol sessions through HAProxy (benchmarks/protocol.py), one move per {period:g} s "
        f"each on average, {duration:g} s of moves per probe; a probe holds at p95 ≤ "
        f"{P95_MAX_MS:.0f} ms with no error. Links: {', '.join(LINKS)}.",
        "",
        "| replicas | sessions held | reruns/s | p50 ms | p95 ms | p99 ms | errors | "
        "replica CPU (cores) | RSS warm → after → sessions gone (MB) | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in caps:
        b = c.best
        rss = c.rss_kb
        mem = " → ".join(f"{v / 1024:.0f}" for k, v in rss.items() if k != "peak (VmHWM)")
        peak = f"{rss.get('peak (VmHWM)', 0) / 1024:.0f}"
        if b is None:
            lines.append(f"| {c.replicas} | none of the probes | | | | | | | {mem} | {peak} |")
            continue
        errs = sum(b.errors.values())
        lines.append(
            f"| {c.replicas} | **{b.sessions}** | {b.reruns_per_s:.1f} | {b.pct(50):.0f} | "
            f"{b.pct(95):.0f} | {b.pct(99):.0f} | {errs} | {b.cpu_s / b.result.move_s:.2f} | "
            f"{mem} | {peak} |"
        )
    lines += ["", "Every probe:", "", "| replicas | sessions | moves | p50 | p95 | p99 | errors | "
              "health route p95 / max ms | holds |",
              "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for c in caps:
        for p in c.probes:
            errs = ", ".join(f"{k} {v}" for k, v in p.errors.items() if v) or "0"
            h = np.array(p.health_ms) if p.health_ms else np.array([np.nan])
            lines.append(
                f"| {c.replicas} | {p.sessions} | {len(p.moves)} | {p.pct(50):.0f} | "
                f"{p.pct(95):.0f} | {p.pct(99):.0f} | {errs} | "
                f"{np.percentile(h, 95):.0f} / {h.max():.0f} | {'yes' if p.holds else 'no'} |"
            )
    per_page = next((c.cpu_ms_per_run for c in caps if c.cpu_ms_per_run), {})
    if per_page:
        lines += ["", f"Server CPU per script run, by page (one session alone, {CPU_MOVES} moves):",
                  "", "| link | CPU ms per run |", "|---|---|"]  # fmt: skip
        lines += [f"| `{k}` | {v:.0f} |" for k, v in per_page.items()]
        lines.append(f"| mean of the pages | {np.mean(list(per_page.values())):.0f} |")
        base = next((c.baseline_ms_per_run for c in caps if c.baseline_ms_per_run), {})
        lines += [
            f"| baseline: `benchmarks/minimal_app.py{k}` (one slider, one chart) | {v:.0f} |"
            for k, v in base.items()
        ]
    for c in caps:
        if c.failover is not None:
            lines += ["", failover_table(c.failover)]
    exc = sorted(
        {e for c in caps for p in c.probes for s in p.result.sessions for e in s.exceptions}
    )
    if exc:
        lines += ["", "Exceptions seen:", ""] + [f"- {e}" for e in exc[:10]]
    fails = sorted(
        {f for c in caps for p in c.probes for s in p.result.sessions for f in s.failures}
    )
    if fails:
        lines += ["", "Session failures seen:", ""] + [f"- {f}" for f in fails[:10]]
    return "\n".join(lines)
