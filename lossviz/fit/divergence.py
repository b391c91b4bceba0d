"""A Gaussian fitted to a density by forward or reverse KL."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._newton import _newton_batch


def fit_gaussian_kl(
    grid: Any,
    p: Any,
    direction: str = "forward",
    *,
    start: tuple[float, float] | None = None,
) -> tuple[float, float, float]:
    r"""Fit one Gaussian Q(μ, σ), discretised on ``grid``, to P by minimising a KL.

    ``"forward"`` minimises KL(P‖Q): Q covers all of P's mass. For a Gaussian
    family this is moment matching, as long as the grid holds Q's tails: Q is
    normalised over the grid points, so a Q cut off at the grid's ends is fitted
    wider than P (σ = 3.13 instead of 3.10 for a P of std 3.10 on ±10).
    ``"reverse"`` minimises KL(Q‖P): Q locks onto one mode. Reverse KL is not
    convex in (μ, log σ), so Newton is started from 9 means spread over P's
    quantiles (and σ = P's std / 2) and the best result is kept (the leftmost of a
    tie). ``start=(μ, σ)``
    runs Newton from that point alone: the local optimum it descends to (a grid
    landscape's minimum polished to the exact one, say).

    Optimisation over θ = (μ, s = log σ) with Q normalised over the grid; with
    :math:`a_k = -\tfrac12((x_k-μ)/σ)^2`, :math:`∂a/∂θ = ((x-μ)/σ^2, (x-μ)^2/σ^2)`,
    :math:`\tilde a = ∂a - \mathbb E_Q[∂a]` and :math:`C = \mathbb E_Q[\tilde a\tilde a^T]`:

    * forward gradient :math:`g = \mathbb E_Q[∂a] - \mathbb E_P[∂a]`, Hessian
      :math:`C + D + \operatorname{diag}((m_0 - 1)/σ^2, 0)`, :math:`m_0 = \sum p`;
    * reverse, with :math:`h = \log q - \log p` and :math:`w = q h`: gradient
      :math:`g = \sum_k w_k \tilde a_k`, Hessian
      :math:`\sum_k w_k \tilde a_k\tilde a_k^T + (1 - \mathrm{KL})\,C + D`;

    where :math:`D = \begin{pmatrix}0 & -2g_μ\\ -2g_μ & -2g_s\end{pmatrix}` comes from
    :math:`∂^2_{μs}a = -2∂_μ a` and :math:`∂^2_{ss}a = -2∂_s a`. All in closed form in
    log space (one pass over the grid) rather than chained through
    ``kl_divergence_grad`` (−p/q), which is 0·inf where q underflows. O(K) per
    evaluation.

    Returns:
      ``(mu, sigma, kl)`` with kl in nats.
    """
    if start is not None:
        theta0 = _starts_theta([start], "start must be a finite (mu, sigma > 0)", start)
    else:
        theta0 = None
    thetas, fs = _newton_kl(grid, p, direction, theta0)
    best: tuple[float, np.ndarray] | None = None
    for theta, f in zip(thetas, fs, strict=True):
        # A tie to round-off (two equal modes) goes to the first start, the leftmost
        # mean, so that the same P always gives the same fit.
        if math.isfinite(f) and (best is None or f < best[0] - 1e-12 * max(1.0, abs(best[0]))):
            best = (float(f), theta)
    if best is None:
        raise ValueError("every start gives an infinite KL: p is 0 where Q has mass")
    f, theta = best
    return float(theta[0]), float(math.exp(theta[1])), f


def gaussian_kl_local_optima(
    grid: Any, p: Any, direction: str, starts: Any
) -> list[tuple[float, float, float]]:
    """The local optimum of the KL that Newton reaches from each ``(μ, σ)`` of ``starts``
    (all run together; the iteration and objective of :func:`fit_gaussian_kl`), as
    ``(mu, sigma, kl)`` per start. A start where the KL is +inf (Q has mass where
    p = 0) is returned unmoved, with kl = inf.
    """
    theta0 = _starts_theta(starts, "starts must hold finite (mu, sigma > 0) pairs", starts)
    thetas, fs = _newton_kl(grid, p, direction, theta0)
    return [(float(t[0]), float(math.exp(t[1])), float(f)) for t, f in zip(thetas, fs, strict=True)]


def _starts_theta(starts: Any, message: str, shown: Any) -> np.ndarray:
    try:
        a = np.array(starts, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{message}, got {shown!r}") from None
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] != 2:
        raise ValueError(f"{message}, got {shown!r}")
    if not (np.all(np.isfinite(a)) and np.all(a[:, 1] > 0)):
        raise ValueError(f"{message}, got {shown!r}")
    return np.column_stack([a[:, 0], np.log(a[:, 1])])


def _newton_kl(
    grid: Any, p: Any, direction: str, theta0: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Newton on KL over θ = (μ, log σ) from each row of ``theta0`` (None: the default
    starts, see fit_gaussian_kl), all together: ``(θ, kl)`` per start; a start whose
    KL is infinite is returned as it is."""
    from ..landscape import _kl_inputs, _log_gaussian_on_grid

    x, pv = _kl_inputs(grid, p, direction)
    with np.errstate(divide="ignore"):
        logp = np.log(pv)
    m0 = float(pv.sum())
    mean = float(pv @ x)
    std = math.sqrt(max(float(pv @ (x - mean) ** 2), float(np.min(np.diff(x))) ** 2))
    forward = direction == "forward"

    pos = pv > 0
    logp_pos = np.where(pos, logp, 0.0)  # log p where p > 0, else 0 (its terms are 0)
    zeros = None if pos.all() else ~pos

    # Every function below takes a stack of θ, (m, 2): Newton runs all starts together.
    def evaluate(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """log q, q and the KL per θ (0·log 0 = 0; +inf where p = 0 < q)."""
        logq = _log_gaussian_on_grid(x, theta[:, 0], theta[:, 1])
        q = np.exp(logq)
        if forward:
            kl = np.sum(pv * (logp_pos - logq), axis=1)
        else:
            kl = np.sum(q * (logq - logp_pos), axis=1)
            if zeros is not None:
                kl[np.any(q[:, zeros] > 0, axis=1)] = np.inf
        return logq, q, kl

    def f_only(theta: np.ndarray) -> np.ndarray:
        # |log σ| > 50 (σ below e^-50 or above e^50 of the grid's units) is never a
        # sensible fit; calling it +inf keeps exp(log σ) from overflowing.
        ok = np.all(np.isfinite(theta), axis=1) & (np.abs(theta[:, 1]) <= 50.0)
        out = np.full(theta.shape[0], np.inf)
        if ok.any():
            out[ok] = np.maximum(evaluate(theta[ok])[2], 0.0)  # round-off dips below 0
        return out

    def fgh(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        logq, q, kl = evaluate(theta)
        inv_var = np.exp(-2.0 * theta[:, 1])[:, None]
        dev = x - theta[:, :1]
        da = np.stack([dev * inv_var, dev * dev * inv_var], axis=1)  # (m, 2, K): ∂a/∂μ, ∂a/∂s
        mean_da = np.einsum("mik,mk->mi", da, q)
        centred = da - mean_da[..., None]
        cov = (centred * q[:, None, :]) @ np.swapaxes(centred, 1, 2)
        if forward:
            g = mean_da - np.einsum("mik,k->mi", da, pv)
            h = cov
            h[:, 0, 0] += (m0 - 1.0) * inv_var[:, 0]
        else:
            w = q * (logq - logp_pos)
            g = np.einsum("mik,mk->mi", centred, w)
            h = (centred * w[:, None, :]) @ np.swapaxes(centred, 1, 2)
            h += (1.0 - kl)[:, None, None] * cov
        h[:, 0, 1] -= 2.0 * g[:, 0]
        h[:, 1, 0] -= 2.0 * g[:, 0]
        h[:, 1, 1] -= 2.0 * g[:, 1]
        return np.maximum(kl, 0.0), g, h

    if theta0 is None:
        if forward:
            theta0 = np.array([[mean, math.log(std)]])
        else:
            cdf = np.cumsum(pv)
            qs = np.linspace(0.05, 0.95, 9)
            mus = x[np.minimum(np.searchsorted(cdf, qs), x.size - 1)]
            theta0 = np.array([[m, math.log(std / 2)] for m in np.unique(mus)])
    thetas, fs = theta0.copy(), f_only(theta0)
    finite = np.isfinite(fs)
    if finite.any():
        run = _newton_batch(fgh, f_only, theta0[finite], gtol=1e-10, max_iter=100)
        thetas[finite], fs[finite] = run[0], run[1]
    return thetas, fs
