"""Preference losses: Bradley–Terry (reward models), DPO and IPO (policies), the SLiC hinge.

Bradley–Terry and the hinge are drawn along the score gap Δr = r_c − r_r. DPO and IPO
take four log-probabilities (policy and frozen reference, chosen and rejected); they are
drawn along the log-ratio margin h = (π_c − ρ_c) − (π_r − ρ_r), with the reference at
ρ_c = ρ_r = REF_LOGP and the rejected response at its reference value, so π_c = REF_LOGP
+ h stays a log-probability (≤ 0) over the whole axis. All four join the Compare
domain ``preference`` (x = Δr, or h for DPO and IPO), and :data:`PRESETS` sets the
reward model beside DPO and IPO.
"""

from __future__ import annotations

import dataclasses
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
    Preset,
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


@dataclass(frozen=True, eq=False)
class Likelihood(Term):
    """e^(−ℓ) of a negative log-likelihood term: the probability it assigns (context).

    DPO's −log σ(βh) gives σ(βh), the implicit reward model's P(chosen ≻ rejected);
    the derivative along x is −e^(−ℓ)·dℓ/dx, from the loss's own gradient.
    """

    inner: Term

    def loss(self, fns, coords, params):
        return np.exp(-self.inner.loss(fns, coords, params))

    def deriv(self, fns, coords, params, var):
        ell = self.inner.loss(fns, coords, params)
        return -np.exp(-ell) * self.inner.deriv(fns, coords, params, var)

    def subs(self, names):
        return Likelihood(self.inner.subs(names))

    def coords(self):
        return self.inner.coords()


#: The views' reference log-probabilities ρ_c = ρ_r (nats): a response of some twenty
#: tokens. The rejected response stays at its reference value, π_r = ρ_r, and the chosen
#: one is π_c = ρ_c + h, which is ≤ 0 for every h on the axes (|h| ≤ 20).
REF_LOGP = -30.0
#: DPO and IPO along h: dpo(ρ + h, ρ, ρ, ρ); over two log-ratios, dpo(ρ + x, ρ + y, ρ, ρ).
ALONG_H = Call((REF_LOGP + X, REF_LOGP, REF_LOGP, REF_LOGP))
OVER_TWO_RATIOS = Call((REF_LOGP + X, REF_LOGP + Y, REF_LOGP, REF_LOGP))
H_AXIS = Axis(
    "h",
    "log-ratio margin h = (π_c − ρ_c) − (π_r − ρ_r), in nats",
    (-20.0, 20.0),
    "∂ℓ/∂π_c (= dℓ/dh)",
    title="h",
    symbol="h",
)

_H = (
    r"h = \big(\log \pi_\theta(y_w) - \log \pi_{\mathrm{ref}}(y_w)\big)"
    r" - \big(\log \pi_\theta(y_l) - \log \pi_{\mathrm{ref}}(y_l)\big)"
)


def _beta(lo: float) -> Param:
    return Param(
        name="beta",
        symbol="β",
        latex=r"\beta",
        default=0.1,
        min=lo,
        max=1.0,
        step=0.01,
        help="β: the weight of the KL penalty towards the reference; the implicit reward is "
        "β·log(π_θ/π_ref).",
    )


_POLICY_INPUTS = (
    Input(
        "policy_chosen",
        "π_c",
        "log π_θ(y_w | x), the policy's log-probability of the chosen response",
        (-INF, 0.0),
        grad=True,
    ),
    Input(
        "policy_rejected",
        "π_r",
        "log π_θ(y_l | x), the policy's log-probability of the rejected response",
        (-INF, 0.0),
        grad=True,
    ),
    Input(
        "ref_chosen",
        "ρ_c",
        "log π_ref(y_w | x), the frozen reference model's, of the chosen response",
        (-INF, 0.0),
    ),
    Input(
        "ref_rejected",
        "ρ_r",
        "log π_ref(y_l | x), the reference's, of the rejected response",
        (-INF, 0.0),
    ),
)

