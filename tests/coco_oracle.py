"""pycocotools' COCOeval on detections in torchmetrics' format (the oracle of the detection-metric tests)."""

from __future__ import annotations

import contextlib
import io

import numpy as np


def cocoeval_map(predictions, targets):
    """COCOeval's (map, map_50, map_75) for boxes xyxy; classes are those of the targets and predictions."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def xywh(b):
        b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
        return np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], axis=1)

    labels = {int(l) for d in [*predictions, *targets] for l in np.asarray(d["labels"]).reshape(-1)}
    images, annotations, results = [], [], []
    for i, (p, t) in enumerate(zip(predictions, targets)):
        images.append({"id": i, "width": 100, "height": 100})
        for box, label in zip(xywh(t["boxes"]), np.asarray(t["labels"]).reshape(-1)):
            annotations.append({"id": len(annotations) + 1, "image_id": i, "category_id": int(label),
                                "bbox": box.tolist(), "area": float(box[2] * box[3]), "iscrowd": 0})
        for box, label, score in zip(xywh(p["boxes"]), np.asarray(p["labels"]).reshape(-1),
                                     np.asarray(p["scores"]).reshape(-1)):
            results.append({"image_id": i, "category_id": int(label), "bbox": box.tolist(), "score": float(score)})
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": images, "annotations": annotations,
                      "categories": [{"id": c} for c in sorted(labels)]}
        gt.createIndex()
        dt = gt.loadRes(results) if results else COCO()
        if not results:
            dt.dataset = {"images": images, "annotations": [], "categories": gt.dataset["categories"]}
            dt.createIndex()
        evaluator = COCOeval(gt, dt, iouType="bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return tuple(float(v) for v in evaluator.stats[:3])
