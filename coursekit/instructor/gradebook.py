"""One nbgrader course folder for the class, for manual grading: ``GRADED/nbgrader/``.

Each student is graded in a private nbgrader course folder with a gradebook of its own (workers never
share a database). As each student finishes, the grader adds that gradebook's rows (the student, the
submitted assignment and notebooks, the grades and comments) to the class gradebook, and the graded
notebook to the nbgrader layout, so that::

    cd GRADED/nbgrader
    nbgrader formgrader      # grade the written answers (status needs_manual)
    nbgrader export          # grades.csv with the final scores

work as on any nbgrader course. nbgrader's student id is the grader's ASCII id; the student's own id
is its first name (what formgrader shows).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

FOLDER = "nbgrader"  #: inside the output folder
TABLES = ("student", "submitted_assignment", "submitted_notebook", "grade", "comment")  #: one student's rows
CONFIG = '''"""nbgrader's configuration for manual grading of this class (written by `coursekit grade`)."""
c = get_config()  # noqa: F821
c.CourseDirectory.root = __file__.rsplit("/", 1)[0]
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "partial"]
'''


def start(out: Path, template: Path, assignment: str, fresh: bool) -> Path:
    """The class's nbgrader folder in ``out`` (a new one from the grader's template when ``fresh``)."""
    folder = out / FOLDER
    if fresh or not (folder / "gradebook.db").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "partial").mkdir(parents=True)
        shutil.copy(template / "gradebook.db", folder / "gradebook.db")
        for kind in ("source", "release"):
            shutil.copytree(template / kind / assignment, folder / kind / assignment)
        (folder / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    (folder / "partial").mkdir(exist_ok=True)
    return folder


def partial(out: Path, internal: str) -> Path:
    """Where a worker leaves the gradebook of student ``internal`` for :func:`add`."""
    return out / FOLDER / "partial" / f"{internal}.db"


def add(out: Path, assignment: str, internal: str, student: str, graded: Path | None) -> None:
    """Move the gradebook rows of ``internal`` (from :func:`partial`) into the class gradebook,
    replacing any earlier ones, and the graded notebooks of folder ``graded`` into the nbgrader layout."""
    folder = out / FOLDER
    source = partial(out, internal)
    with sqlite3.connect(folder / "gradebook.db") as db:
        _remove(db, internal)
        if source.is_file():
            db.execute("ATTACH DATABASE ? AS one", (str(source),))
            for table in TABLES:
                db.execute(f"INSERT INTO main.{table} SELECT * FROM one.{table}")  # noqa: S608 (fixed names)
            db.commit()
            db.execute("DETACH DATABASE one")
            db.execute("UPDATE student SET first_name = ?, last_name = '' WHERE id = ?", (student, internal))
    source.unlink(missing_ok=True)
    target = folder / "autograded" / internal / assignment
    shutil.rmtree(folder / "autograded" / internal, ignore_errors=True)
    if graded is not None and graded.is_dir():
        shutil.copytree(graded, target)


def _remove(db: sqlite3.Connection, internal: str) -> None:
    """Delete a student's rows (an earlier grading of them)."""
    submitted = [r[0] for r in db.execute("SELECT id FROM submitted_assignment WHERE student_id = ?", (internal,))]
    for assignment_id in submitted:
        notebooks = [r[0] for r in db.execute("SELECT id FROM submitted_notebook WHERE assignment_id = ?",
                                              (assignment_id,))]
        for notebook_id in notebooks:
            db.execute("DELETE FROM grade WHERE notebook_id = ?", (notebook_id,))
            db.execute("DELETE FROM comment WHERE notebook_id = ?", (notebook_id,))
        db.execute("DELETE FROM submitted_notebook WHERE assignment_id = ?", (assignment_id,))
    db.execute("DELETE FROM submitted_assignment WHERE student_id = ?", (internal,))
    db.execute("DELETE FROM student WHERE id = ?", (internal,))


def join(out: Path, shards: list[Path]) -> None:
    """The class's nbgrader folder in ``out`` from the nbgrader folders of the ``shards`` (distinct students)."""
    folders = [shard / FOLDER for shard in shards if (shard / FOLDER / "gradebook.db").is_file()]
    if not folders:
        return
    shutil.copytree(folders[0], out / FOLDER)
    with sqlite3.connect(out / FOLDER / "gradebook.db") as db:
        for other in folders[1:]:
            db.execute("ATTACH DATABASE ? AS one", (str(other / "gradebook.db"),))
            for table in TABLES:
                db.execute(f"INSERT INTO main.{table} SELECT * FROM one.{table}")  # noqa: S608 (fixed names)
            db.commit()
            db.execute("DETACH DATABASE one")
            if (other / "autograded").is_dir():
                shutil.copytree(other / "autograded", out / FOLDER / "autograded", dirs_exist_ok=True)
