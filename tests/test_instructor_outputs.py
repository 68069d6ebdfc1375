"""Nothing deleted that coursekit did not create; regrading one student, resuming a class; progress,
the log of chatter, exit codes and a sandbox checked before the first student."""

from __future__ import annotations

import csv
import json

import pytest

from coursekit.instructor import cli, course, grader
from coursekit.instructor.grader import Result, Status
from coursekit.instructor.sandbox import Limits

from submissions import MINI, mini_course, solution_answers, write_submission

LIMITS = Limits(cell_seconds=60, notebook_seconds=300, memory_mb=3000, output_kb=1024)


def fake_output(folder, assignment, results):
    folder.mkdir(parents=True)
    (folder / grader.MARKER).write_text(json.dumps({"assignment": assignment}))
    grader._write_csvs(results, assignment, folder)
    for r in results:
        (folder / "feedback" / grader.file_name(r.student_id)).mkdir(parents=True)
    return folder


def test_out_refuses_a_folder_coursekit_did_not_write(tmp_path):
    mine = tmp_path / "my_notes"
    mine.mkdir()
    (mine / "lecture.md").write_text("my own file")
    with pytest.raises(course.CourseError, match="holds files that coursekit did not write.*nothing was changed"):
        grader._open_output(mine, MINI, keep=False)
    assert (mine / "lecture.md").read_text() == "my own file" and len(list(mine.iterdir())) == 1
    with pytest.raises(course.CourseError, match="no earlier grades of mini_perceptron"):
        grader._open_output(tmp_path / "new", MINI, keep=True)


def test_a_new_run_removes_only_coursekits_outputs(tmp_path):
    out = fake_output(tmp_path / "out", MINI, [Result("ana", 3, 8, Status.OK)])
    (out / "notes.txt").write_text("the instructor's own file")
    assert grader._open_output(out, MINI, keep=True)["ana"].score == 3
    assert grader._open_output(out, MINI, keep=False) == {}
    assert sorted(p.name for p in out.iterdir()) == [grader.MARKER, "notes.txt"]
    with pytest.raises(course.CourseError, match="holds the grades of mini_perceptron, not of 02_mlp"):
        grader._open_output(out, "02_mlp", keep=False)


def test_merge_refuses_an_existing_out_and_names_students_graded_twice(tmp_path, capsys):
    one = fake_output(tmp_path / "g1", MINI, [Result("ana", 3, 8, Status.OK), Result("bo", 8, 8, Status.OK)])
    two = fake_output(tmp_path / "g2", MINI, [Result("bo", 5, 8, Status.OK), Result("김민지", 1, 8, Status.OK)])
    assert cli.main(["merge", str(one), str(two)]) == 2  # OUT forgotten: g1 would be overwritten
    assert "g1 exists: merge writes a new folder" in capsys.readouterr().err
    assert (one / "grades.csv").is_file()
    assert cli.main(["merge", str(tmp_path / "m"), str(one), str(two)]) == 2
    assert f"graded in more than one shard: bo ({one}, {two})" in capsys.readouterr().err
    three = fake_output(tmp_path / "g3", MINI, [Result("김민지", 1, 8, Status.OK, tasks={"test_dot": (1.0, 2.0)})])
    assert cli.main(["merge", str(tmp_path / "m"), str(one), str(three)]) == 0
    with open(tmp_path / "m" / "grades.csv", newline="", encoding="utf-8") as f:
        assert [r["student_id"] for r in csv.DictReader(f)] == ["ana", "bo", "김민지"]
    assert grader.load_results(tmp_path / "m")["김민지"].tasks == {"test_dot": (1.0, 2.0)}
    assert (tmp_path / "m" / "feedback" / grader.file_name("김민지")).is_dir()


def test_a_missing_bubblewrap_is_named_before_the_first_student(monkeypatch):
    monkeypatch.setattr(grader.shutil, "which", lambda name: None)
    with pytest.raises(course.CourseError, match=r"bubblewrap is not installed .*apt-get install bubblewrap"):
        grader.check_sandbox(LIMITS)


def test_the_exit_code_is_not_zero_when_the_grader_failed_on_a_student(monkeypatch, capsys, tmp_path):
    def fake_grade(assignment, submissions, out, workers, progress, **kwargs):
        results = [Result("ana", 8, 8, Status.OK), Result("bo", 0, 8, Status.ERROR, "GraderError: boom")]
        for n, r in enumerate(results, 1):
            progress(n, 2, r, 10.0 * (2 - n))
        return results

    monkeypatch.setattr(grader, "grade", fake_grade)
    assert cli.main(["grade", MINI, str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "[1/2] ana" in captured.out and "ETA 10 s" in captured.out and "error" in captured.out
    assert "the grader failed on 1 students (bo)" in captured.err


@pytest.mark.slow
def test_regrade_one_student_and_resume_a_class(tmp_path, capsys):
    root = mini_course(tmp_path / "course")
    answers = solution_answers(MINI, root)
    klass = tmp_path / "class"
    write_submission(MINI, klass / "ana", answers, root=root)
    write_submission(MINI, klass / "bo", {"dot": answers["dot"]}, root=root)
    out = tmp_path / "out"
    lines = []
    first = grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root,
                         progress=lambda done, total, r, eta: lines.append((done, total, r.student_id)))
    assert {r.student_id: r.score for r in first} == {"ana": 8, "bo": 2}
    assert sorted(lines) == [(1, 2, lines[0][2]), (2, 2, lines[1][2])]
    assert (out / grader.LOG).is_file() and "SQLAlchemy" not in capsys.readouterr().err  # chatter: the log
    # bo hands in late: only bo is regraded; ana's grade and files stay
    write_submission(MINI, klass / "bo", answers, root=root)
    feedback = (out / "feedback" / "ana" / "perceptron.html").stat().st_mtime_ns
    again = grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root, students=["bo"])
    assert {r.student_id: r.score for r in again} == {"ana": 8, "bo": 8}
    assert (out / "feedback" / "ana" / "perceptron.html").stat().st_mtime_ns == feedback
    with pytest.raises(course.CourseError, match="no such student in .*: nobody"):
        grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root, students=["nobody"])
    # an interrupted class: a student whose grade was never written is graded, the others are kept
    write_submission(MINI, klass / "cy", {}, root=root)
    resumed = grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root, resume=True)
    assert {r.student_id: r.score for r in resumed} == {"ana": 8, "bo": 8, "cy": 0}
    assert (out / "feedback" / "ana" / "perceptron.html").stat().st_mtime_ns == feedback
