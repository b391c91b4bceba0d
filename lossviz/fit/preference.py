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

    def f_value(rew: np.ndarray) -> float:
        val = np.mean(losses.bradley_terry(rew[c], rew[r], margin=margin))
        return float(val) + 0.5 * l2 * float(rew @ rew)

    last: list = [None, 0.0]  # the line search's last point and F there (fgh's next θ)

    def f_only(rew: np.ndarray) -> float:
        last[0], last[1] = rew.tobytes(), f_value(rew)
        return last[1]

    def fgh(rew: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        val = last[1] if last[0] == rew.tobytes() else f_value(rew)
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
        return val, grad, hess

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


# --------------------------------------------------------------------------- policies
#: The losses :func:`fit_preference_policy` fits a policy with.
POLICY_LOSSES = ("dpo", "ipo", "hinge")


@dataclass(frozen=True, eq=False)
class PolicyFit:
    """A tabular policy over K responses fitted to preference pairs.

    Attributes:
      logits: θ ``(K,)``; the policy is softmax(θ).
      logprobs: log π_θ = θ − logsumexp θ, ``(K,)``.
      objective: F(θ) at ``logits`` (see :func:`fit_preference_policy`).
      iterations: Newton iterations (or the LP/QP solver's).
      converged: True when ``logits`` is a minimiser to the solver's tolerance
        (first-order condition ‖∇F‖∞ ≤ 1e-10 for DPO/IPO). False when there is none.
      unbounded: True when F has no finite minimiser (DPO with l2 = 0 on preferences
        no response ever contradicts: the infimum is approached as the winners'
        probabilities go to 1). ``logits`` are then where the solver stopped, F within
        round-off of its infimum along the way, and ``converged`` is False.
      note: a sentence saying which of these it is, for a page to show.
    """

    logits: np.ndarray
    logprobs: np.ndarray
    objective: float
    iterations: int
    converged: bool
    unbounded: bool = False
    note: str = ""

    @property
    def probs(self) -> np.ndarray:
        """π_θ, ``(K,)``."""
        return np.exp(self.logprobs)


def _log_softmax(theta: np.ndarray) -> np.ndarray:
    # Max subtracted: exp never overflows, and the largest entry is exactly 0 − log Σ.
    z = theta - np.max(theta)
    return z - np.log(np.sum(np.exp(z)))


#: The pair graphs' components last computed (a β sweep fits one graph 80 times): at
#: most a few graphs, keyed by the pairs' bytes, so a lookup is exact.
_GRAPHS: dict[tuple[bytes, bytes, int], tuple[bool, np.ndarray]] = {}
_GRAPHS_MAX = 4


def _graph(c: np.ndarray, r: np.ndarray, k: int) -> tuple[bool, np.ndarray]:
    """(whether a recession direction exists, each response's connected part label)."""
    key = (c.tobytes(), r.tobytes(), k)
    got = _GRAPHS.get(key)
    if got is None:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        g = coo_matrix((np.ones(c.size), (r, c)), shape=(k, k)).tocsr()
        weak, _ = connected_components(g, directed=True, connection="weak")
        strong, _ = connected_components(g, directed=True, connection="strong")
        _, label = connected_components(g, directed=False)
        got = (bool(strong != weak), label)
        while len(_GRAPHS) >= _GRAPHS_MAX:
            _GRAPHS.pop(next(iter(_GRAPHS)))
        _GRAPHS[key] = got
    return got


def _has_recession_direction(c: np.ndarray, r: np.ndarray, k: int) -> bool:
    """Whether some θ-direction raises every pair's h weakly and one strictly.

    That is Zermelo/Ford's condition for the Bradley–Terry likelihood (and DPO's) to
    have no finite maximiser: the "chosen beats rejected" graph is not strongly
    connected within one of its (weakly) connected components.
    """
    return _graph(c, r, k)[0]


def _part_means(x: np.ndarray, c: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Each entry replaced by the mean of x over its connected part of the pair graph."""
    label = _graph(c, r, x.size)[1]
    sums = np.bincount(label, weights=x)
    return (sums / np.bincount(label))[label]


def fit_preference_policy(
    chosen: Any,
    rejected: Any,
    ref_logprobs: Any,
    *,
    loss: str = "dpo",
    beta: float = 0.1,
    l2: float = 0.0,
) -> PolicyFit:
    r"""Fit a tabular policy over K responses to one prompt from preference pairs.

    log π_θ(i) = θ_i − logsumexp θ, and with h_p = (log π_θ(c_p) − ρ(c_p)) −
    (log π_θ(r_p) − ρ(r_p)), ρ = ``ref_logprobs``, the objective is

    .. math:: F(θ) = \frac1m \sum_p ℓ_p + \frac{λ}{2}\|θ\|^2,

    * ``"dpo"``: ℓ_p = ``losses.dpo(log π(c), log π(r), ρ(c), ρ(r), beta=β)`` = −log σ(βh_p);
    * ``"ipo"``: ℓ_p = ``losses.ipo(...)`` = (h_p − 1/(2β))²;
    * ``"hinge"`` (SLiC / RSO): ℓ_p = ``losses.preference_hinge(β(log π(c) − ρ(c)),
      β(log π(r) − ρ(r)), margin=1)`` = max(0, 1 − βh_p), the β-scaled log-ratios as the
      scores (TRL's ``loss_type="hinge"``).

    Each ℓ_p depends on θ only through θ_c − θ_r, so F is convex in θ; the softmax
    makes θ + c·1 the same policy (and a response that is in no pair is free). The
    gauge: the fit starts at the reference (θ = ρ) and every Newton step lies in the
    range of the Hessian, so with λ = 0 the result is the minimiser nearest the
    reference (responses in no pair keep their reference logit). With λ > 0 the
    ridge pulls θ towards 0, the uniform policy, and the minimiser is unique.

    DPO and IPO are solved by damped Newton (gradient from ``dpo_grad``/``ipo_grad``,
    second derivative in h analytic: β²σ(βh)σ(−βh) for DPO, 2 for IPO) to
    ‖∇F‖∞ ≤ 1e-10. The hinge is a linear program for λ = 0 (HiGHS) and a
    box-constrained QP in its dual for λ > 0.

    With λ = 0, DPO has no finite minimiser when the preference graph has a direction
    that no pair contradicts, e.g. noise-free labels (every pair agrees with one
    order): the infimum is approached as π(winner) → 1, whatever β is (Azar et al.
    2023, §4.2). That is reported (``unbounded=True``, ``converged=False``), with θ
    where Newton stopped (the gradient at the round-off floor), not raised. IPO always
    has a minimiser (a least-squares problem); for a single pair h = 1/(2β).

    Args:
      chosen, rejected: integer response indices ``(m,)`` in [0, K), never equal.
      ref_logprobs: log π_ref ``(K,)``, K >= 2, finite, summing (as probabilities) to 1
        within 1e-9.
      loss: ``"dpo"``, ``"ipo"`` or ``"hinge"``.
      beta: β > 0.
      l2: λ >= 0, the ridge on θ.

    Returns:
      A :class:`PolicyFit`. O(m + K³) per Newton iteration.

    References: Rafailov et al., "Direct Preference Optimization", NeurIPS 2023;
    Azar et al., "A General Theoretical Paradigm to Understand Learning from Human
    Preferences", arXiv:2310.12036, 2023; Zhao et al., "SLiC-HF", arXiv:2305.10425;
    Liu et al., "Statistical Rejection Sampling Improves Preference Optimization",
    arXiv:2309.06657, 2023.
    """
    ref = np.asarray(ref_logprobs, dtype=np.float64) if _is_real(ref_logprobs) else None
    if ref is None or ref.ndim != 1 or ref.size < 2:
        raise ValueError(f"ref_logprobs must be a 1-D array of >= 2 reals, got {ref_logprobs!r}")
    bad = ~np.isfinite(ref) | (ref > 0)
    if bad.any():
        raise ValueError(
            f"ref_logprobs must be finite and <= 0 (log-probabilities), got {ref[bad][0]!r}"
        )
    total = float(np.sum(np.exp(ref)))
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"ref_logprobs must sum to 1 as probabilities (±1e-9), got {total!r}")
    k = ref.size
    c = _index_array("chosen", chosen, k)
    r = _index_array("rejected", rejected, k)
    if c.shape != r.shape:
        raise ValueError(
            f"chosen and rejected must have the same shape, got {c.shape} and {r.shape}"
        )
    if np.any(c == r):
        raise ValueError("chosen and rejected must differ in every pair")
    loss = _v.choice("loss", loss, POLICY_LOSSES)
    beta = _v.positive("beta", beta)
    l2 = _v.in_range("l2", l2, 0.0)
    if loss == "hinge":
        return _fit_hinge_policy(c, r, ref, beta, l2)
    return _fit_smooth_policy(c, r, ref, loss, beta, l2)


def _is_real(a: Any) -> bool:
    try:
        np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _policy_objective(c, r, ref, loss, beta, l2):
    """F(θ) and the per-pair loss from the one loss function."""
    fn = {"dpo": losses.dpo, "ipo": losses.ipo}[loss]
    m = c.size

    def f_only(theta: np.ndarray) -> float:
        lp = _log_softmax(theta)
        val = np.sum(fn(lp[c], lp[r], ref[c], ref[r], beta=beta)) / m
        return float(val) + 0.5 * l2 * float(theta @ theta)

    return f_only


def _fit_smooth_policy(c, r, ref, loss, beta, l2) -> PolicyFit:
    k, m = ref.size, c.size
    grad_fn = {"dpo": losses.dpo_grad, "ipo": losses.ipo_grad}[loss]
    f_value = _policy_objective(c, r, ref, loss, beta, l2)
    last: list = [None, 0.0]  # the line search's last point and F there (fgh's next θ)

    def f_only(theta: np.ndarray) -> float:
        last[0], last[1] = theta.tobytes(), f_value(theta)
        return last[1]

    def fgh(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        val = last[1] if last[0] == theta.tobytes() else f_value(theta)
        lp = _log_softmax(theta)
        pi = np.exp(lp)
        gc, gr = grad_fn(lp[c], lp[r], ref[c], ref[r], beta=beta)
        # ∂ log π_i / ∂θ_j = δ_ij − π_j: the −π part is (Σ gc + gr)·π, zero for DPO
        # and IPO (gr = −gc) but kept so the chain rule is the whole one.
        grad = (
            np.bincount(c, weights=gc, minlength=k)
            + np.bincount(r, weights=gr, minlength=k)
            - np.sum(gc + gr) * pi
        ) / m + l2 * theta
        # ℓ_p depends on θ only through θ_c − θ_r = h_p + const, so its Hessian is
        # w_p (e_c − e_r)(e_c − e_r)ᵀ with w_p = d²ℓ/dh² (gr = −gc for both losses).
        if loss == "dpo":
            s = -gc / beta  # σ(−βh)
            w = beta * beta * s * (1.0 - s) / m
        else:
            w = np.full(m, 2.0 / m)
        hess = l2 * np.eye(k)
        np.add.at(hess, (c, c), w)
        np.add.at(hess, (r, r), w)
        np.add.at(hess, (c, r), -w)
        np.add.at(hess, (r, c), -w)
        return val, grad, hess

    unbounded = loss == "dpo" and l2 == 0.0 and _has_recession_direction(c, r, k)
    theta, f, _, its, ok = _newton(fgh, f_only, ref.copy(), gtol=1e-10, max_iter=500)
    if l2 == 0.0:
        # The gauge, exactly: F depends only on differences within each connected part
        # of the comparison graph, so shifting a part by a constant changes neither F nor
        # its gradient. Newton's Levenberg shift can leave a ~1e-7 drift along those
        # directions; each part's mean of θ − ρ is put back to 0 (the projection of the
        # reference onto the set of minimisers).
        theta = theta - _part_means(theta - ref, c, r)
        f = f_only(theta)
    if unbounded:
        note = (
            "DPO with λ = 0 has no finite minimiser here: no pair contradicts an order of "
            "the responses, so F decreases for ever as the winners' probabilities go to 1; "
            f"shown where Newton stopped after {its} steps (F = {f:.2e})."
        )
        return PolicyFit(theta, _log_softmax(theta), f, its, False, True, note)
    note = "minimiser (‖∇F‖∞ ≤ 1e-10)" if ok else "stopped before ‖∇F‖∞ ≤ 1e-10"
    return PolicyFit(theta, _log_softmax(theta), f, its, ok, False, note)


def _hinge_objective(c, r, ref, beta, l2):
    m = c.size

    def f_only(theta: np.ndarray) -> float:
        lp = _log_softmax(theta)
        val = losses.preference_hinge(beta * (lp[c] - ref[c]), beta * (lp[r] - ref[r]), margin=1.0)
        return float(np.sum(val) / m) + 0.5 * l2 * float(theta @ theta)

    return f_only


def _fit_hinge_policy(c, r, ref, beta, l2) -> PolicyFit:
    """max(0, 1 − βh) is piecewise linear in θ: an LP (λ = 0) or a QP (λ > 0).

    Pairs with the same (chosen, rejected) share their h, so they are merged with a
    count n_q. With A the ±1 incidence rows (e_c − e_r) and Δ_q = ρ(c) − ρ(r), h_q =
    A_q θ − Δ_q.
    """
    from scipy.optimize import linprog, minimize

    k, m = ref.size, c.size
    pairs, counts = np.unique(np.stack([c, r], axis=1), axis=0, return_counts=True)
    q = pairs.shape[0]
    a = np.zeros((q, k))
    a[np.arange(q), pairs[:, 0]] = 1.0
    a[np.arange(q), pairs[:, 1]] = -1.0
    delta = ref[pairs[:, 0]] - ref[pairs[:, 1]]
    w = counts / m
    f_only = _hinge_objective(c, r, ref, beta, l2)
    if l2 == 0.0:
        # min Σ w ξ  s.t.  ξ ≥ 1 − β(Aθ − Δ), ξ ≥ 0, θ free.
        res = linprog(
            np.concatenate([np.zeros(k), w]),
            A_ub=np.hstack([-beta * a, -np.eye(q)]),
            b_ub=-1.0 - beta * delta,
            bounds=[(None, None)] * k + [(0, None)] * q,
            method="highs",
        )
        if res.status != 0:  # pragma: no cover - HiGHS on a bounded feasible LP
            raise RuntimeError(f"HiGHS failed on the hinge LP: {res.message}")
        theta = res.x[:k] - np.mean(res.x[:k]) + np.mean(ref)
        f = f_only(theta)
        note = "a minimiser (HiGHS LP; with λ = 0 the minimiser is not unique)"
        return PolicyFit(theta, _log_softmax(theta), f, int(res.nit), True, False, note)

    # Dual: max_α Σ α(1 + βΔ) − β²/(2λ) ‖Aᵀα‖², 0 ≤ α ≤ w; θ = (β/λ) Aᵀα.
    b = 1.0 + beta * delta
    g2 = beta * beta / l2

    def neg_dual(alpha: np.ndarray) -> tuple[float, np.ndarray]:
        v = a.T @ alpha
        return 0.5 * g2 * float(v @ v) - float(b @ alpha), g2 * (a @ v) - b

    res = minimize(
        neg_dual,
        np.zeros(q),
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(np.zeros(q), w, strict=True)),
        options={"ftol": 1e-16, "gtol": 1e-14, "maxiter": 10_000},
    )
    theta = (beta / l2) * (a.T @ res.x)
    theta, f = _polish_hinge(theta, a, delta, w, beta, l2, f_only)
    gap = f + neg_dual(np.clip(res.x, 0, w))[0]  # primal − dual >= 0
    ok = gap <= 1e-10 * max(1.0, abs(f))
    note = f"minimiser (primal − dual gap {gap:.1e})"
    return PolicyFit(theta, _log_softmax(theta), f, int(res.nit), ok, False, note)


def _polish_hinge(theta, a, delta, w, beta, l2, f_only):
    """Solve the QP exactly on the active set the dual solution identifies.

    Pairs with 1 − βh > 0 contribute their full weight, those with 1 − βh = 0 are held
    at the kink: θ minimises λ/2‖θ‖² − β Σ_U w_q A_q θ subject to A_F θ = Δ_F + 1/β,
    a linear KKT system. Kept only if F does not grow.
    """
    f = f_only(theta)
    u = 1.0 - beta * (a @ theta - delta)
    tol = 1e-7
    upper, free = u > tol, np.abs(u) <= tol
    k = theta.size
    af = a[free]
    kkt = np.block([[l2 * np.eye(k), af.T], [af, np.zeros((af.shape[0], af.shape[0]))]])
    rhs = np.concatenate([beta * (a[upper].T @ w[upper]), delta[free] + 1.0 / beta])
    sol = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    cand = sol[:k]
    fc = f_only(cand)
    if fc <= f:
        return cand, fc
    return theta, f
