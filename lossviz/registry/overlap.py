"""Overlap losses of segmentation (soft Dice, Tversky, soft Jaccard), seen on one image.

The view is a scene: an image of :data:`N_PIXELS` = 1000 pixels of which f % are
foreground (label 1), the rest background (label 0). The prediction gives probability
x to every foreground pixel and b to every background pixel, and each loss is
evaluated on that one image (reduced over its pixels): x → 0 misses the object, x → 1
finds it, b is a faint haze of false positives over the background. (The views
evaluate the image's 100-pixel tile, an exact shortcut: see :data:`ALONG_X`.) The curve's
derivative along x is the chain rule through the loss's own gradient with respect to
``probs``: d probs / dx is 1 on the foreground pixels and 0 elsewhere, so
dℓ/dx = Σ_{foreground k} ∂ℓ/∂p_k.

Beside each loss the curve draws binary cross-entropy averaged over the same pixels
(:data:`MEAN_BCE`, ``losses.binary_cross_entropy`` of the logits of those
probabilities): with 1 % foreground the mean BCE hardly changes between missing the
object and finding it, while Dice goes from ~1 to ~0. That is the lesson.

The Compare domain ``overlap`` (:data:`DOMAINS`) is the same scene with f and b shared.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from lossviz import losses

from ._terms import Build, Call, Fns, Par, Term
from ._types import (
    Axis,
    Branch,
    Curve,
    Depends,
    DomainAxis,
    DomainDecl,
    Input,
    Join,
    LossSpec,
    Param,
    Preset,
    Properties,
    Reference,
    Surface,
)

#: Pixels of the scene's image.
N_PIXELS = 1000
#: The image is N_PIXELS / TILE copies of a TILE-pixel tile (f is a whole percent).
TILE = 100
#: The foreground probability spans [EDGE, 1 − EDGE]: the BCE reference needs finite
#: logits, and at x = 0.01 a missed object already costs BCE its largest slope on the plot.
EDGE = 0.01

# --------------------------------------------------------------------------- the scene

F_PARAM = Param(
    name="f",
    symbol="f (%)",
    latex=r"f\,(\%)",
    default=1.0,
    min=1.0,
    max=50.0,
    step=1.0,
    help=f"Foreground: f % of the {N_PIXELS} pixels are labelled 1 (1 % = 10 pixels).",
)
B_PARAM = Param(
    name="b",
    symbol="b",
    latex="b",
    default=0.001,
    min=0.001,
    max=0.1,
    step=0.001,
    help="Probability b the prediction gives every background pixel (a haze of false positives).",
)


def _mask(params, n: int) -> np.ndarray:
    """Labels ``(..., n)``: the first f % of the n pixels are foreground (f may be an array)."""
    f = np.asarray(params["f"], dtype=np.float64)
    count = np.rint(f * (n / 100.0))[..., None]
    return (np.arange(n) < count).astype(np.float64)


def _image(x, b, params, n: int) -> np.ndarray:
    """Probabilities ``(..., n)``: x on the foreground pixels, b on the background ones."""
    y = _mask(params, n)
    x = np.asarray(x, dtype=np.float64)[..., None]
    b = np.asarray(b, dtype=np.float64)[..., None]
    return x * y + b * (1.0 - y)


def _d_image(c, params, var, n: int) -> np.ndarray:
    # d probs / dx = 1 on the foreground pixels, d probs / db = 1 on the background ones.
    y = _mask(params, n)
    return y if var == "x" else 1.0 - y


def _logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 − p)), the logit BCE takes (as classification.logit, not imported so that
    classification.py can import this module's terms for BCE's Compare join)."""
    return np.log(p) - np.log1p(-p)


def _labels(n: int) -> Build:
    return Build(lambda c, p: _mask(p, n), uses=())


def _probs_along_x(n: int) -> Build:
    """x from the view's coordinate, b from its slider (curves, Compare entries)."""
    return Build(
        lambda c, p: _image(c["x"], p["b"], p, n),
        lambda c, p, var: _d_image(c, p, var, n),
        uses=("x",),
    )


