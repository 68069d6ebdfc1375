"""coursekit.viz: the computational-graph picture shows every node, edge, value and gradient."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

from coursekit.viz import plot_computational_graph  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")

# f = (x + y) z
GRAPH = dict(edges=[("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")],
             pos={"x": (0, 1), "y": (0, 0), "z": (1, -1), "q": (1, 0.5), "f": (2, 0)},
             labels={"q": "+", "f": "×"})
VALUES = {"x": -2, "y": 5, "z": -4, "q": 3, "f": -12}
GRADS = {"x": -4, "y": -4, "z": 3, "q": -4, "f": 1}


def texts(ax):
    """The text drawn on ``ax`` (arrows are annotations without text)."""
    return [t.get_text() for t in ax.texts if t.get_text()]


def test_inputs_are_boxes_operations_circles_and_edges_arrows():
    ax = plot_computational_graph(**GRAPH, values=VALUES, grads=GRADS)
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == 3  # x, y, z
    assert sum(isinstance(p, Circle) for p in ax.patches) == 2          # q, f
    arrows = [c for c in ax.get_children() if isinstance(c, matplotlib.text.Annotation)]
    assert len(arrows) == len(GRAPH["edges"])
    for arrow in arrows:  # every arrow points from left to right here: the forward direction
        assert arrow.xy[0] > arrow.xyann[0]
    plt.close(ax.figure)


def test_values_and_gradients_are_written_with_the_labels():
    ax = plot_computational_graph(**GRAPH, values=VALUES, grads=GRADS, digits=1)
    shown = texts(ax)
    assert {"x", "y", "z", "+", "×"} <= set(shown)
    assert shown.count("-4.0") == 4  # z's value and the gradients of x, y and q
    assert {"-2.0", "5.0", "3.0", "-12.0", "1.0"} <= set(shown)
    assert len(ax.get_legend().get_texts()) == 2
    plt.close(ax.figure)


def test_forward_only_and_text_values():
    values = {k: f"({k},)" for k in VALUES}
    ax = plot_computational_graph(**GRAPH, values=values)
    assert set(values.values()) <= set(texts(ax))
    assert len(texts(ax)) == 2 * len(VALUES)  # a label and a value per node, no gradient
    assert len(ax.get_legend().get_texts()) == 1
    plt.close(ax.figure)


def test_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_computational_graph(**GRAPH, values=VALUES, ax=ax, title="f") is ax
    assert ax.get_title() == "f"
    plt.close(fig)
