"""Run a student's notebook in a sandboxed kernel, inside nbgrader's own autograder.

nbgrader's ``Autograde`` converter stays in charge (it restores the instructor's
tests, executes, scores, saves to the gradebook). Two things change:

1. **The kernel runs under bubblewrap** (:func:`kernel_command`): no network, a
   private process tree, and a file system that holds only the operating
   system, Python, the virtual environment and ``coursekit``. It cannot see
   ``solutions/``, the gradebook, other submissions or the grader's files; it
   writes only to a small private ``/tmp`` that vanishes with it. The grader
   talks to it over IPC sockets in one shared folder. ``prlimit`` caps its CPU
   time and file sizes; a watchdog caps its memory and its total run time.
2. **Test cells are executed by** :class:`SandboxedExecute`, which replaces
   nbgrader's ``Execute`` preprocessor:

   * before each graded test cell, an integrity *canary* checks that the
     student's code did not patch the comparison functions (``numpy.testing``,
     ``math.isclose``, ``torch.testing``, ``coursekit.grading``) or IPython's
     execution machinery (AST transformers, ``run_cell``, tracing hooks), and
     that an exception still surfaces as an error. Once a canary fails, no later
     test cell can pass;
   * a test cell passes only if it runs to its end (a secret token printed by an
     appended line reaches the grader) and raises nothing;
   * a passing cell's stderr (warnings) and any ``execute_result`` are dropped,
     so a correct answer that warns keeps its marks and no output can fake a
     partial score;
   * if the kernel dies (``os._exit``, a kill, the memory cap) or exceeds the
     output cap, the cells run so far keep their outcome and the rest fail.

What happened is added to :data:`REPORT` for the grading pipeline.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

KERNEL_NAME = "coursekit-sandbox"


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Change them with ``coursekit grade --help`` options."""

    cell_seconds: int = 120       #: wall time of one cell (then it is interrupted and fails)
    notebook_seconds: int = 600   #: wall time of the whole submission (then the kernel is killed)
    cpu_seconds: int = 900        #: CPU time of the kernel (RLIMIT_CPU)
    memory_mb: int = 4096         #: resident memory of the kernel and its children
    output_kb: int = 2048         #: all output the notebook may produce
    disk_mb: int = 256            #: size of the private /tmp, and of any one file written


#: What :class:`SandboxedExecute` saw in the notebooks run since :func:`reset_report`: ``killed`` is
#: None, or the first thing that stopped a cell or the kernel: "timeout" (a cell or the notebook ran
#: out of time), "memory", "output_limit" or "died"; ``compromised`` is True once a canary failed.
REPORT: dict = {"killed": None, "compromised": False}


def reset_report() -> None:
    REPORT.update(killed=None, compromised=False)


