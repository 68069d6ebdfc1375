"""Written answers (contract 4): ``needs_manual`` until graded, one nbgrader gradebook for the class that
formgrader's API opens and ``nbgrader export`` reads, tried on a small fixture assignment."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit.instructor import course, grader
from coursekit.instructor.sandbox import Limits

from submissions import MINI, mini_course, solution_answers, write_submission

LIMITS = Limits(cell_seconds=60, notebook_seconds=300, memory_mb=3000, output_kb=1024)
WRITTEN = "written_sign"
QUESTION = "## Written question (2 points)\n\nWhy does the update use `y - y_hat` and not `y_hat - y`?"
MODEL = "The weights move towards the mistake's class.\n\nRubric: 1 point for the direction, 1 for the sign."


def with_written_question(root: Path) -> Path:
    """The mini assignment with a manually graded markdown answer (as ex-a and ex-b add them)."""
    path = root / "solutions" / MINI / "perceptron.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells += [
        nbformat.v4.new_markdown_cell(QUESTION, metadata={"nbgrader": {
            "grade": False, "grade_id": "written_sign_text", "locked": True, "schema_version": 3,
            "solution": False}}),
        nbformat.v4.new_markdown_cell(MODEL, metadata={"nbgrader": {
            "grade": True, "grade_id": WRITTEN, "locked": False, "points": 2, "schema_version": 3,
            "solution": True}})]
    nbformat.write(nb, path)
    shutil_release(root)
    return root


def shutil_release(root: Path) -> None:
    import shutil

    shutil.rmtree(root / "exercises" / MINI)
    course.generate(MINI, root / "exercises", root)


@pytest.mark.slow
def test_written_answers_wait_for_manual_grading_in_one_class_gradebook(tmp_path):
    root = with_written_question(mini_course(tmp_path / "course"))
    answers = solution_answers(MINI, root)
    assert "YOUR ANSWER HERE" in (root / "exercises" / MINI / "perceptron.ipynb").read_text()
    klass = tmp_path / "class"
    write_submission(MINI, klass / "writer", {**answers, WRITTEN: "Because the error points the way."}, root=root)
    write_submission(MINI, klass / "silent", {k: v for k, v in answers.items() if k != WRITTEN}, root=root)
    out = tmp_path / "out"
    results = {r.student_id: r for r in grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root)}
    assert (results["writer"].score, results["writer"].max_score, results["writer"].status) == (8, 10, "needs_manual")
    assert (results["silent"].score, results["silent"].status) == (8, "ok")  # nothing written: nothing to grade

    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    folder = out / "nbgrader"
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as book:
        students = {s.first_name: s.id for s in book.students}
        assert set(students) == {"writer", "silent"}
        grade = book.find_grade(WRITTEN, "perceptron", MINI, students["writer"])
        assert grade.needs_manual_grade and grade.max_score == 2
        grade.manual_score = 2  # what formgrader does when the instructor gives the points
        book.db.commit()
    # formgrader's own API finds the autograded submissions in the folder
    from traitlets.config import Config

    config = Config({"CourseDirectory": {"root": str(folder)}})
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    submissions = {s["student"]: s for s in api.get_submissions(MINI)}
    assert set(submissions) == set(students.values())
    assert all(s["autograded"] for s in submissions.values())
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", "export.csv"],
                          cwd=folder, capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr[-2000:]
    with open(folder / "export.csv", newline="") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert scores == {students["writer"]: 10.0, students["silent"]: 8.0}
