"""Classification losses: BCE, categorical CE and focal from logits; the margin classifiers.

Binary losses are drawn along the logit z, for label 1 and label 0, or along the
probability p = σ(z) (and, for focal, p_t, the probability of the true class); the
gradient row is always ∂ℓ/∂z, what back-propagation hands the model.

The margin losses of linear classifiers (hinge, squared hinge, modified Huber,
exponential) are drawn along the margin t·z (label y = 1, so t = 2y − 1 = 1 and the
score z is the margin), with the zero-one loss 1[t·z ≤ 0] they stand in for drawn
for reference; the module declares the Compare domain ``margin`` that puts them,
and logistic regression (BCE of the margin), on one axis (Bartlett, Jordan &
McAuliffe 2006, Fig. 1). The Weston–Watkins multiclass hinge joins softmax CE on
the 3-class logits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossviz import losses
from lossviz.losses._stable import sigmoid

from . import overlap
from ._terms import Build, Call, Par, Sum, Term, X, Y
from ._types import (
    INF,
    Axis,
    Branch,
    Curve,
    CurveFamily,
    Depends,
    DomainAxis,
    DomainDecl,
    Input,
    Join,
    LossSpec,
    Marker,
    Param,
    Preset,
    Properties,
    Reference,
    Surface,
)

P_EDGE = 1e-3  # probability axes span [P_EDGE, 1 − P_EDGE]: logits ±6.9
_LN2 = "ln 2 ≈ 0.693"
_GOODFELLOW = Reference(
    "I. Goodfellow, Y. Bengio, A. Courville",
    "Deep Learning (§6.2.2, sigmoid and softmax output units)",
    2016,
    "MIT Press",
    "https://www.deeplearningbook.org/",
)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


Z_LABEL = "logit z (p = σ(z))"
Z_RANGE = (-8.0, 8.0)
LOGIT_AXIS = Axis("logit", Z_LABEL, Z_RANGE, "∂ℓ/∂z", title="logit z", symbol="z", probe=4.0)
_P_GRAD = "∂ℓ/∂z (z = logit of p)"
P_AXIS = Axis(
    "p",
    "predicted probability p = σ(z)",
    (P_EDGE, 1.0 - P_EDGE),
    _P_GRAD,
    title="probability p = σ(z)",
    to_native=logit,
    from_native=sigmoid,
    probe=0.75,
    step=0.01,
    symbol="p",
)

BINARY_INPUTS = (
    Input("labels", "y", "label: probability of class 1 (0 or 1, soft labels allowed)", (0.0, 1.0)),
    Input("logits", "z", "logit of class 1; p = σ(z)", (-INF, INF), grad=True),
)

#: Label 1 and label 0 along the logit.
LABEL_BRANCHES = (Branch("y = 1", Call((1.0, X))), Branch("y = 0", Call((0.0, X))))
HALF = (Marker(0.0, "z = 0 (p = 0.5)"),)


def _alpha_t(params, positive: bool) -> str:
    alpha = params.get("alpha")
    if alpha is None:
        return "no α weighting"
    return f"α_t = {alpha if positive else 1.0 - alpha:.2f}"


#: On the p_t axis a negative (y = 0) with p = 1 − p_t has the same curve shape as a
#: positive, weighted by 1 − α instead of α: evaluated at −z, so x is p_t for both.
PT_AXIS = Axis(
    "p_t",
    "p_t, the probability of the true class",
    (P_EDGE, 1.0 - P_EDGE),
    "∂ℓ/∂z of a positive; of a negative, −∂ℓ/∂z",
    title="p_t (true class)",
    to_native=logit,
    from_native=sigmoid,
    probe=0.9,  # Lin et al. 2017, §3.2: FL is 100× below CE there for γ = 2
    step=0.01,
    symbol="p_t",
    markers=((0.9, "p_t = 0.9"),),
    branches=(
        Branch(lambda p: f"positive (y = 1), {_alpha_t(p, True)}", Call((1.0, X))),
        Branch(lambda p: f"negative (y = 0), {_alpha_t(p, False)}", Call((0.0, -X))),
    ),
)

#: logits of p_t on the surface's x axis (p_t in (0, 1)).
_LOGIT_OF_X = Build(lambda c, p: logit(c["x"]), uses=("x",))


# --------------------------------------------------------------------------- categorical


def _k(params) -> int:
    return round(float(params["n_classes"]))


def _others(params) -> np.ndarray:
    """The wrong classes' logits of one row: z₁, z₂ (unused for K = 2), then 0."""
    k = _k(params)
    others = np.zeros(k - 1)
    others[0] = params["other_logit_1"]
    if k >= 3:
        others[1] = params["other_logit_2"]
    return others


def _cce_logits(c, params) -> np.ndarray:
    """Logits (..., K): [z₀ = x, z₁ (the y axis on the surface, else its slider), z₂, 0, …].

    z₁ and z₂ may be arrays (a family over their sliders): they broadcast like x.
    """
    k = _k(params)
    z0 = np.asarray(c["x"], dtype=np.float64)
    z1 = np.asarray(c["y"] if "y" in c else params["other_logit_1"], dtype=np.float64)
    z2 = np.asarray(params["other_logit_2"], dtype=np.float64)
    shape = np.broadcast_shapes(z0.shape, z1.shape, z2.shape)
    out = np.zeros((*shape, k))
    out[..., 0] = z0
    out[..., 1] = z1
    if k >= 3:
        out[..., 2] = z2
    return out


def _cce_dlogits(c, params, var) -> np.ndarray:
    e = np.zeros(_k(params))
    e[0 if var == "x" else 1] = 1.0
    return e


def _cce_labels(c, params) -> np.ndarray:
    e = np.zeros(_k(params))
    e[0] = 1.0  # true class 0
    return e


_CCE_LABELS = Build(_cce_labels, uses=())
_CCE_ALONG_Z0 = Call((_CCE_LABELS, Build(_cce_logits, _cce_dlogits, uses=("x",))))
_CCE_SURFACE = Call((_CCE_LABELS, Build(_cce_logits, _cce_dlogits, uses=("x", "y"))))


# The Compare page's 3-class domain: logits (z₀ = x, z₁, z₂) with z₁ and z₂ its shared
# sliders (on its surface z₁ = y); true class 0.
def three_logits(c, params) -> np.ndarray:
    z0 = np.asarray(c["x"], dtype=np.float64)
    z1 = c["y"] if "y" in c else params["z1"]
    shape = np.broadcast_shapes(z0.shape, np.shape(z1), np.shape(params["z2"]))
    out = np.empty((*shape, 3))
    out[..., 0], out[..., 1], out[..., 2] = z0, z1, params["z2"]
    return out


