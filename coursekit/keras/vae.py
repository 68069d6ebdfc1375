"""A variational autoencoder (VAE) in Keras 3, trained by ``fit`` through a custom ``train_step``.

Twin of :mod:`coursekit.torch.vae` (same layers, same loss); the NumPy pieces are in
:mod:`coursekit.scratch.generative`. For images of ``d = h * w`` pixels in [0, 1]::

    x (n, h, w) -> Flatten (n, d) -> Dense(m, relu) -> Dense(k) -> mu      (n, k)
                                                    -> Dense(k) -> logvar  (n, k)
    z = mu + exp(logvar / 2) * eps,  eps ~ N(0, I)                        (n, k)
    z -> Dense(m, relu) -> Dense(d) -> logits (n, d)

``fit`` does not know the loss of a VAE (it needs ``mu`` and ``logvar``, not only the output),
so :meth:`VAE.train_step` computes it and applies the gradients itself, as keras-io's VAE example does.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


def vae_loss(x, logits, mu, logvar, pixel_mean: bool = False):
    """The negative ELBO, averaged over the batch: ``(loss, reconstruction, kl)``, scalar tensors.

    The same as :func:`coursekit.torch.vae.vae_loss`: BCE from logits summed over the pixels
    (averaged with ``pixel_mean=True``, the pitfall) plus the closed-form KL, both batch means.
    """
    x = ops.reshape(x, (ops.shape(x)[0], -1))                                   # (n, d)
    bce = ops.maximum(logits, 0) - logits * x + ops.log1p(ops.exp(-ops.abs(logits)))  # (n, d)
    reconstruction = ops.mean(ops.mean(bce, axis=1) if pixel_mean else ops.sum(bce, axis=1))
    kl = ops.mean(-0.5 * ops.sum(1 + logvar - ops.square(mu) - ops.exp(logvar), axis=1))
    return reconstruction + kl, reconstruction, kl


class VAE(keras.Model):
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
        super().__init__(**kwargs)
        d = shape[0] * shape[1]
        self.encoder = keras.Sequential([keras.Input(shape=shape), keras.layers.Flatten(),
                                         keras.layers.Dense(hidden, activation="relu")], name="encoder")
        self.mu = keras.layers.Dense(latent, name="mu")
        self.logvar = keras.layers.Dense(latent, name="logvar")
        self.decoder = keras.Sequential([keras.Input(shape=(latent,)), keras.layers.Dense(hidden, activation="relu"),
                                         keras.layers.Dense(d)], name="decoder")
        self.pixel_mean = pixel_mean
        self.noise = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    def encode(self, x):
        """``x (n, h, w) -> (mu, logvar)``, each ``(n, k)``."""
        h = self.encoder(x)
        return self.mu(h), self.logvar(h)

    def call(self, x):
        """``x (n, h, w) -> (logits (n, d), mu (n, k), logvar (n, k))``, with a fresh sample ``z``."""
        mu, logvar = self.encode(x)
        eps = keras.random.normal(ops.shape(mu), seed=self.noise)               # (n, k)
        return self.decoder(mu + ops.exp(0.5 * logvar) * eps), mu, logvar

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
