"""Every coursekit.torch helper runs where the model is: with the model and the data on PyTorch's
``meta`` device (a device without storage, available on any machine), no tensor may be created on
the CPU. A dispatch mode records the device of every tensor each operation produces; reading a
number out of a meta tensor (``.item()``) has no value to give, so the mode answers 0 for it."""

from __future__ import annotations

import importlib
import inspect

import pytest
import torch
from torch.nn import functional as F
from torch.utils._python_dispatch import TorchDispatchMode

import coursekit.torch.mlp
import coursekit.torch.perceptron
import coursekit.torch.training
from coursekit.torch.mlp import layer_gradient_norms, mlp
from coursekit.torch.perceptron import SingleLayer, logistic_loss, perceptron_loss
from coursekit.torch.training import evaluate, fit_arrays, model_device, train

META = torch.device("meta")


class RecordDevices(TorchDispatchMode):
    """Record ``(operation, device)`` of every tensor produced; ``.item()`` of a meta tensor gives 0."""

    def __init__(self):
        super().__init__()
        self.created: list[tuple[str, torch.device]] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is torch.ops.aten._local_scalar_dense.default and args[0].device == META:
            return 0
        out = func(*args, **(kwargs or {}))
        for tensor in (out if isinstance(out, (tuple, list)) else [out]):
            if isinstance(tensor, torch.Tensor):
                self.created.append((str(func), tensor.device))
        return out

    def on_cpu(self) -> list[str]:
        return [name for name, device in self.created if device.type == "cpu"]


def meta_batches(n_batches=3, n=8, d=4, k=3):
    return [(torch.empty(n, d, device=META), torch.empty(n, dtype=torch.int64, device=META)) for _ in range(n_batches)]


def test_the_recorder_sees_a_tensor_silently_created_on_the_cpu():
    with RecordDevices() as mode:
        torch.ones(3, device=META) + 1
        torch.zeros(2)  # what a helper with a "cpu" default would do
    assert mode.on_cpu() == ["aten.zeros.default"]


def test_evaluate_and_train_stay_on_the_model_device():
    model = mlp([4, 5, 3]).to(META)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with RecordDevices() as mode:
        results = evaluate(model, meta_batches(), F.cross_entropy)
        history = train(model, meta_batches(), F.cross_entropy, optimizer, epochs=2, val_loader=meta_batches(1))
    assert set(results) == {"loss", "accuracy"}
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"} and len(history["loss"]) == 2
    assert len(mode.created) > 50, "the helpers ran their computation under the recorder"
    assert mode.on_cpu() == []
    assert all(p.device == META for p in model.parameters())


def test_single_layer_losses_and_gradient_norms_stay_on_the_model_device():
    model = SingleLayer(4).to(META)
    deep = mlp([4, 6, 3]).to(META)
    x, y = torch.empty(8, 4, device=META), torch.empty(8, dtype=torch.int64, device=META)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with RecordDevices() as mode:
        perceptron_loss(model(x), y).backward()
        logistic_loss(model(x), y).backward()
        train(model, [(x, y)], logistic_loss, optimizer)
        norms = layer_gradient_norms(deep, x, y)
    assert mode.on_cpu() == []
    assert norms.shape == (2,)


def test_generative_training_steps_stay_on_the_model_device():
    from coursekit.torch import dcgan, ring_gan, vae

    model = vae.VAE(n_pixels=16, hidden=8, latent=2).to(META)
    generator, discriminator = ring_gan.MLPGenerator(2, 8).to(META), ring_gan.MLPDiscriminator(8).to(META)
    sgd = [torch.optim.SGD(m.parameters(), lr=0.1) for m in (model, generator, discriminator)]
    with RecordDevices() as mode:
        vae.train_step(model, sgd[0], torch.empty(4, 4, 4, device=META))
        dcgan.train_step(generator, discriminator, sgd[1], sgd[2], torch.empty(4, 2, device=META))
    assert mode.on_cpu() == []


def test_no_helper_has_a_device_argument():
    import pkgutil

    import coursekit.torch

    for info in pkgutil.iter_modules(coursekit.torch.__path__):
        module = importlib.import_module(f"coursekit.torch.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                assert "device" not in inspect.signature(function).parameters, f"{module.__name__}.{name}"


def test_model_device_needs_a_parameter_or_buffer():
    assert model_device(torch.nn.Linear(2, 1).to(META)) == META
    with pytest.raises(ValueError, match="no parameters"):
        model_device(torch.nn.ReLU())


def test_fit_arrays_weights_each_batch_by_its_size_and_repeats_exactly():
    torch.manual_seed(0)
    model, x, y = torch.nn.Linear(3, 2), torch.randn(10, 3), torch.randn(10, 2)
    with torch.no_grad():
        full = F.mse_loss(model(x), y).item()
    # lr=0: the weights never move, so the weighted mean of the batch losses (4 + 4 + 2 samples) is the full loss
    assert fit_arrays(model, x, y, F.mse_loss, epochs=2, lr=0.0, batch_size=4) == pytest.approx([full, full])
    runs = []
    for _ in range(2):
        torch.manual_seed(1)
        net = torch.nn.Linear(3, 2)
        runs.append((fit_arrays(net, x, y, F.mse_loss, epochs=3, batch_size=4, seed=5), net.weight.detach().clone()))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0][-1] < runs[0][0][0]
