"""Damped Newton with a line search, to a tight first-order condition."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _newton(
    fgh: Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]],
    f_only: Callable[[np.ndarray], float],
    theta0: np.ndarray,
    *,
    gtol: float,
    max_iter: int = 200,
) -> tuple[np.ndarray, float, np.ndarray, int, bool]:
    r"""Damped Newton's method with Armijo backtracking.

    ``fgh(θ) -> (f, ∇f, H)``. The direction solves :math:`(H + λI) d = -∇f` with
    λ = 0 when H is positive definite, else just enough to make it so (a
    Levenberg shift: a non-convex objective such as focal loss or reverse KL
    can have indefinite Hessians away from the minimum, and the shift keeps d a
    descent direction). Stops when :math:`\|∇f\|_\infty \le` ``gtol`` or when
    no step decreases f (round-off floor).

    Returns ``(θ, f, ∇f, iterations, converged)``.
    """
    theta = np.array(theta0, dtype=np.float64)
    f, g, h = fgh(theta)
    it = 0
    for it in range(1, max_iter + 1):
        if np.max(np.abs(g)) <= gtol:
            return theta, f, g, it - 1, True
        h = 0.5 * (h + h.T)  # symmetrise (finite-difference Hessians are not exactly)
        lam_min = float(np.linalg.eigvalsh(h)[0])
        scale = max(float(np.max(np.abs(np.diag(h)))), 1e-300)
        shift = 0.0 if lam_min > 1e-10 * scale else (1e-10 * scale - lam_min)
        d = -np.linalg.solve(h + shift * np.eye(theta.size), g)
        slope = float(g @ d)
        if not slope < 0:
            break
        t = 1.0
        # When the predicted decrease −slope is below f's round-off, Armijo cannot tell
        # a good step from a bad one: take the full Newton step if f did not grow beyond
        # round-off (it still shrinks the gradient), else stop. Halving t forty times
        # there was ~90 % of the time of a converged Bradley–Terry fit.
        noise = 1e-13 * max(1.0, abs(f))
        floor = -slope <= noise
        while t > 1e-12:
            f_new = f_only(theta + t * d)
            if f_new <= f + 1e-4 * t * slope:
                break
            if floor:
                t = 1.0 if f_new <= f + noise else 0.0
                break
            t *= 0.5
        if not t > 1e-12:
            break  # no decrease possible: at the round-off floor
        theta = theta + t * d
        f, g, h = fgh(theta)
    return theta, f, g, it, bool(np.max(np.abs(g)) <= gtol)


def _newton_batch(
    fgh: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    f_only: Callable[[np.ndarray], np.ndarray],
    theta0: np.ndarray,
    *,
    gtol: float,
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_newton` from many starts at once: the same iteration for each start (the
    same Levenberg shift, Armijo backtracking and round-off floor), evaluated together.

    ``theta0`` is ``(n, p)``; ``fgh(θ (m, p)) -> (f (m,), ∇f (m, p), H (m, p, p))`` and
    ``f_only(θ (m, p)) -> f (m,)`` evaluate any subset of the starts in one call, so a fit
    on a small grid pays NumPy's per-call overhead once per step, not once per start.

    Returns ``(θ, f, ∇f, iterations, converged)``, one row (entry) per start.
    """
    theta = np.array(theta0, dtype=np.float64)
    n, dim = theta.shape
    f, g, h = (np.array(v, dtype=np.float64) for v in fgh(theta))
    iters = np.full(n, max_iter)
    active = np.ones(n, dtype=bool)
    eye = np.eye(dim)
    for it in range(1, max_iter + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        done = np.max(np.abs(g[idx]), axis=1) <= gtol
        iters[idx[done]] = it - 1
        active[idx[done]] = False
        idx = idx[~done]
        if idx.size == 0:
            break
        hi = h[idx]
        hi = 0.5 * (hi + np.swapaxes(hi, 1, 2))  # symmetrise (as _newton)
        lam_min = np.linalg.eigvalsh(hi)[:, 0]
        scale = np.maximum(np.max(np.abs(np.diagonal(hi, axis1=1, axis2=2)), axis=1), 1e-300)
        shift = np.where(lam_min > 1e-10 * scale, 0.0, 1e-10 * scale - lam_min)
        gi, fi = g[idx], f[idx]
        d = -np.linalg.solve(hi + shift[:, None, None] * eye, gi[..., None])[..., 0]
        slope = np.einsum("ij,ij->i", gi, d)
        descent = slope < 0
        # A start with no descent direction stops (as _newton's break).
        iters[idx[~descent]] = it
        active[idx[~descent]] = False
        idx, d, slope, fi = idx[descent], d[descent], slope[descent], fi[descent]
        if idx.size == 0:
            break
        t = np.ones(idx.size)
        noise = 1e-13 * np.maximum(1.0, np.abs(fi))
        floor = -slope <= noise
        searching = np.ones(idx.size, dtype=bool)
        while True:
            s = np.flatnonzero(searching & (t > 1e-12))
            if s.size == 0:
                break
            f_new = np.asarray(f_only(theta[idx[s]] + t[s, None] * d[s]), dtype=np.float64)
            ok = f_new <= fi[s] + 1e-4 * t[s] * slope[s]
            flo = ~ok & floor[s]
            t[s[flo]] = np.where(f_new[flo] <= fi[s[flo]] + noise[s[flo]], 1.0, 0.0)
            searching[s[ok | flo]] = False
            t[s[~ok & ~flo]] *= 0.5
        stuck = ~(t > 1e-12)  # no decrease possible: at the round-off floor
        iters[idx[stuck]] = it
        active[idx[stuck]] = False
        move = ~stuck
        idx, t, d = idx[move], t[move], d[move]
        if idx.size == 0:
            continue
        theta[idx] = theta[idx] + t[:, None] * d
        f[idx], g[idx], h[idx] = fgh(theta[idx])
    converged = np.max(np.abs(g), axis=1) <= gtol
    return theta, f, g, iters, converged
