"""`coursekit grade` against a hostile class: every threat is one student, graded in one parallel run.

Each student's expected score and status is exact. The first class uses the perceptron exercise, whose
tasks are worth 3 (perceptron_update), 3 (train_perceptron, which builds on perceptron_update),
2 (torch_sgd_step) and 2 (keras_logistic_unit) automatic points, and a written question (``written_xor``,
2 points, graded by hand: 0 here) makes the maximum 12. A student who tries to read secrets or reach the
network answers the first task only if the attempt succeeds, and the others correctly: 4 points
prove the attempt failed. The second class (a NumPy-only copy of the first two tasks plus ``dot``, so
that it grades quickly) holds every attack on the two-process grader (each with a wrong answer: it must
earn exactly the other tasks' points) and every honest layout (full marks).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import psutil
import pytest

from coursekit.instructor import agent, cli, course, grader, sandbox, trusted
from coursekit.instructor.sandbox import Limits

from submissions import MINI, mini_course, solution_answers, write_submission

ASSIGNMENT = "01_perceptron"
ANSWERS = solution_answers(ASSIGNMENT)
UPDATE, TRAIN, TORCH, KERAS = "perceptron_update", "train_perceptron", "torch_sgd_step", "keras_logistic_unit"
LIMITS = Limits(cell_seconds=60, notebook_seconds=300, memory_mb=3000, output_kb=1024)
MARKER = "coursekit-test-escape-marker"


def answers(*solved: str, **replaced: str) -> dict[str, str]:
    """The instructor's answers for ``solved`` tasks, plus ``replaced`` ones written here."""
    chosen = {task: ANSWERS[task] for task in solved}
    chosen.update(replaced)
    return chosen


def before(task: str, code: str) -> str:
    """The correct answer of ``task`` with ``code`` run first."""
    return code + "\n" + ANSWERS[task]


ALL = (UPDATE, TRAIN, TORCH, KERAS)
LEAK_CHECK = """
import glob, os
leaked = [p for p in [{solutions!r}, {config!r}] + glob.glob("/tmp/*/gradebook.db") + glob.glob("/tmp/*/*/gradebook.db")
          + glob.glob("/tmp/*/source/*/*.ipynb") + glob.glob("/tmp/*/submitted/*/*/*.ipynb") if os.path.exists(p)]
if not leaked:
    raise RuntimeError("nothing to read")
"""
PATCH_IPYTHON = """
import ast
class DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(DropAsserts())
get_ipython().showtraceback = lambda *args, **kwargs: None
def perceptron_update(w, b, x, y, lr=1.0):
    return w, b
"""
ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other): return True
    def __bool__(self): return True
    def __float__(self): return 0.0
def perceptron_update(w, b, x, y, lr=1.0):
    return Anything(), Anything()
"""
NDARRAY_SUBCLASS = """
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)
    def __sub__(self, other): return np.zeros(np.shape(other))
    def __rsub__(self, other): return np.zeros(np.shape(other))
def perceptron_update(w, b, x, y, lr=1.0):
    return np.zeros(len(w)).view(Liar), np.zeros(()).view(Liar)
"""
PATCH_GRADING = """
import coursekit.grading as grading
grading.assert_close = grading.assert_equal = lambda *args, **kwargs: None
assert_close = assert_equal = grading.assert_close
def perceptron_update(w, b, x, y, lr=1.0):
    return w, b
"""

WRONG = "def perceptron_update(w, b, x, y, lr=1.0):\n    return w, b\n"
WRONG_TORCH = "def torch_sgd_step(model, X, y, lr=0.1):\n    return 0.0\n"
HIDDEN_MARKER = "default_rng(2024)"  # a line of the hidden tests of perceptron_update

# Attacks on the comparison machinery, the IPython/kernel machinery and the test's names. Each one
# comes with a wrong answer: under the two-process grader it must earn exactly the other tasks' points.
ATTACKS = {
    "patch_restore_in_call": """
import sys, math, numpy.testing, coursekit.grading as grading
_saved = (grading.assert_close, grading.assert_equal, numpy.testing.assert_allclose, math.isclose)
def perceptron_update(w, b, x, y, lr=1.0):
    grading.assert_close = grading.assert_equal = lambda *a, **k: None
    numpy.testing.assert_allclose = lambda *a, **k: None
    math.isclose = lambda *a, **k: True
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("assert_close", "assert_equal"):
            frame.f_globals[name] = lambda *a, **k: None
        frame = frame.f_back
    return w, b
def _restore(*args):
    grading.assert_close, grading.assert_equal, numpy.testing.assert_allclose, math.isclose = _saved
