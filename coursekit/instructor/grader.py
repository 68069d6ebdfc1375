"""Grade a whole class: ``coursekit grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N]``.

``SUBMISSIONS`` is a folder (or a ``.zip`` of one) with one sub-folder per
student: ``SUBMISSIONS/<student_id>/<notebook>.ipynb``. Each student is graded
on their own, in a worker process with a private nbgrader course folder and
gradebook (so workers never share a database), by nbgrader's ``Autograde``
converter running the kernel in the sandbox of :mod:`coursekit.instructor.sandbox`.

Before nbgrader sees a notebook, the pipeline rebuilds it from the *instructor's*
release: every cell comes from there, and only the answers in solution cells
(matched by nbgrader cell id) come from the student. Deleting, duplicating,
editing or re-pointing test cells therefore changes nothing but the status.

Status of each student (``grades.csv``):

=============  ===============================================================
``ok``         graded normally
``tampered``   graded, but the submission changed read-only or test cells
               (ignored: every cell but the answers comes from the release)
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
import enum
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from coursekit.instructor import course
from coursekit.instructor.sandbox import Limits

MAX_ID_LENGTH = 200
MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_ZIP_BYTES = 2 * 2**30
MAX_DEPTH = 4  # folders inside a student's folder that are searched for notebooks
IGNORED = (".", "__MACOSX")
CANVAS = re.compile(r"^(?P<id>.+?_\d+)_(?:LATE_)?\d+_(?P<file>.+)$")       # name_userid_submissionid_file
MOODLE = re.compile(r"^(?P<id>.+?)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")


class Invalid(Exception):
    """A submission that cannot be graded (its message says why)."""


def file_name(student: str) -> str:
    """A folder name for ``student``: letters of any script, digits and ``._@+-`` are kept, anything
    else becomes ``_``; a short hash of the id is added whenever the name had to change."""
    clean = re.sub(r"[^\w.@+-]", "_", unicodedata.normalize("NFC", student)).strip("._")[:80] or "student"
    if clean != student:
        clean += "-" + hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return clean


def _internal_id(student: str) -> str:
    """The id nbgrader sees (ASCII, always valid for its folders and gradebook)."""
    return "s" + hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()[:16]


class Status(str, enum.Enum):
    """The status words of ``grades.csv`` (see the module docs); each compares equal to its word."""

    OK = "ok"
    TAMPERED = "tampered"
    TIMEOUT = "timeout"
    KERNEL_DIED = "kernel_died"
    OUTPUT_LIMIT = "output_limit"
    MISSING = "missing"
    INVALID = "invalid"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


@dataclass
class Result:
    """One student's grade."""

    student_id: str
    score: float = 0.0
    max_score: float = 0.0
    status: Status = Status.OK
    detail: str = ""
    tasks: dict[str, tuple[float, float]] = field(default_factory=dict)  # grade id -> (score, max)
    flags: list[str] = field(default_factory=list)  # constructs for review (coursekit.instructor.flags)


# ----------------------------------------------------------------------------- reading the class

def student_folders(submissions: Path, workdir: Path) -> dict[str, list[Path]]:
    """``student_id -> [folder]`` or ``[notebook files]`` from a folder or a ``.zip`` (unpacked into ``workdir``).

    Layouts: one folder per student (any name: ``김민지``, Moodle's
    ``Kim Minji_12345_assignsubmission_file_``), nbgrader's ``submitted/<student>/<assignment>/``,
    and flat folders of files named as Canvas (``kimminji_12345_67890_perceptron.ipynb``) or Moodle
    (``Kim Minji_12345_assignsubmission_file_perceptron.ipynb``) export them, or ``<student>.ipynb``.
    """
    if submissions.is_file() and submissions.suffix == ".zip":
        submissions = _unzip(submissions, workdir / "unzipped")
    if not submissions.is_dir():
        raise course.CourseError(f"{submissions} is neither a folder nor a .zip file")
    entries = [p for p in sorted(submissions.iterdir()) if not p.name.startswith(IGNORED)]
    folders = [p for p in entries if p.is_dir()]
    if len(entries) == 1 and folders and not folders[0].is_symlink() and (
            folders[0].name == "submitted" or all(c.is_dir() for c in folders[0].iterdir())):
        return student_folders(folders[0], workdir)  # a zip of the class folder itself, or nbgrader's submitted/
    students: dict[str, list[Path]] = {p.name: [p] for p in folders}
    for path in entries:
        if path in folders or not path.name.endswith(".ipynb"):
            continue
        match = CANVAS.match(path.name) or MOODLE.match(path.name)
        students.setdefault(match["id"] if match else path.name[: -len(".ipynb")], []).append(path)
    if not students:
        raise course.CourseError(f"{submissions} holds no student folders (expected SUBMISSIONS/<student_id>/*.ipynb)")
    return students


