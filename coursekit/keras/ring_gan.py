"""A GAN and a WGAN on the 2-D ring of Gaussians in Keras 3: twin of :mod:`coursekit.torch.ring_gan`.

The same small MLPs and the same data (:func:`coursekit.scratch.generative.ring_of_gaussians`,
fresh points every epoch); the game is :class:`coursekit.keras.dcgan.GAN` (:func:`train_ring_gan`)
or :class:`coursekit.keras.wgan.WGAN` (:func:`train_ring_wgan`), driven by ``fit``, one call per
epoch so that the samples of a fixed ``z`` can be kept after each::

    Generator      z (n, k) -> Dense(m, relu) -> Dense(m, relu) -> Dense(2) -> points (n, 2)
    Discriminator  x (n, 2) -> Dense(m, relu) -> Dense(m, relu) -> Dense(1) -> logits (n, 1)
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from coursekit.keras.dcgan import GAN
from coursekit.keras.wgan import WGAN
from coursekit.scratch.generative import ring_of_gaussians


def mlp_generator(latent: int = 2, hidden: int = 64) -> keras.Model:
    """``z (n, latent) -> points (n, 2)``."""
    return keras.Sequential([keras.Input((latent,)), layers.Dense(hidden, activation="relu"),
                             layers.Dense(hidden, activation="relu"), layers.Dense(2)], name="generator")


def mlp_discriminator(hidden: int = 64) -> keras.Model:
    """``points (n, 2) -> logits (n, 1)`` (a critic's scores in a WGAN)."""
    return keras.Sequential([keras.Input((2,)), layers.Dense(hidden, activation="relu"),
                             layers.Dense(hidden, activation="relu"), layers.Dense(1)], name="discriminator")


def _fit_epochs(model: keras.Model, epochs: int, n_points: int, batch_size: int, std: float, n_show: int,
                latent: int, seed: int, keys: tuple[str, ...]) -> dict[str, list]:
    z_show = np.random.default_rng(seed).standard_normal((n_show, latent)).astype("float32")
    history: dict[str, list] = {"samples": [], **{key: [] for key in keys}}
    for epoch in range(epochs):
        real, _ = ring_of_gaussians(n_points, std=std, seed=seed + 1 + epoch)
        log = model.fit(real, batch_size=batch_size, epochs=1, shuffle=False, verbose=0).history
        history["samples"].append(keras.ops.convert_to_numpy(model.generator(z_show, training=False)))
        for key in keys:
            history[key].append(float(log[key][-1]))
    return history


def train_ring_gan(epochs: int = 10, steps_per_epoch: int = 100, batch_size: int = 64, lr: float = 3e-3,
                   lr_d: float | None = None, latent: int = 2, hidden: int = 64, std: float = 0.05,
                   saturating: bool = False, n_show: int = 1000, seed: int = 0) -> dict[str, list]:
    """Keras twin of :func:`coursekit.torch.ring_gan.train_ring_gan` (same arguments, same returns).

    Adam with ``beta_1 = 0.5``: ``lr`` for the generator, ``lr_d`` (default ``lr``) for the
    discriminator. Deterministic for a seed (``keras.utils.set_random_seed(seed)`` first).
    """
    keras.utils.set_random_seed(seed)
    gan = GAN(mlp_generator(latent, hidden), mlp_discriminator(hidden), latent=latent, seed=seed,
              saturating=saturating)
    gan.compile(keras.optimizers.Adam(lr, beta_1=0.5), keras.optimizers.Adam(lr if lr_d is None else lr_d, beta_1=0.5))
    return _fit_epochs(gan, epochs, steps_per_epoch * batch_size, batch_size, std, n_show, latent, seed,
                       ("d_loss", "g_loss"))


def train_ring_wgan(epochs: int = 10, steps_per_epoch: int = 100, n_critic: int = 5, batch_size: int = 64,
                    lr: float = 1e-3, latent: int = 2, hidden: int = 64, std: float = 0.05,
                    penalty: float = 10.0, clip: float | None = None, n_show: int = 1000,
                    seed: int = 0) -> dict[str, list]:
    """Keras twin of :func:`coursekit.torch.ring_gan.train_ring_wgan` (same arguments, same returns).

    Each batch ``fit`` hands to :meth:`WGAN.train_step` holds ``n_critic * batch_size`` real points:
    one critic step per slice of ``batch_size``, then one generator step. Adam with
    ``beta_1 = 0.5, beta_2 = 0.9`` (WGAN-GP), or RMSprop with ``clip`` (WGAN).
    """
    keras.utils.set_random_seed(seed)

    def optimizer():
        if clip is None:
            return keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9)
        return keras.optimizers.RMSprop(lr)

    model = WGAN(mlp_generator(latent, hidden), mlp_discriminator(hidden), latent=latent, n_critic=n_critic,
                 penalty=penalty, clip=clip, seed=seed)
    model.compile(optimizer(), optimizer())
    return _fit_epochs(model, epochs, steps_per_epoch * n_critic * batch_size, n_critic * batch_size, std,
                       n_show, latent, seed, ("distance", "g_loss"))
