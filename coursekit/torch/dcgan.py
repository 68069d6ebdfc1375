"""DCGAN (Radford et al., 2016) in PyTorch, small enough for 16x16 or 28x28 glyphs on a CPU.

Twin of :mod:`coursekit.keras.dcgan`; the losses are those of :mod:`coursekit.scratch.generative`
(real = 1, fake = 0, as in PyTorch's DCGAN tutorial). The recipe: strided (transposed)
convolutions instead of pooling, batch norm in both networks (not on the discriminator's input
layer), ReLU in the generator and tanh on its output, leaky ReLU (slope 0.2) in the
discriminator, weights drawn from ``N(0, 0.02^2)`` (standard deviation 0.02), Adam with ``lr = 2e-4`` and ``beta_1 = 0.5``.
For an image side ``s`` (divisible by 4), width ``w`` and a latent code of ``k`` numbers::

    Generator      z (n, k) -> Linear -> (n, 2w, s/4, s/4) -> BN, ReLU
                   -> ConvTranspose(2w, w, 4, stride 2, pad 1) -> (n, w, s/2, s/2) -> BN, ReLU
                   -> ConvTranspose(w, 1, 4, stride 2, pad 1)  -> (n, 1, s, s) -> tanh: pixels in [-1, 1]
    Discriminator  x (n, 1, s, s) -> Conv(1, w, 4, 2, 1) -> (n, w, s/2, s/2) -> LeakyReLU
                   -> Conv(w, 2w, 4, 2, 1) -> (n, 2w, s/4, s/4) -> BN, LeakyReLU -> Linear -> logits (n,)

With ``n_classes = c > 0`` both become *conditional*: the generator reads ``[z, onehot(y)]``
and the discriminator gets ``c`` extra input channels, channel ``y`` all ones, the others zeros.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class Generator(nn.Module):
    """``z (n, k)`` (and labels ``(n,)`` when conditional) ``-> images (n, 1, s, s)`` in [-1, 1]."""

    def __init__(self, latent: int = 32, size: int = 16, width: int = 32, n_classes: int = 0):
        super().__init__()
        self.latent, self.n_classes, self.start = latent, n_classes, size // 4
        self.project = nn.Sequential(nn.Linear(latent + n_classes, 2 * width * self.start**2, bias=False),
                                     nn.Unflatten(1, (2 * width, self.start, self.start)),
                                     nn.BatchNorm2d(2 * width), nn.ReLU())
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width),
                                nn.ReLU(), nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())
        self.apply(init_weights)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            z = torch.cat([z, F.one_hot(labels, self.n_classes).to(z.dtype)], dim=1)   # (n, k + c)
        return self.up(self.project(z))                                               # (n, 1, s, s)


class Discriminator(nn.Module):
    """``images (n, 1, s, s)`` (and labels ``(n,)`` when conditional) ``-> logits (n,)``."""

    def __init__(self, size: int = 16, width: int = 32, n_classes: int = 0):
        super().__init__()
        self.n_classes = n_classes
        self.net = nn.Sequential(nn.Conv2d(1 + n_classes, width, 4, 2, 1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width),
                                 nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(2 * width * (size // 4) ** 2, 1))
        self.apply(init_weights)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            maps = F.one_hot(labels, self.n_classes).to(x.dtype)[:, :, None, None]       # (n, c, 1, 1)
            x = torch.cat([x, maps.expand(-1, -1, *x.shape[2:])], dim=1)               # (n, 1 + c, s, s)
        return self.net(x).squeeze(1)                                                  # (n,)


def init_weights(module: nn.Module) -> None:
    """DCGAN initialisation: (transposed) convolution and linear weights ``~ N(0, 0.02^2)``;
    batch-norm scales ``~ N(1, 0.02^2)``, shifts 0. Use as ``model.apply(init_weights)``."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def optimizers(generator: nn.Module, discriminator: nn.Module, lr: float = 2e-4):
    """The DCGAN optimisers: ``Adam(lr, betas=(0.5, 0.999))`` for each network: ``(opt_g, opt_d)``."""
    return (torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999)),
            torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999)))


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """``BCE(real logits, 1) + BCE(fake logits, 0)``, each a mean (real = 1, fake = 0)."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits: torch.Tensor, saturating: bool = False) -> torch.Tensor:
    """Non-saturating ``BCE(fake logits, 1)``, or the minimax ``mean log(1 - D(G(z)))``."""
    if saturating:
        return -F.softplus(fake_logits).mean()            # log(1 - sigmoid(t)) = -softplus(t)
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def train_step(generator: nn.Module, discriminator: nn.Module, opt_g: torch.optim.Optimizer,
               opt_d: torch.optim.Optimizer, real: torch.Tensor, labels: torch.Tensor | None = None,
               saturating: bool = False) -> dict[str, float]:
    """One round of the two-player game on a batch of ``n`` real samples; returns both losses.

    1. Discriminator: ``z ~ N(0, I)``, fakes ``G(z)`` *detached* (no gradient into G); one step on
       :func:`discriminator_loss`.
    2. Generator: one step on :func:`generator_loss` of ``D(G(z))`` for the same ``z``, with D's
       updated weights; only G's optimiser steps (D's gradients are zeroed before its next step).

    Works for any ``generator(z[, labels])`` with a ``latent`` attribute and any
    ``discriminator(x[, labels]) -> (n,)`` logits: the conv nets here or the 2-D MLPs of the ring demo.
    """
    generator.train()
    discriminator.train()
    extra = () if labels is None else (labels,)
    z = torch.randn(len(real), generator.latent, device=real.device)                  # (n, k)
    fake = generator(z, *extra)
    d_loss = discriminator_loss(discriminator(real, *extra), discriminator(fake.detach(), *extra))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = generator_loss(discriminator(fake, *extra), saturating=saturating)
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}


def to_tanh_range(images) -> torch.Tensor:
    """Glyphs ``(n, s, s)`` in [0, 1] -> the generator's range and layout: ``(n, 1, s, s)`` in [-1, 1]."""
    return torch.as_tensor(images, dtype=torch.float32)[:, None] * 2 - 1


