import pickle
import time

import numpy as np
import pytest

from coursekit import data
from coursekit.data.glyphs import CLASSES, FONTS, templates


@pytest.mark.parametrize("kind", ["digits", "letters"])
def test_glyphs_shapes_range_balance(kind):
    x, y = data.glyphs(263, size=32, kind=kind, seed=5)
    k = len(CLASSES[kind])
    assert x.shape == (263, 32, 32) and x.dtype == np.float32
    assert y.shape == (263,) and y.dtype == np.int64
    assert x.min() >= 0.0 and x.max() <= 1.0
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    # ink bright on a dark background, roughly centred
    assert 0.05 < x.mean() < 0.4
    assert x[:, 12:20, 12:20].mean() > 2 * x[:, :3].mean()


def test_glyphs_deterministic_per_seed():
    a, la = data.glyphs(50, seed=1)
    b, lb = data.glyphs(50, seed=1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    c, _ = data.glyphs(50, seed=2)
    assert not np.array_equal(a, c)


def test_every_font_draws_distinct_glyphs():
    t = templates("digits")[:, :, 0]              # (fonts, classes, 64, 64)
    assert t.shape[:2] == (len(FONTS), 10)
    ink = t.reshape(len(FONTS), 10, -1)
    assert (ink.max(-1) > 0.5).all()               # every glyph has ink
    # within a font the ten digits differ from each other
    diff = np.abs(ink[:, :, None] - ink[:, None]).mean(-1)
    assert (diff + np.eye(10) > 0.02).all()


def test_glyphs_are_learnable_by_nearest_centroid():
    x, y = data.glyphs(2000, seed=0)
    xt, yt = data.glyphs(500, seed=1)
    centroids = np.stack([x[y == c].mean(0) for c in range(10)]).reshape(10, -1)
    pred = ((xt.reshape(len(xt), 1, -1) - centroids) ** 2).sum(-1).argmin(1)
    acc = (pred == yt).mean()
    assert 0.3 < acc < 0.95                        # easy enough to learn, not trivial


def test_glyphs_speed_printed(capsys):
    templates("digits")
    start = time.perf_counter()
    data.glyphs(10_000)
    with capsys.disabled():
        print(f"\nglyphs(10_000): {time.perf_counter() - start:.2f} s (templates cached)")


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        data.glyphs(3, kind="runes")


# --- real datasets, read from tiny files written in the real formats -------------------

def _write_idx(path, array):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    path.write_bytes(header + array.tobytes())


@pytest.mark.parametrize("loader,folder", [(data.mnist, "MNIST"), (data.fashion_mnist, "FashionMNIST")])
def test_idx_readers_on_tiny_files(tmp_path, loader, folder):
    rng = np.random.default_rng(0)
    raw = tmp_path / folder / "raw"
    raw.mkdir(parents=True)
    imgs = {s: rng.integers(0, 256, (n, 28, 28)) for s, n in (("train", 5), ("t10k", 3))}
    labels = {s: rng.integers(0, 10, len(v)) for s, v in imgs.items()}
    for s in imgs:
        _write_idx(raw / f"{s}-images-idx3-ubyte", imgs[s])
        _write_idx(raw / f"{s}-labels-idx1-ubyte", labels[s])
    split = loader(root=tmp_path)
    assert split.X_train.shape == (5, 28, 28) and split.X_train.dtype == np.float32
    np.testing.assert_allclose(split.X_train * 255, imgs["train"], atol=1e-4)
    np.testing.assert_array_equal(split.y_test, labels["t10k"])
    assert split.y_test.dtype == np.int64


def test_cifar_reader_on_tiny_batches(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batches[name] = {"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8),
                         "labels": list(rng.integers(0, 10, 2))}
        with open(folder / name, "wb") as fh:
            pickle.dump(batches[name], fh, protocol=2)
    split = data.cifar10(root=tmp_path)
    assert split.X_train.shape == (10, 32, 32, 3) and split.X_test.shape == (2, 32, 32, 3)
    first = batches["data_batch_1"]["data"][0]
    # row of 3072 = red plane (1024), green plane, blue plane; pixel (0, 1) of image 0:
    np.testing.assert_allclose(split.X_train[0, 0, 1] * 255, first[[1, 1025, 2049]], atol=1e-4)
    np.testing.assert_array_equal(split.y_train[2:4], batches["data_batch_2"]["labels"])


@pytest.mark.parametrize("loader,name", [(data.mnist, "MNIST"), (data.fashion_mnist, "Fashion-MNIST"),
                                         (data.cifar10, "CIFAR10")])
def test_offline_error_says_how_to_get_the_files(tmp_path, loader, name):
    with pytest.raises(FileNotFoundError, match=rf"{name} is not on this machine.*download=True"):
        loader(root=tmp_path)


def test_data_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEKIT_DATA", str(tmp_path))
    assert data.real.data_root() == tmp_path
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        data.mnist()
