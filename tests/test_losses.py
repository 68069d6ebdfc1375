"""Parity of coursekit.scratch.losses with torch.nn.functional, torchvision and keras.losses."""

import warnings

import coursekit  # noqa: F401  (sets KERAS_BACKEND and quiets TensorFlow before keras loads)
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torchvision.ops import sigmoid_focal_loss
import keras

from coursekit.scratch import losses

REDUCTIONS = ["mean", "sum", "none"]
EXTREMES = [1e3, -1e3, 50.0, -50.0, 0.0]


def make_inputs(kind, seed=0, n=8, k=5):
    """Logits ``z`` (n, k), hard and soft targets (n, k), labels (n,), distributions p, q (n, k)."""
    rng = np.random.default_rng(seed)
    z = 3 * rng.standard_normal((n, k)) if kind == "random" else rng.choice(EXTREMES, size=(n, k))
    p = rng.dirichlet(np.ones(k), size=n)
    if kind == "extreme":
        p[:, 0] = 0.0  # 0 log 0 = 0
        p /= p.sum(axis=1, keepdims=True)
    q = np.exp(np.clip(z, -50, 50))  # softmax, with entries as small as e^-100 but never 0
    q /= q.sum(axis=1, keepdims=True)
    return {
        "z": z,
        "y": (rng.random((n, k)) < 0.3).astype(float),
        "y_soft": rng.random((n, k)),
        "target": rng.standard_normal((n, k)),
        "labels": rng.integers(0, k, n),
        "p": p,
        "q": q,
    }


def t(x):
    return torch.from_numpy(np.asarray(x))


def torch_kl(x, reduction):
    """F.kl_div(log q, p): "batchmean" is the mean KL per distribution; "none" is per entry."""
    mode = {"mean": "batchmean", "sum": "sum", "none": "none"}[reduction]
    out = F.kl_div(t(x["q"]).log(), t(x["p"]), reduction=mode)
    return out.sum(-1) if reduction == "none" else out


# name -> (scratch loss, torch loss), each called with (inputs, reduction)
TORCH_CASES = {
    "mse": (lambda x, r: losses.mse(x["z"], x["target"], r),
            lambda x, r: F.mse_loss(t(x["z"]), t(x["target"]), reduction=r)),
    "bce": (lambda x, r: losses.binary_cross_entropy(x["z"], x["y"], r),
            lambda x, r: F.binary_cross_entropy_with_logits(t(x["z"]), t(x["y"]), reduction=r)),
    "bce_soft": (lambda x, r: losses.binary_cross_entropy(x["z"], x["y_soft"], r),
                 lambda x, r: F.binary_cross_entropy_with_logits(t(x["z"]), t(x["y_soft"]),
                                                                 reduction=r)),
    "cross_entropy": (lambda x, r: losses.cross_entropy(x["z"], x["labels"], r),
                      lambda x, r: F.cross_entropy(t(x["z"]), t(x["labels"]), reduction=r)),
    "focal": (lambda x, r: losses.focal_loss(x["z"], x["y"], reduction=r),
              lambda x, r: sigmoid_focal_loss(t(x["z"]), t(x["y"]), reduction=r)),
    "focal_a0.8_g0.5": (lambda x, r: losses.focal_loss(x["z"], x["y"], 0.8, 0.5, r),
                        lambda x, r: sigmoid_focal_loss(t(x["z"]), t(x["y"]), 0.8, 0.5, r)),
    "focal_no_alpha": (lambda x, r: losses.focal_loss(x["z"], x["y_soft"], -1, 3.0, r),
                       lambda x, r: sigmoid_focal_loss(t(x["z"]), t(x["y_soft"]), -1, 3.0, r)),
    "kl": (lambda x, r: losses.kl_divergence(x["p"], x["q"], r), torch_kl),
}


