"""Seeded synthetic data sets for the lossviz pages.

Every generator is a pure function of its arguments: the same arguments give
bit-identical arrays (a fresh ``numpy.random.default_rng(seed)`` per call), so
a page can cache on the scalars and a shared link reproduces the exact data.
Every argument is validated and a bad one raises ``ValueError`` naming the
argument, the value and the allowed range; nothing is clipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from . import _validate as _v

__all__ = [
    "OUTLIER_KINDS",
    "ClassificationData",
    "CountData",
    "HeteroscedasticData",
    "PolicyPreferenceData",
    "PreferenceData",
    "RegressionData",
    "clustered_points",
    "count_data",
    "gaussian_mixture",
    "heteroscedastic_data",
    "imbalanced_data",
    "policy_preference_data",
    "preference_data",
    "regression_data",
]

#: The two kinds of outliers :func:`regression_data` can plant.
OUTLIER_KINDS = ("vertical", "leverage")

#: Inliers have x uniform on [-X_HALF_WIDTH, X_HALF_WIDTH].
X_HALF_WIDTH = 3.0


# --------------------------------------------------------------------------- regression
@dataclass(frozen=True, eq=False)
class RegressionData:
    """A 1-D regression sample ``y ≈ slope·x + intercept`` with planted outliers.

    Attributes:
      x, y: float64 arrays of shape ``(n,)``.
      is_outlier: bool array ``(n,)``, True for the planted outliers.
      slope, intercept: the true line the inliers were drawn around.
    """

    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray
    slope: float
    intercept: float

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.shape[0])


def regression_data(
    n: int = 100,
    *,
    slope: float = 1.5,
    intercept: float = 0.5,
    noise: float = 0.5,
    outlier_fraction: float = 0.1,
    outlier_magnitude: float = 10.0,
    outlier_kind: str = "vertical",
    seed: int = 0,
) -> RegressionData:
    r"""Points around a line, a fraction of them replaced by outliers.

    Inliers: :math:`x_i \sim U[-3, 3]`, :math:`y_i = \text{slope}\,x_i +
    \text{intercept} + \text{noise}\,\varepsilon_i`, :math:`\varepsilon_i \sim N(0, 1)`.

    ``k = round(outlier_fraction · n)`` points (chosen at random) are outliers:

    * ``"vertical"``: y shifted *up* by :math:`M u_i`, :math:`u_i \sim U[0.5, 1.5]`,
      with M = ``outlier_magnitude``; x is untouched. One-sided on purpose: outliers
      of random sign leave least squares unbiased (they only add variance), so its
      line would sit on the robust ones. Shifted one way they raise MSE's line by
      about (share of outliers)·M, while MAE and Huber, medians at heart, barely move.
    * ``"leverage"``: x moved far right to :math:`M u_i`, and y placed
      :math:`M v_i` *below* the line there (above it for a negative slope), with
      :math:`v_i \sim U[0.5, 1.5]` and the same Gaussian noise as the inliers. Such
      high-leverage points tilt the slope of every convex M-estimator, a known
      limit of Huber and MAE alike.

    Args:
      n: number of points, >= 2.
      slope, intercept: the true line (finite).
      noise: standard deviation of the Gaussian noise, >= 0.
      outlier_fraction: share of outliers, in [0, 0.5].
      outlier_magnitude: M >= 0, the scale of the outliers.
      outlier_kind: ``"vertical"`` or ``"leverage"``.
      seed: integer >= 0; the same arguments always give the same data.

    Returns:
      A frozen :class:`RegressionData`. O(n) time.
    """
    n = _v.integer("n", n, 2)
    slope = _v.real("slope", slope)
    intercept = _v.real("intercept", intercept)
    noise = _v.in_range("noise", noise, 0.0)
    outlier_fraction = _v.in_range("outlier_fraction", outlier_fraction, 0.0, 0.5)
    outlier_magnitude = _v.in_range("outlier_magnitude", outlier_magnitude, 0.0)
    outlier_kind = _v.choice("outlier_kind", outlier_kind, OUTLIER_KINDS)
    rng = np.random.default_rng(_v.seed(seed))

    x = rng.uniform(-X_HALF_WIDTH, X_HALF_WIDTH, size=n)
    y = slope * x + intercept + noise * rng.standard_normal(n)
    # Draw everything the outliers need up front, whatever k is, so that changing
    # the fraction does not reshuffle the inliers' random stream.
    order = rng.permutation(n)
    u = rng.uniform(0.5, 1.5, size=n)
    u_drop = rng.uniform(0.5, 1.5, size=n)
    eps_out = rng.standard_normal(n)

    k = round(outlier_fraction * n)
    idx = np.sort(order[:k])
    is_outlier = np.zeros(n, dtype=bool)
    is_outlier[idx] = True
    if outlier_kind == "vertical":
        y[idx] += outlier_magnitude * u[idx]
    else:
        x[idx] = outlier_magnitude * u[idx]
        below = -1.0 if slope >= 0 else 1.0
        # Their own drop and noise, so that they do not all sit on one exact line
        # (which an exact LAD fit would then reproduce to the digit).
        y[idx] = (
            slope * x[idx]
            + intercept
            + below * outlier_magnitude * u_drop[idx]
            + noise * eps_out[idx]
        )
    return RegressionData(x=x, y=y, is_outlier=is_outlier, slope=slope, intercept=intercept)


@dataclass(frozen=True, eq=False)
class HeteroscedasticData:
    """A 1-D regression sample whose noise grows with x.

    :math:`y = \text{slope}\\,x + \text{intercept} + σ(x)\\,ε`, ε ~ N(0, 1),
    σ(x) = ``noise`` + ``noise_growth``·x on x ∈ [0, ``x_max``].

    Attributes:
      x, y: float64 arrays ``(n,)``; sd: σ(x) at each point, ``(n,)``.
      slope, intercept, noise, noise_growth: the model the sample was drawn from.
    """

    x: np.ndarray
    y: np.ndarray
    sd: np.ndarray
    slope: float
    intercept: float
    noise: float
    noise_growth: float

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.shape[0])

    def quantile_line(self, tau: float) -> tuple[float, float]:
        """The true conditional τ-quantile of y given x, a line ``(w, b)``.

        With σ linear in x the τ-quantile is slope·x + intercept + σ(x)·z_τ,
        z_τ = Φ⁻¹(τ): the line ``(slope + noise_growth·z_τ, intercept + noise·z_τ)``.
        """
        tau = _v.real("tau", tau)
        if not 0.0 < tau < 1.0:
            raise ValueError(f"tau must be in (0, 1), got {tau!r}")
        z = NormalDist().inv_cdf(tau)
        return self.slope + self.noise_growth * z, self.intercept + self.noise * z


def heteroscedastic_data(
    n: int = 200,
    *,
    slope: float = 1.0,
    intercept: float = 0.5,
    noise: float = 0.2,
    noise_growth: float = 0.4,
    x_max: float = 5.0,
    seed: int = 0,
) -> HeteroscedasticData:
    r"""Points around a line with Gaussian noise whose standard deviation grows with x.

    :math:`x_i \sim U[0, x_{max}]`, :math:`y_i = \text{slope}\,x_i + \text{intercept}
    + σ(x_i)\,ε_i`, :math:`σ(x) = \text{noise} + \text{noise\_growth}\cdot x`,
    :math:`ε_i \sim N(0, 1)`. Every conditional quantile is then a line
    (:meth:`HeteroscedasticData.quantile_line`): quantile regression's lines fan out,
    and a Gaussian NLL with a learned variance sees the noise grow.

    Args:
      n: number of points, >= 2.
      slope, intercept: the true mean line (finite).
      noise: σ at x = 0, > 0.
      noise_growth: how fast σ grows per unit of x, >= 0.
      x_max: x is uniform on [0, x_max], x_max > 0.
      seed: integer >= 0; the same arguments always give the same data.

    Returns:
      A frozen :class:`HeteroscedasticData`. O(n) time.
    """
    n = _v.integer("n", n, 2)
    slope = _v.real("slope", slope)
    intercept = _v.real("intercept", intercept)
    noise = _v.positive("noise", noise)
    noise_growth = _v.in_range("noise_growth", noise_growth, 0.0)
    x_max = _v.positive("x_max", x_max)
    rng = np.random.default_rng(_v.seed(seed))
    x = rng.uniform(0.0, x_max, size=n)
    sd = noise + noise_growth * x
    y = slope * x + intercept + sd * rng.standard_normal(n)
    return HeteroscedasticData(
        x=x, y=y, sd=sd, slope=slope, intercept=intercept, noise=noise, noise_growth=noise_growth
    )


# --------------------------------------------------------------------------- classification
@dataclass(frozen=True, eq=False)
class ClassificationData:
    """Two Gaussian classes in the plane with a chosen imbalance.

    Attributes:
      X: float64 ``(n, 2)`` features.
      labels: float64 ``(n,)`` in {0, 1}; 1 = the (rare) positive class.
      ratio: k of the 1:k positives:negatives ratio.
      separation: distance between the two class means.
    """

    X: np.ndarray
    labels: np.ndarray
    ratio: float
    separation: float


def imbalanced_data(
    n: int = 200, *, ratio: float = 10.0, separation: float = 2.0, seed: int = 0
) -> ClassificationData:
    r"""Rare positives vs common negatives: two unit-variance Gaussians in 2-D.

    ``n_pos = max(1, round(n / (1 + ratio)))`` positives around
    :math:`(+s/2, 0)` and ``n − n_pos`` negatives around :math:`(-s/2, 0)`, both
    :math:`N(\cdot, I_2)`; s = ``separation``. Positives come first in the arrays.

    Args:
      n: total number of points, >= 2.
      ratio: k in [1, 1000] for positives:negatives = 1:k.
      separation: distance between the class means, >= 0.
      seed: integer >= 0.

    Returns:
      A frozen :class:`ClassificationData`. O(n).
    """
    n = _v.integer("n", n, 2)
    ratio = _v.in_range("ratio", ratio, 1.0, 1000.0)
    separation = _v.in_range("separation", separation, 0.0)
    rng = np.random.default_rng(_v.seed(seed))
    # At least one point in each class: n >= 2 makes both counts >= 1.
    n_pos = min(max(1, round(n / (1.0 + ratio))), n - 1)
    X = rng.standard_normal((n, 2))
    X[:n_pos, 0] += separation / 2
    X[n_pos:, 0] -= separation / 2
    labels = np.zeros(n)
    labels[:n_pos] = 1.0
    return ClassificationData(X=X, labels=labels, ratio=ratio, separation=separation)


# --------------------------------------------------------------------------- preferences
@dataclass(frozen=True, eq=False)
class PreferenceData:
    """Pairwise preferences between items with latent rewards.

    Attributes:
      rewards: float64 ``(n_items,)`` true latent rewards.
      chosen, rejected: int64 ``(n_pairs,)`` item indices of each comparison's
        winner and loser (after label noise).
      flipped: bool ``(n_pairs,)``, True where the label was flipped.
    """

    rewards: np.ndarray
    chosen: np.ndarray
    rejected: np.ndarray
    flipped: np.ndarray


def preference_data(
    n_items: int = 8,
    n_pairs: int = 200,
    *,
    temperature: float = 1.0,
    flip_rate: float = 0.0,
    seed: int = 0,
) -> PreferenceData:
    r"""Comparisons sampled from a Bradley–Terry model, with label noise.

    Latent rewards :math:`r_i \sim N(0, 1)`. Each pair (i, j), i ≠ j, is drawn
    uniformly; i wins with probability :math:`\sigma((r_i - r_j)/T)` (T =
    ``temperature``: small T = nearly deterministic, large T = coin flips);
    then the outcome is flipped with probability ``flip_rate`` (annotator error).

    Args:
      n_items: number of items, >= 2.
      n_pairs: number of comparisons, >= 1.
      temperature: T > 0.
      flip_rate: in [0, 1].
      seed: integer >= 0.

    Returns:
      A frozen :class:`PreferenceData`. O(n_items + n_pairs).
    """
    n_items = _v.integer("n_items", n_items, 2)
    n_pairs = _v.integer("n_pairs", n_pairs, 1)
    temperature = _v.real("temperature", temperature)
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    flip_rate = _v.in_range("flip_rate", flip_rate, 0.0, 1.0)
    rng = np.random.default_rng(_v.seed(seed))
    rewards = rng.standard_normal(n_items)
    i = rng.integers(0, n_items, size=n_pairs)
    # j uniform over the other items: an offset in [1, n_items) never gives j == i.
    j = (i + rng.integers(1, n_items, size=n_pairs)) % n_items
    # σ(Δ/T) computed as 1/(1+exp(−Δ/T)); exp may overflow to inf for tiny T,
    # which correctly gives probability 0 — silence the harmless overflow warning.
    with np.errstate(over="ignore"):
        p_i_wins = 1.0 / (1.0 + np.exp(-(rewards[i] - rewards[j]) / temperature))
    i_wins = rng.random(n_pairs) < p_i_wins
    flipped = rng.random(n_pairs) < flip_rate
    i_wins ^= flipped
    chosen = np.where(i_wins, i, j).astype(np.int64)
    rejected = np.where(i_wins, j, i).astype(np.int64)
    return PreferenceData(rewards=rewards, chosen=chosen, rejected=rejected, flipped=flipped)


@dataclass(frozen=True, eq=False)
class PolicyPreferenceData:
    """Preference pairs over K responses to one prompt, with a reference policy.

    Attributes:
      ref_logprobs: log π_ref, float64 ``(K,)`` (a distribution: Σ exp = 1).
      rewards: the annotator's true latent rewards r, float64 ``(K,)``.
      temperature: the annotator's T: P(i ≻ j) = σ((r_i − r_j)/T).
      chosen, rejected: int64 ``(n_pairs,)`` response indices of each pair's winner
        and loser, as labelled.
      flipped: bool ``(n_pairs,)``, True where the label was flipped (never, when
        noise-free).
      noise_free: True when the annotator always prefers the higher reward.
    """

    ref_logprobs: np.ndarray
    rewards: np.ndarray
    temperature: float
    chosen: np.ndarray
    rejected: np.ndarray
    flipped: np.ndarray
    noise_free: bool

    @property
    def best(self) -> int:
        """The response with the highest true reward."""
        return int(np.argmax(self.rewards))

    def optimal_logprobs(self, beta: float) -> np.ndarray:
        r"""log π* of the KL-regularised optimum :math:`π^* ∝ π_{ref} \exp(r/(Tβ))`.

        The maximiser of E_π[r/T] − β KL(π ‖ π_ref), r/T being the rewards on the
        annotator's Bradley–Terry scale (Rafailov et al. 2023, eq. 4). DPO's
        population optimum when the labels follow that Bradley–Terry model.
        """
        beta = _v.positive("beta", beta)
        z = self.ref_logprobs + self.rewards / (self.temperature * beta)
        z = z - np.max(z)  # log-softmax with the max subtracted: no overflow for tiny β
        return z - np.log(np.sum(np.exp(z)))


def policy_preference_data(
    n_responses: int = 6,
    n_pairs: int = 300,
    *,
    temperature: float = 1.0,
    flip_rate: float = 0.0,
    ref_spread: float = 1.0,
    noise_free: bool = False,
    seed: int = 0,
) -> PolicyPreferenceData:
    r"""A reference policy and a Bradley–Terry annotator over K responses to one prompt.

    The rewards, pairs and labels are :func:`preference_data`'s for the same
    arguments (so a page showing both sees the same annotator). The reference policy
    is :math:`\log π_{ref} = \log\mathrm{softmax}(s\,g)`, g ~ N(0, I) drawn from its own
    stream (``default_rng([seed, 1])``), s = ``ref_spread`` (0: uniform). With
    ``noise_free`` the same pairs are labelled by an annotator who always prefers the
    higher reward (T and the flip rate are then unused; no flips).

    Args:
      n_responses: K >= 2.
      n_pairs: number of comparisons, >= 1.
      temperature: T > 0.
      flip_rate: in [0, 1].
      ref_spread: s >= 0.
      noise_free: bool.
      seed: integer >= 0.

    Returns:
      A frozen :class:`PolicyPreferenceData`. O(K + n_pairs).
    """
    ref_spread = _v.in_range("ref_spread", ref_spread, 0.0)
    if not isinstance(noise_free, bool | np.bool_):
        raise ValueError(f"noise_free must be True or False, got {noise_free!r}")
    d = preference_data(
        n_responses, n_pairs, temperature=temperature, flip_rate=flip_rate, seed=seed
    )
    g = np.random.default_rng([_v.seed(seed), 1]).standard_normal(d.rewards.size)
    z = ref_spread * g
    z = z - np.max(z)
    ref = z - np.log(np.sum(np.exp(z)))
    chosen, rejected, flipped = d.chosen, d.rejected, d.flipped
    if noise_free:
        up = d.rewards[chosen] >= d.rewards[rejected]
        chosen, rejected = np.where(up, chosen, rejected), np.where(up, rejected, chosen)
        flipped = np.zeros_like(flipped)
    return PolicyPreferenceData(
        ref_logprobs=ref,
        rewards=d.rewards,
        temperature=float(temperature),
        chosen=chosen.astype(np.int64),
        rejected=rejected.astype(np.int64),
        flipped=flipped,
        noise_free=bool(noise_free),
    )


# --------------------------------------------------------------------------- distributions
def gaussian_mixture(
    grid: Any, *, separation: float = 4.0, weight: float = 0.5, sigma: float = 1.0
) -> np.ndarray:
    r"""A two-component Gaussian mixture discretised on ``grid`` (sums to 1).

    :math:`p_k \propto w\,N(x_k; -s/2, σ^2) + (1 - w)\,N(x_k; s/2, σ^2)`,
    normalised over the grid points (so its KL against any other distribution on
    the same grid is a plain finite sum).

    Args:
      grid: 1-D strictly increasing finite array, >= 2 points.
      separation: s >= 0, distance between the two means.
      weight: w in [0, 1], weight of the left component.
      sigma: σ > 0, the common standard deviation.

    Returns:
      float64 array, the shape of ``grid``, >= 0, summing to 1. O(len(grid)).
    """
    x = _grid(grid)
    separation = _v.in_range("separation", separation, 0.0)
    weight = _v.in_range("weight", weight, 0.0, 1.0)
    sigma = _v.real("sigma", sigma)
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma!r}")
    # Log-densities and log-sum-exp: both components may be far below the
    # smallest float where the grid extends many σ out; normalising in log space
    # keeps the shape instead of dividing 0 by 0.
    la = -0.5 * ((x + separation / 2) / sigma) ** 2
    lb = -0.5 * ((x - separation / 2) / sigma) ** 2
    with np.errstate(divide="ignore"):  # log 0 = −inf for a zero weight is intended
        logp = np.logaddexp(np.log(weight) + la, np.log1p(-weight) + lb)
    logp -= logp.max()
    p = np.exp(logp)
    return p / p.sum()


def _grid(grid: Any) -> np.ndarray:
    try:
        x = np.asarray(grid, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"grid must be a 1-D array of real numbers, got {grid!r}") from None
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"grid must be 1-D with at least 2 points, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("grid must be finite")
    if not np.all(np.diff(x) > 0):
        raise ValueError("grid must be strictly increasing")
    return x


# --------------------------------------------------------------------------- metric learning
def clustered_points(
    n_per_class: int = 10, n_classes: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Classes that a *linear* map can separate but the raw plane mixes.

    Class c is centred at :math:`(c - (C-1)/2)\cdot 1.5` on the first axis, with
    a small spread (σ = 0.3) along that axis and a large nuisance spread (σ = 2.5)
    along the second; the whole cloud is then rotated by 30°. Raw Euclidean
    distances are dominated by the nuisance direction, so a metric-learning loss
    has to learn to shrink it.

    Args:
      n_per_class: points per class, in [2, 100].
      n_classes: number of classes, in [2, 10].
      seed: integer >= 0.

    Returns:
      ``(X, labels)``: float64 ``(n, 2)`` and int64 ``(n,)`` with
      n = n_per_class · n_classes. O(n).
    """
    n_per_class = _v.integer("n_per_class", n_per_class, 2, 100)
    n_classes = _v.integer("n_classes", n_classes, 2, 10)
    rng = np.random.default_rng(_v.seed(seed))
    labels = np.repeat(np.arange(n_classes), n_per_class).astype(np.int64)
    centres = (labels - (n_classes - 1) / 2) * 1.5
    X = np.stack(
        [
            centres + 0.3 * rng.standard_normal(labels.size),
            2.5 * rng.standard_normal(labels.size),
        ],
        axis=1,
    )
    t = np.deg2rad(30.0)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return X @ rot.T, labels


