"""Kullback–Leibler divergence between discrete distributions, and its gradient w.r.t. q."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _checks


def _kl_args(p: ArrayLike, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = _checks.simplex("p", p)
    q = _checks.simplex("q", q)
    return _checks.with_class_axis(("p", p), ("q", q))


@_checks.float64_result
def kl_divergence(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""KL(p‖q) = Σ_k p_k log(p_k / q_k) over the last axis, in nats.

    Terms with p_k = 0 are 0 (the limit 0·log 0 = 0, as ``scipy.special.xlogy``);
    a term with q_k = 0 < p_k is +inf, by definition: q cannot explain an event
    that p says happens. KL is not symmetric: KL(p‖q) ≠ KL(q‖p) in general.

    Args:
      p: probability vectors ``(..., K)``, each >= 0 and summing to 1 (the "true"
        distribution; PyTorch's ``target``).
      q: probability vectors ``(..., K)`` (the model; PyTorch takes ``log q`` as ``input``).

    Returns:
      float64 array of shape ``broadcast(p, q).shape[:-1]``, >= 0, possibly +inf.

    Reference: S. Kullback, R. A. Leibler, "On Information and Sufficiency",
    Annals of Mathematical Statistics, 1951.

    Example:
      >>> round(float(kl_divergence([0.5, 0.5], [0.9, 0.1])), 6)
      0.510826
    """
    p, q = _kl_args(p, q)
    pos = p > 0
    with np.errstate(divide="ignore"):  # log q = −inf where q = 0: the term is +inf
        terms = np.where(pos, p * (np.log(np.where(pos, p, 1.0)) - np.log(q)), 0.0)
    # Round-off can make a sum of non-negative-in-total terms a hair below 0.
    return np.maximum(np.sum(terms, axis=-1), 0.0)


@_checks.float64_result
def kl_divergence_grad(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r""":math:`\partial\,\mathrm{KL}/\partial q_k = -p_k / q_k`.

    It is 0 where p_k = 0 and −inf where q_k = 0 < p_k.

    This is the partial derivative in the ambient space; along the simplex
    (directions summing to 0) it gives the directional derivative.

    Example:
      >>> kl_divergence_grad([0.5, 0.5], [0.25, 0.75]).tolist()
      [-2.0, -0.6666666666666666]
    """
    p, q = _kl_args(p, q)
    pos = p > 0
    with np.errstate(divide="ignore"):
        return np.where(pos, -p / np.where(pos, q, 1.0), 0.0)
