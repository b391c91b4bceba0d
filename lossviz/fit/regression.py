"""Exact fits of a line under a regression loss, and descent paths on the same objective."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from .. import losses
from ..landscape import _regression_params, _vector, _xy
from ._descent import (
    ObjectiveAndGrad,
    _descend,
    _optimizer_settings,
)

#: Largest n for which the LAD fit enumerates all n(n−1)/2 pairwise slopes.
_LAD_ENUMERATE_MAX = 2000


@dataclass(frozen=True)
class RegressionFit:
    """The minimiser ``(w, b)`` of a mean regression loss.

    Attributes:
      w, b: slope and intercept of the fitted line.
      objective: the mean loss at ``(w, b)``.
      iterations: iterations of the solver (0 for a closed form).
      converged: True when the solver met its exactness criterion.
    """

    w: float
    b: float
    objective: float
    iterations: int
    converged: bool


@dataclass(frozen=True, eq=False)
class DescentPath:
    """The iterates of an optimiser on the regression objective.

    Attributes:
      w, b: float64 arrays ``(k,)`` of the iterates, ``k = steps + 1`` (the start
        included) unless the run diverged, then ``k = diverged_at``.
      loss: mean loss at each iterate, ``(k,)``.
      diverged: True if a step made the loss non-finite or more than
        ``BLOWUP_FACTOR`` times the initial loss.
      diverged_at: index of that first bad iterate (which is *not* kept), else None.
      optimizer, lr: the settings that produced the path.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged: bool
    diverged_at: int | None
    optimizer: str
    lr: float


def _regression_objective(
    x: np.ndarray, y: np.ndarray, loss: str, kw: dict[str, float]
) -> ObjectiveAndGrad:
    r"""``(w, b) -> (mean ℓ(y, wx + b), ∇)`` with :math:`\nabla = \mathrm{mean}(g_i x_i, g_i)`.

    :math:`g_i = \partial\ell/\partial\hat y_i` is the loss's own ``_grad``.
    """
    fn = getattr(losses, loss)
    grad_fn = getattr(losses, loss + "_grad")

    def objective_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(over="ignore", invalid="ignore"):
            pred = theta[0] * x + theta[1]
            if not np.all(np.isfinite(pred)):
                # Parameters so large that w·x overflows: report, don't call the loss.
                return math.inf, np.full(2, np.nan)
            val = float(np.mean(fn(y, pred, **kw)))
            g = grad_fn(y, pred, **kw)
            return val, np.array([np.mean(g * x), np.mean(g)])

    return objective_and_grad


def _mean_loss(x: np.ndarray, y: np.ndarray, w: float, b: float, loss: str, kw: dict) -> float:
    return float(np.mean(getattr(losses, loss)(y, w * x + b, **kw)))


def gradient_descent(
    x: Any,
    y: Any,
    loss: str,
    *,
    optimizer: str = "gd",
    lr: float = 0.1,
    steps: int = 100,
    start: tuple[float, float] = (0.0, 0.0),
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    **params: Any,
) -> DescentPath:
    r"""The path of an optimiser on :math:`f(w, b) = \frac1n\sum_i \ell(y_i, w x_i + b)`.

    The gradient :math:`\nabla f = \frac1n\sum_i g_i\,(x_i, 1)` uses the loss's
    own ``<loss>_grad`` (for MAE the subgradient sign, 0 at a zero residual).

    Args:
      x, y: data, 1-D finite arrays of the same length.
      loss: ``"mse"``, ``"mae"`` or ``"huber"``; ``**params`` holds ``delta`` for Huber.
      optimizer: ``"gd"``, ``"momentum"`` (heavy ball) or ``"adam"``.
      lr: learning rate η > 0.
      steps: number of updates, in [0, 100000].
      start: the initial ``(w, b)``.
      momentum: μ in [0, 1) for ``"momentum"``.
      betas, eps: Adam's (β1, β2) in [0, 1) and ε > 0.

    Returns:
      A :class:`DescentPath` with ``steps + 1`` iterates, or fewer and
      ``diverged=True`` when the loss went non-finite or grew more than
      ``BLOWUP_FACTOR``-fold. O(steps · n) time.
    """
    xv, yv = _xy(x, y)
    kw = _regression_params(loss, params)
    settings = _optimizer_settings(optimizer, lr, steps, momentum, betas, eps)
    if not (isinstance(start, tuple | list | np.ndarray) and len(start) == 2):
        raise ValueError(f"start must be a pair (w0, b0), got {start!r}")
    theta0 = np.array([_v.real("start[0]", start[0]), _v.real("start[1]", start[1])])
    trace = _descend(_regression_objective(xv, yv, loss, kw), theta0, **settings)
    return DescentPath(
        w=trace.thetas[:, 0].copy(),
        b=trace.thetas[:, 1].copy(),
        loss=trace.losses,
        diverged=trace.diverged,
        diverged_at=trace.diverged_at,
        optimizer=settings["optimizer"],
        lr=settings["lr"],
    )