def _probs_over_x_b(n: int) -> Build:
    """x and b both coordinates (surfaces over (x, b))."""
    return Build(
        lambda c, p: _image(c["x"], c["y"], p, n),
        lambda c, p, var: _d_image(c, p, "x" if var == "x" else "b", n),
        uses=("x", "y"),
    )


def _logits_along_x(n: int) -> Build:
    def d(c, p, var):
        # d logit(x) / dx = 1 / (x (1 − x)) on the foreground pixels, 0 elsewhere.
        x = np.asarray(c["x"], dtype=np.float64)[..., None]
        return _mask(p, n) / (x * (1.0 - x))

    return Build(lambda c, p: _logit(_image(c["x"], p["b"], p, n)), d, uses=("x",))


def _logits_over_x_b(n: int) -> Build:
    return Build(lambda c, p: _logit(_image(c["x"], c["y"], p, n)), uses=("x", "y"))


# The image is ten copies of a 100-pixel tile, and every view evaluates the tile: Dice,
# Tversky and Jaccard are ratios of sums over the pixels with the smoothing s added to
# both, so ten copies with s have the value of one tile with s/10 (every sum scales by
# 10), and a mean over ten copies is the mean over one. tests/test_registry_overlap.py
# checks each view against the losses called on the 1000-pixel image itself. It keeps a
# 160×160 surface at 160²·100 values (~30 ms) instead of ten times that.
_SMOOTH_ON_TILE = {"smooth": Par("smooth") * (TILE / N_PIXELS)}

#: Each overlap loss on the scene's image along x (b from its slider).
ALONG_X = Call((_labels(TILE), _probs_along_x(TILE)), _SMOOTH_ON_TILE)
#: Each overlap loss on the scene's image over (x, b).
OVER_X_B = Call((_labels(TILE), _probs_over_x_b(TILE)), _SMOOTH_ON_TILE)


@dataclass(frozen=True, eq=False)
class PixelMean(Term):
    """The mean over the image's pixels of binary cross-entropy, an elementwise loss.

    Calls ``losses.binary_cross_entropy`` (and its ``_grad``, by the chain rule of
    :class:`Call`) whatever spec evaluates it, so it can be a reference branch on an
    overlap loss's curve and BCE's own Compare entry (with its ``pos_weight``, when the
    parameter values hold one). ``n`` is the number of pixels ``call`` reduces over.
    """

    call: Call
    n: int

    #: BCE's function pair; both arguments carry the pixel axis last (summed by the chain
    #: rule, then divided by n: the mean's derivative).
    FNS = Fns(
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_grad,
        wrt=(1,),
        class_axis=(0, 1),
        hyper=("pos_weight",),
    )

    def loss(self, fns, coords, params):
        return np.mean(self.call.loss(self.FNS, coords, params), axis=-1)

    def deriv(self, fns, coords, params, var):
        return self.call.deriv(self.FNS, coords, params, var) / self.n

    def subs(self, names):
        return dataclasses.replace(self, call=self.call.subs(names))

    def coords(self):
        return self.call.coords()


#: Mean BCE over the scene's pixels along x (b from its slider), and over (x, b).
MEAN_BCE = PixelMean(Call((_labels(TILE), _logits_along_x(TILE))), TILE)
MEAN_BCE_OVER_X_B = PixelMean(Call((_labels(TILE), _logits_over_x_b(TILE))), TILE)

BCE_BRANCH = Branch(f"BCE, mean over the {N_PIXELS} pixels", MEAN_BCE)

X_AXIS = Axis(
    "x",
    "foreground probability x (background pixels: b)",
    (EDGE, 1.0 - EDGE),
    "dℓ/dx (all foreground pixels)",
    title="foreground probability x",
    probe=0.5,
    step=0.01,
    symbol="x",
)
SCENE = (F_PARAM, B_PARAM)


def _curve(name: str) -> Curve:
    return Curve(
        axes=(X_AXIS,),
        branches=(Branch(name, ALONG_X), BCE_BRANCH),
        scene=SCENE,
        loss_label="loss of the image",
    )


def _surface() -> Surface:
    return Surface(
        term=OVER_X_B,
        x_label="foreground probability x",
        y_label="background probability b",
        x_range=(EDGE, 1.0 - EDGE),
        y_range=(B_PARAM.min, B_PARAM.max),
        y_param="b",
        x_short="x",
        y_short="b",
    )


