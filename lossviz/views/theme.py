"""Light and dark: one choice for every page, kept across reloads and shared links.

Streamlit follows the system setting (``prefers-color-scheme``) until a theme is picked
in its settings menu, and keeps that pick in the browser's localStorage under a key
made of the pathname the page was loaded at (``stActiveTheme-/compare-v2``), read once
when a page loads. So a pick made on "/" was not seen by a reload of /compare or by a
link to it. :func:`apply` (called by app.py on every run) adds to every page:

* a small script (``theme.js``) that keeps one choice and writes it under every page's
  key, so whichever page loads next starts in it, and copies a pick made in the menu to
  every page;
* the link parameter ``theme=light|dark|system``, accepted on every page: it sets the
  choice (the page reloads once if it started in the other theme). No parameter: the
  last choice, or the system setting. A bad value is reported in a warning that names
  it and the default, like every parameter;
* CSS that draws the charts' axis, tick, legend and title text in the theme's text
  colour (``currentColor``), ≥ 4.5:1 on both backgrounds; Plotly's figures are built
  once, for both themes, on the server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from lossviz.views.controls import _shown

PARAM = "theme"
CHOICES = {"light": "Light", "dark": "Dark", "system": "System"}
_HERE = Path(__file__).parent
_SEEN = "_lossviz_theme_url"  # session key: the theme= value last acted on
_JS = (_HERE / "theme.js").read_text(encoding="utf-8")
_MARK = "lossviz-theme-script"

#: Chart text in the theme's own text colour (Streamlit sets ``color`` on the page):
#: Streamlit's Plotly theme paints ticks and axis titles a faded grey in the browser,
#: rgb(128,132,149) at 12 px, 3.7:1 on white. ``!important`` wins over the inline
#: ``fill`` Plotly writes. The script's container takes no room.
CSS = """<style>
.stPlotlyChart .main-svg :is(.xtick, .ytick, .cbaxis) text,
.stPlotlyChart .main-svg :is(.legendtext, [class$="title"]) {
  fill: currentColor !important;
  fill-opacity: 1 !important;
}
[data-testid="stElementContainer"]:has(#lossviz-theme-script) { display: none; }
</style>"""


def parse(raw: str) -> str:
    """A ``theme=`` value → Streamlit's name for it; ValueError naming the allowed ones."""
    value = raw.strip().lower()
    if value not in CHOICES:
        raise ValueError(
            f"`{PARAM}` must be one of {', '.join(CHOICES)}; got {_shown(raw)}; using the "
            "default (the last choice on this browser, or the system setting)"
        )
    return CHOICES[value]


def script(want: str | None, paths: Sequence[str], here: str) -> str:
    """The HTML that runs theme.js with the link's choice and the app's page paths."""
    js = (
        _JS.replace("__WANT__", json.dumps(want))
        .replace("__PATHS__", json.dumps(list(paths)))
        .replace("__HERE__", json.dumps(here))
    )
    return f'<div id="{_MARK}" hidden></div><script>{js}</script>'


def _query_value() -> str | None:
    try:
        given = st.query_params.get_all(PARAM)
    except Exception:  # a malformed query string: as if none
        return None
    return given[-1] if given else None


def apply(paths: Sequence[str], here: str) -> None:
    """Run on every script run of every page (app.py): the CSS, the script, the warning.

    Args:
      paths: every page's ``url_path`` ("" for the default page).
      here: the ``url_path`` of the page this run draws.
    """
    raw = _query_value()
    want = None
    problem = None
    if raw is not None and raw != st.session_state.get(_SEEN):
        st.session_state[_SEEN] = raw
        try:
            want = parse(raw)
        except ValueError as exc:
            problem = str(exc)
    st.html(CSS)
    st.html(script(want, paths, here), unsafe_allow_javascript=True)
    if problem:
        st.warning(f"A link parameter was not usable:\n\n- {problem}", icon="⚠️")
