"""Course checkpoints: trained weights stored in the repository, checked before use.

A page whose lesson needs a model trained longer than the notebook budget (45 s) allows
trains briefly live and then loads a course checkpoint::

    from coursekit import weights

    state = torch.load(weights.path("digits_mlp"))      # verified file, or CheckpointError

Three places make one checkpoint ``NAME``:

* ``coursekit/weights/recipes/NAME.py``: ``build(out_dir: Path) -> dict`` trains the model,
  writes exactly one file into ``out_dir`` and returns the metrics to store (plain numbers);
* ``coursekit/weights/files/``: the stored file;
* ``coursekit/weights/registry.json``: ``NAME -> {"file", "sha256", "bytes", "command", "metrics"}``.

``coursekit weights build NAME`` runs the recipe and updates the file and the registry;
``coursekit weights check`` verifies every stored file against the registry. All checkpoints
together stay under :data:`TOTAL_BYTES_LIMIT`. Importing this module imports no framework.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTRY = HERE / "registry.json"
FILES = HERE / "files"
#: all checkpoints together (20 MB), so the repository and the wheel stay small
TOTAL_BYTES_LIMIT = 20_000_000


class CheckpointError(RuntimeError):
    """A course checkpoint is unknown, missing, or not the file the registry describes."""


def command(name: str) -> str:
    """The shell command that (re)builds checkpoint ``name``."""
    return f"coursekit weights build {name}"


def registry() -> dict[str, dict]:
    """The registry: ``NAME -> {"file", "sha256", "bytes", "command", "metrics"}``."""
    return json.loads(REGISTRY.read_text()) if REGISTRY.is_file() else {}


def sha256(file: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry(name: str) -> dict:
    """The registry entry of ``name``; raises :class:`CheckpointError` if there is none."""
    entries = registry()
    if name not in entries:
        known = ", ".join(sorted(entries)) or "none"
        raise CheckpointError(f"no course checkpoint named {name!r} (known: {known}); "
                              f"add coursekit/weights/recipes/{name}.py and run `{command(name)}`")
    return entries[name]


def verify(name: str, file: Path | None = None) -> Path:
    """Check ``file`` (default: the stored file of ``name``) against the registry and return it.

    Raises:
        CheckpointError: naming the file and the command that rebuilds it, when the file
            is missing or its size or SHA-256 differs from the registry's.
    """
    record = entry(name)
    file = Path(file) if file is not None else FILES / record["file"]
    rebuild = f"rebuild it with `{record.get('command', command(name))}`"
    if not file.is_file():
        raise CheckpointError(f"course checkpoint {name!r}: {file} is missing; {rebuild}")
    size, digest = file.stat().st_size, sha256(file)
    if size != record["bytes"] or digest != record["sha256"]:
        raise CheckpointError(f"course checkpoint {name!r}: {file} is not the registered file "
                              f"({size} bytes, SHA-256 {digest[:12]}…; the registry says {record['bytes']} "
                              f"bytes, {record['sha256'][:12]}…); {rebuild}")
    return file


def path(name: str) -> Path:
    """The stored, verified file of checkpoint ``name`` (see :func:`verify` for the errors)."""
    return verify(name)


def recipe(name: str):
    """The recipe module ``coursekit.weights.recipes.<name>`` (it has ``build(out_dir) -> dict``)."""
    try:
        return importlib.import_module(f"coursekit.weights.recipes.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"coursekit.weights.recipes.{name}":
            raise
        raise CheckpointError(f"no recipe coursekit/weights/recipes/{name}.py for checkpoint {name!r}") from None


def run_recipe(name: str, out_dir: Path) -> tuple[Path, dict]:
    """Run the recipe of ``name`` into the empty folder ``out_dir``: ``(the file it wrote, its metrics)``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = recipe(name).build(out_dir)
    written = sorted(p for p in out_dir.iterdir() if p.is_file())
    if len(written) != 1:
        raise CheckpointError(f"recipe {name!r} must write exactly one file, wrote {[p.name for p in written]}")
    return written[0], json.loads(json.dumps(metrics))  # plain JSON numbers, as the registry stores them


def build(name: str) -> dict:
    """Run the recipe of ``name``, store its file in ``files/`` and its entry in the registry.

    Returns:
        the new registry entry.
    """
    with tempfile.TemporaryDirectory() as tmp:
        file, metrics = run_recipe(name, Path(tmp))
        others = sum(e["bytes"] for n, e in registry().items() if n != name)
        if others + file.stat().st_size > TOTAL_BYTES_LIMIT:
            raise CheckpointError(f"{file.name} ({file.stat().st_size} bytes) would take the course checkpoints "
                                  f"over {TOTAL_BYTES_LIMIT} bytes")
        FILES.mkdir(exist_ok=True)
        shutil.copyfile(file, FILES / file.name)
        record = {"file": file.name, "sha256": sha256(file), "bytes": file.stat().st_size,
                  "command": command(name), "metrics": metrics}
    entries = registry()
    old = entries.get(name, {}).get("file")
    if old and old != record["file"]:
        (FILES / old).unlink(missing_ok=True)
    entries[name] = record
    REGISTRY.write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n")
    return record


def check() -> list[str]:
    """Problems with the stored checkpoints (empty when every file matches the registry)."""
    problems = []
    for name in registry():
        try:
            verify(name)
        except CheckpointError as err:
            problems.append(str(err))
    registered = {e["file"] for e in registry().values()}
    problems += [f"{p} is not in coursekit/weights/registry.json"
                 for p in sorted(FILES.iterdir()) if p.is_file() and p.name not in registered] if FILES.is_dir() else []
    total = sum(e["bytes"] for e in registry().values())
    if total > TOTAL_BYTES_LIMIT:
        problems.append(f"course checkpoints take {total} bytes, more than {TOTAL_BYTES_LIMIT}")
    return problems


def main(action: str, names: list[str]) -> int:
    """``coursekit weights build NAME ...`` / ``coursekit weights check``: print and return an exit code."""
    if action == "build":
        for name in names:
            record = build(name)
            print(f"built {name}: files/{record['file']} ({record['bytes']} bytes, "
                  f"sha256 {record['sha256'][:12]}…) metrics {record['metrics']}")
        return 0
    problems = check()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else f"ok: {', '.join(registry()) or 'no checkpoints'}")
    return 1 if problems else 0
