"""The app's charts are the same whether plotly.py validates them or not.

The app builds figures unvalidated (``lossviz.figures._theme.VALIDATE``: validation
was most of a figure's build time), the test suite validated (tests/conftest.py). Here
every page and view is run both ways in AppTest and each chart's spec compared as
data: the same traces, the same layout, the same numbers.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st
from _pages import assert_no_exception, run_link

from lossviz.figures import _theme

LINKS = [
    "/?loss=huber",
    "/?loss=focal",
    "/?loss=kl",
    "/?loss=general_robust",
    "/?loss=triplet",
    "/?loss=bce&3d=1",
    "/compare",
    "/compare?view=ratio",
    "/compare?view=panels",
    "/compare?view=surfaces",
    "/outliers",
    "/outliers?kind=heteroscedastic",
    "/imbalance",
    "/imbalance?view=probabilities",
    "/imbalance?view=objective",
    "/imbalance?view=calibration",
    "/imbalance?compare=margin",
    "/imbalance?compare=overlap",
    "/preferences",
    "/preferences?view=loss",
    "/preferences?view=sweep",
    "/preferences?view=policy",
    "/preferences?view=beta",
    "/kl-fit",
    "/metric",
    "/metric?view=distances&loss=triplet",
    "/metric?view=training",
    "/metric?loss=info_nce&view=geometry",
    "/noise",
    "/noise?view=poisson",
]


def _specs(link: str, validate: bool) -> list:
    st.cache_data.clear()
    st.cache_resource.clear()
    before = _theme.VALIDATE
    _theme.VALIDATE = validate
    try:
        at = run_link(link)
    finally:
        _theme.VALIDATE = before
    assert_no_exception(at)
    return [_without_empty(json.loads(e.proto.spec)) for e in at.get("plotly_chart")]


def _without_empty(spec: dict) -> dict:
    """Validation drops an empty ``shapes``/``annotations`` list from the layout; to
    plotly.js an empty list and none are the same."""
    layout = {k: v for k, v in spec.get("layout", {}).items() if v != []}
    return {**spec, "layout": layout}


@pytest.mark.parametrize("link", LINKS)
def test_a_page_draws_the_same_charts_with_and_without_validation(link):
    checked = _specs(link, True)
    sent = _specs(link, False)
    assert checked, f"{link} drew no chart"
    assert sent == checked
