"""The layers and the loss of a Keras 3 variational autoencoder (VAE), with no training step.

:class:`VAEBase` is the architecture only (encoder, the two heads, decoder, sampling); the model
that ``fit`` trains, with its ``train_step``, is :class:`coursekit.keras.vae.VAE`. Exercise 12
asks for that ``train_step`` on top of this class. For images of ``d = h * w`` pixels in [0, 1]::

    x (n, h, w) -> Flatten (n, d) -> Dense(m, relu) -> Dense(k) -> mu      (n, k)
                                                    -> Dense(k) -> logvar  (n, k)
    z = mu + exp(logvar / 2) * eps,  eps ~ N(0, I)                        (n, k)
    z -> Dense(m, relu) -> Dense(d) -> logits (n, d)

Twin of :mod:`coursekit.torch.vae` (same layers, same loss).
"""

from __future__ import annotations

import keras
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


class VAEBase(keras.Model):
    """A fully connected VAE for ``(n, h, w)`` images, without a ``train_step`` of its own.

    Args:
        shape: ``(h, w)`` of an image.
        hidden: ``m``, the width of the hidden layer on each side.
        latent: ``k``, the size of the latent code.
        seed: seed of the generator that draws ``eps``.
    """

    def __init__(self, shape=(28, 28), hidden: int = 256, latent: int = 2, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        d = shape[0] * shape[1]
        self.encoder = keras.Sequential([keras.Input(shape=shape), keras.layers.Flatten(),
                                         keras.layers.Dense(hidden, activation="relu")], name="encoder")
        self.mu = keras.layers.Dense(latent, name="mu")
        self.logvar = keras.layers.Dense(latent, name="logvar")
        self.decoder = keras.Sequential([keras.Input(shape=(latent,)), keras.layers.Dense(hidden, activation="relu"),
                                         keras.layers.Dense(d)], name="decoder")
        self.noise = keras.random.SeedGenerator(seed)

    def encode(self, x):
        """``x (n, h, w) -> (mu, logvar)``, each ``(n, k)``."""
        h = self.encoder(x)
        return self.mu(h), self.logvar(h)

    def call(self, x):
        """``x (n, h, w) -> (logits (n, d), mu (n, k), logvar (n, k))``, with a fresh sample ``z``."""
        mu, logvar = self.encode(x)
        eps = keras.random.normal(ops.shape(mu), seed=self.noise)               # (n, k)
        return self.decoder(mu + ops.exp(0.5 * logvar) * eps), mu, logvar
