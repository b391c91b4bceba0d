"""Noise models: data with each model's mean and ±2σ band; counts with fitted rate curves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import LOSS_COLOURS, MARKER_COLOUR, _check_1d, _figure, f32
from .regression import INLIER_COLOUR, _legend_on_top

#: Colours of the noise models: each loss's colour on every page (MSE blue as on
#: Explore, Compare and Robust regression; it was orange here, the Gaussian NLL's).
MSE_COLOUR = LOSS_COLOURS["mse"]
GAUSSIAN_NLL_COLOUR = LOSS_COLOURS["gaussian_nll"]
POISSON_COLOUR = LOSS_COLOURS["poisson_nll"]
NOISE_TRUTH_COLOUR = "#999999"  # grey


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _points(x, y, sizes, name: str, hover: str) -> dict:
    marker: dict = {"color": INLIER_COLOUR, "opacity": 0.6, "size": 6}
    if sizes is not None:
        marker.update(size=f32(sizes), sizemode="diameter")
    return {"type": "scatter", "x": f32(x), "y": f32(y), "mode": "markers", "name": name,
            "marker": marker, "hovertemplate": hover}  # fmt: skip


def noise_bands_figure(
    x: np.ndarray,
    y: np.ndarray,
    grid: np.ndarray,
    models: Sequence[tuple[str, np.ndarray, np.ndarray, str, str]],
    *,
    points_label: str,
    sizes: np.ndarray | None = None,
    size_label: str | None = None,
    title: str | None = None,
    height: int = 560,
    uirevision: str | None = None,
) -> go.Figure:
    """Data with, per model, its mean line and the band mean ± 2σ over ``grid``.

    Args:
      x, y: the data, 1-D of equal length.
      grid: 1-D increasing x values the lines are drawn on.
      models: ``(name, mean, sd, colour, style)`` per model, ``mean`` and ``sd`` on
        ``grid``; style ``"fill"`` shades the band, ``"lines"`` draws its edges dotted
        (for the true band, so the fitted ones stay readable). One legend entry per
        model (the band shares its line's entry).
      points_label: the data's legend entry.
      sizes: optional marker diameters per point (px); ``size_label`` says what they are
        (hover text).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    _check_1d(x, ("y", y))
    if grid.ndim != 1 or grid.size < 2 or not np.all(np.diff(grid) > 0):
        raise ValueError(f"grid must be 1-D, increasing, >= 2 points; got shape {grid.shape}")
    hover = "x = %{x:.3f}<br>y = %{y:.3f}"
    if sizes is not None:
        sizes = np.asarray(sizes, dtype=np.float64)
        _check_1d(x, ("sizes", sizes))
    data: list[dict] = []
    for name, mean, sd, colour, style in models:
        mean = np.asarray(mean, dtype=np.float64)
        sd = np.asarray(sd, dtype=np.float64)
        _check_1d(grid, ("mean", mean), ("sd", sd))
        lo, hi = mean - 2.0 * sd, mean + 2.0 * sd
        group = {"legendgroup": name, "showlegend": False, "hoverinfo": "skip"}
        if style == "fill":
            data.append({"type": "scatter", "x": f32(np.r_[grid, grid[::-1]]),
                         "y": f32(np.r_[hi, lo[::-1]]), "mode": "lines", "fill": "toself",
                         "fillcolor": _rgba(colour, 0.16), "line": {"width": 0},
                         "name": f"{name} ±2σ", **group})  # fmt: skip
        else:
            for edge in (lo, hi):
                data.append({"type": "scatter", "x": f32(grid), "y": f32(edge), "mode": "lines",
                             "line": {"color": colour, "width": 2, "dash": "dot"},
                             "name": f"{name} ±2σ", **group})  # fmt: skip
        data.append(
            {"type": "scatter", "x": f32(grid), "y": f32(mean), "mode": "lines", "name": name,
             "legendgroup": name, "line": {"color": colour, "width": 3,
             "dash": "dash" if style != "fill" else "solid"},
             "customdata": f32(2.0 * sd),
             "hovertemplate": f"x = %{{x:.2f}}<br>mean %{{y:.3f}} ± %{{customdata:.3f}}"
             f"<extra>{name.split(':')[0]}</extra>"}
        )  # fmt: skip
    if sizes is not None and size_label:
        hover += f"<br>{size_label} = %{{marker.size:.1f}} px"
    data.insert(0, _points(x, y, sizes, points_label, hover + "<extra></extra>"))
    entries = 1 + len(models)
    legend, top = _legend_on_top(entries, height, title=bool(title))
    layout = {
        "hovermode": "closest",
        "legend": legend,
        "margin": {"t": top},
        "xaxis": {"title": {"text": "x"}, "range": [float(grid[0]), float(grid[-1])]},
        "yaxis": {"title": {"text": "y"}},
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def rate_curves_figure(
    x: np.ndarray,
    counts: np.ndarray,
    grid: np.ndarray,
    curves: Sequence[tuple[str, np.ndarray, str, str]],
    *,
    points_label: str,
    title: str | None = None,
    height: int = 560,
    uirevision: str | None = None,
) -> go.Figure:
    """Counts against x with fitted rate curves λ(x) over ``grid`` and the line λ = 0.

    Args:
      x, counts: the data, 1-D of equal length.
      grid: 1-D increasing x values the curves are drawn on.
      curves: ``(name, rate on grid, colour, dash)`` per curve. A curve that dips
        below 0 (a straight line fitted to counts) is drawn below the λ = 0 line,
        which is marked.
      points_label: the data's legend entry.
    """
    x = np.asarray(x, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    _check_1d(x, ("counts", counts))
    if grid.ndim != 1 or grid.size < 2 or not np.all(np.diff(grid) > 0):
        raise ValueError(f"grid must be 1-D, increasing, >= 2 points; got shape {grid.shape}")
    data: list[dict] = [
        {"type": "scatter", "x": f32(x), "y": f32(counts), "mode": "markers",
         "name": points_label, "marker": {"color": INLIER_COLOUR, "opacity": 0.5, "size": 6},
         "hovertemplate": "x = %{x:.3f}<br>count = %{y:.0f}<extra></extra>"}
    ]  # fmt: skip
    lowest = 0.0
    for name, rate, colour, dash in curves:
        rate = np.asarray(rate, dtype=np.float64)
        _check_1d(grid, ("rate", rate))
        lowest = min(lowest, float(np.min(rate)))
        data.append(
            {"type": "scatter", "x": f32(grid), "y": f32(rate), "mode": "lines", "name": name,
             "line": {"color": colour, "width": 3, "dash": dash},
             "hovertemplate": f"x = %{{x:.2f}}<br>λ = %{{y:.3f}}<extra>{name.split(':')[0]}"
             "</extra>"}
        )  # fmt: skip
    legend, top = _legend_on_top(len(data), height, title=bool(title))
    zero = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": 0, "y1": 0,
            "line": {"color": MARKER_COLOUR, "width": 1.5}}  # fmt: skip
    hi = max(float(counts.max()), 1.0)
    span = hi - lowest
    y_lo = lowest - 0.05 * span
    shapes, notes = [zero], []
    if lowest < 0:  # a curve below 0 predicts an impossible (negative) rate: shade it
        shapes.insert(0, {"type": "rect", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                          "y0": y_lo, "y1": 0, "line": {"width": 0},
                          "fillcolor": _rgba("#D55E00", 0.10), "layer": "below"})  # fmt: skip
        notes.append({"xref": "x domain", "x": 0.99, "xanchor": "right", "yref": "y", "y": 0,
                      "yanchor": "top", "text": "λ < 0: not a rate", "showarrow": False,
                      "font": {"size": 12, "color": "#D55E00"}})  # fmt: skip
    layout = {
        "hovermode": "closest",
        "legend": legend,
        "margin": {"t": top},
        "shapes": shapes,
        "annotations": notes,
        "xaxis": {"title": {"text": "x"}, "range": [float(grid[0]), float(grid[-1])]},
        "yaxis": {"title": {"text": "count y, rate λ(x)"},
                  "range": [y_lo, hi + 0.05 * span]},
    }  # fmt: skip
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)
