"""A variational autoencoder (VAE) in PyTorch: encoder, reparameterised sample, decoder, loss.

Twin of :mod:`coursekit.keras.vae`; the NumPy pieces are in :mod:`coursekit.scratch.generative`.
For images of ``d = h * w`` pixels in [0, 1] and a latent code of ``k`` numbers::

    x (n, h, w) -> flatten (n, d) -> Linear(d, m) -> ReLU -> Linear(m, k) -> mu      (n, k)
                                                         -> Linear(m, k) -> logvar  (n, k)
    z = mu + exp(logvar / 2) * eps,  eps ~ N(0, I)                                 (n, k)
    z -> Linear(k, m) -> ReLU -> Linear(m, d) -> logits (n, d);  sigmoid(logits) = the reconstruction

The loss per sample is the reconstruction term (binary cross-entropy of the logits against the
pixels, *summed* over the pixels) plus ``KL(q(z|x) || N(0, I))`` (summed over the latent
dimensions), averaged over the batch: the negative evidence lower bound (ELBO).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class VAE(nn.Module):
    """A fully connected VAE for ``(n, h, w)`` images (see the module docstring).

    Args:
        n_pixels: ``d = h * w``.
        hidden: ``m``, the width of the one hidden layer on each side.
        latent: ``k``, the size of the latent code (2 to draw the latent space in the plane).
    """

    def __init__(self, n_pixels: int = 784, hidden: int = 256, latent: int = 2):
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(n_pixels, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_pixels))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x (n, h, w) -> (mu, logvar)``, each ``(n, k)``."""
        h = self.encoder(x)                                   # (n, m)
        return self.mu(h), self.logvar(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """``z (n, k) -> logits (n, d)``; ``torch.sigmoid`` of them are the pixel values."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``x (n, h, w) -> (logits (n, d), mu (n, k), logvar (n, k))``, with a fresh sample ``z``."""
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)``: autograd flows to ``mu`` and ``logvar``."""
    eps = torch.randn_like(mu)                                # (n, k), no gradient needed
    return mu + torch.exp(0.5 * logvar) * eps


def vae_loss(x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             pixel_mean: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The negative ELBO, averaged over the batch: ``(loss, reconstruction, kl)``, scalar tensors.

    ``reconstruction`` is the BCE summed over the ``d`` pixels (``pixel_mean=False``, correct) or
    averaged over them (``pixel_mean=True``, the pitfall: the same as weighting the KL term by
    ``beta = d``); ``kl`` is :func:`coursekit.scratch.generative.gaussian_kl`; both are batch means.

    Args:
        x: ``(n, h, w)`` pixels in [0, 1], the targets.
        logits, mu, logvar: what :meth:`VAE.forward` returns.
        pixel_mean: average the reconstruction term over the pixels instead of summing it.
    """
    bce = F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="none")   # (n, d)
    reconstruction = (bce.mean(dim=1) if pixel_mean else bce.sum(dim=1)).mean()
    kl = (-0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar), dim=1)).mean()
    return reconstruction + kl, reconstruction, kl


def train_step(model: VAE, optimizer: torch.optim.Optimizer, x: torch.Tensor,
               pixel_mean: bool = False) -> dict[str, float]:
    """One gradient step on a batch ``x (n, h, w)``; returns the batch's ``loss``, ``reconstruction``, ``kl``."""
    model.train()
    loss, reconstruction, kl = vae_loss(x, *model(x), pixel_mean=pixel_mean)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return {"loss": loss.item(), "reconstruction": reconstruction.item(), "kl": kl.item()}
