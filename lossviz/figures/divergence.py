"""A Gaussian fitted to a density by forward or reverse KL, and both landscapes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._theme import COLOUR_BAR_MARGIN, SURFACE_SCALE, _check_1d, _finish, base_layout, f32
from .regression import _legend_on_top

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