def fit_regression(x: Any, y: Any, loss: str, **params: Any) -> RegressionFit:
    r"""Exact minimiser of :math:`f(w, b) = \frac1n\sum_i \ell(y_i - w x_i - b)`.

    * **MSE**: the least-squares closed form on centred data,
      :math:`w = \langle x_c, y_c\rangle/\langle x_c, x_c\rangle`,
      :math:`b = \bar y - w\bar x`. O(n).
    * **MAE** (least absolute deviations): exact. The profile
      :math:`g(w) = \min_b f(w, b)` (attained at b = the median residual) is
      convex and piecewise linear with kinks only at pairwise slopes
      :math:`(y_j - y_i)/(x_j - x_i)`, where two residuals swap order. For
      n <= 2000 all pairwise slopes are enumerated and the convex sequence of
      their g values is binary-searched: O(n² log n). Beyond, golden-section
      search on g to machine precision, then a polish over the slopes through
      pairs of points nearest the fitted line (an optimal LAD line passes
      through two data points): O(n log(1/ε)).
    * **Huber**: Newton's method with Armijo backtracking on the (convex, C¹,
      piecewise quadratic) objective, with the generalised Hessian
      :math:`\frac1n\sum_{|r_i|\le\delta} z_i z_i^\top`, :math:`z_i = (x_i, 1)`.
      It stops once a full Newton step keeps the set of quadratic-regime points
      unchanged — then the step solved the exact quadratic piece, so the
      gradient is zero up to round-off. Typically < 20 iterations of O(n).

    When all x are equal the slope is not identified; w = 0 is returned.

    Args:
      x, y: data, 1-D finite arrays of the same length n >= 1.
      loss: ``"mse"``, ``"mae"`` or ``"huber"``; ``**params`` holds ``delta`` for Huber.

    Returns:
      A frozen :class:`RegressionFit`.
    """
    xv, yv = _xy(x, y)
    kw = _regression_params(loss, params)
    if loss == "mse":
        mx, my = xv.mean(), yv.mean()
        xc = xv - mx
        sxx = float(np.dot(xc, xc))
        w = float(np.dot(xc, yv - my)) / sxx if sxx > 0 else 0.0
        b = float(my - w * mx)
        return RegressionFit(w, b, _mean_loss(xv, yv, w, b, loss, kw), 0, True)
    if loss == "mae":
        w, b, its = _lad(xv, yv)
        return RegressionFit(w, b, _mean_loss(xv, yv, w, b, loss, kw), its, True)
    w, b, its, ok = _huber_newton(xv, yv, kw["delta"])
    return RegressionFit(w, b, _mean_loss(xv, yv, w, b, loss, kw), its, ok)


def mse_curvature(x: Any) -> float:
    r"""L: the largest curvature of the mean MSE of a line over these x.

    :math:`f(w, b) = \frac1n\sum_i (y_i - w x_i - b)^2` is quadratic, with the same
    Hessian :math:`H = 2\,\mathrm{mean}(z z^\top)`, :math:`z = (x, 1)`, everywhere and
    whatever y is. With :math:`a = \overline{x^2}`
    and :math:`c = \bar x`, its eigenvalues are
    :math:`(a + 1) \pm \sqrt{(a - 1)^2 + 4c^2}`; L is the larger. Points far out in x
    (leverage) make a, and so L, large. Huber's Hessian
    :math:`\frac1n\sum_{|r_i|\le\delta} z_i z_i^\top` is at most H/2.

    Args:
      x: 1-D finite array, n >= 1.

    Returns:
      L > 0, in units of loss per (parameter unit)². O(n).

    Example: x = (−1, 1) gives H = 2I, so L = 2.
    """
    xv = _vector("x", x)
    a, c = float(np.mean(xv * xv)), float(np.mean(xv))
    return (a + 1.0) + math.hypot(a - 1.0, 2.0 * c)


