"""The trusted test process: runs the instructor's cells and test cells, never student code.

Started by the grader (``python -m coursekit.instructor.trusted``) next to each student's
kernel; it talks to the grader only, over its own stdin/stdout (one JSON message a line):

* grader → here: ``{"op": "run", "source": ..., "test": bool}``; here → grader, at the end:
  ``{"op": "done", "ok": bool, "ename", "evalue", "line", "stdout"}``;
* while a cell runs, here → grader: ``{"op": "remote", "request": "<json>", "stdout": ...}``,
  answered by ``{"op": "reply", "data": "<json>"}`` (or ``{"op": "reply", "error": ...}``): the
  grader runs the request in the student's kernel (:mod:`coursekit.instructor.agent`).

A name that the instructor's cells did not define and that is not a builtin is looked up in
the student's kernel (:class:`Namespace`). Plain data comes back as fresh plain objects
(numbers, strings, lists, dicts, NumPy arrays, torch tensors; standard ``torch.nn`` modules and
optimizers are rebuilt here from their numbers); anything else becomes a :class:`Remote`
handle whose attributes and calls are evaluated in the student's kernel again. Arguments to
student functions travel as a pickle (trusted data); arrays, tensors, torch optimizers and Keras
models passed in are *mirrored*: what the student's function did to them is applied here after the
call (an optimizer's state and plain settings come back as data, its tensors as fresh tensors).
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import io
import json
import os
import pickle
import sys
import time
import traceback
import warnings
import weakref

import numpy as np

from coursekit.instructor import wire


class RemoteError(Exception):
    """An exception raised by student code that is not a builtin exception."""


class ProtocolError(Exception):
    """The student's kernel answered something that is not a valid reply."""


class CarryError(TypeError):
    """A test passed something to student code that cannot be carried there."""


# ----------------------------------------------------------------------------- the channel

class Channel:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.stdout = io.StringIO()
        self.hidden_from: int | None = None  #: the test cell's first hidden line (its ``### BEGIN HIDDEN TESTS``)

    def in_hidden_part(self) -> bool:
        """Whether the test cell is running one of its hidden lines (its outermost frame is past the marker)."""
        if self.hidden_from is None:
            return False
        frame, line = sys._getframe(1), None
        while frame is not None:
            if frame.f_code.co_filename == "<test cell>":
                line = frame.f_lineno
            frame = frame.f_back
        return line is not None and line >= self.hidden_from

    def send(self, message: dict) -> None:
        self.writer.write(json.dumps(message) + "\n")
        self.writer.flush()

    def receive(self) -> dict:
        line = self.reader.readline(wire.MAX_REPLY_BYTES + 1024)
        if not line:
            sys.exit(0)
        return json.loads(line)

    def request(self, request: dict) -> dict:
        printed, self.stdout = self.stdout.getvalue(), io.StringIO()
        sys.stdout = self.stdout
        hidden = self.in_hidden_part()
        self.send({"op": "remote", "request": json.dumps(request), "stdout": printed, "hidden": hidden})
        message = self.receive()
        if message.get("error"):
            raise ProtocolError(message["error"])
        data = message.get("data")
        if not isinstance(data, str) or len(data) > wire.MAX_REPLY_BYTES:
            raise ProtocolError("no reply, or a reply that is too large")
        try:
            reply = json.loads(data)
        except (ValueError, RecursionError):
            raise ProtocolError("the reply is not valid JSON") from None
        if not isinstance(reply, dict):
            raise ProtocolError("the reply is not an object")
        if "error" in reply:
            raise _student_exception(reply["error"], hidden)
        return reply


CHANNEL: Channel | None = None


def _student_exception(error, hidden: bool = False) -> BaseException:
    """The student's exception as a trusted one; during a hidden test only its type (its message and
    traceback could show the hidden test's arguments on the feedback page)."""
    if not isinstance(error, dict):
        return ProtocolError("malformed error")
    name, message = str(error.get("type", "Exception"))[:100], str(error.get("message", ""))[:4000]
    tb = str(error.get("traceback", ""))[:4000]
    if hidden:
        message, tb = "raised by your code during a hidden test (its message is not shown)", ""
    cls = getattr(builtins, name, None)
    text = f"{message}\n(raised in your code; its traceback:)\n{tb}" if tb else message
    if isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins":
        try:
            return cls(text)
        except Exception:  # noqa: BLE001 - an exception class with other arguments
            pass
    return RemoteError(f"{name}: {text}")


