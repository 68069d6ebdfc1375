"""What every book page keeps, read from the notebooks themselves (no kernel, no build)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = sorted(ROOT.glob("book/**/*.ipynb"))
FRAMEWORK_NAMES = {"pytorch": re.compile(r"\b(PyTorch|torch|torchvision)\b"),
                   "keras": re.compile(r"\b(Keras|TensorFlow)\b")}


def framework_of(heading: str) -> str | None:
    """The one framework a heading's title (the text before a colon) names, else None."""
    title = heading.split(":")[0]
    named = [name for name, pattern in FRAMEWORK_NAMES.items() if pattern.search(title)]
    return named[0] if len(named) == 1 else None


def test_framework_of_a_heading():
    assert framework_of("## PyTorch: the loop calls the callbacks itself") == "pytorch"
    assert framework_of("## Keras: `kernel_regularizer`, `Dropout`") == "keras"
    assert framework_of("## The same in PyTorch and TensorFlow") is None
    assert framework_of("## Conventions that differ: torch vs Keras") is None


@pytest.mark.parametrize("notebook", BOOK, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_a_framework_section_starts_its_own_cell_tagged_for_that_framework(notebook):
    """The framework switch hides whole cells: a '## PyTorch: ...' heading inside a Keras cell would vanish with
    the Keras choice, and neutral prose above it would vanish with the other framework's."""
    wrong = []
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        for number, line in enumerate(cell.source.splitlines()):
            framework = framework_of(line) if line.startswith("#") else None
            if framework and (number != 0 or framework not in cell.metadata.get("tags", [])):
                wrong.append(f"cell {index}: {line!r} (tags {cell.metadata.get('tags', [])}, line {number + 1})")
    assert not wrong, "split the cell so that the heading starts it, and tag it: " + "; ".join(wrong)
