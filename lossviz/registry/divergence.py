"""Divergences between distributions: the spec of KL (JS joins it), seen through two Gaussians.

The loss takes probability vectors; its view discretises two Gaussians, the target
P = N(μ_P, σ_P²) and the model Q = N(μ_Q, σ_Q²), on a fine grid, and moves μ_Q along x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz import losses
from lossviz.losses.divergence import kl_divergence_from_log

from ._terms import Term
from ._types import (
    Axis,
    Branch,
    Curve,
    Input,
    Join,
    LossSpec,
    Marker,
    Param,
    Properties,
    Reference,
    Surface,
)

#: The fixed grid on which the view discretises its two Gaussians.
KL_GRID: np.ndarray = np.linspace(-20.0, 20.0, 1601)
KL_GRID.flags.writeable = False


def gaussian_logpmf(mu, sigma) -> np.ndarray:
    """log of N(mu, sigma²) discretised on KL_GRID and normalised, shape ``mu.shape + (1601,)``.

    In log space: far from its mean a narrow Gaussian underflows to 0 in float64
    (σ = 0.2 at 15 from the mean: e^−2812), which would make a finite KL print +inf.
    """
    mu = np.asarray(mu, dtype=np.float64)[..., None]
    sigma = np.asarray(sigma, dtype=np.float64)[..., None]
    logits = -0.5 * ((KL_GRID - mu) / sigma) ** 2
    m = logits.max(axis=-1, keepdims=True)
    return logits - (m + np.log(np.sum(np.exp(logits - m), axis=-1, keepdims=True)))


def gaussian_pair(mu_p, sigma_p, mu_q, sigma_q) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(grid, p, q): the view's Gaussians P and Q discretised on KL_GRID, each summing to 1."""
    return (
        KL_GRID.copy(),
        np.exp(gaussian_logpmf(mu_p, sigma_p)),
        np.exp(gaussian_logpmf(mu_q, sigma_q)),
    )


def gaussian_kl(mu_p, sigma_p, mu_q, sigma_q) -> np.ndarray:
    """Closed-form KL(N(μ_P, σ_P²) ‖ N(μ_Q, σ_Q²)) of continuous Gaussians, in nats.

    The surface uses it (~1 ms for 160², where the discretised sum costs ~1 s); it is
    a different quantity from the discretised KL of the curve, which it matches to
    1e-3 while both Gaussians lie 5σ inside the grid (tested for every slider setting).
    """
    mu_p, sigma_p, mu_q, sigma_q = (
        np.asarray(a, dtype=np.float64) for a in (mu_p, sigma_p, mu_q, sigma_q)
    )
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2.0 * sigma_q**2) - 0.5


@dataclass(frozen=True, eq=False)
class GaussianKL(Term):
    """KL between the discretised P = N(μ_P, σ_P²) and Q = N(x, σ_Q²), either direction.

    The value is :func:`lossviz.losses.divergence.kl_divergence_from_log`, the one
    implementation behind ``kl_divergence``, given the exact log-probabilities (a
    narrow Q underflows to 0 far from its mean, where ``kl_divergence(p, q)`` of the
    rounded probabilities would be +inf). The derivative along x = μ_Q is the chain
    rule through ``kl_divergence_grad``: with s_i = ∂ log q_i / ∂μ_Q = (x_i − E_q[x])/σ_Q²,
    ∂KL(P‖Q)/∂μ_Q = Σ_i (−p_i/q_i)·q_i s_i = −Σ p_i s_i, and for the reverse direction
    ∂KL(Q‖P)/∂μ_Q = Σ_i (log(q_i/p_i) + 1)·q_i s_i = Σ q_i s_i log(q_i/p_i) (Σ q_i s_i = 0).
    """

    reverse: bool = False

    def _logs(self, coords, params):
        logp = gaussian_logpmf(params["mu_p"], params["sigma_p"])
        logq = gaussian_logpmf(coords["x"], params["sigma_q"])
        return logp, logq

    def loss(self, fns, coords, params):
        logp, logq = self._logs(coords, params)
        return (
            kl_divergence_from_log(logq, logp)
            if self.reverse
            else kl_divergence_from_log(logp, logq)
        )

    def deriv(self, fns, coords, params, var):
        logp, logq = self._logs(coords, params)
        q = np.exp(logq)
        mean_q = np.sum(q * KL_GRID, axis=-1, keepdims=True)
        s = (KL_GRID - mean_q) / np.asarray(params["sigma_q"], dtype=np.float64)[..., None] ** 2
        if self.reverse:
            return np.sum(q * s * (logq - logp), axis=-1)
        return -np.sum(np.exp(logp) * s, axis=-1)

    def subs(self, names):
        return self

    def coords(self):
        return {"x"}


@dataclass(frozen=True, eq=False)
class GaussianKLSurface(Term):
    """The closed form over (μ_Q, σ_Q) = (x, y) (see :func:`gaussian_kl`), either direction."""

    reverse: bool = False

    def loss(self, fns, coords, params):
        p, q = (params["mu_p"], params["sigma_p"]), (coords["x"], coords["y"])
        return gaussian_kl(*q, *p) if self.reverse else gaussian_kl(*p, *q)

    def deriv(self, fns, coords, params, var):
        raise ValueError("the KL surface has no gradient view")

    def subs(self, names):
        return self

    def coords(self):
        return {"x", "y"}


