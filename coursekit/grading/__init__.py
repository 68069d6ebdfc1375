"""What the tests in the exercises call.

The rule: never let a student's object judge itself. Every check first turns
the student's value into a *fresh, plain* Python float or ``numpy.ndarray``
(:func:`as_float`, :func:`as_array`) and only then compares it, with NumPy,
against a value the test built itself. An object that overrides ``__eq__`` or
``__bool__``, an ``ndarray`` subclass, or a list of such objects is converted
(or refused) before any comparison runs.

Every failure raises :class:`GradingError` (an ``AssertionError``, so nbgrader
counts it as a failed test) with a message that says what was expected::

    >>> assert_close([1.0, 2.0], [1.0, 2.5], name="perceptron_update(...)[0]")
    Traceback (most recent call last):
    ...
    coursekit.grading.GradingError: perceptron_update(...)[0]: 1 of 2 values differ ...

A student reads a failure without this module's own frames: in IPython (Jupyter, Colab, the
grader's kernel) importing this module registers a handler that shows a :class:`GradingError`
with the student's frames only (the test cell's line and the message); under pytest the helpers
hide themselves with ``__tracebackhide__``. A passing check returns ``None``, so it prints nothing
as the last line of a cell.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np

__all__ = ["FunctionContext", "GradingError", "as_array", "as_float", "assert_close", "assert_equal", "assert_shape",
           "assert_dtype", "reset_weights"]

_NUMERIC_KINDS = "biuf"  # bool, signed int, unsigned int, float


class GradingError(AssertionError):
    """A test failed; the message is written for the student."""


_HERE = str(Path(__file__).resolve().parent)


def _student_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without the frames of this package (the helpers' own code)."""
    frames = []
    while tb is not None:
        if not str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(_HERE):
            frames.append(tb)
        tb = tb.tb_next
    result = None
    for frame in reversed(frames):
        result = types.TracebackType(result, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    return result


def _show_grading_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: the usual error output, less this package's frames."""
    shell.showtraceback((etype, value, _student_frames(tb)), tb_offset=tb_offset)


def _register_with_ipython() -> None:
    """Show :class:`GradingError` without the helpers' frames in a running IPython (no-op elsewhere)."""
    if "IPython" not in sys.modules:
        return
    shell = sys.modules["IPython"].get_ipython()
    if shell is not None:
        shell.set_custom_exc((GradingError,), _show_grading_error)


def _framework_tensor_to_numpy(value):
    """Return a NumPy copy of a torch / TensorFlow / Keras tensor, or ``None`` if ``value`` is not one."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        # Call the base-class methods: a Tensor subclass cannot intercept them.
        return torch.Tensor.numpy(torch.Tensor.cpu(torch.Tensor.detach(value)))
    module = type(value).__module__.split(".")[0]
    if module in {"tensorflow", "keras", "tf_keras"}:
        keras = sys.modules.get("keras")
        if keras is not None and isinstance(value, keras.Variable):
            value = value.value
        return np.array(value.numpy())
    return None


def as_array(value, name: str = "value") -> np.ndarray:
    """A fresh base-class ``np.ndarray`` holding ``value``'s numbers.

    Accepts Python numbers, lists/tuples of numbers, NumPy arrays and scalars,
    and torch / TensorFlow / Keras tensors (moved to the CPU, detached).

    Raises:
        GradingError: for anything else (``None``, strings, arbitrary objects,
            ragged lists, lists of non-numbers).
    """
    __tracebackhide__ = True
    converted = _framework_tensor_to_numpy(value)
    if converted is None:
        if not isinstance(value, (bool, int, float, np.generic, np.ndarray, list, tuple)):
            raise GradingError(
                f"{name} should be a number, a list of numbers, a NumPy array or a tensor, "
                f"but it is {type(value).__name__!r}" + (" (did the function forget to return?)" if value is None else "")
            )
        converted = value
    try:
        array = np.array(converted, copy=True, subok=False)
    except (ValueError, TypeError) as err:
        raise GradingError(f"{name} could not be read as an array of numbers: {err}") from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise GradingError(f"{name} should hold numbers, but its elements are of type {array.dtype}")
    return array


def as_float(value, name: str = "value") -> float:
    """A plain Python ``float`` from a number, a 0-d/one-element array or tensor."""
    __tracebackhide__ = True
    array = as_array(value, name)
    if array.size != 1:
        raise GradingError(f"{name} should be a single number, but it has shape {array.shape}")
    return float(array.reshape(()).item())


def assert_shape(value, shape: tuple[int, ...], name: str = "value") -> None:
    """Check ``value``'s shape (use :func:`as_array` for the array itself)."""
    __tracebackhide__ = True
    array = as_array(value, name)
    if array.shape != tuple(shape):
        raise GradingError(f"{name}: expected shape {tuple(shape)}, got shape {array.shape}")


def assert_dtype(value, kind: str, name: str = "value") -> None:
    """Check the kind of numbers: ``"float"``, ``"int"`` (signed or unsigned) or ``"bool"``."""
    __tracebackhide__ = True
    kinds = {"float": "f", "int": "iu", "bool": "b"}
    array = as_array(value, name)
    if array.dtype.kind not in kinds[kind]:
        raise GradingError(f"{name}: expected {kind} numbers, got dtype {array.dtype}")


def assert_close(actual, expected, name: str = "value", rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Check ``|actual - expected| <= atol + rtol * |expected|`` element by element.

    ``expected`` is the test's own value; shapes must match exactly (no
    broadcasting) and NaN never matches.
    """
    __tracebackhide__ = True
    got = as_array(actual, name).astype(np.float64)
    want = np.array(expected, dtype=np.float64)
    if got.shape != want.shape:
        raise GradingError(f"{name}: expected shape {want.shape}, got shape {got.shape}")
    error = np.abs(got - want)
    bad = ~(error <= atol + rtol * np.abs(want))  # NaN compares False, so it is bad
    n_bad = int(np.count_nonzero(bad))
    if n_bad:
        index = np.unravel_index(int(np.argmax(np.where(np.isnan(error), np.inf, error))), want.shape)
        where = f" at index {tuple(int(i) for i in index)}" if want.ndim else ""
        raise GradingError(
            f"{name}: {n_bad} of {want.size} values differ from the expected ones "
            f"(rtol={rtol:g}, atol={atol:g}); the largest difference is{where}: "
            f"got {got[index]:.6g}, expected {want[index]:.6g}"
        )


def assert_equal(actual, expected, name: str = "value") -> None:
    """Exact equality of numbers (labels, counts); shapes must match."""
    __tracebackhide__ = True
    got = as_array(actual, name)
    want = np.array(expected)
    if got.shape != want.shape:
        raise GradingError(f"{name}: expected shape {want.shape}, got shape {got.shape}")
    bad = got != want
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise GradingError(
            f"{name}: {int(np.count_nonzero(bad))} of {want.size} values are wrong; "
            f"first at index {index}: got {got[index].item()!r}, expected {want[index].item()!r}"
        )


class FunctionContext:
    """A stand-in for the ``ctx`` of a ``torch.autograd.Function``, so that a test calls a student's
    ``forward(ctx, ...)`` and ``backward(ctx, dout)`` itself and reads the numbers the backward returns
    (autograd plays no part: an answer without its own backward cannot pass)::

        ctx = FunctionContext(needs_input_grad=(True, True, True))
        out = LinearFunction.forward(ctx, x, W, b)
        dx, dW, db = LinearFunction.backward(ctx, dout)

    Under the grader it travels to the student's kernel with the call and comes back with what the
    student's ``forward`` stored in it (saved tensors and plain attributes).
    """

    def __init__(self, needs_input_grad: tuple[bool, ...] = ()):
        self.needs_input_grad = tuple(needs_input_grad)
        self.saved_tensors = ()

    def save_for_backward(self, *tensors) -> None:
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors) -> None:
        """Accepted and ignored (the test reads the gradients the backward returns)."""

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted and ignored."""


def reset_weights(model, seed: int):
    """Give a model the test's own starting weights, drawn from ``seed``; returns ``model``.

    A test that trains a student's model and asks for an accuracy must not depend on how that model
    happened to be initialised: under the grader the model is built in the student's kernel, whose
    random state the test cannot seed (and a student's extra cells would shift it). This makes the
    start the same for every student.

    * a ``torch.nn.Module`` (the test's copy): every submodule's ``reset_parameters()`` (PyTorch's own
      initialisation), drawn under ``torch.manual_seed(seed)`` without touching the global generator;
    * a Keras model (or a handle to one): every weight of 2 or more dimensions (kernels) drawn from
      ``GlorotUniform(seed=seed + i)``, Keras's default; 1-D weights (biases, batch-norm scales and
      statistics) keep their deterministic initial values.
    """
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            for module in model.modules():
                if hasattr(module, "reset_parameters"):
                    module.reset_parameters()
        return model
    import keras

    weights = [as_array(w, "a weight of the model") for w in model.get_weights()]
    model.set_weights([np.asarray(keras.initializers.GlorotUniform(seed=seed + i)(w.shape), dtype=w.dtype)
                       if w.ndim >= 2 else w for i, w in enumerate(weights)])
    return model


_register_with_ipython()
