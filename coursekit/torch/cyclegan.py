"""CycleGAN (Zhu et al., 2017) in PyTorch, small enough for 16x16 glyphs on a CPU.

CycleGAN translates between two image domains A and B (horses and zebras, thin and bold glyphs)
from *unpaired* examples: no image of A comes with its translation. Two generators ``G: A -> B``
and ``F: B -> A`` each get a least-squares adversarial loss from a discriminator of their target
domain, which alone would let ``G`` map every input to *some* image of B. The cycle-consistency
loss ties each translation to its input: going there and back must return the start::

    L_cyc = mean |F(G(a)) - a| + mean |G(F(b)) - b|          (L1, per pixel)
    L_G   = mean (D_B(G(a)) - 1)^2 + mean (D_A(F(b)) - 1)^2 + lambda * L_cyc     (lambda = 10)
    L_D   = (mean (D(real) - 1)^2 + mean D(fake)^2) / 2      for D_A and for D_B

Networks for images ``(n, 1, s, s)`` in [-1, 1], width ``w`` (no normalisation layers)::

    Generator      Conv(1, w, 3, 1, 1) -> ReLU -> Conv(w, 2w, 4, 2, 1) -> ReLU       (n, 2w, s/2, s/2)
                   -> ConvTranspose(2w, w, 4, 2, 1) -> ReLU -> Conv(w, 1, 3, 1, 1) -> tanh   (n, 1, s, s)
    Discriminator  Conv(1, w, 4, 2, 1) -> LeakyReLU(0.2) -> Conv(w, 2w, 4, 2, 1) -> LeakyReLU(0.2)
                   -> Conv(2w, 1, 3, 1, 1): one score per patch (n, 1, s/4, s/4) ("PatchGAN")

Twin of :mod:`coursekit.keras.cyclegan` (the same layers, channels last).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.nn import functional as F


def cycle_consistency_loss(g: Callable[[torch.Tensor], torch.Tensor], f: Callable[[torch.Tensor], torch.Tensor],
                           a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``mean |f(g(a)) - a| + mean |g(f(b)) - b|``: a batch of A and a batch of B, each translated and back.

    Args:
        g: the translator ``A -> B``; f: the translator ``B -> A``.
        a: ``(n, c, h, w)`` images of domain A; b: ``(m, c, h, w)`` images of domain B.
    """
    return F.l1_loss(f(g(a)), a) + F.l1_loss(g(f(b)), b)


