import subprocess
import sys

import numpy as np
import pytest

import coursekit


def test_import_coursekit_pulls_in_no_framework():
    code = ("import sys, coursekit, coursekit.data, coursekit.scratch.perceptron, coursekit.grading, coursekit.viz; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_setup_makes_numpy_and_torch_repeatable():
    import torch

    draws = []
    for _ in range(2):
        coursekit.setup(seed=123)
        draws.append((np.random.rand(3), torch.rand(3).numpy()))
    np.testing.assert_array_equal(draws[0][0], draws[1][0])
    np.testing.assert_array_equal(draws[0][1], draws[1][1])
    coursekit.setup(seed=124)
    assert not np.array_equal(np.random.rand(3), draws[0][0])


def test_setup_makes_keras_repeatable():
    import keras

    weights = []
    for _ in range(2):
        coursekit.setup(seed=7)
        weights.append(keras.layers.Dense(3).build((None, 4)) or keras.random.normal((2, 2)).numpy())
    np.testing.assert_array_equal(weights[0], weights[1])


def _draws(code: str) -> list[str]:
    draw = "print(np.random.rand(), torch.rand(2).tolist(), keras.random.normal((2,)).numpy().tolist(), sep='|')"
    out = subprocess.run([sys.executable, "-c", code + draw], capture_output=True, text=True, check=True).stdout
    return out.strip().split("|")


def test_setup_seeds_a_framework_imported_after_it():
    """The setup cell comes before `import torch` / `import keras`: each is seeded as it loads, and
    NumPy's global generator goes on where it was. Identical notebooks draw identical numbers (the
    exercise grader relies on it), and torch's are those of a setup after the import."""
    later = "import coursekit; coursekit.setup(5); import numpy as np; np.random.rand(); import torch, keras; "
    numpy_now, torch_now, keras_now = _draws(later)
    assert _draws(later) == [numpy_now, torch_now, keras_now]
    assert _draws("import coursekit, numpy as np, torch, keras; coursekit.setup(5); np.random.rand(); ")[:2] == [
        numpy_now, torch_now]
    unseeded = _draws("import coursekit, numpy as np; np.random.rand(); import torch, keras; ")
    assert unseeded[1] != torch_now and unseeded[2] != keras_now


def test_setup_asks_torch_for_deterministic_kernels_without_loading_its_compiler():
    code = ("import sys, coursekit; coursekit.setup(0); import torch; "
            "print(torch.are_deterministic_algorithms_enabled(), 'torch._inductor.config' in sys.modules); "
            "import torch._inductor.config as compiler; print(compiler.deterministic)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "True"]


def test_device_env_override(monkeypatch):
    monkeypatch.setenv(coursekit.runtime.DEVICE_ENV, "cpu")
    assert coursekit.setup(0) == "cpu"
    monkeypatch.setenv(coursekit.runtime.DEVICE_ENV, "tpu")
    with pytest.raises(ValueError, match="COURSEKIT_DEVICE"):
        coursekit.device()


def test_device_default_follows_torch(monkeypatch):
    import torch

    monkeypatch.delenv(coursekit.runtime.DEVICE_ENV, raising=False)
    assert coursekit.device() == ("cuda" if torch.cuda.is_available() else "cpu")