def _notebooks(sources: list[Path], assignment: str) -> list[Path]:
    """The notebook files of one submission; no link is followed and nothing but regular files is read."""
    found = []

    def visit(path: Path, depth: int) -> None:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise Invalid(f"{path.name} is a symbolic link")
        if stat.S_ISDIR(info.st_mode):
            if depth > MAX_DEPTH:
                return
            children = sorted(p for p in path.iterdir() if not p.name.startswith(IGNORED))
            inner = [c for c in children if c.name == assignment and c.is_dir() and not c.is_symlink()]
            for child in inner or children:  # nbgrader's <student>/<assignment>/ layout: only that folder
                visit(child, depth + 1)
        elif path.name.endswith(".ipynb"):
            if not stat.S_ISREG(info.st_mode):
                raise Invalid(f"{path.name} is not a regular file")
            found.append(path)

    for source in sources:
        visit(source, 0)
    return found


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
    """Read a notebook that must be a regular file (never through a link) of at most MAX_NOTEBOOK_BYTES."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path.name} is not a regular file")
        data = f.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    return nb


def _cells_by_id(nb) -> dict[str, list]:
    cells: dict[str, list] = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            cells.setdefault(grade_id, []).append(cell)
    return cells


def _match(cell, index: int, release_code: list, theirs_code: list, theirs: dict) -> list:
    """The student's cells for one release cell: by nbgrader grade id, then cell id, then position."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    if grade_id in theirs:
        return theirs[grade_id]
    same_id = [c for c in theirs_code if cell.get("id") and c.get("id") == cell.get("id")]
    if same_id:
        return same_id
    if len(theirs_code) == len(release_code):
        candidate = theirs_code[index]
        if not candidate.metadata.get("nbgrader", {}).get("grade_id"):
            return [candidate]
    return []


def rebuild(release: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str]]:
    """The release notebook with the student's answers in its solution cells.

    A solution cell is found by its nbgrader grade id; one that lost its nbgrader metadata, by its
    cell id, then by its position among the code cells.

    Returns:
        the notebook to grade, and what the student changed that they must not
        have (empty when nothing).
    """
    theirs = _cells_by_id(submitted)
    theirs_code = [c for c in submitted.cells if c.cell_type == "code"]
    rebuilt = copy.deepcopy(release)
    release_code = [c for c in rebuilt.cells if c.cell_type == "code"]
    changes = []
    for cell in rebuilt.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        index = release_code.index(cell) if cell in release_code else -1
        matches = _match(cell, index, release_code, theirs_code, theirs) if cell.cell_type == "code" \
            else theirs.get(grade_id, [])
        if len(matches) > 1:
            changes.append(f"cell {grade_id} appears {len(matches)} times")
        if meta.get("solution"):
            if matches:
                cell.source = matches[0].source
            continue
        if not matches:
            if not any(c.source.rstrip() == cell.source.rstrip() for c in submitted.cells):
                changes.append(f"cell {grade_id} was deleted")
        elif matches[0].source.rstrip() != cell.source.rstrip():
            changes.append(f"read-only cell {grade_id} was edited")
        elif matches[0].metadata.get("nbgrader", {}).get("points", meta.get("points")) != meta.get("points"):
            changes.append(f"the points of cell {grade_id} were changed")
    return rebuilt, changes


