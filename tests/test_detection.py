"""YOLO grid encoding/decoding and loss: NumPy (scratch) = PyTorch = Keras; the detector's output shape."""

import numpy as np
import pytest
import torch

from coursekit import data
from coursekit.scratch import detection as scratch


def test_encode_puts_each_object_in_the_cell_of_its_centre():
    boxes = np.array([[0, 0, 16, 16], [40, 8, 64, 40], [1, 1, 5, 5]], dtype=np.float32)
    target = scratch.encode(boxes, np.array([1, 3, 2]), size=64, S=4, C=3)
    assert target.shape == (4, 4, 8)
    np.testing.assert_allclose(target[0, 0], [0.5, 0.5, 0.25, 0.25, 1, 1, 0, 0])  # the larger of two in cell (0, 0)
    np.testing.assert_allclose(target[1, 3], [0.25, 0.5, 0.375, 0.5, 1, 0, 0, 1])  # centre (52, 24)
    assert target[..., 4].sum() == 2


def test_decode_inverts_encode():
    s = data.scenes(20, seed=4)
    for boxes, labels in zip(s.boxes, s.labels):
        target = scratch.encode(boxes, labels, 64, S=8, C=3)
        grid = np.concatenate([target[..., :5], target[..., :5] * [1, 1, 1, 1, 0], target[..., 5:]], axis=-1)  # B = 2
        out = scratch.decode(grid, 64, B=2, C=3, score_threshold=0.5, iou_threshold=None)
        kept = {tuple(b) for b in np.round(out["boxes"], 3)}
        # every object whose cell is not taken by a larger one comes back exactly, with its label
        assert len(kept) == int(target[..., 4].sum()) <= len(boxes)
        for box, label in zip(out["boxes"], out["labels"]):
            i = np.argmin(np.abs(boxes - box).sum(axis=1))
            np.testing.assert_allclose(box, boxes[i], atol=1e-4)
            assert label == labels[i]
        np.testing.assert_array_equal(out["scores"], 1.0)


def test_decode_scores_nms_and_threshold():
    grid = np.zeros((2, 2, 5 * 2 + 3))
    grid[0, 0, :10] = [0.5, 0.5, 0.5, 0.5, 0.9, 0.5, 0.5, 0.45, 0.45, 0.8]  # two nearly equal boxes, one cell
    grid[0, 0, 10:] = [0.1, 0.7, 0.2]
    grid[1, 1, 4], grid[1, 1, 10:] = 0.05, [1, 0, 0]
    out = scratch.decode(grid, 64, B=2, C=3, score_threshold=0.1)
    np.testing.assert_allclose(out["scores"], [0.63])  # conf × p(class); NMS drops the second box
    np.testing.assert_array_equal(out["labels"], [2])
    np.testing.assert_allclose(out["boxes"], [[0, 0, 32, 32]])  # centre (16, 16), half the image wide
    assert len(scratch.decode(grid, 64, B=2, C=3, score_threshold=0.1, iou_threshold=None)["scores"]) == 2


def random_grids(seed, n=3, S=4, B=2, C=3):
    rng = np.random.default_rng(seed)
    s = data.scenes(n, seed=seed)
    target = np.stack([scratch.encode(b, l, 64, S, C) for b, l in zip(s.boxes, s.labels)]).astype(np.float64)
    boxes = rng.uniform(0.01, 0.99, (n, S, S, 5 * B))
    probs = rng.dirichlet(np.ones(C), (n, S, S))
    return np.concatenate([boxes, probs], axis=-1), target


