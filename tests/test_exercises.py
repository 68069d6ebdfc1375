"""Exercises: the student version is generated from the source and in sync; nbgrader itself grades
the source with full marks, the student version with zero, and a partial answer exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from coursekit import cli, course

ASSIGNMENTS = course.assignments()


def test_every_chapter_has_an_assignment_with_enough_points():
    assert ASSIGNMENTS, "no assignment found in solutions/"
    for name in ASSIGNMENTS:
        graded = [c.metadata["nbgrader"] for nb in (course.ROOT / "solutions" / name).glob("*.ipynb")
                  for c in nbformat.read(nb, as_version=4).cells
                  if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) >= 3, f"{name}: at least 3 graded tasks"
        assert sum(g["points"] for g in graded) >= 10, f"{name}: at least 10 points"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync(assignment):
    assert course.out_of_sync(assignment) == [], "run `coursekit release` and commit exercises/"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_hides_solutions_and_hidden_tests(assignment):
    for path in (course.ROOT / "exercises" / assignment).glob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.name} leaks {marker!r}"


def test_release_check_reports_a_stale_exercise(tmp_path, capsys, monkeypatch):
    fake_root = tmp_path / "course"
    shutil.copytree(course.ROOT / "solutions", fake_root / "solutions")
    shutil.copytree(course.ROOT / "exercises", fake_root / "exercises")
    notebook = next((fake_root / "exercises" / ASSIGNMENTS[0]).glob("*.ipynb"))
    data = json.loads(notebook.read_text())
    data["cells"][0]["source"] = "edited by hand"
    notebook.write_text(json.dumps(data))
    assert course.out_of_sync(ASSIGNMENTS[0], root=fake_root) == [
        f"exercises/{ASSIGNMENTS[0]}/{notebook.name} (differs from the source)"]
    assert cli.main(["release", "no_such_assignment"]) == 2
    assert "unknown assignment 'no_such_assignment'" in capsys.readouterr().err


# For every assignment: the solution cells a "partial" submission keeps, and the exact points
# nbgrader must give each test cell for it (a task that builds on a solved one stays unsolved).
PARTIAL = {
    "01_perceptron": ({"perceptron_update", "torch_sgd_step"},
                      {"test_perceptron_update": 3, "test_train_perceptron": 0,
                       "test_torch_sgd_step": 2, "test_keras_logistic_unit": 0}),
}


def _partial_submission(source_dir: Path, keep: set[str], destination: Path) -> None:
    """The solution with every solution cell outside ``keep`` replaced by the student stub."""
    destination.mkdir(parents=True)
    for source in source_dir.glob("*.ipynb"):
        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and meta["grade_id"] not in keep:
                cell.source = "# YOUR CODE HERE\nraise NotImplementedError()"
        nbformat.write(nb, destination / source.name)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_round_trip_through_nbgrader(assignment, tmp_path):
    """Full marks for the source, zero for the student version, exactly the points of the tasks solved."""
    assert assignment in PARTIAL, f"add a partial submission for {assignment} to PARTIAL"
    keep, expected_tasks = PARTIAL[assignment]
    source = course.ROOT / "solutions" / assignment
    submissions = {"solution": tmp_path / "solution", "blank": tmp_path / "blank", "partial": tmp_path / "partial"}
    shutil.copytree(source, submissions["solution"])
    shutil.copytree(course.ROOT / "exercises" / assignment, submissions["blank"])
    _partial_submission(source, keep, submissions["partial"])

    grades = {g.student_id: g for g in course.autograde(assignment, submissions, workdir=tmp_path)}
    max_score = grades["solution"].max_score
    assert max_score >= 10
    assert grades["solution"].score == max_score
    assert grades["blank"].score == 0 and grades["blank"].max_score == max_score
    assert grades["partial"].tasks == expected_tasks
    assert grades["partial"].score == sum(expected_tasks.values())
