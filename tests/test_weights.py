"""Course checkpoints (coursekit.weights): registry, hash check at load, rebuild, CLI, wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

from coursekit import weights
from coursekit.instructor import cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_stored_checkpoint_matches_the_registry():
    assert weights.registry(), "at least one course checkpoint"
    assert weights.check() == []
    for name, record in weights.registry().items():
        assert set(record) == {"file", "sha256", "bytes", "command", "metrics"}
        assert record["command"] == f"coursekit weights build {name}"
        assert (ROOT / "coursekit/weights/recipes" / f"{name}.py").is_file()
    assert sum(r["bytes"] for r in weights.registry().values()) <= 20_000_000


def test_digits_mlp_loads_and_scores_what_the_registry_says():
    import torch

    from coursekit import data
    from coursekit.torch.mlp import mlp

    net = mlp([64, 64, 10])
    net.load_state_dict(torch.load(weights.path("digits_mlp"), weights_only=True))
    digits = data.digits()
    with torch.no_grad():
        accuracy = (net(torch.tensor(digits.X_test)).argmax(1) == torch.tensor(digits.y_test)).double().mean().item()
    assert round(accuracy, 4) == weights.registry()["digits_mlp"]["metrics"]["test_accuracy"]
    assert accuracy > 0.95


def test_rebuilding_the_smallest_checkpoint_reproduces_its_metrics(tmp_path):
    name, record = min(weights.registry().items(), key=lambda item: item[1]["bytes"])
    file, metrics = weights.run_recipe(name, tmp_path)
    assert file.name == record["file"]
    assert metrics.keys() == record["metrics"].keys()
    # The same bits on this machine; another CPU may round a few operations differently, so the
    # comparison allows a difference of 0.01 (about four of the 450 test digits).
    for key, value in record["metrics"].items():
        assert metrics[key] == pytest.approx(value, abs=0.01), key


@pytest.fixture
def stored_copy(tmp_path, monkeypatch):
    """The checkpoint folder copied to tmp_path and used instead of the real one (never modified)."""
    files = tmp_path / "files"
    shutil.copytree(weights.FILES, files)
    monkeypatch.setattr(weights, "FILES", files)
    return files


def test_missing_file_names_the_file_and_the_rebuild_command(stored_copy):
    (stored_copy / "digits_mlp.pt").unlink()
    with pytest.raises(weights.CheckpointError) as err:
        weights.path("digits_mlp")
    assert str(stored_copy / "digits_mlp.pt") in str(err.value)
    assert "is missing" in str(err.value)
    assert "coursekit weights build digits_mlp" in str(err.value)
    assert any("digits_mlp.pt is missing" in p for p in weights.check())


@pytest.mark.parametrize("change", ["flip a byte", "append a byte"])
def test_altered_file_names_the_file_and_the_rebuild_command(stored_copy, change):
    file = stored_copy / "digits_mlp.pt"
    content = bytearray(file.read_bytes())
    if change == "flip a byte":
        content[len(content) // 2] ^= 0x01  # same size, different SHA-256
    else:
        content.append(0)
    file.write_bytes(bytes(content))
    with pytest.raises(weights.CheckpointError, match="is not the registered file") as err:
        weights.path("digits_mlp")
    assert str(file) in str(err.value) and "coursekit weights build digits_mlp" in str(err.value)
    assert weights.path.__module__ == "coursekit.weights"
    assert weights.verify("digits_mlp", ROOT / "coursekit/weights/files/digits_mlp.pt").is_file(), "the real one is fine"


def test_unknown_checkpoint_is_a_checkpoint_error():
    with pytest.raises(weights.CheckpointError, match="no course checkpoint named 'nope'"):
        weights.path("nope")


def test_build_stores_the_file_and_its_registry_entry(tmp_path, monkeypatch):
    monkeypatch.setattr(weights, "FILES", tmp_path / "files")
    monkeypatch.setattr(weights, "REGISTRY", tmp_path / "registry.json")
    content = {"v": b"first"}

    def build(out_dir):
        (out_dir / "toy.bin").write_bytes(content["v"])
        return {"score": 0.5}

    monkeypatch.setattr(weights, "recipe", lambda name: types.SimpleNamespace(build=build))
    record = weights.build("toy")
    assert record["bytes"] == 5 and record["metrics"] == {"score": 0.5}
    assert record["sha256"] == "a7937b64b8caa58f03721bb6bacf5c78cb235febe0e70b1b84cd99541461a08e"  # sha256sum
    assert weights.path("toy").read_bytes() == b"first"
    content["v"] = b"second"
    weights.build("toy")
    assert weights.path("toy").read_bytes() == b"second" and list(weights.registry()) == ["toy"]

    def two_files(out_dir):
        (out_dir / "a").write_bytes(b"a")
        (out_dir / "b").write_bytes(b"b")
        return {}

    monkeypatch.setattr(weights, "recipe", lambda name: types.SimpleNamespace(build=two_files))
    with pytest.raises(weights.CheckpointError, match="exactly one file"):
        weights.build("toy")


def test_cli_check_and_unknown_recipe(capsys):
    assert cli.main(["weights", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "digits_mlp" in out
    assert cli.main(["weights", "build", "nope"]) == 2
    assert "recipes/nope.py" in capsys.readouterr().err


def test_wheel_ships_registry_recipes_and_files(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "coursekit", source / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("coursekit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name, record in weights.registry().items():
        assert f"coursekit/weights/files/{record['file']}" in names
        assert f"coursekit/weights/recipes/{name}.py" in names
    assert "coursekit/weights/registry.json" in names
