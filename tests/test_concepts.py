"""coursekit.viz concept figures: the numbers they draw agree with PyTorch and torchvision."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

from coursekit import viz  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [fig._suptitle.get_text() if fig._suptitle else ""] \
        + [ax.get_title() for ax in fig.axes] + [ax.get_xlabel() for ax in fig.axes]


def test_multichannel_conv_states_the_shapes_torch_computes():
    fig = viz.plot_multichannel_conv(in_channels=3, filters=2, size=6, kernel=3)
    conv = torch.nn.Conv2d(3, 2, 3)
    out = conv(torch.zeros(1, 3, 6, 6))
    shown = " ".join(texts(fig))
    assert f"output: {' × '.join(map(str, out.shape[1:]))}" in shown
    assert f"= {conv.weight.numel()} (+ {conv.bias.numel()} biases)" in shown
    assert fig.get_size_inches()[0] <= 7.0
    plt.close(fig)
    with pytest.raises(ValueError, match="input channels"):
        viz.plot_multichannel_conv(in_channels=9)


@pytest.mark.parametrize("in_channels, filters", [(1, 1), (3, 2), (2, 3), (4, 4)])
def test_multichannel_conv_draws_every_square_inside_the_figure(in_channels, filters):
    """No input plane, filter slice or feature map is cut at the figure's edge (three filters were)."""
    fig = viz.plot_multichannel_conv(in_channels=in_channels, filters=filters, size=5, kernel=3)
    ax = fig.axes[0]
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    squares = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    assert len(squares) == in_channels + filters * (in_channels + 2)  # input planes; slices, map, its frame
    for p in squares:
        assert x_lo <= p.get_x() and p.get_x() + p.get_width() <= x_hi
        assert y_lo <= p.get_y() and p.get_y() + p.get_height() <= y_hi
    plt.close(fig)


@pytest.mark.parametrize("layers", [[(3, 1), (3, 1), (2, 2), (3, 1)], [(5, 2), (3, 2), (3, 1)]])
def test_receptive_field_is_the_input_a_unit_depends_on(layers):
    """The oracle: the input pixels with a non-zero gradient of one top unit (all-ones weights)."""
    fig = viz.plot_receptive_field(layers)
    n = 64
    x = torch.ones(1, 1, 1, n, requires_grad=True)
    y = x
    for k, s in layers:
        conv = torch.nn.Conv2d(1, 1, (1, k), stride=(1, s), bias=False)
        torch.nn.init.ones_(conv.weight)
        y = conv(y)
    y[0, 0, 0, y.shape[-1] // 2].backward()
    seen = torch.nonzero(x.grad[0, 0, 0]).ravel()
    fields = [f for f, _ in fig.receptive_fields]
    assert fields[-1] == len(seen) == int(seen[-1] - seen[0] + 1)
    assert len(fig.seen) == fields[-1]
    assert f"receptive field: {fields[-1]} pixels" in texts(fig)
    for field in fields:
        assert any(t.endswith(f"RF {field}") for t in texts(fig))
    plt.close(fig)


def test_receptive_field_sizes_by_the_formula():
    assert viz.receptive_fields([(3, 1)] * 3) == [(3, 1), (5, 1), (7, 1)]  # three 3x3 convs see 7x7
    assert viz.receptive_fields([(2, 2), (2, 2)]) == [(2, 2), (4, 4)]
    with pytest.raises(ValueError, match="positive"):
        viz.plot_receptive_field([(0, 1)])


@pytest.mark.parametrize("a, b", [((1, 1, 6, 5), (3, 2, 8, 7)), ((0, 0, 2, 2), (3, 3, 4, 4)),
                                  ((0, 0, 4, 4), (1, 1, 3, 3))])
def test_iou_matches_torchvision(a, b):
    fig = viz.plot_iou(a, b)
    expected = torchvision.ops.box_iou(torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))
    assert fig.iou["iou"] == pytest.approx(float(expected))
    assert f"= {float(expected):.2f}" in fig._suptitle.get_text()
    plt.close(fig)
    with pytest.raises(ValueError, match="x0 < x1"):
        viz.plot_iou((2, 0, 1, 1), b)


def test_iou_union_covers_the_shared_part_once():
    """The union is shaded in one opaque colour: a darker overlap would count |A ∩ B| twice."""
    fig = viz.plot_iou()
    union = fig.axes[1]
    fills = [p for p in union.patches if p.get_fill()]
    assert len(fills) == 2
    assert all(p.get_facecolor()[3] == 1.0 for p in fills)
    assert fills[0].get_facecolor() == fills[1].get_facecolor()
    plt.close(fig)


@pytest.mark.parametrize("roi, output, sampling", [((1.3, 0.8, 5.6, 4.9), 2, 2), ((0.2, 2.7, 6.9, 6.1), 3, 2),
                                                   ((2.0, 1.0, 4.5, 3.5), 2, 3)])
def test_roi_align_and_roi_pool_match_torchvision(roi, output, sampling):
    feature = np.random.default_rng(1).normal(size=(7, 7))
    fig = viz.plot_roi_align(feature, roi, output=output, sampling=sampling)
    f = torch.tensor(feature)[None, None]
    box = torch.tensor([[0.0, *roi]], dtype=torch.float64)
    align = torchvision.ops.roi_align(f, box, output, spatial_scale=1.0, sampling_ratio=sampling, aligned=True)
    pool = torchvision.ops.roi_pool(f, box, output, spatial_scale=1.0)
    np.testing.assert_allclose(fig.roi["align"], align[0, 0].numpy(), atol=1e-12)
    np.testing.assert_allclose(fig.roi["pool"], pool[0, 0].numpy(), atol=1e-12)
    points = fig.roi["points"]
    assert points.shape == (output, output, sampling ** 2, 2)
    assert (points[..., 0] > roi[0]).all() and (points[..., 0] < roi[2]).all()
    assert len(fig.axes[1].collections[0].get_offsets()) == output * output * sampling ** 2
    plt.close(fig)
    with pytest.raises(ValueError, match="inside the 7×7 feature map"):
        viz.plot_roi_align(feature, (5, 5, 9, 9))
