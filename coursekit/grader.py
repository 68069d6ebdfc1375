"""Grade a whole class: ``coursekit grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N]``.

``SUBMISSIONS`` is a folder (or a ``.zip`` of one) with one sub-folder per
student: ``SUBMISSIONS/<student_id>/<notebook>.ipynb``. Each student is graded
on their own, in a worker process with a private nbgrader course folder and
gradebook (so workers never share a database), by nbgrader's ``Autograde``
converter running the kernel in the sandbox of :mod:`coursekit.sandbox`.

Before nbgrader sees a notebook, the pipeline rebuilds it from the *instructor's*
release: every cell comes from there, and only the answers in solution cells
(matched by nbgrader cell id) come from the student. Deleting, duplicating,
editing or re-pointing test cells therefore changes nothing but the status.

Status of each student (``grades.csv``):

=============  ===============================================================
``ok``         graded normally
``tampered``   graded, but the submission changed read-only or test cells, or
               patched the comparison / execution machinery (those tasks score 0)
``timeout``    the notebook ran out of time; tasks finished before count
``kernel_died`` the kernel died (crash, ``os._exit``, a kill, the memory cap);
               tasks finished before count
``output_limit`` the notebook printed more than allowed; tasks finished before count
``missing``    no notebook of this assignment in the student's folder
``invalid``    not a readable notebook, or a notebook of another assignment
``error``      the grader itself failed on this submission (see the log)
=============  ===============================================================

Outputs in ``--out`` (default ``graded/<ASSIGNMENT>``): ``grades.csv``
(``student_id,assignment,score,max_score,status``), ``tasks.csv`` (the score of
every graded task), ``autograded/<student>/<notebook>.ipynb`` and
``feedback/<student>/<notebook>.html``.
"""

from __future__ import annotations

import copy
import csv
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from coursekit import course
from coursekit.sandbox import Limits

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_ZIP_BYTES = 2 * 2**30


@dataclass
class Result:
    """One student's grade."""

    student_id: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "ok"
    detail: str = ""
    tasks: dict[str, tuple[float, float]] = field(default_factory=dict)  # grade id -> (score, max)


# ----------------------------------------------------------------------------- reading the class

def student_folders(submissions: Path, workdir: Path) -> dict[str, Path]:
    """``student_id -> folder`` from a folder or a ``.zip`` (unpacked into ``workdir``)."""
    if submissions.is_file() and submissions.suffix == ".zip":
        submissions = _unzip(submissions, workdir / "unzipped")
    if not submissions.is_dir():
        raise course.CourseError(f"{submissions} is neither a folder nor a .zip file")
    entries = [p for p in sorted(submissions.iterdir()) if not p.name.startswith((".", "__MACOSX"))]
    folders = [p for p in entries if p.is_dir()]
    if len(folders) == 1 and not any(p.is_file() for p in entries) and all(c.is_dir() for c in folders[0].iterdir()):
        return student_folders(folders[0], workdir)  # a zip of the class folder itself
    if not folders:
        raise course.CourseError(f"{submissions} holds no student folders (expected SUBMISSIONS/<student_id>/*.ipynb)")
    return {p.name: p for p in folders}


def _unzip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        if sum(i.file_size for i in zf.infolist()) > MAX_ZIP_BYTES:
            raise course.CourseError(f"{archive} unpacks to more than {MAX_ZIP_BYTES // 2**30} GiB")
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if info.is_dir() or Path(info.filename).is_absolute() or ".." in parts:
                continue
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(destination, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return target


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    return nb


def _cells_by_id(nb) -> dict[str, list]:
    cells: dict[str, list] = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            cells.setdefault(grade_id, []).append(cell)
    return cells


def rebuild(release: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str]]:
    """The release notebook with the student's answers in its solution cells.

    Returns:
        the notebook to grade, and what the student changed that they must not
        have (empty when nothing).
    """
    theirs = _cells_by_id(submitted)
    rebuilt = copy.deepcopy(release)
    changes = []
    for cell in rebuilt.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        matches = theirs.get(grade_id, [])
        if len(matches) > 1:
            changes.append(f"cell {grade_id} appears {len(matches)} times")
        if meta.get("solution"):
            if matches:
                cell.source = matches[0].source
            continue
        if not matches:
            changes.append(f"cell {grade_id} was deleted")
        elif matches[0].source.rstrip() != cell.source.rstrip():
            changes.append(f"read-only cell {grade_id} was edited")
        elif matches[0].metadata.get("nbgrader", {}).get("points") != meta.get("points"):
            changes.append(f"the points of cell {grade_id} were changed")
    return rebuilt, changes


