"""Metric-learning losses: contrastive and triplet on distances, InfoNCE and cosine embedding
on similarities.

InfoNCE is drawn along the positive's similarity s⁺ with its K negatives all at one
similarity s⁻ (scene sliders), cosine embedding along the cosine of the pair. Both
join the Compare domain ``similarity`` declared here (:data:`DOMAINS`), read along the
cosine similarity of the pair being moved.
"""

from __future__ import annotations

import math

import numpy as np

from lossviz import losses

from ._terms import Build, Call, Par, X, Y
from ._types import (
    INF,
    Axis,
    Branch,
    Curve,
    CurveFamily,
    DomainAxis,
    DomainDecl,
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

# --------------------------------------------------------------------------- similarities

_HADSELL = Reference(
    "R. Hadsell, S. Chopra, Y. LeCun",
    "Dimensionality Reduction by Learning an Invariant Mapping",
    2006,
    "CVPR",
    "http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf",
)

N_NEG = Param(
    name="n_neg",
    symbol="K",
    latex="K",
    default=15.0,
    min=1.0,
    max=100.0,
    step=1.0,
    help="Number K of negatives: the positive is picked out of K + 1 candidates.",
    shape=True,
)
SIM_NEG = Param(
    name="sim_neg",
    symbol="s⁻",
    latex="s^{-}",
    default=0.0,
    min=-1.0,
    max=1.0,
    step=0.05,
    help="Similarity s⁻ of every negative to the anchor, held fixed along the curve.",
)


def _k(params) -> int:
    return round(float(params["n_neg"]))


def _at(s, params) -> np.ndarray:
    """K negatives' similarities ``(..., K)``, all equal to ``s`` (which may be an array:
    the surface's y, or s⁻ in a family over its slider)."""
    s = np.asarray(s, dtype=np.float64)
    return np.broadcast_to(s[..., None], (*s.shape, _k(params)))


def _negatives(c, params) -> np.ndarray:
    return _at(params["sim_neg"], params)


def _negatives_at_y(c, params) -> np.ndarray:
    return _at(c["y"], params)


def _all_negatives_move(c, params, var) -> np.ndarray:
    return np.ones(_k(params))


def _one_negative_at_x(c, params) -> np.ndarray:
    """[x, s⁻, …, s⁻]: the first of the K negatives at x, the other K − 1 at s⁻."""
    x = np.asarray(c["x"], dtype=np.float64)
    s = np.asarray(params["sim_neg"], dtype=np.float64)
    out = np.empty((*np.broadcast_shapes(x.shape, s.shape), _k(params)))
    out[...] = s[..., None]
    out[..., 0] = x
    return out


def _first_moves(c, params, var) -> np.ndarray:
    e = np.zeros(_k(params))
    e[0] = 1.0
    return e


#: All K negatives at s⁻ (the slider), or at the surface's y; one of them at x.
NEGATIVES = Build(_negatives, uses=())
NEGATIVES_AT_Y = Build(_negatives_at_y, _all_negatives_move, uses=("y",))
ONE_NEGATIVE_AT_X = Build(_one_negative_at_x, _first_moves, uses=("x",))


def _half(params) -> float:
    # π₊ = e^{s⁺/τ} / (e^{s⁺/τ} + K e^{s⁻/τ}) = ½  ⇔  s⁺ = s⁻ + τ ln K. With K = 1 this is
    # s⁺ = s⁻, the first marker: not drawn twice (markers outside the axis are dropped).
    k = _k(params)
    return params["sim_neg"] + params["temperature"] * math.log(k) if k > 1 else math.inf


_MARGIN_COSINE = Param(
    name="margin",
    symbol="m",
    latex="m",
    default=0.0,
    min=-1.0,
    max=1.0,
    step=0.05,
    help=(
        "Margin m, a cosine: a dissimilar pair costs nothing once its cosine is at most m "
        "(PyTorch suggests 0 to 0.5)."
    ),
)
_COS_PAIRS = Call((1.0, X)) + Call((0.0, Y))  # a similar pair at x plus a dissimilar one at y


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
    LossSpec(
        key="info_nce",
        title="InfoNCE loss",
        family="metric",
        fn=losses.info_nce,
        grad=losses.info_nce_grad,
        latex=(
            r"\ell(s^{+}, s^{-}) = -\log \frac{e^{s^{+}/\tau}}"
            r"{e^{s^{+}/\tau} + \sum_{k=1}^{K} e^{s^{-}_k/\tau}}"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial s^{+}} = -\frac{1 - \pi_{+}}{\tau},\quad"
            r"\frac{\partial \ell}{\partial s^{-}_k} = \frac{\pi_k}{\tau},\quad"
            r"\pi = \operatorname{softmax}\big([s^{+}, s^{-}_1, \dots, s^{-}_K] / \tau\big)"
        ),
        params=(
            Param(
                name="temperature",
                symbol="τ",
                latex=r"\tau",
                default=0.07,
                min=0.01,
                max=1.0,
                step=0.01,
                help=(
                    "Temperature τ: the similarities are divided by it before the softmax, "
                    "so a small τ sharpens it (0.07 in MoCo and CLIP's start)."
                ),
            ),
        ),
        one_liner=(
            "Cross-entropy of picking the positive out of K + 1 candidates, with the "
            "similarities divided by a temperature τ as the logits."
        ),
        when_to_use=(
            "Use it to learn representations from positive pairs without labels: two "
            "augmented views of one image (SimCLR, MoCo), an image and its caption (CLIP), a "
            "context and its future (CPC). The other examples of the batch, or a queue, are "
            "the negatives. It is categorical cross-entropy over K + 1 classes with the "
            "logits [s⁺, s⁻₁, …, s⁻_K]/τ and the positive as the true class, so when every "
            "similarity is equal it is ln(K + 1). Similarities are usually cosines of "
            "normalised embeddings, in [−1, 1]."
        ),
        pitfalls=(
            "The temperature sets the scale, not only the sharpness: the slope reaches 1/τ "
            "(≈ 14 at τ = 0.07), and a small τ puts nearly all the gradient on the hardest "
            "negatives (Wang and Liu 2021). MoCo fixes τ = 0.07; CLIP learns it, starting "
            "there.",
            "ln(K + 1) is the loss of an encoder that cannot tell the positive apart, so the "
            "loss grows with the number of negatives: values from runs with different batch "
            "or queue sizes are not comparable. As a bound on mutual information InfoNCE "
            "cannot certify more than ln(K + 1) nats (van den Oord et al. 2018).",
            "False negatives: another example of the same class in the batch is pushed away "
            "like any negative, with a gradient up to 1/τ; supervised contrastive learning "
            "(Khosla et al. 2020) counts such pairs as positives.",
            "Variants: SimCLR's NT-Xent takes the other 2N − 2 views of a batch of N as "
            "negatives, CLIP averages the image-to-text and text-to-image cross-entropies; "
            "per anchor both are this loss. In this view all K negatives share one "
            "similarity s⁻.",
        ),
        references=(
            Reference(
                "A. van den Oord, Y. Li, O. Vinyals",
                "Representation Learning with Contrastive Predictive Coding",
                2018,
                "arXiv:1807.03748",
                "https://arxiv.org/abs/1807.03748",
            ),
            Reference(
                "T. Chen, S. Kornblith, M. Norouzi, G. Hinton",
                "A Simple Framework for Contrastive Learning of Visual Representations",
                2020,
                "ICML",
                "https://arxiv.org/abs/2002.05709",
            ),
            Reference(
                "K. He, H. Fan, Y. Wu, S. Xie, R. Girshick",
                "Momentum Contrast for Unsupervised Visual Representation Learning",
                2020,
                "CVPR",
                "https://arxiv.org/abs/1911.05722",
            ),
            Reference(
                "A. Radford, J. W. Kim, C. Hallacy, et al.",
                "Learning Transferable Visual Models From Natural Language Supervision",
                2021,
                "ICML",
                "https://arxiv.org/abs/2103.00020",
            ),
            Reference(
                "F. Wang, H. Liu",
                "Understanding the Behaviour of Contrastive Loss",
                2021,
                "CVPR",
                "https://arxiv.org/abs/2012.09740",
            ),
            Reference(
                "P. Khosla, P. Teterwak, C. Wang, et al.",
                "Supervised Contrastive Learning",
                2020,
                "NeurIPS",
                "https://arxiv.org/abs/2004.11362",
            ),
        ),
        properties=Properties(
            # log Σ exp of affine functions of the similarities: convex, smooth, with every
            # partial derivative in [−1/τ, 1/τ]; linear growth in (s⁻ − s⁺)/τ, so a false
            # negative is pushed with the full 1/τ.
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Self-supervised and multimodal embeddings: CPC, SimCLR, MoCo, CLIP.",
        ),
        inputs=(
            Input(
                "sim_pos",
                "s⁺",
                "similarity of the anchor to its positive",
                (-INF, INF),
                grad=True,
            ),
            Input(
                "sim_neg",
                "s⁻",
                "similarities of the anchor to its K negatives, on the last axis",
                (-INF, INF),
                grad=True,
                classes=True,
            ),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "s_pos",
                    "s⁺, similarity of the positive pair (K negatives at s⁻)",
                    (-1.0, 1.0),
                    "∂ℓ/∂s⁺",
                    title="s⁺",
                    symbol="s⁺",
                    step=0.01,
                ),
            ),
            branches=(Branch("InfoNCE", Call((X, NEGATIVES))),),
            scene=(N_NEG, SIM_NEG),
            markers=(
                Marker(lambda p: p["sim_neg"], "ℓ = ln(K + 1) at s⁺ = s⁻"),
                Marker(_half, "π₊ = ½ at s⁺ = s⁻ + τ ln K"),
            ),
            family=CurveFamily(
                "temperature", (0.2, 0.5, 1.0), "τ family: a larger τ flattens the softmax"
            ),
        ),
        surface=Surface(
            term=Call((X, NEGATIVES), {"temperature": Y}),
            x_label="s⁺, similarity of the positive pair (K negatives at s⁻)",
            y_label="temperature τ",
            x_range=(-1.0, 1.0),
            y_range=(0.01, 1.0),
            y_param="temperature",
            x_short="s⁺",
            y_short="τ",
        ),
        joins=(
            Join(
                "similarity",
                "InfoNCE, s⁺ = x",
                term=Call((X, NEGATIVES)),
                surface=Call((X, NEGATIVES_AT_Y)),
                uses=("n_neg", "sim_neg"),
            ),
            Join(
                "similarity",
                "InfoNCE, one negative s⁻₁ = x",
                id="info_nce_negative",
                term=Call((Par("sim_pos"), ONE_NEGATIVE_AT_X)),
                surface=Call((X, NEGATIVES_AT_Y)),
                uses=("sim_pos", "n_neg", "sim_neg"),
            ),
        ),
    ),
    LossSpec(
        key="cosine_embedding",
        title="Cosine embedding loss",
        family="metric",
        fn=losses.cosine_embedding,
        grad=losses.cosine_embedding_grad,
        latex=(
            r"\ell(y, \cos\theta) = \begin{cases} 1 - \cos\theta & y = 1 \\"
            r" \max(0,\, \cos\theta - m) & y = 0 \end{cases}"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \cos\theta} = \begin{cases} -1 & y = 1 \\"
            r" \mathbb{1}[\cos\theta > m] & y = 0 \end{cases}"
        ),
        params=(_MARGIN_COSINE,),
        one_liner=(
            "Pulls a similar pair's cosine up to 1 (1 − cos θ) and pushes a dissimilar "
            "pair's cosine down until it is at most the margin m (max(0, cos θ − m))."
        ),
        when_to_use=(
            "Use it to learn embeddings compared by angle rather than by distance, from "
            "pairs labelled same or different: sentence similarity, duplicate detection, "
            "retrieval with normalised embeddings. It is contrastive loss on the cosine: a "
            "linear pull for similar pairs and a hinge at cos θ = m for dissimilar ones. For "
            "unit vectors ‖a − b‖² = 2 − 2 cos θ, so contrastive loss's similar-pair term "
            "d² is 2(1 − cos θ), twice this loss. PyTorch suggests margins from 0 to 0.5."
        ),
        pitfalls=(
            "Labels: PyTorch's CosineEmbeddingLoss takes y = 1 and y = −1, and a label 0 "
            "there matches neither case and silently costs 0; this library's "
            "cosine_embedding takes 1 and 0, like contrastive loss.",
            "The margin is a cosine, not a distance: m = 0 asks dissimilar pairs to be at "
            "least orthogonal (90°), m = 0.5 lets them come within 60°, and a negative m "
            "asks them to point apart.",
            "Only the angle is learned: the loss is blind to the embeddings' norms, and the "
            "cosine is undefined at the zero vector (implementations add a small ε to the "
            "norms).",
            "The similar pair's gradient is −1 all the way to cos θ = 1: unlike a squared "
            "loss it never eases off. In return the loss is bounded, so a mislabelled pair "
            "costs at most 2.",
        ),
        references=(
            Reference(
                "J. Bromley, I. Guyon, Y. LeCun, E. Säckinger, R. Shah",
                "Signature Verification using a 'Siamese' Time Delay Neural Network",
                1993,
                "NeurIPS",
            ),
            _HADSELL,
            Reference(
                "PyTorch contributors",
                "torch.nn.CosineEmbeddingLoss",
                2017,
                "PyTorch documentation",
                "https://pytorch.org/docs/stable/generated/torch.nn.CosineEmbeddingLoss.html",
            ),
        ),
        properties=Properties(
            # Linear (y = 1) or a hinge (y = 0) in the cosine: convex, |∂ℓ/∂cos| ≤ 1, the
            # loss in [0, 2]; the hinge has a kink at cos θ = m.
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=False,
            typical_use="Embeddings compared by angle: sentence similarity, duplicates, retrieval.",
        ),
        inputs=(
            Input("labels", "y", "1 for a similar pair, 0 for a dissimilar pair", (0.0, 1.0)),
            Input(
                "cosine",
                "cos θ",
                "cosine similarity of the two embeddings",
                (-1.0, 1.0),
                grad=True,
            ),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "cos",
                    "cosine similarity cos θ of the pair",
                    (-1.0, 1.0),
                    "∂ℓ/∂cos θ",
                    title="cos θ",
                    symbol="cos θ",
                    step=0.01,
                ),
            ),
            branches=(
                Branch("y = 1 (similar)", Call((1.0, X))),
                Branch("y = 0 (dissimilar)", Call((0.0, X))),
            ),
            markers=(Marker(lambda p: p["margin"], "cos θ = m = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call((0.0, X), {"margin": Y}),
            x_label="cosine cos θ (dissimilar pair, y = 0)",
            y_label="margin m",
            x_range=(-1.0, 1.0),
            y_range=(-1.0, 1.0),
            y_param="margin",
            x_short="cos θ",
            y_short="m",
        ),
        joins=(
            Join(
                "similarity",
                "Cosine embedding, similar (y = 1)",
                id="cosine_similar",
                term=Call((1.0, X)),
                surface=_COS_PAIRS,
            ),
            Join(
                "similarity",
                "Cosine embedding, dissimilar (y = 0)",
                id="cosine_dissimilar",
                term=Call((0.0, X)),
                surface=_COS_PAIRS,
            ),
        ),
    ),
]


