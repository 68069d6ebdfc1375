"""coursekit.viz: graphs, networks and decision regions show every node, edge and label; 2x style."""

import io
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

from coursekit.viz import DPI, plot_computational_graph, plot_decision_boundary, plot_network, style  # noqa: E402

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


def lines_between(ax, x0, x1):
    """The connection lines of a network drawing that run from column ``x0`` to column ``x1``."""
    return [line for line in ax.lines if x0 < line.get_xdata()[0] < line.get_xdata()[1] < x1]


def circles(ax):
    return [p for p in ax.patches if isinstance(p, Circle)]


def test_network_draws_every_neuron_and_every_weight():
    ax = plot_network([2, 3, 1])
    assert len(circles(ax)) == 6
    assert len(ax.lines) == 2 * 3 + 3 * 1  # one line per weight of Linear(2, 3) and Linear(3, 1)
    xs = sorted({round(c.center[0], 6) for c in circles(ax)})
    assert len(xs) == 3  # three columns, input left of hidden left of output
    assert len(lines_between(ax, xs[0], xs[1])) == 6 and len(lines_between(ax, xs[1], xs[2])) == 3
    shown = texts(ax)
    assert {"input\n(2)", "hidden 1\n(3)", "output\n(1)"} <= set(shown)
    plt.close(ax.figure)


def test_network_labels_nodes_and_edges():
    ax = plot_network([2, 1], labels=["inputs", "output"], node_labels=[["x₁", "x₂"], ["ŷ"]],
                      edge_labels={(0, 0, 0): "w₁", (0, 1, 0): "w₂"}, title="perceptron")
    assert {"x₁", "x₂", "ŷ", "w₁", "w₂", "inputs\n(2)", "output\n(1)"} <= set(texts(ax))
    assert ax.get_title() == "perceptron"
    plt.close(ax.figure)


def test_wide_layers_are_shortened_with_an_ellipsis():
    ax = plot_network([784, 3, 10], max_nodes=6)
    assert len(circles(ax)) == 5 + 3 + 5  # six slots per wide layer, one of them the gap
    assert texts(ax).count("⋮") == 2
    assert len(ax.lines) == 5 * 3 + 3 * 5
    assert "input\n(784)" in texts(ax)
    assert ax.figure.get_size_inches()[0] <= 7
    plt.close(ax.figure)


def test_network_rejects_bad_sizes():
    with pytest.raises(ValueError, match="two layers"):
        plot_network([3])
    with pytest.raises(ValueError, match="labels"):
        plot_network([2, 1], labels=["only one"])


def test_decision_regions_have_a_class_legend():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 2])
    ax = plot_decision_boundary(lambda p: (p.sum(axis=1) > 1).astype(int) + (p[:, 1] > p[:, 0]), X, y,
                                class_names=["a", "b", "c"], resolution=20)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    plt.close(ax.figure)
    ax = plot_decision_boundary(lambda p: np.zeros(len(p), int), X[:2], y[:2], resolution=20)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    plt.close(ax.figure)


def test_style_draws_figures_at_twice_their_size():
    with matplotlib.rc_context():
        style()
        assert matplotlib.rcParams["savefig.dpi"] == 2 * matplotlib.rcParams["figure.dpi"]
        fig, _ = plt.subplots(figsize=(3, 2))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    width, height = struct.unpack(">II", buffer.getvalue()[16:24])  # the PNG header's IHDR chunk
    assert (width, height) == (3 * 2 * DPI, 2 * 2 * DPI)


def test_each_picture_module_imports_on_its_own_without_a_circle():
    """``coursekit.viz`` is a package of one module per kind of picture; none imports the package itself."""
    import subprocess
    import sys
    from pathlib import Path

    import coursekit.viz as viz

    folder = Path(viz.__file__).parent
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert {"common", "curves", "graphs", "architecture", "concepts", "scenes"} <= set(modules)
    for module in modules:
        assert "from coursekit.viz import" not in (folder / f"{module}.py").read_text(), module
        code = f"import coursekit.viz.{module}"
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    functions = [getattr(viz, name) for name in viz.__all__ if callable(getattr(viz, name))]
    assert all(f.__module__.startswith("coursekit.viz.") for f in functions)
