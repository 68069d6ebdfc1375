"""Cost of the grading pipelines against plain nbgrader, on one synthetic class.

    .venv/bin/python benchmarks/grading.py [--students 40] [--assignment 01_perceptron] [--baseline REV]
                                           [--workers 1 2] [--no-baseline]

Builds a class of full, partial and blank submissions of the assignment and grades it with plain
``nbgrader autograde`` (no sandbox, one submission at a time), with the single-kernel sandboxed
grader of git revision ``--baseline`` (default ``f9dfeb1``, the last one before the two-process
grader; checked out into a temporary worktree and run from there), and with today's two-process
grader, each with 1 and 2 workers (``--workers``; ``--no-baseline`` leaves the old grader out, for
a large class in less time). Prints a Markdown table of seconds per submission, the ratio to
plain nbgrader, and the load average of the machine before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from coursekit.instructor import course, grader  # noqa: E402
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
    # the same cell limit as coursekit grade's default (nbgrader's own is 30 s), and patience for outputs
    subprocess.run(nbgrader + ["autograde", assignment, "--force", "--Execute.timeout=120",
                               "--Execute.iopub_timeout=60"] + common, check=True, cwd=course_dir)


BASELINE_RUN = """
import sys, time
from pathlib import Path
from coursekit.instructor import grader
start = time.perf_counter()
results = grader.grade(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), workers=int(sys.argv[4]))
print(time.perf_counter() - start, ",".join(sorted({r.status for r in results})))
"""


def baseline(revision: str, assignment: str, klass: Path, out: Path, workers: int, tree: Path) -> tuple[float, str]:
    """Grade with the pipeline of an older revision (its own checkout on the path)."""
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True,
                       capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", BASELINE_RUN, assignment, str(klass), str(out), str(workers)],
                          env=env, cwd=tree, check=True, capture_output=True, text=True)
    seconds, statuses = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(seconds), statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default="01_perceptron")
    parser.add_argument("--baseline", default="f9dfeb1", help="revision of the single-kernel grader")
    parser.add_argument("--no-baseline", action="store_true", help="leave the single-kernel grader out")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    args = parser.parse_args()
    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        make_class(args.assignment, args.students, klass)
        start = time.perf_counter()
        plain_nbgrader(args.assignment, klass, Path(tmp))
        rows.append(("plain nbgrader autograde (no sandbox, 1 process)", time.perf_counter() - start, "-"))
        if not args.no_baseline:
            tree = Path(tmp) / "baseline"
            try:
                for workers in args.workers:
                    seconds, statuses = baseline(args.baseline, args.assignment, klass, Path(tmp) / f"base{workers}",
                                                 workers, tree)
                    rows.append((f"single-kernel sandbox ({args.baseline}), {workers} worker{'s' * (workers > 1)}",
                                 seconds, statuses))
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
        for workers in args.workers:
            start = time.perf_counter()
            results = grader.grade(args.assignment, klass, Path(tmp) / f"out{workers}", workers=workers)
            seconds = time.perf_counter() - start
            statuses = ",".join(sorted({r.status for r in results}))
            rows.append((f"two-process grader (this tree), {workers} worker{'s' * (workers > 1)}", seconds, statuses))
    plain = rows[0][1]
    print(f"{args.students} submissions of {args.assignment}; load average before "
          f"{' '.join(f'{x:.1f}' for x in load_before)}, after {' '.join(f'{x:.1f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores\n")
    print("| pipeline | total (s) | seconds per submission | × plain nbgrader | statuses |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, statuses in rows:
        print(f"| {name} | {seconds:.0f} | {seconds / args.students:.2f} | {seconds / plain:.2f} | {statuses} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
