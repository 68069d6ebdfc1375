"""Online data augmentation with Keras preprocessing layers, for float images ``(h, w, c)`` in ``[0, 1]``.

:func:`pipeline` takes the arguments of :func:`coursekit.torch.augment.pipeline`
and translates them into Keras's conventions, which differ:

* ``RandomFlip()`` defaults to ``"horizontal_and_vertical"`` (a 6 becomes a 9):
  the twin asks for ``"horizontal"``;
* ``RandomRotation(factor)`` takes a **fraction of a full turn**: 0.1 is ±36°;
  the twin passes ``degrees / 360`` and fills corners with 0 as torchvision does
  (Keras's default ``fill_mode`` is ``"reflect"``);
* ``RandomTranslation(h, w)`` shifts by up to the fraction ``h`` of the height and ``w`` of the
  width, like torchvision's ``translate``, but by fractional pixels (interpolated) and with
  ``fill_mode="reflect"`` by default: the twin fills with 0;
* ``RandomBrightness(factor)`` **adds** ``factor × (high - low)`` of its
  ``value_range``, which defaults to ``(0, 255)``: the twin passes ``(0, 1)``.
  The change stays additive (torchvision multiplies), the one difference left;
* ``RandomSaturation(f)`` multiplies the HSV saturation by ``f / (1 - f)``, so
  ``f = 0.5`` is the identity: the twin converts the multiplier range
  ``[1 - s, 1 + s]`` to ``f = m / (1 + m)``.

The layers are active only when called with ``training=True`` (inside ``fit``,
or explicitly); at inference they pass images through unchanged.
"""

from __future__ import annotations

import keras


def pipeline(flip: bool = True, degrees: float = 0.0, brightness: float = 0.0, contrast: float = 0.0,
             saturation: float = 0.0, seed: int | None = None, shift: float = 0.0) -> keras.Sequential:
    """A ``keras.Sequential`` of random layers; call it with ``training=True`` to augment.

    Args:
        flip: mirror left-right with probability 0.5.
        degrees: rotate by an angle drawn uniformly from ``[-degrees, degrees]``.
        brightness: add a value drawn from ``[-brightness, brightness]`` (images in ``[0, 1]``).
        contrast, saturation: multiply by a factor drawn from ``[1 - v, 1 + v]`` (contrast
            around each channel's mean, saturation in HSV; grayscale images: saturation 0).
        seed: seeds every layer.
        shift: move the image by up to ``shift`` of its width and height (e.g. 0.1).
    """
    steps = []
    if flip:
        steps.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if degrees:
        steps.append(keras.layers.RandomRotation(degrees / 360, fill_mode="constant", fill_value=0.0, seed=seed))
    if shift:
        steps.append(keras.layers.RandomTranslation(shift, shift, fill_mode="constant", fill_value=0.0, seed=seed))
    if brightness:
        steps.append(keras.layers.RandomBrightness(brightness, value_range=(0, 1), seed=seed))
    if contrast:
        steps.append(keras.layers.RandomContrast(contrast, value_range=(0, 1), seed=seed))
    if saturation:
        low, high = ((1 + v) / (2 + v) for v in (-saturation, saturation))  # f = m / (1 + m), m = 1 ± s
        steps.append(keras.layers.RandomSaturation((low, high), value_range=(0, 1), seed=seed))
    return keras.Sequential(steps)
