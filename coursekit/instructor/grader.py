"""Grade a whole class: ``coursekit grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N]``.

``SUBMISSIONS`` is a folder (or a ``.zip`` of one) with one sub-folder per
student: ``SUBMISSIONS/<student_id>/<notebook>.ipynb``. Each student is graded
on their own, in a worker process with a private nbgrader course folder and
gradebook (so workers never share a database), by nbgrader's ``Autograde``
converter running the kernel in the sandbox of :mod:`coursekit.instructor.sandbox`.

Before nbgrader sees a notebook, the pipeline rebuilds it from the *instructor's*
release (:mod:`coursekit.instructor.layout`): every test and instructor cell comes
from there; the answers in solution cells and the cells the student added (run where
they stand, in the kernel only) come from the student. Deleting, duplicating, editing
or re-pointing test cells therefore changes nothing but the status; an edited task
text is only a flag. Of several notebooks of the assignment in one folder, the one
whose answers are filled is graded.

Status of each student (``grades.csv``):

=============  ===============================================================
``ok``         graded normally
``tampered``   graded, but the submission changed test cells or the instructor's
               code cells (ignored: they come from the release)
``timeout``    the notebook ran out of time; tasks finished before count
``kernel_died`` the kernel died (crash, ``os._exit``, a kill, the memory cap);
               tasks finished before count
``output_limit`` the notebook printed more than allowed; tasks finished before count
``missing``    no notebook of this assignment in the student's folder
``invalid``    not a readable notebook, or a notebook of another assignment (named)
``ambiguous``  several notebooks of this assignment with different answers (named)
``needs_manual`` graded automatically; written answers wait for manual grading
               (``nbgrader formgrader`` in ``OUT/nbgrader``, see :mod:`coursekit.instructor.gradebook`)
``error``      the grader itself failed on this submission (see the log)
=============  ===============================================================

Outputs in ``--out`` (default ``graded/<ASSIGNMENT>``): ``grades.csv``
(``student_id,assignment,score,max_score,status``), ``tasks.csv`` (the score of
every graded task), ``autograded/<student>/<notebook>.ipynb`` and
``feedback/<student>/<notebook>.html``.
"""

from __future__ import annotations

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

from coursekit.instructor import course, gradebook, layout, reference, similarity
from coursekit.instructor import feedback as feedback_page
from coursekit.instructor.feedback import for_students
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
    AMBIGUOUS = "ambiguous"
    NEEDS_MANUAL = "needs_manual"
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
    seconds: float = 0.0  # wall time of this student's grading


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


def _choose(assignment: str, name: str, release, read: dict, known: dict[str, list[list[str]]]):
    """The notebook of ``read`` (path -> notebook or the error reading it) to grade for the release
    notebook ``name``, rebuilt (see :mod:`coursekit.instructor.layout`), and a note for the instructor.

    Raises:
        Invalid: no readable notebook of this assignment (the message names what was handed in);
        Ambiguous: two candidates with different answers filled.
    """
    from coursekit.instructor import layout

    notebooks = {p: nb for p, nb in read.items() if not isinstance(nb, Exception)}
    owners = {p: layout.identify(nb, assignment, known) for p, nb in notebooks.items()}
    candidates = [p for p in notebooks if owners[p] == assignment]
    if len(known.get(assignment, [])) > 1:  # several notebooks: the one whose text this is
        texts = layout.read_only_texts(release)
        candidates = [p for p in candidates if layout.similarity(texts, notebooks[p]) >= max(
            layout.similarity(t, notebooks[p]) for t in known[assignment])]
    if not candidates:
        others = [f"{p.name} is a notebook of {owners[p]}" for p in notebooks if owners[p]]
        broken = [f"{p.name} is not a valid notebook: {str(err)[:200]}" for p, err in read.items()
                  if isinstance(err, Exception)]
        reasons = others + broken or [f"{p.name} is not a notebook of {assignment}" for p in notebooks]
        raise Invalid(f"{'; '.join(reasons)}, not of {assignment}" if others else "; ".join(reasons))
    rebuilt = {p: layout.rebuild(release, notebooks[p]) for p in candidates}
    most = max(len(r.filled) for r in rebuilt.values())
    best = [p for p in candidates if len(rebuilt[p].filled) == most]
    answers = {tuple(c.source for c in rebuilt[p].nb.cells) for p in best}
    if most and len(answers) > 1:
        raise Ambiguous(f"{len(best)} notebooks with different answers: {', '.join(p.name for p in best)}")
    chosen = next((p for p in best if p.name == name), best[0])
    note = ""
    if len(candidates) > 1:
        note = f"graded {chosen.name} ({most} answers filled; also handed in: " + ", ".join(
            p.name for p in candidates if p != chosen) + ")"
    return rebuilt[chosen], note