def _three_dlogits(c, params, var) -> np.ndarray:
    return np.array([1.0, 0.0, 0.0]) if var == "x" else np.array([0.0, 1.0, 0.0])


TRUE_CLASS_0 = Build(lambda c, p: np.array([1.0, 0.0, 0.0]), uses=())
THREE_LOGITS = Build(three_logits, _three_dlogits, uses=("x", "y"))
#: A sigmoid loss applied one-vs-all over the three classes (as RetinaNet applies focal).
ONE_VS_ALL = Call((1.0, X)) + Call((0.0, Par("z1"))) + Call((0.0, Par("z2")))
ONE_VS_ALL_SURFACE = Call((1.0, X)) + Call((0.0, Y)) + Call((0.0, Par("z2")))


def _tie(params) -> float:
    # p₀ = e^{z₀} / (e^{z₀} + Σ_{k≠0} e^{z_k}) = ½  ⇔  z₀ = log Σ_{k≠0} e^{z_k}.
    o = _others(params)
    m = float(o.max())
    return m + float(np.log(np.sum(np.exp(o - m))))


def smoothed_minimum(params) -> float:
    """Where the CCE curve along z₀ is lowest under label smoothing ε (+inf for ε = 0).

    With the other logits fixed the curve is convex in z₀ and its slope is
    ∂ℓ/∂z₀ = p₀ − t₀, t₀ = 1 − ε + ε/K the smoothed target of the true class (the
    targets sum to 1), so it is zero where p₀ = t₀, i.e. at
    z₀* = ln Σ_{k≠0} e^{z_k} + ln(t₀ / (1 − t₀)), with 1 − t₀ = ε(K − 1)/K. For
    K = 2: z₀ − z₁ = ln((1 − ε/2)/(ε/2)). Without smoothing t₀ = 1 and the loss
    falls forever as z₀ grows: no finite minimum. The tests check this against
    ``categorical_cross_entropy_grad`` (zero there) and PyTorch's label_smoothing.
    """
    eps = float(params["label_smoothing"])
    if eps <= 0.0:
        return INF
    k = _k(params)
    t0 = 1.0 - eps + eps / k
    return _tie(params) + math.log(t0 / (eps * (k - 1) / k))


# --------------------------------------------------------------------------- margins


@dataclass(frozen=True, eq=False)
class ZeroOne(Term):
    """The reference 0-1 loss 1[t·z ≤ 0] along a margin coordinate; not a training loss.

    It is what a classifier is finally judged by (an error), and what the margin
    losses are convex surrogates of; it is drawn beside them for reference only. Its
    derivative is 0 wherever it is defined (everywhere but the step at t·z = 0), so
    gradient descent on it cannot move: that is why the surrogates exist. No library
    loss is involved: ``fns`` is not called.
    """

    at: str = "x"  # the coordinate that is the margin t·z

    def loss(self, fns, coords, params):
        return (np.asarray(coords[self.at], dtype=np.float64) <= 0.0).astype(np.float64)

    def deriv(self, fns, coords, params, var):
        return np.zeros_like(np.asarray(coords[self.at], dtype=np.float64))

    def subs(self, names):
        return ZeroOne(names.get(self.at, self.at))

    def coords(self):
        return {self.at}


MARGIN_LABEL = "margin t·z (label y = 1: t·z is the score z)"
MARGIN_RANGE = (-2.0, 3.0)
_MARGIN_GRAD = "∂ℓ/∂z at y = 1"
MARGIN_AXIS = Axis(
    "margin",
    MARGIN_LABEL,
    MARGIN_RANGE,
    _MARGIN_GRAD,
    title="margin t·z",
    symbol="t·z",
    probe=0.5,  # right side of the boundary but inside the margin: still costs
)
MARGIN_INPUTS = (
    Input("labels", "y", "class label, exactly 0 or 1 (t = 2y − 1 = ±1)", (0.0, 1.0)),
    Input(
        "scores",
        "z",
        "real score (decision value) of class 1; t·z is the margin",
        (-INF, INF),
        grad=True,
    ),
)
#: ℓ(1, t·z): label 1, score x, so x is the margin and d/dx is ∂ℓ/∂z.
ALONG_MARGIN = Call((1.0, X))
ZERO_ONE = ZeroOne()
ZERO_ONE_BRANCH = Branch("zero-one 1[t·z ≤ 0] (reference)", ZERO_ONE)
BOUNDARY = Marker(0.0, "t·z = 0 (0-1 step)")
#: The mean loss of two examples over their margins (t₁z₁, t₂z₂).
TWO_MARGINS = Sum((Call((1.0, X)), Call((1.0, Y))), (0.5, 0.5))
ZERO_ONE_TWO = Sum((ZeroOne("x"), ZeroOne("y")), (0.5, 0.5))


def _margin_param(help: str, presets: tuple[tuple[str, float], ...] = ()) -> Param:
    return Param(
        name="margin",
        symbol="m",
        latex="m",
        default=1.0,
        min=0.0,
        max=2.0,
        step=0.05,
        help=help,
        presets=presets,
    )


def _over_margin_and_m(z_label: str) -> Surface:
    """The loss over the margin t·z and the target margin m (its y axis)."""
    return Surface(
        term=Call((1.0, X), {"margin": Y}),
        x_label=MARGIN_LABEL,
        y_label="target margin m (hyperparameter)",
        x_range=MARGIN_RANGE,
        y_range=(0.0, 2.0),
        z_label=z_label,
        y_param="margin",
        x_short="t·z",
        y_short="m",
    )


def _two_margins(name: str, log_colour: bool = False) -> Surface:
    """The mean loss of two examples over their margins, both axes one quantity."""
    return Surface(
        term=TWO_MARGINS,
        x_label="margin t₁·z₁ (example 1)",
        y_label="margin t₂·z₂ (example 2)",
        x_range=MARGIN_RANGE,
        y_range=MARGIN_RANGE,
        z_label=f"mean {name} of the two",
        x_short="t₁z₁",
        y_short="t₂z₂",
        equal_axes=True,
        log_colour=log_colour,
    )


def _margin_curve(name: str, markers: tuple[Marker, ...]) -> Curve:
    return Curve(
        axes=(MARGIN_AXIS,),
        branches=(Branch(name, ALONG_MARGIN), ZERO_ONE_BRANCH),
        markers=(*markers, BOUNDARY),
    )


