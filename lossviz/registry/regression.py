"""Regression losses: the specs of MSE, MAE and Huber (the robust family joins them).

Each curve is the loss along the residual r = ŷ − y (target 0, prediction r), so the
plotted derivative is ∂ℓ/∂ŷ. Losses without a hyperparameter have a surface over two
residuals (the mean loss of a prediction with two outputs: MSE's round bowl, MAE's
diamond with creases at r₁ = 0 and r₂ = 0); the others over (r, hyperparameter).
"""

from __future__ import annotations

from lossviz import losses

from ._terms import Call, Sum, X, Y
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

R_LABEL = "residual r = ŷ − y"
R_RANGE = (-4.0, 4.0)
R_AXIS = Axis("r", R_LABEL, R_RANGE, "∂ℓ/∂ŷ", title="residual r", symbol="r", probe=2.0)

INPUTS = (
    Input("y_true", "y", "target value", (-INF, INF)),
    Input("y_pred", "ŷ", "prediction", (-INF, INF), grad=True),
)

#: ℓ(0, r): target 0, prediction r, so d/dr is ∂ℓ/∂ŷ.
ALONG_R = Call((0.0, X))


def residual_curve(name: str, markers: tuple[Marker, ...] = ()) -> Curve:
    return Curve(axes=(R_AXIS,), branches=(Branch(name, ALONG_R),), markers=markers)


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


def over_r_and(name: str, y_range: tuple[float, float], y_label: str, y_short: str) -> Surface:
    """The loss over the residual and one hyperparameter (its y axis)."""
    return Surface(
        term=Call((0.0, X), {name: Y}),
        x_label=R_LABEL,
        y_label=y_label,
        x_range=R_RANGE,
        y_range=y_range,
        y_param=name,
        x_short="r",
        y_short=y_short,
    )


def _kinks(symbol: str, name: str) -> tuple[Marker, ...]:
    return (
        Marker(lambda p: -p[name], f"−{symbol} = {{x:.2f}}"),
        Marker(lambda p: p[name], f"+{symbol} = {{x:.2f}}"),
    )


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
        joins=(Join("regression", "MSE"),),
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
]