class Ambiguous(Exception):
    """Several candidate notebooks with different answers (its message names them)."""


# ----------------------------------------------------------------------------- grading one student

def _grade_student(assignment: str, student: str, sources: list[Path], template: Path, limits: Limits,
                   out: Path, forbidden_imports: tuple[str, ...] = (), known: dict | None = None,
                   package: Path | None = None) -> Result:
    """Runs in a worker process: validate, rebuild, autograde in a sandbox, write feedback."""
    result = Result(student)
    releases = {p.name: _read_notebook(p) for p in sorted((template / "release" / assignment).glob("*.ipynb"))}
    result.max_score = _max_score(template, assignment)
    known = known or {assignment: [layout.read_only_texts(nb) for nb in releases.values()]}
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
        submitted, changes, notes = {}, [], []
        for name, release in releases.items():
            rebuilt, note = _choose(assignment, name, release, read, known)
            submitted[name] = rebuilt.nb
            changes += rebuilt.tampering
            result.flags += rebuilt.flags
            notes += [note] if note else []
            if rebuilt.added:
                notes.append(f"{rebuilt.added} cells of the student's own graded where they stand")
        from coursekit.instructor.flags import flags

        result.flags += flags([c.source for nb in submitted.values() for c in nb.cells
                               if c.metadata.get("nbgrader", {}).get("solution")], list(forbidden_imports))
    except Invalid as err:
        return _fail(result, Status.INVALID, str(err))
    except Ambiguous as err:
        return _fail(result, Status.AMBIGUOUS, str(err))
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
        report = _autograde(course_dir, assignment, internal, limits, package)
        manual = _collect_scores(result, course_dir, assignment, internal)
        _publish(course_dir, assignment, internal, out, file_name(student), student)
        if (out / gradebook.FOLDER).is_dir():  # for the class gradebook (gradebook.add, in the main process)
            shutil.copy(course_dir / "gradebook.db", gradebook.partial(out, internal))
    except Exception as err:  # noqa: BLE001  (one broken submission must not stop the class)
        logging.getLogger("coursekit.grade").exception("grading %s failed", student)
        return _fail(result, Status.ERROR, f"{type(err).__name__}: {err}")
    finally:
        shutil.rmtree(course_dir, ignore_errors=True)
    result.status = (Status.TAMPERED if changes else
                     {"timeout": Status.TIMEOUT, "output_limit": Status.OUTPUT_LIMIT}.get(
                         report["killed"], Status.KERNEL_DIED if report["killed"] else
                         Status.NEEDS_MANUAL if manual else Status.OK))
    result.detail = "; ".join(changes + [report["killed"] or ""] + notes).strip("; ")
    return result


def _fail(result: Result, status: Status, detail: str) -> Result:
    result.status, result.detail, result.score = status, detail, 0.0
    return result


def _max_score(template: Path, assignment: str) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{template / 'gradebook.db'}") as gradebook:
        return float(sum(nb.max_score for nb in gradebook.find_assignment(assignment).notebooks))


def _autograde(course_dir: Path, assignment: str, student: str, limits: Limits, package: Path | None = None) -> dict:
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute

    from coursekit.instructor import sandbox

    config = course.nbgrader_config(course_dir, source_directory="source", release_directory="release",
                                    db_url=f"sqlite:///{course_dir / 'gradebook.db'}")
    kernel_dir = Path(tempfile.mkdtemp(prefix="ck"))  # short: IPC socket paths must stay under 108 bytes
    sandbox.configure(config, limits, kernel_dir, package)
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


