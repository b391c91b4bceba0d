"""Divergences between distributions: KL and Jensen–Shannon, seen through two Gaussians.

The losses take probability vectors; their views discretise two Gaussians, the target
P = N(μ_P, σ_P²) and the model Q = N(μ_Q, σ_Q²), on a fine grid, and move μ_Q along x.
Both join the Compare domain ``divergence`` (declared in :mod:`.domains`), and
:data:`PRESETS` puts the two KL directions beside JS.
"""

from __future__ import annotations

import math
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
    Preset,
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


#: The smallest normal float64. Probabilities below it are set to 0 before they reach
#: ``js_divergence``: half of a subnormal p (in m = ½(p + q)) rounds to 0, and the
#: library's log m would be −inf (js_divergence([5e-324, 1 − 5e-324], [0, 1]) is +inf).
#: The mass dropped is below 1e-304, far under float64's resolution of the sums.
_TINY_LOG = math.log(np.finfo(np.float64).tiny)


def _probabilities(log_pmf: np.ndarray) -> np.ndarray:
    """exp of a log-pmf, with the subnormal values (< 2.2e-308) flushed to 0."""
    return np.where(log_pmf < _TINY_LOG, 0.0, np.exp(log_pmf))


#: Elements (points × bins) per call of js_divergence in the JS views, curves and
#: surfaces alike: its temporaries then stay in cache and are reused by the allocator,
#: where one call over an 801-point curve allocates fresh 10 MB arrays for each step.
#: The values are those of one call (the loss is computed per point).
JS_CHUNK_CELLS = 64_000


