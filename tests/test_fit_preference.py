"""fit_preference_policy (DPO, IPO, SLiC hinge) and policy_preference_data.

Exactness: each fit's objective is compared with an independent solve written here
(closed forms, least squares, SciPy's BFGS / HiGHS on objectives written from the
formulas in the papers), and its first-order condition is checked with a gradient
(or subgradient) written here.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog, lsq_linear, minimize

from lossviz.data import policy_preference_data, preference_data
from lossviz.fit import POLICY_LOSSES, fit_preference_policy

REF4 = np.log(np.array([0.1, 0.2, 0.3, 0.4]))


def _noisy_pairs(k=4, m=60, seed=0):
    rng = np.random.default_rng(seed)
    c = rng.integers(0, k, m)
    r = (c + rng.integers(1, k, m)) % k
    return c, r


def _log_softmax(t):
    t = t - t.max()
    return t - np.log(np.exp(t).sum())


def _h(theta, c, r, ref):
    lp = _log_softmax(theta)
    return (lp[c] - ref[c]) - (lp[r] - ref[r])


# Independent objectives, from the papers' formulas (Rafailov et al. 2023 eq. 7; Azar et
# al. 2023 eq. 17; TRL's hinge = max(0, 1 − βh)), not from lossviz.losses.
def _dpo_obj(theta, c, r, ref, beta, l2):
    return np.mean(np.logaddexp(0.0, -beta * _h(theta, c, r, ref))) + 0.5 * l2 * theta @ theta


def _ipo_obj(theta, c, r, ref, beta, l2):
    return np.mean((_h(theta, c, r, ref) - 0.5 / beta) ** 2) + 0.5 * l2 * theta @ theta


def _dpo_grad(theta, c, r, ref, beta, l2):
    k = theta.size
    s = 1.0 / (1.0 + np.exp(beta * _h(theta, c, r, ref)))  # σ(−βh)
    g = -beta * s / c.size
    return np.bincount(c, g, k) - np.bincount(r, g, k) + l2 * theta


def _ipo_grad(theta, c, r, ref, beta, l2):
    k = theta.size
    g = 2.0 * (_h(theta, c, r, ref) - 0.5 / beta) / c.size
    return np.bincount(c, g, k) - np.bincount(r, g, k) + l2 * theta


def _bfgs(obj, grad, k, args):
    """BFGS from zero with θ_0 pinned at 0 (the softmax gauge) when there is no ridge."""
    if args[-1] == 0.0:

        def f(x):
            return obj(np.concatenate([[0.0], x]), *args)

        def g(x):
            return grad(np.concatenate([[0.0], x]), *args)[1:]

        res = minimize(f, np.zeros(k - 1), jac=g, method="BFGS", options={"gtol": 1e-12})
    else:
        res = minimize(
            lambda t: obj(t, *args),
            np.zeros(k),
            jac=lambda t: grad(t, *args),
            method="BFGS",
            options={"gtol": 1e-12},
        )
    return float(res.fun)


# --------------------------------------------------------------------------- DPO / IPO
@pytest.mark.parametrize("beta", [0.1, 0.5, 2.0])
def test_ipo_single_pair_reaches_h_equal_one_over_two_beta(beta):
    # Azar et al. 2023, §5: the IPO loss (h − 1/(2β))² is minimised at h = 1/(2β).
    fit = fit_preference_policy([2], [0], REF4, loss="ipo", beta=beta)
    h = (fit.logprobs[2] - REF4[2]) - (fit.logprobs[0] - REF4[0])
    assert h == pytest.approx(1.0 / (2.0 * beta), rel=1e-10)
    assert fit.objective == pytest.approx(0.0, abs=1e-18)
    assert fit.converged and not fit.unbounded
    assert np.exp(fit.logprobs).sum() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("n_win, n_lose", [(3, 1), (7, 5), (1, 4)])
@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_dpo_two_responses_match_the_bradley_terry_closed_form(n_win, n_lose, beta):
    # Two responses, n_win pairs 0 ≻ 1 and n_lose pairs 1 ≻ 0: the Bradley–Terry MLE
    # has σ(βh) = n_win / (n_win + n_lose) (set the derivative of the mean loss to 0),
    # so h = logit(p)/β and F = −p log p − (1 − p) log(1 − p).
    ref = np.log(np.array([0.7, 0.3]))
    c = np.array([0] * n_win + [1] * n_lose)
    r = 1 - c
    fit = fit_preference_policy(c, r, ref, loss="dpo", beta=beta)
    p = n_win / (n_win + n_lose)
    h = (fit.logprobs[0] - ref[0]) - (fit.logprobs[1] - ref[1])
    assert h == pytest.approx(np.log(p / (1 - p)) / beta, rel=1e-9)
    entropy = -p * np.log(p) - (1 - p) * np.log(1 - p)
    assert fit.objective == pytest.approx(entropy, rel=1e-12)
    assert fit.converged and not fit.unbounded


@pytest.mark.parametrize("l2", [0.0, 0.01, 0.3])
@pytest.mark.parametrize("beta", [0.1, 0.7])
def test_ipo_equals_its_least_squares_solution(beta, l2):
    # IPO is linear least squares in θ: h_p = (θ_c − θ_r) − Δρ_p; solved here with lstsq
    # on the stacked system [A/√m; √λ I] θ = [(Δρ + 1/(2β))/√m; 0] (ridge rows √(λ/2)).
    c, r = _noisy_pairs()
    m, k = c.size, REF4.size
    a = np.zeros((m, k))
    a[np.arange(m), c] = 1.0
    a[np.arange(m), r] -= 1.0
    y = (REF4[c] - REF4[r]) + 0.5 / beta
    lhs, rhs = a / np.sqrt(m), y / np.sqrt(m)
    if l2 > 0:
        lhs, rhs = np.vstack([lhs, np.sqrt(l2 / 2) * np.eye(k)]), np.concatenate([rhs, np.zeros(k)])
    theta = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
    best = _ipo_obj(theta, c, r, REF4, beta, l2)
    fit = fit_preference_policy(c, r, REF4, loss="ipo", beta=beta, l2=l2)
    assert fit.objective == pytest.approx(best, rel=1e-8)
    assert np.max(np.abs(_ipo_grad(fit.logits, c, r, REF4, beta, l2))) < 1e-9
    assert fit.converged


@pytest.mark.parametrize("l2", [0.0, 0.01, 0.3])
@pytest.mark.parametrize("beta", [0.1, 0.7, 3.0])
def test_dpo_on_noisy_pairs_equals_an_independent_bfgs_solve(beta, l2):
    c, r = _noisy_pairs(k=5, m=80, seed=3)
    ref = _log_softmax(np.array([0.3, -1.0, 0.5, 0.0, 1.2]))
    fit = fit_preference_policy(c, r, ref, loss="dpo", beta=beta, l2=l2)
    best = _bfgs(_dpo_obj, _dpo_grad, 5, (c, r, ref, beta, l2))
    assert fit.objective == pytest.approx(best, rel=1e-8)
    assert fit.objective <= best + 1e-12
    assert np.max(np.abs(_dpo_grad(fit.logits, c, r, ref, beta, l2))) < 1e-9
    assert fit.converged and not fit.unbounded


@pytest.mark.parametrize("loss", ["dpo", "ipo"])
def test_without_a_ridge_the_fit_is_the_minimiser_nearest_the_reference(loss):
    # Response 3 is in no pair: its logit stays at the reference's, and the common shift
    # of θ (which the softmax ignores) stays at the reference's mean.
    c = np.array([0, 1, 2, 0, 1])
    r = np.array([1, 2, 0, 2, 0])
    fit = fit_preference_policy(c, r, REF4, loss=loss, beta=0.5)
    assert fit.converged
    assert fit.logits[3] == pytest.approx(REF4[3], abs=1e-12)
    assert fit.logits.mean() == pytest.approx(REF4.mean(), abs=1e-12)


def _noise_free(k=5, m=200, seed=0):
    d = policy_preference_data(k, m, noise_free=True, seed=seed)
    return d


@pytest.mark.parametrize("beta", [0.05, 0.5, 2.0])
def test_dpo_on_noise_free_pairs_has_no_minimiser_and_sends_the_best_to_one(beta):
    # Azar et al. 2023, §4.2: with deterministic preferences the DPO optimum puts all
    # mass on the preferred response whatever β; the loss has no finite minimiser.
    d = _noise_free()
    fit = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="dpo", beta=beta)
    assert fit.unbounded and not fit.converged
    assert "no finite minimiser" in fit.note
    assert fit.objective < 1e-8  # the infimum is 0: every pair can be made to cost nothing
    assert fit.probs[d.best] > 1 - 1e-4


@pytest.mark.parametrize("beta", [0.05, 0.5, 2.0])
def test_ipo_on_noise_free_pairs_stays_at_a_distance_set_by_beta(beta):
    d = _noise_free()
    fit = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="ipo", beta=beta)
    assert fit.converged and not fit.unbounded
    assert fit.probs[d.best] < 1 - 1e-6
    assert (
        np.max(np.abs(_ipo_grad(fit.logits, d.chosen, d.rejected, d.ref_logprobs, beta, 0.0)))
        < 1e-9
    )


def test_ipo_best_probability_falls_as_beta_grows_on_noise_free_pairs():
    d = _noise_free()
    best = [
        fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="ipo", beta=b).probs[
            d.best
        ]
        for b in (0.1, 0.3, 1.0, 3.0)
    ]
    assert all(x > y for x, y in itertools.pairwise(best))


def test_dpo_with_a_ridge_on_noise_free_pairs_is_finite_and_exact():
    d = _noise_free()
    args = (d.chosen, d.rejected, d.ref_logprobs, 0.5, 0.05)
    fit = fit_preference_policy(*args[:3], loss="dpo", beta=0.5, l2=0.05)
    assert fit.converged and not fit.unbounded
    assert fit.objective == pytest.approx(_bfgs(_dpo_obj, _dpo_grad, 5, args), rel=1e-8)
    assert np.max(np.abs(_dpo_grad(fit.logits, *args))) < 1e-9


def test_dpo_on_many_bradley_terry_pairs_approaches_the_kl_regularised_optimum():
    # Rafailov et al. 2023, §4: under Bradley–Terry labels DPO's population optimum is
    # π* ∝ π_ref exp(r/(Tβ)); with 40 000 pairs over 4 responses the fit is within
    # sampling error (~1/√(pairs per response pair) ≈ 0.01 in probability).
    d = policy_preference_data(4, 40_000, temperature=1.0, ref_spread=0.5, seed=1)
    beta = 0.5
    fit = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="dpo", beta=beta)
    assert fit.converged
    np.testing.assert_allclose(fit.probs, np.exp(d.optimal_logprobs(beta)), atol=0.02)


# --------------------------------------------------------------------------- hinge
def _hinge_obj(theta, c, r, ref, beta, l2):
    return np.mean(np.maximum(0.0, 1.0 - beta * _h(theta, c, r, ref))) + 0.5 * l2 * theta @ theta


@pytest.mark.parametrize("beta", [0.2, 1.0])
def test_hinge_without_ridge_equals_a_per_pair_linear_program(beta):
    # Independent LP, one slack per pair (the fit merges repeated pairs).
    c, r = _noisy_pairs(k=4, m=40, seed=5)
    m, k = c.size, 4
    a = np.zeros((m, k))
    a[np.arange(m), c] = 1.0
    a[np.arange(m), r] -= 1.0
    res = linprog(
        np.concatenate([np.zeros(k), np.full(m, 1.0 / m)]),
        A_ub=np.hstack([-beta * a, -np.eye(m)]),
        b_ub=-1.0 - beta * (REF4[c] - REF4[r]),
        bounds=[(None, None)] * k + [(0, None)] * m,
        method="highs",
    )
    fit = fit_preference_policy(c, r, REF4, loss="hinge", beta=beta)
    assert fit.objective == pytest.approx(res.fun, rel=1e-8, abs=1e-12)
    assert fit.objective == pytest.approx(_hinge_obj(fit.logits, c, r, REF4, beta, 0.0))
    assert fit.converged


@pytest.mark.parametrize("l2", [0.01, 0.2])
@pytest.mark.parametrize("beta", [0.3, 1.0])
def test_hinge_with_ridge_satisfies_its_subgradient_condition(beta, l2):
    # 0 ∈ λθ − (β/m) Σ_p g_p (e_c − e_r), g_p = 1 where 1 − βh_p > 0, 0 where < 0, and
    # in [0, 1] at the kink: find the kink g's by bounded least squares; the residual
    # must vanish. And no small random perturbation lowers F.
    c, r = _noisy_pairs(k=4, m=40, seed=7)
    fit = fit_preference_policy(c, r, REF4, loss="hinge", beta=beta, l2=l2)
    assert fit.converged
    m, k = c.size, 4
    a = np.zeros((m, k))
    a[np.arange(m), c] = 1.0
    a[np.arange(m), r] -= 1.0
    u = 1.0 - beta * _h(fit.logits, c, r, REF4)
    kink = np.abs(u) <= 1e-8
    fixed = (beta / m) * a[u > 1e-8].sum(axis=0)
    target = l2 * fit.logits - fixed
    if kink.any():
        sol = lsq_linear((beta / m) * a[kink].T, target, bounds=(0.0, 1.0), tol=1e-14)
        resid = (beta / m) * a[kink].T @ sol.x - target
    else:
        resid = target
    assert np.max(np.abs(resid)) < 1e-10
    f0 = _hinge_obj(fit.logits, c, r, REF4, beta, l2)
    assert fit.objective == pytest.approx(f0, rel=1e-12)
    rng = np.random.default_rng(0)
    for _ in range(50):
        step = 1e-4 * rng.standard_normal(k)
        assert _hinge_obj(fit.logits + step, c, r, REF4, beta, l2) >= f0 - 1e-14


def test_hinge_on_noise_free_pairs_is_zero_at_a_finite_policy():
    d = _noise_free()
    fit = fit_preference_policy(d.chosen, d.rejected, d.ref_logprobs, loss="hinge", beta=0.5)
    assert fit.objective == pytest.approx(0.0, abs=1e-12) and fit.converged
    assert np.all(np.isfinite(fit.logits))


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loss": "kto"}, "loss"),
        ({"beta": 0.0}, "beta"),
        ({"beta": float("nan")}, "beta"),
        ({"l2": -0.1}, "l2"),
        ({"ref_logprobs": np.log([0.5, 0.6, 0.1, 0.1])}, "ref_logprobs must sum to 1"),
        ({"ref_logprobs": [0.0]}, "ref_logprobs"),
        ({"ref_logprobs": [0.1, -3.0]}, "ref_logprobs"),
        ({"chosen": [0, 1], "rejected": [0, 2]}, "differ"),
        ({"chosen": [0, 4], "rejected": [1, 2]}, r"chosen must hold indices in \[0, 4\)"),
        ({"chosen": [0.0], "rejected": [1]}, "chosen"),
        ({"chosen": [0, 1], "rejected": [1]}, "same shape"),
    ],
)
def test_bad_arguments_raise_naming_them(kwargs, match):
    args = {"chosen": [0], "rejected": [1], "ref_logprobs": REF4, **kwargs}
    with pytest.raises(ValueError, match=match):
        fit_preference_policy(
            args.pop("chosen"), args.pop("rejected"), args.pop("ref_logprobs"), **args
        )


def test_every_policy_loss_is_accepted():
    for loss in POLICY_LOSSES:
        assert fit_preference_policy([1, 0, 1], [0, 1, 0], REF4, loss=loss, beta=0.5).converged


# --------------------------------------------------------------------------- data
def test_policy_data_reuses_the_annotators_pairs_and_is_seeded():
    a = policy_preference_data(7, 120, temperature=0.5, flip_rate=0.1, ref_spread=2.0, seed=4)
    b = policy_preference_data(7, 120, temperature=0.5, flip_rate=0.1, ref_spread=2.0, seed=4)
    p = preference_data(7, 120, temperature=0.5, flip_rate=0.1, seed=4)
    for name in ("ref_logprobs", "rewards", "chosen", "rejected", "flipped"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.rewards, p.rewards)
    np.testing.assert_array_equal(a.chosen, p.chosen)
    assert np.exp(a.ref_logprobs).sum() == pytest.approx(1.0, rel=1e-12)
    assert not np.array_equal(a.ref_logprobs, policy_preference_data(7, 120, seed=5).ref_logprobs)


def test_noise_free_labels_always_prefer_the_higher_reward_on_the_same_pairs():
    noisy = policy_preference_data(6, 500, temperature=2.0, flip_rate=0.3, seed=2)
    clean = policy_preference_data(6, 500, temperature=2.0, flip_rate=0.3, noise_free=True, seed=2)
    assert np.all(clean.rewards[clean.chosen] > clean.rewards[clean.rejected])
    assert not clean.flipped.any() and clean.noise_free
    same = np.sort(np.stack([noisy.chosen, noisy.rejected]), axis=0)
    np.testing.assert_array_equal(same, np.sort(np.stack([clean.chosen, clean.rejected]), axis=0))
    assert np.any(noisy.rewards[noisy.chosen] < noisy.rewards[noisy.rejected])


def test_zero_spread_gives_a_uniform_reference_and_the_optimum_is_its_tilt():
    d = policy_preference_data(5, 50, ref_spread=0.0, temperature=2.0, seed=0)
    np.testing.assert_allclose(d.ref_logprobs, np.log(np.full(5, 0.2)), rtol=1e-14)
    # π* ∝ π_ref exp(r/(Tβ)): with a uniform reference, softmax(r/(Tβ)) written out here.
    z = np.exp(d.rewards / (2.0 * 0.25))
    np.testing.assert_allclose(np.exp(d.optimal_logprobs(0.25)), z / z.sum(), rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ref_spread": -1.0}, "ref_spread"),
        ({"noise_free": "yes"}, "noise_free"),
        ({"n_responses": 1}, "n_items"),
        ({"temperature": 0.0}, "temperature"),
    ],
)
def test_policy_data_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        policy_preference_data(**kwargs)
