"""benchmarks/gpu_check.py (make gpu-check): a clean exit without a GPU; its table with one."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "gpu_check.py"


def test_without_a_gpu_it_says_so_and_exits_0():
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no CUDA GPU" in result.stdout


def test_with_a_gpu_it_runs_each_notebook_on_both_devices(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    monkeypatch.setattr(gpu_check, "cuda_devices", lambda: ["Pretend GPU"])
    monkeypatch.setattr(gpu_check, "grading", lambda assignment, students: [{"label": "graded", "seconds": 1.0}])
    runs = []
    real = gpu_check.run_notebook
    monkeypatch.setattr(gpu_check, "run_notebook", lambda nb, env: runs.append(env) or real(nb, env))
    assert gpu_check.main([str(ROOT / "book/appendix/glossary.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "GPU: Pretend GPU" in out and "| book/appendix/glossary.ipynb |" in out and "| graded | 1.0 |" in out
    assert runs == [gpu_check.CPU_ENV, gpu_check.GPU_ENV]
