"""A plain PyTorch training loop whose history looks like Keras's ``History.history``.

The loop is the one every PyTorch program writes by hand::

    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()        # forget the last batch's gradients
            loss = loss_fn(model(x), y)  # forward pass
            loss.backward()              # backward pass: fill p.grad
            optimizer.step()             # p <- p - lr * p.grad (for plain SGD)
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def predict_labels(outputs: torch.Tensor) -> torch.Tensor:
    """Class labels from model outputs: ``z >= 0`` for one logit per sample ``(n,)``, argmax for ``(n, k)``."""
    return (outputs >= 0).long() if outputs.ndim == 1 else outputs.argmax(dim=-1)


def model_device(model: nn.Module) -> torch.device:
    """The device of ``model``'s first parameter (or buffer): where its inputs must go."""
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    raise ValueError("the model has no parameters or buffers, so it has no device to run on")


@torch.no_grad()
def evaluate(model: nn.Module, loader, loss_fn: Callable) -> dict[str, float]:
    """Mean loss and accuracy of ``model`` over ``loader`` (weighted by batch size).

    Each batch is moved to the model's device; the sums stay there and are read once at the end.
    """
    device = model_device(model)
    model.eval()
    total_loss, correct, count = torch.zeros((), device=device), torch.zeros((), device=device, dtype=torch.int64), 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        total_loss += loss_fn(out, y).detach() * len(y)
        correct += (predict_labels(out) == y.long()).sum()
        count += len(y)
    return {"loss": total_loss.item() / count, "accuracy": correct.item() / count}


def train(model: nn.Module, loader, loss_fn: Callable, optimizer: torch.optim.Optimizer,
          epochs: int = 1, val_loader=None) -> dict[str, list[float]]:
    """Train ``model`` in place, on the device of its parameters, and return its history.

    Args:
        model: maps a batch ``x`` to outputs accepted by ``loss_fn``.
        loader: yields ``(x, y)`` batches (e.g. :func:`coursekit.data.torch_loader`).
        loss_fn: ``loss_fn(outputs, y) -> scalar tensor`` (mean over the batch).
        optimizer: built over ``model.parameters()``.
        epochs: passes over ``loader``.
        val_loader: optional held-out batches, evaluated after each epoch.

    Returns:
        ``{"loss": [...], "accuracy": [...]}`` per epoch (measured over the
        training set after the epoch), plus ``val_loss`` / ``val_accuracy`` when
        ``val_loader`` is given: the keys Keras uses.
    """
    device = model_device(model)
    history: dict[str, list[float]] = {}
    for _ in range(epochs):
        model.train()
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        results = evaluate(model, loader, loss_fn)
        if val_loader is not None:
            results |= {f"val_{k}": v for k, v in evaluate(model, val_loader, loss_fn).items()}
        for key, value in results.items():
            history.setdefault(key, []).append(value)
    return history


def fit_arrays(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: Callable, epochs: int = 5,
               lr: float = 3e-3, batch_size: int = 32, seed: int = 0) -> list[float]:
    """Adam on ``loss_fn(model(x[idx]), y[idx])`` over seeded shuffled mini-batches of tensors in memory.

    ``x`` and ``y`` are indexed along their first axis (``n`` samples); each epoch draws a new
    permutation from a generator seeded with ``seed``, so the run repeats exactly. Each batch is
    moved to the model's device.

    Returns:
        the mean training loss of each epoch (weighted by batch size), a list of ``epochs`` floats.
    """
    device = model_device(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for idx in torch.randperm(len(x), generator=generator).split(batch_size):
            loss = loss_fn(model(x[idx].to(device)), y[idx].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(idx)
        history.append(total / len(x))
    return history
