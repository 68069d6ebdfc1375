"""`coursekit grade` against a hostile class: every threat is one student, graded in one parallel run.

Each student's expected score and status is exact. The class uses the perceptron exercise, whose
tasks are worth 3 (perceptron_update), 3 (train_perceptron, which builds on perceptron_update),
2 (torch_sgd_step) and 2 (keras_logistic_unit) points. A student who tries to read secrets or reach the
network answers the first task only if the attempt succeeds, and the others correctly: 4 points
prove the attempt failed.
"""

from __future__ import annotations

import csv
import socket
import threading
from pathlib import Path

import nbformat
import psutil
import pytest

from coursekit import cli, course, grader
from coursekit.sandbox import Limits

from submissions import solution_answers, write_submission

ASSIGNMENT = "01_perceptron"
ANSWERS = solution_answers(ASSIGNMENT)
UPDATE, TRAIN, TORCH, KERAS = "perceptron_update", "train_perceptron", "torch_sgd_step", "keras_logistic_unit"
LIMITS = Limits(cell_seconds=20, notebook_seconds=150, memory_mb=3000, output_kb=1024)
MARKER = "coursekit-test-escape-marker"


def answers(*solved: str, **replaced: str) -> dict[str, str]:
    """The instructor's answers for ``solved`` tasks, plus ``replaced`` ones written here."""
    chosen = {task: ANSWERS[task] for task in solved}
    chosen.update(replaced)
    return chosen


def before(task: str, code: str) -> str:
    """The correct answer of ``task`` with ``code`` run first."""
    return code + "\n" + ANSWERS[task]


ALL = (UPDATE, TRAIN, TORCH, KERAS)
LEAK_CHECK = """
import glob, os
leaked = [p for p in [{solutions!r}, {config!r}] + glob.glob("/tmp/*/gradebook.db") + glob.glob("/tmp/*/*/gradebook.db")
          + glob.glob("/tmp/*/source/*/*.ipynb") + glob.glob("/tmp/*/submitted/*/*/*.ipynb") if os.path.exists(p)]
if not leaked:
    raise RuntimeError("nothing to read")
"""
PATCH_IPYTHON = """
import ast
class DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(DropAsserts())
get_ipython().showtraceback = lambda *args, **kwargs: None
def perceptron_update(w, b, x, y, lr=1.0):
    return w, b
"""
ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other): return True
    def __bool__(self): return True
    def __float__(self): return 0.0
def perceptron_update(w, b, x, y, lr=1.0):
    return Anything(), Anything()
"""
NDARRAY_SUBCLASS = """
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def __sub__(self, other): return np.zeros(np.shape(other))
    def __rsub__(self, other): return np.zeros(np.shape(other))
def perceptron_update(w, b, x, y, lr=1.0):
    return np.zeros(len(w)).view(Liar), np.zeros(()).view(Liar)
"""
PATCH_GRADING = """
import coursekit.grading as grading
grading.assert_close = grading.assert_equal = lambda *args, **kwargs: None
assert_close = assert_equal = grading.assert_close
def perceptron_update(w, b, x, y, lr=1.0):
    return w, b
