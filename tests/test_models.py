"""coursekit.models.backbone: the course weights, random weights, and the ImageNet switch exercised
offline (real file formats in a temporary cache; a dead proxy stands in for the missing internet)."""

from __future__ import annotations

import numpy as np
import pytest

import coursekit  # noqa: F401
import torch
import torchvision

from coursekit import weights
from coursekit.models import WeightsUnavailable, backbone

DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens there: every download fails at once


@pytest.fixture
def offline(monkeypatch, tmp_path):
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(variable, DEAD_PROXY)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


def test_course_backbone_loads_the_verified_checkpoint():
    net = backbone("course_resnet")
    stored = torch.load(weights.path("course_resnet"), weights_only=True)
    for key, value in net.state_dict().items():
        torch.testing.assert_close(value, stored[key])
    assert not net.training


def test_unknown_names_and_values_are_refused():
    with pytest.raises(ValueError, match="only 'course_resnet' has course weights"):
        backbone("resnet18")
    with pytest.raises(ValueError, match="never trained on ImageNet"):
        backbone("course_resnet", weights="imagenet")
    with pytest.raises(ValueError, match="framework"):
        backbone("resnet18", weights=None, framework="jax")
    with pytest.raises(ValueError, match="no classification model"):
        backbone("resnet7", weights=None)


def test_torchvision_imagenet_path_reads_the_cached_file(offline):
    url = torchvision.models.ResNet18_Weights.DEFAULT.url
    cache = offline / "torch" / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    torch.manual_seed(1)
    stand_in = torchvision.models.resnet18(weights=None).state_dict()  # the real format, random numbers
    torch.save(stand_in, cache / url.rsplit("/", 1)[-1])
    net = backbone("resnet18", weights="imagenet")
    torch.testing.assert_close(net.state_dict()["fc.weight"], stand_in["fc.weight"])


def test_torchvision_imagenet_offline_without_the_file_says_what_to_do(offline):
    with pytest.raises(WeightsUnavailable, match=r"resnet18-f37072fd\.pth.*checkpoints"):
        backbone("resnet18", weights="imagenet")


def test_torch_local_weights_file(tmp_path):
    net = torchvision.models.resnet18(weights=None)
    torch.save(net.state_dict(), tmp_path / "mine.pth")
    loaded = backbone("resnet18", weights=tmp_path / "mine.pth")
    torch.testing.assert_close(loaded.state_dict()["conv1.weight"], net.state_dict()["conv1.weight"])


def test_keras_imagenet_offline_says_what_to_do_and_a_local_file_loads(offline):
    import keras

    with pytest.raises(WeightsUnavailable, match="mobilenet_v2.*keras.*models"):
        backbone("mobilenet_v2", weights="imagenet", framework="keras", alpha=0.35, input_shape=(96, 96, 3))
    model = keras.applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3))
    model.save_weights(offline / "mine.weights.h5")
    loaded = backbone("mobilenet_v2", weights=offline / "mine.weights.h5", framework="keras", alpha=0.35,
                      input_shape=(96, 96, 3))
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_course_backbone_in_keras_matches_torch():
    images = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    expected = backbone("course_resnet")(torch.tensor(images)).detach().numpy()
    model = backbone("course_resnet", framework="keras")
    np.testing.assert_allclose(np.asarray(model(images.transpose(0, 2, 3, 1), training=False)), expected,
                               rtol=1e-4, atol=1e-4)
