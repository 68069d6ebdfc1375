"""coursekit.grading: conversions that trust nothing, and messages a student can act on."""

import re

import numpy as np
import pytest
import torch

from coursekit.grading import (GradingError, as_array, as_float, assert_close, assert_dtype, assert_equal, assert_shape,
                               reset_weights)


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __sub__(self, other):
        return np.zeros(np.shape(other))


def test_plain_values_pass():
    assert_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert_close(torch.tensor([1.0, 2.0], requires_grad=True), [1.0, 2.0])
    assert_close(np.float32(0.1), 0.1, rtol=1e-6)
    assert_equal(np.array([1, 0, 1]), [1, 0, 1])
    assert as_float(torch.tensor([[3.5]])) == 3.5


def test_objects_that_claim_equality_are_refused():
    with pytest.raises(GradingError, match="AlwaysEqual"):
        assert_close(AlwaysEqual(), [1.0])
    with pytest.raises(GradingError, match="should hold numbers"):
        assert_close([AlwaysEqual()], [1.0])


def test_ndarray_subclass_is_compared_by_its_numbers():
    fake = np.zeros(3).view(LyingArray)
    with pytest.raises(GradingError, match="3 of 3 values differ"):
        assert_close(fake, [1.0, 2.0, 3.0])
    with pytest.raises(GradingError):
        assert_equal(fake, [1, 2, 3])
    assert type(as_array(fake)) is np.ndarray


def test_torch_tensor_subclass_cannot_fake_its_numbers():
    class Fake(torch.Tensor):
        def numpy(self):
            return np.array([1.0, 2.0])

    fake = torch.zeros(2).as_subclass(Fake)
    with pytest.raises(GradingError):
        assert_close(fake, [1.0, 2.0])


def test_messages_say_what_was_expected():
    with pytest.raises(GradingError, match=r"w: expected shape \(2,\), got shape \(2, 1\)"):
        assert_close([[1.0], [2.0]], [1.0, 2.0], name="w")
    with pytest.raises(GradingError, match=r"got 2.5, expected 2"):
        assert_close([1.0, 2.5], [1.0, 2.0])
    with pytest.raises(GradingError, match="did the function forget to return"):
        as_float(None, name="loss")
    with pytest.raises(GradingError, match="single number"):
        as_float([1.0, 2.0])
    with pytest.raises(GradingError, match="1 of 3 values are wrong; first at index \\(1,\\): got 0, expected 1"):
        assert_equal([1, 0, 1], [1, 1, 1])


def test_nan_never_matches():
    with pytest.raises(GradingError):
        assert_close([np.nan], [np.nan])


def test_shape_and_dtype_checks():
    assert_shape(np.zeros((2, 3)), (2, 3))
    with pytest.raises(GradingError, match="expected shape"):
        assert_shape(np.zeros(3), (3, 1))
    assert_dtype(np.zeros(2, dtype=np.float32), "float")
    with pytest.raises(GradingError, match="expected int numbers, got dtype float64"):
        assert_dtype(np.zeros(2), "int")
    with pytest.raises(GradingError, match="'str'"):
        as_array("1.0")


def test_keras_values_are_converted():
    import coursekit  # noqa: F401
    import keras

    assert_close(keras.Variable([1.0, 2.0]), [1.0, 2.0])
    assert_close(keras.ops.convert_to_tensor([3.0]), [3.0])


def test_passing_checks_return_nothing_to_print():
    assert assert_shape(np.zeros((2, 3)), (2, 3)) is None
    assert assert_dtype(np.zeros(2), "float") is None
    assert assert_close(1.0, 1.0) is None and assert_equal(1, 1) is None


def test_a_student_sees_the_message_not_the_grading_library():
    """In a Jupyter kernel a failed check is an error output (nbgrader counts it) whose traceback shows
    the test cell's line and the message, and no frame of coursekit.grading; a passing check shows nothing."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in [
        "import numpy as np\nfrom coursekit.grading import assert_close, assert_shape",
        "assert_shape(np.zeros(3), (3,), name='db')",
        "x = 1\nassert_close(np.array([1.0, 2.0]), [1.0, 2.5], name='db for a batch')",
        "def student():\n    return [1.0] + None\nstudent()",
    ]])
    NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3").execute()
    passing, failing, other = nb.cells[1], nb.cells[2], nb.cells[3]
    assert passing.outputs == []
    [error] = failing.outputs
    assert error.output_type == "error" and error.ename == "GradingError"
    assert "db for a batch: 1 of 2 values differ" in error.evalue
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))
    assert "assert_close(np.array([1.0, 2.0])" in text, "the test cell's line is shown"
    assert "grading" not in text.replace("coursekit.grading import", "").replace("GradingError", ""), text
    assert len(text.splitlines()) <= 8, text
    [error] = other.outputs
    assert error.ename == "TypeError" and "student()" in "\n".join(error.traceback), "other errors keep their frames"


def test_reset_weights_gives_every_torch_model_the_same_start():
    made = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        made.append(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Conv1d(4, 2, 3)))
    before = torch.get_rng_state()
    for model in made:
        assert reset_weights(model, seed=7) is model
    assert torch.equal(torch.get_rng_state(), before), "the global generator is left as it was"
    torch.manual_seed(7)
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Conv1d(4, 2, 3))
    for model in made:  # PyTorch's own initialisation under that seed
        for p, q in zip(model.parameters(), fresh.parameters()):
            assert torch.equal(p, q)


def test_reset_weights_gives_every_keras_model_glorot_kernels_and_keeps_biases():
    import keras

    def model(seed, kernel_initializer="glorot_uniform"):
        keras.utils.set_random_seed(seed)
        return keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, kernel_initializer=kernel_initializer,
                                                                       bias_initializer="ones"),
                                 keras.layers.BatchNormalization()])

    a, b = reset_weights(model(1), seed=4), reset_weights(model(2), seed=4)
    reference = model(0, keras.initializers.GlorotUniform(seed=4))  # Keras's default initialiser, seeded
    for x, y, z in zip(a.get_weights(), b.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    assert not np.array_equal(a.get_weights()[0], model(1).get_weights()[0])
