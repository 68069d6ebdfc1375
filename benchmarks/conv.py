"""Speed of the NumPy convolutions against PyTorch on the CPU, forward and backward.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/conv.py [--repeats 5]

Two layers: LeNet-5's first convolution on a batch of 64 glyphs (1 -> 6 channels,
5x5, padding 2, 28x28) and a 64 -> 64 channel 3x3 layer with padding 1 on 16 images
of 32x32. For each, the best of ``--repeats`` runs of forward + backward with
``coursekit.scratch.conv.Conv2d`` (im2col) and ``torch.nn.functional.conv2d`` + autograd,
both in float64 and in float32, one thread, and the naive loops (float64, timed once on
2 images and scaled to the batch: their time is linear in it). Prints one Markdown table,
each time also as a multiple of PyTorch's in the same precision.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch.nn import functional as F

from coursekit.scratch.conv import Conv2d, Conv2dNaive

LAYERS = {  # name -> (n, c_in, h, c_out, k, padding)
    "LeNet conv1 (64x1x28x28 -> 6, 5x5)": (64, 1, 28, 6, 5, 2),
    "64-channel (16x64x32x32 -> 64, 3x3)": (16, 64, 32, 64, 3, 1),
}


def best_time(step, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def scratch_step(layer, x):
    def step():
        out = layer.forward(x)
        layer.backward(np.ones_like(out))
    return step


def torch_step(x, W, b, padding):
    x_t = torch.from_numpy(x).requires_grad_()
    W_t, b_t = torch.from_numpy(W).requires_grad_(), torch.from_numpy(b).requires_grad_()

    def step():
        F.conv2d(x_t, W_t, b_t, padding=padding).sum().backward()
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for name, (n, c_in, h, c_out, k, p) in LAYERS.items():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((n, c_in, h, h))
        naive = Conv2dNaive(c_in, c_out, k, padding=p)
        t_naive = best_time(scratch_step(naive, x[:2]), 1) * n / 2
        for dtype in (np.float64, np.float32):
            fast = Conv2d(c_in, c_out, k, padding=p, rng=rng)
            fast.params = {key: v.astype(dtype) for key, v in fast.params.items()}
            xd = x.astype(dtype)
            t_torch = best_time(torch_step(xd, fast.params["W"], fast.params["b"], p), args.repeats)
            t_im2col = best_time(scratch_step(fast, xd), args.repeats)
            rows.append((name, np.dtype(dtype).name, t_torch, t_im2col, t_naive if dtype == np.float64 else None))
    print(f"torch {torch.__version__}, NumPy {np.__version__}, 1 thread, forward + backward, best of "
          f"{args.repeats}\n")
    print("| layer | dtype | F.conv2d (ms) | im2col (ms) | im2col / torch | naive (ms) | naive / torch |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, dtype, t, t_i, t_n in rows:
        naive_cells = f"{1e3 * t_n:.0f} | {t_n / t:.0f}x" if t_n else "- | -"
        print(f"| {name} | {dtype} | {1e3 * t:.1f} | {1e3 * t_i:.1f} | {t_i / t:.1f}x | {naive_cells} |")

if __name__ == "__main__":
    main()