def _shared(name: str, symbol: str, latex: str, default: float, lo: float, hi: float,
            step: float, help: str) -> Param:  # fmt: skip
    return Param(name, symbol, latex, default, lo, hi, step, help)


DOMAINS: tuple[DomainDecl, ...] = (
    DomainDecl(
        key="similarity",
        title="Cosine similarity of the pair being moved",
        description=(
            "x is the cosine similarity s of the pair being moved, in [−1, 1]. InfoNCE "
            "moving the positive is info_nce(x, [s⁻, …, s⁻], τ), its K negatives at s⁻ set in "
            "the sidebar; moving one negative, info_nce(s⁺, [x, s⁻, …, s⁻], τ), with s⁺ and "
            "the other K − 1 negatives from the sidebar. Cosine embedding is "
            "cosine_embedding(1, x) = 1 − x for a similar pair and cosine_embedding(0, x, m) "
            "= max(0, x − m) for a dissimilar one. The gradient is dℓ/ds along x."
        ),
        axes=(
            DomainAxis(
                "s",
                "cosine similarity s of the pair being moved",
                (-1.0, 1.0),
                0.5,
                0.5,
                0.01,
                symbol="s",
            ),
        ),
        grad_label="dℓ/ds",
        shared=(
            _shared(
                "sim_pos",
                "s⁺",
                "s^{+}",
                0.5,
                -1.0,
                1.0,
                0.05,
                "Similarity s⁺ of the positive, held fixed while an InfoNCE entry moves one "
                "negative (s⁻₁ = x).",
            ),
            N_NEG,
            _shared(
                "sim_neg",
                "s⁻",
                "s^{-}",
                0.0,
                -1.0,
                1.0,
                0.05,
                "Similarity s⁻ of the InfoNCE negatives that do not move.",
            ),
        ),
        surface_labels=("s⁺ (positive or similar pair)", "s⁻ (negatives or dissimilar pair)"),
        surface_ranges=((-1.0, 1.0), (-1.0, 1.0)),
        surface_note=(
            "Surfaces: over (s⁺, s⁻). InfoNCE entries put all K negatives at s⁻; cosine "
            "embedding entries sum a similar pair at s⁺ and a dissimilar pair at s⁻, "
            "(1 − s⁺) + max(0, s⁻ − m)."
        ),
        defaults=(
            ("info_nce", {"temperature": 0.07}),
            ("info_nce", {"temperature": 0.5}),
            ("cosine_similar", {"margin": 0.0}),
            ("info_nce_negative", {"temperature": 0.07}),
        ),
    ),
)
