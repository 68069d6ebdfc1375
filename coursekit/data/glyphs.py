"""Digit and letter images that ship with the course: rendered from matplotlib's own fonts.

Each character is rendered once per font (22 fonts of DejaVu, STIX and Computer
Modern, all inside matplotlib) on a 64 x 64 canvas, centred by its centre of mass
like MNIST, and cached. :func:`glyphs` then draws ``n`` random (font, class,
stroke) templates and resamples all of them at once through one random affine map
each (rotation, scale, shear, shift) with :func:`scipy.ndimage.map_coordinates`,
followed by a random contrast curve and pixel noise. Everything comes from one
``np.random.default_rng(seed)``, so a seed always gives the same images.

A training and a test set are two calls with different seeds; since the fonts are
shared, test images are new *renderings*, not new handwriting.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

#: The characters of each ``kind``; label ``i`` is ``CLASSES[kind][i]``.
CLASSES = {"digits": "0123456789", "letters": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

#: Font files (in ``matplotlib/mpl-data/fonts/ttf``) that draw plain Latin digits and capitals.
FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
    "DejaVuSansMono-BoldOblique.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf",
    "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmb10.ttf", "cmss10.ttf",
    "cmti10.ttf", "cmtt10.ttf", "cmmi10.ttf",
)

_CANVAS = 64   # template side in pixels
_BOX = 44      # the glyph's longer side on the template (MNIST: 20 of 28)
_STROKES = (0, 2, 3)  # extra stroke radius (template pixels) of the three stroke variants


def _render(path: str, char: str) -> np.ndarray:
    """One anti-aliased glyph, cropped to its ink, as float in [0, 1]."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    font.set_size(96, 72)
    font.set_text(char)
    font.draw_glyphs_to_bitmap(antialiased=True)
    ink = np.asarray(font.get_image(), dtype=np.float64) / 255.0
    rows, cols = np.nonzero(ink > 0.05)
    return ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def _place(ink: np.ndarray) -> np.ndarray:
    """Scale the glyph's longer side to ``_BOX`` and centre its mass on the canvas."""
    from scipy import ndimage

    small = np.clip(ndimage.zoom(ink, _BOX / max(ink.shape), order=1), 0.0, 1.0)
    canvas = np.zeros((_CANVAS, _CANVAS))
    top, left = [(_CANVAS - s) // 2 for s in small.shape]
    canvas[top:top + small.shape[0], left:left + small.shape[1]] = small
    cy, cx = ndimage.center_of_mass(canvas)
    centre = (_CANVAS - 1) / 2
    return ndimage.shift(canvas, (centre - cy, centre - cx), order=1)


@lru_cache(maxsize=None)
def templates(kind: str = "digits") -> np.ndarray:
    """All templates of a kind: float32 ``(len(FONTS), len(CLASSES[kind]), len(_STROKES), 64, 64)``.

    Stroke variant ``s`` is the glyph grey-dilated by a disc of radius ``_STROKES[s]``
    and lightly blurred (sigma = 1 template pixel) so that resampling does not alias.
    """
    import matplotlib
    from scipy import ndimage

    if kind not in CLASSES:
        raise ValueError(f"unknown kind {kind!r}; choose one of {sorted(CLASSES)}")
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    out = np.zeros((len(FONTS), len(CLASSES[kind]), len(_STROKES), _CANVAS, _CANVAS), np.float32)
    for f, name in enumerate(FONTS):
        for c, char in enumerate(CLASSES[kind]):
            base = _place(_render(os.path.join(folder, name), char))
            for s, radius in enumerate(_STROKES):
                img = base
                if radius:
                    yy, xx = np.mgrid[-radius:radius + 1, -radius:radius + 1]
                    img = ndimage.grey_dilation(base, footprint=yy**2 + xx**2 <= radius**2)
                out[f, c, s] = ndimage.gaussian_filter(img, 1.0)
    return out


def glyphs(n: int, size: int = 28, kind: str = "digits", seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` randomly transformed renderings of digits or capital letters.

    Every image picks a font, a stroke width, a rotation (+-15 degrees), a scale
    (0.75-1.1), a shear (+-0.2), a shift (+-10% of ``size``), a contrast curve and
    Gaussian pixel noise (sigma up to 0.08). Classes are balanced: counts differ by at most one.

    Args:
        n: number of images.
        size: side of the square images in pixels (the glyph fills about 20/28 of it).
        kind: ``"digits"`` (labels 0-9) or ``"letters"`` (labels 0-25 for A-Z), see :data:`CLASSES`.
        seed: seed of the ``np.random.default_rng`` that draws everything.

    Returns:
        ``(images, labels)``: float32 ``(n, size, size)`` in [0, 1] (ink bright on black,
        like MNIST) and int64 ``(n,)``.
    """
    from scipy import ndimage

    stack = templates(kind)
    n_fonts, n_classes, n_strokes = stack.shape[:3]
    stack = stack.reshape(-1, _CANVAS, _CANVAS)
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % n_classes).astype(np.int64)
    index = (rng.integers(n_fonts, size=n) * n_classes + labels) * n_strokes + rng.integers(n_strokes, size=n)
    angle = np.deg2rad(rng.uniform(-15, 15, n))
    scale = rng.uniform(0.75, 1.1, n) * (size * 20 / 28) / _BOX   # output pixels per template pixel
    shear = rng.uniform(-0.2, 0.2, n)
    shift = rng.uniform(-0.1, 0.1, (n, 2)) * size
    # Inverse map: output pixel (u, v) relative to the image centre -> template pixel (r, c).
    grid = np.arange(size) - (size - 1) / 2
    u = grid[None, :, None] - shift[:, :1, None]          # (n, size, 1) rows
    v = grid[None, None, :] - shift[:, 1:, None]          # (n, 1, size) columns
    cos, sin = [(t / scale)[:, None, None] for t in (np.cos(angle), np.sin(angle))]
    shear = shear[:, None, None]
    centre = (_CANVAS - 1) / 2
    coords = np.empty((3, n, size, size), np.float32)
    coords[0] = index[:, None, None]
    coords[1] = cos * u + (shear * cos - sin) * v + centre
    coords[2] = sin * u + (cos + shear * sin) * v + centre
    images = ndimage.map_coordinates(stack, coords, order=1, cval=0.0, prefilter=False)
    # Contrast: a random gamma in [0.6, 1.4] and peak brightness in [0.8, 1], then noise.
    gamma = rng.uniform(0.6, 1.4, (n, 1, 1)).astype(np.float32)
    peak = rng.uniform(0.8, 1.0, (n, 1, 1)).astype(np.float32)
    images = np.maximum(images, 0) ** gamma * peak
    noise = rng.uniform(0, 0.08, (n, 1, 1)).astype(np.float32)
    images += noise * rng.standard_normal((n, size, size), dtype=np.float32)
    return images.clip(0, 1), labels
