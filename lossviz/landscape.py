r"""Loss landscapes: the mean loss over a grid of model parameters, computed exactly.

For the line :math:`\hat y = w x + b` fitted to data :math:`(x_i, y_i)_{i=1}^n`,
:func:`regression_landscape` returns :math:`L[j, k] = \frac1n\sum_i
\ell(y_i - w_k x_i - b_j)` on a grid of ``G_w × G_b`` points without ever forming
the ``G_w·G_b·n`` residuals that the brute-force baseline
(:func:`regression_landscape_bruteforce`) needs:

* **MSE** from sufficient statistics in :math:`O(G_w G_b + n)`.
* **MAE, Huber, smooth-L1, quantile and ε-insensitive** (piecewise linear or
  quadratic in the residual) from the sorted residuals of each row and their
  prefix sums: :math:`O(G_w\,n\log n + G_w G_b\log n)`.
* **Pseudo-Huber, log-cosh and Barron's loss** (smooth, no pieces to exploit): the
  loss function itself, broadcast over the grid in bounded chunks,
  :math:`O(G_w G_b n)` — the same evaluation as the reference.

All agree with brute force to ~1e-12 relative (the tests ask for 1e-9).

:func:`kl_landscape` (a Gaussian Q(μ, σ) against a density P on a grid, either KL
direction) splits its sums into P-independent tables (log Z, E_Q[a] and, for means on
the grid's lattice, the Gaussian kernel itself) and P's moments (forward) or a
correlation of log p with the kernel (reverse): :math:`O(G_σ(G_μ + K))` exps instead
of the :math:`O(G_σ G_μ K)` of :func:`kl_landscape_bruteforce`, to ~1e-13 relative.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import losses, registry

__all__ = [
    "KL_DIRECTIONS",
    "PIECEWISE_LOSSES",
    "REGRESSION_LOSSES",
    "kl_landscape",
    "kl_landscape_bruteforce",
    "regression_landscape",
    "regression_landscape_bruteforce",
]

#: Loss keys the regression landscape and fits have exact paths for; their
#: hyperparameters (names, defaults, checks) are the registry's.
REGRESSION_LOSSES: tuple[str, ...] = (
    "mse",
    "mae",
    "huber",
    "smooth_l1",
    "pseudo_huber",
    "log_cosh",
    "quantile",
    "epsilon_insensitive",
    "general_robust",
)
#: Piecewise-polynomial losses: exact from sorted residuals and prefix sums.
PIECEWISE_LOSSES: tuple[str, ...] = ("mae", "huber", "smooth_l1", "quantile", "epsilon_insensitive")

#: The MAE/Huber landscape batches w-rows when n is at most this (else one row at a time).
_BATCH_MAX_N = 4096
#: Elements per batch of w-rows, (rows · (n + G_b)).
_BATCH_ELEMENTS = 1 << 19

#: Brute force evaluates at most this many residuals at once (≈ 64 MB of float64).
_BRUTE_CHUNK = 8_000_000
#: The smooth losses' landscape evaluates this many at once: chunks that stay in cache
#: run Barron's loss ~6× faster than 8M-element ones (measured, G = 200, n = 100).
_SMOOTH_CHUNK = 1 << 17


# --------------------------------------------------------------------------- validation
def _vector(name: str, a: Any, *, min_len: int = 1) -> np.ndarray:
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D array of real numbers, got {a!r}") from None
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {v.shape}")
    if v.shape[0] < min_len:
        raise ValueError(f"{name} must have at least {min_len} element(s), got {v.shape[0]}")
    bad = ~np.isfinite(v)
    if bad.any():
        raise ValueError(f"{name} must be finite, got {float(v[bad][0])!r}")
    return v


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xv, yv = _vector("x", x), _vector("y", y)
    if xv.shape != yv.shape:
        raise ValueError(f"x and y must have the same length, got shapes {xv.shape} and {yv.shape}")
    return xv, yv


def _regression_params(loss: str, params: dict[str, Any]) -> dict[str, float]:
    """The loss's checked hyperparameters, from its registry spec; only the exact-path losses."""
    return registry.loss_kwargs(loss, params, among=REGRESSION_LOSSES)


