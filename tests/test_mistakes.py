"""Every plausible wrong answer in the project's catalogue loses points (issue 23).

``tests/mistakes/<assignment>.py`` lists, for every task of an assignment, mistakes a grader sees in a
real class, as code (see ``tests/mistakes/__init__.py`` for the format). This test runs the
assignment's solution notebook once, cell by cell, in one plain kernel, and walks it task block by
task block. A *block* is the solution cells of a task, the instructor cells after them and its test
cells; the next block starts at the next solution cell after a test cell. For every block:

1. the block runs as written, and every test cell in it must pass (the solution is right);
2. for every mistake of the block, its code runs in place of its solution cell, then the rest of
   the block: each test cell's visible part alone (what the student sees) and then the whole cell
   with its hidden tests (what nbgrader grades). The mistake must lose points; a mistake marked
   ``visible`` must fail a visible test, whose error message contains ``message`` when given;
3. the block runs as written again, so that the next block starts from the right state.

Besides the catalogue, every function that a visible cell defines (an instructor cell, or the
visible part of a test) is pasted as the answer of each solution function with as many parameters,
and must lose points too: a visible cell must never hold a complete answer.

Tests run in the same kernel as the mistake (no sandbox, no trusted process): the catalogue holds
honest mistakes, not attacks, and nbgrader's semantics (a test cell earns its points when it runs to
its end without an error) are the same there.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).resolve().parent / "mistakes"
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*$\n?", re.M | re.S)
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
CELL_SECONDS = 600


@dataclass
class Cell:
    kind: str                 # "solution", "test" or "instructor"
    grade_id: str
    source: str               # what runs when the notebook is right (solution markers removed)
    points: float = 0.0

    @property
    def visible(self) -> str:
        """A test cell without its hidden part: what the released notebook shows."""
        return HIDDEN.sub("", self.source)


@dataclass
class Block:
    cells: list[Cell] = field(default_factory=list)

    def solution_ids(self) -> list[str]:
        return [c.grade_id for c in self.cells if c.kind == "solution"]

    def tests(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "test"]


def load_blocks(notebook: Path) -> tuple[list[Cell], list[Block]]:
    """The cells before the first solution cell, then the task blocks of ``notebook``."""
    preamble, blocks = [], []
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type != "code":
            continue  # markdown, including written answers (graded by hand)
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", f"cell{index}")
        if meta.get("solution"):
            source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in SOLUTION_MARKERS)
            if not blocks or blocks[-1].tests():
                blocks.append(Block())
            blocks[-1].cells.append(Cell("solution", grade_id, source))
        elif meta.get("grade"):
            (blocks[-1].cells if blocks else preamble).append(Cell("test", grade_id, cell.source, float(meta["points"])))
        else:
            (blocks[-1].cells if blocks else preamble).append(Cell("instructor", grade_id, cell.source))
    return preamble, blocks


def load_catalogue(assignment: str, name: str = "MISTAKES"):
    path = CATALOGUE / f"{assignment}.py"
    assert path.exists(), f"no catalogue of plausible wrong answers: write {path.relative_to(ROOT)}"
    spec = importlib.util.spec_from_file_location(f"mistakes_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name, {}) if name != "MISTAKES" else module.MISTAKES


def functions(source: str) -> list[ast.FunctionDef]:
    """The top-level functions that ``source`` defines (none when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def arity(function: ast.FunctionDef) -> int:
    return len(function.args.posonlyargs) + len(function.args.args)


def pasted_answers(preamble: list[Cell], blocks: list[Block], allowed: dict | None = None) -> list[dict]:
    """Every visible function, renamed to each solution function of the same arity, as a mistake.

    ``allowed`` maps ``(answer, visible function)`` to the reason why that paste is a right answer (the
    catalogue's ``PASTE_OK``): a task whose starting point, combined with another answer cell, solves it."""
    visible = [c.visible if c.kind == "test" else c.source
               for c in preamble + [c for b in blocks for c in b.cells] if c.kind != "solution"]
    shown = [f for source in visible for f in functions(source)]
    mistakes = []
    for block in blocks:
        for cell in block.cells:
            for answer in (f for f in functions(cell.source) if cell.kind == "solution"):
                for function in shown:
                    if arity(function) == arity(answer) and (answer.name, function.name) not in (allowed or {}):
                        renamed = ast.FunctionDef(**{**vars(function), "name": answer.name})
                        mistakes.append(dict(cell=cell.grade_id, visible=False, code=ast.unparse(renamed),
                                             name=f"the visible function {function.name}() pasted as {answer.name}()"))
    return mistakes


class Kernel:
    """One plain IPython kernel in the assignment's folder; ``run`` returns the error, or None."""

    def __init__(self, cwd: Path):
        env = {**os.environ, "MPLBACKEND": "agg", "COURSEKIT_DEVICE": "cpu"}
        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=env)

    def run(self, code: str) -> str | None:
        errors = []

        def keep_errors(message):
            if message["msg_type"] == "error":
                errors.append(f"{message['content']['ename']}: {message['content']['evalue']}")

        reply = self.client.execute_interactive(code, output_hook=keep_errors, timeout=CELL_SECONDS,
                                                store_history=False, allow_stdin=False)
        if reply["content"]["status"] == "error" and not errors:
            errors.append(f"{reply['content']['ename']}: {reply['content']['evalue']}")
        return errors[0] if errors else None

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def run_block(kernel: Kernel, cells: list[Cell]) -> list[str]:
    """Run ``cells`` as written; the failures of any cell, named."""
    return [f"{c.grade_id}: {error}" for c in cells if (error := kernel.run(c.source))]


