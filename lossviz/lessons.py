"""Guided lessons: short sequences of steps a teacher runs in class (the Lessons page).

Data only, like the registry's teaching text: :mod:`lossviz.views.lessons` renders it.
Each step links a view of one of the app's pages, configured by the link's query
parameters; every number a step quotes was read off that view (seeded data, so the
page shows the same numbers each time). A test opens every step's link on its page and
checks that the page accepts every parameter (no warning) and shows the quoted numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step: ``text`` explains, ``link`` is the live view (a page path and its query,
    ``/outliers?outliers=0``), ``look`` says what to look at, ``question`` is for the class.

    ``shows`` are strings the linked view displays (numbers quoted in the text), checked
    by the tests against the page."""

    title: str
    text: str
    link: str
    look: str
    question: str
    shows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    steps: tuple[Step, ...]


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        slug="huber-outliers",
        title="Why MSE chases outliers and Huber does not",
        summary="The same line fitted by MSE and Huber, first on clean data, then with outliers.",
        steps=(
            Step(
                title="Clean data: the losses agree",
                text="100 points around the line y = 1.5x + 0.5, with no outliers. MSE, Huber "
                "(δ = 1) and a redescending Barron loss each fit a line.",
                link="/outliers?outliers=0&magnitude=10.0",
                look="The table: every fit's slope is within 0.02 of 1.5 (MSE 1.489, Huber "
                "1.488) and every intercept within 0.04 of 0.5.",
                question="If all three losses find the same line here, why would anyone "
                "prefer one over another?",
                shows=("1.489 (−0.011)", "1.488 (−0.012)"),
            ),
            Step(
                title="Ten outliers pull MSE away",
                text="Now 10 of the 100 points are shifted up by M = 10. MSE squares each "
                "residual, so a point 10 away pulls 10 times harder than a point 1 away.",
                link="/outliers?outliers=10&magnitude=10.0",
                look="MSE's intercept moves from 0.5 to 1.665 and its slope to 1.183; Huber's "
                "stays at 1.443 and 0.628. The column *outliers' vote*: the 10 outliers cast "
                "49 % of MSE's total gradient, 23 % of Huber's.",
                question="Ten points out of a hundred carry half of MSE's vote. Why so much?",
                shows=("1.183 (−0.317)", "1.443 (−0.057)", "49 %", "23 %"),
            ),
            Step(
                title="Move the outliers further: Huber does not care",
                text="The same 10 outliers, now shifted by M = 30. Huber's gradient beyond "
                "|r| = δ is ±δ, whatever the distance: a far point's vote is capped.",
                link="/outliers?outliers=10&magnitude=30.0",
                look="MSE's slope falls to 0.571 and its intercept rises to 4.068. Huber's fit "
                "is exactly the same as at M = 10: 1.443 and 0.628.",
                question="Why is Huber's line identical at M = 10 and M = 30, while MSE's moves?",
                shows=("0.571 (−0.929)", "4.068 (+3.568)", "1.443 (−0.057)"),
            ),
            Step(
                title="Too many outliers: Huber bends too",
                text="With 30 % outliers, capped votes still add up: 30 points each pulling with "
                "δ outweigh the inliers near the line.",
                link="/outliers?outliers=30&magnitude=10.0",
                look="Huber's intercept error grows to +0.471 and the outliers cast 47 % of its "
                "vote; the redescending Barron loss (Geman–McClure) keeps +0.015 and 4 %.",
                question="What property would a loss need so that far points stop voting at all?",
                shows=("0.971 (+0.471)", "47 %", "0.515 (+0.015)"),
            ),
        ),
    ),
    Lesson(
        slug="huber-delta",
        title="What δ does in the Huber loss",
        summary="δ is where Huber switches from squared to linear: in the loss, its gradient "
        "and a fit.",
        steps=(
            Step(
                title="Past δ the loss is linear",
                text="Huber is ½r² for |r| ≤ δ and δ(|r| − δ/2) beyond. At δ = 1 a residual "
                "of 2 is in the linear part.",
                link="/?loss=huber&delta=1.00&x0=2.00",
                look="The readout at r = 2: Huber = 1.500 = 1·(2 − 0.5). On the gradient "
                "plot the slope stops growing at r = ±1 and stays at ±δ.",
                question="What is Huber's gradient at r = 5 with δ = 1? And MSE's?",
                shows=("1.500",),
            ),
            Step(
                title="A larger δ: back to least squares",
                text="The same residual with δ = 3: now |r| = 2 is inside ±δ, where Huber is "
                "the squared loss ½r².",
                link="/?loss=huber&delta=3.00&x0=2.00",
                look="The readout at r = 2: Huber = 2.000 = ½·2². The kinks of the gradient "
                "plot moved out to ±3.",
                question="As δ grows without bound, which loss does Huber become? As δ → 0?",
                shows=("2.000",),
            ),
            Step(
                title="Side by side with MSE and MAE",
                text="Compare overlays MSE (y − ŷ)², MAE |y − ŷ| and Huber with δ = 0.5 as "
                "functions of the residual.",
                link="/compare?e2.delta=0.50&x0=2.00",
                look="The table at x₀ = 2: MSE's gradient is 4, MAE's 1, Huber's 0.5 = δ. "
                "Huber's loss is 0.875, far below MSE's 4.",
                question="Huber's gradient is capped at δ; MAE's is always 1. Which one is "
                "gentler for points near the target?",
                shows=("0.875",),
            ),
            Step(
                title="δ in a fit: small δ ignores outliers",
                text="Back to the outlier data (10 % shifted by 10), fitted by MSE, Huber "
                "δ = 0.2 and Huber δ = 5.",
                link="/outliers?l1=mse&l2=huber&l2.delta=0.20&l3=huber&l3.delta=5.00",
                look="The slope error is −0.049 at δ = 0.2, −0.195 at δ = 5 and −0.317 for "
                "MSE; the outliers cast 12 %, 46 % and 49 % of the vote.",
                question="δ is in the units of y. If the targets were in millimetres instead "
                "of metres, what δ would give the same fit?",
                shows=("1.451 (−0.049)", "1.305 (−0.195)", "12 %", "46 %"),
            ),
        ),
    ),
    Lesson(
        slug="focal-easy-negatives",
        title="Focal loss and the easy negatives",
        summary="Lin et al. (2017), Fig. 1: the focal factor (1 − p_t)^γ turns down the "
        "examples a model already gets right.",
        steps=(
            Step(
                title="γ = 0 is cross-entropy",
                text="Focal loss is −(1 − p_t)^γ log p_t, where p_t is the probability the "
                "model gives the true class. The grey curves are γ = 0.5, 1, 2, 5, as in "
                "Lin et al. Fig. 1; the highlighted one is γ = 0: cross-entropy.",
                link="/?loss=focal&x=p_t&family=1&alpha_on=0&gamma=0.0&x0=0.90",
                look="At p_t = 0.9 (a well-classified example) the loss is 0.1054 = −log 0.9.",
                question="A detector sees 100 000 easy background boxes at p_t = 0.9 and 100 "
                "hard objects. Whose loss dominates the sum?",
                shows=("0.1054",),
            ),
            Step(
                title="γ = 2: easy examples drop out",
                text="With γ = 2 the loss is multiplied by (1 − p_t)². At p_t = 0.9 that is 0.01.",
                link="/?loss=focal&x=p_t&family=1&alpha_on=0&gamma=2.0&x0=0.90",
                look="At p_t = 0.9 the loss is 0.001054: 100 times less than cross-entropy. "
                "Compare the curves near p_t = 1.",
                question="Redo the sum of the last step with γ = 2: who dominates now?",
                shows=("0.001054",),
            ),
            Step(
                title="Hard examples keep their loss",
                text="The same γ = 2 at p_t = 0.1, an example the model gets badly wrong.",
                link="/?loss=focal&x=p_t&family=1&alpha_on=0&gamma=2.0&x0=0.10",
                look="The loss is 1.865 = 0.81 · 2.303: the factor (1 − 0.1)² = 0.81 keeps most "
                "of the cross-entropy −log 0.1 = 2.303.",
                question="Focal loss is smaller than cross-entropy everywhere. What does that "
                "do to the step size of training?",
                shows=("1.865",),
            ),
            Step(
                title="On imbalanced data",
                text="2,000 points, 1 positive to 20 negatives, fitted by BCE, two reweighted "
                "BCEs and focal loss with γ = 2 and no α.",
                link="/imbalance?alpha_on=0",
                look="Below the plots: the negatives are 95.2 % of the points but hold 65.0 % of "
                "the focal weight (median negative 0.0176, median positive 0.346). In the "
                "table, recall⁺ is 0.316 for focal and 0.295 for BCE.",
                question="Reweighting BCE (w₊ = 20) gives recall⁺ 0.832. Why does focal loss "
                "alone change recall so little?",
                shows=("65.0 %", "0.0176", "0.316"),
            ),
            Step(
                title="Where α goes",
                text="Lin et al. also weight the classes: α = 0.25 multiplies the positives' "
                "loss and 0.75 the negatives'.",
                link="/imbalance?alpha_on=1&alpha=0.25",
                look="With α = 0.25, focal's recall⁺ drops to 0.126 (precision⁺ 1.000): the rare "
                "class got the smaller weight.",
                question="The paper's best α is 0.25 with γ = 2. Why can a small weight on the "
                "rare class work once γ has quietened the easy negatives?",
                shows=("0.126",),
            ),
        ),
    ),
    Lesson(
        slug="kl-forward-reverse",
        title="Forward vs reverse KL",
        summary="One Gaussian Q fitted to a two-mode P: KL(P‖Q) covers the modes, KL(Q‖P) "
        "picks one.",
        steps=(
            Step(
                title="Far-apart modes: two different fits",
                text="P has two modes 6 apart (weight 0.4 on the left). Minimising KL(P‖Q) "
                "over Gaussians Q matches P's mean and standard deviation; minimising "
                "KL(Q‖P) does not.",
                link="/kl-fit?sep=6.0&w=0.40",
                look="The forward fit has P's mean 0.60 and standard deviation 3.10: it spreads "
                "over both modes. The reverse fit sits on the right mode (μ = 2.99, σ = 1.02).",
                question="Forward KL weighs errors by p, reverse by q. Which one is punished "
                "for putting mass between the modes, where P has almost none?",
                shows=("0.60", "3.10", "μ = 2.99, σ = 1.02"),
            ),
            Step(
                title="Each fit is bad in the other direction",
                text="The same P with equal weights. Each fit is measured both ways.",
                link="/kl-fit?sep=6.0&w=0.50",
                look="The forward fit's KL(Q‖P) is 0.9380 nats; the reverse fit's KL(P‖Q) is "
                "7.8601 nats: missing a whole mode costs forward KL dearly. The blue box: "
                "reverse KL has 3 local optima.",
                question="A generative model trained by maximum likelihood minimises which "
                "KL? Would you expect blurry samples or missing modes?",
                shows=("0.9380", "7.8601", "3 local optima"),
            ),
            Step(
                title="Close modes: the fits agree",
                text="Bring the modes to 3 apart.",
                link="/kl-fit?sep=3.0&w=0.40",
                look="Both fits are close: KL(P‖Q) = 0.0647 and KL(Q‖P) = 0.0769 nats, and "
                "reverse KL has a single optimum.",
                question="Move the separation slider: from which separation on does reverse "
                "KL have several optima?",
                shows=("0.0647", "0.0769", "single optimum"),
            ),
        ),
    ),
    Lesson(
        slug="metric-margins",
        title="Margins in metric learning",
        summary="A linear map trained by contrastive and triplet losses: what the margin m "
        "asks of the distances.",
        steps=(
            Step(
                title="Contrastive loss, m = 1",
                text="Contrastive loss pulls same-class pairs together (d²) and pushes other-"
                "class pairs apart until their distance reaches the margin m: "
                "max(0, m − d)².",
                link="/metric?loss=contrastive&margin=1.00",
                look="After 200 steps the median distance is 0.19 within a class and 1.29 "
                "between classes; 47.4 % of the pairs are still active (non-zero loss).",
                question="A pair of different classes already 1.5 apart: what does it "
                "contribute to the loss and its gradient?",
                shows=("0.19 vs 1.29", "47.4%"),
            ),
            Step(
                title="Contrastive loss, m = 0.2",
                text="The same data with a margin five times smaller.",
                link="/metric?loss=contrastive&margin=0.20",
                look="The median distances become 0.04 and 0.28: the whole embedding shrinks "
                "with the margin, because m is an absolute distance.",
                question="If the embedding were scaled by 10 afterwards, would the classes be "
                "any better separated?",
                shows=("0.04 vs 0.28",),
            ),
            Step(
                title="Triplet loss, m = 1",
                text="Triplet loss max(0, d(a, p) − d(a, n) + m) only asks each anchor's "
                "positive to be closer than its negative by m.",
                link="/metric?loss=triplet&margin=1.00",
                look="After 200 steps: median distances 0.37 vs 2.52, and only 7.3 % of the "
                "triplets are still active.",
                question="Why are so few triplets active at the end, and what does that mean "
                "for the gradient late in training?",
                shows=("0.37 vs 2.52", "7.3%"),
            ),
            Step(
                title="Triplet loss, m = 0.2",
                text="The triplet margin made five times smaller.",
                link="/metric?loss=triplet&margin=0.20",
                look="Median distances 0.11 vs 0.77 and 3.1 % active triplets: with a small "
                "margin training stops early, once every negative is just a little further "
                "than its positive.",
                question="Hard-negative mining picks the triplets that are still active. Why "
                "does it matter more with a small margin?",
                shows=("0.11 vs 0.77", "3.1%"),
            ),
        ),
    ),
    Lesson(
        slug="reward-model",
        title="A reward model from noisy preferences",
        summary="Bradley–Terry fitted to pairwise preferences: what label noise and too few "
        "pairs do.",
        steps=(
            Step(
                title="An honest annotator",
                text="10 items with hidden rewards; an annotator compares 500 pairs and prefers "
                "item i over j with probability σ(r_i − r_j). A Bradley–Terry model "
                "−log σ(r̂_c − r̂_r) is fitted to 400 pairs and judged on 100 held out.",
                link="/preferences?flip=0.00",
                look="The fitted rewards rank the items almost as the truth does: Spearman ρ "
                "= 0.988. Held-out accuracy is 63.0 %, the same as the true rewards'.",
                question="Even the true rewards only get 63 % of the held-out pairs right. "
                "Why is the ceiling not 100 %?",
                shows=("0.988", "63.0 %"),
            ),
            Step(
                title="10 % of the labels flipped",
                text="The annotator now flips each label with probability 0.1 (66 of 500 flipped).",
                link="/preferences?flip=0.10",
                look="Spearman ρ falls to 0.939 and the fitted rewards shrink: the slope is "
                "0.62 instead of 1. Accuracy 59.0 %, again the true rewards' ceiling.",
                question="Flipped labels make the fitted rewards smaller but barely change "
                "their order. Why?",
                shows=("0.939", "0.62", "59.0 %"),
            ),
            Step(
                title="30 % flipped",
                text="156 of the 500 labels flipped.",
                link="/preferences?flip=0.30",
                look="Spearman ρ = 0.576 and the slope 0.20; held-out accuracy 53.0 %, close "
                "to a coin.",
                question="At what flip rate would the labels carry no information at all?",
                shows=("0.576", "0.20", "53.0 %"),
            ),
            Step(
                title="Too few pairs",
                text="Back to 10 % flips, but only 50 comparisons (40 to fit, 10 to judge).",
                link="/preferences?flip=0.10&pairs=50",
                look="Spearman ρ = 0.442; held-out accuracy 50.0 % against the true rewards' "
                "60.0 %: now the model is below the ceiling.",
                question="How would you decide how many comparisons to pay annotators for?",
                shows=("0.442", "50.0 %", "60.0 %"),
            ),
        ),
    ),
    Lesson(
        slug="barron-alpha",
        title="Barron's α: one loss, many robust losses",
        summary="Barron (2019): ρ(r, α, c) is least squares at α = 2, Charbonnier at 1, "
        "Cauchy at 0, Geman–McClure at −2 and Welsch at −∞.",
        steps=(
            Step(
                title="α = 2, 1, 0",
                text="The outlier data (10 % of points shifted by 10) fitted by Barron's loss "
                "at three values of α. α = 2 is least squares, α = 1 pseudo-Huber "
                "(Charbonnier), α = 0 Cauchy (Lorentzian).",
                link="/outliers?l1=general_robust&l1.alpha=2.0&l2=general_robust&l2.alpha=1.0"
                "&l3=general_robust&l3.alpha=0.0&influence=l1",
                look="α = 2 gives exactly MSE's fit (slope 1.183, intercept 1.665, 49 % of the "
                "vote to the outliers); α = 1 gives 1.434 and 25 %; α = 0 gives 1.469 and 7 %.",
                question="Every step down in α makes the loss grow more slowly for large r. "
                "What happens to the pull of a far point?",
                shows=("1.183 (−0.317)", "1.434 (−0.066)", "1.469 (−0.031)", "25 %", "7 %"),
            ),
            Step(
                title="α ≤ 0: far points stop voting",
                text="Cauchy (α = 0), Geman–McClure (α = −2) and Welsch (α = −∞, the toggle). "
                "For α < 1 the loss is not convex: its gradient rises near |r| ≈ c and "
                "falls back towards 0 for far points (redescending).",
                link="/outliers?l1=general_robust&l1.alpha=0.0&l2=general_robust&l2.alpha=-2.0"
                "&l3=general_robust&l3.alpha_inf=1&influence=l3",
                look="The outliers' vote: 7 % (Cauchy), 1 % (Geman–McClure), 0 % (Welsch); "
                "the influence plot of Welsch peaks at 0.606 and falls to 0 beyond a few c.",
                question="A non-convex loss can have several minima. Where does the page start "
                "Newton's method, and why there?",
                shows=("7 %", "1 %", "0.606"),
            ),
            Step(
                title="30 % outliers",
                text="The same three losses with 30 % outliers.",
                link="/outliers?outliers=30&l1=general_robust&l1.alpha=0.0&l2=general_robust"
                "&l2.alpha=-2.0&l3=general_robust&l3.alpha_inf=1&influence=l3",
                look="Cauchy's intercept error grows to +0.125 (23 % vote); Geman–McClure keeps "
                "+0.015 and Welsch +0.002 (0 %). Compare Huber's +0.471 in the first lesson.",
                question="If redescending losses are this robust, why is least squares still "
                "the default everywhere?",
                shows=("0.625 (+0.125)", "0.515 (+0.015)", "0.502 (+0.002)"),
            ),
        ),
    ),
    Lesson(
        slug="dpo-vs-ipo",
        title="DPO vs IPO",
        summary="Azar et al. (2023): with noise-free preferences DPO drives the preferred "
        "response's probability to 1 whatever β is; IPO stays at a distance that β sets.",
        steps=(
            Step(
                title="Noise-free labels, β = 0.1",
                text="The 10 items are responses to one prompt; a tabular policy is fitted to "
                "500 noise-free comparisons (the higher reward always wins) by DPO and by IPO, "
                "starting from a reference policy π_ref.",
                link="/preferences?view=policy&clean=1&beta=0.10",
                look="The best item has π_ref = 0.0758. DPO pushes it to 1.0000; IPO to "
                "0.5142; the KL-regularised target π* is 0.9806.",
                question="No pair ever contradicts the order. What log-ratio gap does DPO's "
                "loss −log σ(β h) want for each pair?",
                shows=("0.0758", "1.0000", "0.5142", "0.9806"),
            ),
            Step(
                title="β = 1: DPO does not move",
                text="Ten times stronger regularisation, on paper: β is the weight of the KL "
                "penalty towards π_ref.",
                link="/preferences?view=policy&clean=1&beta=1.00",
                look="DPO's π(best) is still 1.0000. IPO's is 0.1172 (target gap 1/(2β) = "
                "0.50 nats) and π* is 0.2324.",
                question="Why does β change nothing for DPO here, and what does IPO's squared "
                "loss (h − 1/(2β))² do differently?",
                shows=("1.0000", "0.1172", "0.2324"),
            ),
            Step(
                title="The whole β sweep",
                text="Both fits over β from 0.05 to 2.",
                link="/preferences?view=beta&clean=1",
                look="DPO's π(best) is 1.0000 at β = 0.05 and 1.0000 at β = 2.00; IPO's falls "
                "from 0.6338 to 0.0954.",
                question="Which of the two would you trust on a small, very consistent "
                "preference data set?",
                shows=("0.6338", "0.0954"),
            ),
            Step(
                title="Noisy labels: DPO is finite again",
                text="Bradley–Terry labels at T = 1 with 10 % flips, β = 0.5: now some pairs "
                "contradict each other.",
                link="/preferences?view=policy&clean=0&beta=0.50",
                look="DPO reaches a finite minimum, π_DPO(best) = 0.2482; IPO 0.1087; π* 0.4368.",
                question="Noise saved DPO here. What plays the same role in practice: the data, "
                "early stopping, or the ridge λ?",
                shows=("0.2482", "0.1087", "0.4368"),
            ),
        ),
    ),
)

BY_SLUG: dict[str, Lesson] = {lesson.slug: lesson for lesson in LESSONS}


def link(lesson: Lesson, step: int) -> str:
    """The Lessons page's own link to ``step`` (1-based) of ``lesson``."""
    return f"/lessons?lesson={lesson.slug}&step={step}"
