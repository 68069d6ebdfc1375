"""Hand-designed filters in NumPy: Gaussian smoothing, Sobel gradients, the Canny edge detector.

All work on one grey image ``(h, w)`` of floats. A filter slides a small kernel over
the image; at each pixel the output is the sum of the kernel times the pixels under it.
With the kernel used as it is, that is a *cross-correlation* (what CNN layers compute);
a *convolution* flips the kernel first. Borders are filled by ``np.pad`` modes:
``"symmetric"`` (scikit-image's and SciPy's ``reflect``: ``d c b a | a b c d``),
``"edge"`` (SciPy's ``nearest``) and ``"constant"`` (zeros).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Sobel kernel of ``sobel(image, axis=0)`` as a convolution kernel: differences between rows,
#: smoothing along them; scikit-image's ``HSOBEL_WEIGHTS``. ``axis=1`` uses its transpose.
SOBEL_KERNEL = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]) / 4.0


def correlate2d(image: np.ndarray, kernel: np.ndarray, mode: str = "symmetric") -> np.ndarray:
    """``out[y, x] = sum_{u, v} kernel[u, v] * padded[y + u, x + v]``, same shape as ``image``.

    ``kernel`` has odd sides ``(2a + 1, 2b + 1)``; ``image`` is padded by ``(a, b)`` with ``np.pad(mode=...)``.
    """
    a, b = kernel.shape[0] // 2, kernel.shape[1] // 2
    padded = np.pad(image, ((a, a), (b, b)), mode=mode)
    return np.einsum("yxuv,uv->yx", sliding_window_view(padded, kernel.shape), kernel)


def convolve2d(image: np.ndarray, kernel: np.ndarray, mode: str = "symmetric") -> np.ndarray:
    """Convolution: :func:`correlate2d` with the kernel flipped in both directions."""
    return correlate2d(image, kernel[::-1, ::-1], mode)


def gaussian_kernel(sigma: float, radius: int | None = None) -> np.ndarray:
    """The normalised 2-D Gaussian ``exp(-(u^2 + v^2) / (2 sigma^2))``, shape ``(2r + 1, 2r + 1)``.

    The default radius ``r = int(4 sigma + 0.5)`` is SciPy's (``truncate=4``), so
    :func:`gaussian_blur` reproduces ``skimage.filters.gaussian``.
    """
    r = int(4 * sigma + 0.5) if radius is None else radius
    g = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    g /= g.sum()
    return np.outer(g, g)


def gaussian_blur(image: np.ndarray, sigma: float, mode: str = "edge") -> np.ndarray:
    """Smooth ``image`` with :func:`gaussian_kernel` (default border ``"edge"`` = scikit-image's default)."""
    return correlate2d(image, gaussian_kernel(sigma), mode)


def sobel(image: np.ndarray, axis: int | None = None, mode: str = "symmetric") -> np.ndarray:
    """Sobel gradient along ``axis`` (0: rows, finds horizontal edges; 1: columns), or its magnitude.

    ``axis=None`` returns ``sqrt((g0^2 + g1^2) / 2)`` - the same as ``skimage.filters.sobel``
    (and ``axis=0`` / ``1`` as ``sobel_h`` / ``sobel_v``), with its ``reflect`` border.
    """
    if axis is not None:
        return convolve2d(image, SOBEL_KERNEL if axis == 0 else SOBEL_KERNEL.T, mode)
    return np.sqrt((sobel(image, 0, mode) ** 2 + sobel(image, 1, mode) ** 2) / 2)


def _non_maximum_suppression(g0: np.ndarray, g1: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    """Keep a pixel only if its magnitude is >= both neighbours along the gradient.

    The gradient ``(g0, g1)`` points between two of the 8 neighbours; the magnitude
    there is interpolated linearly between the axis neighbour and the diagonal one.
    """
    rows, cols = np.indices(magnitude.shape)
    padded = np.pad(magnitude, 1)
    a0, a1 = np.abs(g0), np.abs(g1)
    along_rows = a0 > a1                                  # the gradient is closer to the row axis
    diag0 = np.where((g0 > 0) == (g1 > 0), 1, -1)         # row step of the diagonal neighbour
    w = np.where(along_rows, a1, a0) / np.maximum(np.maximum(a0, a1), 1e-300)
    keep = np.ones(magnitude.shape, bool)
    for sign in (1, -1):                                  # the neighbour ahead, then the one behind
        d0, d1 = sign * diag0, sign * np.ones_like(diag0)
        s0, s1 = np.where(along_rows, d0, 0), np.where(along_rows, 0, d1)
        diag = padded[rows + 1 + d0, cols + 1 + d1]
        straight = padded[rows + 1 + s0, cols + 1 + s1]
        keep &= diag * w + straight * (1.0 - w) <= magnitude
    return keep


def _hysteresis(weak: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Weak pixels 8-connected (through weak pixels) to a strong one; grown until nothing changes."""
    edges, count = strong & weak, -1
    h, w = weak.shape
    while count != (count := int(edges.sum())):
        padded = np.pad(edges, 1)
        grown = np.zeros_like(edges)
        for du in range(3):
            for dv in range(3):
                grown |= padded[du:du + h, dv:dv + w]
        edges = grown & weak
    return edges


def canny(image: np.ndarray, sigma: float = 1.0, low_threshold: float = 0.1,
          high_threshold: float = 0.2) -> np.ndarray:
    """Canny's edge detector (1986): a boolean edge map ``(h, w)``.

    1. smooth with a Gaussian of ``sigma`` (zero border, renormalised by the blurred
       all-ones image so the border does not darken, as scikit-image does);
    2. Sobel gradients ``g0``, ``g1`` (unnormalised kernels, as ``scipy.ndimage.sobel``)
       and their magnitude;
    3. non-maximum suppression: thin each edge to the local maxima across it;
    4. hysteresis: keep maxima above ``high_threshold`` and the maxima above
       ``low_threshold`` connected to them. The 1-pixel image border is never an edge.

    The thresholds apply to the magnitude of a float image in [0, 1] (scikit-image's
    defaults, 10% and 20% of the dtype's maximum, are these for float images).
    """
    blur = gaussian_kernel(sigma)
    smoothed = correlate2d(image, blur, "constant") / (
        correlate2d(np.ones_like(image), blur, "constant") + np.finfo(float).eps)
    g0, g1 = (4 * sobel(smoothed, axis, "symmetric") for axis in (0, 1))
    magnitude = np.hypot(g0, g1)
    interior = np.zeros(image.shape, bool)
    interior[1:-1, 1:-1] = True
    weak = interior & (magnitude >= max(low_threshold, 1e-14)) & _non_maximum_suppression(g0, g1, magnitude)
    return _hysteresis(weak, magnitude >= high_threshold)
