"""coursekit.scratch.conv: forward and backward against torch.nn.functional + autograd and Keras (float64)."""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from coursekit.scratch import conv
from coursekit.scratch.gradcheck import check_layer, relative_error

# (n, c_in, h, w, c_out, k, stride, padding)
CONV_CASES = [
    (2, 1, 7, 7, 3, 3, 1, 0),
    (3, 2, 8, 6, 4, 3, 2, 1),
    (1, 3, 9, 9, 2, 5, 1, 2),
    (2, 4, 10, 7, 5, 2, 3, 0),
    (2, 3, 6, 6, 2, 1, 1, 0),     # 1x1 convolution
    (1, 2, 5, 8, 3, 4, 2, 3),     # padding larger than half the kernel
]
POOL_CASES = [  # (n, c, h, w, k, stride)
    (2, 3, 8, 8, 2, None), (1, 2, 7, 9, 3, 2), (2, 1, 6, 5, 2, 1), (3, 2, 9, 9, 3, None),
]


def _conv(case, cls, seed=0):
    n, c_in, h, w, c_out, k, s, p = case
    rng = np.random.default_rng(seed)
    layer = cls(c_in, c_out, k, stride=s, padding=p, rng=rng)
    layer.params["b"] = rng.standard_normal(c_out)
    x = rng.standard_normal((n, c_in, h, w))
    return layer, x


def _torch_check(layer, x, fn):
    """Run ``layer`` and the torch function ``fn(x, W, b)`` forward and backward on the same upstream gradient."""
    out = layer.forward(x)
    dout = np.random.default_rng(9).standard_normal(out.shape)
    dx = layer.backward(dout)
    x_t = torch.from_numpy(x).requires_grad_()
    p_t = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in layer.params.items()}
    out_t = fn(x_t, p_t)
    out_t.backward(torch.from_numpy(dout))
    assert out.shape == tuple(out_t.shape) and dx.shape == x.shape
    assert out.dtype == dx.dtype == np.float64
    errors = {"out": relative_error(out, out_t.detach().numpy()), "x": relative_error(dx, x_t.grad.numpy())}
    errors |= {k: relative_error(layer.grads[k], p.grad.numpy()) for k, p in p_t.items()}
    assert max(errors.values()) < 1e-6, errors
    return errors


@pytest.mark.parametrize("cls", [conv.Conv2d, conv.Conv2dNaive])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_matches_torch(case, cls):
    layer, x = _conv(case, cls)
    s, p = case[6], case[7]
    errors = _torch_check(layer, x, lambda x_t, q: F.conv2d(x_t, q["W"], q["b"], stride=s, padding=p))
    assert max(errors.values()) < 1e-12


@pytest.mark.parametrize("case", CONV_CASES[:3])
def test_conv_matches_finite_differences(case):
    layer, x = _conv(case, conv.Conv2d)
    assert max(check_layer(layer, x).values()) < 1e-6


def test_naive_and_im2col_agree_and_output_size():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((2, 3, 11, 9)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    out, cache = conv.conv_forward_naive(x, W, b, stride=2, padding=1)
    assert out.shape == (2, 4, conv.conv_output_size(11, 3, 2, 1), conv.conv_output_size(9, 3, 2, 1)) == (2, 4, 6, 5)
    cols = conv.im2col(x, 3, 2, 1)
    assert cols.shape == (2 * 6 * 5, 3 * 3 * 3)
    fast = (cols @ W.reshape(4, -1).T + b).reshape(2, 6, 5, 4).transpose(0, 3, 1, 2)
    assert relative_error(out, fast) < 1e-13
    # col2im is the adjoint of im2col: <im2col(x), c> == <x, col2im(c)>
    c = rng.standard_normal(cols.shape)
    assert np.isclose((cols * c).sum(), (x * conv.col2im(c, x.shape, 3, 2, 1)).sum())


def test_conv_init_and_params():
    layer = conv.Conv2d(16, 32, 3, rng=np.random.default_rng(0))
    assert layer.params["W"].shape == (32, 16, 3, 3) and layer.params["b"].shape == (32,)
    assert layer.params["W"].std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.05)
    assert np.all(layer.params["b"] == 0) and set(layer.grads) == {"W", "b"}


