"""A multi-layer perceptron from scratch: layers in a row, trained by backpropagation and SGD.

Shapes: ``X`` is ``(n, d)``, integer labels ``y`` are ``(n,)`` in ``0..k-1``,
the network's output is ``(n, k)`` logits.

One training step on a mini-batch:

1. forward: ``X -> Linear -> ReLU -> ... -> Linear -> logits``, then the loss
   ``L = SoftmaxCrossEntropy(logits, y)``;
2. backward: ``dL/dlogits`` goes through the same layers in reverse order, each
   turning ``dL/d(its output)`` into ``dL/d(its input)`` and storing the
   gradients of its own parameters (the chain rule, layer by layer);
3. update: ``p <- p - lr * dL/dp`` for every parameter ``p``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coursekit.scratch.layers import Linear, ReLU, SoftmaxCrossEntropy
from coursekit.scratch.training import minibatches


class Sequential:
    """Layers applied one after another; a layer itself (``forward``, ``backward``, ``params``, ``grads``).

    ``params`` and ``grads`` are flat dicts keyed ``"<index>.<name>"`` (``"0.W"``)
    whose values are the layers' own arrays, not copies: update them in place
    (``p -= lr * g``) and the layers see the change.

    Args:
        layers: the layers, input side first.
    """

    def __init__(self, layers: Sequence):
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Each layer's output is the next layer's input."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Backpropagation: the layers in reverse order; returns ``dL/dx`` for the first layer's input."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every layer's parameters, keyed ``"<layer index>.<name>"``."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """Every layer's gradients from the last :meth:`backward`, keyed like :attr:`params`."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}


def mlp(sizes: Sequence[int], activation=ReLU, rng: np.random.Generator | None = None) -> Sequential:
    """A fully connected network with the given layer widths and no activation on the output.

    ``mlp([64, 32, 10])`` is ``Linear(64, 32) -> ReLU -> Linear(32, 10)``.

    Args:
        sizes: input width, hidden widths, output width (the number of classes).
        activation: the layer class between two ``Linear`` layers.
        rng: draws all initial weights; default ``np.random.default_rng(0)``.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [Linear(n_in, n_out, rng), activation()]
    return Sequential(layers[:-1])


def train(model, X: np.ndarray, y: np.ndarray, lr: float = 0.1, epochs: int = 30,
          batch_size: int | None = 32, seed: int = 0) -> list[float]:
    """Train ``model`` in place with mini-batch SGD on the softmax cross-entropy.

    Args:
        model: a layer that outputs logits, e.g. :func:`mlp`.
        X, y: training data, ``(n, d)`` and integer labels ``(n,)``.
        lr: learning rate.
        epochs: passes over the data.
        batch_size: see :func:`~coursekit.scratch.training.minibatches`.
        seed: seeds the shuffling of every epoch.

    Returns:
        the mean loss over each epoch's mini-batches, one value per epoch.
    """
    loss_fn = SoftmaxCrossEntropy()
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        losses = []
        for idx in minibatches(len(X), batch_size, rng):
            losses.append(loss_fn.forward(model.forward(X[idx]), y[idx]))
            model.backward(loss_fn.backward())
            grads = model.grads
            for name, p in model.params.items():
                p -= lr * grads[name]
        history.append(float(np.mean(losses)))
    return history


def predict(model, X: np.ndarray) -> np.ndarray:
    """The class with the largest logit: ``(n, d) -> (n,)`` int64."""
    return np.argmax(model.forward(X), axis=1)
