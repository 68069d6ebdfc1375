"""Chapter 9's pretrained backbone: :class:`coursekit.torch.resnet.CourseResNet` trained on the
26 glyph letters (the *source* task), saved as a PyTorch ``state_dict`` (about 320 kB).

12,000 training letters (``glyphs(kind="letters", seed=1)``), 2,000 test letters (``seed=2``);
PyTorch's default initialisation after ``torch.manual_seed(0)``; Adam (learning rate 3e-3) for
``EPOCHS`` epochs of batches of 64 in an order drawn from a generator seeded 0, the learning rate
cut to a tenth for the last epoch; one thread, so the same bits on every run of this machine.
Chapter 9 reuses everything but the 26-way ``head`` on a two-class digits task it never saw.
"""

from __future__ import annotations

from pathlib import Path

EPOCHS, BATCH_SIZE, LR, N_TRAIN, N_TEST = 5, 64, 3e-3, 12_000, 2_000


def build(out_dir: Path) -> dict:
    import torch
    from torch.nn import functional as F

    from coursekit import data
    from coursekit.torch.resnet import CourseResNet

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        X, y = (torch.tensor(a) for a in data.glyphs(N_TRAIN, kind="letters", seed=1))
        X_test, y_test = (torch.tensor(a) for a in data.glyphs(N_TEST, kind="letters", seed=2))
        X, X_test = X[:, None], X_test[:, None]                       # (n, 1, 28, 28)
        torch.manual_seed(0)
        net = CourseResNet(num_classes=26)
        optimizer = torch.optim.Adam(net.parameters(), lr=LR)
        generator = torch.Generator().manual_seed(0)
        for epoch in range(EPOCHS):
            if epoch == EPOCHS - 1:
                for group in optimizer.param_groups:
                    group["lr"] = LR / 10
            net.train()
            for idx in torch.randperm(len(X), generator=generator).split(BATCH_SIZE):
                loss = F.cross_entropy(net(X[idx]), y[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        net.eval()
        with torch.no_grad():
            accuracy = (net(X_test).argmax(dim=1) == y_test).double().mean().item()
        torch.save(net.state_dict(), Path(out_dir) / "course_resnet.pt")
    finally:
        torch.set_num_threads(threads)
    return {"source_test_accuracy": round(accuracy, 4)}
