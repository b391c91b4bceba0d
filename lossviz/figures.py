"""Pure figure builders: arrays in, one plotly ``Figure`` out.

Each builder validates its inputs, takes NumPy arrays (sent to the browser as
float32, which plotly serialises as base64 rather than JSON lists), and derives
every title, legend entry and annotation from the values it is given, so a
label can never disagree with the curve it names. Colours are the Okabe–Ito
palette (safe for the common colour-vision deficiencies) and the layout uses
transparent backgrounds so figures read in Streamlit's light and dark themes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency. Black is replaced by a mid grey that reads on both themes.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#999999",  # grey
)
MARKER_COLOUR = "#999999"
# Sequential colour scale for surfaces: perceptually uniform, colour-blind safe.
SURFACE_SCALE = "Viridis"
FONT = {"size": 14}
# Room for axis titles and tick labels (measured in Chromium: Plotly's automargin asked
# for at most l = 85, b = 67 on any page), and for a colour bar right of the plot.
MARGIN = {"l": 85, "r": 20, "t": 90, "b": 70}
COLOUR_BAR_MARGIN = 135
LEGEND_ROW = 24  # px of one row of a horizontal legend
GRID_COLOUR = "rgba(128,128,128,0.25)"
_GRID = {"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR}  # every cartesian axis


def f32(a) -> np.ndarray:
    """float32 for the browser; non-finite values become gaps (NaN), never strings."""
    a = np.asarray(a, dtype=np.float64)
    out = a.astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


def base_layout(fig: go.Figure, *, height: int = 460, uirevision: str | None = None) -> go.Figure:
    """The shared look: transparent background, top legend, margins that fit.

    The margins hold the axis titles and tick labels as they are, so Plotly's
    ``automargin`` has nothing to push: when it has, Plotly draws the whole figure a
    second (or third) time, which cost ~40 % of the browser's time per slider move
    (CPU profile in Chromium). ``autoexpand`` stays on as the fallback for unusually
    wide tick labels; ``tests/test_margins_browser.py`` checks that no page needs it.
    """
    fig.update_layout(
        # Streamlit's theme styles the chart in the browser; plotly.py's default
        # template would add ~7 KB to every figure sent and to what Plotly parses.
        template="none",
        height=height,
        margin=dict(MARGIN),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        hovermode="x unified",
        uirevision=uirevision,
    )
    fig.update_xaxes(_GRID)
    fig.update_yaxes(_GRID)
    return fig


_SHARED_LAYOUT: dict = {}


def _shared_layout() -> dict:
    """base_layout's settings as a dict (made once), so that every figure looks the same."""
    if not _SHARED_LAYOUT:
        layout = base_layout(go.Figure(), height=100).layout.to_plotly_json()
        for key in ("height", "uirevision"):
            layout.pop(key, None)
        _SHARED_LAYOUT.update(layout)
    return _SHARED_LAYOUT


def _merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, recursively for nested dicts (inputs unchanged)."""
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


_TITLE_TOP = 7  # px from the figure's top edge to the title's first line
_TITLE_LINE = 19  # px per title line at font size 15


def _title(text: str, height: int = 460) -> dict:
    """The figures' title style: left-aligned, at the top, above the legend.

    Plotly anchors a multi-line title ("…<br>…") as if it had one line, so with
    ``yanchor="top"`` the extra lines push the first one off the top edge: each
    ``<br>`` moves the anchor down by a line.
    """
    lines = text.count("<br>")
    y = 1.0 - (_TITLE_TOP + _TITLE_LINE * lines) / height
    return {"text": text, "x": 0, "y": round(y, 4), "yanchor": "top", "font": {"size": 15}}


def _figure(data: list[dict], layout: dict, *, title: str | None, height: int, uirevision):
    extra = {"height": height, "uirevision": uirevision, **layout}
    if title:
        extra["title"] = _title(title, height)
    return go.Figure(data=data, layout=_merged(_shared_layout(), extra))


def _finish(
    fig: go.Figure,
    *,
    title: str | None,
    height: int,
    uirevision: str | None,
    hovermode: str | None = "closest",
) -> go.Figure:
    """Title, the shared look and the hover mode for a figure built with add_trace."""
    if title:
        fig.update_layout(title=_title(title, height))
    fig = base_layout(fig, height=height, uirevision=uirevision)
    if hovermode:
        fig.update_layout(hovermode=hovermode)
    return fig


def _check_1d(x: np.ndarray, *named: tuple[str, np.ndarray]) -> None:
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be 1-D with at least 2 points, got shape {x.shape}")
    for name, a in named:
        if a.shape != x.shape:
            raise ValueError(f"{name} must have the shape of x {x.shape}, got {a.shape}")


def _axis_values(x: np.ndarray) -> dict:
    """``x0``/``dx`` for an evenly spaced axis (half the bytes of sending x), else ``x``."""
    if x.size > 2:
        d = np.diff(x)
        if np.allclose(d, d[0], rtol=1e-9, atol=0.0):
            return {"x0": float(x[0]), "dx": float(d[0])}
    return {"x": f32(x)}


def _stacked_rows(heights: Sequence[float], gap: float, x_title: str) -> dict:
    """Axes of rows stacked top to bottom on one shared x, as
    ``make_subplots(rows=n, shared_xaxes=True)`` lays them out (row 1 on top is
    ``x``/``y``, row k is ``xk``/``yk``), as a plain layout dict: make_subplots and
    the update_* calls cost 20–30 ms a figure, more than a rerun's computing."""
    n = len(heights)
    scale = (1.0 - gap * (n - 1)) / float(sum(heights))
    layout: dict = {}
    top = 1.0
    for i, h in enumerate(heights, start=1):
        k = "" if i == 1 else str(i)
        low = max(0.0, top - h * scale)
        layout[f"yaxis{k}"] = {**_GRID, "anchor": f"x{k}", "domain": [low, top]}
        xaxis = {**_GRID, "anchor": f"y{k}", "domain": [0.0, 1.0]}
        if i < n:
            xaxis.update(matches=f"x{n}", showticklabels=False)
        else:
            xaxis["title"] = {"text": x_title}
        layout[f"xaxis{k}"] = xaxis
        top = low - gap
    return layout


def _row_vline(x: float, row: int, width: float = 1.5) -> dict:
    """A dotted vertical line at x across row ``row`` of :func:`_stacked_rows`."""
    k = "" if row == 1 else str(row)
    line = {"color": MARKER_COLOUR, "dash": "dot", "width": width}
    return {"type": "line", "x0": x, "x1": x, "xref": f"x{k}", "y0": 0, "y1": 1,
            "yref": f"y{k} domain", "line": line}  # fmt: skip


def _row_label(x: float, text: str) -> dict:
    """The label of a vertical line, above the top row."""
    return {"x": x, "xref": "x", "y": 1.0, "yref": "y domain", "text": text,
            "showarrow": False, "yanchor": "bottom", "font": {"size": 12}}  # fmt: skip


