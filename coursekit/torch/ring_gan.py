"""A GAN on the 2-D ring of Gaussians, in seconds on a CPU: the place to watch mode collapse.

Small MLPs, so that a whole run takes seconds and one can plot the generator's samples after
every epoch. The data and the coverage measure are
:func:`coursekit.scratch.generative.ring_of_gaussians` and :func:`~coursekit.scratch.generative.mode_coverage`;
each step is :func:`coursekit.torch.dcgan.train_step` (:func:`train_ring_gan`) or
:func:`coursekit.torch.wgan.train_step` (:func:`train_ring_wgan`, the same networks, the
discriminator now a critic); twin of :mod:`coursekit.keras.ring_gan`::

    Generator      z (n, k) -> Linear(k, m) -> ReLU -> Linear(m, m) -> ReLU -> Linear(m, 2) -> points (n, 2)
    Discriminator  x (n, 2) -> Linear(2, m) -> ReLU -> Linear(m, m) -> ReLU -> Linear(m, 1) -> logits (n,)
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from coursekit.scratch.generative import ring_of_gaussians
from coursekit.torch import wgan
from coursekit.torch.dcgan import train_step


class MLPGenerator(nn.Sequential):
    """``z (n, latent) -> points (n, 2)``."""

    def __init__(self, latent: int = 2, hidden: int = 64):
        super().__init__(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, 2))
        self.latent = latent


class MLPDiscriminator(nn.Sequential):
    """``points (n, 2) -> logits (n,)``."""

    def __init__(self, hidden: int = 64):
        super().__init__(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, 1), nn.Flatten(0))


def train_ring_gan(epochs: int = 10, steps_per_epoch: int = 100, batch_size: int = 64, lr: float = 3e-3,
                   lr_d: float | None = None, latent: int = 2, hidden: int = 64, std: float = 0.05, saturating: bool = False,
                   n_show: int = 1000, seed: int = 0) -> dict[str, list]:
    """Train a GAN on :func:`ring_of_gaussians` (fresh real points every step); deterministic for a seed.

    Both networks use Adam with ``beta_1 = 0.5``: learning rate ``lr`` for the generator and
    ``lr_d`` (default: ``lr``) for the discriminator. A discriminator that learns much more slowly
    than the generator (``lr_d = lr / 10``) lets the generator chase it from mode to mode.

    Returns:
        ``{"samples": [...], "d_loss": [...], "g_loss": [...]}``: after every epoch, ``n_show``
        generated points ``(n_show, 2)`` for a fixed ``z``, and the epoch's mean losses.
    """
    torch.manual_seed(seed)
    generator, discriminator = MLPGenerator(latent, hidden), MLPDiscriminator(hidden)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr if lr_d is None else lr_d, betas=(0.5, 0.999))
    z_show = torch.randn(n_show, generator.latent, generator=torch.Generator().manual_seed(seed))
    history: dict[str, list] = {"samples": [], "d_loss": [], "g_loss": []}
    for epoch in range(epochs):
        real, _ = ring_of_gaussians(steps_per_epoch * batch_size, std=std, seed=seed + 1 + epoch)
        losses = [train_step(generator, discriminator, opt_g, opt_d, batch, saturating=saturating)
                  for batch in torch.from_numpy(real).split(batch_size)]
        with torch.no_grad():
            history["samples"].append(generator(z_show).numpy())
        for key in ("d_loss", "g_loss"):
            history[key].append(float(np.mean([step[key] for step in losses])))
    return history


def train_ring_wgan(epochs: int = 10, steps_per_epoch: int = 100, n_critic: int = 5, batch_size: int = 64,
                    lr: float = 1e-3, latent: int = 2, hidden: int = 64, std: float = 0.05,
                    penalty: float = 10.0, clip: float | None = None, n_show: int = 1000,
                    seed: int = 0, return_generator: bool = False):
    """Train a WGAN-GP (``clip=None``) or a weight-clipped WGAN on :func:`ring_of_gaussians`.

    The networks of :func:`train_ring_gan` (the discriminator's logit is the critic's score);
    ``steps_per_epoch`` generator steps per epoch, each after ``n_critic`` critic steps on fresh
    real batches (:func:`coursekit.torch.wgan.train_step`). Adam with ``betas = (0.5, 0.9)``
    (WGAN-GP's recipe) and learning rate ``lr`` for both networks, or RMSprop at ``lr`` with
    clipping (WGAN's recipe). Deterministic for a seed.

    Returns:
        ``{"samples": [...], "distance": [...], "g_loss": [...]}``: after every epoch, ``n_show``
        points ``(n_show, 2)`` for a fixed ``z``; each epoch's mean Wasserstein estimate
        ``mean C(real) - mean C(fake)`` and mean generator loss.
    """
    torch.manual_seed(seed)
    generator, critic = MLPGenerator(latent, hidden), MLPDiscriminator(hidden)
    if clip is None:
        opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.9))
        opt_c = torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    else:
        opt_g = torch.optim.RMSprop(generator.parameters(), lr=lr)
        opt_c = torch.optim.RMSprop(critic.parameters(), lr=lr)
    z_show = torch.randn(n_show, generator.latent, generator=torch.Generator().manual_seed(seed))
    history: dict[str, list] = {"samples": [], "distance": [], "g_loss": []}
    for epoch in range(epochs):
        real, _ = ring_of_gaussians(steps_per_epoch * n_critic * batch_size, std=std, seed=seed + 1 + epoch)
        batches = torch.from_numpy(real).split(batch_size)
        steps = [wgan.train_step(generator, critic, opt_g, opt_c, batches[i:i + n_critic], penalty, clip)
                 for i in range(0, len(batches), n_critic)]
        with torch.no_grad():
            history["samples"].append(generator(z_show).numpy())
        for key in ("distance", "g_loss"):
            history[key].append(float(np.mean([step[key] for step in steps])))
    return (history, generator) if return_generator else history
