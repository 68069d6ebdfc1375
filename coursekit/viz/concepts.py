"""Concept figures: a multi-channel convolution, a receptive field, IoU, RoIAlign against RoIPool.

Each function returns a whole :class:`~matplotlib.figure.Figure`, at most 7 inches wide (the
book's column). The numbers a figure shows are computed here, not typed in, and are attached to
the figure (``figure.receptive_fields``, ``figure.iou``, ``figure.roi``), so a page can print them
and a test can check them against an oracle (PyTorch, torchvision).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Polygon, Rectangle

from coursekit.viz.common import CLASS_COLOURS

#: one colour per input channel (red, green, blue planes of an image)
CHANNEL_COLOURS = ["#E8A0A0", "#A0D0A0", "#A0B8E8", "#E0C890"]


def _square(ax, x, y, size, colour, grid: int = 0, lw: float = 1.0, zorder: int = 2):
    """A filled square with its lower-left corner at ``(x, y)``; ``grid`` cells drawn inside."""
    ax.add_patch(Rectangle((x, y), size, size, fc=colour, ec="0.25", lw=lw, zorder=zorder))
    for k in range(1, grid):
        t = size * k / grid
        ax.plot([x + t, x + t], [y, y + size], color="0.45", lw=0.4, zorder=zorder)
        ax.plot([x, x + size], [y + t, y + t], color="0.45", lw=0.4, zorder=zorder)


def _stack(ax, x, y, size, colours, grid, step=0.22):
    """Channels as squares stacked back to front (the first channel at the back, top right)."""
    n = len(colours)
    for c in range(n):
        shift = (n - 1 - c) * step
        _square(ax, x + shift, y + shift, size, colours[c], grid, zorder=2 + c)


def plot_multichannel_conv(in_channels: int = 3, filters: int = 2, size: int = 6, kernel: int = 3):
    """Filters × input channels -> feature maps: each filter has one kernel slice per input channel.

    ``out[f] = Σ_c in[c] ⋆ W[f, c] + b[f]``: filter ``f`` (``in_channels`` slices of
    ``kernel × kernel``) slides over every input channel at once, and the sums of its slices make one
    feature map; ``filters`` filters make ``filters`` maps. With no padding and stride 1 the maps
    are ``(size − kernel + 1)²``. Weights: ``filters · in_channels · kernel²`` plus ``filters`` biases.
    """
    if not (1 <= in_channels <= len(CHANNEL_COLOURS) and 1 <= filters <= 4 and kernel < size):
        raise ValueError(f"plot_multichannel_conv: draws 1-{len(CHANNEL_COLOURS)} input channels, 1-4 filters and "
                         f"a kernel smaller than the input; got {in_channels}, {filters}, {kernel} < {size}")
    out = size - kernel + 1
    fig, ax = plt.subplots(figsize=(7.0, 0.6 + 1.2 * max(filters, 2)))
    colours = CHANNEL_COLOURS[:in_channels]
    height = 1.25 * max(filters, 2)
    big = 2.2
    y_in = height / 2 - big / 2 - 0.2
    _stack(ax, 0.0, y_in, big, colours, size)
    ax.text(big / 2 + 0.2, y_in - 0.25, f"input\n{in_channels} × {size} × {size}", ha="center", va="top", fontsize=9)
    small, out_size = 0.75, 1.0
    ys = [height - 1.25 * (f + 0.5) - small / 2 for f in range(filters)]
    ax.text(3.3, height / 2 - 0.2, "∗", fontsize=24, ha="center", va="center")
    for f, y in enumerate(ys):
        _stack(ax, 3.9, y, small, colours, kernel, step=0.12)
        ax.text(5.1, y + small / 2 + 0.05, f"filter {f + 1}\n{in_channels} × {kernel} × {kernel}", fontsize=8.5,
                va="center")
        ax.annotate("", xy=(7.0, y + small / 2), xytext=(6.3, y + small / 2),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1))
        ax.text(6.65, y + small / 2 + 0.12, "Σ over\nchannels", fontsize=7, ha="center", va="bottom", color="0.3")
        colour = CLASS_COLOURS[f % len(CLASS_COLOURS)]
        _square(ax, 7.15, y + small / 2 - out_size / 2, out_size, "#F2F2F2", out, lw=1.4)
        ax.add_patch(Rectangle((7.15, y + small / 2 - out_size / 2), out_size, out_size, fill=False, ec=colour,
                               lw=2, zorder=5))
        ax.text(8.3, y + small / 2, f"map {f + 1}\n{out} × {out}", fontsize=8.5, va="center", color=colour)
    ax.text(4.9, -0.55, f"output: {filters} × {out} × {out}   weights: {filters} × {in_channels} × {kernel}"
            f" × {kernel} = {filters * in_channels * kernel ** 2} (+ {filters} biases)", ha="center", fontsize=9)
    top = max(y_in + big + (in_channels - 1) * 0.22, ys[0] + small + (in_channels - 1) * 0.12,
              ys[0] + small / 2 + out_size / 2)  # the highest drawn square: the input or filter 1
    ax.set(xlim=(-0.2, 9.4), ylim=(-0.8, top + 0.45))
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout(pad=0.2)
    return fig


def receptive_fields(layers: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(field, jump)`` after each ``(kernel, stride)`` layer: ``r_l = r_{l-1} + (k_l − 1)·j_{l-1}``,
    ``j_l = j_{l-1}·s_l``, starting from ``r_0 = j_0 = 1`` (one input pixel)."""
    field, jump, out = 1, 1, []
    for kernel, stride in layers:
        field, jump = field + (kernel - 1) * jump, jump * stride
        out.append((field, jump))
    return out