def _join(name: str) -> Join:
    return Join("overlap", name, term=ALONG_X, surface=OVER_X_B, uses=("f", "b"))


MASK_INPUTS = (
    Input(
        "labels",
        "y",
        "target mask over the last axis (the pixels): 1 foreground, 0 background; soft "
        "labels allowed",
        (0.0, 1.0),
        classes=True,
    ),
    Input(
        "probs",
        "p",
        "predicted probability of foreground for each pixel on the last axis",
        (0.0, 1.0),
        grad=True,
        classes=True,
    ),
)

SMOOTH = Param(
    name="smooth",
    symbol="s",
    latex="s",
    default=1.0,
    min=0.0,
    max=10.0,
    step=0.1,
    help="Smoothing s added to the numerator and the denominator; at s = 0 an all-zero "
    "mask and prediction is 0/0.",
)

# At s = 0 the loss is 0/0 (undefined) where mask and prediction are all 0.
_smooth_positive = Depends(lambda p: p["smooth"] > 0, "s > 0")


def _overlap_properties(typical_use: str) -> Properties:
    # Not convex in the probabilities: along one background pixel p_k (y_k = 0) the loss
    # is 1 − c/(B + p_k) with c, B > 0, which is concave (tests/test_registry_overlap.py).
    # Each ∂ℓ/∂p_k is a bounded numerator over a denominator ≥ s, so it is bounded and the
    # loss smooth for s > 0; one wrong pixel moves the bounded loss (in [0, 1]) by a
    # bounded amount, unlike BCE's unbounded −log p.
    return Properties(
        convex=False,
        bounded_gradient=_smooth_positive,
        robust_to_outliers=True,
        differentiable_everywhere=_smooth_positive,
        typical_use=typical_use,
    )


_MILLETARI = Reference(
    "F. Milletari, N. Navab, S.-A. Ahmadi",
    "V-Net: Fully Convolutional Neural Networks for Volumetric Medical Image Segmentation",
    2016,
    "3DV (International Conference on 3D Vision)",
    "https://arxiv.org/abs/1606.04797",
)
_SUDRE = Reference(
    "C. H. Sudre, W. Li, T. Vercauteren, S. Ourselin, M. J. Cardoso",
    "Generalised Dice Overlap as a Deep Learning Loss Function for Highly Unbalanced Segmentations",
    2017,
    "DLMIA workshop, MICCAI (LNCS 10553)",
    "https://arxiv.org/abs/1707.03237",
)
_MONAI = Reference(
    "MONAI Consortium",
    "MONAI: Medical Open Network for AI — loss functions (DiceLoss, TverskyLoss)",
    2020,
    "Project documentation",
    "https://docs.monai.io/en/stable/losses.html",
)

_SCENE_TEXT = (
    f"On this page the mask is one image of {N_PIXELS} pixels, f % of them foreground; the "
    "prediction gives probability x to every foreground pixel and b to every background one. "
)
_SMOOTH_PITFALL = (
    "The smoothing s is not negligible on small objects: missing a 10-pixel object entirely "
    "(an all-zero prediction) costs 1 − s/(Σy + s) = 1 − 1/11 ≈ 0.91 at s = 1, not 1. On an "
    "empty mask (Σy = 0) it is what keeps the loss defined: predicting nothing then scores "
    "0 (1 − s/s), predicting a total Σp costs 1 − s/(Σp + s), and at s = 0 the empty case is "
    "0/0. MONAI's default is s = 10⁻⁵; much code (and this library) uses 1."
)

