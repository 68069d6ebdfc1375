"""Convolutional networks in PyTorch: LeNet-5, the C-P-C-P-FC-FC-FC pattern.

Twin of :mod:`coursekit.keras.cnn`. Inputs are NCHW: ``(n, 1, 28, 28)`` images.
LeNet-5 (LeCun et al., 1998) in its usual modern form::

    (n, 1, 28, 28) -conv 5x5, 6, pad 2-> (n, 6, 28, 28) -pool 2-> (n, 6, 14, 14)
                   -conv 5x5, 16-> (n, 16, 10, 10) -pool 2-> (n, 16, 5, 5) -flatten-> (n, 400)
                   -> 120 -> 84 -> 10 logits

Parameters: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706. The 1998 network used
tanh-like squashing and average pooling (``activation="tanh", pool="avg"``).
"""

from __future__ import annotations

from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}
POOLS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


def lenet5(num_classes: int = 10, in_channels: int = 1, activation: str = "relu",
           pool: str = "max") -> nn.Sequential:
    """LeNet-5 for ``(n, in_channels, 28, 28)`` inputs, returning ``(n, num_classes)`` logits.

    Args:
        num_classes: outputs of the last layer (10 for digits: 61,706 parameters).
        in_channels: 1 for grey images.
        activation: ``"relu"`` or ``"tanh"``, after every layer but the last.
        pool: ``"max"`` or ``"avg"``, 2x2 windows at stride 2.
    """
    act, pool_cls = ACTIVATIONS[activation], POOLS[pool]
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), act(), pool_cls(2),
        nn.Conv2d(6, 16, kernel_size=5), act(), pool_cls(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), act(),
        nn.Linear(120, 84), act(),
        nn.Linear(84, num_classes),
    )


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters (weights and biases) of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
