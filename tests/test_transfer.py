"""Transfer learning helpers: freezing keeps the backbone (weights *and* batch-norm statistics)
unchanged, fine-tuning changes it, and a frozen base in Keras keeps its statistics."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import coursekit  # noqa: F401
import torch
from torch import nn

from coursekit import data
from coursekit.models import backbone
from coursekit.torch.transfer import accuracy, features, fit, freeze


@pytest.fixture(scope="module")
def task():
    X, y = data.glyphs(64, kind="digits", seed=5)
    return X[:, None], (y % 2).astype(np.int64)


def state(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


def test_feature_extraction_changes_only_the_head(task):
    X, y = task
    net = backbone("course_resnet")
    net.head = nn.Linear(64, 2)
    freeze(net, but=net.head)
    before = state(net)
    fit(net, X, y, steps=3, lr=1e-2)
    after = net.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed == {"head.weight", "head.bias"}, "frozen weights and batch-norm statistics stay"


def test_plain_train_mode_would_move_the_statistics(task):
    net = backbone("course_resnet")
    freeze(net)
    before = net.bn.running_mean.clone()
    net.train()
    with torch.no_grad():
        net(torch.tensor(task[0]))
    assert not torch.equal(before, net.bn.running_mean), "the trap the page shows is real"


def test_fine_tuning_moves_the_backbone_but_can_keep_the_statistics(task):
    X, y = task
    net = backbone("course_resnet")
    net.head = nn.Linear(64, 2)
    before = state(net)
    fit(net, X, y, steps=2, lr=1e-4, keep_bn_statistics=True)
    after = net.state_dict()
    assert not torch.equal(before["conv.weight"], after["conv.weight"])
    assert torch.equal(before["bn.running_mean"], after["bn.running_mean"])
    fit(net, X, y, steps=1, lr=1e-4)
    assert not torch.equal(before["bn.running_mean"], net.state_dict()["bn.running_mean"])


def test_features_and_accuracy_shapes(task):
    X, y = task
    net = backbone("course_resnet")
    F = features(net, X, batch_size=10)
    assert F.shape == (64, 64) and F.dtype == np.float32
    with torch.no_grad():
        np.testing.assert_allclose(F, net.features(torch.tensor(X)).numpy(), rtol=1e-5, atol=1e-6)
    head = nn.Linear(64, 2)
    assert 0.0 <= accuracy(head, F, y) <= 1.0


def test_keras_frozen_base_keeps_its_statistics(task):
    import keras

    X, y = task
    converted = backbone("course_resnet", framework="keras")
    base = keras.Model(converted.input, converted.get_layer("features").output)
    base.trainable = False
    inputs = keras.Input((28, 28, 1))
    model = keras.Model(inputs, keras.layers.Dense(2)(base(inputs)))
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=False)
    before = [w.numpy().copy() for w in base.weights]
    model.train_on_batch(X.transpose(0, 2, 3, 1), y)
    assert all(np.array_equal(b, w.numpy()) for b, w in zip(before, base.weights))
