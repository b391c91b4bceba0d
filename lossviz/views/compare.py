"""The Compare page: 2–4 losses on one shared input domain, each with its own parameters.

The domains, how each loss is evaluated along their x, the presets, ratios and
normalisation live in :mod:`lossviz.compare` (pure); this page binds every choice
to the URL through :class:`UrlState` and draws the views:

* overlay of the losses and of their gradients (raw, or normalised at a stated x_ref);
* the ratio of each entry to a baseline entry (log axis by default);
* side-by-side panels with shared axes;
* side-by-side surfaces on one colour scale, with the same 3-D camera;
* a table: value, gradient and ratio at the probe x₀, and the registry's properties.

URL: ``domain=binary&n=3&e0=focal&e0.gamma=0&e0.alpha_on=0&e1=...&base=A&x0=0.9``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lossviz import compare, figures
from lossviz.compare import DOMAINS, LETTERS, PRESETS, Domain, Option
from lossviz.registry import Param
from lossviz.views import compare_frames as frames
from lossviz.views import scrub
from lossviz.views.charts import chart
from lossviz.views.controls import UrlState, fmt

PAGE = "compare"
CURVE_POINTS = 801
SURFACE_POINTS = 150  # per panel; up to 4 panels (DESIGN.md: ≤ 200×200, float32)
SURFACE_HEIGHT = {False: 440, True: 520}  # px of a contour / 3-D panel


def _key(scope: str, name: str) -> str:
    """The session-state key UrlState gives control ``name`` in ``scope`` (for presets)."""
    return UrlState.widget_key(PAGE, scope, name)


def _frozen(values: dict) -> tuple:
    return tuple(sorted(values.items()))


# --------------------------------------------------------------------------- cached maths


@st.cache_data(max_entries=256, show_spinner=False)
def entry_curve(domain: str, axis: str, option_id: str, params: tuple, shared: tuple):
    """x, loss and gradient of one entry along the domain's axis (pure; cached by scalars)."""
    ax = DOMAINS[domain].axis(axis)
    x = np.linspace(*ax.range, CURVE_POINTS)
    loss, grad = compare.evaluate(domain, option_id, x, dict(params), dict(shared), axis)
    return x, loss, grad


@st.cache_data(max_entries=64, show_spinner=False)
def entry_surface(domain: str, option_id: str, params: tuple, shared: tuple):
    """x, y, Z of one entry's surface on the domain's shared axes."""
    return compare.surface(domain, option_id, dict(params), dict(shared), n=SURFACE_POINTS)


@st.cache_resource(max_entries=48, show_spinner=False)
def surface_chart(
    domain: str,
    option_id: str,
    params: tuple,
    shared: tuple,
    label: str,
    colour_range: tuple[float, float, float],
    three_d: bool,
    first: bool,
    last: bool,
):
    """One entry's surface figure, built once per distinct input (figures are not mutated).

    A slider of one entry changes only that entry's figure: the others come from here
    unchanged, and Streamlit sends an unchanged chart as a reference to the browser's copy.
    """
    dom = DOMAINS[domain]
    x, y, z = entry_surface(domain, option_id, params, shared)
    return figures.compare_surface_figure(
        x,
        y,
        z,
        label=label,
        x_label=dom.surface_labels[0],
        y_label=dom.surface_labels[1],
        colour_range=colour_range,
        three_d=three_d,
        colour_bar=last,
        y_title=first,
        height=SURFACE_HEIGHT[three_d],
        uirevision=f"{domain}.surface.{three_d}",
    )


def _column_widths(figs) -> list[float]:
    """Column weights that give side-by-side panels the same plot width on a page ~1040 px
    wide (their margins differ: y-axis titles on the first, the colour bar on the last);
    on other widths the plots differ by a fraction of those margins."""
    margins = [fig.layout.margin.l + fig.layout.margin.r for fig in figs]
    plot = max(80.0, (1040.0 - 16.0 * (len(figs) - 1) - sum(margins)) / len(figs))
    return [plot + m for m in margins]


