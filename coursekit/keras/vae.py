"""A variational autoencoder (VAE) in Keras 3, trained by ``fit`` through a custom ``train_step``.

Twin of :mod:`coursekit.torch.vae` (same layers, same loss); the NumPy pieces are in
:mod:`coursekit.scratch.generative`. The layers and :func:`vae_loss` are in
:mod:`coursekit.keras.vae_base` (see there for the shapes); this module adds the training.

``fit`` does not know the loss of a VAE (it needs ``mu`` and ``logvar``, not only the output),
so :meth:`VAE.train_step` computes it and applies the gradients itself, as keras-io's VAE example does.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from coursekit.keras.vae_base import VAEBase, vae_loss

__all__ = ["VAE", "VAEBase", "vae_loss"]


class VAE(VAEBase):
    """A fully connected VAE for ``(n, h, w)`` images; ``compile(optimizer)`` then ``fit(x)``.

    Args:
        shape: ``(h, w)`` of an image.
        hidden: ``m``, the width of the hidden layer on each side.
        latent: ``k``, the size of the latent code.
        pixel_mean: train with the pixel-averaged reconstruction term (the pitfall).
        seed: seed of the generator that draws ``eps``.
    """

    def __init__(self, shape=(28, 28), hidden: int = 256, latent: int = 2, pixel_mean: bool = False,
                 seed: int = 0, **kwargs):
        super().__init__(shape=shape, hidden=hidden, latent=latent, seed=seed, **kwargs)
        self.pixel_mean = pixel_mean
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, x):
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = vae_loss(x, *self(x, training=True), pixel_mean=self.pixel_mean)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        for name, value in zip(("loss", "reconstruction", "kl"), (loss, reconstruction, kl)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}
