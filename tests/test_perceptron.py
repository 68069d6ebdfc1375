"""The perceptron and the logistic unit: NumPy vs PyTorch vs Keras on random inputs."""

import numpy as np
import pytest
import torch

import coursekit  # noqa: F401  (sets the Keras backend and quiet logs before keras loads)
import keras

from coursekit.data import logic_gate
from coursekit.keras import perceptron as kp
from coursekit.scratch.perceptron import LogisticUnit, Perceptron, step
from coursekit.scratch.training import gradient_descent, minibatches
from coursekit.torch import perceptron as tp

SEEDS = range(5)


def random_problem(seed, n=12, d=3):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(n, d)), rng.integers(0, 2, size=n), rng.normal(size=d), float(rng.normal())


def test_step_threshold_is_inclusive():
    np.testing.assert_array_equal(step(np.array([-1e-9, 0.0, 2.0])), [0, 1, 1])
    np.testing.assert_array_equal(tp.step(torch.tensor([-1e-9, 0.0, 2.0])).numpy(), [0, 1, 1])


@pytest.mark.parametrize("gate, learnable", [("and", True), ("or", True), ("nand", True), ("xor", False)])
def test_perceptron_learns_exactly_the_linearly_separable_gates(gate, learnable):
    X, y = logic_gate(gate)
    p = Perceptron(2)
    mistakes = p.fit(X, y, epochs=50)
    assert (mistakes[-1] == 0) == learnable
    assert np.array_equal(p.predict(X), y) == learnable


def test_update_changes_nothing_after_a_correct_prediction():
    p = Perceptron(2, lr=0.3)
    p.w, p.b = np.array([1.0, -1.0]), 0.5
    assert p.update(np.array([2.0, 0.0]), 1) == 0
    np.testing.assert_array_equal(p.w, [1.0, -1.0])
    assert p.update(np.array([2.0, 0.0]), 0) == 1
    np.testing.assert_allclose(p.w, [0.4, -1.0])
    assert p.b == pytest.approx(0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_rule_is_sgd_on_the_perceptron_loss_in_all_three(seed):
    rng, X, y, w0, b0 = random_problem(seed)
    lr = float(rng.uniform(0.1, 1.0))
    scratch = Perceptron(3, lr=lr)
    scratch.w, scratch.b = w0.copy(), b0

    model = tp.SingleLayer(3).double()
    with torch.no_grad():
        model.linear.weight.copy_(torch.tensor(w0)[None, :])
        model.linear.bias.fill_(b0)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    kmodel = kp.single_layer(3)
    kmodel.set_weights([w0[:, None].astype("float32"), np.array([b0], dtype="float32")])
    kmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=kp.perceptron_loss)

    for x_i, y_i in zip(X, y):
        # forward passes agree before every update
        z_torch = model(torch.tensor(x_i[None, :])).detach().numpy()
        np.testing.assert_allclose(z_torch, scratch.net_input(x_i[None, :]), rtol=1e-12)
        np.testing.assert_allclose(kmodel.predict(x_i[None, :].astype("float32"), verbose=0)[:, 0],
                                   scratch.net_input(x_i[None, :]), rtol=1e-5, atol=1e-5)
        scratch.update(x_i, y_i)
        optimizer.zero_grad()
        tp.perceptron_loss(model(torch.tensor(x_i[None, :])), torch.tensor([y_i])).backward()
        optimizer.step()
        kmodel.train_on_batch(x_i[None, :].astype("float32"), np.array([y_i], dtype="float32"))

    np.testing.assert_allclose(model.linear.weight.detach().numpy()[0], scratch.w, rtol=1e-12)
    np.testing.assert_allclose(model.linear.bias.item(), scratch.b, rtol=1e-12)
    w_k, b_k = kmodel.get_weights()
    np.testing.assert_allclose(w_k[:, 0], scratch.w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b_k[0], scratch.b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_unit_loss_and_gradients_match_autograd_and_keras(seed):
    rng, X, y, w0, b0 = random_problem(seed, n=17, d=4)
    unit = LogisticUnit(4)
    unit.params = {"w": w0.copy(), "b": np.array(b0)}

    model = tp.SingleLayer(4).double()
    with torch.no_grad():
        model.linear.weight.copy_(torch.tensor(w0)[None, :])
        model.linear.bias.fill_(b0)
    loss = tp.logistic_loss(model(torch.tensor(X)), torch.tensor(y))
    loss.backward()
    assert unit.loss(X, y) == pytest.approx(loss.item(), rel=1e-12)
    grads = unit.gradients(X, y)
    np.testing.assert_allclose(grads["w"], model.linear.weight.grad.numpy()[0], rtol=1e-10)
    np.testing.assert_allclose(grads["b"], model.linear.bias.grad.item(), rtol=1e-10)
    np.testing.assert_allclose(unit.forward(X), torch.sigmoid(model(torch.tensor(X))).detach().numpy(), rtol=1e-12)

    z = X @ w0 + b0
    keras_loss = float(kp.logistic_loss(y.astype("float64"), z))
    assert keras_loss == pytest.approx(unit.loss(X, y), rel=1e-6)


@pytest.mark.parametrize("batch_size", [1, 5, None])
def test_gradient_descent_flavours_match_torch_sgd(batch_size):
    """One epoch of scratch gradient descent equals torch.optim.SGD over the same batches."""
    _, X, y, w0, b0 = random_problem(0, n=13, d=3)
    lr, seed = 0.4, 3
    unit = LogisticUnit(3)
    unit.params = {"w": w0.copy(), "b": np.array(b0)}
    gradient_descent(unit, X, y, lr=lr, epochs=1, batch_size=batch_size, seed=seed)

    model = tp.SingleLayer(3).double()
    with torch.no_grad():
        model.linear.weight.copy_(torch.tensor(w0)[None, :])
        model.linear.bias.fill_(b0)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for idx in minibatches(len(X), batch_size, np.random.default_rng(seed)):
        optimizer.zero_grad()
        tp.logistic_loss(model(torch.tensor(X[idx])), torch.tensor(y[idx])).backward()
        optimizer.step()
    np.testing.assert_allclose(unit.params["w"], model.linear.weight.detach().numpy()[0], rtol=1e-10)
    np.testing.assert_allclose(unit.params["b"], model.linear.bias.item(), rtol=1e-10)


def test_minibatches_cover_every_sample_once():
    rng = np.random.default_rng(0)
    batches = list(minibatches(10, 4, rng))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    np.testing.assert_array_equal(next(minibatches(10, None, rng)), np.arange(10))


def test_torch_train_history_has_keras_keys():
    from coursekit.data import blobs, torch_loader
    from coursekit.torch.training import train

    torch.manual_seed(0)
    X, y = blobs(n=64)
    model = tp.SingleLayer(2)
    history = train(model, torch_loader(X, y, batch_size=16), tp.logistic_loss,
                    torch.optim.SGD(model.parameters(), lr=0.5), epochs=5,
                    val_loader=torch_loader(X, y, shuffle=False))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.95
