"""coursekit.scratch.gradcheck: finite differences are right, and wrong gradients get caught."""

import numpy as np
import pytest

from coursekit.scratch.activations import sigmoid, tanh_grad
from coursekit.scratch.gradcheck import check_layer, check_loss, numerical_gradient, relative_error
from coursekit.scratch.layers import Activation, Linear, SoftmaxCrossEntropy

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_of_a_known_function(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    before = x.copy()
    grad = numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    assert grad.shape == x.shape
    np.testing.assert_array_equal(x, before)  # perturbed in place, then restored exactly
    assert relative_error(grad, 3 * x ** 2) < 1e-8


def test_relative_error():
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, a + [0.0, 0.0, 6e-6]) == pytest.approx(1e-6, rel=1e-5)
    scaled = relative_error(1e-8 * a, 1e-8 * (a + [0.0, 0.0, 6e-6]))
    assert scaled == pytest.approx(1e-6, rel=1e-5)  # the same at any scale


class LinearWithWrongBias(Linear):
    """A plausible bug: the bias gradient averaged over the batch instead of summed."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = dout.mean(axis=0)
        return dx


class LinearWithWrongInput(Linear):
    """A plausible bug: ``dx`` forgets a factor (here, twice too large)."""

    def backward(self, dout):
        return 2 * super().backward(dout)


def test_check_layer_reports_a_wrong_parameter_gradient():
    rng = np.random.default_rng(0)
    report = check_layer(LinearWithWrongBias(4, 3, rng), rng.standard_normal((5, 4)))
    assert set(report) == {"x", "W", "b"}
    assert report["b"] > 0.1
    assert report["x"] < 1e-6 and report["W"] < 1e-6  # and points at the culprit only


def test_check_layer_reports_a_wrong_input_gradient():
    rng = np.random.default_rng(0)
    report = check_layer(LinearWithWrongInput(4, 3, rng), rng.standard_normal((5, 4)))
    assert report["x"] > 0.1 and report["W"] < 1e-6


def test_check_layer_reports_a_wrong_derivative():
    sigmoid_with_tanh_derivative = Activation(sigmoid, tanh_grad)
    report = check_layer(sigmoid_with_tanh_derivative, np.random.default_rng(0).standard_normal((4, 3)))
    assert set(report) == {"x"} and report["x"] > 0.1


def test_check_loss_reports_a_wrong_gradient():
    class SumInsteadOfMean(SoftmaxCrossEntropy):
        def backward(self):
            return super().backward() * len(self.labels)

    rng = np.random.default_rng(0)
    logits, labels = rng.standard_normal((5, 3)), rng.integers(0, 3, size=5)
    assert check_loss(SoftmaxCrossEntropy(), logits, labels)["logits"] < 1e-6
    assert check_loss(SumInsteadOfMean(), logits, labels)["logits"] > 0.1


def test_check_layer_leaves_input_and_params_unchanged():
    rng = np.random.default_rng(0)
    layer, x = Linear(3, 2, rng), rng.standard_normal((4, 3))
    before = {"x": x.copy()} | {k: v.copy() for k, v in layer.params.items()}
    check_layer(layer, x)
    for k, v in ({"x": x} | layer.params).items():
        np.testing.assert_array_equal(v, before[k])
