"""Backbones for transfer learning, in either framework, with weights from one switch.

    from coursekit.models import backbone

    net = backbone("course_resnet")                                  # the course's pretrained backbone
    net = backbone("course_resnet", framework="keras")               # the same weights, converted
    net = backbone("resnet18", weights=None)                         # torchvision's architecture, random
    net = backbone("resnet50", weights="imagenet", framework="keras")  # needs the internet once

``weights``:

* ``"course"``: the checkpoint the course trained itself (``course_resnet`` only; verified by
  SHA-256, see :mod:`coursekit.weights`);
* ``"imagenet"``: the published ImageNet weights, through ``torchvision.models.get_model(name,
  weights="DEFAULT")`` or ``keras.applications.<Name>(weights="imagenet")`` exactly as an online
  student would call them. The frameworks download the file once and cache it (PyTorch:
  ``$TORCH_HOME/hub/checkpoints``, Keras: ``$KERAS_HOME/models``); offline and without the cached
  file, :class:`WeightsUnavailable` says which file is needed and where to put it;
* ``None``: the architecture with random initial weights (cheap: nothing is read);
* a path: a local weights file (a PyTorch ``state_dict`` or a Keras ``.weights.h5``/``.h5`` file).

Importing this module imports neither framework.
"""

from __future__ import annotations

import os
from pathlib import Path

#: backbone name -> the keras.applications class (the torchvision name is the key itself)
KERAS_APPLICATIONS = {
    "resnet50": "ResNet50", "resnet101": "ResNet101", "resnet152": "ResNet152",
    "vgg16": "VGG16", "vgg19": "VGG19", "mobilenet_v2": "MobileNetV2", "inception_v3": "InceptionV3",
}
COURSE = "course_resnet"


class WeightsUnavailable(RuntimeError):
    """Published weights could not be downloaded and are not cached."""


def backbone(name: str, weights: str | Path | None = "course", framework: str = "torch", **kwargs):
    """Build backbone ``name`` in ``framework`` (``"torch"`` or ``"keras"``) with ``weights``.

    Extra keyword arguments go to the constructor (e.g. ``include_top=False`` for Keras
    applications, ``num_classes`` for torchvision models without pretrained weights).

    Returns:
        an ``nn.Module`` (in ``eval()`` mode) or a ``keras.Model``.

    Raises:
        ValueError: an unknown name, framework or weights value.
        WeightsUnavailable: ImageNet weights are needed but cannot be downloaded.
    """
    if framework not in {"torch", "keras"}:
        raise ValueError(f"framework must be 'torch' or 'keras', not {framework!r}")
    if name == COURSE:
        return _course_backbone(weights, framework, **kwargs)
    if weights == "course":
        raise ValueError(f"only {COURSE!r} has course weights; use weights='imagenet' or None for {name!r}")
    return _torchvision(name, weights, **kwargs) if framework == "torch" else _keras_application(name, weights, **kwargs)


def _course_backbone(weights, framework: str, num_classes: int = 26):
    import torch

    from coursekit import weights as checkpoints
    from coursekit.torch.resnet import CourseResNet

    if weights == "imagenet":
        raise ValueError(f"{COURSE!r} was never trained on ImageNet; use weights='course' or None")
    net = CourseResNet(num_classes)
    if weights is not None:
        file = checkpoints.path(COURSE) if weights == "course" else Path(weights)
        net.load_state_dict(torch.load(file, weights_only=True))
    net.eval()
    if framework == "torch":
        return net
    from coursekit.keras.resnet import course_resnet, load_torch_weights

    return load_torch_weights(course_resnet(num_classes), net.state_dict())


def _unavailable(name: str, framework: str, error: Exception, file: str, folder: str) -> WeightsUnavailable:
    return WeightsUnavailable(
        f"the ImageNet weights of {name!r} ({framework}) could not be downloaded ({type(error).__name__}: "
        f"{error}). Connect to the internet once (the file is then cached), or copy the file {file!r} "
        f"into {folder}.")


def _torchvision(name: str, weights, **kwargs):
    import torch
    import torchvision

    if name not in torchvision.models.list_models(module=torchvision.models):
        raise ValueError(f"torchvision has no classification model {name!r}")
    if weights is None or weights == "imagenet":
        try:
            net = torchvision.models.get_model(name, weights="DEFAULT" if weights else None, **kwargs)
        except OSError as error:  # urllib's URLError is an OSError
            url = torchvision.models.get_model_weights(name).DEFAULT.url
            folder = Path(torch.hub.get_dir()) / "checkpoints"
            raise _unavailable(name, "torch", error, url.rsplit("/", 1)[-1], str(folder)) from None
    else:
        net = torchvision.models.get_model(name, weights=None, **kwargs)
        net.load_state_dict(torch.load(Path(weights), weights_only=True))
    return net.eval()


def _keras_application(name: str, weights, **kwargs):
    import keras

    if name not in KERAS_APPLICATIONS:
        raise ValueError(f"no keras.applications backbone {name!r}; known: {sorted(KERAS_APPLICATIONS)}")
    constructor = getattr(keras.applications, KERAS_APPLICATIONS[name])
    if weights not in (None, "imagenet"):
        weights = str(Path(weights))
    try:
        return constructor(weights=weights, **kwargs)
    except Exception as error:  # keras.utils.get_file turns URL errors into a plain Exception
        if "URL fetch failure" not in str(error):
            raise
        folder = Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "models"
        raise _unavailable(name, "keras", error, "the file named at the end of that URL", str(folder)) from None