# --------------------------------------------------------------------------- regression
def regression_landscape_bruteforce(
    x: Any, y: Any, w: Any, b: Any, loss: str, **params: Any
) -> np.ndarray:
    r"""Reference: :math:`L[j, k] = \mathrm{mean}_i\,\ell(y_i, w_k x_i + b_j)` by broadcasting.

    The plain NumPy baseline: forms all ``G_w·G_b·n`` predictions (in chunks of
    whole w-columns to bound memory) and calls the loss from
    :mod:`lossviz.losses`. :math:`O(G_w G_b n)` time. Same signature and result
    as :func:`regression_landscape`.
    """
    xv, yv = _xy(x, y)
    wv, bv = _vector("w", w), _vector("b", b)
    kw = _regression_params(loss, params)
    return _broadcast_landscape(xv, yv, wv, bv, loss, kw, _BRUTE_CHUNK)


def _broadcast_landscape(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, loss: str, kw: dict, chunk: int
) -> np.ndarray:
    """Mean of the loss function over all ``G_w·G_b·n`` predictions, ``chunk`` at a time."""
    fn = getattr(losses, loss)
    out = np.empty((b.size, w.size))
    # Blocks of whole w-columns when they fit in the chunk, else of b-rows of one column.
    cols = max(1, chunk // (b.size * x.size))
    rows = b.size if cols > 1 else max(1, chunk // x.size)
    for k0 in range(0, w.size, cols):
        wk = w[k0 : k0 + cols]
        for j0 in range(0, b.size, rows):
            bj = b[j0 : j0 + rows]
            # pred[k, j, i] = w_k x_i + b_j
            pred = wk[:, None, None] * x[None, None, :] + bj[None, :, None]
            out[j0 : j0 + rows, k0 : k0 + cols] = fn(y, pred, **kw).mean(axis=-1).T
    return out


def regression_landscape(x: Any, y: Any, w: Any, b: Any, loss: str, **params: Any) -> np.ndarray:
    r"""Exact mean loss of :math:`\hat y = w x + b` at every grid point ``(w_k, b_j)``.

    .. math::
        L[j, k] = \frac1n \sum_{i=1}^n \ell\big(y_i - w_k x_i - b_j\big)

    Args:
      x, y: data, 1-D finite arrays of the same length n >= 1.
      w: slopes, 1-D finite array of length G_w (the columns).
      b: intercepts, 1-D finite array of length G_b (the rows).
      loss: a key of :data:`REGRESSION_LOSSES`.
      **params: its hyperparameters (``delta``, ``beta``, ``tau``, ``epsilon``,
        ``alpha``, ``scale``), checked by :func:`lossviz.registry.loss_kwargs`.

    Returns:
      float64 array of shape ``(len(b), len(w))`` — rows are b, columns are w,
      the ``z[y][x]`` layout of a Plotly surface with x = w and y = b.

    Complexity: MSE :math:`O(G_w G_b + n)`; the piecewise losses
    (:data:`PIECEWISE_LOSSES`) :math:`O(G_w\,n\log n + G_w G_b \log n)` time and
    :math:`O(n + G_b)` extra memory per w; the smooth ones :math:`O(G_w G_b n)` in
    chunks. See the module docstring for the method.
    """
    xv, yv = _xy(x, y)
    wv, bv = _vector("w", w), _vector("b", b)
    kw = _regression_params(loss, params)
    if loss == "mse":
        return _mse_landscape(xv, yv, wv, bv)
    if loss == "mae":
        return _sorted_landscape(xv, yv, wv, bv, "quantile", 0.5) * 2.0  # |u| = 2ρ_½(u)
    if loss == "quantile":
        return _sorted_landscape(xv, yv, wv, bv, "quantile", kw["tau"])
    if loss == "epsilon_insensitive":
        return _sorted_landscape(xv, yv, wv, bv, "tube", kw["epsilon"])
    if loss == "huber":
        return _sorted_landscape(xv, yv, wv, bv, "huber", kw["delta"])
    if loss == "smooth_l1":
        beta = kw["beta"]
        if beta == 0.0:  # smooth-L1 with β = 0 is MAE
            return _sorted_landscape(xv, yv, wv, bv, "quantile", 0.5) * 2.0
        # smooth_l1(r; β) = huber(r; δ = β)/β (both docstrings): one formula, scaled.
        return _sorted_landscape(xv, yv, wv, bv, "huber", beta) / beta
    return _broadcast_landscape(xv, yv, wv, bv, loss, kw, _SMOOTH_CHUNK)


def _mse_landscape(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""MSE over the grid from O(1) sufficient statistics of the data.

    With centred data :math:`x_c = x - \bar x`, :math:`y_c = y - \bar y`, the OLS
    slope :math:`w^* = \langle x_c, y_c\rangle / \langle x_c, x_c\rangle` and its
    residuals :math:`e = y_c - w^* x_c`, the residual at ``(w, b)`` is
    :math:`e_i - \Delta w\,x_{c,i} + c` with :math:`\Delta w = w - w^*` and
    :math:`c = \bar y - w\bar x - b`, hence

    .. math::
        L = \overline{e^2} + \Delta w^2\,\overline{x_c^2} + c^2
            - 2\Delta w\,\overline{e x_c} + 2c\,\bar e - 2c\,\Delta w\,\bar x_c .

    The last three means vanish in exact arithmetic and are kept only to absorb
    round-off. Writing L this way — instead of the textbook
    :math:`\overline{y^2} - 2w\overline{xy} - \dots` — sums non-negative terms, so
    there is no catastrophic cancellation near the minimum, where
    :math:`\overline{e^2}` is small next to :math:`\overline{y^2}`.
    """
    mx, my = x.mean(), y.mean()
    xc, yc = x - mx, y - my
    sxx = float(np.dot(xc, xc))
    # All x equal: the slope is not identified; any w* works, take 0.
    w_star = float(np.dot(xc, yc)) / sxx if sxx > 0 else 0.0
    e = yc - w_star * xc
    m_ee = float(np.dot(e, e)) / x.size
    m_xx = sxx / x.size
    m_ex = float(np.dot(e, xc)) / x.size
    m_e, m_xc = float(e.mean()), float(xc.mean())

    dw = (w - w_star)[None, :]  # (1, G_w)
    c = my - w[None, :] * mx - b[:, None]  # (G_b, G_w)
    return m_ee + dw * dw * m_xx + c * c - 2.0 * dw * m_ex + 2.0 * c * m_e - 2.0 * c * dw * m_xc


def _sorted_landscape(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, kind: str, param: float
) -> np.ndarray:
    r"""Quantile (``kind="quantile"``, param τ; MAE = 2 × τ = ½), Huber (``"huber"``,
    param δ) or ε-insensitive (``"tube"``, param ε) landscape from sorted residuals and
    prefix sums.

    For a fixed w let :math:`s_1 \le \dots \le s_n` be the sorted residuals
    :math:`y_i - w x_i` and :math:`P_k = \sum_{i<k} s_i`, :math:`Q_k = \sum_{i<k}
    s_i^2` their prefix sums. The residual at b is :math:`s_i - b`, so each loss
    is piecewise polynomial in b with pieces delimited by where b (and b ± δ)
    falls among the :math:`s_i` — found for all b at once by a sorted search:

    * Quantile, with :math:`k = \#\{s_i < b\}` (those points lie below the line,
      y − ŷ < 0, and cost 1 − τ per unit; the others τ):
      :math:`\sum_i \rho_\tau(s_i - b) = (1-\tau)(k b - P_k) + \tau[(P_n - P_k) - (n - k) b]`.
    * ε-insensitive, with :math:`l = \#\{s_i < b - ε\}` and :math:`h = \#\{s_i \le b + ε\}`:
      :math:`[l(b - ε) - P_l] + [(P_n - P_h) - (n - h)(b + ε)]`; the tube costs 0.
    * Huber, with :math:`l = \#\{s_i < b - δ\}` and :math:`h = \#\{s_i \le b + δ\}`:
      the l lowest are linear, :math:`δ(l b - P_l - l δ/2)`; the quadratic middle
      is :math:`\tfrac12[(Q_h - Q_l) - 2b(P_h - P_l) + (h - l) b^2]`; the n − h
      highest are linear, :math:`δ((P_n - P_h) - (n - h) b - (n - h) δ/2)`.

    Cost: one O(n log n) sort and O(n) cumsums per w, then O(G_b log n) for all
    b: :math:`O(G_w\,n\log n + G_w G_b\log n)` in total. Large n is processed
    one w at a time (``np.searchsorted``); small n in blocks of w-rows at once
    (a stable merge-sort rank, :func:`_rank_in_sorted_rows`), which removes the
    per-w Python overhead that would otherwise dominate at the page's default size.
    """
    n = x.size
    order_b = np.argsort(b, kind="stable")  # the row searches want b ascending
    b_sorted = b[order_b]
    block = 1 if n > _BATCH_MAX_N else max(1, _BATCH_ELEMENTS // (n + b.size))
    out_sorted = np.empty((b.size, w.size))
    for k0 in range(0, w.size, block):
        wk = w[k0 : k0 + block]
        r = y[None, :] - wk[:, None] * x[None, :]  # (m, n)
        # Shift residuals and b by the same constant per row (the mean residual):
        # the loss only depends on s − b, and prefix sums of small centred values
        # lose far less to round-off than sums carrying a large common offset.
        shift = r.mean(axis=1, keepdims=True)
        s = np.sort(r - shift, axis=1)
        bs = b_sorted[None, :] - shift  # (m, G_b), still ascending along each row
        # P[:, k] = Σ_{i<k} s_i with P[:, 0] = 0, so P at a cut is the sum below it.
        p = np.zeros((wk.size, n + 1))
        np.cumsum(s, axis=1, out=p[:, 1:])
        pn = p[:, n : n + 1]
        if kind == "quantile":
            tau = param
            cut = _rank_in_sorted_rows(s, bs, side="left")  # #{s_i < b}
            p_cut = np.take_along_axis(p, cut, axis=1)
            below = cut * bs - p_cut  # Σ_{s_i < b} (b − s_i) >= 0
            above = (pn - p_cut) - (n - cut) * bs  # Σ_{s_i >= b} (s_i − b) >= 0
            total = (1.0 - tau) * below + tau * above
        elif kind == "tube":
            eps = param
            lo = _rank_in_sorted_rows(s, bs - eps, side="left")  # s_i − b < −ε
            hi = _rank_in_sorted_rows(s, bs + eps, side="right")  # s_i − b <= ε
            p_lo, p_hi = np.take_along_axis(p, lo, axis=1), np.take_along_axis(p, hi, axis=1)
            below = lo * (bs - eps) - p_lo  # Σ_{s_i < b−ε} (b − ε − s_i) >= 0
            above = (pn - p_hi) - (n - hi) * (bs + eps)  # Σ_{s_i > b+ε} (s_i − b − ε)
            # Round-off of a difference of prefix sums can leave a hair below 0.
            total = np.maximum(below, 0.0) + np.maximum(above, 0.0)
        else:
            delta = param
            q = np.zeros((wk.size, n + 1))
            np.cumsum(s * s, axis=1, out=q[:, 1:])
            lo = _rank_in_sorted_rows(s, bs - delta, side="left")  # s_i − b < −δ: linear
            hi = _rank_in_sorted_rows(s, bs + delta, side="right")  # s_i − b <= δ: quadratic
            p_lo, p_hi = np.take_along_axis(p, lo, axis=1), np.take_along_axis(p, hi, axis=1)
            q_lo, q_hi = np.take_along_axis(q, lo, axis=1), np.take_along_axis(q, hi, axis=1)
            lin_lo = delta * (lo * bs - p_lo - 0.5 * delta * lo)
            quad = 0.5 * ((q_hi - q_lo) - 2.0 * bs * (p_hi - p_lo) + (hi - lo) * bs * bs)
            # Round-off can leave the expanded Σ(s_i − b)² a hair below 0 when the
            # quadratic window holds few points; its true value is >= 0.
            quad = np.maximum(quad, 0.0)
            lin_hi = delta * ((pn - p_hi) - (n - hi) * bs - 0.5 * delta * (n - hi))
            total = lin_lo + quad + lin_hi
        out_sorted[:, k0 : k0 + block] = total.T / n
    out = np.empty_like(out_sorted)
    out[order_b] = out_sorted  # undo the sort of b
    return out


def _rank_in_sorted_rows(s: np.ndarray, v: np.ndarray, side: str) -> np.ndarray:
    """Row-wise ``np.searchsorted(s[k], v[k], side)`` for rows ``s`` and ``v`` both ascending.

    One row: ``np.searchsorted``, O(G_b log n). Several rows: a stable sort of each
    row of ``[v | s]`` (``side="left"``: v before equal s, so equal s are not
    counted) or ``[s | v]`` (``"right"``: equal s counted); the j-th value of v
    lands at merged position ``pos_j`` and has ``pos_j − j`` elements of s before
    it. O((n + G_b) log(n + G_b)) per row, with no Python loop over rows.
    """
    m, n = s.shape
    g = v.shape[1]
    if m == 1:
        return np.searchsorted(s[0], v[0], side=side)[None, :]
    merged = np.concatenate((v, s) if side == "left" else (s, v), axis=1)
    order = np.argsort(merged, axis=1, kind="stable")
    # Inverse permutation: pos[k, e] = where element e of row k ended up.
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.broadcast_to(np.arange(n + g), order.shape), axis=1)
    pos_v = pos[:, :g] if side == "left" else pos[:, n:]
    return pos_v - np.arange(g)[None, :]


# --------------------------------------------------------------------------- KL
KL_DIRECTIONS = ("forward", "reverse")


def _kl_inputs(grid: Any, p: Any, direction: str) -> tuple[np.ndarray, np.ndarray]:
    x = _vector("grid", grid, min_len=2)
    if not np.all(np.diff(x) > 0):
        raise ValueError("grid must be strictly increasing")
    pv = _vector("p", p)
    if pv.shape != x.shape:
        raise ValueError(f"p must have the shape of grid {x.shape}, got {pv.shape}")
    if np.any(pv < 0) or abs(pv.sum() - 1.0) > 1e-6:
        raise ValueError(f"p must be >= 0 and sum to 1, got a sum of {float(pv.sum())!r}")
    if direction not in KL_DIRECTIONS:
        raise ValueError(f"direction must be 'forward' or 'reverse'; got {direction!r}")
    return x, pv


def _log_gaussian_on_grid(x: np.ndarray, mu: np.ndarray, log_sigma: np.ndarray) -> np.ndarray:
    r"""log q for the Gaussian normalised over the grid points, broadcast over (μ, log σ).

    :math:`\log q_k = a_k - \operatorname{logsumexp}_j a_j`,
    :math:`a_k = -\tfrac12 ((x_k - μ)/σ)^2`. The log-sum-exp subtracts the max, so
    q stays meaningful even when σ is so small that every exp(a_k) underflows.
    ``mu`` and ``log_sigma`` broadcast together; the grid is the new last axis.
    """
    sigma = np.exp(log_sigma)[..., None]
    a = -0.5 * ((x - mu[..., None]) / sigma) ** 2
    amax = a.max(axis=-1, keepdims=True)
    return a - amax - np.log(np.sum(np.exp(a - amax), axis=-1, keepdims=True))


def _kl_from_logs(p: np.ndarray, logp: np.ndarray, logq: np.ndarray, direction: str) -> np.ndarray:
    """KL(P‖Q) or KL(Q‖P) from log-probabilities on the last axis, with 0·log 0 = 0."""
    if direction == "forward":
        # Σ p (log p − log q) over p > 0; log q is finite (log-space Gaussian).
        terms = np.where(p > 0, p * (np.where(p > 0, logp, 0.0) - logq), 0.0)
    else:
        q = np.exp(logq)
        # Σ q (log q − log p): +inf where q > 0 = p, by definition; 0 where q underflows.
        with np.errstate(invalid="ignore"):
            terms = np.where(q > 0, q * (logq - logp), 0.0)
    return np.maximum(terms.sum(axis=-1), 0.0)  # round-off can dip a hair below 0


def kl_landscape(
    grid: Any, p: Any, mu: Any, log_sigma: Any, direction: str = "forward"
) -> np.ndarray:
    r"""KL between P and a Gaussian Q(μ, σ) discretised on ``grid``, over a (μ, log σ) grid.

    ``direction="forward"``: :math:`\mathrm{KL}(P\|Q) = \sum_k p_k\log(p_k/q_k)`
    (mass-covering); ``"reverse"``: :math:`\mathrm{KL}(Q\|P) = \sum_k q_k\log(q_k/p_k)`
    (mode-seeking; +inf if Q puts mass where p = 0). Q is normalised over the
    grid points: :math:`\log q_k = a_k - \log Z`, :math:`a_k = -\tfrac12((x_k-μ)/σ)^2`,
    :math:`Z = \sum_k e^{a_k}`.

    The sums that cost :math:`O(G_σ G_μ K)` exps in the brute-force reference
    (:func:`kl_landscape_bruteforce`) are split into P-independent tables and cheap
    P-dependent parts:

    * forward: :math:`\sum_{p>0} p\log p + \sum_k p_k (x_k-μ)^2/(2σ^2) + m_0\log Z`,
      the middle term from P's centred moments (no cancellation), :math:`O(G_σ G_μ)`
      once log Z is known;
    * reverse: :math:`\mathbb E_Q[a] - \log Z - \mathbb E_Q[\log p]`. When every μ is
      a point of a uniform grid (μ = x_i), :math:`e^{a_k}` is a kernel
      :math:`g_σ(k - i)` of the offset alone: :math:`Z`, :math:`\sum g a` and
      :math:`\sum_k g_σ(k-i)\log p_k` are window sums and a correlation of log p
      with :math:`g_σ` (:math:`G_σ(G_μ + K)` exps, then multiply-adds). Other axes
      take the brute-force path.

    log Z on the lattice needs no max-subtraction (:math:`g_σ(0) = 1` is the largest
    term); off it, it is a log-sum-exp, meaningful even when every :math:`e^{a_k}`
    underflows. Agrees with the brute force to round-off (~1e-13 relative).

    Args:
      grid: 1-D strictly increasing support; p: probabilities on it (sum 1).
      mu: 1-D means (columns); log_sigma: 1-D log standard deviations (rows).
      direction: ``"forward"`` or ``"reverse"``.

    Returns:
      float64 ``(len(log_sigma), len(mu))``, in nats.
    """
    x, pv = _kl_inputs(grid, p, direction)
    mv, sv = _vector("mu", mu), _vector("log_sigma", log_sigma)
    lattice = _lattice(x, mv)
    if direction == "forward":
        log_z = _kernel_tables(lattice, sv)[2] if lattice else _log_z(x, mv, sv)
        return _forward_kl(x, pv, mv, sv, log_z)
    if lattice is None:
        return kl_landscape_bruteforce(x, pv, mv, sv, direction)
    return _reverse_kl_lattice(pv, lattice, sv)


def kl_landscape_bruteforce(
    grid: Any, p: Any, mu: Any, log_sigma: Any, direction: str = "forward"
) -> np.ndarray:
    """:func:`kl_landscape` by definition: log q of every (σ, μ) on every grid point, in
    row blocks to bound memory; O(G_σ G_μ K) exps. The reference of the tests."""
    x, pv = _kl_inputs(grid, p, direction)
    mv, sv = _vector("mu", mu), _vector("log_sigma", log_sigma)
    with np.errstate(divide="ignore"):
        logp = np.log(pv)
    out = np.empty((sv.size, mv.size))
    rows = max(1, _BRUTE_CHUNK // (mv.size * x.size))
    for j0 in range(0, sv.size, rows):
        s = sv[j0 : j0 + rows, None]
        logq = _log_gaussian_on_grid(x, mv[None, :], s)
        out[j0 : j0 + rows] = _kl_from_logs(pv, logp, logq, direction)
    return out


@dataclass(frozen=True)
class _Lattice:
    """Means that are grid points of a uniform grid: μ_j = x[index[j]]."""

    index: np.ndarray  # int, into the grid
    dx: float
    size: int  # K, the grid's length

    @property
    def windows(self) -> np.ndarray:
        """Per mean, where its window starts in the offsets (see :func:`_kernel_tables`)."""
        return int(self.index.max()) - self.index


def _lattice(x: np.ndarray, mv: np.ndarray) -> _Lattice | None:
    """The lattice view of the means if the grid is uniform and every μ is one of its
    points (both to a few ulps), else None."""
    k = x.size
    dx = (x[-1] - x[0]) / (k - 1)
    tol = 64 * np.finfo(np.float64).eps * max(abs(x[0]), abs(x[-1]), dx)
    if np.max(np.abs(np.diff(x) - dx)) > tol:
        return None
    index = np.rint((mv - x[0]) / dx)
    if index.min() < 0 or index.max() > k - 1:
        return None
    index = index.astype(np.intp)
    if np.max(np.abs(x[index] - mv)) > tol:
        return None
    # The windows span every index between the extreme means: many more than the
    # means (a sparse axis) would cost more than the brute force saves.
    if index.max() - index.min() + 1 > 4 * (mv.size + k):
        return None
    return _Lattice(index, float(dx), k)


#: P-independent tables of the lattice path, keyed by (dx, K, the means' indices, log σ),
#: least recently used first; bounded in bytes (an entry of the KL page is ~450 KB).
_TABLES: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
_TABLES_MAX_BYTES = 4 << 20
_TABLES_LOCK = threading.Lock()


def _kernel_tables(lat: _Lattice, sv: np.ndarray) -> tuple[np.ndarray, ...]:
    r"""``(g, Z, log Z, E_Q[a])`` for lattice means, independent of P (cached).

    ``g[j, t] = e^{a}`` with :math:`a = -\tfrac12(d\,dx/σ_j)^2` over the offsets
    d = k − i from ``−max(i)`` to ``K − 1 − min(i)``, so the window of a mean x[i]
    (its K grid points) starts at column ``max(i) − i``. Z and Σ g a are the window
    sums (one correlation per σ, plain multiply-adds); g(0) = 1 is the largest term,
    so Z ≥ 1 and log Z needs no max-subtraction.
    """
    key = (lat.dx, lat.size, lat.index.tobytes(), sv.tobytes())
    with _TABLES_LOCK:
        hit = _TABLES.get(key)
        if hit is not None:
            _TABLES.move_to_end(key)
            return hit
    lo, hi = int(lat.index.min()), int(lat.index.max())
    d = np.arange(-hi, lat.size - lo) * lat.dx
    a = -0.5 * (d[None, :] / np.exp(sv)[:, None]) ** 2
    g = np.exp(a)
    ones = np.ones(lat.size)
    cols = lat.windows
    z = np.stack([np.correlate(row, ones, "valid")[cols] for row in g])
    ga = np.stack([np.correlate(row, ones, "valid")[cols] for row in g * a])
    tables = (g, z, np.log(z), ga / z)
    for t in tables:
        t.setflags(write=False)
    with _TABLES_LOCK:
        _TABLES[key] = tables
        total = sum(sum(t.nbytes for t in v) for v in _TABLES.values())
        while _TABLES and total > _TABLES_MAX_BYTES:
            _, old = _TABLES.popitem(last=False)
            total -= sum(t.nbytes for t in old)
    return tables


def _log_z(x: np.ndarray, mv: np.ndarray, sv: np.ndarray) -> np.ndarray:
    """log Z = log Σ_k exp(a_k) over (σ, μ) for any means, as a log-sum-exp in row
    blocks (P-independent; O(G_σ G_μ K) exps)."""
    out = np.empty((sv.size, mv.size))
    rows = max(1, _BRUTE_CHUNK // (mv.size * x.size))
    for j0 in range(0, sv.size, rows):
        sigma = np.exp(sv[j0 : j0 + rows])[:, None, None]
        a = -0.5 * ((x - mv[None, :, None]) / sigma) ** 2
        amax = a.max(axis=-1)
        out[j0 : j0 + rows] = amax + np.log(np.sum(np.exp(a - amax[..., None]), axis=-1))
    return out


def _forward_kl(
    x: np.ndarray, pv: np.ndarray, mv: np.ndarray, sv: np.ndarray, log_z: np.ndarray
) -> np.ndarray:
    r"""KL(P‖Q) = Σ_{p>0} p log p + Σ p (x−μ)²/(2σ²) + m₀ log Z (see kl_landscape).

    Σ p (x−μ)² from moments about P's mean c: v + 2(c−μ)r + m₀(μ−c)², where
    r = Σ p (x−c) is ~0, so nothing large cancels."""
    pos = pv > 0
    neg_entropy = float(np.sum(pv[pos] * np.log(pv[pos])))
    m0 = float(pv.sum())
    c = float(pv @ x) / m0
    r = float(pv @ (x - c))
    v = float(pv @ (x - c) ** 2)
    dm = c - mv
    spread = v + 2.0 * dm * r + m0 * dm**2  # Σ p (x − μ)², per μ
    out = neg_entropy + spread[None, :] * (0.5 * np.exp(-2.0 * sv))[:, None] + m0 * log_z
    return np.maximum(out, 0.0)  # round-off can dip a hair below 0


def _reverse_kl_lattice(pv: np.ndarray, lat: _Lattice, sv: np.ndarray) -> np.ndarray:
    r"""KL(Q‖P) = E_Q[a] − log Z − Σ_k g(k − i) log p_k / Z for lattice means.

    Terms with p = 0 are left out of the correlation (0 where q = 0, by 0·log 0 = 0);
    where Q has mass (g > 0) on such a point the KL is +inf, by definition."""
    g, z, log_z, mean_a = _kernel_tables(lat, sv)
    pos = pv > 0
    logp = np.log(np.where(pos, pv, 1.0))  # 0 where p = 0
    cols = lat.windows
    # Σ_k g(k − i) log p_k for every mean: one correlation per σ (multiply-adds only).
    glogp = np.stack([np.correlate(row, logp, "valid")[cols] for row in g])
    out = np.maximum(mean_a - log_z - glogp / z, 0.0)  # round-off dips below 0
    if not pos.all():
        zeros = (~pos).astype(np.float64)
        mass_at_zeros = np.stack([np.correlate(row, zeros, "valid")[cols] for row in g])
        out[mass_at_zeros > 0] = np.inf
    return out
