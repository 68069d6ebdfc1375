"""Residual and Inception blocks, and the small residual network the course pretrains, in PyTorch.

Twin of :mod:`coursekit.keras.resnet`. Layout NCHW: images are ``(n, c, h, w)``.

A residual block learns a correction ``F(x)`` to its input instead of a whole new mapping::

    out = relu( F(x) + shortcut(x) ),   F = conv3x3 -> BN -> relu -> conv3x3 -> BN

``shortcut`` is the identity when the shape is kept, else a strided 1×1 convolution and batch
norm ("projection"). The submodule names (``conv1``, ``bn1``, ``conv2``, ``bn2``, ``downsample``)
are torchvision's, so a ``torchvision.models.resnet.BasicBlock`` state dict loads into
:class:`ResidualBlock` unchanged; the tests use that as the oracle.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class ResidualBlock(nn.Module):
    """ResNet's basic block (two 3×3 convolutions), as in ResNet-18/34.

    Input shape ``(n, c_in, h, w)``; output shape ``(n, c_out, ⌊(h − 1)/s⌋ + 1, ⌊(w − 1)/s⌋ + 1)``.
    Parameters: ``9·c_in·c_out + 9·c_out² + 4·c_out`` (two convolutions without bias, two batch
    norms), plus ``c_in·c_out + 2·c_out`` for the projection when ``stride != 1`` or ``c_in != c_out``.
    """

    def __init__(self, c_in: int, c_out: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(c_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)  # (n, c_out, h', w')
        out = F.relu(self.bn1(self.conv1(x)))                              # (n, c_out, h', w')
        out = self.bn2(self.conv2(out))                                    # (n, c_out, h', w')
        return F.relu(out + identity)                                      # the skip connection


class Bottleneck(nn.Module):
    """ResNet's bottleneck block (1×1 → 3×3 → 1×1), as in ResNet-50/101/152.

    The first 1×1 convolution reduces ``c_in`` to ``width`` channels, the 3×3 (with the stride)
    works at that width, and the last 1×1 expands to ``4·width``; each is followed by batch
    norm, the first two by ReLU, and the skip adds the input (or its projection)::

        out = relu( bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x) )

    Input ``(n, c_in, h, w)``; output ``(n, 4·width, ⌊(h − 1)/s⌋ + 1, ⌊(w − 1)/s⌋ + 1)``.
    Parameters: ``c_in·width + 9·width² + 4·width² + 2·(width + width + 4·width)``, plus
    ``c_in·4·width + 2·4·width`` for the projection when ``stride != 1`` or ``c_in != 4·width``.
    Names as torchvision's ``Bottleneck`` (stride on the 3×3, "ResNet v1.5").
    """

    expansion = 4

    def __init__(self, c_in: int, width: int, stride: int = 1) -> None:
        super().__init__()
        c_out = self.expansion * width
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, c_out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c_out)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(c_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)  # (n, 4·width, h', w')
        out = F.relu(self.bn1(self.conv1(x)))                              # (n, width, h, w)
        out = F.relu(self.bn2(self.conv2(out)))                            # (n, width, h', w')
        out = self.bn3(self.conv3(out))                                    # (n, 4·width, h', w')
        return F.relu(out + identity)                                      # the skip connection


class InceptionBlock(nn.Module):
    """GoogLeNet's Inception module: four branches in parallel, concatenated along the channels.

    ``1×1 | 1×1 → 3×3 | 1×1 → 5×5 | 3×3 max-pool → 1×1``, each convolution followed by ReLU, as in
    the paper (Szegedy et al., 2014, table 1; torchvision's GoogLeNet uses a 3×3 in the "5×5"
    branch and adds batch norm). The 1×1 "reduce" convolutions shrink the channels before the
    expensive 3×3 and 5×5 ones.

    Input ``(n, c_in, h, w)``; output ``(n, c1 + c3 + c5 + pool_proj, h, w)``.
    """

    def __init__(self, c_in: int, c1: int, c3_reduce: int, c3: int, c5_reduce: int, c5: int,
                 pool_proj: int) -> None:
        super().__init__()
        self.branch1 = nn.Sequential(nn.Conv2d(c_in, c1, 1), nn.ReLU())
        self.branch3 = nn.Sequential(nn.Conv2d(c_in, c3_reduce, 1), nn.ReLU(),
                                     nn.Conv2d(c3_reduce, c3, 3, padding=1), nn.ReLU())
        self.branch5 = nn.Sequential(nn.Conv2d(c_in, c5_reduce, 1), nn.ReLU(),
                                     nn.Conv2d(c5_reduce, c5, 5, padding=2), nn.ReLU())
        self.branch_pool = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1),
                                         nn.Conv2d(c_in, pool_proj, 1), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branches = (self.branch1, self.branch3, self.branch5, self.branch_pool)
        return torch.cat([branch(x) for branch in branches], dim=1)  # (n, c1+c3+c5+pool_proj, h, w)


class ConvBN(nn.Module):
    """A convolution without bias, batch norm (ε = 0.001) and ReLU: torchvision's ``BasicConv2d``."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int, **kwargs) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel_size, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(c_out, eps=0.001)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)))


