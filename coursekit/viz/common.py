"""The course's figure style and the colours every kind of picture shares.

:func:`style` (called by :func:`coursekit.setup` inside Jupyter) makes every figure of a
page sharp on a high-resolution screen.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

#: colour-blind-safe pair / palette used for classes throughout the course
CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


#: figures are drawn at this many dots per inch and saved at twice that (2x, "retina")
DPI = 100


def style() -> None:
    """Set the course's figure style: sharp 2x PNGs with readable labels.

    A figure keeps its size in inches (at most 7 wide on a book page, the width of the
    text column), but its PNG has twice the pixels, so the lines and the 9-10 pt tick
    labels stay crisp on a high-resolution screen and when the browser zooms. Inside
    Jupyter the inline backend writes "retina" PNGs (drawn at 2x, shown at 1x); elsewhere
    ``savefig`` writes 2x files.
    """
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.dpi": DPI, "savefig.dpi": 2 * DPI, "figure.figsize": (6.0, 4.0),
        "font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10,
        "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9,
    })
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - plain Python, no Jupyter
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def axes_or_new(ax, figsize=(4, 4)):
    """``ax`` itself, or the axes of a new figure of ``figsize`` inches when ``ax`` is ``None``."""
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]
