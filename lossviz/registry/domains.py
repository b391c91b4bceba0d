"""The Compare page's shared inputs: one declaration per domain, data only.

A domain is an x axis that several losses can be read along (a residual, a logit,
a distance, a score gap, …), its shared sliders, and its surface axes. Which
losses join it, and how each is called along x and over the surface, each spec
says in its ``joins`` (:class:`~._types.Join`); :mod:`lossviz.compare` puts the two
together. ``term`` and ``surface`` here are the calls an entry uses when its join
gives none. A family module may declare its own domains as ``DOMAINS``; they are
listed after the seed's.
"""

from __future__ import annotations

from . import classification, divergence, metric, overlap, preference, regression
from ._terms import Call, X, Y
from ._types import DomainAxis, DomainDecl, Param
from .classification import P_EDGE, logit


def _shared(name: str, symbol: str, latex: str, default: float, lo: float, hi: float,
            step: float, help: str) -> Param:  # fmt: skip
    return Param(name, symbol, latex, default, lo, hi, step, help)


_NO_ALPHA = {"gamma": 2.0, "alpha": None}

_SEED: tuple[DomainDecl, ...] = (
    DomainDecl(
        key="regression",
        title="Regression residual",
        description=(
            "Each loss at target y = 0 and prediction ŷ = r, so x is the residual "
            "r = ŷ − y; the gradient is ∂ℓ/∂ŷ."
        ),
        axes=(DomainAxis("r", "residual r = ŷ − y", (-4.0, 4.0), 1.0, 2.0, 0.05, symbol="r"),),
        grad_label="∂ℓ/∂ŷ",
        shared=(),
        surface_labels=("residual r₁ (output 1)", "residual r₂ (output 2)"),
        surface_ranges=((-4.0, 4.0), (-4.0, 4.0)),
        surface_note="Surfaces: a prediction with two outputs, loss ℓ(r₁) + ℓ(r₂).",
        defaults=(
            ("mse", {}),
            ("mae", {}),
            ("huber", {"delta": 1.0}),
            ("huber", {"delta": 2.0}),
        ),
        term=Call((0.0, X)),
        surface=Call((0.0, X)) + Call((0.0, Y)),
    ),
    DomainDecl(
        key="binary",
        title="Binary logit or probability",
        description=(
            "Each loss at label y = 1 along the logit z, so p_t = p = σ(z). On the p_t axis "
            "the losses are evaluated at z = log(p_t / (1 − p_t)); the gradient is ∂ℓ/∂z "
            "(what back-propagation hands the model) on both axes."
        ),
        axes=(
            DomainAxis(
                "logit",
                "logit z (label y = 1, p_t = σ(z))",
                (-8.0, 8.0),
                0.0,
                2.0,
                0.05,
                symbol="z",
            ),
            DomainAxis(
                "p_t",
                "p_t = σ(z), the probability of the true class (y = 1)",
                (P_EDGE, 1.0 - P_EDGE),
                0.5,
                0.9,
                0.001,
                to_native=logit,
                markers=((0.9, "p_t = 0.9"), (0.968, "p_t = 0.968")),
                symbol="p_t",
            ),
        ),
        grad_label="∂ℓ/∂z",
        shared=(),
        surface_labels=("logit z", "label y (soft labels in between)"),
        surface_ranges=((-8.0, 8.0), (0.0, 1.0)),
        surface_note="Surfaces: over the logit z and the label y (soft labels in between).",
        defaults=(
            ("binary_cross_entropy", {}),
            ("focal", {"gamma": 0.0, "alpha": None}),
            ("focal", _NO_ALPHA),
            ("focal", {"gamma": 5.0, "alpha": None}),
        ),
        term=Call((1.0, X)),
        surface=Call((Y, X)),
    ),
    DomainDecl(
        key="multiclass",
        title="3-class logits",
        description=(
            "Three classes, true class 0, logits (z₀, z₁, z₂) with z₁ and z₂ set beside the "
            "chart; x is the true-class logit z₀. Softmax cross-entropy, the Weston–Watkins "
            "multiclass hinge Σₖ max(0, m − z₀ + zₖ) over the wrong classes k, or a sigmoid "
            "loss applied one-vs-all and summed over the three classes (as RetinaNet applies "
            "focal loss): "
            "ℓ(1, z₀) + ℓ(0, z₁) + ℓ(0, z₂). The gradient is ∂ℓ/∂z₀."
        ),
        axes=(DomainAxis("z0", "true-class logit z₀", (-6.0, 6.0), 0.0, 1.0, 0.05, symbol="z₀"),),
        grad_label="∂ℓ/∂z₀",
        shared=(
            _shared("z1", "z₁", "z_1", 1.0, -5.0, 5.0, 0.1, "Logit z₁ of the first wrong class."),
            _shared("z2", "z₂", "z_2", 0.0, -5.0, 5.0, 0.1, "Logit z₂ of the second wrong class."),
        ),
        surface_labels=("true-class logit z₀", "logit z₁ (z₂ from the sidebar)"),
        surface_ranges=((-5.0, 5.0), (-5.0, 5.0)),
        surface_note="Surfaces: over (z₀, z₁), with z₂ from the sidebar; true class 0.",
        lead=("categorical_cross_entropy",),
        defaults=(
            ("categorical_cross_entropy", {}),
            ("binary_cross_entropy", {}),
            ("focal", _NO_ALPHA),
            ("focal", {"gamma": 5.0, "alpha": None}),
        ),
    ),
    DomainDecl(
        key="divergence",
        title="Two Gaussians: the model's mean μ_Q",
        description=(
            "P = N(μ_P, σ_P²) is the target and Q = N(μ_Q, σ_Q²) the model, both discretised "
            "on a fine grid over [−20, 20]; x is the model's mean μ_Q, σ_P, μ_P and σ_Q are set "
            "beside the chart. KL(P‖Q) is kl_divergence(p, q), KL(Q‖P) is kl_divergence(q, p) "
            "and JS(P, Q) is js_divergence(p, q); values in nats. The gradient is the "
            "derivative along μ_Q, through each loss's gradient with respect to its "
            "distributions."
        ),
        axes=(DomainAxis("mu_q", "model mean μ_Q", (-5.0, 5.0), 1.0, 2.5, 0.05, symbol="μ_Q"),),
        grad_label="d/dμ_Q",
        shared=(
            _shared("mu_p", "μ_P", r"\mu_P", 0.0, -4.0, 4.0, 0.1, "Mean μ_P of the target P."),
            _shared(
                "sigma_p", "σ_P", r"\sigma_P", 1.5, 0.2, 3.0, 0.05, "Standard deviation σ_P of P."
            ),
            _shared(
                "sigma_q", "σ_Q", r"\sigma_Q", 0.7, 0.2, 3.0, 0.05, "Standard deviation σ_Q of Q."
            ),
        ),
        surface_labels=("model mean μ_Q", "model standard deviation σ_Q"),
        surface_ranges=((-4.0, 4.0), (0.2, 3.0)),
        surface_note=(
            "Surfaces: over the model's (μ_Q, σ_Q). KL in closed form for continuous "
            "Gaussians (within 1e-3 of the discretised values the curves show); JS on a "
            "coarse partition, 33 bins per point (within 0.005 nats)."
        ),
        defaults=(
            ("kl_forward", {}),
            ("kl_reverse", {}),
            ("kl_forward", {}),
            ("kl_reverse", {}),
        ),
        default_n=2,
    ),
    DomainDecl(
        key="distance",
        title="Distance",
        description=(
            "x is the distance d of the pair being moved. Contrastive loss per pair: a "
            "similar pair (y = 1) costs d², a dissimilar pair (y = 0) max(0, m − d)². "
            "Triplet loss max(0, d₊ − d₋ + m) moving the negative (d₋ = x, d₊ fixed in the "
            "sidebar) or moving the positive (d₊ = x, d₋ fixed). The gradient is dℓ/dd."
        ),
        axes=(
            DomainAxis(
                "d", "distance d of the pair being moved", (0.0, 3.0), 0.5, 0.8, 0.05, symbol="d"
            ),
        ),
        grad_label="dℓ/dd",
        shared=(
            _shared(
                "d_pos",
                "d₊",
                "d_{+}",
                0.5,
                0.0,
                3.0,
                0.05,
                "Anchor–positive distance d₊, held fixed while a triplet entry moves the "
                "negative (d₋ = x).",
            ),
            _shared(
                "d_neg",
                "d₋",
                "d_{-}",
                2.0,
                0.0,
                3.0,
                0.05,
                "Anchor–negative distance d₋, held fixed while a triplet entry moves the "
                "positive (d₊ = x).",
            ),
        ),
        surface_labels=("d₊ (anchor–positive)", "d₋ (anchor–negative)"),
        surface_ranges=((0.0, 3.0), (0.0, 3.0)),
        surface_note=(
            "Surfaces: one triplet's two pairs over (d₊, d₋). Contrastive entries sum their "
            "similar-pair term d₊² and dissimilar-pair term max(0, m − d₋)²; triplet "
            "entries show max(0, d₊ − d₋ + m)."
        ),
        defaults=(
            ("contrastive_dissimilar", {"margin": 1.0}),
            ("triplet_neg", {"margin": 1.0}),
            ("contrastive_similar", {"margin": 1.0}),
            ("triplet_pos", {"margin": 1.0}),
        ),
        default_n=2,
    ),
    DomainDecl(
        key="preference",
        title="Preference margin Δr",
        description=(
            "x is the margin between the chosen and the rejected response. For a reward "
            "model it is the score gap Δr = r_c − r_r: Bradley–Terry is "
            "bradley_terry(Δr, 0, m) = −log σ(Δr − m), binary cross-entropy BCE(1, Δr) (label "
            "1 on the logit Δr), the SLiC hinge preference_hinge(Δr, 0, m). For DPO and IPO "
            "it is the log-ratio margin h = (π_c − ρ_c) − (π_r − ρ_r), called as "
            "dpo(−30 + h, −30, −30, −30); their implicit reward gap is β·h. The gradient is "
            "dℓ/dx."
        ),
        axes=(
            DomainAxis("dr", "score gap Δr = r_c − r_r", (-6.0, 6.0), 0.0, 1.0, 0.05, symbol="Δr"),
        ),
        grad_label="dℓ/dΔr",
        shared=(),
        surface_labels=("r_c (chosen score)", "r_r (rejected score)"),
        surface_ranges=((-5.0, 5.0), (-5.0, 5.0)),
        surface_note="Surfaces: over the two scores (r_c, r_r); only their difference matters.",
        lead=("bradley_terry",),
        defaults=(
            ("bradley_terry", {"margin": 0.0}),
            ("binary_cross_entropy", {}),
            ("bradley_terry", {"margin": 1.0}),
            ("bradley_terry", {"margin": -1.0}),
        ),
    ),
)

#: The seed's domains, then those the family modules declare (``<module>.DOMAINS``).
DOMAINS: tuple[DomainDecl, ...] = _SEED + tuple(
    d
    for module in (regression, classification, divergence, metric, preference, overlap)
    for d in getattr(module, "DOMAINS", ())  # (the order of registry.FAMILY_MODULES)
)
