"""lossviz: `streamlit run app.py`. A thin entry: page config and navigation."""

import streamlit as st

from lossviz.views import pages

st.set_page_config(
    page_title="lossviz: loss functions you can see",
    page_icon="📉",
    layout="wide",
    initial_sidebar_state="expanded",
)

st.navigation(pages()).run()