def train(generator: nn.Module, discriminator: nn.Module, images, labels=None, epochs: int = 1,
          batch_size: int = 64, lr: float = 2e-4, n_show: int = 16, seed: int = 0) -> dict[str, list]:
    """Train a (conditional) DCGAN on glyphs ``(n, s, s)`` in [0, 1] with :func:`train_step`.

    The batches are a fresh permutation every epoch (from a generator seeded ``seed``).

    Returns:
        ``{"d_loss", "g_loss", "samples"}``: each epoch's mean losses and ``n_show`` images
        ``(n_show, s, s)`` in [0, 1] generated from one fixed ``z`` (labels ``0, 1, ..., 9, 0, ...``
        when conditional), so the pictures of successive epochs are comparable.
    """
    rng = torch.Generator().manual_seed(seed)
    device = next(generator.parameters()).device        # the data go where the model is
    real = to_tanh_range(images).to(device)
    labels = None if labels is None else torch.as_tensor(labels, dtype=torch.int64, device=device)
    z_show = torch.randn(n_show, generator.latent, generator=rng).to(device)
    extra_show = () if labels is None else (torch.arange(n_show, device=device) % generator.n_classes,)
    opt_g, opt_d = optimizers(generator, discriminator, lr)
    history: dict[str, list] = {"d_loss": [], "g_loss": [], "samples": []}
    for _ in range(epochs):
        steps = [train_step(generator, discriminator, opt_g, opt_d, real[idx], None if labels is None else labels[idx])
                 for idx in torch.randperm(len(real), generator=rng).to(device).split(batch_size)]
        for key in ("d_loss", "g_loss"):
            history[key].append(sum(step[key] for step in steps) / len(steps))
        generator.eval()
        with torch.no_grad():
            history["samples"].append(((generator(z_show, *extra_show)[:, 0] + 1) / 2).cpu().numpy())
    return history
