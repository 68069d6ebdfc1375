"""Run the course on a CUDA GPU: every book notebook and the grading of one class, CPU against GPU.

    make gpu-check                # or
    .venv/bin/python benchmarks/gpu_check.py [--assignment 02_mlp] [--students 4] [NOTEBOOK ...]

Without a CUDA GPU (as PyTorch sees it) it says so and exits 0. With one:

* every book notebook runs twice, each time in a fresh kernel: on the CPU (``CUDA_VISIBLE_DEVICES=``
  hides the GPU from PyTorch and TensorFlow, ``COURSEKIT_DEVICE=cpu``) and on the GPU
  (``COURSEKIT_DEVICE=cuda``); outputs are not compared (GPU kernels round differently), but
  every cell must run;
* a synthetic class of the assignment (full, partial and blank submissions) is graded by plain
  ``nbgrader autograde`` on the CPU and on the GPU, and once by ``coursekit grade`` (the sandbox
  gives each kernel its own minimal ``/dev``, so sandboxed grading computes on the CPU);
* a Markdown table of the times is printed. Exit status 1 if anything failed.

Nothing in the repository is changed. ``COURSEKIT_THREADS`` is passed on as it is (unset: all cores).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
CPU_ENV = {"CUDA_VISIBLE_DEVICES": "", "COURSEKIT_DEVICE": "cpu"}
GPU_ENV = {"COURSEKIT_DEVICE": "cuda"}


def cuda_devices() -> list[str]:
    """Names of the CUDA GPUs PyTorch sees (asked in a subprocess, so this process stays framework-free)."""
    code = "import torch; print([torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        return []
    return [name.strip(" '") for name in result.stdout.strip().strip("[]").split(",") if name.strip()]


def run_notebook(notebook: Path, env: dict[str, str]) -> dict:
    """One notebook in a fresh process and kernel (``benchmarks/notebooks.py --one``) with ``env`` added."""
    result = subprocess.run([sys.executable, str(HERE / "notebooks.py"), "--one", str(notebook)],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})
    if result.returncode != 0:
        return {"failed": (result.stderr.strip().splitlines() or ["no output"])[-1][:120]}
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def environment(env: dict[str, str]):
    """``os.environ`` with ``env`` added, restored afterwards."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def timed(label: str, function) -> dict:
    start = time.perf_counter()
    try:
        function()
    except Exception as err:  # noqa: BLE001 - reported in the table, the check goes on
        return {"label": label, "failed": f"{type(err).__name__}: {str(err)[:100]}"}
    return {"label": label, "seconds": round(time.perf_counter() - start, 1)}


def grading(assignment: str, students: int) -> list[dict]:
    """Grade one synthetic class: plain nbgrader on CPU and GPU, then the sandboxed ``coursekit grade``."""
    sys.path.insert(0, str(HERE))
    import grading as benchmark  # benchmarks/grading.py: the synthetic class, plain nbgrader, the grader

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        benchmark.make_class(assignment, students, klass)
        for device, env in (("cpu", CPU_ENV), ("cuda", GPU_ENV)):
            with environment(env):  # nbgrader's kernels inherit it
                rows.append(timed(f"nbgrader autograde, {device}",
                                  lambda: benchmark.plain_nbgrader(assignment, klass, Path(tmp) / device)))

        def sandboxed():
            results = benchmark.grader.grade(assignment, klass, Path(tmp) / "sandboxed", workers=2)
            bad = [r for r in results if r.status != "ok"]
            if bad:
                raise RuntimeError(f"{len(bad)} submissions not ok: {bad[0].status} {bad[0].detail}")

        rows.append(timed("coursekit grade (sandbox: CPU), 2 workers", sandboxed))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every book notebook")
    parser.add_argument("--assignment", default="02_mlp", help="the class to grade (default 02_mlp)")
    parser.add_argument("--students", type=int, default=4)
    args = parser.parse_args(argv)
    gpus = cuda_devices()
    if not gpus:
        print("gpu-check: no CUDA GPU visible to PyTorch on this machine; nothing to check (run it where one is).")
        return 0
    notebooks = args.notebooks or sorted(p for p in ROOT.glob("book/**/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    print(f"GPU: {', '.join(gpus)}; {os.cpu_count()} CPUs; COURSEKIT_THREADS="
          f"{os.environ.get('COURSEKIT_THREADS', 'unset (all cores)')}")
    print()
    print("| notebook | CPU (s) | GPU (s) | speed-up |")
    print("|---|---:|---:|---:|")
    failures = 0
    totals = [0.0, 0.0]
    for notebook in notebooks:
        cpu, gpu = run_notebook(notebook, CPU_ENV), run_notebook(notebook, GPU_ENV)
        name = notebook.resolve().relative_to(ROOT)
        if cpu.get("failed") or gpu.get("failed"):
            failures += 1
            print(f"| {name} | {cpu.get('seconds', 'FAILED')} | {gpu.get('seconds', 'FAILED')} | "
                  f"{cpu.get('failed') or gpu.get('failed')} |")
            continue
        totals = [totals[0] + cpu["seconds"], totals[1] + gpu["seconds"]]
        print(f"| {name} | {cpu['seconds']:.1f} | {gpu['seconds']:.1f} | {cpu['seconds'] / gpu['seconds']:.2f}× |")
    speed = f"{totals[0] / totals[1]:.2f}×" if totals[1] else ""
    print(f"| **total** | {totals[0]:.1f} | {totals[1]:.1f} | {speed} |")
    print()
    print(f"| grading {args.assignment}, {args.students} students | seconds |")
    print("|---|---:|")
    for row in grading(args.assignment, args.students):
        failures += bool(row.get("failed"))
        print(f"| {row['label']} | {row.get('seconds', 'FAILED: ' + row.get('failed', ''))} |")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
