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
