"""Divergences between discrete distributions (KL, Jensen–Shannon) and their gradients w.r.t. q."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from . import _checks

_LN2 = math.log(2.0)


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
        return _kl_sum(p, np.log(np.where(pos, p, 1.0)), np.log(q))


def _kl_sum(p: np.ndarray, log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    """Σ_k p_k (log p_k − log q_k), 0 where p_k = 0: the one formula of KL.

    :func:`kl_divergence` calls it with the logs of its probabilities; a caller that
    holds exact log-probabilities calls :func:`kl_divergence_from_log` instead.
    """
    terms = np.where(p > 0, p * (log_p - log_q), 0.0)
    # Round-off can make a sum of non-negative-in-total terms a hair below 0.
    return np.maximum(np.sum(terms, axis=-1), 0.0)


def kl_divergence_from_log(log_p: ArrayLike, log_q: ArrayLike) -> np.ndarray:
    r"""KL(p‖q) from log-probabilities ``(..., K)`` over the last axis, in nats.

    The same sum as :func:`kl_divergence` (one implementation), for callers that
    hold exact log-probabilities: a narrow distribution far from its mean has
    probabilities that underflow to 0 in float64 (e^−2812) while their logs are
    finite, and the KL of the rounded probabilities would be +inf where the true
    one is finite. The Explore page's two Gaussians are such a case. Inputs are
    trusted (finite logs of normalised distributions): no validation.

    Example:
      >>> float(kl_divergence_from_log(np.log([0.5, 0.5]), np.log([0.9, 0.1]))) == float(
      ...     kl_divergence([0.5, 0.5], [0.9, 0.1]))
      True
    """
    log_p = np.asarray(log_p, dtype=np.float64)
    log_q = np.asarray(log_q, dtype=np.float64)
    return _kl_sum(np.exp(log_p), log_p, log_q)


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


def _js_terms(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise ½p log(p/m) + ½q log(q/m) with m = ½(p + q), and log(q/m)."""
    pos_p, pos_q = p > 0, q > 0
    # log(p/m) and log(q/m) only where p > 0 (q > 0), where m >= p/2 > 0: the
    # stand-in 1 elsewhere keeps log 0 and −inf − (−inf) out of the masked branch.
    with np.errstate(divide="ignore"):  # log 0 = −inf for a zero p or q: masked below
        log_p = np.log(np.where(pos_p, p, 0.0))
        log_q = np.log(np.where(pos_q, q, 0.0))
    # log m = log(½(p + q)) in log space: half a subnormal p rounds to 0, log m would be
    # −inf and the term +inf (js_divergence([5e-324, 1 − 5e-324], [0, 1]) was +inf).
    log_m = np.where(pos_p | pos_q, np.logaddexp(log_p, log_q) - _LN2, 0.0)
    log_p_m = np.where(pos_p, log_p, 0.0) - log_m
    log_q_m = np.where(pos_q, log_q, 0.0) - log_m
    # 0·log 0 = 0: a zero probability contributes nothing.
    terms = 0.5 * (np.where(pos_p, p * log_p_m, 0.0) + np.where(pos_q, q * log_q_m, 0.0))
    return terms, log_q_m


@_checks.float64_result
def js_divergence(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r"""Jensen–Shannon divergence over the last axis, in nats.

    .. math::
        \mathrm{JS}(p, q) = \tfrac12\mathrm{KL}(p\,\|\,m) + \tfrac12\mathrm{KL}(q\,\|\,m),
        \quad m = \tfrac12(p + q)

    Symmetric, always finite (m > 0 wherever p or q is), 0 iff p = q, and at
    most ln 2, reached by distributions with disjoint supports. Its square root
    is a metric: SciPy's ``jensenshannon`` returns √JS. Terms with p_k = 0 (or
    q_k = 0) contribute 0, the limit 0·log 0 = 0.

    Args:
      p: probability vectors ``(..., K)``, each >= 0 and summing to 1.
      q: probability vectors ``(..., K)``.

    Returns:
      float64 array of shape ``broadcast(p, q).shape[:-1]``, in [0, ln 2].

    Reference: J. Lin, "Divergence Measures Based on the Shannon Entropy",
    IEEE Trans. Information Theory, 1991.

    Example:
      >>> round(float(js_divergence([1.0, 0.0], [0.0, 1.0])), 6)  # ln 2, disjoint supports
      0.693147
    """
    p, q = _kl_args(p, q)
    terms, _ = _js_terms(p, q)
    # Each term is ½(p+q)(ln 2 − H(p/(p+q))) >= 0; round-off can dip a hair below 0.
    return np.maximum(np.sum(terms, axis=-1), 0.0)


@_checks.float64_result
def js_divergence_grad(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    r""":math:`\partial\,\mathrm{JS}/\partial q_k = \tfrac12\log\big(2q_k/(p_k + q_k)\big)`.

    It is −inf where q_k = 0 < p_k (the one-sided derivative) and ½ ln 2 where
    p_k = q_k = 0 (there JS is ½ q_k ln 2 along q_k, as 0·log 0 = 0). As for
    :func:`kl_divergence_grad`, this is the partial derivative in the ambient
    space.

    Example:
      >>> [round(g, 6) for g in js_divergence_grad([0.5, 0.5], [0.25, 0.75]).tolist()]
      [-0.202733, 0.091161]
    """
    p, q = _kl_args(p, q)
    _, log_q_m = _js_terms(p, q)
    return np.where(q > 0, 0.5 * log_q_m, np.where(p > 0, -math.inf, 0.5 * _LN2))