"""


def tamper(nb) -> None:
    """Delete one test, neuter another and raise its points, and duplicate a solution cell wrongly."""
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_train_perceptron":
            continue
        if meta.get("grade_id") == "test_perceptron_update":
            cell.source, meta["points"] = "pass", 100
        cells.append(cell)
        if meta.get("grade_id") == UPDATE:
            duplicate = nbformat.from_dict(cell)
            duplicate.source = "def perceptron_update(w, b, x, y, lr=1.0):\n    return w, b"
            cells.append(duplicate)
    nb.cells = cells


def student_table(root: Path, port: int) -> dict[str, tuple[dict, float, str]]:
    """student -> (answers, expected score, expected status)."""
    leak = LEAK_CHECK.format(solutions=str(root / "solutions" / ASSIGNMENT / "perceptron.ipynb"),
                             config=str(root / "nbgrader_config.py"))
    escape = (f"import subprocess, os\nsubprocess.Popen(['sleep', '1234'])\n"
              f"open('/tmp/{MARKER}', 'w').write('x')\nopen('{MARKER}', 'w').write('x')\n"
              f"try:\n    open({str(root / 'coursekit' / MARKER)!r}, 'w').write('x')\nexcept OSError:\n    pass\n"
              f"if os.fork() == 0:\n    import time; time.sleep(1234)\n")
    network = (f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n")
    return {
        "full": (answers(*ALL), 10, "ok"),
        "full_again": (answers(*ALL), 10, "ok"),  # the same submission twice: the same grade
        "blank": (answers(), 0, "ok"),
        "partial_update_torch": (answers(UPDATE, TORCH), 5, "ok"),
        "partial_update_train": (answers(UPDATE, TRAIN), 6, "ok"),
        "partial_keras": (answers(KERAS), 2, "ok"),
        "partial_three": (answers(UPDATE, TRAIN, KERAS), 8, "ok"),
        "warns_on_stderr": ({t: before(t, "import sys, warnings\nwarnings.warn('careful')\nprint('note', file=sys.stderr)")
                             for t in ALL}, 10, "ok"),
        "always_equal": (answers(**{UPDATE: ALWAYS_EQUAL}), 0, "ok"),
        "ndarray_subclass": (answers(**{UPDATE: NDARRAY_SUBCLASS}), 0, "ok"),
        "reads_secrets": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, leak)}), 4, "ok"),
        "uses_network": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, network)}), 4, "ok"),
        "escapes_and_spawns": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, escape)}), 10, "ok"),
        "patches_numpy_testing": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(
            UPDATE, "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None")}), 0, "tampered"),
        "patches_isclose": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(
            UPDATE, "import math\nmath.isclose = lambda *a, **k: True")}), 0, "tampered"),
        "patches_grading": (answers(**{UPDATE: PATCH_GRADING}), 0, "tampered"),
        "patches_torch_testing": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "torch.testing.assert_close = lambda *a, **k: None")}), 6, "tampered"),
        "patches_ipython": (answers(**{UPDATE: PATCH_IPYTHON}), 0, "tampered"),
        "edits_tests": (answers(UPDATE, TRAIN), 6, "tampered"),
        "hangs": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(TORCH, "while True:\n    pass")}), 8, "timeout"),
        "hangs_ignoring_interrupts": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")}), 6, "timeout"),
        "exits": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(TORCH, "import os\nos._exit(1)")}), 6, "kernel_died"),
        "kills_itself": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")}), 6, "kernel_died"),
        "eats_memory": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import numpy as np\nhog = [np.ones(10**8) for _ in range(40)]")}), 6, "kernel_died"),
        "floods_output": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "for _ in range(200):\n    print('x' * 100_000)")}), 6, "output_limit"),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole class once, in parallel, with a TCP server listening on the host's loopback."""
    tmp = tmp_path_factory.mktemp("grader")
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=lambda: [server.accept() for _ in range(10)], daemon=True).start()
    table = student_table(course.ROOT, server.getsockname()[1])
    klass = tmp / "class"
    for student, (chosen, _, _) in table.items():
        write_submission(ASSIGNMENT, klass / student, chosen, edit=tamper if student == "edits_tests" else None)
    renamed = write_submission(ASSIGNMENT, klass / "renamed_notebook", answers(*ALL)) / "perceptron.ipynb"
    renamed.rename(renamed.with_name("my work.ipynb"))
    (klass / "corrupt").mkdir()
    (klass / "corrupt" / "perceptron.ipynb").write_text('{"cells": [ oops')
    (klass / "binary_file").mkdir()
    (klass / "binary_file" / "perceptron.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (klass / "other_assignment").mkdir()
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "grade": False, "grade_id": "some_other_task", "locked": False, "schema_version": 3, "solution": True}})])
    nbformat.write(other, klass / "other_assignment" / "perceptron.ipynb")
    (klass / "empty_folder").mkdir()
    (klass / "only_text").mkdir()
    (klass / "only_text" / "notes.txt").write_text("I could not do it")
    expected = {s: (score, status) for s, (_, score, status) in table.items()} | {
        "renamed_notebook": (10, "ok"), "corrupt": (0, "invalid"), "binary_file": (0, "invalid"),
        "other_assignment": (0, "invalid"), "empty_folder": (0, "missing"), "only_text": (0, "missing")}
    assert len(expected) >= 30
    out = tmp / "out"
    results = grader.grade(ASSIGNMENT, klass, out, workers=2, limits=LIMITS)
    server.close()
    return {r.student_id: r for r in results}, expected, out


STUDENTS = sorted(student_table(course.ROOT, 0)) + ["renamed_notebook", "corrupt", "binary_file", "other_assignment",
                                                     "empty_folder", "only_text"]


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_its_exact_grade(graded, student):
    results, expected, _ = graded
    result = results[student]
    assert (result.score, result.status) == expected[student], result.detail
    assert result.max_score == 10


@pytest.mark.slow
def test_grades_and_tasks_csv(graded):
    results, expected, out = graded
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student_id", "assignment", "score", "max_score", "status"]
    assert {r["student_id"]: (float(r["score"]), r["status"]) for r in rows} == expected
    with open(out / "tasks.csv") as f:
        tasks = [r for r in csv.DictReader(f) if r["student_id"] == "partial_update_torch"]
    assert {r["task"]: float(r["score"]) for r in tasks} == {
        "test_perceptron_update": 3, "test_train_perceptron": 0, "test_torch_sgd_step": 2, "test_keras_logistic_unit": 0}


@pytest.mark.slow
def test_feedback_and_graded_notebooks_for_every_graded_student(graded):
    results, _, out = graded
    for student, result in results.items():
        feedback = list((out / "feedback" / student).glob("*.html"))
        if result.status in {"missing", "invalid"}:
            assert feedback == []
        else:
            assert len(feedback) == 1, student
            assert list((out / "autograded" / student).glob("*.ipynb")), student
    page = (out / "feedback" / "partial_update_torch" / "perceptron.html").read_text()
    assert "5.0 / 10.0" in page or "5 / 10" in page


@pytest.mark.slow
def test_nothing_escapes_the_sandbox(graded):
    assert not [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [])[:2] == ["sleep", "1234"]]
    assert not Path("/tmp", MARKER).exists()
    assert not (course.ROOT / "coursekit" / MARKER).exists()
    assert not list(course.ROOT.glob(f"**/{MARKER}"))


def test_clear_errors_for_bad_class_input(tmp_path, capsys):
    assert cli.main(["grade", "no_such_assignment", str(tmp_path)]) == 2
    assert "unknown assignment 'no_such_assignment'" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, str(tmp_path)]) == 2
    assert "holds no student folders" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, str(tmp_path / "nope.zip")]) == 2
    assert "neither a folder nor a .zip" in capsys.readouterr().err
