"""coursekit.torch.callbacks against keras.callbacks.EarlyStopping; the plateau rules of torch's and Keras's
ReduceLROnPlateau (page 7.4); the augmentation twins' conventions."""

import coursekit  # noqa: F401  (sets KERAS_BACKEND, loads triton before TensorFlow)
import keras
import numpy as np
import pytest
import torch

from coursekit.keras import augment as keras_augment
from coursekit.keras import callbacks as keras_callbacks
from coursekit.torch import augment as torch_augment
from coursekit.torch.callbacks import EarlyStopping, plateau_reductions

CURVES = [
    [1.0, 0.8, 0.7, 0.71, 0.69, 0.695, 0.7, 0.72, 0.73, 0.74, 0.75],
    [0.5, 0.49995, 0.4999, 0.4998, 0.3, 0.31, 0.32, 0.2, 0.21, 0.22, 0.23, 0.24],
    [3.0, 2.0, 1.0, 0.5, 0.25],
]


def keras_stop_epoch(curve, patience, min_delta, mode):
    """The epoch after which keras.callbacks.EarlyStopping stops, and its best epoch."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta, mode=mode,
                                       restore_best_weights=True)
    cb.set_model(model)
    model.stop_training = False  # fit sets this flag; here the test drives the callback
    cb.on_train_begin()
    for epoch, value in enumerate(curve):
        cb.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            return epoch, cb.best_epoch
    return None, cb.best_epoch


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("min_delta", [0.0, 0.001, 0.05])
@pytest.mark.parametrize("patience", [1, 2, 3])
@pytest.mark.parametrize("curve", range(len(CURVES)))
def test_early_stopping_stops_where_keras_does(curve, patience, min_delta, mode, tmp_path):
    values = CURVES[curve] if mode == "min" else [-v for v in CURVES[curve]]
    model = torch.nn.Linear(1, 1)
    stopper = EarlyStopping(patience=patience, min_delta=min_delta, mode=mode, path=tmp_path / "best.pt")
    stopped = None
    for epoch, value in enumerate(values):
        with torch.no_grad():
            model.weight.fill_(epoch)  # the weights remember their epoch
        if stopper.step(value, model):
            stopped = epoch
            break
    assert (stopped, stopper.best_epoch) == keras_stop_epoch(values, patience, min_delta, mode)
    stopper.restore(model)
    assert model.weight.item() == stopper.best_epoch
    assert torch.load(tmp_path / "best.pt")["weight"].item() == stopper.best_epoch


def test_restore_before_step_and_bad_mode_raise():
    with pytest.raises(RuntimeError):
        EarlyStopping().restore(torch.nn.Linear(1, 1))
    with pytest.raises(ValueError):
        EarlyStopping(mode="up")


# page 7.4's hand-made curve: a creep of 1e-5 (relative 1.4e-5) after epoch 2, a drop, a creep of 5e-4 (relative 1e-3)
PLATEAU_CURVE = [1.0, 0.8, 0.7, 0.69999, 0.69998, 0.69997, 0.69996, 0.69995,
                 0.5, 0.4995, 0.499, 0.4985, 0.498, 0.4975]


@pytest.mark.parametrize("scale, torch_epochs, keras_epochs", [
    (1000, [5], []),       # large losses: the creep of 10 per epoch beats Keras's absolute 1e-4, not torch's 0.01 %
    (1, [5], [5]),         # the two rules agree
    (0.01, [5], [5, 11]),  # small losses: the second creep (5e-6) is too small for Keras, 0.1 % is enough for torch
])
def test_relative_and_absolute_thresholds_disagree_where_the_page_says(scale, torch_epochs, keras_epochs):
    curve = [scale * v for v in PLATEAU_CURVE]
    assert plateau_reductions(curve, patience=2) == torch_epochs  # torch's defaults: threshold 1e-4, "rel"
    assert keras_callbacks.plateau_reductions(curve, patience=3) == keras_epochs  # min_delta 1e-4, absolute


def test_patience_counts_one_more_epoch_in_torch():
    flat = [1.0] * 10  # epoch 0 sets the best; every later epoch fails to improve
    assert plateau_reductions(flat, patience=2, factor=0.5) == [3, 6, 9]  # after 3 bad epochs (> patience)
    assert keras_callbacks.plateau_reductions(flat, patience=2, factor=0.5) == [2, 4, 6, 8]  # after 2 (>= patience)
    assert keras_callbacks.plateau_reductions(flat, patience=2, cooldown=3, factor=0.5) == [2, 6]
    assert plateau_reductions(flat, patience=2, cooldown=3, factor=0.5) == [3, 9]


@pytest.mark.parametrize("cooldown", [1, 2, 3])
@pytest.mark.parametrize("patience", [1, 2, 3])
def test_torch_patience_and_cooldown_are_keras_minus_one(patience, cooldown):
    rng = np.random.default_rng(10 * patience + cooldown)
    for _ in range(4):  # random walks in steps of 0.01: no value lies near the 1e-4 thresholds
        curve = (200 + np.cumsum(rng.choice([-2, -1, 0, 0, 0, 1], size=25))) / 100
        keras_epochs = keras_callbacks.plateau_reductions(curve, patience=patience, cooldown=cooldown, factor=0.5)
        torch_epochs = plateau_reductions(curve, patience=patience - 1, cooldown=cooldown - 1, factor=0.5,
                                          threshold=1e-4, threshold_mode="abs")
        assert torch_epochs == keras_epochs and keras_epochs  # equal, and the walk did reach a plateau


def test_flip_is_horizontal_only_in_both_twins():
    image = np.arange(12, dtype=np.float32).reshape(3, 4) / 12  # (h, w), no symmetry
    torch_pipe, keras_pipe = torch_augment.pipeline(), keras_augment.pipeline(seed=0)
    allowed = {image.tobytes(), image[:, ::-1].copy().tobytes()}
    torch.manual_seed(0)
    torch_outs = {torch_pipe(torch.from_numpy(image)[None]).numpy()[0].tobytes() for _ in range(30)}
    keras_outs = {np.asarray(keras_pipe(image[None, :, :, None], training=True))[0, :, :, 0].tobytes()
                  for _ in range(30)}
    assert torch_outs == allowed and keras_outs == allowed
    assert np.array_equal(np.asarray(keras_pipe(image[None, :, :, None], training=False))[0, :, :, 0], image)


def test_keras_twin_translates_the_conventions():
    layers = keras_augment.pipeline(degrees=18, brightness=0.1, contrast=0.2, saturation=0.4).layers
    flip, rotation, brightness, contrast, saturation = layers
    assert flip.mode == "horizontal"
    assert rotation.factor == pytest.approx((-0.05, 0.05)) and rotation.fill_mode == "constant"
    assert tuple(brightness.value_range) == (0, 1)
    m = [f / (1 - f) for f in saturation.factor]  # Keras's saturation multiplier
    assert m == pytest.approx([0.6, 1.4])
    image = np.random.default_rng(0).uniform(0.2, 0.8, (1, 8, 8, 3)).astype("float32")
    identity = keras_augment.pipeline(flip=False, saturation=1e-6)
    np.testing.assert_allclose(np.asarray(identity(image, training=True)), image, atol=1e-4)
    jitter = torch_augment.pipeline(flip=False, degrees=18, brightness=0.1, contrast=0.2, saturation=0.4)
    kinds = [type(t).__name__ for t in jitter.transforms]
    assert kinds == ["RandomRotation", "ColorJitter"]
    assert jitter.transforms[0].degrees == [-18.0, 18.0]
    assert jitter.transforms[1].brightness == (0.9, 1.1) and jitter.transforms[1].saturation == (0.6, 1.4)


def test_shift_moves_by_at_most_the_fraction_in_both_twins():
    image = np.zeros((20, 20), np.float32)
    image[10, 10] = 1.0  # one bright pixel: where it lands is the shift
    torch_pipe = torch_augment.pipeline(flip=False, shift=0.1)
    keras_pipe = keras_augment.pipeline(flip=False, shift=0.1, seed=0)
    assert [type(t).__name__ for t in torch_pipe.transforms] == ["RandomAffine"]
    assert torch_pipe.transforms[0].translate == (0.1, 0.1)
    torch.manual_seed(0)
    moves = {"torch": set(), "keras": set()}
    for _ in range(40):
        outs = {"torch": torch_pipe(torch.from_numpy(image)[None]).numpy()[0],
                "keras": np.asarray(keras_pipe(image[None, :, :, None], training=True))[0, :, :, 0]}
        for name, out in outs.items():
            assert out.min() >= -1e-6, f"{name}: corners are filled with 0"
            row, col = np.unravel_index(out.argmax(), out.shape)
            moves[name].add((int(row) - 10, int(col) - 10))
    for name, seen in moves.items():
        assert max(max(abs(r), abs(c)) for r, c in seen) <= 2, f"{name}: at most 0.1 · 20 pixels"
        assert len(seen) > 3, f"{name}: the shift is random"
