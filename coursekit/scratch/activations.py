"""Activation functions and their derivatives, in NumPy.

All functions take an array ``x`` of any shape and return an array of the same
shape. Most are *elementwise*; ``softmax`` and ``log_softmax`` normalise along
``axis``. A float input keeps its dtype (float32 in, float32 out); integers
become float64.

===========  ==============================  ==================================
name         f(x)                            derivative
===========  ==============================  ==================================
sigmoid      1 / (1 + e^-x)                  f(x) (1 - f(x))
tanh         (e^x - e^-x) / (e^x + e^-x)     1 - f(x)^2
relu         max(x, 0)                       1 if x > 0 else 0
leaky_relu   x if x > 0 else a x             1 if x > 0 else a
elu          x if x > 0 else a (e^x - 1)     1 if x > 0 else a e^x
gelu         x Phi(x)                        Phi(x) + x phi(x)
silu         x sigmoid(x)                    s (1 + x (1 - s)), s = sigmoid(x)
softmax      p_i = e^x_i / sum_j e^x_j       J_ij = dp_i/dx_j = p_i (d_ij - p_j)
===========  ==============================  ==================================

Everything is numerically stable: no overflow, no NaN or inf, even for inputs
of +-1e4. A result may *underflow* to 0 (``sigmoid(-1e4)``), which is the
correctly rounded answer; NumPy does not warn about underflow by default.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

_erfc = np.frompyfunc(math.erfc, 1, 1)  # NumPy has no erf; math's is correctly rounded


def _as_float(x) -> np.ndarray:
    """``x`` as an array, keeping a float dtype and turning anything else into float64."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def sigmoid(x) -> np.ndarray:
    """Logistic function ``1 / (1 + e^-x)``, elementwise, in ``(0, 1)``.

    ``e^-x`` overflows for large negative ``x``, so both signs use
    ``e = e^-|x|``, which lies in ``(0, 1]``::

        x >= 0:  1 / (1 + e)          x < 0:  e / (1 + e)
    """
    x = _as_float(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x) -> np.ndarray:
    """Derivative of :func:`sigmoid`: ``s (1 - s)`` with ``s = sigmoid(x)``.

    It is at most 1/4, at ``x = 0``.
    """
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent, elementwise, in ``(-1, 1)``; ``tanh(x) = 2 sigmoid(2x) - 1``."""
    return np.tanh(_as_float(x))


def tanh_grad(x) -> np.ndarray:
    """Derivative of :func:`tanh`: ``1 - tanh(x)^2``; at most 1, at ``x = 0``."""
    t = tanh(x)
    return 1 - t * t


def relu(x) -> np.ndarray:
    """Rectified linear unit ``max(x, 0)``, elementwise."""
    return np.maximum(_as_float(x), 0)


def relu_grad(x) -> np.ndarray:
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (0 at the kink ``x = 0``, as in PyTorch)."""
    x = _as_float(x)
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` where ``x > 0``, else ``negative_slope * x``, elementwise.

    The default slope 0.01 is PyTorch's; ``keras.activations.leaky_relu`` defaults to 0.2.
    """
    x = _as_float(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope: float = 0.01) -> np.ndarray:
    """Derivative of :func:`leaky_relu`: 1 where ``x > 0``, else ``negative_slope`` (also at 0)."""
    x = _as_float(x)
    return np.where(x > 0, 1, negative_slope).astype(x.dtype)


def elu(x, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: ``x`` where ``x > 0``, else ``alpha (e^x - 1)``, in ``(-alpha, inf)``.

    Smooth for ``alpha = 1`` (PyTorch's and Keras's default): negative inputs give small
    negative outputs and a non-zero gradient, so a unit cannot "die" as a ReLU can.
    ``np.expm1`` computes ``e^x - 1`` accurately near 0 and never overflows here.
    """
    x = _as_float(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_grad(x, alpha: float = 1.0) -> np.ndarray:
    """Derivative of :func:`elu`: 1 where ``x > 0``, else ``alpha e^x`` (``alpha`` at 0, as in PyTorch)."""
    x = _as_float(x)
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)


def _gelu_tanh_inner(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``u = sqrt(2/pi) (x + 0.044715 x^3)`` and ``du/dx``, for the tanh form of :func:`gelu`."""
    c = math.sqrt(2 / math.pi)
    return c * (x + 0.044715 * x**3), c * (1 + 3 * 0.044715 * x**2)


def gelu(x, approximate: bool = False) -> np.ndarray:
    """Gaussian error linear unit ``x Phi(x)``, ``Phi`` the standard normal CDF.

    ``Phi(x) = erfc(-x / sqrt 2) / 2`` (``erfc`` keeps its precision where ``Phi`` is tiny).
    ``approximate=True`` is the cheaper tanh form ``x (1 + tanh(u)) / 2`` with
    ``u = sqrt(2/pi) (x + 0.044715 x^3)``. The defaults differ: PyTorch's ``F.gelu`` is
    exact (``approximate="none"``), ``keras.activations.gelu`` uses the tanh form.
    """
    x = _as_float(x)
    if approximate:
        u, _ = _gelu_tanh_inner(x)
        return 0.5 * x * (1 + np.tanh(u))
    wide = x.astype(np.float64)
    return (0.5 * wide * _erfc(-wide / math.sqrt(2)).astype(np.float64)).astype(x.dtype)


def gelu_grad(x, approximate: bool = False) -> np.ndarray:
    """Derivative of :func:`gelu`: ``Phi(x) + x phi(x)``.

    ``phi(x) = e^(-x^2/2) / sqrt(2 pi)`` is the standard normal density. The
    derivative dips below 0 (to about -0.13 at ``x = -sqrt 2``): GELU is not
    monotonic, its minimum is about -0.17 at ``x = -0.75``.
    """
    x = _as_float(x)
    if approximate:
        u, du = _gelu_tanh_inner(x)
        t = np.tanh(u)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
    wide = x.astype(np.float64)
    cdf = 0.5 * _erfc(-wide / math.sqrt(2)).astype(np.float64)
    pdf = np.exp(-0.5 * np.minimum(wide * wide, 1e4)) / math.sqrt(2 * math.pi)
    return (cdf + wide * pdf).astype(x.dtype)


def silu(x) -> np.ndarray:
    """Sigmoid linear unit (also *swish*): ``x sigmoid(x)``; close to ReLU for large ``|x|``."""
    x = _as_float(x)
    return x * sigmoid(x)


def silu_grad(x) -> np.ndarray:
    """Derivative of :func:`silu`: ``s (1 + x (1 - s))`` with ``s = sigmoid(x)``; below 0 for ``x < -1.28``."""
    x = _as_float(x)
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def softmax(x, axis: int = -1) -> np.ndarray:
    """``p_i = e^x_i / sum_j e^x_j`` along ``axis``: positive, sums to 1 along ``axis``.

    Softmax does not change when a constant is added to every ``x_i``, so the
    maximum is subtracted first: every exponent is then ``<= 0`` and cannot overflow.
    """
    x = _as_float(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1) -> np.ndarray:
    """``log softmax(x)`` along ``axis``, ``x_i - log sum_j e^x_j``, without taking ``log(0)``.

    With ``m = max_j x_j``: ``log_softmax(x)_i = (x_i - m) - log sum_j e^(x_j - m)``;
    the sum is at least 1, so its log is finite.
    """
    x = _as_float(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_jacobian(x) -> np.ndarray:
    """Jacobian of :func:`softmax` along the last axis: ``(..., k) -> (..., k, k)``.

    ``J[..., i, j] = dp_i / dx_j = p_i (d_ij - p_j)``, i.e. ``diag(p) - p p^T``.
    Softmax is not elementwise: every output depends on every input.
    """
    p = softmax(x, axis=-1)
    return p[..., :, None] * (np.eye(p.shape[-1], dtype=p.dtype) - p[..., None, :])


#: The elementwise activations and their derivatives, by name (for plots and tests).
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "gelu": (gelu, gelu_grad),
    "silu": (silu, silu_grad),
}
