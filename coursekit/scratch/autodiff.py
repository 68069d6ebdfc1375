"""Reverse-mode automatic differentiation from scratch, in the spirit of micrograd.

A :class:`Value` wraps a NumPy array (a scalar is a 0-d array) and remembers how
it was computed: the operation (``op``) and its inputs (``parents``). Building an
expression therefore builds a **computational graph**, a directed acyclic graph
whose nodes are values and whose edges run from each input to the value computed
from it. ``out.backward()`` then walks the graph once in reverse topological
order and applies the chain rule at every node::

    parent.grad += local_derivative(parent) * node.grad     (for every edge)

so every node ends with ``grad = d out / d node``, in the shape of its data.
Gradients *accumulate* (``+=``): a value used twice receives the sum of both
paths. As in PyTorch, the inputs (leaves) also accumulate over repeated calls of
``backward()`` (call :meth:`Value.zero_grad` between passes), while every
computed node's gradient is recomputed from zero in each pass.

Broadcasting follows NumPy: when ``a`` of shape ``(3,)`` is added to ``b`` of
shape ``(2, 3)``, ``a``'s gradient is summed over the broadcast axis so that it
keeps the shape ``(3,)`` (:func:`unbroadcast`).

Example::

    x = Value(2.0); y = Value(-3.0)
    f = (x * y + x.exp()).tanh()
    f.backward()
    x.grad, y.grad        # d f / d x, d f / d y
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Value:
    """A node of the computational graph: an array, its gradient, and how it was made.

    Args:
        data: a number or array (stored as float64).
        parents: the values this one was computed from (empty for an input).
        op: the name of the operation, e.g. ``"*"`` (empty for an input).
        label: an optional name for drawings, e.g. ``"x"``.

    Attributes:
        data: the forward value, an ``np.ndarray``.
        grad: ``d out / d self`` after ``out.backward()``; zeros of ``data``'s shape before.
    """

    __array_ufunc__ = None  # ``ndarray * Value`` calls Value.__rmul__ instead of looping over the array

    def __init__(self, data, parents: Iterable[Value] = (), op: str = "", label: str = ""):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.parents = tuple(parents)
        self.op, self.label = op, label
        self._backward: Callable[[], None] = lambda: None  # adds this node's grad into its parents'

    def __repr__(self) -> str:
        return f"Value({self.data!r}, op={self.op!r})" if self.op else f"Value({self.data!r})"

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    # -- building the graph: every operation returns a new node with a backward rule --

    def _child(self, data, parents: tuple[Value, ...], op: str, local: Callable[[np.ndarray], tuple]) -> Value:
        """A new node; ``local(out.grad)`` returns one upstream-times-local gradient per parent."""
        out = Value(data, parents, op)

        def backward():
            for parent, g in zip(parents, local(out.grad)):
                parent.grad = parent.grad + unbroadcast(np.asarray(g, dtype=np.float64), parent.shape)

        out._backward = backward
        return out

    def __add__(self, other) -> Value:
        other = as_value(other)
        return self._child(self.data + other.data, (self, other), "+", lambda g: (g, g))

    def __mul__(self, other) -> Value:
        other = as_value(other)
        return self._child(self.data * other.data, (self, other), "×",
                           lambda g: (g * other.data, g * self.data))

    def __pow__(self, k: float) -> Value:
        """``x ** k`` for a constant exponent ``k``: d/dx = k x^(k-1)."""
        return self._child(self.data ** k, (self,), f"**{k:g}", lambda g: (g * k * self.data ** (k - 1),))

    def __matmul__(self, other) -> Value:
        """Matrix product of 2-d values: ``(n, k) @ (k, m)``; d/dA = G Bᵀ, d/dB = Aᵀ G."""
        other = as_value(other)
        return self._child(self.data @ other.data, (self, other), "@",
                           lambda g: (g @ other.data.T, self.data.T @ g))

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other) -> Value:
        return self + (-as_value(other))

    def __truediv__(self, other) -> Value:
        return self * as_value(other) ** -1.0

    def __radd__(self, other) -> Value:
        return self + other

    def __rmul__(self, other) -> Value:
        return self * other

    def __rsub__(self, other) -> Value:
        return as_value(other) - self

    def __rtruediv__(self, other) -> Value:
        return as_value(other) / self

    def exp(self) -> Value:
        e = np.exp(self.data)
        return self._child(e, (self,), "exp", lambda g: (g * e,))

    def log(self) -> Value:
        return self._child(np.log(self.data), (self,), "log", lambda g: (g / self.data,))

    def tanh(self) -> Value:
        t = np.tanh(self.data)
        return self._child(t, (self,), "tanh", lambda g: (g * (1 - t * t),))

    def sigmoid(self) -> Value:
        s = 0.5 * (1 + np.tanh(0.5 * self.data))  # = 1 / (1 + e^-x), without overflow
        return self._child(s, (self,), "σ", lambda g: (g * s * (1 - s),))

    def relu(self) -> Value:
        return self._child(np.maximum(self.data, 0), (self,), "relu", lambda g: (g * (self.data > 0),))

    def sum(self, axis: int | None = None) -> Value:
        """Sum over ``axis`` (all axes when ``None``); the gradient is copied back to every summand."""
        def local(g):
            g = g if axis is None else np.expand_dims(g, axis)
            return (np.broadcast_to(g, self.shape),)

        return self._child(self.data.sum(axis=axis), (self,), "sum", local)

    def mean(self, axis: int | None = None) -> Value:
        count = self.data.size if axis is None else self.shape[axis]
        return self.sum(axis) / count

    # -- the backward pass --

    def backward(self, grad=None) -> None:
        """Fill ``grad`` of every node this value depends on with ``d self / d node``.

        Args:
            grad: the upstream gradient ``d L / d self`` (shape of ``data``); default ones,
                which for a scalar output means ``d self / d self = 1``.
        """
        order = topological_order(self)
        for node in order:
            if node.parents:  # computed nodes start from zero; inputs keep what they have
                node.grad = np.zeros_like(node.data)
        self.grad = self.grad + (np.ones_like(self.data) if grad is None else np.asarray(grad, dtype=np.float64))
        for node in reversed(order):  # the output first, every node before its parents
            node._backward()

    def zero_grad(self) -> None:
        """Reset ``grad`` to zero on this value and everything it depends on."""
        for node in topological_order(self):
            node.grad = np.zeros_like(node.data)


def as_value(x) -> Value:
    """``x`` itself if it is a :class:`Value`, else a new constant input node."""
    return x if isinstance(x, Value) else Value(x)


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after all of its parents (inputs first, ``root`` last)."""
    order, seen = [], set()

    def visit(node: Value):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def edges(root: Value) -> list[tuple[Value, Value]]:
    """The graph's edges ``(input, output)``, in topological order of the outputs."""
    return [(parent, node) for node in topological_order(root) for parent in node.parents]
