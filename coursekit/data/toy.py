"""Seeded 2-D toy problems for pictures that fit on one screen.

Each function returns ``(X, y)``: ``X`` float32 ``(n, 2)``, ``y`` int64 ``(n,)``.
"""

from __future__ import annotations

import numpy as np

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "xor": [0, 1, 1, 0],
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate.

    Args:
        name: ``"and"``, ``"or"``, ``"nand"`` or ``"xor"`` (any case).

    Returns:
        ``X`` with rows (0,0), (0,1), (1,0), (1,1) and ``y`` the gate's output.
    """
    key = name.lower()
    if key not in _GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(_GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    return X, np.array(_GATES[key], dtype=np.int64)


def _finish(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def blobs(n: int = 200, std: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds around (-1, -1) and (1, 1): linearly separable for small ``std``."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 1, 1.0, -1.0)
    X = centres + std * rng.standard_normal((n, 2))
    return _finish(X, y, rng)


def xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in [-1, 1]^2 labelled 1 where exactly one coordinate is positive.

    No straight line separates the classes: the set a single-layer perceptron cannot learn.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] > 0) ^ (X[:, 1] > 0)
    X = X + noise * rng.standard_normal((n, 2))
    return _finish(X, y, rng)


def moons(n: int = 200, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (the construction of scikit-learn's ``make_moons``)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, size=n)
    X = np.stack([np.cos(t), np.sin(t)], axis=1)
    X[y == 1] = np.stack([1 - np.cos(t[y == 1]), 0.5 - np.sin(t[y == 1])], axis=1)
    X = X + noise * rng.standard_normal((n, 2))
    return _finish(X, y, rng)


def spirals(n: int = 200, classes: int = 2, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (the CS231n spiral), radius in [0, 1]."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = rng.uniform(0, 1, size=n)
    theta = y * 2 * np.pi / classes + 4 * r + noise * rng.standard_normal(n)
    X = np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1)
    return _finish(X, y, rng)
