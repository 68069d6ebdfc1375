"""The single-layer model in Keras 3: one ``Dense`` layer and the losses that train it.

Twin of :mod:`coursekit.torch.perceptron`: same model (the output is the net
input ``z``, a logit), same two losses.
"""

from __future__ import annotations

import keras
from keras import ops


def single_layer(n_features: int, n_outputs: int = 1, activation: str | None = None) -> keras.Sequential:
    """``Input(n_features) -> Dense(n_outputs, activation)``: ``(n, d) -> (n, n_outputs)``."""
    return keras.Sequential(
        [keras.Input(shape=(n_features,)), keras.layers.Dense(n_outputs, activation=activation)],
        name="single_layer",
    )


def step(z):
    """1 where ``z >= 0``, else 0, in the dtype of ``z``."""
    return ops.cast(ops.greater_equal(z, 0), z.dtype)


def perceptron_loss(y_true, z):
    """Mean of ``(step(z) - y) * z``, the perceptron criterion.

    SGD on it, one sample at a time, is the perceptron rule.
    Keras's argument order: ``(y_true, y_pred)``; ``y_pred`` is the logit ``z``.
    """
    z = ops.reshape(z, (-1,))
    y = ops.cast(ops.reshape(y_true, (-1,)), z.dtype)
    return ops.mean(ops.stop_gradient(step(z) - y) * z)


def logistic_loss(y_true, z):
    """Mean binary cross-entropy of ``sigmoid(z)``: ``keras.losses.binary_crossentropy`` from logits."""
    z = ops.reshape(z, (-1,))
    y = ops.cast(ops.reshape(y_true, (-1,)), z.dtype)
    return ops.mean(keras.losses.binary_crossentropy(y[:, None], z[:, None], from_logits=True))