# --------------------------------------------------------------------------- presets


PRESETS_KEY = f"{PAGE}.presets"


def _apply_preset(preset_key: str) -> None:
    """on_click: write every widget the preset defines; the URL follows via sync_url."""
    p = next(p for p in PRESETS if p.key == preset_key)
    dom = DOMAINS[p.domain]
    ss = st.session_state
    ss[_key("", "domain")] = p.domain
    ss[_key("", "n")] = str(len(p.entries))
    axis = p.axis or dom.axes[0].key
    if len(dom.axes) > 1:
        ss[_key(p.domain, "x")] = axis
    for i, (opt_id, vals) in enumerate(p.entries):
        ss[_key(p.domain, f"e{i}")] = opt_id
        opt = dom.option(opt_id)
        scope = f"{p.domain}.{opt_id}"
        for prm in compare.hyperparams(opt):
            v = vals.get(prm.name, prm.default)
            if prm.optional:
                ss[_key(scope, f"e{i}.{prm.name}_on")] = v is not None
                if v is None:
                    continue
            if prm.special is not None:  # e.g. Barron's α = −∞, a toggle beside the slider
                suffix, _, value = prm.special
                ss[_key(scope, f"e{i}.{prm.name}_{suffix}")] = v == value
                if v == value:
                    continue
            ss[_key(scope, f"e{i}.{prm.name}")] = float(v)
    for name, v in p.shared.items():
        ss[_key(p.domain, name)] = float(v)
    ss[_key(f"{p.domain}.{axis}", "x0")] = dom.axis(axis).probe  # e.g. p_t = 0.9 for focal
    ss[_key(f"{p.domain}.{len(p.entries)}", "base")] = LETTERS[p.baseline]
    ss[_key(p.domain, "log")] = p.log_ratio
    ss[PRESETS_KEY] = False  # close the menu: the preset's chart is what to look at


# --------------------------------------------------------------------------- controls


def _entry_controls(
    state: UrlState, dom: Domain, i: int, where
) -> tuple[Option, dict[str, float | None], list, object]:
    """Loss select and hyperparameters of entry i (URL: e{i}, e{i}.<param>).

    Returns the option, its values, the scrubbed sliders ``(param, value, key)`` and
    the container their scrub bar is drawn in (after the charts: it carries frames).
    """
    slot_opt, slot_vals = dom.defaults[i]
    opt_id = state.select(
        f"e{i}",
        f"Entry {LETTERS[i]}",
        [o.id for o in dom.options],
        default=slot_opt,
        # The letter in the option ("A: BCE", as in the legend), the label for screen
        # readers only: a label row of its own cost each card 36 px, which put the binary
        # domain's chart (cards with toggles) below a 1280×720 projector's fold.
        format_func=lambda k: f"{LETTERS[i]}: {dom.option(k).name}",
        scope=dom.key,
        container=where,
        label_visibility="collapsed",
    )
    opt = dom.option(opt_id)
    scope = f"{dom.key}.{opt_id}"
    values: dict[str, float | None] = {}
    scrubbed: list = []
    for p in compare.hyperparams(opt):
        default = slot_vals.get(p.name, p.default) if opt_id == slot_opt else p.default
        values[p.name] = state.param(
            p,
            scope=scope,
            container=where,
            url_name=f"e{i}.{p.name}",
            default=default,
            scrub=scrubbed,
        )
    return opt, values, scrubbed, where.container()


def _control(p: Param, value: float, key: str, label: str | None = None) -> scrub.Control:
    return scrub.Control(
        name=key,
        label=label or f"{p.symbol} ({p.name})",
        min=p.min,
        max=p.max,
        step=p.step,
        value=value,
        valuetext=f"{p.symbol} = {{v}}",
    )


# --------------------------------------------------------------------------- page


BARS = [f"{PAGE}.scrub.e{i}" for i in range(compare.MAX_ENTRIES)] + [f"{PAGE}.scrub.shared"]