# ----------------------------------------------------------------------------- values from the student

MAX_NODES = 2_000_000        #: values (list items, dict entries, ...) one reply may hold
MAX_ARRAY_BYTES = 256 * 2**20  #: bytes of the arrays and tensors one reply may hold, decoded
DECODE_SECONDS = 20.0        #: CPU-free time budget for decoding one reply
SMALL_INT = 2**31            #: an int dict key must lie in [-SMALL_INT, SMALL_INT) (its hash is itself)


class _Budget:
    """What decoding one reply may cost: nodes, array bytes and time (the student sizes the reply)."""

    def __init__(self):
        self.nodes, self.bytes, self.deadline = 0, 0, time.monotonic() + DECODE_SECONDS

    def node(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ProtocolError(f"a reply of more than {MAX_NODES} values")
        if self.nodes % 1024 == 0 and time.monotonic() > self.deadline:
            raise ProtocolError(f"a reply that takes more than {DECODE_SECONDS:g} s to read")

    def array(self, text) -> np.ndarray:
        array = wire.load_array(str(text))
        self.bytes += array.nbytes
        if self.bytes > MAX_ARRAY_BYTES:
            raise ProtocolError("a reply with too many numbers")
        return array


def decode(value, mirrors: dict | None = None, budget: _Budget | None = None, depth: int = 0):
    """A fresh, plain trusted object from the wire format (see :mod:`coursekit.instructor.wire`),
    within a :class:`_Budget` (a new one unless given)."""
    budget = _Budget() if budget is None else budget
    budget.node()
    if depth > 60:
        raise ProtocolError("nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        raise ProtocolError("untagged list")
    if type(value) is not dict or len(value) < 1:
        raise ProtocolError("malformed value")
    tag = next(iter(value))
    body = value[tag]
    if tag == "$f":
        return float(str(body)) if str(body) in ("nan", "inf", "-inf") else _bad(tag)
    if tag in ("$l", "$t"):
        items = [decode(v, mirrors, budget, depth + 1) for v in _list(body)]
        return items if tag == "$l" else tuple(items)
    if tag == "$d":
        result = {}
        for pair in _list(body):
            key, item = _list(pair)
            key = decode(key, mirrors, budget, depth + 1)
            if not (type(key) is str or type(key) is int and -SMALL_INT <= key < SMALL_INT):
                raise ProtocolError("a dict key that is neither a string nor a small int")
            result[key] = decode(item, mirrors, budget, depth + 1)
        return result
    if tag == "$a":
        return budget.array(body)
    if tag == "$s":
        return budget.array(body)[()]
    if tag == "$torch":
        return _tensor(value, mirrors or {}, budget)
    if tag == "$module":
        return _module(body, budget, depth)
    if tag == "$torchopt":
        return _torch_optimizer(body, mirrors or {}, budget)
    if tag == "$kopt":
        return _keras_optimizer(body, budget)
    if tag == "$h":
        if type(body) is not int:
            raise ProtocolError("bad handle")
        return Remote(body, str(value.get("type", "object"))[:200], bool(value.get("callable")))
    return _bad(tag)


def _bad(tag):
    raise ProtocolError(f"unknown tag {tag!r}")


def _list(value) -> list:
    if type(value) is not list:
        raise ProtocolError("expected a list")
    return value


def _torch():
    import torch

    return torch


_REMOTE_FUNCTION = None


def _remote_function():
    """A trusted ``autograd.Function`` that carries the student's Jacobians into the test's graph.

    Its backward node is always ``RemoteFunctionBackward``: the name of the student's node is metadata
    the kernel writes, so a test checks a custom backward by the numbers it produces instead."""
    global _REMOTE_FUNCTION
    torch = _torch()
    if _REMOTE_FUNCTION is None:
        def forward(ctx, value, jacobians, *inputs):
            ctx.jacobians, ctx.shapes = jacobians, [(t.shape, t.dtype) for t in inputs]
            return value.clone()

        def backward(ctx, grad):
            flat = grad.reshape(-1)
            return (None, None) + tuple(
                None if jac is None else (flat.to(jac.dtype) @ jac).reshape(shape).to(dtype)
                for jac, (shape, dtype) in zip(ctx.jacobians, ctx.shapes))

        _REMOTE_FUNCTION = type("RemoteFunction", (torch.autograd.Function,),
                                {"forward": staticmethod(forward), "backward": staticmethod(backward)})
    return _REMOTE_FUNCTION


def _tensor(value: dict, mirrors: dict, budget: _Budget | None = None):
    torch = _torch()
    budget = _Budget() if budget is None else budget
    array = budget.array(value["$torch"])
    tensor = torch.from_numpy(array.copy())
    dtype = getattr(torch, str(value.get("dtype", "")), None)
    if isinstance(dtype, torch.dtype) and dtype != tensor.dtype:
        tensor = tensor.to(dtype)
    jacobians = value.get("jacobians")
    if jacobians:
        inputs, matrices = [], []
        for key, text in _list(jacobians):
            target = mirrors.get(key) if type(key) is int else None
            target = target() if isinstance(target, weakref.ref) else target
            if not isinstance(target, torch.Tensor):
                raise ProtocolError("a Jacobian for an unknown input")
            matrix = torch.from_numpy(budget.array(text).copy())
            if tuple(matrix.shape) != (tensor.numel(), target.numel()):
                raise ProtocolError("a Jacobian of the wrong shape")
            inputs.append(target)
            matrices.append(matrix.to(target.dtype))
        return _remote_function().apply(tensor, matrices, *inputs)
    return tensor


#: packages whose ``nn.Module`` classes are rebuilt here from their numbers (the trusted side's own code)
MODULE_PACKAGES = ("torch.nn", "coursekit.torch", "coursekit.models")


def _module_class(body: dict):
    torch = _torch()
    name, where = str(body.get("class")), str(body.get("module", "torch.nn"))
    if where == "torch.nn":
        cls = getattr(torch.nn, name, None)
    elif any(where == p or where.startswith(p + ".") for p in MODULE_PACKAGES[1:]):
        import importlib

        try:
            cls = getattr(importlib.import_module(where), name, None)
        except ImportError:
            cls = None
    else:
        cls = None
    if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
        raise ProtocolError("not a torch.nn or course module")
    return cls


def _module(body, budget: _Budget | None = None, depth: int = 0):
    torch = _torch()
    budget = _Budget() if budget is None else budget
    if type(body) is not dict or depth > 60:
        raise ProtocolError("bad module")
    cls = _module_class(body)
    module = cls.__new__(cls)
    torch.nn.Module.__init__(module)
    attributes = decode(body.get("attributes", {"$d": []}), None, budget, depth + 1)
    if type(attributes) is not dict:
        raise ProtocolError("bad module attributes")
    for name, item in attributes.items():
        if type(name) is not str or name.startswith("__") or name in ("_parameters", "_buffers", "_modules"):
            raise ProtocolError("bad module attribute")
        if type(item) not in (bool, int, float, str, type(None), tuple, list):
            raise ProtocolError("bad module attribute")
        module.__dict__[name] = item
    for field in ("parameters", "buffers", "children"):
        if type(body.get(field) or {}) is not dict:
            raise ProtocolError("bad module")
    for name, parameter in dict(body.get("parameters") or {}).items():
        budget.node()
        module._parameters[str(name)] = None if parameter is None else torch.nn.Parameter(
            _tensor(dict(parameter)["data"], {}, budget), bool(parameter.get("rg", True)))
    for name, buffer in dict(body.get("buffers") or {}).items():
        budget.node()
        module._buffers[str(name)] = None if buffer is None else _tensor(dict(buffer), {}, budget)
    for name, child in dict(body.get("children") or {}).items():
        budget.node()
        module._modules[str(name)] = None if child is None else _module(dict(child).get("$module"), budget,
                                                                          depth + 1)
    return module


def _plain_options(encoded, budget: _Budget | None = None) -> dict:
    options = decode(encoded, None, budget)
    if type(options) is not dict or not all(type(k) is str for k in options):
        raise ProtocolError("bad options")
    for item in options.values():
        if type(item) not in (bool, int, float, str, type(None), tuple, list):
            raise ProtocolError("bad option")
    return options


def _torch_optimizer(body: dict, mirrors: dict, budget: _Budget | None = None):
    torch = _torch()
    cls = getattr(torch.optim, str(body.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise ProtocolError("not a torch.optim optimizer")
    groups, states = [], []
    for group in _list(body.get("groups")):
        params = []
        for key in _list(group["params"]):
            target = mirrors.get(key) if type(key) is int else None
            if not isinstance(target, torch.Tensor):
                raise ProtocolError("an optimizer of unknown tensors")
            params.append(target)
        states += [(p, s) for p, s in zip(params, _list(group.get("state", [None] * len(params))))]
        groups.append({"params": params, **_plain_options(group["options"], budget)})
    import inspect

    accepted = inspect.signature(cls.__init__).parameters
    defaults = {k: v for k, v in groups[0].items() if k in accepted and k != "params"} if groups else {}
    for group in groups:
        for key in [k for k in group if k != "params" and k not in accepted]:
            del group[key]
    optimizer = cls(groups, **defaults)
    for param, state in states:
        if state is not None:
            state = decode(state, None, budget)
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise ProtocolError("bad optimizer state")
            optimizer.state[param].update(state)
    return optimizer


def _keras_optimizer(body: dict, budget: _Budget | None = None):
    import keras

    cls = getattr(keras.optimizers, str(body.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer)):
        raise ProtocolError("not a Keras optimizer")
    return cls.from_config(_plain_options(body.get("config"), budget))


# ----------------------------------------------------------------------------- values to the student

class _Pickler(pickle.Pickler):
    """Pickles the test's arguments; handles go by id, arrays/tensors/optimizers/Keras models are mirrored."""

    def __init__(self, file):
        super().__init__(file, protocol=4)
        self.mirrors: dict[int, object] = {}
        self._seen: dict[int, int] = {}
        self._payloads: list = []  # the copies inside persistent ids: pickled as they are
        self._payload_ids: set[int] = set()

    def _payload(self, obj):
        self._payloads.append(obj)
        self._payload_ids.add(id(obj))
        return obj

    def persistent_id(self, obj):
        if id(obj) in self._payload_ids:
            return None
        if isinstance(obj, Remote):
            return ("h", object.__getattribute__(obj, "_ref"))
        kind = None
        torch, keras = sys.modules.get("torch"), sys.modules.get("keras")
        if type(obj) is np.ndarray:
            kind = "array"
        elif torch is not None and isinstance(obj, torch.Tensor):
            kind = "tensor"
        elif torch is not None and isinstance(obj, torch.optim.Optimizer):
            kind = "optimizer"
        elif keras is not None and isinstance(obj, keras.Model):
            kind = "keras"
        elif type(obj) is _context_class():
            kind = "context"
        if kind is None:
            return None
        if id(obj) in self._seen:
            return (kind + "-again", self._seen[id(obj)])
        key = len(self.mirrors)
        self._seen[id(obj)] = key
        self.mirrors[key] = obj
        if kind == "array":
            return ("array", key, self._payload(obj.copy()))
        if kind == "tensor":
            grad = None if obj.grad is None else self._payload(obj.grad.detach().clone())
            return ("tensor", key, self._payload(obj.detach().clone()), bool(obj.requires_grad),
                    isinstance(obj, torch.nn.Parameter), grad)
        if kind in ("optimizer", "context"):  # pickled as it is; its tensors are mirrored
            return (kind, key, self._payload(obj))
        return ("keras", key, pickle.dumps(obj))


def _pickle(value) -> tuple[str, dict]:
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        raise CarryError(f"a test can pass to your code only data, tensors, models and objects that came from "
                         f"your code ({err})") from None
    return base64.b64encode(buffer.getvalue()).decode("ascii"), pickler.mirrors


def _apply_changes(changes, mirrors: dict) -> None:
    """Apply what the student's function did to the test's own arguments (see ``agent._changes``)."""
    torch = sys.modules.get("torch")
    for key, entry in _list(changes):
        target = mirrors.get(key) if type(key) is int else None
        if target is None or type(entry) is not dict:
            raise ProtocolError("a change to an unknown argument")
        if isinstance(target, np.ndarray):
            data = np.asarray(decode(entry.get("data")))
            if data.shape == target.shape and target.flags.writeable:
                np.copyto(target, data, casting="unsafe")
        elif torch is not None and isinstance(target, torch.Tensor):
            if "data" in entry:
                data = decode(entry["data"])
                if isinstance(data, torch.Tensor) and data.shape == target.shape:
                    with torch.no_grad():
                        target.copy_(data)
            if "grad" in entry:
                grad = decode(entry["grad"]) if entry["grad"] is not None else None
                if grad is None or isinstance(grad, torch.Tensor) and grad.shape == target.shape:
                    target.grad = None if grad is None else grad.to(target.dtype)
        elif torch is not None and isinstance(target, torch.optim.Optimizer):
            _apply_optimizer(target, entry, mirrors)
        elif type(target) is _context_class():
            _apply_context(target, entry)
        elif "weights" in entry:
            weights = decode(entry["weights"])
            current = target.get_weights()
            if type(weights) is list and len(weights) == len(current) and all(
                    isinstance(w, np.ndarray) and w.shape == c.shape for w, c in zip(weights, current)):
                target.set_weights(weights)


def _context_class():
    from coursekit.grading import FunctionContext

    return FunctionContext


def _apply_context(context, entry: dict) -> None:
    """What the student's ``forward`` stored in a :class:`~coursekit.grading.FunctionContext`: plain data
    and tensors only (a handle or anything else is refused)."""
    values = decode(entry.get("vars"))
    torch = sys.modules.get("torch")

    def plain(value) -> bool:
        if type(value) in (bool, int, float, str, type(None)) or torch is not None and type(value) is torch.Tensor:
            return True
        return type(value) in (tuple, list) and all(plain(v) for v in value)

    if type(values) is not dict or not all(type(k) is str and not k.startswith("__") and plain(v)
                                           for k, v in values.items()):
        raise ProtocolError("a function context holding something other than tensors and plain data")
    context.__dict__.clear()
    context.__dict__.update(values)
    context.saved_tensors = tuple(context.__dict__.get("saved_tensors", ()))


def _apply_optimizer(optimizer, entry: dict, mirrors: dict) -> None:
    """A torch optimizer's state (per parameter) and group settings after the student's call."""
    torch = _torch()
    params = {id(p) for group in optimizer.param_groups for p in group["params"]}
    state = {}
    for pair in _list(entry.get("state")):
        key, encoded = _list(pair)
        param = mirrors.get(key) if type(key) is int else None
        if not isinstance(param, torch.Tensor) or id(param) not in params:
            raise ProtocolError("optimizer state for an unknown tensor")
        values = decode(encoded)
        if type(values) is not dict or not all(
                type(k) is str and (type(v) in (bool, int, float, type(None)) or type(v) is torch.Tensor)
                for k, v in values.items()):
            raise ProtocolError("bad optimizer state")
        state[param] = values
    groups = [_plain_options(options) for options in _list(entry.get("groups"))]
    if len(groups) != len(optimizer.param_groups):
        raise ProtocolError("optimizer groups changed")
    optimizer.state.clear()
    optimizer.state.update(state)
    for group, options in zip(optimizer.param_groups, groups):
        group.update({k: v for k, v in options.items() if k in group and k != "params"})


def _environment() -> dict:
    env = {"errstate": {k: v for k, v in np.geterr().items()}, "warnings": []}
    for action, message, category, module, _ in warnings.filters[:8]:
        if message is None and module is None and category.__module__ == "builtins":
            env["warnings"].append([action, category.__name__])
    torch = sys.modules.get("torch")
    if torch is not None:
        env["grad"] = bool(torch.is_grad_enabled())
    return env


def _ask(op: str, **fields):
    return CHANNEL.request({"op": op, **fields})


def _carry(op: str, ref: int, args: tuple, kwargs: dict):
    payload, mirrors = _pickle((args, kwargs))
    reply = _ask(op, ref=ref, args=payload, env=_environment())
    _apply_changes(reply.get("changed", []), mirrors)
    return decode(reply.get("value"), mirrors)


_ITEMS: dict[int, list] = {}  # handle -> its items, read once


def _items(remote: "Remote") -> list:
    """A handle's items, materialised in one reply as one list: ``len``, iteration and ``[i]`` all read it."""
    ref = object.__getattribute__(remote, "_ref")
    if ref not in _ITEMS:
        items = decode(_ask("iter", ref=ref).get("value"))
        if type(items) is not list:
            raise ProtocolError("the items of a sequence are not a list")
        _ITEMS[ref] = items
    return _ITEMS[ref]


class Remote:
    """A handle to an object in the student's kernel: its attributes and calls are evaluated there; as a
    sequence it is read once (:func:`_items`); it has no truth value (a test needs data for that)."""

    __slots__ = ("_ref", "_type", "_callable", "__weakref__")

    def __init__(self, ref: int, type_name: str, is_callable: bool):
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_callable", is_callable)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return decode(_ask("getattr", ref=self._ref, name=name).get("value"))

    def __setattr__(self, name: str, value) -> None:
        _carry("setattr", self._ref, (name, value), {})

    def __call__(self, *args, **kwargs):
        return _carry("call", self._ref, args, kwargs)

    def __getitem__(self, key):
        if type(key) in (int, slice):
            return _items(self)[key]
        return _carry("getitem", self._ref, (key,), {})

    def __setitem__(self, key, value) -> None:
        _carry("setitem", self._ref, (key, value), {})

    def __iter__(self):
        return iter(_items(self))

    def __len__(self) -> int:
        return len(_items(self))

    def __bool__(self) -> bool:
        raise TypeError(f"a test needs a plain value here, but your code gave an object of type {self._type}")

    def __repr__(self) -> str:
        try:
            text = decode(_ask("repr", ref=self._ref).get("value"))
        except Exception:  # noqa: BLE001
            text = None
        return text if type(text) is str else f"<{self._type} in the student's kernel>"

    def __reduce__(self):
        raise CarryError("a handle can be passed only as an argument of a call")


# ----------------------------------------------------------------------------- the namespace

class Namespace(dict):
    """The test's globals: a name not defined here is looked up in the student's kernel only when it is
    one of :attr:`student_names`, the names the assignment's solution cells define (the grader sends
    them, ``{"op": "names"}``); every other name is undefined (a NameError in the test)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.functions: dict[str, Remote] = {}  # the student's functions and classes, for one cell
        self.student_names: frozenset[str] = frozenset()

    def __missing__(self, name: str):
        if name not in self.student_names or hasattr(builtins, name) or name.startswith("__"):
            raise KeyError(name)
        if name in self.functions:
            return self.functions[name]
        reply = _ask("lookup", name=name)
        if reply.get("missing"):
            raise KeyError(name)
        value = decode(reply.get("value"))
        if isinstance(value, Remote) and object.__getattribute__(value, "_callable"):
            self.functions[name] = value
        return value


class _Shell:
    """Stands in for ``get_ipython()`` in instructor cells: magics do nothing here."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = run_line_magic


def _display(*objects, **kwargs):
    for obj in objects:
        print(repr(obj))


HIDDEN_MARKER = "### BEGIN HIDDEN TESTS"


def hidden_line(source: str) -> int | None:
    """The 1-based line of ``source``'s first hidden test marker (None without one)."""
    for number, line in enumerate(source.splitlines(), start=1):
        if line.strip().startswith(HIDDEN_MARKER):
            return number
    return None


def run(namespace: Namespace, source: str) -> dict:
    from IPython.core.inputtransformer2 import TransformerManager

    CHANNEL.stdout = io.StringIO()
    sys.stdout = CHANNEL.stdout
    namespace.functions.clear()
    outcome = {"op": "done", "ok": True}
    try:
        transformed = TransformerManager().transform_cell(source)
        CHANNEL.hidden_from = hidden_line(transformed)
        code = compile(transformed, "<test cell>", "exec")
        exec(code, namespace)  # noqa: S102 - instructor code only
    except BaseException as err:  # noqa: BLE001 - any failure fails the cell
        if isinstance(err, SystemExit) and err.code == "coursekit-exit":
            raise
        lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == "<test cell>"]
        outcome.update(ok=False, ename=type(err).__name__, evalue=str(err)[:4000], line=lines[-1] if lines else None)
    finally:
        sys.stdout = sys.__stdout__
    outcome["stdout"] = CHANNEL.stdout.getvalue()[-100_000:]
    return outcome


def main() -> None:
    global CHANNEL
    from coursekit.instructor.limits import die_with_parent

    die_with_parent()
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray writes to fd 1 (C libraries) must not corrupt the channel
    sys.__stdout__ = sys.stdout = io.StringIO()
    CHANNEL = Channel(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"), protocol_out)
    namespace = Namespace(get_ipython=lambda: _Shell(), display=_display, __name__="__main__")
    while True:
        message = CHANNEL.receive()
        if message.get("op") == "run":
            CHANNEL.send(run(namespace, message["source"]))
        elif message.get("op") == "names":  # the names the solution cells define
            namespace.student_names = frozenset(str(n) for n in message.get("names", []))
        elif message.get("op") == "warm":  # import what the instructor's cells will import
            import importlib

            import coursekit  # noqa: F401 - first, as in every notebook

            for name in message.get("modules", []):
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001 - the cell that imports it will say why
                    pass


if __name__ == "__main__":
    main()
