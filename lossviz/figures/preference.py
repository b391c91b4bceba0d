"""Reward models from preference pairs: rewards, the loss, the margin sweep."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import (
    _GRID,
    _TITLE_LINE,
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
from .regression import _legend_on_top

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


def _below_title(entries: int, height: int, title: str | None, extra: int = 0):
    """:func:`_legend_on_top` under a title of one or more lines ("…<br>…"): narrow
    screens get two short lines instead of one line cut at the edge."""
    lines = title.count("<br>") if title else 0
    legend, top = _legend_on_top(entries, height, title=bool(title), extra=extra)
    legend["y"] = round(legend["y"] - _TITLE_LINE * lines / height, 4)
    return legend, top + _TITLE_LINE * lines


def policy_bars_figure(
    responses: Sequence[str],
    series: Sequence[tuple[str, np.ndarray, str]],
    *,
    hover: Sequence[str] | None = None,
    x_title: str = "response",
    title: str | None = None,
    height: int = 460,
    uirevision: str | None = None,
) -> go.Figure:
    """Policies over K responses as grouped bars: π_ref, the fitted ones, the optimum.

    Args:
      responses: the K category labels on the x axis (short: long ones are rotated and
        grow the bottom margin).
      series: ``(name, probabilities (K,), colour)`` per policy, drawn left to right.
      hover: K texts shown on hover after the label (e.g. each response's reward).
    """
    k = len(responses)
    for name, probs, _ in series:
        if np.asarray(probs).shape != (k,):
            raise ValueError(f"{name} must have shape ({k},), got {np.asarray(probs).shape}")
    data = [
        {
            "type": "bar",
            "x": list(responses),
            "y": f32(probs),
            "name": name,
            "marker": {"color": colour, "line": {"width": 0}},
            "customdata": list(hover) if hover is not None else None,
            "hovertemplate": "response %{x}"
            + (" (%{customdata})" if hover is not None else "")
            + ": %{y:.4f}<extra>"
            + name
            + "</extra>",
        }
        for name, probs, colour in series
    ]
    legend, top = _below_title(len(series), height, title)
    layout = {
        "barmode": "group",
        "bargap": 0.2,
        "bargroupgap": 0.05,
        "xaxis": {**_GRID, "type": "category", "tickangle": 0, "title": {"text": x_title}},
        "yaxis": {**_GRID, "title": {"text": "probability"}, "range": [0.0, 1.0]},
        "hovermode": "closest",
        "legend": legend,
        "margin": {"t": top},
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def beta_sweep_figure(
    betas: np.ndarray,
    curves: Sequence[tuple[str, np.ndarray, str, str]],
    *,
    current: float,
    current_label: str,
    y_title: str,
    title: str | None = None,
    height: int = 460,
    uirevision: str | None = None,
) -> go.Figure:
    """A quantity of the fits against β on a log axis, the slider's β marked.

    Args:
      betas: the β values, 1-D increasing, > 0.
      curves: ``(name, values like betas, colour, dash)`` per curve.
      current: the slider's β, a dotted vertical labelled ``current_label``.
      y_title: the y axis's title (a probability: the axis is [0, 1]).
    """
    b = np.asarray(betas, dtype=np.float64)
    if not (b.ndim == 1 and np.all(b > 0) and current > 0):
        raise ValueError(f"betas and current must be > 0 (a log axis), got {b!r}, {current!r}")
    for name, vals, _, _ in curves:
        _check_1d(b, (name, np.asarray(vals)))
    data = [
        {
            "type": "scatter",
            "x": f32(b),
            "y": f32(vals),
            "mode": "lines+markers",
            "name": name,
            "line": {"color": colour, "width": 2.5, "dash": dash},
            "marker": {"size": 5},
            "hovertemplate": "β = %{x:.2f}: %{y:.4f}<extra>" + name + "</extra>",
        }
        for name, vals, colour, dash in curves
    ]
    legend, top = _below_title(len(curves), height, title, extra=20)
    decades = 10.0 ** np.arange(np.floor(np.log10(b[0])), np.ceil(np.log10(b[-1])) + 1)
    ticks = [
        float(t)
        for t in np.round(np.outer(decades, [1.0, 2.0, 5.0]).ravel(), 12)
        if b[0] * (1 - 1e-9) <= t <= b[-1] * (1 + 1e-9)
    ]
    layout = {
        "xaxis": {
            **_GRID,
            "type": "log",
            "title": {"text": "β (log scale)"},
            # One row of 1-2-5 ticks: Plotly's own log ticks add a second row of minor
            # labels, which grows the bottom margin (a second draw).
            "tickvals": ticks,
            "ticktext": [f"{t:g}" for t in ticks],
        },
        "yaxis": {**_GRID, "title": {"text": y_title}, "range": [0.0, 1.02]},
        "hovermode": "closest",
        "legend": legend,
        "margin": {"t": top},
        "shapes": [_row_vline(current, 1)],
        # On a log axis an annotation's x is log10 of the value (a shape's is the value).
        "annotations": [{**_row_label(current, current_label), "x": float(np.log10(current))}],
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)
