"""Embeddings during metric learning, distance histograms, training curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import (
    _GRID,
    MARKER_COLOUR,
    PALETTE,
    _axis_values,
    _check_1d,
    _figure,
    _row_label,
    _row_vline,
    _stacked_rows,
    f32,
)


def scale_bar(e: np.ndarray, length: float, label: str, k: str) -> dict:
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
    unit_circle: bool = False,
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
      unit_circle: draw the unit circle after each panel's points (and bar) and fix
        both axes to [−1.15, 1.15]: for normalised embeddings ê = e/‖e‖.
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
            data.append(scale_bar(e, margin, margin_label, k))
        if unit_circle:
            a = np.linspace(0.0, 2.0 * np.pi, 121)
            data.append(
                {"type": "scatter", "x": f32(np.cos(a)), "y": f32(np.sin(a)), "mode": "lines",
                 "name": "unit circle ‖ê‖ = 1", "legendgroup": "circle", "showlegend": col == 1,
                 "line": {"color": "rgba(0,0,0,0.35)", "width": 1, "dash": "dot"},
                 "hoverinfo": "skip", "xaxis": f"x{k}", "yaxis": f"y{k}"}
            )  # fmt: skip
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
        if unit_circle:
            layout[f"xaxis{k}"]["range"] = [-1.15, 1.15]
            layout[f"yaxis{k}"]["range"] = [-1.15, 1.15]
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
    margin: float | None,
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
      margin, margin_label: where the dashed line goes and its text (None: no line).
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
    }
    if margin is None:
        return _figure(data, layout, title=title, height=height, uirevision=uirevision)
    layout |= {
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
    active_axis: str = "active",
    colour: str = PALETTE[0],
    height: int = 400,
    uirevision: str | None = None,
) -> go.Figure:
    """Mean loss (top) and share of active pairs/triplets (bottom) over training steps.

    A dotted vertical line marks ``current``, the step the other panels show;
    ``active_axis`` titles the bottom row's axis.
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
    layout["yaxis2"].update(title={"text": active_axis}, tickformat=".0%", range=[0, 1.02])
    layout["shapes"] = [_row_vline(current, row, width=2) for row in (1, 2)]
    layout["annotations"] = [_row_label(current, f"step {current}")]
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


def alignment_uniformity_figure(
    steps: np.ndarray,
    alignment: np.ndarray,
    uniformity: np.ndarray,
    *,
    current: int,
    current_label: str,
    height: int = 400,
    uirevision: str | None = None,
) -> go.Figure:
    """Wang & Isola's alignment (top) and uniformity (bottom) over training steps.

    Both are "lower is better"; a dotted vertical line marks ``current`` in both rows and
    ``current_label`` (e.g. the two values there) is written above it. Alignment's axis
    spans its possible range [0, 4] (α = 2 on unit vectors), uniformity's [−4, 0]
    (t = 2: e^{−2‖·‖²} >= e^{−8}), so a step never rescales them.
    """
    steps = np.asarray(steps, dtype=np.float64)
    _check_1d(steps, ("alignment", np.asarray(alignment)), ("uniformity", np.asarray(uniformity)))
    xs = _axis_values(steps)
    data = [
        {"type": "scatter", **xs, "y": f32(alignment), "name": "alignment E‖ê − ê⁺‖²",
         "line": {"color": PALETTE[2], "width": 2.5}, "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", **xs, "y": f32(uniformity), "name": "uniformity log E e^(−2‖ê − ê′‖²)",
         "line": {"color": PALETTE[4], "width": 2.5}, "xaxis": "x2", "yaxis": "y2"},
    ]  # fmt: skip
    layout = _stacked_rows((1.0, 1.0), 0.1, "training step")
    layout["yaxis"].update(title={"text": "alignment"}, range=[0.0, 4.05])
    layout["yaxis2"].update(title={"text": "uniformity"}, range=[-4.05, 0.05])
    layout["shapes"] = [_row_vline(current, row, width=2) for row in (1, 2)]
    # Each row's axis names its curve: no legend (on a phone its two rows ran into the label).
    layout["showlegend"] = False
    # The label reads away from the nearer edge, so a long one is never cut by it.
    layout["annotations"] = [
        {**_row_label(current, current_label), "xanchor": label_anchor(current, steps)}
    ]
    # A fixed x range: the label's text would otherwise widen the autorange past the data.
    # 3 % of padding on the right, so the last tick's label stays inside the margin.
    if steps.size > 1:
        lo, hi = float(steps[0]), float(steps[-1])
        layout["xaxis2"]["range"] = [lo, hi + 0.03 * (hi - lo)]
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


def label_anchor(current: float, steps: np.ndarray) -> str:
    """``"left"`` in the first half of the steps, ``"right"`` in the second."""
    lo, hi = float(np.min(steps)), float(np.max(steps))
    return "right" if current > (lo + hi) / 2 else "left"