def stable_learning_rate(x: Any, optimizer: str = "gd", *, momentum: float = 0.9) -> float:
    r"""The learning rate beyond which ``optimizer`` diverges on the mean MSE of a line over x.

    On a quadratic with largest curvature L (:func:`mse_curvature`) the error along
    the top eigenvector is multiplied each step by :math:`1 - \eta L` under gradient
    descent, so GD converges from every start iff :math:`\eta < 2/L`. Heavy-ball
    momentum (:func:`gradient_descent`'s ``"momentum"``) multiplies it by the roots of
    :math:`z^2 - (1 + \mu - \eta L) z + \mu`, inside the unit circle iff
    :math:`\eta L < 2(1 + \mu)`. For Huber, whose curvature is at most L/2, these
    bounds doubled still guarantee convergence; MAE and Adam have no such bound (their
    steps are bounded, they bounce rather than blow up), so only ``"gd"`` and
    ``"momentum"`` are accepted.

    Args:
      x: 1-D finite array, n >= 1.
      optimizer: ``"gd"`` or ``"momentum"``.
      momentum: μ in [0, 1).

    Returns:
      :math:`2/L` or :math:`2(1 + μ)/L` (the supremum: η equal to it does not converge).

    Example: x = (−1, 1): L = 2, so GD is stable for η < 1 and momentum 0.9 for η < 1.9.
    """
    if optimizer not in ("gd", "momentum"):
        raise ValueError(
            f"optimizer must be 'gd' or 'momentum' (Adam has no such bound); got {optimizer!r}"
        )
    mu = _v.unit_open("momentum", momentum)
    lipschitz = mse_curvature(x)
    return 2.0 / lipschitz if optimizer == "gd" else 2.0 * (1.0 + mu) / lipschitz


def _lad_profile(x: np.ndarray, y: np.ndarray, w: float) -> tuple[float, float]:
    """``(g(w), b)``: the best mean absolute error for slope w, at b = median residual.

    For even n any b between the two middle residuals is optimal; ``np.median``
    returns their midpoint. O(n) (median by partition).
    """
    r = y - w * x
    b = float(np.median(r))
    return float(np.mean(np.abs(r - b))), b


