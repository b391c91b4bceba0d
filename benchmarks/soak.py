"""Memory over time under a class that comes and goes: protocol sessions in waves.

Run from the repository root (``python -m benchmarks soak``; not in the default set)::

    python -m benchmarks soak [--minutes 5] [--sessions 30] [--replicas 1]

``deploy/serve.py``'s :class:`Deployment` starts the replicas behind HAProxy. Then, for
``minutes``, waves of ``sessions`` protocol sessions (:mod:`benchmarks.protocol`) load
the class's links (:data:`benchmarks.capacity.LINKS`) and move a control once per
``period`` seconds each for :data:`WAVE_S`, then disconnect; the next wave comes with
other controls (another seed). A sampler reads, every :data:`SAMPLE_S`, the replicas'
resident memory (RSS, the process tree) and what Streamlit's caches hold in bytes
(``/_stcore/metrics``, ``cache_memory_bytes``). After the last wave it keeps sampling
until Streamlit has dropped the disconnected sessions (``server.disconnectedSessionTTL``
plus :data:`SETTLE_S`).

Reported: RSS and cache bytes over time, the largest caches, the peak, every error.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from benchmarks.capacity import LINKS, _pids, _rss, _serve
from benchmarks.load import rss_kb
from benchmarks.protocol import drive, errors
from benchmarks.protocol import run as run_async

WAVE_S = 60.0
SAMPLE_S = 5.0
SETTLE_S = 10.0


def cache_bytes(url: str) -> dict[str, int]:
    """Bytes held by each ``st.cache_data`` function of the server at ``url``."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as r:
        text = r.read().decode()
    out: dict[str, int] = {}
    for line in text.splitlines():
        if not line.startswith("cache_memory_bytes{"):
            continue
        labels, _, value = line.rpartition(" ")
        name = labels.split('cache="', 1)[1].split('"', 1)[0]
        out[name] = out.get(name, 0) + int(float(value))
    return out


_TTL_ENV = "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"


def _ttl_s() -> float:
    """The replicas' ``server.disconnectedSessionTTL`` (Streamlit's config as they run)."""
    if _TTL_ENV in os.environ:
        return float(os.environ[_TTL_ENV])
    from streamlit import config

    return float(config.get_option("server.disconnectedSessionTTL"))


@dataclass
class Sample:
    t: float
    phase: str
    rss_kb: int
    cache_bytes: int


@dataclass
class Soak:
    replicas: int
    sessions: int
    minutes: float
    samples: list[Sample] = field(default_factory=list)
    waves: int = 0
    moves: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    caches: dict[str, int] = field(default_factory=dict)
    peak_kb: int = 0
    settle_s: float = 0.0
    wave_s: float = WAVE_S


def run(
    minutes: float = 5.0,
    *,
    sessions: int = 30,
    replicas: int = 1,
    period: float = 3.0,
    wave_s: float = WAVE_S,
    sample_s: float = SAMPLE_S,
    ttl_s: float | None = None,
) -> Soak:
    """``ttl_s``: the replicas' ``server.disconnectedSessionTTL`` (Streamlit's default
    120 s if None), so that a short soak need not wait two minutes for the end."""
    serve = _serve()
    out = Soak(replicas, sessions, minutes, wave_s=wave_s)
    saved = os.environ.get(_TTL_ENV)
    if ttl_s is not None:
        os.environ[_TTL_ENV] = str(int(ttl_s))
    try:
        d = serve.Deployment(replicas)
        out.settle_s = _ttl_s() + SETTLE_S
    finally:
        if ttl_s is not None:
            if saved is None:
                os.environ.pop(_TTL_ENV, None)
            else:
                os.environ[_TTL_ENV] = saved
    phase = ["warm"]
    stop = threading.Event()
    t0 = time.perf_counter()

    def sample() -> None:
        caches: dict[str, int] = {}
        for r in d.replicas:
            try:
                for k, v in cache_bytes(r["url"]).items():
                    caches[k] = caches.get(k, 0) + v
            except OSError:
                pass
        out.caches = caches
        out.samples.append(
            Sample(time.perf_counter() - t0, phase[0], _rss(d), sum(caches.values()))
        )

    def sampler() -> None:
        while not stop.wait(sample_s):
            sample()

    thread = threading.Thread(target=sampler, daemon=True)
    try:
        sample()
        thread.start()
        end = t0 + minutes * 60
        while time.perf_counter() < end:
            phase[0] = f"wave {out.waves + 1}"
            left = max(5.0, min(wave_s, end - time.perf_counter()))
            r = run_async(
                drive(d.url, LINKS, sessions, duration_s=left, period_s=period, seed=out.waves)
            )
            out.waves += 1
            out.moves += sum(len(s.move_ms) for s in r.sessions)
            for key, n in errors(r.sessions).items():
                out.errors[key] = out.errors.get(key, 0) + n
        phase[0] = "sessions gone"
        time.sleep(out.settle_s)
        stop.set()
        thread.join()
        sample()
        out.peak_kb = sum(rss_kb(p, "VmHWM") for p in _pids(d))
    finally:
        stop.set()
        d.stop()
    return out


def table(s: Soak) -> str:
    first = s.samples[0]
    waves = [x for x in s.samples if x.phase.startswith("wave")]
    last_wave = waves[-1] if waves else first
    end = s.samples[-1]
    errs = ", ".join(f"{k} {v}" for k, v in s.errors.items() if v) or "0"
    lines = [
        f"{s.waves} waves of {s.sessions} protocol sessions through HAProxy, {s.replicas} "
        f"replica(s), {s.minutes:g} min of moves ({s.moves} moves; each session moves once per "
        f"3 s on average for up to {s.wave_s:.0f} s, then disconnects), then {s.settle_s:.0f} s "
        "with no session (Streamlit keeps a disconnected session for "
        "`server.disconnectedSessionTTL`). Errors: " + errs + ".",
        "",
        "| | RSS (MB) | Streamlit caches (MB) |",
        "|---|---|---|",
        f"| warm (every page loaded once) | {first.rss_kb / 1024:.0f} | "
        f"{first.cache_bytes / 2**20:.1f} |",
        f"| end of the last wave | {last_wave.rss_kb / 1024:.0f} | "
        f"{last_wave.cache_bytes / 2**20:.1f} |",
        f"| sessions gone + {s.settle_s:.0f} s | {end.rss_kb / 1024:.0f} | "
        f"{end.cache_bytes / 2**20:.1f} |",
        f"| peak (VmHWM) | {s.peak_kb / 1024:.0f} | |",
        "",
        "RSS over time (MB, every sample):",
        "",
        "| t (s) | phase | RSS (MB) | caches (MB) |",
        "|---|---|---|---|",
    ]
    step = max(1, len(s.samples) // 40)
    for x in s.samples[::step] + ([end] if s.samples[::step][-1] is not end else []):
        lines.append(
            f"| {x.t:.0f} | {x.phase} | {x.rss_kb / 1024:.0f} | {x.cache_bytes / 2**20:.1f} |"
        )
    lines += ["", "The largest caches at the end (bytes, summed over replicas):", ""]
    lines += ["| cache | bytes |", "|---|---|"]
    for k, v in sorted(s.caches.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"| `{k}` | {v:,} |")
    return "\n".join(lines)