def render() -> None:
    state = UrlState(PAGE)
    wants: dict[str, dict] = {}
    for bar in BARS:
        commit, want = scrub.states(bar)
        if commit is not None and commit.get("name") in st.session_state:
            st.session_state[commit["name"]] = commit["value"]  # a slider released
        if want is not None:
            wants[bar] = want
    # --- domain and entries -----------------------------------------------------------
    st.sidebar.markdown("**Comparison**")
    st.sidebar.caption(
        "Pick a shared input, then 2–4 entries, each a loss with its own parameters "
        "(the same loss may appear twice), or a preset. Every choice is in the link."
    )
    domain = state.select(
        "domain",
        "Compare on",
        list(DOMAINS),
        default="regression",
        format_func=lambda k: DOMAINS[k].title,
        help="The shared input every entry is evaluated along.",
    )
    dom = DOMAINS[domain]
    n = int(
        state.select(
            "n",
            "Entries",
            [str(k) for k in range(compare.MIN_ENTRIES, compare.MAX_ENTRIES + 1)],
            default=str(dom.default_n),
            radio=True,
            help="How many entries to compare (2 to 4).",
        )
    )
    axis_key = dom.axes[0].key
    if len(dom.axes) > 1:
        names = {a.key: a.key if a.key != "logit" else "logit z" for a in dom.axes}
        axis_key = state.select(
            "x",
            "x axis",
            [a.key for a in dom.axes],
            default=dom.axes[0].key,
            format_func=names.get,
            scope=domain,
            radio=True,
        )
    ax = dom.axis(axis_key)
    # Shared inputs, the probe x₀ and x_ref: one scrub bar, in the sidebar under the
    # choices that set them (filled after the charts: it carries frames). In the cards
    # row they took a column of their own, stacked, which with three shared inputs made
    # the row the tallest thing above the chart (similarity: chart top 505 at 1280×720).
    shared_bar = st.sidebar.container(key="compare-shared")

    # The title and the presets share a row, and the presets are a popover: as rows of
    # buttons (13 presets, four a row) they took 230 px above the chart, which a 1280×720
    # projector cannot spare. How to use the page heads the sidebar. The shared input's
    # description is a popover of the same row: as a paragraph it took one to five lines
    # above the cards (margin: five; chart top 458 → 311 at 1280×720).
    head, about, pick = st.columns([2.3, 2.7, 1], vertical_alignment="bottom")
    head.title("Compare losses")
    with about.popover(f"On a shared input: **{dom.title}**", width="stretch"):
        st.markdown(dom.description)
    # Keyed and stateful, so that choosing a preset closes it (_apply_preset): left open,
    # it covered the cards and the chart the preset had just set.
    with pick.popover("Presets", width="stretch", key=PRESETS_KEY, on_change="rerun"):
        for p in PRESETS:
            st.button(
                p.title,
                key=f"{PAGE}.preset.{p.key}",
                on_click=_apply_preset,
                args=(p.key,),
                help=p.note,
                width="stretch",
            )

    entry_cols = st.container(key="compare-entries").columns(n)
    entries: list[tuple[Option, dict]] = []
    entry_bars: list = []
    for i in range(n):
        with entry_cols[i].container(border=True, key=f"compare-card-{i}"):
            opt, vals, scrubbed, slot = _entry_controls(state, dom, i, st)
            entries.append((opt, vals))
            entry_bars.append((scrubbed, slot))
    used = {u for opt, _ in entries for u in opt.uses}

    # --- view controls ------------------------------------------------------------------
    st.sidebar.markdown("**Views**")
    letters = list(LETTERS[:n])
    base_letter = state.select(
        "base",
        "Ratio baseline",
        letters,
        default="A",
        scope=f"{domain}.{n}",
        radio=True,
        help="The ratio view divides every other entry by this one, pointwise.",
    )
    base = letters.index(base_letter)
    log_ratio = state.toggle(
        "log", "Ratio on a log axis", default=True, scope=domain, help="Gaps where a ratio is ≤ 0."
    )
    norm = state.toggle(
        "norm",
        "Normalise at a reference input",
        default=False,
        help="Divide each loss (and its gradient) by its value at x_ref, so all pass 1 there.",
    )
    three_d = state.toggle("3d", "3-D surfaces", default=False, help="Same camera for all.")

    # The shared inputs, x₀ and x_ref (their bar is the sidebar slot made above).
    shared: dict[str, float] = {}
    shared_controls: list[scrub.Control] = []
    for p in dom.shared:
        if p.name in used:
            shared[p.name], k = state.number(
                p.name, min_value=p.min, max_value=p.max, default=p.default, step=p.step,
                scope=domain,
            )  # fmt: skip
            shared_controls.append(_control(p, shared[p.name], k))
    lo, hi = ax.range
    x0, x0_key = state.number(
        "x0",
        min_value=round(lo, 3),
        max_value=round(hi, 3),
        default=ax.probe,
        step=ax.step,
        scope=f"{domain}.{axis_key}",
    )
    shared_controls.append(
        scrub.Control(
            x0_key,
            f"probe x₀: {ax.symbol}",
            round(lo, 3),
            round(hi, 3),
            ax.step,
            x0,
            valuetext="x₀ = {v}",
        )
    )
    x_ref = ax.reference
    if norm:
        x_ref, ref_key = state.number(
            "ref",
            min_value=round(lo, 3),
            max_value=round(hi, 3),
            default=ax.reference,
            step=ax.step,
            scope=f"{domain}.{axis_key}",
        )
        shared_controls.append(
            scrub.Control(
                ref_key,
                f"reference x_ref: {ax.symbol}",
                round(lo, 3),
                round(hi, 3),
                ax.step,
                x_ref,
                valuetext="x_ref = {v}",
            )
        )

    # --- compute ------------------------------------------------------------------------
    labels = [compare.entry_label(i, opt, vals) for i, (opt, vals) in enumerate(entries)]
    curves = []
    for opt, vals in entries:
        sh = _frozen({k: shared[k] for k in opt.uses})
        curves.append(entry_curve(domain, axis_key, opt.id, _frozen(vals), sh))
    probe_marker = (x0, f"x₀ = {fmt(x0, ax.step)}")

    # One view at a time (lazy tabs): a slider move redraws the open view's chart(s)
    # only, not all of them (each new chart costs the browser ~40 ms; see benchmarks/).
    view = state.tabs(
        "view",
        [
            ("overlay", "Overlay: losses and gradients"),
            ("ratio", "Ratio to a baseline"),
            ("panels", "Side by side"),
            ("surfaces", "Surfaces"),
        ],
        default="overlay",
    )
    drawn = list(range(n))  # the entries the overlay draws (normalising may skip some)
    with state.tab_container(view):
        if view == "overlay":
            drawn = _overlay_view(domain, axis_key, ax, dom, entries, curves, labels, shared,
                                  norm, x_ref, probe_marker)  # fmt: skip
        elif view == "ratio":
            _ratio_view(domain, axis_key, ax, entries, curves, labels, base, letters,
                        log_ratio, probe_marker, shared)  # fmt: skip
        elif view == "panels":
            _panels_view(domain, axis_key, ax, dom, curves, labels, probe_marker,
                         _colours(entries))  # fmt: skip
        else:
            _surfaces_view(domain, dom, entries, labels, shared, three_d, n)

    # --- table --------------------------------------------------------------------------
    after = st.container(key="compare-after")
    after.subheader(f"At the probe x₀: {ax.symbol} = {fmt(x0, ax.step)}")
    after.markdown(
        _table(domain, axis_key, dom, entries, labels, base, shared, x0, x_ref if norm else None)
    )

    # --- scrub bars: drawn last, with the frames a bar asked for ----------------------------
    scene = frames.Scene(
        domain=domain, axis=axis_key, ax=ax, dom=dom, entries=entries, shared=shared,
        labels=labels, base=base, norm=norm, x_ref=x_ref, x0=x0, view=view,
        log_ratio=log_ratio, x=curves[0][0], overlay=drawn,
    )  # fmt: skip

    # What a control's frames depend on besides its own value: everything else on the
    # page (labels follow from the entries' options and values). Its own value left out,
    # the frames stay valid after its commit, and a second drag needs no new frames.
    def context(name: str, *, entry: int | None = None, param: str | None = None) -> str:
        ents = tuple(
            (opt.id, _frozen({k: v for k, v in vals.items() if (j, k) != (entry, param)}))
            for j, (opt, vals) in enumerate(entries)
        )
        sh = _frozen({k: v for k, v in shared.items() if (entry, k) != (None, param)})
        probe = None if name == x0_key else x0
        ref = None if norm and name == ref_key else x_ref
        return scrub.context_of(domain, axis_key, view, n, base, norm, log_ratio, ents, sh,
                                probe, ref, name)  # fmt: skip

    for i, (scrubbed, slot) in enumerate(entry_bars):
        controls = [_control(p, v, k) for p, v, k in scrubbed]
        contexts = {k: context(k, entry=i, param=p.name) for p, _, k in scrubbed}
        sent = {}
        want = wants.get(f"{PAGE}.scrub.e{i}")
        if want and want.get("context") == contexts.get(want.get("name")):
            p = next(p for p, _, k in scrubbed if k == want["name"])
            c = next(c for c in controls if c.name == want["name"])
            sent[c.name] = frames.value_frames(scene, c, p.name, [i])
        with slot:
            scrub.scrub_bar(f"{PAGE}.scrub.e{i}", controls, contexts=contexts, frames=sent)
    own = {_key(domain, p.name): p.name for p in dom.shared}
    contexts = {c.name: context(c.name, param=own.get(c.name)) for c in shared_controls}
    sent = {}
    want = wants.get(f"{PAGE}.scrub.shared")
    if want and want.get("context") == contexts.get(want.get("name")):
        c = next(c for c in shared_controls if c.name == want["name"])
        if c.name == x0_key:
            sent[c.name] = frames.probe_frames(scene, c)
        elif norm and c.name == ref_key:
            sent[c.name] = frames.reference_frames(scene, c)
        else:
            name = next(p.name for p in dom.shared if _key(domain, p.name) == c.name)
            movers = [i for i, (opt, _) in enumerate(entries) if name in opt.uses]
            sent[c.name] = frames.value_frames(scene, c, name, movers)
    with shared_bar:
        scrub.scrub_bar(f"{PAGE}.scrub.shared", shared_controls, contexts=contexts, frames=sent)
    state.sync_url()


