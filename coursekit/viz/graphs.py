"""Graphs and networks: computational graphs, fully connected networks, blocks of layers.

Each function draws on ``ax`` (a new figure when ``None``) and returns the axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from coursekit.viz.common import CLASS_COLOURS


def plot_computational_graph(edges: Sequence[tuple[str, str]], pos: Mapping[str, tuple[float, float]],
                             values: Mapping[str, float | str], grads: Mapping[str, float | str] | None = None,
                             labels: Mapping[str, str] | None = None, ax=None, title: str | None = None,
                             digits: int = 2, radius: float = 0.3):
    """Draw a computational graph with its forward values and, optionally, its backward gradients.

    Inputs (nodes that no edge points to) are boxes, operations are circles, and an
    arrow runs along every edge in the direction of the forward pass. Each node carries
    its forward value (blue) and, when ``grads`` is given, the gradient of the graph's
    output with respect to it (red), which is what the backward pass computes: above
    and below a circle, on the left of a box.

    Args:
        edges: ``(source, target)`` pairs of node names: ``target`` is computed from ``source``.
        pos: node name -> ``(x, y)`` centre; inputs on the left, the output on the right.
        values: node name -> forward value (a number, or text such as a shape).
        grads: node name -> ``d output / d node`` (a number or text); ``None`` draws the
            forward pass only.
        labels: node name -> text inside the node (default: the name), e.g. ``"×"``.
        ax: matplotlib axes to draw on (a new figure sized to the graph when ``None``).
        title: axes title.
        digits: decimals shown for numbers.
        radius: node size, in the units of ``pos``.

    Example, ``f = (x + y) z``::

        plot_computational_graph(
            edges=[("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")],
            pos={"x": (0, 1), "y": (0, 0), "z": (1, -1), "q": (1, 0.5), "f": (2, 0)},
            values={"x": -2, "y": 5, "z": -4, "q": 3, "f": -12},
            grads={"x": -4, "y": -4, "z": 3, "q": -4, "f": 1},
            labels={"q": "+", "f": "×"})
    """
    from matplotlib.patches import Circle, FancyBboxPatch, Patch

    forward, backward = CLASS_COLOURS[0], "#D55E00"
    labels = labels or {}
    computed = {target for _, target in edges}
    xs, ys = np.array(list(pos.values()), dtype=float).T
    if ax is None:
        ax = plt.subplots(figsize=(1.5 * np.ptp(xs) + 1.5, 1.5 * np.ptp(ys) + 2.0))[1]
    half_height = 0.8 * radius  # of an input's box; its half width is ``radius``

    def as_text(value) -> str:
        return value if isinstance(value, str) else f"{float(value) + 0.0:.{digits}f}"

    def boundary(name: str, ux: float, uy: float) -> tuple[float, float]:
        """The point where a ray from the centre of ``name`` in direction ``(ux, uy)`` leaves the node."""
        x, y = pos[name]
        if name in computed:
            r = radius
        else:
            r = min(radius / abs(ux) if ux else np.inf, half_height / abs(uy) if uy else np.inf)
        return x + r * ux, y + r * uy

    for source, target in edges:
        (x0, y0), (x1, y1) = pos[source], pos[target]
        ux, uy = np.array([x1 - x0, y1 - y0]) / np.hypot(x1 - x0, y1 - y0)
        ax.annotate("", xy=boundary(target, -ux, -uy), xytext=boundary(source, ux, uy),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2, shrinkA=0, shrinkB=0))
    note = dict(fontsize=9, zorder=4, bbox=dict(fc="white", ec="none", pad=0.5, alpha=0.85))
    for name, (x, y) in pos.items():
        if name in computed:  # a circle; the value above it, the gradient below it
            shape = Circle((x, y), radius, fc="#F2F2F2", ec="0.25", lw=1.2, zorder=2)
            x_text, dy, align = x, radius + 0.06, "center"
        else:  # a box; the value and the gradient on its left, one above the other
            shape = FancyBboxPatch((x - radius, y - half_height), 2 * radius, 2 * half_height,
                                   boxstyle=f"round,pad=0,rounding_size={radius / 3}", fc="white", ec="0.25",
                                   lw=1.2, zorder=2)
            x_text, dy, align = x - radius - 0.08, 0.02, "right"
        ax.add_patch(shape)
        ax.text(x, y, labels.get(name, name), ha="center", va="center", fontsize=12, zorder=3)
        ax.text(x_text, y + dy, as_text(values[name]), ha=align, va="bottom", color=forward, **note)
        if grads is not None:
            ax.text(x_text, y - dy, as_text(grads[name]), ha=align, va="top", color=backward, **note)
    handles = [Patch(color=forward, label="forward value")]
    if grads is not None:
        handles.append(Patch(color=backward, label="gradient of the output with respect to the node"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), frameon=False,
              fontsize=9)
    ax.set(xlim=(xs.min() - radius - 0.8, xs.max() + radius + 0.5),
           ylim=(ys.min() - radius - 0.45, ys.max() + radius + 0.45), title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_network(sizes: Sequence[int], labels: Sequence[str] | None = None,
                 node_labels: Sequence[Sequence[str]] | None = None,
                 edge_labels: Mapping[tuple[int, int, int], str] | None = None, ax=None,
                 title: str | None = None, max_nodes: int = 6, radius: float = 0.22):
    """Draw a fully connected network: one column of neurons per layer, a line per weight.

    Layer 0 is the input, the last layer the output, the ones between are hidden. Every
    neuron of a layer is connected to every neuron of the next (a ``Linear`` / ``Dense``
    layer, ``sizes[l] * sizes[l + 1]`` weights). A layer with more than ``max_nodes``
    neurons is drawn with its first and last few and a "⋮" between them; its label then
    gives the true width.

    Args:
        sizes: neurons per layer, input first, e.g. ``[2, 1]`` (a perceptron) or
            ``[2, 3, 1]`` (one hidden layer of 3).
        labels: text under each layer (default ``"input"``, ``"hidden 1"``, ...,
            ``"output"``), followed by its width.
        node_labels: text inside each drawn neuron, one sequence per layer
            (e.g. ``[["x₁", "x₂"], ["ŷ"]]``); ``None`` leaves them empty.
        edge_labels: ``(layer, i, j) -> text`` written on the connection from neuron
            ``i`` of layer ``layer`` to neuron ``j`` of layer ``layer + 1``
            (e.g. ``{(0, 0, 0): "w₁"}``); only for neurons that are drawn.
        ax: matplotlib axes to draw on (a new figure sized to the network when ``None``).
        title: axes title.
        max_nodes: the most neurons drawn per layer.
        radius: neuron radius, in units of the distance between two neurons of a layer.
    """
    from matplotlib.patches import Circle

    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"plot_network: need at least two layers of at least one neuron, got {sizes}")
    if labels is None:
        labels = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
    if len(labels) != len(sizes):
        raise ValueError(f"plot_network: {len(labels)} labels for {len(sizes)} layers")
    shown = [n if n <= max_nodes else max_nodes for n in sizes]
    tallest = max(shown)
    x_gap = 2.0
    xlim = (-0.6, (len(sizes) - 1) * x_gap + 0.6)
    ylim = (-(tallest - 1) / 2 - 1.0, (tallest - 1) / 2 + 0.5)
    if ax is None:  # 0.9 inch per unit (the gap between two neurons), at most 7 inches wide
        scale = min(0.9, 7.0 / np.ptp(xlim))
        ax = plt.subplots(figsize=(scale * np.ptp(xlim), scale * np.ptp(ylim) + 0.3))[1]

    def column(layer: int) -> tuple[list[float], list[int | None]]:
        """The y of each drawn slot, top first, and the neuron in it (``None``: the "⋮" gap)."""
        n, m = sizes[layer], shown[layer]
        slots = list(range(n)) if n <= m else list(range(m // 2)) + [None] + list(range(n - (m - m // 2 - 1), n))
        return [(len(slots) - 1) / 2 - row for row in range(len(slots))], slots

    columns = [column(layer) for layer in range(len(sizes))]
    colours = ["#DCEBF7"] + ["#FBE7C6"] * (len(sizes) - 2) + ["#D5EFE4"]
    for layer in range(len(sizes) - 1):
        (ys_a, ids_a), (ys_b, ids_b) = columns[layer], columns[layer + 1]
        for ya, i in zip(ys_a, ids_a):
            for yb, j in zip(ys_b, ids_b):
                if i is None or j is None:
                    continue
                x0, x1 = layer * x_gap, (layer + 1) * x_gap
                ax.plot([x0 + radius, x1 - radius], [ya, yb], color="0.55", lw=0.8, zorder=1)
                text = (edge_labels or {}).get((layer, i, j))
                if text:
                    t = 0.35  # near the source: labels of edges leaving one neuron do not collide
                    ax.text(x0 + radius + t * (x1 - x0 - 2 * radius), ya + t * (yb - ya), text, fontsize=9,
                            ha="center", va="center", zorder=3,
                            bbox=dict(fc="white", ec="none", pad=0.3, alpha=0.9))
    for layer, (ys, ids) in enumerate(columns):
        x = layer * x_gap
        names = node_labels[layer] if node_labels is not None else None
        for y, k in zip(ys, ids):
            if k is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=14)
                continue
            ax.add_patch(Circle((x, y), radius, fc=colours[layer], ec="0.25", lw=1.2, zorder=2))
            if names is not None and k < len(names):
                ax.text(x, y, names[k], ha="center", va="center", fontsize=10, zorder=3)
        ax.text(x, -(tallest - 1) / 2 - radius - 0.25, f"{labels[layer]}\n({sizes[layer]})", ha="center",
                va="top", fontsize=9)
    ax.set(xlim=xlim, ylim=ylim, title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_block(branches: Sequence[Sequence[str]], merge: str, skip: str | None = None,
               input_label: str = "input", ax=None, title: str | None = None):
    """Draw a network block as a flow diagram: the input on top, parallel branches of layers,
    and the operation that merges them at the bottom.

    A residual block is one branch plus a ``skip`` arrow around it, merged by an addition; an
    Inception block is four branches merged by a concatenation::

        plot_block([["3×3 conv, BN, ReLU", "3×3 conv, BN"]], "add, ReLU", skip="identity")
        plot_block([["1×1"], ["1×1", "3×3"], ["1×1", "5×5"], ["3×3 max pool", "1×1"]], "concatenate")

    Args:
        branches: for each branch, the labels of its layers, top to bottom.
        merge: the label of the box that merges the branches (and the skip).
        skip: label of an arrow from the input straight to the merge (``None``: no skip).
        input_label: the label of the top box.
        ax: matplotlib axes (a new figure when ``None``).
        title: axes title.
    """
    from matplotlib.patches import FancyBboxPatch

    depth = max(len(b) for b in branches)
    columns = len(branches) + (skip is not None)
    longest = max(len(t) for t in [merge, input_label, *(t for b in branches for t in b)])
    width, gap = max(1.4, 0.12 * longest), 0.3
    xs = [i * (width + gap) for i in range(len(branches))]
    centre = (xs[0] + xs[-1]) / 2
    if ax is None:
        ax = plt.subplots(figsize=(min(7.0, 1.5 + 1.35 * columns), 1.1 + 0.75 * (depth + 2)))[1]

    def box(x, y, text, colour):
        ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.25), width, 0.5, boxstyle="round,pad=0.04",
                                    fc=colour, ec="0.3", lw=1))
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(x0, y0, x1, y1, text=None):
        ax.annotate("", (x1, y1), (x0, y0), arrowprops=dict(arrowstyle="->", color="0.35", lw=1))
        if text:
            ax.text((x0 + x1) / 2 + 0.08, (y0 + y1) / 2, text, fontsize=9, ha="left", va="center", color="0.25")

    top, bottom = 0.0, -(depth + 1)
    box(centre, top, input_label, "#DCEBF7")
    box(centre, bottom, merge, "#D5EFE4")
    for x, layers in zip(xs, branches):
        ys = [-(k + 1) for k in range(len(layers))]
        arrow(centre, top - 0.3, x, ys[0] + 0.3)
        for k, (y, text) in enumerate(zip(ys, layers)):
            box(x, y, text, "#FBE7C6")
            if k:
                arrow(x, ys[k - 1] - 0.3, x, y + 0.3)
        if len(layers) < depth:  # a short branch runs down beside the others before it merges
            ax.plot([x, x], [ys[-1] - 0.25, -depth - 0.3], color="0.35", lw=1)
        arrow(x, -depth - 0.3, centre, bottom + 0.3)
    right = xs[-1] + width / 2 + 0.2
    if skip is not None:
        skip_x = right + 0.3
        ax.plot([centre + width / 2, skip_x, skip_x], [top, top, bottom], color=CLASS_COLOURS[1], lw=1.6)
        ax.annotate("", (centre + width / 2, bottom), (skip_x, bottom),
                    arrowprops=dict(arrowstyle="->", color=CLASS_COLOURS[1], lw=1.6))
        ax.text(skip_x + 0.08, (top + bottom) / 2, skip, fontsize=9, color=CLASS_COLOURS[1], rotation=90,
                ha="left", va="center")
        right = skip_x + 0.5
    ax.set(xlim=(xs[0] - width / 2 - 0.2, max(right, centre + width / 2 + 0.2)), ylim=(bottom - 0.5, top + 0.5),
           title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