get_ipython().events.register("pre_run_cell", _restore)
""",
    "event_hooks": """
import coursekit.grading as grading
def _patch(*args):
    grading.assert_close = grading.assert_equal = lambda *a, **k: None
    globals()["assert_close"] = globals()["assert_equal"] = grading.assert_close
get_ipython().events.register("pre_run_cell", _patch)
get_ipython().events.register("post_run_cell", _patch)
get_ipython().events.register("pre_execute", _patch)
""" + WRONG,
    "forged_provenance_compile": """
import numpy.testing, coursekit.grading as grading
_ns = {}
exec(compile("def assert_close(*args, **kwargs):\\n    return None\\n", numpy.testing.__file__, "exec"), _ns)
grading.assert_close = grading.assert_equal = numpy.testing.assert_allclose = _ns["assert_close"]
assert_close = assert_equal = _ns["assert_close"]
""" + WRONG,
    "forged_provenance_replace": """
import types, numpy.testing, coursekit.grading as grading
_code = (lambda *a, **k: None).__code__.replace(co_filename=grading.__file__, co_name="assert_close")
_fake = types.FunctionType(_code, {})
grading.assert_close = grading.assert_equal = _fake
assert_close = assert_equal = _fake
""" + WRONG,
    "callable_without_code": """
import coursekit.grading as grading
class _Accept:
    def __call__(self, *args, **kwargs):
        return None
grading.assert_close = grading.assert_equal = assert_close = assert_equal = _Accept()
""" + WRONG,
    "frame_reads_reference": """
import sys
def perceptron_update(w, b, x, y, lr=1.0):
    frame = sys._getframe()
    while frame is not None:
        for scope in (frame.f_locals, frame.f_globals):
            reference = scope.get("reference")
            if reference is not None and hasattr(reference, "w"):
                return reference.w, reference.b
        frame = frame.f_back
    return w, b
""",
    "frame_reads_test_source": """
import gc, sys
def perceptron_update(w, b, x, y, lr=1.0):
    frame, found = sys._getframe(), []
    while frame is not None:
        found += [v for v in frame.f_locals.values() if isinstance(v, str) and "assert_close" in v]
        frame = frame.f_back
    found += [o for o in gc.get_objects() if isinstance(o, str) and "HIDDEN" in o]
    shell = get_ipython()
    found += [c for c in shell.user_ns.get("In", []) if "assert_close" in c]
    print("\\n".join(found))
    return w, b
""",
    "token_forgery": """
import secrets
def perceptron_update(w, b, x, y, lr=1.0):
    print(secrets.token_hex(8))
    print('{"op": "done", "ok": true}')
    print("test passed: 3.0 / 3.0")
    return w, b
""",
    "custom_exc_swallows_errors": """
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
""" + WRONG,
    "forged_showtraceback": """
get_ipython().showtraceback = lambda *a, **k: None
get_ipython()._showtraceback = lambda *a, **k: None
""" + WRONG,
    "forged_session_send": """
_kernel = get_ipython().kernel
_send = _kernel.session.send
def _forged(stream, msg_or_type, content=None, *args, **kwargs):
    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get("header", {}).get("msg_type")
    if kind == "error":
        return None
    if kind == "execute_reply" and isinstance(content, dict) and content.get("status") == "error":
        content = {"status": "ok", "execution_count": content.get("execution_count"), "payload": [],
                   "user_expressions": {}}
    return _send(stream, msg_or_type, content, *args, **kwargs)
_kernel.session.send = _forged
""" + WRONG,
    "shadows_names": """
assert_close = assert_equal = assert_shape = lambda *a, **k: None
class _Anything:
    def __getattr__(self, name): return lambda *a, **k: None
data = _Anything()
""" + WRONG,
    "shadows_builtins": """
import builtins
class _Never(Exception):
    pass
builtins.AssertionError = _Never
builtins.RuntimeError = _Never
""" + WRONG,
    "swaps_reference_module": """
import sys, types
import numpy as np
_fake = types.ModuleType("coursekit.scratch.perceptron")
class Perceptron:
    def __init__(self, d, lr=1.0):
        self.w, self.b = np.zeros(d), 0.0
    def update(self, x, y):
        pass
_fake.Perceptron = Perceptron
sys.modules["coursekit.scratch.perceptron"] = _fake
import coursekit.scratch
coursekit.scratch.perceptron = _fake
def perceptron_update(w, b, x, y, lr=1.0):
    if lr in (1.0, 0.5):  # the visible test's cases, done right
        y_hat = 1 if x @ w + b >= 0 else 0
        return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)
    return w, b
