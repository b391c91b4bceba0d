"""Every title, legend and label drawn on Explore is whole and readable.

Drawing checks only a browser can make: text that Plotly puts outside its figure
is cut off, and a legend drawn over a marker label hides it (found on the landed
app: the KL surface title cut at "σ_P = 1", the focal legend over "z = 0 (p = 0.5)").
"""

from __future__ import annotations

import pytest
from _browser_checks import (
    assert_margins_hold_what_is_drawn,
    assert_texts_whole_and_apart,
    open_drawn,
)

pytestmark = pytest.mark.browser

# Every loss at its default axis is checked by tests/test_every_loss_browser.py in the
# same page load as its rendering; these are the other axes a loss can be drawn on.
PAGES = [
    "/?loss=focal&x=p_t",
    "/?loss=focal&x=p",
    "/?loss=binary_cross_entropy&x=p",
]


@pytest.mark.parametrize("path", PAGES)
def test_titles_legends_and_labels_are_whole_and_do_not_cover_each_other(app_page, path):
    open_drawn(app_page, path, 2)
    assert_texts_whole_and_apart(app_page, path)
    assert_margins_hold_what_is_drawn(app_page, path)


# On a phone the plot is ~300 px wide, not the ~480 the labels' widths were estimated
# for: the focal family's "z = 0 (p = 0.5)" ran into "p_t = 0.9" there.
PHONE_PAGES = [
    "/?loss=focal&x=p_t&family=1&alpha_on=0&gamma=2.0&x0=0.90",
    "/?loss=huber",
    "/?loss=focal&x=p",
]


@pytest.mark.parametrize("sized_page", ["phone"], indirect=True)
@pytest.mark.parametrize("path", PHONE_PAGES)
def test_on_a_phone_the_labels_are_whole_and_apart(sized_page, path):
    open_drawn(sized_page, path, 2)
    assert_texts_whole_and_apart(sized_page, path)
    assert_margins_hold_what_is_drawn(sized_page, path)
