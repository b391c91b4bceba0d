"""Linear classifiers on imbalanced data: boundaries and predicted probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._theme import _GRID, MARKER_COLOUR, _figure, f32
from .regression import _legend_below

NEGATIVE_COLOUR = "#999999"  # grey: the common class, the background majority


POSITIVE_COLOUR = "#E69F00"  # orange: the rare class


def _boundary_segment(
    w: tuple[float, float], b: float, box: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the line w·x + b = 0 inside box (x_lo, x_hi, y_lo, y_hi); None if none."""
    w1, w2 = float(w[0]), float(w[1])
    x_lo, x_hi, y_lo, y_hi = box
    if w1 == 0.0 and w2 == 0.0:
        return None
    if abs(w2) >= abs(w1):  # shallow line: parametrise by x
        xs = np.array([x_lo, x_hi])
        ys = -(w1 * xs + b) / w2
    else:  # steep line: parametrise by y
        ys = np.array([y_lo, y_hi])
        xs = -(w2 * ys + b) / w1
    # The segment spans the box along one axis; clip it along the other (Liang–Barsky).
    t0, t1 = 0.0, 1.0
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    for p, q in ((-dx, xs[0] - x_lo), (dx, x_hi - xs[0]), (-dy, ys[0] - y_lo), (dy, y_hi - ys[0])):
        if p == 0.0:
            if q < 0.0:
                return None
            continue
        t = q / p
        if p < 0.0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    if t0 > t1:
        return None
    return xs[0] + np.array([t0, t1]) * dx, ys[0] + np.array([t0, t1]) * dy


def _subplot_grid(
    nrow: int,
    ncol: int,
    *,
    horizontal_spacing: float,
    vertical_spacing: float,
    shared_xaxes: bool,
    titles: Sequence[str],
) -> tuple[dict, list[dict]]:
    """The axes and panel titles of ``make_subplots(rows=nrow, cols=ncol,
    shared_xaxes=shared_xaxes, shared_yaxes=True, subplot_titles=titles, …)``, as plain
    dicts (layout axes with the shared grid style, title annotations at font size 13).

    The same numbers make_subplots computes, by its own arithmetic (start cell top left:
    panel k counts row by row, axis ``x``/``y`` top left; a shared x matches the bottom
    row's axis of its column, a shared y the first column's of its row, and hides the
    others' tick labels). make_subplots and the update_* calls on its validated figure
    cost more than a rerun's fits.
    """
    width = (1.0 - horizontal_spacing * (ncol - 1)) / ncol
    height = (1.0 - vertical_spacing * (nrow - 1)) / nrow
    widths, heights = [width] * ncol, [height] * nrow
    layout: dict = {}
    notes: list[dict] = []
    for r in range(nrow):
        # make_subplots walks the rows bottom up from y = 0 (its row_dir = -1).
        below = nrow - 1 - r
        y_lo = sum(heights[:below]) + below * vertical_spacing
        y_hi = y_lo + heights[-1 - r]
        y_lo, y_hi = (min(max(v, 0.0), 1.0) for v in (y_lo, y_hi))  # its rounding near 0, 1
        for c in range(ncol):
            i = r * ncol + c + 1
            k = "" if i == 1 else str(i)
            x_lo = sum(widths[:c]) + c * horizontal_spacing
            x_hi = x_lo + widths[c]
            xaxis = {**_GRID, "domain": [x_lo, x_hi], "anchor": f"y{k}"}
            yaxis = {**_GRID, "domain": [y_lo, y_hi], "anchor": f"x{k}"}
            if shared_xaxes and r < nrow - 1:
                xaxis.update(matches=f"x{(nrow - 1) * ncol + c + 1}", showticklabels=False)
            if c > 0:
                yaxis.update(matches=f"y{r * ncol + 1 if r else ''}", showticklabels=False)
            layout[f"xaxis{k}"], layout[f"yaxis{k}"] = xaxis, yaxis
            if i <= len(titles) and titles[i - 1]:
                notes.append(
                    {
                        "y": y_hi,
                        "xref": "paper",
                        "x": (x_lo + x_hi) / 2.0,
                        "yref": "paper",
                        "text": titles[i - 1],
                        "showarrow": False,
                        "font": {"size": 13},
                        "xanchor": "center",
                        "yanchor": "bottom",
                    }
                )
    return layout, notes


