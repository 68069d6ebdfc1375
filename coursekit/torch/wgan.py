"""What WGAN changes (Arjovsky et al., 2017; Gulrajani et al., 2017), in PyTorch: written out, not trained here.

The discriminator becomes a **critic** ``C``: no sigmoid, an unbounded score per sample. If ``C`` is
1-Lipschitz, ``E C(real) - E C(fake)`` (maximised over ``C``) is the Wasserstein-1 distance between the
data and the generator's distribution, which gives the generator a useful gradient even when the two
do not overlap. The losses, both minimised::

    critic     L_C = mean C(fake) - mean C(real)
    generator  L_G = -mean C(fake)

Two ways to keep ``C`` (roughly) 1-Lipschitz:

* **weight clipping** (WGAN): after every critic step, clip every weight into ``[-c, c]``;
* **gradient penalty** (WGAN-GP): add ``lambda * (||grad_x C(x_hat)||_2 - 1)^2`` at random points
  ``x_hat = alpha * real + (1 - alpha) * fake`` on the lines between real and fake samples, with one
  ``alpha ~ U[0, 1]`` per example.
"""

from __future__ import annotations

import torch
from torch import nn


def critic_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """``mean C(fake) - mean C(real)``: minimising it pushes real scores up and fake scores down."""
    return fake_scores.mean() - real_scores.mean()


def generator_loss(fake_scores: torch.Tensor) -> torch.Tensor:
    """``-mean C(fake)``: the generator wants the critic to score its samples high."""
    return -fake_scores.mean()


@torch.no_grad()
def clip_weights(critic: nn.Module, c: float = 0.01) -> None:
    """WGAN's constraint: every parameter of the critic clipped into ``[-c, c]``, in place."""
    for p in critic.parameters():
        p.clamp_(-c, c)


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, weight: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP's penalty ``weight * mean (||grad C(x_hat)|| - 1)^2`` at random interpolates.

    Args:
        critic: maps ``(n, ...)`` samples to ``(n,)`` scores.
        real, fake: ``(n, ...)`` batches of the same shape (``fake`` detached from the generator).
        weight: ``lambda``, 10 in the paper.
        generator: draws ``alpha``, one per example, ``(n, 1, ..., 1)``.

    Returns:
        a scalar tensor, differentiable with respect to the critic's parameters (``create_graph``).
    """
    alpha = torch.rand((len(real),) + (1,) * (real.ndim - 1), generator=generator, device=real.device)
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)                  # (n, ...)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)       # (n, ...)
    return weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
