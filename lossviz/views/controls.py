"""Widgets whose values live in the URL, so a copied link reproduces the view.

Every page builds its controls through a :class:`UrlState`. On the first run of
a page in a session, each control takes its initial value from the URL's query
parameter of the same name, after validation: text, NaN, ±inf, out-of-range
values and unknown choices are replaced by the default and reported in one
visible ``st.warning`` that names the parameter, the value given and the value
used instead. At the end of every run :meth:`UrlState.sync_url` writes the
current values back, so the address bar always holds the live view.

Streamlit's own ``bind="query-params"`` would keep the URL in step too, but it
drops bad values silently; a teacher pasting a mangled link must be told.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lossviz.registry import Param

_MAX_SHOWN = 40  # characters of a bad URL value echoed back in a warning
_KEEP = "_lossviz_kept_values"  # session key: every control's last value, by its key


def _shown(raw: str) -> str:
    """A bad URL value, shortened, as a Markdown code span: shown literally, never as markup.

    Inside a code span Markdown, LaTeX (``$``), Streamlit's colour directives and
    HTML are all inert; backticks and newlines, which could end the span, are dropped.
    """
    text = raw if len(raw) <= _MAX_SHOWN else raw[:_MAX_SHOWN] + "…"
    text = text.replace("`", "'").replace("\n", " ").replace("\r", " ")
    return f"`{text}`" if text.strip() else "(empty)"


def decimals(step: float) -> int:
    """Decimal places that show a value on a slider with this step."""
    if step >= 1:
        return 0
    return max(0, min(6, -math.floor(math.log10(step) + 1e-9)))


def fmt(value: float | None, step: float = 0.01) -> str:
    """A parameter value as the labels show it (``0.70`` for step 0.05)."""
    if value is None:
        return "off"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{decimals(step)}f}"


@dataclass(frozen=True)
class Rounded:
    """A URL value that was usable after rounding to the widget's step (reported)."""

    value: float
    note: str