class Generator(nn.Module):
    """An image-to-image translator: ``(n, 1, s, s)`` in [-1, 1] -> ``(n, 1, s, s)`` in [-1, 1]."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1), nn.ReLU(),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.ReLU(),
                                 nn.Conv2d(width, 1, 3, 1, 1), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Discriminator(nn.Module):
    """A patch discriminator: ``(n, 1, s, s)`` -> one real-or-fake score per patch ``(n, 1, s/4, s/4)``."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2),
                                 nn.Conv2d(2 * width, 1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def generator_loss(fake_scores: torch.Tensor) -> torch.Tensor:
    """Least-squares GAN loss of a generator: ``mean (D(fake) - 1)^2``."""
    return ((fake_scores - 1) ** 2).mean()


def discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Least-squares GAN loss of a discriminator: ``(mean (D(real) - 1)^2 + mean D(fake)^2) / 2``."""
    return 0.5 * (((real_scores - 1) ** 2).mean() + (fake_scores ** 2).mean())


class CycleGAN(nn.Module):
    """The four networks: ``G: A -> B``, ``F: B -> A``, ``D_A`` (is it A?) and ``D_B`` (is it B?)."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.G, self.F = Generator(width), Generator(width)
        self.D_A, self.D_B = Discriminator(width), Discriminator(width)

    def optimizers(self, lr: float = 2e-4):
        """Adam ``(lr, betas=(0.5, 0.999))`` for both generators together and for both discriminators."""
        generators = [*self.G.parameters(), *self.F.parameters()]
        discriminators = [*self.D_A.parameters(), *self.D_B.parameters()]
        return (torch.optim.Adam(generators, lr=lr, betas=(0.5, 0.999)),
                torch.optim.Adam(discriminators, lr=lr, betas=(0.5, 0.999)))


def train_step(model: CycleGAN, opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer,
               a: torch.Tensor, b: torch.Tensor, lam: float = 10.0) -> dict[str, float]:
    """One CycleGAN step on a batch ``a`` of A and an *unrelated* batch ``b`` of B, ``(n, 1, s, s)``.

    1. Generators: one step on ``L_G`` (both adversarial losses + ``lam * L_cyc``).
    2. Discriminators: one step on ``L_D`` of ``D_A`` and of ``D_B``, the fakes detached.

    Returns the batch's ``{"g_adv", "cycle", "d_loss"}`` (``cycle`` is ``L_cyc`` before the weight).
    """
    fake_b, fake_a = model.G(a), model.F(b)
    adversarial = generator_loss(model.D_B(fake_b)) + generator_loss(model.D_A(fake_a))
    cycle = F.l1_loss(model.F(fake_b), a) + F.l1_loss(model.G(fake_a), b)   # cycle_consistency_loss, reusing G(a), F(b)
    opt_g.zero_grad()
    (adversarial + lam * cycle).backward()
    opt_g.step()
    d_loss = (discriminator_loss(model.D_B(b), model.D_B(fake_b.detach()))
              + discriminator_loss(model.D_A(a), model.D_A(fake_a.detach())))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    return {"g_adv": adversarial.item(), "cycle": cycle.item(), "d_loss": d_loss.item()}


def to_tanh_range(images) -> torch.Tensor:
    """Glyphs ``(n, s, s)`` in [0, 1] -> the networks' range and layout: ``(n, 1, s, s)`` in [-1, 1]."""
    return torch.as_tensor(images, dtype=torch.float32)[:, None] * 2 - 1


def train(model: CycleGAN, a, b, steps: int, batch_size: int = 32, lr: float = 2e-4, lam: float = 10.0,
          seed: int = 0, log_every: int = 0) -> dict[str, list]:
    """``steps`` of :func:`train_step` on glyphs ``a`` (style A) and ``b`` (style B), ``(n, s, s)`` in [0, 1].

    Each step draws a batch of A and an independent batch of B (a generator seeded ``seed``).

    Returns:
        ``{"g_adv", "cycle", "d_loss"}``: the mean of each loss over each block of ``log_every``
        steps (over all steps when ``log_every`` is 0).
    """
    rng = torch.Generator().manual_seed(seed)
    a, b = to_tanh_range(a), to_tanh_range(b)
    opt_g, opt_d = model.optimizers(lr)
    model.train()
    history: dict[str, list] = {"g_adv": [], "cycle": [], "d_loss": []}
    block = log_every or steps
    logs = []
    for step in range(steps):
        ia = torch.randint(len(a), (batch_size,), generator=rng)
        ib = torch.randint(len(b), (batch_size,), generator=rng)
        logs.append(train_step(model, opt_g, opt_d, a[ia], b[ib], lam))
        if (step + 1) % block == 0:
            for key in history:
                history[key].append(sum(log[key] for log in logs) / len(logs))
            logs = []
    model.eval()
    return history


@torch.no_grad()
def translate(generator: nn.Module, images) -> "np.ndarray":  # noqa: F821
    """Glyphs ``(n, s, s)`` in [0, 1] through ``generator`` (eval mode): ``(n, s, s)`` in [0, 1], NumPy."""
    generator.eval()
    return ((generator(to_tanh_range(images))[:, 0] + 1) / 2).numpy()


class Classifier(nn.Module):
    """A small judge of glyphs ``(n, 1, s, s)`` in [-1, 1] -> logits ``(n, k)`` (``s = 16``).

    ``Conv(1, w, 4, 2, 1) -> ReLU -> Conv(w, 2w, 4, 2, 1) -> ReLU -> Conv(2w, k, s/4)``: the last
    convolution covers the whole ``s/4 x s/4`` map, a linear layer that needs no flattening.
    The course trains one for the style (k = 2: A or B) and one for the digit (k = 10).
    """

    def __init__(self, n_classes: int, width: int = 16, size: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, width, 4, 2, 1), nn.ReLU(),
                                 nn.Conv2d(width, 2 * width, 4, 2, 1), nn.ReLU(),
                                 nn.Conv2d(2 * width, n_classes, size // 4), nn.Flatten())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def train_classifier(model: nn.Module, images, labels, steps: int, batch_size: int = 64, lr: float = 1e-3,
                     seed: int = 0) -> float:
    """``steps`` Adam steps of cross-entropy on glyphs ``(n, s, s)`` in [0, 1]; returns the last loss."""
    rng = torch.Generator().manual_seed(seed)
    x, y = to_tanh_range(images), torch.as_tensor(labels, dtype=torch.int64)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(x), (batch_size,), generator=rng)
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return loss.item()


@torch.no_grad()
def predict(classifier: nn.Module, images) -> "np.ndarray":  # noqa: F821
    """The class (argmax) ``classifier`` gives each glyph ``(n, s, s)`` in [0, 1]: int64 ``(n,)``, NumPy."""
    classifier.eval()
    return classifier(to_tanh_range(images)).argmax(1).numpy()
