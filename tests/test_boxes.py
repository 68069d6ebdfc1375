"""coursekit.scratch.boxes against torchvision.ops: IoU, NMS and batched NMS, with ties, empty and degenerate boxes."""

import numpy as np
import pytest
import torch
import torchvision

from coursekit.scratch.boxes import batched_nms, iou, nms


def random_boxes(rng, n, integer=False):
    """xyxy boxes with x0 <= x1, y0 <= y1; some of zero width or height (degenerate)."""
    if integer:  # integer corners: equal IoUs and exact ties happen
        xy, wh = rng.integers(0, 20, (n, 2)), rng.integers(0, 12, (n, 2))
    else:
        xy, wh = rng.uniform(0, 50, (n, 2)), rng.uniform(0, 25, (n, 2))
        wh[rng.random(n) < 0.1] = 0
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float64)


def test_iou_by_hand():
    a = np.array([[0, 0, 2, 2]])
    b = np.array([[1, 1, 3, 3], [2, 0, 4, 2], [0, 0, 2, 2], [5, 5, 6, 6]])
    np.testing.assert_allclose(iou(a, b), [[1 / 7, 0, 1, 0]])
    assert iou(np.zeros((0, 4)), b).shape == (0, 4) and iou(a, np.zeros((0, 4))).shape == (1, 0)


@pytest.mark.parametrize("seed", range(5))
def test_iou_matches_torchvision(seed):
    rng = np.random.default_rng(seed)
    a, b = random_boxes(rng, 30), random_boxes(rng, 17)
    expected = torchvision.ops.box_iou(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_allclose(iou(a, b), expected, rtol=1e-12, atol=1e-15)
    empty = np.array([[3, 3, 3, 3], [1, 1, 1, 5]], dtype=np.float64)  # two zero-area boxes: 0/0
    expected = torchvision.ops.box_iou(torch.tensor(empty), torch.tensor(empty)).numpy()
    np.testing.assert_array_equal(np.isnan(iou(empty, empty)), np.isnan(expected))


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7])
def test_nms_matches_torchvision_with_ties(seed, threshold):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    boxes = random_boxes(rng, n, integer=seed % 2 == 0)
    scores = rng.integers(0, 4, n).astype(np.float64) if seed % 3 == 0 else rng.random(n)  # many exact ties
    labels = rng.integers(0, 3, n)
    expected = torchvision.ops.nms(torch.tensor(boxes), torch.tensor(scores), threshold).numpy()
    kept = nms(boxes, scores, threshold)
    assert kept.dtype == np.int64
    np.testing.assert_array_equal(kept, expected)
    expected = torchvision.ops.batched_nms(torch.tensor(boxes), torch.tensor(scores), torch.tensor(labels),
                                           threshold).numpy()
    np.testing.assert_array_equal(batched_nms(boxes, scores, labels, threshold), expected)


def test_nms_empty_and_by_hand():
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).shape == (0,)
    assert batched_nms(np.zeros((0, 4)), np.zeros(0), np.zeros(0, dtype=int), 0.5).dtype == np.int64
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 10]], dtype=float)
    scores = np.array([0.9, 0.8, 0.7, 0.95])
    np.testing.assert_array_equal(nms(boxes, scores, 0.5), [3, 2])  # 0 and 1 overlap 3 by IoU > 0.5
    np.testing.assert_array_equal(nms(boxes, scores, 1.0), [3, 0, 1, 2])  # IoU = 1 is not > 1
    np.testing.assert_array_equal(batched_nms(boxes, scores, np.array([0, 1, 0, 1]), 0.5), [3, 0, 2])
