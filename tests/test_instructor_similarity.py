"""similarity.csv: renamed, reformatted and commented copies are found, of the library and of a classmate."""

from __future__ import annotations

import csv
import inspect
import json

import nbformat

from coursekit.instructor import course, similarity
from coursekit.scratch import perceptron

from submissions import solution_answers

OWN = "def dot(a, b):\n    return float(sum(x * y for x, y in zip(a, b)))\n"
RENAMED = "def dot(u,v):  # my version\n    return float(sum(p*q for p,q in zip(u,v)))\n"
OTHER = "def dot(a, b):\n    total = 0.0\n    for i in range(len(a)):\n        total += a[i] * b[i]\n    return total\n"


def test_normalising_ignores_names_formatting_and_comments():
    assert similarity.normalise(OWN) == similarity.normalise(RENAMED)
    assert similarity.similarity(similarity.normalise(OWN), similarity.normalise(OTHER)) < 0.6
    assert similarity.normalise("def f(:") == []


def fake_graded(out, answers: dict[str, dict[str, str]]):
    release = nbformat.read(course.ROOT / "exercises" / "01_perceptron" / "perceptron.ipynb", as_version=4)
    details = {}
    for student, given in answers.items():
        nb = nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in given:
                cell.source = given[grade_id]
        (out / "autograded" / student).mkdir(parents=True)
        nbformat.write(nb, out / "autograded" / student / "perceptron.ipynb")
        details[student] = {"folder": student, "status": "ok"}
    (out / "details.json").write_text(json.dumps(details))


def test_the_report_names_the_closest_library_function_and_classmate(tmp_path):
    fake_graded(tmp_path, {"ana": {"perceptron_update": OWN}, "bo": {"perceptron_update": RENAMED},
                           "cy": {"perceptron_update": OTHER},
                           "dee": {"perceptron_update": inspect.getsource(perceptron.Perceptron)},
                           "eve": {}})
    path = similarity.report(tmp_path, course.ROOT / "solutions" / "01_perceptron")
    with open(path, newline="", encoding="utf-8") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["task"] == "perceptron_update"}
    assert set(rows) == {"ana", "bo", "cy", "dee"}  # eve left the stub: nothing to compare
    assert (rows["ana"]["student"], rows["ana"]["student_similarity"]) == ("bo", "1.00")
    assert float(rows["cy"]["student_similarity"]) < 0.8
    assert (rows["dee"]["library"], rows["dee"]["library_similarity"]) == (
        "coursekit.scratch.perceptron.Perceptron", "1.00")


def test_no_reference_solution_is_a_copy_of_the_library():
    """The exercises ask for what a page explains, not a function it prints (issue 19.1)."""
    for assignment in ["01_perceptron", "02_mlp"]:
        lib = similarity.library(similarity.reference.analyse(
            sorted((course.ROOT / "solutions" / assignment).glob("*.ipynb")))["tests"])
        for task, answer in solution_answers(assignment).items():
            best = max((similarity.similarity(similarity.normalise(answer), t) for t in lib.values()), default=0)
            assert best < 0.95, (assignment, task, best)
