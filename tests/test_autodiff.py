"""coursekit.scratch.autodiff: gradients of random expressions against torch.autograd and tf.GradientTape."""

import coursekit  # noqa: F401  (sets KERAS_BACKEND, loads triton before TensorFlow)
import numpy as np
import pytest
import tensorflow as tf
import torch

from coursekit.scratch.autodiff import Value, edges, topological_order, unbroadcast

SHAPES = {"A": (3, 4), "B": (3, 4), "v": (4,), "s": (), "W": (4, 4)}

# op -> (arity, Value, torch, TensorFlow); inputs to exp/log/division are kept in a safe range
OPS = {
    "add": (2, lambda a, b: a + b, lambda a, b: a + b, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b, lambda a, b: a - b, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b, lambda a, b: a * b, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "exp": (1, lambda a: a.tanh().exp(), lambda a: torch.exp(torch.tanh(a)), lambda a: tf.exp(tf.tanh(a))),
    "log": (1, lambda a: (a * a + 0.5).log(), lambda a: torch.log(a * a + 0.5), lambda a: tf.math.log(a * a + 0.5)),
    "tanh": (1, lambda a: a.tanh(), torch.tanh, tf.tanh),
    "sigmoid": (1, lambda a: a.sigmoid(), torch.sigmoid, tf.sigmoid),
    "relu": (1, lambda a: a.relu(), torch.relu, tf.nn.relu),
    "pow": (1, lambda a: (a * a + 1.0) ** 1.5, lambda a: (a * a + 1.0) ** 1.5, lambda a: (a * a + 1.0) ** 1.5),
    "neg": (1, lambda a: -a, lambda a: -a, lambda a: -a),
}
BACKEND = {"value": 1, "torch": 2, "tf": 3}


def random_program(rng, length=12):
    """A list of (op, argument indices); indices refer to the leaves (0-4) and earlier results."""
    program, n_nodes = [], len(SHAPES)
    for _ in range(length):
        op = rng.choice(list(OPS) + ["matmul", "mean_rows"])
        if op == "matmul":
            program.append((op, (int(rng.integers(len(SHAPES), n_nodes)) if n_nodes > len(SHAPES) else 0, 4)))
        else:
            arity = 1 if op == "mean_rows" else OPS[op][0]
            # a node may be used many times: gradients must accumulate over the paths
            args = tuple(int(a) for a in rng.integers(0, n_nodes, size=arity))
            if op == "mean_rows" or 4 in args:  # W only enters through matmul
                args = tuple(0 if a == 4 else a for a in args)
            program.append((op, args))
        n_nodes += 1
    return program


def run(program, leaves, backend):
    nodes = list(leaves)
    for op, args in program:
        a = [nodes[i] for i in args]
        if op == "matmul":
            x, w = a
            # keep (3, 4) @ (4, 4) shapes: broadcast smaller operands to (3, 4) first
            x = x + nodes[0] * 0.0
            nodes.append(x @ w if backend != "tf" else tf.matmul(x, w))
        elif op == "mean_rows":  # (3, 4) -> (4,), broadcasts back later
            x = a[0] + nodes[0] * 0.0
            nodes.append({"value": lambda: x.mean(axis=0), "torch": lambda: x.mean(dim=0),
                          "tf": lambda: tf.reduce_mean(x, axis=0)}[backend]())
        else:
            nodes.append(OPS[op][BACKEND[backend]](*a))
    # the output: a weighted sum of the last three results, a scalar
    total = nodes[-1] * 1.0 + nodes[-2] * 0.5 + nodes[-3] * 0.25
    return {"value": lambda: (total + nodes[0] * 0.0).sum(), "torch": lambda: (total + nodes[0] * 0.0).sum(),
            "tf": lambda: tf.reduce_sum(total + nodes[0] * 0.0)}[backend]()


@pytest.mark.parametrize("seed", range(25))
def test_random_expressions_match_torch_and_tensorflow(seed):
    rng = np.random.default_rng(seed)
    program = random_program(rng)
    data = {name: rng.standard_normal(shape) for name, shape in SHAPES.items()}

    leaves = [Value(x) for x in data.values()]
    out = run(program, leaves, "value")
    out.backward()

    leaves_t = [torch.tensor(x, requires_grad=True) for x in data.values()]
    out_t = run(program, leaves_t, "torch")
    out_t.backward()

    leaves_tf = [tf.Variable(x) for x in data.values()]
    with tf.GradientTape() as tape:
        out_tf = run(program, leaves_tf, "tf")
    grads_tf = tape.gradient(out_tf, leaves_tf)

    np.testing.assert_allclose(out.data, out_t.item(), rtol=1e-12)
    np.testing.assert_allclose(out.data, out_tf.numpy(), rtol=1e-12)
    for name, leaf, leaf_t, g_tf in zip(SHAPES, leaves, leaves_t, grads_tf):
        assert leaf.grad.shape == SHAPES[name]
        expected_t = np.zeros(SHAPES[name]) if leaf_t.grad is None else leaf_t.grad.numpy()
        expected_tf = np.zeros(SHAPES[name]) if g_tf is None else g_tf.numpy()
        np.testing.assert_allclose(leaf.grad, expected_t, rtol=1e-10, atol=1e-12, err_msg=f"{name} vs torch")
        np.testing.assert_allclose(leaf.grad, expected_tf, rtol=1e-10, atol=1e-12, err_msg=f"{name} vs tf")


def test_scalar_example_by_hand():
    x, y = Value(2.0), Value(-3.0)
    f = x * y + x ** 2  # df/dx = y + 2x = 1, df/dy = x = 2
    f.backward()
    assert float(f.data) == -2.0
    assert (float(x.grad), float(y.grad)) == (1.0, 2.0)


def test_gradients_accumulate_until_zero_grad():
    x = Value(3.0)
    f = x * x
    f.backward()
    f.backward()  # a second pass adds to the first, as in PyTorch
    assert float(x.grad) == 12.0
    f.zero_grad()
    assert float(x.grad) == 0.0 and float(f.grad) == 0.0


def test_backward_of_a_non_scalar_output_takes_an_upstream_gradient():
    rng = np.random.default_rng(0)
    a, dout = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    x = Value(a)
    x.tanh().backward(dout)
    x_t = torch.tensor(a, requires_grad=True)
    torch.tanh(x_t).backward(torch.tensor(dout))
    np.testing.assert_allclose(x.grad, x_t.grad.numpy(), rtol=1e-12)


def test_graph_is_a_dag_in_topological_order():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    q = x + y
    f = q * q * x
    order = topological_order(f)
    assert order[-1] is f and len(order) == 5  # x, y, q, q·q, f: shared nodes appear once
    position = {id(n): i for i, n in enumerate(order)}
    assert all(position[id(a)] < position[id(b)] for a, b in edges(f))
    assert sum(1 for a, b in edges(f) if a is q) == 2  # q feeds one node twice


def test_unbroadcast_sums_over_stretched_axes():
    g = np.ones((5, 3, 4))
    assert unbroadcast(g, (4,)).tolist() == [15.0] * 4
    assert unbroadcast(g, (3, 1)).shape == (3, 1) and unbroadcast(g, (3, 1))[0, 0] == 20.0
    assert unbroadcast(g, ()).shape == () and float(unbroadcast(g, ())) == 60.0


def test_numpy_arrays_on_the_left_give_values():
    a = np.array([1.0, 2.0])
    x = Value(np.array([3.0, 4.0]))
    for out in (a * x, a + x, a - x, a / x):
        assert isinstance(out, Value)
    (a * x).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0]
