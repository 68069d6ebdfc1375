"""The ``coursekit`` command for instructors.

    coursekit release [ASSIGNMENT ...] [--check]
        Regenerate the student versions in exercises/ from solutions/ (all by default).
        --check changes nothing and exits 1, naming every file that is out of sync.
"""

from __future__ import annotations

import argparse
import sys

from coursekit import course


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit", description="Instructor tools for the course.")
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate student versions in exercises/")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    release.add_argument("--check", action="store_true", help="only report what is out of sync")
    release.set_defaults(run=_release)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except course.CourseError as err:
        print(f"coursekit: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
