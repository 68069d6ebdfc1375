"""Wall time and peak kernel memory of every book and solution notebook.

    make bench                                  # or
    .venv/bin/python benchmarks/notebooks.py [NOTEBOOK ...]

Each notebook runs in its own process (``python -m coursekit.notebooks --report``), so the
peak resident memory is that notebook's kernel alone. Nothing is saved. Prints a Markdown table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(notebook: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "coursekit.notebooks", "--report", str(notebook)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        return {"notebook": str(notebook), "seconds": float("nan"), "peak_mib": float("nan"), "failed": True}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    notebooks = [Path(a) for a in argv] or sorted(ROOT.glob("book/**/*.ipynb")) + sorted(ROOT.glob("solutions/**/*.ipynb"))
    rows = [measure(nb) for nb in notebooks]
    print("| notebook | wall time (s) | peak kernel memory (MiB) |")
    print("|---|---:|---:|")
    for row in rows:
        name = Path(row["notebook"]).resolve().relative_to(ROOT)
        flag = " (FAILED)" if row.get("failed") else ""
        print(f"| {name}{flag} | {row['seconds']:.1f} | {row['peak_mib']:.0f} |")
    print(f"| **total** | {sum(r['seconds'] for r in rows):.1f} | |")
    return 1 if any(r.get("failed") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
