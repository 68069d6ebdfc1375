"""Honest layouts: what a student does to a notebook in Jupyter or Colab, and what is graded from it.

The fast tests read notebooks only (:mod:`coursekit.instructor.layout`); the slow one grades a small class
of the NumPy-only mini assignment (perceptron_update 3, train_perceptron 3, dot 2 points) in the sandbox.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from coursekit.instructor import course, grader, layout
from coursekit.instructor.sandbox import Limits

from submissions import MINI, mini_course, solution_answers, write_submission

UPDATE, TRAIN, DOT = "perceptron_update", "train_perceptron", "dot"
LIMITS = Limits(cell_seconds=60, notebook_seconds=300, memory_mb=3000, output_kb=1024)
RELU = "def relu(x):\n    return np.maximum(x, 0.0)\n"
USES_RELU = "def dot(a, b):\n    return float(np.sum(relu(np.asarray(a)) * 0 + np.asarray(a) * np.asarray(b)))\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """The mini course, with 02_mlp beside it (a notebook of another assignment to hand in)."""
    root = mini_course(tmp_path_factory.mktemp("layouts") / "course")
    for kind in (course.SOURCE, course.RELEASE):
        shutil.copytree(course.ROOT / kind / "02_mlp", root / kind / "02_mlp")
    return root


def released(root):
    return nbformat.read(root / course.RELEASE / MINI / "perceptron.ipynb", as_version=4)


def index_of(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solved(root):
    nb = released(root)
    for grade_id, answer in solution_answers(MINI, root).items():
        nb.cells[index_of(nb, grade_id)].source = answer
    return nb


def known(root):
    return {name: [layout.read_only_texts(nbformat.read(p, as_version=4))
                   for p in (root / course.RELEASE / name).glob("*.ipynb")] for name in course.assignments(root)}


def test_release_names_its_assignment(root):
    assert layout.assignment_of(released(root)) == MINI
    assert layout.assignment_of(nbformat.read(course.ROOT / "exercises" / "02_mlp" / "mlp.ipynb", as_version=4)) \
        == "02_mlp"


def test_added_cell_runs_where_it_stands(root):
    nb = solved(root)
    nb.cells.insert(index_of(nb, DOT), nbformat.v4.new_code_cell(RELU))
    rebuilt = layout.rebuild(released(root), nb)
    assert (rebuilt.tampering, rebuilt.flags, rebuilt.added) == ([], [], 1)
    cells = rebuilt.nb.cells
    mine = next(i for i, c in enumerate(cells) if c.source == RELU)
    assert cells[mine].metadata == {"coursekit": {"added": True}}
    assert mine == index_of(rebuilt.nb, DOT) - 1  # just before the answer that uses it
    assert index_of(rebuilt.nb, "test_" + TRAIN) < mine


def test_edited_task_text_is_a_flag_and_edited_tests_are_tampering(root):
    nb = solved(root)
    text = next(c for c in nb.cells if c.cell_type == "markdown" and c.metadata["nbgrader"].get("locked"))
    text.source += "\n\nMy note: the sign matters!"
    rebuilt = layout.rebuild(released(root), nb)
    assert rebuilt.tampering == [] and rebuilt.flags == [f"task text {text.metadata.nbgrader.grade_id} was edited"]
    nb.cells[index_of(nb, "test_dot")].source = "pass"
    del nb.cells[index_of(nb, "test_" + UPDATE)]
    assert layout.rebuild(released(root), nb).tampering == ["test cell test_perceptron_update was deleted",
                                                            "test cell test_dot was edited"]


def test_notebook_without_metadata_and_ids_is_matched_by_content(root):
    nb = solved(root)
    answers = solution_answers(MINI, root)
    for n, cell in enumerate(nb.cells):
        cell.metadata, cell.id = {}, f"x{n}"
    nb.metadata = {}
    nb.cells.insert(index_of(released(root), DOT), nbformat.v4.new_code_cell("scratch = 1 + 1"))
    assert layout.identify(nb, MINI, known(root)) == MINI
    rebuilt = layout.rebuild(released(root), nb)
    assert (rebuilt.tampering, rebuilt.added) == ([], 1)
    assert sorted(rebuilt.filled) == sorted(answers)
    for grade_id, answer in answers.items():
        assert rebuilt.nb.cells[index_of(rebuilt.nb, grade_id)].source == answer


def test_another_assignment_is_recognised(root):
    mlp = nbformat.read(root / course.RELEASE / "02_mlp" / "mlp.ipynb", as_version=4)
    assert layout.identify(mlp, MINI, known(root)) == "02_mlp"
    mlp.metadata = {}
    assert layout.identify(mlp, MINI, known(root)) == "02_mlp"  # by its content
    assert layout.identify(nbformat.v4.new_notebook(), MINI, known(root)) is None


def test_several_candidates_are_chosen_by_content(root, tmp_path):
    full, blank = solved(root), released(root)
    other = solved(root)
    other.cells[index_of(other, DOT)].source = USES_RELU.replace("relu", "abs")
    read = {tmp_path / "perceptron.ipynb": blank, tmp_path / "perceptron-Copy1.ipynb": full,
            tmp_path / "notes.ipynb": ValueError("not JSON")}
    rebuilt, note = grader._choose(MINI, "perceptron.ipynb", released(root), read, known(root))
    assert len(rebuilt.filled) == 3 and "graded perceptron-Copy1.ipynb" in note
    read[tmp_path / "perceptron (2).ipynb"] = other
    with pytest.raises(grader.Ambiguous, match=r"perceptron-Copy1.ipynb, perceptron \(2\).ipynb"):
        grader._choose(MINI, "perceptron.ipynb", released(root), read, known(root))
    mlp = nbformat.read(root / course.RELEASE / "02_mlp" / "mlp.ipynb", as_version=4)
    with pytest.raises(grader.Invalid, match="mlp.ipynb is a notebook of 02_mlp, not of mini_perceptron"):
        grader._choose(MINI, "perceptron.ipynb", released(root), {tmp_path / "mlp.ipynb": mlp}, known(root))


def added_helper(nb):
    """A helper in a new cell just before the answer that uses it."""
    nb.cells.insert(index_of(nb, DOT), nbformat.v4.new_code_cell(RELU))


def edited_text(nb):
    next(c for c in nb.cells if c.cell_type == "markdown").source += "\n\n(my note: check the sign)"


def lost_metadata(nb):
    """An editor or Colab round trip: no nbgrader metadata, new cell ids, and a scratch cell."""
    for n, cell in enumerate(nb.cells):
        cell.metadata, cell.id = {}, f"colab-{n}"
    nb.metadata = {}
    nb.cells.insert(3, nbformat.v4.new_code_cell("print('scratch')"))


REFERENCE = "from coursekit.scratch.perceptron import Perceptron  # the tests' reference\n"


def small_class(root, klass):
    """student -> (expected score, status, text the detail must hold)."""
    answers = solution_answers(MINI, root)
    write_submission(MINI, klass / "added_cell", {**answers, DOT: USES_RELU}, edit=added_helper, root=root)
    write_submission(MINI, klass / "edited_text", answers, edit=edited_text, root=root)
    write_submission(MINI, klass / "lost_metadata", answers, edit=lost_metadata, root=root)
    copy = write_submission(MINI, klass / "copy", {}, root=root)
    write_submission(MINI, klass / "tmp_copy", answers, root=root)
    (klass / "tmp_copy" / "perceptron.ipynb").rename(copy / "perceptron-Copy1.ipynb")
    (klass / "tmp_copy").rmdir()
    two = klass / "two_filled"
    write_submission(MINI, two, {UPDATE: answers[UPDATE]}, root=root)
    (two / "perceptron.ipynb").rename(two / "perceptron (1).ipynb")
    write_submission(MINI, two, {DOT: answers[DOT]}, root=root)
    (two / "perceptron.ipynb").rename(two / "perceptron (2).ipynb")
    write_submission(MINI, klass / "imports_reference", {**answers, UPDATE: REFERENCE + answers[UPDATE]}, root=root)
    (klass / "other_assignment").mkdir()
    shutil.copy(root / course.RELEASE / "02_mlp" / "mlp.ipynb", klass / "other_assignment")
    return {"added_cell": (8, "ok", "1 cells of the student's own"), "edited_text": (8, "ok", ""),
            "lost_metadata": (8, "ok", "1 cells of the student's own"),
            "copy": (8, "ok", "graded perceptron-Copy1.ipynb"),
            "two_filled": (0, "ambiguous", "perceptron (1).ipynb, perceptron (2).ipynb"),
            "other_assignment": (0, "invalid", "mlp.ipynb is a notebook of 02_mlp"),
            "imports_reference": (2, "ok", "")}  # its answer cell stops at the import: only dot is solved


@pytest.mark.slow
def test_a_small_class_gets_the_right_score_or_a_clear_status(root, tmp_path):
    expected = small_class(root, tmp_path / "class")
    results = {r.student_id: r for r in grader.grade(MINI, tmp_path / "class", tmp_path / "out", workers=2,
                                                     limits=LIMITS, root=root)}
    got = {s: (r.score, str(r.status)) for s, r in results.items()}
    assert got == {s: (score, status) for s, (score, status, _) in expected.items()}, \
        {s: r.detail for s, r in results.items()}
    for student, (_, _, detail) in expected.items():
        assert detail in results[student].detail, (student, results[student].detail)
    assert [f for f in results["edited_text"].flags if f.startswith("task text")] == ["task text intro was edited"]
    graded = nbformat.read(tmp_path / "out" / "autograded" / "added_cell" / "perceptron.ipynb", as_version=4)
    assert any(c.source == RELU for c in graded.cells)  # the student's cell is in the graded notebook
    graded = nbformat.read(tmp_path / "out" / "autograded" / "imports_reference" / "perceptron.ipynb", as_version=4)
    answer = graded.cells[index_of(graded, UPDATE)]
    assert "coursekit.scratch.perceptron holds the reference answer of this assignment" in str(answer.outputs)
    page = (tmp_path / "out" / "feedback" / "added_cell" / "perceptron.html").read_text(encoding="utf-8")
    assert "cdnjs" not in page and "student <code>added_cell</code>" in page
    assert '<a href="#test_dot">test_dot</a>' in page
