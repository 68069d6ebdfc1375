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
