"""Chapter 13's DCGAN generator on 16x16 digit glyphs (``book/13_gans/dcgan.ipynb``), as a ``state_dict``.

:class:`coursekit.torch.dcgan.Generator` ``(latent=32, size=16, width=32)`` and its discriminator,
DCGAN initialisation after ``torch.manual_seed(0)``, trained by :func:`coursekit.torch.dcgan.train`
(Adam, lr 2e-4, beta_1 0.5, batches of 64) for 30 epochs on ``glyphs(8000, size=16, seed=0)``; one thread.
Only the generator is stored. Load it with
``G.load_state_dict(torch.load(coursekit.weights.path("dcgan_glyphs")))``.
"""

from __future__ import annotations

from pathlib import Path

N_IMAGES, EPOCHS, N_CLASSES = 8000, 30, 0


def build(out_dir: Path, name: str = "dcgan_glyphs", n_classes: int = N_CLASSES) -> dict:
    import torch

    from coursekit.data import glyphs
    from coursekit.torch import dcgan

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same bits on every run of this machine
    try:
        images, labels = glyphs(N_IMAGES, size=16, seed=0)
        torch.manual_seed(0)
        generator = dcgan.Generator(latent=32, size=16, width=32, n_classes=n_classes)
        discriminator = dcgan.Discriminator(size=16, width=32, n_classes=n_classes)
        history = dcgan.train(generator, discriminator, images, labels if n_classes else None, epochs=EPOCHS)
        torch.save(generator.state_dict(), Path(out_dir) / f"{name}.pt")
    finally:
        torch.set_num_threads(threads)
    return {"epochs": EPOCHS, "final_d_loss": round(history["d_loss"][-1], 4),
            "final_g_loss": round(history["g_loss"][-1], 4)}
