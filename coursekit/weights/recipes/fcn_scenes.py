"""Chapter 11.1's FCN (:class:`coursekit.torch.segmentation.FCN`, width 16, batch norm) on the U-Net's budget.

The scenes, schedule and evaluation of :mod:`coursekit.weights.recipes.unet_scenes` (200 training scenes,
40 epochs at learning rate 1e-2 then 10 at 1e-3, batches of 16; mean IoU on 200 held-out scenes,
``seed=1``), so that FCN and U-Net differ only in the network. Load it with
``model.load_state_dict(torch.load(coursekit.weights.path("fcn_scenes")))``.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.weights.recipes.unet_scenes import N_TRAIN, SCHEDULE

ARCHITECTURE = {"in_channels": 3, "num_classes": 4, "width": 16, "batch_norm": True}


def build(out_dir: Path) -> dict:
    import torch

    from coursekit import data
    from coursekit.scratch.metrics import mean_iou
    from coursekit.torch.segmentation import FCN, fit_schedule, predict

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = FCN(**ARCHITECTURE)
        scenes = data.scenes(N_TRAIN, seed=0)
        history = fit_schedule(model, scenes.images, scenes.semantic, SCHEDULE)
        held_out = data.scenes(200, seed=1)
        masks = predict(model, held_out.images)
        torch.save(model.state_dict(), Path(out_dir) / "fcn_scenes.pt")
    finally:
        torch.set_num_threads(threads)
    return {"train_loss": round(history[-1], 4), "mean_iou": round(mean_iou(masks, held_out.semantic, 4), 4)}