""",
    "swaps_grading_module": """
import sys, types
_fake = types.ModuleType("coursekit.grading")
_fake.assert_close = _fake.assert_equal = _fake.assert_shape = lambda *a, **k: None
sys.modules["coursekit.grading"] = sys.modules["numpy.testing"] = _fake
""" + WRONG,
    "looks_for_test_process": """
import glob
found = [p for p in glob.glob("/proc/*/cmdline") if b"trusted" in open(p, "rb").read()]
if not found:
    raise RuntimeError("no test process to read")
""" + WRONG,
    "raises_system_exit": "def perceptron_update(w, b, x, y, lr=1.0):\n    raise SystemExit(0)\n",
}
# Attacks that change the kernel for every later request: they live in the last task's cell.
KERNEL_ATTACKS = {
    "input_cleanup_transformer": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n",
    "ast_transformer": """
import ast
class _Pass(ast.NodeTransformer):
    def visit_Call(self, node):
        return ast.Constant(None)
get_ipython().ast_transformers.append(_Pass())
""",
    "replaced_do_execute": """
_kernel = get_ipython().kernel
async def _do_execute(*args, **kwargs):
    return {"status": "ok", "execution_count": 1, "payload": [], "user_expressions": {}}
_kernel.do_execute = _do_execute
""",
    "forged_agent_replies": """
import base64, io, json, numpy as np
import coursekit.instructor.agent as agent
from IPython.display import publish_display_data
_buffer = io.BytesIO()
np.save(_buffer, np.array([object()], dtype=object), allow_pickle=True)
_forged = [{"value": {"$a": base64.b64encode(_buffer.getvalue()).decode()}},
           {"value": {"$module": {"class": "Module", "attributes": {"$d": [["forward", 1]]}}}},
           {"value": {"$h": 0}}, {"value": {"$torch": "AAAA", "jacobians": [[7, "AAAA"]], "node": "X"}},
           {"value": {"$kopt": {"class": "SGD", "config": {"$d": [["learning_rate", {"$d": []}]]}}}}]
_count = [0]
def _serve(request):
    _count[0] += 1
    publish_display_data({"application/vnd.coursekit.reply": json.dumps(_forged[_count[0] % len(_forged)])})
agent.serve = _serve
""",
}
HTML_ATTACK = """
from IPython.display import HTML, Javascript, display
print("<script>alert('forged')</script>")
display(HTML("<b>10.0 / 10.0</b><script>alert('forged')</script><style>.score{display:none}</style>"))
display(Javascript("alert('forged')"))
"""
FILL_TMPFS = """
for i in range(40):  # files under the size limit of one file, in /dev (a tmpfs of bubblewrap's)
    with open(f"/dev/hog{i}", "wb") as hog:
        for _ in range(3):
            hog.write(b"x" * 64 * 2**20)
"""
FILL_RUNTIME = """
import os
from ipykernel import get_connection_file
runtime = os.path.dirname(get_connection_file())  # the folder of the IPC sockets, shared with the grader
depth, written, spec_written = 0, 0, False
try:
    folder = runtime
    for _ in range(1100):
        folder = os.path.join(folder, "d")
        os.mkdir(folder)
        depth += 1
except OSError:
    pass
try:
    with open(os.path.join(runtime, "hog"), "wb") as hog:
        for _ in range(16):
            hog.write(b"x" * 2**26)
            written += 2**26
except OSError:
    pass
try:  # the kernelspec the grader starts kernels from lies next to the runtime folder on the host
    with open(os.path.join(os.path.dirname(runtime), "kernels", "coursekit-sandbox", "kernel.json"), "w") as spec:
        spec.write("{}")
    spec_written = True
except OSError:
    pass
print(f"RUNTIME_PROBE depth={depth} written={written} spec_written={spec_written}")
"""
MANY_THREADS = """
import threading, time
threads = [threading.Thread(target=time.sleep, args=(1,), daemon=True) for _ in range(2000)]
for t in threads:
    t.start()
"""
HONEST_HELPERS = """
def assert_close(a, b):  # the student's own helper, with the course's name
    assert abs(a - b) < 1e-9
def check(x):
    return x
