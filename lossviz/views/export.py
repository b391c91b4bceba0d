"""Charts out of the page: slide-ready PNG/SVG, the plotted data as CSV, copy link, and
every chart's text alternative.

:func:`alt_text` describes a figure in words from the figure itself (its title, axes
and their ranges, each trace's name and its extreme): what
:func:`lossviz.views.charts.chart` passes to ``st.plotly_chart(alt=...)``.

:func:`actions` draws one small row under a chart ("PNG ×2", "SVG", "CSV", "Copy link")
as a ``st.components.v2`` component whose JavaScript (``export.js``, served once like
the scrub bar's) works only on what the browser drew: Plotly.toImage of the chart's own
``gd.data``/``gd.layout`` with an opaque background in the page's current colour, at
twice its size on screen, with the "current value" line of
:mod:`lossviz.views.level_line` added as a shape; the CSV is written from the same
``gd.data``, so its numbers are the plotted ones by construction. Both are made in the
browser on click: nothing is built on the server per rerun (a server-side CSV per chart
would cost CPU on every slider move, and its numbers would be a second copy of what the
browser already holds). The header names the page, the chart and every link parameter
(the page's controls are all in its link).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

_HERE = Path(__file__).parent
NAME = "lossviz.export"  # "<project>.<component>", as pyproject.toml declares it

#: At most this many traces are described one by one; the rest are counted.
MAX_TRACES = 8

_TAG = re.compile(r"<[^>]*>")


def _define():
    """The component with export.js served as a file where pyproject.toml's table is
    found (fetched and cached once by the browser), else inlined from the same file."""
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager

    try:
        served = get_bidi_component_manager().get_component_asset_root(NAME) is not None
    except Exception:  # an API that moved: inline is always right
        served = False
    if served:
        return st.components.v2.component(NAME, html="", js="export.js")
    js = (_HERE / "export.js").read_text(encoding="utf-8")
    return st.components.v2.component(NAME, html="", js=js)


_component = _define()


def actions(key: str) -> None:
    """The export row of the chart just drawn under the key ``key`` (in the same
    container): the browser finds that chart as the row's preceding element."""
    _component(key=f"lossviz_export.{key}", data={"key": key})


def _text(value: Any) -> str:
    """Plain text of a Plotly title (a str or a {"text": ...} dict), markup removed."""
    if isinstance(value, Mapping):
        value = value.get("text")
    if value is None:
        return ""
    text = _TAG.sub(" ", str(value).replace("<br>", " · "))
    return " ".join(text.split()).strip(" ·")


def _num(v: float) -> str:
    """A number as a reader says it: 3 significant digits, no exponent for 1e-3..1e6."""
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞" if v < 0 else "undefined"
    if abs(v) < 1e-9:  # a float's rounding around 0 (e.g. -8.5e-14 on a grid through 0)
        return "0"
    if 1e-3 <= abs(v) < 1e6:
        return f"{v:.3g}" if abs(v) >= 1 else f"{v:.3f}".rstrip("0").rstrip(".")
    return f"{v:.2e}"


def _values(trace: Mapping, axis: str, n: int) -> np.ndarray | None:
    """A trace's coordinates on ``axis`` ("x" or "y") as float64, from the array or from
    Plotly's ``x0``/``dx`` (an evenly spaced axis); None where they are not numbers."""
    a = trace.get(axis)
    if a is None:
        if n <= 0:
            return None
        start = trace.get(f"{axis}0", 0) or 0
        step = trace.get(f"d{axis}", 1) or 1
        try:
            return float(start) + float(step) * np.arange(n)
        except (TypeError, ValueError):
            return None
    try:
        out = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return out


def _extent(a: np.ndarray | None) -> tuple[float, float] | None:
    if a is None or a.size == 0:
        return None
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return None
    return float(finite.min()), float(finite.max())


def _axis_name(layout: Mapping, name: str, fallback: str) -> str:
    return _text((layout.get(name) or {}).get("title")) or fallback


