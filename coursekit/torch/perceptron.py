"""The single-layer model in PyTorch: one ``nn.Linear`` and the losses that train it.

Twin of :mod:`coursekit.scratch.perceptron`. The model outputs the net input
``z = x . w + b`` (a *logit*); the loss decides what kind of neuron it is:

* :func:`perceptron_loss` - gradient descent on it, one sample at a time,
  is exactly Rosenblatt's learning rule;
* :func:`logistic_loss` - binary cross-entropy on ``sigmoid(z)``: a logistic unit.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class SingleLayer(nn.Module):
    """``z = x @ W.T + b`` with no hidden layer: ``(n, d) -> (n,)``, or ``(n, k)`` for ``k > 1`` outputs."""

    def __init__(self, n_features: int, n_outputs: int = 1):
        super().__init__()
        self.linear = nn.Linear(n_features, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.linear(x)
        return z.squeeze(-1) if z.shape[-1] == 1 else z


def step(z: torch.Tensor) -> torch.Tensor:
    """1 where ``z >= 0``, else 0 (same shape, dtype of ``z``, no gradient)."""
    return (z >= 0).to(z.dtype)


def perceptron_loss(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean of ``(step(z) - y) * z``, the perceptron criterion.

    It is 0 for a correct prediction and ``|z|`` for a mistake. Its gradient
    for one sample is ``(y_hat - y) * x``, so an SGD step with learning rate
    ``lr`` is ``w <- w + lr * (y - y_hat) * x``: the perceptron learning rule.
    """
    y = y.to(z.dtype)
    return ((step(z) - y).detach() * z).mean()


def logistic_loss(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of ``sigmoid(z)`` against labels ``y`` in {0, 1}."""
    return F.binary_cross_entropy_with_logits(z, y.to(z.dtype))
