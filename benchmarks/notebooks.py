"""The notebook time budget: wall time, peak memory and fixed cost of every book and solution notebook.

    make bench                                   # or
    COURSEKIT_THREADS=1 .venv/bin/python benchmarks/notebooks.py [NOTEBOOK ...]

The budget (README, "Time budget"), for an idle 2-core machine with one compute thread per kernel:
every notebook ≤ 45 s, all notebooks of the course together ≤ 12 minutes. Rows over budget are
flagged; the exit status is 1 only if a notebook fails. Nothing is saved.

Each notebook runs in its own process (``--one``), which starts the kernel, runs the cells one by
one and reports the kernel start, the cells' total and the peak resident memory of the kernel.
The **fixed cost** column is what a notebook pays before its lesson starts: the kernel start
(measured for that notebook) plus, from a probe notebook run first, the import of each framework
the notebook imports and, if it calls ``fit``, Keras's first ``fit`` (which traces the graph).
On a busy machine (load average above the number of CPUs) wall time counts the other processes
too, so the budget is then judged on each kernel's CPU time (one thread: close to its wall time
when idle); the header says which.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_SECONDS = 45
COURSE_SECONDS = 12 * 60

#: the probe: one fresh kernel, each step timed in the kernel (seconds printed by the cell)
PROBE = {
    "coursekit.setup": "import coursekit\ndevice = coursekit.setup(seed=0)",
    "torch": "import torch\nimport torchvision",
    "keras": "import keras",
    "first fit": ("import numpy as np\nx = np.random.default_rng(0).normal(size=(512, 64)).astype('float32')\n"
                  "y = (x[:, 0] > 0).astype('int64')\n"
                  "def fit():\n"
                  "    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation='relu'),"
                  " keras.layers.Dense(2)])\n"
                  "    model.compile(optimizer='sgd', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),"
                  " jit_compile=False)\n"
                  "    model.fit(x, y, batch_size=32, epochs=2, verbose=0)\n"
                  "fit()"),
    "next fit": "fit()",
}
USES = {"coursekit.setup": re.compile(r"coursekit\.setup\("),
        "torch": re.compile(r"^\s*(?:import|from)\s+(?:torch|torchvision|coursekit\.torch)\b", re.M),
        "keras": re.compile(r"^\s*(?:import|from)\s+(?:keras|tensorflow|coursekit\.keras)\b", re.M),
        "first fit": re.compile(r"\.fit\(")}


def run_one(path: Path) -> dict:
    """Execute one notebook here (in this process's kernel child); its kernel start, cells and peak memory."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    cells = []
    with client.setup_kernel():
        kernel = time.perf_counter() - start
        for index, cell in enumerate(nb.cells):
            began = time.perf_counter()
            client.execute_cell(cell, index)
            cells.append(round(time.perf_counter() - began, 3))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel (and what it started), once it exited
    peak_mib, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss in kB on Linux
    outputs = ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells if c.cell_type == "code"]
    return {"notebook": str(path), "seconds": round(seconds, 2), "cpu": round(cpu, 2), "kernel": round(kernel, 2),
            "cells": cells, "peak_mib": round(peak_mib), "outputs": outputs}


def measure(notebook: Path) -> dict:
    """Run :func:`run_one` in a fresh process (so the peak memory is this notebook's kernel alone)."""
    result = subprocess.run([sys.executable, __file__, "--one", str(notebook)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"notebook": str(notebook), "failed": tail[0][:200]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def probe() -> dict[str, float]:
    """Seconds of each :data:`PROBE` step inside one fresh kernel, plus ``kernel`` (an empty notebook's run).

    Returns:
        ``{step: (wall seconds, CPU seconds)}``.
    """
    import nbformat

    timed = [f"import time\n_t, _c = time.perf_counter(), time.process_time()\n{code}\n"
             "print(round(time.perf_counter() - _t, 3), round(time.process_time() - _c, 3))" for code in PROBE.values()]
    with tempfile.TemporaryDirectory() as tmp:
        empty, path = Path(tmp) / "empty.ipynb", Path(tmp) / "probe.ipynb"
        nbformat.write(nbformat.v4.new_notebook(), empty)
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in timed]), path)
        start, row = measure(empty), measure(path)
    if start.get("failed") or row.get("failed"):
        raise RuntimeError(f"the probe notebook failed: {start.get('failed') or row['failed']}")
    steps = {name: tuple(map(float, out.strip().splitlines()[-1].split())) for name, out in zip(PROBE, row["outputs"])}
    return {"kernel": (start["seconds"], start["cpu"]), **steps}