def _describe(trace: Mapping, layout: Mapping, i: int) -> tuple[str, dict[str, tuple]]:
    """One trace in words, and the extents it contributes per axis key."""
    kind = trace.get("type") or "scatter"
    name = _text(trace.get("name")) or f"trace {i + 1}"
    z = trace.get("z")
    extents: dict[str, tuple] = {}
    if z is not None and kind in ("heatmap", "contour", "surface"):
        zz = np.asarray(z, dtype=np.float64)
        if zz.ndim != 2 or zz.size == 0:
            return f"{name} ({kind})", extents
        x = _values(trace, "x", zz.shape[1])
        y = _values(trace, "y", zz.shape[0])
        ok = np.isfinite(zz)
        if ok.all():
            lo, hi = int(zz.argmin()), int(zz.argmax())
        elif ok.any():
            lo = int(np.where(ok, zz, np.inf).argmin())
            hi = int(np.where(ok, zz, -np.inf).argmax())
        else:
            return f"{name}: no finite values", extents
        where = ""
        if x is not None and y is not None:
            r, c = divmod(lo, zz.shape[1])
            if x.ndim == 1 and y.ndim == 1 and x.size == zz.shape[1] and y.size == zz.shape[0]:
                where = f" at ({_num(x[c])}, {_num(y[r])})"
            elif x.shape == zz.shape == y.shape:
                where = f" at ({_num(x[r, c])}, {_num(y[r, c])})"
            extents["x"] = _extent(x)
            extents["y"] = _extent(y)
        zf = zz.ravel()
        return (
            f"{name}: {kind} from {_num(zf[lo])}{where} to {_num(zf[hi])}",
            extents,
        )
    y = trace.get("y")
    if y is None:
        return name, extents
    try:
        yv = np.asarray(y, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return name, extents
    xv = _values(trace, "x", yv.size)
    xv = xv.ravel() if xv is not None else None
    xa = "x" + str(trace.get("xaxis", "x"))[1:]
    ya = "y" + str(trace.get("yaxis", "y"))[1:]
    extents[xa] = _extent(xv)
    extents[ya] = _extent(yv)
    ok = np.isfinite(yv)
    if not ok.any():
        return f"{name}: no finite values", extents
    if yv.size == 1 or (xv is not None and xv.size == 1):
        at = f" at {_num(xv[0])}" if xv is not None and xv.size else ""
        return f"{name}: {_num(yv[0])}{at}", extents
    if ok.all():
        lo, hi = int(yv.argmin()), int(yv.argmax())
    else:
        lo, hi = int(np.where(ok, yv, np.inf).argmin()), int(np.where(ok, yv, -np.inf).argmax())
    at = f" at {_num(xv[lo])}" if xv is not None and xv.size == yv.size else ""
    return f"{name}: minimum {_num(yv[lo])}{at}, maximum {_num(yv[hi])}", extents


def _axes_text(layout: Mapping, extents: dict[str, list[tuple[float, float]]]) -> list[str]:
    out = []
    for key in sorted(extents, key=lambda k: (k[1:] or "1", k[0])):
        name = ("xaxis" if key[0] == "x" else "yaxis") + key[1:]
        title = _axis_name(layout, name, "")
        rng = (layout.get(name) or {}).get("range")
        if rng is not None and len(rng) == 2 and None not in rng:
            lo, hi = float(rng[0]), float(rng[1])
        else:
            spans = [e for e in extents[key] if e is not None]
            if not spans:
                continue
            lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        label = title or f"{key[0]} axis"
        out.append(
            f"{'horizontal' if key[0] == 'x' else 'vertical'}: {label}, {_num(lo)} to {_num(hi)}"
        )
    return out


def alt_text(fig: Any) -> str:
    """The text alternative of a Plotly figure: title, axes and their ranges, each
    trace's name and its minimum (and maximum), from the figure alone."""
    # The figure's own dicts, read only (plotly's BaseFigure keeps them as _data and
    # _layout); to_plotly_json() deep-copies every array, ~1 ms per trace.
    data: Sequence[Mapping] = getattr(fig, "_data", None)
    layout: Mapping = getattr(fig, "_layout", None)
    if data is None or layout is None:
        data = [t.to_plotly_json() for t in fig.data]
        layout = fig.layout.to_plotly_json()
    title = _text(layout.get("title")) or "Chart"
    parts = [f"Chart: {title}."]
    extents: dict[str, list] = {}
    said = []
    for i, trace in enumerate(data):
        text, ext = _describe(trace, layout, i)
        for k, v in ext.items():
            extents.setdefault(k, []).append(v)
        if trace.get("type") in ("heatmap", "contour", "surface") and not trace.get("name"):
            text = text.replace(f"trace {i + 1}", _axis_name(layout, "coloraxis", "value"), 1)
        said.append(text)
    axes = _axes_text(layout, extents)
    if axes:
        parts.append("Axes: " + "; ".join(axes) + ".")
    if said:
        shown = said[:MAX_TRACES]
        more = len(said) - len(shown)
        tail = f"; and {more} more" if more else ""
        parts.append(
            f"{len(said)} trace{'s' if len(said) > 1 else ''}: " + "; ".join(shown) + tail + "."
        )
    return " ".join(parts)
