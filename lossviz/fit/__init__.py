r"""Exact fits and gradient-descent paths on the lossviz data sets.

* :func:`fit_regression` — the minimiser of the mean of any regression loss of the
  registry over a line :math:`\hat y = w x + b`: exact for the convex ones (closed
  form, HiGHS LP, Newton), the local optimum from a stated start for Barron's α < 1.
* :func:`gradient_descent` — the path of plain GD, heavy-ball momentum or Adam
  on the same objective, with divergence detected and reported;
  :func:`stable_learning_rate` — where GD and momentum start to diverge on MSE.
* :func:`fit_preference_policy` — a tabular policy fitted by DPO, IPO or the SLiC hinge.
* :func:`fit_logistic` (BCE with pos_weight or smoothed labels, focal, class-balanced BCE,
  hinge, squared hinge, modified Huber, exponential, set-level Dice/Tversky),
  :func:`fit_bradley_terry`
  and :func:`fit_gaussian_kl` (:func:`gaussian_kl_local_optima` from given starts) —
  damped Newton to a tight first-order condition.
* :func:`fit_gaussian_nll` (mean and log-variance linear in x; not convex, a local
  optimum from a stated start) and :func:`fit_poisson` (log link, convex) — noise models.
* :func:`train_embedding` — a linear metric-learning map trained by contrastive,
  triplet, InfoNCE or cosine-embedding loss, with Wang & Isola's alignment and
  uniformity per step.

All optimisers share one loop, :func:`_descend`, on a flat parameter vector;
the later fits (logistic, Bradley–Terry, embeddings) reuse it. Objective values
and gradients always come from :mod:`lossviz.losses` (``<name>`` and
``<name>_grad``); nothing is re-derived here except second derivatives.

One module per family, as in :mod:`lossviz.losses`: ``regression``,
``classification``, ``preference``, ``divergence``, ``metric``, ``noise``; the shared
``_descent`` loop and ``_newton`` solver. Everything public is re-exported here.
"""

from __future__ import annotations

from ._descent import OPTIMIZERS
from .classification import CLASSIFICATION_LOSSES, LogisticFit, classification_kwargs, fit_logistic
from .divergence import fit_gaussian_kl, gaussian_kl_local_optima
from .metric import (
    METRIC_LOSSES,
    EmbeddingTrace,
    contrastive_stable_learning_rate,
    info_nce_rows,
    max_negatives,
    train_embedding,
)
from .noise import (
    GaussianNLLFit,
    PoissonFit,
    fit_gaussian_nll,
    fit_poisson,
    gaussian_nll_objective,
    poisson_objective,
)
from .preference import POLICY_LOSSES, BTFit, PolicyFit, fit_bradley_terry, fit_preference_policy
from .regression import (
    DescentPath,
    RegressionFit,
    fit_regression,
    gradient_descent,
    mse_curvature,
    stable_learning_rate,
)

__all__ = [
    "CLASSIFICATION_LOSSES",
    "METRIC_LOSSES",
    "OPTIMIZERS",
    "POLICY_LOSSES",
    "BTFit",
    "DescentPath",
    "EmbeddingTrace",
    "GaussianNLLFit",
    "LogisticFit",
    "PoissonFit",
    "PolicyFit",
    "RegressionFit",
    "classification_kwargs",
    "contrastive_stable_learning_rate",
    "fit_bradley_terry",
    "fit_gaussian_kl",
    "fit_gaussian_nll",
    "fit_logistic",
    "fit_poisson",
    "fit_preference_policy",
    "fit_regression",
    "gaussian_kl_local_optima",
    "gaussian_nll_objective",
    "gradient_descent",
    "info_nce_rows",
    "max_negatives",
    "mse_curvature",
    "poisson_objective",
    "stable_learning_rate",
    "train_embedding",
]
