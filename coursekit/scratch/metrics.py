"""Detection and segmentation metrics in NumPy: precision/recall, average precision, COCO mAP, mean IoU, Dice.

Detection (one class, then all):

* a detection is a **true positive** at IoU threshold t when it overlaps a still-unmatched ground-truth
  box of its class with IoU ≥ t; detections are matched greedily in decreasing score (:func:`match`);
* sorted by score, detection k gives precision ``TP_k / k`` and recall ``TP_k / n_gt``;
* **average precision** summarises that curve (:func:`average_precision`):
  ``"voc11"`` (PASCAL VOC 2007: mean over recall 0, 0.1, ..., 1 of the best precision at that recall
  or beyond), ``"all"`` (VOC 2010+: the area under the curve made non-increasing) and ``"coco101"``
  (COCO: as voc11 at 101 recall points, with COCO's rounding of where a recall level is reached);
* **mAP** (:func:`mean_average_precision`) is COCO's: AP at IoU 0.50, 0.55, ..., 0.95, averaged over
  thresholds and over the classes that have ground truth, at most 100 detections per image and class.

Segmentation, on integer class masks (:func:`mean_iou`, :func:`dice`): per class
``IoU = TP / (TP + FP + FN)`` and ``Dice = 2 TP / (2 TP + FP + FN)``, counted over all pixels of all
images together, averaged over the classes that occur in the prediction or the target.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coursekit.scratch.boxes import iou

#: COCO's IoU thresholds 0.50:0.05:0.95 and recall levels 0:0.01:1 (as pycocotools builds them)
COCO_IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1)
COCO_RECALL_LEVELS = np.linspace(0.0, 1.0, int(np.round(1.0 / 0.01)) + 1)


def precision_recall(tp: np.ndarray, scores: np.ndarray, n_gt: int) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall after each detection, in decreasing score (ties: the order given).

    Args:
        tp: ``(D,)`` bool, whether each detection is a true positive.
        scores: ``(D,)`` confidence of each detection.
        n_gt: number of ground-truth objects of the class.
    """
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="mergesort")
    hits = np.asarray(tp, dtype=bool)[order]
    tps, fps = np.cumsum(hits), np.cumsum(~hits)
    return tps / np.maximum(tps + fps, np.spacing(1)), tps / max(n_gt, 1)


def average_precision(tp: np.ndarray, scores: np.ndarray, n_gt: int, method: str = "all") -> float:
    """Average precision of one class from matched detections (see the module docstring).

    Args:
        tp, scores, n_gt: as in :func:`precision_recall`.
        method: ``"voc11"``, ``"all"`` or ``"coco101"``.

    Returns:
        AP in [0, 1]; 0 when there are no detections; nan when ``n_gt == 0``.
    """
    if n_gt == 0:
        return float("nan")
    precision, recall = precision_recall(tp, scores, n_gt)
    # the interpolated precision: the best precision at this recall or any higher one
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    if method == "voc11":
        return float(np.mean([envelope[recall >= r].max() if np.any(recall >= r) else 0.0
                              for r in np.linspace(0, 1, 11)]))
    if method == "all":
        steps = np.diff(np.concatenate([[0.0], recall]))  # recall gained at each detection
        return float(np.sum(steps * envelope))
    if method == "coco101":
        where = np.searchsorted(recall, COCO_RECALL_LEVELS, side="left")
        reached = where < len(recall)
        return float(np.sum(envelope[where[reached]]) / len(COCO_RECALL_LEVELS))
    raise ValueError(f"unknown method {method!r}: use 'voc11', 'all' or 'coco101'")


def match(pred_boxes: np.ndarray, pred_scores: np.ndarray, gt_boxes: np.ndarray,
          iou_threshold: float) -> np.ndarray:
    """Greedy matching of one image's detections of one class, as COCOeval does it.

    In decreasing score, each detection takes the unmatched ground-truth box it overlaps most
    (IoU ≥ the threshold; among equal IoUs the last one); it is a false positive when none is left.

    Returns:
        ``(D,)`` bool, true positive or not, in the order of ``pred_boxes``.
    """
    overlaps = np.nan_to_num(iou(pred_boxes, gt_boxes))  # COCO: IoU of empty boxes is 0
    tp = np.zeros(len(overlaps), dtype=bool)
    taken = np.zeros(overlaps.shape[1], dtype=bool)
    threshold = min(iou_threshold, 1 - 1e-10)
    for d in np.argsort(-np.asarray(pred_scores, dtype=np.float64), kind="mergesort"):
        candidates = np.where(taken | (overlaps[d] < threshold), -1.0, overlaps[d])
        if candidates.size and candidates.max() >= 0:
            g = len(candidates) - 1 - int(np.argmax(candidates[::-1]))  # the last of the best
            taken[g] = tp[d] = True
    return tp


