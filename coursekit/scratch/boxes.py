"""Boxes in NumPy: intersection over union and non-maximum suppression, as torchvision computes them.

A box is ``(x0, y0, x1, y1)`` ("xyxy"): its top-left and bottom-right corners in pixels, so its
width is ``x1 - x0`` and its area ``(x1 - x0)(y1 - y0)``.

* :func:`iou` - ``IoU(A, B) = |A ∩ B| / |A ∪ B| = inter / (area_A + area_B - inter)`` for every pair.
* :func:`nms` - keep the highest-scoring box, drop every box whose IoU with it is *greater than*
  the threshold, repeat with the highest remaining box.
* :func:`batched_nms` - the same within each label separately.

Conventions copied from ``torchvision.ops``: two zero-area boxes have IoU ``0/0 = nan`` (and a NaN IoU
never suppresses), ties in score keep the lower index first (a stable sort), and the kept indices
come back as int64 in decreasing score.
"""

from __future__ import annotations

import numpy as np


def box_area(boxes: np.ndarray) -> np.ndarray:
    """``(N, 4)`` xyxy -> ``(N,)`` areas ``(x1 - x0)(y1 - y0)``."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every box in ``a`` ``(N, 4)`` with every box in ``b`` ``(M, 4)``.

    Returns:
        float64 ``(N, M)``; entry ``(i, j)`` is ``IoU(a[i], b[j])`` in [0, 1] (nan for two empty boxes).
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])      # (N, M, 2)
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])  # (N, M, 2)
    wh = np.clip(bottom_right - top_left, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / union


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Non-maximum suppression: the indices of the boxes kept, int64, in decreasing score.

    Args:
        boxes: ``(N, 4)`` xyxy.
        scores: ``(N,)``.
        iou_threshold: a box is dropped when its IoU with a kept, higher-scoring box is ``> iou_threshold``.
    """
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    overlaps = iou(boxes, boxes)
    suppressed = np.zeros(len(scores), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= overlaps[i] > iou_threshold
    return np.array(keep, dtype=np.int64)


def batched_nms(boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray, iou_threshold: float) -> np.ndarray:
    """:func:`nms` within each label: boxes of different labels never suppress each other.

    Returns:
        int64 indices into ``boxes`` of the boxes kept, in decreasing score (ties: lower index first).
    """
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels).reshape(-1)
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    keep = [np.flatnonzero(labels == label)[nms(boxes[labels == label], scores[labels == label], iou_threshold)]
            for label in np.unique(labels)]
    keep = np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=np.int64)
    return keep[np.argsort(-scores[keep], kind="stable")].astype(np.int64)
