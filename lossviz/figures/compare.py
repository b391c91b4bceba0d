"""Several losses on one domain: overlay, panels, ratio and surfaces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import (
    _GRID,
    COLOUR_BAR_MARGIN,
    MARKER_COLOUR,
    PALETTE,
    SURFACE_SCALE,
    _check_1d,
    _figure,
    f32,
)

# Entries are told apart by colour *and* dash, so two entries that coincide (focal γ = 0
# and cross-entropy; Bradley–Terry m = 0 and BCE on Δr) stay visible on top of each other.
COMPARE_DASHES = ("solid", "dash", "dot", "dashdot")


_COMPARE_VLINE = {"color": MARKER_COLOUR, "dash": "dot", "width": 1.5}


# Margins that already hold what Streamlit's theme (axes with automargin) pushes them to:
# tick labels and axis titles, the colour bar. Plotly draws a new figure a second time
# when a push grows a margin; with room enough it draws once.
_COMPARE_MARGIN = {"l": 80, "r": 20, "t": 90, "b": 75}


def compare_style(index: int, *, width: float = 3.0, colour: str | None = None) -> dict:
    """The line style of entry ``index`` (A, B, C, D) in every Compare view: its loss's
    ``colour`` (:func:`distinct_colours`; PALETTE by index if none) and its dash."""
    return {
        "color": colour or PALETTE[index % len(PALETTE)],
        "width": width,
        "dash": COMPARE_DASHES[index % len(COMPARE_DASHES)],
    }


def compare_x(x: np.ndarray) -> dict:
    """A curve trace's x: ``x0``/``dx`` on an evenly spaced grid (no array), else ``x``."""
    x = np.asarray(x, dtype=np.float64)
    if x.size >= 2:
        dx = float(x[-1] - x[0]) / (x.size - 1)
        if dx > 0 and np.allclose(np.diff(x), dx, rtol=1e-6, atol=0.0):
            return {"x0": float(x[0]), "dx": dx}
    return {"x": f32(x)}


def _compare_axis(**props) -> dict:
    return {**_GRID, **props}


def _vline(mx: float, xref: str = "x", yref: str = "y") -> dict:
    return {
        "type": "line",
        "x0": mx,
        "x1": mx,
        "xref": xref,
        "y0": 0,
        "y1": 1,
        "yref": f"{yref} domain",
        "line": _COMPARE_VLINE,
    }


def _stack_markers(x: np.ndarray, markers) -> list[tuple[float, str, int, bool]]:
    """Each marker in the order given: ``(x, label, label row, inside the x range)``.

    Labels closer than 12% of the x span (in x order) go a row further from the axis,
    so that they never overlap; a marker outside the range is kept, not drawn. The
    order and the count do not depend on the values, so the scrub bar can move
    marker k of a figure by its index while a slider is dragged.
    """
    x = np.asarray(x, dtype=np.float64)
    span = float(x[-1] - x[0]) or 1.0
    inside = [bool(x[0] <= mx <= x[-1]) for mx, _ in markers]
    levels = [0] * len(markers)
    last: tuple[float, int] | None = None
    for k in sorted(range(len(markers)), key=lambda k: markers[k][0]):
        if not inside[k]:
            continue
        mx = float(markers[k][0])
        if last is not None and mx - last[0] < 0.12 * span:
            levels[k] = last[1] + 1
        last = (mx, levels[k])
    lo, hi = float(x[0]), float(x[-1])
    return [
        (min(max(float(mx), lo), hi), label, levels[k], inside[k])
        for k, (mx, label) in enumerate(markers)
    ]


def compare_markers(
    x: np.ndarray, markers, axes: Sequence[tuple[str, str]] = (("x", "y"),), *, bottom=False
) -> tuple[list[dict], list[dict]]:
    """Dotted verticals on every ``(xref, yref)`` pair of ``axes``, and their labels
    inside the first pair's plot, at its top (or bottom): ``(shapes, annotations)``,
    marker k's shapes at ``k·len(axes) …`` and its label at k."""
    shapes, notes = [], []
    for mx, label, level, visible in _stack_markers(x, markers):
        right = _label_on_left(x, mx)
        shapes += [{**_vline(mx, xref, yref), "visible": visible} for xref, yref in axes]
        notes.append(
            {
                "x": mx,
                "y": 0.0 if bottom else 1.0,
                "xref": axes[0][0],
                "yref": f"{axes[0][1]} domain",
                "text": label,
                "showarrow": False,
                "yanchor": "bottom" if bottom else "top",
                # inside the plot, clear of the legend; close labels stack
                "yshift": 16 * level if bottom else -16 * level,
                "xanchor": "right" if right else "left",
                "xshift": -4 if right else 4,  # beside its line, not struck through by it
                "font": {"size": 12},
                "visible": visible,
            }
        )
    return shapes, notes