class UrlState:
    """The controls of one page, read from and written to the query string.

    Args:
      page: a short name; it prefixes the session-state keys, so pages never
        share widget state.
    """

    def __init__(self, page: str, container: Any = None) -> None:
        self.page = page
        self.values: dict[str, str] = {}
        self._problems: list[str] = []
        self._container = container if container is not None else st.sidebar
        first_key = f"_lossviz_url_read:{page}"
        self._written_key = f"_lossviz_url_written:{page}"
        self._snapshot_key = f"_lossviz_url_controls:{page}"
        # The URL is read on the page's first run in this session; after that the controls
        # own their values and the URL follows them, unless the URL changed by itself: the
        # browser's Back or Forward (Streamlit reruns with that entry's query string), or a
        # link edited in the address bar. Then the URL is the view again.
        self._url: dict[str, str] = {}
        #: Parameters given more than once (``loss=mse&loss=focal``): ambiguous, so each
        #: is treated as a bad value (the default, and a warning), never the last one silently.
        self._repeated: dict[str, list[str]] = {}
        #: A run after Back/Forward: the URL's values replace the controls' (see _initial).
        self._navigated = False
        url, repeated = self._read_query()
        #: Controls whose value the browser sent with this run (see _client_widget_keys).
        self._from_client: frozenset[str] = frozenset()
        if first_key not in st.session_state:
            st.session_state[first_key] = True
            self._url, self._repeated = url, repeated
            self._from_client = _client_widget_keys()
        else:
            last = st.session_state.get(self._written_key)
            # Only when nothing was moved: a move made before the browser had the last
            # URL comes back with the URL before it, and it is the move that counts.
            moved = _controls_now() != st.session_state.get(self._snapshot_key)
            if url and last is not None and url != last and not moved:
                self._url, self._repeated, self._navigated = url, repeated, True
        self._warn_slot = st.empty()
        #: Values of this run's controls by session key, kept at the end of the run so
        #: that a control which is not drawn for a while (another loss, another page)
        #: comes back with its value: Streamlit forgets the state of an undrawn widget.
        self._owned: dict[str, Any] = {}
        self._keep: dict[str, Any] = st.session_state.setdefault(_KEEP, {})

    # --- reading the URL -------------------------------------------------------------

    @staticmethod
    def _read_query() -> tuple[dict[str, str], dict[str, list[str]]]:
        """The query string: the last value of each parameter, and those given repeatedly."""
        url: dict[str, str] = {}
        repeated: dict[str, list[str]] = {}
        try:
            for k in st.query_params:
                given = st.query_params.get_all(k)
                url[k] = given[-1] if given else ""
                if len(given) > 1:
                    repeated[k] = given
        except Exception:  # a malformed query string is treated as empty
            return {}, {}
        return url, repeated

    def _initial(self, key: str, name: str, parse: Callable[[str], Any], default: Any) -> None:
        """Seed ``st.session_state[key]`` from the URL (validated), the value it had when
        last drawn in this session, or the default. After Back/Forward the URL's value
        replaces the control's."""
        if key in st.session_state and not (self._navigated and name in self._url):
            return
        if key in self._from_client:  # a resumed session: the browser's value, not the link's
            return
        raw = self._url.get(name)
        value = self._keep.get(key, default)
        if name in self._repeated:
            given = ", ".join(_shown(v) for v in self._repeated[name][:4])
            self._problems.append(
                f"URL parameter `{name}` is given {len(self._repeated[name])} times ({given}); "
                f"using the default {_shown(str(default))} instead"
            )
        elif raw is not None:
            try:
                value = parse(raw)
                if isinstance(value, Rounded):
                    self._problems.append(f"URL parameter `{name}` = {_shown(raw)}: {value.note}")
                    value = value.value
            except ValueError as exc:
                self._problems.append(f"URL parameter `{name}` = {_shown(raw)}: {exc}")
                value = default
        st.session_state[key] = value

    @staticmethod
    def widget_key(page: str, scope: str, name: str) -> str:
        """The session-state key of control ``name`` in ``scope`` on ``page``.

        Public so that callbacks (e.g. presets) can set a control's value.
        """
        return f"{page}.{scope}.{name}" if scope else f"{page}.{name}"

    def _key(self, scope: str, name: str) -> str:
        return self.widget_key(self.page, scope, name)

    # --- widgets ---------------------------------------------------------------------

    def slider(
        self,
        name: str,
        label: str,
        *,
        min_value: float,
        max_value: float,
        default: float,
        step: float,
        help: str | None = None,
        scope: str = "",
        container: Any = None,
        integer: bool = False,
    ) -> float:
        """A slider bound to the query parameter ``name``."""
        key = self._key(scope, name)
        nd = decimals(step)
        parse = self._number_parser(min_value, max_value, default, step, integer)
        self._initial(key, name, parse, int(default) if integer else float(default))
        where = container if container is not None else self._container
        if integer:
            value = where.slider(
                label,
                min_value=int(min_value),
                max_value=int(max_value),
                step=max(1, int(step)),
                key=key,
                help=help,
            )
        else:
            value = where.slider(
                label,
                min_value=float(min_value),
                max_value=float(max_value),
                step=float(step),
                key=key,
                help=help,
                format=f"%.{nd}f",
            )
        self.values[name] = str(value) if integer else fmt(value, step)
        self._owned[key] = value
        return value

    def number(
        self,
        name: str,
        *,
        min_value: float,
        max_value: float,
        default: float,
        step: float,
        scope: str = "",
        integer: bool = False,
    ) -> tuple[float, str]:
        """A number bound to the query parameter ``name``, drawn by the caller (the scrub bar).

        Validated like a slider's URL value and kept in session state under
        :meth:`widget_key`; returns ``(value, session key)``. Set it by writing that key.
        """
        key = self._key(scope, name)
        parse = self._number_parser(min_value, max_value, default, step, integer)
        self._initial(key, name, parse, int(default) if integer else float(default))
        value = st.session_state[key]
        if not (min_value <= value <= max_value):  # e.g. a stale value: never draw it
            value = int(default) if integer else float(default)
            st.session_state[key] = value
        self.values[name] = str(value) if integer else fmt(value, step)
        self._owned[key] = value
        return value, key

    @staticmethod
    def _number_parser(min_value, max_value, default, step, integer):
        nd = decimals(step)

        def parse(raw: str) -> float:
            try:
                v = float(raw)
            except (TypeError, ValueError):
                raise ValueError(
                    f"not a number; using {fmt(default, step)} instead "
                    f"(allowed {fmt(min_value, step)} to {fmt(max_value, step)})"
                ) from None
            if not math.isfinite(v) or not (min_value <= v <= max_value):
                raise ValueError(
                    f"outside {fmt(min_value, step)} to {fmt(max_value, step)}; "
                    f"using {fmt(default, step)} instead"
                )
            snapped = min_value + round((v - min_value) / step) * step
            snapped = min(max(round(snapped, nd + 2), min_value), max_value)
            snapped = round(snapped) if integer else snapped
            if abs(snapped - v) > 1e-9 * max(1.0, abs(v)):
                return Rounded(snapped, f"rounded to {fmt(snapped, step)}, the slider's step")
            return snapped

        return parse

    _UNSET: Any = object()

    def param(
        self,
        p: Param,
        *,
        scope: str = "",
        container: Any = None,
        url_name: str | None = None,
        default: float | None = _UNSET,
        scrub: list | None = None,
    ) -> float | None:
        """The slider of a registry parameter; an optional one gets an on/off toggle.

        With ``scrub`` (a list), no Streamlit slider is drawn: the number is kept in the
        URL and session state and ``(param, value, session key)`` is appended to
        ``scrub`` for the caller's scrub bar; the toggles are drawn as usual.

        Args:
          url_name: the query-parameter name (default ``p.name``), e.g. ``e0.delta``
            when a page shows the same parameter for several entries.
          default: overrides ``p.default``; ``None`` starts an optional one switched off.
        """
        where = container if container is not None else self._container
        name = url_name or p.name
        if default is self._UNSET:
            default = p.default
        if p.optional:
            on = self.toggle(
                f"{name}_on",
                f"Class weights {p.symbol}",
                default=default is not None,
                scope=scope,
                container=where,
                help=f"Off: no {p.symbol} weighting ({p.name}=None).",
            )
            if not on:
                return None
        if p.special is not None:
            # A value the slider cannot reach (Barron's α = −∞): a toggle that stands for it.
            suffix, label, value = p.special
            if self.toggle(
                f"{name}_{suffix}",
                label,
                default=default == value,
                scope=scope,
                container=where,
                help=f"On: {p.name} = {value} (the slider's range cannot hold it).",
            ):
                return value
        if default is None or (p.special is not None and default == p.special[2]):
            default = p.default
        integer = float(p.step).is_integer() and float(p.default).is_integer() and p.step >= 1
        if scrub is not None:
            value, key = self.number(
                name,
                min_value=p.min,
                max_value=p.max,
                default=default,
                step=p.step,
                scope=scope,
                integer=integer,
            )
            scrub.append((p, value, key))
            return value
        return self.slider(
            name,
            f"{p.symbol} ({p.name})",
            min_value=p.min,
            max_value=p.max,
            default=default,
            step=p.step,
            help=p.help,
            scope=scope,
            container=where,
            integer=integer,
        )

    def select(
        self,
        name: str,
        label: str,
        options: Sequence[str],
        *,
        default: str,
        format_func: Callable[[str], str] = str,
        scope: str = "",
        container: Any = None,
        radio: bool = False,
        help: str | None = None,
        label_visibility: str = "visible",
    ) -> str:
        """A selectbox (or horizontal radio) over string options, bound to ``name``.

        ``label_visibility="collapsed"`` keeps the label for screen readers only, for a
        select whose options name it (Compare's "A: BCE").
        """
        key = self._key(scope, name)
        options = list(options)

        def parse(raw: str) -> str:
            if raw not in options:
                shown = ", ".join(options[:12]) + (", …" if len(options) > 12 else "")
                raise ValueError(f"not one of {shown}; using '{default}' instead")
            return raw

        self._initial(key, name, parse, default)
        where = container if container is not None else self._container
        if radio:
            value = where.radio(
                label,
                options,
                key=key,
                format_func=format_func,
                horizontal=True,
                help=help,
                label_visibility=label_visibility,
            )
        else:
            value = where.selectbox(
                label,
                options,
                key=key,
                format_func=format_func,
                help=help,
                label_visibility=label_visibility,
            )
        self.values[name] = value
        self._owned[key] = value
        return value

    def toggle(
        self,
        name: str,
        label: str,
        *,
        default: bool,
        scope: str = "",
        container: Any = None,
        help: str | None = None,
    ) -> bool:
        """A toggle bound to ``name`` (``1``/``0`` in the URL; true/false/on/off accepted)."""
        key = self._key(scope, name)

        def parse(raw: str) -> bool:
            low = raw.strip().lower()
            if low in {"1", "true", "on", "yes"}:
                return True
            if low in {"0", "false", "off", "no"}:
                return False
            raise ValueError(f"not 1 or 0; using {int(default)} instead")

        self._initial(key, name, parse, default)
        where = container if container is not None else self._container
        value = where.toggle(label, key=key, help=help)
        self.values[name] = "1" if value else "0"
        self._owned[key] = bool(value)
        return bool(value)

    def tabs(
        self,
        name: str,
        tabs: Sequence[tuple[str, str]],
        *,
        default: str,
        scope: str = "",
    ) -> str:
        """Lazy tabs bound to ``name``; returns the open tab's id, under which the view
        is drawn (``with state.tab_container(id)``).

        Only the open tab's content is built and sent (Streamlit's ``on_change="rerun"``
        tabs): a slider move then redraws one chart, not every chart of the page (each
        new chart costs the browser ~40 ms; see benchmarks/). ``tabs`` are
        ``(URL id, label)`` pairs; the URL holds the id.
        """
        key = self._key(scope, name)
        ids = [i for i, _ in tabs]
        labels = [label for _, label in tabs]

        def parse(raw: str) -> str:
            if raw not in ids:
                raise ValueError(f"not one of {', '.join(ids)}; using '{default}' instead")
            return labels[ids.index(raw)]

        self._initial(key, name, parse, labels[ids.index(default)])
        if st.session_state.get(key) not in labels:  # e.g. a label renamed since
            st.session_state[key] = labels[ids.index(default)]
        containers = st.tabs(labels, key=key, on_change="rerun")
        active = ids[labels.index(st.session_state[key])]
        self._tabs = dict(zip(ids, containers, strict=True))
        self.values[name] = active
        self._owned[key] = st.session_state[key]
        return active

    def tab_container(self, tab_id: str) -> Any:
        """The container of tab ``tab_id`` made by :meth:`tabs`."""
        return self._tabs[tab_id]

    # --- end of run ------------------------------------------------------------------

    def report(self) -> None:
        """Show what was wrong with the URL, in one warning at the top of the page."""
        if self._problems:
            self._warn_slot.warning(
                "Some link parameters were not usable:\n\n"
                + "\n".join(f"- {p}" for p in self._problems),
                icon="⚠️",
            )

    def sync_url(self) -> None:
        """Write the page's live controls to the query string (and only those), and keep
        their values for the next time they are drawn."""
        self.report()
        for key in self._owned:
            self._keep[key] = st.session_state.get(key, self._owned[key])
        current = {k: st.query_params[k] for k in st.query_params}
        if current != self.values:
            # Streamlit pushes a history entry for each change (replaces it during Back
            # and Forward): one entry per committed view.
            st.query_params.from_dict(self.values)
        st.session_state[self._written_key] = dict(self.values)
        st.session_state[self._snapshot_key] = _controls_now()