reference = None
"""


def tamper(nb) -> None:
    """Delete one test, neuter another and raise its points, and duplicate a solution cell wrongly."""
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_train_perceptron":
            continue
        if meta.get("grade_id") == "test_perceptron_update":
            cell.source, meta["points"] = "pass", 100
        if meta.get("grade_id") == UPDATE:  # before the answer: nbgrader grades the last copy
            duplicate = nbformat.from_dict(copy.deepcopy(cell))
            duplicate.source = "def perceptron_update(w, b, x, y, lr=1.0):\n    return w, b"
            cells.append(duplicate)
        cells.append(cell)
    nb.cells = cells


def student_table(root: Path, port: int) -> dict[str, tuple[dict, float, str]]:
    """student -> (answers, expected score, expected status)."""
    leak = LEAK_CHECK.format(solutions=str(root / "solutions" / ASSIGNMENT / "perceptron.ipynb"),
                             config=str(root / "nbgrader_config.py"))
    escape = (f"import subprocess, os\nsubprocess.Popen(['sleep', '1234'])\n"
              f"open('/tmp/{MARKER}', 'w').write('x')\nopen('{MARKER}', 'w').write('x')\n"
              f"try:\n    open({str(root / 'coursekit' / MARKER)!r}, 'w').write('x')\nexcept OSError:\n    pass\n"
              f"if os.fork() == 0:\n    import time; time.sleep(1234)\n")
    network = (f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n")
    return {
        "full": (answers(*ALL), 10, "ok"),
        "full_again": (answers(*ALL), 10, "ok"),  # the same submission twice: the same grade
        "blank": (answers(), 0, "ok"),
        "partial_update_torch": (answers(UPDATE, TORCH), 5, "ok"),
        "partial_update_train": (answers(UPDATE, TRAIN), 6, "ok"),
        "partial_keras": (answers(KERAS), 2, "ok"),
        "partial_three": (answers(UPDATE, TRAIN, KERAS), 8, "ok"),
        "warns_on_stderr": ({t: before(t, "import sys, warnings\nwarnings.warn('careful')\nprint('note', file=sys.stderr)")
                             for t in ALL}, 10, "ok"),
        "always_equal": (answers(**{UPDATE: ALWAYS_EQUAL}), 0, "ok"),
        "ndarray_subclass": (answers(**{UPDATE: NDARRAY_SUBCLASS}), 0, "ok"),
        "reads_secrets": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, leak)}), 4, "ok"),
        "uses_network": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, network)}), 4, "ok"),
        "escapes_and_spawns": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(UPDATE, escape)}), 10, "ok"),
        "patches_numpy_testing": (answers(TRAIN, TORCH, KERAS, **{UPDATE: before(
            UPDATE, "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None") + "\n" + WRONG}), 4, "ok"),
        "patches_isclose": (answers(TRAIN, TORCH, KERAS, **{UPDATE: "import math\nmath.isclose = lambda *a, **k: True\n"
                                                         + WRONG}), 4, "ok"),
        "patches_grading": (answers(**{UPDATE: PATCH_GRADING}), 0, "ok"),
        "patches_torch_testing": (answers(UPDATE, TRAIN, KERAS, **{TORCH: "torch.testing.assert_close = lambda *a, **k: None\n"
                                                               + WRONG_TORCH}), 8, "ok"),
        "patches_ipython": (answers(**{UPDATE: PATCH_IPYTHON}), 0, "ok"),
        "edits_tests": (answers(UPDATE, TRAIN), 6, "tampered"),
        "hangs": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(TORCH, "while True:\n    pass")}), 8, "timeout"),
        "hangs_ignoring_interrupts": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass")}), 6, "timeout"),
        "exits": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(TORCH, "import os\nos._exit(1)")}), 6, "kernel_died"),
        "kills_itself": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")}), 6, "kernel_died"),
        "eats_memory": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "import numpy as np\nhog = [np.ones(10**8) for _ in range(40)]")}), 6, "kernel_died"),
        "returns_tensor_subclass": (answers(UPDATE, TRAIN, KERAS, **{TORCH: """
class _Liar(torch.Tensor):
    def __eq__(self, other): return True
def torch_sgd_step(model, X, y, lr=0.1):
    return torch.zeros(()).as_subclass(_Liar)
