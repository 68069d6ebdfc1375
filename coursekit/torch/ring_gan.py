"""A GAN on the 2-D ring of Gaussians, in seconds on a CPU: the place to watch mode collapse.

Small MLPs, so that a whole run takes seconds and one can plot the generator's samples after
every epoch. The data and the coverage measure are
:func:`coursekit.scratch.generative.ring_of_gaussians` and :func:`~coursekit.scratch.generative.mode_coverage`;
each step is :func:`coursekit.torch.dcgan.train_step`::

    Generator      z (n, k) -> Linear(k, m) -> ReLU -> Linear(m, m) -> ReLU -> Linear(m, 2) -> points (n, 2)
    Discriminator  x (n, 2) -> Linear(2, m) -> ReLU -> Linear(m, m) -> ReLU -> Linear(m, 1) -> logits (n,)
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from coursekit.scratch.generative import ring_of_gaussians
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
