"""Drive a Keras callback by hand: what ``fit`` does once per epoch, without training.

Keras's callbacks are objects whose methods ``fit`` calls at fixed moments
(``on_train_begin``, ``on_epoch_end(epoch, logs)``, ...). Calling those methods
directly shows a callback's rule on a hand-made sequence of validation losses; the
PyTorch twin is ``coursekit.torch.callbacks.plateau_reductions``.
"""

from __future__ import annotations

import keras


def plateau_reductions(losses, **kwargs) -> list[int]:
    """The epochs at which ``keras.callbacks.ReduceLROnPlateau`` lowers the learning rate.

    Attaches a real callback to a compiled one-weight model (the callback reads and
    sets ``model.optimizer.learning_rate``), then calls ``on_epoch_end(epoch,
    {"val_loss": loss})`` for each value, as ``fit`` would after each epoch.

    Args:
        losses: the monitored ``val_loss`` of each epoch.
        **kwargs: ``ReduceLROnPlateau`` arguments (``patience``, ``cooldown``,
            ``min_delta``, ``factor``, ...).

    Returns:
        the epochs (counted from 0) at whose end the learning rate was reduced.
    """
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse", jit_compile=False)
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    reduced = []
    for epoch, loss in enumerate(losses):
        before = float(model.optimizer.learning_rate)
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if float(model.optimizer.learning_rate) < before:
            reduced.append(epoch)
    return reduced
