"""A small YOLO (v1)-style detector in Keras: the twin of :mod:`coursekit.torch.detection`.

Images ``(n, size, size, 3)`` -> ``(n, S, S, 5B + C)`` with ``S = size / 8``, coordinates and
confidences through a sigmoid, class probabilities through a softmax (see
:mod:`coursekit.scratch.detection` for the layout).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from coursekit.scratch import detection as scratch
from coursekit.scratch.detection import LAMBDA_COORD, LAMBDA_NOOBJ


def tiny_yolo(B: int = 2, C: int = 3, width: int = 16, size: int = 64) -> keras.Model:
    """Three conv-pool stages (size/8), two 3×3 convolutions, a 1×1 convolution to 5B + C channels."""
    def block(x, c):
        x = layers.Conv2D(c, 3, padding="same", use_bias=False)(x)
        return layers.LeakyReLU(0.1)(layers.BatchNormalization(epsilon=1e-5)(x))  # PyTorch's ε

    inputs = keras.Input((size, size, 3))
    x = inputs
    for c in (width, 2 * width, 4 * width):
        x = layers.MaxPooling2D(2)(block(x, c))
    x = block(block(x, 4 * width), 4 * width)
    out = layers.Conv2D(5 * B + C, 1)(x)
    boxes = layers.Activation("sigmoid")(out[..., :5 * B])
    classes = layers.Softmax()(out[..., 5 * B:])
    return keras.Model(inputs, layers.Concatenate()([boxes, classes]), name="tiny_yolo")


def load_torch_state(model: keras.Model, state: dict) -> keras.Model:
    """Copy a :class:`coursekit.torch.detection.TinyYOLO` ``state_dict`` into :func:`tiny_yolo` (same sizes).

    Convolution kernels go from PyTorch's ``(out, in, kh, kw)`` to Keras's ``(kh, kw, in, out)``; batch
    normalisation keeps ``(γ, β, running mean, running variance)``. Layers are paired in order.
    """
    tensors = iter([v.numpy() for k, v in state.items() if not k.endswith("num_batches_tracked")])
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            kernel = next(tensors).transpose(2, 3, 1, 0)
            layer.set_weights([kernel, next(tensors)] if layer.use_bias else [kernel])
        elif isinstance(layer, layers.BatchNormalization):
            gamma, beta, mean, var = (next(tensors) for _ in range(4))
            layer.set_weights([gamma, beta, mean, var])
    return model


def cell_boxes(xywh):
    """``(..., S, S, 4)`` cell-relative ``(x, y, w, h)`` -> xyxy in image fractions."""
    S = xywh.shape[-2]
    cols, rows = np.meshgrid(np.arange(S, dtype="float32"), np.arange(S, dtype="float32"))
    cx, cy = (cols + xywh[..., 0]) / S, (rows + xywh[..., 1]) / S
    w, h = xywh[..., 2], xywh[..., 3]
    return ops.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def _pairwise_iou(a, b):
    wh = ops.maximum(ops.minimum(a[..., 2:], b[..., 2:]) - ops.maximum(a[..., :2], b[..., :2]), 0.0)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])  # noqa: E731
    return inter / ops.maximum(area(a) + area(b) - inter, 1e-9)


def yolo_loss(target, pred, B: int = 2, lambda_coord: float = LAMBDA_COORD, lambda_noobj: float = LAMBDA_NOOBJ):
    """YOLO v1's loss term by term, as :func:`coursekit.torch.detection.yolo_loss` (note Keras's argument order:
    target first). Returns ``{"xy", "wh", "obj", "noobj", "class", "total"}`` (mean over images)."""
    S = pred.shape[1]
    boxes = ops.reshape(pred[..., :5 * B], (-1, S, S, B, 5))
    has_obj = target[..., 4]
    predicted = ops.moveaxis(cell_boxes(ops.moveaxis(boxes[..., :4], 3, 1)), 1, 3)
    ious = ops.stop_gradient(_pairwise_iou(predicted, cell_boxes(target[..., :4])[..., None, :]))
    responsible = ops.one_hot(ops.argmax(ious, axis=-1), B) * has_obj[..., None]
    t = target[..., None, :4]
    eps = 1e-9
    terms = {
        "xy": lambda_coord * ops.sum(responsible * ((boxes[..., 0] - t[..., 0]) ** 2 + (boxes[..., 1] - t[..., 1]) ** 2)),
        "wh": lambda_coord * ops.sum(responsible * ((ops.sqrt(boxes[..., 2] + eps) - ops.sqrt(t[..., 2] + eps)) ** 2
                                                    + (ops.sqrt(boxes[..., 3] + eps) - ops.sqrt(t[..., 3] + eps)) ** 2)),
        "obj": ops.sum(responsible * (boxes[..., 4] - ious) ** 2),
        "noobj": lambda_noobj * ops.sum((1 - responsible) * boxes[..., 4] ** 2),
        "class": ops.sum(has_obj[..., None] * (pred[..., 5 * B:] - target[..., 5:]) ** 2),
    }
    n = ops.cast(ops.shape(pred)[0], pred.dtype)
    terms = {k: v / n for k, v in terms.items()}
    return terms | {"total": sum(terms.values())}


class YoloLoss(keras.losses.Loss):
    """The total YOLO loss as a Keras loss, for ``model.compile(loss=YoloLoss(B=2))``."""

    def __init__(self, B: int = 2, name: str = "yolo_loss", **kwargs):
        super().__init__(name=name, reduction="sum", **kwargs)  # the loss is already a batch mean
        self.B = B

    def call(self, y_true, y_pred):
        return yolo_loss(y_true, y_pred, self.B)["total"]


def targets(scenes, S: int, C: int = 3) -> np.ndarray:
    """Encode every scene's boxes: ``(n, S, S, 5 + C)`` float32."""
    size = scenes.images.shape[1]
    return np.stack([scratch.encode(b, l, size, S, C) for b, l in zip(scenes.boxes, scenes.labels)])


def train(model: keras.Model, scenes, epochs: int = 5, lr: float = 3e-3, batch_size: int = 32, B: int = 2,
          seed: int = 0) -> list[float]:
    """Adam on the YOLO loss with ``fit``; returns the training loss of each epoch."""
    S = model.output_shape[1]
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=YoloLoss(B), jit_compile=False)
    keras.utils.set_random_seed(seed)
    history = model.fit(scenes.images, targets(scenes, S, model.output_shape[-1] - 5 * B), epochs=epochs,
                        batch_size=batch_size, shuffle=True, verbose=0)
    return history.history["loss"]


def predict(model: keras.Model, images: np.ndarray, B: int = 2, score_threshold: float = 0.1,
            iou_threshold: float | None = 0.5) -> list[dict[str, np.ndarray]]:
    """Detections for images ``(n, size, size, 3)``: per image ``{"boxes", "scores", "labels"}`` (NumPy)."""
    grids = model.predict(images, verbose=0, batch_size=64)
    C = grids.shape[-1] - 5 * B
    return [scratch.decode(g, images.shape[1], B, C, score_threshold, iou_threshold) for g in grids]
