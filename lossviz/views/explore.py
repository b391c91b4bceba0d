"""The Explore page: one loss as formula, curve, gradient and surface, driven by sliders.

Everything generic comes from the registry (a new loss appears here with no view
code); the few lesson-specific extras (the focal γ family of Lin et al. Fig. 1,
the probability axis for binary losses, the two KL directions) are marked below.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from lossviz import figures
from lossviz.registry import REGISTRY, LossSpec, Param
from lossviz.views.camera import keep_3d_camera
from lossviz.views.controls import UrlState, decimals, fmt
from lossviz.views.level_line import show_level

CURVE_POINTS = 801
SURFACE_POINTS = 160  # ≤ 200×200 (DESIGN.md); 160² float32 keeps a move < 200 KB
BINARY = ("binary_cross_entropy", "focal")  # losses of one logit: probability axis offered
FOCAL_FAMILY = (0.0, 0.5, 1.0, 2.0, 5.0)  # the γ values of Lin et al. 2017, Fig. 1
P_EDGE = 1e-3  # probability axis spans [P_EDGE, 1 − P_EDGE]: the logit is ±6.9 there

FAMILY_ORDER = ("regression", "classification", "divergence", "metric", "preference")


def _all_params(spec: LossSpec) -> tuple[Param, ...]:
    return (*spec.params, *spec.curve.scene)


def _frozen(values: dict) -> tuple:
    """Widget values as a small hashable cache key."""
    return tuple(sorted(values.items()))


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def curve_at(spec: LossSpec, params: dict, x_mode: str, x: np.ndarray):
    """The curve's branches ``(name, loss, grad)`` at the points ``x`` of the x axis.

    ``x`` is in the axis's own units: the spec's x variable, or a probability
    (``p``, ``p_t``) for the binary losses, evaluated at the matching logit. The
    gradient is always the spec's (∂ℓ/∂z on the probability axes). Used for the
    drawn grid and for the probe, so the readout is the loss at x₀ itself.
    """
    z = np.asarray(x, dtype=np.float64) if x_mode == "logit" else _logit(np.asarray(x, float))
    branches = spec.curve.evaluate(z, params)
    out = [(b.name, np.asarray(b.loss), np.asarray(b.grad)) for b in branches]
    if x_mode == "p_t":
        # On the p_t axis a negative (y = 0) with p = 1 − p_t has the same curve shape as a
        # positive, weighted by 1 − α instead of α: evaluate it at −z so the x axis is p_t.
        neg = spec.curve.evaluate(-z, params)
        out = [
            (f"positive (y = 1), {_alpha_t_label(params, True)}", out[0][1], out[0][2]),
            (f"negative (y = 0), {_alpha_t_label(params, False)}", neg[1].loss, -neg[1].grad),
        ]
    return out


@st.cache_data(max_entries=512, show_spinner=False)
def curve_arrays(key: str, values: tuple, x_mode: str, n: int = CURVE_POINTS):
    """x, branches and markers of the curve view (pure; cached by scalars)."""
    spec = REGISTRY[key]
    params = dict(values)
    lo, hi = spec.curve.x_range if x_mode == "logit" else (P_EDGE, 1.0 - P_EDGE)
    x = np.linspace(lo, hi, n)
    out = curve_at(spec, params, x_mode, x)
    markers = [(m.x, m.label) for m in spec.curve.markers(params)]
    if x_mode != "logit":
        markers = [(1.0 / (1.0 + np.exp(-mx)), label) for mx, label in markers]
    return x, out, markers


def _alpha_t_label(params: dict, positive: bool) -> str:
    alpha = params.get("alpha")
    if alpha is None:
        return "no α weighting"
    return f"α_t = {fmt(alpha if positive else 1.0 - alpha, 0.01)}"


@st.cache_data(max_entries=256, show_spinner=False)
def focal_family(values: tuple, x_mode: str, n: int = CURVE_POINTS):
    """The γ family behind the focal curve: the positive branch at the other γ values."""
    params = dict(values)
    spec = REGISTRY["focal"]
    lo, hi = spec.curve.x_range if x_mode == "logit" else (P_EDGE, 1.0 - P_EDGE)
    x = np.linspace(lo, hi, n)
    out = []
    for g in FOCAL_FAMILY:
        if abs(g - params["gamma"]) < 1e-9:
            continue
        _, loss, grad = curve_at(spec, {**params, "gamma": g}, x_mode, x)[0]
        out.append((f"γ = {fmt(g, 0.1)}", loss, grad))
    return out


@st.cache_data(max_entries=128, show_spinner=False)
def surface_arrays(key: str, values: tuple, n: int = SURFACE_POINTS):
    """Axes and loss values of the surface view (float64 here; float32 on the wire)."""
    spec = REGISTRY[key]
    s = spec.surface
    x = np.linspace(*s.x_range, n)
    y = np.linspace(*s.y_range, n)
    X, Y = np.meshgrid(x, y)
    return x, y, np.asarray(s.evaluate(X, Y, dict(values)), dtype=np.float64)


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


def _probe_readout(spec: LossSpec, params: dict, x_mode: str, x0: float, names) -> None:
    """Value and gradient of each branch at the probe x₀: the loss evaluated there."""
    at_x0 = curve_at(spec, params, x_mode, np.array([x0]))
    grad = spec.curve.grad_label if x_mode == "logit" else "∂ℓ/∂z"
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


def probe_axis(spec: LossSpec, x_mode: str) -> tuple[float, float, float, float]:
    """(min, max, step, default) of the probe slider: round values only.

    On a probability axis 0.01, 0.02, …, 0.99; elsewhere multiples of the step inside
    the curve's range. A link the app writes therefore always holds a value on the step.
    """
    if x_mode != "logit":
        default = 0.9 if x_mode == "p_t" else 0.75  # p_t = 0.9: Lin et al.'s example
        return 0.01, 0.99, 0.01, default
    lo, hi = spec.curve.x_range
    step = 0.01 if hi - lo <= 2 else 0.05
    first = math.ceil(round(lo / step, 9)) * step
    last = math.floor(round(hi / step, 9)) * step
    default = round((lo + 0.75 * (hi - lo)) / step) * step
    nd = decimals(step)
    return round(first, nd), round(last, nd), step, round(min(max(default, first), last), nd)


def render() -> None:
    state = UrlState("explore")
    keys = sorted(REGISTRY, key=lambda k: FAMILY_ORDER.index(REGISTRY[k].family))
    key = state.select(
        "loss",
        "Loss",
        keys,
        default="huber",
        format_func=lambda k: f"{REGISTRY[k].title}  ·  {REGISTRY[k].family}",
        help="Every loss of the registry; the sliders below are its parameters.",
    )
    spec = REGISTRY[key]

    values: dict = {}
    if spec.params:
        st.sidebar.markdown("**Hyperparameters**")
        for p in spec.params:
            values[p.name] = state.param(p, scope=key)
    if spec.curve.scene:
        st.sidebar.markdown("**Scene**")
        for p in spec.curve.scene:
            values[p.name] = state.param(p, scope=key)

    st.sidebar.markdown("**View**")
    x_mode = "logit"
    if key in BINARY:
        modes = ["logit", "p", "p_t"] if key == "focal" else ["logit", "p"]
        names = {"logit": "logit z", "p": "probability p = σ(z)", "p_t": "p_t (true class)"}
        x_mode = state.select(
            "x", "x axis", modes, default="logit", format_func=names.get, scope=key, radio=True
        )
    show_family = False
    if key == "focal":
        show_family = state.toggle(
            "family",
            "γ family of Lin et al. (Fig. 1)",
            default=True,
            scope=key,
            help="Draw γ ∈ {0, 0.5, 1, 2, 5} faintly behind the current γ.",
        )
    three_d = state.toggle("3d", "3-D surface", default=False, help="Rotate with the mouse.")

    probe_lo, probe_hi, probe_step, probe_default = probe_axis(spec, x_mode)
    x0 = state.slider(
        "x0",
        f"probe: {spec.curve.x_label if x_mode == 'logit' else x_mode}",
        min_value=probe_lo,
        max_value=probe_hi,
        default=probe_default,
        step=probe_step,
        scope=f"{key}.{x_mode}",
        help="Read the loss and its slope here; marked on the curve.",
    )

    # --- header ---------------------------------------------------------------------
    st.title(spec.title)
    st.markdown(f"*{spec.one_liner}*")
    # Stacked, full width: side by side, focal's formulas overflow their half of the page.
    st.caption("Loss")
    st.latex(spec.latex)
    st.caption("Gradient")
    st.latex(spec.grad_latex)
    if values:
        st.markdown(f"**Current values:** {_param_line(spec, values)}")

    frozen = _frozen(values)
    x, branches, markers = curve_arrays(key, frozen, x_mode)
    if x_mode == "logit":
        x_label = spec.curve.x_label
    elif x_mode == "p":
        x_label = "predicted probability p = σ(z)"
    else:
        x_label = "p_t, the probability of the true class"
    background = focal_family(frozen, x_mode) if show_family else []
    if key == "focal":
        branches = [
            (f"{name}, γ = {fmt(values['gamma'], 0.1)}", lo_, g_) for name, lo_, g_ in branches
        ]
    probe_marker = [(x0, f"x₀ = {fmt(x0, probe_step)}")]
    if key == "focal" and x_mode == "p_t":
        # Lin et al. §3.2: at p_t = 0.9 FL is 100× below CE for γ = 2; draw the reference.
        markers = [*markers, (0.9, "p_t = 0.9")]
    grad_label = spec.curve.grad_label if x_mode == "logit" else "∂ℓ/∂z (z = logit of p)"

    left, right = st.columns([11, 9], gap="medium")
    with left:
        st.subheader("Loss and gradient")
        fig = figures.curve_figure(
            x,
            branches,
            x_label=x_label,
            markers=[*markers, *probe_marker],
            background=background,
            grad_label=grad_label,
            loss_label=spec.curve.loss_label,
            title=f"{spec.title} — {_param_line(spec, values) or 'no hyperparameters'}",
            uirevision=f"{key}.{x_mode}",
        )
        st.plotly_chart(fig, key="explore.curve", config={"displaylogo": False})
        _probe_readout(spec, dict(frozen), x_mode, x0, [name for name, _, _ in branches])
    with right:
        st.subheader("Surface")
        # The surface does not depend on the parameter that is its y axis: leave that
        # parameter out of its inputs and title so that moving it leaves the figure as
        # it is (no new chart in the browser), and mark its value with show_level.
        s = spec.surface
        if s.uses is None:
            on_map = {k: v for k, v in values.items() if k != s.y_param}
        else:
            on_map = {k: values[k] for k in s.uses}
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
        st.plotly_chart(fig, key="explore.surface", config={"displaylogo": False})
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
    if name is None or values.get(name) is None:
        return None
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
    if key == "kl_divergence":
        from lossviz.losses import kl_divergence
        from lossviz.registry import gaussian_pair

        grid, p, q = gaussian_pair(values["mu_p"], values["sigma_p"], x0, values["sigma_q"])
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
        st.plotly_chart(fig, key="explore.kl", config={"displaylogo": False})
        pq = float(kl_divergence(p, q))
        qp = float(kl_divergence(q, p))
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
        (_, loss, _), (_, prob, _) = curve_at(spec, values, "logit", np.array([x0]))
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
