"""Residual and Inception blocks against torchvision and the published parameter counts, and the
PyTorch -> Keras conversion of the course backbone."""

from __future__ import annotations

import numpy as np
import pytest

import coursekit  # noqa: F401  (import order: coursekit first)
import torch
import torchvision

from coursekit.torch.resnet import Bottleneck, CourseResNet, InceptionAux, InceptionBlock, ResidualBlock


def n_params(module) -> int:
    return sum(p.numel() for p in module.parameters())


#: torchvision.models name -> published parameter count (the papers' architectures, torchvision's zoo)
PUBLISHED = {"alexnet": 61_100_840, "vgg16": 138_357_544, "vgg19": 143_667_240, "resnet18": 11_689_512,
             "resnet34": 21_797_672, "resnet50": 25_557_032, "resnet101": 44_549_160, "resnet152": 60_192_808}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_torchvision_parameter_counts(name):
    with torch.device("meta"):  # shapes only: no memory, no initialisation
        model = torchvision.models.get_model(name, weights=None)
    assert n_params(model) == PUBLISHED[name]


def test_googlenet_counts_with_and_without_auxiliary_classifiers():
    with torch.device("meta"):
        with_aux = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False)
        without = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
    assert (n_params(with_aux), n_params(without)) == (13_004_888, 6_624_904)


@pytest.mark.parametrize("c_in, c_out, stride, layer", [(64, 64, 1, "layer1"), (64, 128, 2, "layer2")])
def test_residual_block_is_torchvisions_basic_block(c_in, c_out, stride, layer):
    reference = getattr(torchvision.models.resnet18(weights=None), layer)[0]
    torch.manual_seed(0)
    for bn in (m for m in reference.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.5, 2), bn.weight.data.uniform_(0.5, 2)
    block = ResidualBlock(c_in, c_out, stride)
    block.load_state_dict(reference.state_dict())  # same names, same shapes
    assert n_params(block) == n_params(reference) == 9 * c_in * c_out + 9 * c_out**2 + 4 * c_out + (
        c_in * c_out + 2 * c_out if stride != 1 else 0)
    x = torch.randn(2, c_in, 9, 9)
    for mode in ("train", "eval"):
        getattr(block, mode)(), getattr(reference, mode)()
        torch.testing.assert_close(block(x), reference(x))
    assert block(x).shape == (2, c_out, 9 // stride + (9 % stride > 0), 9 // stride + (9 % stride > 0))


def test_inception_block_count_and_shape():
    # GoogLeNet's inception (3a): 192 -> 64 | 96->128 | 16->32 | pool->32 = 256 channels
    block = InceptionBlock(192, 64, 96, 128, 16, 32, 32)
    weights = 192 * 64 + 192 * 96 + 96 * 128 * 9 + 192 * 16 + 16 * 32 * 25 + 192 * 32
    biases = 64 + 96 + 128 + 16 + 32 + 32
    assert n_params(block) == weights + biases == 163_696
    assert block(torch.randn(1, 192, 7, 7)).shape == (1, 256, 7, 7)


def _random_statistics(module):
    torch.manual_seed(0)
    for bn in (m for m in module.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.5, 2)
        bn.weight.data.uniform_(0.5, 1.5), bn.bias.data.uniform_(-0.5, 0.5)
    return module


@pytest.mark.parametrize("c_in, width, stride, layer", [(64, 64, 1, "layer1"), (256, 128, 2, "layer2")])
def test_bottleneck_is_torchvisions_bottleneck(c_in, width, stride, layer):
    reference = _random_statistics(getattr(torchvision.models.resnet50(weights=None), layer)[0])
    block = Bottleneck(c_in, width, stride)
    block.load_state_dict(reference.state_dict())  # same names, same shapes
    c_out = 4 * width
    formula = c_in * width + 9 * width**2 + 4 * width**2 + 2 * (width + width + c_out) + c_in * c_out + 2 * c_out
    assert n_params(block) == n_params(reference) == formula
    x = torch.randn(2, c_in, 9, 9)
    for mode in ("train", "eval"):
        getattr(block, mode)(), getattr(reference, mode)()
        torch.testing.assert_close(block(x), reference(x))
    assert block(x).shape == (2, c_out, 5 if stride == 2 else 9, 5 if stride == 2 else 9)


def test_keras_bottleneck_gives_the_same_outputs():
    import keras

    from coursekit.keras.resnet import bottleneck_block, load_torch_weights

    torch_block = _random_statistics(Bottleneck(32, 16, stride=2)).eval()
    inputs = keras.Input((9, 9, 32))
    model = keras.Model(inputs, bottleneck_block(inputs, 16, stride=2, name="block"))
    load_torch_weights(model, {f"block.{k}": v for k, v in torch_block.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 32, 9, 9)).astype(np.float32)
    expected = torch_block(torch.from_numpy(x)).detach().numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(np.asarray(model(x.transpose(0, 2, 3, 1), training=False)), expected,
                               rtol=1e-4, atol=1e-4)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == n_params(torch_block)


@pytest.mark.parametrize("aux, c_in", [("aux1", 512), ("aux2", 528)])
def test_inception_aux_is_torchvisions_auxiliary_classifier(aux, c_in):
    import keras

    from coursekit.keras.resnet import inception_aux

    googlenet = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False)
    reference = _random_statistics(getattr(googlenet, aux)).eval()
    head = InceptionAux(c_in).eval()
    head.load_state_dict(reference.state_dict())
    x = torch.randn(2, c_in, 14, 14)
    torch.testing.assert_close(head(x), reference(x))
    expected = 128 * c_in + 2 * 128 + 2049 * 1024 + 1025 * 1000
    assert n_params(head) == n_params(reference) == expected
    inputs = keras.Input((14, 14, c_in))
    twin = keras.Model(inputs, inception_aux(inputs))
    assert twin.output.shape == (None, 1000)
    assert sum(int(np.prod(w.shape)) for w in twin.trainable_weights) == expected


