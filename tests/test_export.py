"""The charts' text alternative (lossviz.views.export.alt_text), on figures with known
values, and on every page: each chart passes one to st.plotly_chart (``alt=``)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from _pages import assert_no_exception, run_link

from lossviz.figures._theme import new_figure
from lossviz.views.export import MAX_TRACES, alt_text


def test_a_curve_is_described_by_its_title_axes_and_minimum():
    # y = x² on x = -2..2: minimum 0 at x = 0, maximum 4 (at x = ±2), by hand.
    x = np.linspace(-2.0, 2.0, 5)
    fig = new_figure(
        [{"type": "scatter", "x": x, "y": x**2, "name": "MSE"}],
        {
            "title": {"text": "<b>MSE</b> — a parabola"},
            "xaxis": {"title": {"text": "residual r"}},
            "yaxis": {"title": {"text": "loss"}},
        },
    )
    alt = alt_text(fig)
    assert alt.startswith("Chart: MSE — a parabola.")  # markup removed
    assert "horizontal: residual r, -2 to 2" in alt
    assert "vertical: loss, 0 to 4" in alt
    assert "MSE: minimum 0 at 0, maximum 4" in alt


def test_an_even_axis_sent_as_x0_dx_and_an_axis_range_are_used():
    # x = 1, 1.5, 2, 2.5 (x0 = 1, dx = 0.5); y = 3, 1, 2, 5: minimum 1 at x = 1.5.
    fig = new_figure(
        [{"type": "scatter", "x0": 1.0, "dx": 0.5, "y": [3.0, 1.0, 2.0, 5.0], "name": "c"}],
        {"yaxis": {"title": {"text": "value"}, "range": [0, 10]}},
    )
    alt = alt_text(fig)
    assert alt.startswith("Chart: Chart.")  # no title
    assert "horizontal: x axis, 1 to 2.5" in alt
    assert "vertical: value, 0 to 10" in alt  # the axis range, not the data's
    assert "c: minimum 1 at 1.5, maximum 5" in alt


def test_a_surface_map_gives_its_extremes_and_where_the_minimum_is():
    # z[row=y][col=x]; the smallest value -1 is at x = 20, y = 200, the largest 9.
    z = np.array([[4.0, 3.0, 9.0], [2.0, -1.0, 5.0]])
    fig = new_figure(
        [{"type": "contour", "x": [10.0, 20.0, 30.0], "y": [100.0, 200.0], "z": z}],
        {"title": {"text": "A map"}, "xaxis": {"title": {"text": "a"}}},
    )
    alt = alt_text(fig)
    assert "contour from -1 at (20, 200) to 9" in alt
    assert "horizontal: a, 10 to 30" in alt
    assert "vertical: y axis, 100 to 200" in alt


def test_non_finite_values_and_many_traces():
    traces = [
        {"type": "scatter", "x": [0.0, 1.0], "y": [np.inf, 2.0], "name": f"t{i}"}
        for i in range(MAX_TRACES + 3)
    ]
    alt = alt_text(new_figure(traces, {}))
    assert "t0: minimum 2 at 1, maximum 2" in alt  # +inf is not a number drawn
    assert f"{MAX_TRACES + 3} traces" in alt and "and 3 more" in alt
    assert f"t{MAX_TRACES}:" not in alt


LINKS = ["/?loss=huber", "/compare", "/outliers", "/imbalance", "/preferences", "/kl-fit"]
LINKS += ["/metric", "/noise"]


@pytest.mark.parametrize("link", LINKS)
def test_every_chart_of_a_page_has_a_text_alternative_naming_its_title(link):
    at = run_link(link)
    assert_no_exception(at)
    charts = at.get("plotly_chart")
    assert charts
    for e in charts:
        spec = json.loads(e.proto.spec)
        title = ((spec["layout"].get("title") or {}).get("text")) or "Chart"
        title = " ".join(re.sub(r"<[^>]*>", " ", title.replace("<br>", " · ")).split())
        assert e.proto.alt.startswith("Chart: "), (link, e.proto.alt)
        assert title.strip(" ·") in e.proto.alt, (link, title, e.proto.alt)
        assert "trace" in e.proto.alt, (link, e.proto.alt)
