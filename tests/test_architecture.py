"""coursekit.viz.plot_architecture: the blocks, shapes and edges it draws are the ones the framework
reports (torch.fx's traced graph and shape propagation; Keras's serialized config), and each is drawn."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402
from torch import nn  # noqa: E402

from coursekit.viz import architecture_graph, fuse_followers, plot_architecture  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")


def edges(blocks):
    """``(source, target)`` positions in the list, for a comparison that ignores names."""
    index = {b.name: i for i, b in enumerate(blocks)}
    return sorted((index[p], i) for i, b in enumerate(blocks) for p in b.inputs)


def fx_graph(model, input_shape):
    """The oracle: torch.fx's graph of ``model`` (modules and functions, in call order), shapes by ShapeProp."""
    from torch.fx import symbolic_trace
    from torch.fx.passes.shape_prop import ShapeProp

    traced = symbolic_trace(model.eval())
    ShapeProp(traced).propagate(torch.zeros(2, *input_shape))
    nodes = [n for n in traced.graph.nodes if n.op in ("placeholder", "call_module", "call_function", "call_method")]
    index = {n: i for i, n in enumerate(nodes)}
    shapes = [tuple(n.meta["tensor_meta"].shape[1:]) for n in nodes]
    names = [type(traced.get_submodule(n.target)).__name__ if n.op == "call_module" else str(n.target) for n in nodes]
    fx_edges = sorted((index[a], index[n]) for n in nodes for a in n.all_input_nodes if a in index)
    return names, shapes, fx_edges


def check_against_fx(model, input_shape):
    blocks = architecture_graph(model, input_shape)
    names, shapes, fx_edges = fx_graph(model, input_shape)
    assert [b.shapes[0] for b in blocks] == shapes
    assert edges(blocks) == fx_edges
    for b, name in zip(blocks, names):
        if b.kind == "layer":
            assert name in b.label, (name, b.label)
    return blocks


def test_sequential_is_a_chain_of_its_layers_with_their_shapes():
    from coursekit.torch.cnn import lenet5

    model = lenet5()
    blocks = architecture_graph(model, (1, 28, 28))
    assert [b.label.split()[0] for b in blocks[1:]] == [type(m).__name__ for m in model]
    x, shapes = torch.zeros(1, 1, 28, 28), []
    for layer in model:
        x = layer(x)
        shapes.append((tuple(x.shape[1:]),))
    assert [b.shapes for b in blocks[1:]] == shapes
    assert edges(blocks) == [(i, i + 1) for i in range(len(model))]
    check_against_fx(model, (1, 28, 28))


def test_residual_block_has_its_skip_and_projection():
    from coursekit.torch.resnet import ResidualBlock

    for block, shape in [(ResidualBlock(16, 16), (16, 8, 8)), (ResidualBlock(16, 32, stride=2), (16, 8, 8))]:
        blocks = check_against_fx(block, shape)
        (add,) = [b for b in blocks if b.label == "+"]
        assert add.kind == "merge" and len(add.inputs) == 2
        if block.downsample is None:
            assert "input" in add.inputs, "the identity skip runs from the input to the addition"
        else:
            assert "input" not in add.inputs, "the skip runs through the 1×1 projection"


