"""``similarity.csv``: how close each answer is to the library's code and to the other students' answers.

For review, never for the score. Each answer cell is normalised first: parsed, every name a program
chooses (functions, arguments, variables; not attributes or keywords) renamed in order of appearance,
and printed again (:func:`normalise`), so renaming, reformatting and comments change nothing. Two
normalised answers are compared as token sequences (:class:`difflib.SequenceMatcher`, 1.0 = the same
program). The library side is every function and class of the ``coursekit`` modules the assignment's
tests import (:func:`coursekit.instructor.reference.analyse`), the ones the book prints.

Columns: ``student_id``, ``task`` (the answer's grade id), ``library`` (the closest library function)
and ``library_similarity``, ``student`` (the closest other student) and ``student_similarity``.
"""

from __future__ import annotations

import ast
import builtins
import csv
import difflib
import re
from pathlib import Path

import nbformat

from coursekit.instructor import reference

TOKEN = re.compile(r"\w+|[^\w\s]")
KEEP = set(dir(builtins))


class _Rename(ast.NodeTransformer):
    """Every chosen name becomes ``v0``, ``v1``, ... in order of appearance (builtins stay)."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name in KEEP:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        node.id = self._name(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def visit_FunctionDef(self, node):
        node.name = self._name(node.name)
        node.returns = None
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str) and len(node.body) > 1:
            node.body = node.body[1:]  # the docstring is prose, not code
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        node.name = self._name(node.name)
        self.generic_visit(node)
        return node


def normalise(source: str) -> list[str]:
    """The tokens of ``source`` with names, formatting and comments normalised (``[]`` if it is not Python)."""
    try:
        tree = ast.parse(reference.python(source))
    except SyntaxError:
        return []
    return TOKEN.findall(ast.unparse(_Rename().visit(tree)))


def similarity(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def library(modules: set[str]) -> dict[str, list[str]]:
    """``module.name`` -> normalised tokens, for each top-level function and class of ``modules``."""
    found = {}
    for module in sorted(modules):
        path = reference.module_file(module)
        if path is None:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[f"{module}.{node.name}"] = normalise(ast.get_source_segment(source, node) or "")
    return found


def answers(out: Path) -> dict[str, dict[str, list[str]]]:
    """student id -> grade id -> normalised answer, from the graded notebooks of an output folder."""
    import json

    details = json.loads((out / "details.json").read_text(encoding="utf-8"))
    found = {}
    for student, entry in details.items():
        cells = {}
        for path in sorted((out / "autograded" / entry["folder"]).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution") and cell.cell_type == "code":
                    cells[meta["grade_id"]] = normalise(cell.source)
        if cells:
            found[student] = cells
    return found


def report(out: Path, solutions: Path) -> Path:
    """Write ``out/similarity.csv`` for the graded class in ``out`` (the source in ``solutions``)."""
    lib = library(reference.analyse(sorted(solutions.glob("*.ipynb")))["tests"])
    given = answers(out)
    rows = []
    for student, cells in sorted(given.items()):
        for task, tokens in cells.items():
            if not tokens or "NotImplementedError" in tokens:  # not answered
                continue
            best_lib = max(((similarity(tokens, t), name) for name, t in lib.items()), default=(0.0, ""))
            others = [(similarity(tokens, given[o].get(task, [])), o) for o in given
                      if o != student and "NotImplementedError" not in given[o].get(task, [])]
            best = max(others, default=(0.0, ""))
            rows.append([student, task, best_lib[1], f"{best_lib[0]:.2f}", best[1], f"{best[0]:.2f}"])
    path = out / "similarity.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "task", "library", "library_similarity", "student", "student_similarity"])
        writer.writerows(rows)
    return path
