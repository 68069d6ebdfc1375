"""The multi-layer perceptron: backprop through the NumPy network, training it on the digits, and its
PyTorch and Keras twins (parameter counts, forward passes and per-layer gradient norms on the same weights)."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import coursekit  # noqa: F401  (sets the Keras backend and quiet logs before keras loads)
import keras

from coursekit.data import digits
from coursekit.keras import mlp as kmlp
from coursekit.scratch.gradcheck import check_layer, relative_error
from coursekit.scratch.layers import LeakyReLU, Linear, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from coursekit.scratch.mlp import Sequential, layer_gradient_norms, mlp, n_parameters
from coursekit.scratch.training import gradient_descent, minibatches
from coursekit.torch import mlp as tmlp

pytestmark = pytest.mark.filterwarnings("error")

SIZES = [[4, 3], [4, 5, 3], [6, 5, 4, 3]]


def test_mlp_layout():
    model = mlp([64, 32, 16, 10])
    assert [type(layer) for layer in model.layers] == [Linear, ReLU, Linear, ReLU, Linear]
    assert {k: v.shape for k, v in model.params.items()} == {
        "0.W": (64, 32), "0.b": (32,), "2.W": (32, 16), "2.b": (16,), "4.W": (16, 10), "4.b": (10,)}
    assert model.params["0.W"] is model.layers[0].params["W"]  # the layer's own array, not a copy
    same_shapes = mlp([8, 8, 8]).params
    assert not np.allclose(same_shapes["0.W"], same_shapes["2.W"])  # one generator, drawn in turn


@pytest.mark.parametrize("activation", [ReLU, Tanh])
@pytest.mark.parametrize("sizes", SIZES)
def test_backprop_matches_finite_differences(sizes, activation):
    rng = np.random.default_rng(0)
    model = mlp(sizes, activation, rng)
    report = check_layer(model, rng.standard_normal((5, sizes[0])))
    assert set(report) == {"x", *model.params}
    assert max(report.values()) < 1e-6, report


@pytest.mark.parametrize("sizes", SIZES)
def test_backprop_matches_torch(sizes):
    rng = np.random.default_rng(1)
    model = mlp(sizes, Tanh, rng)
    x, y = rng.standard_normal((7, sizes[0])), rng.integers(0, sizes[-1], size=7)
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(model.forward(x), y)
    dx = model.backward(loss_fn.backward())

    params_t = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in model.params.items()}
    h = x_t = torch.from_numpy(x).requires_grad_()
    for i in range(0, len(model.layers), 2):
        h = h @ params_t[f"{i}.W"] + params_t[f"{i}.b"]
        h = torch.tanh(h) if i < len(model.layers) - 1 else h
    loss_t = F.cross_entropy(h, torch.from_numpy(y))
    loss_t.backward()

    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    assert relative_error(dx, x_t.grad.numpy()) < 1e-12
    for k, grad in model.grads.items():
        assert relative_error(grad, params_t[k].grad.numpy()) < 1e-12, k


def test_sgd_on_the_digits_reaches_95_percent():
    data = digits()
    model = mlp([64, 64, 10], rng=np.random.default_rng(0))
    history = gradient_descent(model, data.X_train, data.y_train, lr=0.1, epochs=30, batch_size=32, seed=0)
    assert len(history) == 30 and history[-1] < history[0] / 10
    accuracy = np.mean(model.predict(data.X_test) == data.y_test)
    assert accuracy >= 0.95


def test_train_is_reproducible():
    data = digits()
    X, y = data.X_train[:200], data.y_train[:200]
    runs = [gradient_descent(mlp([64, 16, 10]), X, y, epochs=2, batch_size=32, seed=3) for _ in range(2)]
    assert runs[0] == runs[1]


def test_sequential_of_one_layer_is_that_layer():
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, rng)
    x = rng.standard_normal((4, 3))
    np.testing.assert_array_equal(Sequential([layer]).forward(x), layer.forward(x))


# ---------------------------------------------------------------- the twins in PyTorch and Keras

SCRATCH_ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh, "leaky_relu": LeakyReLU}
TWIN_SIZES = [[3, 2], [5, 4, 3], [8, 7, 6, 5, 4]]


def twins(sizes, activation, seed=0):
    """The NumPy, PyTorch (float64) and Keras networks with the same random weights."""
    rng = np.random.default_rng(seed)
    scratch = mlp(sizes, SCRATCH_ACTIVATIONS[activation], rng)
    for p in scratch.params.values():
        p[...] = rng.standard_normal(p.shape)  # non-zero biases too
    torch_model = tmlp.mlp(sizes, activation).double()
    linears = [m for m in torch_model if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for i, linear in enumerate(linears):
            linear.weight.copy_(torch.from_numpy(scratch.params[f"{2 * i}.W"].T))
            linear.bias.copy_(torch.from_numpy(scratch.params[f"{2 * i}.b"]))
    keras_model = kmlp.mlp(sizes, activation)
    keras_model.set_weights([scratch.params[f"{2 * i}.{k}"] for i in range(len(linears)) for k in "Wb"])
    return scratch, torch_model, keras_model


@pytest.mark.parametrize("sizes", TWIN_SIZES + [[64, 32, 10], [196_608, 10]])
def test_parameter_counts_match_the_formula(sizes):
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert n_parameters(sizes) == expected
    assert sum(p.numel() for p in tmlp.mlp(sizes).parameters()) == expected
    assert kmlp.mlp(sizes).count_params() == expected
    if sizes[0] < 1000:
        assert sum(p.size for p in mlp(sizes).params.values()) == expected


def test_a_flattened_256x256_rgb_image_has_196608_inputs():
    assert 256 * 256 * 3 == 196_608
    assert n_parameters([256 * 256 * 3, 1000, 10]) == 196_608 * 1000 + 1000 + 1000 * 10 + 10


@pytest.mark.parametrize("activation", list(SCRATCH_ACTIVATIONS))
def test_twin_layouts(activation):
    layers = list(tmlp.mlp([5, 4, 3, 2], activation))
    assert [type(m) for m in layers] == [torch.nn.Linear, tmlp.ACTIVATIONS[activation]] * 2 + [torch.nn.Linear]
    dense = kmlp.mlp([5, 4, 3, 2], activation).layers
    assert [d.units for d in dense] == [4, 3, 2]
    assert dense[-1].activation is keras.activations.linear  # logits out


@pytest.mark.parametrize("activation", list(SCRATCH_ACTIVATIONS))
@pytest.mark.parametrize("sizes", TWIN_SIZES)
def test_twins_compute_the_same_logits(sizes, activation):
    scratch, torch_model, keras_model = twins(sizes, activation)
    x = np.random.default_rng(1).standard_normal((6, sizes[0]))
    expected = scratch.forward(x)
    np.testing.assert_allclose(torch_model(torch.from_numpy(x)).detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras_model(x.astype("float32"))), expected,
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("activation", list(SCRATCH_ACTIVATIONS))
@pytest.mark.parametrize("sizes", TWIN_SIZES)
def test_layer_gradient_norms_agree_in_all_three(sizes, activation):
    scratch, torch_model, keras_model = twins(sizes, activation, seed=2)
    rng = np.random.default_rng(3)
    x, y = 0.3 * rng.standard_normal((9, sizes[0])), rng.integers(0, sizes[-1], size=9)
    ours = layer_gradient_norms(scratch, x, y)
    assert ours.shape == (len(sizes) - 1,) and np.all(ours > 0)
    np.testing.assert_allclose(tmlp.layer_gradient_norms(torch_model, x, y), ours, rtol=1e-10)
    np.testing.assert_allclose(kmlp.layer_gradient_norms(keras_model, x.astype("float32"), y), ours, rtol=2e-4)


def test_torch_layer_gradient_norms_do_not_accumulate():
    _, torch_model, _ = twins([5, 4, 3], "tanh")
    x, y = np.ones((2, 5)), np.array([0, 2])
    np.testing.assert_array_equal(tmlp.layer_gradient_norms(torch_model, x, y),
                                  tmlp.layer_gradient_norms(torch_model, x, y))


@pytest.mark.parametrize("activation, vanishes", [("sigmoid", True), ("relu", False)])
def test_gradients_vanish_in_a_deep_sigmoid_network(activation, vanishes):
    """Chapter 4's experiment: the same Glorot initialisation, ten layers, only the activation differs."""
    keras.utils.set_random_seed(0)
    data = digits()
    norms = kmlp.layer_gradient_norms(kmlp.mlp([64] + [32] * 9 + [10], activation), data.X_train[:256],
                                      data.y_train[:256])
    assert (norms[0] / norms[-1] < 1e-3) == vanishes, norms