class InceptionAux(nn.Module):
    """GoogLeNet's auxiliary classifier, a small head on an intermediate feature map.

    ``5×5 average pool, stride 3 → 1×1 conv to 128 → flatten → FC 1024, ReLU → dropout 0.7 →
    FC num_classes``. On GoogLeNet's 14×14 maps (after inception 4a, 512 channels, and 4d, 528)
    the pooling gives 4×4, so the first dense layer reads 128·16 = 2,048 numbers. During
    training its loss is added with weight 0.3; for inference the head is dropped.

    Input ``(n, c_in, h, w)``; output ``(n, num_classes)`` logits. Parameters:
    ``128·c_in + 2·128`` (convolution and batch norm) ``+ 2,049·1,024 + 1,025·num_classes``.
    The convolution is torchvision's ``BasicConv2d`` (no bias, batch norm; the paper had a
    bias and no batch norm) and the pooling adaptive to 4×4, as in
    ``torchvision.models.googlenet``, whose ``aux1`` / ``aux2`` state dicts load unchanged.
    """

    def __init__(self, c_in: int, num_classes: int = 1000, dropout: float = 0.7) -> None:
        super().__init__()
        self.conv = ConvBN(c_in, 128, 1)
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.adaptive_avg_pool2d(x, (4, 4))          # (n, c_in, 4, 4)
        x = torch.flatten(self.conv(x), 1)            # (n, 2048)
        x = self.dropout(F.relu(self.fc1(x)))         # (n, 1024)
        return self.fc2(x)                            # (n, num_classes)


class CourseResNet(nn.Module):
    """The course's small residual network for ``(n, 1, 28, 28)`` glyphs (about 79 k parameters).

    ``stem 3×3 conv (16) → block(16) → block(32, stride 2) → block(64, stride 2) → global average
    pool → linear``. :meth:`features` returns the pooled ``(n, 64)`` features, the part a
    transfer-learning task reuses; ``head`` is the task's classifier.
    """

    def __init__(self, num_classes: int, widths: tuple[int, int, int] = (16, 32, 64)) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, widths[0], 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(widths[0])
        self.blocks = nn.Sequential(ResidualBlock(widths[0], widths[0]),
                                    ResidualBlock(widths[0], widths[1], stride=2),
                                    ResidualBlock(widths[1], widths[2], stride=2))
        self.head = nn.Linear(widths[2], num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """``(n, 1, 28, 28) -> (n, 64)``: everything but the classifier."""
        x = F.relu(self.bn(self.conv(x)))   # (n, 16, 28, 28)
        x = self.blocks(x)                  # (n, 64, 7, 7)
        return x.mean(dim=(2, 3))           # (n, 64) global average pooling

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))  # (n, num_classes) logits