def plot_receptive_field(layers: Sequence[tuple[int, int]] = ((3, 1), (3, 1), (2, 2), (3, 1)),
                         names: Sequence[str] | None = None):
    """One row of units per layer (the input at the bottom): the input pixels one top unit sees.

    Each layer is ``(kernel, stride)`` without padding. The highlighted unit of the top layer
    depends on ``kernel`` units of the layer below, each of those on ``kernel`` below it, and so
    on: the shaded cone. Its width in the input is the receptive field, computed by
    :func:`receptive_fields` and written at every layer. ``figure.receptive_fields`` holds the
    ``(field, jump)`` of each layer and ``figure.seen`` the input pixels the top unit sees.
    """
    layers = [(int(k), int(s)) for k, s in layers]
    if not layers or any(k < 1 or s < 1 for k, s in layers):
        raise ValueError(f"plot_receptive_field: layers are (kernel, stride) pairs of positive ints; got {layers}")
    names = list(names) if names is not None else [f"{k}×{k} {'pool' if s > 1 else 'conv'}, stride {s}"
                                                   for k, s in layers]
    fields = receptive_fields(layers)
    n0 = fields[-1][0] + 2 * fields[-1][1] + 2  # room for a few top units around the highlighted one
    lengths, centres, offset, jump = [n0], [np.arange(n0) + 0.5], 0.5, 1
    for k, s in layers:
        lengths.append((lengths[-1] - k) // s + 1)
        offset, jump = offset + (k - 1) / 2 * jump, jump * s
        centres.append(offset + jump * np.arange(lengths[-1]))
    # the units each layer's highlighted set depends on, from the top down
    chosen = [None] * (len(layers) + 1)
    chosen[-1] = {lengths[-1] // 2}
    for level in range(len(layers), 0, -1):
        k, s = layers[level - 1]
        chosen[level - 1] = {i * s + d for i in chosen[level] for d in range(k)}
    fig, ax = plt.subplots(figsize=(7.0, 0.75 + 0.62 * (len(layers) + 1)))
    cell, row = 0.8, 1.0
    highlight = CLASS_COLOURS[1]
    for level, (xs, picked) in enumerate(zip(centres, chosen)):
        y = level * row
        for i, x in enumerate(xs):
            ax.add_patch(Rectangle((x - cell / 2, y - 0.2), cell, 0.4, fc=highlight if i in picked else "#F2F2F2",
                                   ec="0.35", lw=0.8, zorder=2))
        label = "input" if level == 0 else names[level - 1]
        field = "" if level == 0 else f"   RF {fields[level - 1][0]}"
        ax.text(n0 + 0.4, y, label + field, va="center", fontsize=9)
        if level:
            lo, hi = min(picked), max(picked)
            below = centres[level - 1][sorted(chosen[level - 1])]
            ax.add_patch(Polygon([(xs[lo] - cell / 2, y - 0.2), (xs[hi] + cell / 2, y - 0.2),
                                  (below[-1] + cell / 2, y - row + 0.2), (below[0] - cell / 2, y - row + 0.2)],
                                 fc=highlight, alpha=0.18, ec="none", zorder=1))
    seen = sorted(chosen[0])
    ax.annotate("", xy=(seen[0], -0.45), xytext=(seen[-1] + 1, -0.45),
                arrowprops=dict(arrowstyle="<->", color="0.3", lw=1))
    ax.text((seen[0] + seen[-1] + 1) / 2, -0.55, f"receptive field: {len(seen)} pixels", ha="center", va="top",
            fontsize=9)
    ax.set(xlim=(-0.3, n0 + 5.6), ylim=(-1.0, len(layers) * row + 0.35))
    ax.axis("off")
    fig.tight_layout(pad=0.2)
    fig.receptive_fields, fig.seen = fields, seen
    return fig


def _area(box) -> float:
    x0, y0, x1, y1 = box
    return max(0.0, x1 - x0) * max(0.0, y1 - y0)


def plot_iou(box_a: Sequence[float] = (1, 1, 6, 5), box_b: Sequence[float] = (3, 2, 8, 7)):
    """Two boxes (``x0, y0, x1, y1``): their intersection, their union and ``IoU = |A ∩ B| / |A ∪ B|``.

    ``figure.iou`` holds ``dict(a=, b=, intersection=, union=, iou=)`` (areas in the boxes' units).
    """
    a, b = [tuple(float(v) for v in box) for box in (box_a, box_b)]
    if any(x1 <= x0 or y1 <= y0 for x0, y0, x1, y1 in (a, b)):
        raise ValueError(f"plot_iou: boxes are (x0, y0, x1, y1) with x0 < x1 and y0 < y1; got {a}, {b}")
    inter_box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    inter = _area(inter_box)
    union = _area(a) + _area(b) - inter
    numbers = dict(a=_area(a), b=_area(b), intersection=inter, union=union, iou=inter / union)
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.5), layout="constrained")
    colour_a, colour_b, fill = CLASS_COLOURS[0], CLASS_COLOURS[1], CLASS_COLOURS[2]
    light = tuple(1 - 0.45 * (1 - c) for c in to_rgb(fill))  # fill at 45 % over white
    lo = (min(a[0], b[0]) - 0.8, min(a[1], b[1]) - 0.8)
    hi = (max(a[2], b[2]) + 0.8, max(a[3], b[3]) + 0.8)
    for ax, what in zip(axes, ("intersection", "union")):
        if what == "union":
            for box in (a, b):  # opaque: the shared part is covered once, as the union counts it once
                ax.add_patch(Rectangle(box[:2], box[2] - box[0], box[3] - box[1], fc=light, ec="none"))
        elif inter > 0:
            ax.add_patch(Rectangle(inter_box[:2], inter_box[2] - inter_box[0], inter_box[3] - inter_box[1], fc=fill,
                                   ec="none", alpha=0.7, hatch="///"))
        for box, colour, name in ((a, colour_a, "A"), (b, colour_b, "B")):
            ax.add_patch(Rectangle(box[:2], box[2] - box[0], box[3] - box[1], fill=False, ec=colour, lw=2))
            ax.text(box[0] + 0.15, box[1] + 0.15, name, color=colour, fontsize=11, va="top", fontweight="bold",
                    bbox=dict(fc="white", ec="none", pad=1))
        value = numbers[what]
        ax.set_title(f"{what}: {value:g}" + (" = |A| + |B| − |A ∩ B|" if what == "union" else " = |A ∩ B|"),
                     fontsize=9.5)
        ax.set(xlim=(lo[0], hi[0]), ylim=(hi[1], lo[1]), xticks=[], yticks=[])  # image axes: y down
        ax.set_aspect("equal")
    fig.suptitle(f"IoU = {inter:g} / {union:g} = {numbers['iou']:.2f}    (|A| = {numbers['a']:g}, "
                 f"|B| = {numbers['b']:g})", fontsize=10)
    fig.iou = numbers
    return fig


