"""Offline datasets: everything here works without a network connection.

* :func:`digits` - scikit-learn's 1,797 real handwritten 8x8 digits, fixed split.
* :func:`logic_gate` - the four rows of AND / OR / XOR truth tables.
* :func:`blobs`, :func:`xor`, :func:`moons`, :func:`spirals` - seeded 2-D toy sets.
* :func:`torch_loader`, :func:`tf_dataset` - hand any ``(X, y)`` pair to a framework.

All toy sets return ``(X, y)`` with ``X`` float32 of shape ``(n, 2)`` and ``y``
int64 of shape ``(n,)``; the same seed always gives the same points.
"""

from coursekit.data.adapters import tf_dataset, torch_loader
from coursekit.data.digits import Split, digits
from coursekit.data.toy import blobs, logic_gate, moons, spirals, xor

__all__ = [
    "Split", "digits", "logic_gate", "blobs", "xor", "moons", "spirals",
    "torch_loader", "tf_dataset",
]
