"""Sliders that move the charts while they are dragged: the scrub bar.

A Streamlit slider reports only on release, and a server round trip then redraws
the chart, so nothing moves while a hand drags it. :func:`scrub_bar` draws a row of
accessible sliders (``role="slider"``, an ``aria-label`` naming the parameter as the
page does, ``aria-valuetext``; arrow keys step, PageUp/PageDown jump ten steps,
Home/End; pointer and touch drag) as a ``st.components.v2`` component, and while
one moves it updates the page's Plotly charts itself, frame by frame, from data the
server computed:

* the server computes, for a control, the chart's traces at *every* value of the
  slider's grid (one call of the loss with a broadcast hyperparameter, see
  :func:`lossviz.registry.family`), plus the titles and marker positions that change
  with it: a :class:`Frames` object;
* the browser shows the member at the dragged value (``Plotly.update`` of those
  traces and layout attributes, once per animation frame). No formula is written in
  JavaScript: it swaps arrays and numbers that NumPy computed;
* frames are sent lazily, when a control is first hovered, focused or pressed (the
  component asks with its ``want`` state; :func:`wanted` tells the page); the
  browser keeps them until the page's other values change their context;
* on release (or the last key press, or pause) the value is committed: the
  component's ``commit`` state changes, the page reruns as after any control, and
  the link, the readouts, tables and every other view update.

A control may also move the "current value" line over a surface map
(:mod:`lossviz.views.level_line`) and a ▶ button sweeps it from its minimum to its
maximum at 30 frames a second; pausing commits the frame shown.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from lossviz.views.controls import decimals

_HERE = Path(__file__).parent
NAME = "lossviz.scrub"  # "<project>.<component>", as pyproject.toml declares it


def _define():
    """The component, its JS and CSS served as files by Streamlit where pyproject.toml's
    ``[tool.streamlit.component]`` table is found (the browser fetches and caches them
    once: ~29 KB that would otherwise travel inside every bar, four on Compare), else
    inlined from the same files."""
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager

    try:
        served = get_bidi_component_manager().get_component_asset_root(NAME) is not None
    except Exception:  # an API that moved: inline is always right
        served = False
    if served:
        return st.components.v2.component(NAME, html="", css="scrub.css", js="scrub.js")
    css = (_HERE / "scrub.css").read_text(encoding="utf-8")
    js = (_HERE / "scrub.js").read_text(encoding="utf-8")
    return st.components.v2.component(NAME, html="", css=css, js=js)


_component = _define()


@dataclass(frozen=True, slots=True)
class Control:
    """One scrubbable slider: a parameter's name, its labels and its grid."""

    name: str
    label: str  # as the page shows it: "δ (delta)"
    min: float
    max: float
    step: float
    value: float
    #: The text a screen reader says, "{v}" the value: "δ = {v}".
    valuetext: str = "{v}"
    frames: bool = True  # the charts follow it live (else it commits on release only)

    @property
    def grid(self) -> np.ndarray:
        """Every value the slider can take."""
        n = round((self.max - self.min) / self.step)
        return np.round(self.min + self.step * np.arange(n + 1), decimals(self.step) + 2)

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "aria": self.label,
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "value": self.value,
            "decimals": decimals(self.step),
            "valuetext": self.valuetext,
            "frames": self.frames,
        }


