"""Every chart of every page goes through :func:`chart`: one place for how a Plotly
figure is shown (the toolbar's configuration, exports, text alternatives), so a page
says what it draws and not how it is displayed."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lossviz.views.export import actions, alt_text

#: Plotly's toolbar configuration for every chart. Its own camera button is replaced by
#: the export row (lossviz/views/export.py): it saved the on-screen size with a
#: transparent background and without the "current value" line.
PLOT_CONFIG: dict[str, Any] = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}


def chart(fig: Any, key: str, *, where: Any = None) -> None:
    """Show ``fig`` under the widget key ``key`` in ``where`` (a container or column;
    the page's main area by default), with its text alternative and its export row."""
    target = where if where is not None else st
    target.plotly_chart(fig, key=key, config=PLOT_CONFIG, alt=alt_text(fig))
    if where is None:
        actions(key)
    else:
        with where:
            actions(key)
