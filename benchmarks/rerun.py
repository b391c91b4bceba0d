"""Server-side rerun time after one slider change, with Streamlit's AppTest.

Run from the repository root (``python -m benchmarks`` runs this with the rest)::

    python -m benchmarks rerun [--quick]

For each page of :data:`benchmarks.browser.TARGETS` it loads ``app.py`` (for
the default page; for ``/name`` a script calling ``lossviz.views.name.render()``)
in ``streamlit.testing.v1.AppTest`` with the page's query parameters, then times
``at.slider[i].set_value(v).run()`` over ``moves`` one-step moves (sweeping
towards the slider's maximum and turning at either end, as the browser
benchmark does, so values are new to ``st.cache_data`` until it turns). The
baselines, timed the same way in the same process: a trivial one-slider script
(:data:`TRIVIAL`) and ``benchmarks/minimal_app.py`` with the same kind of chart.

The time is the whole script run plus AppTest's own bookkeeping (which the
baselines pay too), without the websocket or the browser.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np

from benchmarks.browser import TARGETS, Target

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = """
import streamlit as st

v = st.slider("x", min_value=0, max_value=100, value=50)
st.write(v)
"""


def _app(path: str | None, query: dict[str, str], script: str | None = None):
    from streamlit.testing.v1 import AppTest

    if script:
        at = AppTest.from_string(script, default_timeout=60)
    else:
        at = AppTest.from_file(path, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run(timeout=60)


class _Scrub:
    """A scrub-bar slider (lossviz/views/scrub.py) in AppTest: moved as the browser
    commits it, by the bar's ``commit`` state."""

    def __init__(self, at, bar: str, control: dict, seq: int) -> None:
        self.at, self.bar, self.c, self.seq = at, bar, control, seq
        self.min, self.max, self.step, self.value = (
            control["min"], control["max"], control["step"], control["value"]
        )  # fmt: skip

    def set_value(self, v: float):
        self.at.session_state[self.bar] = {
            "commit": {"name": self.c["name"], "value": v, "seq": self.seq},
            "want": None,
        }
        return self.at


def _scrub(at, label: str):
    import json

    from lossviz.views import scrub

    for e in at.get("bidi_component"):
        if e.proto.component_name == scrub.NAME:
            data = json.loads(e.proto.json)
            for c in data["controls"]:
                if c["label"] == label:
                    _scrub.seq = getattr(_scrub, "seq", 0) + 1
                    return _Scrub(at, e.proto.id.split("-", 2)[-1], c, _scrub.seq)
    raise LookupError(f"no slider {label!r} on the page")


def _slider(at, slider: int | str):
    if isinstance(slider, int):
        return at.slider[slider]
    found = [w for w in at.slider if w.label == slider]
    return found[0] if found else _scrub(at, slider)


def time_moves(at, slider: int | str, moves: int) -> list[float]:
    """Milliseconds of each ``set_value(...).run()`` over ``moves`` one-step moves (a
    scrub-bar slider: its commit, as on release)."""
    if at.exception:
        raise RuntimeError(f"the script raised: {at.exception[0].value}")
    times = []
    direction = 1
    for _ in range(moves):
        w = _slider(at, slider)
        lo, hi, step = w.min, w.max, w.step
        if w.value + step > hi:
            direction = -1
        elif w.value - step < lo:
            direction = 1
        target = round(w.value + direction * step, 10)
        t0 = time.perf_counter()
        at = w.set_value(target).run(timeout=60)
        times.append((time.perf_counter() - t0) * 1e3)
        if at.exception:
            raise RuntimeError(f"the script raised: {at.exception[0].value}")
        w = _slider(at, slider)
        if abs(w.value - target) > 1e-9:
            raise RuntimeError(f"slider {slider!r} is at {w.value}, expected {target}")
    return times


def measure_target(t: Target, moves: int) -> list[float]:
    """The default page through app.py; another page by running its view's ``render()``."""
    parts = urlsplit(t.path)
    query = dict(parse_qsl(parts.query))
    page = parts.path.strip("/").replace("-", "_")
    if not page:
        return time_moves(_app(str(ROOT / "app.py"), query), t.slider, moves)
    script = f"from lossviz.views.{page} import render\n\nrender()\n"
    return time_moves(_app(None, query, script), t.slider, moves)


def measure_trivial(moves: int) -> list[float]:
    return time_moves(_app(None, {}, TRIVIAL), 0, moves)


def measure_minimal(kind: str, moves: int) -> list[float]:
    return time_moves(_app(str(ROOT / "benchmarks" / "minimal_app.py"), {"kind": kind}), 0, moves)


def _stats(ts: list[float]) -> tuple[float, float]:
    return statistics.median(ts), float(np.percentile(ts, 95))


def run(targets: list[Target] | None = None, moves: int = 12) -> str:
    """Time every target and both baselines in this process; the Markdown table."""
    targets = TARGETS if targets is None else targets
    measure_trivial(2)  # warm imports outside the measurements
    trivial = _stats(measure_trivial(moves))
    minimal = {k: _stats(measure_minimal(k, moves)) for k in dict.fromkeys(t.kind for t in targets)}
    lines = [
        f"AppTest, {moves} one-step slider moves per page; median (p95) ms of "
        "`set_value(v).run()`; baselines in the same process: a trivial one-slider "
        "script and `benchmarks/minimal_app.py?kind=<kind>`.",
        "",
        "| page · slider | rerun | trivial script | ratio | minimal app, same chart | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in targets:
        med, p95 = _stats(measure_target(t, moves))
        mm, mp = minimal[t.kind]
        lines.append(
            f"| {t.name} | {med:.1f} ({p95:.1f}) | {trivial[0]:.1f} ({trivial[1]:.1f}) "
            f"| {med / trivial[0]:.1f}× | {mm:.1f} ({mp:.1f}) | {med / mm:.1f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="slider moves per page (12)")
    args = parser.parse_args(argv)
    print(run(moves=args.moves))


if __name__ == "__main__":
    main()