# ----------------------------------------------------------------------------- grading one student

def _grade_student(assignment: str, student: str, folder: Path, template: Path, limits: Limits,
                   out: Path) -> Result:
    """Runs in a worker process: validate, rebuild, autograde in a sandbox, write feedback."""
    result = Result(student)
    releases = {p.name: _read_notebook(p) for p in sorted((template / "release" / assignment).glob("*.ipynb"))}
    result.max_score = _max_score(template, assignment)
    if not STUDENT_ID.match(student):
        return _fail(result, "invalid", f"{student!r} is not a valid student id")
    notebooks = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".ipynb"]
    if not notebooks:
        return _fail(result, "missing", "no .ipynb file in the folder")
    submitted, changes = {}, []
    for name, release in releases.items():
        path = folder / name
        if not path.exists() and len(releases) == 1 and len(notebooks) == 1:
            path = notebooks[0]  # a single renamed notebook is still this assignment's notebook
        if not path.exists():
            return _fail(result, "missing", f"{name} is missing")
        try:
            theirs = _read_notebook(path)
        except Exception as err:  # noqa: BLE001  (any unreadable file is the student's problem, not ours)
            return _fail(result, "invalid", f"{path.name} is not a valid notebook: {str(err)[:200]}")
        solution_ids = {g for g, cells in _cells_by_id(release).items() if cells[0].metadata["nbgrader"].get("solution")}
        if not solution_ids & set(_cells_by_id(theirs)):
            return _fail(result, "invalid", f"{path.name} is not a notebook of {assignment}")
        submitted[name], problems = rebuild(release, theirs)
        changes += problems

    course_dir = Path(tempfile.mkdtemp(prefix=f"grade-{student}-"))
    try:
        shutil.copytree(template, course_dir, dirs_exist_ok=True)
        target = course_dir / "submitted" / student / assignment
        target.mkdir(parents=True)
        for name, nb in submitted.items():
            nbformat.write(nb, target / name)
        report = _autograde(course_dir, assignment, student, limits)
        _collect_scores(result, course_dir, assignment, student)
        _publish(course_dir, assignment, student, out)
    except Exception as err:  # noqa: BLE001  (one broken submission must not stop the class)
        logging.getLogger("coursekit.grade").exception("grading %s failed", student)
        return _fail(result, "error", f"{type(err).__name__}: {err}")
    finally:
        shutil.rmtree(course_dir, ignore_errors=True)
    if report["compromised"]:
        changes.append("the comparison or execution machinery was patched")
    result.status = ("tampered" if changes else
                     {"timeout": "timeout", "output_limit": "output_limit"}.get(report["killed"],
                                                                                "kernel_died" if report["killed"] else "ok"))
    result.detail = "; ".join(changes) or (report["killed"] or "")
    return result


def _fail(result: Result, status: str, detail: str) -> Result:
    result.status, result.detail, result.score = status, detail, 0.0
    return result