# --------------------------------------------------------------------------- views


def _colours(entries) -> list[str]:
    """Each entry's line colour: its loss's, as on Explore and the fit pages."""
    return figures.distinct_colours([opt.loss for opt, _ in entries])


def _overlay_view(domain, axis_key, ax, dom, entries, curves, labels, shared, norm, x_ref,
                  probe_marker) -> list[int]:  # fmt: skip
    x = curves[0][0]
    overlay = []
    skipped = []
    markers = [probe_marker]
    for i, ((opt, vals), (_, loss, grad)) in enumerate(zip(entries, curves, strict=True)):
        if norm:
            ref_value, _ = compare.value_at(domain, opt.id, x_ref, vals, shared, axis_key)
            scaled = compare.normalise(loss, grad, ref_value)
            if scaled is None:
                skipped.append(labels[i])
                continue
            loss, grad = scaled
        overlay.append((i, labels[i], loss, grad))
    if norm:
        # No heading of its own (it cost 50 px above the chart): the y-axis, the x_ref
        # marker and the caption under the chart say what the curves are divided by.
        markers.append((x_ref, f"x_ref = {fmt(x_ref, ax.step)}"))
        ref_text = f"ℓ({ax.symbol} = {fmt(x_ref, ax.step)})"
        loss_label, grad_label = f"ℓ / {ref_text}", f"{dom.grad_label} / {ref_text}"
    else:
        loss_label, grad_label = "loss", dom.grad_label
    fig = figures.compare_overlay_figure(
        x,
        overlay,
        x_label=ax.label,
        grad_label=grad_label,
        loss_label=loss_label,
        markers=markers,
        uirevision=f"{domain}.{axis_key}.overlay",
        colours=_colours(entries),
    )
    chart(fig, f"{PAGE}.overlay")
    if norm:
        st.caption(
            f"Normalised mode: each loss and its gradient are divided by the loss at "
            f"x_ref: {ax.label} = {fmt(x_ref, ax.step)}, so every curve passes 1 there."
        )
    if skipped:
        st.warning(
            f"Not drawn: {', '.join(skipped)}: the loss is 0 at x_ref = "
            f"{fmt(x_ref, ax.step)}, so it cannot be scaled to 1 there. Move x_ref.",
            icon="ℹ️",
        )
    return [i for i, _, _, _ in overlay]


