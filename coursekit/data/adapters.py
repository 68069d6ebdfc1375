"""Hand NumPy arrays to PyTorch or TensorFlow, with seeded shuffling.

Both adapters import their framework only when called.
"""

from __future__ import annotations

import numpy as np


def torch_loader(X: np.ndarray, y: np.ndarray, batch_size: int = 32,
                 shuffle: bool = True, seed: int = 0):
    """A ``torch.utils.data.DataLoader`` over ``(X, y)``.

    Args:
        X: features, any shape ``(n, ...)``; converted to float32 tensors.
        y: labels ``(n,)`` (int -> int64 tensor) or targets (float -> float32 tensor).
        batch_size: samples per batch; ``len(X)`` gives full-batch gradient descent,
            1 gives stochastic gradient descent.
        shuffle: reshuffle each epoch, reproducibly from ``seed``.
        seed: seed of the loader's own generator.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    y = np.asarray(y)
    y_t = torch.as_tensor(y, dtype=torch.int64 if y.dtype.kind in "iub" else torch.float32)
    dataset = TensorDataset(torch.as_tensor(np.asarray(X), dtype=torch.float32), y_t)
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)


def tf_dataset(X: np.ndarray, y: np.ndarray, batch_size: int = 32,
               shuffle: bool = True, seed: int = 0):
    """A batched ``tf.data.Dataset`` over ``(X, y)``, reshuffled each epoch from ``seed``."""
    import tensorflow as tf

    y = np.asarray(y)
    ds = tf.data.Dataset.from_tensor_slices(
        (np.asarray(X, dtype=np.float32), y.astype(np.int64 if y.dtype.kind in "iub" else np.float32))
    )
    if shuffle:
        ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size)


def collate_scenes(batch):
    """Collate ``(image, target)`` pairs whose targets have different numbers of objects.

    Images stack into one tensor ``(B, 3, H, W)``; the targets stay a list of ``B`` dicts
    (``boxes`` float32 ``(k, 4)``, ``labels`` int64 ``(k,)``, ``masks`` bool ``(k, H, W)``,
    ``semantic`` int64 ``(H, W)``), the format torchvision's detection models and torchmetrics take.
    """
    import torch

    images, targets = zip(*batch)
    return torch.stack(images), list(targets)


def scenes_loader(scenes, batch_size: int = 32, shuffle: bool = True, seed: int = 0):
    """A ``DataLoader`` over :class:`~coursekit.data.scenes.Scenes` with :func:`collate_scenes`."""
    import torch
    from torch.utils.data import DataLoader

    images = torch.as_tensor(scenes.images).permute(0, 3, 1, 2)  # channels first, a view
    items = [(images[i], {"boxes": torch.as_tensor(scenes.boxes[i]), "labels": torch.as_tensor(scenes.labels[i]),
                          "masks": torch.as_tensor(scenes.masks[i]), "semantic": torch.as_tensor(scenes.semantic[i])})
             for i in range(len(scenes))]
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(items, batch_size=batch_size, shuffle=shuffle, generator=generator, collate_fn=collate_scenes)


def scenes_tf_dataset(scenes, batch_size: int = 32, shuffle: bool = True, seed: int = 0):
    """A batched ``tf.data.Dataset`` of dicts: ``image`` ``(B, H, W, 3)``, ``semantic`` ``(B, H, W)``,
    and ragged ``boxes`` ``(B, None, 4)``, ``labels`` ``(B, None)``, ``masks`` ``(B, None, H, W)``."""
    import tensorflow as tf

    lengths = np.array([len(l) for l in scenes.labels], dtype=np.int64)

    def ragged(parts, dtype):
        flat = np.concatenate(parts).astype(dtype) if len(parts) else np.zeros((0,), dtype)
        return tf.RaggedTensor.from_row_lengths(flat, lengths)

    ds = tf.data.Dataset.from_tensor_slices({
        "image": scenes.images, "semantic": scenes.semantic,
        "boxes": ragged(scenes.boxes, np.float32), "labels": ragged(scenes.labels, np.int64),
        "masks": ragged(scenes.masks, bool)})
    if shuffle:
        ds = ds.shuffle(len(scenes), seed=seed, reshuffle_each_iteration=True)
    return ds.ragged_batch(batch_size)
