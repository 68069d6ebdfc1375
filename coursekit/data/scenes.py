"""Shapes scenes: seeded RGB images with boxes, labels, instance masks and a semantic mask.

One generator serves classification, detection and segmentation alike, offline::

    s = scenes(500, size=64, seed=0)
    s.images[0]     # float32 (64, 64, 3) in [0, 1]
    s.boxes[0]      # float32 (k, 4): x0, y0, x1, y1 in pixels (x1, y1 exclusive: a box is its pixels' hull)
    s.labels[0]     # int64 (k,): 1 = circle, 2 = square, 3 = triangle (0 is the background)
    s.masks[0]      # bool (k, 64, 64): the *visible* pixels of each object
    s.semantic[0]   # int64 (64, 64): the class of every pixel, 0 = background

Objects are drawn in order, so later ones may hide part of earlier ones; an instance mask holds
what is still visible (at least half of the object, or the object is placed again), and its box
is that mask's bounding box. Colours are drawn independently of the class, so only the shape
tells the classes apart. Clutter (thin lines, small specks) belongs to the background.

Image ``i`` depends only on ``(seed, i)``: ``scenes(10, seed=s)`` is the first ten of
``scenes(100, seed=s)``. Held-out scenes come from another seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: class names, indexed by label (label 0 is the background)
CLASSES = ("background", "circle", "square", "triangle")


@dataclass
class Scenes:
    """A batch of scenes; ``len(s)`` images, ``s[i]`` one image and its targets as a dict."""

    images: np.ndarray        # float32 (n, size, size, 3)
    boxes: list[np.ndarray]   # n × float32 (k_i, 4), xyxy pixels
    labels: list[np.ndarray]  # n × int64 (k_i,), 1..3
    masks: list[np.ndarray]   # n × bool (k_i, size, size)
    semantic: np.ndarray      # int64 (n, size, size)
    classes: tuple[str, ...] = CLASSES

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> dict[str, np.ndarray]:
        return {"image": self.images[i], "boxes": self.boxes[i], "labels": self.labels[i],
                "masks": self.masks[i], "semantic": self.semantic[i]}

    def targets(self) -> list[dict[str, np.ndarray]]:
        """Per image ``{"boxes", "labels"}``: the ground truth in torchmetrics' detection format."""
        return [{"boxes": b, "labels": l} for b, l in zip(self.boxes, self.labels)]


def _shape_mask(kind: int, cx: float, cy: float, r: float, angle: float, xx: np.ndarray, yy: np.ndarray):
    """Pixels (centres at integer + 0.5) covered by a circle, square or triangle of 'radius' r."""
    dx, dy = xx - cx, yy - cy
    if kind == 1:
        return dx * dx + dy * dy <= r * r
    if kind == 2:  # axis-aligned square of half-side 0.85 r (about the circle's area)
        return (np.abs(dx) <= 0.85 * r) & (np.abs(dy) <= 0.85 * r)
    inside = np.ones(xx.shape, dtype=bool)  # equilateral triangle inscribed in radius 1.15 r, rotated
    for k in range(3):
        a = angle + 2 * np.pi * k / 3
        inside &= dx * np.cos(a) + dy * np.sin(a) <= 0.575 * r
    return inside


def _colour(rng: np.random.Generator) -> np.ndarray:
    """A saturated colour: a random hue at full saturation, value in [0.7, 1]."""
    h = rng.uniform(0, 6)
    x = 1 - abs(h % 2 - 1)
    rgb = [(1, x, 0), (x, 1, 0), (0, 1, x), (0, x, 1), (x, 0, 1), (1, 0, x)][int(h)]
    return np.array(rgb, dtype=np.float32) * rng.uniform(0.7, 1.0)