def _collect_scores(result: Result, course_dir: Path, assignment: str, student: str) -> bool:
    """Fill in the scores from the student's gradebook; whether an answer waits for manual grading."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as book:
        submission = book.find_submission(assignment, student)
        result.score = float(submission.score)
        result.max_score = float(submission.max_score)
        grades = [g for nb in submission.notebooks for g in nb.grades]
        result.tasks = {g.name: (float(g.score), float(g.max_score)) for g in grades}
        return any(g.needs_manual_grade for g in grades)


def _publish(course_dir: Path, assignment: str, student: str, out: Path, folder: str, student_id: str = "") -> None:
    """Write nbgrader's feedback HTML, then copy it and the autograded notebooks to ``out``
    (:mod:`coursekit.instructor.feedback` makes the pages)."""
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
        mathjax = f"../{MATHJAX}/{feedback_page.MATHJAX_FILES[0]}" \
            if (out / "feedback" / MATHJAX / feedback_page.MATHJAX_FILES[0]).is_file() else None
        for page in feedback.glob("*.html"):
            page.write_text(feedback_page.finish_page(page.read_text(encoding="utf-8"), student_id or student,
                                                      assignment, mathjax), encoding="utf-8")
        shutil.copytree(feedback, out / "feedback" / folder, dirs_exist_ok=True)


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


def _known_releases(assignment: str, template: Path, root: Path) -> dict[str, list[list[str]]]:
    """assignment -> the read-only texts of each of its released notebooks (to recognise a notebook by
    content): this assignment's from the grader's release, the others' from ``exercises/``."""
    known = {}
    for name in course.assignments(root):
        folder = template / "release" / name if name == assignment else root / course.RELEASE / name
        known[name] = [layout.read_only_texts(nbformat.read(p, as_version=4)) for p in sorted(folder.glob("*.ipynb"))]
    return known


def grade(assignment: str, submissions: Path, out: Path | None = None, workers: int | None = None,
          limits: Limits | None = None, root: Path = course.ROOT, overrides: dict | None = None,
          shard: tuple[int, int] | None = None, students: list[str] | None = None, resume: bool = False,
          progress=None) -> list[Result]:
    """Grade every student of ``submissions``; write the CSVs, notebooks and feedback into ``out``.

    ``limits`` default to the assignment's ``grading.toml`` (:func:`coursekit.instructor.course.settings`) over
    :class:`~coursekit.instructor.sandbox.Limits`, with ``overrides`` (field -> value) on top; ``workers`` to its
    ``workers``, else the number of cores.

    ``out`` is created, or must be an earlier output of this assignment (it holds :data:`MARKER`): nothing
    but coursekit's own outputs (:data:`OUTPUTS`) is ever deleted there. ``students`` regrades only those
    students into the existing output; ``resume`` grades only the students it does not hold yet (or that
    ended in ``error``). ``shard=(K, N)`` grades only the students of share K of N (:func:`shard_of`);
    :func:`merge` joins the outputs of the N shares. Each student is graded in a process of their own,
    with a time limit of its own (:func:`student_seconds`); ``grades.csv`` is rewritten as each result is
    known, so a student whose grading process hangs or is killed costs that student alone.
    ``progress(done, total, result, eta_seconds)`` is called as each student finishes. What nbgrader,
    the frameworks and the kernels print goes to ``out/grading.log``.
    """
    course.check_assignment(assignment, root)
    config = course.settings(assignment, root)
    if limits is None:
        limits = Limits(**{**config.get("limits", {}), **(overrides or {})})
    forbidden = tuple(config.get("forbidden_imports", []))
    out = Path(out or root / "graded" / assignment)
    workers = workers or int(config.get("workers", 0)) or os.cpu_count() or 1
    if shard is not None and not 1 <= shard[0] <= shard[1]:
        raise course.CourseError(f"--shard {shard[0]}/{shard[1]}: K must be between 1 and N")
    with tempfile.TemporaryDirectory(prefix="coursekit-grade-") as tmp:
        workdir = Path(tmp)
        folders = student_folders(Path(submissions), workdir)
        if shard is not None:
            folders = {s: f for s, f in folders.items() if shard_of(s, shard[1]) == shard[0]}
        unknown = [s for s in students or [] if s not in folders]
        if unknown:
            raise course.CourseError(f"no such student in {submissions}: {', '.join(unknown)}")
        earlier = _open_output(out, assignment, keep=bool(students) or resume)  # (nothing changed before)
        check_sandbox(limits)
        if students:
            todo = list(students)
        else:
            todo = [s for s in folders if not (resume and s in earlier and earlier[s].status != Status.ERROR)]
        with _chatter_to(out / LOG):
            template = _template(assignment, root, workdir)
            known = _known_releases(assignment, template, root)
        max_score = _max_score(template, assignment)
        gradebook.start(out, template, assignment, fresh=not earlier)
        feedback_page.install_mathjax(out / "feedback", MATHJAX)
        results: dict[str, Result] = {s: r for s, r in earlier.items() if s not in todo}
        order = list(folders) + [s for s in earlier if s not in folders]
        for student in todo:  # a regraded student's old files go first (coursekit wrote them)
            for kind in ("autograded", "feedback"):
                shutil.rmtree(out / kind / file_name(student), ignore_errors=True)
        started = time.monotonic()

        def record(result: Result) -> None:
            results[result.student_id] = result
            graded = out / "autograded" / file_name(result.student_id)
            gradebook.add(out, assignment, _internal_id(result.student_id), result.student_id,
                          graded if result.status not in (Status.MISSING, Status.INVALID, Status.AMBIGUOUS) else None)
            _write_csvs([results[s] for s in order if s in results], assignment, out)
            if progress is not None:
                done = sum(s in results for s in todo)
                eta = (time.monotonic() - started) / done * (len(todo) - done)
                progress(done, len(todo), result, eta)

        hidden = reference.reference_modules(root / course.SOURCE / assignment, config)
        package = reference.hidden_package(hidden, workdir / "kernel")
        jobs = [(s, (assignment, s, folders[s], template, limits, out.resolve(), forbidden, known, package))
                for s in todo]
        _write_csvs([results[s] for s in order if s in results], assignment, out)
        _run_each(jobs, workers, student_seconds(limits), max_score, record, out.resolve() / LOG)
        try:  # for review only: never stops a class
            similarity.report(out, root / course.SOURCE / assignment)
        except Exception:  # noqa: BLE001
            with open(out / LOG, "a", encoding="utf-8") as log:
                import traceback

                log.write("similarity.csv failed:\n" + traceback.format_exc())
    return [results[s] for s in order if s in results]


