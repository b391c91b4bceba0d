"""The one optimiser loop of every fit: GD, heavy-ball momentum or Adam on a flat vector."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _validate as _v

#: Optimiser keys understood by :func:`gradient_descent` and :func:`_descend`.
OPTIMIZERS = ("gd", "momentum", "adam")


#: A step is a divergence when the loss exceeds this factor times the initial loss.
BLOWUP_FACTOR = 1e6


def _all_finite(a: np.ndarray) -> bool:
    """``np.all(np.isfinite(a))`` in one reduction when it holds (a finite sum has no
    inf or NaN term); a non-finite sum (a bad element, or an overflowing sum) checks."""
    return math.isfinite(np.add.reduce(a, axis=None)) or bool(np.all(np.isfinite(a)))


#: Objective-and-gradient callable: theta (p,) -> (loss, grad (p,)).
ObjectiveAndGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True, eq=False)
class _Trace:
    """What :func:`_descend` returns: iterates ``(k, p)``, losses ``(k,)``, divergence."""

    thetas: np.ndarray
    losses: np.ndarray
    diverged: bool
    diverged_at: int | None


def _optimizer_settings(
    optimizer: Any, lr: Any, steps: Any, momentum: Any, betas: Any, eps: Any
) -> dict[str, Any]:
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}; got {optimizer!r}"
        )
    if not (isinstance(betas, tuple | list) and len(betas) == 2):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return {
        "optimizer": optimizer,
        "lr": _v.positive("lr", lr),
        "steps": _v.integer("steps", steps, 0, 100_000),
        "momentum": _v.unit_open("momentum", momentum),
        "betas": (_v.unit_open("betas[0]", betas[0]), _v.unit_open("betas[1]", betas[1])),
        "eps": _v.positive("eps", eps),
    }


def _descend(
    objective_and_grad: ObjectiveAndGrad,
    theta0: np.ndarray,
    optimizer: str,
    lr: float,
    steps: int,
    *,
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> _Trace:
    r"""Run ``steps`` iterations of GD, momentum or Adam on a flat parameter vector.

    Updates, with :math:`g_t = \nabla f(\theta_{t-1})`:

    * ``"gd"``: :math:`\theta_t = \theta_{t-1} - \eta g_t`.
    * ``"momentum"`` (heavy ball, PyTorch's form): :math:`v_t = \mu v_{t-1} + g_t`,
      :math:`\theta_t = \theta_{t-1} - \eta v_t`.
    * ``"adam"`` (Kingma & Ba 2015): :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`,
      :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
      :math:`\theta_t = \theta_{t-1} - \eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)`
      with the bias corrections :math:`\hat m_t = m_t/(1-\beta_1^t)`,
      :math:`\hat v_t = v_t/(1-\beta_2^t)`.

    Divergence: the run stops at the first iterate whose parameters, loss or
    gradient are not finite, or whose loss exceeds ``BLOWUP_FACTOR`` × the initial
    loss (when that is > 0). That iterate is dropped, so every kept value is
    finite and plottable; its index is ``diverged_at``.

    Args:
      objective_and_grad: ``theta -> (loss, grad)``; may return a non-finite loss.
      theta0: start, shape ``(p,)``; its loss must be finite.
      optimizer, lr, steps, momentum, betas, eps: as validated by the callers.

    Returns:
      A :class:`_Trace`. Cost: ``steps + 1`` objective evaluations, O(p) extra each.
    """
    theta = np.array(theta0, dtype=np.float64).ravel()
    thetas = np.empty((steps + 1, theta.size))
    values = np.empty(steps + 1)
    # Overflow while blowing up is expected and is detected below via isfinite;
    # silence it so it is not raised as a warning (pytest turns those into errors).
    with np.errstate(over="ignore", invalid="ignore"):
        f0, g = objective_and_grad(theta)
        if not (math.isfinite(f0) and _all_finite(g)):
            raise ValueError(f"the start {theta.tolist()} gives a non-finite loss or gradient")
        thetas[0], values[0] = theta, f0
        limit = BLOWUP_FACTOR * f0 if f0 > 0 else math.inf
        vel = np.zeros_like(theta)
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        b1, b2 = betas
        for t in range(1, steps + 1):
            if optimizer == "gd":
                theta = theta - lr * g
            elif optimizer == "momentum":
                vel = momentum * vel + g
                theta = theta - lr * vel
            else:  # adam
                m = b1 * m + (1.0 - b1) * g
                v = b2 * v + (1.0 - b2) * g * g
                m_hat = m / (1.0 - b1**t)
                v_hat = v / (1.0 - b2**t)
                theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
            if not _all_finite(theta):
                return _Trace(thetas[:t], values[:t], True, t)
            f, g = objective_and_grad(theta)
            if not (math.isfinite(f) and f <= limit and _all_finite(g)):
                return _Trace(thetas[:t], values[:t], True, t)
            thetas[t], values[t] = theta, f
    return _Trace(thetas, values, False, None)
