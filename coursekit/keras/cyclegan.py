"""CycleGAN's cycle-consistency loss (Zhu et al., 2017) in Keras 3: twin of :mod:`coursekit.torch.cyclegan`.

Two translators, ``g: A -> B`` and ``f: B -> A``; going there and back must return the start::

    L_cyc = mean |f(g(a)) - a| + mean |g(f(b)) - b|          (L1, per pixel)
"""

from __future__ import annotations

from collections.abc import Callable

from keras import ops


def cycle_consistency_loss(g: Callable, f: Callable, a, b):
    """``mean |f(g(a)) - a| + mean |g(f(b)) - b|``, a scalar tensor.

    Args:
        g: the translator ``A -> B``; f: the translator ``B -> A``.
        a: ``(n, h, w, c)`` images of domain A; b: ``(m, h, w, c)`` images of domain B.
    """
    return ops.mean(ops.abs(f(g(a)) - a)) + ops.mean(ops.abs(g(f(b)) - b))
