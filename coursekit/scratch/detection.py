"""YOLO (v1) in NumPy: the S×S grid target, decoding the grid into boxes, and the loss term by term.

The image is cut into an ``S × S`` grid. The cell that holds an object's *centre* is responsible
for it. Every cell predicts ``B`` boxes ``(x, y, w, h, confidence)`` and one set of ``C`` class
probabilities, so the network's output is ``(S, S, 5B + C)`` (``7 × 7 × 30`` in the paper: S = 7,
B = 2, C = 20). Per cell the layout is ``[x, y, w, h, conf] × B`` followed by ``p(class 1..C)``:

* ``x, y`` in [0, 1]: the box centre, relative to its cell's top-left corner, in cell widths;
* ``w, h`` in [0, 1]: the box size as a fraction of the image;
* ``conf`` = P(object) · IoU(predicted box, true box); class probabilities are conditional on an object.

Labels here are the scenes' ``1..C`` (0 is the background), so class channel ``c`` is label ``c + 1``.
"""

from __future__ import annotations

import numpy as np

from coursekit.scratch.boxes import batched_nms

LAMBDA_COORD, LAMBDA_NOOBJ = 5.0, 0.5  # the paper's weights


def encode(boxes: np.ndarray, labels: np.ndarray, size: int, S: int, C: int) -> np.ndarray:
    """The training target of one image: ``(S, S, 5 + C)`` = ``[x, y, w, h, object, one-hot class]``.

    Args:
        boxes: ``(k, 4)`` xyxy pixels; labels: ``(k,)`` in ``1..C``; size: image side in pixels.

    A cell whose centre collects two objects keeps the larger one (YOLO v1 can detect one per cell).
    """
    target = np.zeros((S, S, 5 + C), dtype=np.float32)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4) / size
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    for i in np.argsort(areas, kind="stable"):  # small first, so a larger object overwrites
        x0, y0, x1, y1 = boxes[i]
        cx, cy = (x0 + x1) / 2 * S, (y0 + y1) / 2 * S
        col, row = min(int(cx), S - 1), min(int(cy), S - 1)
        target[row, col, :5] = cx - col, cy - row, x1 - x0, y1 - y0, 1.0
        target[row, col, 5:] = np.eye(C)[int(labels[i]) - 1]
    return target


def cell_boxes(xywh: np.ndarray) -> np.ndarray:
    """``(..., S, S, 4)`` cell-relative ``(x, y, w, h)`` -> ``(..., S, S, 4)`` xyxy in image fractions."""
    S = xywh.shape[-2]
    cols, rows = np.meshgrid(np.arange(S), np.arange(S))
    cx, cy = (cols + xywh[..., 0]) / S, (rows + xywh[..., 1]) / S
    w, h = xywh[..., 2], xywh[..., 3]
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def decode(output: np.ndarray, size: int, B: int, C: int, score_threshold: float = 0.1,
           iou_threshold: float | None = 0.5) -> dict[str, np.ndarray]:
    """Turn one image's output grid ``(S, S, 5B + C)`` into detections.

    Each of the ``S·S·B`` boxes scores ``conf × max_c p(c)`` for the class ``argmax_c p(c)``;
    boxes below ``score_threshold`` are dropped, then :func:`~coursekit.scratch.boxes.batched_nms`
    (skipped when ``iou_threshold`` is ``None``).

    Returns:
        ``{"boxes": (k, 4) xyxy pixels, "scores": (k,), "labels": (k,) in 1..C}``, by decreasing score.
    """
    output = np.asarray(output, dtype=np.float64)
    S = output.shape[0]
    per_box = output[..., :5 * B].reshape(S, S, B, 5)
    xyxy = np.stack([cell_boxes(per_box[:, :, b, :4]) for b in range(B)], axis=2) * size
    probs = output[..., 5 * B:]
    scores = per_box[..., 4] * probs.max(axis=-1, keepdims=True)          # (S, S, B)
    labels = np.broadcast_to(probs.argmax(axis=-1)[..., None] + 1, scores.shape)
    boxes, scores, labels = xyxy.reshape(-1, 4), scores.reshape(-1), labels.reshape(-1).astype(np.int64)
    keep = np.flatnonzero(scores >= score_threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    if iou_threshold is not None:
        keep = keep[batched_nms(boxes[keep], scores[keep], labels[keep], iou_threshold)]
    return {"boxes": boxes[keep].astype(np.float32), "scores": scores[keep].astype(np.float32), "labels": labels[keep]}


def _pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise IoU of two xyxy arrays of the same shape ``(..., 4)``."""
    wh = np.clip(np.minimum(a[..., 2:], b[..., 2:]) - np.maximum(a[..., :2], b[..., :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])  # noqa: E731
    return inter / np.maximum(area(a) + area(b) - inter, 1e-9)


def yolo_loss(pred: np.ndarray, target: np.ndarray, B: int, lambda_coord: float = LAMBDA_COORD,
              lambda_noobj: float = LAMBDA_NOOBJ) -> dict[str, float]:
    """The YOLO v1 loss of a batch, term by term (sums over cells and boxes, mean over images).

    ``pred`` ``(n, S, S, 5B + C)`` as in the module docstring; ``target`` ``(n, S, S, 5 + C)`` from
    :func:`encode`. In a cell with an object, the *responsible* box is the one of the B with the
    highest IoU with the true box; 1obj marks it, 1noobj every other box::

        xy     = λcoord Σ 1obj [(x − x̂)² + (y − ŷ)²]
        wh     = λcoord Σ 1obj [(√w − √ŵ)² + (√h − √ĥ)²]
        obj    =        Σ 1obj (conf − IoU)²
        noobj  = λnoobj Σ 1noobj conf²
        class  =        Σ_cells with an object Σ_c (p(c) − p̂(c))²

    Returns:
        ``{"xy", "wh", "obj", "noobj", "class", "total"}``.
    """
    n, S = pred.shape[:2]
    boxes = pred[..., :5 * B].reshape(n, S, S, B, 5)
    has_obj = target[..., 4]                                          # (n, S, S)
    predicted = np.moveaxis(cell_boxes(np.moveaxis(boxes[..., :4], 3, 1)), 1, 3)  # (n, S, S, B, 4) xyxy
    ious = _pairwise_iou(predicted, cell_boxes(target[..., :4])[..., None, :])  # (n, S, S, B)
    best = ious.argmax(axis=-1)                                       # (n, S, S)
    responsible = (np.arange(B) == best[..., None]) * has_obj[..., None]  # (n, S, S, B)
    t = target[..., None, :4]
    terms = {
        "xy": lambda_coord * np.sum(responsible * ((boxes[..., 0] - t[..., 0]) ** 2 + (boxes[..., 1] - t[..., 1]) ** 2)),
        "wh": lambda_coord * np.sum(responsible * ((np.sqrt(boxes[..., 2]) - np.sqrt(t[..., 2])) ** 2
                                                   + (np.sqrt(boxes[..., 3]) - np.sqrt(t[..., 3])) ** 2)),
        "obj": np.sum(responsible * (boxes[..., 4] - ious) ** 2),
        "noobj": lambda_noobj * np.sum((1 - responsible) * boxes[..., 4] ** 2),
        "class": np.sum(has_obj[..., None] * (pred[..., 5 * B:] - target[..., 5:]) ** 2),
    }
    terms = {k: float(v) / n for k, v in terms.items()}
    return terms | {"total": sum(terms.values())}