def _label_on_left(x: np.ndarray, mx: float) -> bool:
    """A marker label goes left of its line in the right third of the axis (stays inside)."""
    return (mx - x[0]) / ((x[-1] - x[0]) or 1.0) > 0.67


def _panel_title(text: str, x: float = 0.5) -> dict:
    """A title just above a panel, as make_subplots writes its subplot titles."""
    return {
        "text": text,
        "x": x,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def _check_entries(x: np.ndarray, entries) -> None:
    for _, label, loss, grad in entries:
        _check_1d(x, (f"{label} loss", np.asarray(loss)), (f"{label} gradient", np.asarray(grad)))


def compare_overlay_figure(
    x: np.ndarray,
    entries: Sequence[tuple[int, str, np.ndarray, np.ndarray]],
    *,
    x_label: str,
    grad_label: str,
    loss_label: str = "loss",
    markers: Sequence[tuple[float, str]] = (),
    title: str | None = None,
    height: int = 600,
    uirevision: str | None = None,
    colours: Sequence[str] | None = None,
) -> go.Figure:
    """Every entry's loss (top) and gradient (bottom) overlaid on one shared x axis.

    Args:
      entries: ``(index, label, loss, grad)``; ``index`` picks the entry's style.
    """
    x = np.asarray(x, dtype=np.float64)
    _check_entries(x, entries)
    xs = compare_x(x)
    data: list[dict] = []
    for i, label, loss, grad in entries:
        data.append(
            {
                "type": "scatter",
                **xs,
                "y": f32(loss),
                "name": label,
                "line": compare_style(i, colour=colours[i] if colours else None),
                "legendgroup": label,
                "xaxis": "x",
                "yaxis": "y",
            }
        )
        data.append(
            {
                "type": "scatter",
                **xs,
                "y": f32(grad),
                "name": f"{label} (gradient)",
                "line": compare_style(i, width=2.5, colour=colours[i] if colours else None),
                "legendgroup": label,
                "showlegend": False,
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    shapes, notes = compare_markers(x, markers, (("x", "y"), ("x2", "y2")))
    # Rows of 0.6 and 0.4 of the height left by a gap of 0.08 (as make_subplots would).
    layout = {
        "xaxis": _compare_axis(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False),
        "yaxis": _compare_axis(anchor="x", domain=[0.448, 1.0], title={"text": loss_label}),
        "xaxis2": _compare_axis(anchor="y2", domain=[0.0, 1.0], title={"text": x_label}),
        "yaxis2": _compare_axis(anchor="x2", domain=[0.0, 0.368], title={"text": grad_label}),
        "shapes": shapes,
        "annotations": notes,
        "margin": _COMPARE_MARGIN,
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def compare_panel_ranges(
    curves: Sequence[tuple[np.ndarray, np.ndarray]], *, pad: float = 0.05
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The y ranges ``(loss, gradient)`` that side-by-side panels share: every entry's
    finite values, padded by ``pad`` of the span (as plotly pads an autorange)."""
    ranges = []
    for row in (0, 1):
        values = [_finite(c[row]) for c in curves]
        values = [v for v in values if v.size]
        if not values:
            ranges.append((0.0, 1.0))
            continue
        lo = min(float(v.min()) for v in values)
        hi = max(float(v.max()) for v in values)
        if not hi > lo:
            lo, hi = lo - 0.5, hi + 0.5
        margin = pad * (hi - lo)
        ranges.append((lo - margin, hi + margin))
    return ranges[0], ranges[1]


def compare_panel_figure(
    x: np.ndarray,
    index: int,
    label: str,
    loss: np.ndarray,
    grad: np.ndarray,
    *,
    x_label: str,
    grad_label: str,
    loss_label: str = "loss",
    y_ranges: tuple[tuple[float, float], tuple[float, float]] | None = None,
    y_titles: bool = True,
    markers: Sequence[tuple[float, str]] = (),
    height: int = 480,
    uirevision: str | None = None,
    colour: str | None = None,
) -> go.Figure:
    """One entry's panel, loss above gradient, for side-by-side figures on shared axes.

    The page draws one of these per entry (so moving one entry's slider redraws one
    panel) and gives all the same ``y_ranges`` (:func:`compare_panel_ranges`).

    Args:
      index: picks the entry's style; ``label`` is titled above the panel.
      y_ranges: ``(loss, gradient)`` y ranges; None autoranges each row.
      y_titles: name the y axes (the page names them on the first panel only).
    """
    x = np.asarray(x, dtype=np.float64)
    _check_entries(x, [(index, label, loss, grad)])
    xs = compare_x(x)
    data = [
        {
            "type": "scatter",
            **xs,
            "y": f32(values),
            "name": name,
            "line": style,
            "showlegend": False,
            "xaxis": xref,
            "yaxis": yref,
        }
        for values, name, style, xref, yref in (
            (loss, label, compare_style(index, colour=colour), "x", "y"),
            (
                grad,
                f"{label} (gradient)",
                compare_style(index, width=2.5, colour=colour),
                "x2",
                "y2",
            ),
        )
    ]
    rows = ([0.46, 1.0], [0.0, 0.36])  # 0.6 and 0.4 of the height left by a gap of 0.1
    layout: dict = {
        "xaxis": _compare_axis(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False),
        "xaxis2": _compare_axis(anchor="y2", domain=[0.0, 1.0], title={"text": x_label}),
        "annotations": [_panel_title(label)],
        "shapes": compare_markers(x, markers, (("x", "y"), ("x2", "y2")))[0],
        # Tick labels such as "−0.5" or "1000" on every domain (automargin asked ≤ 45).
        "margin": {**_COMPARE_MARGIN, "l": 80 if y_titles else 52, "r": 15, "t": 40},
        "hovermode": "closest",
    }
    for k, (name, domain) in enumerate(zip((loss_label, grad_label), rows, strict=True)):
        axis = _compare_axis(anchor="x" if k == 0 else "x2", domain=domain)
        if y_titles:
            axis["title"] = {"text": name}
        if y_ranges is not None:
            axis["range"] = list(y_ranges[k])
        layout["yaxis" if k == 0 else "yaxis2"] = axis
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


def compare_ratio_figure(
    x: np.ndarray,
    ratios: Sequence[tuple[int, str, np.ndarray]],
    *,
    x_label: str,
    baseline_label: str,
    log_y: bool = True,
    decades: float = 8.0,
    markers: Sequence[tuple[float, str]] = (),
    title: str | None = None,
    height: int = 460,
    uirevision: str | None = None,
    colours: Sequence[str] | None = None,
) -> go.Figure:
    """Each entry divided by the baseline entry, pointwise (gaps where it is undefined).

    Args:
      ratios: ``(index, label, ratio)``; ``index`` picks the entry's style.
      log_y: a log y axis (values ≤ 0 become gaps there).
      decades: on the log axis, show at most this many decades below the largest
        ratio (the data are all there: autoscale, a double-click, shows them).
    """
    x = np.asarray(x, dtype=np.float64)
    for _, label, r in ratios:
        _check_1d(x, (f"{label} ratio", np.asarray(r)))
    xs = compare_x(x)
    data: list[dict] = []
    for i, label, r in ratios:
        y = np.asarray(r, dtype=np.float64)
        if log_y:
            y = np.where(y > 0.0, y, np.nan)
        data.append(
            {
                "type": "scatter",
                **xs,
                "y": f32(y),
                "name": f"{label} ÷ baseline",
                "line": compare_style(i, colour=colours[i] if colours else None),
            }
        )
    # Ratios start near 1 at the top left; labels at the bottom stay clear of them.
    shapes, notes = compare_markers(x, markers, bottom=True)
    yaxis = _compare_axis(title={"text": f"ratio to {baseline_label}"})
    if log_y:
        yaxis.update(type="log", exponentformat="power")
        pos = np.concatenate([np.asarray(r, dtype=np.float64).ravel() for _, _, r in ratios])
        pos = pos[np.isfinite(pos) & (pos > 0.0)]
        if pos.size:
            hi = float(np.log10(pos.max()))
            lo = max(float(np.log10(pos.min())), hi - decades)
            if hi - lo > 3.0:
                yaxis["dtick"] = 1  # one tick per decade: 10⁻², 10⁻³, ... reads as "100×"
            pad = 0.05 * max(hi - lo, 1.0)
            yaxis["range"] = [lo - pad, hi + pad]
    layout = {
        "xaxis": _compare_axis(title={"text": x_label}),
        "yaxis": yaxis,
        "shapes": shapes,
        "annotations": notes,
        "showlegend": True,  # also for a single ratio: it names the entry
        # Log ticks such as "10⁻¹⁰⁰" need more than the overlay's room (automargin: 84).
        "margin": {**_COMPARE_MARGIN, "l": 92},
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


SURFACE_BAR_MARGIN = COLOUR_BAR_MARGIN  # px right of the plot that holds the colour bar


def compare_colour_range(
    zs: Sequence[np.ndarray], cap: float | None = None
) -> tuple[float, float, float]:
    """The one colour scale of side-by-side surfaces: ``(cmin, cmax, ztop)``.

    ``cmin`` is the least finite value of all, ``cmax`` the ``cap`` if given (else
    the largest), and ``ztop`` the largest (the top of the 3-D z axes: plotly does
    not clip a surface to its box, so only the colour scale is capped).
    """
    lo = [float(np.nanmin(z)) for z in map(_finite, zs) if z.size]
    hi = [float(np.nanmax(z)) for z in map(_finite, zs) if z.size]
    cmin = min(lo) if lo else 0.0
    ztop = max(hi) if hi else 1.0
    cmax = cap if cap is not None else ztop
    if not cmax > cmin:
        cmax = cmin + 1.0
    return cmin, cmax, max(ztop, cmax)


def _finite(z) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    return z[np.isfinite(z)]


def compare_surface_figure(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    *,
    label: str,
    x_label: str,
    y_label: str,
    z_label: str = "loss",
    colour_range: tuple[float, float, float],
    three_d: bool = False,
    colour_bar: bool = True,
    y_title: bool = True,
    camera: dict | None = None,
    height: int = 440,
    uirevision: str | None = None,
) -> go.Figure:
    """One entry's surface, for side-by-side figures on one colour scale and camera.

    The page draws one of these per entry (so moving one entry's slider resends one
    surface) and gives all the same ``colour_range`` and ``camera``.

    Args:
      z: shape ``(len(y), len(x))``.
      label: the entry, titled above the panel.
      colour_range: ``(cmin, cmax, ztop)`` of :func:`compare_colour_range` over every
        entry: the shared colour scale, and the top of the 3-D z axis.
      colour_bar: draw the colour bar (the page draws it on the last panel only).
      y_title: name the y axis (2-D; the page names it on the first panel only). In
        3-D the axes are untitled (no room in a small scene): the page names them.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z)
    if z.shape != (y.size, x.size):
        raise ValueError(
            f"{label}: z must have shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}"
        )
    cmin, cmax, ztop = (float(v) for v in colour_range)
    if not cmax > cmin:
        raise ValueError(f"colour_range needs cmax > cmin, got {colour_range}")
    hover = (
        f"{x_label}: %{{x:.3f}}<br>{y_label}: %{{y:.3f}}<br>{z_label}: %{{z:.4g}}<extra></extra>"
    )
    trace = {
        "x": f32(x),
        "y": f32(y),
        "z": f32(z),
        "coloraxis": "coloraxis",
        "hovertemplate": hover,
    }
    if three_d:
        trace["type"] = "surface"
    else:
        # Filled bands between the levels, whose edges are the level sets: as readable as
        # lines over a heatmap, at a quarter of the browser's drawing time (~25 vs ~100 ms
        # at 150², headless Chromium).
        trace["type"] = "contour"
        trace["contours"] = {
            "coloring": "fill",
            "showlines": False,
            "start": cmin,
            "end": cmax,
            "size": _nice_step((cmax - cmin) / 20.0),  # the colour bar ticks at round levels
        }
    layout: dict = {
        "coloraxis": {
            "colorscale": SURFACE_SCALE,
            "cmin": cmin,
            "cmax": cmax,
            "showscale": colour_bar,
            "colorbar": {"title": {"text": z_label, "side": "right"}, "thickness": 16},
        },
        "annotations": [_panel_title(label)],
        "hovermode": "closest",
    }
    if three_d:
        tick = {"tickfont": {"size": 10}, "title": {"text": ""}}
        layout["scene"] = {
            "xaxis": tick,
            "yaxis": tick,
            "zaxis": {**tick, "range": [cmin, ztop]},
            "camera": camera or {"eye": {"x": 1.7, "y": -1.7, "z": 1.2}},
            "aspectmode": "cube",
        }
        layout["margin"] = {
            "l": 10,
            "r": SURFACE_BAR_MARGIN if colour_bar else 10,
            "t": 40,
            "b": 10,
        }
    else:
        layout["xaxis"] = _compare_axis(title={"text": x_label})
        layout["yaxis"] = _compare_axis(**({"title": {"text": y_label}} if y_title else {}))
        layout["margin"] = {
            # Room for tick labels such as "−0.25" or "0.005" on every domain's y axis
            # (Plotly's automargin asked for at most 83 with the title, 49 without).
            "l": 88 if y_title else 52,
            "r": SURFACE_BAR_MARGIN if colour_bar else 15,
            "t": 40,
            "b": 80,
        }
    return _figure([trace], layout, title=None, height=height, uirevision=uirevision)


def _nice_step(step: float) -> float:
    """The 1, 2 or 5 × 10ᵏ nearest ``step`` (on a log scale)."""
    if not (np.isfinite(step) and step > 0):
        return 1.0
    exp = np.floor(np.log10(step))
    best = min((1.0, 2.0, 5.0, 10.0), key=lambda m: abs(np.log10(m * 10**exp / step)))
    return float(best * 10**exp)
