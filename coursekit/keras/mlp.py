"""The multi-layer perceptron in Keras 3: ``Dense`` layers with an activation on every hidden one.

Twin of :mod:`coursekit.scratch.mlp` and :mod:`coursekit.torch.mlp`. For layer
widths ``sizes = [d, h_1, ..., h_m, k]``::

    x (n, d) -> Dense(h_1, f) -> ... -> Dense(h_m, f) -> Dense(k) -> logits (n, k)

The output has no activation: train with a loss built ``from_logits=True``, which
applies the softmax itself, stably.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import keras
import numpy as np
import tensorflow as tf

#: activation name -> what ``Dense(activation=...)`` gets (leaky ReLU with PyTorch's slope 0.01,
#: not the 0.2 of ``keras.activations.leaky_relu``, so that the twins compute the same function)
ACTIVATIONS = {
    "relu": "relu",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "leaky_relu": partial(keras.activations.leaky_relu, negative_slope=0.01),
}


def mlp(sizes: Sequence[int], activation: str = "relu") -> keras.Sequential:
    """A fully connected network of the given layer widths, no activation on the output.

    ``mlp([64, 32, 10])`` is ``Input(64) -> Dense(32, relu) -> Dense(10)``; its
    parameters are Keras's default initialisation (Glorot uniform weights, zero
    biases).

    Args:
        sizes: input width, hidden widths, output width (the number of classes).
        activation: a key of :data:`ACTIVATIONS`, applied by every hidden ``Dense``.
    """
    f = ACTIVATIONS[activation]
    hidden = [keras.layers.Dense(n, activation=f) for n in sizes[1:-1]]
    layers = [keras.Input(shape=(sizes[0],)), *hidden, keras.layers.Dense(sizes[-1])]
    return keras.Sequential(layers, name="mlp")


def layer_gradient_norms(model: keras.Model, X, y) -> np.ndarray:
    """``||dL/dW||`` (Frobenius norm) of every ``Dense`` kernel, input side first.

    Returns ``(n_dense,)`` norms.

    ``L`` is the mean sparse categorical cross-entropy of the logits ``model(X)``,
    recorded on a ``tf.GradientTape`` (the TensorFlow backend's autograd).

    Args:
        model: maps ``(n, d)`` inputs to ``(n, k)`` logits, e.g. :func:`mlp`.
        X: ``(n, d)`` inputs.
        y: ``(n,)`` integer labels.
    """
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    kernels = [layer.kernel for layer in dense]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(X, training=True))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])
