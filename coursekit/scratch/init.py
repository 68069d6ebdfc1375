"""Weight initialisation in NumPy: Glorot (Xavier) and He (Kaiming), as the frameworks do it.

Every initialiser returns a weight matrix of shape ``(fan_in, fan_out)`` (the
course's ``x @ W`` layout; PyTorch stores the transpose) drawn from ``rng``.
The goal is to keep the variance of the activations (forward) and of the
gradients (backward) the same from layer to layer:

* **Glorot / Xavier** (tanh, sigmoid, linear): ``Var(w) = 2 / (fan_in + fan_out)``;
  uniform on ``[-a, a]`` with ``a = sqrt(6 / (fan_in + fan_out))``.
* **He / Kaiming** (ReLU, which zeroes half of its inputs): ``Var(w) = 2 / fan_in``.
* **Kaiming uniform with slope a**: uniform on ``[-b, b]``, ``b = sqrt(6 / ((1 + a²) fan_in))``.
  PyTorch's ``nn.Linear`` and ``nn.Conv*d`` use ``a = sqrt(5)``, so ``b = 1 / sqrt(fan_in)``
  and ``Var(w) = 1 / (3 fan_in)``: a third of He's variance.

A uniform distribution on ``[-b, b]`` has variance ``b² / 3``.
"""

from __future__ import annotations

import numpy as np

#: the standard deviation of a unit normal truncated to [-2, 2]; Keras divides by it.
TRUNCATED_STD = 0.87962566103423978


def glorot_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """``W ~ U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``, shape ``(fan_in, fan_out)``.

    Keras's default kernel initialiser (``keras.initializers.GlorotUniform``) and
    PyTorch's ``nn.init.xavier_uniform_``.
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator, convention: str = "torch") -> np.ndarray:
    """He initialisation with standard deviation ``σ = sqrt(2 / fan_in)``, shape ``(fan_in, fan_out)``.

    Args:
        convention: ``"torch"`` draws ``N(0, σ²)`` (``nn.init.kaiming_normal_``,
            nonlinearity ``"relu"``); ``"keras"`` draws as ``keras.initializers.HeNormal``:
            a normal with standard deviation ``s = σ / 0.8796`` truncated to ``[-2s, 2s]``
            (values outside are drawn again), whose standard deviation is then ``σ`` again.
    """
    sigma = np.sqrt(2.0 / fan_in)
    if convention == "torch":
        return sigma * rng.standard_normal((fan_in, fan_out))
    if convention != "keras":
        raise ValueError(f"convention must be 'torch' or 'keras', not {convention!r}")
    z = rng.standard_normal((fan_in, fan_out))
    outside = np.abs(z) > 2
    while outside.any():  # redraw until every value lies within two standard deviations
        z[outside] = rng.standard_normal(outside.sum())
        outside = np.abs(z) > 2
    return sigma / TRUNCATED_STD * z


def kaiming_uniform(fan_in: int, fan_out: int, rng: np.random.Generator, a: float = 0.0) -> np.ndarray:
    """``W ~ U(-b, b)``, ``b = sqrt(6 / ((1 + a²) fan_in))``, shape ``(fan_in, fan_out)``.

    ``a = 0`` is He uniform; ``a = sqrt(5)`` is the default weight of PyTorch's
    ``nn.Linear`` and ``nn.Conv*d`` (``kaiming_uniform_(w, a=sqrt(5))``), ``b = 1 / sqrt(fan_in)``.
    """
    bound = np.sqrt(6.0 / ((1.0 + a * a) * fan_in))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))
