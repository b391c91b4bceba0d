"""Reward models fitted to preference pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from .. import losses
from ._newton import _newton


@dataclass(frozen=True, eq=False)
class BTFit:
    """Reward per item fitted by regularised Bradley–Terry maximum likelihood."""

    rewards: np.ndarray
    objective: float
    iterations: int
    converged: bool


def fit_bradley_terry(
    chosen: Any, rejected: Any, n_items: int, *, margin: float = 0.0, l2: float = 1e-3
) -> BTFit:
    r"""Minimise :math:`F(r) = \frac1m\sum_p -\log σ(r_{c_p} - r_{r_p} - μ) + \frac{λ}{2}\|r\|^2`.

    Gradient from ``bradley_terry_grad`` scattered onto items with
    ``np.bincount``; Hessian :math:`\frac1m\sum_p s_p(1-s_p)(e_c - e_r)(e_c - e_r)^\top
    + λI` with :math:`s_p = σ(μ - Δ_p)`, assembled with ``np.add.at``. F is convex
    (strictly for λ > 0), so Newton converges quadratically. Without the ridge
    (λ = 0) rewards are only defined up to a common shift; the min-norm Newton
    step keeps their mean at 0, but an item that never loses has no finite MLE.

    Args:
      chosen, rejected: integer item indices ``(m,)`` in [0, n_items), never equal.
      n_items: number of items, >= 2.
      margin: μ, any finite number.
      l2: λ >= 0.

    Returns:
      A :class:`BTFit`. O(m + n_items³) per iteration.
    """
    n_items = _v.integer("n_items", n_items, 2, 10_000)
    c = _index_array("chosen", chosen, n_items)
    r = _index_array("rejected", rejected, n_items)
    if c.shape != r.shape:
        raise ValueError(
            f"chosen and rejected must have the same shape, got {c.shape} and {r.shape}"
        )
    if np.any(c == r):
        raise ValueError("chosen and rejected must differ in every pair")
    margin = _v.real("margin", margin)
    l2 = _v.real("l2", l2)
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    m = c.size

    def f_only(rew: np.ndarray) -> float:
        val = np.mean(losses.bradley_terry(rew[c], rew[r], margin=margin))
        return float(val) + 0.5 * l2 * float(rew @ rew)

    def fgh(rew: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        gc, gr = losses.bradley_terry_grad(rew[c], rew[r], margin=margin)
        grad = (
            np.bincount(c, weights=gc, minlength=n_items)
            + np.bincount(r, weights=gr, minlength=n_items)
        ) / m + l2 * rew
        s = gr  # σ(μ − Δ)
        w = s * (1.0 - s) / m
        hess = l2 * np.eye(n_items)
        np.add.at(hess, (c, c), w)
        np.add.at(hess, (r, r), w)
        np.add.at(hess, (c, r), -w)
        np.add.at(hess, (r, c), -w)
        return f_only(rew), grad, hess

    rew, f, _, its, ok = _newton(fgh, f_only, np.zeros(n_items), gtol=1e-12)
    return BTFit(rew, f, its, ok)


def _index_array(name: str, a: Any, n_items: int) -> np.ndarray:
    v = np.asarray(a)
    if v.ndim != 1 or v.size < 1 or not np.issubdtype(v.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty 1-D integer array, got {v.dtype} {v.shape}")
    if np.any((v < 0) | (v >= n_items)):
        raise ValueError(
            f"{name} must hold indices in [0, {n_items}), got {int(v[(v < 0) | (v >= n_items)][0])}"
        )
    return v.astype(np.int64)
