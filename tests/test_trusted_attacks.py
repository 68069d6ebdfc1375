"""Attacks on the trusted side of the two-process grader (issue 20), one class at a time.

The quick tests run the trusted process's code and the student's agent in this one process, over a
loopback channel (no kernel, no sandbox): the student's kernel is a module whose names the test
chooses. Each attack is asserted to earn nothing (its test fails, or the reply is refused), beside the
honest answer that keeps its marks. The slow test grades a small class through the whole sandbox for
the attacks that need it (a restarted test process, the output budget, the test process's memory,
prints during hidden tests).
"""

from __future__ import annotations

import json
import sys
import time
import types

import nbformat
import numpy as np
import pytest

from coursekit.instructor import agent, sandbox, trusted, wire


class _Loopback(trusted.Channel):
    """The trusted side's channel, answered by the agent in this same process."""

    def __init__(self):
        super().__init__(None, None)
        self.reply = None
        self.sent: list[dict] = []

    def send(self, message: dict) -> None:
        self.sent.append(message)
        try:
            reply = agent._run(json.loads(message["request"]))
        except Exception as err:  # noqa: BLE001 - as agent.serve does
            reply = {"error": {"type": type(err).__name__, "message": str(err), "traceback": "tb"}}
        self.reply = json.dumps(reply)

    def receive(self) -> dict:
        return {"op": "reply", "data": self.reply}


@pytest.fixture
def kernel(monkeypatch):
    """The student's kernel: a fresh ``__main__`` whose names a test fills with ``exec``."""
    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(trusted, "CHANNEL", _Loopback())
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # the channel redirects it while a request runs
    monkeypatch.setattr(agent, "_objects", {})
    monkeypatch.setattr(trusted, "_ITEMS", {})

    def student(code: str) -> types.ModuleType:
        exec(code, vars(main))  # noqa: S102 - the student's answer
        return main

    return student


def _test(source: str, names=(), **defined) -> dict:
    """Run ``source`` as a test cell in a trusted namespace holding ``defined``; the cell's outcome."""
    namespace = trusted.Namespace(np=np, **defined)
    namespace.student_names = frozenset(names)
    return trusted.run(namespace, source)


def _grading_names() -> dict:
    from coursekit.grading import assert_close, assert_equal, assert_shape

    return {"assert_close": assert_close, "assert_equal": assert_equal, "assert_shape": assert_shape}


# ----------------------------------------------------------------------------- 1. names

NOOP_HELPERS = """
assert_close = assert_equal = assert_shape = lambda *a, **k: None
class _Anything:
    def __getattr__(self, name): return lambda *a, **k: None
np = data = _Anything()
def double(x):
    return 0.0  # wrong
"""


def test_only_the_solution_names_come_from_the_kernel(kernel):
    kernel(NOOP_HELPERS)
    source = "assert_close(double(2.0), 4.0, name='double(2)')"
    # a fresh trusted process (restarted, nothing replayed): before, every name resolved in the kernel
    outcome = _test(source, names={"double"})
    assert not outcome["ok"] and outcome["ename"] == "NameError" and "assert_close" in outcome["evalue"]
    outcome = _test(source, names={"double"}, **_grading_names())
    assert not outcome["ok"] and outcome["ename"] == "GradingError"
    kernel("def double(x):\n    return 2 * x\n")  # the honest answer keeps its marks
    assert _test(source, names={"double"}, **_grading_names())["ok"]
    # a module or a name the instructor's cells define is never fetched, though the kernel has it
    namespace = trusted.Namespace()
    namespace.student_names = frozenset({"double"})
    outcome = trusted.run(namespace, "np.testing.assert_allclose(double(1.0), 2.0)")
    assert not outcome["ok"] and outcome["ename"] == "NameError" and "'np'" in outcome["evalue"]


