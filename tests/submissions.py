"""Build student submissions the way a student would: the released notebook with answers typed in."""

from __future__ import annotations

from pathlib import Path

import nbformat

from coursekit import course

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def solution_answers(assignment: str) -> dict[str, str]:
    """grade id -> the instructor's answer, for every solution cell of the assignment."""
    answers = {}
    for path in sorted((course.ROOT / "solutions" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                answers[meta["grade_id"]] = "\n".join(line for line in cell.source.splitlines()
                                                       if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return answers


def write_submission(assignment: str, folder: Path, answers: dict[str, str], edit=None) -> Path:
    """Write the student version of every notebook into ``folder`` with ``answers`` in its solution cells.

    Solution cells without an answer keep the stub. ``edit(nb)``, if given, may change each
    notebook further (tampering) before it is written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((course.ROOT / "exercises" / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
                cell.source = answers[grade_id]
        if edit is not None:
            edit(nb)
        nbformat.write(nb, folder / path.name)
    return folder