def test_auxiliary_heads_are_the_difference_of_googlenets_two_counts():
    assert (128 * 512 + 2 * 128 + 2049 * 1024 + 1025 * 1000) + (128 * 528 + 2 * 128 + 2049 * 1024 + 1025 * 1000) \
        == 13_004_888 - 6_624_904


@pytest.fixture(scope="module")
def trained_like():
    """A CourseResNet with random weights *and* non-trivial batch-norm statistics."""
    torch.manual_seed(0)
    net = CourseResNet(26)
    for bn in (m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-1, 1), bn.running_var.uniform_(0.5, 2)
        bn.weight.data.uniform_(0.5, 1.5), bn.bias.data.uniform_(-0.5, 0.5)
    return net.eval()


def test_keras_twin_gives_the_same_outputs(trained_like):
    from coursekit.keras.resnet import course_resnet, load_torch_weights

    x = np.random.default_rng(0).random((5, 1, 28, 28), dtype=np.float32)
    model = load_torch_weights(course_resnet(26), trained_like.state_dict())
    expected = trained_like(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(np.asarray(model(x.transpose(0, 2, 3, 1), training=False)), expected,
                               rtol=1e-4, atol=1e-5)
    # count_params also counts the batch-norm moving statistics, PyTorch's parameters() does not
    bn_stats = sum(2 * m.num_features for m in trained_like.modules() if isinstance(m, torch.nn.BatchNorm2d))
    assert model.count_params() == n_params(trained_like) + bn_stats


def test_conversion_refuses_a_mismatched_state_dict(trained_like):
    from coursekit.keras.resnet import course_resnet, load_torch_weights

    state = dict(trained_like.state_dict())
    state["extra.weight"] = torch.zeros(1)
    with pytest.raises(ValueError, match="extra.weight"):
        load_torch_weights(course_resnet(26), state)
    del state["extra.weight"], state["head.bias"]
    with pytest.raises(KeyError, match="head"):
        load_torch_weights(course_resnet(26), state)


def test_dense_kernel_after_flatten_matches_the_permuted_inputs():
    from coursekit.keras.resnet import dense_kernel_after_flatten

    rng = np.random.default_rng(0)
    maps = rng.standard_normal((3, 4, 2, 5))             # (n, c, h, w)
    weight = rng.standard_normal((7, 4 * 2 * 5))          # nn.Linear after flatten: (out, c*h*w)
    kernel = dense_kernel_after_flatten(weight, 4, 2, 5)  # Dense after Flatten of (n, h, w, c)
    torch_out = maps.reshape(3, -1) @ weight.T
    keras_out = maps.transpose(0, 2, 3, 1).reshape(3, -1) @ kernel
    np.testing.assert_allclose(keras_out, torch_out, rtol=1e-12)
