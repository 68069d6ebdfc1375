"""A multi-layer perceptron from scratch: layers in a row, trained by backpropagation and SGD.

Shapes: ``X`` is ``(n, d)``, integer labels ``y`` are ``(n,)`` in ``0..k-1``,
the network's output is ``(n, k)`` logits.

One training step on a mini-batch (:meth:`Classifier.gradients` does 1 and 2,
:func:`~coursekit.scratch.training.gradient_descent` does 3):

1. forward: ``X -> Linear -> ReLU -> ... -> Linear -> logits``, then the loss
   ``L = SoftmaxCrossEntropy(logits, y)``;
2. backward: ``dL/dlogits`` goes through the same layers in reverse order, each
   turning ``dL/d(its output)`` into ``dL/d(its input)`` and storing the
   gradients of its own parameters (the chain rule, layer by layer);
3. update: ``p <- p - lr * dL/dp`` for every parameter ``p``.

Example::

    model = mlp([64, 32, 10])                                  # 64 inputs, 32 hidden, 10 classes
    history = gradient_descent(model, X, y, lr=0.1, epochs=30, batch_size=32)
    labels = model.predict(X)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coursekit.scratch.layers import Linear, ReLU, SoftmaxCrossEntropy


class Sequential:
    """Layers applied one after another; itself a layer.

    It has ``forward``, ``backward``, ``params`` and ``grads`` like each of its layers.

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
        """Backpropagation: the layers in reverse order.

        Returns:
            ``dL/dx`` for the first layer's input.
        """
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every layer's parameters, keyed ``"<layer index>.<name>"``."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in layer.params.items()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """Every layer's gradients from the last ``backward``, keyed like ``params``."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in layer.grads.items()}


class Classifier(Sequential):
    """A :class:`Sequential` whose outputs are logits, trained on softmax cross-entropy.

    It has what :func:`~coursekit.scratch.training.gradient_descent` needs:
    ``params`` (the layers' own arrays), ``loss(X, y)`` and ``gradients(X, y)``.
    """

    def __init__(self, layers: Sequence):
        super().__init__(layers)
        self.loss_fn = SoftmaxCrossEntropy()

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy of ``softmax(forward(X))`` against labels ``y``."""
        return self.loss_fn.forward(self.forward(X), y)

    def gradients(self, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """Forward pass, loss, backward pass: ``dL/dp`` for every parameter.

        Returns:
            the gradients, keyed like ``params``.
        """
        self.loss(X, y)
        self.backward(self.loss_fn.backward())
        return self.grads

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The class with the largest logit: ``(n, d) -> (n,)`` int64."""
        return np.argmax(self.forward(X), axis=1)


def mlp(sizes: Sequence[int], activation=ReLU,
        rng: np.random.Generator | None = None) -> Classifier:
    """A fully connected network with the given layer widths, no activation on the output.

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
    return Classifier(layers[:-1])


def n_parameters(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network with layer widths ``sizes``.

    A layer from ``n_in`` to ``n_out`` units has an ``(n_in, n_out)`` weight matrix
    and ``n_out`` biases, so the network has ``sum (n_in + 1) * n_out`` parameters.
    ``n_parameters([64, 32, 10])`` is ``65 * 32 + 33 * 10 = 2410``.
    """
    pairs = zip(sizes[:-1], sizes[1:])
    return sum((n_in + 1) * n_out for n_in, n_out in pairs)


def layer_gradient_norms(model: Classifier, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``||dL/dW||`` (Frobenius norm) of every ``Linear`` layer, input side first: ``(n_linear,)``.

    ``L`` is the mean softmax cross-entropy of ``model`` on the batch ``(X, y)``.
    Twin of :func:`coursekit.torch.mlp.layer_gradient_norms` and
    :func:`coursekit.keras.mlp.layer_gradient_norms`.
    """
    model.gradients(X, y)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers if isinstance(layer, Linear)])