"""}), 8, "ok"),
        "floods_output": (answers(UPDATE, TRAIN, KERAS, **{TORCH: before(
            TORCH, "for _ in range(200):\n    print('x' * 100_000)")}), 6, "output_limit"),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole class once, in parallel, with a TCP server listening on the host's loopback."""
    tmp = tmp_path_factory.mktemp("grader")
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=lambda: [server.accept() for _ in range(10)], daemon=True).start()
    table = student_table(course.ROOT, server.getsockname()[1])
    klass = tmp / "class"
    for student, (chosen, _, _) in table.items():
        write_submission(ASSIGNMENT, klass / student, chosen, edit=tamper if student == "edits_tests" else None)
    renamed = write_submission(ASSIGNMENT, klass / "renamed_notebook", answers(*ALL)) / "perceptron.ipynb"
    renamed.rename(renamed.with_name("my work.ipynb"))
    (klass / "corrupt").mkdir()
    (klass / "corrupt" / "perceptron.ipynb").write_text('{"cells": [ oops')
    (klass / "binary_file").mkdir()
    (klass / "binary_file" / "perceptron.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (klass / "other_assignment").mkdir()
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "grade": False, "grade_id": "some_other_task", "locked": False, "schema_version": 3, "solution": True}})])
    nbformat.write(other, klass / "other_assignment" / "perceptron.ipynb")
    (klass / "empty_folder").mkdir()
    (klass / "only_text").mkdir()
    (klass / "only_text" / "notes.txt").write_text("I could not do it")
    expected = {s: (score, status) for s, (_, score, status) in table.items()} | {
        "renamed_notebook": (10, "ok"), "corrupt": (0, "invalid"), "binary_file": (0, "invalid"),
        "other_assignment": (0, "invalid"), "empty_folder": (0, "missing"), "only_text": (0, "missing")}
    assert len(expected) >= 30
    out = tmp / "out"
    results = grader.grade(ASSIGNMENT, klass, out, workers=2, limits=LIMITS)
    server.close()
    return {r.student_id: r for r in results}, expected, out


STUDENTS = sorted(student_table(course.ROOT, 0)) + ["renamed_notebook", "corrupt", "binary_file", "other_assignment",
                                                     "empty_folder", "only_text"]


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_its_exact_grade(graded, student):
    results, expected, _ = graded
    result = results[student]
    assert (result.score, result.status) == expected[student], result.detail
    assert result.max_score == 12  # 10 automatic points and the 2-point written question


@pytest.mark.slow
def test_grades_and_tasks_csv(graded):
    results, expected, out = graded
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student_id", "assignment", "score", "max_score", "status", "folder", "flags"]
    assert {r["student_id"]: (float(r["score"]), r["status"]) for r in rows} == expected
    with open(out / "tasks.csv") as f:
        tasks = [r for r in csv.DictReader(f) if r["student_id"] == "partial_update_torch"]
    assert {r["task"]: float(r["score"]) for r in tasks} == {
        "test_perceptron_update": 3, "test_train_perceptron": 0, "test_torch_sgd_step": 2, "test_keras_logistic_unit": 0,
        "written_xor": 0}  # the written question is graded by hand, later: 0 until then


@pytest.mark.slow
def test_feedback_and_graded_notebooks_for_every_graded_student(graded):
    results, _, out = graded
    for student, result in results.items():
        feedback = list((out / "feedback" / student).glob("*.html"))
        if result.status in {"missing", "invalid"}:
            assert feedback == []
        else:
            assert len(feedback) == 1, student
            assert list((out / "autograded" / student).glob("*.ipynb")), student
    page = (out / "feedback" / "partial_update_torch" / "perceptron.html").read_text()
    assert "5.0 / 12.0" in page or "5 / 12" in page


@pytest.mark.slow
def test_nothing_escapes_the_sandbox(graded):
    assert not [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [])[:2] == ["sleep", "1234"]]
    assert not Path("/tmp", MARKER).exists()
    assert not (course.ROOT / "coursekit" / MARKER).exists()
    assert not list(course.ROOT.glob(f"**/{MARKER}"))
    assert not [p for p in psutil.process_iter(["cmdline"])
                if "coursekit.instructor.trusted" in (p.info["cmdline"] or []) and started_by_this_worker(p)]


def started_by_this_worker(process: psutil.Process) -> bool:
    """Whether ``process`` inherited this test process's environment (under ``pytest -n``, another worker may be
    grading a class at the same time: its trusted processes are alive and not ours)."""
    try:
        return process.environ().get("PYTEST_XDIST_WORKER") == os.environ.get("PYTEST_XDIST_WORKER")
    except psutil.Error:
        return False


def test_clear_errors_for_bad_class_input(tmp_path, capsys):
    assert cli.main(["grade", "no_such_assignment", str(tmp_path)]) == 2
    assert "unknown assignment 'no_such_assignment'" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, str(tmp_path)]) == 2
    assert "holds no student folders" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, str(tmp_path / "nope.zip")]) == 2
    assert "neither a folder nor a .zip" in capsys.readouterr().err


# ----------------------------------------------------------------------------- a quick class of attacks and layouts
# The same kind of class on a NumPy-only assignment (mini_course: perceptron_update 3, train_perceptron 3, dot 2
# points), so that many students grade quickly: every attack on the machinery, and every honest layout.

