"""Classification losses from logits: BCE, categorical CE, focal (the margin family joins them).

Binary losses are drawn along the logit z, for label 1 and label 0, or along the
probability p = σ(z) (and, for focal, p_t, the probability of the true class); the
gradient row is always ∂ℓ/∂z, what back-propagation hands the model.
"""

from __future__ import annotations

import numpy as np

from lossviz import losses
from lossviz.losses._stable import sigmoid

from ._terms import Build, Call, Par, X, Y
from ._types import (
    INF,
    Axis,
    Branch,
    Curve,
    CurveFamily,
    Depends,
    Input,
    Join,
    LossSpec,
    Marker,
    Param,
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


SPECS: list[LossSpec] = [
    LossSpec(
        key="binary_cross_entropy",
        title="Binary cross-entropy",
        family="classification",
        fn=losses.binary_cross_entropy,
        grad=losses.binary_cross_entropy_grad,
        latex=r"\ell(y, z) = -\big[\,y \log \sigma(z) + (1 - y) \log\big(1 - \sigma(z)\big)\big]",
        grad_latex=r"\frac{\partial \ell}{\partial z} = \sigma(z) - y",
        params=(
            Param(
                name="pos_weight",
                symbol="w₊",
                latex="w_{+}",
                default=1.0,
                min=0.0,
                max=10.0,
                step=0.1,
                help="Weight of the positive class's term (PyTorch pos_weight); 1 = unweighted.",
            ),
        ),
        one_liner="Negative log-likelihood of a yes/no label under the predicted probability σ(z).",
        when_to_use=(
            "Use it for binary classification and for multi-label problems (an independent "
            "yes/no per output). Computed from the logit it is convex and its gradient "
            "σ(z) − y is bounded by 1, which makes it the standard partner of a sigmoid output. "
            "Labels may be soft (any y in [0, 1]), e.g. with label smoothing."
        ),
        pitfalls=(
            "Compute it from logits (PyTorch's BCEWithLogitsLoss), not from probabilities: "
            "1 − σ(z) rounds to 0 once z ≳ 37 in float64 (≳ 17 in float32), and log 0 = −inf, "
            "while the logit form softplus(−z) stays exact.",
            f"Natural log vs log base 2: values here are in nats (as in PyTorch and TensorFlow); "
            f"in bits they are larger by 1/ln 2 ≈ 1.443. At z = 0 the loss is {_LN2} nats = 1 bit.",
            "Confidently wrong examples cost a loss growing linearly in |z| without bound, so "
            "mislabelled points are not ignored.",
            "With class imbalance the batch mean is dominated by the frequent class; weight the "
            "positives (pos_weight) or use focal loss.",
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
        ),
    ),
    LossSpec(
        key="categorical_cross_entropy",
        title="Categorical cross-entropy",
        family="classification",
        fn=losses.categorical_cross_entropy,
        grad=losses.categorical_cross_entropy_grad,
        latex=r"\ell(y, z) = -\sum_k y_k \log \frac{e^{z_k}}{\sum_j e^{z_j}}",
        grad_latex=(
            r"\frac{\partial \ell}{\partial z_k} = \operatorname{softmax}(z)_k - y_k"
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
            ),
        ),
        one_liner=(
            "Negative log of the probability that the softmax of the logits gives the true class."
        ),
        when_to_use=(
            "Use it for single-label classification with K mutually exclusive classes: the model "
            "outputs K logits, softmax turns them into probabilities and the loss is −log p of the "
            "true class. Its gradient with respect to the logits is simply softmax(z) − y. With "
            "K = 2 it is exactly binary cross-entropy on the logit difference z₀ − z₁."
        ),
        pitfalls=(
            "Pass logits, not probabilities: PyTorch's CrossEntropyLoss applies log-softmax "
            "itself, so feeding it softmax outputs applies softmax twice and flattens the "
            "gradients.",
            "Natural log vs log base 2: values here are in nats; in bits they are 1/ln 2 ≈ 1.443 "
            "times larger. A uniform guess over K classes costs ln K nats = log₂ K bits.",
            "Adding the same constant to every logit changes nothing (softmax is shift invariant): "
            "only differences matter, and p₀ = ½ exactly where z₀ = log Σ_{k≠0} e^{z_k}.",
            "The loss keeps falling as the true logit grows, so on separable data the logits grow "
            "without bound (overconfidence); label smoothing or weight decay counter it.",
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
]