def _is_assignment_notebook(release: nbformat.NotebookNode, theirs: nbformat.NotebookNode) -> bool:
    solutions = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    grade_ids = {c.metadata["nbgrader"]["grade_id"] for c in solutions}
    cell_ids = {c.get("id") for c in solutions} - {None}
    return bool(grade_ids & set(_cells_by_id(theirs)) or cell_ids & {c.get("id") for c in theirs.cells})


# ----------------------------------------------------------------------------- grading one student

def _grade_student(assignment: str, student: str, sources: list[Path], template: Path, limits: Limits,
                   out: Path, forbidden_imports: tuple[str, ...] = ()) -> Result:
    """Runs in a worker process: validate, rebuild, autograde in a sandbox, write feedback."""
    result = Result(student)
    releases = {p.name: _read_notebook(p) for p in sorted((template / "release" / assignment).glob("*.ipynb"))}
    result.max_score = _max_score(template, assignment)
    if not student.strip() or len(student) > MAX_ID_LENGTH or "/" in student or "\0" in student:
        return _fail(result, Status.INVALID, f"{student!r} is not a valid student id")
    try:
        notebooks = _notebooks(sources, assignment)
        if not notebooks:
            return _fail(result, Status.MISSING, "no .ipynb file in the folder")
        read = {}
        for path in notebooks[:20]:
            try:
                read[path] = _read_notebook(path)
            except Exception as err:  # noqa: BLE001  (any unreadable file is the student's problem, not ours)
                read[path] = err
        submitted, changes = {}, []
        for name, release in releases.items():
            candidates = [p for p in read if p.name == name] or [
                p for p in read if p.name.endswith(name) or len(releases) == 1 and len(read) == 1]
            if not candidates:
                return _fail(result, Status.MISSING, f"{name} is missing")
            path = candidates[0]
            theirs = read[path]
            if isinstance(theirs, Exception):
                raise Invalid(f"{path.name} is not a valid notebook: {str(theirs)[:200]}")
            if not _is_assignment_notebook(release, theirs):
                raise Invalid(f"{path.name} is not a notebook of {assignment}")
            submitted[name], problems = rebuild(release, theirs)
            changes += problems
        from coursekit.instructor.flags import flags

        result.flags = flags([c.source for nb in submitted.values() for c in nb.cells
                              if c.metadata.get("nbgrader", {}).get("solution")], list(forbidden_imports))
    except Invalid as err:
        return _fail(result, Status.INVALID, str(err))
    except OSError as err:
        return _fail(result, Status.INVALID, f"unreadable: {err.strerror}")

    internal = _internal_id(student)
    course_dir = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        shutil.copytree(template, course_dir, dirs_exist_ok=True)
        target = course_dir / "submitted" / internal / assignment
        target.mkdir(parents=True)
        for name, nb in submitted.items():
            nbformat.write(nb, target / name)
        report = _autograde(course_dir, assignment, internal, limits)
        _collect_scores(result, course_dir, assignment, internal)
        _publish(course_dir, assignment, internal, out, file_name(student))
    except Exception as err:  # noqa: BLE001  (one broken submission must not stop the class)
        logging.getLogger("coursekit.grade").exception("grading %s failed", student)
        return _fail(result, Status.ERROR, f"{type(err).__name__}: {err}")
    finally:
        shutil.rmtree(course_dir, ignore_errors=True)
    result.status = (Status.TAMPERED if changes else
                     {"timeout": Status.TIMEOUT, "output_limit": Status.OUTPUT_LIMIT}.get(
                         report["killed"], Status.KERNEL_DIED if report["killed"] else Status.OK))
    result.detail = "; ".join(changes) or (report["killed"] or "")
    return result