def curve_figure(
    x: np.ndarray,
    branches: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    x_label: str,
    markers: Sequence[tuple[float, str]] = (),
    background: Sequence[tuple[str, np.ndarray, np.ndarray]] = (),
    loss_label: str = "loss",
    grad_label: str = "gradient",
    title: str | None = None,
    height: int = 560,
    uirevision: str | None = None,
) -> go.Figure:
    """Loss (top) and its gradient (bottom) against one input, on a shared x axis.

    Built from plain dicts with the two rows' axes laid out directly (``make_subplots``
    alone costs ~20 ms a call, more than the rest of a rerun); an evenly spaced x is
    sent once as ``x0``/``dx`` per trace instead of as an array.

    Args:
      x: the input values, 1-D.
      branches: ``(name, loss, grad)`` per highlighted line, each array shaped like x.
      x_label: the x-axis title.
      markers: ``(x, label)`` of regime changes, drawn as dotted verticals in both rows.
      background: ``(name, loss, grad)`` or ``(name, loss, grad, label)`` lines drawn
        thinner behind (e.g. a γ family), each in its own colour of
        :data:`FAMILY_COLOURS`, named in the legend and labelled on the curve (by
        ``label``, short enough that neighbours do not collide), so every member can be
        told apart.
      title: figure title (plain text: plotly cannot render LaTeX in Streamlit).
    """
    x = np.asarray(x, dtype=np.float64)
    for name, loss, grad, *_ in (*branches, *background):
        _check_1d(x, (f"{name} loss", np.asarray(loss)), (f"{name} gradient", np.asarray(grad)))
    xs = _axis_values(x)
    data: list[dict] = []
    annotations: list[dict] = []
    for j, (name, loss, grad, *short) in enumerate(background):
        thin = {"color": FAMILY_COLOURS[j % len(FAMILY_COLOURS)], "width": 1.5, "dash": "dot"}
        common = {"type": "scatter", "mode": "lines", "name": name, "legendgroup": name, **xs}
        data.append({**common, "y": f32(loss), "line": thin, "xaxis": "x", "yaxis": "y"})
        data.append(
            {
                **common,
                "y": f32(grad),
                "line": thin,
                "xaxis": "x2",
                "yaxis": "y2",
                "showlegend": False,
            }
        )
        label = short[0] if short else name  # the legend names it in full
        annotations.append(
            _family_label(x, np.asarray(loss), label, thin["color"], j, len(background))
        )
    for i, (name, loss, grad) in enumerate(branches):
        colour = PALETTE[i % len(PALETTE)]
        common = {"type": "scatter", "mode": "lines", "legendgroup": name, **xs}
        data.append(
            {
                **common,
                "name": name,
                "y": f32(loss),
                "line": {"color": colour, "width": 3},
                "xaxis": "x",
                "yaxis": "y",
            }
        )
        data.append(
            {
                **common,
                "name": f"{name} (gradient)",
                "y": f32(grad),
                "showlegend": False,
                "line": {"color": colour, "width": 2.5, "dash": "dash"},
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    shapes, marks = curve_marks(x, markers)
    annotations += marks
    layout = {
        "xaxis": {
            **_GRID,
            "anchor": "y",
            "matches": "x2",
            "showticklabels": False,
            "domain": [0.0, 1.0],
        },
        "xaxis2": {**_GRID, "anchor": "y2", "title": {"text": x_label}, "domain": [0.0, 1.0]},
        "yaxis": {**_GRID, "anchor": "x", "domain": [0.43, 1.0], "title": {"text": loss_label}},
        "yaxis2": {**_GRID, "anchor": "x2", "domain": [0.0, 0.35], "title": {"text": grad_label}},
        "shapes": shapes,
        "annotations": annotations,
    }
    if background:  # the family's legend row goes above the branches' row: room for it
        layout["margin"] = {**MARGIN, "t": MARGIN["t"] + LEGEND_ROW}
        height += LEGEND_ROW
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def curve_marks(x: np.ndarray, markers: Sequence[tuple[float, str]]) -> tuple[list, list]:
    """The dotted verticals (one per row) and labels of ``markers`` on a curve figure.

    In the order given, so that marker k is always shapes 2k, 2k + 1 and annotation k
    (the live scrubbing updates them by index); a marker outside the x range is kept,
    invisible. Labels sit inside the top of the loss row, clear of the legend above
    it, right of their line (left of it near the right edge); one that would run into
    a label left of it goes a row lower. Widths are estimated (~6.5 px a character on a
    plot ~480 px wide), as the figure is built before the browser lays it out.
    """
    x = np.asarray(x, dtype=np.float64)
    lo_x, hi_x = float(x[0]), float(x[-1])
    span = hi_x - lo_x
    line = {"color": MARKER_COLOUR, "dash": "dot", "width": 1.5}
    placed: dict[int, dict] = {}
    ends: list[float] = []  # per stacking level, the x where its last label ends
    order = sorted(range(len(markers)), key=lambda k: markers[k][0])
    for k in order:
        mx, label = float(markers[k][0]), markers[k][1]
        inside = lo_x <= mx <= hi_x
        width = _label_width(label) * span / 480.0
        left = mx < lo_x + span - width
        lo, hi = (mx, mx + width) if left else (mx - width, mx)
        level = 0
        if inside:
            level = next((i for i, end in enumerate(ends) if lo > end), len(ends))
            ends[level : level + 1] = [hi]
        placed[k] = {
            "x": min(max(mx, lo_x), hi_x),
            "xref": "x",
            "y": 1.0,
            "yref": "y domain",
            "text": label,
            "showarrow": False,
            "xanchor": "left" if left else "right",
            "xshift": 3 if left else -3,
            "yanchor": "top",
            "yshift": -16 * level,
            "font": {"size": 12},
            "visible": inside,
        }
    shapes: list[dict] = []
    for mx, _ in markers:
        mx = float(mx)
        for xref, yref in (("x", "y domain"), ("x2", "y2 domain")):
            at = min(max(mx, lo_x), hi_x)
            shapes.append(
                {
                    "type": "line",
                    "x0": at,
                    "x1": at,
                    "xref": xref,
                    "y0": 0,
                    "y1": 1,
                    "yref": yref,
                    "line": line,
                    "visible": lo_x <= mx <= hi_x,
                }
            )
    return shapes, [placed[k] for k in range(len(markers))]


def _label_width(label: str) -> float:
    """Estimated width in px of an annotation at font size 12 (tags not counted)."""
    text = label
    for tag in ("<sub>", "</sub>", "<sup>", "</sup>"):
        text = text.replace(tag, "")
    return 6.5 * len(text) + 8


#: Colours of a family's members (the focal γ family), distinct from PALETTE[0:2], which
#: draw the highlighted branches: Okabe–Ito green, purple, vermillion, sky blue, grey.
FAMILY_COLOURS = ("#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999")


def _family_label(x, loss, name, colour, j, n) -> dict:
    """A family member's name on its curve, at staggered x so the labels do not collide."""
    i = round((0.06 + 0.5 * (j + 0.5) / max(n, 1)) * (x.size - 1))
    y = float(loss[i]) if np.isfinite(loss[i]) else 0.0
    return {
        "x": float(x[i]),
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": name,
        "showarrow": False,
        "yanchor": "bottom",
        "font": {"size": 11, "color": colour},
    }


def surface_figure(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    *,
    x_label: str,
    y_label: str,
    z_label: str = "loss",
    three_d: bool = False,
    title: str | None = None,
    point: tuple[float, float, str] | None = None,
    zmax: float | None = None,
    log_colour: bool = False,
    equal_axes: bool = False,
    height: int = 520,
    uirevision: str | None = None,
) -> go.Figure:
    """A loss surface over two inputs: a filled contour map, or a 3-D surface.

    Args:
      x, y: 1-D axes; z has shape ``(len(y), len(x))``.
      point: optional ``(x, y, label)`` marked on the map (e.g. the current setting).
      zmax: cap of the colour scale (values above are drawn at the top colour,
        and hover still shows the true value).
      log_colour: draw log₁₀ z (z > 0; other values are gaps), the colour bar
        labelled in powers of ten, for losses that span orders of magnitude.
      equal_axes: one unit is as long on y as on x (for two axes of the same
        quantity, e.g. two residuals), so a round bowl is drawn round.
      uirevision: keeps the user's zoom and 3-D camera across reruns while it stays
        the same (Streamlit issue 8882: the camera resets when the data change).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if z.shape != (y.size, x.size):
        raise ValueError(f"z must have shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}")
    colorbar: dict = {"title": {"text": z_label, "side": "right"}}
    if log_colour:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(z > 0, np.log10(np.where(z > 0, z, 1.0)), np.nan)
        z_label = f"log₁₀ {z_label}"
        colorbar["title"]["text"] = z_label
    hover = (
        f"{x_label}: %{{x:.3f}}<br>{y_label}: %{{y:.3f}}<br>{z_label}: %{{z:.4g}}<extra></extra>"
    )
    finite = z[np.isfinite(z)]
    cmax = zmax if zmax is not None else (float(finite.max()) if finite.size else 1.0)
    cmin = float(finite.min()) if finite.size else 0.0
    if log_colour and finite.size:
        first, last = math.ceil(cmin), math.floor(cmax)
        every = max(1, math.ceil((last - first + 1) / 8))  # at most ~8 ticks
        decades = np.arange(last, first - 1, -every)[::-1]
        colorbar["tickvals"] = decades.tolist()
        colorbar["ticktext"] = [_power_of_ten(int(k)) for k in decades]
    # Plain dicts and one go.Figure at the end: ~3× faster than add_trace/update_*.
    if three_d:  # a surface trace takes only explicit coordinates
        axes = {"x": f32(x), "y": f32(y)}
    else:
        axes = {**_axis_values(x), **{k.replace("x", "y"): v for k, v in _axis_values(y).items()}}
    common = {
        **axes,
        "z": f32(z),
        "colorscale": SURFACE_SCALE,
        "colorbar": colorbar,
        "hovertemplate": hover,
    }
    layout: dict = {"hovermode": "closest"}
    if three_d:
        data = [{**common, "type": "surface", "cmin": cmin, "cmax": cmax}]
        layout["scene"] = {
            "xaxis": {"title": {"text": x_label}},
            "yaxis": {"title": {"text": y_label}},
            "zaxis": {"title": {"text": z_label}},
            "camera": {"eye": {"x": 2.0, "y": -2.0, "z": 1.35}},
            "aspectmode": "cube",
        }
        layout["margin"] = {"l": 30, "r": COLOUR_BAR_MARGIN, "t": 60, "b": 0}
    else:
        layout["margin"] = {"r": COLOUR_BAR_MARGIN, "b": 75}
        data = [
            {
                **common,
                "type": "contour",
                "zmin": cmin,
                "zmax": cmax,
                # Filled bands without lines: the browser draws them in about a quarter
                # of the time of a heatmap with contour lines (~25 vs ~100 ms at 150²).
                "contours": {
                    "coloring": "fill",
                    "showlines": False,
                    "start": cmin,
                    "end": cmax,
                    "size": (cmax - cmin) / 24 if cmax > cmin else 1.0,
                },
            }
        ]
        if point is not None:
            px, py, label = point
            data.append(
                {
                    "type": "scatter",
                    "x": [px],
                    "y": [py],
                    "mode": "markers+text",
                    "text": [label],
                    "textposition": "top center",
                    "name": label,
                    "showlegend": False,
                    "marker": {
                        "size": 11,
                        "color": "#ffffff",
                        "line": {"color": "#000000", "width": 2},
                    },
                }
            )
        # The grid's extent, as autorange picks it for a contour map, stated so that the
        # axis mapping a line over the map uses (views.level_line) is known up front.
        layout["xaxis"] = {**_GRID, "title": {"text": x_label}, "range": [x[0], x[-1]]}
        layout["yaxis"] = {**_GRID, "title": {"text": y_label}, "range": [y[0], y[-1]]}
        if equal_axes:
            # Shrink the plot area to the aspect of the data, keeping the ranges.
            layout["xaxis"]["constrain"] = "domain"
            layout["yaxis"].update(scaleanchor="x", scaleratio=1, constrain="domain")
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(k: int) -> str:
    """``10⁻³`` for k = −3: a colour-bar tick of a log scale."""
    return "1" if k == 0 else ("10" if k == 1 else "10" + str(k).translate(_SUPERSCRIPT))


def distributions_figure(
    grid: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    *,
    p_label: str,
    q_label: str,
    x_label: str = "x",
    height: int = 320,
    uirevision: str | None = None,
) -> go.Figure:
    """Two distributions on a common grid, filled, for the KL views."""
    grid = np.asarray(grid, dtype=np.float64)
    _check_1d(grid, ("p", np.asarray(p)), ("q", np.asarray(q)))
    fig = go.Figure()
    for (label, dens), colour in zip(((p_label, p), (q_label, q)), PALETTE[:2], strict=True):
        fig.add_trace(
            go.Scatter(
                x=f32(grid),
                y=f32(dens),
                name=label,
                fill="tozeroy",
                line={"color": colour, "width": 2.5},
            )
        )
    fig.update_xaxes(title_text=x_label)
    fig.update_yaxes(title_text="density")
    return base_layout(fig, height=height, uirevision=uirevision)


# --- Outliers page ---
# These builders assemble every trace and the whole layout as plain dicts and make
# one Figure at the end: plotly validates each property once, instead of once per
# add_trace / update_layout call, which is ~3× faster (the page builds five figures
# per rerun, and a rerun for a moved step slider computes nothing else).

OUTLIER_COLOUR = "#CC79A7"  # reddish purple: the planted outliers
INLIER_COLOUR = "#7F7F7F"
TRUTH_COLOUR = "#999999"
_PATH_FLOOR = 1e-15  # log-scale floor of f(θ_t) − f*, which can reach 0 exactly

# The fit pages' legends may have to hold one entry per row (a phone is 390 px wide):
# the margins reserve that many rows, so that a legend which wraps never runs into the
# title or an axis title, and never off the figure's edge.
_LEGEND_ROW = 20  # px per legend row at the shared font (groups without a gap between them)
_TITLE_ROOM = 32  # px from the figure's top edge to under a one-line title
_AXIS_ROOM = 52  # px under the plot for the tick labels and the x-axis title


def _legend_on_top(entries: int, height: int, *, title: bool, extra: int = 0) -> tuple[dict, int]:
    """``(legend, top margin)``: the legend under the title, room for ``entries`` rows
    and ``extra`` px (e.g. labels drawn just above the plot) before the plot starts."""
    top = _TITLE_ROOM if title else 6
    legend = {"orientation": "h", "xref": "container", "x": 0, "xanchor": "left",
              "yref": "container", "y": round(1 - top / height, 4), "yanchor": "top",
              "tracegroupgap": 0}  # fmt: skip
    return legend, top + _LEGEND_ROW * entries + 8 + extra


def _legend_below(entries: int, height: int, top: int) -> tuple[dict, int]:
    """``(legend, bottom margin)``: the legend under the x-axis title, ``entries`` rows.

    Placed in plot-area units (under a figure with top margin ``top``): a legend placed
    relative to the whole figure made Plotly grow the bottom margin and draw twice.
    """
    rows = _LEGEND_ROW * entries + 6
    bottom = _AXIS_ROOM + rows
    legend = {"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top",
              "y": round(-_AXIS_ROOM / (height - top - bottom), 4), "tracegroupgap": 0}  # fmt: skip
    return legend, bottom


def _line_label(name: str, w: float, b: float) -> str:
    sign = "+" if b >= 0 else "−"
    return f"{name}: ŷ = {w:.2f}x {sign} {abs(b):.2f}"


def outliers_scatter_figure(
    x: np.ndarray,
    y: np.ndarray,
    is_outlier: np.ndarray,
    influence: np.ndarray,
    *,
    lines: Sequence[tuple[str, float, float, str]],
    truth: tuple[float, float],
    influence_label: str,
    max_size: float = 26.0,
    min_size: float = 4.0,
    title: str | None = None,
    height: int = 560,
    uirevision: str | None = None,
) -> go.Figure:
    """Data with outliers highlighted, the true line and fitted lines, sized by influence.

    Args:
      x, y: the data, 1-D of equal length.
      is_outlier: bool mask of the planted outliers (drawn as outlined diamonds).
      influence: |∂ℓ/∂ŷ| per point; the marker diameter is ``max_size · influence /
        max(influence)`` (at least ``min_size`` so a point with zero influence stays visible).
      lines: ``(name, w, b, colour)`` per fitted line ŷ = w x + b.
      truth: ``(w, b)`` of the true line (dashed grey).
      influence_label: what ``influence`` is, for the hover text.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mask = np.asarray(is_outlier, dtype=bool)
    infl = np.asarray(influence, dtype=np.float64)
    _check_1d(x, ("y", y), ("is_outlier", mask), ("influence", infl))
    top = float(infl.max())
    size = max_size * infl / top if top > 0 else np.full_like(infl, max_size)
    size = np.maximum(size, min_size)
    hover = f"x = %{{x:.3f}}<br>y = %{{y:.3f}}<br>{influence_label} = %{{customdata:.4g}}"
    data: list[dict] = []
    for name, sel, colour, symbol, edge in (
        ("inliers", ~mask, INLIER_COLOUR, "circle", "rgba(255,255,255,0.6)"),
        # A solid outline keeps an outlier visible even when its vote (and size) is ~0.
        ("outliers", mask, OUTLIER_COLOUR, "diamond", OUTLIER_COLOUR),
    ):
        data.append(
            {
                "type": "scatter",
                "x": f32(x[sel]),
                "y": f32(y[sel]),
                "customdata": f32(infl[sel]),
                "mode": "markers",
                "name": f"{name} ({int(sel.sum())})",
                "marker": {
                    "size": f32(size[sel]),
                    "sizemode": "diameter",
                    "color": colour,
                    "symbol": symbol,
                    "opacity": 0.75,
                    "line": {"width": 1.5 if edge == colour else 0.5, "color": edge},
                },
                "hovertemplate": hover + f"<extra>{name}</extra>",
            }
        )
    lo, hi = float(x.min()), float(x.max())
    pad = 0.03 * max(hi - lo, 1e-9)
    xs = np.array([lo - pad, hi + pad])
    styled = [("truth", *truth, {"color": TRUTH_COLOUR, "width": 3, "dash": "dash"})]
    styled += [(name, w, b, {"color": colour, "width": 3}) for name, w, b, colour in lines]
    for name, w, b, style in styled:
        data.append(
            {
                "type": "scatter",
                "x": f32(xs),
                "y": f32(w * xs + b),
                "mode": "lines",
                "name": _line_label(name, w, b),
                "line": style,
                "hoverinfo": "skip",
            }
        )
    legend, top = _legend_on_top(len(data), height, title=bool(title))
    layout = {
        "hovermode": "closest",
        "legend": legend,
        "margin": {"t": top},
        "xaxis": {"title": {"text": "x"}, "range": [float(xs[0]), float(xs[1])]},
        "yaxis": {"title": {"text": "y"}},
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def equalised_scale(z: np.ndarray, stops: int = 11) -> list[list]:
    """Viridis with its stops at the quantiles of z: every colour covers an equal area.

    A loss landscape is mostly high walls; on a linear scale the valley around the
    optimum is one flat dark colour. Placing the stops at quantiles (histogram
    equalisation) spends the colours where the map is; the colour bar keeps the
    true values, so the mapping stays exact, only non-linear.
    """
    from plotly.colors import sample_colorscale

    z = np.asarray(z, dtype=np.float64)
    z = z[np.isfinite(z)]
    colours = sample_colorscale(SURFACE_SCALE, list(np.linspace(0.0, 1.0, stops)))
    lo, hi = (float(z.min()), float(z.max())) if z.size else (0.0, 0.0)
    if not hi > lo:  # flat or empty: the plain linear scale
        return [[float(t), c] for t, c in zip(np.linspace(0, 1, stops), colours, strict=True)]
    q = (np.quantile(z, np.linspace(0.0, 1.0, stops)) - lo) / (hi - lo)
    q[0], q[-1] = 0.0, 1.0
    q = np.maximum.accumulate(q)
    # Plotly wants increasing stops: drop repeats (a plateau), keeping the top colour at 1.
    keep = np.r_[True, np.diff(q) > 0]
    keep[-1] = True
    if q[-2] >= 1.0:
        keep[np.flatnonzero(q >= 1.0)[0]] = False
    return [[float(t), c] for t, c, k in zip(q, colours, keep, strict=True) if k]


def landscape_path_figure(
    w: np.ndarray,
    b: np.ndarray,
    z: np.ndarray,
    *,
    optimum: tuple[float, float, float],
    truth: tuple[float, float, float],
    path: tuple[np.ndarray, np.ndarray, np.ndarray],
    step: int,
    colour: str,
    three_d: bool = False,
    z_label: str = "mean loss",
    title: str | None = None,
    height: int = 460,
    uirevision: str | None = None,
) -> go.Figure:
    """A loss landscape over (w, b) with its optimum (★), the truth (✕) and a descent path.

    Three of these sit side by side on the page, so there is no legend (the page
    explains ★, ✕ and ●) and the colour bar is thin and untitled (hover names it).

    Args:
      w, b: 1-D axes; z has shape ``(len(b), len(w))`` (rows are b).
      optimum, truth: ``(w, b, loss)``; the loss lifts the marker in 3-D.
      path: ``(w, b, loss)`` arrays of the iterates, start included.
      step: the iterate shown as "now"; the path up to it is solid, the rest faint.
        Clipped to the last iterate (a diverged path is shorter than the run).
      colour: colour of the path.
    """
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if z.shape != (b.size, w.size):
        raise ValueError(f"z must have shape (len(b), len(w)) = {(b.size, w.size)}, got {z.shape}")
    pw, pb, pl = (np.asarray(a, dtype=np.float64) for a in path)
    if not (pw.ndim == 1 and pw.size >= 1 and pb.shape == pw.shape and pl.shape == pw.shape):
        raise ValueError(f"path arrays must be 1-D of one length, got {pw.shape}, {pb.shape}")
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    k = min(step, pw.size - 1)
    hover = f"w = %{{x:.3f}}<br>b = %{{y:.3f}}<br>{z_label} = %{{z:.4g}}<extra></extra>"
    finite = z[np.isfinite(z)]
    cmin = float(finite.min()) if finite.size else 0.0
    cmax = float(finite.max()) if finite.size else 1.0
    scale = equalised_scale(finite)
    markers = (
        # (w, b, loss), name, 2-D symbol, 2-D size, 3-D symbol, fill, edge
        ((pw[k], pb[k], pl[k]), f"step {k}", "circle", 12, "circle", colour, "#FFFFFF"),
        (optimum, "optimum ★", "star", 20, "diamond", "#FFFFFF", "#000000"),
        # 3-D markers are font glyphs: "x" is the emoji ❌, a blank box without an emoji
        # font (headless Chromium on Debian); "cross" is a plain "+".
        (truth, "truth ✕", "x", 14, "cross", "#000000", "#FFFFFF"),
    )
    data: list[dict]
    if three_d:
        lift = path_lift(z)  # draw the path and markers just above the surface
        data = [
            {
                "type": "surface",
                "x": f32(w),
                "y": f32(b),
                "z": f32(z),
                "colorscale": scale,
                "cmin": cmin,
                "cmax": cmax,
                "showscale": False,  # the z axis carries the values in 3-D
                "hovertemplate": hover,
                "opacity": 0.9,
            },
            {
                "type": "scatter3d",
                "x": f32(pw[k:]),
                "y": f32(pb[k:]),
                "z": f32(pl[k:] + lift),
                "mode": "lines",
                "name": "rest of the path",
                "line": {"color": "rgba(255,255,255,0.6)", "width": 3},
                "hoverinfo": "skip",
            },
            {
                "type": "scatter3d",
                "x": f32(pw[: k + 1]),
                "y": f32(pb[: k + 1]),
                "z": f32(pl[: k + 1] + lift),
                "mode": "lines+markers",
                "name": f"path to step {k}",
                "line": {"color": colour, "width": 6},
                "marker": {"size": 2.5, "color": colour},
                "hovertemplate": "w = %{x:.3f}<br>b = %{y:.3f}<extra>path</extra>",
            },
        ]
        for (mw, mb, ml), name, _, _, symbol, fill, _ in markers:
            data.append(
                {
                    "type": "scatter3d",
                    "x": f32([mw]),
                    "y": f32([mb]),
                    # Higher than the path: at 1 % the surface in front hid half of each.
                    "z": f32([ml + 4 * lift]),
                    "mode": "markers",
                    "name": name,
                    "marker": {
                        "size": 7,
                        "color": fill,
                        "symbol": symbol,
                        "line": {"color": "#000000", "width": 2},
                    },
                    "hovertemplate": f"{name}<br>w = %{{x:.3f}}<br>b = %{{y:.3f}}<extra></extra>",
                }
            )
        layout = {
            "scene": {
                "xaxis": {"title": {"text": "slope w"}, "nticks": 5},
                "yaxis": {"title": {"text": "intercept b"}, "nticks": 5},
                "zaxis": {"title": {"text": z_label}, "nticks": 5},
                # Far enough that the box and its tick labels fit a third of a laptop's
                # width (at 1.45, -1.45, 0.95 the z, w and b labels ran off the figure).
                "camera": {"eye": {"x": 2.3, "y": -2.3, "z": 1.45}},
                "aspectmode": "cube",
            },
            "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        }
    else:
        data = [
            {
                "type": "contour",
                "x": f32(w),
                "y": f32(b),
                "z": f32(z),
                "colorscale": scale,
                "zmin": cmin,
                "zmax": cmax,
                "colorbar": {"thickness": 10, "tickfont": {"size": 11}, "xpad": 4},
                "hovertemplate": hover,
                "contours": {"coloring": "heatmap"},
                "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
                "ncontours": 24,
            },
            {
                "type": "scatter",
                "x": f32(pw[k:]),
                "y": f32(pb[k:]),
                "mode": "lines",
                "name": "rest of the path",
                "line": {"color": "rgba(255,255,255,0.55)", "width": 1.5, "dash": "dot"},
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": f32(pw[: k + 1]),
                "y": f32(pb[: k + 1]),
                "mode": "lines+markers",
                "name": f"path to step {k}",
                "line": {"color": colour, "width": 2.5},
                "marker": {"size": 4, "color": colour, "line": {"width": 0.5, "color": "#FFFFFF"}},
                "hovertemplate": "w = %{x:.3f}<br>b = %{y:.3f}<extra>path</extra>",
            },
        ]
        for (mw, mb, _), name, symbol, size, _, fill, edge in markers:
            data.append(
                {
                    "type": "scatter",
                    "x": f32([mw]),
                    "y": f32([mb]),
                    "mode": "markers",
                    "name": name,
                    "marker": {
                        "size": size,
                        "color": fill,
                        "symbol": symbol,
                        "line": {"color": edge, "width": 2 if symbol == "circle" else 1.5},
                    },
                    "hovertemplate": f"{name}: w = %{{x:.3f}}, b = %{{y:.3f}}<extra></extra>",
                }
            )
        layout = {
            "xaxis": {"title": {"text": "slope w"}, "range": [float(w[0]), float(w[-1])]},
            "yaxis": {"title": {"text": "intercept b"}, "range": [float(b[0]), float(b[-1])]},
            # Room for tick labels such as "−12.5" (the window follows the data).
            "margin": {"l": 85, "r": 50, "t": 40, "b": 75},
        }
    layout.update(hovermode="closest", showlegend=False)
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def path_lift(z: np.ndarray) -> float:
    """How far above a 3-D landscape its path is drawn: 1 % of the landscape's range."""
    finite = np.asarray(z, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return 0.01 * float(finite.max() - finite.min()) if finite.size else 0.0


def descent_gap_figure(
    runs: Sequence[tuple[str, np.ndarray, float, str]],
    *,
    step: int,
    steps: int,
    title: str | None = None,
    height: int = 340,
    uirevision: str | None = None,
) -> go.Figure:
    """f(θ_t) − f* against the iteration t, log scale, one line per run.

    Args:
      runs: ``(name, losses along the path, optimal loss f*, colour)``. A diverged
        run is shorter than ``steps + 1`` and its line stops where it diverged.
      step: the iteration marked by a vertical line.
      steps: the number of iterations requested (the x range).
    """
    data = []
    for name, loss, f_star, colour in runs:
        loss = np.asarray(loss, dtype=np.float64)
        data.append(
            {
                "type": "scatter",
                "x": np.arange(loss.size, dtype=np.float32),
                "y": f32(np.maximum(loss - f_star, _PATH_FLOOR)),
                "mode": "lines",
                "name": name,
                "line": {"color": colour, "width": 2.5},
            }
        )
    layout = {
        "xaxis": {"title": {"text": "iteration t"}, "range": [0, max(steps, 1)]},
        "yaxis": {"title": {"text": "f(θ_t) − f*"}, "type": "log", "exponentformat": "power"},
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "y domain",
                "x0": step,
                "x1": step,
                "y0": 0,
                "y1": 1,
                "line": {"color": MARKER_COLOUR, "dash": "dot", "width": 1.5},
            }
        ],
        "margin": {"r": 30},  # the last x tick label reaches past the plot
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


# --- Compare page ---
# Built like the Outliers builders: every trace and the whole layout as plain dicts,
# one Figure at the end, with the subplot grid laid out by explicit axis domains (no
# make_subplots, add_vline or update_* calls, which re-validate the figure each time
# and cost tens of ms per figure). Curves on an even grid send ``x0``/``dx`` instead
# of an x array, so a trace carries only its y values; and each entry's surface is a
# figure of its own, so a slider of one entry resends only that entry's surface.

# Entries are told apart by colour *and* dash, so two entries that coincide (focal γ = 0
# and cross-entropy; Bradley–Terry m = 0 and BCE on Δr) stay visible on top of each other.
COMPARE_DASHES = ("solid", "dash", "dot", "dashdot")
_COMPARE_VLINE = {"color": MARKER_COLOUR, "dash": "dot", "width": 1.5}
# Margins that already hold what Streamlit's theme (axes with automargin) pushes them to:
# tick labels and axis titles, the colour bar. Plotly draws a new figure a second time
# when a push grows a margin; with room enough it draws once.
_COMPARE_MARGIN = {"l": 80, "r": 20, "t": 90, "b": 75}


def compare_style(index: int, *, width: float = 3.0) -> dict:
    """The line style of entry ``index`` (A, B, C, D) in every Compare view."""
    return {
        "color": PALETTE[index % len(PALETTE)],
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


def _compare_markers(
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
                "line": compare_style(i),
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
                "line": compare_style(i, width=2.5),
                "legendgroup": label,
                "showlegend": False,
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    shapes, notes = _compare_markers(x, markers, (("x", "y"), ("x2", "y2")))
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
            (loss, label, compare_style(index), "x", "y"),
            (grad, f"{label} (gradient)", compare_style(index, width=2.5), "x2", "y2"),
        )
    ]
    rows = ([0.46, 1.0], [0.0, 0.36])  # 0.6 and 0.4 of the height left by a gap of 0.1
    layout: dict = {
        "xaxis": _compare_axis(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False),
        "xaxis2": _compare_axis(anchor="y2", domain=[0.0, 1.0], title={"text": x_label}),
        "annotations": [_panel_title(label)],
        "shapes": _compare_markers(x, markers, (("x", "y"), ("x2", "y2")))[0],
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
                "line": compare_style(i),
            }
        )
    # Ratios start near 1 at the top left; labels at the bottom stay clear of them.
    shapes, notes = _compare_markers(x, markers, bottom=True)
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


# --- KL fit page ---

KL_FORWARD_COLOUR = "#0072B2"  # blue: KL(P‖Q), mode covering
KL_REVERSE_COLOUR = "#D55E00"  # vermillion: KL(Q‖P), mode seeking
KL_P_COLOUR = "#999999"
_KL_MARKERS = {
    # style: (symbol, size, fill, outline, opacity)
    "optimum": ("star", 18, "#ffffff", "#000000", 1.0),
    "other": ("circle", 12, "#ffffff", KL_REVERSE_COLOUR, 1.0),
    "faint": ("x", 13, "rgba(255,255,255,0.9)", "#000000", 0.7),
}


def kl_fit_figure(
    grid: np.ndarray,
    p: np.ndarray,
    fits: Sequence[tuple[str, np.ndarray, str, str]],
    *,
    p_label: str,
    x_label: str = "x",
    y_label: str = "density",
    title: str | None = None,
    height: int = 420,
    uirevision: str | None = None,
) -> go.Figure:
    """The target P (filled grey) with fitted Gaussians Q drawn over it.

    Args:
      grid: the common 1-D support; p and every q are shaped like it.
      fits: ``(label, q, colour, dash)`` per fitted Q; dash is a plotly dash style
        (``"solid"``, ``"dash"``, ``"dot"``).
    """
    grid = np.asarray(grid, dtype=np.float64)
    _check_1d(grid, ("p", np.asarray(p)), *((label, np.asarray(q)) for label, q, _, _ in fits))
    xs = f32(grid)
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=f32(p),
            name=p_label,
            fill="tozeroy",
            line={"color": KL_P_COLOUR, "width": 2},
            fillcolor="rgba(153,153,153,0.35)",
        )
    )
    for label, q, colour, dash in fits:
        width = 1.8 if dash == "dot" else 3.0
        fig.add_trace(
            go.Scatter(
                x=xs, y=f32(q), name=label, line={"color": colour, "width": width, "dash": dash}
            )
        )
    fig.update_xaxes(title_text=x_label)
    fig.update_yaxes(title_text=y_label, rangemode="tozero")
    fig = _finish(fig, title=title, height=height, uirevision=uirevision, hovermode=None)
    legend, top = _legend_on_top(1 + len(fits), height, title=bool(title))
    fig.update_layout(legend=legend, margin={"t": top})
    return fig


def kl_landscapes_figure(
    mu: np.ndarray,
    log_sigma: np.ndarray,
    panels: Sequence[tuple[str, np.ndarray, Sequence[tuple[float, float, str, str]]]],
    *,
    x_label: str = "μ<sub>Q</sub>",
    y_label: str = "log σ<sub>Q</sub>",
    z_label: str = "KL (nats)",
    zmax: float | None = None,
    height: int = 480,
    uirevision: str | None = None,
) -> go.Figure:
    """KL landscapes over (μ, log σ) side by side on one colour scale, with marked points.

    Args:
      mu, log_sigma: the axes; each panel's z has shape ``(len(log_sigma), len(mu))``.
      panels: ``(title, z, markers)``; a marker is ``(mu, log_sigma, label, style)``
        with style ``"optimum"`` (★, this panel's fit), ``"other"`` (○, another
        local optimum) or ``"faint"`` (✕, the other direction's fit, for comparison).
        Markers sharing a label share one legend entry.
      zmax: cap of the shared colour scale (hover still shows the true value).
    """
    mu = np.asarray(mu, dtype=np.float64)
    log_sigma = np.asarray(log_sigma, dtype=np.float64)
    if not panels:
        raise ValueError("panels must not be empty")
    finite = []
    for title, z, _ in panels:
        z = np.asarray(z)
        if z.shape != (log_sigma.size, mu.size):
            raise ValueError(
                f"{title}: z must have shape (len(log_sigma), len(mu)) = "
                f"{(log_sigma.size, mu.size)}, got {z.shape}"
            )
        finite.append(z[np.isfinite(z)])
    allv = np.concatenate(finite)
    cmin = float(allv.min()) if allv.size else 0.0
    cmax = zmax if zmax is not None else (float(allv.max()) if allv.size else 1.0)
    if not cmax > cmin:
        cmax = cmin + 1.0
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        subplot_titles=[t for t, _, _ in panels],
        # Room for one panel's last x tick and the next one's first on a phone.
        horizontal_spacing=0.08,
    )
    hover = (
        f"{x_label} = %{{x:.3f}}<br>{y_label} = %{{y:.3f}}<br>σ<sub>Q</sub> = %{{customdata:.3f}}"
        f"<br>{z_label}: %{{z:.4g}}<extra></extra>"
    )
    sigma = np.broadcast_to(np.exp(log_sigma)[:, None], (log_sigma.size, mu.size))
    seen: set[str] = set()
    for col, (_, z, markers) in enumerate(panels, start=1):
        fig.add_trace(
            go.Contour(
                x=f32(mu),
                y=f32(log_sigma),
                z=f32(z),
                customdata=f32(sigma),
                coloraxis="coloraxis",
                hovertemplate=hover,
                contours={
                    "coloring": "heatmap",
                    "start": cmin,
                    "end": cmax,
                    "size": (cmax - cmin) / 20.0,
                },
                line={"width": 0.5, "color": "rgba(255,255,255,0.35)"},
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        for mx, my, label, style in markers:
            symbol, size, fill, outline, opacity = _KL_MARKERS[style]
            fig.add_trace(
                go.Scatter(
                    x=[mx],
                    y=[my],
                    mode="markers",
                    name=label,
                    legendgroup=label,
                    showlegend=label not in seen,
                    opacity=opacity,
                    marker={
                        "symbol": symbol,
                        "size": size,
                        "color": fill,
                        "line": {"color": outline, "width": 3 if style == "other" else 2},
                    },
                    hovertemplate=f"{label}<extra></extra>",
                ),
                row=1,
                col=col,
            )
            seen.add(label)
    fig.update_layout(
        coloraxis={
            "colorscale": SURFACE_SCALE,
            "cmin": cmin,
            "cmax": cmax,
            "colorbar": {"title": {"text": z_label, "side": "right"}},
        }
    )
    fig.update_xaxes(title_text=x_label, range=[float(mu[0]), float(mu[-1])])
    fig.update_yaxes(range=[float(log_sigma[0]), float(log_sigma[-1])])
    fig.update_yaxes(title_text=y_label, col=1)
    for a in fig.layout.annotations:
        a.font = {"size": 14}
    fig = base_layout(fig, height=height, uirevision=uirevision)
    fig.update_layout(
        hovermode="closest",
        legend={"y": 1.1, "itemsizing": "constant"},
        margin={"r": COLOUR_BAR_MARGIN, "t": 105, "b": 75},
    )
    return fig


# --- Metric learning page ---


def _scale_bar(e: np.ndarray, length: float, label: str, k: str) -> dict:
    """A horizontal bar of the given length under the points: the margin in embedding units.

    Named in the legend, not by text at the bar: beside the bar the text ran past the
    plot's range (cut at its edge on a phone), above it the text sat on the points.
    """
    x0 = float(e[:, 0].min())
    y0 = float(e[:, 1].min()) - 0.08 * max(float(np.ptp(e[:, 1])), length, 1e-9)
    return {
        "type": "scatter",
        "x": [x0, x0 + length],
        "y": [y0, y0],
        "mode": "lines+markers",
        "name": f"bar: {label}" if label else "bar: the margin",
        "line": {"color": MARKER_COLOUR, "width": 3},
        "marker": {"symbol": "line-ns", "size": 10, "line": {"color": MARKER_COLOUR, "width": 2}},
        "hoverinfo": "skip",
        "showlegend": True,
        "xaxis": f"x{k}",
        "yaxis": f"y{k}",
    }


def embeddings_figure(
    panels: Sequence[tuple[str, np.ndarray]],
    labels: np.ndarray,
    *,
    margin: float | None,
    margin_label: str = "",
    class_names: Sequence[str] | None = None,
    height: int = 440,
    uirevision: str | None = None,
) -> go.Figure:
    """2-D embeddings side by side, coloured by class, each with a bar as long as the margin.

    Laid out as ``make_subplots(rows=1, cols=len(panels), subplot_titles=...)`` would,
    in plain dicts (make_subplots and add_trace took ~20 ms of a ~30 ms rerun).

    Args:
      panels: ``(title, E)`` with E of shape ``(n, 2)``.
      labels: integer classes ``(n,)``; class c is drawn in ``PALETTE[c]``.
      margin: the margin m, drawn as a scale bar of that length in every panel (None:
        no bar).
      margin_label: the bar's text (e.g. ``"m = 1.00"``).
    """
    lab = np.asarray(labels)
    if not panels:
        raise ValueError("panels must not be empty")
    for title, e in panels:
        if np.asarray(e).shape != (lab.size, 2):
            raise ValueError(f"{title}: E must have shape ({lab.size}, 2), got {np.shape(e)}")
    classes = np.unique(lab)
    names = list(class_names) if class_names is not None else [f"class {c}" for c in classes]
    gap = 0.08
    width = (1.0 - gap * (len(panels) - 1)) / len(panels)
    data: list[dict] = []
    layout: dict = {"hovermode": "closest", "legend": {"y": 1.1}, "annotations": []}
    for col, (title, e) in enumerate(panels, start=1):
        k = "" if col == 1 else str(col)
        e = np.asarray(e, dtype=np.float64)
        for j, c in enumerate(classes):
            sel = lab == c
            data.append(
                {
                    "type": "scatter",
                    "x": f32(e[sel, 0]),
                    "y": f32(e[sel, 1]),
                    "mode": "markers",
                    "name": names[j],
                    "legendgroup": names[j],
                    "showlegend": col == 1,
                    "marker": {
                        "color": PALETTE[int(c) % len(PALETTE)],
                        "size": 9,
                        "line": {"width": 0.5, "color": "rgba(255,255,255,0.7)"},
                    },
                    "hovertemplate": f"{names[j]}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
                    "xaxis": f"x{k}",
                    "yaxis": f"y{k}",
                }
            )
        if margin is not None:
            data.append(_scale_bar(e, margin, margin_label, k))
        lo = (col - 1) * (width + gap)
        layout[f"xaxis{k}"] = {
            **_GRID,
            "anchor": f"y{k}",
            "domain": [lo, lo + width],
            "title": {"text": "embedding 1"},
        }
        layout[f"yaxis{k}"] = {
            **_GRID,
            "anchor": f"x{k}",
            "domain": [0.0, 1.0],
            "scaleanchor": f"x{k}",
            "scaleratio": 1,
        }
        layout["annotations"].append(
            {"text": title, "x": lo + width / 2, "xref": "paper", "xanchor": "center",
             "y": 1.0, "yref": "paper", "yanchor": "bottom", "showarrow": False,
             "font": {"size": 14}}
        )  # fmt: skip
    layout["yaxis"]["title"] = {"text": "embedding 2"}
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


def distance_histogram_figure(
    edges: np.ndarray,
    series: Sequence[tuple[str, np.ndarray, str]],
    *,
    margin: float,
    margin_label: str,
    x_label: str,
    y_label: str = "share",
    title: str | None = None,
    height: int = 340,
    uirevision: str | None = None,
) -> go.Figure:
    """Overlaid histograms on shared bins with the margin drawn as a vertical line.

    Args:
      edges: ``bins + 1`` bin edges.
      series: ``(name, shares, colour)`` with ``bins`` shares each.
      margin, margin_label: where the dashed line goes and its text.
    """
    edges = np.asarray(edges, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2:
        raise ValueError(f"edges must be 1-D with at least 2 values, got shape {edges.shape}")
    centres = 0.5 * (edges[:-1] + edges[1:])
    widths = np.diff(edges)
    data = []
    for name, shares, colour in series:
        shares = np.asarray(shares, dtype=np.float64)
        if shares.shape != centres.shape:
            raise ValueError(f"{name}: shares must have shape {centres.shape}, got {shares.shape}")
        data.append(
            {
                "type": "bar",
                "x": f32(centres),
                "y": f32(shares),
                "width": f32(widths),
                "name": name,
                "marker": {"color": colour, "line": {"width": 0}},
                "opacity": 0.6,
                "hovertemplate": f"{name}<br>%{{x:.2f}}: %{{y:.1%}}<extra></extra>",
            }
        )
    layout = {
        "barmode": "overlay",
        "bargap": 0,
        "hovermode": "closest",
        "xaxis": {**_GRID, "title": {"text": x_label}},
        "yaxis": {**_GRID, "title": {"text": y_label}, "tickformat": ".0%"},
        "shapes": [
            {
                "type": "line",
                "x0": margin,
                "x1": margin,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": "#000000", "dash": "dash", "width": 2},
            }
        ],
        "annotations": [
            {
                "x": margin,
                "y": 1.0,
                "yref": "paper",
                "text": margin_label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": 4,
                "font": {"size": 13},
            }
        ],
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def training_curves_figure(
    steps: np.ndarray,
    loss: np.ndarray,
    active: np.ndarray,
    *,
    current: int,
    loss_label: str,
    active_label: str,
    colour: str = PALETTE[0],
    height: int = 400,
    uirevision: str | None = None,
) -> go.Figure:
    """Mean loss (top) and share of active pairs/triplets (bottom) over training steps.

    A dotted vertical line marks ``current``, the step the other panels show.
    """
    steps = np.asarray(steps, dtype=np.float64)
    _check_1d(steps, ("loss", np.asarray(loss)), ("active", np.asarray(active)))
    xs = _axis_values(steps)
    data = [
        {"type": "scatter", **xs, "y": f32(loss), "name": loss_label,
         "line": {"color": colour, "width": 2.5}, "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", **xs, "y": f32(active), "name": active_label,
         "line": {"color": PALETTE[1], "width": 2.5}, "xaxis": "x2", "yaxis": "y2"},
    ]  # fmt: skip
    layout = _stacked_rows((1.0, 1.0), 0.1, "training step")
    layout["yaxis"].update(title={"text": "mean loss"}, rangemode="tozero")
    layout["yaxis2"].update(title={"text": "active"}, tickformat=".0%", range=[0, 1.02])
    layout["shapes"] = [_row_vline(current, row, width=2) for row in (1, 2)]
    layout["annotations"] = [_row_label(current, f"step {current}")]
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


# --- Imbalance page ---

NEGATIVE_COLOUR = "#999999"  # grey: the common class, the background majority
POSITIVE_COLOUR = "#E69F00"  # orange: the rare class


def _boundary_segment(
    w: tuple[float, float], b: float, box: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the line w·x + b = 0 inside box (x_lo, x_hi, y_lo, y_hi); None if none."""
    w1, w2 = float(w[0]), float(w[1])
    x_lo, x_hi, y_lo, y_hi = box
    if w1 == 0.0 and w2 == 0.0:
        return None
    if abs(w2) >= abs(w1):  # shallow line: parametrise by x
        xs = np.array([x_lo, x_hi])
        ys = -(w1 * xs + b) / w2
    else:  # steep line: parametrise by y
        ys = np.array([y_lo, y_hi])
        xs = -(w2 * ys + b) / w1
    # The segment spans the box along one axis; clip it along the other (Liang–Barsky).
    t0, t1 = 0.0, 1.0
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    for p, q in ((-dx, xs[0] - x_lo), (dx, x_hi - xs[0]), (-dy, ys[0] - y_lo), (dy, y_hi - ys[0])):
        if p == 0.0:
            if q < 0.0:
                return None
            continue
        t = q / p
        if p < 0.0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    if t0 > t1:
        return None
    return xs[0] + np.array([t0, t1]) * dx, ys[0] + np.array([t0, t1]) * dy


def imbalance_scatter_figure(
    X: np.ndarray,
    labels: np.ndarray,
    panels: Sequence[
        tuple[str, str, tuple[float, float], float, tuple[np.ndarray, np.ndarray] | None]
    ],
    *,
    size_label: str = "",
    reference_x: float | None = 0.0,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 470,
    uirevision: str | None = None,
) -> go.Figure:
    """The two classes in the plane, one panel per model with its decision boundary.

    Args:
      X: ``(n, 2)`` points to draw; labels: ``(n,)`` in {0, 1} (1 = the rare positives).
      panels: ``(name, colour, (w1, w2), b, sized)`` per model; the boundary
        w·x + b = 0 (p = 0.5) is drawn in ``colour``; ``sized`` is ``(diameters in
        px, values they show)`` (e.g. from the focal weight), or None for uniform points.
      size_label: the name of those values, for the hover text.
      reference_x: a dotted vertical reference at x₁ = this value (None: none).
      titles: the panels' titles (default: their names, which also label the
        boundaries in the legend); short ones keep three panels legible on a phone.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, 2) and labels (n,), got {X.shape} and {y.shape}")
    n_panels = len(panels)
    titles = [p[0] for p in panels] if titles is None else list(titles)
    if len(titles) != n_panels:
        raise ValueError(f"titles must have one entry per panel ({n_panels}), got {len(titles)}")
    fig = make_subplots(
        rows=1,
        cols=n_panels,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=titles,
    )
    pad = 0.3
    box = (
        float(X[:, 0].min()) - pad,
        float(X[:, 0].max()) + pad,
        float(X[:, 1].min()) - pad,
        float(X[:, 1].max()) + pad,
    )
    # Widen the view (by at most one data span per side) so that each boundary's point
    # nearest the data centre is in it: a boundary beyond all points is still seen.
    centre = X.mean(axis=0)
    span_x, span_y = box[1] - box[0], box[3] - box[2]
    for _, _, w, b, _ in panels:
        wv = np.asarray(w, dtype=np.float64)
        nn = float(wv @ wv)
        if nn == 0.0:
            continue
        near = centre - (float(wv @ centre) + b) * wv / nn
        if box[0] - span_x <= near[0] <= box[1] + span_x:
            box = (min(box[0], near[0] - 0.5), max(box[1], near[0] + 0.5), *box[2:])
        if box[2] - span_y <= near[1] <= box[3] + span_y:
            box = (*box[:2], min(box[2], near[1] - 0.5), max(box[3], near[1] + 0.5))
    kind = go.Scattergl if X.shape[0] > 1000 else go.Scatter
    pos = y == 1.0
    # Negatives first, positives on top: the rare class must never be hidden.
    classes = (
        (f"negatives (y = 0, {int((~pos).sum())} shown)", ~pos, NEGATIVE_COLOUR, 0.45),
        (f"positives (y = 1, {int(pos.sum())} shown)", pos, POSITIVE_COLOUR, 0.9),
    )
    for col, (name, colour, w, b, sizes) in enumerate(panels, start=1):
        for cname, sel, ccolour, alpha in classes:
            # Sized points overlap more: draw them lighter.
            opacity = alpha if sizes is None else 0.6 * alpha
            hover = "x₁ = %{x:.2f}<br>x₂ = %{y:.2f}"
            if sizes is None:
                size, custom = (4.0 if X.shape[0] > 1000 else 6.0), None
            else:
                size = f32(np.asarray(sizes[0], dtype=np.float64)[sel])
                custom = f32(np.asarray(sizes[1], dtype=np.float64)[sel])
                hover += f"<br>{size_label} = %{{customdata:.3g}}"
            fig.add_trace(
                kind(
                    x=f32(X[sel, 0]),
                    y=f32(X[sel, 1]),
                    mode="markers",
                    name=cname,
                    legendgroup=cname,
                    showlegend=col == 1,
                    customdata=custom,
                    marker={
                        "size": size,
                        "color": ccolour,
                        "opacity": opacity,
                        "line": {"width": 0},
                    },
                    hovertemplate=hover + f"<extra>{cname.split(' (')[0]}</extra>",
                ),
                row=1,
                col=col,
            )
        seg = _boundary_segment(w, b, box)
        if seg is not None:
            fig.add_trace(
                go.Scatter(
                    x=f32(seg[0]),
                    y=f32(seg[1]),
                    mode="lines",
                    name=f"{name}: p = 0.5",
                    # The panel's title says whose boundary it is: out of the legend, which
                    # then holds three entries, not six (too many rows for a phone).
                    showlegend=False,
                    line={"color": colour, "width": 3.5},
                    hoverinfo="skip",
                ),
                row=1,
                col=col,
            )
        else:
            side = "positive" if float(np.dot(w, centre)) + b >= 0 else "negative"
            fig.add_annotation(
                text=f"p = 0.5 boundary far outside:<br>every point here<br>is predicted {side}",
                x=0.5,
                y=0.02,
                xref=f"x{'' if col == 1 else col} domain",
                yref=f"y{'' if col == 1 else col} domain",
                showarrow=False,
                font={"size": 12, "color": colour},
            )
        if reference_x is not None:
            fig.add_trace(
                go.Scatter(
                    x=f32([reference_x, reference_x]),
                    y=f32([box[2], box[3]]),
                    mode="lines",
                    name=f"x₁ = {reference_x:g}: midway between the class means",
                    legendgroup="reference",
                    showlegend=col == 1,
                    line={"color": MARKER_COLOUR, "width": 1.5, "dash": "dot"},
                    hoverinfo="skip",
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(title_text="x₁", range=[box[0], box[1]])
    fig.update_yaxes(range=[box[2], box[3]])
    fig.update_yaxes(title_text="x₂", col=1)
    for a in fig.layout.annotations:
        if a.text in titles:
            a.font = {"size": 13}
    if title:
        fig.update_layout(title=_title(title, height))
    fig = base_layout(fig, height=height, uirevision=uirevision)
    top = 60 if title else 40
    legend, bottom = _legend_below(2 + (reference_x is not None), height, top)
    fig.update_layout(
        hovermode="closest",
        legend=legend,
        margin={"l": 85, "r": 20, "t": top, "b": bottom},
    )
    return fig


def probability_histograms_figure(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray, Sequence[tuple[float, str]]]],
    *,
    x_mode: str = "p",
    bins: int = 40,
    height: int = 380,
    uirevision: str | None = None,
) -> go.Figure:
    """Histograms of the predicted score of each class, one panel per model.

    Each class is normalised to 100 % on its own, so a class of 20 examples is as
    visible as one of 20 000.

    Args:
      panels: ``(name, scores of positives, scores of negatives, [(threshold, label)])``.
      x_mode: ``"p"`` (probabilities on [0, 1]) or ``"logit"`` (any real scores; the
        bins span all panels).
      bins: number of equal-width bins.
    """
    if x_mode not in ("p", "logit"):
        raise ValueError(f"x_mode must be 'p' or 'logit', got {x_mode!r}")
    arrays = [
        (np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)) for _, a, b, _ in panels
    ]
    if x_mode == "p":
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        allv = np.concatenate([np.r_[a, b] for a, b in arrays])
        lo, hi = np.percentile(allv, [0.5, 99.5]) if allv.size else (-1.0, 1.0)
        lo, hi = float(min(lo, -1.0)), float(max(hi, 1.0))
        edges = np.linspace(lo, hi, bins + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    width = float(edges[1] - edges[0])
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        # Room between panels, so that one panel's last x tick never runs into the
        # next one's first (``1`` and ``0`` read "10" on a phone at 0.03).
        horizontal_spacing=0.07,
        subplot_titles=[p[0] for p in panels],
    )
    for col, ((_name, _, _, lines), (pos, neg)) in enumerate(zip(panels, arrays, strict=True), 1):
        for cname, vals, colour in (
            ("negatives (y = 0)", neg, NEGATIVE_COLOUR),
            ("positives (y = 1)", pos, POSITIVE_COLOUR),
        ):
            # Values beyond the outer bins are counted in them (clipped), so every
            # example is in exactly one bar and each class sums to 100 %.
            counts, _ = np.histogram(np.clip(vals, edges[0], edges[-1]), bins=edges)
            pct = 100.0 * counts / max(vals.size, 1)
            fig.add_trace(
                go.Bar(
                    x=f32(centres),
                    y=f32(pct),
                    width=width,
                    name=cname,
                    legendgroup=cname,
                    showlegend=col == 1,
                    marker={"color": colour, "line": {"width": 0}},
                    opacity=0.65,
                    hovertemplate="%{x:.3f}: %{y:.1f} % of the class<extra>" + cname + "</extra>",
                ),
                row=1,
                col=col,
            )
        for i, (t, label) in enumerate(sorted(lines)):
            # Labels right of their line (left of it near the right edge), one row lower
            # per line, so two close thresholds never print over each other.
            anchor = "left" if t < edges[0] + 0.8 * (edges[-1] - edges[0]) else "right"
            fig.add_vline(
                x=t, line={"color": "#555555", "dash": "dot", "width": 1.5}, row=1, col=col
            )
            fig.add_annotation(
                x=t,
                y=1.0,
                xref=f"x{'' if col == 1 else col}",
                yref=f"y{'' if col == 1 else col} domain",
                text=label,
                showarrow=False,
                yanchor="top",
                xanchor=anchor,
                xshift=3 if anchor == "left" else -3,
                yshift=-15 * i,
                font={"size": 11},
            )
    fig.update_layout(barmode="overlay", bargap=0)
    x_title = "predicted probability p" if x_mode == "p" else "logit z = w·x + b"
    fig.update_xaxes(range=[float(edges[0]), float(edges[-1])])
    # One x title under the middle panel: the axes are the same, and three copies overlap
    # each other once the panels are narrower than the title.
    fig.update_xaxes(title_text=x_title, col=(len(panels) + 1) // 2)
    fig.update_yaxes(title_text="% of the class", col=1)
    for a in fig.layout.annotations:
        if a.text in {p[0] for p in panels}:
            a.font = {"size": 13}
    fig = base_layout(fig, height=height, uirevision=uirevision)
    legend, bottom = _legend_below(2, height, 40)
    fig.update_layout(
        hovermode="closest",
        legend=legend,
        margin={"l": 85, "r": 20, "t": 40, "b": bottom},
    )
    return fig


# --- Preferences page ---

FLIPPED_COLOUR = "#D55E00"  # vermillion: labels the annotator flipped
CLEAN_COLOUR = "#0072B2"


def rewards_scatter_figure(
    truth: np.ndarray,
    fitted: np.ndarray,
    *,
    slope: float,
    intercept: float,
    title: str | None = None,
    height: int = 440,
    uirevision: str | None = None,
) -> go.Figure:
    """Fitted reward of each item against its true latent reward, with the OLS line.

    Args:
      truth, fitted: ``(K,)`` rewards.
      slope, intercept: the least-squares line fitted ≈ slope · truth + intercept.
    """
    truth = np.asarray(truth, dtype=np.float64)
    fitted = np.asarray(fitted, dtype=np.float64)
    _check_1d(truth, ("fitted", fitted))
    lo, hi = float(truth.min()), float(truth.max())
    pad = 0.05 * max(hi - lo, 1e-9)
    xs = np.array([lo - pad, hi + pad])
    sign = "+" if intercept >= 0 else "−"
    data = [
        {
            "type": "scatter",
            "x": f32(xs),
            "y": f32(slope * xs + intercept),
            "mode": "lines",
            "name": f"least squares: r̂ = {slope:.2f} r {sign} {abs(intercept):.2f}",
            "line": {"color": MARKER_COLOUR, "width": 2, "dash": "dash"},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": f32(truth),
            "y": f32(fitted),
            "mode": "markers",
            "name": f"items ({truth.size})",
            "text": [f"item {i}" for i in range(truth.size)],
            "marker": {"size": 10, "color": PALETTE[0], "line": {"width": 1, "color": "#ffffff"}},
            "hovertemplate": "%{text}<br>true r = %{x:.3f}<br>fitted r̂ = %{y:.3f}<extra></extra>",
        },
    ]
    layout = {
        "xaxis": {**_GRID, "title": {"text": "true latent reward r"}},
        "yaxis": {**_GRID, "title": {"text": "fitted reward r̂"}},
        "hovermode": "closest",
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def preference_loss_figure(
    x: np.ndarray,
    curves: Sequence[tuple[str, np.ndarray, str, str]],
    hists: Sequence[tuple[str, np.ndarray, str]],
    *,
    markers: Sequence[tuple[float, str]] = (),
    bins: int = 40,
    title: str | None = None,
    height: int = 520,
    uirevision: str | None = None,
) -> go.Figure:
    """The loss against Δr (top) over the data's distribution of Δr (bottom, stacked counts).

    Args:
      x: the Δr axis, 1-D increasing.
      curves: ``(name, loss, colour, dash)`` per loss curve over x.
      hists: ``(name, Δr values, colour)`` per group of pairs, stacked; values outside
        x's range are counted in the outer bins.
      markers: ``(Δr, label)`` dotted verticals in both rows (e.g. the margin).
    """
    x = np.asarray(x, dtype=np.float64)
    for name, loss, _, _ in curves:
        _check_1d(x, (name, np.asarray(loss)))
    xs = _axis_values(x)
    data: list[dict] = [
        {
            "type": "scatter",
            **xs,
            "y": f32(loss),
            "name": name,
            "line": {"color": colour, "width": 3, "dash": dash},
            "hovertemplate": "Δr = %{x:.2f}: %{y:.3f} nats<extra>" + name + "</extra>",
            "xaxis": "x",
            "yaxis": "y",
        }
        for name, loss, colour, dash in curves
    ]
    edges = np.linspace(float(x[0]), float(x[-1]), bins + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    for name, vals, colour in hists:
        v = np.asarray(vals, dtype=np.float64)
        counts, _ = np.histogram(np.clip(v, edges[0], edges[-1]), bins=edges)
        data.append(
            {
                "type": "bar",
                "x": f32(centres),
                "y": counts.astype(np.float32),
                "width": float(edges[1] - edges[0]),
                "name": name,
                "marker": {"color": colour, "line": {"width": 0}},
                "opacity": 0.8,
                "hovertemplate": "Δr ≈ %{x:.2f}: %{y} pairs<extra>" + name + "</extra>",
                "xaxis": "x2",
                "yaxis": "y2",
            }
        )
    layout = _stacked_rows((0.6, 0.4), 0.06, "Δr = r̂(chosen) − r̂(rejected)")
    layout["yaxis"].update(title={"text": "loss (nats)"}, rangemode="tozero")
    layout["yaxis2"]["title"] = {"text": "pairs"}
    shown = [(mx, label) for mx, label in markers if x[0] <= mx <= x[-1]]
    legend, top = _legend_on_top(
        len(curves) + len(hists), height, title=bool(title), extra=20 if shown else 0
    )
    layout.update(
        barmode="stack",
        bargap=0,
        shapes=[_row_vline(mx, row) for mx, _ in shown for row in (1, 2)],
        annotations=[_row_label(mx, label) for mx, label in shown],
        legend=legend,
        margin={"t": top},
    )
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def margin_sweep_figure(
    margins: np.ndarray,
    rows: Sequence[tuple[str, np.ndarray, str, tuple[float, float] | None, str]],
    *,
    current: float,
    title: str | None = None,
    height: int = 520,
    uirevision: str | None = None,
) -> go.Figure:
    """Quantities of the fit against the margin m, one row each, the current m marked.

    Args:
      margins: the m values, 1-D increasing.
      rows: ``(y-axis title, values, colour, y range or None, tick format)`` per row,
        values shaped like margins (a fixed range keeps a flat line from looking noisy).
      current: the slider's m, drawn as a dotted vertical.
    """
    m = np.asarray(margins, dtype=np.float64)
    for name, vals, *_ in rows:
        _check_1d(m, (name, np.asarray(vals)))
    layout = _stacked_rows([1.0] * len(rows), 0.07, "margin m")
    data = []
    for i, (name, vals, colour, yrange, tickformat) in enumerate(rows, start=1):
        k = "" if i == 1 else str(i)
        data.append(
            {
                "type": "scatter",
                "x": f32(m),
                "y": f32(vals),
                "mode": "lines+markers",
                "name": name,
                "line": {"color": colour, "width": 2.5},
                "marker": {"size": 6},
                "hovertemplate": "m = %{x:.2f}: %{y:" + (tickformat or ".3f") + "}<extra></extra>",
                "showlegend": False,
                "xaxis": f"x{k}",
                "yaxis": f"y{k}",
            }
        )
        layout[f"yaxis{k}"]["title"] = {"text": name}
        if yrange is not None:
            layout[f"yaxis{k}"]["range"] = list(yrange)
        if tickformat:
            layout[f"yaxis{k}"]["tickformat"] = tickformat
    layout.update(
        shapes=[_row_vline(current, i) for i in range(1, len(rows) + 1)],
        annotations=[_row_label(current, f"m = {current:.1f}")],
        margin={"t": 60},
    )
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)
