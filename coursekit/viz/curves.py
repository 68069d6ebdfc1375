"""Training curves and decision regions.

Each function draws on ``ax`` (a new figure when ``None``) and returns the axes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.colors import ListedColormap

from coursekit.viz.common import CLASS_COLOURS, axes_or_new


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                           ax=None, title: str | None = None, resolution: int = 200, margin: float = 0.5,
                           class_names: Sequence[str] | None = None, legend: bool = True):
    """Colour the plane by the class ``predict`` assigns, and scatter the data on top.

    Args:
        predict: maps a float32 array ``(m, 2)`` of points to labels ``(m,)``
            (a NumPy array; wrap a framework model with a small lambda).
        X: data points ``(n, 2)``.
        y: their labels ``(n,)``.
        ax: matplotlib axes to draw on.
        title: axes title.
        resolution: grid points per axis.
        margin: space around the data, in data units.
        class_names: legend text of each class (default ``"class 0"``, ``"class 1"``, ...).
        legend: draw the class legend (a colour patch per class) below the axes.
    """
    from matplotlib.patches import Patch

    ax = axes_or_new(ax)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    regions = np.asarray(predict(grid)).reshape(gx.shape)
    classes = int(max(regions.max(), np.max(y))) + 1
    cmap = ListedColormap(CLASS_COLOURS[:classes])
    ax.contourf(gx, gy, regions, levels=np.arange(classes + 1) - 0.5, cmap=cmap, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=classes - 0.5, s=18, edgecolors="white", linewidths=0.5)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.set_aspect("equal")
    if legend:
        names = list(class_names) if class_names is not None else [f"class {k}" for k in range(classes)]
        handles = [Patch(color=CLASS_COLOURS[k], label=names[k]) for k in range(classes)]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=min(classes, 3),
                  frameon=False, fontsize=9, handlelength=1.0, columnspacing=1.0)
    return ax


def plot_curves(curves: Mapping[str, Sequence[float]], ax=None, xlabel: str = "epoch",
                ylabel: str = "loss", title: str | None = None, logy: bool = False,
                legend_loc: str = "best"):
    """One line per named curve, e.g. ``{"SGD": [...], "mini-batch": [...]}``.

    A Keras ``History.history`` or the dict returned by
    :func:`coursekit.torch.training.train` can be passed after picking keys:
    ``plot_curves({k: h[k] for k in ("loss", "val_loss")})``. ``legend_loc`` is
    matplotlib's ``loc``; ``"outside"`` puts the legend to the right of the axes, where it
    can hide no curve.
    """
    ax = axes_or_new(ax)
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name, marker="o" if len(values) < 25 else None, ms=3)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if legend_loc == "outside":
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    else:
        ax.legend(loc=legend_loc)
    return ax