@pytest.mark.parametrize("case", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_torch(case, kind):
    n, c, h, w, k, s = case
    x = np.random.default_rng(1).standard_normal((n, c, h, w))
    layer = (conv.MaxPool2d if kind == "max" else conv.AvgPool2d)(k, stride=s)
    fn = F.max_pool2d if kind == "max" else F.avg_pool2d
    _torch_check(layer, x, lambda x_t, q: fn(x_t, k, stride=s))
    assert layer.params == layer.grads == {}


def test_global_pool_and_flatten_match_torch():
    x = np.random.default_rng(2).standard_normal((3, 4, 5, 6))
    _torch_check(conv.GlobalAvgPool2d(), x, lambda x_t, q: x_t.mean(dim=(2, 3)))
    _torch_check(conv.Flatten(), x, lambda x_t, q: torch.flatten(x_t, 1))
    assert max(check_layer(conv.GlobalAvgPool2d(), x).values()) < 1e-6


def test_maxpool_backward_routes_to_the_maximum_only():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    pool = conv.MaxPool2d(2)
    np.testing.assert_array_equal(pool.forward(x)[0, 0], [[5, 7], [13, 15]])
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert dx.sum() == 4 and dx[0, 0, 1, 1] == dx[0, 0, 3, 3] == 1 and dx[0, 0, 0, 0] == 0


# --- Keras: NHWC inputs, kernels (kh, kw, c_in, c_out) --------------------------------

@pytest.mark.parametrize("case", CONV_CASES[:4])
def test_conv_matches_keras_with_transposed_weights(case):
    import keras
    import tensorflow as tf

    layer, x = _conv(case, conv.Conv2d, seed=3)
    c_out, k, s, p = case[4:]
    out = layer.forward(x)
    dout = np.random.default_rng(4).standard_normal(out.shape)
    dx = layer.backward(dout)

    k_layer = keras.layers.Conv2D(c_out, k, strides=s, padding="valid", dtype="float64")
    k_layer.build((None, x.shape[2] + 2 * p, x.shape[3] + 2 * p, x.shape[1]))
    k_layer.set_weights([layer.params["W"].transpose(2, 3, 1, 0), layer.params["b"]])  # OIHW -> HWIO
    x_t = tf.constant(x.transpose(0, 2, 3, 1))                                        # NCHW -> NHWC
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        out_k = k_layer(keras.layers.ZeroPadding2D(p, dtype="float64")(x_t))
    dx_k, dW_k, db_k = tape.gradient(out_k, [x_t, *k_layer.trainable_weights],
                                     output_gradients=tf.constant(dout.transpose(0, 2, 3, 1)))
    assert relative_error(out, out_k.numpy().transpose(0, 3, 1, 2)) < 1e-6
    assert relative_error(dx, dx_k.numpy().transpose(0, 3, 1, 2)) < 1e-6
    assert relative_error(layer.grads["W"], dW_k.numpy().transpose(3, 2, 0, 1)) < 1e-6
    assert relative_error(layer.grads["b"], db_k.numpy()) < 1e-6


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_keras(kind):
    import keras

    x = np.random.default_rng(5).standard_normal((2, 3, 7, 9))
    layer = (conv.MaxPool2d if kind == "max" else conv.AvgPool2d)(3, stride=2)
    k_cls = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    out_k = k_cls(3, strides=2, dtype="float64")(x.transpose(0, 2, 3, 1))
    assert relative_error(layer.forward(x), np.asarray(out_k).transpose(0, 3, 1, 2)) < 1e-12
    gap = keras.layers.GlobalAveragePooling2D(dtype="float64")(x.transpose(0, 2, 3, 1))
    assert relative_error(conv.GlobalAvgPool2d().forward(x), np.asarray(gap)) < 1e-12
