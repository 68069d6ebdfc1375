"""Chapter 11's FCN and U-Net in Keras, trained by Keras on the U-Net's budget; one weights file.

Both networks are the twins of the PyTorch checkpoints ``fcn_scenes`` and ``unet_scenes``
(:func:`coursekit.keras.segmentation.fcn` width 16, :func:`~coursekit.keras.segmentation.unet` base 8,
depth 3, both with batch normalisation), each trained from ``keras.utils.set_random_seed(0)`` with the
scenes and schedule of :mod:`coursekit.weights.recipes.unet_scenes` and scored on 200 held-out scenes.
The file is the weights of :func:`models` (one Keras model holding both as its two outputs):
``models().load_weights(coursekit.weights.path("segmentation_keras"))``.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.weights.recipes.unet_scenes import N_TRAIN, SCHEDULE


def models():
    """``(pair, fcn, unet)``: the two networks and one model with both as outputs (it holds the weights)."""
    import keras

    from coursekit.keras import segmentation

    keras.utils.set_random_seed(0)
    fcn = segmentation.fcn((64, 64, 3), 4, width=16, batch_norm=True)
    unet = segmentation.unet((64, 64, 3), 4, base=8, depth=3, batch_norm=True)
    inputs = keras.Input((64, 64, 3))
    return keras.Model(inputs, [fcn(inputs), unet(inputs)], name="segmentation_pair"), fcn, unet


def build(out_dir: Path) -> dict:
    from coursekit import data
    from coursekit.keras.segmentation import fit_schedule, predict
    from coursekit.scratch.metrics import mean_iou

    pair, fcn, unet = models()
    scenes, held_out = data.scenes(N_TRAIN, seed=0), data.scenes(200, seed=1)
    metrics = {}
    for name, model in (("fcn", fcn), ("unet", unet)):
        history = fit_schedule(model, scenes.images, scenes.semantic, SCHEDULE)
        masks = predict(model, held_out.images)
        metrics[f"{name}_train_loss"] = round(history[-1], 4)
        metrics[f"{name}_mean_iou"] = round(mean_iou(masks, held_out.semantic, 4), 4)
    pair.save_weights(Path(out_dir) / "segmentation_keras.weights.h5")
    return metrics
