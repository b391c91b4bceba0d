"""lossviz: `streamlit run app.py`. A thin entry: page config and navigation."""

# Imported once here, before any session runs: Streamlit imports pandas lazily inside
# script threads, and several first runs at once on a cold server then see a partially
# initialised module ("module 'pandas' has no attribute 'Series'", found by the
# protocol load test, benchmarks/protocol.py, at 16 simultaneous first loads).
import pandas  # noqa: F401
import streamlit as st

from lossviz.views import layout, pages, theme

st.set_page_config(
    page_title="lossviz: loss functions you can see",
    page_icon="📉",
    layout="wide",
    # Collapsed on a phone (the chart first), open on a laptop and a projector.
    initial_sidebar_state="auto",
)

layout.page_frame()
nav = pages()
# The pages in the top bar: in the sidebar they took 560 px above every page's controls,
# so at 1280×720 a fit page showed one control beside its chart, and a lesson showed the
# list beside the embedded view's own sidebar. On a phone Streamlit puts them back in the
# sidebar (the sheet, after the page's controls: layout.py).
page = st.navigation(nav, position="top")
# Light/dark: one choice for every page, from the link's theme= or the last one picked.
theme.apply([p.url_path for group in nav.values() for p in group], page.url_path)
page.run()