SPECS: list[LossSpec] = [
    LossSpec(
        key="kl_divergence",
        title="Kullback–Leibler divergence",
        family="divergence",
        fn=losses.kl_divergence,
        grad=losses.kl_divergence_grad,
        latex=r"D_{\mathrm{KL}}(P \,\|\, Q) = \sum_i p_i \log \frac{p_i}{q_i}",
        grad_latex=(
            r"\frac{\partial D_{\mathrm{KL}}}{\partial q_i} = -\frac{p_i}{q_i};\quad"
            r"\text{on the curve, } Q = \mathcal{N}(\mu_Q, \sigma_Q^2):\;"
            r"\frac{d D_{\mathrm{KL}}(P\|Q)}{d\mu_Q}"
            r" = \sum_i \frac{\partial D_{\mathrm{KL}}}{\partial q_i}\,"
            r"\frac{\partial q_i}{\partial \mu_Q}"
            r" = \frac{\mathbb{E}_Q[x] - \mathbb{E}_P[x]}{\sigma_Q^2}"
        ),
        params=(),
        one_liner=(
            "How many extra nats it costs, on average, to encode samples of P with a code built "
            "for Q: Σ p log(p/q) ≥ 0, zero only when Q = P."
        ),
        when_to_use=(
            "Use it to fit a model distribution Q to a target P: knowledge distillation with soft "
            "teacher targets, variational inference, or a penalty keeping a fine-tuned policy near "
            "its reference in RLHF. Minimising KL(P‖Q) over Q is minimising the cross-entropy of Q "
            "under P, because the entropy of P is a constant. The direction matters: KL(P‖Q) is "
            "mass-covering (Q must put mass wherever P does), KL(Q‖P) is mode-seeking."
        ),
        pitfalls=(
            "PyTorch's KLDivLoss with reduction='mean' divides the sum by batch × number of "
            "classes, which is not the KL divergence; reduction='batchmean' divides by the batch "
            "size only and gives the true mean KL per example. KLDivLoss also takes log q as input "
            "and p as target.",
            "Asymmetric: KL(P‖Q) ≠ KL(Q‖P) in general. It is +inf wherever q = 0 but p > 0 "
            "(Q calls impossible what P says happens), while q > 0 where p = 0 costs nothing.",
            "Natural log vs log base 2: values here are in nats; in bits divide by ln 2 "
            "(multiply by ≈ 1.443).",
            "KL between densities vs between discretised distributions: this view's curves sum "
            "over a fine grid on [−20, 20] (wide enough for every slider setting) and agree with "
            "the closed form for continuous Gaussians that the surface uses to 1e-3.",
        ),
        references=(
            Reference(
                "S. Kullback, R. A. Leibler",
                "On Information and Sufficiency",
                1951,
                "Annals of Mathematical Statistics 22(1), 79–86",
                "https://doi.org/10.1214/aoms/1177729694",
            ),
            Reference(
                "T. M. Cover, J. A. Thomas",
                "Elements of Information Theory (2nd edition)",
                2006,
                "Wiley",
            ),
        ),
        properties=Properties(
            convex=True,
            bounded_gradient=False,
            robust_to_outliers=False,
            differentiable_everywhere=True,
            typical_use="Distillation, variational inference, KL penalties in RLHF.",
        ),
        inputs=(
            Input(
                "p",
                "P",
                "target distribution over the last axis (sums to 1)",
                (0.0, 1.0),
                classes=True,
            ),
            Input(
                "q",
                "Q",
                "model distribution over the last axis (sums to 1)",
                (0.0, 1.0),
                grad=True,
                classes=True,
            ),
        ),
        curve=Curve(
            axes=(
                Axis(
                    "mu_q",
                    "μ_Q (mean of the model Gaussian Q)",
                    (-5.0, 5.0),
                    "d/dμ_Q (nats per unit of μ_Q)",
                    title="μ_Q",
                    symbol="μ_Q",
                ),
            ),
            branches=(Branch("KL(P‖Q)", GaussianKL()), Branch("KL(Q‖P)", GaussianKL(reverse=True))),
            scene=(
                Param(
                    "mu_p",
                    "μ_P",
                    r"\mu_P",
                    0.0,
                    -4.0,
                    4.0,
                    0.1,
                    "Mean μ_P of the target Gaussian P.",
                ),
                Param(
                    "sigma_p",
                    "σ_P",
                    r"\sigma_P",
                    1.5,
                    0.2,
                    3.0,
                    0.05,
                    "Standard deviation σ_P of the target Gaussian P.",
                ),
                Param(
                    "sigma_q",
                    "σ_Q",
                    r"\sigma_Q",
                    0.7,
                    0.2,
                    3.0,
                    0.05,
                    "Standard deviation σ_Q of the model Gaussian Q.",
                ),
            ),
            markers=(Marker(lambda p: p["mu_p"], "μ_Q = μ_P = {x:.2f}"),),
            loss_label="divergence (nats)",
        ),
        surface=Surface(
            term=GaussianKLSurface(),
            x_label="μ_Q (mean of Q)",
            y_label="σ_Q (std of Q)",
            x_range=(-4.0, 4.0),
            y_range=(0.2, 3.0),
            z_label="KL(P‖Q), nats",
            y_param="sigma_q",
            x_short="μ_Q",
            y_short="σ_Q",
        ),
        joins=(
            Join(
                "divergence",
                "KL(P‖Q), forward",
                id="kl_forward",
                term=GaussianKL(),
                surface=GaussianKLSurface(),
                uses=("mu_p", "sigma_p", "sigma_q"),
            ),
            Join(
                "divergence",
                "KL(Q‖P), reverse",
                id="kl_reverse",
                term=GaussianKL(reverse=True),
                surface=GaussianKLSurface(reverse=True),
                uses=("mu_p", "sigma_p", "sigma_q"),
            ),
        ),
    ),
]