MARKER = ".coursekit-graded"  #: the file that makes a folder a coursekit output (it names the assignment)
LOG = "grading.log"           #: what nbgrader, the frameworks and the kernels printed
MATHJAX = "_mathjax"          #: MathJax for the feedback pages, in feedback/ (no student folder starts with _)
#: everything coursekit writes into an output folder: the only names it ever deletes there
OUTPUTS = ("grades.csv", "tasks.csv", "details.json", LOG, "similarity.csv", gradebook.FOLDER, "autograded",
           "feedback", MARKER)


def _open_output(out: Path, assignment: str, keep: bool) -> dict[str, Result]:
    """Make ``out`` ready for a run; the results it holds when ``keep``, else ``{}`` (their files removed).

    Refuses a folder that coursekit did not create (and deletes nothing in it)."""
    marker = out / MARKER
    if out.exists() and not out.is_dir():
        raise course.CourseError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not marker.is_file():
        raise course.CourseError(f"--out {out} holds files that coursekit did not write (no {MARKER} in it): "
                                 "choose a new folder; nothing was changed")
    if marker.is_file():
        owner = json.loads(marker.read_text(encoding="utf-8") or "{}").get("assignment")
        if owner != assignment:
            raise course.CourseError(f"--out {out} holds the grades of {owner}, not of {assignment}")
    elif keep:
        raise course.CourseError(f"--out {out} holds no earlier grades of {assignment} to regrade or resume")
    if not keep:
        for name in OUTPUTS:
            path = out / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"assignment": assignment}) + "\n", encoding="utf-8")
    return load_results(out) if keep else {}


def load_results(out: Path) -> dict[str, Result]:
    """The results of an output folder (from its ``details.json``), student id -> :class:`Result`."""
    path = out / "details.json"
    if not path.is_file():
        return {}
    results = {}
    for student, d in json.loads(path.read_text(encoding="utf-8")).items():
        results[student] = Result(student, float(d.get("score", 0)), float(d.get("max_score", 0)),
                                  Status(d["status"]), d.get("detail", ""),
                                  {k: tuple(v) for k, v in d.get("tasks", {}).items()}, list(d.get("flags", [])),
                                  float(d.get("seconds", 0)))
    return results


class _chatter_to:
    """Send this process's stderr (nbgrader's and the frameworks' chatter) to ``log`` for a while."""

    def __init__(self, log: Path):
        self.log = log

    def __enter__(self):
        import sys

        sys.stderr.flush()
        self.saved = os.dup(2)
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(fd, 2)
        os.close(fd)

    def __exit__(self, *exc):
        import sys

        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)


