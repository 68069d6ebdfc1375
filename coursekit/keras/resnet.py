"""Residual and Inception blocks and the course's small residual network in Keras 3, and the
conversion of its PyTorch weights.

Twin of :mod:`coursekit.torch.resnet`. Layout NHWC: images are ``(n, h, w, c)``. A block is a
function that adds layers to a functional graph (a model with a skip connection needs the
Functional API; ``Sequential`` cannot express the addition).

The same network in the two frameworks differs in four ways, and :func:`load_torch_weights`
handles each:

* **image layout**: PyTorch ``(n, c, h, w)``, Keras ``(n, h, w, c)``;
* **kernel layout**: ``nn.Conv2d.weight`` is ``(out, in, kh, kw)``, ``Conv2D.kernel`` is
  ``(kh, kw, in, out)``; ``nn.Linear.weight`` is ``(out, in)``, ``Dense.kernel`` ``(in, out)``;
* **padding**: a stride-2 3×3 convolution with PyTorch's ``padding=1`` pads one pixel on every
  side; Keras's ``padding="same"`` pads 0 on the top/left and 1 on the bottom/right of an even
  input. The twin therefore pads explicitly (``ZeroPadding2D(1)``) and uses ``"valid"``;
* **batch norm**: ε is 1e-5 in PyTorch and 1e-3 in Keras, and Keras's ``momentum=0.99`` is
  PyTorch's ``momentum=0.1`` (the weight of the *new* batch); the twin uses PyTorch's values.

Layer names are the PyTorch state-dict prefixes with ``.`` replaced by ``_`` (``blocks_1_conv1``
for ``blocks.1.conv1``), so the conversion matches layers by name, not by position.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

BN = {"epsilon": 1e-5, "momentum": 0.9}  # PyTorch's BatchNorm2d defaults, in Keras's terms


def _conv_bn(x, filters: int, kernel: int, stride: int, name: str, bn_name: str):
    if kernel > 1:
        x = layers.ZeroPadding2D(kernel // 2, name=f"{name}_pad")(x)  # symmetric, like PyTorch
    x = layers.Conv2D(filters, kernel, strides=stride, use_bias=False, name=name)(x)
    return layers.BatchNormalization(**BN, name=bn_name)(x)


def residual_block(x, c_out: int, stride: int = 1, name: str = "block"):
    """Add ResNet's basic block to the graph: ``(n, h, w, c_in) -> (n, h', w', c_out)``.

    Same parameters and the same function as :class:`coursekit.torch.resnet.ResidualBlock`.
    """
    c_in = x.shape[-1]
    if stride != 1 or c_in != c_out:
        identity = _conv_bn(x, c_out, 1, stride, f"{name}_downsample_0", f"{name}_downsample_1")
    else:
        identity = x
    out = layers.ReLU()(_conv_bn(x, c_out, 3, stride, f"{name}_conv1", f"{name}_bn1"))
    out = _conv_bn(out, c_out, 3, 1, f"{name}_conv2", f"{name}_bn2")
    return layers.ReLU()(layers.Add()([out, identity]))  # the skip connection


def bottleneck_block(x, width: int, stride: int = 1, name: str = "bottleneck"):
    """Add ResNet's bottleneck block (1×1 → 3×3 → 1×1, then ×4 channels) to the graph:
    ``(n, h, w, c_in) -> (n, h', w', 4·width)``. Same parameters and the same function as
    :class:`coursekit.torch.resnet.Bottleneck` (layer names follow its state dict)."""
    c_in, c_out = x.shape[-1], 4 * width
    if stride != 1 or c_in != c_out:
        identity = _conv_bn(x, c_out, 1, stride, f"{name}_downsample_0", f"{name}_downsample_1")
    else:
        identity = x
    out = layers.ReLU()(_conv_bn(x, width, 1, 1, f"{name}_conv1", f"{name}_bn1"))
    out = layers.ReLU()(_conv_bn(out, width, 3, stride, f"{name}_conv2", f"{name}_bn2"))
    out = _conv_bn(out, c_out, 1, 1, f"{name}_conv3", f"{name}_bn3")
    return layers.ReLU()(layers.Add()([out, identity]))  # the skip connection


def inception_block(x, c1: int, c3_reduce: int, c3: int, c5_reduce: int, c5: int, pool_proj: int):
    """Add an Inception module (four parallel branches, concatenated): ``(n, h, w, c_in) ->
    (n, h, w, c1 + c3 + c5 + pool_proj)``. Twin of :class:`coursekit.torch.resnet.InceptionBlock`."""
    def conv(t, filters, kernel):
        return layers.Conv2D(filters, kernel, padding="same", activation="relu")(t)  # stride 1: symmetric

    pooled = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    branches = [conv(x, c1, 1), conv(conv(x, c3_reduce, 1), c3, 3), conv(conv(x, c5_reduce, 1), c5, 5),
                conv(pooled, pool_proj, 1)]
    return layers.Concatenate(axis=-1)(branches)


def inception_aux(x, num_classes: int = 1000, dropout: float = 0.7):
    """Add GoogLeNet's auxiliary classifier on a 14×14 map: ``(n, 14, 14, c_in) -> (n, num_classes)``
    logits. 5×5 average pooling with stride 3 (to 4×4), 1×1 convolution to 128 with batch norm
    and ReLU, flatten, dense 1024 with ReLU, dropout, dense ``num_classes``. Twin of
    :class:`coursekit.torch.resnet.InceptionAux`: the same trainable parameters."""
    x = layers.AveragePooling2D(5, strides=3)(x)                                  # (n, 4, 4, c_in)
    x = layers.Conv2D(128, 1, use_bias=False)(x)
    x = layers.ReLU()(layers.BatchNormalization(epsilon=0.001)(x))                 # (n, 4, 4, 128)
    x = layers.Dropout(dropout)(layers.Dense(1024, activation="relu")(layers.Flatten()(x)))
    return layers.Dense(num_classes)(x)                                           # (n, num_classes)


def course_resnet(num_classes: int, widths: tuple[int, int, int] = (16, 32, 64)) -> keras.Model:
    """The course's small residual network for ``(n, 28, 28, 1)`` glyphs; twin of
    :class:`coursekit.torch.resnet.CourseResNet`. The layer ``"features"`` is the pooled ``(n, 64)``
    output that transfer learning reuses."""
    inputs = keras.Input((28, 28, 1))
    x = layers.ReLU()(_conv_bn(inputs, widths[0], 3, 1, "conv", "bn"))
    for i, (width, stride) in enumerate(zip(widths, (1, 2, 2))):
        x = residual_block(x, width, stride, name=f"blocks_{i}")
    features = layers.GlobalAveragePooling2D(name="features")(x)
    return keras.Model(inputs, layers.Dense(num_classes, name="head")(features), name="course_resnet")


def load_torch_weights(model: keras.Model, state_dict) -> keras.Model:
    """Copy a PyTorch state dict (tensors or arrays) into the Keras twin ``model``, in place.

    Conv kernels ``(out, in, kh, kw) -> (kh, kw, in, out)``, dense kernels ``(out, in) -> (in, out)``,
    batch norm ``weight, bias, running_mean, running_var -> gamma, beta, moving_mean,
    moving_variance``. Raises ``KeyError`` naming any Keras layer that has no PyTorch weights and
    ``ValueError`` for any PyTorch weight left unused.
    """
    arrays = {k: np.asarray(v.detach().cpu() if hasattr(v, "detach") else v) for k, v in state_dict.items()}
    used = {k for k in arrays if k.endswith("num_batches_tracked")}
    for layer in model.layers:
        if not layer.weights:
            continue
        prefix = layer.name.replace("_", ".") + "."
        if isinstance(layer, layers.BatchNormalization):
            keys = ["weight", "bias", "running_mean", "running_var"]
            convert = [lambda a: a] * 4
        elif isinstance(layer, layers.Conv2D):
            keys, convert = ["weight", "bias"][:len(layer.weights)], [lambda a: a.transpose(2, 3, 1, 0), lambda a: a]
        elif isinstance(layer, layers.Dense):
            keys, convert = ["weight", "bias"], [lambda a: a.T, lambda a: a]
        else:
            raise TypeError(f"load_torch_weights: no rule for layer {layer.name!r} ({type(layer).__name__})")
        missing = [prefix + k for k in keys if prefix + k not in arrays]
        if missing:
            raise KeyError(f"layer {layer.name!r}: the state dict has no {missing}")
        layer.set_weights([f(arrays[prefix + k]) for k, f in zip(keys, convert)])
        used.update(prefix + k for k in keys)
    unused = sorted(set(arrays) - used)
    if unused:
        raise ValueError(f"weights with no Keras layer: {unused}")
    return model


def dense_kernel_after_flatten(weight: np.ndarray, c: int, h: int, w: int) -> np.ndarray:
    """Convert ``nn.Linear.weight`` ``(out, c·h·w)`` that follows a PyTorch ``flatten`` of
    ``(n, c, h, w)`` maps into the ``Dense`` kernel ``(h·w·c, out)`` that follows a Keras
    ``Flatten`` of ``(n, h, w, c)`` maps: the same numbers, the inputs in another order."""
    out = weight.shape[0]
    return weight.reshape(out, c, h, w).transpose(2, 3, 1, 0).reshape(h * w * c, out)
