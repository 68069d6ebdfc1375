"""Grades into the LMS without editing a file: ``coursekit export moodle|canvas|csv GRADED [--roster FILE]``.

``GRADED`` is an output folder of ``coursekit grade`` (its ``details.json`` and ``feedback/``). The
student ids are the names the LMS gave the submissions (:func:`parse_id`):

* Moodle's folders ``Choi Yuna_12345_assignsubmission_file_`` and flat files
  ``Choi Yuna_12345_assignsubmission_file_mlp.ipynb`` (id ``Choi Yuna_12345``): the full name and
  the participant number, which is the worksheet's ``Identifier`` (``Participant 12345``);
* Canvas's flat files ``choiyuna_LATE_67890_111_mlp.ipynb`` (id ``choiyuna_LATE_67890``): the login
  name, the Canvas user id and the late marker.

Files written in ``--out`` (default ``GRADED/export``):

* ``moodle``: ``moodle_grading_worksheet.csv``, Moodle's offline grading worksheet (upload it in the
  assignment's "Upload grading worksheet"; the offline grading worksheet must be enabled), and
  ``moodle_feedback.zip``, each feedback page in a folder named as Moodle named the submission
  (upload it in "Upload multiple feedback files in a zip");
* ``canvas``: ``canvas_gradebook.csv``, Canvas's gradebook import (``Student``, ``ID``, ``SIS User
  ID``, ``SIS Login ID``, ``Section``, the assignment column ``Name (id)`` and the "Points
  Possible" row); the Canvas assignment is named with ``--canvas-assignment "Name (id)"``;
* ``csv``: ``grades_export.csv``: one plain row per student with the parsed ids, the late marker,
  the status and the score.

A roster (``--roster FILE``, CSV with any of the columns ``student_id``, ``participant``,
``canvas_id``, ``name``, ``email``, ``sis_user_id``, ``sis_login_id``, ``section``) maps the ids to
names and e-mail addresses; a row matches on whichever id it gives.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from coursekit.instructor import course, grader

MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                 "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_ID = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)(?:_assignsubmission_(?:file|onlinetext)_)?$")
CANVAS_ID = re.compile(r"^(?P<login>.+?)(?P<late>_LATE|_late)?_(?P<user>\d+)$")
ROSTER_COLUMNS = ("student_id", "participant", "canvas_id", "name", "email", "sis_user_id", "sis_login_id",
                  "section")


@dataclass
class Student:
    """One student's ids as parsed from the submission's name, completed by the roster."""

    student_id: str
    name: str = ""
    participant: str = ""   #: Moodle's participant number
    canvas_id: str = ""     #: Canvas's user id
    late: bool = False
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


def parse_id(student_id: str) -> Student:
    """The ids in a submission's name (see the module docs); an id of no known layout is kept as the name."""
    moodle = MOODLE_ID.match(student_id)
    if moodle and (" " in moodle["name"] or "assignsubmission" in student_id):
        return Student(student_id, name=moodle["name"], participant=moodle["participant"])
    canvas = CANVAS_ID.match(student_id)
    if canvas:
        return Student(student_id, name=canvas["login"], canvas_id=canvas["user"], late=bool(canvas["late"]),
                       sis_login_id=canvas["login"])
    if moodle:
        return Student(student_id, name=moodle["name"], participant=moodle["participant"])
    return Student(student_id, name=student_id)