# --------------------------------------------------------------------------- counts
@dataclass(frozen=True, eq=False)
class CountData:
    r"""Counts drawn from a Poisson regression with the log link.

    :math:`y_i \sim \mathrm{Poisson}(e^{a x_i + b})`, x uniform on [0, ``x_max``].

    Attributes:
      x: float64 ``(n,)``; counts: float64 ``(n,)`` of non-negative integers.
      log_rate_slope, log_rate_intercept: the true a and b of log λ(x) = a x + b.
    """

    x: np.ndarray
    counts: np.ndarray
    log_rate_slope: float
    log_rate_intercept: float

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.x.shape[0])

    def rate(self, x: Any) -> np.ndarray:
        """The true rate λ(x) = exp(a x + b)."""
        return np.exp(
            self.log_rate_slope * np.asarray(x, dtype=np.float64) + self.log_rate_intercept
        )


def count_data(
    n: int = 200,
    *,
    log_rate_slope: float = 0.8,
    log_rate_intercept: float = -1.0,
    x_max: float = 4.0,
    seed: int = 0,
) -> CountData:
    r"""Seeded counts whose log-rate is linear in x (a Poisson GLM's own model).

    :math:`x_i \sim U[0, x_{max}]`, :math:`y_i \sim \mathrm{Poisson}(λ(x_i))`,
    :math:`λ(x) = \exp(a x + b)`. With the defaults λ runs from e^{-1} ≈ 0.37 at
    x = 0 to e^{2.2} ≈ 9.0 at x = 4: many zeros on the left, a curve a straight
    line cannot follow.

    Args:
      n: number of points, >= 2.
      log_rate_slope: a, in [-5, 5].
      log_rate_intercept: b, in [-10, 10].
      x_max: x is uniform on [0, x_max], x_max > 0, and the largest rate
        exp(max(b, a x_max + b)) must be <= 1e6 (so the counts are exact integers).
      seed: integer >= 0; the same arguments always give the same data.

    Returns:
      A frozen :class:`CountData`. O(n) time.
    """
    n = _v.integer("n", n, 2)
    a = _v.in_range("log_rate_slope", log_rate_slope, -5.0, 5.0)
    b = _v.in_range("log_rate_intercept", log_rate_intercept, -10.0, 10.0)
    x_max = _v.positive("x_max", x_max)
    top = max(b, a * x_max + b)
    if top > float(np.log(1e6)):
        raise ValueError(
            f"x_max must keep the largest rate exp(max(b, a·x_max + b)) <= 1e6, got x_max = "
            f"{x_max!r} (rate {float(np.exp(min(top, 700.0))):.3g})"
        )
    rng = np.random.default_rng(_v.seed(seed))
    x = rng.uniform(0.0, x_max, size=n)
    counts = rng.poisson(np.exp(a * x + b)).astype(np.float64)
    return CountData(x=x, counts=counts, log_rate_slope=a, log_rate_intercept=b)
