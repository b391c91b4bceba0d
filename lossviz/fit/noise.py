r"""Noise models: a Gaussian NLL with a learned variance, and a Poisson NLL with a log link.

* :func:`fit_gaussian_nll` — mean μ(x) = a x + b and log-variance s(x) = c x + d,
  minimising the mean ``gaussian_nll(y, μ, e^s)``. Not jointly convex in
  (a, b, c, d): damped Newton from a stated start (by default the least-squares
  line with its constant variance), reporting the local optimum and the start.
* :func:`fit_poisson` — log-rate z(x) = a x + b, minimising the mean
  ``poisson_nll(y, z)``: a Poisson GLM with its canonical (log) link, convex, so
  damped Newton reaches the optimum.

Values and gradients come from :mod:`lossviz.losses` (``gaussian_nll`` /
``gaussian_nll_grad``, ``poisson_nll`` / ``poisson_nll_grad``); the per-point second
derivatives with respect to the predictions are central differences of those
``_grad`` functions, chained through the linear models. The solver is
:func:`lossviz.fit._newton._newton`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import losses
from ._newton import _newton
from .regression import fit_regression

#: The Newton solvers stop at ‖∇f‖_∞ ≤ GTOL (f is a mean over the points).
GTOL = 1e-11

#: |log-variance| beyond this (v outside e^±60) is treated as +inf objective: a line
#: through a few points with v → 0 is a degenerate, not a sensible, fit.
_MAX_LOG_VAR = 60.0

#: |log-rate| beyond this (e^z beyond ~1e304) is +inf objective.
_MAX_LOG_RATE = 700.0


def _xy(x: Any, y: Any, min_n: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("x and y must be 1-D arrays of real numbers") from None
    if xa.ndim != 1 or ya.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(
            f"x and y must be 1-D of equal length, got shapes {xa.shape} and {ya.shape}"
        )
    if xa.size < min_n:
        raise ValueError(f"x must have at least {min_n} points, got {xa.size}")
    for name, a in (("x", xa), ("y", ya)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite, got {a[~np.isfinite(a)][0]!r}")
    if np.ptp(xa) == 0:
        raise ValueError(f"x must take at least 2 distinct values, got all {xa[0]!r}")
    return xa, ya


def _design(x: np.ndarray) -> np.ndarray:
    """Rows (x_i, 1): the Jacobian of a line a x + b with respect to (a, b)."""
    return np.stack([x, np.ones_like(x)], axis=1)


def _step(v: np.ndarray) -> np.ndarray:
    """Central-difference step for a second derivative at v (≈ ε^(1/3) relative)."""
    return 1e-5 * np.maximum(1.0, np.abs(v))


# --------------------------------------------------------------------------- Gaussian NLL
@dataclass(frozen=True, eq=False)
class GaussianNLLFit:
    r"""A local minimiser of the mean Gaussian NLL of a line with a log-linear variance.

    :math:`\frac1n\sum_i \mathrm{gaussian\_nll}(y_i,\ a x_i + b,\ e^{c x_i + d})`.

    Attributes:
      a, b: the mean line μ(x) = a x + b.
      c, d: the log-variance line s(x) = log σ²(x) = c x + d.
      nll: the mean Gaussian NLL at (a, b, c, d) (without ½ log 2π, as the loss).
      grad: ∇ of the mean NLL w.r.t. (a, b, c, d) at the optimum, ``(4,)``.
      start: the (a, b, c, d) Newton started from, ``(4,)``; start_nll its mean NLL.
      iterations, converged: Newton's iterations, and whether ‖∇‖_∞ ≤ gtol.
      min_hessian_eig: smallest eigenvalue of the Hessian there (> 0: a strict local
        minimum), by central differences of the gradient.
      saddle_escapes: how many saddle points (gradient 0, negative curvature) Newton
        reached and was stepped off along the negative-curvature direction.
    """

    a: float
    b: float
    c: float
    d: float
    nll: float
    grad: np.ndarray
    start: np.ndarray
    start_nll: float
    iterations: int
    converged: bool
    min_hessian_eig: float
    saddle_escapes: int = 0

    @property
    def theta(self) -> np.ndarray:
        return np.array([self.a, self.b, self.c, self.d])

    def mean(self, x: Any) -> np.ndarray:
        """μ(x) = a x + b."""
        return self.a * np.asarray(x, dtype=np.float64) + self.b

    def var(self, x: Any) -> np.ndarray:
        """σ²(x) = exp(c x + d)."""
        return np.exp(self.c * np.asarray(x, dtype=np.float64) + self.d)

    def sd(self, x: Any) -> np.ndarray:
        """σ(x) = exp((c x + d)/2)."""
        return np.exp(0.5 * (self.c * np.asarray(x, dtype=np.float64) + self.d))


def gaussian_nll_objective(x: Any, y: Any, theta: Any) -> float:
    """The mean ``gaussian_nll(y, a x + b, exp(c x + d))`` at θ = (a, b, c, d)."""
    xa, ya = _xy(x, y, 2)
    a, b, c, d = np.asarray(theta, dtype=np.float64)
    return float(np.mean(losses.gaussian_nll(ya, a * xa + b, np.exp(c * xa + d))))


def fit_gaussian_nll(
    x: Any, y: Any, *, start: Any = None, gtol: float = GTOL, max_iter: int = 200
) -> GaussianNLLFit:
    r"""Mean and log-variance both linear in x, fitted by the Gaussian NLL.

    Minimises :math:`f(θ) = \frac1n\sum_i \tfrac12\big(s_i + (y_i - μ_i)^2 e^{-s_i}\big)`
    with μ_i = a x_i + b, s_i = c x_i + d, through ``losses.gaussian_nll``.

    **Not jointly convex.** Per point, the Hessian in (μ, s) is
    :math:`\begin{pmatrix} e^{-s} & r e^{-s} \\ r e^{-s} & \tfrac12 r^2 e^{-s}\end{pmatrix}`
    (r = y − μ), whose determinant −½ r² e^{−2s} is negative wherever r ≠ 0. So
    damped Newton (a Levenberg shift where the Hessian is indefinite, Armijo
    backtracking) finds a *local* minimum from its start; the result reports the
    start, the gradient there (≈ 0) and the Hessian's smallest eigenvalue. Newton
    can stop on a saddle (the default start is one when every residual of the
    least-squares line has the same size); the fit then steps off it along the
    negative curvature and runs Newton again.

    It is bounded below only when no log-linear variance can shrink to 0 over
    points a line fits exactly: with the line through the two smallest x and
    v → 0 left of the third, the NLL falls without bound if x₍₃₎ > mean x (a
    handful of points; never for a sample of tens spread over an interval).
    |log v| is capped at 60 so such a run stops, not converged.

    Gradient: with ``(g_μ, g_v) = gaussian_nll_grad(y, μ, v)`` and ∂v/∂s = v,
    ∇f = mean over points of (g_μ x, g_μ, g_v v x, g_v v). The Hessian chains the
    per-point 2×2 Hessian in (μ, s), central differences of that per-point
    gradient, through the two lines. O(n) per iteration.

    Args:
      x, y: 1-D finite arrays of equal length n >= 4, x not all equal.
      start: (a, b, c, d) to start from; default the least-squares line (a₀, b₀)
        (``fit_regression(x, y, "mse")``) with constant variance c₀ = 0,
        d₀ = log(mean squared residual) — the MSE fit read as a Gaussian model.
      gtol: stop at ‖∇f‖_∞ ≤ gtol, > 0.
      max_iter: Newton iterations at most, >= 1.

    Returns:
      A frozen :class:`GaussianNLLFit`.
    """
    xa, ya = _xy(x, y, 4)
    if not (isinstance(gtol, (int, float)) and math.isfinite(gtol) and gtol > 0):
        raise ValueError(f"gtol must be a finite number > 0, got {gtol!r}")
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    if start is None:
        ls = fit_regression(xa, ya, "mse")
        sigma2 = float(np.mean((ya - (ls.w * xa + ls.b)) ** 2))
        if not sigma2 > 0:
            raise ValueError("y lies exactly on a line: the variance is 0 and the NLL unbounded")
        theta0 = np.array([ls.w, ls.b, 0.0, math.log(sigma2)])
    else:
        try:
            theta0 = np.asarray(start, dtype=np.float64).reshape(4)
        except (TypeError, ValueError):
            raise ValueError(
                f"start must be 4 finite numbers (a, b, c, d), got {start!r}"
            ) from None
        if not np.all(np.isfinite(theta0)):
            raise ValueError(f"start must be 4 finite numbers (a, b, c, d), got {start!r}")
    J = _design(xa)
    n = xa.size

    def pieces(theta: np.ndarray):
        mu = J @ theta[:2]
        s = J @ theta[2:]
        return mu, s

    def point_grad(mu: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """∂ℓ/∂μ and ∂ℓ/∂s per point, from gaussian_nll_grad (∂v/∂s = v)."""
        v = np.exp(s)
        g_mu, g_v = losses.gaussian_nll_grad(ya, mu, v)
        return g_mu, g_v * v

    def f_only(theta: np.ndarray) -> float:
        if not np.all(np.isfinite(theta)):
            return math.inf
        mu, s = pieces(theta)
        if np.max(np.abs(s)) > _MAX_LOG_VAR:
            return math.inf
        return float(np.mean(losses.gaussian_nll(ya, mu, np.exp(s))))

    def grad(theta: np.ndarray) -> np.ndarray:
        mu, s = pieces(theta)
        g_mu, g_s = point_grad(mu, s)
        return np.concatenate([J.T @ g_mu, J.T @ g_s]) / n

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        mu, s = pieces(theta)
        g_mu, g_s = point_grad(mu, s)
        hm, hs = _step(mu), _step(s)
        gp_mu, gp_s_mu = point_grad(mu + hm, s)
        gm_mu, gm_s_mu = point_grad(mu - hm, s)
        gp_mu_s, gp_s = point_grad(mu, s + hs)
        gm_mu_s, gm_s = point_grad(mu, s - hs)
        h_mm = (gp_mu - gm_mu) / (2 * hm)
        h_ss = (gp_s - gm_s) / (2 * hs)
        # The mixed derivative both ways, averaged (they agree up to the difference error).
        h_ms = 0.5 * ((gp_s_mu - gm_s_mu) / (2 * hm) + (gp_mu_s - gm_mu_s) / (2 * hs))
        h = np.empty((4, 4))
        h[:2, :2] = (J * h_mm[:, None]).T @ J
        h[2:, 2:] = (J * h_ss[:, None]).T @ J
        h[:2, 2:] = (J * h_ms[:, None]).T @ J
        h[2:, :2] = h[:2, 2:].T
        g = np.concatenate([J.T @ g_mu, J.T @ g_s]) / n
        return f_only(theta), g, h / n

    f0 = f_only(theta0)
    if not math.isfinite(f0):
        raise ValueError(f"start gives an infinite NLL (log-variance beyond ±{_MAX_LOG_VAR:g})")
    theta, iterations, escapes = theta0, 0, 0
    while True:
        theta, f, g, it, ok = _newton(fgh, f_only, theta, gtol=gtol, max_iter=max_iter)
        iterations += it
        h = fgh(theta)[2]
        eigval, eigvec = np.linalg.eigh(0.5 * (h + h.T))
        if not ok or eigval[0] > -1e-9 * max(1.0, float(np.max(np.abs(eigval)))):
            break
        # A stationary point with negative curvature is a saddle, not a minimum (the
        # MSE start is one when every |residual| is equal): step down along the most
        # negative curvature direction, either way, and run Newton again from there.
        down = _descend_along(f_only, theta, f, eigvec[:, 0])
        if down is None or escapes >= _MAX_ESCAPES:
            break
        theta, escapes = down, escapes + 1
    return GaussianNLLFit(
        a=float(theta[0]), b=float(theta[1]), c=float(theta[2]), d=float(theta[3]),
        nll=float(f), grad=np.asarray(g, dtype=np.float64), start=theta0.copy(),
        start_nll=float(f0), iterations=int(iterations), converged=bool(ok),
        min_hessian_eig=float(eigval[0]), saddle_escapes=escapes,
    )  # fmt: skip


#: Saddle points stepped off at most this many times in one fit.
_MAX_ESCAPES = 5


def _descend_along(f_only, theta: np.ndarray, f: float, v: np.ndarray) -> np.ndarray | None:
    """The first of θ ± t·v, t = 1, ½, ¼, … (down to 2⁻³⁰), lower than f; None if none is."""
    t = 1.0
    while t > 2.0**-30:
        for sign in (1.0, -1.0):
            cand = theta + sign * t * v
            if f_only(cand) < f - 1e-13 * max(1.0, abs(f)):
                return cand
        t *= 0.5
    return None


# --------------------------------------------------------------------------- Poisson NLL
@dataclass(frozen=True, eq=False)
class PoissonFit:
    r"""The minimiser of :math:`\frac1n\sum_i \mathrm{poisson\_nll}(y_i, a x_i + b)`.

    Attributes:
      a, b: the log-rate line z(x) = log λ(x) = a x + b.
      nll: the mean Poisson NLL there (without log y!, as the loss).
      grad: ∇ w.r.t. (a, b) at the optimum: (mean x(e^z − y), mean(e^z − y)).
      iterations, converged: Newton's iterations, and whether ‖∇‖_∞ ≤ gtol.
    """

    a: float
    b: float
    nll: float
    grad: np.ndarray
    iterations: int
    converged: bool

    def rate(self, x: Any) -> np.ndarray:
        """λ(x) = exp(a x + b), always > 0."""
        return np.exp(self.a * np.asarray(x, dtype=np.float64) + self.b)


def poisson_objective(x: Any, counts: Any, theta: Any) -> float:
    """The mean ``poisson_nll(counts, a x + b)`` at θ = (a, b)."""
    xa, ya = _xy(x, counts, 2)
    a, b = np.asarray(theta, dtype=np.float64)
    return float(np.mean(losses.poisson_nll(ya, a * xa + b)))


def fit_poisson(x: Any, counts: Any, *, gtol: float = GTOL, max_iter: int = 200) -> PoissonFit:
    r"""Poisson regression with the log link: the exact minimiser of the mean NLL.

    :math:`f(a, b) = \frac1n\sum_i (e^{z_i} - y_i z_i)`, z_i = a x_i + b, through
    ``losses.poisson_nll``. Convex (e^z is convex and −y z linear), strictly so
    when x takes two distinct values, so Newton's stationary point is the optimum.
    Its first-order conditions are the GLM's score equations Σ(e^z − y) = 0 and
    Σ x(e^z − y) = 0: fitted and observed totals agree. Start a = 0,
    b = log(mean count). O(n) per iteration, typically < 15 iterations.

    The optimum exists only if the positive counts sit at >= 2 distinct x: with
    all counts 0 (or all positive ones at one x) the NLL decreases forever as
    the rate goes to 0 elsewhere; that raises ``ValueError``.

    Args:
      x: 1-D finite array, n >= 2, not all equal.
      counts: 1-D finite array of counts >= 0 (need not be integers), length n.
      gtol: stop at ‖∇f‖_∞ ≤ gtol, > 0.
      max_iter: Newton iterations at most, >= 1.

    Returns:
      A frozen :class:`PoissonFit`.
    """
    xa, ya = _xy(x, counts, 2)
    if np.any(ya < 0):
        raise ValueError(f"counts must be >= 0, got {ya[ya < 0][0]!r}")
    if np.unique(xa[ya > 0]).size < 2:
        raise ValueError(
            "counts must be positive at 2 or more distinct x for the Poisson fit to exist, "
            f"got {np.unique(xa[ya > 0]).size}"
        )
    if not (isinstance(gtol, (int, float)) and math.isfinite(gtol) and gtol > 0):
        raise ValueError(f"gtol must be a finite number > 0, got {gtol!r}")
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    J = _design(xa)
    n = xa.size

    def f_only(theta: np.ndarray) -> float:
        if not np.all(np.isfinite(theta)):
            return math.inf
        z = J @ theta
        if np.max(z) > _MAX_LOG_RATE:
            return math.inf
        return float(np.mean(losses.poisson_nll(ya, z)))

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = J @ theta
        g = losses.poisson_nll_grad(ya, z)
        hz = _step(z)
        w = (losses.poisson_nll_grad(ya, z + hz) - losses.poisson_nll_grad(ya, z - hz)) / (2 * hz)
        return f_only(theta), J.T @ g / n, (J * w[:, None]).T @ J / n

    theta0 = np.array([0.0, math.log(float(np.mean(ya)))])
    theta, f, g, it, ok = _newton(fgh, f_only, theta0, gtol=gtol, max_iter=max_iter)
    return PoissonFit(
        a=float(theta[0]), b=float(theta[1]), nll=float(f), grad=np.asarray(g, dtype=np.float64),
        iterations=int(it), converged=bool(ok),
    )  # fmt: skip
