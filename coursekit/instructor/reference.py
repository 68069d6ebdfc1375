"""The reference modules of an assignment, hidden from the student's kernel while it is graded.

A test cell checks an answer against ``coursekit`` (``from coursekit.scratch.mlp import n_parameters``):
that module is the assignment's *reference*. Left in the kernel, the answer could be
``from coursekit.scratch.mlp import n_parameters``. So the grader derives, per assignment,

    reference = (coursekit modules the test cells import)
                - (coursekit modules the kernel needs: what the instructor cells and the grader's
                   agent import, with everything those import in turn)

or reads ``reference_modules`` from the assignment's ``grading.toml``, and gives the kernel a copy of
the package in which each reference module is a stub that raises :class:`ModuleNotFoundError` with a
clear message (:func:`hidden_package`). The real files are not in the sandbox, so no import hook or
``importlib`` trick reaches them; the trusted test process keeps the whole library.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nbformat

PACKAGE = Path(__file__).resolve().parents[1]  #: the coursekit package
KERNEL_NEEDS = ("coursekit", "coursekit.instructor.agent")  #: imported in every graded kernel
STUB = '''"""Hidden while this assignment is graded (coursekit.instructor.reference)."""
raise ModuleNotFoundError(
    "{name} holds the reference answer of this assignment: it is not available while your notebook "
    "is graded. Write the code yourself (the book explains how).", name="{name}")
'''


def module_file(name: str, package: Path = PACKAGE) -> Path | None:
    """The file of the ``coursekit`` module ``name`` (a package's ``__init__.py``), or ``None``."""
    parts = name.split(".")
    if parts[0] != "coursekit":
        return None
    base = package.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def python(source: str) -> str:
    """A cell's source as Python: each IPython magic or shell line (``%pip ...``, ``!ls``) becomes ``pass``."""
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                     else line for line in source.splitlines())


def _imports(source: str, package: str | None = None, package_dir: Path = PACKAGE) -> set[str]:
    """The ``coursekit`` modules that ``source`` imports anywhere (``from a import b`` counts ``a.b`` when
    that is a module); ``package`` resolves relative imports."""
    try:
        tree = ast.parse(python(source))
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and package:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    modules = set()
    for name in found:
        if name.split(".")[0] == "coursekit" and module_file(name, package_dir):
            parts = name.split(".")
            modules.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))  # and its parent packages
    return modules


def closure(modules: set[str], package_dir: Path = PACKAGE) -> set[str]:
    """``modules`` and every ``coursekit`` module they import, directly or not."""
    done, todo = set(), sorted({".".join(m.split(".")[:i]) for m in modules for i in range(1, m.count(".") + 2)})
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        path = module_file(name, package_dir)
        if path is None:
            continue
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += sorted(_imports(path.read_text(encoding="utf-8"), package, package_dir) - done)
    return done


def _cells(notebooks: list[Path]):
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                meta = cell.metadata.get("nbgrader", {})
                yield ("solution" if meta.get("solution") else "test" if meta.get("grade") else "instructor"), cell


def analyse(notebooks: list[Path]) -> dict[str, set[str]]:
    """``tests``: the coursekit modules the test cells import; ``needed``: what the kernel needs;
    ``reference``: the tests' modules that can be hidden; ``kept``: those that cannot (the kernel needs them)."""
    tests, instructor = set(), set()
    for kind, cell in _cells(notebooks):
        if kind == "test":
            tests |= _imports(cell.source)
        elif kind == "instructor":
            instructor |= _imports(cell.source)
    needed = closure(instructor | set(KERNEL_NEEDS))
    leaves = {m for m in tests if module_file(m) and module_file(m).name != "__init__.py"}  # modules, not packages
    return {"tests": tests, "needed": needed, "reference": leaves - needed, "kept": leaves & needed}


def reference_modules(assignment_dir: Path, settings: dict) -> list[str]:
    """The modules hidden while ``assignment_dir`` (``solutions/<assignment>``) is graded."""
    if "reference_modules" in settings:
        return sorted(settings["reference_modules"])
    return sorted(analyse(sorted(assignment_dir.glob("*.ipynb")))["reference"])


def hidden_package(modules: list[str], target: Path, package: Path = PACKAGE) -> Path:
    """A copy of the package at ``target/coursekit`` in which each of ``modules`` is a stub; returns it."""
    copy = target / "coursekit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in modules:
        path = module_file(name, copy)
        if path is None:
            continue
        if path.name == "__init__.py":
            shutil.rmtree(path.parent)
            path.parent.mkdir()
        path.write_text(STUB.format(name=name), encoding="utf-8")
    return copy