def test_loss_terms_by_hand():
    pred, target = np.zeros((1, 1, 1, 5 + 2)), np.zeros((1, 1, 1, 5 + 2))
    target[0, 0, 0] = [0.5, 0.5, 0.25, 0.25, 1, 1, 0]
    pred[0, 0, 0] = [0.5, 0.4, 0.25, 0.16, 0.5, 0.25, 0.75]  # B = 1
    terms = scratch.yolo_loss(pred, target, B=1)
    assert terms["xy"] == pytest.approx(5 * 0.1 ** 2)
    assert terms["wh"] == pytest.approx(5 * (0.4 - 0.5) ** 2)
    inter = 0.25 * (0.48 - 0.375)  # predicted y from 0.32 to 0.48, true y from 0.375 to 0.625, same x
    iou = inter / (0.25 * 0.25 + 0.25 * 0.16 - inter)
    assert terms["obj"] == pytest.approx((0.5 - iou) ** 2)
    assert terms["noobj"] == 0.0
    assert terms["class"] == pytest.approx(0.75 ** 2 * 2)
    assert terms["total"] == pytest.approx(sum(v for k, v in terms.items() if k != "total"))


@pytest.mark.parametrize("seed", range(3))
def test_torch_and_keras_losses_equal_numpy(seed):
    from coursekit.keras import detection as keras_detection
    from coursekit.torch import detection as torch_detection

    pred, target = random_grids(seed)
    expected = scratch.yolo_loss(pred, target, B=2)
    ours = torch_detection.yolo_loss(torch.tensor(pred), torch.tensor(target), B=2)
    theirs = keras_detection.yolo_loss(target.astype(np.float32), pred.astype(np.float32), B=2)
    for key, value in expected.items():
        assert float(ours[key]) == pytest.approx(value, rel=1e-6), key
        assert float(theirs[key]) == pytest.approx(value, rel=1e-4), key
    assert float(keras_detection.YoloLoss(B=2)(target.astype(np.float32), pred.astype(np.float32))) == \
        pytest.approx(expected["total"], rel=1e-4)


def test_detectors_output_the_grid_and_train():
    from coursekit.keras import detection as keras_detection
    from coursekit.torch import detection as torch_detection

    torch.manual_seed(0)
    model = torch_detection.TinyYOLO(B=2, C=3, width=4)
    out = model(torch.rand(2, 3, 64, 64))
    assert out.shape == (2, 8, 8, 13)
    torch.testing.assert_close(out[..., 10:].sum(dim=-1), torch.ones(2, 8, 8))
    s = data.scenes(16, seed=2)
    history = torch_detection.train(model, s, epochs=3, lr=1e-2, batch_size=8)
    assert history[-1] < history[0]
    predictions = torch_detection.predict(model, s.images[:2])
    assert sorted(predictions[0]) == ["boxes", "labels", "scores"]
    k = keras_detection.tiny_yolo(B=2, C=3, width=4)
    assert k.output_shape == (None, 8, 8, 13)
    assert k.count_params() == sum(p.numel() for p in model.parameters()) + 2 * sum(  # + BN moving stats
        m.num_features for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))


def test_course_checkpoint_scores_what_the_registry_says():
    from coursekit import weights
    from coursekit.scratch.metrics import mean_average_precision
    from coursekit.torch.detection import TinyYOLO, predict

    model = TinyYOLO()
    model.load_state_dict(torch.load(weights.path("yolo_scenes"), weights_only=True))
    held_out = data.scenes(200, seed=1)
    result = mean_average_precision(predict(model, held_out.images, score_threshold=0.01), held_out.targets())
    stored = weights.registry()["yolo_scenes"]["metrics"]
    for key in ("map", "map_50", "map_75"):
        assert result[key] == pytest.approx(stored[key], abs=0.01), key
    assert result["map_50"] > 0.8


def test_keras_detector_takes_the_torch_weights():
    from coursekit.keras import detection as keras_detection
    from coursekit.torch import detection as torch_detection

    torch.manual_seed(0)
    model = torch_detection.TinyYOLO(width=4)
    torch_detection.train(model, data.scenes(8, seed=0), epochs=1, batch_size=4)  # non-trivial BN statistics
    model.eval()
    k = keras_detection.load_torch_state(keras_detection.tiny_yolo(width=4), model.state_dict())
    images = data.scenes(4, seed=1).images
    expected = model(torch.as_tensor(images).permute(0, 3, 1, 2)).detach().numpy()
    np.testing.assert_allclose(k(images, training=False).numpy(), expected, atol=1e-5)
