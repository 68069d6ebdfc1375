"""The student-side end of a remote call: runs inside the student's (sandboxed) kernel.

The trusted test process never runs student code. When a test reads a name it did not
define, or calls a student function, the grader sends a request here (as the source of a
tiny cell: ``...agent.serve('<json>')``) and this module answers with a ``display_data``
output holding the reply in the format of :mod:`coursekit.instructor.wire`.

Nothing here is trusted: the student can replace any of it. Whatever it answers is only
data (or a handle) that the trusted side checks like any other answer.
"""

from __future__ import annotations

import base64
import json
import math
import pickle
import sys
import traceback
import warnings

import numpy as np

from coursekit.instructor import wire

_objects: dict[int, object] = {}   # handle id -> object kept alive for the trusted side
_MAX_JACOBIAN_ROWS = 4096


def _handle(value) -> dict:
    key = len(_objects) + 1
    _objects[key] = value
    kind = type(value)
    return {"$h": key, "type": f"{kind.__module__}.{kind.__qualname__}", "callable": callable(value)}


def _tensor(value, mirrors: dict) -> dict:
    torch = sys.modules["torch"]
    data = torch.Tensor.detach(value).cpu()
    if data.dtype in (torch.bfloat16,) or data.is_complex() and data.dtype != torch.complex128:
        data = data.to(torch.float32 if not data.is_complex() else torch.complex128)
    out = {"$torch": wire.dump_array(data.resolve_conj().numpy()), "dtype": str(value.dtype).removeprefix("torch.")}
    inputs = [(k, t) for k, t in mirrors.items() if isinstance(t, torch.Tensor) and t.requires_grad]
    if value.grad_fn is not None and inputs and 0 < value.numel() <= _MAX_JACOBIAN_ROWS:
        # carry the graph as a Jacobian with respect to the test's own tensors
        try:
            jacobians = [torch.zeros(value.numel(), t.numel(), dtype=t.dtype) for _, t in inputs]
            flat = value.reshape(-1)
            for row in range(value.numel()):
                grads = torch.autograd.grad(flat[row], [t for _, t in inputs], retain_graph=True, allow_unused=True)
                for jacobian, grad in zip(jacobians, grads):
                    if grad is not None:
                        jacobian[row] = grad.reshape(-1)
            out["jacobians"] = [[k, wire.dump_array(j.numpy())] for (k, _), j in zip(inputs, jacobians)]
        except Exception:  # noqa: BLE001 - no graph then; a test that needs it fails
            pass
    return out


#: packages whose module classes the trusted side rebuilds (see ``trusted.MODULE_PACKAGES``)
_MODULE_PACKAGES = ("coursekit.torch", "coursekit.models")


def _module_place(kind) -> str | None:
    """Where the trusted side finds ``kind``: ``"torch.nn"``, a course module, or None (not rebuilt)."""
    torch = sys.modules["torch"]
    if getattr(torch.nn, kind.__name__, None) is kind:
        return "torch.nn"
    where = kind.__module__
    if any(where == p or where.startswith(p + ".") for p in _MODULE_PACKAGES) and \
            getattr(sys.modules.get(where), kind.__qualname__, None) is kind:
        return where
    return None


def _module(value) -> dict | None:
    """A ``torch.nn`` or course module as its class and numbers, or None when it is anything else."""
    kind = type(value)
    place = _module_place(kind)
    if place is None:
        return None
    attributes = {}
    for name, item in vars(value).items():
        if not name.startswith("__") and _plain_scalar(item):
            attributes[name] = item
    parameters = {n: None if p is None else {"data": _tensor(p, {}), "rg": bool(p.requires_grad)}
                  for n, p in value._parameters.items()}
    buffers = {n: None if b is None else _tensor(b, {}) for n, b in value._buffers.items()}
    children = {}
    for name, child in value._modules.items():
        children[name] = None if child is None else _module(child)
        if child is not None and children[name] is None:
            return None
    return {"$module": {"class": kind.__name__, "module": place, "attributes": _encode(attributes, {}),
                        "parameters": parameters,
                        "buffers": buffers, "children": children}}


def _plain_scalar(value) -> bool:
    if type(value) in (bool, int, float, str, type(None)):
        return True
    return type(value) in (tuple, list) and len(value) < 64 and all(_plain_scalar(v) for v in value)