def test_student_names_come_from_solution_cells_less_instructor_names():
    def code(source, **nbgrader):
        return nbformat.v4.new_code_cell(source, metadata={"nbgrader": nbgrader} if nbgrader else {})

    nb = nbformat.v4.new_notebook(cells=[
        code("import numpy as np\nfrom coursekit.grading import assert_close\ndata = 1\ndef helper(): pass"),
        code("import torch\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        inner = 1\n"
             "        return x\nW, (b, c) = 1, (2, 3)\nfor i in range(2):\n    total = i\n"
             "squares = [k * k for k in range(3)]\nassert_close = None\ndata = 2\n%time x = 1",
             solution=True, grade=False),
        code("hidden_only = 1", grade=True, solution=False),
    ])
    assert sandbox.student_names(nb) == {"Net", "W", "b", "c", "i", "total", "squares"}


# ----------------------------------------------------------------------------- 2. values, once

LYING_SEQUENCE = """
class Result:  # len and [i] look right, iteration is empty: zip(result, expected) compares nothing
    def __len__(self): return 3
    def __getitem__(self, i): return [0.0, 0.0, 0.0][i]
    def __iter__(self): return iter(())
def gradients(x):
    return Result()
"""


def test_a_sequence_is_read_once_and_len_iteration_and_items_agree(kernel):
    kernel(LYING_SEQUENCE)
    loop = ("result = gradients(1.0)\n"
            "for got, want in zip(result, [1.0, 2.0, 3.0]):\n    assert_close(got, want)\n")
    outcome = _test(loop + "assert len(result) == 3, 'three gradients'", names={"gradients"}, **_grading_names())
    assert not outcome["ok"]  # before: the loop compared nothing and len said 3
    assert _test("result = gradients(1.0)\nassert len(result) == len(list(result)) == 0\n"
                 "assert result[0:] == []", names={"gradients"})["ok"]
    assert not _test("L, dW, db = gradients(1.0)", names={"gradients"})["ok"]
    kernel("def gradients(x):\n    return (1.0, 2.0, 3.0)\n")
    assert _test(loop, names={"gradients"}, **_grading_names())["ok"]


def test_a_handle_has_no_truth_value(kernel):
    kernel("class Yes:\n    def __bool__(self): return True\ndef check(x):\n    return Yes()\n")
    outcome = _test("assert check(1), 'check(1) should hold'", names={"check"})
    assert not outcome["ok"] and outcome["ename"] == "TypeError" and "plain value" in outcome["evalue"]
    kernel("def check(x):\n    return True\n")
    assert _test("assert check(1)", names={"check"})["ok"]


CUSTOM_BACKWARD = """
import torch
class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W + b
    @staticmethod
    def backward(ctx, dout):
        x, W = ctx.saved_tensors
        return dout @ W.T, x.T @ dout, dout.sum(dim=0)
"""
# autograd's own backward under the right node name: before, `type(out.grad_fn).__name__` believed it
NAMED_AUTOGRAD = """
import torch
class LinearFunction:
    @staticmethod
    def apply(x, W, b):
        return x @ W + b
    @staticmethod
    def forward(ctx, x, W, b):
        return x @ W + b
    @staticmethod
    def backward(ctx, dout):
        return None, None, None
"""
BACKWARD_CHECK = """
from coursekit.grading import FunctionContext
g = torch.Generator().manual_seed(0)
x, W, b = (torch.randn(*s, dtype=torch.float64, generator=g) for s in [(3, 2), (2, 4), (4,)])
dout = torch.randn(3, 4, dtype=torch.float64, generator=g)
ctx = FunctionContext(needs_input_grad=(True, True, True))
assert_close(LinearFunction.forward(ctx, x, W, b), (x @ W + b).numpy(), name="forward")
dx, dW, db = LinearFunction.backward(ctx, dout)
assert_close(dx, (dout @ W.T).numpy(), name="dx")
assert_close(dW, (x.T @ dout).numpy(), name="dW")
assert_close(db, dout.sum(0).numpy(), name="db")
"""


