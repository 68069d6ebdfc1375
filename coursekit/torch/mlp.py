"""The multi-layer perceptron in PyTorch: ``nn.Linear`` layers with an activation between them.

Twin of :mod:`coursekit.scratch.mlp` and :mod:`coursekit.keras.mlp`. For layer
widths ``sizes = [d, h_1, ..., h_m, k]``::

    x (n, d) -> Linear(d, h_1) -> f -> ... -> Linear(h_m, k) -> logits (n, k)

The output has no activation: the loss applies it (``F.cross_entropy`` takes
logits and does the softmax itself, stably).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

#: activation name -> the layer that computes it (leaky ReLU with PyTorch's slope 0.01)
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "leaky_relu": nn.LeakyReLU,
}


def mlp(sizes: Sequence[int], activation: str = "relu") -> nn.Sequential:
    """A fully connected network of the given layer widths, no activation on the output.

    ``mlp([64, 32, 10])`` is ``Linear(64, 32) -> ReLU -> Linear(32, 10)``; its
    parameters are PyTorch's default initialisation.

    Args:
        sizes: input width, hidden widths, output width (the number of classes).
        activation: a key of :data:`ACTIVATIONS`, used after every hidden ``Linear``.
    """
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), ACTIVATIONS[activation]()]
    return nn.Sequential(*layers[:-1])


def layer_gradient_norms(model: nn.Module, X, y) -> np.ndarray:
    """``||dL/dW||`` (Frobenius norm) of every ``nn.Linear`` layer, input side first.

    Returns ``(n_linear,)`` norms.

    ``L = F.cross_entropy(model(X), y)``, the mean over the batch. The gradients
    are zeroed first, so the result does not depend on earlier backward passes.

    Args:
        model: maps ``(n, d)`` inputs to ``(n, k)`` logits, e.g. :func:`mlp`.
        X: ``(n, d)`` inputs (array or tensor; cast to the model's dtype and device).
        y: ``(n,)`` integer labels.
    """
    weight = next(model.parameters())
    X = torch.as_tensor(X, dtype=weight.dtype, device=weight.device)
    y = torch.as_tensor(y, dtype=torch.int64, device=weight.device)
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    linear = [layer for layer in model.modules() if isinstance(layer, nn.Linear)]
    return np.array([layer.weight.grad.norm().item() for layer in linear])
