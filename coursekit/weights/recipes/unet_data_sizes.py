"""Chapter 11.2's U-Net (the architecture of ``unet_scenes``) trained on 16, 64 and 256 scenes.

Each training set is the first ``n`` of ``scenes(256, seed=0)``; each run starts from
``torch.manual_seed(0)`` and takes the same budget, :data:`STEPS` Adam steps of 16 scenes (so
``STEPS · 16 / n`` epochs), in :data:`CHUNKS` equal chunks: learning rate 1e-2, then 1e-3 for the
last chunk. After every chunk the run is scored by mean IoU on 100 held-out scenes (``seed=1``).
The file holds ``{"sizes", "steps", "curves": {n: [mean IoU after each chunk]}, "states": {n: state_dict}}``:
``torch.load(coursekit.weights.path("unet_data_sizes"))``.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.weights.recipes.unet_scenes import ARCHITECTURE

SIZES, STEPS, CHUNKS, BATCH = (16, 64, 256), 192, 4, 16


def build(out_dir: Path) -> dict:
    import torch

    from coursekit import data
    from coursekit.scratch.metrics import mean_iou
    from coursekit.torch.segmentation import UNet, predict, train

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        pool, held_out = data.scenes(max(SIZES), seed=0), data.scenes(100, seed=1)
        curves, states = {}, {}
        for n in SIZES:
            torch.manual_seed(0)
            model = UNet(**ARCHITECTURE)
            epochs = STEPS * BATCH // n // CHUNKS
            curves[n] = []
            for chunk in range(CHUNKS):
                lr = 1e-3 if chunk == CHUNKS - 1 else 1e-2
                train(model, pool.images[:n], pool.semantic[:n], epochs=epochs, lr=lr, batch_size=BATCH, seed=chunk)
                masks = predict(model, held_out.images)
                curves[n].append(round(mean_iou(masks, held_out.semantic, 4), 4))
            states[n] = model.state_dict()
        steps = [STEPS * (c + 1) // CHUNKS for c in range(CHUNKS)]
        torch.save({"sizes": SIZES, "steps": steps, "curves": curves, "states": states},
                   Path(out_dir) / "unet_data_sizes.pt")
    finally:
        torch.set_num_threads(threads)
    return {f"mean_iou_{n}": curves[n][-1] for n in SIZES}