SPECS: list[LossSpec] = [
    LossSpec(
        key="soft_dice",
        title="Soft Dice loss",
        family="overlap",
        fn=losses.soft_dice,
        grad=losses.soft_dice_grad,
        latex=r"\ell(y, p) = 1 - \frac{2\sum_k y_k p_k + s}{\sum_k y_k + \sum_k p_k + s}",
        grad_latex=(
            r"\frac{\partial \ell}{\partial p_k} = \frac{(1 - 2y_k) - \ell}"
            r"{\sum_j y_j + \sum_j p_j + s};\quad "
            r"\text{on the curve: } \frac{d\ell}{dx}"
            r" = \sum_{k:\,y_k = 1} \frac{\partial \ell}{\partial p_k}"
        ),
        params=(SMOOTH,),
        one_liner=(
            "One minus the soft Dice coefficient, the F1 score of the predicted mask: it "
            "measures overlap with the object, so missing a small object costs nearly 1 however "
            "large the background is."
        ),
        when_to_use=(
            "Use it for segmentation where the foreground is a small part of the image (lesions, "
            "tumours, vessels; V-Net introduced it for volumetric medical images), usually summed "
            "with cross-entropy (Dice + CE), which gives steadier gradients early in training. "
            + _SCENE_TEXT
            + "At f = 1 % the mean BCE over the pixels falls only from 0.05 to 0.001 between "
            "missing the object (x = 0.01) and finding it (x = 0.99), because 99 % of its terms "
            "are background pixels that are right either way; Dice falls from 0.90 to 0.05. "
            "Drag b: a faint 2 % haze over the background (b = 0.02) already costs Dice 0.5 "
            "when the object is found (x = 0.99), and BCE almost nothing."
        ),
        pitfalls=(
            _SMOOTH_PITFALL,
            "Soft Dice is not the Dice score of the thresholded mask you evaluate: it rewards "
            "probabilities, so x = 0.5 on every foreground pixel scores a soft Dice coefficient of "
            "0.65 here (loss 0.35), "
            "while thresholding at 0.5 may give 0 or 1. The two agree only for confident "
            "predictions.",
            "Per image or per batch: Dice summed over the whole batch (MONAI batch=True) lets "
            "large objects swamp small ones and hides images whose object was missed; the mean "
            "of per-image Dice weighs every image alike, but needs s for images with an empty "
            "mask.",
            "Not convex in the probabilities (a ratio of sums; along a background pixel it is "
            "concave), and the gradient ∂ℓ/∂p_k is divided by Σy + Σp + s, large when both masks "
            "are small: with a sigmoid in front, ∂ℓ/∂z = σ′(z)·∂ℓ/∂p also vanishes where the "
            "prediction is confidently wrong.",
        ),
        references=(
            Reference(
                "L. R. Dice",
                "Measures of the Amount of Ecologic Association Between Species",
                1945,
                "Ecology 26(3), 297–302",
                "https://doi.org/10.2307/1932409",
            ),
            _MILLETARI,
            _SUDRE,
            _MONAI,
        ),
        properties=_overlap_properties("Segmentation of small structures (medical imaging)."),
        inputs=MASK_INPUTS,
        curve=_curve("soft Dice loss"),
        surface=_surface(),
        joins=(_join("Soft Dice"),),
    ),
    LossSpec(
        key="tversky",
        title="Tversky loss",
        family="overlap",
        fn=losses.tversky,
        grad=losses.tversky_grad,
        latex=(
            r"\ell = 1 - \frac{\mathrm{TP} + s}"
            r"{\mathrm{TP} + \alpha\,\mathrm{FP} + \beta\,\mathrm{FN} + s},\quad "
            r"\mathrm{TP} = \sum_k y_k p_k,\ \mathrm{FP} = \sum_k (1 - y_k)\,p_k,\ "
            r"\mathrm{FN} = \sum_k y_k (1 - p_k)"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial p_k} = \frac{e_k - \ell\,(y_k + e_k)}"
            r"{\mathrm{TP} + \alpha\,\mathrm{FP} + \beta\,\mathrm{FN} + s},\quad "
            r"e_k = \alpha\,(1 - y_k) - \beta\,y_k;\quad "
            r"\text{on the curve: } \frac{d\ell}{dx}"
            r" = \sum_{k:\,y_k = 1} \frac{\partial \ell}{\partial p_k}"
        ),
        params=(
            Param(
                name="alpha",
                symbol="α",
                latex=r"\alpha",
                default=0.5,
                min=0.05,
                max=1.0,
                step=0.05,
                help="Weight α of the false positives FP = Σ(1 − y)p (MONAI's alpha).",
            ),
            Param(
                name="beta",
                symbol="β",
                latex=r"\beta",
                default=0.5,
                min=0.05,
                max=1.0,
                step=0.05,
                help="Weight β of the false negatives FN = Σy(1 − p) (MONAI's beta).",
            ),
            SMOOTH,
        ),
        one_liner=(
            "Dice with its two kinds of error weighed apart: α on the false positives, β on the "
            "false negatives, so β > α makes a missed object cost more than a false alarm."
        ),
        when_to_use=(
            "Use it for segmentation of small structures where missing them is worse than a "
            "false alarm (lesions): Salehi et al. (2017) trained with β > α to trade precision "
            "for recall and report their best F2 and Dice scores at α = 0.3, β = 0.7. "
            "α = β = ½ is soft Dice (with the smoothing doubled), α = β = 1 is the soft Jaccard "
            "(IoU) loss. "
            + _SCENE_TEXT
            + "x moves TP and FN, b moves FP: raise β and missing the object (x → 0) costs more; "
            "lower α and the background haze b costs less (see the surface)."
        ),
        pitfalls=(
            "Which weight goes where differs between papers and code. Here, as in MONAI's "
            "TverskyLoss and Salehi et al., α multiplies the false positives and β the false "
            "negatives; some implementations swap them, so a copied 'β = 0.7' can mean the "
            "opposite trade-off.",
            "α = β = ½ equals soft Dice only with the smoothing doubled (MONAI's convention: s is "
            "added once to the Tversky index, while Dice's (2TP + s)/(…) halves to "
            "(TP + s/2)/(…)); at s = 0 they are identical.",
            "Only α and β relative to TP matter, not α + β = 1: α = β = 1 is Jaccard, not Dice. "
            "The focal Tversky loss (Abraham & Khan 2019) raises this loss to a power to focus on "
            "hard images; it is a different loss.",
            _SMOOTH_PITFALL,
        ),
        references=(
            Reference(
                "S. S. M. Salehi, D. Erdogmus, A. Gholipour",
                "Tversky Loss Function for Image Segmentation Using 3D Fully Convolutional Deep "
                "Networks",
                2017,
                "MLMI workshop, MICCAI (LNCS 10541)",
                "https://arxiv.org/abs/1706.05721",
            ),
            Reference(
                "A. Tversky",
                "Features of Similarity",
                1977,
                "Psychological Review 84(4), 327–352",
                "https://doi.org/10.1037/0033-295X.84.4.327",
            ),
            _MONAI,
        ),
        properties=_overlap_properties("Small-lesion segmentation that favours recall (β > α)."),
        inputs=MASK_INPUTS,
        curve=_curve("Tversky loss"),
        surface=_surface(),
        joins=(_join("Tversky"),),
    ),
    LossSpec(
        key="soft_jaccard",
        title="Soft Jaccard (IoU) loss",
        family="overlap",
        fn=losses.soft_jaccard,
        grad=losses.soft_jaccard_grad,
        latex=(
            r"\ell = 1 - \frac{I + s}{\sum_k y_k + \sum_k p_k - I + s},\quad "
            r"I = \sum_k y_k p_k"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial p_k} = \frac{(1 - 2y_k) - \ell\,(1 - y_k)}"
            r"{\sum_j y_j + \sum_j p_j - I + s};\quad "
            r"\text{on the curve: } \frac{d\ell}{dx}"
            r" = \sum_{k:\,y_k = 1} \frac{\partial \ell}{\partial p_k}"
        ),
        params=(SMOOTH,),
        one_liner=(
            "One minus the soft intersection over union (the Jaccard index) of the predicted and "
            "the true mask."
        ),
        when_to_use=(
            "Use it when the score you report is IoU (mean IoU in semantic segmentation, box and "
            "mask IoU in detection). At s = 0 the Jaccard index J and the Dice coefficient D "
            "determine each other, J = D/(2 − D): the same ranking of predictions for one image, "
            "but J punishes a partial overlap more (D = 0.8 is J = 0.67), so 1 − J lies above "
            "the Dice loss everywhere between a perfect and an empty overlap. "
            + _SCENE_TEXT
            + "Along x the loss is a straight line: the foreground pixels are in the union "
            "whatever x is, so only the intersection moves. As with Dice, the mean BCE over the "
            "pixels hardly moves when a 1 % object is missed."
        ),
        pitfalls=(
            "Dice and IoU rank the predictions of one image alike (J = D/(2 − D) is increasing), "
            "so switching between them changes the gradient's scale and how images average, not "
            "which mask is better.",
            "The soft IoU of probabilities is a surrogate of the IoU of the thresholded mask; the "
            "Lovász hinge and Lovász-softmax (Berman et al. 2018) are tight convex surrogates of "
            "the thresholded IoU itself.",
            _SMOOTH_PITFALL,
        ),
        references=(
            Reference(
                "P. Jaccard",
                "Étude comparative de la distribution florale dans une portion des Alpes et du "
                "Jura",
                1901,
                "Bulletin de la Société Vaudoise des Sciences Naturelles 37, 547–579",
            ),
            Reference(
                "M. A. Rahman, Y. Wang",
                "Optimizing Intersection-Over-Union in Deep Neural Networks for Image Segmentation",
                2016,
                "ISVC (LNCS 10072)",
                "https://doi.org/10.1007/978-3-319-50835-1_22",
            ),
            Reference(
                "M. Berman, A. Rannen Triki, M. B. Blaschko",
                "The Lovász-Softmax Loss: A Tractable Surrogate for the Optimization of the "
                "Intersection-Over-Union Measure in Neural Networks",
                2018,
                "CVPR",
                "https://arxiv.org/abs/1705.08790",
            ),
        ),
        properties=_overlap_properties("Segmentation scored by IoU (mean IoU)."),
        inputs=MASK_INPUTS,
        curve=_curve("soft Jaccard loss"),
        surface=_surface(),
        joins=(_join("Soft Jaccard (IoU)"),),
    ),
]

