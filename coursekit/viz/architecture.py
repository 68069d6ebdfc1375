"""The diagram of a network, drawn from the model itself: layers as blocks, data flow as arrows.

:func:`architecture_graph` runs the model once on zeros and records what it computes:

* **PyTorch** (``torch.nn.Module``): forward hooks on the *leaf* modules (modules without
  children, and modules of the types in ``group``, drawn as one block each) and a
  :class:`torch.overrides.TorchFunctionMode` for the functions called between them
  (``out + identity``, ``torch.cat``, ``F.relu``, ``permute``). A tensor's producer is the
  block that returned it, so the edges are the model's real data flow, skips included.
* **Keras** (a ``Sequential`` or functional ``keras.Model``): the model's own graph, walked back
  from ``model.outputs`` through each tensor's ``_keras_history`` (the node that made it).

:func:`plot_architecture` lays the blocks out top to bottom, one row per step of the longest path
from the input (``rank``), side branches in lanes beside the main one, and an edge that jumps over
rows (a residual skip) on a rail at the right. A model with more rows than ``max_rows`` is folded
into columns that run down, then up, then down (a U-Net comes out as a U).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import matplotlib.pyplot as plt

from coursekit.viz.common import CLASS_COLOURS


@dataclass(frozen=True)
class Block:
    """One box of the diagram.

    Attributes:
        name: unique id (``"input"``, ``"n3"``; Keras: the layer's name).
        label: the text in the box, e.g. ``"Conv2d 1→6, 5×5"``.
        kind: ``"input"``, ``"layer"`` (a module / Keras layer), ``"merge"`` (addition,
            concatenation, product of several tensors) or ``"op"`` (any other function).
        inputs: names of the blocks whose outputs it takes, in call order.
        shapes: the shape of each output tensor, without the batch axis, in the framework's
            own layout (PyTorch channels first, Keras channels last).
        follower: a batch norm, an activation or a dropout: a step that keeps its input's
            shape and that :func:`fuse_followers` can draw in the block of the layer before it.
        followers: the short labels of the followers fused into this block, in order
            (``("BN", "ReLU")``), drawn on its second line before the shape.
    """

    name: str
    label: str
    kind: str
    inputs: tuple[str, ...]
    shapes: tuple[tuple[int | None, ...], ...]
    follower: bool = False
    followers: tuple[str, ...] = ()


def _short(label: str) -> str:
    """A follower's label inside its layer's block: no attribute name, ``BatchNorm2d`` -> ``BN``."""
    return re.sub(r"^BatchNorm(alization)?(\dd)?\b", "BN", label.rpartition(": ")[2])


def fuse_followers(blocks: list[Block]) -> list[Block]:
    """Draw each follower (batch norm, activation, dropout) in the block of the layer it follows.

    A follower is fused when its one input is a ``"layer"`` block that nothing else reads and
    its output has that layer's shape: ``Conv2d 3→16, 3×3`` → ``BatchNorm2d`` → ``LeakyReLU 0.1``
    becomes one block ``Conv2d 3→16, 3×3`` with ``followers = ("BN", "LeakyReLU 0.1")``. A ReLU
    after a merge (ResNet's ``relu(out + identity)``) stays a block of its own. Edges out of a
    fused follower leave from the block that absorbed it.
    """
    readers = Counter(p for b in blocks for p in b.inputs)
    kept: dict[str, Block] = {}
    alias: dict[str, str] = {}
    for b in blocks:
        inputs = tuple(dict.fromkeys(alias.get(p, p) for p in b.inputs))
        host = kept.get(inputs[0]) if len(inputs) == 1 else None
        if b.follower and host is not None and host.kind == "layer" and readers[b.inputs[0]] == 1 \
                and host.shapes == b.shapes:
            kept[host.name] = replace(host, followers=host.followers + (_short(b.label),))
            alias[b.name] = host.name
        else:
            kept[b.name] = replace(b, inputs=inputs)
    return list(kept.values())


def _input_shapes(input_shape) -> list[tuple[int, ...]]:
    """``(1, 28, 28)`` -> one input; ``[(32,), (10,)]`` -> two inputs."""
    shapes = list(input_shape)
    if shapes and all(isinstance(s, int) for s in shapes):
        return [tuple(shapes)]
    if shapes and all(isinstance(s, Sequence) and all(isinstance(d, int) for d in s) for s in shapes):
        return [tuple(s) for s in shapes]
    raise ValueError(f"plot_architecture: input_shape must be a shape without the batch axis, e.g. (1, 28, 28), "
                     f"or a list of such shapes for a model with several inputs; got {input_shape!r}")


def architecture_graph(model, input_shape, group: type | tuple[type, ...] = ()) -> list[Block]:
    """The blocks of ``model`` in the order they compute (every block after its inputs).

    Args:
        model: a ``torch.nn.Module``, or a built or buildable ``keras.Sequential`` / functional
            ``keras.Model``.
        input_shape: the shape of one example without the batch axis, in the framework's layout
            (``(1, 28, 28)`` for PyTorch, ``(28, 28, 1)`` for Keras); a list of shapes for a
            model with several inputs.
        group: PyTorch only: module types drawn as one block each (e.g. ``nn.Sequential`` or
            a residual block class); ``()``: every module without children is a block.
    """
    shapes = _input_shapes(input_shape)
    kind = f"{type(model).__module__}.{type(model).__name__}"
    if _is_torch_module(model):
        return _torch_graph(model, shapes, group)
    if _is_keras_model(model):
        if group:
            raise ValueError("plot_architecture: group is for PyTorch modules; a Keras model nested in another "
                             "is drawn as one block (draw it on its own to see inside)")
        return _keras_graph(model, shapes)
    raise TypeError(f"plot_architecture: expected a torch.nn.Module or a keras.Model, got {kind}")


def _is_torch_module(model) -> bool:
    import sys

    return "torch" in sys.modules and isinstance(model, sys.modules["torch"].nn.Module)


def _is_keras_model(model) -> bool:
    import sys

    return "keras" in sys.modules and isinstance(model, sys.modules["keras"].Model)


def _shape(t) -> tuple:
    return tuple(None if d is None else int(d) for d in t.shape[1:])


def _pair(v) -> str:
    v = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    return "×".join(str(int(d)) for d in v)


def _stride(v) -> str:
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    return f"stride {v[0]}" if len(set(v)) == 1 else f"stride {_pair(v)}"


# --------------------------------------------------------------------------------------- PyTorch

#: function name -> (label, kind) for the functions drawn as merges or named ops
_TORCH_OPS = {
    "add": ("+", "merge"), "__add__": ("+", "merge"), "__iadd__": ("+", "merge"), "__radd__": ("+", "merge"),
    "cat": ("concat", "merge"), "concat": ("concat", "merge"), "concatenate": ("concat", "merge"),
    "stack": ("stack", "merge"), "mul": ("×", "merge"), "__mul__": ("×", "merge"), "__rmul__": ("×", "merge"),
    "__getitem__": ("slice", "op"), "view": ("reshape", "op"), "reshape": ("reshape", "op"),
}
#: functions that only re-label their input: dropped when the shape does not change
_TORCH_PASS_THROUGH = {"__getitem__", "contiguous", "to", "float", "clone", "detach", "type_as"}
#: functions that are followers (see :class:`Block`) when they keep the shape
_TORCH_FOLLOWERS = {"relu", "relu_", "leaky_relu", "gelu", "silu", "elu", "sigmoid", "tanh", "dropout",
                    "batch_norm"}


def _torch_follower(m) -> bool:
    import torch.nn as nn

    return isinstance(m, (nn.modules.batchnorm._NormBase, nn.modules.dropout._DropoutNd)) or \
        (type(m).__module__ == "torch.nn.modules.activation" and not isinstance(m, nn.MultiheadAttention))


def _torch_label(m) -> str:
    import torch.nn as nn

    name = type(m).__name__
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
                      nn.ConvTranspose3d)):
        text = f"{name} {m.in_channels}→{m.out_channels}, {_pair(m.kernel_size)}"
        return text + (f", {_stride(m.stride)}" if max(m.stride) > 1 else "")
    if isinstance(m, nn.Linear):
        return f"{name} {m.in_features}→{m.out_features}"
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d, nn.MaxPool1d, nn.AvgPool1d)):
        return f"{name} {_pair(m.kernel_size)}"
    if isinstance(m, nn.Dropout):
        return f"{name} {m.p:g}"
    if isinstance(m, nn.LeakyReLU):
        return f"{name} {m.negative_slope:g}"
    return name


def _flatten(obj):
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _flatten(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _flatten(item)
    else:
        yield obj


def _torch_graph(model, shapes, group) -> list[Block]:
    import torch
    from torch.overrides import TorchFunctionMode

    leaves: dict[object, str] = {}
    for qualname, module in model.named_modules():
        if any(q == "" or qualname.startswith(q + ".") for q in leaves.values()):
            continue  # inside a block already
        if not list(module.children()) or isinstance(module, group):
            leaves[module] = qualname

    blocks: list[Block] = []
    producer: dict[int, str] = {}
    keep: list = []  # every recorded tensor stays alive, so no id is reused
    state = {"inside": 0, "pending": []}

    def tensors(obj):
        return [t for t in _flatten(obj) if isinstance(t, torch.Tensor)]

    def parents(obj) -> list[str]:
        found: list[str] = []
        for t in tensors(obj):
            name = producer.get(id(t))
            if name is not None and name not in found:
                found.append(name)
        return found

    def record(label, kind, inputs, output, name=None, follower=False):
        outs = tensors(output)
        name = name or f"n{len(blocks)}"
        blocks.append(Block(name, label, kind, tuple(inputs), tuple(tuple(t.shape[1:]) for t in outs),
                            follower))
        for t in outs:
            producer[id(t)] = name
            keep.append(t)

    def pre_hook(module, args, kwargs):
        if state["inside"] == 0:
            state["pending"].append(parents((args, kwargs)))
        state["inside"] += 1

    def post_hook(module, args, kwargs, output):
        state["inside"] -= 1
        if state["inside"] == 0:
            label, attribute = _torch_label(module), leaves[module].rpartition(".")[2]
            if list(module.children()) and leaves[module]:  # a group: its name in the model says which one
                label = f"{leaves[module]}: {label}"
            elif attribute and not attribute.isdigit():  # a named layer (self.mu), not one of a Sequential
                label = f"{attribute}: {label}"
            record(label, "layer", state["pending"].pop(), output, follower=_torch_follower(module))

    class Recorder(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            if state["inside"] == 0:
                inputs, outs = parents((args, kwargs)), tensors(out)
                name = getattr(func, "__name__", str(func))
                if inputs and outs:
                    same = len(inputs) == 1 and [b.shapes for b in blocks if b.name == inputs[0]][0] == (
                        tuple(outs[0].shape[1:]),)
                    if name in _TORCH_PASS_THROUGH and same and len(outs) == 1:
                        producer[id(outs[0])] = inputs[0]  # a no-op view: its input stands for it
                        keep.append(outs[0])
                    else:
                        label, kind = _TORCH_OPS.get(name, (name.strip("_"), "op"))
                        numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
                        if kind == "merge" and len(inputs) == 1 and len(numbers) == 1:
                            label = f"{label} {numbers[0]:g}"  # x * 0.5: a scalar, not a merge
                        record(label, kind if len(inputs) > 1 or kind == "op" else "op", inputs, out,
                               follower=name in _TORCH_FOLLOWERS)
            return out

    examples = [torch.zeros((2, *s)) for s in shapes]
    for i, x in enumerate(examples):
        record("input", "input", (), x, name="input" if len(examples) == 1 else f"input{i}")
    handles = [m.register_forward_pre_hook(pre_hook, with_kwargs=True) for m in leaves] + \
              [m.register_forward_hook(post_hook, with_kwargs=True) for m in leaves]
    training = model.training
    try:
        model.eval()
        with torch.no_grad(), Recorder():
            model(*examples)
    except Exception as error:
        raise ValueError(f"plot_architecture: {type(model).__name__} failed on zeros of shape "
                         f"{[tuple(x.shape) for x in examples]} (batch of 2 + input_shape, channels first): "
                         f"{type(error).__name__}: {error}") from error
    finally:
        for h in handles:
            h.remove()
        model.train(training)
    return blocks


# ----------------------------------------------------------------------------------------- Keras

_KERAS_MERGES = {"Add", "Concatenate", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Dot"}
_KERAS_FOLLOWERS = {"BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax",
                    "Dropout", "SpatialDropout2D"}


def _keras_label(layer) -> str:
    import keras

    name = type(layer).__name__
    config = layer.get_config() if hasattr(layer, "get_config") else {}
    activation = config.get("activation")
    extra = f", {activation}" if isinstance(activation, str) and activation != "linear" else ""
    if "filters" in config and "kernel_size" in config:
        strides = config.get("strides", 1)
        strides = tuple(strides) if isinstance(strides, (tuple, list)) else (strides,)
        stride = f", {_stride(strides)}" if max(strides) > 1 else ""
        return f"{name} {config['filters']}, {_pair(config['kernel_size'])}{stride}{extra}"
    if "units" in config:
        return f"{name} {config['units']}{extra}"
    if "pool_size" in config:
        return f"{name} {_pair(config['pool_size'])}"
    if name == "Activation":
        return f"{activation}"
    if name == "Dropout":
        return f"Dropout {config['rate']:g}"
    if isinstance(layer, keras.Model):
        return f"{layer.name} ({name})"
    return name


def _keras_graph(model, shapes) -> list[Block]:
    import keras

    if not isinstance(model, keras.Sequential) and not hasattr(model, "outputs"):
        raise TypeError(f"plot_architecture: {type(model).__name__} is a subclassed keras.Model, which has no "
                        "graph to draw; draw its functional or Sequential parts (e.g. model.encoder)")
    if not model.built:
        if len(shapes) != 1:
            raise ValueError("plot_architecture: an unbuilt Keras model takes one input_shape")
        model.build((None, *shapes[0]))
    outputs, inputs = list(model.outputs), list(model.inputs)
    given = [(None, *s) for s in shapes]
    actual = [tuple(t.shape) for t in inputs]
    if len(given) != len(actual) or any(len(g) != len(a) or any(x is not None and x != y for x, y in zip(a, g))
                                        for g, a in zip(given, actual)):
        raise ValueError(f"plot_architecture: input_shape {shapes} does not match the model's inputs "
                         f"{[a[1:] for a in actual]} (Keras layout: channels last, no batch axis)")

    blocks: list[Block] = []
    names: dict[tuple[int, int], str] = {}

    def visit(tensor) -> str:
        operation, node_index, _ = tensor._keras_history
        key = (id(operation), node_index)
        if key in names:
            return names[key]
        node = operation._inbound_nodes[node_index]
        parents = []
        for t in node.input_tensors:
            p = visit(t)
            if p not in parents:
                parents.append(p)
        kind = "input" if node.is_input else "merge" if type(operation).__name__ in _KERAS_MERGES else "layer"
        label = "input" if node.is_input else _keras_label(operation)
        name = operation.name if node_index == 0 or len(operation._inbound_nodes) == 1 else \
            f"{operation.name}/{node_index}"
        names[key] = name
        blocks.append(Block(name, label, kind, tuple(parents), tuple(_shape(t) for t in node.output_tensors),
                            type(operation).__name__ in _KERAS_FOLLOWERS))
        return name

    for t in inputs + outputs:
        visit(t)
    return blocks


# --------------------------------------------------------------------------------------- drawing

_COLOURS = {"input": "#DCEBF7", "layer": "#FBE7C6", "merge": "#D5EFE4", "op": "#EEEEEE"}

BLOCK_WIDTH, BLOCK_HEIGHT, LANE, ROW, RAIL = 2.3, 0.44, 2.55, 0.66, 0.16  # inches


def _layout(blocks: list[Block], max_rows: int):
    """Each block's ``(group, lane, row)``: rank = longest path from an input, lanes for branches."""
    rank: dict[str, int] = {}
    for b in blocks:
        rank[b.name] = 1 + max((rank[p] for p in b.inputs), default=-1)
    ranks = max(rank.values()) + 1
    groups = math.ceil(ranks / max_rows)
    per_group = math.ceil(ranks / groups)
    height: dict[str, int] = {b.name: 0 for b in blocks}  # longest path on to an output
    for b in reversed(blocks):
        for p in b.inputs:
            height[p] = max(height[p], height[b.name] + 1)
    heir: dict[str, str] = {}  # the child that carries a block's lane on: the one with the longest way to go
    for b in blocks:
        for p in b.inputs:
            if p not in heir or height[b.name] > height[heir[p]]:
                heir[p] = b.name
    lane: dict[str, int] = {}
    used: dict[int, set[int]] = {}
    heirs = set(heir.values())
    for b in sorted(blocks, key=lambda b: (rank[b.name], b.name not in heirs)):  # sorted() is stable
        taken = used.setdefault(rank[b.name], set())
        own = [lane[p] for p in b.inputs if heir[p] == b.name and lane[p] not in taken]
        choice = min(own) if own else next(k for k in range(len(blocks)) if k not in taken)
        lane[b.name] = choice
        taken.add(choice)
    place = {}
    for b in blocks:
        group, row = divmod(rank[b.name], per_group)
        place[b.name] = (group, lane[b.name], row if group % 2 == 0 else per_group - 1 - row)
    return place, groups, per_group


def _shape_text(shapes) -> str:
    return ", ".join("×".join("?" if d is None else str(d) for d in s) or "scalar" for s in shapes)


def plot_architecture(model, input_shape, group: type | tuple[type, ...] = (), max_rows: int = 12,
                      title: str | None = None, width: float = 7.0, fuse: bool = False):
    """Draw ``model`` as blocks with their output shapes, arrows for the data flow, skips on rails.

    Args:
        model: a ``torch.nn.Module`` or a Keras ``Sequential`` / functional model.
        input_shape: one example's shape without the batch axis, in the framework's layout
            (PyTorch ``(1, 28, 28)``, Keras ``(28, 28, 1)``); a list of shapes for several inputs.
        group: PyTorch: module types drawn as one block each (``nn.Sequential``, a residual
            block class); ``()``: every module without children is a block.
        max_rows: more rows than this fold into columns (down, up, down, ...).
        title: figure title.
        width: the most inches the figure may be wide (7: the book's column); a wider layout
            is scaled down to it.
        fuse: draw batch norms, activations and dropouts in the block of the layer they follow
            (:func:`fuse_followers`): a conv-BN-ReLU stack takes one row instead of three.

    Returns:
        The matplotlib Figure; ``figure.architecture`` holds the :class:`Block` list drawn.
    """
    from matplotlib.patches import FancyBboxPatch

    blocks = architecture_graph(model, input_shape, group=group)
    if fuse:
        blocks = fuse_followers(blocks)
    place, groups, per_group = _layout(blocks, max_rows)
    lanes = [1 + max((l for g, l, _ in place.values() if g == group), default=0) for group in range(groups)]

    def same_group_jump(src, dst):
        (g0, _, r0), (g1, _, r1) = place[src], place[dst]
        return g0 == g1 and abs(r1 - r0) > 1

    def lane_clear(src, dst):
        """No block sits between ``src`` and ``dst`` in ``src``'s lane (the edge can run down it)."""
        (g, l, r0), (_, _, r1) = place[src], place[dst]
        lo, hi = sorted((r0, r1))
        return not any(gg == g and ll == l and lo < rr < hi for gg, ll, rr in place.values())

    jumps = [(p, b.name) for b in blocks for p in b.inputs
             if same_group_jump(p, b.name) and not lane_clear(p, b.name)]
    rails = [sum(1 for s, d in jumps if place[d][0] == group) for group in range(groups)]
    gap = 0.45
    lefts, x = [], 0.25
    for group in range(groups):
        lefts.append(x)
        x += lanes[group] * LANE - (LANE - BLOCK_WIDTH) + (rails[group] + 1) * RAIL + gap
    total_w = x - gap + 0.1
    top = 0.45 if title else 0.15
    total_h = top + per_group * ROW + 0.1
    scale = min(1.0, width / total_w)
    fig = plt.figure(figsize=(total_w * scale, total_h * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, total_w), ylim=(-total_h, 0))
    ax.axis("off")
    font = 8.0 * scale

    def centre(name):
        g, l, r = place[name]
        return lefts[g] + l * LANE + BLOCK_WIDTH / 2, -(top + r * ROW + BLOCK_HEIGHT / 2)

    for b in blocks:
        cx, cy = centre(b.name)
        ax.add_patch(FancyBboxPatch((cx - BLOCK_WIDTH / 2, cy - BLOCK_HEIGHT / 2), BLOCK_WIDTH, BLOCK_HEIGHT,
                                    boxstyle="round,pad=0,rounding_size=0.07", fc=_COLOURS[b.kind], ec="0.3",
                                    lw=0.9, zorder=2))
        ax.text(cx, cy + 0.075, b.label, ha="center", va="center", fontsize=font * min(1.0, 31 / len(b.label)),
                zorder=3)
        below = " → ".join([", ".join(b.followers)] * bool(b.followers) + [_shape_text(b.shapes)])
        ax.text(cx, cy - 0.105, below, ha="center", va="center", fontsize=font * 0.9,
                color="0.35", zorder=3)

    arrow = dict(arrowstyle="-|>", color="0.35", lw=0.9, shrinkA=0, shrinkB=0, mutation_scale=8)
    skip = dict(arrow, color=CLASS_COLOURS[1], lw=1.2)
    used_rails = [0] * groups
    half_w, half_h = BLOCK_WIDTH / 2, BLOCK_HEIGHT / 2
    for b in blocks:
        for p in b.inputs:
            (x0, y0), (x1, y1) = centre(p), centre(b.name)
            g0, g1 = place[p][0], place[b.name][0]
            if (p, b.name) in jumps:  # out of the source's right side, down a rail, into the target's right
                g = g1
                rail_x = lefts[g] + lanes[g] * LANE - (LANE - BLOCK_WIDTH) + (used_rails[g] + 1) * RAIL
                used_rails[g] += 1
                ax.plot([x0 + half_w, rail_x, rail_x], [y0, y0, y1], color=skip["color"], lw=skip["lw"], zorder=1)
                ax.annotate("", xy=(x1 + half_w, y1), xytext=(rail_x, y1), arrowprops=skip).set_zorder(1)
            elif g0 != g1:  # into the next column: side to side
                sx = 1 if x1 > x0 else -1
                ax.annotate("", xy=(x1 - sx * half_w, y1), xytext=(x0 + sx * half_w, y0),
                            arrowprops=arrow).set_zorder(1)
            else:
                down = 1 if y1 < y0 else -1
                if x0 != x1 and abs(place[b.name][2] - place[p][2]) > 1:  # down its own lane, then across
                    ax.plot([x0, x0], [y0 - down * half_h, y1 + down * (half_h + 0.12)], color="0.35", lw=0.9,
                            zorder=1)
                    y0 = y1 + down * (half_h + 0.12) + down * half_h
                ax.annotate("", xy=(x1, y1 + down * half_h), xytext=(x0, y0 - down * half_h),
                            arrowprops=arrow).set_zorder(1)
    if title:
        ax.text(total_w / 2, -0.22, title, ha="center", va="center", fontsize=10 * scale)
    fig.architecture = blocks
    return fig
