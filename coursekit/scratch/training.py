"""Gradient descent in its three flavours, for any model with ``params`` and ``gradients``.

The *batch size* alone decides the flavour:

=====================  ==============  ===============================
batch_size             name            one update uses
=====================  ==============  ===============================
1                      stochastic GD   one random sample
between 1 and n        mini-batch GD   a random batch of samples
n (``None``)           full-batch GD   the whole training set
=====================  ==============  ===============================

A model here is any object with

* ``params: dict[str, ndarray]``, the model's own arrays (updated in place);
* ``gradients(X, y) -> dict``, the gradient of the loss for each key of ``params``;
* ``loss(X, y) -> float``, the loss on a batch.

The same loop trains :class:`~coursekit.scratch.perceptron.LogisticUnit` and
the multi-layer :class:`~coursekit.scratch.mlp.Classifier`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def minibatches(n: int, batch_size: int | None, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Yield index arrays that cover ``range(n)`` once, in a random order.

    ``batch_size=None`` yields one batch with all ``n`` indices (in order).
    """
    if batch_size is None or batch_size >= n:
        yield np.arange(n)
        return
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def gradient_descent(model, X: np.ndarray, y: np.ndarray, lr: float = 0.1,
                     epochs: int = 10, batch_size: int | None = None,
                     seed: int = 0) -> list[float]:
    """Train ``model`` in place with plain gradient descent.

    Every parameter ``p`` takes the step ``p <- p - lr * dL/dp`` on every batch.

    Args:
        model: see the module docstring.
        X, y: training data, ``(n, ...)`` and ``(n,)``.
        lr: learning rate.
        epochs: passes over the data.
        batch_size: 1 (SGD), k (mini-batch) or ``None`` (full batch).
        seed: seeds the shuffling of every epoch.

    Returns:
        the training loss over the whole set after each epoch.
    """
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        for idx in minibatches(len(X), batch_size, rng):
            grads = model.gradients(X[idx], y[idx])
            for key, p in model.params.items():
                p -= lr * grads[key]  # in place: the model's own array changes
        history.append(model.loss(X, y))
    return history