class TinyUNet(nn.Module):
    """Two levels, a concatenation skip per level (torch.fx can trace it: no shape arithmetic)."""

    def __init__(self):
        super().__init__()
        self.enc1, self.enc2 = nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Conv2d(16, 32, 3, padding=1)
        self.up2, self.dec2 = nn.ConvTranspose2d(32, 16, 2, stride=2), nn.Conv2d(32, 16, 3, padding=1)
        self.up1, self.dec1 = nn.ConvTranspose2d(16, 8, 2, stride=2), nn.Conv2d(16, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        e1 = torch.relu(self.enc1(x))
        e2 = torch.relu(self.enc2(self.pool(e1)))
        m = self.mid(self.pool(e2))
        d2 = self.dec2(torch.cat([e2, self.up2(m)], dim=1))
        d1 = self.dec1(torch.cat([e1, self.up1(d2)], dim=1))
        return self.head(d1)


def test_unet_like_model_has_concatenation_skips():
    blocks = check_against_fx(TinyUNet(), (3, 16, 16))
    cats = [b for b in blocks if b.label == "concat"]
    assert [b.shapes for b in cats] == [((32, 8, 8),), ((16, 16, 16),)]
    by_name = {b.name: b for b in blocks}
    assert [by_name[c.inputs[0]].label for c in cats] == ["relu", "relu"]  # the encoder's maps


def test_course_unet_grouped_into_its_blocks():
    """UNet crops with shape arithmetic (torch.fx cannot trace it); hooks can, and ``group`` folds blocks."""
    from coursekit.torch.segmentation import UNet

    model = UNet(3, 4, base=8, depth=2)
    blocks = architecture_graph(model, (3, 32, 32), group=nn.Sequential)
    assert [b.label.split(":")[0] for b in blocks if b.label.endswith("Sequential")] == \
        ["down.0", "down.1", "bottleneck", "decode.0", "decode.1"]
    cats = [b for b in blocks if b.label == "concat"]
    by_name = {b.name: b for b in blocks}
    assert [[by_name[p].label.split(":")[0] for p in c.inputs] for c in cats] == [
        ["down.1", "ConvTranspose2d 32→16, 2×2, stride 2"], ["down.0", "ConvTranspose2d 16→8, 2×2, stride 2"]]
    assert blocks[-1].shapes == (tuple(model(torch.zeros(1, 3, 32, 32)).shape[1:]),)
    assert model.training, "the model's mode is restored"


def keras_oracle(model):
    """Layer names, output shapes and inbound layers from Keras's own serialized config."""
    def histories(obj):
        if isinstance(obj, dict):
            if "keras_history" in obj:
                yield obj["keras_history"][0]
            else:
                for v in obj.values():
                    yield from histories(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                yield from histories(v)

    config = model.get_config()["layers"]
    inbound = {layer["name"]: list(dict.fromkeys(histories(layer["inbound_nodes"]))) for layer in config}
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    return inbound, shapes


def test_keras_functional_model_with_a_skip():
    import keras

    from coursekit.keras.resnet import residual_block

    inputs = keras.Input((8, 8, 16))
    model = keras.Model(inputs, residual_block(inputs, 32, stride=2))
    blocks = architecture_graph(model, (8, 8, 16))
    inbound, shapes = keras_oracle(model)
    assert {b.name: list(b.inputs) for b in blocks} == inbound
    assert {b.name: b.shapes[0] for b in blocks} == shapes
    (add,) = [b for b in blocks if b.kind == "merge"]
    assert add.label == "Add" and len(add.inputs) == 2


def test_keras_unet_and_sequential():
    import keras

    from coursekit.keras.cnn import lenet5
    from coursekit.keras.segmentation import unet

    model = unet((32, 32, 3), base=8, depth=2)
    blocks = architecture_graph(model, (32, 32, 3))
    inbound, shapes = keras_oracle(model)
    assert {b.name: list(b.inputs) for b in blocks} == inbound
    assert {b.name: b.shapes[0] for b in blocks} == shapes
    assert sum(b.label == "Concatenate" for b in blocks) == 2
    lenet = lenet5()
    blocks = architecture_graph(lenet, (28, 28, 1))
    assert [b.name for b in blocks[1:]] == [layer.name for layer in lenet.layers]
    assert [b.shapes[0] for b in blocks[1:]] == [tuple(layer.output.shape[1:]) for layer in lenet.layers]
    unbuilt = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    assert [b.shapes for b in architecture_graph(unbuilt, (3,))] == [((3,),), ((4,),), ((2,),)]


def test_figure_draws_every_block_shape_and_edge_within_the_column():
    from coursekit.torch.resnet import ResidualBlock

    fig = plot_architecture(ResidualBlock(16, 32, stride=2), (16, 8, 8), title="basic block")
    blocks = fig.architecture
    ax = fig.axes[0]
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == len(blocks)
    shown = [t.get_text() for t in ax.texts]
    for b in blocks:
        assert b.label in shown and "×".join(map(str, b.shapes[0])) in shown
    arrows = [c for c in ax.get_children() if isinstance(c, Annotation) and not c.get_text()]
    assert len(arrows) == len(edges(blocks))
    assert "basic block" in shown
    assert fig.get_size_inches()[0] <= 7.0
    plt.close(fig)


def test_long_models_fold_into_columns():
    from coursekit.torch.detection import TinyYOLO

    fig = plot_architecture(TinyYOLO(), (3, 64, 64), max_rows=10)
    width, height = fig.get_size_inches()
    assert width <= 7.0 and height < 8
    xs = {round(p.get_x(), 3) for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)}
    assert len(xs) >= 3, "26 rows fold into at least three columns"
    plt.close(fig)


def conv_stacks(layers, host_types):
    """The oracle for fusing: walk a framework's own list of layers; each host (a convolution, a
    pooling) starts a stack, the layers up to the next host are its followers.
    ``[(host type, number of followers)]``."""
    stacks = []
    for layer in layers:
        if isinstance(layer, host_types):
            stacks.append([type(layer).__name__, 0])
        else:
            stacks[-1][1] += 1
    return [tuple(s) for s in stacks]


class SkipAfterConv(nn.Module):
    """The convolution's output is read twice (by the batch norm and by the sum): nothing may fuse into it."""

    def __init__(self):
        super().__init__()
        self.conv, self.bn = nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4)

    def forward(self, x):
        y = self.conv(x)
        return torch.relu(self.bn(y) + y)


