"""A Gaussian fitted to a density by forward or reverse KL, and both landscapes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import _GRID, COLOUR_BAR_MARGIN, SURFACE_SCALE, _check_1d, _figure, f32
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
    data = [
        {
            "type": "scatter",
            "x": xs,
            "y": f32(p),
            "name": p_label,
            "fill": "tozeroy",
            "line": {"color": KL_P_COLOUR, "width": 2},
            "fillcolor": "rgba(153,153,153,0.35)",
        }
    ]
    for label, q, colour, dash in fits:
        width = 1.8 if dash == "dot" else 3.0
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": f32(q),
                "name": label,
                "line": {"color": colour, "width": width, "dash": dash},
            }
        )
    legend, top = _legend_on_top(1 + len(fits), height, title=bool(title))
    layout = {
        "xaxis": {"title": {"text": x_label}},
        "yaxis": {"title": {"text": y_label}, "rangemode": "tozero"},
        "legend": legend,
        "margin": {"t": top},
    }
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


#: Gap between side-by-side landscapes (fraction of the width): room for one panel's
#: last x tick and the next one's first on a phone.
_PANEL_GAP = 0.08


def _side_by_side(n: int) -> list[tuple[float, float]]:
    """The x domains of ``n`` panels in a row, as ``make_subplots(cols=n,
    horizontal_spacing=_PANEL_GAP)`` computes them (the same floats)."""
    widths = [(1.0 - _PANEL_GAP * (n - 1)) / n] * n
    return [
        (sum(widths[:c]) + c * _PANEL_GAP, sum(widths[:c]) + c * _PANEL_GAP + widths[c])
        for c in range(n)
    ]


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

    The panels share the y axis (``make_subplots(shared_yaxes=True)``'s layout, written
    as a dict: make_subplots and the update_* calls were most of the page's rerun).
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
    hover = (
        f"{x_label} = %{{x:.3f}}<br>{y_label} = %{{y:.3f}}<br>σ<sub>Q</sub> = %{{customdata:.3f}}"
        f"<br>{z_label}: %{{z:.4g}}<extra></extra>"
    )
    mus, log_sigmas = f32(mu), f32(log_sigma)
    sigma = f32(np.broadcast_to(np.exp(log_sigma)[:, None], (log_sigma.size, mu.size)))
    x_range = [float(mu[0]), float(mu[-1])]
    y_range = [float(log_sigma[0]), float(log_sigma[-1])]
    domains = _side_by_side(len(panels))
    data: list[dict] = []
    layout: dict = {"annotations": []}
    seen: set[str] = set()
    for col, ((title, z, markers), domain) in enumerate(zip(panels, domains, strict=True), 1):
        k = "" if col == 1 else str(col)
        axes = {"xaxis": f"x{k}", "yaxis": f"y{k}"}
        layout[f"xaxis{k}"] = {
            **_GRID,
            "anchor": f"y{k}",
            "domain": list(domain),
            "title": {"text": x_label},
            "range": x_range,
        }
        yaxis = {**_GRID, "anchor": f"x{k}", "domain": [0.0, 1.0], "range": y_range}
        if col == 1:
            yaxis["title"] = {"text": y_label}
        else:
            yaxis.update(matches="y", showticklabels=False)
        layout[f"yaxis{k}"] = yaxis
        if title:
            layout["annotations"].append(
                {
                    "font": {"size": 14},
                    "showarrow": False,
                    "text": title,
                    "x": sum(domain) / 2.0,
                    "xanchor": "center",
                    "xref": "paper",
                    "y": 1.0,
                    "yanchor": "bottom",
                    "yref": "paper",
                }
            )
        data.append(
            {
                "type": "contour",
                "x": mus,
                "y": log_sigmas,
                "z": f32(z),
                "customdata": sigma,
                "coloraxis": "coloraxis",
                "hovertemplate": hover,
                "contours": {
                    "coloring": "heatmap",
                    "start": cmin,
                    "end": cmax,
                    "size": (cmax - cmin) / 20.0,
                },
                "line": {"width": 0.5, "color": "rgba(255,255,255,0.35)"},
                "showlegend": False,
                **axes,
            }
        )
        for mx, my, label, style in markers:
            symbol, size, fill, outline, opacity = _KL_MARKERS[style]
            data.append(
                {
                    "type": "scatter",
                    "x": [mx],
                    "y": [my],
                    "mode": "markers",
                    "name": label,
                    "legendgroup": label,
                    "showlegend": label not in seen,
                    "opacity": opacity,
                    "marker": {
                        "symbol": symbol,
                        "size": size,
                        "color": fill,
                        "line": {"color": outline, "width": 3 if style == "other" else 2},
                    },
                    "hovertemplate": f"{label}<extra></extra>",
                    **axes,
                }
            )
            seen.add(label)
    layout.update(
        coloraxis={
            "colorscale": SURFACE_SCALE,
            "cmin": cmin,
            "cmax": cmax,
            "colorbar": {"title": {"text": z_label, "side": "right"}},
        },
        hovermode="closest",
        legend={"y": 1.1, "itemsizing": "constant"},
        margin={"r": COLOUR_BAR_MARGIN, "t": 105, "b": 75},
    )
    if not layout["annotations"]:
        del layout["annotations"]
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)
