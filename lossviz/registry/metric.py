"""Metric-learning losses on distances: contrastive and triplet (InfoNCE and cosine join them)."""

from __future__ import annotations

from lossviz import losses

from ._terms import Call, Par, X, Y
from ._types import (
    INF,
    Axis,
    Branch,
    Curve,
    Input,
    Join,
    LossSpec,
    Marker,
    Param,
    Properties,
    Reference,
    Surface,
)

_MARGIN_METRIC = Param(
    name="margin",
    symbol="m",
    latex="m",
    default=1.0,
    min=0.0,
    max=3.0,
    step=0.05,
    help="Margin m: how far apart (in distance units) the loss wants the pair or triplet to be.",
)

SPECS: list[LossSpec] = [
    LossSpec(
        key="contrastive",
        title="Contrastive loss",
        family="metric",
        fn=losses.contrastive,
        grad=losses.contrastive_grad,
        latex=r"\ell(y, d) = y\, d^2 + (1 - y)\, \max(0,\, m - d)^2",
        grad_latex=r"\frac{\partial \ell}{\partial d} = 2\,y\,d - 2\,(1 - y)\max(0,\, m - d)",
        params=(_MARGIN_METRIC,),
        one_liner=(
            "Pulls similar pairs together (y d²) and pushes dissimilar pairs apart until they are "
            "at least the margin m away ((1 − y) max(0, m − d)²)."
        ),
        when_to_use=(
            "Use it to learn an embedding from pairs labelled same or different (Siamese networks "
            "for face or signature verification, dimensionality reduction). Dissimilar pairs "
            "beyond the margin cost nothing, so the embedding is not pushed to spread out forever. "
            "Choose the margin on the scale of the embedding distances (e.g. at most 2 for "
            "unit-norm embeddings)."
        ),
        pitfalls=(
            "Which label means similar varies: here y = 1 is a similar pair, whereas Hadsell "
            "et al. (2006) write Y = 0 for similar and Y = 1 for dissimilar. Swapping the "
            "convention silently trains the opposite task.",
            "Factors differ: Hadsell et al. use ½ D² and ½ max(0, m − D)²; this app, like many "
            "libraries, drops the ½, so its values and gradients are twice as large.",
            "Some variants do not square (d instead of d², max(0, m − d) instead of its square); "
            "the unsquared hinge has a kink at d = m, the squared one used here is differentiable.",
            "Convex in the distance d, but not in the embeddings; and d = ‖f(a) − f(b)‖ is not "
            "differentiable at d = 0, so implementations add a small ε inside the square root.",
        ),
        references=(
            Reference(
                "R. Hadsell, S. Chopra, Y. LeCun",
                "Dimensionality Reduction by Learning an Invariant Mapping",
                2006,
                "CVPR",
                "http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf",
            ),
            Reference(
                "S. Chopra, R. Hadsell, Y. LeCun",
                "Learning a Similarity Metric Discriminatively, "
                "with Application to Face Verification",
                2005,
                "CVPR",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Siamese networks: verification and embeddings from labelled pairs.",
        ),
        inputs=(
            Input("labels", "y", "1 for a similar pair, 0 for a dissimilar pair", (0.0, 1.0)),
            Input("distance", "d", "distance between the two embeddings", (0.0, INF), grad=True),
        ),
        curve=Curve(
            axes=(Axis("d", "distance d", (0.0, 3.0), "∂ℓ/∂d", title="distance d", symbol="d"),),
            branches=(
                Branch("y = 1 (similar)", Call((1.0, X))),
                Branch("y = 0 (dissimilar)", Call((0.0, X))),
            ),
            markers=(Marker(lambda p: p["margin"], "d = m = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call((0.0, X), {"margin": Y}),
            x_label="distance d (dissimilar pair, y = 0)",
            y_label="margin m",
            x_range=(0.0, 3.0),
            y_range=(0.0, 3.0),
            y_param="margin",
            x_short="d",
            y_short="m",
        ),
        joins=(
            # A triplet's two pairs over (d₊, d₋): the similar pair's d₊² plus the
            # dissimilar pair's max(0, m − d₋)².
            Join(
                "distance",
                "Contrastive, dissimilar (y = 0)",
                id="contrastive_dissimilar",
                term=Call((0.0, X)),
                surface=Call((1.0, X)) + Call((0.0, Y)),
            ),
            Join(
                "distance",
                "Contrastive, similar (y = 1)",
                id="contrastive_similar",
                term=Call((1.0, X)),
                surface=Call((1.0, X)) + Call((0.0, Y)),
            ),
        ),
    ),
    LossSpec(
        key="triplet",
        title="Triplet loss",
        family="metric",
        fn=losses.triplet,
        grad=losses.triplet_grad,
        latex=r"\ell(d_{+}, d_{-}) = \max(0,\; d_{+} - d_{-} + m)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial d_{+}} = -\frac{\partial \ell}{\partial d_{-}}"
            r" = \mathbb{1}\left[d_{+} - d_{-} + m > 0\right]"
        ),
        params=(_MARGIN_METRIC,),
        one_liner=(
            "Wants the anchor closer to the positive than to the negative by at least the margin: "
            "max(0, d₊ − d₋ + m)."
        ),
        when_to_use=(
            "Use it to learn embeddings where only relative similarity matters: face recognition "
            "(FaceNet), person re-identification, retrieval. Unlike contrastive loss it never asks "
            "a distance to reach a fixed value, only that the positive beat the negative by m. "
            "Most triplets soon satisfy the margin and give zero loss, so how triplets are mined "
            "matters as much as the loss."
        ),
        pitfalls=(
            "A hinge: not differentiable at d₊ − d₋ = −m (the subgradient 0 is used here), and "
            "exactly zero gradient for every satisfied triplet, so random triplets soon stop "
            "teaching anything.",
            "Mining the hardest negatives can collapse training (all embeddings equal, loss = m); "
            "FaceNet uses semi-hard negatives, d₊ < d₋ < d₊ + m.",
            "Squared or not: FaceNet uses squared Euclidean distances with m = 0.2 on unit-norm "
            "embeddings, others plain distances; the same m means different things in the two.",
            "Hard mining is sensitive to label noise: a mislabelled example becomes the hardest "
            "triplet in every batch it appears in.",
        ),
        references=(
            Reference(
                "F. Schroff, D. Kalenichenko, J. Philbin",
                "FaceNet: A Unified Embedding for Face Recognition and Clustering",
                2015,
                "CVPR",
                "https://arxiv.org/abs/1503.03832",
            ),
            Reference(
                "K. Q. Weinberger, L. K. Saul",
                "Distance Metric Learning for Large Margin Nearest Neighbor Classification",
                2009,
                "Journal of Machine Learning Research 10, 207–244",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=False,
            typical_use="Embeddings from (anchor, positive, negative) triplets: faces, re-ID.",
        ),
        inputs=(
            Input(
                "d_pos",
                "d₊",
                "distance from the anchor to the positive (same identity)",
                (0.0, INF),
                grad=True,
            ),
            Input(
                "d_neg",
                "d₋",
                "distance from the anchor to the negative (other identity)",
                (0.0, INF),
                grad=True,
            ),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "d_pos",
                    "d₊, the anchor–positive distance (d₋ fixed by its slider)",
                    (0.0, 5.0),
                    "∂ℓ/∂d₊",
                    title="d₊",
                    symbol="d₊",
                ),
            ),
            branches=(Branch("max(0, d₊ − d₋ + m)", Call((X, Par("d_neg")))),),
            scene=(
                Param(
                    name="d_neg",
                    symbol="d₋",
                    latex="d_{-}",
                    default=2.0,
                    min=0.0,
                    max=5.0,
                    step=0.1,
                    help="Anchor–negative distance d₋, held fixed along the curve.",
                ),
            ),
            markers=(Marker(lambda p: p["d_neg"] - p["margin"], "hinge at d₊ = d₋ − m = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call((X, Y)),
            x_label="d₊ (anchor–positive distance)",
            y_label="d₋ (anchor–negative distance)",
            x_range=(0.0, 4.0),
            y_range=(0.0, 4.0),
            y_param="d_neg",
            x_short="d₊",
            y_short="d₋",
            equal_axes=True,
        ),
        joins=(
            Join(
                "distance",
                "Triplet, d₋ = x",
                id="triplet_neg",
                term=Call((Par("d_pos"), X)),
                surface=Call((X, Y)),
                uses=("d_pos",),
            ),
            Join(
                "distance",
                "Triplet, d₊ = x",
                id="triplet_pos",
                term=Call((X, Par("d_neg"))),
                surface=Call((X, Y)),
                uses=("d_neg",),
            ),
        ),
    ),
]
