"""All of lossviz's performance tables in one command.

From the repository root::

    python -m benchmarks                 # landscape, rerun and browser tables
    python -m benchmarks --quick         # fewer repeats and slider moves
    python -m benchmarks browser rerun   # only some parts
    python -m benchmarks load --replicas 1 2 --duration 30   # capacity at the protocol
    python -m benchmarks browser-load --sessions 8 --moves 10  # concurrent Chromium sessions

Prints Markdown: the date, the machine, then each table, every figure next to
its baseline measured in the same run and the ratio (DESIGN.md, "Performance
rules": no timed unit tests, claims as ratios against a named baseline).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import importlib.util
import inspect
import os
import platform
import sys
import time

PARTS = ("landscape", "rerun", "browser", "drag", "load", "soak", "browser-load")
# `load` and `browser-load` take minutes (and `load` all of a machine's cores): on demand
DEFAULT_PARTS = ("landscape", "rerun", "browser", "drag")


def machine() -> str:
    import numpy
    import plotly
    import streamlit

    cpu = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cpu
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    return (
        f"{platform.platform()}; {model}; {cpu} CPUs ({usable} usable); "
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"Streamlit {streamlit.__version__}, Plotly {plotly.__version__}"
    )


def landscape(quick: bool) -> None:
    """``benchmarks/bench_landscape.py``'s own table, if that module is there."""
    if importlib.util.find_spec("benchmarks.bench_landscape") is None:
        print("(benchmarks/bench_landscape.py not found: skipped)")
        return
    mod = importlib.import_module("benchmarks.bench_landscape")
    if not hasattr(mod, "main"):
        print("(benchmarks/bench_landscape.py has no main(): skipped)")
        return
    args = ["--repeats", "2"] if quick else []
    if inspect.signature(mod.main).parameters:
        mod.main(args)
        return
    saved = sys.argv
    sys.argv = ["bench_landscape", *args]  # its main() reads the command line
    try:
        mod.main()
    finally:
        sys.argv = saved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("parts", nargs="*", metavar="part", help=f"any of {', '.join(PARTS)}")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and slider moves")
    parser.add_argument(
        "--moves", type=int, help="slider moves per page (12; 10 with --quick and for load)"
    )
    parser.add_argument(
        "--sessions",
        type=int,
        help="concurrent browser sessions for browser-load (8; 4 --quick), protocol sessions "
        "per wave for soak (30)",
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of waves for soak (5)")
    parser.add_argument(
        "--replicas", type=int, nargs="+", default=[1, 2], help="replica counts for load (1 2)"
    )
    parser.add_argument(
        "--duration", type=float, help="seconds of moves per load probe (30; 15 with --quick)"
    )
    parser.add_argument("--period", type=float, default=3.0, help="seconds between moves (3)")
    parser.add_argument("--start", type=int, default=10, help="sessions of load's first probe")
    parser.add_argument("--probes", type=int, help="load probes per replica count (4; 2 --quick)")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.parts) - set(PARTS)):
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    parts = args.parts or list(DEFAULT_PARTS)
    moves = args.moves or (10 if args.quick else 12)
    # AppTest runs scripts outside a server: Streamlit warns about it at every import.
    from streamlit.logger import set_log_level

    set_log_level("error")

    print("# lossviz benchmarks\n")
    print(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"- machine: {machine()}")
    print(f"- command: `python -m benchmarks {' '.join(argv or sys.argv[1:])}`".rstrip() + "\n")
    for part in PARTS:
        if part not in parts:
            continue
        t0 = time.perf_counter()
        title = {
            "landscape": "Exact loss landscapes vs brute force",
            "rerun": "Server-side rerun after one slider move (AppTest)",
            "browser": "Slider move to idle in headless Chromium",
            "drag": "Dragging a slider: chart updates before the release, release to idle",
            "load": "Capacity at the protocol: students held at p95 ≤ 1 s, 1 and 2 replicas",
            "soak": "Memory over time: waves of students, then none",
            "browser-load": "Concurrent browser sessions on one server",
        }[part]
        print(f"## {title}\n", flush=True)
        if part == "landscape":
            landscape(args.quick)
        elif part == "load":
            from benchmarks import capacity

            duration = args.duration or (15.0 if args.quick else 30.0)
            caps = capacity.run(
                tuple(args.replicas),
                duration=duration,
                period=args.period,
                start=args.start,
                probes=args.probes or (2 if args.quick else 4),
            )
            print(capacity.table(caps, duration=duration, period=args.period))
        elif part == "soak":
            from benchmarks import soak

            r = soak.run(args.minutes, sessions=args.sessions or 30, replicas=args.replicas[0])
            print(soak.table(r))
        elif part == "browser-load":
            from benchmarks import load

            sessions = args.sessions or (4 if args.quick else 8)
            print(load.table(load.run(sessions, args.moves or 10)))
        elif part == "rerun":
            from benchmarks import rerun

            print(rerun.run(moves=moves))
        elif part == "drag":
            from benchmarks import drag

            print(drag.run(releases=2 if args.quick else drag.RELEASES))
        else:
            from benchmarks import browser

            print(browser.run(moves=moves))
        print(f"\n({part}: {time.perf_counter() - t0:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
