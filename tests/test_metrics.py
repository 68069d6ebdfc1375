"""coursekit.scratch.metrics against pycocotools' COCOeval, torchmetrics and keras.metrics.MeanIoU."""

import numpy as np
import pytest
import torch

from coco_oracle import cocoeval_map
from coursekit.scratch.metrics import (average_precision, dice, match, mean_average_precision, mean_iou,
                                       precision_recall)


def test_average_precision_by_hand():
    tp, scores = np.array([1, 0, 1, 1, 0], bool), np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    precision, recall = precision_recall(tp, scores, n_gt=4)
    np.testing.assert_allclose(precision, [1, 1 / 2, 2 / 3, 3 / 4, 3 / 5])
    np.testing.assert_allclose(recall, [0.25, 0.25, 0.5, 0.75, 0.75])
    # all points: recall steps of 0.25 at precision envelope 1, 0.75, 0.75
    assert average_precision(tp, scores, 4, "all") == pytest.approx(0.625)
    # 11 points: 1 at recall 0, 0.1, 0.2; 0.75 at 0.3 ... 0.7; 0 at 0.8, 0.9, 1
    assert average_precision(tp, scores, 4, "voc11") == pytest.approx((3 + 5 * 0.75) / 11)
    # 101 points: 26 levels up to 0.25 at 1, 50 levels up to 0.75 at 0.75, 25 unreached
    assert average_precision(tp, scores, 4, "coco101") == pytest.approx((26 + 50 * 0.75) / 101)
    # the order of the inputs does not matter, only the scores
    order = np.random.default_rng(0).permutation(5)
    assert average_precision(tp[order], scores[order], 4, "all") == pytest.approx(0.625)
    assert average_precision(np.zeros(0, bool), np.zeros(0), 3, "voc11") == 0.0
    assert np.isnan(average_precision(tp, scores, 0))
    with pytest.raises(ValueError, match="unknown method"):
        average_precision(tp, scores, 4, "voc12")


def test_match_greedy_by_score():
    gt = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], dtype=float)
    pred = np.array([[0, 0, 10, 10], [1, 0, 10, 10], [20, 0, 30, 10], [50, 50, 60, 60]], dtype=float)
    np.testing.assert_array_equal(match(pred, np.array([0.5, 0.9, 0.8, 0.7]), gt, 0.5), [False, True, True, False])
    assert match(pred, np.ones(4), np.zeros((0, 4)), 0.5).tolist() == [False] * 4


def random_detection_problem(rng, n_images=4, n_classes=3):
    def boxes(n):
        xy, wh = rng.uniform(0, 50, (n, 2)), rng.uniform(0, 20, (n, 2))
        wh[rng.random(n) < 0.05] = 0  # degenerate boxes
        return np.concatenate([xy, xy + wh], axis=1)

    predictions, targets = [], []
    for _ in range(n_images):
        g, d = int(rng.integers(0, 6)), int(rng.integers(0, 10))
        gt = boxes(g)
        pred = boxes(d)
        k = min(d, g)
        noisy = gt[:k] + rng.normal(0, 2, (k, 4))  # detections near the ground truth
        pred[:k] = np.concatenate([noisy[:, :2].clip(None, noisy[:, 2:]), noisy[:, 2:].clip(noisy[:, :2])], axis=1)
        targets.append({"boxes": gt, "labels": rng.integers(1, n_classes + 1, g)})
        predictions.append({"boxes": pred, "scores": np.round(rng.random(d), 1),  # rounding: ties
                            "labels": rng.integers(1, n_classes + 2, d)})  # label n_classes + 1: never in targets
    return predictions, targets


def as_torch(dicts):
    return [{k: torch.as_tensor(v) for k, v in d.items()} for d in dicts]


@pytest.mark.parametrize("seed", range(25))
def test_map_equals_cocoeval_and_torchmetrics(seed):
    from torchmetrics.detection import MeanAveragePrecision

    predictions, targets = random_detection_problem(np.random.default_rng(seed))
    ours = mean_average_precision(predictions, targets)
    ours = np.array([ours["map"], ours["map_50"], ours["map_75"]])
    np.testing.assert_allclose(ours, cocoeval_map(predictions, targets), atol=1e-12)
    metric = MeanAveragePrecision(iou_type="bbox")  # pycocotools backend by default; runs offline
    assert metric._coco_backend.backend == "pycocotools"
    metric.update(as_torch(predictions), as_torch(targets))
    result = metric.compute()
    np.testing.assert_allclose(ours, [result["map"], result["map_50"], result["map_75"]], atol=1e-6)