def _bilinear(feature: np.ndarray, y: float, x: float) -> float:
    """``feature`` at ``(y, x)`` in pixel-centre coordinates (pixel ``k`` centred at ``k``), zero outside."""
    h, w = feature.shape
    if y < -1 or y > h or x < -1 or x > w:
        return 0.0
    y, x = min(max(y, 0.0), h - 1), min(max(x, 0.0), w - 1)
    y0, x0 = int(math.floor(y)), int(math.floor(x))
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    ly, lx = y - y0, x - x0
    return float((1 - ly) * (1 - lx) * feature[y0, x0] + (1 - ly) * lx * feature[y0, x1]
                 + ly * (1 - lx) * feature[y1, x0] + ly * lx * feature[y1, x1])


def plot_roi_align(feature: np.ndarray | None = None, roi: Sequence[float] = (1.3, 0.8, 5.6, 4.9),
                   output: int = 2, sampling: int = 2):
    """RoIPool's rounded bins against RoIAlign's exact bins and bilinear sampling points.

    ``roi`` is ``(x0, y0, x1, y1)`` in feature-map cells (cell ``k`` covers ``[k, k + 1)``). RoIPool
    (Fast R-CNN) rounds the RoI to whole cells, splits it into ``output × output`` bins rounded to
    cells again, and takes each bin's maximum: the bins do not line up with the RoI. RoIAlign
    (Mask R-CNN) keeps the RoI and its bins exact, samples ``sampling × sampling`` points in each
    bin by bilinear interpolation between the four nearest cell centres, and averages them.

    ``figure.roi`` holds ``dict(points=(output, output, sampling², 2) array of (x, y),
    align=(output, output), pool=(output, output), pool_bins=[(x0, y0, x1, y1) cells per bin])``:
    what torchvision's ``roi_align(aligned=True)`` and ``roi_pool`` compute.
    """
    if feature is None:
        feature = np.random.default_rng(3).integers(0, 10, size=(7, 7)).astype(float)
    feature = np.asarray(feature, dtype=float)
    h, w = feature.shape
    x0, y0, x1, y1 = (float(v) for v in roi)
    if not (0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h):
        raise ValueError(f"plot_roi_align: roi (x0, y0, x1, y1) must lie inside the {h}×{w} feature map; got {roi}")
    # RoIAlign: exact bins, sampling points at (i + (s + 0.5) / sampling) bin sizes from the corner
    bin_w, bin_h = (x1 - x0) / output, (y1 - y0) / output
    points = np.zeros((output, output, sampling * sampling, 2))
    align = np.zeros((output, output))
    for i in range(output):
        for j in range(output):
            k = 0
            for sy in range(sampling):
                for sx in range(sampling):
                    px, py = x0 + (j + (sx + 0.5) / sampling) * bin_w, y0 + (i + (sy + 0.5) / sampling) * bin_h
                    points[i, j, k] = px, py
                    align[i, j] += _bilinear(feature, py - 0.5, px - 0.5) / sampling ** 2
                    k += 1
    # RoIPool (torchvision's rounding): the box rounded to cell indices, end inclusive
    cx0, cy0, cx1, cy1 = (int(math.floor(v + 0.5)) for v in (x0, y0, x1, y1))  # C's round(): halves up
    rw, rh = max(cx1 - cx0 + 1, 1), max(cy1 - cy0 + 1, 1)
    pool, pool_bins = np.zeros((output, output)), []
    for i in range(output):
        for j in range(output):
            ys = (min(max(int(math.floor(i * rh / output)) + cy0, 0), h),
                  min(max(int(math.ceil((i + 1) * rh / output)) + cy0, 0), h))
            xs = (min(max(int(math.floor(j * rw / output)) + cx0, 0), w),
                  min(max(int(math.ceil((j + 1) * rw / output)) + cx0, 0), w))
            pool_bins.append((xs[0], ys[0], xs[1], ys[1]))
            region = feature[ys[0]:ys[1], xs[0]:xs[1]]
            pool[i, j] = region.max() if region.size else 0.0

    fig, axes = plt.subplots(1, 2, figsize=(7.0, 4.0), layout="constrained")
    for ax, name in zip(axes, ("RoIPool: rounded to cells", "RoIAlign: exact, bilinear samples")):
        for r in range(h):
            for c in range(w):
                ax.add_patch(Rectangle((c, r), 1, 1, fc="#F7F7F7", ec="0.75", lw=0.6))
                ax.text(c + 0.5, r + 0.5, f"{feature[r, c]:g}", ha="center", va="center", fontsize=7, color="0.45")
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=CLASS_COLOURS[0], lw=2,
                               ls="--" if ax is axes[0] else "-", zorder=4))
        ax.set(xlim=(-0.1, w + 0.1), ylim=(h + 0.1, -0.1), xticks=[], yticks=[])
        ax.set_aspect("equal")
        ax.set_title(name, fontsize=9.5)
    for k, (bx0, by0, bx1, by1) in enumerate(pool_bins):
        axes[0].add_patch(Rectangle((bx0, by0), bx1 - bx0, by1 - by0, fc=CLASS_COLOURS[1 + k % 4], alpha=0.3,
                                    ec=CLASS_COLOURS[1 + k % 4], lw=1.5, zorder=3))
    for i in range(1, output):
        axes[1].plot([x0 + i * bin_w] * 2, [y0, y1], color=CLASS_COLOURS[0], lw=1, zorder=4)
        axes[1].plot([x0, x1], [y0 + i * bin_h] * 2, color=CLASS_COLOURS[0], lw=1, zorder=4)
    axes[1].scatter(points[..., 0].ravel(), points[..., 1].ravel(), s=14, color=CLASS_COLOURS[5], zorder=5)
    px, py = points[0, 0, 0]  # one sample's four neighbours: the cell centres it interpolates between
    for cy in (math.floor(py - 0.5) + 0.5, math.floor(py - 0.5) + 1.5):
        for cx in (math.floor(px - 0.5) + 0.5, math.floor(px - 0.5) + 1.5):
            axes[1].plot([px, cx], [py, cy], color=CLASS_COLOURS[5], lw=0.8, zorder=5)
            axes[1].scatter([cx], [cy], s=10, facecolor="white", edgecolor=CLASS_COLOURS[5], zorder=6)

    def grid(values):
        return " | ".join(" ".join(f"{v:.1f}" for v in row) for row in values)

    axes[0].set_xlabel(f"max per bin: {grid(pool)}", fontsize=8.5)
    axes[1].set_xlabel(f"mean of {sampling * sampling} samples per bin: {grid(align)}", fontsize=8.5)
    fig.suptitle(f"RoI ({x0:g}, {y0:g}) – ({x1:g}, {y1:g}) on a {h}×{w} feature map, {output}×{output} bins",
                 fontsize=10)
    fig.roi = dict(points=points, align=align, pool=pool, pool_bins=pool_bins)
    return fig
