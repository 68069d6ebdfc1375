"""Segmentation mechanisms in NumPy: transposed convolution (learned upsampling) and U-Net's parameter count.

**Transposed convolution** (FCN's upsampling, U-Net's "up-conv"): every input pixel stamps a
copy of the kernel, scaled by its value, onto the output at ``stride`` × its position; overlapping
stamps add up. For input ``H``, kernel ``k``, stride ``s`` and padding ``p`` the output has side
``(H − 1)s + k − 2p``: ``k = 2s, p = s/2`` multiplies the size by exactly ``s``.

**U-Net** (Ronneberger et al., 2015) with ``depth`` down-steps and ``base`` channels: encoder
level ``l`` (0..depth) has ``base·2^l`` channels and two 3×3 convolutions; each decoder level has
a 2×2 up-convolution halving the channels, a concatenation with the encoder's feature map (the skip
connection, which doubles the channels again) and two 3×3 convolutions; a 1×1 convolution gives the
class scores. A convolution with ``k × k`` kernels from ``c_in`` to ``c_out`` channels has
``k²·c_in·c_out + c_out`` parameters.
"""

from __future__ import annotations

import numpy as np


def conv_transpose2d(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Transposed 2-D convolution of one image.

    Args:
        x: ``(C_in, H, W)``.
        w: ``(C_in, C_out, k, k)`` (PyTorch's ``ConvTranspose2d.weight`` layout).
        stride, padding: as in ``torch.nn.ConvTranspose2d``.

    Returns:
        ``(C_out, (H − 1)·stride + k − 2·padding, (W − 1)·stride + k − 2·padding)``.
    """
    c_in, h, width = x.shape
    k = w.shape[-1]
    out = np.zeros((w.shape[1], (h - 1) * stride + k, (width - 1) * stride + k))
    for i in range(h):
        for j in range(width):  # stamp the kernel, weighted by this pixel's channels
            out[:, i * stride:i * stride + k, j * stride:j * stride + k] += np.einsum("c,cokl->okl", x[:, i, j], w)
    return out[:, padding:out.shape[1] - padding, padding:out.shape[2] - padding]


def conv_parameters(c_in: int, c_out: int, k: int) -> int:
    """Weights and biases of a ``k × k`` convolution: ``k²·c_in·c_out + c_out``."""
    return k * k * c_in * c_out + c_out


def unet_parameter_count(in_channels: int = 1, num_classes: int = 2, base: int = 64, depth: int = 4) -> int:
    """Parameters of a U-Net (see the module docstring), by formula.

    The paper's network, ``unet_parameter_count(1, 2, 64, 4)``, has 31,030,658.
    """
    channels = [base * 2 ** level for level in range(depth + 1)]  # 64, 128, 256, 512, 1024
    total, c_in = 0, in_channels
    for c in channels:  # encoder and bottleneck: two 3×3 convolutions per level
        total += conv_parameters(c_in, c, 3) + conv_parameters(c, c, 3)
        c_in = c
    for c in reversed(channels[:-1]):  # decoder: up-conv 2×2, concatenate (2c channels), two 3×3
        total += conv_parameters(2 * c, c, 2) + conv_parameters(2 * c, c, 3) + conv_parameters(c, c, 3)
    return total + conv_parameters(channels[0], num_classes, 1)


def unet_output_size(input_size: int, depth: int = 4, padding: str = "valid") -> int:
    """Output side of a U-Net: each 3×3 'valid' convolution loses 2 pixels (572 -> 388 in the paper)."""
    if padding == "same":
        return input_size
    size = input_size
    for _ in range(depth):
        size = (size - 4) // 2
    size -= 4
    for _ in range(depth):
        size = size * 2 - 4
    return size