def test_map_edge_cases():
    gt = [{"boxes": np.array([[0, 0, 10, 10]], float), "labels": np.array([1])}]
    empty = [{"boxes": np.zeros((0, 4)), "scores": np.zeros(0), "labels": np.zeros(0, int)}]
    assert mean_average_precision(empty, gt)["map"] == 0.0  # no predictions: AP 0
    assert cocoeval_map(empty, gt)[0] == 0.0
    perfect = [{"boxes": gt[0]["boxes"], "scores": np.array([0.3]), "labels": np.array([1])}]
    assert mean_average_precision(perfect, gt)["map"] == pytest.approx(1.0)
    no_gt = [{"boxes": np.zeros((0, 4)), "labels": np.zeros(0, int)}]
    assert mean_average_precision(perfect, no_gt)["map"] == -1.0  # nothing to find: undefined, as COCO says
    # a false positive of a class that has no ground truth anywhere does not count
    extra = [{"boxes": np.array([[0, 0, 10, 10], [30, 30, 40, 40]], float), "scores": np.array([0.3, 0.9]),
              "labels": np.array([1, 2])}]
    assert mean_average_precision(extra, gt)["map"] == pytest.approx(1.0)
    assert cocoeval_map(extra, gt)[0] == pytest.approx(1.0)
    # a ground-truth box of a class never predicted counts as AP 0 for that class
    two = [{"boxes": np.array([[0, 0, 10, 10], [30, 30, 40, 40]], float), "labels": np.array([1, 3])}]
    result = mean_average_precision(perfect, two)
    assert result["map"] == pytest.approx(0.5) and result["classes"].tolist() == [1, 3]
    assert cocoeval_map(perfect, two)[0] == pytest.approx(0.5)


def test_map_custom_thresholds_and_max_detections():
    predictions, targets = random_detection_problem(np.random.default_rng(3))
    at_half = mean_average_precision(predictions, targets, iou_thresholds=[0.5])
    assert at_half["map"] == pytest.approx(at_half["map_50"])
    gt = [{"boxes": np.array([[0, 0, 10, 10]], float), "labels": np.array([1])}]
    many = [{"boxes": np.tile([[50, 50, 60, 60]], (100, 1)).astype(float), "labels": np.ones(100, int),
             "scores": np.ones(100)}]
    many[0]["boxes"] = np.concatenate([many[0]["boxes"], gt[0]["boxes"]])
    many[0]["labels"], many[0]["scores"] = np.ones(101, int), np.r_[np.ones(100), 0.5]
    assert mean_average_precision(many, gt)["map"] == 0.0  # the 101st detection is cut off
    assert mean_average_precision(many, gt, max_detections=101)["map"] > 0


def random_masks(seed, shape=(4, 16, 16), num_classes=5):
    rng = np.random.default_rng(seed)
    pred, target = rng.integers(0, 3, shape), rng.integers(0, 3, shape)
    target[0, :4] = 3  # class 3 only in the target of one image; class 4 nowhere
    return pred, target


@pytest.mark.parametrize("seed", range(5))
def test_mean_iou_and_dice_match_torchmetrics_and_keras(seed):
    import keras
    from torchmetrics.classification import MulticlassJaccardIndex
    from torchmetrics.segmentation import DiceScore

    pred, target = random_masks(seed)
    p, t = torch.as_tensor(pred), torch.as_tensor(target)
    ours = mean_iou(pred, target, 5)
    assert ours == pytest.approx(float(MulticlassJaccardIndex(num_classes=5, average="macro")(p, t)), abs=1e-6)
    keras_iou = keras.metrics.MeanIoU(num_classes=5)  # wants class ids: argmax probabilities first
    keras_iou.update_state(target.reshape(-1), pred.reshape(-1))
    assert ours == pytest.approx(float(keras_iou.result()), abs=1e-6)
    global_dice = DiceScore(num_classes=5, input_format="index", average="macro", aggregation_level="global")
    assert dice(pred, target, 5) == pytest.approx(float(global_dice(p, t)), abs=1e-6)
    per_class = mean_iou(pred, target, 5, per_class=True)
    assert np.isnan(per_class[4]) and not np.isnan(per_class[3])


def test_per_sample_averaging_differs_from_global():
    """torchmetrics' segmentation.MeanIoU averages per image; ours (and Keras's) counts all pixels together."""
    from torchmetrics.segmentation import MeanIoU

    pred, target = random_masks(0)
    per_image = MeanIoU(num_classes=5, input_format="index")(torch.as_tensor(pred), torch.as_tensor(target))
    ious = [mean_iou(p, t, 5, per_class=True) for p, t in zip(pred, target)]
    pairs = np.concatenate([v[~np.isnan(v)] for v in ious])  # every (image, present class) pair counts once
    assert float(per_image) == pytest.approx(pairs.mean(), abs=1e-6)
    assert abs(float(per_image) - mean_iou(pred, target, 5)) > 1e-3


def test_iou_and_dice_by_hand():
    target = np.array([[0, 0, 1, 1]])
    pred = np.array([[0, 1, 1, 1]])
    # class 0: TP 1, FN 1 -> IoU 1/2, Dice 2/3; class 1: TP 2, FP 1 -> IoU 2/3, Dice 4/5
    assert mean_iou(pred, target, 3) == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert dice(pred, target, 3) == pytest.approx((2 / 3 + 4 / 5) / 2)
    with pytest.raises(ValueError, match="same shape"):
        mean_iou(pred, target[:, :3], 3)