# --------------------------------------------------------------------------- Compare

DOMAINS: tuple[DomainDecl, ...] = (
    DomainDecl(
        key="overlap",
        title="Segmentation: one image",
        description=(
            f"One image of {N_PIXELS} pixels, f % of them foreground (label 1); the prediction "
            "gives probability x to every foreground pixel and b to every background pixel "
            "(f and b set beside the chart). Each loss is evaluated on that one image, reduced "
            "over its pixels, so x → 0 misses the object and x → 1 finds it. The gradient is "
            "dℓ/dx, the sum of ∂ℓ/∂p over the foreground pixels (through each loss's gradient with "
            "respect to its probabilities)."
        ),
        axes=(
            DomainAxis(
                "x",
                "foreground probability x (background pixels: b)",
                (EDGE, 1.0 - EDGE),
                0.5,
                0.5,
                0.01,
                symbol="x",
            ),
        ),
        grad_label="dℓ/dx",
        shared=SCENE,
        surface_labels=("foreground probability x", "background probability b"),
        surface_ranges=((EDGE, 1.0 - EDGE), (B_PARAM.min, B_PARAM.max)),
        surface_note=(
            "Surfaces: the same image over the foreground and background probabilities (x, b), "
            "f from the sidebar."
        ),
        defaults=(
            ("soft_dice", {}),
            ("tversky", {"alpha": 0.3, "beta": 0.7}),
            ("soft_jaccard", {}),
            ("binary_cross_entropy", {}),
        ),
    ),
)

PRESETS: tuple[Preset, ...] = (
    Preset(
        "overlap",
        "Dice, Tversky and Jaccard",
        "overlap",
        (
            ("soft_dice", {"smooth": 1.0}),
            ("tversky", {"alpha": 0.3, "beta": 0.7, "smooth": 1.0}),
            ("soft_jaccard", {"smooth": 1.0}),
        ),
        shared={"f": 1.0, "b": 0.001},
        log_ratio=False,
        note=(
            "A 10-pixel object in 1000 pixels: Tversky with β = 0.7 > α = 0.3 (Salehi et al. "
            "2017) charges a half-found object more than Dice and a background haze (b) less; "
            "Jaccard (IoU) lies above Dice."
        ),
    ),
    Preset(
        "dice_bce",
        "Dice vs pixel-mean BCE",
        "overlap",
        (("soft_dice", {"smooth": 1.0}), ("binary_cross_entropy", {})),
        shared={"f": 1.0, "b": 0.001},
        log_ratio=False,
        note=(
            "The lesson of the overlap losses: with 1 % foreground, BCE averaged over the "
            "pixels hardly changes whether the object is found, while Dice goes from ~1 to 0."
        ),
    ),
)
