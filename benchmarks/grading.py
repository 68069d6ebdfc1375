"""Cost of the sandboxed grading pipeline against plain nbgrader, on a synthetic class.

    .venv/bin/python benchmarks/grading.py [--students 40] [--assignment 01_perceptron]

Builds a class of full, partial and blank submissions of the assignment, grades it with
``coursekit grade`` using 1 and 2 workers, and with plain ``nbgrader autograde`` (no sandbox,
one submission at a time) on the same class. Prints a Markdown table of seconds per submission.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from coursekit import course, grader  # noqa: E402
from submissions import solution_answers, write_submission  # noqa: E402


def make_class(assignment: str, students: int, folder: Path) -> None:
    answers = solution_answers(assignment)
    tasks = sorted(answers)
    for i in range(students):
        solved = tasks[: i % (len(tasks) + 1)]  # 0, 1, ... all tasks solved, in turn
        write_submission(assignment, folder / f"student{i:03d}", {t: answers[t] for t in solved})


def plain_nbgrader(assignment: str, klass: Path, workdir: Path) -> None:
    """The standard nbgrader workflow: a course folder, generate_assignment, autograde (all students)."""
    course_dir = workdir / "plain"
    shutil.copytree(ROOT / "solutions" / assignment, course_dir / "source" / assignment)
    for student in klass.iterdir():
        shutil.copytree(student, course_dir / "submitted" / student.name / assignment)
    nbgrader = [str(Path(sys.executable).with_name("nbgrader"))]
    common = ["--CourseDirectory.root=" + str(course_dir), "--CourseDirectory.source_directory=source",
              "--CourseDirectory.release_directory=release", "--log-level=ERROR"]
    subprocess.run(nbgrader + ["generate_assignment", assignment, "--force"] + common, check=True, cwd=course_dir)
    subprocess.run(nbgrader + ["autograde", assignment, "--force"] + common, check=True, cwd=course_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default="01_perceptron")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        make_class(args.assignment, args.students, klass)
        for workers in (1, 2):
            start = time.perf_counter()
            results = grader.grade(args.assignment, klass, Path(tmp) / f"out{workers}", workers=workers)
            seconds = time.perf_counter() - start
            statuses = sorted({r.status for r in results})
            rows.append((f"coursekit grade, {workers} worker{'s' if workers > 1 else ''} (sandboxed)",
                         seconds, ", ".join(statuses)))
        start = time.perf_counter()
        plain_nbgrader(args.assignment, klass, Path(tmp))
        rows.append(("plain nbgrader autograde (no sandbox)", time.perf_counter() - start, "-"))
    print(f"{args.students} submissions of {args.assignment}\n")
    print("| pipeline | total (s) | seconds per submission | statuses |")
    print("|---|---:|---:|---|")
    for name, seconds, statuses in rows:
        print(f"| {name} | {seconds:.0f} | {seconds / args.students:.2f} | {statuses} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
