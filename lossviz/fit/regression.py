"""Exact fits of a line under a regression loss, and descent paths on the same objective."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v
from .. import losses
from ..landscape import _regression_params, _vector, _xy
from ..losses.regression import ON_RESIDUAL
from ._descent import (
    ObjectiveAndGrad,
    _all_finite,
    _descend,
    _optimizer_settings,
)
from ._newton import _newton


@dataclass(frozen=True)
class RegressionFit:
    """The minimiser ``(w, b)`` of a mean regression loss.

    Attributes:
      w, b: slope and intercept of the fitted line.
      objective: the mean loss at ``(w, b)``.
      iterations: iterations of the solver (0 for a closed form).
      converged: True when the solver met its exactness criterion.
      convex: False when the objective is not convex (Barron's α < 1): then (w, b)
        is the local optimum reached from ``start``.
      start: the ``(w, b)`` the non-convex fit started from, else None.
      start_from: what that start is (e.g. "the LAD (MAE) fit"), else None.
      method: the solver, in words ("closed form", "linear programme (HiGHS)", …).
    """

    w: float
    b: float
    objective: float
    iterations: int
    converged: bool
    convex: bool = True
    start: tuple[float, float] | None = None
    start_from: str | None = None
    method: str = ""


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

    :math:`g_i = \partial\ell/\partial\hat y_i` is the loss's own ``_grad``. The loop
    calls the loss's formulas on the residual (:data:`lossviz.losses.regression.ON_RESIDUAL`)
    after one call of the public loss has checked the hyperparameters: x and y are
    checked finite once, so the residual of a finite prediction needs no check (the
    checks were ~90 % of a step at n = 100). The results are the public loss's, bitwise.
    """
    value_fn, grad_fn = ON_RESIDUAL[loss]
    getattr(losses, loss)(y[:1], y[:1], **kw)  # the hyperparameters' checks, once
    n = x.size
    add = np.add.reduce  # sum / n is np.mean's own arithmetic, without its overhead

    def objective_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        # Called by _descend, under its np.errstate(over="ignore", invalid="ignore").
        pred = theta[0] * x + theta[1]
        if not _all_finite(pred):
            # Parameters so large that w·x overflows: report, don't call the loss.
            return math.inf, np.full(2, np.nan)
        r = pred - y
        val = float(add(value_fn(r, **kw)) / n)
        g = grad_fn(r, **kw)
        return val, np.array([add(g * x) / n, add(g) / n])

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
      loss: a key of :data:`lossviz.landscape.REGRESSION_LOSSES`; ``**params`` its
        hyperparameters (checked by :func:`lossviz.registry.loss_kwargs`).
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


#: The losses whose mean over a line is a linear programme (solved by HiGHS).
LP_LOSSES = ("mae", "quantile", "epsilon_insensitive")
#: Smooth losses fitted by damped Newton (Hessian from a central difference of ``_grad``).
SMOOTH_LOSSES = ("pseudo_huber", "log_cosh", "general_robust")
#: Where the non-convex fits (Barron's α < 1) start: the exact LAD line.
NONCONVEX_START = "the LAD (MAE) fit"


def is_convex(loss: str, **params: Any) -> bool:
    """True when the mean loss of a line is convex in (w, b): all but Barron's α < 1.

    Barron (2019, §2): ρ(·, α, c) is convex for α >= 1 and has a redescending
    gradient (non-convex) for α < 1. Every other regression loss here is convex.
    """
    kw = _regression_params(loss, params)
    return not (loss == "general_robust" and kw["alpha"] < 1.0)


def fit_regression(x: Any, y: Any, loss: str, **params: Any) -> RegressionFit:
    r"""Minimiser of :math:`f(w, b) = \frac1n\sum_i \ell(y_i, w x_i + b)`: exact where convex.

    One solver per kind of problem:

    * **MSE**: the least-squares closed form on centred data,
      :math:`w = \langle x_c, y_c\rangle/\langle x_c, x_c\rangle`,
      :math:`b = \bar y - w\bar x`. O(n).
    * **MAE, quantile (τ), ε-insensitive (ε)**: linear programmes, solved exactly by
      SciPy's HiGHS (``linprog(method="highs")``). With the residual
      :math:`y_i - \hat y_i = p_i - m_i`, :math:`p, m \ge 0`: quantile minimises
      :math:`\sum_i \tau p_i + (1-\tau) m_i` (MAE: :math:`\sum p_i + m_i`);
      ε-insensitive minimises :math:`\sum p_i + m_i` subject to
      :math:`p_i \ge y_i - \hat y_i - ε`, :math:`m_i \ge \hat y_i - y_i - ε`.
      The simplex optimum is a vertex, where two constraints are tight (two points
      on the line, or on the tube's edges); it is then re-solved from those two
      points in floating point, kept if no worse, so (w, b) is exact to round-off.
    * **Huber (δ)**: Newton's method with Armijo backtracking on the (convex, C¹,
      piecewise quadratic) objective, with the generalised Hessian
      :math:`\frac1n\sum_{|r_i|\le\delta} z_i z_i^\top`, :math:`z_i = (x_i, 1)`.
      It stops once a full Newton step keeps the set of quadratic-regime points
      unchanged: that step solved the exact quadratic piece. **Smooth-L1 (β)** is
      Huber with δ = β divided by β (the same minimiser); β = 0 is MAE's LP.
    * **Pseudo-Huber (δ), log-cosh, Barron's general robust loss (α, c)**: damped
      Newton (:func:`lossviz.fit._newton._newton`) to a gradient of ~1e-13 of its
      scale, the Hessian :math:`\frac1n\sum_i \ell''_i z_i z_i^\top` with
      :math:`\ell''` a central difference of the loss's ``_grad``. Convex for α >= 1,
      started from least squares. For **α < 1 the objective is not convex**: the fit
      is the local optimum that Newton (with a Levenberg shift where the Hessian is
      indefinite) reaches from the exact LAD line, and says so (``convex=False``,
      ``start``, ``start_from``).

    When all x are equal the slope is not identified; w = 0 is returned.

    Args:
      x, y: data, 1-D finite arrays of the same length n >= 1.
      loss: a key of :data:`lossviz.landscape.REGRESSION_LOSSES`; ``**params`` its
        hyperparameters, checked by :func:`lossviz.registry.loss_kwargs`.

    Returns:
      A frozen :class:`RegressionFit`.
    """
    xv, yv = _xy(x, y)
    kw = _regression_params(loss, params)
    mx = float(xv.mean())
    u = xv - mx  # centred: far better conditioned 2×2 systems when |x̄| is large
    convex = is_convex(loss, **kw)
    start: tuple[float, float] | None = None
    start_from: str | None = None
    if loss == "mse":
        sxx = float(np.dot(u, u))
        w = float(np.dot(u, yv - yv.mean())) / sxx if sxx > 0 else 0.0
        c, its, ok, method = float(yv.mean()), 0, True, "closed form"
    elif loss in LP_LOSSES or (loss == "smooth_l1" and kw["beta"] == 0.0):
        w, c, its, ok = _lp_fit(u, yv, loss, kw)
        method = "linear programme (HiGHS)"
    elif loss in ("huber", "smooth_l1"):
        # Smooth-L1(β) = Huber(δ = β)/β: the same minimiser, one solver.
        delta = kw["delta"] if loss == "huber" else kw["beta"]
        w, c, its, ok = _huber_newton(u, yv, delta)
        method = "Newton (piecewise quadratic)"
    else:
        if convex:
            theta0 = _least_squares(u, yv)
        else:
            w0, c0, _, _ = _lp_fit(u, yv, "mae", {})
            theta0 = np.array([w0, c0])
            start, start_from = (w0, c0 - w0 * mx), NONCONVEX_START
        w, c, its, ok = _smooth_newton(u, yv, loss, kw, theta0)
        method = "Newton" if convex else "Newton, local"
    b = c - w * mx
    return RegressionFit(
        w,
        b,
        _mean_loss(xv, yv, w, b, loss, kw),
        its,
        ok,
        convex=convex,
        start=start,
        start_from=start_from,
        method=method,
    )


def _least_squares(u: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(w, c) of least squares on centred u (w = 0 when u is constant)."""
    suu = float(np.dot(u, u))
    return np.array([float(np.dot(u, y - y.mean())) / suu if suu > 0 else 0.0, float(y.mean())])


def _lp_fit(
    u: np.ndarray, y: np.ndarray, loss: str, kw: dict[str, float]
) -> tuple[float, float, int, bool]:
    """Exact LP fit of ``ŷ = w·u + c`` for MAE / quantile / ε-insensitive (smooth-L1 β = 0).

    Returns ``(w, c, simplex iterations, converged)``. See :func:`fit_regression`.
    """
    sol = _lp_solve(u, y, loss, kw)
    w, c = sol["w"], sol["c"]
    fn = getattr(losses, "mae" if loss == "smooth_l1" else loss)
    lkw = {} if loss in ("mae", "smooth_l1") else kw

    def obj(w_: float, c_: float) -> float:
        return float(np.mean(fn(y, w_ * u + c_, **lkw)))

    # Polish the vertex: the two tight constraints, re-solved in floating point.
    best = obj(w, c)
    for wp, cp in _vertex_candidates(u, y, w, c, kw.get("epsilon", 0.0)):
        val = obj(wp, cp)
        if val <= best:
            w, c, best = wp, cp, val
    return w, c, sol["nit"], sol["status"] == 0


def _lp_solve(u: np.ndarray, y: np.ndarray, loss: str, kw: dict[str, float]) -> dict[str, Any]:
    """The LP of :func:`fit_regression` for HiGHS; also returns its duals (for the tests).

    Variables ``[w, c, p_1..p_n, m_1..m_n]``, w and c free, p, m >= 0. Costs are
    per point (not divided by n) to keep them O(1) for HiGHS's absolute tolerances.
    Result keys: ``w``, ``c``, ``p``, ``m``, ``nit``, ``status``, ``duals`` (the
    marginals of the n equality rows for MAE/quantile, of the 2n inequality rows for
    ε-insensitive), ``identified`` (False when u is constant and w was fixed to 0).
    """
    from scipy import sparse
    from scipy.optimize import linprog

    n = u.size
    identified = bool(np.ptp(u) > 0)
    # A constant x leaves w unidentified (its column would be 0): fix w = 0.
    zcols = [u, np.ones(n)] if identified else [np.ones(n)]
    z = sparse.csr_matrix(np.stack(zcols, axis=1))
    k = z.shape[1]
    eye = sparse.identity(n, format="csr")
    bounds = [(None, None)] * k + [(0, None)] * (2 * n)
    if loss == "epsilon_insensitive":
        eps = kw["epsilon"]
        # y − ŷ − ε <= p  ⇔  −z·θ − p <= ε − y;   ŷ − y − ε <= m  ⇔  z·θ − m <= ε + y.
        zero = sparse.csr_matrix((n, n))
        a_ub = sparse.vstack([sparse.hstack([-z, -eye, zero]), sparse.hstack([z, zero, -eye])])
        b_ub = np.concatenate([eps - y, eps + y])
        cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
        res = linprog(cost, A_ub=a_ub.tocsr(), b_ub=b_ub, bounds=bounds, method="highs")
        duals = None if res.x is None else res.ineqlin.marginals
    else:
        tau = kw.get("tau", 0.5)
        # z·θ + p − m = y: p − m is the residual y − ŷ; quantile costs τ·p + (1 − τ)·m.
        a_eq = sparse.hstack([z, eye, -eye]).tocsr()
        cost = np.concatenate([np.zeros(k), np.full(n, tau), np.full(n, 1.0 - tau)])
        if loss != "quantile":
            cost[k:] = 1.0  # MAE: |r| = p + m
        res = linprog(cost, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs")
        duals = None if res.x is None else res.eqlin.marginals
    if res.x is None:  # pragma: no cover (the LP is always feasible and bounded)
        raise RuntimeError(f"HiGHS failed on the {loss} fit: {res.message}")
    theta = res.x[:k]
    w, c = (float(theta[0]), float(theta[1])) if identified else (0.0, float(theta[0]))
    return {
        "w": w,
        "c": c,
        "p": res.x[k : k + n],
        "m": res.x[k + n :],
        "nit": int(res.nit),
        "status": int(res.status),
        "duals": duals,
        "identified": identified,
    }


def _vertex_candidates(
    u: np.ndarray, y: np.ndarray, w: float, c: float, eps: float
) -> list[tuple[float, float]]:
    """Lines through the (up to) four constraints nearest to tight at ``(w, c)``.

    At a vertex two residuals r = y − ŷ sit exactly on a kink (r = 0, or r = ±ε for
    the tube); solving ``ŷ_i = y_i − s_i`` for a pair of them (s_i = the kink they are
    nearest) removes the solver's feasibility-tolerance error.
    """
    r = y - (w * u + c)
    kink = np.where(r >= 0, eps, -eps) if eps > 0 else np.zeros_like(r)
    near = np.argsort(np.abs(r - kink), kind="stable")[:4]
    out = []
    for a in range(near.size):
        for bb in range(a + 1, near.size):
            i, j = near[a], near[bb]
            if u[i] == u[j]:
                continue
            ti, tj = y[i] - kink[i], y[j] - kink[j]
            wp = (tj - ti) / (u[j] - u[i])
            out.append((float(wp), float(ti - wp * u[i])))
    if np.ptp(u) == 0:  # w fixed at 0: c through the nearest kink
        out = [(0.0, float(y[near[0]] - kink[near[0]]))]
    return out


def _curvature_step(loss: str, kw: dict[str, float]) -> float:
    """Finite-difference step for ℓ'': well inside the loss's quadratic bowl."""
    return 1e-5 * kw.get("delta", kw.get("scale", 1.0))


def _smooth_newton(
    u: np.ndarray, y: np.ndarray, loss: str, kw: dict[str, float], theta0: np.ndarray
) -> tuple[float, float, int, bool]:
    """Damped Newton on the mean of a smooth loss; returns ``(w, c, iterations, converged)``.

    Value and gradient are the loss's own; :math:`\\ell''` is the central difference
    :math:`(g(\\hat y + h) - g(\\hat y - h))/2h` of ``<loss>_grad``.
    """
    fn = getattr(losses, loss)
    grad_fn = getattr(losses, loss + "_grad")
    n = u.size
    z = np.stack([u, np.ones(n)], axis=1)
    h = _curvature_step(loss, kw)

    def f_only(theta: np.ndarray) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            val = float(np.mean(fn(y, z @ theta, **kw)))
        return val if math.isfinite(val) else math.inf

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        pred = z @ theta
        g = grad_fn(y, pred, **kw)
        curv = (grad_fn(y, pred + h, **kw) - grad_fn(y, pred - h, **kw)) / (2.0 * h)
        return f_only(theta), z.T @ g / n, (z * curv[:, None]).T @ z / n

    g0 = grad_fn(y, z @ theta0, **kw)
    gscale = float(np.mean(np.abs(g0))) * (1.0 + float(np.mean(np.abs(u))))
    theta, _, _, its, ok = _newton(fgh, f_only, theta0, gtol=1e-13 * max(gscale, 1e-300))
    return float(theta[0]), float(theta[1]), its, ok


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


def _huber_newton(u: np.ndarray, y: np.ndarray, delta: float) -> tuple[float, float, int, bool]:
    """Newton + Armijo on the mean Huber loss of ``ŷ = w·u + c``, u centred.

    Returns ``(w, c, iterations, converged)``; the caller maps c back to b = c − w·x̄.
    """
    n = u.size
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
    return float(theta[0]), float(theta[1]), it, converged
