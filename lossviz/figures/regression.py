"""Fits of a line: data with the fitted lines, landscapes with descent paths, gaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import MARKER_COLOUR, SURFACE_SCALE, _check_1d, _figure, f32

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
    references: Sequence[tuple[str, float, float, str]] = (),
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
      references: ``(name, w, b, colour)`` of further true lines (e.g. the true
        conditional τ-quantiles), dotted in ``colour``.
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
    styled += [
        (name, w, b, {"color": colour, "width": 2, "dash": "dot"})
        for name, w, b, colour in references
    ]
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
    # When every entry takes a row of its own (long labels: "Barron (α = −2.0, c = 1.00):
    # ŷ = …"), Plotly pushes the top margin to the legend's height (19 px a row + 10)
    # plus 12 px: 14 px more than the rows reserve (measured in Chromium).
    legend, top = _legend_on_top(len(data), height, title=bool(title), extra=14)
    # Legend symbols at one size: a marker sized by influence (up to max_size) would make
    # its legend row taller than the margin reserves for it.
    legend["itemsizing"] = "constant"
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
