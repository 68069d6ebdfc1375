"""Notebook collection for pytest (at the repository root, so it sees book/ and solutions/).

Notebooks are collected by this file, not by nbval's command-line switches, so that a
plain ``pytest`` runs everything:

* ``book/**/*.ipynb``: nbval in strict mode, every output compared with the committed one
  (sanitised by ``tests/nbval_sanitize.cfg`` for truly volatile text);
* ``solutions/**/*.ipynb``: nbval in lax mode, each cell must run without error (their
  hidden tests are assertions, so a failing solution fails here).

As nbval documents, images are left out of the comparison; stderr is too (framework
start-up logs vary from machine to machine, and the book never shows stderr).
"""

from __future__ import annotations

from pathlib import Path

from nbval.plugin import IPyNbCell, IPyNbFile

ROOT = Path(__file__).resolve().parent

_compare_outputs = IPyNbCell.compare_outputs


def _without_stderr(outputs):
    return [o for o in outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def _compare_outputs_ignoring_stderr(self, test, ref, skip_compare=None):
    return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)


IPyNbCell.compare_outputs = _compare_outputs_ignoring_stderr


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix != ".ipynb" or ".ipynb_checkpoints" in file_path.parts:
        return None
    if parent.config.option.nbval or parent.config.option.nbval_lax:
        return None  # nbval's own switches were given: let nbval collect
    relative = file_path.resolve().relative_to(ROOT)
    if relative.parts[0] not in {"book", "solutions"}:
        return None
    notebook = IPyNbFile.from_parent(parent, path=file_path)
    notebook.compare_outputs = relative.parts[0] == "book"
    return notebook


def pytest_configure(config):
    config.option.nbval_current_env = True
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")
