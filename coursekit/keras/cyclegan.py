"""CycleGAN (Zhu et al., 2017) in Keras 3: twin of :mod:`coursekit.torch.cyclegan`.

The same networks, channels last (``(n, s, s, 1)`` in [-1, 1]), the same least-squares losses and
the same step; :class:`CycleGAN` is a ``keras.Model`` whose custom ``train_step`` lets ``fit`` drive
the training on pairs ``(a, b)`` of *unrelated* batches. :func:`load_torch_weights` copies a
PyTorch network of the twin module into its Keras network, layer by layer::

    L_cyc = mean |f(g(a)) - a| + mean |g(f(b)) - b|          (L1, per pixel)
    L_G   = mean (D_B(G(a)) - 1)^2 + mean (D_A(F(b)) - 1)^2 + lambda * L_cyc     (lambda = 10)
    L_D   = (mean (D(real) - 1)^2 + mean D(fake)^2) / 2      for D_A and for D_B
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


def cycle_consistency_loss(g: Callable, f: Callable, a, b):
    """``mean |f(g(a)) - a| + mean |g(f(b)) - b|``, a scalar tensor.

    Args:
        g: the translator ``A -> B``; f: the translator ``B -> A``.
        a: ``(n, h, w, c)`` images of domain A; b: ``(m, h, w, c)`` images of domain B.
    """
    return ops.mean(ops.abs(f(g(a)) - a)) + ops.mean(ops.abs(g(f(b)) - b))


def generator(width: int = 16, size: int = 16, name: str = "generator") -> keras.Model:
    """An image-to-image translator ``(n, s, s, 1) -> (n, s, s, 1)``, both in [-1, 1]."""
    return keras.Sequential([
        keras.Input((size, size, 1)),
        layers.Conv2D(width, 3, 1, "same", activation="relu"),
        layers.Conv2D(2 * width, 4, 2, "same", activation="relu"),                 # (n, s/2, s/2, 2w)
        layers.Conv2DTranspose(width, 4, 2, "same", activation="relu"),
        layers.Conv2D(1, 3, 1, "same", activation="tanh"),
    ], name=name)


def discriminator(width: int = 16, size: int = 16, name: str = "discriminator") -> keras.Model:
    """A patch discriminator ``(n, s, s, 1) ->`` one score per patch ``(n, s/4, s/4, 1)``."""
    return keras.Sequential([
        keras.Input((size, size, 1)),
        layers.Conv2D(width, 4, 2, "same"), layers.LeakyReLU(0.2),
        layers.Conv2D(2 * width, 4, 2, "same"), layers.LeakyReLU(0.2),
        layers.Conv2D(1, 3, 1, "same"),
    ], name=name)


def classifier(n_classes: int, width: int = 16, size: int = 16) -> keras.Model:
    """A small judge ``(n, s, s, 1) -> logits (n, k)``; the last convolution covers the ``s/4`` map."""
    return keras.Sequential([
        keras.Input((size, size, 1)),
        layers.Conv2D(width, 4, 2, "same", activation="relu"),
        layers.Conv2D(2 * width, 4, 2, "same", activation="relu"),
        layers.Conv2D(n_classes, size // 4, 1, "valid"), layers.Flatten(),
    ], name=f"classifier_{n_classes}")


def generator_loss(fake_scores):
    """Least-squares GAN loss of a generator: ``mean (D(fake) - 1)^2``."""
    return ops.mean((fake_scores - 1) ** 2)


def discriminator_loss(real_scores, fake_scores):
    """Least-squares GAN loss of a discriminator: ``(mean (D(real) - 1)^2 + mean D(fake)^2) / 2``."""
    return 0.5 * (ops.mean((real_scores - 1) ** 2) + ops.mean(fake_scores ** 2))


class CycleGAN(keras.Model):
    """``G: A -> B``, ``F: B -> A``, ``D_A`` and ``D_B``; ``compile(g_optimizer, d_optimizer)``, then
    ``fit(a, b)`` with ``a`` and ``b`` ``(n, s, s, 1)`` in [-1, 1], shuffled independently."""

    def __init__(self, width: int = 16, size: int = 16, lam: float = 10.0, **kwargs):
        super().__init__(**kwargs)
        self.G, self.F = generator(width, size, "G"), generator(width, size, "F")
        self.D_A, self.D_B = discriminator(width, size, "D_A"), discriminator(width, size, "D_B")
        self.lam = lam
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("g_adv", "cycle", "d_loss")}

    def compile(self, g_optimizer=None, d_optimizer=None, **kwargs):
        super().compile(jit_compile=False, **kwargs)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        """As :func:`coursekit.torch.cyclegan.train_step`: the generators' step, then the discriminators'."""
        a, b = data
        g_weights = self.G.trainable_weights + self.F.trainable_weights
        with tf.GradientTape() as tape:
            fake_b, fake_a = self.G(a, training=True), self.F(b, training=True)
            adversarial = generator_loss(self.D_B(fake_b)) + generator_loss(self.D_A(fake_a))
            cycle = ops.mean(ops.abs(self.F(fake_b) - a)) + ops.mean(ops.abs(self.G(fake_a) - b))
            g_loss = adversarial + self.lam * cycle
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights))
        d_weights = self.D_A.trainable_weights + self.D_B.trainable_weights
        with tf.GradientTape() as tape:
            d_loss = (discriminator_loss(self.D_B(b), self.D_B(ops.stop_gradient(fake_b)))
                      + discriminator_loss(self.D_A(a), self.D_A(ops.stop_gradient(fake_a))))
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_weights), d_weights))
        for name, value in (("g_adv", adversarial), ("cycle", cycle), ("d_loss", d_loss)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def to_tanh_range(images) -> np.ndarray:
    """Glyphs ``(n, s, s)`` in [0, 1] -> ``(n, s, s, 1)`` in [-1, 1], float32."""
    return np.asarray(images, dtype="float32")[..., None] * 2 - 1


def translate(model: keras.Model, images) -> np.ndarray:
    """Glyphs ``(n, s, s)`` in [0, 1] through a generator: ``(n, s, s)`` in [0, 1], NumPy."""
    return (ops.convert_to_numpy(model(to_tanh_range(images), training=False))[..., 0] + 1) / 2


def predict(model: keras.Model, images) -> np.ndarray:
    """The class (argmax) a :func:`classifier` gives each glyph ``(n, s, s)`` in [0, 1]: ``(n,)``."""
    return ops.convert_to_numpy(model(to_tanh_range(images), training=False)).argmax(1)


def load_torch_weights(model: keras.Model, module) -> keras.Model:
    """Copy a PyTorch network of :mod:`coursekit.torch.cyclegan` into its Keras twin ``model``.

    The layers with weights match in order; only the layouts differ: ``Conv2d.weight (out, in, kh, kw)``
    becomes ``Conv2D``'s kernel ``(kh, kw, in, out)``, ``ConvTranspose2d.weight (in, out, kh, kw)``
    becomes ``Conv2DTranspose``'s ``(kh, kw, out, in)``. Returns ``model``.
    """
    from torch import nn

    sources = [m for m in module.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    targets = [layer for layer in model.layers if layer.weights]
    if len(sources) != len(targets):
        raise ValueError(f"the PyTorch network has {len(sources)} convolutions, the Keras one "
                         f"{len(targets)} layers with weights: not twins")
    for source, target in zip(sources, targets):
        weight = source.weight.detach().cpu().numpy()
        order = (2, 3, 1, 0)          # (out, in, kh, kw) -> (kh, kw, in, out); transposed: the same move
        target.set_weights([weight.transpose(order), source.bias.detach().cpu().numpy()])
    return model