def fixed_cost(notebook: Path, kernel: float, costs: dict[str, float]) -> float:
    """Kernel start plus the probe's cost of every framework import (and first fit) the notebook has.

    ``costs``: seconds per :data:`PROBE` step (wall, or CPU when the machine is busy).
    """
    import nbformat

    code = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    used = {step for step, pattern in USES.items() if pattern.search(code)}
    if "keras" not in used:
        used.discard("first fit")  # a scikit-learn or hand-written fit, not Keras's graph tracing
    return kernel + sum(costs[step] for step in used)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    notebooks = args.notebooks or sorted(ROOT.glob("book/**/*.ipynb")) + sorted(ROOT.glob("solutions/**/*.ipynb"))
    notebooks = [n for n in notebooks if ".ipynb_checkpoints" not in n.parts]
    load_before = os.getloadavg()[0]
    probed = probe()
    load = max(load_before, os.getloadavg()[0])
    # On a busy machine wall time measures the other processes too; one thread's CPU time is then the
    # better estimate of the wall time on an idle machine, and the budget is judged on it.
    busy = load > (os.cpu_count() or 1)
    basis = "cpu" if busy else "seconds"
    costs = {step: cpu if busy else wall for step, (wall, cpu) in probed.items()}

    print(f"threads per kernel: {os.environ.get('COURSEKIT_THREADS', 'all cores (COURSEKIT_THREADS unset)')}; "
          f"{os.cpu_count()} CPUs; load average {load:.1f}: "
          + ("busy, so budget and fixed cost are judged on the kernel's CPU time" if busy else "budget judged on wall time"))
    print()
    print("Fixed costs in one fresh kernel (wall / CPU seconds): "
          + ", ".join(f"{step} {wall:.1f} / {cpu:.1f}" for step, (wall, cpu) in probed.items()))
    print()
    print("| notebook | wall (s) | CPU (s) | kernel start (s) | fixed cost (s) | fixed share | peak memory (MiB) | budget |")
    print("|---|---:|---:|---:|---:|---:|---:|---|", flush=True)
    total = {"seconds": 0.0, "cpu": 0.0}
    fixed_total = 0.0
    rows = []
    for notebook in notebooks:
        row = measure(notebook)
        rows.append(row)
        name = notebook.resolve().relative_to(ROOT)
        if row.get("failed"):
            print(f"| {name} | | | | | | | FAILED: {row['failed']} |", flush=True)
            continue
        fixed = min(fixed_cost(notebook, costs["kernel"] if busy else row["kernel"], costs), row[basis])
        for key in total:
            total[key] += row[key]
        fixed_total += fixed
        flag = f"**over {NOTEBOOK_SECONDS} s**" if row[basis] > NOTEBOOK_SECONDS else "ok"
        print(f"| {name} | {row['seconds']:.1f} | {row['cpu']:.1f} | {row['kernel']:.1f} | {fixed:.1f} "
              f"| {fixed / row[basis]:.0%} | {row['peak_mib']:.0f} | {flag} |", flush=True)
    flag = f"**over {COURSE_SECONDS // 60} min**" if total[basis] > COURSE_SECONDS else "ok"
    share = f"{fixed_total / total[basis]:.0%}" if total[basis] else ""
    print(f"| **total** ({len(rows)} notebooks) | {total['seconds']:.1f} | {total['cpu']:.1f} | | {fixed_total:.1f} "
          f"| {share} | | {flag} |")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    failed = [r for r in rows if r.get("failed")]
    over = [r for r in rows if not r.get("failed") and r[basis] > NOTEBOOK_SECONDS]
    print()
    print(f"{len(over)} notebook(s) over {NOTEBOOK_SECONDS} s; course total {total[basis] / 60:.1f} min "
          f"(budget {COURSE_SECONDS // 60} min, {'CPU' if busy else 'wall'}); {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