def _one_scene(rng: np.random.Generator, size: int, max_objects: int, min_objects: int,
               radius: tuple[float, float], clutter: bool, noise: float, xx, yy, noise_bank):
    base = rng.uniform(0.1, 0.45)
    tilt = rng.uniform(-0.15, 0.15, size=2)
    shade = base + tilt[0] * (xx / size - 0.5) + tilt[1] * (yy / size - 0.5)
    image = np.repeat(shade[None], 3, axis=0).astype(np.float32)  # channels first while drawing
    if clutter:  # lines and specks: background, not objects
        for _ in range(rng.integers(1, 4)):
            p, q = rng.uniform(0, size, (2, 2)).astype(np.float32)
            (c0, r0), (c1, r1) = np.floor(np.minimum(p, q)).astype(int), np.ceil(np.maximum(p, q)).astype(int) + 1
            x, y = xx[r0:r1, c0:c1], yy[r0:r1, c0:c1]  # the segment's bounding box
            d = q - p
            t = np.clip(((x - p[0]) * d[0] + (y - p[1]) * d[1]) / max(float(d @ d), 1e-6), 0, 1)
            line = np.hypot(x - p[0] - t * d[0], y - p[1] - t * d[1]) <= 0.6
            image[:, r0:r1, c0:c1][:, line] = rng.uniform(0.3, 0.8, (3, 1))
        for c, r in rng.integers(0, size - 1, (rng.integers(0, 6), 2)):
            image[:, r:r + 2, c:c + 2] = rng.uniform(0.3, 0.9, (3, 1, 1))

    owner = np.full((size, size), -1, dtype=np.int64)  # index of the object that owns each pixel
    full, kinds = [], []
    for _ in range(rng.integers(min_objects, max_objects + 1)):
        for _attempt in range(20):
            kind = int(rng.integers(1, 4))
            r = rng.uniform(*radius)
            cx, cy = rng.uniform(r, size - r, 2)
            mask = _shape_mask(kind, cx, cy, r, rng.uniform(0, 2 * np.pi), xx, yy)
            # accept when every earlier object keeps at least half of its pixels
            trial = np.where(mask, len(full), owner)
            if mask.any() and all(np.count_nonzero(trial == j) >= 0.5 * np.count_nonzero(m)
                                  for j, m in enumerate(full)):
                owner = trial
                full.append(mask)
                kinds.append(kind)
                image = np.where(mask, _colour(rng)[:, None, None], image)
                break
    shift = rng.integers(0, size, 2)  # pixel noise: a random shift of one fixed noise texture (fast)
    image += noise * np.roll(noise_bank[rng.integers(len(noise_bank))], shift, axis=(1, 2))
    np.clip(image, 0, 1, out=image)
    masks = owner[None] == np.arange(len(full))[:, None, None]
    labels = np.array(kinds, dtype=np.int64)
    semantic = np.zeros((size, size), dtype=np.int64)
    for m, label in zip(masks, labels):
        semantic[m] = label
    boxes = np.zeros((len(full), 4), dtype=np.float32)
    for j, m in enumerate(masks):
        rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
        boxes[j] = cols[0], rows[0], cols[-1] + 1, rows[-1] + 1
    return image, boxes, labels, masks, semantic


def scenes(n: int, size: int = 64, seed: int = 0, max_objects: int = 4, min_objects: int = 1,
           radius: tuple[float, float] | None = None, clutter: bool = True, noise: float = 0.03) -> Scenes:
    """``n`` seeded scenes of circles, squares and triangles on a cluttered background.

    Args:
        n: number of images.
        size: image height and width in pixels.
        seed: image ``i`` is drawn from ``np.random.default_rng([seed, i])``.
        max_objects, min_objects: objects per image, drawn uniformly in this range.
        radius: ``(low, high)`` object radius in pixels; default ``(0.09, 0.22) * size``.
        clutter: draw distracting lines and specks on the background.
        noise: standard deviation of the Gaussian pixel noise.

    Returns:
        :class:`Scenes` (images float32 ``(n, size, size, 3)`` in [0, 1], per-image boxes xyxy,
        labels 1..3, visible instance masks, and semantic masks int64 ``(n, size, size)``).
    """
    radius = radius or (0.09 * size, 0.22 * size)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5  # pixel centres
    noise_bank = np.random.default_rng(size).standard_normal((8, 3, size, size), dtype=np.float32)
    parts = [_one_scene(np.random.default_rng([seed, i]), size, max_objects, min_objects, radius,
                        clutter, noise, xx, yy, noise_bank) for i in range(n)]
    images, boxes, labels, masks, semantic = zip(*parts) if parts else ((),) * 5
    images = np.stack(images).transpose(0, 2, 3, 1) if n else np.zeros((0, size, size, 3), np.float32)
    return Scenes(np.ascontiguousarray(images),
                  list(boxes), list(labels), list(masks),
                  np.stack(semantic) if n else np.zeros((0, size, size), np.int64))