def _in_chunks(fn, bins: int, *arrays) -> np.ndarray:
    """``fn(*chunk)`` over the broadcast ``arrays``, flattened, a chunk of points at a time.

    ``fn`` maps 1-D arrays of n points to n values; ``bins`` is the length of the class
    axis it builds per point, which sets how many points go in a chunk.
    """
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))
    shape = arrays[0].shape
    flat = [a.reshape(-1) for a in arrays]
    out = np.empty(flat[0].size)
    rows = max(1, JS_CHUNK_CELLS // bins)
    for i in range(0, out.size, rows):
        out[i : i + rows] = fn(*(a[i : i + rows] for a in flat))
    return out.reshape(shape)


def _target_probabilities(mu_p: np.ndarray, sigma_p: np.ndarray) -> np.ndarray:
    """P on KL_GRID for a chunk of points: one row when P is the same for all of them
    (the views' case), else a row per point (a family over μ_P or σ_P)."""
    if (mu_p == mu_p[0]).all() and (sigma_p == sigma_p[0]).all():
        return _probabilities(gaussian_logpmf(mu_p[0], sigma_p[0]))
    return _probabilities(gaussian_logpmf(mu_p, sigma_p))


@dataclass(frozen=True, eq=False)
class GaussianJS(Term):
    """JS between the discretised P = N(μ_P, σ_P²) and Q = N(x, σ_Q²), on KL_GRID.

    The value is the loss's own ``js_divergence(p, q)`` of the probabilities: unlike
    KL it stays finite where a narrow Q underflows to 0 (such a term is ½ p ln 2).
    The derivative along x = μ_Q is the chain rule through ``js_divergence_grad``:
    ∂q_i/∂μ_Q = q_i s_i with s_i = (x_i − E_Q[x])/σ_Q² (as for :class:`GaussianKL`), so
    dJS/dμ_Q = Σ_i (∂JS/∂q_i)·q_i s_i; where q_i is 0 the gradient's −∞ meets q_i = 0,
    and the term's limit (½ log(2q/(p + q))·q → 0) is 0.
    """

    def _args(self, coords, params):
        return (params["mu_p"], params["sigma_p"], coords["x"], params["sigma_q"])

    def loss(self, fns, coords, params):
        def js(mu_p, sigma_p, mu_q, sigma_q):
            p = _target_probabilities(mu_p, sigma_p)
            return fns.fn(p, _probabilities(gaussian_logpmf(mu_q, sigma_q)))

        return _in_chunks(js, KL_GRID.size, *self._args(coords, params))

    def deriv(self, fns, coords, params, var):
        def slope(mu_p, sigma_p, mu_q, sigma_q):
            p = _target_probabilities(mu_p, sigma_p)
            q = _probabilities(gaussian_logpmf(mu_q, sigma_q))
            g = np.where(q > 0, fns.grad(p, q), 0.0)  # the 0·(−∞) of an underflowed q is 0
            mean_q = np.sum(q * KL_GRID, axis=-1, keepdims=True)
            s = (KL_GRID - mean_q) / sigma_q[:, None] ** 2
            return np.sum(g * q * s, axis=-1)

        return _in_chunks(slope, KL_GRID.size, *self._args(coords, params))

    def subs(self, names):
        return self

    def coords(self):
        return {"x"}


#: Bins of the surface's partition per Gaussian, over μ ± JS_HALF_WIDTH·σ of each.
JS_BINS = 16
JS_HALF_WIDTH = 5.0


def gaussian_partition(mu_p, sigma_p, mu_q, sigma_q) -> tuple[np.ndarray, np.ndarray]:
    """(p, q): P and Q discretised on one coarse partition per point, each summing to 1.

    The partition's edges are JS_BINS + 1 equally spaced points over μ ± 5σ of each
    Gaussian, merged and sorted (2·JS_BINS + 1 bins, the gap between two distant
    windows being one of them); a bin's mass is the density at its midpoint times its
    width, normalised. So each Gaussian is cut into bins of 0.625 σ wherever it has
    its mass, however narrow the other one is: 33 bins per point, where the fine grid
    of the curves has 1,601, which makes a 160 × 160 surface ~50× cheaper. The mass
    beyond 5σ (6e-7) is left out. The JS of these distributions is within 0.005 nats of
    the fine grid's over every slider setting (tested).
    """
    mu_q, sigma_q = np.broadcast_arrays(
        np.asarray(mu_q, dtype=np.float64), np.asarray(sigma_q, dtype=np.float64)
    )
    mu_p = np.asarray(mu_p, dtype=np.float64)[..., None]
    sigma_p = np.asarray(sigma_p, dtype=np.float64)[..., None]
    u = np.linspace(-JS_HALF_WIDTH, JS_HALF_WIDTH, JS_BINS + 1)
    shape = np.broadcast_shapes(mu_q.shape, mu_p.shape[:-1])
    edges_p = np.broadcast_to(mu_p + sigma_p * u, (*shape, u.size))
    edges_q = np.broadcast_to(mu_q[..., None] + sigma_q[..., None] * u, (*shape, u.size))
    edges = np.sort(np.concatenate([edges_p, edges_q], axis=-1), axis=-1)
    mid = 0.5 * (edges[..., 1:] + edges[..., :-1])
    width = np.diff(edges, axis=-1)  # ≥ 0; a bin of width 0 gets mass 0

    def pmf(mu, sigma):
        # Each Gaussian's own window holds its peak, so the sum never underflows.
        mass = width * np.exp(-0.5 * ((mid - mu) / sigma) ** 2)
        mass /= mass.sum(axis=-1, keepdims=True)
        mass[mass < np.finfo(np.float64).tiny] = 0.0  # see _probabilities
        return mass

    return pmf(mu_p, sigma_p), pmf(mu_q[..., None], sigma_q[..., None])


@dataclass(frozen=True, eq=False)
class GaussianJSSurface(Term):
    """``js_divergence`` over (μ_Q, σ_Q) = (x, y) of the coarse partition of
    :func:`gaussian_partition` (JS has no closed form for two Gaussians)."""

    def loss(self, fns, coords, params):
        def js(mu_p, sigma_p, mu_q, sigma_q):
            return fns.fn(*gaussian_partition(mu_p, sigma_p, mu_q, sigma_q))

        args = (params["mu_p"], params["sigma_p"], coords["x"], coords["y"])
        return _in_chunks(js, 2 * JS_BINS + 1, *args)

    def deriv(self, fns, coords, params, var):
        raise ValueError("the JS surface has no gradient view")

    def subs(self, names):
        return self

    def coords(self):
        return {"x", "y"}


#: The two-Gaussian scene of both divergences (Explore's scene sliders).
MU_P = Param("mu_p", "μ_P", r"\mu_P", 0.0, -4.0, 4.0, 0.1, "Mean μ_P of the target Gaussian P.")
SIGMA_P = Param(
    "sigma_p",
    "σ_P",
    r"\sigma_P",
    1.5,
    0.2,
    3.0,
    0.05,
    "Standard deviation σ_P of the target Gaussian P.",
)
SIGMA_Q = Param(
    "sigma_q",
    "σ_Q",
    r"\sigma_Q",
    0.7,
    0.2,
    3.0,
    0.05,
    "Standard deviation σ_Q of the model Gaussian Q.",
)
MU_Q_AXIS = Axis(
    "mu_q",
    "μ_Q (mean of the model Gaussian Q)",
    (-5.0, 5.0),
    "d/dμ_Q (nats per unit of μ_Q)",
    title="μ_Q",
    symbol="μ_Q",
)
AT_MU_P = Marker(lambda p: p["mu_p"], "μ_Q = μ_P = {x:.2f}")
SCENE_USES = ("mu_p", "sigma_p", "sigma_q")


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
            axes=(MU_Q_AXIS,),
            branches=(Branch("KL(P‖Q)", GaussianKL()), Branch("KL(Q‖P)", GaussianKL(reverse=True))),
            scene=(MU_P, SIGMA_P, SIGMA_Q),
            markers=(AT_MU_P,),
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
                uses=SCENE_USES,
            ),
            Join(
                "divergence",
                "KL(Q‖P), reverse",
                id="kl_reverse",
                term=GaussianKL(reverse=True),
                surface=GaussianKLSurface(reverse=True),
                uses=SCENE_USES,
            ),
        ),
    ),
    LossSpec(
        key="js_divergence",
        title="Jensen–Shannon divergence",
        family="divergence",
        fn=losses.js_divergence,
        grad=losses.js_divergence_grad,
        latex=(
            r"\mathrm{JS}(P, Q) = \tfrac12 D_{\mathrm{KL}}(P \,\|\, M)"
            r" + \tfrac12 D_{\mathrm{KL}}(Q \,\|\, M),\quad M = \tfrac12 (P + Q)"
        ),
        grad_latex=(
            r"\frac{\partial\,\mathrm{JS}}{\partial q_i} = \tfrac12 \log \frac{2 q_i}{p_i + q_i};"
            r"\quad \text{on the curve, } Q = \mathcal{N}(\mu_Q, \sigma_Q^2):\;"
            r"\frac{d\,\mathrm{JS}}{d\mu_Q}"
            r" = \sum_i \frac{\partial\,\mathrm{JS}}{\partial q_i}\,"
            r"\frac{\partial q_i}{\partial \mu_Q},\;"
            r"\frac{\partial q_i}{\partial \mu_Q} = q_i\,\frac{x_i - \mathbb{E}_Q[x]}{\sigma_Q^2}"
        ),
        params=(),
        one_liner=(
            "The symmetric, bounded cousin of KL: the mean KL of P and of Q to their mixture "
            "M = ½(P + Q), from 0 (P = Q) to ln 2 (P and Q never overlap)."
        ),
        when_to_use=(
            "Use it to measure how far apart two distributions are when neither is the truth, "
            "or when either may give zero probability to what the other allows: comparing "
            "histograms, word or topic distributions, monitoring drift between two data sets. "
            "It is what the original GAN optimises: against the best discriminator the "
            "minimax objective is 2·JS(P_data, P_model) − ln 4 (Goodfellow et al. 2014). "
            "Unlike KL it is symmetric and never infinite, and its square root is a metric "
            "(Endres and Schindelin 2003)."
        ),
        pitfalls=(
            "Bounded means saturated: once P and Q barely overlap, JS sits near ln 2 whatever "
            "their distance and its gradient along μ_Q fades to 0 (the curve's flat tails). "
            "A GAN whose generator lies far from the data gets almost no signal from it "
            "(Arjovsky and Bottou 2017), which motivated the Wasserstein GAN.",
            "SciPy's scipy.spatial.distance.jensenshannon returns the distance √JS, not the "
            "divergence: square it. Its default log is natural (nats, as here, bound "
            "ln 2 ≈ 0.693); with base=2 the values are in bits and the bound is 1.",
            "Symmetric: JS(P, Q) = JS(Q, P), so there is no forward or reverse choice as with "
            "KL (mode covering vs mode seeking); the Compare preset 'KL forward, KL reverse "
            "and JS' shows the three on one axis.",
            "Discretised, like the KL view: the curves sum over the same 1,601-point grid on "
            "[−20, 20]; the surface, to stay fast, cuts each Gaussian into 16 bins over "
            "±5σ (33 bins per point) and agrees with the curves to 0.005 nats.",
        ),
        references=(
            Reference(
                "J. Lin",
                "Divergence Measures Based on the Shannon Entropy",
                1991,
                "IEEE Transactions on Information Theory 37(1), 145–151",
                "https://doi.org/10.1109/18.61115",
            ),
            Reference(
                "D. M. Endres, J. E. Schindelin",
                "A New Metric for Probability Distributions",
                2003,
                "IEEE Transactions on Information Theory 49(7), 1858–1860",
                "https://doi.org/10.1109/TIT.2003.813506",
            ),
            Reference(
                "I. Goodfellow, J. Pouget-Abadie, M. Mirza, et al.",
                "Generative Adversarial Nets",
                2014,
                "NeurIPS",
                "https://arxiv.org/abs/1406.2661",
            ),
            Reference(
                "M. Arjovsky, L. Bottou",
                "Towards Principled Methods for Training Generative Adversarial Networks",
                2017,
                "ICLR",
                "https://arxiv.org/abs/1701.04862",
            ),
        ),
        properties=Properties(
            # Jointly convex: KL is, and M = ½(P + Q) is linear in (P, Q).
            convex=True,
            # ∂JS/∂q_i = ½ log(2q_i/(p_i + q_i)) → −∞ as q_i → 0 where p_i > 0.
            bounded_gradient=False,
            # Each category costs at most ½(p_i + q_i) ln 2: an event Q misses entirely
            # costs ½ p_i ln 2, where KL charges +∞.
            robust_to_outliers=True,
            differentiable_everywhere=True,
            typical_use="Symmetric comparison of distributions; the original GAN objective.",
        ),
        inputs=(
            Input(
                "p",
                "P",
                "first distribution over the last axis (sums to 1)",
                (0.0, 1.0),
                classes=True,
            ),
            Input(
                "q",
                "Q",
                "second (model) distribution over the last axis (sums to 1)",
                (0.0, 1.0),
                grad=True,
                classes=True,
            ),
        ),
        curve=Curve(
            axes=(MU_Q_AXIS,),
            branches=(Branch("JS(P, Q)", GaussianJS()),),
            scene=(MU_P, SIGMA_P, SIGMA_Q),
            # The bound in the label: a horizontal line would need a generic feature (a
            # constant branch at ln 2 runs through the markers' labels at the top).
            markers=(Marker(lambda p: p["mu_p"], "μ_Q = μ_P = {x:.2f} · JS ≤ ln 2 ≈ 0.693"),),
            loss_label="divergence (nats)",
        ),
        surface=Surface(
            term=GaussianJSSurface(),
            x_label="μ_Q (mean of Q)",
            y_label="σ_Q (std of Q)",
            x_range=(-4.0, 4.0),
            y_range=(0.2, 3.0),
            z_label="JS(P, Q), nats",
            y_param="sigma_q",
            x_short="μ_Q",
            y_short="σ_Q",
        ),
        joins=(
            Join(
                "divergence",
                "JS(P, Q), symmetric",
                term=GaussianJS(),
                surface=GaussianJSSurface(),
                uses=SCENE_USES,
            ),
        ),
    ),
]

PRESETS: tuple[Preset, ...] = (
    Preset(
        "divergences",
        "KL forward, KL reverse and JS",
        "divergence",
        (("kl_forward", {}), ("kl_reverse", {}), ("js_divergence", {})),
        baseline=2,
        note=(
            "Both KL directions grow without bound as μ_Q leaves μ_P, and differ; JS is "
            "symmetric and stays below ln 2 ≈ 0.693."
        ),
    ),
)
