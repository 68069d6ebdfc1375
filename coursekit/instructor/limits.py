"""Limits for one sandboxed kernel that count everything it uses: control groups where the machine
allows them (as root), resource limits (``prlimit``) always.

A :class:`Cgroup` holds the kernel and every process it starts:

* **memory** — resident memory *and* the tmpfs pages it writes (``/tmp``, ``/dev/shm``), without swap;
  over the cap the kernel's OOM killer stops it;
* **pids** — processes and threads together (a student cannot start 2,000 threads);
* **cpu** — at most ``cpus`` cores, so that busy loops in any number of processes slow only their
  own student, never a neighbour graded at the same time.

cgroup v2 is used where its controllers are enabled for this process's group, else v1 (one
folder per controller). Without either (not root, a read-only ``/sys/fs/cgroup``), :func:`create`
returns None and the watchdog's resident-memory check and the rlimits remain.

Run as ``python -m coursekit.instructor.limits PROCS_FILE ... -- COMMAND``, it moves itself into
the groups (writes its pid to each ``cgroup.procs``) and then executes ``COMMAND``: this is how the
kernel starts inside its group.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_groups() -> dict[str, str]:
    """controller (or "" for v2) -> this process's group path."""
    groups = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups


class Cgroup:
    """One kernel's control group(s); see the module docs."""

    def __init__(self, folders: dict[str, Path], version: int):
        self.folders, self.version = folders, version

    @property
    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.folders.values()]

    def memory_mb(self) -> float:
        name = "memory.current" if self.version == 2 else "memory.usage_in_bytes"
        try:
            return int((self.folders["memory"] / name).read_text()) / 2**20
        except (OSError, ValueError, KeyError):
            return 0.0

    def out_of_memory(self) -> bool:
        """Whether the OOM killer stopped something in the group."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        try:
            text = (self.folders["memory"] / name).read_text()
        except (OSError, KeyError):
            return False
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", 0)) > 0

    def kill(self) -> None:
        for _ in range(3):
            pids = set()
            for procs in self.procs_files:
                try:
                    pids |= {int(p) for p in Path(procs).read_text().split()}
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if not pids:
                return

    def remove(self) -> None:
        self.kill()
        for folder in self.folders.values():
            try:
                folder.rmdir()
            except OSError:
                pass


def _write(path: Path, value: str) -> bool:
    try:
        path.write_text(value)
        return True
    except OSError:
        return False


def create(memory_mb: int, pids: int = 512, cpus: float = 1.0) -> Cgroup | None:
    """A new group with these limits, or None where the machine does not allow one."""
    if os.geteuid() != 0 or not ROOT.is_dir():
        return None
    name = f"coursekit-{secrets.token_hex(6)}"
    groups = _own_groups()
    unified = ROOT if (ROOT / "cgroup.controllers").exists() else ROOT / "unified"
    if "" in groups and (unified / "cgroup.controllers").exists():
        parent = unified / groups[""].lstrip("/")
        enabled = (parent / "cgroup.subtree_control").read_text().split() if (parent / "cgroup.subtree_control").exists() else []
        if {"memory", "pids", "cpu"} <= set(enabled):
            folder = parent / name
            try:
                folder.mkdir()
            except OSError:
                folder = None
            if folder is not None:
                ok = (_write(folder / "memory.max", str(memory_mb * 2**20)) and _write(folder / "pids.max", str(pids))
                      and _write(folder / "cpu.max", f"{int(cpus * 100_000)} 100000"))
                _write(folder / "memory.swap.max", "0")
                group = Cgroup({"memory": folder}, 2)
                if ok:
                    return group
                group.remove()
    folders = {}
    for controller in ("memory", "pids", "cpu"):
        if controller not in groups or not (ROOT / controller).is_dir():
            break
        folder = ROOT / controller / groups[controller].lstrip("/") / name
        try:
            folder.mkdir()
        except OSError:
            break
        folders[controller] = folder
    group = Cgroup(folders, 1)
    if len(folders) == 3 and all([
            _write(folders["memory"] / "memory.limit_in_bytes", str(memory_mb * 2**20)),
            _write(folders["pids"] / "pids.max", str(pids)),
            _write(folders["cpu"] / "cpu.cfs_period_us", "100000"),
            _write(folders["cpu"] / "cpu.cfs_quota_us", str(int(cpus * 100_000)))]):
        _write(folders["memory"] / "memory.memsw.limit_in_bytes", str(memory_mb * 2**20))
        _write(folders["memory"] / "memory.swappiness", "0")
        return group
    group.remove()
    return None


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> None:
    split = argv.index("--")
    for procs in argv[:split]:
        Path(procs).write_text(str(os.getpid()))
    command = argv[split + 1:]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
