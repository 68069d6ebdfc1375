"""Build student submissions the way a student would: the released notebook with answers typed in."""

from __future__ import annotations

from pathlib import Path

import nbformat

from coursekit.instructor import course

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def solution_answers(assignment: str, root: Path = course.ROOT) -> dict[str, str]:
    """grade id -> the instructor's answer, for every solution cell of the assignment."""
    answers = {}
    for path in sorted((root / "solutions" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                answers[meta["grade_id"]] = "\n".join(line for line in cell.source.splitlines()
                                                       if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return answers


def write_submission(assignment: str, folder: Path, answers: dict[str, str], edit=None, root: Path = course.ROOT) -> Path:
    """Write the student version of every notebook into ``folder`` with ``answers`` in its solution cells.

    Solution cells without an answer keep the stub. ``edit(nb)``, if given, may change each
    notebook further (tampering) before it is written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((root / "exercises" / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
                cell.source = answers[grade_id]
        if edit is not None:
            edit(nb)
        nbformat.write(nb, folder / path.name)
    return folder


MINI = "mini_perceptron"


def mini_course(root: Path) -> Path:
    """A course folder with one quick assignment (NumPy only): the first two tasks of 01_perceptron and
    ``dot`` (2 points), for grading tests that need many students but no framework."""
    nb = nbformat.read(course.ROOT / "solutions" / "01_perceptron" / "perceptron.ipynb", as_version=4)
    cut = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "task3_imports")
    nb.cells = [c for c in nb.cells[:cut] if c.cell_type == "code" or c.metadata.get("nbgrader")]
    solution = nbformat.v4.new_code_cell(
        "def dot(a, b):\n    ### BEGIN SOLUTION\n    return float(np.sum(np.asarray(a) * np.asarray(b)))\n    ### END SOLUTION",
        metadata={"nbgrader": {"grade": False, "grade_id": "dot", "locked": False, "schema_version": 3, "solution": True}})
    test = nbformat.v4.new_code_cell(
        'assert_close(dot(np.ones(3), np.arange(3.0)), 3.0, name="dot")\n### BEGIN HIDDEN TESTS\n'
        "rng = np.random.default_rng(5)\nfor _ in range(5):\n    a, b = rng.normal(size=4), rng.normal(size=4)\n"
        '    assert_close(dot(a, b), float(a @ b), name="dot of random vectors")\n### END HIDDEN TESTS',
        metadata={"nbgrader": {"grade": True, "grade_id": "test_dot", "locked": True, "points": 2,
                               "schema_version": 3, "solution": False}})
    nb.cells += [solution, test]
    (root / "solutions" / MINI).mkdir(parents=True)
    nbformat.write(nb, root / "solutions" / MINI / "perceptron.ipynb")
    course.generate(MINI, root / "exercises", root)
    return root
