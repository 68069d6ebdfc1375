"""Book pages as Colab and a download give them to a student.

Every book page runs top to bottom under nbval (outputs compared) in a kernel whose ``coursekit``
is a wheel built from the repository and installed into a fresh virtual environment
(``colab_python`` in ``conftest.py``): the run that proves a page reproduces its outputs is the
same run that proves it works from the wheel, so no page is executed twice. This file checks
that environment, the setup cell every page starts with, and that no notebook a student can
download contains a Sphinx/MyST directive (which Jupyter and Colab show as raw text)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = sorted(ROOT.glob("book/**/*.ipynb"))
DIRECTIVE = re.compile(r"```\{|:::\{|\{literalinclude\}|\{admonition\}")
SETUP_CELL = '''# Setup: on Colab, install the course library first; elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install -q "coursekit @ git+https://github.com/dl-course/deep-learning-course"'''


def test_the_wheel_environment_imports_coursekit_from_the_wheel_only(wheel_python):
    code = ("import coursekit, coursekit.weights, coursekit.source, pathlib, sys; "
            "print(pathlib.Path(coursekit.__file__).resolve()); print(sys.prefix); "
            "print(all(p.is_file() for p in pathlib.Path(coursekit.weights.__file__).parent.glob('files/*')))")
    result = subprocess.run([str(wheel_python), "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT / "book", env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ""})  # as in the kernel
    location, prefix, files = result.stdout.split()
    assert Path(location).is_relative_to(Path(prefix).resolve()), "coursekit comes from the environment's wheel"
    assert not Path(location).is_relative_to(ROOT), "not from the working tree"
    assert files == "True"


def test_the_wheel_environment_has_no_coursekit_without_the_wheel(wheel_python, tmp_path):
    venv = wheel_python.parents[1]
    stack = next(venv.glob("lib/python*/site-packages/course_stack.pth")).read_text().strip()
    result = subprocess.run([str(wheel_python), "-I", "-c", f"import sys; sys.path.remove({stack!r}); "
                             "import importlib.util; print(importlib.util.find_spec('numpy') is None)"],
                            capture_output=True, text=True)
    assert result.stdout.strip() == "True", "the stack reaches the environment only through course_stack.pth"
    editable = subprocess.run([str(wheel_python), "-c", "import sys; print(any('editable' in repr(f) for f in sys.meta_path))"],
                              capture_output=True, text=True, check=True)
    assert editable.stdout.strip() == "False", "the editable install's finder is not active"


@pytest.mark.parametrize("notebook", BOOK, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_page_starts_with_the_colab_setup_cell(notebook):
    if notebook.parent.name == "appendix":
        pytest.skip("appendix pages import only coursekit.terms, which the setup cell would install the same way")
    nb = nbformat.read(notebook, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source.strip() == SETUP_CELL and "remove-cell" in first.metadata.get("tags", [])


@pytest.mark.parametrize("notebook", BOOK, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_no_directive_in_a_book_notebook(notebook):
    nb = nbformat.read(notebook, as_version=4)
    found = [(i, m.group(0)) for i, cell in enumerate(nb.cells) for m in DIRECTIVE.finditer(cell.source)]
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for text in output.get("data", {}).values():
                found += [(i, m.group(0)) for m in DIRECTIVE.finditer(text if isinstance(text, str) else "")]
    assert found == [], f"directives (cell index, text) that Jupyter and Colab show as raw text: {found}"
