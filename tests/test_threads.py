"""One compute thread per test worker and notebook kernel (COURSEKIT_THREADS); all cores at home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit import notebooks, runtime

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
          "TF_NUM_INTEROP_THREADS", "COURSEKIT_THREADS")


def run(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in LIMITS} | {"PYTHONPATH": str(ROOT)} | env
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean,
                          check=True).stdout.strip()


def test_the_test_session_runs_with_one_thread():
    import torch

    assert os.environ["COURSEKIT_THREADS"] == "1" and os.environ["OMP_NUM_THREADS"] == "1"
    assert torch.get_num_threads() == 1


def test_coursekit_threads_limits_torch_and_tensorflow():
    code = ("import os, coursekit, torch, tensorflow as tf; coursekit.setup(0); "
            "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], torch.get_num_threads(), "
            "tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    assert run(code, COURSEKIT_THREADS="1").split() == ["1", "1", "1", "1", "1"]


def test_without_coursekit_threads_nothing_is_limited():
    code = "import os, coursekit, torch; coursekit.setup(0); print(os.environ.get('OMP_NUM_THREADS'), torch.get_num_threads())"
    omp, torch_threads = run(code).split()
    assert omp == "None"
    assert int(torch_threads) == int(run("import torch; print(torch.get_num_threads())")), "torch's own default"


def test_a_notebook_kernel_inherits_one_thread(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import coursekit\ncoursekit.setup(0)\nimport torch\nprint(torch.get_num_threads())")])
    path = tmp_path / "threads.ipynb"
    nbformat.write(nb, path)
    notebooks.execute(path)
    assert nbformat.read(path, as_version=4).cells[0].outputs[0].text.strip() == "1"


def test_bad_thread_count_is_an_error(monkeypatch):
    monkeypatch.setenv(runtime.THREADS_ENV, "many")
    with pytest.raises(ValueError, match="COURSEKIT_THREADS"):
        runtime.threads()
    monkeypatch.setenv(runtime.THREADS_ENV, "0")
    assert runtime.threads() is None
