"""Every plot on every page is drawn once: its margins already hold what it draws.

When an axis title, tick labels, a legend or a colour bar need more room than the
figure's margins, Plotly's automargin grows the margin and draws the whole figure
again (up to three times). Measured in Chromium that was ~40 % of the browser's
time per slider move, so lossviz.figures sizes the margins for what its figures
draw. This test fails if a figure (or its data) outgrows them: Plotly's final plot
area (``_fullLayout._size``) must equal the margins the figure asked for.
"""

from __future__ import annotations

import pytest
from _browser_checks import assert_margins_hold_what_is_drawn, open_drawn

pytestmark = pytest.mark.browser

# Every loss on Explore and every Compare domain in every view is checked by
# tests/test_every_loss_browser.py, the other axes by tests/test_labels_browser.py,
# each in the page load that checks it renders; these are the remaining views.
PAGES = [
    "/?loss=focal&3d=1",
    "/compare?view=surfaces&3d=1",
    "/outliers",
    "/outliers?3d=1",
    "/imbalance",
    "/imbalance?view=probabilities",
    "/imbalance?view=objective",
    # issue 14: the other comparisons and the calibration view
    "/imbalance?view=calibration",
    "/imbalance?compare=margin",
    "/imbalance?compare=margin&view=probabilities",
    "/imbalance?compare=smoothing&view=probabilities",
    "/imbalance?compare=smoothing&view=calibration",
    "/imbalance?compare=overlap",
    "/imbalance?compare=overlap&view=objective",
    "/preferences",
    "/preferences?view=loss",
    "/preferences?view=sweep",
    "/preferences?view=policy",
    "/preferences?view=beta",
    "/preferences?view=beta&clean=0&items=50",
    "/preferences?view=policy&clean=0&items=50",
    "/kl-fit",
    "/metric",
    "/metric?view=distances&loss=triplet",
    "/metric?view=training",
    "/noise",
    "/noise?view=poisson",
    "/outliers?kind=heteroscedastic",
    "/outliers?l1=pseudo_huber&l2=epsilon_insensitive&l3=general_robust&l3.alpha_inf=1&3d=1",
    "/outliers?l1=smooth_l1&l2=log_cosh&l3=quantile&kind=leverage",
    "/metric?loss=info_nce",
    "/metric?loss=info_nce&view=geometry",
    "/metric?loss=info_nce&view=training",
    "/metric?loss=cosine_embedding&view=distances",
    "/metric?loss=info_nce&view=distances",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_plot_needs_a_second_draw_for_its_margins(app_page, path):
    open_drawn(app_page, path)
    assert_margins_hold_what_is_drawn(app_page, path)