def mean_average_precision(predictions: Sequence[dict], targets: Sequence[dict],
                           iou_thresholds: Sequence[float] | None = None, max_detections: int = 100) -> dict:
    """COCO's mAP for boxes, in torchmetrics' ``MeanAveragePrecision`` input format.

    Args:
        predictions: per image a dict ``{"boxes": (D, 4) xyxy, "scores": (D,), "labels": (D,)}``.
        targets: per image a dict ``{"boxes": (G, 4) xyxy, "labels": (G,)}``.
        iou_thresholds: thresholds averaged for ``"map"`` (default COCO's ten, 0.50:0.95).
        max_detections: detections kept per image and class, the highest scores first.

    Returns:
        ``{"map", "map_50", "map_75", "map_per_class", "classes"}``: ``map_50`` / ``map_75`` at IoU 0.5 / 0.75;
        per-class AP averaged over ``iou_thresholds``; -1 where no class has ground truth.
    """
    thresholds = COCO_IOU_THRESHOLDS if iou_thresholds is None else np.asarray(iou_thresholds, dtype=np.float64)
    every = np.concatenate([thresholds, [0.5, 0.75]])
    arrays = [{k: np.asarray(v) for k, v in d.items()} for d in [*predictions, *targets]]
    predictions, targets = arrays[:len(predictions)], arrays[len(predictions):]
    classes = np.unique(np.concatenate([d["labels"].reshape(-1) for d in targets] or [np.zeros(0)])).astype(int)
    ap = np.zeros((len(classes), len(every)))
    for c, label in enumerate(classes):
        tp, scores, n_gt = [[] for _ in every], [], 0
        for pred, target in zip(predictions, targets):
            gt = target["boxes"].reshape(-1, 4)[target["labels"].reshape(-1) == label]
            mine = pred["labels"].reshape(-1) == label
            order = np.argsort(-pred["scores"].reshape(-1)[mine], kind="mergesort")[:max_detections]
            boxes, s = pred["boxes"].reshape(-1, 4)[mine][order], pred["scores"].reshape(-1)[mine][order]
            n_gt += len(gt)
            scores.append(s)
            for t, threshold in enumerate(every):
                tp[t].append(match(boxes, s, gt, threshold))
        scores = np.concatenate(scores)
        ap[c] = [average_precision(np.concatenate(hits), scores, n_gt, "coco101") for hits in tp]
    if not len(classes):
        return {"map": -1.0, "map_50": -1.0, "map_75": -1.0, "map_per_class": np.zeros(0), "classes": classes}
    per_class = ap[:, :len(thresholds)].mean(axis=1)
    return {"map": float(per_class.mean()), "map_50": float(ap[:, -2].mean()), "map_75": float(ap[:, -1].mean()),
            "map_per_class": per_class, "classes": classes}


def _confusion(pred: np.ndarray, target: np.ndarray, num_classes: int) -> np.ndarray:
    """``(num_classes, num_classes)`` pixel counts: row = target class, column = predicted class."""
    pred, target = np.asarray(pred).reshape(-1), np.asarray(target).reshape(-1)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    return np.bincount(target * num_classes + pred, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def _per_class(pred, target, num_classes, score):
    m = _confusion(pred, target, num_classes)
    tp = np.diag(m).astype(np.float64)
    fp, fn = m.sum(axis=0) - tp, m.sum(axis=1) - tp
    present = tp + fp + fn > 0  # the class occurs in the prediction or the target
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(present, score(tp, fp, fn), np.nan)


def mean_iou(pred: np.ndarray, target: np.ndarray, num_classes: int, per_class: bool = False):
    """Mean intersection over union of integer class masks (any shape, e.g. ``(n, H, W)``).

    Returns:
        the mean over the classes present in ``pred`` or ``target`` of ``TP / (TP + FP + FN)``,
        pixels of all images counted together; with ``per_class=True`` the ``(num_classes,)``
        IoUs, nan for absent classes.
    """
    ious = _per_class(pred, target, num_classes, lambda tp, fp, fn: tp / (tp + fp + fn))
    return ious if per_class else float(np.nanmean(ious))


def dice(pred: np.ndarray, target: np.ndarray, num_classes: int, per_class: bool = False):
    """Mean Dice coefficient ``2 TP / (2 TP + FP + FN)`` of integer class masks; as :func:`mean_iou`."""
    scores = _per_class(pred, target, num_classes, lambda tp, fp, fn: 2 * tp / (2 * tp + fp + fn))
    return scores if per_class else float(np.nanmean(scores))