def test_a_custom_backward_is_checked_by_its_numbers(kernel):
    torch = pytest.importorskip("torch")
    kernel(CUSTOM_BACKWARD)
    assert _test(BACKWARD_CHECK, names={"LinearFunction"}, torch=torch, **_grading_names())["ok"]
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    W = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    out = trusted.decode(agent._encode(kernel("").LinearFunction, {})).apply(x, W, b)
    assert type(out.grad_fn).__name__ == "RemoteFunctionBackward"  # never the name the kernel reports
    kernel(NAMED_AUTOGRAD)
    outcome = _test(BACKWARD_CHECK, names={"LinearFunction"}, torch=torch, **_grading_names())
    assert not outcome["ok"]


def test_a_function_context_carries_only_tensors_and_plain_data(kernel):
    pytest.importorskip("torch")
    from coursekit.grading import FunctionContext

    kernel("def forward(ctx, x):\n    ctx.hook = lambda: None\n    return x\n")
    outcome = _test("import torch\nforward(FunctionContext(), torch.ones(2))", names={"forward"},
                    FunctionContext=FunctionContext)
    assert not outcome["ok"] and "function context" in outcome["evalue"]


def test_course_modules_are_rebuilt_from_their_numbers(kernel):
    torch = pytest.importorskip("torch")
    kernel("from coursekit.torch.vae import VAE\nimport torch\ntorch.manual_seed(0)\nmodel = VAE(16, 8, 2)\n"
           "class Mine(VAE):\n    def encode(self, x):\n        return 'a verdict'\nmine = Mine(16, 8, 2)\n")
    from coursekit.torch.vae import VAE

    model = trusted.decode(agent._encode(kernel("").model, {}))
    assert type(model) is VAE  # the trusted side's own class: encode and decode run here
    x = torch.rand(3, 4, 4)
    torch.testing.assert_close(model.encode(x)[0], kernel("").model.encode(x)[0])
    assert isinstance(trusted.decode(agent._encode(kernel("").mine, {})), trusted.Remote)  # a student's class


# ----------------------------------------------------------------------------- 4. bounds

def _timed_decode(reply) -> float:
    start = time.process_time()
    with pytest.raises(trusted.ProtocolError):
        trusted.decode(json.loads(json.dumps(reply)))
    return time.process_time() - start


