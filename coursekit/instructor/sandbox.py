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
2. **Test cells never run in the student's kernel.** :class:`SandboxedExecute`
   replaces nbgrader's ``Execute`` preprocessor: the student's cells and the
   instructor's ordinary cells run in the kernel; the instructor's cells and the
   test cells run in a trusted process (:mod:`coursekit.instructor.trusted`). A
   test's look-ups of student names and its calls of student functions are
   carried to the kernel (:mod:`coursekit.instructor.agent`) one request at a
   time; only plain data and handles come back (:mod:`coursekit.instructor.wire`).
   A test cell's outputs are only what the test printed (and what student code
   printed while the test called it) and, if it failed, its error; so no output
   of the student's can fake a pass or a partial score.
   If the kernel dies (``os._exit``, a kill, the memory cap) or exceeds the
   output cap, the cells run so far keep their outcome and the rest fail.

What stopped a notebook is reported in nbgrader's ``resources`` (``resources["coursekit"]``,
see :meth:`SandboxedExecute.preprocess`) for the grading pipeline.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer, List, Unicode

from coursekit.instructor import wire

KERNEL_NAME = "coursekit-sandbox"
PACKAGE = Path(__file__).resolve().parents[1]  #: the coursekit package: the kernel sees it, read-only


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Change them with ``coursekit grade --help`` options."""

    cell_seconds: int = 120       #: wall time of one cell (then it is interrupted and fails)
    notebook_seconds: int = 600   #: wall time of the whole submission (then the kernel is killed)
    cpu_seconds: int = 900        #: CPU time of the kernel (RLIMIT_CPU)
    memory_mb: int = 4096         #: resident memory of the kernel and its children
    output_kb: int = 2048         #: all output the notebook may produce
    disk_mb: int = 256            #: size of the private /tmp, and of any one file written
    pids: int = 512               #: processes and threads of the kernel together (where cgroups allow)
    cpus: int = 1                 #: cores the kernel may use at most (where cgroups allow)


def kernel_command(limits: Limits, shared_dir: Path, package: Path | None = None) -> list[str]:
    """The argv of a sandboxed IPython kernel (``{connection_file}`` is filled in by Jupyter).

    ``package``: what the kernel sees as ``coursekit`` (default: the package itself; the grader passes a
    copy without the assignment's reference modules, see :mod:`coursekit.instructor.reference`)."""
    python_home = Path(sys.base_prefix)
    venv = Path(sys.prefix)
    readonly = [python_home, venv] + [Path(p) for p in ("/etc/ld.so.cache", "/etc/fonts", "/etc/ssl")
                                      if Path(p).exists()]
    command = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--clearenv",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
               "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
               "--size", str(limits.disk_mb * 2**20), "--tmpfs", "/tmp", "--dir", "/tmp/work", "--chdir", "/tmp/work"]
    for path in readonly:
        command += ["--ro-bind", str(path), str(path)]
    command += ["--ro-bind", str(package or PACKAGE), str(PACKAGE)]  # last: over any copy in the venv
    runtime = shared_dir / "runtime"  # the IPC sockets: the one host folder the kernel may write to
    command += ["--bind", str(runtime), str(runtime)]
    environment = {"HOME": "/tmp/work", "MPLCONFIGDIR": "/tmp/work", "PATH": f"{venv}/bin:/usr/bin",
                   "MPLBACKEND": "agg", "PYTHONNOUSERSITE": "1",
                   "PYTHONPATH": str(PACKAGE.parent),  # the grader's own coursekit, wherever it is installed
                   "COURSEKIT_DEVICE": "cpu",
                   "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    for key, value in environment.items():
        command += ["--setenv", key, value]
    command += ["prlimit", f"--cpu={limits.cpu_seconds}", f"--fsize={limits.disk_mb * 2**20}", "--core=0", "--",
                str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--HistoryManager.hist_file=:memory:", "--quiet"]
    return command


def configure(config, limits: Limits, shared_dir: Path, package: Path | None = None) -> None:
    """Set up ``config`` (a traitlets ``Config``) so that nbgrader runs kernels in the sandbox.

    Points Jupyter at ``shared_dir``, where :class:`SandboxedExecute` writes the sandbox
    kernelspec for each notebook; the kernel's connection file and IPC sockets live in
    ``shared_dir/runtime``, the only folder the kernel shares with the grader.
    """
    (shared_dir / "kernels" / KERNEL_NAME).mkdir(parents=True, exist_ok=True)
    (shared_dir / "runtime").mkdir(exist_ok=True)
    os.environ["JUPYTER_PATH"] = str(shared_dir)
    config.SandboxedExecute.kernel_argv = kernel_command(limits, shared_dir, package)
    config.SandboxedExecute.kernel_spec_dir = str(shared_dir / "kernels" / KERNEL_NAME)
    config.SandboxedExecute.runtime_dir = str(shared_dir / "runtime")
    config.SandboxedExecute.pids_limit = limits.pids
    config.SandboxedExecute.cpus_limit = limits.cpus
    config.KernelManager.transport = "ipc"
    config.KernelManager.connection_file = str(shared_dir / "runtime" / "kernel.json")
    config.Execute.kernel_name = KERNEL_NAME
    config.ExecutePreprocessor.kernel_name = KERNEL_NAME
    config.Execute.timeout = limits.cell_seconds
    # outputs may trail a reply when the machine is busy: a test makes many calls, each must not fail on that
    config.Execute.iopub_timeout = 60
    config.SandboxedExecute.notebook_timeout = limits.notebook_seconds
    config.SandboxedExecute.memory_limit_mb = limits.memory_mb
    config.SandboxedExecute.output_limit_kb = limits.output_kb


def _error(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _added_by_student(cell: NotebookNode) -> bool:
    """A cell the student added (coursekit.instructor.layout marks it): it runs in the kernel only."""
    return bool(cell.metadata.get("coursekit", {}).get("added"))


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


TRUSTED_ONLY = "trusted-only"  #: the tag of an instructor cell that runs in the trusted process only


def _trusted_only(cell: NotebookNode) -> bool:
    """An instructor cell tagged ``trusted-only`` (data only the tests need, e.g. labels): the grader runs
    it in the trusted process only, so what it defines never enters the student's kernel."""
    meta = cell.metadata.get("nbgrader", {})
    return TRUSTED_ONLY in cell.metadata.get("tags", []) and not meta.get("solution") and not meta.get("grade")


class SandboxedExecute(Execute):
    """nbgrader's ``Execute``, with test cells in the trusted process, an output cap and a watchdog (see module docs)."""

    notebook_timeout = Integer(Limits.notebook_seconds, help="seconds the whole notebook may run").tag(config=True)
    memory_limit_mb = Integer(Limits.memory_mb, help="resident memory of the kernel, in MiB").tag(config=True)
    output_limit_kb = Integer(Limits.output_kb, help="total output of the notebook, in KiB").tag(config=True)
    pids_limit = Integer(Limits.pids, help="processes and threads of the kernel (where cgroups allow)").tag(config=True)
    cpus_limit = Integer(Limits.cpus, help="cores the kernel may use (where cgroups allow)").tag(config=True)
    kernel_argv = List(Unicode(), help="the sandboxed kernel's command (kernel_command)").tag(config=True)
    kernel_spec_dir = Unicode(help="where this notebook's kernelspec is written").tag(config=True)
    runtime_dir = Unicode(help="the folder of the kernel's connection file and IPC sockets").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Run ``nb``; ``resources["coursekit"]["killed"]`` becomes the first thing that stopped a cell
        or the kernel of any notebook graded with these resources: ``"timeout"`` (a cell or the notebook
        ran out of time), ``"memory"``, ``"output_limit"`` or ``"died"`` (else it stays None)."""
        from coursekit.instructor import limits as cgroups

        self._output_bytes = 0
        self._dead = False
        self._killed: str | None = None
        self._cgroup = cgroups.create(self.memory_limit_mb, self.pids_limit, self.cpus_limit)
        self._runtime_mounted = _mount_runtime(Path(self.runtime_dir))
        self._write_kernel_spec()
        self._student_names = student_names(_source_notebook(resources) or nb)
        self._instructor_runs: list[tuple[str, bool]] = []  # (source, ok) of each instructor cell run so far
        self._restored = True   # the trusted process holds every instructor cell run so far
        self._broken = False    # a restarted trusted process could not be restored
        self._in_reply = False  # a request of the trusted side runs: its one reply is not student output
        self._start_runner(_imported_modules(nb))
        stop = threading.Event()
        watchdog = threading.Thread(target=self._watch, args=(stop,), daemon=True)
        watchdog.start()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            stop.set()
            watchdog.join()
            _kill_kernels(self._cgroup)
            self._runner.close()
            if self._cgroup is not None:
                self._cgroup.remove()
            _clear_runtime(Path(self.runtime_dir), self._runtime_mounted)
            if resources is not None:
                report = resources.setdefault("coursekit", {})
                report["killed"] = report.get("killed") or self._killed

    def _start_runner(self, modules: list[str]) -> None:
        """A fresh trusted process, under limits of its own, told the student's names (and warmed up)."""
        self._runner = TrustedRunner(self.memory_limit_mb, self.cpus_limit)
        self._runner.send({"op": "names", "names": sorted(self._student_names)})
        self._runner.send({"op": "warm", "modules": modules})  # while the kernel starts

    def _restart_runner(self) -> None:
        """Replace a trusted process that stopped or ran out of time; it is restored before the next cell."""
        self._runner.close()
        self._start_runner([])
        self._restored = False

    def _restore(self, index: int) -> bool:
        """Replay the instructor's cells in a restarted trusted process; whether each ends as it did."""
        self._restored = True
        for source, ok in self._instructor_runs:
            outcome = self._exchange(source, index, time.monotonic() + self.timeout + TRUSTED_GRACE, [])
            if bool(outcome.get("ok")) != ok:
                self._broken = True
                return False
        return True

    def _write_kernel_spec(self) -> None:
        """The sandbox kernelspec; with a control group, a tiny launcher joins it first, then runs bwrap.
        Interrupts travel as messages: a signal would reach bubblewrap, not the kernel inside it."""
        argv = list(self.kernel_argv)
        if self._cgroup is not None:
            from coursekit.instructor import limits as cgroups

            argv = [sys.executable, cgroups.__file__, *self._cgroup.procs_files, "--", *argv]
        spec = {"argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python",
                "interrupt_mode": "message"}
        (Path(self.kernel_spec_dir) / "kernel.json").write_text(json.dumps(spec, indent=1))

    async def async_start_new_kernel_client(self):
        """nbclient's kernel client, with every socket refusing a message over the cap *before* it is
        decoded (ZeroMQ drops it and the connection; what the cell would have shown is lost)."""
        import zmq
        from nbclient.util import ensure_async, run_hook

        self.kc = self.km.client()
        self.kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        try:
            await ensure_async(self.kc.start_channels())
            await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    def _watch(self, stop: threading.Event) -> None:
        """Kill the kernel when it outlives the notebook's time or exceeds its memory."""
        start = time.monotonic()
        while not stop.wait(0.2):
            if time.monotonic() - start > self.notebook_timeout:
                self._kill("timeout")
            elif self._cgroup is None and _kernel_memory_mb() > self.memory_limit_mb:
                self._kill("memory")  # (a control group's own cap holds, and counts tmpfs pages too)
            elif self._cgroup is not None and self._cgroup.out_of_memory():
                self._killed = self._killed or "memory"
            elif self._runner.over_memory():
                self._runner.kill()  # (its test fails; the next cell restores a fresh one)
            elif not self._runtime_mounted and _too_full(Path(self.runtime_dir)):
                self._kill("disk")  # (a mounted runtime folder is small by itself)

    def _kill(self, reason: str) -> None:
        self._killed = self._killed or reason
        _kill_kernels(self._cgroup)

    def output(self, outs, msg, display_id, cell_index):
        """Every message counts against the output budget, except the first reply while the trusted side
        waits for one (:meth:`_remote`; at most :data:`wire.MAX_REPLY_BYTES`, and never stored in the
        notebook). A reply published anywhere else, or a second one, counts like any other output."""
        content = msg.get("content", {})
        if self._in_reply and msg.get("msg_type") == "display_data" and wire.MIME in content.get("data", {}):
            self._in_reply = False
            if len(content["data"][wire.MIME]) > wire.MAX_REPLY_BYTES:
                content["data"][wire.MIME] = ""  # refused: the trusted side sees no reply
            return super().output(outs, msg, display_id, cell_index)
        self._output_bytes += len(json.dumps(content))
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
                if not _trusted_only(cell):
                    self._run_in_kernel(cell, index, store_history=True)
                if not cell.metadata.get("nbgrader", {}).get("solution") and not _added_by_student(cell):
                    # instructor code: its own time is not the student's
                    outcome = self._run_trusted(cell.source, index, time.monotonic() + self.notebook_timeout)
                    self._instructor_runs.append((cell.source, bool(outcome.get("ok"))))
        except CellTimeoutError:  # interrupted but still busy: it ignores interrupts
            self._kill("timeout")
            self._dead = True
            cell.outputs.append(_error("KernelDied", "the cell ignored the interrupt after its time limit"))
        except DeadKernelError:
            self._dead = True
            out_of_memory = self._cgroup is not None and self._cgroup.out_of_memory()
            self._killed = self._killed or ("memory" if out_of_memory else "died")
            cell.outputs.append(_error("KernelDied", f"the kernel stopped ({self._killed})"))
        return cell, resources

    def _run_in_kernel(self, cell: NotebookNode, index: int, **kwargs) -> None:
        self.execute_cell(cell, index, **kwargs)
        if any(o.output_type == "error" and o.ename == self.error_on_timeout["ename"] for o in cell.outputs):
            self._killed = self._killed or "timeout"  # the cell was interrupted; the kernel lives on

    def _run_test(self, cell: NotebookNode, index: int) -> None:
        """Run a test cell in the trusted process; only its outcome and printed text become the outputs."""
        printed: list[str] = []
        outcome = self._run_trusted(cell.source, index, time.monotonic() + self.timeout + TRUSTED_GRACE, printed)
        text = "".join(printed)
        cell.outputs = [new_output("stream", name="stdout", text=text[-20_000:])] if text else []
        if not outcome.get("ok"):
            where = f" (line {outcome['line']} of the test cell)" if outcome.get("line") else ""
            cell.outputs.append(_error(str(outcome.get("ename", "Error")), f"{outcome.get('evalue', '')}{where}"))

    def _run_trusted(self, source: str, index: int, deadline: float, printed: list | None = None) -> dict:
        """Run ``source`` in the trusted process, carrying its requests to the student's kernel. A trusted
        process that stopped or ran out of time is replaced, and the replacement replays the instructor's
        cells first; where it cannot be restored, this cell and every later one fail (``GraderError``),
        never run on a namespace the student could fill."""
        if not self._restored and not self._broken:
            self._restore(index)
        if self._broken:
            return {"ok": False, "ename": "GraderError",
                    "evalue": "not run: the test process stopped earlier and could not be restored"}
        return self._exchange(source, index, deadline, [] if printed is None else printed)

    def _exchange(self, source: str, index: int, deadline: float, printed: list) -> dict:
        if not self._runner.send({"op": "run", "source": source}):
            self._restart_runner()
            return {"ok": False, "ename": "GraderError", "evalue": "the test process stopped"}
        while True:
            message = self._runner.receive(max(0.0, deadline - time.monotonic()) + 5)
            if message is None:
                self._restart_runner()
                self._killed = self._killed or "timeout"
                return {"ok": False, "ename": "TimeoutError", "evalue": "the test ran out of time"}
            printed.append(str(message.get("stdout", "")))
            if message.get("op") == "done":
                if not self._runner.alive():
                    if self._runner.memory_limited_out:
                        message = {**message, "ename": "MemoryError",
                                   "evalue": "the test process ran out of memory"}
                    self._restart_runner()
                return message
            hidden = message.get("hidden") is True
            self._runner.send(self._remote(str(message.get("request")), index, deadline,
                                           [] if hidden else printed))

    def _remote(self, request: str, index: int, deadline: float, printed: list) -> dict:
        cell = self.nb.cells[index]
        """One request of the trusted process, run by the agent in the student's kernel."""
        if self._dead:
            return {"op": "reply", "error": "the kernel stopped earlier"}
        remaining = int(deadline - time.monotonic())
        if remaining < 1:
            self._killed = self._killed or "timeout"
            return {"op": "reply", "error": "the test ran out of time"}
        call = new_code_cell(f"__import__('coursekit.instructor.agent', fromlist=['serve']).serve({request!r})")
        timeout, self.timeout = self.timeout, remaining
        self._in_reply = True
        try:
            self._run_in_kernel(call, index, store_history=False)
        except CellTimeoutError:
            self._kill("timeout")
            self._dead = True
            return {"op": "reply", "error": "the kernel ignored the interrupt after its time limit"}
        except DeadKernelError:
            self._dead = True
            self._killed = self._killed or "died"
            return {"op": "reply", "error": f"the kernel stopped ({self._killed})"}
        finally:
            self._in_reply = False
            self.timeout = timeout
            self.nb.cells[index] = cell  # nbclient stored the call cell in its place
        replies = []
        for o in call.outputs:
            if o.output_type == "display_data" and wire.MIME in o.get("data", {}):
                replies.append(o.data[wire.MIME])
            elif o.output_type == "stream" and o.name == "stdout":
                printed.append(o.text)
        if len(replies) != 1 or not isinstance(replies[0], str) or not replies[0]:
            return {"op": "reply", "error": "the student's kernel gave no valid reply"}
        return {"op": "reply", "data": replies[0]}


MAX_MESSAGE_BYTES = wire.MAX_REPLY_BYTES + 2**20  #: largest message the grader reads from the kernel
TRUSTED_GRACE = 60  #: seconds a test cell may take beyond the cell limit for the trusted side's own work


def _imported_modules(nb: NotebookNode) -> list[str]:
    """Top-level modules imported by the instructor's cells (the trusted process imports them early)."""
    import ast

    modules = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("solution") or _added_by_student(cell):
            continue
        try:
            tree = ast.parse("\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module)
    return sorted(modules)


def student_names(nb: NotebookNode) -> set[str]:
    """The names the notebook's solution cells define at top level (functions, classes, assignments),
    less the names any instructor cell defines or imports and every imported name: the only names the
    trusted process may fetch from the student's kernel."""
    import ast

    def defined(source: str, imports: bool) -> set[str]:
        try:
            tree = ast.parse("\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            return set()
        names, todo = set(), list(tree.body)
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if imports:
                    names.update((a.asname or a.name).split(".")[0] for a in node.names)
                continue
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    names.add(child.id)
                elif isinstance(child, (ast.stmt, ast.expr, ast.excepthandler, ast.withitem, ast.comprehension)) \
                        and not isinstance(child, (ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp,
                                                   ast.DictComp)):
                    todo.append(child)
        return names

    solution, instructor = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.metadata.get("nbgrader", {}).get("solution"):
            solution |= defined(cell.source, imports=False)
        else:
            instructor |= defined(cell.source, imports=True)
    return solution - instructor


def _source_notebook(resources: dict | None) -> NotebookNode | None:
    """The instructor's own notebook of the one being graded (``source/`` next to nbgrader's gradebook),
    or None where it cannot be found (then the release's solution cells, as rebuilt, say the names)."""
    import nbformat

    info = (resources or {}).get("nbgrader", {})
    db_url, assignment, notebook = info.get("db_url", ""), info.get("assignment"), info.get("notebook")
    if not (db_url.startswith("sqlite:///") and assignment and notebook):
        return None
    path = Path(db_url.removeprefix("sqlite:///")).parent / "source" / assignment / f"{notebook}.ipynb"
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


class TrustedRunner:
    """The trusted test process (:mod:`coursekit.instructor.trusted`), talked to over pipes, under limits
    of its own: a control group of ``memory_mb`` and ``cpus`` where the machine allows one (else the
    watchdog's :meth:`over_memory`), and ``cpu_seconds`` of CPU time (``RLIMIT_CPU``). It runs the rebuilt
    student modules, so these limits are what a module's size, chosen by the student, runs into."""

    def __init__(self, memory_mb: int = Limits.memory_mb, cpus: int = Limits.cpus,
                 cpu_seconds: int = Limits.cpu_seconds):
        from coursekit.instructor import limits as cgroups

        env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent), "COURSEKIT_DEVICE": "cpu", "MPLBACKEND": "agg",
               "OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
               "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.workdir = tempfile.mkdtemp(prefix="ck-trusted-")
        self.memory_mb, self.memory_limited_out = memory_mb, False
        self.cgroup = cgroups.create(memory_mb, Limits.pids, cpus)
        command = [sys.executable, "-m", "coursekit.instructor.trusted"]
        if self.cgroup is not None:
            command = [sys.executable, cgroups.__file__, *self.cgroup.procs_files, "--", *command]

        def limit_cpu():
            import resource

            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

        self.process = subprocess.Popen(command, cwd=self.workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8",
                                        preexec_fn=limit_cpu)
        _TRUSTED_PIDS.add(self.process.pid)

    def alive(self) -> bool:
        return self.process.poll() is None

    def over_memory(self) -> bool:
        """Whether it exceeds its memory (the watchdog asks; a control group's own cap needs no check)."""
        if self.cgroup is not None:
            self.memory_limited_out = self.memory_limited_out or self.cgroup.out_of_memory()
            return False
        try:
            used = psutil.Process(self.process.pid).memory_info().rss / 2**20
        except psutil.Error:
            return False
        self.memory_limited_out = self.memory_limited_out or used > self.memory_mb
        return used > self.memory_mb

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass

    def send(self, message: dict) -> bool:
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def receive(self, timeout: float) -> dict | None:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            if self.cgroup is not None:
                self.memory_limited_out = self.memory_limited_out or self.cgroup.out_of_memory()
            return {"op": "done", "ok": False, "ename": "GraderError", "evalue": "the test process stopped"}
        return json.loads(line)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        _TRUSTED_PIDS.discard(self.process.pid)
        if self.cgroup is not None:
            self.cgroup.remove()
        shutil.rmtree(self.workdir, ignore_errors=True)


_TRUSTED_PIDS: set[int] = set()


def _sandbox_processes() -> list[psutil.Process]:
    """The processes of the sandboxed kernel (every child of this one but the trusted test process)."""
    try:
        children = psutil.Process(os.getpid()).children(recursive=False)
    except psutil.Error:
        return []
    processes = []
    for child in children:
        if child.pid in _TRUSTED_PIDS:
            continue
        processes.append(child)
        try:
            processes += child.children(recursive=True)
        except psutil.Error:
            pass
    return processes


RUNTIME_MB = 4  #: size of the kernel's runtime folder (its connection file and IPC sockets need a few kB)
RUNTIME_FILES = 64  #: files and folders it may hold


def _mount_runtime(folder: Path) -> bool:
    """Make ``folder`` a tmpfs of :data:`RUNTIME_MB` MiB and :data:`RUNTIME_FILES` inodes (as root);
    whether it is one. Elsewhere the watchdog measures the folder instead (:func:`_too_full`)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    options = f"size={RUNTIME_MB}m,nr_inodes={RUNTIME_FILES},mode=0700"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "coursekit-runtime", str(folder)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return done.returncode == 0


def _too_full(folder: Path) -> bool:
    """Whether ``folder`` holds more than the runtime folder's limits (entries counted up to one over)."""
    entries, size = 0, 0
    for root, folders, files in os.walk(folder):
        entries += len(folders) + len(files)
        if entries > RUNTIME_FILES:
            return True
        for name in files:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return size > RUNTIME_MB * 2**20


def _clear_runtime(folder: Path, mounted: bool) -> None:
    """Empty the runtime folder: unmount its tmpfs, or delete what the kernel left (``rm`` copes with any depth)."""
    if mounted:
        subprocess.run(["umount", "--lazy", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    for entry in list(folder.iterdir()) if folder.is_dir() else []:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(entry)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)


def _kernel_memory_mb() -> float:
    total = 0
    for process in _sandbox_processes():
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _kill_kernels(cgroup=None) -> None:
    """SIGKILL every process this grader started (only the sandboxed kernel and what it spawned),
    and everything in the kernel's control group ``cgroup`` (a :mod:`coursekit.instructor.limits` group)."""
    if cgroup is not None:
        cgroup.kill()
    for process in _sandbox_processes():
        try:
            process.kill()
        except psutil.Error:
            pass
