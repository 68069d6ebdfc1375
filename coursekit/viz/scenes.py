"""Drawing detection and segmentation results: boxes with labels, instance masks, class maps.

Part of ``coursekit.viz`` (``viz.draw_boxes``, ``viz.draw_masks``, ``viz.draw_semantic``).
Each draws on ``ax`` (a new figure when ``None``) and returns the axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import ListedColormap, to_rgb

from coursekit.viz.common import CLASS_COLOURS, axes_or_new

#: colour of each scene label: 0 background (dark grey), then circle, square, triangle
LABEL_COLOURS = ["#404040", "#56B4E9", "#E69F00", "#CC79A7"]


def _image_axes(image, ax, title):
    ax = axes_or_new(ax, figsize=(3, 3))
    if image is not None:
        ax.imshow(np.asarray(image), interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
    return ax


def draw_boxes(image, boxes, labels=None, scores=None, classes: Sequence[str] | None = None, ax=None,
               title: str | None = None, linestyle: str = "-", colours: Sequence[str] = LABEL_COLOURS,
               fontsize: int = 7):
    """Draw ``boxes`` (``(k, 4)`` xyxy pixels) on ``image`` (``(H, W, 3)``, or ``None`` to draw on ``ax`` as is).

    Each box is coloured by its label (``colours[label]``) and captioned with the class name
    (``classes[label]``, or the number) and, when given, its score.
    """
    from matplotlib.patches import Rectangle

    ax = _image_axes(image, ax, title)
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        label = None if labels is None else int(labels[i])
        colour = colours[label % len(colours)] if label is not None else "white"
        # pixel i covers [i - 0.5, i + 0.5] in imshow's coordinates, so box edge x sits at x - 0.5
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, ec=colour, lw=1.5, ls=linestyle))
        text = [] if label is None else [classes[label] if classes is not None else str(label)]
        if scores is not None:
            text.append(f"{float(scores[i]):.2f}")
        if text:
            ax.text(x0 - 0.5, y0 - 1, " ".join(text), color="black", fontsize=fontsize, va="bottom",
                    bbox=dict(fc=colour, ec="none", pad=0.6, alpha=0.85))
    return ax


def draw_masks(image, masks, ax=None, title: str | None = None, alpha: float = 0.55,
               colours: Sequence[str] = CLASS_COLOURS):
    """Overlay instance masks (``(k, H, W)`` bool) on ``image``, one colour per instance."""
    ax = _image_axes(image, ax, title)
    masks = np.asarray(masks, dtype=bool)
    overlay = np.zeros(masks.shape[1:] + (4,))
    for i, mask in enumerate(masks):
        overlay[mask] = (*to_rgb(colours[i % len(colours)]), alpha)
    ax.imshow(overlay, interpolation="nearest")
    return ax


def draw_semantic(semantic, classes: Sequence[str], ax=None, title: str | None = None,
                  colours: Sequence[str] = LABEL_COLOURS, colorbar: bool = True):
    """Show a class map (``(H, W)`` int) with one colour per class and a colour bar naming them."""
    ax = _image_axes(None, ax, title)
    k = len(classes)
    shown = ax.imshow(np.asarray(semantic), cmap=ListedColormap(list(colours[:k])), vmin=-0.5, vmax=k - 0.5,
                      interpolation="nearest")
    if colorbar:
        bar = ax.figure.colorbar(shown, ax=ax, ticks=range(k), fraction=0.046, pad=0.04)
        bar.ax.set_yticklabels(classes, fontsize=8)
    return ax
