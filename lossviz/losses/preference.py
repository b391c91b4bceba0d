"""Preference losses: Bradley–Terry (RLHF reward models), DPO and IPO (direct
preference optimisation on log-probabilities), and the SLiC hinge.

Each is a function of the preference margin between a chosen and a rejected
response; hyperparameters broadcast with the inputs."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import hinge_terms, sigmoid, softplus


def _bt_args(score_chosen, score_rejected, margin):
    margin = _checks.finite_param("margin", margin)
    rc = _checks.finite("score_chosen", score_chosen)
    rr = _checks.finite("score_rejected", score_rejected)
    return _checks.broadcast(("score_chosen", rc), ("score_rejected", rr), ("margin", margin))


def _neg_log_sigmoid(x: np.ndarray) -> np.ndarray:
    """−log σ(x), the one formula of Bradley–Terry and DPO.

    −log σ(x) = softplus(−x), via logaddexp: finite for x up to ±1e4 and beyond.
    """
    return softplus(-x)


def _neg_log_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """d/dx −log σ(x) = −σ(−x)."""
    return -sigmoid(-x)


@_checks.float64_result
def bradley_terry(
    score_chosen: ArrayLike, score_rejected: ArrayLike, *, margin: ArrayLike = 0.0
) -> np.ndarray:
    r"""Bradley–Terry loss :math:`-\log\sigma(r_c - r_r - m)`, elementwise.

    The negative log-likelihood that the chosen response beats the rejected one
    when P(chosen ≻ rejected) = σ(r_c − r_r). It equals binary cross-entropy with
    label 1 on the logit r_c − r_r − m. The margin m (Llama 2) demands a larger
    score gap for pairs rated as clearly different; m may be any real number.

    Args:
      score_chosen: reward-model scores r_c of the preferred responses.
      score_rejected: scores r_r of the rejected responses.
      margin: m, any finite number; a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape, in nats.

    Reference: R. A. Bradley, M. E. Terry, "Rank Analysis of Incomplete Block
    Designs: I. The Method of Paired Comparisons", Biometrika, 1952; used for
    reward models by Christiano et al. (2017) and Ouyang et al. (2022).

    Example:
      >>> round(float(bradley_terry(1.0, 0.0)), 6)
      0.313262
    """
    rc, rr, m = _bt_args(score_chosen, score_rejected, margin)
    return _neg_log_sigmoid(rc - rr - m)


@_checks.float64_result
def bradley_terry_grad(
    score_chosen: ArrayLike, score_rejected: ArrayLike, *, margin: ArrayLike = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂r_c, ∂ℓ/∂r_r) = (−σ(m − Δ), σ(m − Δ))`` with Δ = r_c − r_r.

    Example:
      >>> [float(g) for g in bradley_terry_grad(0.0, 0.0)]
      [-0.5, 0.5]
    """
    rc, rr, m = _bt_args(score_chosen, score_rejected, margin)
    d = _neg_log_sigmoid_grad(rc - rr - m)
    return d, -d


# --- DPO and IPO: policy and reference log-probabilities -------------------------------


def _dpo_args(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta):
    beta = _checks.positive_param("beta", beta)
    pc = _checks.log_probability("policy_chosen", policy_chosen)
    pr = _checks.log_probability("policy_rejected", policy_rejected)
    qc = _checks.log_probability("ref_chosen", ref_chosen)
    qr = _checks.log_probability("ref_rejected", ref_rejected)
    pc, pr, qc, qr, beta = _checks.broadcast(
        ("policy_chosen", pc),
        ("policy_rejected", pr),
        ("ref_chosen", qc),
        ("ref_rejected", qr),
        ("beta", beta),
    )
    # h: how much more the policy than the reference prefers the chosen response.
    return (pc - qc) - (pr - qr), beta


_DPO_DOC_ARGS = """
    Args:
      policy_chosen: log π_θ(y_w | x), the policy's log-probability of the chosen
        response; finite and <= 0.
      policy_rejected: log π_θ(y_l | x), of the rejected response.
      ref_chosen: log π_ref(y_w | x), the frozen reference model's.
      ref_rejected: log π_ref(y_l | x).
      beta: β > 0, the strength of the implicit KL penalty; a scalar or an array
        broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.
"""


@_checks.float64_result
def dpo(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    ref_chosen: ArrayLike,
    ref_rejected: ArrayLike,
    *,
    beta: ArrayLike = 0.1,
) -> np.ndarray:
    r"""Direct Preference Optimization loss: Bradley–Terry on the implicit reward margin.

    .. math::
        \ell = -\log\sigma(\beta h), \quad
        h = (\log\pi_\theta(y_w) - \log\pi_{\mathrm{ref}}(y_w))
          - (\log\pi_\theta(y_l) - \log\pi_{\mathrm{ref}}(y_l))

    It is :func:`bradley_terry` on the rewards β·log(π_θ/π_ref); ln 2 when the
    policy is the reference (h = 0).
    {args}
    Reference: R. Rafailov, A. Sharma, E. Mitchell, S. Ermon, C. D. Manning,
    C. Finn, "Direct Preference Optimization: Your Language Model is Secretly a
    Reward Model", NeurIPS 2023, eq. 7.

    Example:
      >>> round(float(dpo(-1.0, -2.0, -1.0, -2.0)), 6)  # h = 0: ln 2
      0.693147
    """
    h, beta = _dpo_args(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta)
    return _neg_log_sigmoid(beta * h)


