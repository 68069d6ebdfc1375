"""Chapter 11's U-Net (:class:`coursekit.torch.segmentation.UNet`, base 8, depth 3, batch norm) on few scenes.

``torch.manual_seed(0)``, only 200 training scenes (``scenes(200, seed=0)``, 64×64), Adam on pixel-wise
cross-entropy: 40 epochs at learning rate 1e-2, then 10 at 1e-3 (batches of 16). Evaluated by mean IoU
over the four classes on 200 held-out scenes (``seed=1``). Load it with
``model.load_state_dict(torch.load(coursekit.weights.path("unet_scenes")))``.
"""

from __future__ import annotations

from pathlib import Path

N_TRAIN, SCHEDULE = 200, ((40, 1e-2), (10, 1e-3))
ARCHITECTURE = {"in_channels": 3, "num_classes": 4, "base": 8, "depth": 3, "batch_norm": True}


def build(out_dir: Path) -> dict:
    import torch

    from coursekit import data
    from coursekit.scratch.metrics import dice, mean_iou
    from coursekit.torch.segmentation import UNet, predict, train

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = UNet(**ARCHITECTURE)
        scenes = data.scenes(N_TRAIN, seed=0)
        for i, (epochs, lr) in enumerate(SCHEDULE):
            history = train(model, scenes.images, scenes.semantic, epochs=epochs, lr=lr, seed=i)
        held_out = data.scenes(200, seed=1)
        masks = predict(model, held_out.images)
        torch.save(model.state_dict(), Path(out_dir) / "unet_scenes.pt")
    finally:
        torch.set_num_threads(threads)
    return {"train_loss": round(history[-1], 4), "mean_iou": round(mean_iou(masks, held_out.semantic, 4), 4),
            "dice": round(dice(masks, held_out.semantic, 4), 4)}