def kernel_command(limits: Limits, shared_dir: Path) -> list[str]:
    """The argv of a sandboxed IPython kernel (``{connection_file}`` is filled in by Jupyter)."""
    python_home = Path(sys.base_prefix)
    venv = Path(sys.prefix)
    package = Path(__file__).resolve().parent
    readonly = [python_home, venv, package] + [Path(p) for p in ("/etc/ld.so.cache", "/etc/fonts", "/etc/ssl")
                                               if Path(p).exists()]
    command = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--clearenv",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
               "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
               "--size", str(limits.disk_mb * 2**20), "--tmpfs", "/tmp", "--dir", "/tmp/work", "--chdir", "/tmp/work"]
    for path in readonly:
        command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(shared_dir), str(shared_dir)]
    environment = {"HOME": "/tmp/work", "MPLCONFIGDIR": "/tmp/work", "PATH": f"{venv}/bin:/usr/bin",
                   "MPLBACKEND": "agg", "PYTHONNOUSERSITE": "1",
                   "PYTHONPATH": str(package.parent),  # the grader's own coursekit, wherever it is installed
                   "COURSEKIT_DEVICE": "cpu",
                   "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    for key, value in environment.items():
        command += ["--setenv", key, value]
    command += ["prlimit", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.disk_mb * 2**20}", "--core=0", "--",
                str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--HistoryManager.hist_file=:memory:", "--quiet"]
    return command


def configure(config, limits: Limits, shared_dir: Path) -> None:
    """Set up ``config`` (a traitlets ``Config``) so that nbgrader runs kernels in the sandbox.

    Writes the sandbox kernelspec under ``shared_dir`` and points Jupyter at it; the
    kernel's connection file and IPC sockets live in ``shared_dir/runtime``, the only
    folder the kernel shares with the grader.
    """
    spec_dir = shared_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    (shared_dir / "runtime").mkdir(exist_ok=True)
    # Interrupts travel as messages: a signal would reach bubblewrap, not the kernel inside it.
    spec = {"argv": kernel_command(limits, shared_dir), "display_name": "Python 3 (sandboxed)", "language": "python",
            "interrupt_mode": "message"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    os.environ["JUPYTER_PATH"] = str(shared_dir)
    config.KernelManager.transport = "ipc"
    config.KernelManager.connection_file = str(shared_dir / "runtime" / "kernel.json")
    config.Execute.kernel_name = KERNEL_NAME
    config.ExecutePreprocessor.kernel_name = KERNEL_NAME
    config.Execute.timeout = limits.cell_seconds
    config.SandboxedExecute.notebook_timeout = limits.notebook_seconds
    config.SandboxedExecute.memory_limit_mb = limits.memory_mb
    config.SandboxedExecute.output_limit_kb = limits.output_kb


# Sent to the kernel before each test cell; it must end with exactly AssertionError("canary <nonce>").
CANARY = r'''
def __coursekit_canary():
    import math, os, sys
    import IPython, ipykernel, numpy, numpy.testing
    import coursekit.grading as grading
    trusted = tuple(os.path.dirname(m.__file__) for m in (IPython, ipykernel, numpy, grading, math) if hasattr(m, "__file__"))
    trusted += (os.path.dirname(os.__file__),)
    problems = []
    shell = get_ipython()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        problems.append("a trace or profile hook is set")
    if shell.ast_transformers or shell.input_transformers_post:
        problems.append("IPython transformers were added")
    for name in ("run_cell", "run_ast_nodes", "run_code", "transform_cell", "showtraceback", "_showtraceback"):
        method = getattr(shell, name)
        code = getattr(getattr(method, "__func__", method), "__code__", None)
        if code is None or not code.co_filename.startswith(trusted):
            problems.append(f"IPython's {name} was replaced")
    def rejects(check, *args):
        try:
            result = check(*args)
        except AssertionError:
            return True
        except Exception:
            return False
        return result is False
    checks = [(numpy.testing.assert_allclose, 0.0, 1.0), (numpy.testing.assert_array_equal, [0], [1]),
              (math.isclose, 0.0, 1.0), (grading.assert_close, 0.0, 1.0), (grading.assert_equal, 0, 1)]
    for name in ("assert_close", "assert_equal", "assert_shape"):
        if name in globals() and callable(globals()[name]):
            checks.append((globals()[name], 0.0, 1.0) if name != "assert_shape" else (globals()[name], [0.0], (2,)))
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        checks.append((torch.testing.assert_close, torch.zeros(1), torch.ones(1)))
    for check, *args in checks:
        code = getattr(check, "__code__", None)
        if code is not None and not code.co_filename.startswith(trusted + (os.path.dirname(sys.modules.get("torch", os).__file__),)):
            problems.append(f"{getattr(check, '__qualname__', check)} was replaced")
        elif not rejects(check, *args):
            problems.append(f"{getattr(check, '__qualname__', check)} accepts a wrong value")
    if problems:
        raise RuntimeError("integrity check failed: " + "; ".join(problems))
__coursekit_canary()
del __coursekit_canary
raise AssertionError("canary {nonce}")
'''


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SandboxedExecute(Execute):
    """nbgrader's ``Execute``, with canaries, pass tokens, an output cap and a watchdog (see module docs)."""

    notebook_timeout = Integer(Limits.notebook_seconds, help="seconds the whole notebook may run").tag(config=True)
    memory_limit_mb = Integer(Limits.memory_mb, help="resident memory of the kernel, in MiB").tag(config=True)
    output_limit_kb = Integer(Limits.output_kb, help="total output of the notebook, in KiB").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = 0
        self._dead = False
        self._killed: str | None = None
        self._compromised = False
        stop = threading.Event()
        watchdog = threading.Thread(target=self._watch, args=(stop,), daemon=True)
        watchdog.start()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            stop.set()
            watchdog.join()
            _kill_kernels()
            REPORT["killed"] = REPORT["killed"] or self._killed
            REPORT["compromised"] |= self._compromised

    def _watch(self, stop: threading.Event) -> None:
        """Kill the kernel when it outlives the notebook's time or exceeds its memory."""
        start = time.monotonic()
        while not stop.wait(0.2):
            if time.monotonic() - start > self.notebook_timeout:
                self._kill("timeout")
            elif _kernel_memory_mb() > self.memory_limit_mb:
                self._kill("memory")

    def _kill(self, reason: str) -> None:
        self._killed = self._killed or reason
        _kill_kernels()

    def output(self, outs, msg, display_id, cell_index):
        self._output_bytes += len(json.dumps(msg.get("content", {})))
        if self._output_bytes > self.output_limit_kb * 1024:
            self._kill("output_limit")
            return None
        return super().output(outs, msg, display_id, cell_index)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._dead:
            cell.outputs = [_error("KernelDied", "not run: the kernel stopped earlier")]
            return cell, resources
        try:
            if _is_test(cell):
                self._run_test(cell, index)
            else:
                self.execute_cell(cell, index, store_history=True)
            if any(o.output_type == "error" and o.ename == self.error_on_timeout["ename"] for o in cell.outputs):
                self._killed = self._killed or "timeout"  # the cell was interrupted; the kernel lives on
        except CellTimeoutError:  # interrupted but still busy: it ignores interrupts
            self._kill("timeout")
            self._dead = True
            cell.outputs.append(_error("KernelDied", "the cell ignored the interrupt after its time limit"))
        except DeadKernelError:
            self._dead = True
            self._killed = self._killed or "died"
            cell.outputs.append(_error("KernelDied", f"the kernel stopped ({self._killed})"))
        return cell, resources

    def _run_test(self, cell: NotebookNode, index: int) -> None:
        if not self._compromised:
            nonce = secrets.token_hex(8)
            canary = new_code_cell(CANARY.replace("{nonce}", nonce))
            self.execute_cell(canary, index, store_history=False)
            errors = [o for o in canary.outputs if o.output_type == "error"]
            if not (len(errors) == 1 and errors[0].ename == "AssertionError" and errors[0].evalue == f"canary {nonce}"):
                self._compromised = True
        token = secrets.token_hex(8)
        source = cell.source
        cell.source = f"{source}\nprint({token!r})"
        try:
            self.execute_cell(cell, index, store_history=False)
        finally:
            cell.source = source
        reached_end = any(o.output_type == "stream" and o.name == "stdout" and token in o.text for o in cell.outputs)
        failed = [o for o in cell.outputs if o.output_type == "error"]
        kept = []
        for o in cell.outputs:
            if o.output_type == "execute_result" or (o.output_type == "stream" and o.name == "stderr"):
                continue
            if o.output_type == "stream":
                o.text = o.text.replace(f"{token}\n", "").replace(token, "")
                if not o.text:
                    continue
            kept.append(o)
        cell.outputs = kept
        if self._compromised:
            cell.outputs.append(_error("IntegrityError", "the comparison or execution machinery was tampered with"))
        elif not failed and not reached_end:
            cell.outputs.append(_error("IncompleteTest", "the test cell did not run to its end"))


def _sandbox_processes() -> list[psutil.Process]:
    try:
        return psutil.Process(os.getpid()).children(recursive=True)
    except psutil.Error:
        return []


def _kernel_memory_mb() -> float:
    total = 0
    for process in _sandbox_processes():
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _kill_kernels() -> None:
    """SIGKILL every process this grader started (only the sandboxed kernel and what it spawned)."""
    for process in _sandbox_processes():
        try:
            process.kill()
        except psutil.Error:
            pass
