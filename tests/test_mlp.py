"""coursekit.scratch.mlp: backprop through a whole network, and training it on the digits."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from coursekit.data import digits
from coursekit.scratch.gradcheck import check_layer, relative_error
from coursekit.scratch.layers import Linear, ReLU, SoftmaxCrossEntropy, Tanh
from coursekit.scratch.mlp import Sequential, mlp, predict, train

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
    history = train(model, data.X_train, data.y_train, lr=0.1, epochs=30, batch_size=32, seed=0)
    assert len(history) == 30 and history[-1] < history[0] / 10
    accuracy = np.mean(predict(model, data.X_test) == data.y_test)
    assert accuracy >= 0.95


def test_train_is_reproducible():
    data = digits()
    X, y = data.X_train[:200], data.y_train[:200]
    runs = [train(mlp([64, 16, 10]), X, y, epochs=2, seed=3) for _ in range(2)]
    assert runs[0] == runs[1]


def test_sequential_of_one_layer_is_that_layer():
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, rng)
    x = rng.standard_normal((4, 3))
    np.testing.assert_array_equal(Sequential([layer]).forward(x), layer.forward(x))
