"""Keras's ``EarlyStopping`` and ``ModelCheckpoint``, written for a PyTorch training loop.

Keras calls its callbacks from inside ``fit``; a PyTorch loop calls them itself,
once per epoch, after measuring the validation loss::

    stopper = EarlyStopping(patience=5, path="best.pt")
    for epoch in range(max_epochs):
        train_one_epoch(...)
        if stopper.step(validation_loss(model), model):
            break
    stopper.restore(model)                  # the weights of the best epoch

The learning-rate twin is built in: ``torch.optim.lr_scheduler.ReduceLROnPlateau``
(``scheduler.step(val_loss)`` once per epoch). Mind its ``threshold``: relative by
default (``threshold_mode="rel"``, an improvement must beat ``best · (1 - 1e-4)``),
while Keras's ``min_delta`` is absolute. And its ``patience`` and ``cooldown`` count one
epoch more: torch's ``patience=p, cooldown=c`` acts like Keras's ``patience=p + 1,
cooldown=c + 1`` (:func:`plateau_reductions` and its Keras twin show it).
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch
from torch import nn


class EarlyStopping:
    """Stop when the monitored value has not improved for ``patience`` epochs; keep the best weights.

    The same rule as ``keras.callbacks.EarlyStopping(min_delta, patience,
    restore_best_weights=True)``: a value improves when it is below
    ``best - min_delta`` (``mode="min"``) or above ``best + min_delta`` (``"max"``),
    an absolute margin; training stops once ``patience`` epochs in a row brought
    no improvement.

    Args:
        patience: epochs without improvement to wait.
        min_delta: the smallest change that counts as an improvement.
        mode: ``"min"`` for a loss, ``"max"`` for an accuracy.
        path: if given, every new best ``state_dict`` is also saved there with
            ``torch.save`` (what ``ModelCheckpoint(save_best_only=True)`` does).

    Attributes:
        best: the best value so far; ``best_epoch``: its epoch (counted from 0).
    """

    def __init__(self, patience: int = 0, min_delta: float = 0.0, mode: str = "min",
                 path: str | Path | None = None):
        if mode not in {"min", "max"}:
            raise ValueError(f"mode must be 'min' or 'max', not {mode!r}")
        self.patience, self.min_delta, self.mode = patience, abs(min_delta), mode
        self.path = None if path is None else Path(path)
        self.best, self.best_epoch, self.best_state = None, None, None
        self.epoch, self.wait = -1, 0

    def improves(self, value: float) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float, model: nn.Module) -> bool:
        """Record this epoch's ``value``; return ``True`` when training should stop."""
        self.epoch += 1
        value = float(value)
        if self.improves(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())
            if self.path is not None:
                torch.save(self.best_state, self.path)
            return False
        self.wait += 1
        return self.wait >= self.patience

    def restore(self, model: nn.Module) -> nn.Module:
        """Load the best epoch's weights into ``model`` (in place) and return it."""
        if self.best_state is None:
            raise RuntimeError("step() was never called: there are no best weights to restore")
        model.load_state_dict(self.best_state)
        return model


def plateau_reductions(losses, **kwargs) -> list[int]:
    """The epochs at which ``torch.optim.lr_scheduler.ReduceLROnPlateau`` lowers the learning rate.

    Feeds ``losses`` (one validation loss per epoch) to a real scheduler,
    ``scheduler.step(loss)`` once per epoch, as a training loop would, and
    records where the learning rate fell. The twin
    ``coursekit.keras.callbacks.plateau_reductions`` drives Keras's callback the same way.

    Args:
        losses: the monitored value of each epoch.
        **kwargs: ``ReduceLROnPlateau`` arguments (``patience``, ``cooldown``,
            ``threshold``, ``threshold_mode``, ``factor``, ...).

    Returns:
        the epochs (counted from 0) at whose end the learning rate was reduced.
    """
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **kwargs)
    reduced = []
    for epoch, loss in enumerate(losses):
        before = optimizer.param_groups[0]["lr"]
        scheduler.step(float(loss))
        if optimizer.param_groups[0]["lr"] < before:
            reduced.append(epoch)
    return reduced
