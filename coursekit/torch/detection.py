"""A small YOLO (v1)-style detector in PyTorch: network, loss, training loop, predictions.

The twin of :mod:`coursekit.keras.detection`; grid layout, target encoding and decoding are
those of :mod:`coursekit.scratch.detection`. The network maps images ``(n, 3, size, size)`` to
``(n, S, S, 5B + C)`` with ``S = size / 8``: coordinates and confidences through a sigmoid (all
in [0, 1]), class probabilities through a softmax. Unlike the paper (24 convolutions then two
fully connected layers), the last layer here is a 1×1 convolution: the same output, fewer weights.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from coursekit.scratch import detection as scratch
from coursekit.scratch.detection import LAMBDA_COORD, LAMBDA_NOOBJ
from coursekit.torch.training import fit_arrays


def _block(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.1)]


class TinyYOLO(nn.Module):
    """Three conv-pool stages (size/8), two 3×3 convolutions, a 1×1 convolution to 5B + C channels."""

    def __init__(self, B: int = 2, C: int = 3, width: int = 16):
        super().__init__()
        self.B, self.C = B, C
        w = width
        self.features = nn.Sequential(
            *_block(3, w), nn.MaxPool2d(2), *_block(w, 2 * w), nn.MaxPool2d(2),
            *_block(2 * w, 4 * w), nn.MaxPool2d(2), *_block(4 * w, 4 * w), *_block(4 * w, 4 * w))
        self.head = nn.Conv2d(4 * w, 5 * B + C, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.head(self.features(x)).permute(0, 2, 3, 1)  # (n, S, S, 5B + C)
        boxes, classes = out[..., :5 * self.B], out[..., 5 * self.B:]
        return torch.cat([torch.sigmoid(boxes), torch.softmax(classes, dim=-1)], dim=-1)


def cell_boxes(xywh: torch.Tensor) -> torch.Tensor:
    """``(..., S, S, 4)`` cell-relative ``(x, y, w, h)`` -> xyxy in image fractions."""
    S = xywh.shape[-2]
    rows, cols = torch.meshgrid(torch.arange(S, dtype=xywh.dtype), torch.arange(S, dtype=xywh.dtype), indexing="ij")
    cx, cy = (cols + xywh[..., 0]) / S, (rows + xywh[..., 1]) / S
    w, h = xywh[..., 2], xywh[..., 3]
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)


def _pairwise_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    wh = (torch.minimum(a[..., 2:], b[..., 2:]) - torch.maximum(a[..., :2], b[..., :2])).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])  # noqa: E731
    return inter / (area(a) + area(b) - inter).clamp(min=1e-9)


def yolo_loss(pred: torch.Tensor, target: torch.Tensor, B: int, lambda_coord: float = LAMBDA_COORD,
              lambda_noobj: float = LAMBDA_NOOBJ) -> dict[str, torch.Tensor]:
    """YOLO v1's loss term by term, as :func:`coursekit.scratch.detection.yolo_loss` (the IoU target is
    not differentiated). Returns ``{"xy", "wh", "obj", "noobj", "class", "total"}`` (mean over images)."""
    n, S = pred.shape[:2]
    boxes = pred[..., :5 * B].reshape(n, S, S, B, 5)
    has_obj = target[..., 4]
    with torch.no_grad():
        predicted = cell_boxes(boxes[..., :4].movedim(3, 1)).movedim(1, 3)
        ious = _pairwise_iou(predicted, cell_boxes(target[..., :4])[..., None, :])
        responsible = nn.functional.one_hot(ious.argmax(dim=-1), B) * has_obj[..., None]
    t = target[..., None, :4]
    eps = 1e-9  # keeps the gradient of √w finite at w = 0
    terms = {
        "xy": lambda_coord * (responsible * ((boxes[..., 0] - t[..., 0]) ** 2 + (boxes[..., 1] - t[..., 1]) ** 2)).sum(),
        "wh": lambda_coord * (responsible * ((torch.sqrt(boxes[..., 2] + eps) - torch.sqrt(t[..., 2] + eps)) ** 2
                                             + (torch.sqrt(boxes[..., 3] + eps) - torch.sqrt(t[..., 3] + eps)) ** 2)).sum(),
        "obj": (responsible * (boxes[..., 4] - ious) ** 2).sum(),
        "noobj": lambda_noobj * ((1 - responsible) * boxes[..., 4] ** 2).sum(),
        "class": (has_obj[..., None] * (pred[..., 5 * B:] - target[..., 5:]) ** 2).sum(),
    }
    terms = {k: v / n for k, v in terms.items()}
    return terms | {"total": sum(terms.values())}


def targets(scenes, S: int, C: int = 3) -> torch.Tensor:
    """Encode every scene's boxes: ``(n, S, S, 5 + C)`` float32."""
    size = scenes.images.shape[1]
    return torch.as_tensor(np.stack([scratch.encode(b, l, size, S, C) for b, l in zip(scenes.boxes, scenes.labels)]))


def train(model: TinyYOLO, scenes, epochs: int = 5, lr: float = 3e-3, batch_size: int = 32,
          seed: int = 0) -> list[float]:
    """Adam on the YOLO loss over ``scenes``; returns the mean training loss of each epoch."""
    images = torch.as_tensor(scenes.images).permute(0, 3, 1, 2).contiguous()
    S = images.shape[-1] // 8
    y = targets(scenes, S, model.C)
    return fit_arrays(model, images, y, lambda out, target: yolo_loss(out, target, model.B)["total"],
                      epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)


@torch.no_grad()
def predict(model: TinyYOLO, images: np.ndarray, score_threshold: float = 0.1,
            iou_threshold: float | None = 0.5) -> list[dict[str, np.ndarray]]:
    """Detections for images ``(n, size, size, 3)``: per image ``{"boxes", "scores", "labels"}`` (NumPy)."""
    model.eval()
    grids = model(torch.as_tensor(images).permute(0, 3, 1, 2)).numpy()
    return [scratch.decode(g, images.shape[1], model.B, model.C, score_threshold, iou_threshold) for g in grids]