@pytest.mark.parametrize("batch_size", [1, 4, None])
def test_gradient_descent_on_the_mlp_matches_torch_sgd(batch_size):
    """The one scratch training loop takes the same steps as torch.optim.SGD over the same batches."""
    scratch, torch_model, _ = twins([5, 4, 3], "tanh", seed=4)
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((10, 5)), rng.integers(0, 3, size=10)
    history = gradient_descent(scratch, X, y, lr=0.3, epochs=2, batch_size=batch_size, seed=6)

    optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.3)
    batches = np.random.default_rng(6)
    for _ in range(2):
        for idx in minibatches(len(X), batch_size, batches):
            optimizer.zero_grad()
            F.cross_entropy(torch_model(torch.from_numpy(X[idx])), torch.from_numpy(y[idx])).backward()
            optimizer.step()
    loss = F.cross_entropy(torch_model(torch.from_numpy(X)), torch.from_numpy(y)).item()
    assert history[-1] == pytest.approx(loss, rel=1e-12)
    linears = [m for m in torch_model if isinstance(m, torch.nn.Linear)]
    for i, linear in enumerate(linears):
        np.testing.assert_allclose(scratch.params[f"{2 * i}.W"], linear.weight.detach().numpy().T, rtol=1e-10)
        np.testing.assert_allclose(scratch.params[f"{2 * i}.b"], linear.bias.detach().numpy(), rtol=1e-10)