def _fail(result: Result, status: Status, detail: str) -> Result:
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

    from coursekit.instructor import sandbox

    config = course.nbgrader_config(course_dir, source_directory="source", release_directory="release",
                                    db_url=f"sqlite:///{course_dir / 'gradebook.db'}")
    kernel_dir = Path(tempfile.mkdtemp(prefix="ck"))  # short: IPC socket paths must stay under 108 bytes
    sandbox.configure(config, limits, kernel_dir)
    # nbgrader's own pipeline, with its Execute step replaced by the sandboxed one
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    config.Autograde.autograde_preprocessors = [sandbox.SandboxedExecute if p is Execute else p for p in defaults]
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    report = {"killed": None}

    class ReportingAutograde(Autograde):
        """nbgrader's ``Autograde``, keeping what the sandbox put in each notebook's resources."""

        def write_single_notebook(self, output, resources):
            report["killed"] = report["killed"] or resources.get("coursekit", {}).get("killed")
            super().write_single_notebook(output, resources)

    converter = ReportingAutograde(coursedir=coursedir, config=config)
    converter.force = True
    try:
        converter.start()
    finally:
        shutil.rmtree(kernel_dir, ignore_errors=True)
    return report


def _collect_scores(result: Result, course_dir: Path, assignment: str, student: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        result.score = float(submission.score)
        result.max_score = float(submission.max_score)
        result.tasks = {g.name: (float(g.score), float(g.max_score)) for nb in submission.notebooks for g in nb.grades}


def _publish(course_dir: Path, assignment: str, student: str, out: Path, folder: str) -> None:
    """Write nbgrader's feedback HTML, then copy it and the autograded notebooks to ``out``."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    config = course.nbgrader_config(course_dir, db_url=f"sqlite:///{course_dir / 'gradebook.db'}")
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    graded = course_dir / "autograded" / student / assignment
    if graded.is_dir():  # the instructor's copy keeps everything
        shutil.copytree(graded, out / "autograded" / folder, dirs_exist_ok=True)
        for path in graded.glob("*.ipynb"):
            nbformat.write(for_students(nbformat.read(path, as_version=4)), path)
    converter = GenerateFeedback(coursedir=coursedir, config=config)
    converter.force = True
    converter.start()
    feedback = course_dir / "feedback" / student / assignment
    if feedback.is_dir():
        shutil.copytree(feedback, out / "feedback" / folder, dirs_exist_ok=True)


HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
SAFE_MIME = ("text/plain", "image/png", "image/jpeg")


def for_students(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The graded notebook as its feedback page shows it: hidden tests removed, outputs only as text
    and pictures (no HTML, JavaScript, SVG or Markdown from the student's kernel)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = HIDDEN_TESTS.sub("# (hidden tests: not shown)\n", cell.source)
        for output in cell.outputs:
            if "data" in output:
                output.data = {k: v for k, v in output.data.items() if k in SAFE_MIME}
                output.metadata = {}
    return nb


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
          limits: Limits | None = None, root: Path = course.ROOT, overrides: dict | None = None,
          shard: tuple[int, int] | None = None) -> list[Result]:
    """Grade every student of ``submissions``; write the CSVs, notebooks and feedback into ``out``.

    ``limits`` default to the assignment's ``grading.toml`` (:func:`coursekit.instructor.course.settings`) over
    :class:`~coursekit.instructor.sandbox.Limits`, with ``overrides`` (field -> value) on top; ``workers`` to its
    ``workers``, else the number of cores.

    ``shard=(K, N)`` grades only the students of share K of N (:func:`shard_of`); :func:`merge`
    joins the outputs of the N shares. Each student is graded in a process of their own, with a time limit of its own
    (:func:`student_seconds`); ``grades.csv`` is rewritten as each result is known, so a
    student whose grading process hangs or is killed costs that student alone.
    """
    course.check_assignment(assignment, root)
    config = course.settings(assignment, root)
    if limits is None:
        try:
            limits = Limits(**{**config.get("limits", {}), **(overrides or {})})
        except TypeError as err:
            raise course.CourseError(f"{assignment}/{course.SETTINGS}: {err}") from None
    forbidden = tuple(str(m) for m in config.get("forbidden_imports", []))
    out = Path(out or root / "graded" / assignment)
    workers = workers or int(config.get("workers", 0)) or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="coursekit-grade-") as tmp:
        workdir = Path(tmp)
        students = student_folders(Path(submissions), workdir)
        if shard is not None:
            k, n = shard
            if not 1 <= k <= n:
                raise course.CourseError(f"--shard {k}/{n}: K must be between 1 and N")
            students = {s: f for s, f in students.items() if shard_of(s, n) == k}
        template = _template(assignment, root, workdir)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        max_score = _max_score(template, assignment)
        results: dict[str, Result] = {}

        def record(result: Result) -> None:
            results[result.student_id] = result
            _write_csvs([results[s] for s in students if s in results], assignment, out)

        jobs = [(s, (assignment, s, f, template, limits, out.resolve(), forbidden))
                for s, f in students.items()]
        _run_each(jobs, workers, student_seconds(limits), max_score, record)
    return [results[s] for s in students]


def shard_of(student: str, n: int) -> int:
    """The share (1..n) a student belongs to: a hash of the id, the same on every machine."""
    return int(hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest(), 16) % n + 1


def merge(outputs: list[Path], out: Path) -> int:
    """Join the output folders of the shards of one class into ``out``; returns the number of students."""
    rows, tasks, details, header, task_header = [], [], {}, None, None
    out.mkdir(parents=True, exist_ok=True)
    for folder in outputs:
        with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows += list(reader)
        with open(folder / "tasks.csv", newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            task_header = next(reader)
            tasks += list(reader)
        details.update(json.loads((folder / "details.json").read_text(encoding="utf-8")))
        for kind in ("autograded", "feedback"):
            if (folder / kind).is_dir():
                shutil.copytree(folder / kind, out / kind, dirs_exist_ok=True)
    if len({r[0] for r in rows}) != len(rows):
        raise course.CourseError("a student appears in more than one shard")
    for name, head, body in (("grades.csv", header, sorted(rows)), ("tasks.csv", task_header, sorted(tasks))):
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(head)
            writer.writerows(body)
    (out / "details.json").write_text(json.dumps(dict(sorted(details.items())), indent=1, ensure_ascii=False),
                                      encoding="utf-8")
    return len(rows)


def student_seconds(limits: Limits) -> float:
    """Wall time one student's grading process may take in all (then it is killed: status ``timeout``)."""
    return limits.notebook_seconds * 1.5 + 300


def _worker(connection, args) -> None:
    from coursekit.instructor.limits import die_with_parent

    os.setsid()  # its own process group: killing it kills the trusted process too
    die_with_parent()
    try:
        result = _grade_student(*args)
    except BaseException as err:  # noqa: BLE001
        result = Result(args[1], status=Status.ERROR, detail=f"{type(err).__name__}: {err}")
    connection.send(result)
    connection.close()


def _run_each(jobs: list, workers: int, seconds: float, max_score: float, record) -> None:
    """Run ``_grade_student`` for each job in its own process, at most ``workers`` at once."""
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    pending, running = list(jobs), {}
    while pending or running:
        while pending and len(running) < workers:
            student, args = pending.pop(0)
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(writer, args), daemon=False)
            process.start()
            writer.close()
            running[student] = (process, reader, time.monotonic())
        ready = wait([reader for _, reader, _ in running.values()], timeout=1.0)
        for student, (process, reader, started) in list(running.items()):
            result = None
            if reader in ready:
                try:
                    result = reader.recv()
                except (EOFError, OSError):
                    result = Result(student, 0.0, max_score, Status.ERROR, "the grading process died")
            elif time.monotonic() - started > seconds:
                result = Result(student, 0.0, max_score, Status.TIMEOUT, f"grading took more than {seconds:g} s")
            if result is None:
                continue
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
            process.join()
            reader.close()
            del running[student]
            record(result)


def _write_csvs(results: list[Result], assignment: str, out: Path) -> None:
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "assignment", "score", "max_score", "status", "folder", "flags"])
        for r in results:
            writer.writerow([r.student_id, assignment, f"{r.score:g}", f"{r.max_score:g}", str(r.status),
                             file_name(r.student_id), "; ".join(r.flags)])
    with open(out / "tasks.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "task", "score", "max_score"])
        for r in results:
            for task, (score, max_score) in r.tasks.items():
                writer.writerow([r.student_id, task, f"{score:g}", f"{max_score:g}"])
    (out / "details.json").write_text(json.dumps(
        {r.student_id: {"status": str(r.status), "detail": r.detail, "flags": r.flags, "folder": file_name(r.student_id)}
         for r in results}, indent=1, ensure_ascii=False), encoding="utf-8")
