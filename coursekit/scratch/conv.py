"""Convolution and pooling layers in NumPy, with the layer protocol of :mod:`coursekit.scratch.layers`.

Images are batches in PyTorch's NCHW layout: ``x`` has shape ``(n, c, h, w)``.
A convolution with ``c_out`` filters of size ``k x k``, stride ``s`` and zero
padding ``p`` maps ``(n, c_in, h, w) -> (n, c_out, h', w')`` with

    h' = floor((h + 2p - k) / s) + 1        (the same for w')

    out[i, f, y, x] = b[f] + sum_{c, u, v} W[f, c, u, v] * xp[i, c, s*y + u, s*x + v]

where ``xp`` is ``x`` padded with ``p`` zeros on every side. Like PyTorch, this
is a cross-correlation (the kernel is not flipped). Two implementations:

* :func:`conv_forward_naive` / :func:`conv_backward_naive`: the formula as loops;
* :func:`im2col` / :func:`col2im`: every receptive field becomes one row of a matrix,
  so the whole layer is one matrix product - what :class:`Conv2d` uses.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """``floor((size + 2 padding - kernel_size) / stride) + 1``, the output height (or width)."""
    return (size + 2 * padding - kernel_size) // stride + 1


def _pad(x: np.ndarray, p: int) -> np.ndarray:
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x


def _windows(x: np.ndarray, k: int, s: int) -> np.ndarray:
    """A view ``(n, c, h', w', k, k)`` of every ``k x k`` window of ``x`` at stride ``s``."""
    return sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]


def conv_forward_naive(x, W, b, stride=1, padding=0):
    """The convolution as six nested loops (four here, two inside the sum).

    Args:
        x: ``(n, c_in, h, w)`` input; W: ``(c_out, c_in, k, k)`` filters; b: ``(c_out,)`` biases.

    Returns:
        ``(out, cache)``: ``out`` ``(n, c_out, h', w')`` and ``cache = (xp, W, stride, padding)``
        with ``xp`` the padded input ``(n, c_in, h + 2p, w + 2p)``.
    """
    n, _, h, w = x.shape
    c_out, _, k, _ = W.shape
    xp = _pad(x, padding)
    oh, ow = conv_output_size(h, k, stride, padding), conv_output_size(w, k, stride, padding)
    out = np.zeros((n, c_out, oh, ow), dtype=np.result_type(x, W))
    for i in range(n):
        for f in range(c_out):
            for y in range(oh):
                for x_ in range(ow):
                    field = xp[i, :, y * stride:y * stride + k, x_ * stride:x_ * stride + k]
                    out[i, f, y, x_] = np.sum(field * W[f]) + b[f]
    return out, (xp, W, stride, padding)


def conv_backward_naive(dout, cache):
    """Backward of :func:`conv_forward_naive`: every output pixel sends gradient back
    to the ``k x k x c_in`` inputs and weights it was computed from.

    Returns:
        ``(dx, dW, db)`` with the shapes of ``x``, ``W`` and ``b``.
    """
    xp, W, stride, padding = cache
    n, c_out, oh, ow = dout.shape
    k = W.shape[2]
    dxp, dW = np.zeros_like(xp, dtype=dout.dtype), np.zeros_like(W, dtype=dout.dtype)
    for i in range(n):
        for f in range(c_out):
            for y in range(oh):
                for x_ in range(ow):
                    rows, cols = slice(y * stride, y * stride + k), slice(x_ * stride, x_ * stride + k)
                    dW[f] += dout[i, f, y, x_] * xp[i, :, rows, cols]
                    dxp[i, :, rows, cols] += dout[i, f, y, x_] * W[f]
    h, w = xp.shape[2] - 2 * padding, xp.shape[3] - 2 * padding
    return dxp[:, :, padding:padding + h, padding:padding + w], dW, dout.sum(axis=(0, 2, 3))


def im2col(x: np.ndarray, kernel_size: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Every receptive field as a row: ``(n, c, h, w) -> (n * h' * w', c * k * k)``.

    Row ``(i * h' + y) * w' + x`` holds the padded input window under output pixel
    ``(y, x)`` of image ``i``, ordered like a filter ``W[f]`` flattened (channel, row, column).
    """
    win = _windows(_pad(x, padding), kernel_size, stride)          # (n, c, h', w', k, k)
    n, c, oh, ow, k, _ = win.shape
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)


