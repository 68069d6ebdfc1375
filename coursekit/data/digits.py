"""scikit-learn's handwritten digits with the course's fixed train/test split."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Split(NamedTuple):
    """A train/test split: ``X_*`` float32 features, ``y_*`` int64 labels."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits(flat: bool = True, test_fraction: float = 0.25) -> Split:
    """The 1,797 8x8 handwritten digits (UCI / scikit-learn), pixels scaled to [0, 1].

    The split is stratified and fixed (``random_state=0``): every notebook and
    every test sees the same 1,347 training and 450 test images.

    Args:
        flat: ``True`` gives ``X`` of shape ``(n, 64)``; ``False`` gives ``(n, 8, 8)``.
        test_fraction: share of the images held out for testing.

    Returns:
        ``Split(X_train, y_train, X_test, y_test)``; labels are the digits 0-9.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    X = (bunch.images / 16.0).astype(np.float32)  # raw pixels are 0..16
    y = bunch.target.astype(np.int64)
    if flat:
        X = X.reshape(len(X), -1)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_fraction, stratify=y, random_state=0
    )
    return Split(X_train, y_train, X_test, y_test)