def _max_score(template: Path, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{template / 'gradebook.db'}") as gradebook:
        return float(sum(nb.max_score for nb in gradebook.find_assignment(assignment).notebooks))


def _autograde(course_dir: Path, assignment: str, student: str, limits: Limits) -> dict:
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute

    from coursekit import sandbox

    config = course.nbgrader_config(course_dir, source_directory="source", release_directory="release",
                                    db_url=f"sqlite:///{course_dir / 'gradebook.db'}")
    kernel_dir = Path(tempfile.mkdtemp(prefix="ck"))  # short: IPC socket paths must stay under 108 bytes
    sandbox.configure(config, limits, kernel_dir)
    # nbgrader's own pipeline, with its Execute step replaced by the sandboxed one
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    config.Autograde.autograde_preprocessors = [sandbox.SandboxedExecute if p is Execute else p for p in defaults]
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    sandbox.reset_report()
    try:
        converter.start()
    finally:
        shutil.rmtree(kernel_dir, ignore_errors=True)
    return dict(sandbox.REPORT)


def _collect_scores(result: Result, course_dir: Path, assignment: str, student: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        result.score = float(submission.score)
        result.max_score = float(submission.max_score)
        result.tasks = {g.name: (float(g.score), float(g.max_score)) for nb in submission.notebooks for g in nb.grades}


def _publish(course_dir: Path, assignment: str, student: str, out: Path) -> None:
    """Write nbgrader's feedback HTML, then copy it and the autograded notebooks to ``out``."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    config = course.nbgrader_config(course_dir, db_url=f"sqlite:///{course_dir / 'gradebook.db'}")
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    converter = GenerateFeedback(coursedir=coursedir, config=config)
    converter.force = True
    converter.start()
    for kind in ("autograded", "feedback"):
        source = course_dir / kind / student / assignment
        if source.is_dir():
            shutil.copytree(source, out / kind / student, dirs_exist_ok=True)


# ----------------------------------------------------------------------------- the class

def _template(assignment: str, root: Path, workdir: Path) -> Path:
    """A course folder with the source, its release and a gradebook built from the source."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    template = workdir / "template"
    shutil.copytree(root / course.SOURCE / assignment, template / "source" / assignment)
    config = course.nbgrader_config(template, source_directory="source", release_directory="release",
                            db_url=f"sqlite:///{template / 'gradebook.db'}")
    result = NbGraderAPI(CourseDirectory(config=config), config=config).generate_assignment(assignment)
    if not result["success"]:
        raise course.CourseError(f"nbgrader could not read the source of {assignment}:\n{result.get('log', '')}")
    return template


def grade(assignment: str, submissions: Path, out: Path | None = None, workers: int | None = None,
          limits: Limits = Limits(), root: Path = course.ROOT) -> list[Result]:
    """Grade every student of ``submissions``; write the CSVs, notebooks and feedback into ``out``."""
    course.check_assignment(assignment, root)
    out = Path(out or root / "graded" / assignment)
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="coursekit-grade-") as tmp:
        workdir = Path(tmp)
        students = student_folders(Path(submissions), workdir)
        template = _template(assignment, root, workdir)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {s: pool.submit(_grade_student, assignment, s, f, template, limits, out.resolve()) for s, f in students.items()}
            results = []
            for student, future in futures.items():
                try:
                    results.append(future.result())
                except Exception as err:  # noqa: BLE001  (a worker that died takes only its student down)
                    results.append(Result(student, 0.0, _max_score(template, assignment), "error", str(err)))
    _write_csvs(results, assignment, out)
    return results


def _write_csvs(results: list[Result], assignment: str, out: Path) -> None:
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "assignment", "score", "max_score", "status"])
        for r in results:
            writer.writerow([r.student_id, assignment, f"{r.score:g}", f"{r.max_score:g}", r.status])
    with open(out / "tasks.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "task", "score", "max_score"])
        for r in results:
            for task, (score, max_score) in r.tasks.items():
                writer.writerow([r.student_id, task, f"{score:g}", f"{max_score:g}"])
    (out / "details.json").write_text(json.dumps({r.student_id: {"status": r.status, "detail": r.detail}
                                                  for r in results}, indent=1))
