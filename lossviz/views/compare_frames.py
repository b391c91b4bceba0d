"""What the Compare page's charts show at every value of a dragged slider (scrub frames).

The page's open view (overlay, ratio or side-by-side panels) is one or more Plotly
charts; while a slider of an entry, a shared input, the probe x₀ or the reference
x_ref is dragged, the scrub bar (:mod:`lossviz.views.scrub`) swaps their traces and
marker positions for the member at the dragged value. Every member is computed here
by the registry's terms (:func:`lossviz.compare.family`: one evaluation with the
parameter broadcast); ratios and normalisation are the same NumPy divisions the page
makes on release.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz import compare, figures
from lossviz.compare import Axis, Domain, Option
from lossviz.views import scrub
from lossviz.views.controls import fmt

DRAG_POINTS = 201  # points per curve while a slider moves (CURVE_POINTS again on release)


@dataclass
class Scene:
    """The Compare page as drawn in this run: what a frame must reproduce."""

    domain: str
    axis: str
    ax: Axis
    dom: Domain
    entries: list[tuple[Option, dict]]
    shared: dict
    labels: list[str]
    base: int
    norm: bool
    x_ref: float
    x0: float
    view: str
    log_ratio: bool
    x: np.ndarray  # the drawn grid (CURVE_POINTS)
    overlay: list[int]  # the entries drawn on the overlay, in trace order

    def shared_for(self, i: int) -> dict:
        return {k: self.shared[k] for k in self.entries[i][0].uses}

    def revision(self, what: str, i: int | None = None) -> str:
        base = f"{self.domain}.{self.axis}.{what}"
        if what == "ratio":
            base += f".{self.log_ratio}"
        return base if i is None else f"{base}.{i}"

    def markers(self, x0: float, x_ref: float | None = None) -> list[tuple[float, str]]:
        out = [(x0, f"x₀ = {fmt(x0, self.ax.step)}")]
        if self.norm:
            xr = self.x_ref if x_ref is None else x_ref
            out.append((xr, f"x_ref = {fmt(xr, self.ax.step)}"))
        return out


_SHAPE = ("x0", "x1", "visible")
_NOTE = ("x", "text", "xanchor", "xshift", "yshift", "visible")


def _flat(shapes: list[dict], notes: list[dict], note_offset: int = 0) -> dict:
    flat = {f"shapes[{k}].{a}": s[a] for k, s in enumerate(shapes) for a in _SHAPE}
    for k, n in enumerate(notes):
        for a in _NOTE:
            flat[f"annotations[{note_offset + k}].{a}"] = n[a]
    return flat


def _xd(scene: Scene) -> np.ndarray:
    return np.linspace(*scene.ax.range, DRAG_POINTS)


def _static(scene: Scene, i: int, xd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    opt, vals = scene.entries[i]
    return compare.evaluate(scene.domain, opt.id, xd, vals, scene.shared_for(i), scene.axis)


def _ref(scene: Scene, i: int, at: np.ndarray, name: str | None = None, grid=None) -> np.ndarray:
    """Entry i's loss at x_ref (an array of x_ref values, or at the fixed x_ref over a
    family of ``name``): the normaliser of the overlay."""
    opt, vals = scene.entries[i]
    if name is None:
        return compare.evaluate(scene.domain, opt.id, at, vals, scene.shared_for(i), scene.axis)[0]
    loss, _ = compare.family(
        scene.domain, opt.id, name, grid, at, vals, scene.shared_for(i), scene.axis
    )
    return loss[:, 0]


def _normalised(loss: np.ndarray, grad: np.ndarray, ref: np.ndarray):
    ref = np.asarray(ref, dtype=np.float64)[:, None]
    ok = np.isfinite(ref) & (ref != 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, loss / ref, np.nan), np.where(ok, grad / ref, np.nan)


def value_frames(
    scene: Scene, control: scrub.Control, name: str, movers: list[int]
) -> scrub.Frames:
    """Frames for a hyperparameter of one entry (``movers = [i]``) or a shared input of
    the domain (``movers`` = the entries that read it), on the open view."""
    grid = control.grid
    xd = _xd(scene)
    fam = {}
    for i in movers:
        opt, vals = scene.entries[i]
        fam[i] = compare.family(
            scene.domain, opt.id, name, grid, xd, vals, scene.shared_for(i), scene.axis
        )
    # Legend labels follow an entry's own hyperparameter ("A: Huber δ = 0.50").
    labels = {}
    for i in movers:
        opt, vals = scene.entries[i]
        if any(p.name == name for p in compare.hyperparams(opt)):
            labels[i] = [compare.entry_label(i, opt, {**vals, name: float(v)}) for v in grid]
    x0, dx = float(xd[0]), float(xd[1] - xd[0])
    charts: list[scrub.ChartFrames] = []
    if scene.view == "overlay":
        traces, names = [], {}
        for pos, i in enumerate(scene.overlay):
            if i not in fam:
                continue
            loss, grad = fam[i]
            if scene.norm:
                ref = _ref(scene, i, np.array([scene.x_ref]), name, grid)
                loss, grad = _normalised(loss, grad, ref)
            traces += [(2 * pos, loss), (2 * pos + 1, grad)]
            if i in labels:
                names[2 * pos] = labels[i]
                names[2 * pos + 1] = [f"{t} (gradient)" for t in labels[i]]
        charts.append(
            scrub.ChartFrames(
                scene.revision("overlay"), x0, dx, xd.size, traces, {}, names, float(xd[-1])
            )
        )
    elif scene.view == "ratio":

        def loss_of(k):
            return fam[k][0] if k in fam else _static(scene, k, xd)[0][None, :]

        den = loss_of(scene.base)
        traces, names, layout = [], {}, {}
        others = [k for k in range(len(scene.entries)) if k != scene.base]
        for pos, k in enumerate(others):
            if k not in fam and scene.base not in fam:
                continue
            r = compare.ratio(*np.broadcast_arrays(loss_of(k), den))
            if scene.log_ratio:
                r = np.where(r > 0.0, r, np.nan)
            traces.append((pos, np.broadcast_to(r, (grid.size, xd.size))))
            if k in labels:
                names[pos] = [f"{t} ÷ baseline" for t in labels[k]]
        if scene.base in labels:
            layout["yaxis.title.text"] = [f"ratio to {t}" for t in labels[scene.base]]
        charts.append(
            scrub.ChartFrames(
                scene.revision("ratio"), x0, dx, xd.size, traces, layout, names, float(xd[-1])
            )
        )
    elif scene.view == "panels":
        for i in movers:
            loss, grad = fam[i]
            layout = {}
            if i in labels:
                layout["annotations[0].text"] = labels[i]
            charts.append(
                scrub.ChartFrames(
                    scene.revision("panels", i),
                    x0,
                    dx,
                    xd.size,
                    [(0, loss), (1, grad)],
                    layout,
                    x1=float(xd[-1]),
                )
            )
    return scrub.Frames(values=grid, charts=charts)


def probe_frames(scene: Scene, control: scrub.Control) -> scrub.Frames:
    """Frames for the probe x₀: the marker lines and labels of the open view."""
    grid = control.grid
    charts = []
    if scene.view == "overlay":
        layouts = [
            _flat(*figures.compare_markers(scene.x, scene.markers(v), (("x", "y"), ("x2", "y2"))))
            for v in grid
        ]
        charts.append(scrub.ChartFrames(scene.revision("overlay"), layout=scrub.varying(layouts)))
    elif scene.view == "ratio":
        layouts = [
            _flat(
                *figures.compare_markers(
                    scene.x, [*scene.ax.markers, scene.markers(v)[0]], bottom=True
                )
            )
            for v in grid
        ]
        charts.append(scrub.ChartFrames(scene.revision("ratio"), layout=scrub.varying(layouts)))
    elif scene.view == "panels":
        for i in range(len(scene.entries)):
            layouts = [
                _flat(
                    figures.compare_markers(
                        scene.x, scene.markers(v)[:1], (("x", "y"), ("x2", "y2"))
                    )[0],
                    [],
                )
                for v in grid
            ]
            charts.append(
                scrub.ChartFrames(scene.revision("panels", i), layout=scrub.varying(layouts))
            )
    return scrub.Frames(values=grid, charts=charts)


def reference_frames(scene: Scene, control: scrub.Control) -> scrub.Frames:
    """Frames for x_ref (normalised overlay): every curve divided by its loss at x_ref."""
    grid = control.grid
    xd = _xd(scene)
    traces = []
    for pos, i in enumerate(scene.overlay):
        loss, grad = _static(scene, i, xd)
        ref = _ref(scene, i, grid)
        nl, ng = _normalised(loss[None, :], grad[None, :], ref)
        traces += [(2 * pos, nl), (2 * pos + 1, ng)]
    layouts = [
        _flat(
            *figures.compare_markers(
                scene.x, scene.markers(scene.x0, v), (("x", "y"), ("x2", "y2"))
            )
        )
        for v in grid
    ]
    ref_text = [f"ℓ({scene.ax.symbol} = {fmt(v, scene.ax.step)})" for v in grid]
    layout = scrub.varying(layouts)
    layout["yaxis.title.text"] = [f"ℓ / {t}" for t in ref_text]
    layout["yaxis2.title.text"] = [f"{scene.dom.grad_label} / {t}" for t in ref_text]
    chart = scrub.ChartFrames(
        scene.revision("overlay"),
        float(xd[0]),
        float(xd[1] - xd[0]),
        xd.size,
        traces,
        layout,
        x1=float(xd[-1]),
    )
    return scrub.Frames(values=grid, charts=[chart])
