"""coursekit.scratch.norm: BatchNorm against torch.nn.BatchNorm1d/2d and keras.layers.BatchNormalization
over several training steps (running statistics, training and inference outputs, backward); Dropout's
expectation and masks."""

import coursekit  # noqa: F401  (sets KERAS_BACKEND, loads triton before TensorFlow)
import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

from coursekit.scratch.gradcheck import check_layer
from coursekit.scratch.norm import BatchNorm, Dropout

SHAPES = [(8, 5), (6, 3, 4, 4)]
STEPS = 4


def batches(shape, seed):
    """STEPS training batches (not centred: the running statistics must move), a test batch and upstream gradients."""
    rng = np.random.default_rng(seed)
    c = shape[1]
    loc = rng.uniform(-2, 2, c).reshape((1, c) + (1,) * (len(shape) - 2))
    scale = rng.uniform(0.5, 3, c).reshape(loc.shape)
    xs = [loc + scale * rng.standard_normal(shape) for _ in range(STEPS + 1)]
    douts = [rng.standard_normal(shape) for _ in range(STEPS + 1)]
    gamma, beta = rng.uniform(0.5, 2, c), rng.standard_normal(c)
    return xs, douts, gamma, beta


def scratch_layer(c, gamma, beta, **kwargs):
    bn = BatchNorm(c, **kwargs)
    bn.params["gamma"], bn.params["beta"] = gamma.copy(), beta.copy()
    return bn


@pytest.mark.parametrize("momentum", [None, 0.3])
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_matches_torch_over_several_steps(shape, momentum):
    xs, douts, gamma, beta = batches(shape, seed=len(shape))
    c = shape[1]
    bn = scratch_layer(c, gamma, beta, momentum=momentum, convention="torch")
    cls = torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d
    ref = cls(c, dtype=torch.float64, **({} if momentum is None else {"momentum": momentum}))
    with torch.no_grad():
        ref.weight.copy_(torch.from_numpy(gamma))
        ref.bias.copy_(torch.from_numpy(beta))
    for training, x, dout in zip([True] * STEPS + [False], xs, douts):
        ref.train(training)
        ref.zero_grad()
        x_t = torch.tensor(x, requires_grad=True)
        out_t = ref(x_t)
        out_t.backward(torch.from_numpy(dout))
        out = bn.forward(x, training=training)
        dx = bn.backward(dout)
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx, x_t.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bn.grads["gamma"], ref.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bn.grads["beta"], ref.bias.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bn.running_mean, ref.running_mean.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-12)
    assert bn.eps == ref.eps == 1e-5


@pytest.mark.parametrize("momentum", [None, 0.5])
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_matches_keras_over_several_steps(shape, momentum):
    xs, douts, gamma, beta = batches(shape, seed=10 + len(shape))
    c = shape[1]
    bn = scratch_layer(c, gamma, beta, momentum=momentum, convention="keras")
    # the channel axis is 1 for both layouts here; Keras's default is the last axis (channels-last)
    ref = keras.layers.BatchNormalization(axis=1, dtype="float64", **({} if momentum is None else {"momentum": momentum}))
    ref.build(shape)
    ref.gamma.assign(gamma)
    ref.beta.assign(beta)
    for training, x, dout in zip([True] * STEPS + [False], xs, douts):
        x_tf = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x_tf)
            out_tf = ref(x_tf, training=training)
        dx_tf, dgamma_tf, dbeta_tf = tape.gradient(out_tf, [x_tf, ref.gamma, ref.beta],
                                                   output_gradients=tf.constant(dout))
        out = bn.forward(x, training=training)
        dx = bn.backward(dout)
        np.testing.assert_allclose(out, out_tf.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx, dx_tf.numpy(), rtol=1e-8, atol=1e-11)
        np.testing.assert_allclose(bn.grads["gamma"], dgamma_tf.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bn.grads["beta"], dbeta_tf.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bn.running_mean, ref.moving_mean.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(bn.running_var, ref.moving_variance.numpy(), rtol=1e-12)
    assert bn.eps == ref.epsilon == 1e-3


def test_conventions_differ_where_the_frameworks_do():
    xs, _, gamma, beta = batches((8, 5), seed=0)
    torch_bn, keras_bn = scratch_layer(5, gamma, beta), scratch_layer(5, gamma, beta, convention="keras")
    torch_bn.forward(xs[0]), keras_bn.forward(xs[0])
    var = xs[0].var(axis=0)
    np.testing.assert_allclose(torch_bn.running_var, 0.9 + 0.1 * var * 8 / 7)
    np.testing.assert_allclose(keras_bn.running_var, 0.99 + 0.01 * var)
    with pytest.raises(ValueError):
        BatchNorm(3, convention="jax")


@pytest.mark.parametrize("convention", ["torch", "keras"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_backward_matches_finite_differences(shape, convention, training):
    xs, _, gamma, beta = batches(shape, seed=3)
    bn = scratch_layer(shape[1], gamma, beta, convention=convention)
    bn.forward(xs[1])  # running statistics that are not the initial ones

    class Fixed:  # check_layer calls forward(x); pin the mode
        params, grads = bn.params, bn.grads
        forward = staticmethod(lambda x: bn.forward(x, training=training) if training else
                               BatchNorm.forward(bn, x, training=False))
        backward = staticmethod(bn.backward)

    report = check_layer(Fixed, xs[0])
    assert max(report.values()) < 1e-6, report


def test_batchnorm_rejects_other_shapes():
    with pytest.raises(ValueError):
        BatchNorm(3).forward(np.zeros((2, 3, 4)))


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_the_expectation(p):
    x = np.random.default_rng(0).standard_normal((4, 5))
    drop = Dropout(p, rng=np.random.default_rng(1))
    outs = np.stack([drop.forward(x) for _ in range(20000)])
    np.testing.assert_allclose(outs.mean(axis=0), x, atol=6 * np.abs(x).max() * np.sqrt(p / (1 - p) / 20000))
    assert abs((outs == 0).mean() - p) < 0.01
    assert set(np.unique(np.round(outs / x, 12))) == {0.0, round(1 / (1 - p), 12)}


def test_dropout_matches_torch_in_scaling_and_is_the_identity_at_inference():
    x = np.ones((200, 200))
    drop, ref = Dropout(0.3, rng=np.random.default_rng(2)), torch.nn.Dropout(0.3)
    out, out_t = drop.forward(x), ref(torch.from_numpy(x)).numpy()
    assert np.unique(out).tolist() == pytest.approx(np.unique(out_t).tolist())  # {0, 1/0.7}
    assert abs((out == 0).mean() - (out_t == 0).mean()) < 0.02
    keras_out = keras.layers.Dropout(0.3, seed=0)(x, training=True).numpy()
    assert np.unique(out).tolist() == pytest.approx(np.unique(keras_out).tolist())
    ref.eval()
    assert np.array_equal(drop.forward(x, training=False), x) and np.array_equal(ref(torch.from_numpy(x)).numpy(), x)


def test_dropout_backward_uses_the_forward_mask():
    rng = np.random.default_rng(3)
    x, dout = rng.standard_normal((6, 7)), rng.standard_normal((6, 7))
    drop = Dropout(0.4, rng=rng)
    out = drop.forward(x)
    dx = drop.backward(dout)
    np.testing.assert_allclose(dx, dout * out / x)
    drop.forward(x, training=False)
    assert np.array_equal(drop.backward(dout), dout)
    assert not Dropout(1.0).forward(x).any() and np.array_equal(Dropout(0.0).forward(x), x)
    with pytest.raises(ValueError):
        Dropout(1.5)
