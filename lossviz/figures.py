"""Pure figure builders: arrays in, one plotly ``Figure`` out.

Each builder validates its inputs, takes NumPy arrays (sent to the browser as
float32, which plotly serialises as base64 rather than JSON lists), and derives
every title, legend entry and annotation from the values it is given, so a
label can never disagree with the curve it names. Colours are the Okabe–Ito
palette (safe for the common colour-vision deficiencies) and the layout uses
transparent backgrounds so figures read in Streamlit's light and dark themes.
"""

from __future__ import annotations

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


def f32(a) -> np.ndarray:
    """float32 for the browser; non-finite values become gaps (NaN), never strings."""
    a = np.asarray(a, dtype=np.float64)
    out = a.astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


def base_layout(fig: go.Figure, *, height: int = 460, uirevision: str | None = None) -> go.Figure:
    """The shared look: transparent background, top legend, compact margins."""
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 90, "b": 50},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0},
        hovermode="x unified",
        uirevision=uirevision,
    )
    grid = "rgba(128,128,128,0.25)"
    fig.update_xaxes(gridcolor=grid, zerolinecolor=grid)
    fig.update_yaxes(gridcolor=grid, zerolinecolor=grid)
    return fig


def _check_1d(x: np.ndarray, *named: tuple[str, np.ndarray]) -> None:
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be 1-D with at least 2 points, got shape {x.shape}")
    for name, a in named:
        if a.shape != x.shape:
            raise ValueError(f"{name} must have the shape of x {x.shape}, got {a.shape}")


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

    Args:
      x: the input values, 1-D.
      branches: ``(name, loss, grad)`` per highlighted line, each array shaped like x.
      x_label: the x-axis title.
      markers: ``(x, label)`` of regime changes, drawn as dotted verticals in both rows.
      background: ``(name, loss, grad)`` lines drawn faintly behind (e.g. a γ family).
      title: figure title (plain text: plotly cannot render LaTeX in Streamlit).
    """
    x = np.asarray(x, dtype=np.float64)
    for name, loss, grad in (*branches, *background):
        _check_1d(x, (f"{name} loss", np.asarray(loss)), (f"{name} gradient", np.asarray(grad)))
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.6, 0.4],
    )
    xs = f32(x)
    for name, loss, grad in background:
        style = {"color": "rgba(128,128,128,0.45)", "width": 1.5}
        fig.add_trace(
            go.Scatter(x=xs, y=f32(loss), name=name, line=style, legendgroup=name),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=xs, y=f32(grad), name=name, line=style, legendgroup=name, showlegend=False
            ),
            row=2,
            col=1,
        )
    for i, (name, loss, grad) in enumerate(branches):
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=xs, y=f32(loss), name=name, line={"color": colour, "width": 3}, legendgroup=name
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=f32(grad),
                name=f"{name} (gradient)",
                line={"color": colour, "width": 2.5, "dash": "dash"},
                legendgroup=name,
                showlegend=False,
            ),
            row=2,
            col=1,
        )
    shown = sorted((mx, label) for mx, label in markers if x[0] <= mx <= x[-1])
    span = float(x[-1] - x[0])
    level = 0
    for i, (mx, label) in enumerate(shown):
        for row in (1, 2):
            fig.add_vline(
                x=mx, line={"color": MARKER_COLOUR, "dash": "dot", "width": 1.5}, row=row, col=1
            )
        # Neighbouring labels closer than a fifth of the axis are stacked, not overlapped.
        level = level + 1 if i and mx - shown[i - 1][0] < 0.2 * span else 0
        fig.add_annotation(
            x=mx,
            y=1.0,
            yref="y domain",
            text=label,
            showarrow=False,
            yanchor="bottom",
            yshift=16 * level,
            font={"size": 12},
            row=1,
            col=1,
        )
    fig.update_yaxes(title_text=loss_label, row=1, col=1)
    fig.update_yaxes(title_text=grad_label, row=2, col=1)
    fig.update_xaxes(title_text=x_label, row=2, col=1)
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.985, "yanchor": "top", "font": {"size": 15}}
        )
    return base_layout(fig, height=height, uirevision=uirevision)


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
    height: int = 520,
    uirevision: str | None = None,
) -> go.Figure:
    """A loss surface over two inputs: a filled contour map, or a 3-D surface.

    Args:
      x, y: 1-D axes; z has shape ``(len(y), len(x))``.
      point: optional ``(x, y, label)`` marked on the map (e.g. the current setting).
      zmax: cap of the colour scale (values above are drawn at the top colour,
        and hover still shows the true value).
      uirevision: keeps the user's zoom and 3-D camera across reruns while it stays
        the same (Streamlit issue 8882: the camera resets when the data change).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if z.shape != (y.size, x.size):
        raise ValueError(f"z must have shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}")
    hover = (
        f"{x_label}: %{{x:.3f}}<br>{y_label}: %{{y:.3f}}<br>{z_label}: %{{z:.4g}}<extra></extra>"
    )
    finite = z[np.isfinite(z)]
    cmax = zmax if zmax is not None else (float(finite.max()) if finite.size else 1.0)
    cmin = float(finite.min()) if finite.size else 0.0
    colorbar = {"title": {"text": z_label, "side": "right"}}
    if three_d:
        fig = go.Figure(
            go.Surface(
                x=f32(x),
                y=f32(y),
                z=f32(z),
                colorscale=SURFACE_SCALE,
                cmin=cmin,
                cmax=cmax,
                colorbar=colorbar,
                hovertemplate=hover.replace("%{z", "%{z"),
            )
        )
        fig.update_layout(
            scene={
                "xaxis_title": x_label,
                "yaxis_title": y_label,
                "zaxis_title": z_label,
                "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 1.0}},
            }
        )
    else:
        fig = go.Figure(
            go.Contour(
                x=f32(x),
                y=f32(y),
                z=f32(z),
                colorscale=SURFACE_SCALE,
                zmin=cmin,
                zmax=cmax,
                colorbar=colorbar,
                hovertemplate=hover,
                contours={"coloring": "heatmap"},
                line={"width": 0.5, "color": "rgba(255,255,255,0.35)"},
                ncontours=24,
            )
        )
        if point is not None:
            px, py, label = point
            fig.add_trace(
                go.Scatter(
                    x=[px],
                    y=[py],
                    mode="markers+text",
                    text=[label],
                    textposition="top center",
                    name=label,
                    showlegend=False,
                    marker={
                        "size": 11,
                        "color": "#ffffff",
                        "line": {"color": "#000000", "width": 2},
                    },
                )
            )
        fig.update_xaxes(title_text=x_label)
        fig.update_yaxes(title_text=y_label)
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.985, "yanchor": "top", "font": {"size": 15}}
        )
    fig = base_layout(fig, height=height, uirevision=uirevision)
    fig.update_layout(hovermode="closest")
    return fig


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

