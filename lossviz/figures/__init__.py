r"""Pure figure builders: arrays in, one plotly ``Figure`` out.

Each builder validates its inputs, takes NumPy arrays (sent to the browser as
float32, which plotly serialises as base64 rather than JSON lists), and derives
every title, legend entry and annotation from the values it is given, so a
label can never disagree with the curve it names. Colours are the Okabe–Ito
palette (safe for the common colour-vision deficiencies) and the layout uses
transparent backgrounds so figures read in Streamlit's light and dark themes.

One module per thing drawn, as :mod:`lossviz.fit` and :mod:`lossviz.losses`
have one per family: ``_theme`` (palette, fonts, margins, the layout every
figure starts from), ``curves`` and ``surfaces`` (Explore), ``compare``, and the
fit pages' ``regression``, ``classification``, ``divergence``, ``metric`` and
``preference``. Everything public is re-exported here: views call
``figures.<builder>``.
"""

from __future__ import annotations

from ._theme import (
    COLOUR_BAR_MARGIN,
    FAMILY_SCALE,
    FONT,
    GRID_COLOUR,
    LEGEND_ROW,
    LINE_PALETTE,
    LOSS_COLOURS,
    MARGIN,
    MARKER_COLOUR,
    PALETTE,
    SURFACE_SCALE,
    base_layout,
    branch_colours,
    distinct_colours,
    f32,
    family_colours,
    loss_colour,
)
from .classification import (
    NEGATIVE_COLOUR,
    POSITIVE_COLOUR,
    imbalance_scatter_figure,
    probability_histograms_figure,
)
from .compare import (
    COMPARE_DASHES,
    SURFACE_BAR_MARGIN,
    compare_colour_range,
    compare_markers,
    compare_overlay_figure,
    compare_panel_figure,
    compare_panel_ranges,
    compare_ratio_figure,
    compare_style,
    compare_surface_figure,
    compare_x,
)
from .curves import FAMILY_COLOURS, curve_figure, curve_marks, distributions_figure
from .divergence import (
    KL_FORWARD_COLOUR,
    KL_P_COLOUR,
    KL_REVERSE_COLOUR,
    kl_fit_figure,
    kl_landscapes_figure,
)
from .metric import (
    alignment_uniformity_figure,
    distance_histogram_figure,
    embeddings_figure,
    label_anchor,
    scale_bar,
    training_curves_figure,
)
from .noise import (
    GAUSSIAN_NLL_COLOUR,
    MSE_COLOUR,
    NOISE_TRUTH_COLOUR,
    POISSON_COLOUR,
    noise_bands_figure,
    rate_curves_figure,
)
from .preference import (
    CLEAN_COLOUR,
    FLIPPED_COLOUR,
    beta_sweep_figure,
    margin_sweep_figure,
    policy_bars_figure,
    preference_loss_figure,
    rewards_scatter_figure,
)
from .regression import (
    INLIER_COLOUR,
    OUTLIER_COLOUR,
    TRUTH_COLOUR,
    descent_gap_figure,
    equalised_scale,
    landscape_path_figure,
    outliers_scatter_figure,
    path_lift,
)
from .surfaces import surface_figure

__all__ = [
    "CLEAN_COLOUR",
    "COLOUR_BAR_MARGIN",
    "COMPARE_DASHES",
    "FAMILY_COLOURS",
    "FAMILY_SCALE",
    "FLIPPED_COLOUR",
    "FONT",
    "GAUSSIAN_NLL_COLOUR",
    "GRID_COLOUR",
    "INLIER_COLOUR",
    "KL_FORWARD_COLOUR",
    "KL_P_COLOUR",
    "KL_REVERSE_COLOUR",
    "LEGEND_ROW",
    "LINE_PALETTE",
    "LOSS_COLOURS",
    "MARGIN",
    "MARKER_COLOUR",
    "MSE_COLOUR",
    "NEGATIVE_COLOUR",
    "NOISE_TRUTH_COLOUR",
    "OUTLIER_COLOUR",
    "PALETTE",
    "POISSON_COLOUR",
    "POSITIVE_COLOUR",
    "SURFACE_BAR_MARGIN",
    "SURFACE_SCALE",
    "TRUTH_COLOUR",
    "alignment_uniformity_figure",
    "base_layout",
    "beta_sweep_figure",
    "branch_colours",
    "compare_colour_range",
    "compare_markers",
    "compare_overlay_figure",
    "compare_panel_figure",
    "compare_panel_ranges",
    "compare_ratio_figure",
    "compare_style",
    "compare_surface_figure",
    "compare_x",
    "curve_figure",
    "curve_marks",
    "descent_gap_figure",
    "distance_histogram_figure",
    "distinct_colours",
    "distributions_figure",
    "embeddings_figure",
    "equalised_scale",
    "f32",
    "family_colours",
    "imbalance_scatter_figure",
    "kl_fit_figure",
    "kl_landscapes_figure",
    "label_anchor",
    "landscape_path_figure",
    "loss_colour",
    "margin_sweep_figure",
    "noise_bands_figure",
    "outliers_scatter_figure",
    "path_lift",
    "policy_bars_figure",
    "preference_loss_figure",
    "probability_histograms_figure",
    "rate_curves_figure",
    "rewards_scatter_figure",
    "scale_bar",
    "surface_figure",
    "training_curves_figure",
]
