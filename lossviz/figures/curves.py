"""A loss and its gradient against one input, families of curves, and densities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import (
    _GRID,
    FAMILY_SCALE,
    LEGEND_ROW,
    MARGIN,
    MARKER_COLOUR,
    PALETTE,
    _axis_values,
    _check_1d,
    _figure,
    base_layout,
    f32,
    family_colours,
)


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
    colours: Sequence[str] | None = None,
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
      colours: one per branch (the loss's own, :func:`branch_colours`); default PALETTE.
    """
    x = np.asarray(x, dtype=np.float64)
    for name, loss, grad, *_ in (*branches, *background):
        _check_1d(x, (f"{name} loss", np.asarray(loss)), (f"{name} gradient", np.asarray(grad)))
    xs = _axis_values(x)
    data: list[dict] = []
    annotations: list[dict] = []
    family = family_colours(len(background))
    for j, (name, loss, grad, *short) in enumerate(background):
        thin = {"color": family[j], "width": 2, "dash": "dash"}
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
        colour = colours[i] if colours else PALETTE[i % len(PALETTE)]
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


#: px: the plot area of a curve figure on a 390 px phone (a 366 px chart less the 85 + 20
#: px side margins); on wider screens labels sit a row lower than they would need.
NARROWEST_PLOT = 260.0


def curve_marks(x: np.ndarray, markers: Sequence[tuple[float, str]]) -> tuple[list, list]:
    """The dotted verticals (one per row) and labels of ``markers`` on a curve figure.

    In the order given, so that marker k is always shapes 2k, 2k + 1 and annotation k
    (the live scrubbing updates them by index); a marker outside the x range is kept,
    invisible. Labels sit inside the top of the loss row, clear of the legend above
    it, right of their line (left of it near the right edge); one that would run into
    a label left of it goes a row lower. Widths are estimated (~6.5 px a character), as
    the figure is built before the browser lays it out, against the narrowest plot the
    figure is drawn at (:data:`NARROWEST_PLOT`, a phone's): against a laptop's 480 px,
    focal's "z = 0 (p = 0.5)" ran into "p_t = 0.9" on a phone.
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
        width = _label_width(label) * span / NARROWEST_PLOT
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


#: Colours of a family's members (the focal γ family) in the order of their values: an
#: ordered scale that reads on both themes, apart from the branches' colours.
FAMILY_COLOURS = FAMILY_SCALE


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
