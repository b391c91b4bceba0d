"""The About page: what lossviz is, how to read its plots, and the references."""

from __future__ import annotations

import streamlit as st

from lossviz.compare import DOMAINS
from lossviz.registry import FAMILIES, REGISTRY


def render() -> None:
    st.title("About lossviz")
    st.markdown(
        """
lossviz shows machine-learning loss functions the way a teacher draws them on the
board, but exactly and live: pick a loss, drag its hyperparameters, and watch the
loss, its gradient and its surface change. Every number comes from one small NumPy
library whose gradients are checked against finite differences, and every view is
in the page's link, so what you see can be shared by copying the address bar.

**How to read the plots**

- *Loss and gradient.* The top row is the loss against its natural input
  (a residual, a logit, a distance, a score difference); the bottom row is its
  derivative with respect to that input on the same x axis: what backpropagation
  hands to the model (its axis title says which derivative). Dotted verticals mark
  where the behaviour changes (Huber's kinks at ±δ, a margin, the point p = ½). The
  probe x₀ reads off the loss and its slope evaluated at x₀ itself, to four
  significant digits.
- *Surfaces.* A colour map (or 3-D surface) of the loss over two inputs, or over an
  input and a hyperparameter; two axes of the same quantity (two residuals, two
  scores) are drawn to the same scale. When a few extreme values would wash out the
  map the colour scale is capped at four times the median, and the page says so;
  hovering always shows the true value. A loss that spans many orders of magnitude
  (focal loss) is coloured by decades, log₁₀ of the loss, and its colour bar says so.
- *Units.* Logarithms are natural: cross-entropy and KL are in nats. Divide by
  ln 2 ≈ 0.693 for bits, the unit of many textbook plots.
- *Infinity.* KL(P‖Q) is +∞ where Q is 0 and P is not. That is the definition, not
  a bug; the page says so in words and leaves a gap in the plot.

**Sharing a view.** Copy the address bar: the loss, every slider and toggle are in
it. A link with a value that cannot be used (text, out of range, an unknown loss)
opens with the default and a warning that names the parameter.
"""
    )
    st.subheader(f"The {len(REGISTRY)} losses")
    st.markdown(_losses_table())
    st.subheader("References")
    seen = set()
    lines = []
    for spec in REGISTRY.values():
        for r in spec.references:
            ident = (r.authors, r.year, r.title)
            if ident in seen:
                continue
            seen.add(ident)
            link = f" [link]({r.url})" if r.url else ""
            lines.append(f"- {r.authors} ({r.year}). *{r.title}*. {r.venue}.{link}")
    st.markdown("\n".join(sorted(lines)))
    st.caption(
        "Built with Streamlit, NumPy and Plotly. Colours: the Okabe–Ito palette and "
        "Viridis, both readable with the common colour-vision deficiencies."
    )


def _losses_table() -> str:
    """Every registered loss by family: its page on Explore, what it is, where to compare it."""
    joined: dict[str, list[str]] = {}
    for dom in DOMAINS.values():
        for opt in dom.options:
            names = joined.setdefault(opt.loss, [])
            if dom.title not in names:
                names.append(dom.title)
    rows = ["| loss | family | what it is | on Compare |", "|---|---|---|---|"]
    for family in FAMILIES:
        for key, spec in REGISTRY.items():
            if spec.family != family:
                continue
            where = ", ".join(joined.get(key, [])) or "—"
            rows.append(
                f"| [{spec.title}](./?loss={key}) | {family} | {spec.one_liner} | {where} |"
            )
    return "\n".join(rows)