def test_fuse_draws_batch_norms_and_activations_in_their_layers_block():
    import keras

    from coursekit.keras.detection import tiny_yolo
    from coursekit.torch.detection import TinyYOLO
    from coursekit.torch.resnet import ResidualBlock

    model = TinyYOLO()
    fused = fuse_followers(architecture_graph(model, (3, 64, 64)))
    layers = [b for b in fused if b.kind == "layer"]
    assert [(b.label.rpartition(": ")[2].split()[0], len(b.followers)) for b in layers] == \
        conv_stacks(list(model.features) + [model.head], (nn.Conv2d, nn.MaxPool2d))
    assert {b.followers for b in layers} == {(), ("BN", "LeakyReLU 0.1")}
    names = [b.name for b in fused]
    assert all(p in names[:i] for i, b in enumerate(fused) for p in b.inputs), "edges from kept blocks only"
    assert edges(fused)[:len(layers)] == [(i, i + 1) for i in range(len(layers))], "input → ... → head"

    keras_model = tiny_yolo()
    hosts = (keras.layers.Conv2D, keras.layers.MaxPooling2D)
    chain = keras_model.layers[1:]
    chain = chain[:max(i for i, layer in enumerate(chain) if isinstance(layer, keras.layers.Conv2D)) + 1]
    keras_fused = fuse_followers(architecture_graph(keras_model, (64, 64, 3)))
    assert [(b.label.split()[0], len(b.followers)) for b in keras_fused
            if b.label.split()[0] in ("Conv2D", "MaxPooling2D")] == conv_stacks(chain, hosts)

    block = fuse_followers(architecture_graph(ResidualBlock(8, 8), (8, 4, 4)))
    assert [b.label for b in block][-2:] == ["+", "relu"], "a ReLU after a merge keeps its own block"
    assert [b.followers for b in block if b.kind == "layer"] == [("BN", "relu"), ("BN",)]
    skip = fuse_followers(architecture_graph(SkipAfterConv(), (4, 4, 4)))
    assert [b.followers for b in skip] == [()] * len(skip) and len(skip) == 5

    fig = plot_architecture(TinyYOLO(), (3, 64, 64), fuse=True, max_rows=14)
    shown = [t.get_text() for t in fig.axes[0].texts]
    assert "BN, LeakyReLU 0.1 → 16×64×64" in shown and fig.get_size_inches()[0] <= 7.0
    assert len(fig.architecture) == len(fused)
    plt.close(fig)


def test_bad_input_is_named():
    import keras

    from coursekit.keras.vae import VAE
    from coursekit.torch.cnn import lenet5

    with pytest.raises(ValueError, match=r"failed on zeros of shape \[\(2, 28, 28, 1\)\]"):
        architecture_graph(lenet5(), (28, 28, 1))  # Keras's layout given to a PyTorch model
    with pytest.raises(ValueError, match="input_shape must be a shape"):
        architecture_graph(lenet5(), "28x28")
    with pytest.raises(ValueError, match="does not match the model's inputs"):
        architecture_graph(keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()]), (1, 28, 28))
    with pytest.raises(TypeError, match="subclassed"):
        architecture_graph(VAE(), (28, 28))
    with pytest.raises(TypeError, match="expected a torch.nn.Module or a keras.Model"):
        architecture_graph(object(), (3,))
