"""``import coursekit`` first makes every import order of the two frameworks safe.

TensorFlow and triton (which PyTorch loads lazily: torchvision, torch._dynamo, the first
optimizer) each carry a copy of LLVM; when TensorFlow is loaded first the two collide and the
process dies. On this stack (torch 2.14.1, triton 3.8.0, tensorflow 2.21.0) every order below
exits with a segmentation fault (-11) *without* ``import coursekit`` first (checked by hand,
not asserted: a future release may fix it); ``coursekit.runtime`` loads triton before
TensorFlow, and then every order exits 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

ORDERS = [
    "import torch; import keras; import torchvision",
    "import keras; import torch; import torch._dynamo",
    "import keras; import torchvision",
    "import torch; import tensorflow; import torch._dynamo",
    "import tensorflow; import torch; torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)",
    "import tensorflow; import triton",
]


@pytest.mark.parametrize("order", ORDERS)
def test_coursekit_first_makes_the_import_order_safe(order):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", f"import coursekit; {order}; print('alive')"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, f"exit {result.returncode}:\n{result.stderr[-2000:]}"
    assert result.stdout.strip() == "alive"


FRAMEWORK_IMPORT = re.compile(r"^\s*(?:import|from)\s+(?:torch|torchvision|keras|tensorflow|triton)\b", re.M)
COURSEKIT_IMPORT = re.compile(r"^\s*(?:import|from)\s+coursekit\b", re.M)


def notebooks() -> list[Path]:
    return sorted(p for folder in ("book", "solutions", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("notebook", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_notebook_imports_coursekit_before_a_framework(notebook):
    code = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    framework, ours = FRAMEWORK_IMPORT.search(code), COURSEKIT_IMPORT.search(code)
    if framework:
        assert ours and ours.start() < framework.start(), f"{framework.group().strip()!r} before `import coursekit`"
