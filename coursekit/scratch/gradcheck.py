"""Gradient checking: compare a backward pass with finite differences.

The centred difference approximates one partial derivative of ``f`` at ``x``::

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

with an error of order ``eps^2`` (plus rounding of order ``1e-16 / eps``). Use
float64 inputs: in float32 the rounding error swamps the result.

A layer's output is an array, not a number, so :func:`check_layer` turns it into
one with a fixed random weighting ``f(x) = sum(forward(x) * G)``. Then
``df/dout = G``, and ``backward(G)`` must return ``df/dx``.

Rule of thumb for :func:`relative_error` in float64: below ``1e-7`` is right;
above ``1e-3`` is a bug.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       eps: float = 1e-6) -> np.ndarray:
    """Centred finite-difference gradient of a scalar function ``f`` at ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored afterwards,
    so ``f`` may also read ``x`` through another reference (a layer's ``params``).

    Args:
        f: maps an array of the shape of ``x`` to a float.
        x: float array of any shape (float64 for accurate results).
        eps: the step.

    Returns:
        an array of the shape of ``x``: ``df/dx``.
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray, tiny: float = 1e-12) -> float:
    """Largest difference between ``a`` and ``b``, relative to their size::

        max_i |a_i - b_i| / max(max_i (|a_i| + |b_i|), tiny)

    0 means equal, 1 means unrelated (e.g. opposite signs). Scaling by the
    largest entry, not entry by entry, keeps gradients that are almost 0 from
    reporting noise as a large error; ``tiny`` avoids 0/0 when both are 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), tiny))


def check_layer(layer, x: np.ndarray, eps: float = 1e-6,
                seed: int = 0) -> dict[str, float]:
    """Compare ``layer.backward`` with finite differences, input and each parameter.

    Args:
        layer: has ``forward(x)``, ``backward(dout)``, ``params`` and ``grads``.
        x: a float64 input batch.
        eps: the finite-difference step.
        seed: draws the random output weighting ``G``.

    Returns:
        ``{"x": err, **{name: err for each parameter}}``, each a :func:`relative_error`.
    """
    G = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)
    analytic = {"x": layer.backward(G)} | {k: g.copy() for k, g in layer.grads.items()}

    def f(_):
        return float(np.sum(layer.forward(x) * G))

    numeric = {"x": numerical_gradient(f, x, eps)}
    numeric |= {k: numerical_gradient(f, p, eps) for k, p in layer.params.items()}
    return {k: relative_error(analytic[k], numeric[k]) for k in analytic}


def check_loss(loss, logits: np.ndarray, labels: np.ndarray, eps: float = 1e-6) -> dict[str, float]:
    """Compare a loss layer's ``backward()`` (e.g. ``SoftmaxCrossEntropy``) with finite differences.

    Args:
        loss: has ``forward(logits, labels) -> float`` and ``backward() -> dL/dlogits``.
        logits: a float64 batch of scores.
        labels: the targets, passed through unchanged.
        eps: the finite-difference step.

    Returns:
        ``{"logits": err}``, a :func:`relative_error`.
    """
    loss.forward(logits, labels)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda z: loss.forward(z, labels), logits, eps)
    return {"logits": relative_error(analytic, numeric)}