def _axes(layout: dict, letter: str) -> list[dict]:
    """The ``letter`` (x or y) axes of a :func:`_subplot_grid` layout, panel by panel."""
    return [v for k, v in layout.items() if k.startswith(f"{letter}axis")]


def imbalance_scatter_figure(
    X: np.ndarray,
    labels: np.ndarray,
    panels: Sequence[
        tuple[str, str, tuple[float, float], float, tuple[np.ndarray, np.ndarray] | None]
    ],
    *,
    size_label: str = "",
    reference_x: float | None = 0.0,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 470,
    uirevision: str | None = None,
    columns: int | None = None,
) -> go.Figure:
    """The two classes in the plane, one panel per model with its decision boundary.

    Args:
      X: ``(n, 2)`` points to draw; labels: ``(n,)`` in {0, 1} (1 = the rare positives).
      panels: ``(name, colour, (w1, w2), b, sized)`` per model; the boundary
        w·x + b = 0 (p = 0.5) is drawn in ``colour``; ``sized`` is ``(diameters in
        px, values they show)`` (e.g. from the focal weight), or None for uniform points.
      size_label: the name of those values, for the hover text.
      reference_x: a dotted vertical reference at x₁ = this value (None: none).
      titles: the panels' titles (default: their names, which also label the
        boundaries in the legend); short ones keep three panels legible on a phone.
      columns: panels per row (default: all in one row); more panels wrap into rows.
      height: of one row of panels (the figure grows by that per extra row, less margins).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, 2) and labels (n,), got {X.shape} and {y.shape}")
    n_panels = len(panels)
    titles = [p[0] for p in panels] if titles is None else list(titles)
    if len(titles) != n_panels:
        raise ValueError(f"titles must have one entry per panel ({n_panels}), got {len(titles)}")
    ncol = n_panels if columns is None else max(1, min(int(columns), n_panels))
    nrow = -(-n_panels // ncol)
    height = height + (nrow - 1) * (height - 130)
    pad = 0.3
    box = (
        float(X[:, 0].min()) - pad,
        float(X[:, 0].max()) + pad,
        float(X[:, 1].min()) - pad,
        float(X[:, 1].max()) + pad,
    )
    # Widen the view (by at most one data span per side) so that each boundary's point
    # nearest the data centre is in it: a boundary beyond all points is still seen.
    centre = X.mean(axis=0)
    span_x, span_y = box[1] - box[0], box[3] - box[2]
    for _, _, w, b, _ in panels:
        wv = np.asarray(w, dtype=np.float64)
        nn = float(wv @ wv)
        if nn == 0.0:
            continue
        near = centre - (float(wv @ centre) + b) * wv / nn
        if box[0] - span_x <= near[0] <= box[1] + span_x:
            box = (min(box[0], near[0] - 0.5), max(box[1], near[0] + 0.5), *box[2:])
        if box[2] - span_y <= near[1] <= box[3] + span_y:
            box = (*box[:2], min(box[2], near[1] - 0.5), max(box[3], near[1] + 0.5))
    kind = "scattergl" if X.shape[0] > 1000 else "scatter"
    pos = y == 1.0
    # Negatives first, positives on top: the rare class must never be hidden.
    classes = (
        (f"negatives (y = 0, {int((~pos).sum())} shown)", ~pos, NEGATIVE_COLOUR, 0.45),
        (f"positives (y = 1, {int(pos.sum())} shown)", pos, POSITIVE_COLOUR, 0.9),
    )
    # The points' coordinates are the same in every panel: converted once.
    xy = [(f32(X[sel, 0]), f32(X[sel, 1])) for _, sel, _, _ in classes]
    layout, notes = _subplot_grid(
        nrow,
        ncol,
        horizontal_spacing=0.03,
        vertical_spacing=min(0.3, 60 / height) if nrow > 1 else 0.0,
        shared_xaxes=True,
        titles=titles,
    )
    data: list[dict] = []
    for i, (name, colour, w, b, sizes) in enumerate(panels):
        ax = i + 1
        on = {"xaxis": f"x{'' if ax == 1 else ax}", "yaxis": f"y{'' if ax == 1 else ax}"}
        for (cname, sel, ccolour, alpha), (px, py) in zip(classes, xy, strict=True):
            # Sized points overlap more: draw them lighter.
            opacity = alpha if sizes is None else 0.6 * alpha
            hover = "x₁ = %{x:.2f}<br>x₂ = %{y:.2f}"
            trace = {"type": kind, "x": px, "y": py, "mode": "markers", "name": cname,
                     "legendgroup": cname, "showlegend": ax == 1}  # fmt: skip
            if sizes is None:
                size = 4.0 if X.shape[0] > 1000 else 6.0
            else:
                size = f32(np.asarray(sizes[0], dtype=np.float64)[sel])
                trace["customdata"] = f32(np.asarray(sizes[1], dtype=np.float64)[sel])
                hover += f"<br>{size_label} = %{{customdata:.3g}}"
            trace["marker"] = {"size": size, "color": ccolour, "opacity": opacity,
                               "line": {"width": 0}}  # fmt: skip
            trace["hovertemplate"] = hover + f"<extra>{cname.split(' (')[0]}</extra>"
            data.append({**trace, **on})
        seg = _boundary_segment(w, b, box)
        if seg is not None:
            data.append(
                {
                    "type": "scatter",
                    "x": f32(seg[0]),
                    "y": f32(seg[1]),
                    "mode": "lines",
                    "name": f"{name}: p = 0.5",
                    # The panel's title says whose boundary it is: out of the legend, which
                    # then holds three entries, not six (too many rows for a phone).
                    "showlegend": False,
                    "line": {"color": colour, "width": 3.5},
                    "hoverinfo": "skip",
                    **on,
                }
            )
        else:
            side = "positive" if float(np.dot(w, centre)) + b >= 0 else "negative"
            where = (
                "w = 0: no boundary at all"
                if float(w[0]) == 0.0 and float(w[1]) == 0.0
                else "p = 0.5 boundary far outside"
            )
            notes.append(
                {
                    "text": f"{where}:<br>every point here<br>is predicted {side}",
                    "x": 0.5,
                    "y": 0.02,
                    "xref": f"{on['xaxis']} domain",
                    "yref": f"{on['yaxis']} domain",
                    "showarrow": False,
                    "font": {"size": 12, "color": colour},
                }
            )
        if reference_x is not None:
            data.append(
                {
                    "type": "scatter",
                    "x": f32([reference_x, reference_x]),
                    "y": f32([box[2], box[3]]),
                    "mode": "lines",
                    "name": f"x₁ = {reference_x:g}: midway between the class means",
                    "legendgroup": "reference",
                    "showlegend": ax == 1,
                    "line": {"color": MARKER_COLOUR, "width": 1.5, "dash": "dot"},
                    "hoverinfo": "skip",
                    **on,
                }
            )
    for axis in _axes(layout, "x"):
        axis["range"] = [float(box[0]), float(box[1])]
    for axis in _axes(layout, "y"):
        axis["range"] = [float(box[2]), float(box[3])]
    for c in range(ncol):  # the bottom row's x axes, the first column's y axes
        i = (nrow - 1) * ncol + c + 1
        layout[f"xaxis{'' if i == 1 else i}"]["title"] = {"text": "x₁"}
    for r in range(nrow):
        i = r * ncol + 1
        layout[f"yaxis{'' if i == 1 else i}"]["title"] = {"text": "x₂"}
    top = 60 if title else 40
    legend, bottom = _legend_below(2 + (reference_x is not None), height, top)
    layout.update(
        annotations=notes,
        hovermode="closest",
        legend=legend,
        margin={"l": 85, "r": 20, "t": top, "b": bottom},
    )
    return _figure(data, layout, title=title, height=height, uirevision=uirevision)


def probability_histograms_figure(
    panels: Sequence[tuple[str, np.ndarray, np.ndarray, Sequence[tuple[float, str]]]],
    *,
    x_mode: str = "p",
    bins: int = 40,
    height: int = 380,
    uirevision: str | None = None,
    columns: int | None = None,
    x_title: str | None = None,
) -> go.Figure:
    """Histograms of the predicted score of each class, one panel per model.

    Each class is normalised to 100 % on its own, so a class of 20 examples is as
    visible as one of 20 000.

    Args:
      panels: ``(name, scores of positives, scores of negatives, [(threshold, label)])``.
      x_mode: ``"p"`` (probabilities on [0, 1]) or ``"logit"`` (any real scores; the
        bins span all panels).
      bins: number of equal-width bins.
      columns: panels per row (default: all in one row); height is per row.
      x_title: the x axis's title (default: by ``x_mode``; margin losses' scores are
        decision values, not logits).
    """
    if x_mode not in ("p", "logit"):
        raise ValueError(f"x_mode must be 'p' or 'logit', got {x_mode!r}")
    arrays = [
        (np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)) for _, a, b, _ in panels
    ]
    if x_mode == "p":
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        allv = np.concatenate([np.r_[a, b] for a, b in arrays])
        lo, hi = np.percentile(allv, [0.5, 99.5]) if allv.size else (-1.0, 1.0)
        lo, hi = float(min(lo, -1.0)), float(max(hi, 1.0))
        edges = np.linspace(lo, hi, bins + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    width = float(edges[1] - edges[0])
    ncol = len(panels) if columns is None else max(1, min(int(columns), len(panels)))
    nrow = -(-len(panels) // ncol)
    height = height + (nrow - 1) * (height - 130)
    layout, notes = _subplot_grid(
        nrow,
        ncol,
        vertical_spacing=min(0.3, 90 / height) if nrow > 1 else 0.0,
        # Room between panels, so that one panel's last x tick never runs into the
        # next one's first (``1`` and ``0`` read "10" on a phone at 0.03).
        horizontal_spacing=0.07,
        shared_xaxes=False,
        titles=[p[0] for p in panels],
    )
    x_centres = f32(centres)
    data: list[dict] = []
    shapes: list[dict] = []
    for ax, ((_name, _, _, lines), (pos, neg)) in enumerate(zip(panels, arrays, strict=True), 1):
        xref, yref = f"x{'' if ax == 1 else ax}", f"y{'' if ax == 1 else ax}"
        for cname, vals, colour in (
            ("negatives (y = 0)", neg, NEGATIVE_COLOUR),
            ("positives (y = 1)", pos, POSITIVE_COLOUR),
        ):
            # Values beyond the outer bins are counted in them (clipped), so every
            # example is in exactly one bar and each class sums to 100 %.
            counts, _ = np.histogram(np.clip(vals, edges[0], edges[-1]), bins=edges)
            pct = 100.0 * counts / max(vals.size, 1)
            data.append(
                {
                    "type": "bar",
                    "x": x_centres,
                    "y": f32(pct),
                    "width": width,
                    "name": cname,
                    "legendgroup": cname,
                    "showlegend": ax == 1,
                    "marker": {"color": colour, "line": {"width": 0}},
                    "opacity": 0.65,
                    "hovertemplate": "%{x:.3f}: %{y:.1f} % of the class<extra>"
                    + cname
                    + "</extra>",
                    "xaxis": xref,
                    "yaxis": yref,
                }
            )
        for i, (t, label) in enumerate(sorted(lines)):
            # Labels right of their line (left of it near the right edge), one row lower
            # per line, so two close thresholds never print over each other.
            anchor = "left" if t < edges[0] + 0.8 * (edges[-1] - edges[0]) else "right"
            shapes.append(
                {
                    "type": "line",
                    "x0": t,
                    "x1": t,
                    "xref": xref,
                    "y0": 0,
                    "y1": 1,
                    "yref": f"{yref} domain",
                    "line": {"color": "#555555", "dash": "dot", "width": 1.5},
                }
            )
            notes.append(
                {
                    "x": t,
                    "y": 1.0,
                    "xref": xref,
                    "yref": f"{yref} domain",
                    "text": label,
                    "showarrow": False,
                    "yanchor": "top",
                    "xanchor": anchor,
                    "xshift": 3 if anchor == "left" else -3,
                    "yshift": -15 * i,
                    "font": {"size": 11},
                }
            )
    if x_title is None:
        x_title = "predicted probability p" if x_mode == "p" else "logit z = w·x + b"
    for axis in _axes(layout, "x"):
        axis["range"] = [float(edges[0]), float(edges[-1])]
    # One x title under the middle panel of the last row: the axes are the same, and
    # three copies overlap each other once the panels are narrower than the title.
    i = (nrow - 1) * ncol + (ncol + 1) // 2
    layout[f"xaxis{'' if i == 1 else i}"]["title"] = {"text": x_title}
    for r in range(nrow):
        i = r * ncol + 1
        layout[f"yaxis{'' if i == 1 else i}"]["title"] = {"text": "% of the class"}
    legend, bottom = _legend_below(2, height, 40)
    layout.update(
        barmode="overlay",
        bargap=0,
        shapes=shapes,
        annotations=notes,
        hovermode="closest",
        legend=legend,
        margin={"l": 85, "r": 20, "t": 40, "b": bottom},
    )
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)


def reliability_figure(
    curves: Sequence[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]],
    *,
    bounds: Sequence[tuple[float, str]] = (),
    height: int = 420,
    uirevision: str | None = None,
) -> go.Figure:
    """A reliability diagram: observed frequency of positives against predicted p.

    Args:
      curves: ``(name, colour, mean predicted p per bin, observed share of positives per
        bin, examples per bin)``; empty bins are left out by the caller.
      bounds: vertical dotted lines ``(p, label)`` (e.g. label smoothing's ε/2 and 1 − ε/2).
    """
    data: list[dict] = [
        {
            "type": "scatter",
            "x": f32([0.0, 1.0]),
            "y": f32([0.0, 1.0]),
            "mode": "lines",
            "name": "calibrated: observed = predicted",
            "line": {"color": MARKER_COLOUR, "width": 1.5, "dash": "dash"},
            "hoverinfo": "skip",
        }
    ]
    for name, colour, mean_p, observed, count in curves:
        count = np.asarray(count, dtype=np.float64)
        size = 5.0 + 11.0 * np.sqrt(count / max(float(count.max(initial=1.0)), 1.0))
        data.append(
            {
                "type": "scatter",
                "x": f32(mean_p),
                "y": f32(observed),
                "mode": "lines+markers",
                "name": name,
                "customdata": f32(count),
                "line": {"color": colour, "width": 2.5},
                "marker": {"color": colour, "size": f32(size)},
                "hovertemplate": (
                    "mean p = %{x:.3f}<br>observed = %{y:.3f}<br>%{customdata:.0f} examples"
                    f"<extra>{name}</extra>"
                ),
            }
        )
    shapes, notes = [], []
    for i, (p, label) in enumerate(sorted(bounds)):
        shapes.append(
            {
                "type": "line",
                "x0": p,
                "x1": p,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": "#555555", "dash": "dot", "width": 1.5},
            }
        )
        notes.append(
            {
                "x": p,
                "y": 1.0,
                "xref": "x",
                "yref": "y domain",
                "text": label,
                "showarrow": False,
                "yanchor": "top",
                "xanchor": "left" if p < 0.8 else "right",
                "xshift": 3 if p < 0.8 else -3,
                "yshift": -15 * i,
                "font": {"size": 11},
            }
        )
    legend, bottom = _legend_below(1 + len(curves), height, 20)
    layout = {
        "xaxis": {
            **_GRID,
            "title": {"text": "mean predicted probability p in the bin"},
            "range": [0.0, 1.0],
        },
        "yaxis": {**_GRID, "title": {"text": "observed share of positives"}, "range": [0.0, 1.0]},
        "shapes": shapes,
        "annotations": notes,
        "hovermode": "closest",
        "legend": legend,
        "margin": {"l": 85, "r": 20, "t": 20, "b": bottom},
    }
    return _figure(data, layout, title=None, height=height, uirevision=uirevision)
