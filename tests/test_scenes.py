"""coursekit.data.scenes: deterministic, consistent targets (masks, boxes, semantic map), fast, batched."""

import time

import numpy as np
import pytest

from coursekit import data, viz


@pytest.fixture(scope="module")
def s():
    return data.scenes(300, seed=7)


def test_types_and_shapes(s):
    assert s.images.shape == (300, 64, 64, 3) and s.images.dtype == np.float32
    assert 0.0 <= s.images.min() and s.images.max() <= 1.0
    assert s.semantic.shape == (300, 64, 64) and s.semantic.dtype == np.int64
    for boxes, labels, masks in zip(s.boxes, s.labels, s.masks):
        k = len(labels)
        assert 1 <= k <= 4
        assert boxes.shape == (k, 4) and boxes.dtype == np.float32
        assert labels.dtype == np.int64 and set(labels) <= {1, 2, 3}
        assert masks.shape == (k, 64, 64) and masks.dtype == bool
    assert s.classes == ("background", "circle", "square", "triangle")
    counts = np.bincount(np.concatenate(s.labels), minlength=4)
    assert counts[0] == 0 and counts[1:].min() > 0.25 * counts.sum()  # classes roughly balanced


def test_deterministic_and_prefix_stable(s):
    again = data.scenes(300, seed=7)
    np.testing.assert_array_equal(s.images, again.images)
    np.testing.assert_array_equal(s.semantic, again.semantic)
    for a, b in zip(s.boxes, again.boxes):
        np.testing.assert_array_equal(a, b)
    first = data.scenes(5, seed=7)
    np.testing.assert_array_equal(first.images, s.images[:5])
    assert not np.array_equal(data.scenes(5, seed=8).images, first.images)


def test_box_is_the_bounding_box_of_its_mask_and_every_mask_inside_its_box(s):
    for boxes, masks in zip(s.boxes, s.masks):
        for (x0, y0, x1, y1), mask in zip(boxes.astype(int), masks):
            assert mask.any()
            rows, cols = np.nonzero(mask)
            assert (x0, y0, x1, y1) == (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
            inside = np.zeros_like(mask)
            inside[y0:y1, x0:x1] = True
            assert not (mask & ~inside).any()


def test_masks_disjoint_and_semantic_map_agrees(s):
    for masks, labels, semantic in zip(s.masks, s.labels, s.semantic):
        assert masks.sum(axis=0).max() <= 1  # a pixel belongs to one visible instance at most
        np.testing.assert_array_equal(semantic > 0, masks.any(axis=0))
        for mask, label in zip(masks, labels):
            assert (semantic[mask] == label).all()


def test_objects_overlap_sometimes_and_keep_half_their_pixels():
    s = data.scenes(200, seed=1)
    overlapping = 0
    for boxes in s.boxes:
        from coursekit.scratch.boxes import iou

        m = iou(boxes, boxes) - np.eye(len(boxes))
        overlapping += bool((m > 0).any())
    assert overlapping > 20


def test_options():
    s = data.scenes(20, size=32, seed=0, max_objects=1, clutter=False, noise=0.0)
    assert s.images.shape == (20, 32, 32, 3)
    assert all(len(l) == 1 for l in s.labels)
    # without clutter or noise every background pixel has the same colour on all three channels
    background = s.images[s.semantic == 0]
    np.testing.assert_allclose(background[:, 0], background[:, 1])
    assert len(data.scenes(0)) == 0


def test_speed_thousands_per_second():
    data.scenes(50)  # warm up
    start = time.perf_counter()
    data.scenes(1000, seed=3)
    rate = 1000 / (time.perf_counter() - start)
    print(f"scenes: {rate:,.0f} images of 64×64 per second")
    assert rate > 50  # a gross regression only (timings vary with load): 1,200-2,000 per second on one idle core


def test_torch_loader_collates_ragged_targets(s):
    import torch

    batches = list(data.scenes_loader(s, batch_size=64, seed=0))
    images, targets = batches[0]
    assert images.shape == (64, 3, 64, 64) and images.dtype == torch.float32
    assert len(targets) == 64 and sorted(targets[0]) == ["boxes", "labels", "masks", "semantic"]
    assert sum(len(b[1]) for b in batches) == 300
    ordered = next(iter(data.scenes_loader(s, batch_size=4, shuffle=False)))
    torch.testing.assert_close(ordered[0][2].permute(1, 2, 0), torch.as_tensor(s.images[2]))
    torch.testing.assert_close(ordered[1][2]["boxes"], torch.as_tensor(s.boxes[2]))


def test_tf_dataset_keeps_ragged_targets(s):
    batch = next(iter(data.scenes_tf_dataset(s, batch_size=8, shuffle=False)))
    assert tuple(batch["image"].shape) == (8, 64, 64, 3)
    assert tuple(batch["semantic"].shape) == (8, 64, 64)
    for i in range(8):
        np.testing.assert_array_equal(batch["boxes"][i].numpy(), s.boxes[i])
        np.testing.assert_array_equal(batch["labels"][i].numpy(), s.labels[i])
        np.testing.assert_array_equal(batch["masks"][i].numpy(), s.masks[i])


def test_drawing_helpers(s):
    import matplotlib

    matplotlib.use("Agg")
    ax = viz.draw_boxes(s.images[0], s.boxes[0], s.labels[0], scores=np.ones(len(s.labels[0])), classes=s.classes)
    assert len(ax.patches) == len(s.boxes[0]) and len(ax.texts) == len(s.boxes[0])
    assert ax.texts[0].get_text().endswith("1.00")
    ax = viz.draw_masks(s.images[0], s.masks[0])
    assert len(ax.images) == 2
    ax = viz.draw_semantic(s.semantic[0], s.classes)
    assert ax.images[0].get_array().max() <= 3
