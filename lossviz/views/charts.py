"""Every chart of every page goes through :func:`chart`: one place for how a Plotly
figure is shown (the toolbar's configuration, exports, text alternatives), so a page
says what it draws and not how it is displayed."""

from __future__ import annotations

from typing import Any

import streamlit as st

#: Plotly's toolbar configuration for every chart.
PLOT_CONFIG: dict[str, Any] = {"displaylogo": False}


def chart(fig: Any, key: str, *, where: Any = None) -> None:
    """Show ``fig`` under the widget key ``key`` in ``where`` (a container or column;
    the page's main area by default)."""
    (where if where is not None else st).plotly_chart(fig, key=key, config=PLOT_CONFIG)
