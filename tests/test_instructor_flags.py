"""Review flags that mean something, and grading settings checked before anything runs."""

from __future__ import annotations

import pytest

from coursekit.instructor import course
from coursekit.instructor.flags import flags

from submissions import solution_answers


@pytest.mark.parametrize("assignment", course.assignments())
def test_no_reference_solution_raises_a_flag(assignment):
    settings = course.settings(assignment)
    answers = solution_answers(assignment)
    assert answers
    raised = {task: flags([code], settings.get("forbidden_imports", [])) for task, code in answers.items()}
    assert {task: found for task, found in raised.items() if found} == {}


def test_methods_named_like_builtins_are_not_flagged():
    code = "model.compile(optimizer='sgd', loss='mse')\nmodel.eval()\nnp.char.compile = 1\n"
    assert flags([code]) == []
    assert flags(["eval('1 + 1')"]) == flags(["exec('x = 1')"]) == flags(["f = compile"]) == ["compile/exec/eval"]
    assert flags(["__import__('os')"]) == ["compile/exec/eval"]


def test_grader_machinery_and_hand_made_display_messages_are_flagged():
    assert flags(["from coursekit.instructor import agent\nagent.serve = None"]) == [
        "imports coursekit.instructor", "imports coursekit.instructor.agent"]
    assert flags(["import coursekit.instructor.wire as w"]) == ["imports coursekit.instructor.wire"]
    assert flags(["from IPython.display import publish_display_data\npublish_display_data({})"]) == [
        "display messages"]
    assert flags(["get_ipython().display_pub.publish({})"]) == ["display messages", "get_ipython"]
    assert flags(["from coursekit.grading import assert_close"]) == []


def test_forbidden_imports_must_be_a_list():
    with pytest.raises(TypeError, match="list of module names"):
        flags(["x = 'c'"], "coursekit.scratch")
    assert flags(["x = 'c'"], ["coursekit.scratch"]) == []


@pytest.mark.parametrize("text, message", [
    ('workers = "two"\n', "workers = 'two': expected a whole number"),
    ("workers = 0\n", "workers = 0: expected a whole number"),
    ('forbidden_imports = "coursekit.scratch"\n', "forbidden_imports = 'coursekit.scratch': expected a list"),
    ("reference_modules = [1]\n", "reference_modules = [1]: expected a list of module names"),
    ('[limits]\ncell_seconds = "60"\n', "limits.cell_seconds = '60': expected a whole number"),
    ("[limits]\ncell_secs = 60\n", "unknown limit cell_secs"),
    ("limits = 3\n", "expected a [limits] table"),
    ("wrokers = 1\n", "unknown settings wrokers"),
])
def test_settings_are_type_checked_with_a_clear_error(tmp_path, text, message):
    (tmp_path / "solutions" / "a").mkdir(parents=True)
    (tmp_path / "solutions" / "a" / "grading.toml").write_text(text)
    with pytest.raises(course.CourseError, match="grading.toml: .*" + message.replace("[", r"\[").replace(
            "(", r"\(")) as err:
        course.settings("a", tmp_path)
    assert "Traceback" not in str(err.value)
    (tmp_path / "solutions" / "a" / "grading.toml").write_text(
        'workers = 2\nforbidden_imports = ["coursekit.scratch"]\n[limits]\ncell_seconds = 30\n')
    assert course.settings("a", tmp_path)["limits"] == {"cell_seconds": 30}