def _ratio_view(domain, axis_key, ax, entries, curves, labels, base, letters, log_ratio,
                probe_marker, shared) -> None:  # fmt: skip
    x = curves[0][0]
    base_loss = curves[base][1]
    ratios = [
        (i, labels[i], compare.ratio(curves[i][1], base_loss))
        for i in range(len(curves))
        if i != base
    ]
    fig = figures.compare_ratio_figure(
        x,
        ratios,
        x_label=ax.label,
        baseline_label=labels[base],
        log_y=log_ratio,
        markers=[*ax.markers, probe_marker],
        title=f"Ratio to {letters[base]}",
        uirevision=f"{domain}.{axis_key}.ratio.{log_ratio}",
        colours=_colours(entries),
    )
    chart(fig, f"{PAGE}.ratio")
    st.caption(
        f"Each entry's loss divided by {labels[base]}'s at the same x; gaps where the "
        "baseline is 0 (the ratio is undefined)."
    )
    _marker_readout(domain, axis_key, ax, entries, labels, base, shared)


def _panels_view(domain, axis_key, ax, dom, curves, labels, probe_marker, colours) -> None:
    # One chart per entry on shared y ranges: a slider of one entry redraws one panel.
    x = curves[0][0]
    y_ranges = figures.compare_panel_ranges([(c[1], c[2]) for c in curves])
    figs = [
        figures.compare_panel_figure(
            x,
            i,
            labels[i],
            c[1],
            c[2],
            x_label=ax.label,
            grad_label=dom.grad_label,
            y_ranges=y_ranges,
            y_titles=i == 0,
            markers=[probe_marker],
            uirevision=f"{domain}.{axis_key}.panels.{i}",  # one per panel: the scrub bar finds it
            colour=colours[i],
        )
        for i, c in enumerate(curves)
    ]
    cols = st.columns(_column_widths(figs), gap="small")
    for i, (col, fig) in enumerate(zip(cols, figs, strict=True)):
        chart(fig, f"{PAGE}.panel.{i}", where=col)
    st.caption("Shared axes: the panels' y ranges are the same, so heights compare directly.")