@pytest.mark.parametrize("kind", ["random", "extreme"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", TORCH_CASES)
def test_matches_torch(name, reduction, kind):
    ours_fn, torch_fn = TORCH_CASES[name]
    x = make_inputs(kind)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        ours = ours_fn(x, reduction)
    expected = torch_fn(x, reduction).numpy()
    assert np.all(np.isfinite(ours))
    assert np.shape(ours) == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


def per_sample(x):
    """Keras's per-sample value: element-wise losses are averaged over the last axis."""
    return x.mean(axis=-1) if x.ndim == 2 else x


# name -> (scratch loss(inputs, reduction), keras loss class, its kwargs, keys of y_true, y_pred)
KERAS_CASES = {
    "mse": (lambda x, r: losses.mse(x["z"], x["target"], r),
            keras.losses.MeanSquaredError, {}, ("target", "z")),
    "bce": (lambda x, r: losses.binary_cross_entropy(x["z"], x["y_soft"], r),
            keras.losses.BinaryCrossentropy, {"from_logits": True}, ("y_soft", "z")),
    "cross_entropy": (lambda x, r: losses.cross_entropy(x["z"], x["labels"], r),
                      keras.losses.SparseCategoricalCrossentropy, {"from_logits": True},
                      ("labels", "z")),
    "focal": (lambda x, r: losses.focal_loss(x["z"], x["y"], 0.3, 1.5, r),
              keras.losses.BinaryFocalCrossentropy,
              {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True},
              ("y", "z")),
    "focal_unbalanced": (lambda x, r: losses.focal_loss(x["z"], x["y"], -1, 2.0, r),
                         keras.losses.BinaryFocalCrossentropy, {"from_logits": True}, ("y", "z")),
    "kl": (lambda x, r: losses.kl_divergence(x["p"], x["q"], r),
           keras.losses.KLDivergence, {}, ("p", "q")),
}


@pytest.mark.parametrize("kind", ["random", "extreme"])
@pytest.mark.parametrize("name", KERAS_CASES)
def test_matches_keras(name, kind):
    ours_fn, loss_cls, kwargs, (true_key, pred_key) = KERAS_CASES[name]
    x = make_inputs(kind)
    if name == "kl" and kind == "extreme":  # Keras clips p and q to [1e-7, 1] first
        x["p"], x["q"] = np.clip(x["p"], 1e-7, 1), np.clip(x["q"], 1e-7, 1)

    def keras_loss(reduction):
        loss = loss_cls(reduction=reduction, dtype="float64", **kwargs)
        return keras.ops.convert_to_numpy(loss(x[true_key], x[pred_key]))

    samples = per_sample(ours_fn(x, "none"))
    np.testing.assert_allclose(keras_loss(None), samples, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(keras_loss("sum"), samples.sum(), rtol=1e-10)
    np.testing.assert_allclose(keras_loss("sum_over_batch_size"), ours_fn(x, "mean"), rtol=1e-10)


def test_keras_sum_is_torch_sum_over_last_axis_size():
    """For element-wise losses Keras's "sum" adds per-sample *means*: it is torch's sum / k."""
    x = make_inputs("random")
    keras_sum = keras.losses.MeanSquaredError(reduction="sum", dtype="float64")(x["target"], x["z"])
    ours = losses.mse(x["z"], x["target"], "sum")
    np.testing.assert_allclose(float(keras_sum), ours / x["z"].shape[1], rtol=1e-10)
    assert not np.isclose(float(keras_sum), ours)


def test_torch_kl_mean_is_not_the_mean_kl():
    """torch's "mean" divides by every entry; "batchmean" gives the mean KL per distribution."""
    x = make_inputs("random")
    with pytest.warns(UserWarning, match="batchmean"):
        torch_mean = F.kl_div(t(x["q"]).log(), t(x["p"]), reduction="mean").item()
    k = x["p"].shape[1]
    np.testing.assert_allclose(torch_mean * k, losses.kl_divergence(x["p"], x["q"]), rtol=1e-10)


def test_keras_kl_clipping_differs_where_p_is_zero():
    x = make_inputs("extreme")  # p[:, 0] = 0
    keras_kl = keras.losses.KLDivergence(reduction=None, dtype="float64")(x["p"], x["q"])
    difference = keras.ops.convert_to_numpy(keras_kl) - losses.kl_divergence(x["p"], x["q"], "none")
    assert np.all(np.abs(difference) > 1e-7)


def test_special_cases():
    x = make_inputs("random")
    bce = losses.binary_cross_entropy(x["z"], x["y"])
    assert losses.focal_loss(x["z"], x["y"], alpha=-1, gamma=0) == pytest.approx(bce, rel=1e-12)
    assert losses.focal_loss(x["z"], x["y"], alpha=-1) < bce  # easy examples count less
    assert losses.kl_divergence(x["p"], x["p"]) == pytest.approx(0, abs=1e-15)
    assert losses.cross_entropy(np.array([[1e3, 0.0]]), np.array([0])) == 0.0
    assert losses.binary_cross_entropy(np.array([-1e3]), np.array([1.0])) == pytest.approx(1e3)
    with pytest.raises(ValueError, match="reduction"):
        losses.mse(x["z"], x["target"], reduction="batchmean")


def test_logit_gradients_match_autograd():
    x = make_inputs("random")
    z = t(x["z"]).requires_grad_()
    y = t(x["y"])
    (mse_grad,) = torch.autograd.grad(F.mse_loss(torch.sigmoid(z), y, reduction="sum"), z)
    (bce_grad,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(z, y, reduction="sum"), z)
    grads = losses.logit_gradients(x["z"], x["y"])
    np.testing.assert_allclose(grads["mse"], mse_grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(grads["bce"], bce_grad.numpy(), rtol=1e-10, atol=1e-15)


def test_confident_wrong_answer_mse_gradient_vanishes():
    grads = losses.logit_gradients(np.array([-10.0]), np.array([1.0]))  # p = 4.5e-5, target 1
    assert abs(grads["mse"][0]) < 1e-3
    assert grads["bce"][0] == pytest.approx(-1, abs=1e-4)
