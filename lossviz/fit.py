r"""Exact fits and gradient-descent paths on the lossviz data sets.

* :func:`fit_regression` — the exact minimiser of the mean MSE, MAE or Huber
  loss of a line :math:`\hat y = w x + b`.
* :func:`gradient_descent` — the path of plain GD, heavy-ball momentum or Adam
  on the same objective, with divergence detected and reported;
  :func:`stable_learning_rate` — where GD and momentum start to diverge on MSE.
* :func:`fit_logistic` (BCE, focal, class-balanced BCE), :func:`fit_bradley_terry`
  and :func:`fit_gaussian_kl` — damped Newton to a tight first-order condition.
* :func:`train_embedding` — a linear metric-learning map trained by contrastive
  or triplet loss over all pairs/triplets.

All optimisers share one loop, :func:`_descend`, on a flat parameter vector;
the later fits (logistic, Bradley–Terry, embeddings) reuse it. Objective values
and gradients always come from :mod:`lossviz.losses` (``<name>`` and
``<name>_grad``); nothing is re-derived here except second derivatives.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validate as _v
from . import losses, registry
from .landscape import _regression_params, _vector, _xy
from .losses.metric import contrastive_terms, triplet_terms

__all__ = [
    "CLASSIFICATION_LOSSES",
    "OPTIMIZERS",
    "BTFit",
    "DescentPath",
    "EmbeddingTrace",
    "LogisticFit",
    "RegressionFit",
    "contrastive_stable_learning_rate",
    "fit_bradley_terry",
    "fit_gaussian_kl",
    "fit_logistic",
    "fit_regression",
    "gradient_descent",
    "mse_curvature",
    "stable_learning_rate",
    "train_embedding",
]

#: Optimiser keys understood by :func:`gradient_descent` and :func:`_descend`.
OPTIMIZERS = ("gd", "momentum", "adam")

#: A step is a divergence when the loss exceeds this factor times the initial loss.
BLOWUP_FACTOR = 1e6

#: Largest n for which the LAD fit enumerates all n(n−1)/2 pairwise slopes.
_LAD_ENUMERATE_MAX = 2000

#: Objective-and-gradient callable: theta (p,) -> (loss, grad (p,)).
ObjectiveAndGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


# --------------------------------------------------------------------------- results
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


@dataclass(frozen=True, eq=False)
class _Trace:
    """What :func:`_descend` returns: iterates ``(k, p)``, losses ``(k,)``, divergence."""

    thetas: np.ndarray
    losses: np.ndarray
    diverged: bool
    diverged_at: int | None


def _optimizer_settings(
    optimizer: Any, lr: Any, steps: Any, momentum: Any, betas: Any, eps: Any
) -> dict[str, Any]:
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}; got {optimizer!r}"
        )
    if not (isinstance(betas, tuple | list) and len(betas) == 2):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return {
        "optimizer": optimizer,
        "lr": _v.positive("lr", lr),
        "steps": _v.integer("steps", steps, 0, 100_000),
        "momentum": _v.unit_open("momentum", momentum),
        "betas": (_v.unit_open("betas[0]", betas[0]), _v.unit_open("betas[1]", betas[1])),
        "eps": _v.positive("eps", eps),
    }


# --------------------------------------------------------------------------- the one optimiser
def _descend(
    objective_and_grad: ObjectiveAndGrad,
    theta0: np.ndarray,
    optimizer: str,
    lr: float,
    steps: int,
    *,
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> _Trace:
    r"""Run ``steps`` iterations of GD, momentum or Adam on a flat parameter vector.

    Updates, with :math:`g_t = \nabla f(\theta_{t-1})`:

    * ``"gd"``: :math:`\theta_t = \theta_{t-1} - \eta g_t`.
    * ``"momentum"`` (heavy ball, PyTorch's form): :math:`v_t = \mu v_{t-1} + g_t`,
      :math:`\theta_t = \theta_{t-1} - \eta v_t`.
    * ``"adam"`` (Kingma & Ba 2015): :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`,
      :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
      :math:`\theta_t = \theta_{t-1} - \eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)`
      with the bias corrections :math:`\hat m_t = m_t/(1-\beta_1^t)`,
      :math:`\hat v_t = v_t/(1-\beta_2^t)`.

    Divergence: the run stops at the first iterate whose parameters, loss or
    gradient are not finite, or whose loss exceeds ``BLOWUP_FACTOR`` × the initial
    loss (when that is > 0). That iterate is dropped, so every kept value is
    finite and plottable; its index is ``diverged_at``.

    Args:
      objective_and_grad: ``theta -> (loss, grad)``; may return a non-finite loss.
      theta0: start, shape ``(p,)``; its loss must be finite.
      optimizer, lr, steps, momentum, betas, eps: as validated by the callers.

    Returns:
      A :class:`_Trace`. Cost: ``steps + 1`` objective evaluations, O(p) extra each.
    """
    theta = np.array(theta0, dtype=np.float64).ravel()
    thetas = np.empty((steps + 1, theta.size))
    values = np.empty(steps + 1)
    # Overflow while blowing up is expected and is detected below via isfinite;
    # silence it so it is not raised as a warning (pytest turns those into errors).
    with np.errstate(over="ignore", invalid="ignore"):
        f0, g = objective_and_grad(theta)
        if not (math.isfinite(f0) and np.all(np.isfinite(g))):
            raise ValueError(f"the start {theta.tolist()} gives a non-finite loss or gradient")
        thetas[0], values[0] = theta, f0
        limit = BLOWUP_FACTOR * f0 if f0 > 0 else math.inf
        vel = np.zeros_like(theta)
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        b1, b2 = betas
        for t in range(1, steps + 1):
            if optimizer == "gd":
                theta = theta - lr * g
            elif optimizer == "momentum":
                vel = momentum * vel + g
                theta = theta - lr * vel
            else:  # adam
                m = b1 * m + (1.0 - b1) * g
                v = b2 * v + (1.0 - b2) * g * g
                m_hat = m / (1.0 - b1**t)
                v_hat = v / (1.0 - b2**t)
                theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
            if not np.all(np.isfinite(theta)):
                return _Trace(thetas[:t], values[:t], True, t)
            f, g = objective_and_grad(theta)
            if not (math.isfinite(f) and f <= limit and np.all(np.isfinite(g))):
                return _Trace(thetas[:t], values[:t], True, t)
            thetas[t], values[t] = theta, f
    return _Trace(thetas, values, False, None)


# --------------------------------------------------------------------------- regression
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


# --------------------------------------------------------------------------- LAD
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


# --------------------------------------------------------------------------- Huber
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


# =========================================================================== part B
# --------------------------------------------------------------------------- Newton
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


# --------------------------------------------------------------------------- logistic
#: Loss keys for :func:`fit_logistic`: two registry losses and α-balanced BCE (focal, γ = 0).
CLASSIFICATION_LOSSES: tuple[str, ...] = ("binary_cross_entropy", "focal", "balanced_bce")


@dataclass(frozen=True, eq=False)
class LogisticFit:
    """Minimiser of a regularised classification loss of a linear model.

    Attributes:
      weights: float64 ``(d,)``; bias: the unpenalised intercept.
      objective: mean loss + (l2/2)‖weights‖² at the optimum.
      iterations: Newton iterations; converged: gradient below tolerance.
    """

    weights: np.ndarray
    bias: float
    objective: float
    iterations: int
    converged: bool


def classification_kwargs(loss: str, params: dict[str, Any]) -> dict[str, Any]:
    """Checked keyword arguments of a :data:`CLASSIFICATION_LOSSES` key for its loss function.

    ``"balanced_bce"`` is focal loss with γ fixed at 0: it takes focal's ``alpha``
    (its default, range and check are focal's, from the registry).
    """
    if loss == "balanced_bce":
        unknown = sorted(set(params) - {"alpha"})
        if unknown:
            raise ValueError(f"loss 'balanced_bce' takes no parameter(s) {', '.join(unknown)}")
        if "alpha" in params and params["alpha"] is None:  # None is focal's "no weighting"
            raise ValueError("alpha must be a real number in [0, 1] for 'balanced_bce', got None")
        return registry.loss_kwargs("focal", {**params, "gamma": 0.0})
    return registry.loss_kwargs(loss, params, among=CLASSIFICATION_LOSSES)


def _matrix(name: str, a: Any) -> np.ndarray:
    try:
        m = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers") from None
    if m.ndim != 2 or m.shape[0] < 1 or m.shape[1] < 1:
        raise ValueError(f"{name} must be 2-D (n, d) with n, d >= 1, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"{name} must be finite")
    return m


def fit_logistic(
    X: Any, labels: Any, loss: str = "binary_cross_entropy", *, l2: float = 1e-3, **params: Any
) -> LogisticFit:
    r"""Minimise :math:`F(w, b) = \frac1n\sum_i \ell(y_i, x_i^\top w + b) + \frac{λ}{2}\|w\|^2`.

    Losses: ``"binary_cross_entropy"`` (``pos_weight``); ``"focal"`` (``gamma`` >= 0, ``alpha`` in
    [0, 1] or None); ``"balanced_bce"`` = focal with γ = 0 and the given
    ``alpha`` (class-weighted BCE: α on positives, 1 − α on negatives). The bias
    is not penalised. Values and first derivatives come from
    :mod:`lossviz.losses`; the per-sample second derivative :math:`h_i =
    \ell''(z_i)` is analytic for BCE (:math:`σ(z)(1-σ(z))`, times ``pos_weight`` on
    positives, or α_t when balanced) and a central difference of ``focal_grad`` for focal (step
    :math:`10^{-5}(1 + |z|)`, error O(step²)). Focal loss is not convex in z
    for γ > 0, so h is clipped at 0 (a Gauss–Newton-like PSD model); Newton's
    line search makes that safe, and the fixed point is still ∇F = 0.

    Hessian :math:`H = Z^\top \mathrm{diag}(h) Z / n + λ\,\mathrm{diag}(1,…,1,0)`,
    Z = [X, 1]. Each iteration is O(n d² + d³); typically < 15 iterations.

    Args:
      X: features ``(n, d)``, finite.
      labels: ``(n,)`` in [0, 1].
      loss: see above; ``**params`` its hyperparameters.
      l2: λ >= 0 (with λ = 0 on separable data no minimiser exists: converged=False).

    Returns:
      A :class:`LogisticFit` with ``‖∇F‖∞ <= 1e-10`` when converged.
    """
    Xm = _matrix("X", X)
    y = _vector_1d("labels", labels, Xm.shape[0])
    if np.any((y < 0) | (y > 1)):
        raise ValueError("labels must lie in [0, 1]")
    l2 = _v.real("l2", l2)
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    kw = classification_kwargs(loss, params)
    n, d = Xm.shape
    Z = np.concatenate([Xm, np.ones((n, 1))], axis=1)
    pen = np.r_[np.full(d, l2), 0.0]  # the bias is not penalised

    fkw = kw
    if loss == "binary_cross_entropy":
        fn, gfn = losses.binary_cross_entropy, losses.binary_cross_entropy_grad
        class_weight = kw["pos_weight"] * y + (1.0 - y)  # ℓ'' = (w·y + 1 − y) σ(1−σ)
    else:
        fn, gfn = losses.focal, losses.focal_grad
        a = kw["alpha"]
        class_weight = 1.0 if a is None else a * y + (1.0 - a) * (1.0 - y)  # α_t

    def second(z: np.ndarray) -> np.ndarray:
        if loss == "binary_cross_entropy" or kw["gamma"] == 0.0:  # weighted BCE: exact
            s = 1.0 / (1.0 + np.exp(-np.abs(z)))  # σ(|z|): no overflow; σ(1−σ) is even in z
            return class_weight * s * (1.0 - s)
        step = 1e-5 * (1.0 + np.abs(z))
        h = (gfn(y, z + step, **fkw) - gfn(y, z - step, **fkw)) / (2.0 * step)
        return np.maximum(h, 0.0)

    def f_only(theta: np.ndarray) -> float:
        z = Z @ theta
        if not np.all(np.isfinite(z)):
            return math.inf
        return float(np.mean(fn(y, z, **fkw))) + 0.5 * float(np.sum(pen * theta * theta))

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = Z @ theta
        val = float(np.mean(fn(y, z, **fkw))) + 0.5 * float(np.sum(pen * theta * theta))
        grad = Z.T @ gfn(y, z, **fkw) / n + pen * theta
        hess = (Z.T * second(z)) @ Z / n + np.diag(pen)
        return val, grad, hess

    theta, f, _, its, ok = _newton(fgh, f_only, np.zeros(d + 1), gtol=1e-10)
    return LogisticFit(theta[:d].copy(), float(theta[d]), f, its, ok)


def _vector_1d(name: str, a: Any, n: int) -> np.ndarray:
    try:
        v = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers") from None
    if v.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite")
    return v


# --------------------------------------------------------------------------- Bradley–Terry
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


# --------------------------------------------------------------------------- Gaussian KL
def fit_gaussian_kl(grid: Any, p: Any, direction: str = "forward") -> tuple[float, float, float]:
    r"""Fit one Gaussian Q(μ, σ), discretised on ``grid``, to P by minimising a KL.

    ``"forward"`` minimises KL(P‖Q): Q covers all of P's mass. For a Gaussian
    family this is moment matching, as long as the grid holds Q's tails: Q is
    normalised over the grid points, so a Q cut off at the grid's ends is fitted
    wider than P (σ = 3.13 instead of 3.10 for a P of std 3.10 on ±10).
    ``"reverse"`` minimises KL(Q‖P): Q locks onto one mode. Reverse KL is not
    convex in (μ, log σ), so Newton is started from 9 means spread over P's
    quantiles (and σ = P's std / 2) and the best result is kept.

    Optimisation over θ = (μ, log σ) with Q normalised over the grid; with
    :math:`a_k = -\tfrac12((x_k-μ)/σ)^2` and :math:`∂a/∂θ = ((x-μ)/σ^2, (x-μ)^2/σ^2)`:

    * forward gradient :math:`\mathbb E_Q[∂a] - \mathbb E_P[∂a]`;
    * reverse gradient :math:`\mathbb E_Q[(∂a - \mathbb E_Q ∂a)(\log q - \log p)]`;

    both derived in closed form in log space rather than chained through
    ``kl_divergence_grad`` (−p/q), which is 0·inf where q underflows. Hessians
    are central differences of these gradients (2×2). O(K) per evaluation.

    Returns:
      ``(mu, sigma, kl)`` with kl in nats.
    """
    from .landscape import _kl_from_logs, _kl_inputs, _log_gaussian_on_grid

    x, pv = _kl_inputs(grid, p, direction)
    with np.errstate(divide="ignore"):
        logp = np.log(pv)
    mean = float(pv @ x)
    std = math.sqrt(max(float(pv @ (x - mean) ** 2), float(np.min(np.diff(x))) ** 2))

    def f_only(theta: np.ndarray) -> float:
        # |log σ| > 50 (σ below e^-50 or above e^50 of the grid's units) is never a
        # sensible fit; calling it +inf keeps exp(log σ) from overflowing.
        if not (np.all(np.isfinite(theta)) and abs(theta[1]) <= 50.0):
            return math.inf
        logq = _log_gaussian_on_grid(x, np.array(theta[0]), np.array(theta[1]))
        return float(_kl_from_logs(pv, logp, logq, direction))

    def grad(theta: np.ndarray) -> np.ndarray:
        mu, sig2 = theta[0], math.exp(2.0 * theta[1])
        logq = _log_gaussian_on_grid(x, np.array(mu), np.array(theta[1]))
        q = np.exp(logq)
        da = np.stack([(x - mu) / sig2, (x - mu) ** 2 / sig2])  # (2, K)
        if direction == "forward":
            return da @ q - da @ pv
        centred = da - (da @ q)[:, None]
        with np.errstate(invalid="ignore"):
            w = np.where(q > 0, q * (logq - logp), 0.0)  # inf where p = 0 < q
        return centred @ w

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        g = grad(theta)
        h = np.empty((2, 2))
        for i in range(2):
            e = np.zeros(2)
            e[i] = 1e-5 * max(1.0, abs(theta[i]))
            h[:, i] = (grad(theta + e) - grad(theta - e)) / (2.0 * e[i])
        return f_only(theta), g, h

    if direction == "forward":
        starts = [np.array([mean, math.log(std)])]
    else:
        cdf = np.cumsum(pv)
        qs = np.linspace(0.05, 0.95, 9)
        mus = x[np.minimum(np.searchsorted(cdf, qs), x.size - 1)]
        starts = [np.array([m, math.log(std / 2)]) for m in np.unique(mus)]
    best: tuple[float, np.ndarray] | None = None
    for s0 in starts:
        if not math.isfinite(f_only(s0)):
            continue
        theta, f, *_ = _newton(fgh, f_only, s0, gtol=1e-10, max_iter=100)
        if best is None or f < best[0]:
            best = (f, theta)
    if best is None:
        raise ValueError("every start gives an infinite KL: p is 0 where Q has mass")
    f, theta = best
    return float(theta[0]), float(math.exp(theta[1])), f


# --------------------------------------------------------------------------- metric learning
@dataclass(frozen=True, eq=False)
class EmbeddingTrace:
    """A linear embedding ``E = X Aᵀ`` trained by a metric-learning loss.

    Attributes:
      maps: float64 ``(k, 2, d)``, the map A after each step (k = steps + 1
        unless diverged, the initial map first).
      loss: mean loss over all pairs/triplets at each kept map, ``(k,)``.
      active: share of pairs/triplets with non-zero loss at each kept map, ``(k,)``.
      diverged, diverged_at: as in :class:`DescentPath`.
      loss_name, margin: the settings.
    """

    maps: np.ndarray
    loss: np.ndarray
    active: np.ndarray
    diverged: bool
    diverged_at: int | None
    loss_name: str
    margin: float


#: Metric-learning fits use every pair / triplet: keep n small.
MAX_EMBEDDING_POINTS = 60


def _pairs_and_triplets(labels: np.ndarray, loss: str):
    """Index arrays: all pairs i < j, and (for triplets) pair ids of (a,p) and (a,n)."""
    n = labels.size
    i, j = np.triu_indices(n, k=1)
    if loss == "contrastive":
        return i, j, (labels[i] == labels[j]).astype(np.float64), None, None
    # All pairs i != j (ordered) so an anchor's pair with any point has an id.
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    pid = np.full((n, n), -1)
    pid[ii, jj] = np.arange(ii.size)
    same = labels[:, None] == labels[None, :]
    a, p, q = np.nonzero(
        (same & ~np.eye(n, dtype=bool))[:, :, None] & ~same[:, None, :]
    )  # anchor a, positive p (same class, ≠ a), negative q (other class)
    return ii, jj, None, pid[a, p], pid[a, q]


def contrastive_stable_learning_rate(
    X: Any, labels: Any, optimizer: str = "gd", *, momentum: float = 0.9
) -> float:
    r"""The learning rate beyond which :func:`train_embedding`'s contrastive run blows up.

    Once every negative pair is past the margin (as it is whenever A has grown large),
    the mean loss over the P pairs is the same-class pairs' part alone,
    :math:`\frac1P\sum_{y_{ij}=1}\|A\Delta_{ij}\|^2 = \frac1P\operatorname{tr}(A S A^\top)`
    with :math:`S = \sum_{y_{ij}=1}\Delta_{ij}\Delta_{ij}^\top`: a quadratic in A of
    largest curvature :math:`L = 2\lambda_{\max}(S)/P`. As for a line's MSE
    (:func:`stable_learning_rate`), gradient descent on it grows without bound for
    η > 2/L = P/λ_max(S), heavy-ball momentum for η > 2(1 + μ)/L. Below, the runs of
    the Metric learning page stay finite; just above, the loss blows up.

    Args:
      X: ``(n, d)`` features, n in [2, 60]; labels: ``(n,)`` integer classes.
      optimizer: ``"gd"`` or ``"momentum"``; momentum: μ in [0, 1).

    Returns:
      The bound (inf when no two points share a class: then nothing pulls A up).
    """
    if optimizer not in ("gd", "momentum"):
        raise ValueError(
            f"optimizer must be 'gd' or 'momentum' (Adam has no such bound); got {optimizer!r}"
        )
    mu = _v.unit_open("momentum", momentum)
    Xm = _matrix("X", X)
    lab = np.asarray(labels)
    if lab.shape != (Xm.shape[0],):
        raise ValueError(f"labels must have shape ({Xm.shape[0]},), got {lab.shape}")
    i, j = np.triu_indices(Xm.shape[0], k=1)
    same = lab[i] == lab[j]
    delta = Xm[i[same]] - Xm[j[same]]
    top = float(np.linalg.eigvalsh(delta.T @ delta)[-1]) if delta.size else 0.0
    if top <= 0.0:
        return math.inf
    gd = i.size / top
    return gd if optimizer == "gd" else (1.0 + mu) * gd


def train_embedding(
    X: Any,
    labels: Any,
    loss: str = "contrastive",
    *,
    margin: float = 1.0,
    lr: float = 0.05,
    steps: int = 200,
    seed: int = 0,
    optimizer: str = "gd",
) -> EmbeddingTrace:
    r"""Learn a linear map :math:`A \in \mathbb R^{2\times d}` with a metric-learning loss.

    Embeddings :math:`e_i = A x_i`, distances :math:`d_{ij} = \|A(x_i - x_j)\|`.

    * ``"contrastive"``: mean over all pairs i < j of ``contrastive(y_ij, d_ij,
      margin)``, y_ij = 1 for the same label.
    * ``"triplet"``: mean over all triplets (anchor, positive of its class,
      negative of another class) of ``triplet(d_ap, d_an, margin)``.

    Gradient: with :math:`g = ∂\ell/∂d` from the loss's ``_grad`` and
    :math:`∂d_{ij}/∂A = A Δ_{ij} Δ_{ij}^\top / d_{ij}`, :math:`Δ_{ij} = x_i - x_j`,
    the total is :math:`A\,Δ^\top \mathrm{diag}(c)\,Δ` with per-pair weights
    :math:`c = g/d` summed over every use of the pair — one (d×d) product per
    step. At d = 0 the weight is set to 0: there :math:`AΔ = 0`, so the
    contribution is 0 whatever the weight (and ‖·‖ has only that subgradient
    in the direction of AΔ). Optimised by the shared :func:`_descend` loop.

    Args:
      X: ``(n, d)`` features, n in [2, 60]; labels: ``(n,)`` integer classes.
      loss, margin: the loss and its margin m >= 0.
      lr, steps, optimizer: as in :func:`gradient_descent`.
      seed: initial A = 0.5·N(0, 1) entries, seeded.

    Returns:
      An :class:`EmbeddingTrace`. O(steps · (n² d + T)) with T triplets (≤ ~n³/2).
    """
    Xm = _matrix("X", X)
    n, dim = Xm.shape
    if not 2 <= n <= MAX_EMBEDDING_POINTS:
        raise ValueError(f"X must have between 2 and {MAX_EMBEDDING_POINTS} rows, got {n}")
    lab = np.asarray(labels)
    if lab.shape != (n,) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be an integer array of shape ({n},)")
    if np.unique(lab).size < 2:
        raise ValueError("labels must contain at least two classes")
    if loss not in ("contrastive", "triplet"):
        raise ValueError(f"loss must be 'contrastive' or 'triplet'; got {loss!r}")
    margin = _v.real("margin", margin)
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin!r}")
    settings = _optimizer_settings(optimizer, lr, steps, 0.9, (0.9, 0.999), 1e-8)
    seed = _v.integer("seed", seed, 0, 2**63 - 1)

    pi, pj, ysim, ap, an = _pairs_and_triplets(lab, loss)
    delta = Xm[pi] - Xm[pj]  # (P, d)

    def distances(A: np.ndarray) -> np.ndarray:
        e = delta @ A.T  # (P, 2)
        return np.sqrt(np.einsum("pk,pk->p", e, e))

    def per_item(dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Loss of every pair/triplet, and the per-pair weights c = Σ g/d."""
        # The losses' own formulas, without re-validating these arrays every step (the
        # public functions check them: ~half of a step's time at 30 points).
        if loss == "contrastive":
            vals, c = contrastive_terms(ysim, dist, margin)
        else:
            vals, act = triplet_terms(dist[ap], dist[an], margin)
            c = np.bincount(ap, weights=act, minlength=dist.size)
            c -= np.bincount(an, weights=act, minlength=dist.size)
        safe = dist > 0
        c = np.where(safe, c / np.where(safe, dist, 1.0), 0.0)
        return vals, c

    def objective_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        A = theta.reshape(2, dim)
        with np.errstate(over="ignore", invalid="ignore"):
            dist = distances(A)
            if not np.all(np.isfinite(dist)):
                return math.inf, np.full(theta.size, np.nan)
            vals, c = per_item(dist)
            grad = A @ (delta.T * c) @ delta / vals.size
        return float(np.mean(vals)), grad.ravel()

    rng = np.random.default_rng(seed)
    A0 = 0.5 * rng.standard_normal((2, dim))
    trace = _descend(objective_and_grad, A0.ravel(), **settings)
    maps = trace.thetas.reshape(-1, 2, dim)
    # Active share at every step in one vectorised pass (a per-step loop of per_item
    # was half of the training time): distances (steps + 1, P).
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.einsum("pd,tkd->tpk", delta, maps)
        dist = np.sqrt(np.einsum("tpk,tpk->tp", e, e))
        if loss == "contrastive":
            vals = contrastive_terms(ysim[None, :], dist, margin)[0]
        else:
            vals = triplet_terms(dist[:, ap], dist[:, an], margin)[0]
    active = np.mean(vals > 0, axis=1)
    return EmbeddingTrace(
        maps=maps,
        loss=trace.losses,
        active=active,
        diverged=trace.diverged,
        diverged_at=trace.diverged_at,
        loss_name=loss,
        margin=margin,
    )
