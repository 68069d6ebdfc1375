"""coursekit.scratch.layers: every backward pass against finite differences and torch.autograd."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from coursekit.scratch.gradcheck import check_layer, check_loss, relative_error
from coursekit.scratch.layers import Linear, LeakyReLU, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh

pytestmark = pytest.mark.filterwarnings("error")

# name -> (make the layer from an input width and a generator, the same function in PyTorch)
LAYERS = {
    "linear": (lambda d, rng: Linear(d, 3, rng), lambda x, p: x @ p["W"] + p["b"]),
    "relu": (lambda d, rng: ReLU(), lambda x, p: F.relu(x)),
    "leaky_relu": (lambda d, rng: LeakyReLU(0.1), lambda x, p: F.leaky_relu(x, 0.1)),
    "sigmoid": (lambda d, rng: Sigmoid(), lambda x, p: torch.sigmoid(x)),
    "tanh": (lambda d, rng: Tanh(), lambda x, p: torch.tanh(x)),
}
SHAPES = [(1, 4), (5, 3), (8, 6)]


def make(name, shape, seed=0):
    """A layer, a float64 input for it and a float64 upstream gradient for its output."""
    rng = np.random.default_rng(seed)
    layer = LAYERS[name][0](shape[-1], rng)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(layer.forward(x).shape)
    return layer, x, dout


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", LAYERS)
def test_backward_matches_finite_differences(name, shape):
    layer, x, _ = make(name, shape)
    report = check_layer(layer, x)
    assert set(report) == {"x", *layer.params}
    assert max(report.values()) < 1e-6, report


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", LAYERS)
def test_forward_and_backward_match_torch(name, shape):
    layer, x, dout = make(name, shape, seed=1)
    out = layer.forward(x)
    dx = layer.backward(dout)

    x_t = torch.from_numpy(x).requires_grad_()
    params_t = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in layer.params.items()}
    out_t = LAYERS[name][1](x_t, params_t)
    out_t.backward(torch.from_numpy(dout))

    assert out.dtype == dx.dtype == np.float64
    assert relative_error(out, out_t.detach().numpy()) < 1e-12
    assert relative_error(dx, x_t.grad.numpy()) < 1e-12
    assert set(layer.grads) == set(layer.params)
    for k, p_t in params_t.items():
        assert layer.grads[k].shape == layer.params[k].shape
        assert relative_error(layer.grads[k], p_t.grad.numpy()) < 1e-12, k


@pytest.mark.parametrize("shape", [(2, 3, 4), (6,)])
@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_activation_layers_take_any_shape(name, shape):
    layer, x, _ = make(name, shape)
    assert layer.params == layer.grads == {}
    assert max(check_layer(layer, x).values()) < 1e-6


def test_linear_init():
    layer = Linear(200, 300, np.random.default_rng(0))
    W, b = layer.params["W"], layer.params["b"]
    assert W.shape == (200, 300) and b.shape == (300,) and W.dtype == np.float64
    assert np.all(b == 0)
    assert W.std() == pytest.approx(np.sqrt(2 / 200), rel=0.02)  # He initialisation
    assert Linear(3, 2, scale=0.5).params["W"].std() < Linear(3, 2, scale=5.0).params["W"].std()
    np.testing.assert_array_equal(Linear(3, 2).params["W"], Linear(3, 2).params["W"])  # default_rng(0)


def logits_and_labels(n, k, seed=0, scale=3.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, k)), rng.integers(0, k, size=n)


@pytest.mark.parametrize("n, k", [(1, 2), (5, 3), (16, 10)])
def test_softmax_cross_entropy_matches_torch(n, k):
    logits, labels = logits_and_labels(n, k)
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(logits, labels)
    dlogits = loss_fn.backward()

    z = torch.from_numpy(logits).requires_grad_()
    loss_t = F.cross_entropy(z, torch.from_numpy(labels))
    loss_t.backward()

    assert isinstance(loss, float)
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    assert dlogits.shape == (n, k) and dlogits.dtype == np.float64
    assert relative_error(dlogits, z.grad.numpy()) < 1e-12


@pytest.mark.parametrize("n, k", [(1, 2), (5, 3), (16, 10)])
def test_softmax_cross_entropy_matches_finite_differences(n, k):
    logits, labels = logits_and_labels(n, k, seed=1)
    assert check_loss(SoftmaxCrossEntropy(), logits, labels)["logits"] < 1e-6


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_softmax_cross_entropy_extreme_logits(scale):
    logits, labels = logits_and_labels(6, 4, seed=2, scale=scale)
    loss_fn = SoftmaxCrossEntropy()
    with np.errstate(all="raise", under="ignore"):  # underflow to 0 is the right answer
        loss = loss_fn.forward(logits, labels)
        dlogits = loss_fn.backward()
    z = torch.from_numpy(logits).requires_grad_()
    loss_t = F.cross_entropy(z, torch.from_numpy(labels))
    loss_t.backward()
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    assert relative_error(dlogits, z.grad.numpy()) < 1e-12