def _lad(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """Exact LAD line; returns ``(w, b, profile evaluations)``. See :func:`fit_regression`."""
    n = x.size
    if np.ptp(x) == 0:
        return 0.0, float(np.median(y)), 0
    if n <= _LAD_ENUMERATE_MAX:
        i, j = np.triu_indices(n, k=1)
        dx = x[j] - x[i]
        keep = dx != 0
        slopes = np.unique((y[j] - y[i])[keep] / dx[keep])
        return _lad_search_sorted(x, y, slopes)
    return _lad_golden(x, y)


def _lad_search_sorted(
    x: np.ndarray, y: np.ndarray, slopes: np.ndarray
) -> tuple[float, float, int]:
    """Binary search for the minimum of the convex sequence ``g(slopes[k])``.

    g is convex and linear between consecutive kinks, so its minimum over the
    reals is attained at a kink, and ``g(s_k)`` is a convex sequence: the first
    k with ``g(s_k) <= g(s_{k+1})`` is a minimiser. O(log K) evaluations of O(n).
    """
    # Collinear points produce the same kink many times, with slopes that differ
    # only by round-off; their g values then differ only by round-off noise, which
    # can fake the "g stopped decreasing" test. Merge such near-duplicates first.
    tol = 1e-12 * np.maximum(1.0, np.abs(slopes[1:]))
    slopes = slopes[np.concatenate(([True], np.diff(slopes) > tol))]
    cache: dict[int, tuple[float, float]] = {}

    def g(k: int) -> tuple[float, float]:
        if k not in cache:
            cache[k] = _lad_profile(x, y, float(slopes[k]))
        return cache[k]

    lo, hi = 0, slopes.size - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if g(mid)[0] <= g(mid + 1)[0]:
            hi = mid
        else:
            lo = mid + 1
    # Guard against any remaining round-off tie: scan a few neighbours as well.
    best = min(range(max(0, lo - 8), min(slopes.size, lo + 9)), key=lambda k: g(k)[0])
    return float(slopes[best]), g(best)[1], len(cache)


def _lad_golden(x: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """Large-n LAD: bracket, golden-section on the convex profile, then a vertex polish."""
    evals = 0

    def g(w: float) -> float:
        nonlocal evals
        evals += 1
        return _lad_profile(x, y, w)[0]

    # Bracket around the least-squares slope, doubling outwards until g rises on
    # both sides (g is convex and grows like |w|·mean|x − median x|, so this ends).
    xc = x - x.mean()
    w0 = float(np.dot(xc, y - y.mean()) / np.dot(xc, xc))
    h = max(1.0, abs(w0)) * 1e-3
    a, c = w0 - h, w0 + h
    ga, g0, gc = g(a), g(w0), g(c)
    while ga < g0:
        a, h = w0 - 2 * (w0 - a), h * 2
        ga = g(a)
    while gc < g0:
        c = w0 + 2 * (c - w0)
        gc = g(c)
    # Golden section: on a convex function ties keep a minimiser inside [a, c].
    invphi = (math.sqrt(5.0) - 1.0) / 2.0
    p, q = c - invphi * (c - a), a + invphi * (c - a)
    gp, gq = g(p), g(q)
    while c - a > 4 * np.finfo(float).eps * max(1.0, abs(a), abs(c)):
        if gp <= gq:
            c, q, gq = q, p, gp
            p = c - invphi * (c - a)
            gp = g(p)
        else:
            a, p, gp = p, q, gq
            q = a + invphi * (c - a)
            gq = g(q)
    w = 0.5 * (a + c)
    # Polish: an optimal LAD line passes through two data points, which sit
    # (almost) on the fitted line; try the slopes through pairs of the 24
    # points closest to it and keep the best.
    gw, b = _lad_profile(x, y, w)
    near = np.argsort(np.abs(y - w * x - b))[:24]
    i, j = np.triu_indices(near.size, k=1)
    i, j = near[i], near[j]
    dx = x[j] - x[i]
    keep = dx != 0
    for s in (y[j] - y[i])[keep] / dx[keep]:
        gs, bs = _lad_profile(x, y, float(s))
        evals += 1
        if gs < gw:
            w, gw, b = float(s), gs, bs
    return w, b, evals


def _huber_newton(x: np.ndarray, y: np.ndarray, delta: float) -> tuple[float, float, int, bool]:
    """Newton + Armijo on the mean Huber loss; returns ``(w, b, iterations, converged)``.

    Works in centred coordinates u = x − x̄ (ŷ = w·u + c, b = c − w·x̄), which makes
    the 2×2 Hessian far better conditioned when |x̄| is large.
    """
    n = x.size
    mx = float(x.mean())
    u = x - mx
    z = np.stack([u, np.ones(n)], axis=1)  # (n, 2)
    gram = z.T @ z / n  # the design Gram: an upper bound on every Huber Hessian

    def f_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        pred = z @ theta
        val = float(np.mean(losses.huber(y, pred, delta=delta)))
        g = losses.huber_grad(y, pred, delta=delta)  # clip(ŷ − y, −δ, δ)
        # The piece of the piecewise-quadratic objective: 0 for a point in the
        # quadratic regime |r| <= δ, ±1 for one on the lower/upper linear branch.
        piece = np.where(np.abs(pred - y) <= delta, 0, np.sign(pred - y)).astype(np.int8)
        return val, z.T @ g / n, piece

    # Start from least squares (exact for the Huber objective when every residual <= δ).
    theta = np.linalg.lstsq(z, y, rcond=None)[0]
    f, grad, piece = f_and_grad(theta)
    gscale = delta * (1.0 + float(np.mean(np.abs(u))))
    converged = False
    it = 0
    for it in range(1, 101):  # noqa: B007 (used after the loop)
        if np.linalg.norm(grad) <= 1e-15 * gscale:
            converged = True
            break
        zq = z[piece == 0]
        hess = zq.T @ zq / n
        # Too few points in the quadratic regime (rank-deficient Hessian): use the
        # Gram matrix instead; as it majorises the Hessian, the step is a
        # majorise-minimise step and still decreases f.
        eig = np.linalg.eigvalsh(hess)
        newton = bool(eig[0] > 1e-12 * max(eig[1], 1e-300))
        if not newton:
            hess = gram
        # lstsq: also handles a singular Gram (all x equal) with the min-norm step.
        d = -np.linalg.lstsq(hess, grad, rcond=None)[0]
        slope = float(grad @ d)
        if slope >= 0:  # not a descent direction: only possible at round-off level
            converged = True
            break
        t = 1.0
        while True:
            theta_new = theta + t * d
            f_new, grad_new, piece_new = f_and_grad(theta_new)
            if f_new <= f + 1e-4 * t * slope or t < 1e-12:
                break
            t *= 0.5
        if f_new >= f:
            # No decrease even for a tiny step: we are at the minimum up to
            # round-off (or stuck, which the gradient test tells apart).
            converged = bool(np.linalg.norm(grad) <= 1e-9 * gscale)
            break
        exact_piece = newton and t == 1.0 and np.array_equal(piece_new, piece)
        theta, f, grad, piece = theta_new, f_new, grad_new, piece_new
        if exact_piece:
            # A full Newton step that stays within one quadratic piece lands on
            # that piece's exact minimiser: the gradient is 0 up to round-off.
            converged = True
            break
    c, w = float(theta[1]), float(theta[0])
    return w, c - w * mx, it, converged
