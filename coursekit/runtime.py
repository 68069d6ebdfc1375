"""Reproducibility and device selection.

``setup(seed)`` is the first line of every notebook in the course. It makes a
run repeatable on the same machine:

* seeds Python's ``random``, NumPy's legacy global generator, and PyTorch and
  Keras/TensorFlow: at once if they are imported already, else as their import
  finishes (``import torch`` or ``import keras`` in a later cell), so the setup
  cell may come first, as it does on every page. A framework seeded on import gets
  only its own generators reset; Python's and NumPy's go on where they were;
* switches PyTorch and TensorFlow to deterministic kernels;
* silences TensorFlow's start-up log lines;
* in a Jupyter kernel, sets the course's figure style (:func:`coursekit.viz.style`);
* with ``COURSEKIT_THREADS=N`` in the environment (the tests and ``make bench`` set 1),
  limits every compute library to N threads: OpenMP, MKL, OpenBLAS and PyTorch through
  their environment variables (set when ``coursekit`` is imported, so a kernel started
  from that environment inherits them) and ``torch.set_num_threads`` / TensorFlow's
  intra- and inter-op pools for frameworks already loaded. Unset (students at home),
  every library keeps all cores;
* picks the compute device: ``"cuda"`` when PyTorch sees a GPU, else ``"cpu"``.
  The environment variable ``COURSEKIT_DEVICE`` (``cpu`` or ``cuda``) overrides it.

New code should still draw randomness from an explicit generator
(``np.random.default_rng(seed)``); the global seeds are a safety net for library
code that does not take one.
"""

from __future__ import annotations

import os
import random
import sys

DEVICE_ENV = "COURSEKIT_DEVICE"
THREADS_ENV = "COURSEKIT_THREADS"


def threads() -> int | None:
    """The thread limit ``COURSEKIT_THREADS`` asks for, or ``None`` (unset, empty or 0: no limit)."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value or value == "0":
        return None
    if not value.isdigit():
        raise ValueError(f"{THREADS_ENV}={value!r}: expected a number of threads")
    return int(value)


def thread_env(n: int) -> dict[str, str]:
    """The environment variables that limit OpenMP, BLAS, PyTorch and TensorFlow to ``n`` threads.

    They take effect in processes started with them (notebook kernels, test workers),
    and in this one for libraries not yet loaded.
    """
    names = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
             "TF_NUM_INTEROP_THREADS", THREADS_ENV)
    return {name: str(n) for name in names}


if threads():  # before NumPy loads OpenBLAS
    os.environ.update(thread_env(threads()))

import numpy as np  # noqa: E402

_state: dict[str, int | None] = {"seed": None}

# Must be set before TensorFlow is imported to take effect; harmless otherwise.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # errors only
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # plain kernels: the same numbers on every CPU
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# cuBLAS needs this for deterministic matrix products on a GPU.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def _load_triton_before_tensorflow() -> None:
    """Avoid a crash when one process uses both frameworks.

    PyTorch's Linux wheels bring ``triton``, which torch loads lazily (the first
    ``torch.optim`` optimizer does). If TensorFlow was loaded before, the two
    copies of LLVM they carry collide and the process dies with a segmentation
    fault. Loading triton first (about 0.3 s, and neither torch nor TensorFlow)
    avoids that, so a notebook may run its Keras cells before its PyTorch ones.
    """
    from importlib.util import find_spec

    if "tensorflow" not in sys.modules and find_spec("triton") and find_spec("tensorflow"):
        import triton  # noqa: F401


_load_triton_before_tensorflow()


def setup(seed: int = 0) -> str:
    """Seed every random generator in use and return the device name.

    Args:
        seed: the seed for Python, NumPy, PyTorch and Keras.

    Returns:
        ``"cuda"`` or ``"cpu"`` (see :func:`device`).
    """
    _state["seed"] = int(seed)
    if not any(isinstance(finder, _SeedOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SeedOnImport())
    limit_threads()
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        seed_torch(seed)
    if "keras" in sys.modules or "tensorflow" in sys.modules:
        seed_keras(seed)
    if "ipykernel" in sys.modules:  # a notebook (book page or exercise): sharp 2x figures
        from coursekit import viz

        viz.style()
    return device()


class _SeedOnImport:
    """A finder on ``sys.meta_path`` that seeds PyTorch or Keras as soon as its first import finishes.

    :func:`setup` installs it after setting the seed. It finds the module with the other finders
    and wraps its loader's ``exec_module``; once the framework has loaded, the seed is applied to it.
    """

    def find_spec(self, name, path=None, target=None):
        seeder = _SEED_ON_IMPORT.get(name)
        if seeder is None:
            return None
        spec = next((found for finder in sys.meta_path if finder is not self and hasattr(finder, "find_spec")
                     for found in [finder.find_spec(name, path, target)] if found is not None), None)
        if spec is None or not hasattr(spec.loader, "exec_module"):
            return spec
        load = spec.loader.exec_module

        def load_and_seed(module):
            load(module)
            seeder(_state["seed"])

        spec.loader.exec_module = load_and_seed
        return spec


def _seed_keras_only(seed: int) -> None:
    """:func:`seed_keras` for Keras and TensorFlow alone: Python's and NumPy's generators go on as they were."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    seed_keras(seed)
    random.setstate(python_state)
    np.random.set_state(numpy_state)


def current_seed() -> int | None:
    """The seed passed to the last :func:`setup` call, or ``None``."""
    return _state["seed"]


def limit_threads() -> None:
    """Apply ``COURSEKIT_THREADS`` to PyTorch and TensorFlow if they are loaded (no-op when unset)."""
    n = threads()
    if n is None:
        return
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(n)
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        try:  # possible only before TensorFlow runs its first operation; the environment covers the rest
            tf.config.threading.set_intra_op_parallelism_threads(n)
            tf.config.threading.set_inter_op_parallelism_threads(n)
        except RuntimeError:
            pass


def seed_torch(seed: int) -> None:
    """Seed PyTorch on every device and ask for deterministic kernels."""
    import torch

    torch.manual_seed(seed)
    if "torch._inductor.config" in sys.modules:
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:  # the same, without importing the compiler (1.5 s): its flag comes from the environment when it loads
        os.environ["TORCHINDUCTOR_DETERMINISTIC"] = "1"
        torch._C._set_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False


def seed_keras(seed: int) -> None:
    """Seed Keras (and through it TensorFlow, NumPy and Python) deterministically."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    try:
        tf.config.experimental.enable_op_determinism()
    except RuntimeError:  # pragma: no cover - already initialised differently
        pass


#: what :class:`_SeedOnImport` applies when a framework loads after :func:`setup`
_SEED_ON_IMPORT = {"torch": seed_torch, "keras": _seed_keras_only}


def device() -> str:
    """The device the course's PyTorch code runs on.

    ``COURSEKIT_DEVICE`` wins when set; otherwise ``"cuda"`` if PyTorch is
    installed and sees a GPU, else ``"cpu"``. Keras/TensorFlow place work on a
    GPU by themselves when one is visible.

    Raises:
        ValueError: if ``COURSEKIT_DEVICE`` names something other than cpu/cuda.
    """
    wanted = os.environ.get(DEVICE_ENV, "").strip().lower()
    if wanted:
        if wanted not in {"cpu", "cuda"} and not wanted.startswith("cuda:"):
            raise ValueError(f"{DEVICE_ENV}={wanted!r}: expected 'cpu', 'cuda' or 'cuda:N'")
        return wanted
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"
