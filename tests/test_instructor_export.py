"""LMS export: the files read back with the headers Moodle and Canvas document."""

from __future__ import annotations

import csv
import zipfile

import pytest

from coursekit.instructor import cli, course, export, grader
from coursekit.instructor.grader import Result, Status

from test_instructor_outputs import fake_output

CLASS = [Result("Choi Yuna_12345_assignsubmission_file_", 7, 10, Status.OK, tasks={"test_a": (7.0, 10.0)}),
         Result("Kim Minji_34567", 10, 10, Status.OK),  # a Moodle flat file's id
         Result("Lee Junho_777_assignsubmission_file_", 0, 10, Status.INVALID, "mlp.ipynb is a notebook of 01")]
CANVAS = [Result("choiyuna_67890", 7, 10, Status.OK), Result("kimminji_LATE_12346", 10, 10, Status.OK)]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_ids_are_parsed_from_moodle_and_canvas_names():
    assert export.parse_id("Choi Yuna_12345_assignsubmission_file_") == export.Student(
        "Choi Yuna_12345_assignsubmission_file_", name="Choi Yuna", participant="12345")
    assert export.parse_id("Choi Yuna_12345").participant == "12345"
    late = export.parse_id("kimminji_LATE_12346")
    assert (late.name, late.canvas_id, late.late, late.participant) == ("kimminji", "12346", True, "")
    assert export.parse_id("김민지").name == "김민지"


def test_moodle_worksheet_and_feedback_zip(tmp_path, capsys):
    graded = fake_output(tmp_path / "graded", "02_mlp", CLASS)
    (graded / "feedback" / grader.file_name(CLASS[0].student_id) / "mlp.html").write_text("<p>7/10</p>")
    (graded / "feedback" / grader.file_name(CLASS[1].student_id) / "mlp.html").write_text("<p>10/10</p>")
    roster = tmp_path / "roster.csv"
    roster.write_text("participant,name,email\n12345,Choi Yuna,yuna@example.edu\n34567,Kim Minji,minji@example.edu\n")
    assert cli.main(["export", "moodle", str(graded), "--roster", str(roster)]) == 0
    rows = read(graded / "export" / "moodle_grading_worksheet.csv")
    with open(graded / "export" / "moodle_grading_worksheet.csv", newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                                       "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                                       "Feedback comments"]
    assert [(r["Identifier"], r["Full name"], r["Email address"], r["Grade"], r["Maximum Grade"]) for r in rows] == [
        ("Participant 777", "Lee Junho", "", "0", "10"),
        ("Participant 12345", "Choi Yuna", "yuna@example.edu", "7", "10"),
        ("Participant 34567", "Kim Minji", "minji@example.edu", "10", "10")]
    assert "invalid: mlp.ipynb is a notebook of 01" in rows[0]["Feedback comments"]
    with zipfile.ZipFile(graded / "export" / "moodle_feedback.zip") as zf:
        assert sorted(zf.namelist()) == ["Choi Yuna_12345_assignsubmission_file_/mlp.html",
                                         "Kim Minji_34567_assignsubmission_file_/mlp.html"]
        # what Moodle's feedback-zip import reads: NAME_PARTICIPANT_PLUGINTYPE_PLUGIN_FILE
        for name in zf.namelist():
            parts = ("/" + name).split("_", 4)
            assert parts[1].isdigit() and parts[2:4] == ["assignsubmission", "file"], name


def test_canvas_gradebook(tmp_path):
    graded = fake_output(tmp_path / "graded", "02_mlp", CANVAS)
    roster = tmp_path / "roster.csv"
    roster.write_text("canvas_id,name,sis_user_id,sis_login_id,section\n"
                      "67890,\"Choi, Yuna\",S001,yuna,DL-01\n12346,\"Kim, Minji\",S002,minji,DL-02\n")
    export.export("canvas", graded, roster=roster, column="Exercise 2 MLP (4021)")
    path = graded / "export" / "canvas_gradebook.csv"
    with open(path, newline="", encoding="utf-8") as f:
        header, points, *rows = list(csv.reader(f))
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 2 MLP (4021)"]
    assert points[0].strip() == "Points Possible" and points[-1] == "10"
    assert rows == [["Choi, Yuna", "67890", "S001", "yuna", "DL-01", "7"],
                    ["Kim, Minji", "12346", "S002", "minji", "DL-02", "10"]]
    export.export("csv", graded)
    plain = {r["student_id"]: r for r in read(graded / "export" / "grades_export.csv")}
    assert plain["kimminji_LATE_12346"]["late"] == "yes" and plain["choiyuna_67890"]["late"] == "no"


def test_missing_ids_are_named(tmp_path):
    graded = fake_output(tmp_path / "graded", "02_mlp", [Result("김민지", 3, 10, Status.OK)])
    with pytest.raises(course.CourseError, match="no Moodle participant number for 김민지"):
        export.export("moodle", graded)
    with pytest.raises(course.CourseError, match="no Canvas user id for 김민지"):
        export.export("canvas", graded)
    with pytest.raises(course.CourseError, match="not an output of `coursekit grade`"):
        export.export("csv", tmp_path)
