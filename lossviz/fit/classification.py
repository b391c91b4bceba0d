"""Linear classifiers fitted under a classification loss with L2: exactly where convex.

One entry point, :func:`fit_logistic`, for every loss of a linear score
z = x·w + b (the name is historical: the margin losses fit an SVM, not a
logistic model). Per-sample losses: BCE (``pos_weight``), α-balanced BCE,
label-smoothed BCE, focal, and the margin losses hinge, squared hinge, modified
Huber and exponential. Set-level losses: soft Dice and Tversky of the whole
data set (one number for all n predictions, as a segmentation loss scores a
whole mask).

How each is solved, and how exact it is:

* BCE, pos_weight BCE, α-balanced BCE, smoothed BCE, exponential: smooth and
  strictly convex (with λ > 0) → damped Newton to ‖∇F‖∞ ≤ 1e-10.
* squared hinge, modified Huber: convex and C¹ with a piecewise-constant second
  derivative → Newton with the generalised Hessian (semismooth Newton, finite
  on a piecewise quadratic), to the same gradient tolerance.
* hinge: convex, not differentiable — a QP; see :func:`_fit_hinge` (exact
  KKT solution, certified).
* focal with γ > 0, soft Dice, Tversky: **not convex**; Newton with a
  Levenberg shift finds a stationary point from the reported start
  (``LogisticFit.start``), ``convex=False`` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .. import _validate as _v
from .. import losses, registry
from ._newton import _newton

#: Per-sample losses of a linear score, fitted by :func:`fit_logistic`.
PER_SAMPLE_LOSSES: tuple[str, ...] = (
    "binary_cross_entropy",
    "focal",
    "balanced_bce",
    "smoothed_bce",
    "hinge",
    "squared_hinge",
    "modified_huber",
    "exponential",
)
#: Set-level losses: one value for the whole data set's predicted probabilities σ(z).
SET_LOSSES: tuple[str, ...] = ("soft_dice", "tversky")
#: Loss keys for :func:`fit_logistic`: registry losses plus two pseudo-keys,
#: ``"balanced_bce"`` (focal with γ = 0) and ``"smoothed_bce"`` (BCE of smoothed targets).
CLASSIFICATION_LOSSES: tuple[str, ...] = PER_SAMPLE_LOSSES + SET_LOSSES
#: Losses whose score z is a decision value, not a logit: σ(z) is not a probability.
MARGIN_LOSSES: tuple[str, ...] = ("hinge", "squared_hinge", "modified_huber", "exponential")


@dataclass(frozen=True, eq=False)
class LogisticFit:
    """Minimiser of a regularised classification loss of a linear model.

    Attributes:
      weights: float64 ``(d,)``; bias: the unpenalised intercept.
      objective: the loss (mean over samples, or the set-level value) + (l2/2)‖weights‖².
      iterations: Newton iterations (all stages); converged: first-order condition met
        (for the hinge: the KKT conditions of the QP, verified).
      convex: whether the objective is convex (False: focal γ > 0, Dice, Tversky — a local
        optimum, found from ``start``).
      start: the starting point (w, b) of the solver, float64 ``(d + 1,)``.
      dual: hinge only: the scaled dual variables a_i ∈ [0, 1] (``None`` otherwise), with
        λw = (1/n) Σ a_i t_i x_i, Σ a_i t_i = 0; a_i = 1 inside the margin, 0 beyond it.
    """

    weights: np.ndarray
    bias: float
    objective: float
    iterations: int
    converged: bool
    convex: bool = True
    start: np.ndarray | None = None
    dual: np.ndarray | None = None


def classification_kwargs(loss: str, params: dict[str, Any]) -> dict[str, Any]:
    """Checked keyword arguments of a :data:`CLASSIFICATION_LOSSES` key for its loss function.

    ``"balanced_bce"`` is focal loss with γ fixed at 0: it takes focal's ``alpha``
    (its default, range and check are focal's, from the registry).
    ``"smoothed_bce"`` takes ``label_smoothing`` ε in [0, 1] (default 0.1): BCE of the
    targets (1 − ε)y + ε/2.
    """
    if loss == "balanced_bce":
        unknown = sorted(set(params) - {"alpha"})
        if unknown:
            raise ValueError(f"loss 'balanced_bce' takes no parameter(s) {', '.join(unknown)}")
        if "alpha" in params and params["alpha"] is None:  # None is focal's "no weighting"
            raise ValueError("alpha must be a real number in [0, 1] for 'balanced_bce', got None")
        return registry.loss_kwargs("focal", {**params, "gamma": 0.0})
    if loss == "smoothed_bce":
        unknown = sorted(set(params) - {"label_smoothing"})
        if unknown:
            raise ValueError(f"loss 'smoothed_bce' takes no parameter(s) {', '.join(unknown)}")
        eps = _v.real("label_smoothing", params.get("label_smoothing", 0.1))
        if not 0.0 <= eps <= 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1], got {eps!r}")
        return {"label_smoothing": eps}
    return registry.loss_kwargs(loss, params, among=CLASSIFICATION_LOSSES)


def smoothed_targets(labels: np.ndarray, label_smoothing: float) -> np.ndarray:
    """(1 − ε)y + ε/2: the binary label-smoothing targets (two classes, ε/K with K = 2)."""
    return (1.0 - label_smoothing) * np.asarray(labels, dtype=np.float64) + 0.5 * label_smoothing


def is_convex(loss: str, kw: dict[str, Any]) -> bool:
    """Whether the objective of ``loss`` with checked kwargs ``kw`` is convex in (w, b)."""
    if loss in SET_LOSSES:
        return False
    return not (loss == "focal" and kw["gamma"] > 0.0)


def sample_loss(
    loss: str, kw: dict[str, Any]
) -> tuple[Callable[[Any, np.ndarray], np.ndarray], Callable[[Any, np.ndarray], np.ndarray]]:
    """``(value(y, z), grad(y, z))`` per sample for a :data:`PER_SAMPLE_LOSSES` key.

    Both call the library's loss (``lossviz.losses.<name>`` / ``<name>_grad``) with the
    checked kwargs ``kw``; for ``"smoothed_bce"`` on the smoothed targets, for
    ``"balanced_bce"`` as focal with γ = 0. ``y`` may be a scalar label.
    """
    if loss == "smoothed_bce":
        eps = kw["label_smoothing"]
        return (
            lambda y, z: losses.binary_cross_entropy(smoothed_targets(y, eps), z),
            lambda y, z: losses.binary_cross_entropy_grad(smoothed_targets(y, eps), z),
        )
    key = "focal" if loss == "balanced_bce" else loss
    if key not in PER_SAMPLE_LOSSES:
        raise ValueError(
            f"loss must be one of {', '.join(map(repr, PER_SAMPLE_LOSSES))}; got {loss!r}"
        )
    fn, gfn = getattr(losses, key), getattr(losses, f"{key}_grad")
    return (lambda y, z: fn(y, z, **kw)), (lambda y, z: gfn(y, z, **kw))


def set_loss(loss: str, kw: dict[str, Any]) -> tuple[Callable, Callable]:
    """``(value(y, p), grad(y, p))`` of a :data:`SET_LOSSES` key over the last axis."""
    fn, gfn = getattr(losses, loss), getattr(losses, f"{loss}_grad")
    return (lambda y, p: fn(y, p, **kw)), (lambda y, p: gfn(y, p, **kw))


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
    r"""Minimise :math:`F(w, b) = L(y, Xw + b) + \frac{λ}{2}\|w\|^2` for a linear score.

    L is the mean per-sample loss :math:`\frac1n\sum_i \ell(y_i, z_i)`, or for the
    set-level losses the single value :math:`\ell(y, σ(z))` over all n points.

    Losses (``**params`` their hyperparameters, checked by the registry):

    * ``"binary_cross_entropy"`` (``pos_weight`` w₊: the positive term × w₊);
    * ``"balanced_bce"``: focal with γ = 0 and ``alpha`` (α on positives, 1 − α on negatives);
    * ``"smoothed_bce"``: BCE of the label-smoothed targets (1 − ε)y + ε/2,
      ``label_smoothing`` ε ∈ [0, 1]; its optimal σ(z) never leaves [ε/2, 1 − ε/2];
    * ``"focal"`` (``gamma`` >= 0, ``alpha`` in [0, 1] or None) — non-convex for γ > 0;
    * ``"hinge"`` (``margin``), ``"squared_hinge"`` (``margin``), ``"modified_huber"``,
      ``"exponential"``: margin losses of t = 2y − 1; labels must be 0 or 1 and the score
      z is a decision value, not a logit;
    * ``"soft_dice"`` (``smooth``), ``"tversky"`` (``alpha``, ``beta``, ``smooth``) of the
      predicted probabilities σ(z) of the whole set — non-convex.

    The bias is not penalised. Values and first derivatives come from
    :mod:`lossviz.losses`; the per-sample second derivative :math:`h_i = \ell''(z_i)` is
    analytic for the BCE family (:math:`c_i\,σ(z)(1-σ(z))` with the class weight
    :math:`c_i`), the exponential loss (:math:`e^{-tz}`, the loss itself) and the squared
    hinge / modified Huber (their generalised second derivative, 2 on the quadratic
    piece, 0 elsewhere); a central difference of ``focal_grad`` (step
    :math:`10^{-5}(1 + |z|)`, clipped at 0: a Gauss–Newton-like PSD model) for focal; a
    central difference of the whole gradient in (w, b) for the set-level losses.
    Newton's line search (and Levenberg shift) makes the non-convex cases safe; their
    fixed point is still ∇F = 0, a stationary point reached from ``start`` = 0.

    The hinge is solved as a QP by :func:`_fit_hinge` (needs λ > 0).

    Hessian :math:`H = Z^\top \mathrm{diag}(h) Z / n + λ\,\mathrm{diag}(1,…,1,0)`,
    Z = [X, 1]. Each iteration is O(n d² + d³); typically < 20 iterations.

    Args:
      X: features ``(n, d)``, finite.
      labels: ``(n,)`` in [0, 1] (exactly 0 or 1 for the margin losses).
      loss: see above.
      l2: λ >= 0 (with λ = 0 on separable data no minimiser exists: converged=False).

    Returns:
      A :class:`LogisticFit` with ``‖∇F‖∞ <= 1e-10`` when converged (the hinge: KKT).
    """
    Xm = _matrix("X", X)
    y = _vector_1d("labels", labels, Xm.shape[0])
    if np.any((y < 0) | (y > 1)):
        raise ValueError("labels must lie in [0, 1]")
    l2 = _v.real("l2", l2)
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    kw = classification_kwargs(loss, params)
    if loss in MARGIN_LOSSES and not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError(f"labels must be exactly 0 or 1 for the margin loss {loss!r}")
    n, d = Xm.shape
    Z = np.concatenate([Xm, np.ones((n, 1))], axis=1)
    pen = np.r_[np.full(d, l2), 0.0]  # the bias is not penalised
    start = np.zeros(d + 1)

    if loss == "hinge":
        if l2 <= 0:
            raise ValueError(f"l2 must be > 0 for the hinge loss (an SVM), got {l2!r}")
        return _fit_hinge(Z, y, kw["margin"], l2, start)
    if loss in SET_LOSSES:
        return _fit_set_level(Z, y, loss, kw, pen, start)

    fn, gfn = sample_loss(loss, kw)
    t = 2.0 * y - 1.0
    if loss == "binary_cross_entropy":
        class_weight = kw["pos_weight"] * y + (1.0 - y)  # ℓ'' = (w·y + 1 − y) σ(1−σ)
    elif loss == "smoothed_bce":
        class_weight = 1.0  # soft targets y': ℓ'' = σ(1−σ) whatever y'
    elif loss in ("focal", "balanced_bce"):
        a = kw["alpha"]
        class_weight = 1.0 if a is None else a * y + (1.0 - a) * (1.0 - y)  # α_t

    def second(z: np.ndarray) -> np.ndarray:
        if loss == "squared_hinge":
            return 2.0 * (kw["margin"] - t * z > 0)  # generalised: 2 where the hinge is active
        if loss == "modified_huber":
            tz = t * z
            return 2.0 * ((tz >= -1.0) & (tz < 1.0))  # quadratic piece only; linear below −1
        if loss == "exponential":
            return losses.exponential(y, z)  # (e^{−tz})'' = t² e^{−tz} = the loss itself
        if loss != "focal" or kw["gamma"] == 0.0:  # the BCE family: exact
            s = 1.0 / (1.0 + np.exp(-np.abs(z)))  # σ(|z|): no overflow; σ(1−σ) is even in z
            return class_weight * s * (1.0 - s)
        raise AssertionError("focal with γ > 0 takes its curvature from fd_focal")

    # Focal (γ > 0): ℓ'' by a central difference of focal_grad. The gradient and both
    # shifted gradients are one call on three stacked rows (elementwise: the same
    # numbers as three calls, a third of the calls' fixed cost).
    fd_focal = loss == "focal" and kw["gamma"] != 0.0

    def f_value(theta: np.ndarray) -> float:
        z = Z @ theta
        if not np.all(np.isfinite(z)):
            return math.inf
        with np.errstate(over="ignore"):
            return float(np.mean(fn(y, z))) + 0.5 * float(np.sum(pen * theta * theta))

    f_only, value_at = _remembered(f_value)

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = Z @ theta
        val = value_at(theta)
        if val is None:
            val = float(np.mean(fn(y, z))) + 0.5 * float(np.sum(pen * theta * theta))
        if fd_focal:
            step = 1e-5 * (1.0 + np.abs(z))
            g3 = gfn(y, np.stack([z, z + step, z - step]))
            dz, h = g3[0], np.maximum((g3[1] - g3[2]) / (2.0 * step), 0.0)
        else:
            dz, h = gfn(y, z), second(z)
        grad = Z.T @ dz / n + pen * theta
        hess = (Z.T * h) @ Z / n + np.diag(pen)
        return val, grad, hess

    theta, f, _, its, ok = _newton(fgh, f_only, start, gtol=1e-10)
    return LogisticFit(
        theta[:d].copy(), float(theta[d]), f, its, ok, is_convex(loss, kw), start.copy()
    )


def _fit_set_level(
    Z: np.ndarray, y: np.ndarray, loss: str, kw: dict, pen: np.ndarray, start: np.ndarray
) -> LogisticFit:
    """Dice / Tversky of p = σ(Zθ) over the whole set + (λ/2)‖w‖²: Newton, FD Hessian.

    Not convex (a ratio of sums of sigmoids): the result is the stationary point Newton
    (with its Levenberg shift and line search) reaches from ``start``.
    """
    from ..losses._stable import sigmoid

    fn, gfn = set_loss(loss, kw)
    k = Z.shape[1]

    def f_value(theta: np.ndarray) -> float:
        return float(fn(y, sigmoid(Z @ theta))) + 0.5 * float(np.sum(pen * theta * theta))

    f_only, value_at = _remembered(f_value)

    def grads(thetas: list[np.ndarray]) -> list[np.ndarray]:
        # ∇F at several θ: one call of the loss's gradient on the stacked rows of p (its
        # last axis is the set, so each row is the loss of one θ: the same numbers as
        # one call per θ).
        p = sigmoid(np.stack([Z @ th for th in thetas]))
        dz = gfn(y, p) * p * (1.0 - p)  # chain rule: dσ/dz = p(1−p)
        return [Z.T @ dz[i] + pen * th for i, th in enumerate(thetas)]

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        es = []
        for j in range(k):
            e = np.zeros(k)
            e[j] = 1e-5 * (1.0 + abs(theta[j]))
            es.append(e)
        g = grads([theta] + [theta + e for e in es] + [theta - e for e in es])
        h = np.empty((k, k))
        for j in range(k):
            h[:, j] = (g[1 + j] - g[1 + k + j]) / (2.0 * es[j][j])
        val = value_at(theta)
        return (f_value(theta) if val is None else val), g[0], h

    theta, f, _, its, ok = _newton(fgh, f_only, start, gtol=1e-10)
    return LogisticFit(theta[:-1].copy(), float(theta[-1]), f, its, ok, False, start.copy())


def _fit_hinge(
    Z: np.ndarray, y: np.ndarray, margin: float, l2: float, start: np.ndarray
) -> LogisticFit:
    r"""The L2-regularised hinge (linear SVM with an unpenalised bias), solved exactly.

    .. math:: \min_{w,b}\ \frac1n\sum_i \max(0, m - t_i z_i) + \frac{λ}{2}\|w\|^2

    is a QP. Why not its dual (a box-constrained QP in n variables with one equality
    for the bias) or the primal with n slacks through a generic SciPy solver: n is up
    to 20 000 here, so the dual's n × n Gram matrix alone is 3.2 GB and the slack
    primal has 20 000 variables, while the unknowns that matter are d + 1 = 3.
    The optimum is fixed by its KKT system: with violators V (s_i = m − t_i z_i > 0,
    a_i = 1), margin points E (s_i = 0, a_i ∈ [0, 1]) and the rest (a_i = 0),

    .. math:: λw = \frac1n\sum_i a_i t_i x_i,\quad \sum_i a_i t_i = 0,\quad
              t_j(x_j·w + b) = m\ (j ∈ E)

    a square linear system in (w, b, a_E). Two stages:

    1. find V and E: Newton on the Moreau-smoothed hinge
       ``huber(0, hinge(y, z), delta=μ) / μ`` (the library's functions, composed; it is
       within μ/2 of the hinge), μ = 1, 10⁻¹, …, warm-started;
    2. from μ = 10⁻² on, after each stage, guess E — where the smoothed a_i = s_i/μ is
       fractional, or the j = d + 1, …, 1 points nearest the margin — and V = {s_i > 0}
       off E; solve the KKT system of that partition as an LP feasibility problem
       (HiGHS: the system is linear in (w, b, a_E), a_E ∈ [0, 1], s_i ≥ 0 on V, ≤ 0 on
       the rest) and accept it once NumPy re-checks stationarity and complementary
       slackness to 1e-9 relative. KKT conditions are sufficient for a convex problem:
       that is the optimum.

    If no stage certifies (degenerate data), the last smoothed solution is returned,
    whose objective is within μ/2 = 5·10⁻¹³ of the optimum (if its Newton converged);
    converged = False unless that bound is below 1e-9 relative.
    """
    n, k = Z.shape
    d = k - 1
    t = 2.0 * y - 1.0
    pen = np.r_[np.full(d, l2), 0.0]

    def objective(theta: np.ndarray) -> float:
        return float(np.mean(losses.hinge(y, Z @ theta, margin=margin))) + 0.5 * float(
            np.sum(pen * theta * theta)
        )

    def smoothed(mu: float):
        def f_value(theta: np.ndarray) -> float:
            h = losses.hinge(y, Z @ theta, margin=margin)
            return float(np.mean(losses.huber(0.0, h, delta=mu))) / mu + 0.5 * float(
                np.sum(pen * theta * theta)
            )

        f_only, value_at = _remembered(f_value)

        def fgh(theta: np.ndarray):
            z = Z @ theta
            h = losses.hinge(y, z, margin=margin)
            val = value_at(theta)
            if val is None:
                val = float(np.mean(losses.huber(0.0, h, delta=mu))) / mu
                val += 0.5 * float(np.sum(pen * theta * theta))
            dz = losses.huber_grad(0.0, h, delta=mu) / mu * losses.hinge_grad(y, z, margin=margin)
            curv = ((h > 0) & (h < mu)) / mu  # generalised second derivative in z (t² = 1)
            grad = Z.T @ dz / n + pen * theta
            hess = (Z.T * curv) @ Z / n + np.diag(pen)
            return val, grad, hess

        return fgh, f_only

    def certify(s: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        V = s > 0
        V[E] = False
        R = ~V
        R[E] = False
        # The KKT system of this partition is linear in (θ, a_E): an LP feasibility
        # problem (HiGHS). Equalities: stationarity in (w, b) and t_j z_j = m on E;
        # inequalities: s_i >= 0 on V, s_i <= 0 on R; bounds a_E ∈ [0, 1].
        m_e = E.size
        tz_rows = Z * t[:, None]  # row i: θ ↦ t_i z_i
        # Sparse: a degenerate margin (w = 0 puts every negative on it) has m_e ~ n.
        a_eq = sparse.bmat(
            [
                [sparse.diags(pen), sparse.csr_matrix(-tz_rows[E].T / n)],
                [sparse.csr_matrix(tz_rows[E]), None],
            ],
            format="csr",
        ) if m_e else sparse.csr_matrix(np.diag(pen))  # fmt: skip
        b_eq = np.r_[tz_rows[V].sum(axis=0) / n, np.full(m_e, margin)]
        n_ub = int(V.sum() + R.sum())
        a_ub = sparse.hstack(
            [sparse.csr_matrix(np.r_[tz_rows[V], -tz_rows[R]]), sparse.csr_matrix((n_ub, m_e))],
            format="csr",
        )
        b_ub = np.r_[np.full(int(V.sum()), margin), np.full(int(R.sum()), -margin)]
        res = linprog(
            np.zeros(k + m_e),
            A_ub=a_ub if n_ub else None,
            b_ub=b_ub if n_ub else None,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=[(None, None)] * k + [(0.0, 1.0)] * m_e,
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if res.status != 0:
            return None
        th = res.x[:k]
        a = V.astype(np.float64)
        a[E] = np.clip(res.x[k:], 0.0, 1.0)
        # Re-check in float64 what HiGHS claims: stationarity with these a, and that a
        # is 1 inside the margin, 0 beyond it (complementary slackness).
        s_new = margin - t * (Z @ th)
        stat = pen * th - tz_rows.T @ a / n
        tol = 1e-9 * (margin + float(np.max(np.abs(Z @ th))) + 1.0)
        ok = (
            float(np.max(np.abs(stat))) <= tol
            and np.all(s_new[V] >= -tol)
            and np.all(s_new[R] <= tol)
            and np.all(np.abs(s_new[E]) <= tol)
        )
        return (th, a) if ok else None

    theta = start.copy()
    total = 0
    # Start smooth enough that every point is on the quadratic piece at θ = 0 (s_i = m
    # there): the first Newton model then has curvature in every direction.
    mu = 2.0 * (margin + 1.0)
    while True:
        fgh, f_only = smoothed(mu)
        theta, its, newton_ok = _levenberg(fgh, f_only, theta, gtol=1e-13)
        total += its
        if mu <= 1e-2:
            # Candidate margin sets: where the smoothed dual s/μ is fractional (all of a
            # degenerate margin, e.g. w = 0), else the j points nearest the margin (j = k,
            # …, 1: generically the optimum has exactly k = d + 1 of them).
            s = margin - t * (Z @ theta)
            near = np.argsort(np.abs(s), kind="stable")
            cands = [np.flatnonzero((s > 0) & (s < mu))] + [near[:j] for j in range(k, 0, -1)]
            for E in cands:
                got = certify(s, E)
                if got is not None:
                    th, a = got
                    return LogisticFit(
                        th[:d].copy(), float(th[d]), objective(th), total, True, True,
                        start.copy(), a,
                    )  # fmt: skip
        if mu <= 1e-12:
            break
        mu *= 0.1
    f = objective(theta)
    a = np.clip((margin - t * (Z @ theta)) / mu, 0.0, 1.0)
    # F(θ_μ) − F* <= μ/2 when θ_μ minimises the smoothed objective (F − μ/2 <= F_μ <= F).
    ok = newton_ok and mu / 2 <= 1e-9 * max(abs(f), 1e-300)
    return LogisticFit(theta[:d].copy(), float(theta[d]), f, total, ok, True, start.copy(), a)


def _levenberg(fgh, f_only, theta0: np.ndarray, *, gtol: float, max_iter: int = 300):
    """Levenberg–Marquardt-damped Newton for a convex C¹ piecewise quadratic.

    The smoothed hinge's generalised Hessian is singular in the bias once few points
    sit on the quadratic piece; a damping ρ that shrinks after each accepted step and
    grows after each rejected one keeps every step finite (where a line search along
    an undamped direction stalls). Returns ``(θ, iterations, converged)``.
    """
    theta = np.array(theta0, dtype=np.float64)
    f, g, h = fgh(theta)
    rho = 1e-6 * max(float(np.max(np.abs(np.diag(h)))), 1e-12)
    eye = np.eye(theta.size)
    for it in range(1, max_iter + 1):
        if float(np.max(np.abs(g))) <= gtol:
            return theta, it - 1, True
        step = -np.linalg.solve(h + rho * eye, g)
        f_new = f_only(theta + step)
        if f_new <= f - 1e-4 * rho * float(step @ step) or (
            f_new <= f and float(np.max(np.abs(step))) <= 1e-15 * (1.0 + np.max(np.abs(theta)))
        ):
            theta = theta + step
            f, g, h = fgh(theta)
            rho = max(rho / 3.0, 1e-18)
        else:
            rho *= 4.0
            if rho > 1e20:
                break
    return theta, max_iter, bool(float(np.max(np.abs(g))) <= gtol)


def _remembered(f_value: Callable[[np.ndarray], float]):
    """``(f_only, value_at)``: ``f_value`` that remembers its last point and value.

    Newton's line search evaluates F at the point it then steps to, where the solver
    asks fgh for F again: ``value_at(θ)`` returns the value remembered for exactly
    that θ (bit for bit), None for any other θ.
    """
    last: list = [None, 0.0]

    def f_only(theta: np.ndarray) -> float:
        v = f_value(theta)
        last[0], last[1] = theta.tobytes(), v
        return v

    def value_at(theta: np.ndarray) -> float | None:
        return last[1] if last[0] == theta.tobytes() else None

    return f_only, value_at


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
