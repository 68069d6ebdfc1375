"""Chapter 11.3's small Mask R-CNN (:func:`coursekit.torch.mask_rcnn.small_mask_rcnn`) on the scenes.

``torch.manual_seed(0)``, 800 training scenes (``scenes(800, seed=0)``), Adam on the sum of the five
Mask R-CNN losses: 10 epochs at learning rate 2e-3, then 4 at 3e-4 (batches of 8). Evaluated by COCO
box and mask AP (pycocotools) on 200 held-out scenes (``seed=1``). Load it with
``model.load_state_dict(torch.load(coursekit.weights.path("mask_rcnn_scenes")))``.
"""

from __future__ import annotations

from pathlib import Path

N_TRAIN, SCHEDULE = 800, ((10, 2e-3), (4, 3e-4))


def build(out_dir: Path) -> dict:
    import torch

    from coursekit import data
    from coursekit.torch.mask_rcnn import coco_ap, predict, small_mask_rcnn, train

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = small_mask_rcnn()
        scenes = data.scenes(N_TRAIN, seed=0)
        for i, (epochs, lr) in enumerate(SCHEDULE):
            history = train(model, scenes, epochs=epochs, lr=lr, seed=100 * i)
        held_out = data.scenes(200, seed=1)
        found = predict(model, held_out.images)
        torch.save(model.state_dict(), Path(out_dir) / "mask_rcnn_scenes.pt")
    finally:
        torch.set_num_threads(threads)
    box, mask = coco_ap(found, held_out, "bbox"), coco_ap(found, held_out, "segm")
    return {"train_loss": round(sum(history[-1].values()), 4),
            "box_ap": round(box["ap"], 4), "box_ap_50": round(box["ap_50"], 4),
            "mask_ap": round(mask["ap"], 4), "mask_ap_50": round(mask["ap_50"], 4)}