def try_mistake(kernel: Kernel, block: Block, mistake: dict) -> list[str]:
    """Run ``mistake`` in its block; the problems with the catalogue or the tests (empty: caught)."""
    start = next(i for i, c in enumerate(block.cells) if c.grade_id == mistake["cell"])
    lost, visible_failures, problems = 0.0, [], []
    for cell in block.cells[start:]:
        if cell is block.cells[start]:
            if error := kernel.run(mistake["code"]):
                problems.append(f"the mistake's own code fails before any test runs ({error}): fix the catalogue")
        elif cell.kind == "test":
            visible_error = kernel.run(cell.visible) if cell.visible != cell.source else None
            error = kernel.run(cell.source)
            if visible_error or (cell.visible == cell.source and error):
                visible_failures.append(visible_error or error)
            lost += cell.points if error else 0.0
        else:
            kernel.run(cell.source)
    if lost == 0:
        problems.append("loses no points")
    if mistake.get("visible") and not visible_failures:
        problems.append("the task warns about it, but no visible test fails")
    elif mistake.get("visible") and mistake.get("message"):
        if not any(mistake["message"].lower() in failure.lower() for failure in visible_failures):
            problems.append(f"no visible failure names it (expected {mistake['message']!r} in {visible_failures})")
    return problems


def walk(assignment: str, mistakes: list[dict]) -> list[str]:
    """Grade every mistake of ``assignment`` in one kernel; a report line per mistake that got through."""
    [notebook] = sorted((ROOT / "solutions" / assignment).glob("*.ipynb"))
    preamble, blocks = load_blocks(notebook)
    known = {grade_id for block in blocks for grade_id in block.solution_ids()}
    report = [f"{m['name']}: names no solution cell {m['cell']!r}" for m in mistakes if m["cell"] not in known]
    kernel = Kernel(notebook.parent)
    try:
        failures = run_block(kernel, preamble)
        assert not failures, f"{assignment}: the solution's first cells fail: {failures}"
        for block in blocks:
            failures = run_block(kernel, block.cells)
            assert not failures, f"{assignment}: the solution fails its own tests: {failures}"
            for mistake in (m for m in mistakes if m["cell"] in block.solution_ids()):
                report += [f"{mistake['cell']} / {mistake['name']}: {p}" for p in try_mistake(kernel, block, mistake)]
                failures = run_block(kernel, block.cells)
                assert not failures, f"{assignment}: after {mistake['name']!r} the block no longer passes: {failures}"
    finally:
        kernel.close()
    return report


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_covers_every_task(assignment):
    """At least two plausible wrong answers for every task block, each with a name and code."""
    [notebook] = sorted((ROOT / "solutions" / assignment).glob("*.ipynb"))
    _, blocks = load_blocks(notebook)
    mistakes = load_catalogue(assignment)
    for mistake in mistakes:
        assert {"cell", "name", "code"} <= set(mistake), f"{mistake!r}: needs cell, name and code"
        ast.parse(mistake["code"])
    for block in blocks:
        count = sum(m["cell"] in block.solution_ids() for m in mistakes)
        assert count >= 2, f"{assignment}: task {block.solution_ids()} has {count} mistakes in the catalogue, needs 2"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_wrong_answer_loses_points(assignment):
    """Each catalogued mistake, and each visible function pasted as an answer, loses points."""
    [notebook] = sorted((ROOT / "solutions" / assignment).glob("*.ipynb"))
    preamble, blocks = load_blocks(notebook)
    allowed = load_catalogue(assignment, "PASTE_OK")
    report = walk(assignment, load_catalogue(assignment) + pasted_answers(preamble, blocks, allowed))
    assert not report, f"{assignment}: wrong answers that keep their points:\n  " + "\n  ".join(report)