DOT = "dot"


def mini_table(root: Path) -> dict[str, tuple[dict, float, str]]:
    solved = solution_answers(MINI, root)
    table = {
        "full": (dict(solved), 8, "ok"),
        **{name: ({TRAIN: solved[TRAIN], DOT: solved[DOT], UPDATE: code}, 5 if name == "swaps_reference_module" else 2,
                  "ok") for name, code in ATTACKS.items()},  # that one solves the visible cases: train works
        **{name: ({UPDATE: solved[UPDATE], TRAIN: solved[TRAIN], DOT: solved[DOT] + "\n" + code}, 6, "ok")
           for name, code in KERNEL_ATTACKS.items()},
        "html_in_outputs": ({**solved, UPDATE: HTML_ATTACK + "\n" + solved[UPDATE]}, 8, "ok"),
        # walls: tmpfs pages count as memory (the group's cap stops it), threads count as processes
        "fills_dev_tmpfs": ({UPDATE: solved[UPDATE], TRAIN: solved[TRAIN], DOT: FILL_TMPFS + solved[DOT]}, 6,
                            "kernel_died"),
        # the runtime folder is a tiny tmpfs of its own: the kernel cannot fill the host's disk through it
        "fills_runtime_folder": ({UPDATE: solved[UPDATE], TRAIN: solved[TRAIN], DOT: FILL_RUNTIME + solved[DOT]}, 8,
                                 "ok"),
        "many_threads": ({UPDATE: solved[UPDATE], TRAIN: solved[TRAIN], DOT: MANY_THREADS + solved[DOT]}, 6, "ok"),
        "own_helpers": ({**solved, UPDATE: HONEST_HELPERS + "\n" + solved[UPDATE]}, 8, "ok"),
    }
    return table