def test_decoding_is_bounded():
    collide = 2**61 - 1  # every multiple hashes to 0: quadratic insertion into a dict
    assert _timed_decode({"$d": [[k * collide, 0] for k in range(1, 300_000)]}) < 2
    assert _timed_decode({"$d": [[{"$t": [1, 2]}, 0]]}) < 1  # only str and small int keys
    assert _timed_decode({"$l": [0] * (trusted.MAX_NODES + 1)}) < 10
    big = wire.dump_array(np.zeros(trusted.MAX_ARRAY_BYTES // 8 // 4 + 1))
    assert _timed_decode({"$l": [{"$a": big}] * 4}) < 10
    assert trusted.decode({"$d": [["a", 1], [2, {"$l": [1.5]}]]}) == {"a": 1, 2: [1.5]}  # honest data


def test_hidden_part_hides_what_student_code_says(kernel):
    kernel("def f(x):\n    print('ARGS', x)\n    raise ValueError(f'secret {x}')\n")
    source = "f(1)\n### BEGIN HIDDEN TESTS\nf(12345)\n### END HIDDEN TESTS"
    outcome = _test(source, names={"f"})
    assert "secret 1" in outcome["evalue"]  # the visible call shows the student's own message
    outcome = _test(source.replace("f(1)\n", ""), names={"f"})
    assert outcome["ename"] == "ValueError" and "12345" not in outcome["evalue"]
    assert [m["hidden"] for m in trusted.CHANNEL.sent] == [False, False, True, True]  # by the calling line


def test_the_output_budget_has_no_exemption_outside_a_reply():
    execute = sandbox.SandboxedExecute()
    execute._output_bytes, execute._in_reply, execute.output_limit_kb = 0, False, 1
    killed = []
    execute._kill = killed.append
    forged = {"msg_type": "display_data", "content": {"data": {wire.MIME: "x" * 4096}, "metadata": {}}}
    assert execute.output([], forged, None, 0) is None and killed == ["output_limit"]


# ----------------------------------------------------------------------------- the sandbox's side

class _FakeRunner:
    """A trusted process that answers each cell from a table: source -> ok, or None (never answers)."""

    answers: dict[str, bool | None] = {}
    started: list["_FakeRunner"] = []

    def __init__(self, *args):
        self.runs, self.memory_limited_out, self.pending = [], False, None
        _FakeRunner.started.append(self)

    def send(self, message: dict) -> bool:
        if message["op"] == "run":
            self.runs.append(message["source"])
            self.pending = _FakeRunner.answers.get(message["source"], True)
        return True

    def receive(self, timeout: float):
        return None if self.pending is None else {"op": "done", "ok": self.pending, "stdout": ""}

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _execute(monkeypatch, answers: dict) -> sandbox.SandboxedExecute:
    monkeypatch.setattr(sandbox, "TrustedRunner", _FakeRunner)
    monkeypatch.setattr(_FakeRunner, "answers", answers)
    monkeypatch.setattr(_FakeRunner, "started", [])
    execute = sandbox.SandboxedExecute()
    execute.timeout, execute._killed, execute._student_names = 1, None, {"f"}
    execute._instructor_runs, execute._restored, execute._broken = [("setup", True)], True, False
    monkeypatch.setattr(sandbox, "TRUSTED_GRACE", 0)
    execute._start_runner([])
    return execute


def test_a_restarted_test_process_replays_the_instructor_cells(monkeypatch):
    execute = _execute(monkeypatch, {"slow test": None})
    assert execute._run_trusted("slow test", 0, time.monotonic())["ename"] == "TimeoutError"
    assert execute._run_trusted("next test", 0, time.monotonic() + 5)["ok"]
    assert _FakeRunner.started[-1].runs == ["setup", "next test"]  # restored first, then the test


def test_a_test_process_that_cannot_be_restored_fails_every_later_test(monkeypatch):
    execute = _execute(monkeypatch, {"slow test": None})
    monkeypatch.setitem(_FakeRunner.answers, "setup", False)  # the replay does not end as it did
    execute._run_trusted("slow test", 0, time.monotonic())
    for test in ("next test", "last test"):
        outcome = execute._run_trusted(test, 0, time.monotonic() + 5)
        assert not outcome["ok"] and outcome["ename"] == "GraderError"
    assert all("next test" not in runner.runs for runner in _FakeRunner.started)


def test_trusted_only_cells_never_run_in_the_kernel():
    cell = nbformat.v4.new_code_cell("y_test = labels()", metadata={"tags": ["trusted-only"], "nbgrader": {
        "grade": False, "solution": False, "locked": True, "grade_id": "labels", "schema_version": 3}})
    assert sandbox._trusted_only(cell)
    cell.metadata["nbgrader"]["solution"] = True  # a student's cell always runs in the kernel
    assert not sandbox._trusted_only(cell)


@pytest.mark.slow
def test_the_test_process_has_a_memory_limit_of_its_own():
    """The issue's module tail (``Upsample(size=12_000_000)`` after a correct network), run in the trusted
    process as a rebuilt module would be: it stops at the process's own cap, the honest cell runs."""
    runner = sandbox.TrustedRunner(memory_mb=1200)
    try:
        runner.send({"op": "run", "source": "import numpy as np\nx = np.ones(1000).sum()\nprint(x)"})
        assert runner.receive(120) == {"op": "done", "ok": True, "stdout": "1000.0\n"}
        runner.send({"op": "run", "source": "import torch\ntail = torch.nn.Upsample(size=12_000_000)\n"
                                            "out = tail(torch.ones(1, 64, 4))"})
        watchdog_deadline = time.monotonic() + 120
        outcome = None
        while outcome is None and time.monotonic() < watchdog_deadline:
            runner.over_memory()  # what the sandbox's watchdog does every 0.2 s
            outcome = runner.receive(0.2)
        assert outcome is not None and not outcome["ok"]
        assert runner.memory_limited_out or outcome.get("ename") == "RuntimeError"
    finally:
        runner.close()