def _surfaces_view(domain, dom, entries, labels, shared, three_d, n) -> None:
    # One chart per entry, on one colour scale: a slider of one entry rebuilds and resends
    # only that entry's surface (the others are cached figures, sent as references).
    st.caption(dom.surface_note)
    keys = [
        (opt.id, _frozen(vals), _frozen({k: shared[k] for k in opt.uses})) for opt, vals in entries
    ]
    zs = [entry_surface(domain, *k)[2] for k in keys]
    zmax = _robust_zmax(np.concatenate([z.ravel() for z in zs]))
    colour_range = figures.compare_colour_range(zs, zmax)
    figs = [
        surface_chart(domain, *k, labels[i], colour_range, three_d, i == 0, i == n - 1)
        for i, k in enumerate(keys)
    ]
    cols = st.columns(_column_widths(figs), gap="small")
    for i, (col, fig) in enumerate(zip(cols, figs, strict=True)):
        chart(fig, f"{PAGE}.surface.{i}", where=col)
    if zmax is not None:
        st.caption(
            f"Shared colour scale capped at {zmax:.3g} (the 99th percentile of all panels) so "
            "the low region keeps its detail; hover shows the true value."
        )
    if three_d:
        x_name, y_name = dom.surface_labels
        st.caption(
            f"x: {x_name} · y: {y_name} · z: loss. All panels start from the same camera; "
            "each keeps its own rotation afterwards."
        )