_BARTLETT = Reference(
    "P. L. Bartlett, M. I. Jordan, J. D. McAuliffe",
    "Convexity, Classification, and Risk Bounds",
    2006,
    "Journal of the American Statistical Association 101(473), 138–156",
    "https://doi.org/10.1198/016214505000000907",
)


# --- the Weston–Watkins hinge: three classes, true class 0, scores (s₀ = x, s₁, s₂)


def _three_scores(c, params) -> np.ndarray:
    """Scores (..., 3): [s₀ = x, s₁ (the y axis on the surface, else its slider), s₂]."""
    s0 = np.asarray(c["x"], dtype=np.float64)
    s1 = np.asarray(c["y"] if "y" in c else params["other_score_1"], dtype=np.float64)
    s2 = np.asarray(params["other_score_2"], dtype=np.float64)
    out = np.empty((*np.broadcast_shapes(s0.shape, s1.shape, s2.shape), 3))
    out[..., 0], out[..., 1], out[..., 2] = s0, s1, s2
    return out


def _pair_scores(name: str):
    """Scores (..., 2) [s₀ = x, s_k]: with labels [1, 0], the Weston–Watkins sum has the
    one term max(0, m − s₀ + s_k), so each term of the 3-class loss is the library's
    own function called on two classes."""

    def build(c, params) -> np.ndarray:
        s0 = np.asarray(c["x"], dtype=np.float64)
        sk = np.asarray(params[name], dtype=np.float64)
        out = np.empty((*np.broadcast_shapes(s0.shape, sk.shape), 2))
        out[..., 0], out[..., 1] = s0, sk
        return out

    return Build(build, lambda c, p, var: np.array([1.0, 0.0]), uses=("x",))


_TRUE_OF_TWO = Build(lambda c, p: np.array([1.0, 0.0]), uses=())
_MC_ALONG_S0 = Call((TRUE_CLASS_0, Build(_three_scores, _three_dlogits, uses=("x",))))
_MC_SURFACE = Call((TRUE_CLASS_0, Build(_three_scores, _three_dlogits, uses=("x", "y"))))


def _other_score(i: int, default: float) -> Param:
    return Param(
        name=f"other_score_{i}",
        symbol=f"s{'₁₂'[i - 1]}",
        latex=f"s_{i}",
        default=default,
        min=-3.0,
        max=3.0,
        step=0.1,
        help=f"Score s{'₁₂'[i - 1]} of wrong class {i}.",
    )