def _client_widget_keys() -> frozenset[str]:
    """The keys of the widgets whose values the browser sent with this run.

    On a page's first run in a session they are empty, except when the browser already
    shows the page and this server has never seen the session: a replica behind a load
    balancer died and the browser reconnected to another (deploy/). Its first run then
    comes with the widgets' values as the browser shows them, the move that triggered it
    included, and those win over the link, which can be a move behind. Streamlit names a
    keyed widget ``$$ID-<hash>-<key>``; its private state is read defensively (an empty
    set if that ever changes: the link wins, as before).
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import is_element_id, user_key_from_element_id

        ctx = get_script_run_ctx()
        ids = list(ctx.session_state._state._new_widget_state.states)  # type: ignore[union-attr]
        keys = (user_key_from_element_id(i) for i in ids if is_element_id(i))
        return frozenset(k for k in keys if k)
    except Exception:
        return frozenset()


def _controls_now() -> dict:
    """Every control's state this run (widgets and components; not lossviz's own
    bookkeeping), to tell a run after a move from one after Back or Forward."""
    out = {}
    for k in list(st.session_state):
        k = str(k)
        if not k.startswith("_lossviz"):
            try:
                out[k] = repr(st.session_state[k])
            except Exception:  # a widget whose value cannot be read this run
                continue
    return out