def _torch_optimizer(value, mirrors: dict) -> dict | None:
    torch = sys.modules["torch"]
    kind = type(value)
    if getattr(torch.optim, kind.__name__, None) is not kind:
        return None
    index = {id(t): k for k, t in mirrors.items()}
    groups = []
    for group in value.param_groups:
        if not all(id(p) in index for p in group["params"]):
            return None
        options = {k: v for k, v in group.items() if k != "params"}
        if not all(_plain_scalar(v) for v in options.values()):
            return None
        state = [_encode({str(k): v for k, v in value.state[p].items()}, {}) if p in value.state else None
                 for p in group["params"]]
        groups.append({"params": [index[id(p)] for p in group["params"]], "options": _encode(options, {}),
                       "state": state})
    return {"$torchopt": {"class": kind.__name__, "groups": groups}}


def _keras_optimizer(value) -> dict | None:
    keras = sys.modules["keras"]
    kind = type(value)
    if getattr(keras.optimizers, kind.__name__, None) is not kind:
        return None
    config = value.get_config()
    if not all(type(k) is str and _plain_scalar(v) for k, v in config.items()):
        return None
    return {"$kopt": {"class": kind.__name__, "config": _encode(config, {})}}


def _encode(value, mirrors: dict, depth: int = 0):
    """``value`` in the wire format (see :mod:`coursekit.instructor.wire`)."""
    if depth > 40:
        return _handle(value)
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$f": repr(value)}
    if kind in (list, tuple):
        return {"$l" if kind is list else "$t": [_encode(v, mirrors, depth + 1) for v in value]}
    if kind is dict:
        return {"$d": [[_encode(k, mirrors, depth + 1), _encode(v, mirrors, depth + 1)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in wire.ARRAY_KINDS:
        return {"$a": wire.dump_array(np.array(value, subok=False))}
    if isinstance(value, np.generic) and np.asarray(value).dtype.kind in wire.ARRAY_KINDS:
        return {"$s": wire.dump_array(np.asarray(value))}
    torch = sys.modules.get("torch")
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return _tensor(value, mirrors)
        if isinstance(value, torch.nn.Module):
            return _module(value) or _handle(value)
        if isinstance(value, torch.optim.Optimizer):
            return _torch_optimizer(value, mirrors) or _handle(value)
    keras = sys.modules.get("keras")
    if keras is not None:
        if isinstance(value, keras.optimizers.Optimizer):
            return _keras_optimizer(value) or _handle(value)
        if isinstance(value, keras.Variable):
            return {"$a": wire.dump_array(np.array(keras.ops.convert_to_numpy(value.value)))}
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, (tf.Tensor, tf.Variable)) and hasattr(value, "numpy"):
        return {"$a": wire.dump_array(np.array(value.numpy()))}
    return _handle(value)


class _Unpickler(pickle.Unpickler):
    """Reads the trusted side's arguments; persistent ids are handles and mirrored objects."""

    def __init__(self, data: bytes, mirrors: dict, pristine: dict):
        super().__init__(__import__("io").BytesIO(data))
        self.mirrors, self.pristine = mirrors, pristine

    def persistent_load(self, pid):
        kind, key, *rest = pid
        if kind.endswith("-again"):
            return self.mirrors[key]
        if kind == "h":
            return _objects[key]
        if kind == "array":
            (array,) = rest
            self.pristine[key] = array.copy()
            self.mirrors[key] = array
        elif kind == "tensor":
            torch = sys.modules.get("torch") or __import__("torch")
            data, requires_grad, is_parameter, grad = rest
            tensor = torch.nn.Parameter(data, requires_grad) if is_parameter else data.requires_grad_(requires_grad)
            if grad is not None:
                tensor.grad = grad
            self.pristine[key] = (data.detach().clone(), None if grad is None else grad.clone())
            self.mirrors[key] = tensor
        elif kind in ("optimizer", "context"):
            (obj,) = rest
            self.pristine[key] = kind
            self.mirrors[key] = obj
        elif kind == "keras":
            (blob,) = rest
            model = pickle.loads(blob)
            self.pristine[key] = None
            self.mirrors[key] = model
        return self.mirrors[key]


def _changes(mirrors: dict, pristine: dict) -> list:
    """What the call did to the test's own arguments, so that the trusted side can apply it."""
    torch = sys.modules.get("torch")
    changed = []
    for key, obj in mirrors.items():
        if isinstance(obj, np.ndarray):
            if obj.shape != pristine[key].shape or not np.array_equal(obj, pristine[key], equal_nan=True):
                changed.append([key, {"data": _encode(obj, {})}])
        elif torch is not None and isinstance(obj, torch.Tensor):
            data, grad = pristine[key]
            entry = {}
            if not torch.equal(torch.Tensor.detach(obj), data):
                entry["data"] = _tensor(obj, {})
            if obj.grad is not None and (grad is None or not torch.equal(obj.grad, grad)):
                entry["grad"] = _tensor(obj.grad, {})
            elif obj.grad is None and grad is not None:
                entry["grad"] = None
            if entry:
                changed.append([key, entry])
        elif isinstance(pristine[key], str) and pristine[key] == "optimizer":
            changed.append([key, _optimizer_changes(obj, mirrors)])
        elif isinstance(pristine[key], str) and pristine[key] == "context":  # what forward stored in ctx
            changed.append([key, {"vars": _encode(dict(vars(obj)), {})}])
        elif pristine[key] is None:  # a Keras model: its weights
            changed.append([key, {"weights": _encode(list(obj.get_weights()), {})}])
    return changed


def _optimizer_changes(optimizer, mirrors: dict) -> dict:
    """A torch optimizer's state, keyed by the test's own parameters, and its groups' plain settings."""
    torch = sys.modules["torch"]
    index = {id(t): k for k, t in mirrors.items() if isinstance(t, torch.Tensor)}
    state = [[index[id(p)], _encode({str(k): v for k, v in optimizer.state[p].items()}, {})]
             for group in optimizer.param_groups for p in group["params"]
             if id(p) in index and p in optimizer.state]
    groups = [_encode({k: v for k, v in group.items() if k != "params" and _plain_scalar(v)}, {})
              for group in optimizer.param_groups]
    return {"state": state, "groups": groups}


def _environment(env: dict):
    """numpy's error state, warning filters and torch's grad mode of the test around the call."""
    import contextlib

    stack = contextlib.ExitStack()
    stack.enter_context(np.errstate(**env.get("errstate", {})))
    stack.enter_context(warnings.catch_warnings())
    for action, category in reversed(env.get("warnings", [])):
        warnings.simplefilter(action, _warning_class(category))
    torch = sys.modules.get("torch")
    if torch is not None and "grad" in env:
        stack.enter_context(torch.set_grad_enabled(env["grad"]))
    return stack


def _warning_class(name: str):
    import builtins

    cls = getattr(builtins, name, Warning)
    return cls if isinstance(cls, type) and issubclass(cls, Warning) else Warning


def _run(request: dict):
    op = request["op"]
    if op == "lookup":
        shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
        namespace = shell.user_ns if shell is not None else vars(sys.modules["__main__"])
        if request["name"] not in namespace:
            return {"missing": True}
        return {"value": _encode(namespace[request["name"]], {})}
    target = _objects[request["ref"]]
    if op == "getattr":
        return {"value": _encode(getattr(target, request["name"]), {})}
    if op in ("call", "setattr", "getitem", "setitem"):
        mirrors, pristine = {}, {}
        args, kwargs = _Unpickler(base64.b64decode(request["args"]), mirrors, pristine).load()
        with _environment(request.get("env", {})):
            if op == "call":
                value = target(*args, **kwargs)
            elif op == "setattr":
                value = setattr(target, args[0], args[1])
            elif op == "getitem":
                value = target[args[0]]
            else:
                target[args[0]] = args[1]
                value = None
        return {"value": _encode(value, mirrors), "changed": _changes(mirrors, pristine)}
    if op == "iter":
        items = []
        for item in target:
            items.append(item)
            if len(items) > 100_000:
                raise ValueError("more than 100000 items")
        return {"value": _encode(items, {})}
    if op == "len":
        return {"value": int(len(target))}
    if op == "bool":
        return {"value": bool(target)}
    if op == "repr":
        return {"value": repr(target)[:2000]}
    raise ValueError(f"unknown request {op!r}")


def serve(request: str) -> None:
    """Answer one request from the trusted side (see the module docs)."""
    from IPython.display import publish_display_data

    try:
        reply = _run(json.loads(request))
    except BaseException as err:  # noqa: BLE001 - the student's exception travels as data
        if isinstance(err, KeyboardInterrupt):
            raise
        reply = {"error": {"type": type(err).__name__, "message": str(err)[:4000],
                           "traceback": "".join(traceback.format_exception(err)[-6:])[-4000:]}}
    publish_display_data({wire.MIME: json.dumps(reply)})
