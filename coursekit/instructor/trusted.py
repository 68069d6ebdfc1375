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
        self.send({"op": "remote", "request": json.dumps(request), "stdout": printed})
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
            raise _student_exception(reply["error"])
        return reply


CHANNEL: Channel | None = None


def _student_exception(error) -> BaseException:
    if not isinstance(error, dict):
        return ProtocolError("malformed error")
    name, message = str(error.get("type", "Exception"))[:100], str(error.get("message", ""))[:4000]
    tb = str(error.get("traceback", ""))[:4000]
    cls = getattr(builtins, name, None)
    text = f"{message}\n(raised in your code; its traceback:)\n{tb}" if tb else message
    if isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins":
        try:
            return cls(text)
        except Exception:  # noqa: BLE001 - an exception class with other arguments
            pass
    return RemoteError(f"{name}: {text}")


# ----------------------------------------------------------------------------- values from the student

def decode(value, mirrors: dict | None = None, depth: int = 0):
    """A fresh, plain trusted object from the wire format (see :mod:`coursekit.instructor.wire`)."""
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
        items = [decode(v, mirrors, depth + 1) for v in _list(body)]
        return items if tag == "$l" else tuple(items)
    if tag == "$d":
        result = {}
        for pair in _list(body):
            key, item = _list(pair)
            key = decode(key, mirrors, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise ProtocolError("unhashable key") from None
            result[key] = decode(item, mirrors, depth + 1)
        return result
    if tag == "$a":
        return wire.load_array(str(body))
    if tag == "$s":
        return wire.load_array(str(body))[()]
    if tag == "$torch":
        return _tensor(value, mirrors or {})
    if tag == "$module":
        return _module(body)
    if tag == "$torchopt":
        return _torch_optimizer(body, mirrors or {})
    if tag == "$kopt":
        return _keras_optimizer(body)
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


_NODE_CLASSES: dict[str, type] = {}


def _node_class(name: str):
    """A trusted ``autograd.Function`` whose backward node is named like the student's (``XBackward``)."""
    torch = _torch()
    base = name[: -len("Backward")] if name.endswith("Backward") else name
    base = "".join(c for c in base if c.isalnum() or c == "_")[:60] or "Student"
    if base[0].isdigit():
        base = "_" + base
    if base not in _NODE_CLASSES:
        def forward(ctx, value, jacobians, *inputs):
            ctx.jacobians, ctx.shapes = jacobians, [(t.shape, t.dtype) for t in inputs]
            return value.clone()

        def backward(ctx, grad):
            flat = grad.reshape(-1)
            return (None, None) + tuple(
                None if jac is None else (flat.to(jac.dtype) @ jac).reshape(shape).to(dtype)
                for jac, (shape, dtype) in zip(ctx.jacobians, ctx.shapes))

        _NODE_CLASSES[base] = type(base, (torch.autograd.Function,),
                                   {"forward": staticmethod(forward), "backward": staticmethod(backward)})
    return _NODE_CLASSES[base]


def _tensor(value: dict, mirrors: dict):
    torch = _torch()
    array = wire.load_array(str(value["$torch"]))
    tensor = torch.from_numpy(array.copy())
    dtype = getattr(torch, str(value.get("dtype", "")), None)
    if isinstance(dtype, torch.dtype) and dtype != tensor.dtype:
        tensor = tensor.to(dtype)
    jacobians = value.get("jacobians")
    if jacobians and "node" in value:
        inputs, matrices = [], []
        for key, text in _list(jacobians):
            target = mirrors.get(key) if type(key) is int else None
            target = target() if isinstance(target, weakref.ref) else target
            if not isinstance(target, torch.Tensor):
                raise ProtocolError("a Jacobian for an unknown input")
            matrix = torch.from_numpy(wire.load_array(str(text)).copy())
            if tuple(matrix.shape) != (tensor.numel(), target.numel()):
                raise ProtocolError("a Jacobian of the wrong shape")
            inputs.append(target)
            matrices.append(matrix.to(target.dtype))
        return _node_class(str(value["node"])).apply(tensor, matrices, *inputs)
    return tensor


def _module(body):
    torch = _torch()
    if type(body) is not dict:
        raise ProtocolError("bad module")
    cls = getattr(torch.nn, str(body.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
        raise ProtocolError("not a torch.nn module")
    module = cls.__new__(cls)
    torch.nn.Module.__init__(module)
    attributes = decode(body.get("attributes", {"$d": []}))
    if type(attributes) is not dict:
        raise ProtocolError("bad module attributes")
    for name, item in attributes.items():
        if type(name) is not str or name.startswith("__") or name in ("_parameters", "_buffers", "_modules"):
            raise ProtocolError("bad module attribute")
        if type(item) not in (bool, int, float, str, type(None), tuple, list):
            raise ProtocolError("bad module attribute")
        module.__dict__[name] = item
    for name, parameter in dict(body.get("parameters") or {}).items():
        module._parameters[str(name)] = None if parameter is None else torch.nn.Parameter(
            _tensor(parameter["data"], {}), bool(parameter.get("rg", True)))
    for name, buffer in dict(body.get("buffers") or {}).items():
        module._buffers[str(name)] = None if buffer is None else _tensor(buffer, {})
    for name, child in dict(body.get("children") or {}).items():
        module._modules[str(name)] = None if child is None else _module(dict(child).get("$module"))
    return module


def _plain_options(encoded) -> dict:
    options = decode(encoded)
    if type(options) is not dict or not all(type(k) is str for k in options):
        raise ProtocolError("bad options")
    for item in options.values():
        if type(item) not in (bool, int, float, str, type(None), tuple, list):
            raise ProtocolError("bad option")
    return options


def _torch_optimizer(body: dict, mirrors: dict):
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
        groups.append({"params": params, **_plain_options(group["options"])})
    import inspect

    accepted = inspect.signature(cls.__init__).parameters
    defaults = {k: v for k, v in groups[0].items() if k in accepted and k != "params"} if groups else {}
    for group in groups:
        for key in [k for k in group if k != "params" and k not in accepted]:
            del group[key]
    optimizer = cls(groups, **defaults)
    for param, state in states:
        if state is not None:
            state = decode(state)
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise ProtocolError("bad optimizer state")
            optimizer.state[param].update(state)
    return optimizer


def _keras_optimizer(body: dict):
    import keras

    cls = getattr(keras.optimizers, str(body.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer)):
        raise ProtocolError("not a Keras optimizer")
    return cls.from_config(_plain_options(body.get("config")))


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
        if kind == "optimizer":  # pickled as it is; its parameters and state tensors are mirrored
            return ("optimizer", key, self._payload(obj))
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
        elif "weights" in entry:
            weights = decode(entry["weights"])
            current = target.get_weights()
            if type(weights) is list and len(weights) == len(current) and all(
                    isinstance(w, np.ndarray) and w.shape == c.shape for w, c in zip(weights, current)):
                target.set_weights(weights)


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


class Remote:
    """A handle to an object in the student's kernel; every use is evaluated there."""

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
        return _carry("getitem", self._ref, (key,), {})

    def __setitem__(self, key, value) -> None:
        _carry("setitem", self._ref, (key, value), {})

    def __iter__(self):
        return iter(decode(_ask("iter", ref=self._ref).get("value")))

    def __len__(self) -> int:
        value = decode(_ask("len", ref=self._ref).get("value"))
        if type(value) is not int:
            raise ProtocolError("len() is not an int")
        return value

    def __bool__(self) -> bool:
        return decode(_ask("bool", ref=self._ref).get("value")) is True

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
    """The test's globals: a name not defined here and not a builtin is the student's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.functions: dict[str, Remote] = {}  # the student's functions and classes, for one cell

    def __missing__(self, name: str):
        if hasattr(builtins, name) or name.startswith("__"):
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


def run(namespace: Namespace, source: str) -> dict:
    from IPython.core.inputtransformer2 import TransformerManager

    CHANNEL.stdout = io.StringIO()
    sys.stdout = CHANNEL.stdout
    namespace.functions.clear()
    outcome = {"op": "done", "ok": True}
    try:
        code = compile(TransformerManager().transform_cell(source), "<test cell>", "exec")
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
