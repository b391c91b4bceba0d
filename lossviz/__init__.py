"""lossviz: an interactive visualiser for machine-learning loss functions and surfaces."""

from . import losses
from .losses import *  # noqa: F403  (the public API is the losses' __all__)
from .losses import __all__ as _loss_names

__all__ = ["losses", *_loss_names]
__version__ = "0.1.0"