def col2im(cols: np.ndarray, x_shape: tuple, kernel_size: int, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """The adjoint of :func:`im2col`: sum every row back onto the pixels it came from.

    ``(n * h' * w', c * k * k) -> (n, c, h, w)``; pixels in several windows receive the sum.
    """
    n, c, h, w = x_shape
    k, s = kernel_size, stride
    oh, ow = conv_output_size(h, k, s, padding), conv_output_size(w, k, s, padding)
    blocks = cols.reshape(n, oh, ow, c, k, k).transpose(0, 3, 4, 5, 1, 2)  # (n, c, k, k, h', w')
    dxp = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for u in range(k):
        for v in range(k):
            dxp[:, :, u:u + s * oh:s, v:v + s * ow:s] += blocks[:, :, u, v]
    return dxp[:, :, padding:padding + h, padding:padding + w]


class Conv2d:
    """2-D convolution, ``(n, c_in, h, w) -> (n, c_out, h', w')``, computed with :func:`im2col`.

    Forward, with ``X = im2col(x)`` of shape ``(n h' w', c_in k k)`` and
    ``Wm = W.reshape(c_out, c_in k k)``: ``out = X @ Wm.T + b``, reshaped to NCHW.

    Cache: ``self.cols`` = ``X`` ``(n h' w', c_in k k)`` and ``self.x_shape`` ``(n, c_in, h, w)``.

    Backward, with ``D = dout`` as ``(n h' w', c_out)``::

        dW = (D.T @ X).reshape(W.shape)      (c_out, c_in, k, k)
        db = D.sum(axis=0)                   (c_out,)
        dx = col2im(D @ Wm)                  (n, c_in, h, w)

    Args:
        c_in, c_out: input channels and number of filters (output channels).
        kernel_size: ``k``, square filters ``k x k``.
        stride, padding: ``s`` and ``p`` (zeros on every side).
        rng: draws the initial weights; default ``np.random.default_rng(0)``.
            He initialisation: ``W ~ N(0, 2 / (c_in k k))``; biases start at 0.
    """

    def __init__(self, c_in: int, c_out: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 rng: np.random.Generator | None = None):
        rng = np.random.default_rng(0) if rng is None else rng
        k = kernel_size
        self.kernel_size, self.stride, self.padding = k, stride, padding
        W = np.sqrt(2.0 / (c_in * k * k)) * rng.standard_normal((c_out, c_in, k, k))
        self.params = {"W": W, "b": np.zeros(c_out)}
        self.grads = {name: np.zeros_like(v) for name, v in self.params.items()}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``(n, c_in, h, w) -> (n, c_out, h', w')``; caches the im2col matrix."""
        n, _, h, w = x.shape
        k, s, p = self.kernel_size, self.stride, self.padding
        W, b = self.params["W"], self.params["b"]
        self.x_shape = x.shape
        self.cols = im2col(x, k, s, p)
        out = self.cols @ W.reshape(len(W), -1).T + b
        oh, ow = conv_output_size(h, k, s, p), conv_output_size(w, k, s, p)
        return out.reshape(n, oh, ow, len(W)).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """``dout (n, c_out, h', w') -> dx (n, c_in, h, w)``; stores ``dW``, ``db`` in ``grads``."""
        W = self.params["W"]
        d = dout.transpose(0, 2, 3, 1).reshape(-1, len(W))
        self.grads["W"] = (d.T @ self.cols).reshape(W.shape)
        self.grads["b"] = d.sum(axis=0)
        return col2im(d @ W.reshape(len(W), -1), self.x_shape, self.kernel_size, self.stride,
                      self.padding)


class Conv2dNaive(Conv2d):
    """:class:`Conv2d` computed with the loops of :func:`conv_forward_naive` (slow; for checking).

    Cache: ``self.cache = (xp, W, stride, padding)``, ``xp`` the padded input
    ``(n, c_in, h + 2p, w + 2p)``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self.cache = conv_forward_naive(x, self.params["W"], self.params["b"], self.stride,
                                             self.padding)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["W"], self.grads["b"] = conv_backward_naive(dout, self.cache)
        return dx


class _Pool:
    """Shared by the two window poolings: ``k x k`` windows at stride ``s`` (default ``k``), no padding."""

    def __init__(self, kernel_size: int, stride: int | None = None):
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.params, self.grads = {}, {}

    def _scatter(self, per_window: np.ndarray) -> np.ndarray:
        """Sum ``per_window`` ``(n, c, h', w', k, k)`` back onto an input-shaped array."""
        k, s = self.kernel_size, self.stride
        oh, ow = per_window.shape[2:4]
        dx = np.zeros(self.x_shape, dtype=per_window.dtype)
        for u in range(k):
            for v in range(k):
                dx[:, :, u:u + s * oh:s, v:v + s * ow:s] += per_window[..., u, v]
        return dx


class MaxPool2d(_Pool):
    """Max over each ``k x k`` window: ``(n, c, h, w) -> (n, c, h', w')``, no parameters.

    Cache: ``self.x_shape`` ``(n, c, h, w)`` and ``self.mask`` ``(n, c, h', w', k, k)``,
    one-hot at the first maximum of each window (PyTorch breaks ties the same way).
    Backward routes each ``dout`` value to that one input: ``dx[argmax] += dout``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        win = _windows(x, self.kernel_size, self.stride)
        flat = win.reshape(*win.shape[:4], -1)
        arg = flat.argmax(axis=-1)
        self.mask = (np.arange(flat.shape[-1]) == arg[..., None]).reshape(win.shape)
        return np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self._scatter(self.mask * dout[..., None, None])


class AvgPool2d(_Pool):
    """Mean over each ``k x k`` window: ``(n, c, h, w) -> (n, c, h', w')``, no parameters.

    Cache: ``self.x_shape`` only. Backward spreads each ``dout`` value evenly,
    ``dout / k^2``, over the ``k^2`` inputs of its window.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return _windows(x, self.kernel_size, self.stride).mean(axis=(-2, -1))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        k = self.kernel_size
        share = np.broadcast_to(dout[..., None, None] / k**2, (*dout.shape, k, k))
        return self._scatter(share)


class GlobalAvgPool2d:
    """Mean over all positions of each channel: ``(n, c, h, w) -> (n, c)``, no parameters.

    Cache: ``self.x_shape``. Backward: ``dx = dout[:, :, None, None] / (h w)`` everywhere.
    """

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        h, w = self.x_shape[2:]
        return np.broadcast_to(dout[:, :, None, None] / (h * w), self.x_shape).copy()


class Flatten:
    """``(n, d1, d2, ...) -> (n, d1 d2 ...)`` in C order (as ``torch.flatten(x, 1)``).

    Cache: ``self.x_shape``. Backward reshapes ``dout`` back to it.
    """

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self.x_shape)
