"""Execute course notebooks the way the book commits them.

    python -m coursekit.notebooks book/01_perceptron/*.ipynb          # re-run, save outputs in place
    python -m coursekit.notebooks --report solutions/01_perceptron/*.ipynb   # run, save nothing, print cost

Saving strips what a re-run cannot reproduce: stderr streams (framework start-up
logs, which the HTML book hides anyway) and per-cell timing metadata, and joins
consecutive stdout chunks into one output (how a print is split into messages
depends on timing; the text does not). ``--report``
prints one JSON line per notebook with the wall time and the peak resident memory
of its kernel (used by ``benchmarks/notebooks.py``); run one notebook per process
for a per-notebook peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove stderr streams and execution timing from every code cell and join adjacent stdout, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            outputs = []
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    continue
                if output.output_type == "stream" and outputs and outputs[-1].output_type == "stream":
                    outputs[-1].text += output.text
                else:
                    outputs.append(output)
            cell.outputs = outputs
            cell.metadata.pop("execution", None)
    return nb


def execute(path: Path, save: bool = True, timeout: int = 600) -> float:
    """Run every cell of ``path`` in a fresh ``python3`` kernel started in its folder.

    Returns:
        the wall time in seconds. Raises ``nbclient.exceptions.CellExecutionError``
        (with the failing cell's traceback) if a cell fails.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if save:
        nbformat.write(strip_volatile(nb), path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--report", action="store_true", help="save nothing; print time and kernel memory as JSON")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        seconds = execute(path, save=not args.report)
        if args.report:
            peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
            print(json.dumps({"notebook": str(path), "seconds": round(seconds, 2), "peak_mib": round(peak_mib)}))
        else:
            print(f"executed {path} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
