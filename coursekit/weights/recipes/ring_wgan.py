"""Chapter 13's WGAN-GP and weight-clipped WGAN on the ring of Gaussians (``book/13_gans/wgan.ipynb``).

:func:`coursekit.torch.ring_gan.train_ring_wgan` with MLPs of 128 hidden units, batches of 256,
five critic steps per generator step, 12 epochs of 100 generator steps, seed 0, one thread:

* ``gp``: gradient penalty ``lambda = 10``, Adam ``lr = 1e-3``, ``betas = (0.5, 0.9)``;
* ``clip``: weights clipped into ``[-0.01, 0.01]``, RMSprop ``lr = 3e-4``.

The file is one ``torch.save`` dict of tensors: ``{kind}_generator`` (the generator's
``state_dict``), ``{kind}_samples`` ``(12, 1000, 2)`` (a fixed ``z`` after each epoch) and
``{kind}_distance`` ``(12,)`` (each epoch's mean critic estimate ``mean C(real) - mean C(fake)``).
"""

from __future__ import annotations

from pathlib import Path

SETTINGS = {"gp": dict(lr=1e-3), "clip": dict(lr=3e-4, clip=0.01)}
COMMON = dict(epochs=12, steps_per_epoch=100, n_critic=5, batch_size=256, hidden=128, seed=0)


def build(out_dir: Path) -> dict:
    import numpy as np
    import torch

    from coursekit.scratch.generative import mode_coverage
    from coursekit.torch import ring_gan

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same bits on every run of this machine
    state, metrics = {}, {}
    try:
        for kind, settings in SETTINGS.items():
            history, generator = ring_gan.train_ring_wgan(**COMMON, **settings, return_generator=True)
            state[f"{kind}_generator"] = generator.state_dict()
            state[f"{kind}_samples"] = torch.from_numpy(np.stack(history["samples"]))
            state[f"{kind}_distance"] = torch.tensor(history["distance"])
            share, good = mode_coverage(history["samples"][-1])
            metrics[f"{kind}_on_modes"] = round(good, 4)
            metrics[f"{kind}_modes_with_2_percent"] = int((share >= 0.02).sum())
        torch.save(state, Path(out_dir) / "ring_wgan.pt")
    finally:
        torch.set_num_threads(threads)
    return metrics
