"""coursekit.scratch.init: statistics against the formulas, and the samples against the frameworks'
own initialisers (two-sample Kolmogorov-Smirnov tests, fixed seeds)."""

import coursekit  # noqa: F401  (sets KERAS_BACKEND, loads triton before TensorFlow)
import keras
import numpy as np
import pytest
import torch
from scipy import stats

from coursekit.scratch.init import glorot_uniform, he_normal, kaiming_uniform

FAN_IN, FAN_OUT = 400, 300


def rng(seed=0):
    return np.random.default_rng(seed)


def same_distribution(a, b):
    return stats.ks_2samp(np.ravel(a), np.ravel(b)).pvalue > 1e-3


def torch_weight(init_, **kwargs):
    """A PyTorch weight ``(fan_out, fan_in)`` initialised in place, transposed to ``(fan_in, fan_out)``."""
    torch.manual_seed(0)
    w = torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64)
    init_(w, **kwargs)
    return w.numpy().T


def test_glorot_uniform_statistics_and_keras_and_torch():
    w = glorot_uniform(FAN_IN, FAN_OUT, rng())
    limit = np.sqrt(6 / (FAN_IN + FAN_OUT))
    assert w.shape == (FAN_IN, FAN_OUT) and np.abs(w).max() <= limit
    assert w.std() == pytest.approx(np.sqrt(2 / (FAN_IN + FAN_OUT)), rel=0.01)
    assert abs(w.mean()) < 0.01 * limit
    assert same_distribution(w, keras.initializers.GlorotUniform(seed=0)((FAN_IN, FAN_OUT)).numpy())
    assert same_distribution(w, torch_weight(torch.nn.init.xavier_uniform_))
    assert not same_distribution(w, he_normal(FAN_IN, FAN_OUT, rng()))


def test_he_normal_torch_convention_is_plain_normal():
    w = he_normal(FAN_IN, FAN_OUT, rng(1))
    sigma = np.sqrt(2 / FAN_IN)
    assert w.shape == (FAN_IN, FAN_OUT)
    assert w.std() == pytest.approx(sigma, rel=0.01)
    assert np.abs(w).max() > 3 * sigma  # not truncated: 120,000 normal draws reach past 3σ
    assert stats.kstest(w.ravel() / sigma, "norm").pvalue > 1e-3
    assert same_distribution(w, torch_weight(torch.nn.init.kaiming_normal_, nonlinearity="relu"))


def test_he_normal_keras_convention_is_truncated_and_rescaled():
    w = he_normal(FAN_IN, FAN_OUT, rng(2), convention="keras")
    sigma = np.sqrt(2 / FAN_IN)
    s = sigma / 0.87962566103423978
    assert w.std() == pytest.approx(sigma, rel=0.01)
    assert np.abs(w).max() <= 2 * s and np.abs(w).max() > 1.99 * s
    keras_w = keras.initializers.HeNormal(seed=0)((FAN_IN, FAN_OUT)).numpy()
    assert np.abs(keras_w).max() <= 2 * s * (1 + 1e-6)
    assert same_distribution(w, keras_w)
    assert not same_distribution(w, torch_weight(torch.nn.init.kaiming_normal_, nonlinearity="relu"))
    with pytest.raises(ValueError):
        he_normal(3, 3, rng(), convention="jax")


def test_kaiming_uniform_with_sqrt5_is_pytorchs_linear_default():
    w = kaiming_uniform(FAN_IN, FAN_OUT, rng(3), a=np.sqrt(5))
    bound = 1 / np.sqrt(FAN_IN)
    assert np.abs(w).max() <= bound
    assert w.var() == pytest.approx(1 / (3 * FAN_IN), rel=0.02)
    torch.manual_seed(0)
    linear = torch.nn.Linear(FAN_IN, FAN_OUT, dtype=torch.float64)
    assert same_distribution(w, linear.weight.detach().numpy())
    assert np.abs(linear.bias.detach().numpy()).max() <= bound  # PyTorch's bias: uniform in the same bound
    he_uniform = kaiming_uniform(FAN_IN, FAN_OUT, rng(4))
    assert he_uniform.std() == pytest.approx(np.sqrt(2 / FAN_IN), rel=0.01)
    assert same_distribution(he_uniform, keras.initializers.HeUniform(seed=0)((FAN_IN, FAN_OUT)).numpy())
