"""The Bradley–Terry preference loss used to train RLHF reward models.

Its margin broadcasts with the inputs."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks
from ._stable import sigmoid, softplus


def _bt_args(score_chosen, score_rejected, margin):
    margin = _checks.finite_param("margin", margin)
    rc = _checks.finite("score_chosen", score_chosen)
    rr = _checks.finite("score_rejected", score_rejected)
    return _checks.broadcast(("score_chosen", rc), ("score_rejected", rr), ("margin", margin))


def _neg_log_sigmoid(x: np.ndarray) -> np.ndarray:
    """−log σ(x), the formula of Bradley–Terry.

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
