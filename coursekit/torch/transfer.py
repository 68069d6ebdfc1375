"""Transfer learning in PyTorch: freeze a backbone, extract its features, fine-tune it.

Twin of :mod:`coursekit.keras.transfer`. The backbone is any module with a ``features(x)``
method, like :class:`coursekit.torch.resnet.CourseResNet`, whose ``head`` is the classifier::

    net = backbone("course_resnet")          # pretrained on 26 letters
    net.head = nn.Linear(64, 2)              # a new head for a two-class task
    freeze(net, but=net.head)                # feature extraction: only the head learns
    fit(net, X, y, steps=100, lr=1e-2)

**The batch-norm trap.** ``requires_grad=False`` stops gradient updates, but a batch norm in
training mode still replaces its running mean and variance by those of every batch it sees. A
frozen backbone must therefore also be in ``eval()`` mode while the head trains; :func:`fit`
does that for every module whose parameters are all frozen.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def freeze(net: nn.Module, but: nn.Module | None = None) -> nn.Module:
    """Set ``requires_grad=False`` on every parameter of ``net`` except those of ``but``."""
    keep = {id(p) for p in but.parameters()} if but is not None else set()
    for p in net.parameters():
        p.requires_grad_(id(p) in keep)
    return net


def _frozen_modules_to_eval(net: nn.Module) -> None:
    for module in net.modules():
        params = list(module.parameters())
        if params and not any(p.requires_grad for p in params):
            module.eval()  # a frozen batch norm keeps its running statistics


@torch.no_grad()
def features(net: nn.Module, X, batch_size: int = 500) -> np.ndarray:
    """``net.features`` of ``X`` ``(n, 1, 28, 28)`` in eval mode: ``(n, d)`` float32 array."""
    net.eval()
    device = next(net.parameters()).device
    X = torch.as_tensor(X, dtype=torch.float32)
    return torch.cat([net.features(X[i:i + batch_size].to(device)).cpu()
                      for i in range(0, len(X), batch_size)]).numpy()


def fit(net: nn.Module, X, y, steps: int, lr: float, batch_size: int = 32, seed: int = 0,
        keep_bn_statistics: bool = False) -> list[float]:
    """Train the parameters of ``net`` that require grad with Adam for ``steps`` mini-batches.

    Batches are drawn in a random order (a generator seeded ``seed``), a new permutation per pass.
    Modules whose parameters are all frozen stay in eval mode (see the module docstring);
    ``keep_bn_statistics=True`` keeps *every* batch norm in eval mode (its scale and shift still
    learn, its running statistics stay those of the source task), as Keras does when a frozen
    base is unfrozen for fine-tuning.

    Returns:
        the loss of every step.
    """
    device = next(net.parameters()).device
    X = torch.as_tensor(X, dtype=torch.float32, device=device)
    y = torch.as_tensor(y, dtype=torch.int64, device=device)
    optimizer = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    net.train()
    _frozen_modules_to_eval(net)
    if keep_bn_statistics:
        for module in net.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.eval()
    losses, order = [], torch.empty(0, dtype=torch.int64)
    for _ in range(steps):
        if len(order) == 0:
            order = torch.randperm(len(X), generator=generator)
        idx, order = order[:batch_size].to(device), order[batch_size:]
        loss = F.cross_entropy(net(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    net.eval()
    return losses


@torch.no_grad()
def accuracy(net: nn.Module, X, y, batch_size: int = 500) -> float:
    """Share of ``X`` whose arg-max logit is the label ``y``, in eval mode."""
    net.eval()
    device = next(net.parameters()).device
    X = torch.as_tensor(X, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.int64)
    predicted = torch.cat([net(X[i:i + batch_size].to(device)).argmax(dim=1).cpu()
                           for i in range(0, len(X), batch_size)])
    return (predicted == y).double().mean().item()
