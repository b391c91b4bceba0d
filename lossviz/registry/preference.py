"""Preference losses: the Bradley–Terry reward-model loss (DPO, IPO and the hinge join it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz import losses
from lossviz.losses._stable import sigmoid

from ._terms import Call, Term, X, Y
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

DR_AXIS = Axis(
    "dr", "Δr = r_c − r_r (score gap)", (-6.0, 6.0), "∂/∂r_c (r_r = 0)", title="Δr", symbol="Δr"
)


@dataclass(frozen=True, eq=False)
class PreferenceProbability(Term):
    """The Bradley–Terry model's P(chosen ≻ rejected) = σ(Δr) along x = Δr: no loss, context."""

    def loss(self, fns, coords, params):
        return sigmoid(np.asarray(coords["x"], dtype=np.float64))

    def deriv(self, fns, coords, params, var):
        s = sigmoid(np.asarray(coords["x"], dtype=np.float64))
        return s * (1.0 - s)

    def subs(self, names):
        return self

    def coords(self):
        return {"x"}


SPECS: list[LossSpec] = [
    LossSpec(
        key="bradley_terry",
        title="Bradley–Terry (reward-model) loss",
        family="preference",
        fn=losses.bradley_terry,
        grad=losses.bradley_terry_grad,
        latex=r"\ell(r_c, r_r) = -\log \sigma(r_c - r_r - m)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial r_c} = -\frac{\partial \ell}{\partial r_r}"
            r" = \sigma(r_c - r_r - m) - 1"
        ),
        params=(
            Param(
                name="margin",
                symbol="m",
                latex="m",
                default=0.0,
                min=-3.0,
                max=3.0,
                step=0.1,
                help=(
                    "Margin m (Llama 2): the score gap the chosen answer must exceed "
                    "before the loss eases off."
                ),
            ),
        ),
        one_liner=(
            "Negative log-likelihood that the chosen response beats the rejected one under the "
            "Bradley–Terry model P(chosen ≻ rejected) = σ(r_c − r_r)."
        ),
        when_to_use=(
            "Use it to train a scalar reward model from pairwise human preferences, the first "
            "stage of RLHF (Christiano et al. 2017; Ouyang et al. 2022): it is binary "
            "cross-entropy with label 1 on the score difference. Only differences are learned, "
            "so rewards are defined up to an additive constant. Llama 2 adds a margin m that "
            "demands a larger gap for pairs the raters marked as clearly better."
        ),
        pitfalls=(
            "Only score differences are identified: adding a constant to every score changes "
            "nothing, so reward scales drift between runs; normalise rewards before using them "
            "in RL.",
            "The margin moves the target, not the model: with m > 0 the loss keeps pushing until "
            "Δr is well above m, yet the implied preference probability is still σ(Δr).",
            "Argument order is the label: the loss takes (chosen, rejected), and swapping them "
            "trains the model to prefer the rejected answers.",
            "Human preferences are noisy (annotators often disagree), and a mislabelled pair with "
            "a large score gap costs about |Δr|, without bound.",
        ),
        references=(
            Reference(
                "R. A. Bradley, M. E. Terry",
                "Rank Analysis of Incomplete Block Designs: I. The Method of Paired Comparisons",
                1952,
                "Biometrika 39(3/4), 324–345",
                "https://doi.org/10.2307/2334029",
            ),
            Reference(
                "P. F. Christiano, J. Leike, T. B. Brown, M. Martic, S. Legg, D. Amodei",
                "Deep Reinforcement Learning from Human Preferences",
                2017,
                "NeurIPS",
                "https://arxiv.org/abs/1706.03741",
            ),
            Reference(
                "L. Ouyang, J. Wu, X. Jiang, et al.",
                "Training Language Models to Follow Instructions with Human Feedback",
                2022,
                "NeurIPS",
                "https://arxiv.org/abs/2203.02155",
            ),
            Reference(
                "H. Touvron, L. Martin, K. Stone, et al.",
                "Llama 2: Open Foundation and Fine-Tuned Chat Models",
                2023,
                "arXiv:2307.09288",
                "https://arxiv.org/abs/2307.09288",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Reward models for RLHF trained on pairwise preferences; ranking.",
        ),
        inputs=(
            Input(
                "score_chosen",
                "r_c",
                "reward-model score of the preferred response",
                (-INF, INF),
                grad=True,
            ),
            Input(
                "score_rejected",
                "r_r",
                "reward-model score of the rejected response",
                (-INF, INF),
                grad=True,
            ),
        ),
        curve=Curve(
            axes=(DR_AXIS,),
            branches=(
                Branch("−log σ(Δr − m)", Call((X, 0.0))),
                # The implied preference probability does not involve the training margin.
                Branch("P(chosen ≻ rejected) = σ(Δr)", PreferenceProbability()),
            ),
            markers=(Marker(lambda p: p["margin"], "Δr = m = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call((X, Y)),
            x_label="r_c (score of the chosen response)",
            y_label="r_r (score of the rejected response)",
            x_range=(-5.0, 5.0),
            y_range=(-5.0, 5.0),
            x_short="r_c",
            y_short="r_r",
            equal_axes=True,
        ),
        joins=(Join("preference", "Bradley–Terry", term=Call((X, 0.0)), surface=Call((X, Y))),),
    ),
]
