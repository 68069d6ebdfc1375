"""A small Mask R-CNN for the scenes: torchvision's ``MaskRCNN`` on a four-layer backbone.

The parts are torchvision's (He et al., 2017): region proposal network, RoIAlign, box head, mask
head. Only their sizes are the course's, so that the network trains on 64 × 64 scenes on a CPU:

* backbone: four 3×3 convolutions with batch normalisation and ReLU, two of stride 2, so one feature
  map at stride 4 (16 × 16 for a scene) with ``width`` channels, no feature pyramid;
* anchors of side 8, 16 and 32 pixels, aspect ratios 1/2, 1 and 2 (nine per location);
* RoIAlign to 7 × 7 for the box head (two dense layers of 128) and 14 × 14 for the mask head (two
  3×3 convolutions), which predicts a 28 × 28 mask per class.

Images are ``(3, H, W)`` float tensors in [0, 1]; targets and predictions are torchvision's dicts
(``boxes`` xyxy, ``labels`` 1..3, ``masks``). Evaluation: :func:`coco_ap` (pycocotools).

**RoIAlign against RoIPool.** A box in image pixels is a box of fractional cells on a feature map of
stride ``s``. RoIPool (Fast R-CNN) rounds the box and its bins to whole cells and takes the maximum
in each bin; RoIAlign (Mask R-CNN) keeps the fractions and averages bilinear samples at
``sampling_ratio²`` regular points per bin. :func:`mask_round_trip` measures what the rounding
costs: a true mask, average-pooled to the feature map, cut out by either operation and pasted back
into its box, against the mask itself.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops import MultiScaleRoIAlign, roi_align, roi_pool

from coursekit.data import scenes_loader


def backbone(width: int = 32) -> nn.Sequential:
    """Four 3×3 conv-BN-ReLU layers (strides 1, 2, 1, 2): ``(n, 3, H, W) -> (n, width, H/4, W/4)``.

    MaskRCNN reads the number of output channels from the ``out_channels`` attribute."""
    layers, c = [], 3
    for c_out, stride in ((width // 2, 1), (width, 2), (width, 1), (width, 2)):
        layers += [nn.Conv2d(c, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]
        c = c_out
    net = nn.Sequential(*layers)
    net.out_channels = width
    return net


def small_mask_rcnn(num_classes: int = 4, width: int = 32, image_size: int = 64) -> MaskRCNN:
    """torchvision's ``MaskRCNN`` sized for the scenes (see the module docstring).

    ``num_classes`` counts the background (label 0); ``image_size`` is the side the model's transform
    resizes every image to (the scenes' own 64 leaves them as they are)."""
    anchors = AnchorGenerator(sizes=((8, 16, 32),), aspect_ratios=((0.5, 1.0, 2.0),))
    return MaskRCNN(
        backbone(width), num_classes=None, min_size=image_size, max_size=image_size,
        rpn_anchor_generator=anchors,
        rpn_pre_nms_top_n_train=300, rpn_post_nms_top_n_train=150,
        rpn_pre_nms_top_n_test=150, rpn_post_nms_top_n_test=50, rpn_batch_size_per_image=64,
        box_roi_pool=MultiScaleRoIAlign(["0"], output_size=7, sampling_ratio=2),
        box_head=TwoMLPHead(width * 7 * 7, 128), box_predictor=FastRCNNPredictor(128, num_classes),
        box_batch_size_per_image=64, box_detections_per_img=20,
        mask_roi_pool=MultiScaleRoIAlign(["0"], output_size=14, sampling_ratio=2),
        mask_head=MaskRCNNHeads(width, (32, 32), 1), mask_predictor=MaskRCNNPredictor(32, 32, num_classes))


def _targets(targets: list[dict]) -> list[dict]:
    """The scenes loader's targets as MaskRCNN wants them (uint8 masks, no semantic map)."""
    return [{"boxes": t["boxes"], "labels": t["labels"], "masks": t["masks"].to(torch.uint8)} for t in targets]


def train(model: MaskRCNN, scenes, epochs: int = 1, lr: float = 1e-3, batch_size: int = 8,
          seed: int = 0) -> list[dict[str, float]]:
    """Adam on the sum of Mask R-CNN's five losses; returns each epoch's mean of every loss."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        model.train()
        sums, batches = {}, 0
        for images, targets in scenes_loader(scenes, batch_size=batch_size, seed=seed + epoch):
            losses = model(list(images), _targets(targets))
            optimizer.zero_grad()
            sum(losses.values()).backward()
            optimizer.step()
            for name, value in losses.items():
                sums[name] = sums.get(name, 0.0) + value.item()
            batches += 1
        history.append({name: value / batches for name, value in sums.items()})
    return history


@torch.no_grad()
def predict(model: MaskRCNN, images: np.ndarray, score_threshold: float = 0.05,
            mask_threshold: float = 0.5, batch_size: int = 32) -> list[dict[str, np.ndarray]]:
    """Detections for images ``(n, H, W, 3)``: per image ``boxes`` ``(k, 4)`` xyxy, ``labels`` ``(k,)``,
    ``scores`` ``(k,)`` and ``masks`` bool ``(k, H, W)`` (probability > ``mask_threshold``)."""
    model.eval()
    x = torch.as_tensor(images).permute(0, 3, 1, 2)
    results = []
    for batch in x.split(batch_size):
        for out in model(list(batch)):
            keep = out["scores"] >= score_threshold
            results.append({"boxes": out["boxes"][keep].numpy(), "labels": out["labels"][keep].numpy(),
                            "scores": out["scores"][keep].numpy(),
                            "masks": (out["masks"][keep, 0] > mask_threshold).numpy()})
    return results


def coco_ap(predictions: list[dict], scenes, iou_type: str = "segm") -> dict[str, float]:
    """COCO average precision by pycocotools' ``COCOeval``: ``{"ap", "ap_50", "ap_75"}``.

    Args:
        predictions: per image ``boxes`` xyxy, ``labels``, ``scores`` and (for ``"segm"``) bool ``masks``.
        scenes: the ground truth (:class:`coursekit.data.scenes.Scenes`): its boxes, labels and masks.
        iou_type: ``"bbox"`` (box IoU) or ``"segm"`` (mask IoU).
    """
    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    if iou_type not in ("bbox", "segm"):
        raise ValueError(f"iou_type must be 'bbox' or 'segm', not {iou_type!r}")
    if len(predictions) != len(scenes):
        raise ValueError(f"{len(predictions)} predictions for {len(scenes)} scenes: one dict per image")
    h, w = scenes.images.shape[1:3]

    def rle(mask):
        code = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
        return {"size": code["size"], "counts": code["counts"].decode("ascii")}

    def xywh(box):
        x0, y0, x1, y1 = (float(v) for v in box)
        return [x0, y0, x1 - x0, y1 - y0]

    truth, found = [], []
    for i, (p, boxes, labels, masks) in enumerate(zip(predictions, scenes.boxes, scenes.labels, scenes.masks)):
        for b, l, m in zip(boxes, labels, masks):  # COCO's annotation ids start at 1
            truth.append({"id": len(truth) + 1, "image_id": i, "category_id": int(l), "bbox": xywh(b),
                          "segmentation": rle(m), "area": float(m.sum()), "iscrowd": 0})
        for k, (label, score) in enumerate(zip(p["labels"], p["scores"])):
            shape = {"bbox": xywh(p["boxes"][k])} if iou_type == "bbox" else {"segmentation": rle(p["masks"][k])}
            found.append({"image_id": i, "category_id": int(label), "score": float(score), **shape})
    if not found:
        return {"ap": 0.0, "ap_50": 0.0, "ap_75": 0.0}
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": [{"id": i, "width": w, "height": h} for i in range(len(scenes))],
                      "annotations": truth, "categories": [{"id": c} for c in range(1, len(scenes.classes))]}
        gt.createIndex()
        evaluator = COCOeval(gt, gt.loadRes(found), iouType=iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return dict(zip(("ap", "ap_50", "ap_75"), (float(v) for v in evaluator.stats[:3])))


def roi_patches(features: torch.Tensor, boxes: torch.Tensor, output_size: int = 14, stride: int = 4,
                method: str = "align") -> torch.Tensor:
    """Fixed-size patches of one feature map: ``features`` ``(1, C, h, w)`` at ``1/stride`` of the image,
    ``boxes`` ``(k, 4)`` xyxy in image pixels -> ``(k, C, output_size, output_size)``.

    ``method="align"``: ``torchvision.ops.roi_align`` (``aligned=True``, 2 × 2 samples per bin);
    ``"pool"``: ``torchvision.ops.roi_pool`` (box rounded to whole cells, maximum per bin)."""
    rois = torch.cat([torch.zeros(len(boxes), 1), torch.as_tensor(boxes, dtype=torch.float32)], dim=1)
    if method == "align":
        return roi_align(features, rois, output_size, spatial_scale=1 / stride, sampling_ratio=2, aligned=True)
    if method == "pool":
        return roi_pool(features, rois, output_size, spatial_scale=1 / stride)
    raise ValueError(f"method must be 'align' or 'pool', not {method!r}")


def paste(patch: torch.Tensor, box, size: int) -> torch.Tensor:
    """A patch ``(M, M)`` stretched over ``box`` (xyxy pixels) of a ``size × size`` image: bilinear samples
    at the pixel centres inside the box, 0 outside."""
    x0, y0, x1, y1 = (float(v) for v in box)
    centres = torch.arange(size, dtype=torch.float32) + 0.5
    gx, gy = 2 * (centres - x0) / (x1 - x0) - 1, 2 * (centres - y0) / (y1 - y0) - 1  # box -> [-1, 1]
    grid = torch.stack(torch.meshgrid(gx, gy, indexing="xy"), dim=-1)[None]       # (1, size, size, 2)
    image = F.grid_sample(patch[None, None].float(), grid, align_corners=False)[0, 0]
    inside = (gx.abs() <= 1)[None, :] & (gy.abs() <= 1)[:, None]
    return image * inside


def mask_round_trip(mask: np.ndarray, box, stride: int = 4, output_size: int = 14,
                    method: str = "align") -> np.ndarray:
    """The mask head's view of a perfect mask: ``mask`` ``(H, W)`` bool, average-pooled by ``stride`` (the
    feature map), cut out at ``box`` by :func:`roi_patches`, pasted back by :func:`paste`, thresholded at 0.5.

    Returns the reconstructed bool mask ``(H, W)``; ``(result != mask).sum()`` is the error in pixels."""
    features = F.avg_pool2d(torch.as_tensor(mask, dtype=torch.float32)[None, None], stride)
    patch = roi_patches(features, torch.as_tensor(box)[None], output_size, stride, method)[0, 0]
    return (paste(patch, box, mask.shape[-1]) > 0.5).numpy()
