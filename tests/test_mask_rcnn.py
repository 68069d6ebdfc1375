"""The small Mask R-CNN, its COCO evaluation (against torchmetrics) and the RoIAlign/RoIPool round trip."""

import numpy as np
import pytest
import torch

from coursekit import data
from coursekit.torch import mask_rcnn


def _perturbed(scenes, seed=0):
    """Predictions near the truth: shifted masks and boxes, a spurious detection, random scores."""
    rng = np.random.default_rng(seed)
    found = []
    for boxes, labels, masks in zip(scenes.boxes, scenes.labels, scenes.masks):
        dx = rng.integers(-3, 4, len(labels))
        shifted = np.stack([np.roll(m, d, axis=1) for m, d in zip(masks, dx)])
        moved = boxes + np.stack([dx, 0 * dx, dx, 0 * dx], axis=1)
        found.append({"boxes": np.concatenate([moved, [[0, 0, 9, 9]]]).astype(np.float32),
                      "labels": np.concatenate([labels, [1]]),
                      "scores": rng.random(len(labels) + 1),
                      "masks": np.concatenate([shifted, np.zeros((1, *masks.shape[1:]), bool)])})
    found[0]["masks"][-1, :9, :9] = True
    return found


def test_coco_ap_of_the_truth_is_one():
    s = data.scenes(20, seed=1)
    truth = [{"boxes": b, "labels": l, "scores": np.ones(len(l)), "masks": m}
             for b, l, m in zip(s.boxes, s.labels, s.masks)]
    for iou_type in ("bbox", "segm"):
        assert mask_rcnn.coco_ap(truth, s, iou_type) == {"ap": 1.0, "ap_50": 1.0, "ap_75": 1.0}


def test_box_ap_matches_the_detection_oracle():
    from coco_oracle import cocoeval_map

    s = data.scenes(30, seed=1)
    found = _perturbed(s)
    ours = mask_rcnn.coco_ap(found, s, "bbox")
    assert 0.1 < ours["ap"] < 0.95  # neither trivial nor perfect
    assert (ours["ap"], ours["ap_50"], ours["ap_75"]) == pytest.approx(cocoeval_map(found, s.targets()), abs=1e-12)


def test_mask_ap_matches_torchmetrics():
    from torchmetrics.detection import MeanAveragePrecision

    s = data.scenes(30, seed=1)
    found = _perturbed(s)
    ours = mask_rcnn.coco_ap(found, s, "segm")
    metric = MeanAveragePrecision(iou_type="segm")
    metric.update([{"labels": torch.as_tensor(p["labels"]), "scores": torch.as_tensor(p["scores"]),
                    "masks": torch.as_tensor(p["masks"])} for p in found],
                  [{"labels": torch.as_tensor(l), "masks": torch.as_tensor(m)} for l, m in zip(s.labels, s.masks)])
    theirs = metric.compute()
    assert 0.1 < ours["ap"] < 0.95
    # shifted masks give IoUs exactly at COCO's thresholds; torchmetrics' float32 scores and IoUs may fall
    # on the other side of a few of them, so AP agrees to 0.01, not bit for bit
    for name, their_name in (("ap", "map"), ("ap_50", "map_50"), ("ap_75", "map_75")):
        assert ours[name] == pytest.approx(float(theirs[their_name]), abs=0.01)


def test_coco_ap_rejects_bad_input():
    s = data.scenes(3, seed=1)
    with pytest.raises(ValueError, match="iou_type"):
        mask_rcnn.coco_ap([], s, "mask")
    with pytest.raises(ValueError, match="one dict per image"):
        mask_rcnn.coco_ap([], s, "segm")


def test_small_mask_rcnn_trains_and_predicts():
    torch.manual_seed(0)
    model = mask_rcnn.small_mask_rcnn(width=8)
    s = data.scenes(8, seed=0)
    history = mask_rcnn.train(model, s, epochs=1, batch_size=4)
    assert sorted(history[0]) == ["loss_box_reg", "loss_classifier", "loss_mask", "loss_objectness",
                                  "loss_rpn_box_reg"]
    found = mask_rcnn.predict(model, s.images[:2], score_threshold=0.0)
    assert len(found) == 2
    k = len(found[0]["scores"])
    assert found[0]["boxes"].shape == (k, 4) and found[0]["masks"].shape == (k, 64, 64)
    assert found[0]["masks"].dtype == bool


def test_roi_align_keeps_the_mask_and_roi_pool_loses_pixels():
    s = data.scenes(20, seed=1)
    errors = {method: np.mean([(mask_rcnn.mask_round_trip(m, b, method=method) != m).sum()
                               for boxes, masks in zip(s.boxes, s.masks) for b, m in zip(boxes, masks)])
              for method in ("align", "pool")}
    assert errors["align"] < 0.5 * errors["pool"]
    with pytest.raises(ValueError, match="method"):
        mask_rcnn.roi_patches(torch.zeros(1, 1, 4, 4), torch.zeros(1, 4), method="nearest")


def test_paste_fills_exactly_the_box():
    image = mask_rcnn.paste(torch.ones(14, 14), [2, 3, 10, 7], 12)
    expected = np.zeros((12, 12))
    expected[3:7, 2:10] = 1
    np.testing.assert_allclose(image.numpy(), expected, atol=1e-6)


def test_roi_patches_match_a_hand_computed_cell():
    features = torch.arange(16.0).reshape(1, 1, 4, 4)
    box = torch.tensor([[4.0, 4.0, 8.0, 8.0]])  # exactly feature cell (1, 1) at stride 4
    assert mask_rcnn.roi_patches(features, box, output_size=1, stride=4, method="align").item() == 5.0
    assert mask_rcnn.roi_patches(features, box, output_size=1, stride=4, method="pool").item() == pytest.approx(10.0)