SPECS: list[LossSpec] = [
    LossSpec(
        key="binary_cross_entropy",
        title="Binary cross-entropy",
        family="classification",
        fn=losses.binary_cross_entropy,
        grad=losses.binary_cross_entropy_grad,
        latex=(
            r"\ell(y, z) = -\big[\,w_{+}\,y \log \sigma(z)"
            r" + (1 - y) \log\big(1 - \sigma(z)\big)\big]"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial z} = (1 - y)\,\sigma(z) - w_{+}\,y\,\sigma(-z)"
            r"\quad \big(= \sigma(z) - y \text{ for } w_{+} = 1\big)"
        ),
        params=(
            Param(
                name="pos_weight",
                symbol="w₊",
                latex="w_{+}",
                default=1.0,
                min=0.0,
                max=10.0,
                step=0.1,
                help=(
                    "Weight w₊ of the positive term (PyTorch pos_weight), e.g. n_neg / n_pos; "
                    "1 = unweighted."
                ),
            ),
        ),
        one_liner="Negative log-likelihood of a yes/no label under the predicted probability σ(z).",
        when_to_use=(
            "Use it for binary classification and for multi-label problems (an independent "
            "yes/no per output). Computed from the logit it is convex and its gradient "
            "σ(z) − y is bounded by 1, which makes it the standard partner of a sigmoid output. "
            "Labels may be soft (any y in [0, 1]), e.g. with label smoothing. With t = 2y − 1 "
            "it is the logistic loss log(1 + e^(−t·z)) of the margin t·z, the smooth member of "
            "the margin family beside the hinge and the exponential loss (Compare on "
            "'Binary margin t·z'). pos_weight w₊ scales the positive term only, to rebalance "
            "rare positives."
        ),
        pitfalls=(
            "Compute it from logits (PyTorch's BCEWithLogitsLoss), not from probabilities: "
            "1 − σ(z) rounds to 0 once z ≳ 37 in float64 (≳ 17 in float32), and log 0 = −inf, "
            "while the logit form softplus(−z) stays exact.",
            f"Natural log vs log base 2: values here are in nats (as in PyTorch and TensorFlow); "
            f"in bits they are larger by 1/ln 2 ≈ 1.443. At z = 0 the loss is {_LN2} nats = 1 bit, "
            "which is why the classic picture of margin losses plots log₂(1 + e^(−t·z)): in bits "
            "the logistic loss passes (0, 1) with the zero-one loss and the hinge; in nats it "
            "passes below, at ln 2 (Compare's margin domain, normalised at x_ref = 0, shows "
            "the bits version).",
            "Confidently wrong examples cost a loss growing linearly in |z| without bound, so "
            "mislabelled points are not ignored.",
            "With class imbalance the batch mean is dominated by the frequent class. pos_weight "
            "(PyTorch's BCEWithLogitsLoss) multiplies the positive term only, typically "
            "w₊ = n_neg / n_pos (4 for 1 positive in 5). Focal loss's α is a different knob: it "
            "weighs positives by α and negatives by 1 − α, so α = 0.25 gives the positives the "
            "smaller weight, and α = 0.75 is the 3 : 1 tilt of w₊ = 3, at a quarter of the scale.",
        ),
        references=(
            Reference(
                "D. R. Cox",
                "The Regression Analysis of Binary Sequences",
                1958,
                "Journal of the Royal Statistical Society, Series B 20(2), 215–242",
            ),
            _GOODFELLOW,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Binary and multi-label classification with a sigmoid output.",
        ),
        inputs=BINARY_INPUTS,
        curve=Curve(axes=(LOGIT_AXIS, P_AXIS), branches=LABEL_BRANCHES, markers=HALF),
        surface=Surface(
            term=Call((Y, X)),
            x_label=Z_LABEL,
            y_label="label y (soft labels in between)",
            x_range=Z_RANGE,
            y_range=(0.0, 1.0),
            x_short="z",
            y_short="y",
        ),
        joins=(
            Join("binary", "BCE"),
            Join(
                "multiclass",
                "One-vs-all BCE",
                term=ONE_VS_ALL,
                surface=ONE_VS_ALL_SURFACE,
                uses=("z1", "z2"),
            ),
            Join("preference", "BCE(1, Δr)", term=Call((1.0, X)), surface=Call((1.0, X - Y))),
            # The segmentation image's pixels, averaged: what Dice is compared with.
            Join(
                "overlap",
                "BCE, mean over pixels",
                term=overlap.MEAN_BCE,
                surface=overlap.MEAN_BCE_OVER_X_B,
                uses=("f", "b"),
            ),
            # Logistic regression's loss of the margin, unweighted (w₊ only scales it here).
            Join(
                "margin",
                "Logistic: BCE(1, t·z)",
                term=ALONG_MARGIN,
                surface=TWO_MARGINS,
                fixed={"pos_weight": 1.0},
            ),
        ),
    ),
    LossSpec(
        key="categorical_cross_entropy",
        title="Categorical cross-entropy",
        family="classification",
        fn=losses.categorical_cross_entropy,
        grad=losses.categorical_cross_entropy_grad,
        latex=(
            r"\ell(y, z) = -\sum_k t_k \log \frac{e^{z_k}}{\sum_j e^{z_j}},\quad"
            r" t = (1 - \varepsilon)\,y + \varepsilon / K"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial z_k} = \operatorname{softmax}(z)_k - t_k"
            r"\quad \big(\textstyle\sum_k y_k = 1\big)"
        ),
        params=(
            Param(
                name="label_smoothing",
                symbol="ε",
                latex=r"\varepsilon",
                default=0.0,
                min=0.0,
                max=1.0,
                step=0.01,
                help="Label smoothing ε: the target is (1 − ε)·y + ε/K (PyTorch).",
                presets=(("none (ε = 0)", 0.0), ("Inception-v3 (ε = 0.1)", 0.1)),
            ),
        ),
        one_liner=(
            "Negative log of the probability that the softmax of the logits gives the true class."
        ),
        when_to_use=(
            "Use it for single-label classification with K mutually exclusive classes: the model "
            "outputs K logits, softmax turns them into probabilities and the loss is −log p of the "
            "true class. Its gradient with respect to the logits is simply softmax(z) − y. With "
            "K = 2 it is exactly binary cross-entropy on the logit difference z₀ − z₁. Label "
            "smoothing ε (Szegedy et al. 2016; PyTorch's label_smoothing) trains toward "
            "t = (1 − ε)·y + ε/K instead of the one-hot y, the true class included in the ε/K "
            "(some code spreads ε over the K − 1 wrong classes only): the loss then has a finite "
            "minimum where p₀ = 1 − ε + ε/K, marked on the curve, instead of falling forever as "
            "z₀ grows. ε = 0.1 is the Inception-v3 setting."
        ),
        pitfalls=(
            "Pass logits, not probabilities: PyTorch's CrossEntropyLoss applies log-softmax "
            "itself, so feeding it softmax outputs applies softmax twice and flattens the "
            "gradients.",
            "Natural log vs log base 2: values here are in nats; in bits they are 1/ln 2 ≈ 1.443 "
            "times larger. A uniform guess over K classes costs ln K nats = log₂ K bits.",
            "Adding the same constant to every logit changes nothing (softmax is shift invariant): "
            "only differences matter, and p₀ = ½ exactly where "
            "z₀ = ln(e^(z₁) + … + e^(z_(K−1))), the log-sum-exp of the others.",
            "Without smoothing the loss keeps falling as the true logit grows, so on separable "
            "data the logits grow without bound (overconfidence). With ε > 0 the minimum along "
            "z₀ is finite, at z₀ = ln(e^(z₁) + … + e^(z_(K−1))) + ln((1 − ε + ε/K) / (ε − ε/K)) "
            "(for K = 2: "
            "z₀ − z₁ = ln((1 − ε/2)/(ε/2)), 2.94 for ε = 0.1), and the loss no longer reaches 0: "
            "its floor is the entropy of the smoothed target.",
        ),
        references=(
            Reference(
                "J. S. Bridle",
                "Probabilistic Interpretation of Feedforward Classification Network Outputs, "
                "with Relationships to Statistical Pattern Recognition",
                1990,
                "Neurocomputing: Algorithms, Architectures and Applications "
                "(NATO ASI Series F68), Springer",
            ),
            Reference(
                "C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens, Z. Wojna",
                "Rethinking the Inception Architecture for Computer Vision (§7, label smoothing)",
                2016,
                "CVPR",
                "https://arxiv.org/abs/1512.00567",
            ),
            Reference(
                "R. Müller, S. Kornblith, G. Hinton",
                "When Does Label Smoothing Help?",
                2019,
                "NeurIPS",
                "https://arxiv.org/abs/1906.02629",
            ),
            _GOODFELLOW,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Single-label multi-class classification with a softmax output.",
        ),
        inputs=(
            Input(
                "labels",
                "y",
                "one-hot or soft label vector over the last axis (sums to 1)",
                (0.0, 1.0),
                classes=True,
            ),
            Input(
                "logits",
                "z",
                "one logit per class on the last axis; p = softmax(z)",
                (-INF, INF),
                grad=True,
                classes=True,
            ),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "z0",
                    "true-class logit z₀",
                    (-6.0, 6.0),
                    "∂ℓ/∂z₀",
                    title="true-class logit z₀",
                    symbol="z₀",
                ),
            ),
            branches=(Branch("true class 0", _CCE_ALONG_Z0),),
            scene=(
                Param(
                    name="n_classes",
                    symbol="K",
                    latex="K",
                    default=3.0,
                    min=2.0,
                    max=10.0,
                    step=1.0,
                    help="Number of classes K; classes beyond the first three have logit 0.",
                    shape=True,
                ),
                Param(
                    name="other_logit_1",
                    symbol="z₁",
                    latex="z_1",
                    default=1.0,
                    min=-5.0,
                    max=5.0,
                    step=0.1,
                    help="Logit z₁ of the first wrong class.",
                ),
                Param(
                    name="other_logit_2",
                    symbol="z₂",
                    latex="z_2",
                    default=0.0,
                    min=-5.0,
                    max=5.0,
                    step=0.1,
                    help="Logit z₂ of the second wrong class (unused when K = 2).",
                ),
            ),
            markers=(
                Marker(_tie, "p₀ = ½ at z₀ = ln Σ<sub>k≥1</sub> exp(z<sub>k</sub>) = {x:.2f}"),
                # Only with ε > 0 (at +inf otherwise, so not drawn).
                Marker(smoothed_minimum, "minimum z₀ = {x:.2f}"),
            ),
        ),
        surface=Surface(
            term=_CCE_SURFACE,
            x_label="true-class logit z₀",
            y_label="logit z₁ of the first wrong class",
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            y_param="other_logit_1",
            x_short="z₀",
            y_short="z₁",
            equal_axes=True,
        ),
        joins=(
            Join(
                "multiclass",
                "Softmax CE",
                term=Call((TRUE_CLASS_0, THREE_LOGITS)),
                surface=Call((TRUE_CLASS_0, THREE_LOGITS)),
                uses=("z1", "z2"),
            ),
        ),
    ),
    LossSpec(
        key="focal",
        title="Focal loss",
        family="classification",
        fn=losses.focal,
        grad=losses.focal_grad,
        latex=(
            r"\ell = -\alpha_t\,(1 - p_t)^{\gamma} \log p_t,\quad p = \sigma(z),\;"
            r" p_t = p\,y + (1 - p)(1 - y),\; \alpha_t = \alpha\,y + (1 - \alpha)(1 - y)"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial z} = (2y - 1)\,\alpha_t\,(1 - p_t)^{\gamma}"
            r"\big[\gamma\, p_t \log p_t - (1 - p_t)\big]\quad (y \in \{0, 1\})"
        ),
        params=(
            Param(
                name="gamma",
                symbol="γ",
                latex=r"\gamma",
                default=2.0,
                min=0.0,
                max=5.0,
                step=0.1,
                help="Focusing parameter: the larger γ, the less easy examples (p_t near 1) count.",
            ),
            Param(
                name="alpha",
                symbol="α",
                latex=r"\alpha",
                default=0.25,
                min=0.0,
                max=1.0,
                step=0.05,
                help="Weight α of the positive class (y = 1); the negative class gets 1 − α.",
                optional=True,
            ),
        ),
        one_liner=(
            "Cross-entropy scaled by (1 − p_t)^γ, so well-classified examples contribute almost "
            "nothing and training focuses on the hard ones."
        ),
        when_to_use=(
            "Use it for binary (or one-vs-all) classification with extreme imbalance, where a "
            "flood of easy negatives would otherwise dominate the loss; its original setting is "
            "dense one-stage object detection (RetinaNet, ~100k candidate boxes per image). "
            "γ = 0 without α gives back binary cross-entropy; the paper's best setting is "
            "γ = 2, α = 0.25."
        ),
        pitfalls=(
            "α weights the positive class (α_t = α for y = 1, 1 − α for y = 0). With α = 0.25 the "
            "rare positives get the smaller weight: in the paper the best α falls as γ grows, "
            "because γ already down-weights the easy negatives so much.",
            "Not convex for γ > 0, and smaller than cross-entropy everywhere, so the same learning "
            "rate takes smaller steps; the paper also initialises the last bias so that p ≈ 0.01 "
            "at the start, for stability.",
            "Implementations differ: torchvision's sigmoid_focal_loss (the form used here) takes "
            "logits with α on the positive class; multi-class versions use softmax and a per-class "
            "α vector, and some drop α altogether (alpha=None here).",
        ),
        references=(
            Reference(
                "T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollár",
                "Focal Loss for Dense Object Detection",
                2017,
                "ICCV",
                "https://arxiv.org/abs/1708.02002",
            ),
        ),
        properties=Properties(
            # For γ > 0 the second derivative along z is negative for z < −2 − 1/γ
            # (label 1; mirrored for label 0): convex only at γ = 0, where focal is BCE.
            convex=Depends(lambda p: p["gamma"] == 0.0, "γ = 0 only, where it is BCE"),
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Heavily imbalanced detection and classification (RetinaNet).",
        ),
        inputs=BINARY_INPUTS,
        curve=Curve(
            axes=(LOGIT_AXIS, P_AXIS, PT_AXIS),
            branches=LABEL_BRANCHES,
            markers=HALF,
            family=CurveFamily(
                "gamma", (0.0, 0.5, 1.0, 2.0, 5.0), "γ family of Lin et al. (Fig. 1)"
            ),
        ),
        surface=Surface(
            # A positive (y = 1) at p = p_t; without α, which only scales the map by α_t.
            term=Call((1.0, _LOGIT_OF_X), {"gamma": Y, "alpha": None}),
            x_label="p_t (probability of the true class, y = 1)",
            y_label="γ (focusing parameter)",
            x_range=(P_EDGE, 1.0 - P_EDGE),
            y_range=(0.0, 5.0),
            z_label="loss (α off)",
            y_param="gamma",
            uses=(),
            x_short="p_t",
            y_short="γ",
            log_colour=True,
        ),
        joins=(
            Join("binary", "Focal"),
            Join(
                "multiclass",
                "One-vs-all focal",
                term=ONE_VS_ALL,
                surface=ONE_VS_ALL_SURFACE,
                uses=("z1", "z2"),
            ),
        ),
    ),
    LossSpec(
        key="hinge",
        title="Hinge loss",
        family="classification",
        fn=losses.hinge,
        grad=losses.hinge_grad,
        latex=r"\ell(y, z) = \max(0,\; m - t z),\quad t = 2y - 1 \in \{-1, +1\}",
        grad_latex=(
            r"\frac{\partial \ell}{\partial z} = \begin{cases} -t & t z < m \\"
            r" 0 & t z \ge m \end{cases}\quad (\text{subgradient } 0 \text{ at } t z = m)"
        ),
        params=(
            _margin_param(
                "Target margin m: an example costs nothing once t·z ≥ m; m = 0 is the "
                "perceptron's loss.",
                presets=(("perceptron (m = 0)", 0.0), ("SVM (m = 1)", 1.0)),
            ),
        ),
        inputs=MARGIN_INPUTS,
        one_liner=(
            "The support-vector machine's loss: zero once an example is on the right side by "
            "the margin m, rising linearly the further it falls short."
        ),
        when_to_use=(
            "Use it to train a maximum-margin linear classifier (a linear SVM: scikit-learn's "
            "SGDClassifier(loss='hinge') or LinearSVC(loss='hinge')), or as a margin objective "
            "when only the decision is needed, not a probability. With m = 1 it lies on or above "
            "the zero-one loss 1[t·z ≤ 0] everywhere and is classification-calibrated (Bartlett, "
            "Jordan & McAuliffe 2006): a convex surrogate that gradient methods can minimise. "
            "Examples beyond the margin drop out of the gradient, which makes the solution "
            "sparse: only the support vectors count."
        ),
        pitfalls=(
            "Its scores are not probabilities: the minimiser of the expected hinge loss is "
            "sign(2p − 1), not the log-odds, so a hinge-trained score says which side, not how "
            "likely; calibrate separately (Platt scaling) if probabilities are needed.",
            "For a linear score the margin only sets the scale: for m > 0, max(0, m − t·z) = "
            "m·max(0, 1 − t·z/m), so changing m rescales w against the weight penalty; m = 1 is "
            "the convention. It bounds the zero-one loss only for m ≥ 1 (its value at t·z = 0 "
            "is m), and m = 0, the perceptron's loss, is met by any separating line.",
            "PyTorch has no binary loss of this name: HingeEmbeddingLoss is a different loss for "
            "distances (x for y = 1, max(0, Δ − x) for y = −1), and MultiMarginLoss divides the "
            "multiclass hinge by the number of classes. Labels here are 0/1 (t = 2y − 1), as in "
            "scikit-learn; write relu(m − t·z) where labels are ±1.",
        ),
        references=(
            Reference(
                "C. Cortes, V. Vapnik",
                "Support-Vector Networks",
                1995,
                "Machine Learning 20(3), 273–297",
                "https://doi.org/10.1007/BF00994018",
            ),
            _BARTLETT,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=False,
            typical_use="Linear SVMs; margin objectives where only the decision matters.",
        ),
        curve=_margin_curve(
            "hinge max(0, m − t·z)", (Marker(lambda p: p["margin"], "t·z = m = {x:.2f}"),)
        ),
        surface=_over_margin_and_m("hinge loss"),
        joins=(
            Join("margin", "Hinge"),
            # The reference 0-1 loss joins the margin domain here, beside the loss that
            # bounds it first (m = 1); it has no hyperparameter of its own.
            Join(
                "margin",
                "Zero-one 1[t·z ≤ 0] (reference)",
                id="zero_one",
                term=ZERO_ONE,
                surface=ZERO_ONE_TWO,
                fixed={"margin": 1.0},
                title="Zero-one loss (the error rate; a reference, not a training loss)",
                properties=Properties(
                    convex=False,
                    bounded_gradient=True,  # 0 wherever it is defined
                    robust_to_outliers=True,  # a mistake costs 1, however far off
                    differentiable_everywhere=False,  # a step at t·z = 0
                    typical_use=(
                        "What classification is scored on; its gradient is 0 almost "
                        "everywhere, so models train on a convex surrogate that bounds it."
                    ),
                ),
            ),
        ),
    ),
    LossSpec(
        key="squared_hinge",
        title="Squared hinge loss",
        family="classification",
        fn=losses.squared_hinge,
        grad=losses.squared_hinge_grad,
        latex=r"\ell(y, z) = \max(0,\; m - t z)^2,\quad t = 2y - 1",
        grad_latex=r"\frac{\partial \ell}{\partial z} = -2t\,\max(0,\; m - t z)",
        params=(
            _margin_param(
                "Target margin m: an example costs nothing once t·z ≥ m; inside it the cost "
                "is the shortfall squared."
            ),
        ),
        inputs=MARGIN_INPUTS,
        one_liner=(
            "The hinge loss squared: zero beyond the margin, quadratic inside it, so it is smooth "
            "at the margin and punishes a bad miss quadratically."
        ),
        when_to_use=(
            "Use it for a linear SVM trained by a smooth solver (the L2-SVM: scikit-learn "
            "LinearSVC's default loss='squared_hinge', LIBLINEAR), or wherever a differentiable "
            "hinge is wanted: its gradient −2t·max(0, m − t·z) is continuous and fades to 0 at "
            "the margin, so Newton-type methods apply. It is Bartlett et al.'s 'truncated "
            "quadratic', a classification-calibrated surrogate of the zero-one loss."
        ),
        pitfalls=(
            "Quadratic growth below the margin: a point at t·z = −3 costs 16 (hinge: 4) and pulls "
            "with a gradient of 8, so a few mislabelled points dominate; modified Huber caps that "
            "by going linear below t·z = −1.",
            "'L2-SVM' means this loss (the slack squared), not the L2 penalty on the weights, "
            "which every SVM has: LinearSVC's penalty='l2' and loss='squared_hinge' are two "
            "separate choices.",
            "As for the hinge, m only sets the scale of a linear score (m² times the loss of "
            "z/m), and it bounds the zero-one loss only for m ≥ 1 (its value at t·z = 0 is m²).",
        ),
        references=(
            Reference(
                "R.-E. Fan, K.-W. Chang, C.-J. Hsieh, X.-R. Wang, C.-J. Lin",
                "LIBLINEAR: A Library for Large Linear Classification",
                2008,
                "Journal of Machine Learning Research 9, 1871–1874",
                "https://www.jmlr.org/papers/v9/fan08a.html",
            ),
            _BARTLETT,
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="L2-SVMs (LinearSVC's default); a differentiable hinge.",
        ),
        curve=_margin_curve(
            "squared hinge max(0, m − t·z)²",
            (Marker(lambda p: p["margin"], "t·z = m = {x:.2f}"),),
        ),
        surface=_over_margin_and_m("squared hinge loss"),
        joins=(Join("margin", "Squared hinge"),),
    ),
    LossSpec(
        key="modified_huber",
        title="Modified Huber loss",
        family="classification",
        fn=losses.modified_huber,
        grad=losses.modified_huber_grad,
        latex=(
            r"\ell(y, z) = \begin{cases} \max(0,\; 1 - t z)^2 & t z \ge -1 \\"
            r" -4\,t z & t z < -1 \end{cases},\quad t = 2y - 1"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial z} = \begin{cases} -2t\,\max(0,\; 1 - t z)"
            r" & t z \ge -1 \\ -4t & t z < -1 \end{cases}"
        ),
        params=(),
        inputs=MARGIN_INPUTS,
        one_liner=(
            "The squared hinge, made linear below t·z = −1: smooth, zero beyond the margin, and "
            "a confidently wrong example pulls with a bounded force."
        ),
        when_to_use=(
            "Use it for a linear classifier trained by SGD that should not be dragged by a few "
            "mislabelled points and still give rough probabilities: scikit-learn's "
            "SGDClassifier(loss='modified_huber') (Zhang 2004). The quadratic piece and the "
            "linear piece −4t·z meet at t·z = −1 with the same value 4 and the same slope, so "
            "the loss is convex and continuously differentiable, and its gradient never exceeds "
            "4 in size."
        ),
        pitfalls=(
            "It is not the regression Huber loss applied to the margin: the switch is at a fixed "
            "t·z = −1 with no δ to tune, and the quadratic part is the squared hinge, zero for "
            "t·z ≥ 1.",
            "'Tolerant to outliers' means a bounded gradient, not that a mislabelled point is "
            "ignored: its cost still grows without bound, linearly (4|t·z|), as for the hinge "
            "and the logistic loss.",
            "Its probabilities are crude: scikit-learn's predict_proba for it is "
            "(clip(z, −1, 1) + 1)/2, exactly 0 or 1 once |z| ≥ 1, so do not read them as "
            "calibrated.",
        ),
        references=(
            Reference(
                "T. Zhang",
                "Solving Large Scale Linear Prediction Problems Using Stochastic Gradient "
                "Descent Algorithms",
                2004,
                "ICML",
                "https://icml.cc/imls/conferences/2004/proceedings/abstracts/12.htm",
            ),
            Reference(
                "F. Pedregosa, G. Varoquaux, A. Gramfort, et al.",
                "Scikit-learn: Machine Learning in Python (SGDClassifier, loss='modified_huber')",
                2011,
                "Journal of Machine Learning Research 12, 2825–2830",
                "https://jmlr.org/papers/v12/pedregosa11a.html",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="SGD linear classifiers wanting bounded gradients, rough probabilities.",
        ),
        curve=_margin_curve(
            "modified Huber",
            (
                Marker(-1.0, "t·z = −1: quadratic → linear"),
                Marker(1.0, "t·z = 1: zero beyond"),
            ),
        ),
        surface=_two_margins("modified Huber"),
        joins=(Join("margin", "Modified Huber"),),
    ),
    LossSpec(
        key="exponential",
        title="Exponential loss (AdaBoost)",
        family="classification",
        fn=losses.exponential,
        grad=losses.exponential_grad,
        latex=r"\ell(y, z) = e^{-t z},\quad t = 2y - 1",
        grad_latex=r"\frac{\partial \ell}{\partial z} = -t\,e^{-t z}",
        params=(),
        inputs=MARGIN_INPUTS,
        one_liner=(
            "AdaBoost's loss e^(−t·z): never zero, and exponentially heavier the more confidently "
            "an example is misclassified."
        ),
        when_to_use=(
            "Use it to understand or implement boosting: AdaBoost is stagewise minimisation of "
            "the exponential loss (Friedman, Hastie & Tibshirani 2000), and gradient boosting "
            "offers it (scikit-learn's GradientBoostingClassifier(loss='exponential')). It is "
            "convex and smooth, equals 1 at t·z = 0 and so bounds the zero-one loss from above; "
            "unlike the hinge it keeps pushing correct examples to larger margins."
        ),
        pitfalls=(
            "Very sensitive to label noise: a mislabelled example at t·z = −5 costs e⁵ ≈ 148 "
            "(logistic: ≈ 5) and its boosting weight keeps growing, so boosting on noisy labels "
            "chases the noise (Long & Servedio 2010: random label noise defeats every convex "
            "potential booster).",
            "Its scores are half log-odds: the minimiser of the expected loss is "
            "z = ½ log(p/(1 − p)) (Friedman et al. 2000), so p = σ(2z), not σ(z); reading a "
            "boosted score as a logit gives wrong probabilities.",
            "Overflow: e^(−t·z) exceeds float64 beyond −t·z ≈ 709.8 and is +inf here; "
            "implementations normalise the example weights every round.",
        ),
        references=(
            Reference(
                "Y. Freund, R. E. Schapire",
                "A Decision-Theoretic Generalization of On-Line Learning and an Application to "
                "Boosting",
                1997,
                "Journal of Computer and System Sciences 55(1), 119–139",
                "https://doi.org/10.1006/jcss.1997.1504",
            ),
            Reference(
                "J. Friedman, T. Hastie, R. Tibshirani",
                "Additive Logistic Regression: A Statistical View of Boosting",
                2000,
                "Annals of Statistics 28(2), 337–407",
                "https://doi.org/10.1214/aos/1016218223",
            ),
            Reference(
                "P. M. Long, R. A. Servedio",
                "Random Classification Noise Defeats All Convex Potential Boosters",
                2010,
                "Machine Learning 78(3), 287–304",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="AdaBoost and boosting with the exponential loss.",
        ),
        curve=_margin_curve("exponential e^(−t·z)", ()),
        # Never 0: on a log colour scale the right side's small losses still show.
        surface=_two_margins("exponential loss", log_colour=True),
        joins=(Join("margin", "Exponential"),),
    ),
    LossSpec(
        key="multiclass_hinge",
        title="Multiclass hinge loss (Weston–Watkins)",
        family="classification",
        fn=losses.multiclass_hinge,
        grad=losses.multiclass_hinge_grad,
        latex=r"\ell(y, s) = \sum_{k \ne c} \max(0,\; m - s_c + s_k)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial s_k} = a_k\ (k \ne c),\quad"
            r" \frac{\partial \ell}{\partial s_c} = -\sum_{k \ne c} a_k,\quad"
            r" a_k = \mathbb{1}[m - s_c + s_k > 0]"
        ),
        params=(
            _margin_param(
                "Target margin m: the true class's score must lead every other by m before "
                "the loss is 0."
            ),
        ),
        inputs=(
            Input(
                "labels",
                "y",
                "one-hot label vector over the last axis; c is its class",
                (0.0, 1.0),
                classes=True,
            ),
            Input(
                "scores",
                "s",
                "one score per class on the last axis",
                (-INF, INF),
                grad=True,
                classes=True,
            ),
        ),
        one_liner=(
            "The SVM's hinge for K classes: every wrong class whose score comes within the "
            "margin m of the true class's adds its shortfall."
        ),
        when_to_use=(
            "Use it for a multiclass linear SVM or a margin-based classifier head (the 'SVM "
            "loss' of CS231n) when only the ranking of the true class matters: it is 0 once the "
            "true class leads every other by m, so confident examples stop contributing, unlike "
            "cross-entropy, which keeps pushing. Weston & Watkins sum the violations; Crammer & "
            "Singer take only the largest. The curve moves the true class's score s₀ with the "
            "two wrong classes' scores held at s₁ and s₂, and shows each class's term."
        ),
        pitfalls=(
            "PyTorch's MultiMarginLoss (p = 1) divides the sum by the number of classes K, so "
            "its values are this loss / K; scikit-learn's LinearSVC(multi_class="
            "'crammer_singer') is the max version, and its default is one-vs-rest binary hinges, "
            "a third loss.",
            "Unlike cross-entropy it is not calibrated for the 0-1 loss when K ≥ 3: minimising "
            "its expectation need not pick the most probable class (Wang & Scott 2020), and its "
            "scores are not probabilities.",
            "Kinks wherever a wrong class's score crosses s₀ − m (marked): the subgradient 0 is "
            "used at each, and the true class's gradient is minus the number of classes inside "
            "the margin, so it grows with K.",
        ),
        references=(
            Reference(
                "J. Weston, C. Watkins",
                "Support Vector Machines for Multi-Class Pattern Recognition",
                1999,
                "ESANN",
            ),
            Reference(
                "K. Crammer, Y. Singer",
                "On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines",
                2001,
                "Journal of Machine Learning Research 2, 265–292",
                "https://www.jmlr.org/papers/v2/crammer01a.html",
            ),
            Reference(
                "Y. Wang, C. Scott",
                "Weston-Watkins Hinge Loss and Ordered Partitions",
                2020,
                "NeurIPS",
                "https://arxiv.org/abs/2006.07346",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=False,
            typical_use="Multiclass linear SVMs; margin-based classifier heads.",
        ),
        curve=Curve(
            axes=(
                Axis(
                    "s0",
                    "true-class score s₀ (class 0 of 3)",
                    (-4.0, 6.0),
                    "∂ℓ/∂s₀",
                    title="true-class score s₀",
                    symbol="s₀",
                    probe=1.0,
                ),
            ),
            branches=(
                Branch("the loss (sum of the terms)", _MC_ALONG_S0),
                Branch(
                    "term of class 1",
                    Call((_TRUE_OF_TWO, _pair_scores("other_score_1"))),
                ),
                Branch(
                    "term of class 2",
                    Call((_TRUE_OF_TWO, _pair_scores("other_score_2"))),
                ),
            ),
            scene=(_other_score(1, 1.0), _other_score(2, -0.5)),
            markers=(
                Marker(lambda p: p["margin"] + p["other_score_1"], "s₀ = m + s₁ = {x:.2f}"),
                Marker(lambda p: p["margin"] + p["other_score_2"], "s₀ = m + s₂ = {x:.2f}"),
            ),
        ),
        surface=Surface(
            term=_MC_SURFACE,
            x_label="true-class score s₀",
            y_label="score s₁ of wrong class 1",
            x_range=(-4.0, 4.0),
            y_range=(-4.0, 4.0),
            y_param="other_score_1",
            x_short="s₀",
            y_short="s₁",
            equal_axes=True,
        ),
        joins=(
            Join(
                "multiclass",
                "Multiclass hinge",
                term=Call((TRUE_CLASS_0, THREE_LOGITS)),
                surface=Call((TRUE_CLASS_0, THREE_LOGITS)),
                uses=("z1", "z2"),
            ),
        ),
    ),
]


