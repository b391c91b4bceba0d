"""Regression losses: MSE, MAE, Huber and the robust-regression and noise-model losses.

Each curve is the loss along the residual r = ŷ − y (target 0, prediction r), so the
plotted derivative is ∂ℓ/∂ŷ. Losses without a hyperparameter have a surface over two
residuals (the mean loss of a prediction with two outputs: MSE's round bowl, MAE's
diamond with creases at r₁ = 0 and r₂ = 0); the others over (r, hyperparameter).

The robust family (Smooth L1, pseudo-Huber, log-cosh, quantile, ε-insensitive and
Barron's general robust loss) joins the seed's Compare domain of the residual. The two
likelihoods have their own inputs: the Poisson NLL is drawn along the log-rate z for
an observed count (and declares the Compare domain ``count``), the Gaussian NLL along
the residual with the variance σ² as a scene slider and as its surface's second axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossviz import losses

from ._terms import Build, Call, Fns, Par, Sum, Term, X, Y
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

R_LABEL = "residual r = ŷ − y"
R_RANGE = (-4.0, 4.0)
R_AXIS = Axis("r", R_LABEL, R_RANGE, "∂ℓ/∂ŷ", title="residual r", symbol="r", probe=2.0)

INPUTS = (
    Input("y_true", "y", "target value", (-INF, INF)),
    Input("y_pred", "ŷ", "prediction", (-INF, INF), grad=True),
)

#: ℓ(0, r): target 0, prediction r, so d/dr is ∂ℓ/∂ŷ.
ALONG_R = Call((0.0, X))


def residual_curve(name: str, markers: tuple[Marker, ...] = (), **kw) -> Curve:
    return Curve(axes=(R_AXIS,), branches=(Branch(name, ALONG_R),), markers=markers, **kw)


def two_residuals(name: str) -> Surface:
    """The mean loss of a prediction with two outputs, over their residuals (r₁, r₂)."""
    return Surface(
        term=Sum((Call((0.0, X)), Call((0.0, Y))), (0.5, 0.5)),
        x_label="residual r₁ = ŷ₁ − y₁ (output 1)",
        y_label="residual r₂ = ŷ₂ − y₂ (output 2)",
        x_range=R_RANGE,
        y_range=R_RANGE,
        z_label=f"mean {name} ½(ℓ(r₁) + ℓ(r₂))",
        x_short="r₁",
        y_short="r₂",
        equal_axes=True,
    )


def over_r_and(
    name: str,
    y_range: tuple[float, float],
    y_label: str,
    y_short: str,
    x_range: tuple[float, float] = R_RANGE,
) -> Surface:
    """The loss over the residual and one hyperparameter (its y axis)."""
    return Surface(
        term=Call((0.0, X), {name: Y}),
        x_label=R_LABEL,
        y_label=y_label,
        x_range=x_range,
        y_range=y_range,
        y_param=name,
        x_short="r",
        y_short=y_short,
    )


def _kinks(symbol: str, name: str) -> tuple[Marker, ...]:
    return (
        # + 0.0: at 0 (Smooth L1's β = 0, the ε = 0 tube) the label says 0.00, not -0.00.
        Marker(lambda p: -p[name] + 0.0, f"−{symbol} = {{x:.2f}}"),
        Marker(lambda p: p[name], f"+{symbol} = {{x:.2f}}"),
    )


# --------------------------------------------------------------------------- other terms


def _pair(name: str, hyper: tuple[str, ...] = ()) -> Fns:
    """The function pair of another regression loss of :mod:`lossviz.losses` (y, ŷ)."""
    return Fns(getattr(losses, name), getattr(losses, name + "_grad"), wrt=(1,), hyper=hyper)


@dataclass(frozen=True, eq=False)
class Beside(Term):
    """Another library loss drawn beside this one (Huber beside pseudo-Huber).

    ``call`` is evaluated through ``fns``, the other loss's own function pair, so its
    values are that function's and its derivative is that function's ``_grad`` (the
    chain rule of :class:`Call`); nothing is re-derived.
    """

    fns: Fns
    call: Call

    def loss(self, fns, coords, params):
        return self.call.loss(self.fns, coords, params)

    def deriv(self, fns, coords, params, var):
        return self.call.deriv(self.fns, coords, params, var)

    def subs(self, names):
        return Beside(self.fns, self.call.subs(names))

    def coords(self):
        return self.call.coords()


@dataclass(frozen=True, eq=False)
class Shifted(Term):
    """``term + offset``: an asymptote such as |r| − ln 2 (the offset moves no derivative)."""

    term: Term
    offset: float

    def loss(self, fns, coords, params):
        return np.asarray(self.term.loss(fns, coords, params) + self.offset, dtype=np.float64)

    def deriv(self, fns, coords, params, var):
        return self.term.deriv(fns, coords, params, var)

    def subs(self, names):
        return Shifted(self.term.subs(names), self.offset)

    def coords(self):
        return self.term.coords()


_LN2 = math.log(2.0)

#: log-cosh's two regimes drawn with the library's MSE and MAE: ½·mse = ½r², and
#: mae − ln 2 = |r| − ln 2 (log cosh r = |r| − ln 2 + log(1 + e^(−2|r|)), by hand).
HALF_R2 = 0.5 * Beside(_pair("mse"), ALONG_R)
ABS_MINUS_LN2 = Shifted(Beside(_pair("mae"), ALONG_R), -_LN2)


# --------------------------------------------------------------------------- quantile


#: A fixed, right-skewed sample of nine targets: the quantile surface shows the mean
#: pinball loss of one constant prediction ŷ for all of them, whose minimiser is the
#: τ-quantile of the sample (with n = 9 and τ on a 0.01 grid it is always unique).
QUANTILE_SAMPLE = (-1.6, -0.9, -0.4, 0.0, 0.3, 0.7, 1.2, 2.0, 3.3)

_SAMPLE_MEAN = Sum(
    tuple(Call((y, X), {"tau": Y}) for y in QUANTILE_SAMPLE),
    (1.0 / len(QUANTILE_SAMPLE),) * len(QUANTILE_SAMPLE),
)


# --------------------------------------------------------------------------- Barron


def barron_gradient_peak(params) -> float:
    """Where |∂ρ/∂ŷ| of Barron's loss peaks for r > 0: c·√((2 − α)/(1 − α)) for α < 1.

    By hand from the paper's ψ(x) = (x/c²)(1 + (x/c)²/|α − 2|)^(α/2 − 1): its derivative
    is (1/c²)(1 + u)^(α/2 − 2)(1 + (α − 1)u), u = (x/c)²/|α − 2|, zero at
    u = 1/(1 − α) for α < 1 (also where ρ stops being convex); α → −∞ gives c (Welsch).
    For α ≥ 1 the gradient grows, or tends to 1/c, without a peak: +inf (off the axis).
    Checked against the argmax of ``general_robust_grad`` on a fine grid in the tests.
    """
    alpha, c = float(params["alpha"]), float(params["scale"])
    if alpha >= 1.0:
        return math.inf
    if alpha == -math.inf:
        return c
    return c * math.sqrt((2.0 - alpha) / (1.0 - alpha))


_BARRON_CASES = (
    ("L2 (α = 2)", 2.0),
    ("Charbonnier (α = 1)", 1.0),
    ("Cauchy (α = 0)", 0.0),
    ("Geman–McClure (α = −2)", -2.0),
)
_WELSCH = ("Welsch (α = −∞)", -math.inf)


# --------------------------------------------------------------------------- likelihoods


def _log_or_minus_inf(y: float) -> float:
    """log y, and −∞ for y = 0 (the Poisson NLL then has no minimum: marker off the axis)."""
    return math.log(y) if y > 0 else -math.inf


Z_LABEL = "log-rate z = log λ (the prediction)"
Z_RANGE = (-2.5, 3.5)

#: The rate λ = e^z of a log-rate x, with its derivative along x (for MSE/Gaussian on λ).
RATE = Build(lambda c, p: np.exp(c["x"]), lambda c, p, v: np.exp(c["x"]), uses=("x",))

SPECS: list[LossSpec] = [
    LossSpec(
        key="mse",
        title="Mean squared error",
        family="regression",
        fn=losses.mse,
        grad=losses.mse_grad,
        latex=r"\ell(y, \hat y) = (y - \hat y)^2",
        grad_latex=r"\frac{\partial \ell}{\partial \hat y} = 2\,(\hat y - y)",
        params=(),
        one_liner=(
            "Squared error: a prediction pays the square of its distance from the target, "
            "so large errors dominate."
        ),
        when_to_use=(
            "Use it for regression when the noise is roughly Gaussian and one large error "
            "really is worse than several small ones: minimising MSE gives the conditional "
            "mean, and it is the maximum-likelihood loss under Gaussian noise of fixed variance. "
            "Its gradient 2(ŷ − y) shrinks smoothly to zero, which makes optimisation easy. "
            "Avoid it when the data contain outliers."
        ),
        pitfalls=(
            "Not robust: one point with residual 10 costs as much as 100 points with residual 1, "
            "and its gradient grows without bound, so a single outlier drags the whole fit.",
            "Conventions differ by a factor 2: many texts use ½(y − ŷ)² so that the gradient is "
            "ŷ − y; PyTorch's MSELoss and this app use (y − ŷ)², whose gradient is 2(ŷ − y).",
            "MSE is in squared units of the target; take its square root (RMSE) to compare errors "
            "with the target's scale.",
            "PyTorch's default reduction='mean' divides by the number of elements, so the gradient "
            "scale, and hence the effective learning rate, depends on the batch and output sizes.",
        ),
        references=(
            Reference(
                "A.-M. Legendre",
                "Nouvelles méthodes pour la détermination des orbites des comètes",
                1805,
                "Firmin Didot, Paris",
            ),
            Reference(
                "C. F. Gauss",
                "Theoria motus corporum coelestium in sectionibus conicis solem ambientium",
                1809,
                "Perthes & Besser, Hamburg",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Regression with Gaussian-like noise; the default for predicting a mean.",
        ),
        inputs=INPUTS,
        curve=residual_curve("MSE"),
        surface=two_residuals("MSE"),
        joins=(
            Join("regression", "MSE"),
            Join(
                "count",
                "MSE on the rate λ = e^z",
                id="mse_rate",
                term=Call((Par("count"), RATE)),
                surface=Call((Y, RATE)),
                uses=("count",),
            ),
        ),
    ),
    LossSpec(
        key="mae",
        title="Mean absolute error",
        family="regression",
        fn=losses.mae,
        grad=losses.mae_grad,
        latex=r"\ell(y, \hat y) = |y - \hat y|",
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(\hat y - y)"
            r"\quad (0 \text{ at } \hat y = y)"
        ),
        params=(),
        one_liner="Absolute error: a prediction pays its distance from the target, linearly.",
        when_to_use=(
            "Use it for regression with heavy-tailed noise or outliers: every point pulls with "
            "the same force (gradient ±1), so the minimiser is the conditional median rather "
            "than the mean. It is the maximum-likelihood loss under Laplace noise, and the "
            "τ = 0.5 case of the quantile (pinball) loss."
        ),
        pitfalls=(
            "Not differentiable at r = 0: the gradient jumps from −1 to +1; frameworks (and this "
            "app) use the subgradient 0 there.",
            "The gradient does not shrink near the optimum, so gradient descent with a fixed "
            "step keeps oscillating around the solution; decay the learning rate.",
            "The minimiser need not be unique: with an even number of points any value between "
            "the two middle ones minimises the total absolute error.",
            "PyTorch calls it L1Loss; do not confuse it with L1 regularisation (|w| on the "
            "weights), which is a penalty on parameters, not on residuals.",
        ),
        references=(
            Reference(
                "R. Koenker, G. Bassett Jr.",
                "Regression Quantiles",
                1978,
                "Econometrica 46(1), 33–50",
                "https://doi.org/10.2307/1913643",
            ),
            Reference(
                "P. J. Huber, E. M. Ronchetti",
                "Robust Statistics (2nd edition)",
                2009,
                "Wiley",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=False,
            typical_use="Regression with outliers or heavy tails; predicting a median.",
        ),
        inputs=INPUTS,
        curve=residual_curve("MAE", (Marker(0.0, "subgradient 0 at r = 0"),)),
        surface=two_residuals("MAE"),
        joins=(Join("regression", "MAE"),),
    ),
    LossSpec(
        key="huber",
        title="Huber loss",
        family="regression",
        fn=losses.huber,
        grad=losses.huber_grad,
        latex=(
            r"\ell_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\"
            r" \delta\,\big(|r| - \tfrac12\delta\big) & |r| > \delta \end{cases},"
            r"\quad r = \hat y - y"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \operatorname{clip}(r,\, -\delta,\, \delta)"
        ),
        params=(
            Param(
                name="delta",
                symbol="δ",
                latex=r"\delta",
                default=1.0,
                min=0.05,
                max=5.0,
                step=0.05,
                help="Residual size where the loss switches from quadratic to linear.",
            ),
        ),
        one_liner=(
            "Quadratic for small residuals and linear for large ones: like MSE near the "
            "target and like MAE far from it, switching at |r| = δ."
        ),
        when_to_use=(
            "Use it for regression when most errors are Gaussian-like but a few are outliers: "
            "small residuals get the efficient squared loss, large ones only a constant pull of "
            "size δ. δ is the residual size beyond which a point counts as an outlier, so set it "
            "on the scale of the noise (Huber's δ = 1.345σ keeps 95% efficiency under Gaussian "
            "noise). It is also the TD-error loss of DQN and, as Smooth L1, the box-regression "
            "loss of Fast R-CNN."
        ),
        pitfalls=(
            "Huber and Smooth L1 differ by a factor δ: PyTorch's SmoothL1Loss(beta=δ) equals "
            "HuberLoss(delta=δ) / δ. They coincide only for δ = 1; Smooth L1's linear part has "
            "slope 1, Huber's has slope δ.",
            "δ is in the units of the residual: rescaling the targets without rescaling δ changes "
            "which points are treated as outliers.",
            "Differentiable everywhere, but the second derivative jumps from 1 to 0 at |r| = δ, "
            "so second-order methods see a discontinuous curvature.",
            "As δ → 0, Huber/δ tends to MAE; as δ → ∞ Huber tends to ½r², which is half of MSE "
            "as defined here (r²).",
        ),
        references=(
            Reference(
                "P. J. Huber",
                "Robust Estimation of a Location Parameter",
                1964,
                "Annals of Mathematical Statistics 35(1), 73–101",
                "https://doi.org/10.1214/aoms/1177703732",
            ),
            Reference(
                "R. Girshick",
                "Fast R-CNN (Smooth L1 loss)",
                2015,
                "ICCV",
                "https://arxiv.org/abs/1504.08083",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=True,
            typical_use="Robust regression; bounding-box regression; TD errors in deep Q-learning.",
        ),
        inputs=INPUTS,
        curve=residual_curve("Huber", _kinks("δ", "delta")),
        surface=over_r_and("delta", (0.05, 5.0), "δ (switch from quadratic to linear)", "δ"),
        joins=(Join("regression", "Huber"),),
    ),
    LossSpec(
        key="smooth_l1",
        title="Smooth L1 loss",
        family="regression",
        fn=losses.smooth_l1,
        grad=losses.smooth_l1_grad,
        latex=(
            r"\ell_\beta(r) = \begin{cases} \tfrac12 r^2/\beta & |r| < \beta \\"
            r" |r| - \tfrac12\beta & |r| \ge \beta \end{cases},"
            r"\quad r = \hat y - y"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \begin{cases} r/\beta & |r| < \beta \\"
            r" \operatorname{sign}(r) & |r| \ge \beta \end{cases}"
            r"\quad (\beta = 0:\ \operatorname{sign}(r),\ 0 \text{ at } r = 0)"
        ),
        params=(
            Param(
                name="beta",
                symbol="β",
                latex=r"\beta",
                default=1.0,
                min=0.0,
                max=5.0,
                step=0.05,
                help="Residual size where the loss switches from quadratic to linear; 0 is MAE.",
            ),
        ),
        one_liner=(
            "Huber divided by its threshold: ½r²/β near the target, |r| − β/2 beyond |r| = β, "
            "so the linear part always has slope 1."
        ),
        when_to_use=(
            "Use it where Huber's robustness is wanted with a gradient bounded by 1 whatever the "
            "threshold: it is the box-regression loss of Fast R-CNN and most detectors after it "
            "(PyTorch's SmoothL1Loss). Small residuals get a quadratic bowl of curvature 1/β, "
            "large ones the constant pull of MAE. As β → 0 the bowl vanishes and the loss is "
            "exactly MAE; the Compare preset “Huber vs Smooth L1” puts the two side by side."
        ),
        pitfalls=(
            "Huber and Smooth L1 differ by a factor β: HuberLoss(delta=δ) = δ · "
            "SmoothL1Loss(beta=δ). They coincide only at β = δ = 1; with δ = β = 2 Huber is "
            "twice Smooth L1 everywhere, and its linear part has slope 2 instead of 1.",
            "A smaller β is not just “less quadratic”: the curvature 1/β at r = 0 grows without "
            "bound, so with a tiny β the loss behaves like MAE and its gradient flips from −1 to "
            "+1 within ±β of the target.",
            "β = 0 is MAE (PyTorch special-cases it to L1 loss), with the subgradient 0 at r = 0; "
            "only there is the loss not differentiable.",
            "β is in the units of the regression target (box offsets in pixels or in normalised "
            "coordinates): a β tuned for one parametrisation is wrong for another.",
        ),
        references=(
            Reference(
                "R. Girshick",
                "Fast R-CNN",
                2015,
                "ICCV",
                "https://arxiv.org/abs/1504.08083",
            ),
            Reference(
                "P. J. Huber",
                "Robust Estimation of a Location Parameter",
                1964,
                "Annals of Mathematical Statistics 35(1), 73–101",
                "https://doi.org/10.1214/aoms/1177703732",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=Depends(lambda p: p["beta"] > 0, "β > 0; β = 0 is MAE"),
            typical_use="Bounding-box regression in object detection (Fast R-CNN and after).",
        ),
        inputs=INPUTS,
        curve=residual_curve(
            "Smooth L1",
            _kinks("β", "beta"),
            family=CurveFamily(
                "beta",
                (0.0, 0.5, 1.0, 2.0, 4.0),
                "β family (β = 0 is MAE)",
                ("β = 0 (MAE)", "β = 0.5", "β = 1", "β = 2", "β = 4"),
            ),
        ),
        surface=over_r_and("beta", (0.0, 5.0), "β (switch from quadratic to linear)", "β"),
        joins=(Join("regression", "Smooth L1"),),
    ),
    LossSpec(
        key="pseudo_huber",
        title="Pseudo-Huber (Charbonnier) loss",
        family="regression",
        fn=losses.pseudo_huber,
        grad=losses.pseudo_huber_grad,
        latex=(
            r"\ell_\delta(r) = \delta^2\Big(\sqrt{1 + (r/\delta)^2} - 1\Big),"
            r"\quad r = \hat y - y"
        ),
        grad_latex=r"\frac{\partial \ell}{\partial \hat y} = \frac{r}{\sqrt{1 + (r/\delta)^2}}",
        params=(
            Param(
                name="delta",
                symbol="δ",
                latex=r"\delta",
                default=1.0,
                min=0.05,
                max=5.0,
                step=0.05,
                help="Scale δ of the transition: ≈ ½r² for |r| ≪ δ, ≈ δ|r| for |r| ≫ δ.",
            ),
        ),
        one_liner=(
            "A Huber loss without the kink in its curvature: ≈ ½r² near the target and ≈ δ|r| "
            "far from it, smooth everywhere."
        ),
        when_to_use=(
            "Use it where Huber's robustness is wanted from a loss that is smooth to every order, "
            "e.g. for second-order or Gauss–Newton solvers (bundle adjustment, Hartley & "
            "Zisserman) and as the Charbonnier penalty of optical flow and image restoration. "
            "Its gradient r/√(1 + (r/δ)²) rises like r and saturates at ±δ, so one outlier "
            "pulls with a force below δ. The curve shows Huber with the same δ beside it."
        ),
        pitfalls=(
            "It approaches δ|r| only slowly: at |r| = δ the gradient is δ/√2 ≈ 0.71δ, and far "
            "out the loss is about δ|r| − δ², below Huber's δ|r| − δ²/2; δ is not a threshold "
            "where anything switches.",
            "Conventions differ by factors: this form (δ² in front) is ½r² near 0 like Huber; "
            "Charbonnier's √(r² + ε²) with a tiny ε (optical flow) is this loss divided by δ = ε, "
            "plus ε, which is a smooth MAE, not a smooth MSE.",
            "δ is in the units of the residual: rescaling the targets changes which points are "
            "treated as outliers.",
        ),
        references=(
            Reference(
                "P. Charbonnier, L. Blanc-Féraud, G. Aubert, M. Barlaud",
                "Deterministic Edge-Preserving Regularization in Computed Imaging",
                1997,
                "IEEE Transactions on Image Processing 6(2), 298–311",
                "https://doi.org/10.1109/83.551699",
            ),
            Reference(
                "R. Hartley, A. Zisserman",
                "Multiple View Geometry in Computer Vision (2nd edition, §A6.8)",
                2003,
                "Cambridge University Press",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=True,
            typical_use="Smooth robust regression; bundle adjustment; optical flow (Charbonnier).",
        ),
        inputs=INPUTS,
        curve=Curve(
            axes=(R_AXIS,),
            branches=(
                Branch("pseudo-Huber", ALONG_R),
                Branch("Huber, same δ", Beside(_pair("huber", ("delta",)), ALONG_R)),
            ),
            markers=_kinks("δ", "delta"),
        ),
        surface=over_r_and("delta", (0.05, 5.0), "δ (scale of the transition)", "δ"),
        joins=(Join("regression", "Pseudo-Huber"),),
    ),
    LossSpec(
        key="log_cosh",
        title="Log-cosh loss",
        family="regression",
        fn=losses.log_cosh,
        grad=losses.log_cosh_grad,
        latex=r"\ell(r) = \log\cosh(r),\quad r = \hat y - y",
        grad_latex=r"\frac{\partial \ell}{\partial \hat y} = \tanh(r)",
        params=(),
        one_liner=(
            "The logarithm of cosh of the residual: ≈ ½r² near the target, ≈ |r| − ln 2 far "
            "from it, with the gradient tanh r."
        ),
        when_to_use=(
            "Use it as a hyperparameter-free smooth Huber: quadratic for |r| ≲ 1 and linear "
            "beyond, with a gradient tanh r that is bounded by 1 and smooth to every order. The "
            "curve draws its two regimes beside it: |r| − ln 2 on the residual axis, ½r² on the "
            "axis near the target. log cosh r lies below both, and its gap to |r| − ln 2, "
            "log(1 + e^(−2|r|)), closes far out."
        ),
        pitfalls=(
            "The switch from quadratic to linear sits at |r| ≈ 1 in the units of the target: "
            "there is no δ to move it, so rescale the targets (or use log cosh(r/a)·a) when "
            "residuals are much larger or smaller than 1.",
            "Computed naively, cosh r overflows for |r| > 710 in float64 (about 89 in float32) "
            "and the loss becomes inf; this library uses |r| + log1p(e^(−2|r|)) − ln 2.",
            "Its curvature sech² r tends to 0 for large residuals, so Newton-type boosting "
            "(XGBoost, LightGBM custom objectives) takes huge steps on far points unless the "
            "hessian is floored.",
            "Near 0 it is ½r², half of MSE as defined here (r²), not MSE itself.",
        ),
        references=(
            Reference(
                "P. Saleh, R. Saleh",
                "Statistical Properties of the log-cosh Loss Function Used in Machine Learning",
                2022,
                "arXiv:2208.04564",
                "https://arxiv.org/abs/2208.04564",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=True,
            typical_use="Smooth robust regression without a threshold to tune.",
        ),
        inputs=INPUTS,
        curve=Curve(
            # Each regime on an axis of its own, so that neither guide squashes the curve:
            # far out beside |r| − ln 2, near the target beside ½r².
            axes=(
                Axis(
                    "r",
                    R_LABEL,
                    R_RANGE,
                    "∂ℓ/∂ŷ",
                    title="residual r (far: |r| − ln 2)",
                    symbol="r",
                    probe=2.0,
                ),
                Axis(
                    "near",
                    "residual r = ŷ − y, near the target",
                    (-1.5, 1.5),
                    "∂ℓ/∂ŷ",
                    title="near the target (½r²)",
                    symbol="r",
                    probe=0.5,
                    branches=(Branch("log cosh r", ALONG_R), Branch("½r²", HALF_R2)),
                ),
            ),
            branches=(Branch("log cosh r", ALONG_R), Branch("|r| − ln 2", ABS_MINUS_LN2)),
            # |r| − ln 2 has its kink at r = 0, where log cosh r and ½r² touch.
            markers=(Marker(0.0, "r = 0"),),
        ),
        surface=two_residuals("log-cosh"),
        joins=(Join("regression", "Log-cosh"),),
    ),
    LossSpec(
        key="quantile",
        title="Quantile (pinball) loss",
        family="regression",
        fn=losses.quantile,
        grad=losses.quantile_grad,
        latex=(
            r"\ell_\tau(y, \hat y) = \max\big(\tau\,(y - \hat y),\; (\tau - 1)\,(y - \hat y)\big)"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \begin{cases} -\tau & \hat y < y \\"
            r" 1 - \tau & \hat y > y \end{cases}\quad (0 \text{ at } \hat y = y)"
        ),
        params=(
            Param(
                name="tau",
                symbol="τ",
                latex=r"\tau",
                default=0.5,
                min=0.01,
                max=0.99,
                step=0.01,
                help="The quantile τ in (0, 1): under-predicting costs τ, over-predicting 1 − τ.",
            ),
        ),
        one_liner=(
            "A tilted V: an under-prediction costs τ per unit, an over-prediction 1 − τ, so the "
            "best constant prediction is the τ-quantile of the targets."
        ),
        when_to_use=(
            "Use it to predict a quantile instead of the mean: prediction intervals (fit τ = 0.05 "
            "and τ = 0.95), demand forecasts that must cover 90% of days, gradient-boosted "
            "quantile regression. τ tilts the V (slopes −τ and 1 − τ on the gradient row); "
            "τ = ½ is half of MAE and gives the median. The surface shows the mean loss of one "
            "prediction ŷ for a sample of nine targets: along each τ its valley floor is the "
            "τ-quantile of the sample."
        ),
        pitfalls=(
            "Which side gets τ varies: here (as in Koenker & Bassett and scikit-learn's "
            "mean_pinball_loss with alpha = τ) an under-prediction ŷ < y costs τ per unit, so "
            "τ = 0.9 pushes predictions up, towards the 90th percentile.",
            "τ = ½ is ½·MAE, not MAE: the minimiser is the same median, but values and gradients "
            "are half as large.",
            "Quantiles fitted separately for several τ can cross (a 90% prediction below the "
            "50% one at some inputs); fit them jointly or sort them afterwards.",
            "Like MAE, the gradient is piecewise constant and does not shrink near the optimum, "
            "and the loss has a kink at r = 0 (subgradient 0 used here).",
        ),
        references=(
            Reference(
                "R. Koenker, G. Bassett Jr.",
                "Regression Quantiles",
                1978,
                "Econometrica 46(1), 33–50",
                "https://doi.org/10.2307/1913643",
            ),
            Reference("R. Koenker", "Quantile Regression", 2005, "Cambridge University Press"),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=False,
            typical_use="Quantile regression and prediction intervals; forecasting.",
        ),
        inputs=INPUTS,
        curve=residual_curve(
            "quantile loss",
            (Marker(0.0, "kink at r = 0"),),
            family=CurveFamily(
                "tau",
                (0.1, 0.25, 0.5, 0.75, 0.9),
                "τ family",
                ("τ = 0.1", "τ = 0.25", "τ = 0.5 (½ MAE)", "τ = 0.75", "τ = 0.9"),
            ),
        ),
        surface=Surface(
            term=_SAMPLE_MEAN,
            x_label="one prediction ŷ for nine targets y = −1.6 … 3.3",
            y_label="τ (the quantile)",
            x_range=(-2.0, 3.6),  # the sample's range, a little wider
            y_range=(0.01, 0.99),
            z_label="mean pinball loss",
            y_param="tau",
            x_short="ŷ",
            y_short="τ",
        ),
        joins=(Join("regression", "Quantile"),),
    ),
    LossSpec(
        key="epsilon_insensitive",
        title="ε-insensitive loss (SVR)",
        family="regression",
        fn=losses.epsilon_insensitive,
        grad=losses.epsilon_insensitive_grad,
        latex=r"\ell_\varepsilon(r) = \max\big(0,\; |r| - \varepsilon\big),\quad r = \hat y - y",
        grad_latex=(
            r"\frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(r)\,"
            r"\mathbb{1}\big[|r| > \varepsilon\big]\quad (0 \text{ at } |r| = \varepsilon)"
        ),
        params=(
            Param(
                name="epsilon",
                symbol="ε",
                latex=r"\varepsilon",
                default=0.1,
                min=0.0,
                max=1.0,
                step=0.01,
                help="Half-width ε of the tube inside which errors cost nothing; 0 is MAE.",
            ),
        ),
        one_liner=(
            "Absolute error outside a tube of half-width ε around the target, and nothing "
            "inside it."
        ),
        when_to_use=(
            "It is the loss of support-vector regression: residuals within ±ε are free, larger "
            "ones cost their distance to the tube. Only the points on or outside the tube "
            "(the support vectors) shape the fit, which makes the SVR solution sparse. Set ε to "
            "the noise level you are willing to ignore; ε = 0 gives MAE."
        ),
        pitfalls=(
            "ε is in the units of the target: scikit-learn's default ε = 0.1 (SVR and "
            "SGDRegressor) means nothing without standardised targets.",
            "Inside the tube the gradient is exactly 0: points there teach the model nothing, "
            "and gradient methods stall if every residual starts inside it.",
            "Kinks at |r| = ε (and at 0 when ε = 0), where the subgradient 0 is used here; "
            "the squared variant max(0, |r| − ε)² removes the kink.",
        ),
        references=(
            Reference(
                "V. N. Vapnik",
                "The Nature of Statistical Learning Theory",
                1995,
                "Springer",
            ),
            Reference(
                "A. J. Smola, B. Schölkopf",
                "A Tutorial on Support Vector Regression",
                2004,
                "Statistics and Computing 14(3), 199–222",
                "https://doi.org/10.1023/B:STCO.0000035301.49549.88",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=True,
            differentiable_everywhere=False,
            typical_use="Support-vector regression; fits that ignore errors below a tolerance.",
        ),
        inputs=INPUTS,
        curve=Curve(
            axes=(
                Axis("r", R_LABEL, (-2.0, 2.0), "∂ℓ/∂ŷ", title="residual r", symbol="r", probe=0.5),
            ),
            branches=(Branch("ε-insensitive", ALONG_R),),
            markers=_kinks("ε", "epsilon"),
        ),
        surface=over_r_and("epsilon", (0.0, 1.0), "ε (half-width of the tube)", "ε", (-2.0, 2.0)),
        joins=(Join("regression", "ε-insensitive"),),
    ),
    LossSpec(
        key="general_robust",
        title="General robust loss (Barron)",
        family="regression",
        fn=losses.general_robust,
        grad=losses.general_robust_grad,
        latex=(
            r"\rho(x, \alpha, c) = \begin{cases}"
            r" \tfrac12 (x/c)^2 & \alpha = 2 \\"
            r" \log\big(\tfrac12 (x/c)^2 + 1\big) & \alpha = 0 \\"
            r" 1 - e^{-\frac12 (x/c)^2} & \alpha = -\infty \\"
            r" \frac{|\alpha - 2|}{\alpha}\left[\left(\frac{(x/c)^2}{|\alpha - 2|} + 1"
            r"\right)^{\alpha/2} - 1\right] & \text{otherwise}"
            r" \end{cases},\quad x = \hat y - y"
        ),
        grad_latex=(
            r"\frac{\partial \rho}{\partial \hat y} = \frac{x}{c^2}"
            r"\left(\frac{(x/c)^2}{|\alpha - 2|} + 1\right)^{\alpha/2 - 1}"
            r"\quad (\text{its limits at } \alpha = 2,\, 0,\, -\infty)"
        ),
        params=(
            Param(
                name="alpha",
                symbol="α",
                latex=r"\alpha",
                default=1.0,
                min=-10.0,
                max=3.0,
                step=0.1,
                help=(
                    "Shape α: 2 is L2, 1 Charbonnier, 0 Cauchy, −2 Geman–McClure, −∞ Welsch; "
                    "above 2 it grows faster than L2."
                ),
                presets=(*_BARRON_CASES, _WELSCH),
                special=("inf", "α = −∞ (Welsch)", -math.inf),
            ),
            Param(
                name="scale",
                symbol="c",
                latex="c",
                default=1.0,
                min=0.1,
                max=3.0,
                step=0.05,
                help="Scale c > 0: the width of the quadratic bowl around r = 0.",
            ),
        ),
        one_liner=(
            "One loss with a shape parameter α that morphs through L2 (α = 2), Charbonnier (1), "
            "Cauchy (0), Geman–McClure (−2) and Welsch (−∞), each ≈ ½(x/c)² near the target."
        ),
        when_to_use=(
            "Use it to choose how hard outliers may pull with one continuous knob, or to learn "
            "that choice (Barron's adaptive loss). Near the target all members are the same "
            "bowl ½(x/c)²; far out, α sets the growth: |x|^α for α > 0, log |x| at α = 0, and a "
            "bounded loss for α < 0. For α ≤ 1 the gradient is bounded, and for α < 1 it "
            "redescends: it peaks at |x| = c·√((2 − α)/(1 − α)) (marked) and falls back towards "
            "0, so far outliers are all but ignored. The curve draws the named cases behind the "
            "current α."
        ),
        pitfalls=(
            "Not convex for α < 1: beyond the gradient peak the loss bends down, so the fit "
            "depends on the initialisation, and points that start far out are ignored even if "
            "they are inliers; start from α = 2 or anneal α downwards (graduated non-convexity).",
            "α cannot be learned by minimising ρ itself: ρ decreases as α decreases, so α runs to "
            "−∞. Barron's adaptive loss learns α through the negative log-likelihood of the "
            "matching distribution, which adds the log of a normaliser Z(α).",
            "c sets where “far” begins, in units of the residual: ρ ≈ ½(x/c)² for |x| ≲ c, so "
            "rescaling the targets without rescaling c changes which points count as outliers.",
            "α > 2 is not more robust but less: the loss grows faster than L2 (|x|^α), and α = 2 "
            "is ½(x/c)², half of MSE as defined here.",
        ),
        references=(
            Reference(
                "J. T. Barron",
                "A General and Adaptive Robust Loss Function",
                2019,
                "CVPR",
                "https://arxiv.org/abs/1701.03077",
            ),
            Reference(
                "M. J. Black, A. Rangarajan",
                "On the Unification of Line Processes, Outlier Rejection, and Robust Statistics "
                "with Applications in Early Vision",
                1996,
                "International Journal of Computer Vision 19(1), 57–91",
                "https://doi.org/10.1007/BF00131148",
            ),
        ),
        properties=Properties(
            convex=Depends(lambda p: p["alpha"] >= 1.0, "α ≥ 1"),
            bounded_gradient=Depends(lambda p: p["alpha"] <= 1.0, "α ≤ 1"),
            robust_to_outliers=Depends(lambda p: p["alpha"] <= 1.0, "α ≤ 1"),
            differentiable_everywhere=True,
            typical_use="Robust fitting with a tunable or learned robustness (vision, 3-D).",
        ),
        inputs=INPUTS,
        curve=residual_curve(
            "ρ(x, α, c)",
            (
                Marker(lambda p: -barron_gradient_peak(p), "gradient peak {x:.2f}"),
                Marker(barron_gradient_peak, "gradient peak +{x:.2f}"),
            ),
            family=CurveFamily(
                "alpha",
                (*(v for _, v in _BARRON_CASES), _WELSCH[1]),
                "Barron's named cases",
                (*(n for n, _ in _BARRON_CASES), _WELSCH[0]),
            ),
        ),
        # Over (r, α); the "current α" line is not drawn at α = −∞ (off the map).
        surface=Surface(
            term=Call((0.0, X), {"alpha": Y}),
            x_label=R_LABEL,
            y_label="α (shape)",
            x_range=R_RANGE,
            y_range=(-10.0, 3.0),
            y_param="alpha",
            uses=("scale",),
            x_short="r",
            y_short="α",
        ),
        joins=(Join("regression", "Barron ρ"),),
    ),
    LossSpec(
        key="poisson_nll",
        title="Poisson negative log-likelihood",
        family="regression",
        fn=losses.poisson_nll,
        grad=losses.poisson_nll_grad,
        latex=(
            r"\ell(y, z) = e^{z} - y\,z,\quad z = \log\lambda"
            r"\quad \big(-\log p(y \mid \lambda) \text{ without its constant } \log y!\big)"
        ),
        grad_latex=r"\frac{\partial \ell}{\partial z} = e^{z} - y = \lambda - y",
        params=(),
        one_liner=(
            "Negative log-likelihood of an observed count y under a Poisson rate λ = e^z "
            "predicted as its logarithm z."
        ),
        when_to_use=(
            "Use it to regress counts: clicks, arrivals, photons, cases per day. The model "
            "predicts the log-rate z (any real number), the rate e^z is positive by "
            "construction, and the gradient λ − y is the plain residual on the rate scale. For "
            "an observed y > 0 the loss is smallest at z = log y (marked), i.e. at λ = y; the "
            "second x axis shows the rate λ itself. It is the loss of Poisson regression (a GLM "
            "with log link)."
        ),
        pitfalls=(
            "PyTorch's PoissonNLLLoss takes the log-rate by default (log_input=True); with "
            "log_input=False it expects the rate itself and computes λ − y log(λ + eps). Passing "
            "the wrong one silently trains the wrong model.",
            "full=False (the default, used here) drops the constant log y!, so the loss is not a "
            "probability: it is negative wherever y log λ > λ, and its minimum is y − y log y, "
            "not 0.",
            "For y = 0 there is no minimum: the loss e^z keeps falling as z → −∞, so an all-zero "
            "target drives the log-rate to −∞ unless something bounds it.",
            "The Poisson model has variance = mean; real counts are often overdispersed "
            "(variance > mean), where a negative-binomial likelihood fits better.",
        ),
        references=(
            Reference(
                "J. A. Nelder, R. W. M. Wedderburn",
                "Generalized Linear Models",
                1972,
                "Journal of the Royal Statistical Society, Series A 135(3), 370–384",
                "https://doi.org/10.2307/2344614",
            ),
            Reference(
                "P. McCullagh, J. A. Nelder",
                "Generalized Linear Models (2nd edition, ch. 6)",
                1989,
                "Chapman & Hall",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Count regression (Poisson GLM with log link); event rates.",
        ),
        inputs=(
            Input("counts", "y", "observed count (≥ 0; need not be an integer)", (0.0, INF)),
            Input("log_rate", "z", "predicted log-rate z = log λ", (-INF, INF), grad=True),
        ),
        curve=Curve(
            axes=(
                Axis("z", Z_LABEL, Z_RANGE, "∂ℓ/∂z", title="log-rate z", symbol="z", probe=-1.0),
                Axis(
                    "rate",
                    "rate λ = e^z",
                    (0.05, 25.0),
                    "∂ℓ/∂z (z = log λ)",
                    title="rate λ = e^z",
                    to_native=np.log,
                    from_native=np.exp,
                    probe=5.0,
                    symbol="λ",
                ),
            ),
            branches=(Branch("Poisson NLL", Call((Par("count"), X))),),
            scene=(
                Param(
                    name="count",
                    symbol="y",
                    latex="y",
                    default=3.0,
                    min=0.0,
                    max=20.0,
                    step=1.0,
                    help="The observed count y.",
                ),
            ),
            markers=(
                Marker(
                    lambda p: _log_or_minus_inf(float(p["count"])),
                    "minimum z = log y = {x:.2f}",
                ),
            ),
        ),
        surface=Surface(
            term=Call((Y, X)),
            x_label=Z_LABEL,
            y_label="observed count y",
            x_range=Z_RANGE,
            y_range=(0.0, 20.0),
            y_param="count",
            x_short="z",
            y_short="y",
        ),
        joins=(
            Join(
                "count",
                "Poisson NLL",
                term=Call((Par("count"), X)),
                surface=Call((Y, X)),
                uses=("count",),
            ),
        ),
    ),
    LossSpec(
        key="gaussian_nll",
        title="Gaussian negative log-likelihood",
        family="regression",
        fn=losses.gaussian_nll,
        grad=losses.gaussian_nll_grad,
        latex=(
            r"\ell(y, \mu, \sigma^2) = \tfrac12\Big(\log \sigma^2"
            r" + \frac{(y - \mu)^2}{\sigma^2}\Big)"
            r"\quad \big(\text{constant } \tfrac12 \log 2\pi \text{ dropped}\big)"
        ),
        grad_latex=(
            r"\frac{\partial \ell}{\partial \mu} = \frac{\mu - y}{\sigma^2},\quad"
            r"\frac{\partial \ell}{\partial \sigma^2}"
            r" = \frac12\Big(\frac{1}{\sigma^2} - \frac{(y - \mu)^2}{\sigma^4}\Big)"
        ),
        params=(),
        one_liner=(
            "Negative log-likelihood of the target under a predicted Gaussian N(μ, σ²): the "
            "model predicts a mean and how unsure it is."
        ),
        when_to_use=(
            "Use it when the model should predict its own uncertainty (heteroscedastic "
            "regression, deep ensembles, probabilistic forecasts): a second output gives σ². "
            "For a fixed σ² = 1 it is ½r² + const, i.e. MSE up to a factor and a constant. "
            "Learning σ² lets the model discount hard points: a large σ² divides the squared "
            "error (and the gradient r/σ² on μ) but costs ½ log σ². Along each residual the "
            "surface's valley lies at σ² = r², where the loss is only log |r| + ½."
        ),
        pitfalls=(
            "Predict log σ² (or pass σ² through softplus), not σ² itself, so the variance stays "
            "positive and its gradient well scaled: the log-variance trick of Kendall & Gal "
            "(2017).",
            "The gradient on μ is r/σ²: points the model calls uncertain stop teaching the mean, "
            "and training can settle on a poor mean with inflated variances; β-NLL (Seitzer et "
            "al. 2022) multiplies each term by a stop-gradient σ^(2β) to counter it.",
            "PyTorch's GaussianNLLLoss takes (input, target, var), clamps var at eps = 1e-6 and "
            "with full=False drops ½ log 2π, so values can be negative; this library does not "
            "clamp.",
            "As σ² → 0 on a point fitted exactly the loss goes to −∞: without a floor on σ² the "
            "likelihood is unbounded below.",
        ),
        references=(
            Reference(
                "D. A. Nix, A. S. Weigend",
                "Estimating the Mean and Variance of the Target Probability Distribution",
                1994,
                "IEEE International Conference on Neural Networks (ICNN)",
                "https://doi.org/10.1109/ICNN.1994.374138",
            ),
            Reference(
                "A. Kendall, Y. Gal",
                "What Uncertainties Do We Need in Bayesian Deep Learning for Computer Vision?",
                2017,
                "NeurIPS",
                "https://arxiv.org/abs/1703.04977",
            ),
            Reference(
                "M. Seitzer, A. Tavakoli, D. Antic, G. Martius",
                "On the Pitfalls of Heteroscedastic Uncertainty Estimation with Probabilistic "
                "Neural Networks",
                2022,
                "ICLR",
                "https://arxiv.org/abs/2203.09168",
            ),
        ),
        properties=Properties(
            convex=False,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Regression that predicts its own variance (heteroscedastic noise).",
        ),
        inputs=(
            Input("y_true", "y", "target value", (-INF, INF)),
            Input("mean", "μ", "predicted mean", (-INF, INF), grad=True),
            Input("var", "σ²", "predicted variance (> 0)", (0.0, INF), grad=True),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "r",
                    "residual r = μ − y",
                    R_RANGE,
                    "∂ℓ/∂μ (σ² fixed)",
                    title="residual r",
                    symbol="r",
                    probe=2.0,
                ),
            ),
            branches=(Branch("Gaussian NLL", Call((0.0, X, Par("var")))),),
            scene=(
                Param(
                    name="var",
                    symbol="σ²",
                    latex=r"\sigma^2",
                    default=1.0,
                    min=0.1,
                    max=5.0,
                    step=0.05,
                    help="The predicted variance σ², held fixed along the curve.",
                ),
            ),
            markers=(
                Marker(lambda p: -math.sqrt(p["var"]), "−σ = {x:.2f}"),
                Marker(lambda p: math.sqrt(p["var"]), "+σ = {x:.2f}"),
            ),
            family=CurveFamily(
                "var",
                (0.5, 1.0, 2.0, 4.0),
                "σ² family",
                ("σ² = 0.5", "σ² = 1: ½r²", "σ² = 2", "σ² = 4"),
            ),
        ),
        surface=Surface(
            term=Call((0.0, X, Y)),
            x_label="residual r = μ − y",
            y_label="predicted variance σ²",
            x_range=R_RANGE,
            y_range=(0.1, 5.0),
            y_param="var",
            x_short="r",
            y_short="σ²",
        ),
        joins=(
            Join(
                "regression",
                "Gaussian NLL, σ² = 1",
                term=Call((0.0, X, 1.0)),
                surface=Call((0.0, X, 1.0)) + Call((0.0, Y, 1.0)),
            ),
            Join(
                "count",
                "Gaussian NLL, mean = variance = λ",
                id="gaussian_nll_rate",
                term=Call((Par("count"), RATE, RATE)),
                surface=Call((Y, RATE, RATE)),
                uses=("count",),
            ),
        ),
    ),
]

#: Compare: counts along the log-rate (poisson_nll; MSE and the Gaussian NLL on λ = e^z).
DOMAINS = (
    DomainDecl(
        key="count",
        title="Count regression: log-rate z for an observed count",
        description=(
            "An observed count y (the shared slider) and a model that predicts the log-rate "
            "z = log λ, the x axis. Poisson NLL is poisson_nll(y, z) = e^z − y·z; Gaussian NLL "
            "is gaussian_nll(y, λ, λ), a Gaussian with the Poisson's mean and variance λ = e^z; "
            "MSE is mse(y, λ), the squared error on the rate. For y > 0 the Poisson NLL and MSE "
            "are smallest at z = log y, the Gaussian a little below (at λ = ½(√(1 + 4y²) − 1), "
            "as its variance grows with λ). The gradient is d/dz, through λ = e^z for the last "
            "two. The Poisson "
            "NLL drops its constant log y!, so it is negative near its minimum: a ratio to it "
            "has a gap there."
        ),
        axes=(DomainAxis("z", "log-rate z = log λ", Z_RANGE, 0.0, 1.0, 0.05, symbol="z"),),
        grad_label="dℓ/dz",
        shared=(Param("count", "y", "y", 3.0, 0.0, 20.0, 1.0, "Observed count y (the target)."),),
        surface_labels=("log-rate z", "observed count y"),
        surface_ranges=(Z_RANGE, (0.0, 20.0)),
        surface_note="Surfaces: over the log-rate z and the observed count y.",
        defaults=(
            ("poisson_nll", {}),
            ("gaussian_nll_rate", {}),
            ("mse_rate", {}),
            ("poisson_nll", {}),
        ),
        # Two entries first: MSE on the rate (the third slot) outgrows both by far.
        default_n=2,
        term=Call((Par("count"), X)),
        surface=Call((Y, X)),
        lead=("poisson_nll",),
    ),
)

#: Whole comparisons in one click (after the seed's "Robust regression").
PRESETS = (
    Preset(
        "huber_smooth_l1",
        "Huber vs Smooth L1",
        "regression",
        (("huber", {"delta": 2.0}), ("smooth_l1", {"beta": 2.0})),
        baseline=1,
        log_ratio=False,
        note=(
            "δ = β = 2: Huber = δ · Smooth L1 everywhere (the ratio view is flat at 2), and "
            "Huber's linear part has slope δ = 2, Smooth L1's slope 1."
        ),
    ),
    Preset(
        "robust_zoo",
        "Robust zoo",
        "regression",
        (
            ("mse", {}),
            ("huber", {"delta": 1.0}),
            ("general_robust", {"alpha": 0.0, "scale": 1.0}),
            ("general_robust", {"alpha": -2.0, "scale": 1.0}),
        ),
        note=(
            "MSE, Huber δ = 1, Cauchy (Barron α = 0) and Geman–McClure (α = −2): unbounded, "
            "bounded and redescending pulls of an outlier (the gradient row)."
        ),
    ),
    Preset(
        "quantiles",
        "Quantiles τ = 0.1, 0.5, 0.9",
        "regression",
        (("quantile", {"tau": 0.1}), ("quantile", {"tau": 0.5}), ("quantile", {"tau": 0.9})),
        baseline=1,
        log_ratio=False,
        note="The pinball loss tilts with τ: slopes −τ and 1 − τ; τ = 0.5 is ½ MAE.",
    ),
)