@dataclass
class ChartFrames:
    """What one chart shows at each value of a control's grid.

    ``traces``: the trace index and its y at every value, shape ``(G, points)``,
    on the even x grid ``x0 + dx·k``; ``layout``: attribute path (``"title.text"``,
    ``"shapes[4].x0"``) → the value at every grid value.
    """

    revision: str
    x0: float = 0.0
    dx: float = 1.0
    points: int = 0
    traces: list[tuple[int, np.ndarray]] = field(default_factory=list)
    layout: dict[str, list] = field(default_factory=dict)
    names: dict[int, list[str]] = field(default_factory=dict)  # legend name per member
    x1: float | None = None  # the grid's last x (the grid is linspace(x0, x1, points))
    #: Points that move with the value: trace index → {"x": (G, n), "y": (G, n)}.
    moves: list[tuple[int, dict[str, np.ndarray]]] = field(default_factory=list)
    #: A path shown step by step (member g is step g): (trace index, "prefix" | "suffix"
    #: | "point", {"x": path x, "y": path y, …}); the browser shows points [0, g], [g, end)
    #: or g. Sent once, not once per member.
    reveal: list[tuple[int, str, dict[str, np.ndarray]]] = field(default_factory=list)

    def as_data(self) -> dict:
        return {
            "revision": self.revision,
            "x0": self.x0,
            "dx": self.dx,
            "x1": self.x1,
            "points": self.points,
            "traces": [
                {
                    "index": i,
                    "y": _b64(y),
                }
                for i, y in self.traces
            ],
            "layout": self.layout,
            "names": {str(i): v for i, v in self.names.items()},
            "moves": [
                {
                    "index": i,
                    "n": int(next(iter(arrs.values())).shape[-1]),
                    "arrays": {k: _b64(a) for k, a in arrs.items()},
                }
                for i, arrs in self.moves
            ],
            "reveal": [
                {"index": i, "mode": mode, "arrays": {k: _b64(a) for k, a in arrs.items()}}
                for i, mode, arrs in self.reveal
            ],
        }


def _b64(a: np.ndarray) -> str:
    """float32, little-endian, base64: what the browser decodes into a Float32Array."""
    return base64.b64encode(np.ascontiguousarray(_f32(a), dtype="<f4").tobytes()).decode()


def _f32(a: np.ndarray) -> np.ndarray:
    out = np.asarray(a, dtype=np.float64).astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


@dataclass
class Frames:
    """Every chart a control drives, at every value of its grid (and a level line)."""

    values: np.ndarray
    charts: list[ChartFrames]
    level: tuple[str, str] | None = None  # (map revision, label with "{v}")

    def as_data(self, context: str) -> dict:
        return {
            "context": context,
            "values": [float(v) for v in self.values],
            "charts": [c.as_data() for c in self.charts],
            "level": None
            if self.level is None
            else {"revision": self.level[0], "label": self.level[1]},
        }


def varying(layouts: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """The layout attributes that differ between members: path → value per member.

    ``layouts`` are flat mappings (``"shapes[0].x0"`` → value) of each member.
    """
    if not layouts:
        return {}
    out: dict[str, list] = {}
    common = set(layouts[0]).intersection(*layouts[1:])
    for path in (p for p in layouts[0] if p in common):
        vals = [lay[path] for lay in layouts]
        if any(v != vals[0] for v in vals[1:]):
            out[path] = [_jsonable(v) for v in vals]
    return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def scrub_bar(
    key: str,
    controls: Sequence[Control],
    *,
    contexts: Mapping[str, str],
    frames: Mapping[str, Frames],
) -> None:
    """Draw the scrub bar.

    ``contexts[name]`` names what control ``name``'s frames depend on besides its own
    value (the other parameters, the axis, the loss): frames the browser holds for
    another context are stale and are asked for again. ``frames`` are those to send
    in this run, by control (see :func:`wanted`); read the component's states with
    :func:`states` at the start of the next run.
    """
    data = {
        "version": 1,
        "contexts": dict(contexts),
        "controls": [c.as_data() for c in controls],
        "frames": {name: f.as_data(contexts[name]) for name, f in frames.items()},
    }
    _component(
        key=key,
        data=data,
        default={"commit": None, "want": None},
        on_commit_change=lambda: None,
        on_want_change=lambda: None,
    )


def states(key: str) -> tuple[dict | None, dict | None]:
    """The bar's last ``commit`` and ``want`` states, at the start of a run.

    Each is new at most once: a state whose ``seq`` was seen before is returned as
    None, so a commit is applied once and a request for frames answered once.
    """
    raw = st.session_state.get(key) or {}
    seen = st.session_state.setdefault(f"_lossviz_scrub_seen:{key}", {})
    out = []
    for name in ("commit", "want"):
        state = raw.get(name) if hasattr(raw, "get") else None
        if not state or seen.get(name) == state.get("seq"):
            out.append(None)
            continue
        seen[name] = state.get("seq")
        out.append(dict(state))
    return out[0], out[1]


def context_of(*parts: Any) -> str:
    """A short stable name for the values some frames depend on."""
    import hashlib

    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]