_RAFAILOV = Reference(
    "R. Rafailov, A. Sharma, E. Mitchell, S. Ermon, C. D. Manning, C. Finn",
    "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
    2023,
    "NeurIPS",
    "https://arxiv.org/abs/2305.18290",
)
_AZAR = Reference(
    "M. G. Azar, M. Rowland, B. Piot, D. Guo, D. Calandriello, M. Valko, R. Munos",
    "A General Theoretical Paradigm to Understand Learning from Human Preferences",
    2024,
    "AISTATS (arXiv:2310.12036, 2023)",
    "https://arxiv.org/abs/2310.12036",
)
_BRADLEY_TERRY = Reference(
    "R. A. Bradley, M. E. Terry",
    "Rank Analysis of Incomplete Block Designs: I. The Method of Paired Comparisons",
    1952,
    "Biometrika 39(3/4), 324–345",
    "https://doi.org/10.2307/2334029",
)


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
    LossSpec(
        key="dpo",
        title="Direct Preference Optimization (DPO) loss",
        family="preference",
        fn=losses.dpo,
        grad=losses.dpo_grad,
        latex=r"\ell = -\log \sigma(\beta h),\quad " + _H,
        grad_latex=(
            r"\frac{\partial \ell}{\partial \log \pi_\theta(y_w)}"
            r" = -\frac{\partial \ell}{\partial \log \pi_\theta(y_l)}"
            r" = -\beta\, \sigma(-\beta h)"
        ),
        params=(_beta(0.01),),
        one_liner=(
            "Bradley–Terry on the policy's implicit reward β·log(π_θ/π_ref): a language model "
            "learns from preference pairs directly, with no reward model and no RL."
        ),
        when_to_use=(
            "Use it to align a language model with pairwise preferences in one supervised "
            "stage, instead of fitting a reward model and running PPO on it (Rafailov et al. "
            "2023). The inputs are the summed log-probabilities of the chosen (y_w) and the "
            "rejected (y_l) response under the policy π_θ and under a frozen reference π_ref, "
            "usually the SFT model; the loss sees them only through the log-ratio margin h. "
            "β is the weight of the KL penalty in the RLHF objective DPO solves (0.1 is the "
            "usual default). This view holds the reference log-probabilities at −30 nats and "
            "the rejected response at its reference value, so h is the chosen response's "
            "log-ratio. At h = 0 (policy = reference) the loss is ln 2."
        ),
        pitfalls=(
            "The loss never reaches 0: on a pair the policy already prefers, −log σ(βh) "
            "still pushes h up, and with deterministic preferences the optimum is h → ∞ "
            "whatever β, so the pull towards the reference fades and the model overfits "
            "(Azar et al. 2023; IPO's motivation).",
            "h is a difference of log-ratios: DPO can lower the chosen response's "
            "log-probability too, as long as the rejected one falls faster, and the chosen "
            "likelihood often does fall during training.",
            "β is not a learning rate: the gradient is β σ(−βh), so a smaller β flattens the "
            "loss around ln 2 and shrinks its gradient at once; runs with different β are "
            "compared by the implicit reward gap βh, not by h.",
            "The reference terms are constants: compute them with the frozen model, with the "
            "same prompt and tokenisation, and let no gradient through them (here the "
            "gradient covers the policy's two log-probabilities only).",
        ),
        references=(_RAFAILOV, _BRADLEY_TERRY, _AZAR),
        properties=Properties(
            # softplus(−βh), h linear in the policy log-probabilities: convex and smooth,
            # |∂ℓ/∂π| ≤ β; a mislabelled pair costs ≈ β|h|, without bound.
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Preference fine-tuning of language models without a reward model.",
        ),
        inputs=_POLICY_INPUTS,
        curve=Curve(
            axes=(H_AXIS,),
            branches=(
                Branch("−log σ(βh)", ALONG_H),
                Branch("σ(βh), the implied P(chosen ≻ rejected)", Likelihood(ALONG_H)),
            ),
            markers=(Marker(0.0, "h = 0: policy = reference, ℓ = ln 2"),),
        ),
        surface=Surface(
            term=Call(ALONG_H.args, {"beta": Y}),
            x_label="log-ratio margin h",
            y_label="β (KL penalty weight)",
            x_range=(-20.0, 20.0),
            y_range=(0.01, 1.0),
            y_param="beta",
            x_short="h",
            y_short="β",
        ),
        joins=(Join("preference", "DPO, x = h", term=ALONG_H, surface=OVER_TWO_RATIOS),),
    ),
    LossSpec(
        key="ipo",
        title="Identity Preference Optimisation (IPO) loss",
        family="preference",
        fn=losses.ipo,
        grad=losses.ipo_grad,
        latex=r"\ell = \Big(h - \frac{1}{2\beta}\Big)^2,\quad " + _H,
        grad_latex=(
            r"\frac{\partial \ell}{\partial \log \pi_\theta(y_w)}"
            r" = -\frac{\partial \ell}{\partial \log \pi_\theta(y_l)}"
            r" = 2\Big(h - \frac{1}{2\beta}\Big)"
        ),
        params=(_beta(0.03),),
        one_liner=(
            "A squared loss that regresses the log-ratio margin h onto the target 1/(2β): a "
            "preference is satisfied at a finite margin instead of being pushed to infinity."
        ),
        when_to_use=(
            "Use it instead of DPO when preferences are (nearly) deterministic or the data "
            "set is small, where DPO drives h → ∞ and the policy away from the reference "
            "(Azar et al. 2023). IPO's minimum at h = 1/(2β) keeps the regularisation "
            "towards π_ref working: the smaller β, the larger the margin it asks for (5 nats "
            "at β = 0.1). It takes the same four log-probabilities as DPO, and this view "
            "holds them as the DPO view does (reference at −30 nats, the rejected response at "
            "its reference value)."
        ),
        pitfalls=(
            "Overshooting is punished: a pair whose margin exceeds 1/(2β) is pulled back, "
            "harder the further it went. IPO regresses the margin onto a target; it does not "
            "classify the pair.",
            "β sets the target: 1/(2β) is 5 nats at β = 0.1 and 50 at β = 0.01. As in DPO a "
            "smaller β lets the policy move further from the reference, but by a stated, "
            "finite amount. (β ≥ 0.03 here keeps the target on the axis.)",
            "Not robust: the square grows without bound, so a mislabelled pair with a large "
            "margin pulls with 2|h − 1/(2β)|, where DPO's pull never exceeds β.",
            "Scale: h sums token log-probabilities over whole responses, so it grows with "
            "their length; an implementation that averages per token changes the scale of h, "
            "and with it what a given β asks for.",
        ),
        references=(_AZAR, _RAFAILOV),
        properties=Properties(
            # A square of h − 1/(2β), h linear in the policy log-probabilities.
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Preference fine-tuning where DPO overfits deterministic preferences.",
        ),
        inputs=_POLICY_INPUTS,
        curve=Curve(
            axes=(H_AXIS,),
            branches=(Branch("(h − 1/(2β))²", ALONG_H),),
            markers=(Marker(lambda p: 0.5 / p["beta"], "minimum at h = 1/(2β) = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call(ALONG_H.args, {"beta": Y}),
            x_label="log-ratio margin h",
            y_label="β (KL penalty weight)",
            x_range=(-20.0, 20.0),
            y_range=(0.03, 1.0),
            y_param="beta",
            x_short="h",
            y_short="β",
        ),
        joins=(Join("preference", "IPO, x = h", term=ALONG_H, surface=OVER_TWO_RATIOS),),
    ),
    LossSpec(
        key="preference_hinge",
        title="Preference hinge loss (SLiC)",
        family="preference",
        fn=losses.preference_hinge,
        grad=losses.preference_hinge_grad,
        latex=r"\ell(r_c, r_r) = \max\big(0,\; m - (r_c - r_r)\big)",
        grad_latex=(
            r"\frac{\partial \ell}{\partial r_c} = -\frac{\partial \ell}{\partial r_r}"
            r" = -\mathbb{1}\left[r_c - r_r < m\right]"
        ),
        params=(
            Param(
                name="margin",
                symbol="m",
                latex="m",
                default=1.0,
                min=0.0,
                max=3.0,
                step=0.1,
                help="Margin m: the score gap beyond which a pair costs nothing.",
            ),
        ),
        one_liner=(
            "Zero once the chosen response out-scores the rejected one by the margin m, "
            "linear below it: the hinge counterpart of the Bradley–Terry loss."
        ),
        when_to_use=(
            "Use it to rank a chosen above a rejected response by a margin when calibrated "
            "probabilities are not needed. SLiC-HF applies it to the policy's sequence "
            "log-likelihoods, r = log π(y | x), together with a term keeping the model near "
            "its fine-tuning targets (Zhao et al. 2023); ranking SVMs apply it to scores "
            "(Joachims 2002). It is the hinge loss with label 1 on the score difference, as "
            "Bradley–Terry is BCE on it: both grow linearly for a badly ranked pair, but the "
            "hinge stops at Δr = m."
        ),
        pitfalls=(
            "No gradient past the margin: pairs ranked right by more than m teach nothing, so "
            "training concentrates on the violated pairs; and the scores are not "
            "calibrated, Δr gives no probability as σ(Δr) does for Bradley–Terry.",
            "A kink at Δr = m (the subgradient 0 is used there). With m = 0 every correctly "
            "ranked pair costs 0 however narrow its gap, and the scale of the scores is left "
            "free; the margin fixes it.",
            "Margin units: on log-likelihoods (SLiC) m is in nats, on a reward model's scores "
            "in score units; the same m is a different demand in the two.",
            "On its own the hinge lets a policy drift arbitrarily far from where it started; "
            "SLiC-HF adds a cross-entropy term on the fine-tuning data, as DPO has its "
            "reference model.",
        ),
        references=(
            Reference(
                "Y. Zhao, R. Joshi, T. Liu, M. Khalman, M. Saleh, P. J. Liu",
                "SLiC-HF: Sequence Likelihood Calibration with Human Feedback",
                2023,
                "arXiv:2305.10425",
                "https://arxiv.org/abs/2305.10425",
            ),
            Reference(
                "T. Joachims",
                "Optimizing Search Engines using Clickthrough Data",
                2002,
                "KDD",
                "https://doi.org/10.1145/775047.775067",
            ),
        ),
        properties=Properties(
            # max(0, m − Δr): a convex hinge with slope −1 or 0 and a kink at Δr = m; a
            # mislabelled pair costs ≈ |Δr|, without bound.
            convex=True,
            bounded_gradient=True,
            robust_to_outliers=False,
            differentiable_everywhere=False,
            typical_use="Ranking by a margin: SLiC-HF calibration, ranking SVMs.",
        ),
        inputs=(
            Input(
                "score_chosen",
                "r_c",
                "score of the preferred response (SLiC: its log-likelihood)",
                (-INF, INF),
                grad=True,
            ),
            Input(
                "score_rejected",
                "r_r",
                "score of the rejected response",
                (-INF, INF),
                grad=True,
            ),
        ),
        curve=Curve(
            # Probe inside the margin, where the hinge is active.
            axes=(dataclasses.replace(DR_AXIS, probe=0.5),),
            branches=(Branch("max(0, m − Δr)", Call((X, 0.0))),),
            markers=(Marker(lambda p: p["margin"], "Δr = m = {x:.2f}"),),
        ),
        surface=Surface(
            term=Call((X, 0.0), {"margin": Y}),
            x_label="Δr = r_c − r_r (score gap)",
            y_label="margin m",
            x_range=(-6.0, 6.0),
            y_range=(0.0, 3.0),
            y_param="margin",
            x_short="Δr",
            y_short="m",
        ),
        joins=(
            Join(
                "preference",
                "Preference hinge (SLiC), x = Δr",
                term=Call((X, 0.0)),
                surface=Call((X, Y)),
            ),
        ),
    ),
]

PRESETS: tuple[Preset, ...] = (
    Preset(
        "rlhf",
        "Reward model vs DPO vs IPO",
        "preference",
        (("bradley_terry", {"margin": 0.0}), ("dpo", {"beta": 0.5}), ("ipo", {"beta": 0.25})),
        note=(
            "x is the score gap Δr for the reward model, the log-ratio margin h for DPO and "
            "IPO. DPO at β = 0.5 is Bradley–Terry on βh; IPO at β = 0.25 stops at its target "
            "h = 1/(2β) = 2, where both others still push."
        ),
    ),
)
