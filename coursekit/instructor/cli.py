"""The ``coursekit`` command for instructors.

    coursekit release [ASSIGNMENT ...] [--check]
        Regenerate the student versions in exercises/ from solutions/ (all by default).
        --check changes nothing and exits 1, naming every file that is out of sync.

    coursekit grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N] [--shard K/N]
                    [--student ID ...] [--resume] [limits]
        Grade a class (a folder or .zip of SUBMISSIONS/<student_id>/<notebook>.ipynb) in a
        sandbox; see coursekit.instructor.grader for the outputs and the status words. One line
        per student as it finishes; exit status 1 when the grader failed on any student.

    coursekit weights build NAME ... | coursekit weights check
        Train course checkpoint NAME from its recipe and update coursekit/weights/; or verify
        every stored checkpoint against the registry (see coursekit.weights).

    coursekit export moodle|canvas|csv GRADED [--roster FILE] [--out DIR]
        Grades and feedback in the files Moodle and Canvas import (coursekit.instructor.export).

    coursekit merge OUT SHARD_OUT ...
        Join the output folders of `coursekit grade --shard K/N` runs into a new folder OUT.
"""

from __future__ import annotations

import argparse
import sys

from dataclasses import fields
from pathlib import Path

from coursekit.instructor import course


def _release(args: argparse.Namespace) -> int:
    names = args.assignments or course.assignments()
    if args.check:
        problems = [p for name in names for p in course.out_of_sync(name)]
        for problem in problems:
            print(problem)
        print("out of sync: run `coursekit release`" if problems else f"in sync: {', '.join(names)}")
        return 1 if problems else 0
    for name in names:
        print(f"released {course.release(name).relative_to(course.ROOT)}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from coursekit.instructor import grader
    from coursekit.instructor.sandbox import Limits

    overrides = {f.name: getattr(args, f.name) for f in fields(Limits) if getattr(args, f.name) is not None}
    shard = None
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            raise course.CourseError(f"--shard {args.shard}: expected K/N, e.g. 1/4") from None
        shard = (k, n)
    out = args.out or course.ROOT / "graded" / args.assignment
    width = 12

    def progress(done: int, total: int, r, eta: float) -> None:
        print(f"[{done:>{len(str(total))}}/{total}] {r.student_id:<{width}}  {r.score:5g} / {r.max_score:g}  "
              f"{str(r.status):<12} {r.seconds:6.1f} s   ETA {_duration(eta)}  {r.detail[:100]}", flush=True)

    print(f"grading {args.assignment} into {out} (chatter in {out / grader.LOG})", flush=True)
    results = grader.grade(args.assignment, args.submissions, out, args.workers, overrides=overrides,
                           shard=shard, students=args.student, resume=args.resume, progress=progress)
    if not results:
        print(f"no student of {args.assignment} in this shard")
        return 0
    counts = {}
    for r in results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    print(f"graded {len(results)} submissions of {args.assignment}: {out}/grades.csv  ("
          + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + ")")
    errors = [r.student_id for r in results if r.status == grader.Status.ERROR]
    if errors:
        print(f"coursekit: the grader failed on {len(errors)} students ({', '.join(errors[:10])}): "
              f"see {out / grader.LOG}; regrade them with --student ID", file=sys.stderr)
        return 1
    return 0


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _weights(args: argparse.Namespace) -> int:
    from coursekit import weights

    try:
        return weights.main(args.action, args.names)
    except weights.CheckpointError as err:
        print(f"coursekit: error: {err}", file=sys.stderr)
        return 2


def _merge(args: argparse.Namespace) -> int:
    from coursekit.instructor import grader

    print(f"merged {grader.merge(args.shards, args.out)} students into {args.out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from coursekit.instructor import export

    for path in export.export(args.kind, args.graded, args.out, args.roster, args.canvas_assignment):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit", description="Instructor tools for the course.")
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate student versions in exercises/")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    release.add_argument("--check", action="store_true", help="only report what is out of sync")
    release.set_defaults(run=_release)

    from coursekit.instructor.sandbox import Limits  # light: no framework import

    grade = commands.add_parser("grade", help="autograde a class in a sandbox")
    grade.add_argument("assignment", metavar="ASSIGNMENT")
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="folder or .zip of <student_id>/*.ipynb")
    grade.add_argument("--out", type=Path, help="output folder (default graded/ASSIGNMENT)")
    grade.add_argument("--workers", type=int, help="submissions graded at once (default: the number of cores)")
    for f in fields(Limits):
        grade.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, type=int, default=None,
                           help=f"limit: {f.name.replace('_', ' ')} (default: grading.toml, else {f.default})")
    grade.add_argument("--shard", metavar="K/N", help="grade only share K of N of the class (see `coursekit merge`)")
    grade.add_argument("--student", action="append", metavar="ID",
                       help="regrade only this student (repeatable) into the existing output folder")
    grade.add_argument("--resume", action="store_true",
                       help="grade only the students the output folder does not hold yet (or that ended in error)")
    grade.set_defaults(run=_grade)
    weights = commands.add_parser("weights", help="build or check the course checkpoints")
    weights_actions = weights.add_subparsers(dest="action", required=True)
    weights_actions.add_parser("build", help="train checkpoints from their recipes").add_argument(
        "names", nargs="+", metavar="NAME")
    weights_actions.add_parser("check", help="verify every stored checkpoint").set_defaults(names=[])
    weights.set_defaults(run=_weights)
    merge = commands.add_parser("merge", help="join the outputs of `coursekit grade --shard K/N` runs")
    merge.add_argument("out", type=Path, metavar="OUT")
    merge.add_argument("shards", type=Path, nargs="+", metavar="SHARD_OUT")
    merge.set_defaults(run=_merge)
    export = commands.add_parser("export", help="grades for Moodle, Canvas or a plain CSV")
    export.add_argument("kind", choices=["moodle", "canvas", "csv"])
    export.add_argument("graded", type=Path, metavar="GRADED", help="an output folder of `coursekit grade`")
    export.add_argument("--roster", type=Path, metavar="FILE", help="CSV: student_id/participant/canvas_id, "
                        "name, email, sis_user_id, sis_login_id, section")
    export.add_argument("--out", type=Path, help="where the files go (default GRADED/export)")
    export.add_argument("--canvas-assignment", metavar='"NAME (ID)"', help="the Canvas gradebook column")
    export.set_defaults(run=_export)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except course.CourseError as err:
        print(f"coursekit: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
