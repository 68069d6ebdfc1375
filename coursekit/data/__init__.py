"""Offline datasets: everything here works without a network connection.

* :func:`digits` - scikit-learn's 1,797 real handwritten 8x8 digits, fixed split.
* :func:`logic_gate` - the four rows of AND / OR / XOR truth tables.
* :func:`blobs`, :func:`xor`, :func:`moons`, :func:`spirals` - seeded 2-D toy sets.
* :func:`glyphs` - digits or capital letters rendered from matplotlib's fonts, randomly
  transformed: ``(images float32 (n, size, size) in [0, 1], labels int64 (n,))``.
* :func:`mnist`, :func:`fashion_mnist`, :func:`cifar10` - the real datasets, only from files on
  disk unless ``download=True``.
* :func:`torch_loader`, :func:`tf_dataset` - hand any ``(X, y)`` pair to a framework.
* :func:`scenes` - seeded shapes scenes with boxes, labels, instance and semantic masks;
  :func:`scenes_loader`, :func:`scenes_tf_dataset` batch them (ragged targets).

All toy sets return ``(X, y)`` with ``X`` float32 of shape ``(n, 2)`` and ``y``
int64 of shape ``(n,)``; the same seed always gives the same points.
"""

from coursekit.data.adapters import collate_scenes, scenes_loader, scenes_tf_dataset, tf_dataset, torch_loader
from coursekit.data.digits import Split, digits
from coursekit.data.glyphs import glyphs
from coursekit.data.real import cifar10, fashion_mnist, mnist
from coursekit.data.scenes import CLASSES, Scenes, scenes
from coursekit.data.toy import blobs, logic_gate, moons, spirals, xor

__all__ = [
    "Split", "digits", "glyphs", "mnist", "fashion_mnist", "cifar10", "logic_gate", "blobs", "xor", "moons", "spirals",
    "torch_loader", "tf_dataset",
    "scenes", "Scenes", "CLASSES", "collate_scenes", "scenes_loader", "scenes_tf_dataset",
]
