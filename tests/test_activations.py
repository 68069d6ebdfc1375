"""coursekit.scratch.activations against torch.nn.functional, torch.autograd and keras.activations."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import coursekit  # noqa: F401  (sets KERAS_BACKEND and quiet logs before keras is imported)
import keras
from coursekit.scratch import activations as A

# Any NumPy floating-point warning (overflow, invalid, divide by zero) fails a test.
pytestmark = pytest.mark.filterwarnings("error")

SHAPES = [(7,), (4, 5), (2, 3, 6)]
DTYPES = [np.float32, np.float64]
EXTREMES = [-1e4, -1e3, -50.0, -1.0, 0.0, 1.0, 50.0, 1e3, 1e4]
# Neither framework's default (0.01, 0.2), so that passing the slope is tested too; exact in
# float32 because Keras rounds the slope to float32 even for float64 inputs.
SLOPE = 0.25
ALPHA = 0.5  # ELU's scale of negative inputs; not the default 1.0, for the same reason

TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, SLOPE),
    "elu": lambda t: F.elu(t, ALPHA),
    "gelu": F.gelu,
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "silu": F.silu,
}
KERAS = {
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "relu": keras.activations.relu,
    "leaky_relu": lambda x: keras.activations.leaky_relu(x, negative_slope=SLOPE),
    "elu": lambda x: keras.activations.elu(x, alpha=ALPHA),
    "gelu": lambda x: keras.activations.gelu(x, approximate=False),
    "gelu_tanh": lambda x: keras.activations.gelu(x, approximate=True),
    "silu": keras.activations.silu,
}
OURS = {
    "sigmoid": (A.sigmoid, A.sigmoid_grad),
    "tanh": (A.tanh, A.tanh_grad),
    "relu": (A.relu, A.relu_grad),
    "leaky_relu": (lambda x: A.leaky_relu(x, SLOPE), lambda x: A.leaky_relu_grad(x, SLOPE)),
    "elu": (lambda x: A.elu(x, ALPHA), lambda x: A.elu_grad(x, ALPHA)),
    "gelu": (A.gelu, A.gelu_grad),
    "gelu_tanh": (lambda x: A.gelu(x, approximate=True), lambda x: A.gelu_grad(x, approximate=True)),
    "silu": (A.silu, A.silu_grad),
}


def inputs(shape, dtype, seed=0):
    """Random values of a few magnitudes, including exact zeros."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * rng.choice([0.0, 1.0, 10.0], size=shape)
    return x.astype(dtype)


def extremes(dtype):
    """Every extreme value, in rows of 3 for softmax: (3, 3)."""
    return np.array(EXTREMES, dtype=dtype).reshape(3, 3)


def assert_close(ours, theirs, dtype, tol=None):
    """Same dtype, all finite, equal to a few units in the last place (or to ``tol``)."""
    theirs = np.asarray(theirs)
    assert ours.dtype == dtype and ours.shape == theirs.shape
    assert np.all(np.isfinite(ours))
    tol = 16 * np.finfo(dtype).eps if tol is None else tol
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


# TensorFlow's GELU in float64 is good to about 4e-8 only (PyTorch's and ours to 1e-16):
KERAS_FLOAT64_TOL = {"gelu": 1e-7, "gelu_tanh": 1e-7}  # constants rounded to float32


def raising():
    """Overflow, invalid and divide-by-zero raise; underflow to 0 is the right answer, so it may happen."""
    return np.errstate(all="raise", under="ignore")


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + ["extremes"])
def test_matches_torch_and_keras(name, dtype, shape):
    x = extremes(dtype) if shape == "extremes" else inputs(shape, dtype)
    with raising():
        ours = OURS[name][0](x)
    assert_close(ours, TORCH[name](torch.from_numpy(x)).numpy(), dtype)
    tol = KERAS_FLOAT64_TOL.get(name) if dtype == np.float64 else None
    assert_close(ours, keras.ops.convert_to_numpy(KERAS[name](x)), dtype, tol)


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + ["extremes"])
def test_derivative_matches_autograd(name, dtype, shape):
    x = extremes(dtype) if shape == "extremes" else inputs(shape, dtype, seed=1)
    t = torch.from_numpy(x).requires_grad_()
    TORCH[name](t).sum().backward()
    with raising():
        ours = OURS[name][1](x)
    assert_close(ours, t.grad.numpy(), dtype)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_matches_torch_and_keras(axis, dtype):
    x = inputs((2, 3, 6), dtype)
    with raising():
        p, log_p = A.softmax(x, axis=axis), A.log_softmax(x, axis=axis)
    t = torch.from_numpy(x)
    assert_close(p, torch.softmax(t, dim=axis).numpy(), dtype)
    assert_close(p, keras.ops.convert_to_numpy(keras.activations.softmax(x, axis=axis)), dtype)
    assert_close(log_p, torch.log_softmax(t, dim=axis).numpy(), dtype)
    np.testing.assert_allclose(p.sum(axis=axis), 1, rtol=16 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_extreme_inputs(dtype):
    x = extremes(dtype)
    with raising():
        p, log_p = A.softmax(x), A.log_softmax(x)
    t = torch.from_numpy(x)
    assert_close(p, torch.softmax(t, dim=-1).numpy(), dtype)
    assert_close(p, keras.ops.convert_to_numpy(keras.activations.softmax(x)), dtype)
    assert_close(log_p, torch.log_softmax(t, dim=-1).numpy(), dtype)


@pytest.mark.parametrize("shape", [(1,), (4,), (3, 5), (2, 3, 4)])
def test_softmax_jacobian_matches_autograd(shape):
    x = inputs(shape, np.float64, seed=2)
    J = A.softmax_jacobian(x)
    k = shape[-1]
    assert J.shape == shape + (k,)
    rows, J_rows = x.reshape(-1, k), J.reshape(-1, k, k)
    for row, J_row in zip(rows, J_rows):
        expected = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, -1), torch.from_numpy(row))
        assert_close(J_row, expected.numpy(), np.float64)


@pytest.mark.parametrize("f", [A.sigmoid, A.sigmoid_grad, A.tanh, A.tanh_grad, A.relu, A.relu_grad,
                               A.leaky_relu, A.leaky_relu_grad, A.elu, A.elu_grad, A.gelu,
                               A.gelu_grad, A.silu, A.silu_grad, A.softmax, A.log_softmax, A.softmax_jacobian])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_dtype_is_kept(f, dtype):
    x = np.arange(-3, 3).reshape(2, 3).astype(dtype)
    out = f(x)
    assert out.dtype == (np.float64 if dtype == np.int64 else dtype)
    assert out.shape[:2] == x.shape


def test_table_lists_every_elementwise_activation():
    assert A.ACTIVATIONS == {
        "sigmoid": (A.sigmoid, A.sigmoid_grad),
        "tanh": (A.tanh, A.tanh_grad),
        "relu": (A.relu, A.relu_grad),
        "leaky_relu": (A.leaky_relu, A.leaky_relu_grad),
        "elu": (A.elu, A.elu_grad),
        "gelu": (A.gelu, A.gelu_grad),
        "silu": (A.silu, A.silu_grad),
    }


def test_perceptron_uses_the_same_sigmoid():
    from coursekit.scratch import perceptron

    assert perceptron.sigmoid is A.sigmoid