@_checks.float64_result
def dpo_grad(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    ref_chosen: ArrayLike,
    ref_rejected: ArrayLike,
    *,
    beta: ArrayLike = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂ log π_θ(y_w), ∂ℓ/∂ log π_θ(y_l)) = (−β σ(−βh), β σ(−βh))``.

    The reference log-probabilities are constants (the frozen model): no gradient.

    Example:
      >>> [round(float(g), 6) for g in dpo_grad(-1.0, -2.0, -1.0, -2.0)]
      [-0.05, 0.05]
    """
    h, beta = _dpo_args(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta)
    d = beta * _neg_log_sigmoid_grad(beta * h)
    return d, -d


@_checks.float64_result
def ipo(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    ref_chosen: ArrayLike,
    ref_rejected: ArrayLike,
    *,
    beta: ArrayLike = 0.1,
) -> np.ndarray:
    r"""Identity Preference Optimisation loss :math:`(h - 1/(2\beta))^2`.

    h as in :func:`dpo`. Instead of pushing h to +∞ on deterministic preferences
    (as DPO's log-sigmoid does), IPO regresses it onto the target 1/(2β), its
    minimum, which keeps the policy near the reference. For β below ≈ 4e-155 the
    square exceeds float64 and the value is +inf, without a warning.
    {args}
    Reference: M. G. Azar, M. Rowland, B. Piot, D. Guo, D. Calandriello, M. Valko,
    R. Munos, "A General Theoretical Paradigm to Understand Learning from Human
    Preferences", AISTATS 2024 (arXiv:2310.12036, 2023), eq. 17.

    Example:
      >>> float(ipo(-1.0, -2.0, -1.0, -2.0, beta=0.5))  # (0 − 1)²
      1.0
    """
    h, beta = _dpo_args(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta)
    d = h - 0.5 / beta
    with np.errstate(over="ignore"):  # only for β < ~4e-155: the value is +inf
        return d * d


@_checks.float64_result
def ipo_grad(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    ref_chosen: ArrayLike,
    ref_rejected: ArrayLike,
    *,
    beta: ArrayLike = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂ log π_θ(y_w), ∂ℓ/∂ log π_θ(y_l)) = (2(h − 1/(2β)), −2(h − 1/(2β)))``.

    Example:
      >>> [float(g) for g in ipo_grad(-1.0, -2.0, -1.0, -2.0, beta=0.5)]
      [-2.0, 2.0]
    """
    h, beta = _dpo_args(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta)
    d = 2.0 * (h - 0.5 / beta)
    return d, -d


for _f in (dpo, ipo):
    _f.__doc__ = _f.__doc__.replace("{args}", _DPO_DOC_ARGS)


# --- SLiC hinge ------------------------------------------------------------------------


def _ph_args(score_chosen, score_rejected, margin):
    margin = _checks.nonnegative_param("margin", margin)
    rc = _checks.finite("score_chosen", score_chosen)
    rr = _checks.finite("score_rejected", score_rejected)
    rc, rr, m = _checks.broadcast(("score_chosen", rc), ("score_rejected", rr), ("margin", margin))
    return hinge_terms(m - (rc - rr))


@_checks.float64_result
def preference_hinge(
    score_chosen: ArrayLike, score_rejected: ArrayLike, *, margin: ArrayLike = 1.0
) -> np.ndarray:
    r"""Pairwise hinge on a preference: :math:`\max(0, m - (r_c - r_r))`.

    Zero once the chosen response out-scores the rejected one by the margin: the
    calibration loss of SLiC (on sequence log-likelihoods), and the
    :func:`hinge` loss with label 1 on the score difference.

    Args:
      score_chosen: scores r_c of the preferred responses (finite; SLiC uses the
        log-likelihoods log π(y_w | x)).
      score_rejected: scores r_r of the rejected responses.
      margin: m >= 0, a scalar or an array broadcast with the inputs.

    Returns:
      float64 array of the broadcast shape.

    Reference: Y. Zhao, R. Joshi, T. Liu, M. Khalman, M. Saleh, P. J. Liu,
    "SLiC-HF: Sequence Likelihood Calibration with Human Feedback",
    arXiv:2305.10425, 2023, eq. 1.

    Example:
      >>> preference_hinge([2.0, 0.5], [0.0, 0.0]).tolist()
      [0.0, 0.5]
    """
    return _ph_args(score_chosen, score_rejected, margin)[0]


@_checks.float64_result
def preference_hinge_grad(
    score_chosen: ArrayLike, score_rejected: ArrayLike, *, margin: ArrayLike = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(∂ℓ/∂r_c, ∂ℓ/∂r_r) = (−1, 1)`` where r_c − r_r < m, else (0, 0).

    At the kink r_c − r_r = m the subgradient 0 is used.

    Example:
      >>> [g.tolist() for g in preference_hinge_grad([2.0, 0.5], [0.0, 0.0])]
      [[-0.0, -1.0], [0.0, 1.0]]
    """
    active = _ph_args(score_chosen, score_rejected, margin)[1]
    return -active, active
