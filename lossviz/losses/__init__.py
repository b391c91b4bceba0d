"""The ten seed losses of lossviz and their analytic gradients.

Every function is elementwise (categorical cross-entropy and KL reduce over the
last axis only), broadcasts its array arguments, returns float64, takes
hyperparameters keyword-only and leaves reduction to the caller. ``<name>_grad``
is the gradient w.r.t. the prediction argument(s).
"""

from .classification import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    focal,
    focal_grad,
)
from .divergence import kl_divergence, kl_divergence_grad
from .metric import contrastive, contrastive_grad, triplet, triplet_grad
from .preference import bradley_terry, bradley_terry_grad
from .regression import huber, huber_grad, mae, mae_grad, mse, mse_grad

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "bradley_terry",
    "bradley_terry_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "contrastive",
    "contrastive_grad",
    "focal",
    "focal_grad",
    "huber",
    "huber_grad",
    "kl_divergence",
    "kl_divergence_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "triplet",
    "triplet_grad",
]
