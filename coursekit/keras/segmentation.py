"""Segmentation networks in Keras: FCN and U-Net (the twins of :mod:`coursekit.torch.segmentation`).

Both map images ``(n, H, W, C_in)`` to class scores (logits) ``(n, H_out, W_out, K)``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers


def fcn(input_shape=(64, 64, 3), num_classes: int = 4, width: int = 16, batch_norm: bool = False) -> keras.Model:
    """Conv-pool encoder to H/8, 1×1 class scores, one transposed convolution (16, stride 8) back to H × W.

    ``batch_norm=True`` puts batch normalisation between each convolution and its ReLU."""
    inputs = keras.Input(input_shape)
    x = inputs
    for c in (width, 2 * width, 4 * width):
        x = layers.Conv2D(c, 3, padding="same", use_bias=not batch_norm)(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x)  # PyTorch's defaults
        x = layers.MaxPooling2D(2)(layers.ReLU()(x))
    x = layers.Conv2D(num_classes, 1)(x)
    # Keras has no "padding=4": stride 8 with padding="same" gives exactly 8× the size
    outputs = layers.Conv2DTranspose(num_classes, 16, strides=8, padding="same")(x)
    return keras.Model(inputs, outputs, name="fcn")


def unet_block(x, channels: int, padding: str = "same", batch_norm: bool = False):
    """Two 3×3 convolutions, each followed by ReLU (batch normalisation before it, if asked)."""
    for _ in range(2):
        x = layers.Conv2D(channels, 3, padding=padding, use_bias=not batch_norm)(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)(x)  # PyTorch's defaults
        x = layers.ReLU()(x)
    return x


def unet(input_shape=(64, 64, 3), num_classes: int = 4, base: int = 16, depth: int = 3,
         padding: str = "same", batch_norm: bool = False) -> keras.Model:
    """U-Net as :class:`coursekit.torch.segmentation.UNet`; ``unet((572, 572, 1), 2, 64, 4, "valid")`` is
    the paper's network (31,030,658 parameters)."""
    inputs = keras.Input(input_shape)
    x, skips = inputs, []
    for level in range(depth):
        x = unet_block(x, base * 2 ** level, padding, batch_norm)
        skips.append(x)
        x = layers.MaxPooling2D(2)(x)
    x = unet_block(x, base * 2 ** depth, padding, batch_norm)
    for level in reversed(range(depth)):
        x = layers.Conv2DTranspose(base * 2 ** level, 2, strides=2)(x)
        skip = skips[level]
        dh, dw = skip.shape[1] - x.shape[1], skip.shape[2] - x.shape[2]
        if dh or dw:  # "valid" convolutions: crop the encoder's map to the decoder's size
            skip = layers.Cropping2D(((dh // 2, dh - dh // 2), (dw // 2, dw - dw // 2)))(skip)
        x = unet_block(layers.Concatenate()([skip, x]), base * 2 ** level, padding, batch_norm)
    outputs = layers.Conv2D(num_classes, 1)(x)
    return keras.Model(inputs, outputs, name="unet")


def train(model: keras.Model, images: np.ndarray, masks: np.ndarray, epochs: int = 5, lr: float = 3e-3,
          batch_size: int = 16, seed: int = 0) -> list[float]:
    """Adam on pixel-wise sparse categorical cross-entropy from logits; returns the loss of each epoch."""
    model.compile(optimizer=keras.optimizers.Adam(lr),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=False)
    keras.utils.set_random_seed(seed)
    return model.fit(images, masks, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0).history["loss"]


def fit_schedule(model: keras.Model, images: np.ndarray, masks: np.ndarray, schedule,
                 batch_size: int = 16) -> list[float]:
    """:func:`train` phase by phase: ``schedule`` is a sequence of ``(epochs, lr)``; phase ``i`` compiles
    a fresh Adam and seeds with ``i``. Returns the training loss of every epoch of every phase."""
    return [loss for i, (epochs, lr) in enumerate(schedule)
            for loss in train(model, images, masks, epochs=epochs, lr=lr, batch_size=batch_size, seed=i)]


def predict(model: keras.Model, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """Predicted class masks ``(n, H_out, W_out)`` int64 (argmax of the scores)."""
    return model.predict(images, verbose=0, batch_size=batch_size).argmax(axis=-1).astype(np.int64)
