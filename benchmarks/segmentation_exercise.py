"""The FCN baseline of assignment 11, task 3: what a network without skip connections reaches on its budget.

    .venv/bin/python benchmarks/segmentation_exercise.py [--seeds 0 1 2 3] [--epochs 5]

Task 3 trains a two-pooling U-Net (``base=8``) on the 200 training scenes of the assignment (32 × 32,
foreground vs background) for 5 epochs of Adam (learning rate 0.01, batches of 16), and its hidden test
requires the held-out mean IoU to beat the FCN-style baseline by a clear margin. This script measures
that baseline once: an FCN with task 3's encoder and the course FCN (:class:`coursekit.torch.segmentation.FCN`: convolution stages and
pooling, a 1×1 score, one transposed convolution back to full size, no skips) at several widths, and
the course U-Net of the same depth as task 3 for comparison, each with the same data, budget and
training loop for every seed, scored on the hidden test's 200 held-out scenes (seed 11). Prints a
Markdown table of the held-out mean IoU per model and seed, the best and the CPU seconds.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

from coursekit import data
from coursekit.scratch.metrics import mean_iou
from coursekit.torch import segmentation



def fcn_with_unet_encoder(base: int = 8) -> nn.Sequential:
    """Task 3's encoder (blocks of ``base``, ``2 base``, ``4 base`` channels, two poolings: 32 → 8), a
    1×1 score and one transposed convolution (kernel 8, stride 4, padding 2) back to 32 × 32: its U-Net
    without the decoder and the skips."""
    return nn.Sequential(segmentation.unet_block(3, base), nn.MaxPool2d(2),
                         segmentation.unet_block(base, 2 * base), nn.MaxPool2d(2),
                         segmentation.unet_block(2 * base, 4 * base), nn.Conv2d(4 * base, 2, 1),
                         nn.ConvTranspose2d(2, 2, 8, stride=4, padding=2))


MODELS = {
    "FCN, task 3's encoder": fcn_with_unet_encoder,
    "FCN, width 8": lambda: segmentation.FCN(3, 2, width=8),
    "FCN, width 16": lambda: segmentation.FCN(3, 2, width=16),
    "FCN, width 32": lambda: segmentation.FCN(3, 2, width=32),
    "U-Net, base 8, depth 2": lambda: segmentation.UNet(3, 2, base=8, depth=2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    train, held_out = data.scenes(200, size=32, seed=0), data.scenes(200, size=32, seed=11)
    masks, truth = (train.semantic > 0).astype(np.int64), (held_out.semantic > 0).astype(np.int64)
    print(f"| model | parameters | " + " | ".join(f"seed {s}" for s in args.seeds) + " | best | CPU s |")
    print("|---|---:|" + "---:|" * (len(args.seeds) + 2))
    for name, make in MODELS.items():
        scores, start = [], time.process_time()
        for seed in args.seeds:
            torch.manual_seed(seed)
            model = make()
            segmentation.train(model, train.images, masks, epochs=args.epochs, lr=1e-2, batch_size=16, seed=seed)
            scores.append(mean_iou(segmentation.predict(model, held_out.images), truth, 2))
        seconds = (time.process_time() - start) / len(args.seeds)
        count = sum(p.numel() for p in model.parameters())
        print(f"| {name} | {count:,} | " + " | ".join(f"{s:.3f}" for s in scores)
              + f" | {max(scores):.3f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
