"""The app's pages: the only package besides app.py that imports streamlit.

:func:`pages` is the navigation that app.py runs; a page is a module with a
``render()`` function, registered here once.
"""

from __future__ import annotations

import streamlit as st

from . import (
    about,
    compare,
    explore,
    imbalance,
    kl_fit,
    lessons,
    metric,
    noise,
    outliers,
    preferences,
)


def pages() -> dict[str, list[st.Page]]:
    """The navigation, built anew on every run.

    ``st.Page`` objects carry a one-shot "may run" flag that ``st.navigation`` sets
    and ``Page.run`` clears; objects shared by all sessions (a module constant) let
    one session clear another's flag, and under concurrent reruns a page then fails
    with "This page cannot be called directly" (found by the load test).
    """
    return {
        "Losses": [
            st.Page(explore.render, title="Explore", icon=":material/show_chart:", default=True),
            st.Page(
                compare.render,
                title="Compare",
                icon=":material/compare_arrows:",
                url_path="compare",
            ),
        ],
        "Fits": [
            st.Page(
                outliers.render,
                title="Robust regression",
                icon=":material/scatter_plot:",
                url_path="outliers",
            ),
            st.Page(
                imbalance.render,
                title="Class imbalance",
                icon=":material/balance:",
                url_path="imbalance",
            ),
            st.Page(
                preferences.render,
                title="Preferences (RLHF)",
                icon=":material/thumbs_up_down:",
                url_path="preferences",
            ),
            st.Page(
                kl_fit.render,
                title="Forward vs reverse KL",
                icon=":material/call_split:",
                url_path="kl-fit",
            ),
            st.Page(
                metric.render, title="Metric learning", icon=":material/hub:", url_path="metric"
            ),
            st.Page(noise.render, title="Noise models", icon=":material/grain:", url_path="noise"),
        ],
        # One page for all lessons: the lesson and its step are query parameters, so the
        # navigation stays short and the lesson picker and ←/→ walk them on one page.
        "Lessons": [
            st.Page(lessons.render, title="Lessons", icon=":material/school:", url_path="lessons"),
        ],
        "About": [
            st.Page(about.render, title="About", icon=":material/info:", url_path="about"),
        ],
    }
