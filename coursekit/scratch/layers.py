"""Layers with a forward and a backward pass, in NumPy: backpropagation made visible.

Every layer is an object with

* ``forward(x) -> out``: computes the output and remembers what the backward
  pass will need (its input);
* ``backward(dout) -> dx``: given ``dout = dL/dout`` (the shape of ``out``),
  returns ``dx = dL/dx`` (the shape of ``x``) and stores ``dL/dp`` for every
  parameter ``p`` in ``grads``;
* ``params`` and ``grads``: dicts with the same keys (both empty for a layer
  without parameters); ``grads[k]`` has the shape of ``params[k]``.

``backward`` is the chain rule, one layer at a time: the gradient arriving from
above is multiplied by the layer's own local derivative. Call ``forward``
before ``backward``. Shapes: a batch of ``n`` samples comes first, ``(n, d)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from coursekit.scratch.activations import (
    leaky_relu,
    leaky_relu_grad,
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)


class Linear:
    """Fully connected layer ``out = x @ W + b``: ``(n, n_in) -> (n, n_out)``.

    Backward, for ``dout`` of shape ``(n, n_out)``::

        dx = dout @ W.T         (n, n_in)
        dW = x.T @ dout         (n_in, n_out)   summed over the batch
        db = dout.sum(axis=0)   (n_out,)

    Args:
        n_in, n_out: input and output widths.
        rng: draws the initial weights; default ``np.random.default_rng(0)``
            (so pass one generator to all layers of a network).
        scale: standard deviation of the initial weights, ``W ~ N(0, scale^2)``;
            default He initialisation, ``sqrt(2 / n_in)``. Biases start at 0.
    """

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator | None = None,
                 scale: float | None = None):
        rng = np.random.default_rng(0) if rng is None else rng
        scale = np.sqrt(2.0 / n_in) if scale is None else scale
        W = scale * rng.standard_normal((n_in, n_out))
        self.params = {"W": W, "b": np.zeros(n_out)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``(n, n_in) -> (n, n_out)``; remembers ``x`` for the backward pass."""
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (n, n_out) -> dx (n, n_in)``; stores ``dW``, ``db`` in ``grads``."""
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T


class Activation:
    """An elementwise layer ``out = f(x)`` without parameters: any shape -> same shape.

    Backward is the chain rule for an elementwise function, ``dx = dout * f'(x)``.

    Args:
        f: the activation, e.g. :func:`~coursekit.scratch.activations.relu`.
        f_grad: its derivative, e.g. :func:`~coursekit.scratch.activations.relu_grad`.
    """

    def __init__(self, f: Callable[[np.ndarray], np.ndarray],
                 f_grad: Callable[[np.ndarray], np.ndarray]):
        self.f, self.f_grad = f, f_grad
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``f(x)``, same shape; remembers ``x`` for the backward pass."""
        self.x = x
        return self.f(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dx = dout * f'(x)``, same shape."""
        return dout * self.f_grad(self.x)


class ReLU(Activation):
    """``out = max(x, 0)``; backward ``dx = dout * (x > 0)``."""

    def __init__(self):
        super().__init__(relu, relu_grad)


class LeakyReLU(Activation):
    """``out = x if x > 0 else a x``; backward ``dx = dout * (1 if x > 0 else a)``."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__(partial(leaky_relu, negative_slope=negative_slope),
                         partial(leaky_relu_grad, negative_slope=negative_slope))


class Sigmoid(Activation):
    """``out = s = 1 / (1 + e^-x)``; backward ``dx = dout * s (1 - s)``."""

    def __init__(self):
        super().__init__(sigmoid, sigmoid_grad)


class Tanh(Activation):
    """``out = t = tanh(x)``; backward ``dx = dout * (1 - t^2)``."""

    def __init__(self):
        super().__init__(tanh, tanh_grad)


class SoftmaxCrossEntropy:
    """Softmax and the mean cross-entropy in one layer.

    Logits ``(n, k)`` and labels ``(n,)`` in, one number (the loss) out.

    With ``p = softmax(z)`` for each row of logits ``z`` and integer labels ``y``::

        L  = -1/n sum_i log p[i, y_i]
        dz = (p - onehot(y)) / n        (n, k)

    Fusing the two keeps the loss finite (``log_softmax`` never takes ``log(0)``)
    and makes the gradient as simple as "probabilities minus targets".
    """

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """The mean loss over the batch.

        Args:
            logits: ``(n, k)`` unnormalised scores ``z``.
            labels: ``(n,)`` integer classes in ``0..k-1``.
        """
        log_p = log_softmax(logits, axis=1)
        self.probs, self.labels = np.exp(log_p), np.asarray(labels)
        return float(-log_p[np.arange(len(self.labels)), self.labels].mean())

    def backward(self) -> np.ndarray:
        """``dL/dz``, ``(n, k)``, for the last :meth:`forward`.

        The loss is the end of the chain, so there is no upstream gradient.
        """
        n = len(self.labels)
        dlogits = self.probs.copy()
        dlogits[np.arange(n), self.labels] -= 1
        return dlogits / n
