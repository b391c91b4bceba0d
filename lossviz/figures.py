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
    for mx, label in markers:
        if x[0] <= mx <= x[-1]:
            for row in (1, 2):
                fig.add_vline(
                    x=mx, line={"color": MARKER_COLOUR, "dash": "dot", "width": 1.5}, row=row, col=1
                )
            fig.add_annotation(
                x=mx,
                y=1.0,
                yref="y domain",
                text=label,
                showarrow=False,
                yanchor="bottom",
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
