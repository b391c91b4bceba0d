"""The Explore page: one loss as formula, curve, gradient and surface, driven by sliders.

Everything generic comes from the registry (a new loss appears here with no view
code): the axes, the family drawn behind a curve (focal's γ of Lin et al. Fig. 1),
named presets. The few lesson-specific panels (the two KL directions, Bradley–Terry's
preference probability) are in :func:`_extras`.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from lossviz import figures, registry
from lossviz.registry import FAMILIES, REGISTRY, LossSpec, Param
from lossviz.views import scrub
from lossviz.views.camera import keep_3d_camera
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, decimals, fmt
from lossviz.views.level_line import show_level

CURVE_POINTS = 801
SURFACE_POINTS = 160  # ≤ 200×200 (DESIGN.md); 160² float32 keeps a move < 200 KB


def _all_params(spec: LossSpec) -> tuple[Param, ...]:
    return spec.sliders


def _frozen(values: dict) -> tuple:
    """Widget values as a small hashable cache key."""
    return tuple(sorted(values.items()))


def _grid(spec: LossSpec, axis: str, n: int = CURVE_POINTS) -> np.ndarray:
    return np.linspace(*spec.curve.axis(axis).range, n)


@st.cache_data(max_entries=512, show_spinner=False)
def curve_arrays(key: str, values: tuple, axis: str, n: int = CURVE_POINTS):
    """x, branches ``(name, loss, grad)`` and markers of the curve view (pure; cached)."""
    spec = REGISTRY[key]
    params = dict(values)
    x = _grid(spec, axis, n)
    # Every marker, those outside the axis too (drawn invisible): the scrub bar moves
    # marker k of the figure by index, and a marker may enter the range during a drag.
    markers = registry.markers(spec, params, axis, clip=False)
    return x, registry.curve(spec, params, x, axis), markers


@st.cache_data(max_entries=64, show_spinner=False)
def drag_family(key: str, values: tuple, name: str, grid: tuple, axis: str):
    """The curve at every value of slider ``name``'s grid on DRAG_POINTS points (the
    scrub bar's frames; cached: KL's and JS's take 0.5–3.7 s, a sum over 1,601 grid
    points for each of 201 × 81 pairs; ≤ 64 × 0.5 MB)."""
    spec = REGISTRY[key]
    xd = np.linspace(*spec.curve.axis(axis).range, DRAG_POINTS)
    return registry.family(spec, dict(values), name, np.asarray(grid), xd, axis)


@st.cache_data(max_entries=256, show_spinner=False)
def family_arrays(key: str, values: tuple, axis: str, n: int = CURVE_POINTS):
    """The members of the spec's family drawn behind its curve (focal's γ of Lin et al.
    Fig. 1, Barron's named α): its first branch at each member's value but the current
    one, in one call of the loss with a broadcast parameter."""
    params = dict(values)
    spec = REGISTRY[key]
    fam = spec.curve.family
    p = next(q for q in spec.sliders if q.name == fam.param)
    names = fam.names or tuple(f"{p.symbol} = {fmt(v, p.step)}" for v in fam.values)
    members = [
        (name, v)
        for name, v in zip(names, fam.values, strict=True)
        if params.get(fam.param) is None or abs(v - params[fam.param]) > 1e-9
    ]
    if not members:
        return []
    vals = [v for _, v in members]
    _, loss, grad = registry.family(spec, params, fam.param, vals, _grid(spec, axis, n), axis)[0]
    # On the curve, "α = −2": the legend carries the full name ("Geman–McClure (α = −2)").
    return [
        (name, loss[i], grad[i], f"{p.symbol} = {fmt(v, p.step)}")
        for i, (name, v) in enumerate(members)
    ]


# 48, not more: an entry is ~620 KB (a 160² surface in float64 with its axes), so 48 hold
# ~30 MB (tests/test_cache_bytes.py bounds every cache in bytes).
@st.cache_data(max_entries=48, show_spinner=False)
def surface_arrays(key: str, values: tuple, n: int = SURFACE_POINTS):
    """Axes and loss values of the surface view (float64 here; float32 on the wire)."""
    spec = REGISTRY[key]
    x = np.linspace(*spec.surface.x_range, n)
    y = np.linspace(*spec.surface.y_range, n)
    return x, y, registry.surface(spec, dict(values), x, y)


def _presets(state: UrlState, p: Param, key: str) -> None:
    """Named values of ``p`` (Barron's "Cauchy (α = 0)") as pills that set its slider."""
    pick = f"explore.{key}.{p.name}.preset"

    def apply() -> None:
        chosen = st.session_state.get(pick)
        st.session_state[pick] = None  # a pill is an action, not a state
        value = dict(p.presets).get(chosen)
        if value is None:
            return
        if p.special is not None:
            st.session_state[UrlState.widget_key("explore", key, f"{p.name}_{p.special[0]}")] = (
                value == p.special[2]
            )
        if p.special is None or value != p.special[2]:
            st.session_state[UrlState.widget_key("explore", key, p.name)] = float(value)

    st.sidebar.pills(
        f"{p.symbol}: named cases",
        [name for name, _ in p.presets],
        key=pick,
        on_change=apply,
        help=f"Set {p.symbol} to a named case.",
    )


def _param_line(spec: LossSpec, values: dict, skip: str | None = None) -> str:
    parts = []
    for p in _all_params(spec):
        if p.name == skip or p.name not in values:
            continue
        v = values[p.name]
        parts.append(f"{p.symbol} = {fmt(v, p.step)}" if v is not None else f"{p.symbol}: off")
    return " · ".join(parts)


def _learn_card(spec: LossSpec, values: dict) -> None:
    with st.container(border=True):
        st.markdown(f"#### Learn: {spec.title}")
        left, right = st.columns(2)
        with left:
            st.markdown("**When to use it**")
            st.markdown(spec.when_to_use)
            st.markdown("**Pitfalls**")
            st.markdown("\n".join(f"- {p}" for p in spec.pitfalls))
        with right:
            props = spec.properties
            rows = [f"| {title} | {cell} |" for title, cell in props.cells(values).items()]
            st.markdown(f"**Properties** (at {_param_line(spec, values) or 'these inputs'})")
            st.markdown(
                "\n".join(
                    ["| property | |", "|---|---|", *rows, f"| typical use | {props.typical_use} |"]
                )
            )
            st.markdown("**Inputs**")
            st.markdown(
                "\n".join(
                    f"- `{i.name}` ({i.symbol}): {i.meaning}; domain "
                    f"[{_bound(i.domain[0])}, {_bound(i.domain[1])}]"
                    for i in spec.inputs
                )
            )
            st.markdown("**References**")
            st.markdown(
                "\n".join(
                    f"- {r.authors} ({r.year}). *{r.title}*. {r.venue}."
                    + (f" [link]({r.url})" if r.url else "")
                    for r in spec.references
                )
            )


def _bound(v: float) -> str:
    return "∞" if v == np.inf else ("−∞" if v == -np.inf else f"{v:g}")


def _significant(v: float) -> str:
    """At least four significant digits, trailing zeros kept (1.500, 0.001054)."""
    if not np.isfinite(v):
        return "+∞" if v > 0 else ("−∞" if v < 0 else "undefined")
    return f"{v:#.4g}".rstrip(".") if v != 0 else "0"


def _probe_readout(spec: LossSpec, params: dict, axis: str, x0: float, names) -> None:
    """Value and gradient of each branch at the probe x₀: the loss evaluated there."""
    at_x0 = registry.curve(spec, params, np.array([x0]), axis)
    grad = spec.curve.axis(axis).grad_label
    cols = st.columns(max(1, len(at_x0)))
    for col, name, (_, loss, g) in zip(cols, names, at_x0, strict=True):
        lv, gv = float(loss[0]), float(g[0])
        col.metric(
            name,
            _significant(lv),
            f"{'+' if gv > 0 else ''}{_significant(gv)}",
            delta_color="off",
            delta_arrow="off" if gv == 0 or not np.isfinite(gv) else "auto",
            delta_description=f"slope {grad}",
        )


def probe_axis(spec: LossSpec, axis: str) -> tuple[float, float, float, float]:
    """(min, max, step, default) of the probe slider: round values only.

    Multiples of the step inside the axis's range (0.01, 0.02, …, 0.99 on a
    probability axis), so a link the app writes always holds a value on the step.
    """
    ax = spec.curve.axis(axis)
    lo, hi = ax.range
    step = ax.step or (0.01 if hi - lo <= 2 else 0.05)
    first = math.ceil(round(lo / step, 9)) * step
    last = math.floor(round(hi / step, 9)) * step
    default = ax.probe if ax.probe is not None else lo + 0.75 * (hi - lo)
    default = round(default / step) * step
    nd = decimals(step)
    return round(first, nd), round(last, nd), step, round(min(max(default, first), last), nd)


def _curve_title(spec: LossSpec, values: dict) -> str:
    return f"{spec.title} — {_param_line(spec, values) or 'no hyperparameters'}"


_SHAPE_KEYS = ("x0", "x1", "visible")
_LABEL_KEYS = ("x", "text", "xanchor", "xshift", "yshift", "visible")


def _flat_marks(x: np.ndarray, markers, offset: int) -> dict:
    """The marker shapes and labels of a curve figure as flat layout paths (for frames).

    ``offset``: labels before the markers' in the figure's annotations (a family's)."""
    shapes, labels = figures.curve_marks(x, markers)
    flat = {f"shapes[{k}].{a}": sh[a] for k, sh in enumerate(shapes) for a in _SHAPE_KEYS}
    for k, lab in enumerate(labels):
        for a in _LABEL_KEYS:
            flat[f"annotations[{offset + k}].{a}"] = lab[a]
    return flat


def _probe_frames(control, x, markers, background, revision) -> scrub.Frames:
    """The probe's line and label at every probe value (the curves do not change)."""
    grid = control.grid
    step = control.step
    layouts = [
        _flat_marks(x, [*markers, (v, f"x₀ = {fmt(v, step)}")], len(background)) for v in grid
    ]
    chart = scrub.ChartFrames(revision=revision, layout=scrub.varying(layouts))
    return scrub.Frames(values=grid, charts=[chart])


def _param_frames(
    spec: LossSpec,
    p: Param,
    control,
    values: dict,
    axis: str,
    *,
    probe: tuple[float, str],
    background: list,
    revision: str,
    show_family: bool,
) -> scrub.Frames:
    """The curve at every value of ``p``'s slider: one call of the loss with ``p``
    broadcast (:func:`lossviz.registry.family`), and the title, legend and markers
    that go with each value."""
    grid = control.grid
    ax = spec.curve.axis(axis)
    xd = np.linspace(*ax.range, DRAG_POINTS)
    fam = drag_family(spec.key, tuple(sorted(values.items())), p.name, tuple(grid), axis)
    nbg = len(background)
    traces: list = []
    for b, (_, loss, grad) in enumerate(fam):
        traces += [(2 * nbg + 2 * b, loss), (2 * nbg + 2 * b + 1, grad)]
    x = _grid(spec, axis)
    fp = next(q for q in spec.sliders if q.name == spec.curve.family.param) if show_family else None
    layouts = []
    for v in grid:
        member = {**values, p.name: float(v)}
        lay = {"title.text": _curve_title(spec, member)}
        markers = registry.markers(spec, member, axis, clip=False)
        lay.update(_flat_marks(x, [*markers, probe], nbg))
        full = {**registry.defaults(spec), **member}
        for b, branch in enumerate(registry.branches(spec, ax)):
            name = branch.title(full)
            if fp is not None:
                name = f"{name}, {fp.symbol} = {fmt(member[fp.name], fp.step)}"
            lay[f"name{2 * nbg + 2 * b}"] = name
        layouts.append(lay)
    varying = scrub.varying(layouts)
    names = {int(k[4:]): vals for k, vals in varying.items() if k.startswith("name")}
    layout = {k: vals for k, vals in varying.items() if not k.startswith("name")}
    chart = scrub.ChartFrames(
        revision=revision,
        x0=float(xd[0]),
        dx=float(xd[1] - xd[0]),
        points=xd.size,
        traces=traces,
        layout=layout,
        names=names,
        x1=float(xd[-1]),
    )
    level = None
    if p.name == spec.surface.y_param:
        level = (f"{spec.key}.surface", f"current {p.symbol} = {{v}}")
    return scrub.Frames(values=grid, charts=[chart], level=level)


SCRUB = "explore.scrub"
DRAG_POINTS = 201  # points per curve while a slider is dragged (801 again on release)


def render() -> None:
    state = UrlState("explore")
    commit, want = scrub.states(SCRUB)
    if commit is not None and commit.get("name") in st.session_state:
        # The scrub bar's names are the values' session keys (see UrlState.number).
        st.session_state[commit["name"]] = commit["value"]
    keys = sorted(REGISTRY, key=lambda k: FAMILIES.index(REGISTRY[k].family))
    key = state.select(
        "loss",
        "Loss",
        keys,
        default="huber",
        format_func=lambda k: f"{REGISTRY[k].title}  ·  {REGISTRY[k].family}",
        help="Every loss of the registry; its sliders are beside the chart.",
    )
    spec = REGISTRY[key]

    st.sidebar.markdown("**View**")
    axes = spec.curve.axes
    x_mode = axes[0].key
    if len(axes) > 1:
        titles = {a.key: a.title or a.key for a in axes}
        x_mode = state.select(
            "x",
            "x axis",
            [a.key for a in axes],
            default=x_mode,
            format_func=titles.get,
            scope=key,
            radio=True,
        )
    ax = spec.curve.axis(x_mode)
    fam = spec.curve.family
    show_family = False
    if fam is not None:
        show_family = state.toggle(
            "family",
            fam.title,
            default=True,
            scope=key,
            help="Draw these members behind the current curve, each in its own colour.",
        )
    three_d = state.toggle("3d", "3-D surface", default=False, help="Rotate with the mouse.")
    for p in spec.params:
        if p.presets:
            _presets(state, p, key)

    # --- header ---------------------------------------------------------------------
    st.title(spec.title)
    st.markdown(f"*{spec.one_liner}*")

    # The curve and the sliders that drive it first (on a 1280×720 projector they are
    # in view without scrolling; on a phone they come right after the title); the
    # formulas head the other column, scaled to fit it (lossviz/views/layout.py).
    left, right = st.columns([11, 9], gap="medium")
    with right:
        st.caption("Loss")
        st.latex(spec.latex)
        st.caption("Gradient")
        st.latex(spec.grad_latex)
    with left:
        # The sliders sit beside the chart they drive (the scrub bar below); the toggles
        # of an optional value (focal's α) or an out-of-range one (α = −∞) above it.
        toggles = st.container()
        scrubbed: list = []
        values: dict = {}
        for p in spec.sliders:
            values[p.name] = state.param(p, scope=key, container=toggles, scrub=scrubbed)
        probe_lo, probe_hi, probe_step, probe_default = probe_axis(spec, x_mode)
        x0, x0_key = state.number(
            "x0",
            min_value=probe_lo,
            max_value=probe_hi,
            default=probe_default,
            step=probe_step,
            scope=f"{key}.{x_mode}",
        )
        bar = st.container()  # the values are on the bar and in the chart's title

        frozen = _frozen(values)
        x, branches, markers = curve_arrays(key, frozen, x_mode)
        background = family_arrays(key, frozen, x_mode) if show_family else []
        if show_family:  # name the highlighted curve's member too: "…, γ = 2.0"
            fp = next(q for q in spec.sliders if q.name == fam.param)
            here = f"{fp.symbol} = {fmt(values[fp.name], fp.step)}"
            branches = [(f"{name}, {here}", lo_, g_) for name, lo_, g_ in branches]
        probe_marker = (x0, f"x₀ = {fmt(x0, probe_step)}")
        curve_rev = f"{key}.{x_mode}"
        fig = figures.curve_figure(
            x,
            branches,
            x_label=ax.label,
            markers=[*markers, probe_marker],
            background=background,
            grad_label=ax.grad_label,
            loss_label=spec.curve.loss_label,
            title=_curve_title(spec, values),
            uirevision=curve_rev,
            colours=figures.branch_colours(key, len(branches)),  # the loss's on every page
        )
        chart(fig, "explore.curve")
        _probe_readout(spec, dict(frozen), x_mode, x0, [name for name, _, _ in branches])

        # --- the scrub bar: every slider of the view, the charts follow a drag ----------
        controls = [
            scrub.Control(
                name=skey,
                label=f"{p.symbol} ({p.name})",
                min=p.min,
                max=p.max,
                step=p.step,
                value=value,
                valuetext=f"{p.symbol} = {{v}}",
            )
            for p, value, skey in scrubbed
        ]
        controls.append(
            scrub.Control(
                name=x0_key,
                label=f"probe x₀: {ax.symbol}",
                min=probe_lo,
                max=probe_hi,
                step=probe_step,
                value=x0,
                valuetext="x₀ = {v}",
            )
        )
        view = (key, x_mode, show_family)
        # A parameter's frames carry the probe's marker: x₀ is part of their context.
        contexts = {
            c.name: scrub.context_of(view, {k: v for k, v in values.items() if k != p.name}, x0)
            for c, (p, _, _) in zip(controls, scrubbed, strict=False)
        }
        contexts[x0_key] = scrub.context_of(view, frozen)
        frames = {}
        if want is not None and want.get("name") in contexts:
            name = want["name"]
            if want.get("context") == contexts[name]:
                by_key = {
                    skey: (p, c) for (p, _, skey), c in zip(scrubbed, controls[:-1], strict=True)
                }
                if name == x0_key:
                    frames[name] = _probe_frames(controls[-1], x, markers, background, curve_rev)
                else:
                    p, c = by_key[name]
                    frames[name] = _param_frames(
                        spec, p, c, values, x_mode, probe=probe_marker, background=background,
                        revision=curve_rev, show_family=show_family,
                    )  # fmt: skip
        with bar:
            scrub.scrub_bar(SCRUB, controls, contexts=contexts, frames=frames)
    with right:
        # The surface does not depend on the parameter that is its y axis: leave that
        # parameter out of its inputs and title so that moving it leaves the figure as
        # it is (no new chart in the browser), and mark its value with show_level.
        s = spec.surface
        on_map = registry.surface_params(spec, values)
        sx, sy, sz = surface_arrays(key, _frozen(on_map))
        zmax = None if s.log_colour else _robust_zmax(sz)
        others = _param_line(spec, on_map, skip=s.y_param)
        revision = f"{key}.surface"
        # A 3-D scene clips long axis titles: it gets the symbols, and a caption the names.
        short = three_d and s.x_short and s.y_short
        fig = figures.surface_figure(
            sx,
            sy,
            sz,
            x_label=s.x_short if short else s.x_label,
            y_label=s.y_short if short else s.y_label,
            z_label=s.z_label,
            three_d=three_d,
            zmax=zmax,
            log_colour=s.log_colour,
            equal_axes=s.equal_axes,
            title=spec.title + (f"<br>{others}" if others else ""),
            uirevision=revision,
        )
        chart(fig, "explore.surface")
        level = _hline(spec, values)
        if three_d:
            keep_3d_camera()
            if short:
                st.caption(f"x: {s.x_label} · y: {s.y_label} · z: {s.z_label}")
        elif level is not None:
            show_level(revision, *level)
        if not np.isfinite(sz).all():
            st.info(
                "Part of this surface is +∞: there the loss is infinite by definition "
                "(shown as a gap)."
            )
        if s.log_colour:
            st.caption(
                "Colour on a log scale (decades of the loss), so the easy examples' tiny "
                "losses show; hover shows log₁₀ of the loss."
            )
        if zmax is not None and zmax < np.nanmax(np.where(np.isfinite(sz), sz, np.nan)):
            st.caption(
                f"Colour scale capped at {zmax:.3g} (4× the median) so the low region keeps "
                "its detail; hover shows the true value."
            )

    _extras(key, spec, values, x0)
    _learn_card(spec, values)
    state.sync_url()


def _hline(spec: LossSpec, values: dict) -> tuple[float, str] | None:
    """The current value of the hyperparameter on the surface's y axis, if there is one."""
    name = spec.surface.y_param
    if name is None or values.get(name) is None or not np.isfinite(values[name]):
        return None  # off the map (Barron's α = −∞)
    p = next(p for p in _all_params(spec) if p.name == name)
    return float(values[name]), f"current {p.symbol} = {fmt(values[name], p.step)}"


def _robust_zmax(z: np.ndarray) -> float | None:
    """A colour-scale cap when a corner of extreme values would wash out the map.

    If the maximum exceeds 8× the median, cap at 4× the median (None: no cap).
    """
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return None
    med = float(np.median(finite))
    top = float(finite.max())
    return 4.0 * med if med > 0 and top > 8.0 * med else None


def _extras(key: str, spec: LossSpec, values: dict, x0: float) -> None:
    """Lesson-specific panels."""
    if key in ("kl_divergence", "js_divergence"):
        grid, p, q = registry.gaussian_pair(
            values["mu_p"], values["sigma_p"], x0, values["sigma_q"]
        )
        st.subheader("The two distributions at the probe μ_Q")
        # Framed to where the two hold their mass (±4σ around each mean); probability per
        # grid cell divided by the cell width is the density, in 1/(unit of x).
        lo = min(values["mu_p"] - 4 * values["sigma_p"], x0 - 4 * values["sigma_q"])
        hi = max(values["mu_p"] + 4 * values["sigma_p"], x0 + 4 * values["sigma_q"])
        inside = (grid >= lo) & (grid <= hi)
        dx = float(grid[1] - grid[0])
        fig = figures.distributions_figure(
            grid[inside],
            p[inside] / dx,
            q[inside] / dx,
            p_label=f"P = N({fmt(values['mu_p'], 0.1)}, {fmt(values['sigma_p'], 0.05)}²)",
            q_label=f"Q = N({fmt(x0, 0.05)}, {fmt(values['sigma_q'], 0.05)}²)",
            uirevision="kl.dist",
        )
        chart(fig, f"explore.{key}.dist")
        # The curves' own values at the probe (KL's two directions on the same scene), so
        # the readouts and the curves agree.
        kl = REGISTRY["kl_divergence"]
        (_, pq_, _), (_, qp_, _) = registry.curve(kl, values, np.array([x0]))
        pq, qp = float(pq_[0]), float(qp_[0])
        if key == "js_divergence":
            ((_, js_, _),) = registry.curve(spec, values, np.array([x0]))
            a, b, c = st.columns(3)
            a.metric("JS(P, Q), symmetric", _nats(float(js_[0])))
            b.metric("KL(P‖Q), forward", _nats(pq))
            c.metric("KL(Q‖P), reverse", _nats(qp))
            st.caption(
                "Jensen–Shannon compares each distribution with their average M = ½(P + Q): "
                "it is symmetric, never infinite, and at most ln 2 ≈ 0.693 nats (1 bit), "
                "reached when P and Q do not overlap, where both KL directions grow "
                "without bound."
            )
            return
        a, b, c = st.columns(3)
        a.metric("KL(P‖Q), forward", _nats(pq))
        b.metric("KL(Q‖P), reverse", _nats(qp))
        c.metric("difference", _nats(pq - qp) if np.isfinite(pq - qp) else "undefined")
        st.caption(
            "KL is not symmetric: forward KL(P‖Q) punishes Q for missing mass where P has "
            "it (mode covering); reverse KL(Q‖P) punishes Q for putting mass where P has "
            "none (mode seeking). Values in nats; divide by ln 2 ≈ 0.693 for bits."
        )
    elif key == "bradley_terry":
        # Both numbers are the curve's branches at the probe (the loss and σ(Δr)), and
        # e^(−loss) is σ(Δr − m): nothing here re-derives the formula.
        (_, loss, _), (_, prob, _) = registry.curve(spec, values, np.array([x0]))
        ell = float(loss[0])
        st.info(
            f"At Δr = {fmt(x0, 0.05)} the model says P(chosen ≻ rejected) = σ(Δr) = "
            f"{float(prob[0]):.4f}; with the margin m = {fmt(values['margin'], 0.1)} the "
            f"loss is −log σ(Δr − m) = −log {np.exp(-ell):.4f} = {_significant(ell)} nats."
        )


def _nats(v: float) -> str:
    if v == np.inf:
        return "+∞ (Q is 0 where P is not)"
    return f"{v:.4f} nats"
