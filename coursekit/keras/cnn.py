"""Convolutional networks in Keras 3: LeNet-5, the C-P-C-P-FC-FC-FC pattern.

Twin of :mod:`coursekit.torch.cnn`. Inputs are NHWC: ``(n, 28, 28, 1)`` images,
kernels ``(kh, kw, c_in, c_out)``. The first convolution uses ``padding="same"``
(at stride 1 and k = 5: 2 zeros on every side, PyTorch's ``padding=2``)::

    (n, 28, 28, 1) -conv 5x5, 6-> (n, 28, 28, 6) -pool-> (n, 14, 14, 6) -conv 5x5, 16-> (n, 10, 10, 16)
                   -pool-> (n, 5, 5, 16) -flatten-> (n, 400) -> 120 -> 84 -> 10 logits

Parameters: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.
"""

from __future__ import annotations

import keras

POOLS = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}


def lenet5(num_classes: int = 10, in_channels: int = 1, activation: str = "relu",
           pool: str = "max") -> keras.Sequential:
    """LeNet-5 for ``(n, 28, 28, in_channels)`` inputs, returning ``(n, num_classes)`` logits.

    Args:
        num_classes: outputs of the last layer (10 for digits: 61,706 parameters).
        in_channels: 1 for grey images.
        activation: ``"relu"`` or ``"tanh"``, after every layer but the last.
        pool: ``"max"`` or ``"avg"``, 2x2 windows at stride 2.
    """
    pool_cls = POOLS[pool]
    return keras.Sequential([
        keras.Input(shape=(28, 28, in_channels)),
        keras.layers.Conv2D(6, 5, padding="same", activation=activation), pool_cls(2),
        keras.layers.Conv2D(16, 5, activation=activation), pool_cls(2),
        keras.layers.Flatten(),
        keras.layers.Dense(120, activation=activation),
        keras.layers.Dense(84, activation=activation),
        keras.layers.Dense(num_classes),
    ], name="lenet5")
