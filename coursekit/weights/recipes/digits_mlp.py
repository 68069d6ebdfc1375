"""Chapter 3's digits MLP in PyTorch (``book/03_backprop/mlp.ipynb``), as a ``state_dict``.

``Linear(64, 64) -> ReLU -> Linear(64, 10)`` (:func:`coursekit.torch.mlp.mlp`), PyTorch's default
initialisation after ``torch.manual_seed(0)``, 30 epochs of mini-batch SGD (batches of 32,
learning rate 0.1, batch order from a generator seeded 0) on the 1,347 training digits.
Load it with ``model.load_state_dict(torch.load(coursekit.weights.path("digits_mlp")))``.
"""

from __future__ import annotations

from pathlib import Path

EPOCHS, BATCH_SIZE, LR = 30, 32, 0.1


def build(out_dir: Path) -> dict:
    import torch
    from torch.nn import functional as F

    from coursekit import data
    from coursekit.torch.mlp import mlp

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same bits on every run of this machine
    try:
        digits = data.digits()
        X_train, y_train = torch.tensor(digits.X_train), torch.tensor(digits.y_train)
        X_test, y_test = torch.tensor(digits.X_test), torch.tensor(digits.y_test)
        torch.manual_seed(0)
        net = mlp([64, 64, 10])
        optimizer = torch.optim.SGD(net.parameters(), lr=LR)
        generator = torch.Generator().manual_seed(0)
        for _ in range(EPOCHS):
            for idx in torch.randperm(len(X_train), generator=generator).split(BATCH_SIZE):
                loss = F.cross_entropy(net(X_train[idx]), y_train[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            train_loss = F.cross_entropy(net(X_train), y_train).item()
            test_accuracy = (net(X_test).argmax(dim=1) == y_test).double().mean().item()
        torch.save(net.state_dict(), Path(out_dir) / "digits_mlp.pt")
    finally:
        torch.set_num_threads(threads)
    return {"train_loss": round(train_loss, 4), "test_accuracy": round(test_accuracy, 4)}
