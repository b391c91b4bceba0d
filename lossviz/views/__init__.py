"""The app's pages: the only package besides app.py that imports streamlit.

``PAGES`` is the navigation that app.py runs; a page is a module with a
``render()`` function, registered here once.
"""

from __future__ import annotations

import streamlit as st

from . import about, explore

PAGES = {
    "Losses": [
        st.Page(explore.render, title="Explore", icon=":material/show_chart:", default=True),
    ],
    "About": [
        st.Page(about.render, title="About", icon=":material/info:", url_path="about"),
    ],
}