def check_sandbox(limits: Limits) -> None:
    """Fail before the first student, with a clear message, when the sandbox cannot start here."""
    import subprocess
    import sys

    from coursekit.instructor import sandbox

    if shutil.which("bwrap") is None:
        raise course.CourseError("bubblewrap is not installed (no `bwrap` on PATH): the grader runs every kernel "
                                 "in it; install it (e.g. `apt-get install bubblewrap`). Nothing was graded.")
    with tempfile.TemporaryDirectory(prefix="ck-check-") as tmp:
        (Path(tmp) / "runtime").mkdir()
        argv = sandbox.kernel_command(limits, Path(tmp))
        argv = argv[:argv.index("prlimit")] + [sys.executable, "-c", "import coursekit.instructor.agent"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            raise course.CourseError("the sandbox did not start within 120 s; nothing was graded") from None
    if done.returncode != 0:
        raise course.CourseError("the sandbox cannot start here (bubblewrap needs user namespaces, or to run as "
                                 f"root); nothing was graded. bwrap said: {done.stderr.strip()[-500:]}")


def shard_of(student: str, n: int) -> int:
    """The share (1..n) a student belongs to: a hash of the id, the same on every machine."""
    return int(hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest(), 16) % n + 1


def merge(outputs: list[Path], out: Path) -> int:
    """Join the output folders of the shards of one class into a new folder ``out``; returns the number of
    students. Refuses an ``out`` that exists and a student graded in more than one shard (naming them)."""
    if out.exists():
        raise course.CourseError(f"{out} exists: merge writes a new folder (did you forget OUT?)")
    results: dict[str, Result] = {}
    owners: dict[str, list[str]] = {}
    assignments = set()
    for folder in outputs:
        if not (folder / "details.json").is_file():
            raise course.CourseError(f"{folder} is not an output of `coursekit grade` (no details.json)")
        with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
            assignments |= {row["assignment"] for row in csv.DictReader(f)}
        for student, result in load_results(folder).items():
            owners.setdefault(student, []).append(str(folder))
            results[student] = result
    twice = {s: f for s, f in owners.items() if len(f) > 1}
    if twice:
        raise course.CourseError("graded in more than one shard: " + "; ".join(
            f"{s} ({', '.join(f)})" for s, f in sorted(twice.items())))
    if len(assignments) > 1:
        raise course.CourseError(f"the shards hold different assignments: {', '.join(sorted(assignments))}")
    out.mkdir(parents=True)
    for folder in outputs:
        for kind in ("autograded", "feedback"):
            if (folder / kind).is_dir():
                shutil.copytree(folder / kind, out / kind, dirs_exist_ok=True)
    gradebook.join(out, outputs)
    assignment = assignments.pop() if assignments else ""
    (out / MARKER).write_text(json.dumps({"assignment": assignment}) + "\n", encoding="utf-8")
    _write_csvs([results[s] for s in sorted(results)], assignment, out)
    return len(results)


def student_seconds(limits: Limits) -> float:
    """Wall time one student's grading process may take in all (then it is killed: status ``timeout``)."""
    return limits.notebook_seconds * 1.5 + 300


def _worker(connection, args, log: Path) -> None:
    from coursekit.instructor.limits import die_with_parent

    os.setsid()  # its own process group: killing it kills the trusted process too
    die_with_parent()
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # nbgrader's, the kernel's chatter
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {args[1]!r} %(name)s: %(message)s")
    try:
        result = _grade_student(*args)
    except BaseException as err:  # noqa: BLE001
        result = Result(args[1], status=Status.ERROR, detail=f"{type(err).__name__}: {err}")
    connection.send(result)
    connection.close()


def _run_each(jobs: list, workers: int, seconds: float, max_score: float, record, log: Path) -> None:
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
            process = context.Process(target=_worker, args=(writer, args, log), daemon=False)
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
            result.seconds = time.monotonic() - started
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
        {r.student_id: {"status": str(r.status), "score": r.score, "max_score": r.max_score, "detail": r.detail,
                        "flags": r.flags, "folder": file_name(r.student_id), "tasks": r.tasks,
                        "seconds": round(r.seconds, 1)}
         for r in results}, indent=1, ensure_ascii=False), encoding="utf-8")
