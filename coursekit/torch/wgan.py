"""WGAN (Arjovsky et al., 2017) and WGAN-GP (Gulrajani et al., 2017) in PyTorch: losses, constraints, a step.

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

:func:`train_step` makes ``n_critic`` critic steps (one per real batch it is given), then one
generator step; twin of :mod:`coursekit.keras.wgan`. ``-L_C`` without the penalty,
``mean C(real) - mean C(fake)``, is the critic's estimate of the Wasserstein-1 distance.
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


def train_step(generator: nn.Module, critic: nn.Module, opt_g: torch.optim.Optimizer,
               opt_c: torch.optim.Optimizer, real_batches, penalty: float = 10.0,
               clip: float | None = None) -> dict[str, float]:
    """``len(real_batches)`` critic steps, then one generator step; returns the last critic step's numbers.

    Each critic step draws fresh fakes ``G(z)`` (detached) for one real batch ``(n, ...)`` and
    minimises :func:`critic_loss` plus :func:`gradient_penalty` (``clip=None``, WGAN-GP) or
    clips the weights into ``[-clip, clip]`` after the step (``penalty`` unused, WGAN).
    The generator step minimises :func:`generator_loss` on a batch of the last batch's size.

    Returns:
        ``{"distance", "g_loss"}``: ``mean C(real) - mean C(fake)`` of the last critic step (the
        Wasserstein estimate) and the generator's loss.
    """
    generator.train()
    critic.train()
    for real in real_batches:
        fake = generator(torch.randn(len(real), generator.latent, device=real.device)).detach()
        loss = critic_loss(critic(real), critic(fake))
        total = loss if clip is not None else loss + gradient_penalty(critic, real, fake, penalty)
        opt_c.zero_grad()
        total.backward()
        opt_c.step()
        if clip is not None:
            clip_weights(critic, clip)
    g_loss = generator_loss(critic(generator(torch.randn(len(real), generator.latent, device=real.device))))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return {"distance": -loss.item(), "g_loss": g_loss.item()}
