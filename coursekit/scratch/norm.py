"""Batch normalisation and dropout in NumPy, with the frameworks' exact conventions.

Both layers follow the protocol of :mod:`coursekit.scratch.layers` (``params``,
``grads``, ``backward(dout) -> dx``) and add a ``training`` switch to ``forward``:
they compute something different while training and at inference, which is why
PyTorch has ``model.train()`` / ``model.eval()`` and Keras passes ``training=True``.
"""

from __future__ import annotations

import numpy as np

#: per convention: (momentum, batch variance stored in the running statistics, eps)
CONVENTIONS = {
    "torch": {"momentum": 0.1, "unbiased": True, "eps": 1e-5},
    "keras": {"momentum": 0.99, "unbiased": False, "eps": 1e-3},
}


class BatchNorm:
    """Batch normalisation over the batch (and spatial) axes: ``(n, d)`` or ``(n, c, h, w)``.

    Training, for each feature (channel) with the ``m`` values of the batch
    (``m = n`` or ``n h w``)::

        μ = mean(x),  σ² = mean((x - μ)²)            (the biased batch variance)
        x̂ = (x - μ) / sqrt(σ² + eps),   out = γ x̂ + β

    and the running statistics move towards the batch's. At inference
    (``training=False``) ``μ`` and ``σ²`` are replaced by ``running_mean`` and
    ``running_var``. Backward (training), summing over the ``m`` values::

        dx̂ = dout γ
        dx  = (m dx̂ - Σ dx̂ - x̂ Σ(dx̂ x̂)) / (m sqrt(σ² + eps))
        dγ  = Σ dout x̂,   dβ = Σ dout

    The conventions (``convention="torch"`` like ``nn.BatchNorm1d/2d``,
    ``"keras"`` like ``keras.layers.BatchNormalization``)::

        torch: running = (1 - momentum) running + momentum batch,  momentum = 0.1,
               batch variance *unbiased* (× m / (m - 1)), eps = 1e-5
        keras: running = momentum running + (1 - momentum) batch,  momentum = 0.99,
               batch variance *biased*, eps = 1e-3

    ``momentum`` keeps the meaning of its convention, so arguments copy across from
    the framework unchanged. Both start from ``running_mean = 0``, ``running_var = 1``,
    ``γ = 1``, ``β = 0``. Keras works on channels-last images; this layer, like
    PyTorch, takes ``(n, c, h, w)``.

    Args:
        num_features: ``d`` or ``c``.
        momentum, eps: ``None`` takes the convention's default.
        convention: ``"torch"`` or ``"keras"``.
    """

    def __init__(self, num_features: int, momentum: float | None = None, eps: float | None = None,
                 convention: str = "torch"):
        if convention not in CONVENTIONS:
            raise ValueError(f"convention must be 'torch' or 'keras', not {convention!r}")
        defaults = CONVENTIONS[convention]
        self.convention = convention
        self.momentum = defaults["momentum"] if momentum is None else momentum
        self.eps = defaults["eps"] if eps is None else eps
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)

    @staticmethod
    def _axes_and_shape(x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The axes statistics are taken over, and the shape a per-feature vector broadcasts as."""
        if x.ndim == 2:
            return (0,), (1, x.shape[1])
        if x.ndim == 4:
            return (0, 2, 3), (1, x.shape[1], 1, 1)
        raise ValueError(f"BatchNorm expects (n, d) or (n, c, h, w), got shape {x.shape}")

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """Normalise ``x``; in training also update ``running_mean`` and ``running_var``."""
        axes, shape = self._axes_and_shape(x)
        if training:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            m = x.size // x.shape[1]
            stored_var = var * m / (m - 1) if CONVENTIONS[self.convention]["unbiased"] else var
            keep = 1 - self.momentum if self.convention == "torch" else self.momentum
            self.running_mean = keep * self.running_mean + (1 - keep) * mean
            self.running_var = keep * self.running_var + (1 - keep) * stored_var
        else:
            mean, var = self.running_mean, self.running_var
        self.training, self.axes, self.shape = training, axes, shape
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (x - mean.reshape(shape)) * self.inv_std.reshape(shape)
        return self.params["gamma"].reshape(shape) * self.x_hat + self.params["beta"].reshape(shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout -> dx`` (same shape); stores ``dgamma`` and ``dbeta`` in ``grads``."""
        axes, shape, x_hat = self.axes, self.shape, self.x_hat
        self.grads["gamma"] = (dout * x_hat).sum(axis=axes)
        self.grads["beta"] = dout.sum(axis=axes)
        dx_hat = dout * self.params["gamma"].reshape(shape)
        inv_std = self.inv_std.reshape(shape)
        if not self.training:  # fixed statistics: an affine map of x
            return dx_hat * inv_std
        m = dout.size // dout.shape[1]
        return inv_std / m * (m * dx_hat - dx_hat.sum(axis=axes, keepdims=True)
                              - x_hat * (dx_hat * x_hat).sum(axis=axes, keepdims=True))


class Dropout:
    """Inverted dropout: zero each value with probability ``p``, scale the rest by ``1 / (1 - p)``.

    Training: ``out = x · mask / (1 - p)`` with ``mask ~ Bernoulli(1 - p)`` drawn
    anew at every call, so ``E[out] = x``; backward ``dx = dout · mask / (1 - p)``.
    Inference (``training=False``): ``out = x``, nothing to rescale, which is the
    point of scaling during training. ``p`` is the probability to *drop*, as in
    ``nn.Dropout(p)`` and ``keras.layers.Dropout(rate)``.

    Args:
        p: drop probability in ``[0, 1]``.
        rng: draws the masks; default ``np.random.default_rng(0)``.
    """

    def __init__(self, p: float, rng: np.random.Generator | None = None):
        if not 0 <= p <= 1:
            raise ValueError(f"p must be in [0, 1], got {p}")
        self.p = p
        self.rng = np.random.default_rng(0) if rng is None else rng
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """Any shape -> the same shape; in training remembers the scaled mask."""
        if not training or self.p == 0:
            self.scale = np.ones_like(x)
        elif self.p == 1:
            self.scale = np.zeros_like(x)
        else:
            self.scale = (self.rng.random(x.shape) >= self.p) / (1 - self.p)
        return x * self.scale

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dx = dout · mask / (1 - p)`` (``dout`` at inference)."""
        return dout * self.scale
