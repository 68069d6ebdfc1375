"""The single-layer perceptron and the logistic unit, in NumPy.

Shapes: ``X`` is ``(n, d)`` (n samples, d features), ``w`` is ``(d,)``,
``b`` is a float, ``y`` is ``(n,)`` with labels in {0, 1}.

Both models compute the same *net input* ``z = X @ w + b``; they differ in
what they do with it:

* :class:`Perceptron` thresholds it, ``y_hat = step(z)``, and learns with
  Rosenblatt's rule (mistake-driven, one sample at a time);
* :class:`LogisticUnit` squashes it, ``p = sigmoid(z)``, and learns by gradient
  descent on the binary cross-entropy (see :mod:`coursekit.scratch.training`).
"""

from __future__ import annotations

import numpy as np

from coursekit.scratch.activations import sigmoid


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step with threshold 0: 1 where ``z >= 0``, else 0 (int64, same shape)."""
    return (np.asarray(z) >= 0).astype(np.int64)


class Perceptron:
    """Rosenblatt's perceptron: ``y_hat = step(x . w + b)``.

    Learning rule, for one sample ``(x, y)`` and learning rate ``lr``::

        w <- w + lr * (y - y_hat) * x
        b <- b + lr * (y - y_hat)

    A correct prediction changes nothing; a mistake moves the boundary towards
    the misclassified point. On linearly separable data the rule stops making
    mistakes after finitely many updates (the perceptron convergence theorem).

    Args:
        n_features: ``d``, the length of one input vector.
        lr: learning rate ``eta``.
    """

    def __init__(self, n_features: int, lr: float = 1.0):
        self.w = np.zeros(n_features)
        self.b = 0.0
        self.lr = lr

    def net_input(self, X: np.ndarray) -> np.ndarray:
        """``z = X @ w + b``: ``(n, d) -> (n,)``."""
        return np.asarray(X) @ self.w + self.b

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels ``step(z)``: ``(n, d) -> (n,)`` int64."""
        return step(self.net_input(X))

    def update(self, x: np.ndarray, y: int) -> int:
        """Apply the learning rule to one sample ``x`` ``(d,)``.

        Returns:
            1 on a mistake, else 0.
        """
        error = int(y) - int(step(self.net_input(x[None, :]))[0])
        self.w = self.w + self.lr * error * np.asarray(x, dtype=float)
        self.b = self.b + self.lr * error
        return abs(error)

    def fit(self, X: np.ndarray, y: np.ndarray, epochs: int = 10) -> list[int]:
        """Sweep the data in order ``epochs`` times, or until an epoch has no mistake.

        Returns:
            the number of mistakes in each epoch that ran.
        """
        mistakes = []
        for _ in range(epochs):
            mistakes.append(sum(self.update(x_i, y_i) for x_i, y_i in zip(X, y)))
            if mistakes[-1] == 0:
                break
        return mistakes


class LogisticUnit:
    """A single sigmoid neuron, ``p = sigmoid(x . w + b)``, trained by gradient descent.

    Loss: mean binary cross-entropy over the batch,
    ``L = -mean(y log p + (1 - y) log(1 - p))``. Its gradients are simply::

        dL/dw = X.T @ (p - y) / n        dL/db = mean(p - y)

    Args:
        n_features: ``d``.
        rng: generator for the initial weights (small normal); ``None`` starts at zero.
    """

    def __init__(self, n_features: int, rng: np.random.Generator | None = None):
        w = np.zeros(n_features) if rng is None else 0.01 * rng.standard_normal(n_features)
        self.params = {"w": w, "b": np.zeros(())}

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Probabilities ``p``: ``(n, d) -> (n,)``."""
        return sigmoid(np.asarray(X) @ self.params["w"] + self.params["b"])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels ``p >= 0.5``: ``(n, d) -> (n,)`` int64."""
        return (self.forward(X) >= 0.5).astype(np.int64)

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean binary cross-entropy, computed stably from the net input."""
        z = np.asarray(X) @ self.params["w"] + self.params["b"]
        # -[y log s(z) + (1-y) log(1-s(z))] = max(z, 0) - y z + log(1 + e^-|z|)
        losses = np.maximum(z, 0) - np.asarray(y) * z + np.log1p(np.exp(-np.abs(z)))
        return float(np.mean(losses))

    def gradients(self, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """``{"w": (d,), "b": ()}``: the gradient of :meth:`loss` for each parameter."""
        residual = self.forward(X) - np.asarray(y)  # (n,)
        return {"w": np.asarray(X).T @ residual / len(residual), "b": np.mean(residual)}