OUTLIER_COLOUR = "#CC79A7"  # reddish purple: the planted outliers
INLIER_COLOUR = "#7F7F7F"
TRUTH_COLOUR = "#999999"
_PATH_FLOOR = 1e-15  # log-scale floor of f(θ_t) − f*, which can reach 0 exactly


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
    min_size: float = 3.0,
    title: str | None = None,
    height: int = 520,
    uirevision: str | None = None,
) -> go.Figure:
    """Data with outliers highlighted, the true line and fitted lines, sized by influence.

    Args:
      x, y: the data, 1-D of equal length.
      is_outlier: bool mask of the planted outliers (drawn as diamonds).
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
    fig = go.Figure()
    for name, sel, colour, symbol in (
        ("inliers", ~mask, INLIER_COLOUR, "circle"),
        ("outliers", mask, OUTLIER_COLOUR, "diamond"),
    ):
        fig.add_trace(
            go.Scatter(
                x=f32(x[sel]),
                y=f32(y[sel]),
                customdata=f32(infl[sel]),
                mode="markers",
                name=f"{name} ({int(sel.sum())})",
                marker={
                    "size": f32(size[sel]),
                    "sizemode": "diameter",
                    "color": colour,
                    "symbol": symbol,
                    "opacity": 0.75,
                    "line": {"width": 0.5, "color": "rgba(255,255,255,0.6)"},
                },
                hovertemplate=hover + f"<extra>{name}</extra>",
            )
        )
    lo, hi = float(x.min()), float(x.max())
    pad = 0.03 * max(hi - lo, 1e-9)
    xs = np.array([lo - pad, hi + pad])
    tw, tb = truth
    fig.add_trace(
        go.Scatter(
            x=f32(xs),
            y=f32(tw * xs + tb),
            mode="lines",
            name=_line_label("truth", tw, tb),
            line={"color": TRUTH_COLOUR, "width": 3, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    for name, w, b, colour in lines:
        fig.add_trace(
            go.Scatter(
                x=f32(xs),
                y=f32(w * xs + b),
                mode="lines",
                name=_line_label(name, w, b),
                line={"color": colour, "width": 3},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text="x", range=[float(xs[0]), float(xs[1])])
    fig.update_yaxes(title_text="y")
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.985, "yanchor": "top", "font": {"size": 15}}
        )
    fig = base_layout(fig, height=height, uirevision=uirevision)
    fig.update_layout(hovermode="closest")
    return fig


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
    colorbar = {"title": {"text": z_label, "side": "right"}, "thickness": 12}
    now = f"step {k}: w = %{{x:.3f}}, b = %{{y:.3f}}"
    if three_d:
        fig = go.Figure(
            go.Surface(
                x=f32(w),
                y=f32(b),
                z=f32(z),
                colorscale=SURFACE_SCALE,
                cmin=cmin,
                cmax=cmax,
                colorbar=colorbar,
                hovertemplate=hover,
                opacity=0.9,
            )
        )
        lift = 0.01 * (cmax - cmin)  # draw the markers just above the surface
        fig.add_trace(
            go.Scatter3d(
                x=f32(pw[k:]),
                y=f32(pb[k:]),
                z=f32(pl[k:] + lift),
                mode="lines",
                name="rest of the path",
                line={"color": "rgba(255,255,255,0.6)", "width": 3},
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter3d(
                x=f32(pw[: k + 1]),
                y=f32(pb[: k + 1]),
                z=f32(pl[: k + 1] + lift),
                mode="lines+markers",
                name=f"path to step {k}",
                line={"color": colour, "width": 6},
                marker={"size": 2.5, "color": colour},
                hovertemplate="w = %{x:.3f}<br>b = %{y:.3f}<extra>path</extra>",
            )
        )
        for (mw, mb, ml), name, symbol, fill in (
            ((pw[k], pb[k], pl[k]), f"step {k}", "circle", colour),
            (optimum, "optimum", "diamond", "#FFFFFF"),
            (truth, "truth", "x", "#000000"),
        ):
            fig.add_trace(
                go.Scatter3d(
                    x=f32([mw]),
                    y=f32([mb]),
                    z=f32([ml + lift]),
                    mode="markers",
                    name=name,
                    marker={
                        "size": 7,
                        "color": fill,
                        "symbol": symbol,
                        "line": {"color": "#000000", "width": 2},
                    },
                    hovertemplate=f"{name}<br>w = %{{x:.3f}}<br>b = %{{y:.3f}}<extra></extra>",
                )
            )
        fig.update_layout(
            scene={
                "xaxis_title": "slope w",
                "yaxis_title": "intercept b",
                "zaxis_title": z_label,
                "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 1.0}},
            }
        )
    else:
        fig = go.Figure(
            go.Contour(
                x=f32(w),
                y=f32(b),
                z=f32(z),
                colorscale=SURFACE_SCALE,
                zmin=cmin,
                zmax=cmax,
                colorbar=colorbar,
                hovertemplate=hover,
                contours={"coloring": "heatmap"},
                line={"width": 0.5, "color": "rgba(255,255,255,0.35)"},
                ncontours=24,
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=f32(pw[k:]),
                y=f32(pb[k:]),
                mode="lines",
                name="rest of the path",
                line={"color": "rgba(255,255,255,0.55)", "width": 1.5, "dash": "dot"},
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=f32(pw[: k + 1]),
                y=f32(pb[: k + 1]),
                mode="lines+markers",
                name=f"path to step {k}",
                line={"color": colour, "width": 2.5},
                marker={"size": 4, "color": colour, "line": {"width": 0.5, "color": "#FFFFFF"}},
                hovertemplate="w = %{x:.3f}<br>b = %{y:.3f}<extra>path</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=f32([pw[k]]),
                y=f32([pb[k]]),
                mode="markers",
                name=f"step {k}",
                marker={"size": 12, "color": colour, "line": {"width": 2, "color": "#FFFFFF"}},
                hovertemplate=now + "<extra></extra>",
            )
        )
        for (mw, mb, _), name, symbol, size, fill in (
            (optimum, "optimum ★", "star", 20, "#FFFFFF"),
            (truth, "truth ✕", "x", 14, "#000000"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=f32([mw]),
                    y=f32([mb]),
                    mode="markers",
                    name=name,
                    marker={
                        "size": size,
                        "color": fill,
                        "symbol": symbol,
                        "line": {
                            "color": "#000000" if fill == "#FFFFFF" else "#FFFFFF",
                            "width": 1.5,
                        },
                    },
                    hovertemplate=f"{name}: w = %{{x:.3f}}, b = %{{y:.3f}}<extra></extra>",
                )
            )
        fig.update_xaxes(title_text="slope w", range=[float(w[0]), float(w[-1])])
        fig.update_yaxes(title_text="intercept b", range=[float(b[0]), float(b[-1])])
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.985, "yanchor": "top", "font": {"size": 15}}
        )
    fig = base_layout(fig, height=height, uirevision=uirevision)
    fig.update_layout(hovermode="closest", legend={"font": {"size": 12}})
    return fig


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
    fig = go.Figure()
    for name, loss, f_star, colour in runs:
        loss = np.asarray(loss, dtype=np.float64)
        gap = np.maximum(loss - f_star, _PATH_FLOOR)
        fig.add_trace(
            go.Scatter(
                x=np.arange(loss.size, dtype=np.float32),
                y=f32(gap),
                mode="lines",
                name=name,
                line={"color": colour, "width": 2.5},
            )
        )
    fig.add_vline(x=step, line={"color": MARKER_COLOUR, "dash": "dot", "width": 1.5})
    fig.update_xaxes(title_text="iteration t", range=[0, max(steps, 1)])
    fig.update_yaxes(title_text="f(θ_t) − f*", type="log", exponentformat="power")
    if title:
        fig.update_layout(
            title={"text": title, "x": 0, "y": 0.985, "yanchor": "top", "font": {"size": 15}}
        )
    return base_layout(fig, height=height, uirevision=uirevision)
