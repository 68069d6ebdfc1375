"""Chapter 10's small YOLO detector (:class:`coursekit.torch.detection.TinyYOLO`, B = 2, C = 3) on scenes.

``torch.manual_seed(0)``, 2,000 training scenes (``scenes(2000, seed=0)``), Adam on the YOLO v1 loss:
8 epochs at learning rate 3e-3, then 4 at 1e-3 (batches of 32). Evaluated by COCO mAP on 200 held-out
scenes (``seed=1``). Load it with ``model.load_state_dict(torch.load(coursekit.weights.path("yolo_scenes")))``.
"""

from __future__ import annotations

from pathlib import Path

N_TRAIN, SCHEDULE = 2000, ((8, 3e-3), (4, 1e-3))


def build(out_dir: Path) -> dict:
    import torch

    from coursekit import data
    from coursekit.scratch.metrics import mean_average_precision
    from coursekit.torch.detection import TinyYOLO, predict, train

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = TinyYOLO()
        scenes = data.scenes(N_TRAIN, seed=0)
        for i, (epochs, lr) in enumerate(SCHEDULE):
            history = train(model, scenes, epochs=epochs, lr=lr, seed=i)
        held_out = data.scenes(200, seed=1)
        result = mean_average_precision(predict(model, held_out.images, score_threshold=0.01), held_out.targets())
        torch.save(model.state_dict(), Path(out_dir) / "yolo_scenes.pt")
    finally:
        torch.set_num_threads(threads)
    return {"train_loss": round(history[-1], 4), "map": round(result["map"], 4),
            "map_50": round(result["map_50"], 4), "map_75": round(result["map_75"], 4)}
