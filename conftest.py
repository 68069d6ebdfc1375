"""Notebook collection for pytest (at the repository root, so it sees book/).

Notebooks are collected by this file, not by nbval's command-line switches, so that a
plain ``pytest`` runs everything:

* ``book/**/*.ipynb``: nbval in strict mode, every output compared with the committed one
  (sanitised by ``tests/nbval_sanitize.cfg`` for truly volatile text), in a kernel that runs the
  way Colab runs a downloaded page: a fresh virtual environment where ``coursekit`` is installed
  from a wheel built from this repository (see :func:`colab_python`), so a page that needs a file
  the wheel does not ship, or code that is only in the working tree, fails here;
* ``solutions/**/*.ipynb`` are not collected: ``tests/test_exercises.py`` grades each one, hidden
  tests included, in the grading sandbox and requires full marks, which a cell that fails or a
  hidden test that does not pass would cost (running them a second time here would add minutes).

As nbval documents, images are left out of the comparison; stderr is too (framework
start-up logs vary from machine to machine, and the book never shows stderr).

Parallel runs (``make test`` runs ``pytest -n 2``; pyproject.toml makes ``--dist loadscope``
the default): every process computes with one thread (``COURSEKIT_THREADS=1``, set below
before anything loads a compute library, so test workers and notebook kernels inherit it;
set it yourself to override). The cells of one notebook, and the tests that share a
module-scoped fixture (the book build, a graded class), form one group that a single worker
runs in order; the slowest groups are queued first so that they do not finish last, alone.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile

os.environ.setdefault("COURSEKIT_THREADS", "1")  # noqa: E402  (before NumPy, torch or TensorFlow load)

from pathlib import Path

import pytest
from nbval.kernel import NbvalKernelspecManager, RunningKernel
from nbval.plugin import IPyNbCell, IPyNbFile

import coursekit.runtime  # noqa: F401  (exports OMP_NUM_THREADS=1 and the rest of the thread limits)

ROOT = Path(__file__).resolve().parent
COLAB_KERNEL = ":coursekit-wheel"


@functools.cache
def colab_python() -> Path:
    """The Python of a fresh virtual environment whose only ``coursekit`` is a wheel of this repository.

    Colab has the scientific stack and installs coursekit with pip; here the stack is the one this
    test run uses, put on the new environment's path by a ``.pth`` line (a plain path: that
    folder's own ``.pth`` files, among them the editable install of coursekit, are not run), and
    coursekit is built with ``pip wheel --no-deps`` from a copy of the package and installed into
    the environment with ``pip install --no-deps``. Built once per test run (a few seconds).
    """
    base = Path(tempfile.mkdtemp(prefix="coursekit-colab-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    source = base / "source"
    shutil.copytree(ROOT / "coursekit", source / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    pip = ["-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([sys.executable, *pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--wheel-dir", str(base / "dist"), str(source)], check=True, env=env, cwd=base)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=env)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, env=env, capture_output=True, text=True).stdout.strip())
    (site / "course_stack.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = (base / "dist").glob("coursekit-*.whl")
    subprocess.run([str(venv / "bin" / "python"), *pip, "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, env=env, cwd=base)
    return venv / "bin" / "python"


_kernel_spec = NbvalKernelspecManager.get_kernel_spec


def _kernel_spec_with_colab(self, kernel_name):
    if kernel_name != COLAB_KERNEL:
        return _kernel_spec(self, kernel_name)
    return self.kernel_spec_class(
        argv=[str(colab_python()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="coursekit from a wheel", language="python", env={"PYTHONPATH": ""})


NbvalKernelspecManager.get_kernel_spec = _kernel_spec_with_colab


class ColabNotebook(IPyNbFile):
    """A book page, run by nbval in the kernel of :func:`colab_python`."""

    def setup(self):
        self.kernel = RunningKernel(COLAB_KERNEL, cwd=str(self.fspath.dirname),
                                    startup_timeout=self.config.option.nbval_kernel_startup_timeout)
        self.setup_sanitize_files()


@pytest.fixture(scope="session")
def wheel_python() -> Path:
    """The Python of the Colab-like environment (for tests that check the environment itself)."""
    return colab_python()

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
    if relative.parts[0] != "book":
        return None
    notebook = ColabNotebook.from_parent(parent, path=file_path)
    notebook.compare_outputs = True
    return notebook


def pytest_configure(config):
    config.option.nbval_current_env = True
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(ROOT / "tests" / "nbval_sanitize.cfg")


SHARED_FIXTURE = re.compile(r"scope\s*=\s*[\"'](?:module|package|class)[\"']")


@functools.cache
def _shares_a_fixture(path: str) -> bool:
    """Whether the test module at ``path`` (relative to the root) defines a module-, package- or class-scoped fixture."""
    file = ROOT / path
    return file.suffix == ".py" and bool(SHARED_FIXTURE.search(file.read_text()))


def _scope(nodeid: str) -> str:
    """The unit one xdist worker runs as a whole: a notebook, a test module with a shared fixture, else one test."""
    path = nodeid.split("::")[0]
    return path if path.endswith(".ipynb") or _shares_a_fixture(path) else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With ``-n N``: xdist's load-scope scheduler, with the course's units (see :func:`_scope`).

    (xdist's own ``--dist loadgroup`` marks do not reach pytest 9's node ids, so the units are
    decided here, from the node ids alone, as xdist's scheduler sees them.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return CourseScheduling(config, log)


def _queue_rank(item: pytest.Item) -> int:
    """Slow units first: the book build and browser, other slow tests, notebooks, then the rest."""
    if item.nodeid.startswith("tests/test_book.py"):
        return 0
    if item.get_closest_marker("slow"):
        return 1
    return 2 if isinstance(item, IPyNbCell) else 3


def pytest_collection_modifyitems(config, items):
    items.sort(key=_queue_rank)  # stable: keeps the order inside a notebook and a module