# --------------------------------------------------------------------------- helpers


def _marker_readout(domain, axis_key, ax, entries, labels, base, shared) -> None:
    """Exact ratios at the axis's reference points (p_t = 0.9 and 0.968 of Lin et al.)."""
    if not ax.markers:
        return
    lines = []
    for mx, _ in ax.markers:
        b, _ = compare.value_at(domain, entries[base][0].id, mx, entries[base][1], shared, axis_key)
        parts = []
        for i, (opt, vals) in enumerate(entries):
            if i == base:
                continue
            v, _ = compare.value_at(domain, opt.id, mx, vals, shared, axis_key)
            r = float(compare.ratio(v, b))
            if np.isfinite(r) and r > 0:
                parts.append(f"{LETTERS[i]} ÷ {LETTERS[base]} = {r:.3g} ({_times(r)})")
        lines.append(f"- at {ax.key} = {mx:g}: " + "; ".join(parts))
    st.markdown("\n".join(lines))
    if domain == "binary":
        st.caption(
            "Lin et al. 2017: with γ = 2 (no α), an example at p_t = 0.9 has 100× lower loss "
            "than with cross-entropy, and ~1000× lower at p_t ≈ 0.968."
        )


def _times(r: float) -> str:
    """A ratio in words: "100× smaller", "2.5× larger", "equal"."""
    if abs(r - 1.0) < 1e-9:
        return "equal"
    v = 1.0 / r if r < 1.0 else r
    n = f"{v:,.0f}" if v >= 10 else f"{v:.2g}"
    n = n if v < 1e6 else f"{v:.3g}"
    return f"{n}× {'smaller' if r < 1.0 else 'larger'}"


def _robust_zmax(z: np.ndarray) -> float | None:
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return None
    top = float(np.percentile(finite, 99))
    return top if top < float(finite.max()) * 0.5 else None


def _num(v: float) -> str:
    if not np.isfinite(v):
        return "undefined"
    return f"{v:.4g}"


def _table(domain, axis_key, dom, entries, labels, base, shared, x0, x_ref) -> str:
    vals = [compare.value_at(domain, o.id, x0, v, shared, axis_key) for o, v in entries]
    b = vals[base][0]
    rows = {
        "loss": [o.caption for o, _ in entries],
        "loss ℓ(x₀)": [_num(v) for v, _ in vals],
        f"gradient {dom.grad_label} at x₀": [_num(g) for _, g in vals],
        f"ratio to {LETTERS[base]} at x₀": [_num(float(compare.ratio(v, b))) for v, _ in vals],
    }
    if x_ref is not None:
        refs = [compare.value_at(domain, o.id, x_ref, v, shared, axis_key)[0] for o, v in entries]
        rows["ℓ(x₀) / ℓ(x_ref)"] = [
            _num(float(compare.ratio(v, r))) for (v, _), r in zip(vals, refs, strict=True)
        ]
    # Properties at each entry's own hyperparameters: focal with γ = 0 is BCE, convex.
    cells = [o.props.cells(v) for o, v in entries]
    for title in cells[0]:
        rows[title] = [c[title] for c in cells]
    rows["typical use"] = [o.props.typical_use for o, _ in entries]
    head = "| | " + " | ".join(labels) + " |"
    sep = "|---|" + "---|" * len(labels)
    body = [f"| **{name}** | " + " | ".join(cells) + " |" for name, cells in rows.items()]
    return "\n".join([head, sep, *body])