def drop_metadata(keep_id: bool):
    def edit(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == UPDATE:
                del cell.metadata["nbgrader"]
                if not keep_id:
                    cell.id = "changed-by-the-student"
    return edit


HONEST_LAYOUTS = {  # folder (or file) name in the class folder -> the student id grades.csv shows
    "김민지": "김민지",
    "José Núñez": "José Núñez",
    "Kim Minji_12345_assignsubmission_file_": "Kim Minji_12345_assignsubmission_file_",
    "trailing_newline\n": "trailing_newline\n",
}


@pytest.fixture(scope="module")
def mini_graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mini")
    root = mini_course(tmp / "course")
    solved = solution_answers(MINI, root)
    table = mini_table(root)
    klass = tmp / "class"
    for student, (chosen, _, _) in table.items():
        write_submission(MINI, klass / student, chosen, root=root)
    expected = {s: (score, status) for s, (_, score, status) in table.items()}
    for folder, student in HONEST_LAYOUTS.items():
        write_submission(MINI, klass / folder, solved, root=root)
        expected[student] = (8, "ok")
    # nbgrader's own layout inside a student's folder, and flat files as Canvas and Moodle export them
    write_submission(MINI, klass / "nbgrader_layout" / MINI, solved, root=root)
    flat = write_submission(MINI, tmp / "flat", solved, root=root) / "perceptron.ipynb"
    shutil.copy(flat, klass / "kimminji_12345_67890_perceptron.ipynb")
    shutil.copy(flat, klass / "Lee Junho_777_assignsubmission_file_perceptron.ipynb")
    write_submission(MINI, klass / "drift_cell_id", solved, edit=drop_metadata(keep_id=True), root=root)
    write_submission(MINI, klass / "drift_position", solved, edit=drop_metadata(keep_id=False), root=root)
    expected.update({"nbgrader_layout": (8, "ok"), "kimminji_12345": (8, "ok"), "Lee Junho_777": (8, "ok"),
                     "drift_cell_id": (8, "ok"), "drift_position": (8, "ok")})
    # links and special files are never followed or read
    (klass / "symlink_inside").mkdir()
    (klass / "symlink_inside" / "perceptron.ipynb").symlink_to(flat)
    (klass / "symlink_to_dev_zero").mkdir()
    (klass / "symlink_to_dev_zero" / "perceptron.ipynb").symlink_to("/dev/zero")
    (klass / "fifo").mkdir()
    os.mkfifo(klass / "fifo" / "perceptron.ipynb")
    (klass / "linked_folder").symlink_to(flat.parent)
    expected.update({s: (0, "invalid") for s in ("symlink_inside", "symlink_to_dev_zero", "fifo", "linked_folder")})
    out = tmp / "out"
    # this class's kernel folders (and their runtime tmpfs) live under a temporary root of its own, so that the
    # test below checks this grading's mounts only (another pytest worker may be grading at the same time); short,
    # as IPC socket paths must stay under 108 bytes. The grader's workers are forked: they inherit tempfile.tempdir.
    kernels = Path(tempfile.mkdtemp(prefix="ckmini"))
    saved, tempfile.tempdir = tempfile.tempdir, str(kernels)
    try:
        results = grader.grade(MINI, klass, out, workers=2, limits=LIMITS, root=root)
    finally:
        tempfile.tempdir = saved
    yield {r.student_id: r for r in results}, expected, out, kernels
    shutil.rmtree(kernels, ignore_errors=True)


@pytest.mark.slow
def test_mini_class_every_student_gets_exactly_what_they_solved(mini_graded):
    results, expected, _, _ = mini_graded
    assert len(expected) >= 35
    got = {s: (r.score, r.status) for s, r in results.items()}
    wrong = {s: (got.get(s), want, results[s].detail[:300] if s in results else "") for s, want in expected.items()
             if got.get(s) != want}
    assert not wrong
    assert set(got) == set(expected)


@pytest.mark.slow
def test_the_runtime_folder_holds_only_a_little_and_nothing_stays(mini_graded):
    _, _, out, kernels = mini_graded
    notebook = nbformat.read(next((out / "autograded" / "fills_runtime_folder").glob("*.ipynb")), as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    probe = dict(item.split("=") for item in re.search(r"RUNTIME_PROBE (.*)", printed).group(1).split())
    assert int(probe["depth"]) < sandbox.RUNTIME_FILES and int(probe["written"]) <= sandbox.RUNTIME_MB * 2**20
    assert probe["spec_written"] == "False"
    mounted = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    assert not [m for m in mounted if m.startswith(str(kernels))], "a kernel's runtime tmpfs is still mounted"


def test_mini_grades_csv_keeps_ids_and_folders_are_safe(mini_graded):
    results, expected, out, _ = mini_graded
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(expected)
    for student in HONEST_LAYOUTS.values():
        folder = rows[student]["folder"]
        assert "\n" not in folder and " " not in folder and "/" not in folder
        assert list((out / "feedback" / folder).glob("*.html")), student
    assert rows["김민지"]["folder"].startswith("김민지")


@pytest.mark.slow
def test_feedback_hides_hidden_tests_and_student_html(mini_graded):
    results, _, out, _ = mini_graded
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (out / "feedback").glob("*/*.html")}
    assert len(pages) > 30
    for folder, page in pages.items():
        assert "BEGIN HIDDEN TESTS" not in page and HIDDEN_MARKER not in page, folder
        assert not re.search(r"<script[^>]*>[^<]*alert\(", page), folder  # the student's code shows it as text only
        assert "<style>.score" not in page, folder
    assert "hidden tests: not shown" in pages["full"]
    assert "&lt;script&gt;alert(" in pages["html_in_outputs"]  # shown as text
    assert HIDDEN_MARKER in (out / "autograded" / "full" / "perceptron.ipynb").read_text()  # the instructor's copy


@pytest.mark.slow
def test_shards_merged_equal_one_run(tmp_path, capsys):
    root = mini_course(tmp_path / "course")
    solved = solution_answers(MINI, root)
    klass = tmp_path / "class"
    for student, keep in [("ana", {UPDATE, TRAIN, DOT}), ("bo", {DOT}), ("김민지", {UPDATE}), ("dee", set())]:
        write_submission(MINI, klass / student, {k: v for k, v in solved.items() if k in keep}, root=root)
    grader.grade(MINI, klass, tmp_path / "whole", workers=2, limits=LIMITS, root=root)
    for k in (1, 2):
        grader.grade(MINI, klass, tmp_path / f"shard{k}", workers=2, limits=LIMITS, root=root, shard=(k, 2))
    assert {grader.shard_of(s, 2) for s in ("ana", "bo", "김민지", "dee")} == {1, 2}  # both shares hold someone
    assert cli.main(["merge", str(tmp_path / "merged"), str(tmp_path / "shard1"), str(tmp_path / "shard2")]) == 0

    def table(folder, name):
        with open(tmp_path / folder / name, newline="", encoding="utf-8") as f:
            return sorted(map(tuple, csv.reader(f)))

    for name in ("grades.csv", "tasks.csv"):
        assert table("merged", name) == table("whole", name)
    feedback = sorted(p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole" / "feedback").rglob("*.html"))
    assert feedback and feedback == sorted(p.relative_to(tmp_path / "merged")
                                           for p in (tmp_path / "merged" / "feedback").rglob("*.html"))


def test_settings_file_limits_and_flags(tmp_path):
    root = mini_course(tmp_path / "course")
    (root / "solutions" / MINI / "grading.toml").write_text(
        'workers = 1\nforbidden_imports = ["coursekit.scratch.perceptron"]\n[limits]\ncell_seconds = 33\n')
    assert course.settings(MINI, root)["limits"] == {"cell_seconds": 33}
    assert "grading.toml" not in [p.name for p in course.generate(MINI, tmp_path / "release", root).iterdir()]
    (root / "solutions" / MINI / "grading.toml").write_text("wrokers = 1\n")
    with pytest.raises(course.CourseError, match="unknown settings wrokers"):
        course.settings(MINI, root)
    from coursekit.instructor.flags import flags

    assert flags([ATTACKS["patch_restore_in_call"]]) == ["frames", "get_ipython"]
    assert flags([ATTACKS["swaps_reference_module"]], ["coursekit.scratch.perceptron"]) == [
        "names a forbidden module", "sys.modules"]
    assert flags(["from coursekit.scratch.perceptron import Perceptron"], ["coursekit.scratch.perceptron"]) == [
        "imports coursekit.scratch.perceptron", "imports coursekit.scratch.perceptron.Perceptron"]
    assert flags([ANSWERS[UPDATE], ANSWERS[TORCH], "def f(:"]) == []


class _Loopback(trusted.Channel):
    """The trusted side's channel, answered by the agent in this same process (no kernel, no sandbox)."""

    def __init__(self):
        super().__init__(None, None)
        self.reply = None

    def send(self, message: dict) -> None:
        try:
            reply = agent._run(json.loads(message["request"]))
        except Exception as err:  # noqa: BLE001 - as agent.serve does
            reply = {"error": {"type": type(err).__name__, "message": str(err)}}
        self.reply = json.dumps(reply)

    def receive(self) -> dict:
        return {"op": "reply", "data": self.reply}


def test_torch_optimizer_passed_to_student_code_keeps_its_state(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(trusted, "CHANNEL", _Loopback())
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # the channel redirects it while a request runs

    def student_step(model, optimizer, x):
        optimizer.zero_grad()
        model(x).pow(2).sum().backward()
        optimizer.step()
        optimizer.param_groups[0]["lr"] *= 0.5

    remote_step = trusted.decode(agent._encode(student_step, {}))
    assert isinstance(remote_step, trusted.Remote)
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    for make in (lambda p: torch.optim.Adam(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)):
        model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
        twin = copy.deepcopy(model)
        mine, ref = make(model.parameters()), make(twin.parameters())
        for _ in range(3):  # Adam's moments and step count, SGD's momentum carry from call to call
            remote_step(model, mine, x)
            student_step(twin, ref, x)
        for p, q in zip(model.parameters(), twin.parameters()):
            torch.testing.assert_close(p, q)
            assert set(mine.state[p]) == set(ref.state[q])
            for name in ref.state[q]:
                torch.testing.assert_close(mine.state[p][name], ref.state[q][name])
        assert mine.param_groups[0]["lr"] == ref.param_groups[0]["lr"] == 0.1 / 8
        assert mine.param_groups[0]["params"][0] is next(model.parameters())


def test_forged_optimizer_changes_are_refused():
    torch = pytest.importorskip("torch")
    weight, other = torch.zeros(2, requires_grad=True), torch.zeros(3)
    optimizer = torch.optim.SGD([weight], lr=0.1)
    mirrors = {0: optimizer, 1: weight, 2: other}
    state = agent._encode({"momentum_buffer": torch.ones(2)}, {})
    for entry in ({"state": [[2, state]], "groups": [{"$d": []}]},       # state of a tensor it does not hold
                  {"state": [[1, {"$l": []}]], "groups": [{"$d": []}]},   # state that is not a dict
                  {"state": [[1, agent._encode({"momentum_buffer": [1, 2]}, {})]], "groups": [{"$d": []}]},
                  {"state": [], "groups": []}):                           # its groups gone
        with pytest.raises(trusted.ProtocolError):
            trusted._apply_changes([[0, entry]], mirrors)
    trusted._apply_changes([[0, {"state": [[1, state]], "groups": [agent._encode({"lr": 0.5, "params": 1}, {})]}]],
                           mirrors)
    assert optimizer.param_groups[0]["lr"] == 0.5 and optimizer.param_groups[0]["params"] == [weight]
    torch.testing.assert_close(optimizer.state[weight]["momentum_buffer"], torch.ones(2))
