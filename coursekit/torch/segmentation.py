"""Segmentation networks in PyTorch: FCN and U-Net (the twins of :mod:`coursekit.keras.segmentation`).

Both map images ``(n, C_in, H, W)`` to class scores (logits) ``(n, K, H_out, W_out)``, one score per
class and pixel; ``argmax`` over the class axis gives the predicted mask. The counting of U-Net's
parameters is in :mod:`coursekit.scratch.segmentation`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from coursekit.torch.training import fit_arrays


class FCN(nn.Module):
    """Fully convolutional network (FCN-32s-like, Long et al. 2015): a conv-pool encoder down to H/8,
    a 1×1 convolution scoring each class per location, and one transposed convolution (kernel 16,
    stride 8, padding 4) upsampling the scores back to H × W. No dense layer: any input size works.

    ``batch_norm=True`` puts batch normalisation between each convolution and its ReLU."""

    def __init__(self, in_channels: int = 3, num_classes: int = 4, width: int = 16, batch_norm: bool = False):
        super().__init__()
        layers, c = [], in_channels
        for c_out in (width, 2 * width, 4 * width):
            layers += [nn.Conv2d(c, c_out, 3, padding=1, bias=not batch_norm)]
            layers += [nn.BatchNorm2d(c_out)] if batch_norm else []
            layers += [nn.ReLU(), nn.MaxPool2d(2)]
            c = c_out
        self.encoder = nn.Sequential(*layers)
        self.score = nn.Conv2d(c, num_classes, 1)
        self.upsample = nn.ConvTranspose2d(num_classes, num_classes, 16, stride=8, padding=4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.upsample(self.score(self.encoder(x)))


def unet_block(c_in: int, c_out: int, padding: str = "same", batch_norm: bool = False) -> nn.Sequential:
    """Two 3×3 convolutions, each followed by ReLU (and batch normalisation before it, if asked).

    ``padding="valid"`` (the paper) shrinks each side by 4 pixels; ``"same"`` keeps the size."""
    layers = []
    for c in (c_in, c_out):
        layers += [nn.Conv2d(c, c_out, 3, padding=1 if padding == "same" else 0, bias=not batch_norm)]
        layers += [nn.BatchNorm2d(c_out)] if batch_norm else []
        layers += [nn.ReLU()]
    return nn.Sequential(*layers)


def center_crop(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """The central ``height × width`` window of ``x`` ``(n, c, H, W)``: the paper's 'copy and crop'."""
    top, left = (x.shape[-2] - height) // 2, (x.shape[-1] - width) // 2
    return x[..., top:top + height, left:left + width]


class UNet(nn.Module):
    """U-Net (Ronneberger et al., 2015): encoder, bottleneck, decoder with skip connections.

    Level ``l`` has ``base·2^l`` channels. Down: :func:`unet_block` then 2×2 max pooling, ``depth``
    times; bottleneck block; up: 2×2 transposed convolution (halving the channels), concatenate the
    encoder's map of that level (cropped when ``padding="valid"``), block. A 1×1 convolution scores
    the ``num_classes``. ``UNet(1, 2, base=64, depth=4, padding="valid")`` is the paper's network.
    """

    def __init__(self, in_channels: int = 3, num_classes: int = 4, base: int = 16, depth: int = 3,
                 padding: str = "same", batch_norm: bool = False):
        super().__init__()
        channels = [base * 2 ** level for level in range(depth + 1)]
        self.down = nn.ModuleList()
        c = in_channels
        for c_out in channels[:-1]:
            self.down.append(unet_block(c, c_out, padding, batch_norm))
            c = c_out
        self.bottleneck = unet_block(channels[-2], channels[-1], padding, batch_norm)
        self.up = nn.ModuleList(nn.ConvTranspose2d(2 * c, c, 2, stride=2) for c in reversed(channels[:-1]))
        self.decode = nn.ModuleList(unet_block(2 * c, c, padding, batch_norm) for c in reversed(channels[:-1]))
        self.head = nn.Conv2d(channels[0], num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)  # kept for the skip connection
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for up, block, skip in zip(self.up, self.decode, reversed(skips)):
            x = up(x)
            x = block(torch.cat([center_crop(skip, *x.shape[-2:]), x], dim=1))
        return self.head(x)


def train(model: nn.Module, images: np.ndarray, masks: np.ndarray, epochs: int = 5, lr: float = 3e-3,
          batch_size: int = 16, seed: int = 0) -> list[float]:
    """Adam on pixel-wise cross-entropy; images ``(n, H, W, 3)`` float, masks ``(n, H, W)`` int.

    Returns the mean training loss of each epoch."""
    x = torch.as_tensor(images).permute(0, 3, 1, 2).contiguous()
    y = torch.as_tensor(masks)
    return fit_arrays(model, x, y, F.cross_entropy, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)


def fit_schedule(model: nn.Module, images: np.ndarray, masks: np.ndarray, schedule, batch_size: int = 16) -> list[float]:
    """:func:`train` phase by phase: ``schedule`` is a sequence of ``(epochs, lr)``; phase ``i`` uses a
    fresh Adam and shuffling seed ``i``. Returns the training loss of every epoch of every phase."""
    return [loss for i, (epochs, lr) in enumerate(schedule)
            for loss in train(model, images, masks, epochs=epochs, lr=lr, batch_size=batch_size, seed=i)]


@torch.no_grad()
def predict(model: nn.Module, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """Predicted class masks ``(n, H_out, W_out)`` int64 for images ``(n, H, W, 3)``."""
    model.eval()
    x = torch.as_tensor(images).permute(0, 3, 1, 2)
    return torch.cat([model(b).argmax(dim=1) for b in x.split(batch_size)]).numpy()
