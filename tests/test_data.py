import numpy as np
import pytest

from coursekit import data


def test_digits_fixed_split():
    split = data.digits()
    assert [a.shape for a in split] == [(1347, 64), (1347,), (450, 64), (450,)]
    assert split.X_train.dtype == np.float32 and split.y_train.dtype == np.int64
    assert 0.0 <= split.X_train.min() and split.X_train.max() == 1.0
    assert set(np.unique(split.y_test)) == set(range(10))
    again = data.digits()
    np.testing.assert_array_equal(split.X_test, again.X_test)
    assert data.digits(flat=False).X_train.shape == (1347, 8, 8)


@pytest.mark.parametrize("make", [data.blobs, data.xor, data.moons, data.spirals])
def test_toy_sets_are_seeded_and_typed(make):
    X, y = make(n=101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    X2, y2 = make(n=101, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make(n=101, seed=4)[0])


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = data.xor(n=400, noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))


def test_logic_gates():
    X, y = data.logic_gate("AND")
    np.testing.assert_array_equal(y, [0, 0, 0, 1])
    np.testing.assert_array_equal(data.logic_gate("xor")[1], [0, 1, 1, 0])
    with pytest.raises(ValueError, match="unknown gate 'nor'"):
        data.logic_gate("nor")


def test_torch_loader_batches_and_reproducible_shuffle():
    import torch

    X, y = data.blobs(n=10)
    batches = [b for b in data.torch_loader(X, y, batch_size=4, seed=1)]
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert batches[0][0].dtype == torch.float32 and batches[0][1].dtype == torch.int64
    again = [b for b in data.torch_loader(X, y, batch_size=4, seed=1)]
    torch.testing.assert_close(batches[0][0], again[0][0])
    full = next(iter(data.torch_loader(X, y, batch_size=10, shuffle=False)))
    np.testing.assert_array_equal(full[0].numpy(), X)


def test_tf_dataset_batches():
    X, y = data.blobs(n=10)
    batches = list(data.tf_dataset(X, y, batch_size=4, shuffle=False).as_numpy_iterator())
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X)
