"""Plots shared by the book and the exercises, one module per kind of picture.

=====================  ==========================================================================
module                 pictures
=====================  ==========================================================================
``common``             the course's style (:func:`style`, ``DPI``) and colours (``CLASS_COLOURS``)
``curves``             training curves, decision regions
``graphs``             computational graphs, fully connected networks, blocks of layers
``architecture``       the diagram of a PyTorch or Keras model, drawn from the model itself
``concepts``           multi-channel convolution, receptive field, IoU, RoIAlign vs RoIPool
``scenes``             detection and segmentation results: boxes, instance masks, class maps
=====================  ==========================================================================

Every function is importable from ``coursekit.viz`` itself (``viz.plot_curves``). Functions that
draw on axes take ``ax`` (a new figure when ``None``) and return the axes; whole figures
(``plot_architecture`` and the concept figures) return the :class:`~matplotlib.figure.Figure`.
Importing this package imports neither PyTorch nor TensorFlow.
"""

from coursekit.viz.architecture import Block, architecture_graph, fuse_followers, plot_architecture
from coursekit.viz.common import CLASS_COLOURS, DPI, style
from coursekit.viz.concepts import (
    plot_iou, plot_multichannel_conv, plot_receptive_field, plot_roi_align, receptive_fields,
)
from coursekit.viz.curves import plot_curves, plot_decision_boundary
from coursekit.viz.graphs import plot_block, plot_computational_graph, plot_network
from coursekit.viz.scenes import LABEL_COLOURS, draw_boxes, draw_masks, draw_semantic

__all__ = [
    "CLASS_COLOURS", "DPI", "LABEL_COLOURS", "style",
    "plot_curves", "plot_decision_boundary",
    "plot_block", "plot_computational_graph", "plot_network",
    "draw_boxes", "draw_masks", "draw_semantic",
    "Block", "architecture_graph", "fuse_followers", "plot_architecture",
    "plot_iou", "plot_multichannel_conv", "plot_receptive_field", "plot_roi_align", "receptive_fields",
]