def read_roster(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows or not set(rows[0]) & {"student_id", "participant", "canvas_id"}:
        raise course.CourseError(f"{path}: a roster needs a header with student_id, participant or canvas_id "
                                 f"(columns: {', '.join(ROSTER_COLUMNS)})")
    return rows


def students(graded: Path, roster: Path | None = None) -> list[tuple[Student, grader.Result]]:
    """Every student of an output folder, with their ids and result."""
    results = grader.load_results(graded)
    if not results:
        raise course.CourseError(f"{graded} is not an output of `coursekit grade` (no details.json)")
    rows = read_roster(roster) if roster else []
    found = []
    for student_id, result in results.items():
        student = parse_id(student_id)
        for row in rows:
            if any(row.get(key) and row[key] == value for key, value in
                   (("student_id", student_id), ("participant", student.participant),
                    ("canvas_id", student.canvas_id)) if value):
                for key in ROSTER_COLUMNS[3:]:
                    if row.get(key):
                        setattr(student, key, row[key])
                student.participant = row.get("participant") or student.participant
                student.canvas_id = row.get("canvas_id") or student.canvas_id
                break
        found.append((student, result))
    return found


def _assignment(graded: Path) -> str:
    import json

    marker = graded / grader.MARKER
    return json.loads(marker.read_text(encoding="utf-8")).get("assignment", "") if marker.is_file() else ""


def _comment(result: grader.Result) -> str:
    words = {"ok": "", "needs_manual": "written answers still to be graded"}
    note = words.get(str(result.status), f"{result.status}: {result.detail}")
    tasks = "; ".join(f"{task} {score:g}/{most:g}" for task, (score, most) in result.tasks.items())
    return " — ".join(p for p in (tasks, note) if p)


def moodle(graded: Path, out: Path, roster: Path | None = None) -> list[Path]:
    """Moodle's grading worksheet and feedback zip (see the module docs)."""
    rows, missing = [], []
    for student, result in students(graded, roster):
        if not student.participant:
            missing.append(student.student_id)
            continue
        rows.append([f"Participant {student.participant}", student.name, student.email,
                     "Submitted for grading", f"{result.score:g}", f"{result.max_score:g}", "Yes", "", "",
                     _comment(result)])
    if missing:
        raise course.CourseError("no Moodle participant number for " + ", ".join(missing[:10])
                                 + ": name the folders as Moodle does, or give a roster with a participant column")
    out.mkdir(parents=True, exist_ok=True)
    sheet = out / "moodle_grading_worksheet.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(MOODLE_HEADER)
        writer.writerows(sorted(rows, key=lambda r: int(r[0].split()[1])))
    archive = out / "moodle_feedback.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for student, _ in students(graded, roster):
            folder = student.student_id if student.student_id.endswith("_assignsubmission_file_") else \
                f"{student.name}_{student.participant}_assignsubmission_file_"
            for page in sorted((graded / "feedback" / grader.file_name(student.student_id)).glob("*.html")):
                zf.write(page, f"{folder}/{page.name}")
    return [sheet, archive]


def canvas(graded: Path, out: Path, roster: Path | None = None, column: str | None = None) -> list[Path]:
    """Canvas's gradebook CSV (see the module docs)."""
    found = students(graded, roster)
    missing = [s.student_id for s, _ in found if not s.canvas_id]
    if missing:
        raise course.CourseError("no Canvas user id for " + ", ".join(missing[:10])
                                 + ": use Canvas's file names, or give a roster with a canvas_id column")
    column = column or _assignment(graded) or "Assignment"
    most = max((r.max_score for _, r in found), default=0)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "canvas_gradebook.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CANVAS_FIXED + [column])
        writer.writerow(["    Points Possible", "", "", "", "", f"{most:g}"])
        for student, result in sorted(found, key=lambda p: p[0].name):
            writer.writerow([student.name, student.canvas_id, student.sis_user_id, student.sis_login_id,
                             student.section, f"{result.score:g}"])
    return [path]


def plain(graded: Path, out: Path, roster: Path | None = None) -> list[Path]:
    """One plain row per student: ids, late marker, status, score."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "grades_export.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "name", "email", "moodle_participant", "canvas_id", "late", "status",
                         "score", "max_score", "detail"])
        for s, r in students(graded, roster):
            writer.writerow([s.student_id, s.name, s.email, s.participant, s.canvas_id, "yes" if s.late else "no",
                             str(r.status), f"{r.score:g}", f"{r.max_score:g}", r.detail])
    return [path]


def export(kind: str, graded: Path, out: Path | None = None, roster: Path | None = None,
           column: str | None = None) -> list[Path]:
    """Write the ``kind`` export of ``graded`` (``moodle``, ``canvas`` or ``csv``); returns the files."""
    out = out or graded / "export"
    if kind == "moodle":
        return moodle(graded, out, roster)
    if kind == "canvas":
        return canvas(graded, out, roster, column)
    if kind == "csv":
        return plain(graded, out, roster)
    raise course.CourseError(f"unknown export {kind!r}: moodle, canvas or csv")
