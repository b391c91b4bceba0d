"""One place for the look of every figure: palette, fonts, margins, layout helpers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.colors as _plotly_colors
import plotly.graph_objects as go

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


BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY = PALETTE[:6]

#: The lines' colours: Okabe–Ito without yellow (1.2:1 on white) and grey (the markers').
LINE_PALETTE = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY)

#: One colour per registry key, the same on every page (Explore, Compare, the fits):
#: Okabe–Ito, chosen so that the losses a page or a lesson puts side by side differ
#: (MSE/MAE/Huber/Smooth-L1, BCE/focal, DPO/IPO, ...). tests/test_theme_colours.py
#: checks that every registry key has one.
LOSS_COLOURS = {
    # regression
    "mse": BLUE,
    "mae": ORANGE,
    "huber": GREEN,
    "smooth_l1": PURPLE,
    "pseudo_huber": VERMILLION,
    "log_cosh": SKY,
    "quantile": VERMILLION,
    "epsilon_insensitive": PURPLE,
    "general_robust": SKY,
    "poisson_nll": GREEN,
    "gaussian_nll": ORANGE,
    # classification
    "binary_cross_entropy": BLUE,
    "categorical_cross_entropy": ORANGE,
    "focal": GREEN,
    "hinge": VERMILLION,
    "squared_hinge": PURPLE,
    "modified_huber": SKY,
    "exponential": ORANGE,
    "multiclass_hinge": VERMILLION,
    # divergence
    "kl_divergence": BLUE,
    "js_divergence": VERMILLION,
    # metric learning
    "contrastive": BLUE,
    "triplet": ORANGE,
    "info_nce": GREEN,
    "cosine_embedding": PURPLE,
    # preference
    "bradley_terry": GREEN,
    "dpo": VERMILLION,
    "ipo": BLUE,
    "preference_hinge": ORANGE,
    # overlap
    "soft_dice": BLUE,
    "tversky": ORANGE,
    "soft_jaccard": GREEN,
}


def loss_colour(key: str) -> str:
    """The colour of registry loss ``key`` on every page."""
    try:
        return LOSS_COLOURS[key]
    except KeyError:
        raise ValueError(
            f"key must be a registry loss ({', '.join(sorted(LOSS_COLOURS))}), got {key!r}"
        ) from None


def distinct_colours(keys: Sequence[str]) -> list[str]:
    """Colours of lines that draw the losses ``keys`` side by side: each loss its own
    colour (a loss given twice keeps it), unless an earlier, other loss took it; then
    the first colour of LINE_PALETTE not yet used."""
    out: list[str] = []
    seen: dict[str, str] = {}
    for key in keys:
        if key in seen:
            out.append(seen[key])
            continue
        colour = loss_colour(key)
        if colour in seen.values():
            free = [c for c in LINE_PALETTE if c not in seen.values()]
            colour = free[0] if free else LINE_PALETTE[len(seen) % len(LINE_PALETTE)]
        seen[key] = colour
        out.append(colour)
    return out


def branch_colours(key: str, n: int) -> list[str]:
    """The colours of a loss's ``n`` branches on Explore (``y = 1``, ``y = 0``): the
    loss's own first, then the other line colours in order."""
    own = loss_colour(key)
    rest = [c for c in LINE_PALETTE if c != own]
    return [own, *rest][:n] if n <= len(LINE_PALETTE) else [own, *rest] * n


#: The ordered scale of a family of curves over a slider's values (focal's γ): Plotly's
#: Agsunset from 0.25 to 0.55, purple to rose, lighter as the value grows; every colour
#: of it is ≥ 3:1 (WCAG's contrast for graphics) on white and on Streamlit's dark
#: background, and apart from the branches' blue, green and orange.
FAMILY_SCALE = ("#A431A0", "#C4389B", "#DD488E", "#EF5B83")


def family_colours(n: int) -> list[str]:
    """``n`` colours of FAMILY_SCALE in order, from its first to its last."""
    if n < 1:
        return []
    if n == 1:
        return [FAMILY_SCALE[0]]
    sampled = _plotly_colors.sample_colorscale(
        [[i / (len(FAMILY_SCALE) - 1), c] for i, c in enumerate(FAMILY_SCALE)],
        [i / (n - 1) for i in range(n)],
    )
    return [
        "#" + "".join(f"{round(v):02X}" for v in _plotly_colors.unlabel_rgb(c)) for c in sampled
    ]


# Sequential colour scale for surfaces: perceptually uniform, colour-blind safe. Spelled
# out as the (position, colour) stops plotly.py's validator turns "Viridis" into, so a
# figure is the same validated or not (VALIDATE below); plotly.js's own "Viridis" has
# other stops.
SURFACE_SCALE = [
    [i / (len(_plotly_colors.sequential.Viridis) - 1), c]
    for i, c in enumerate(_plotly_colors.sequential.Viridis)
]


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


#: Whether plotly.py validates the figures built here. Validation checks every property
#: name and value against Plotly's schema, a developer's aid that cost 7.5 of the 8.7 ms
#: of building a six-trace figure (and a third of a rerun's CPU on the curve pages); the
#: figures sent are the same either way. The test suite turns it on (tests/conftest.py),
#: so every figure the tests build is checked, and tests/test_figures_validate.py checks
#: that every page's charts are the same with and without it.
VALIDATE = False


def new_figure(data: list | None = None, layout: dict | None = None) -> go.Figure:
    """A ``go.Figure`` of ``data`` (trace dicts) and ``layout``, validated if VALIDATE."""
    return go.Figure(data=data, layout=layout, _validate=VALIDATE)


def _figure(data: list[dict], layout: dict, *, title: str | None, height: int, uirevision):
    extra = {"height": height, "uirevision": uirevision, **layout}
    if title:
        extra["title"] = _title(title, height)
    return new_figure(data, _merged(_shared_layout(), extra))


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
