"""Reference modules hidden from the graded kernel (contract 3): derived per assignment, absent in the
sandbox's copy of the package, and never one the kernel itself needs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from coursekit.instructor import course, reference


def imported_by_python(*modules: str) -> set[str]:
    """The coursekit modules Python itself loads for ``modules`` (the oracle for :func:`reference.closure`)."""
    code = ("import sys, json\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'coursekit')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(course.ROOT), "PATH": "/usr/bin:/bin"})
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_closure_holds_every_module_python_loads():
    for modules in [reference.KERNEL_NEEDS, ("coursekit.data", "coursekit.grading"), ("coursekit.torch.training",)]:
        assert imported_by_python(*modules) <= reference.closure(set(modules)), modules


def test_02_mlp_hides_the_answers_of_its_tasks():
    analysis = reference.analyse(sorted((course.ROOT / "solutions" / "02_mlp").glob("*.ipynb")))
    assert {"coursekit.scratch.mlp", "coursekit.torch.mlp"} <= analysis["reference"]
    assert not analysis["reference"] & analysis["needed"]
    assert "coursekit.grading" in analysis["needed"]  # the instructor cells import it: the kernel keeps it


def test_settings_choose_the_modules(tmp_path):
    assert reference.reference_modules(tmp_path, {"reference_modules": ["coursekit.scratch.conv"]}) == [
        "coursekit.scratch.conv"]


def test_hidden_modules_are_stubs_with_a_clear_message(tmp_path):
    package = reference.hidden_package(["coursekit.scratch.mlp"], tmp_path)
    assert "def " not in (package / "scratch" / "mlp.py").read_text()
    assert (package / "scratch" / "perceptron.py").read_text() == (
        reference.PACKAGE / "scratch" / "perceptron.py").read_text()
    assert not list(package.rglob("__pycache__"))
    done = subprocess.run([sys.executable, "-c", "from coursekit.scratch.mlp import n_parameters"], cwd=tmp_path,
                          capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert "ModuleNotFoundError: coursekit.scratch.mlp holds the reference answer of this assignment" in done.stderr


def test_report_the_assignments_where_an_answer_module_stays():
    kept = {a: sorted(reference.analyse(sorted((course.ROOT / "solutions" / a).glob("*.ipynb")))["kept"])
            for a in course.assignments()}
    print({a: k for a, k in kept.items() if k})  # for the report: an instructor cell needs these
    for assignment, modules in kept.items():
        assert all(m.startswith("coursekit.") for m in modules), assignment
