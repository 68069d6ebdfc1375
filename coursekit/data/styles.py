"""Digit glyphs in two styles, for unpaired image-to-image translation (CycleGAN, 13.3).

Style A is :func:`coursekit.data.glyphs` as drawn (thin or regular strokes); style B is the same
kind of glyph made **bold**: every pixel replaced by the brightest of itself and its four neighbours
(a grey dilation by a plus-shaped footprint), which thickens each stroke by about two pixels.
:func:`two_styles` draws the A images and the B images from *different* seeds, so that no
A image has its B twin among the B images: the two sets are unpaired.
"""

from __future__ import annotations

import numpy as np

from coursekit.data.glyphs import glyphs

#: the footprint of :func:`bold`: a pixel and its four neighbours
PLUS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)


def bold(images: np.ndarray) -> np.ndarray:
    """Style B of glyphs ``(n, s, s)`` in [0, 1]: each pixel -> max of it and its 4 neighbours (same shape)."""
    from scipy import ndimage

    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3:
        raise ValueError(f"bold expects images (n, s, s), got shape {images.shape}")
    return ndimage.grey_dilation(images, footprint=PLUS[None])


def two_styles(n: int, size: int = 16, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` glyphs of style A and ``n`` *other* glyphs of style B, with their digit labels.

    A comes from ``glyphs(n, size, seed=2 * seed)``, B is :func:`bold` of
    ``glyphs(n, size, seed=2 * seed + 1)``: different renderings, so the sets are unpaired.

    Returns:
        ``{"a", "a_labels", "b", "b_labels"}``: float32 ``(n, size, size)`` in [0, 1] and int64 ``(n,)``.
    """
    a, a_labels = glyphs(n, size=size, seed=2 * seed)
    b, b_labels = glyphs(n, size=size, seed=2 * seed + 1)
    return {"a": a, "a_labels": a_labels, "b": bold(b), "b_labels": b_labels}


def held_out(n: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Test glyphs of both styles, from seeds no training set uses: ``(a, a_labels, b, b_labels)``.

    ``a = glyphs(n, size=16, seed=100)`` and ``b = bold(glyphs(n, size=16, seed=101))``; the bold
    twins of ``a`` are ``bold(a)``, the answer a perfect ``A -> B`` translator would give.
    """
    a, a_labels = glyphs(n, size=16, seed=100)
    b, b_labels = glyphs(n, size=16, seed=101)
    return a, a_labels, bold(b), b_labels