# --------------------------------------------------------------------------- Compare

DOMAINS: tuple[DomainDecl, ...] = (
    DomainDecl(
        key="margin",
        title="Binary margin t·z",
        description=(
            "Each margin loss at label y = 1 (t = 2y − 1 = 1) with score z = x, so x is the "
            "margin t·z; a label-0 example with score −x sits at the same point. Logistic is "
            "BCE(1, t·z) = log(1 + e^(−t·z)) in nats, ln 2 ≈ 0.693 at t·z = 0: normalise at "
            "x_ref = 0 to see log₂(1 + e^(−t·z)), the classic picture through (0, 1) "
            "(Bartlett, Jordan & McAuliffe 2006, Fig. 1). The zero-one loss 1[t·z ≤ 0] is "
            "drawn for reference: the error the others are convex surrogates of, not a "
            "training loss (its derivative is 0 wherever it is defined). The gradient is "
            "∂ℓ/∂z at y = 1, i.e. dℓ/d(t·z)."
        ),
        axes=(
            DomainAxis(
                "tz",
                "margin t·z (label y = 1, score z)",
                MARGIN_RANGE,
                0.0,  # every surrogate but the logistic passes 1 there
                0.5,
                0.05,
                symbol="t·z",
            ),
        ),
        grad_label="∂ℓ/∂z at y = 1",
        shared=(),
        surface_labels=("margin t₁·z₁ (example 1)", "margin t₂·z₂ (example 2)"),
        # From −1: one colour scale for all, and below −1 the exponential's corner
        # (e² ≈ 7.4) would leave the others' maps a single dark colour.
        surface_ranges=((-1.0, 3.0), (-1.0, 3.0)),
        surface_note=(
            "Surfaces: two examples' margins from −1 to 3, mean loss ½(ℓ(t₁z₁) + ℓ(t₂z₂)); "
            "for the zero-one entry that is the error rate of the two (0, ½ or 1)."
        ),
        # Logistic first: the ratio view's default baseline (A) is never 0 there.
        defaults=(
            ("binary_cross_entropy", {}),
            ("hinge", {"margin": 1.0}),
            ("exponential", {}),
            ("zero_one", {}),
        ),
        default_n=4,
        term=ALONG_MARGIN,
        surface=TWO_MARGINS,
        lead=("zero_one",),
    ),
)

