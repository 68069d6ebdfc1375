"""What CycleGAN changes (Zhu et al., 2017), in PyTorch: the cycle-consistency loss, written out, not trained here.

CycleGAN translates between two image domains A and B (horses and zebras, summer and winter) from
*unpaired* examples: no image of A comes with its translation. Two generators ``G: A -> B`` and
``F: B -> A`` each get an adversarial loss from a discriminator of their target domain, which alone
would let ``G`` map every horse to *some* zebra. The cycle-consistency loss ties each translation to its
input: going there and back must return the start::

    L_cyc = mean |F(G(a)) - a| + mean |G(F(b)) - b|          (L1, per pixel)
    L     = L_GAN(G, D_B) + L_GAN(F, D_A) + lambda * L_cyc   (lambda = 10 in the paper)
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F


def cycle_consistency_loss(g: Callable[[torch.Tensor], torch.Tensor], f: Callable[[torch.Tensor], torch.Tensor],
                           a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``mean |f(g(a)) - a| + mean |g(f(b)) - b|``: a batch of A and a batch of B, each translated and back.

    Args:
        g: the translator ``A -> B``; f: the translator ``B -> A``.
        a: ``(n, c, h, w)`` images of domain A; b: ``(m, c, h, w)`` images of domain B.
    """
    return F.l1_loss(f(g(a)), a) + F.l1_loss(g(f(b)), b)