PRESETS: tuple[Preset, ...] = (
    Preset(
        "surrogates",
        "Surrogates of the 0-1 loss",
        "margin",
        (
            ("binary_cross_entropy", {}),
            ("hinge", {"margin": 1.0}),
            ("exponential", {}),
            ("zero_one", {}),
        ),
        baseline=0,  # logistic: never 0, so every ratio is defined
        log_ratio=False,
        note=(
            "The zero-one loss and three convex surrogates along the margin t·z (Bartlett, "
            "Jordan & McAuliffe 2006, Fig. 1): hinge, logistic (in nats: ln 2 at 0; normalise "
            "at x_ref = 0 for log₂) and exponential."
        ),
    ),
    Preset(
        "pos_weight",
        "pos_weight, α and focal",
        "binary",
        (
            ("binary_cross_entropy", {"pos_weight": 1.0}),
            ("binary_cross_entropy", {"pos_weight": 4.0}),
            ("focal", {"gamma": 0.0, "alpha": 0.75}),
            ("focal", {"gamma": 2.0, "alpha": 0.25}),
        ),
        axis="p_t",
        note=(
            "At a positive: w₊ = 4 (PyTorch pos_weight = n_neg / n_pos) multiplies BCE by 4; "
            "focal γ = 0, α = 0.75 is α-balanced BCE, 0.75 × BCE (negatives get 0.25); focal "
            "γ = 2 with the paper's α = 0.25 gives the positives the smaller weight."
        ),
    ),
)
