"""Parity of coursekit.scratch.optim with torch.optim and keras.optimizers, step by step.

The scratch optimizer and the framework's get the *same* precomputed gradient
sequence (torch: ``.grad`` set by hand; Keras: ``optimizer.apply``), in float64.
Torch agrees to rounding (~1e-15). Keras, even on float64 variables, rounds some
hyper-parameters to float32: the learning rate lives in a float32 variable, and
``ops.cast(0.999, "float64")`` (momentum, Adam's betas) goes through float32.
That costs up to ~1e-7, and ~6e-6 for Adam's default ``1 - beta_2^t``, so Keras
is held to a float32 tolerance.
"""

import inspect

import coursekit  # noqa: F401  (sets KERAS_BACKEND and quiets TensorFlow before keras loads)
import numpy as np
import pytest
import torch
import keras

from coursekit.scratch import optim

SHAPES = [(3, 4), (5,)]  # two arrays: the state is kept per array
STEPS = 100
FRAMEWORK = {"torch": torch.optim, "keras": keras.optimizers}
TOLERANCE = {"torch": 1e-10, "keras": 1e-5}  # relative error of the trajectory

# (scratch class, non-default hyper-parameters), run in both conventions
CASES = {
    "SGD-default": (optim.SGD, {}),
    "SGD": (optim.SGD, {"lr": 0.05}),
    "SGD-momentum": (optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    "SGD-nesterov": (optim.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    "AdaGrad-default": (optim.AdaGrad, {}),
    "AdaGrad": (optim.AdaGrad, {"lr": 0.05, "epsilon": 1e-2, "initial_accumulator_value": 0.01}),
    "RMSProp-default": (optim.RMSProp, {}),
    "RMSProp": (optim.RMSProp, {"lr": 0.02, "rho": 0.8, "epsilon": 1e-4}),
    "Adam-default": (optim.Adam, {}),
    "Adam": (optim.Adam, {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-4}),
}


def problem(seed=0, steps=STEPS):
    """Random start ``params0`` and a gradient sequence whose scale varies over 1e-6..10."""
    rng = np.random.default_rng(seed)
    params0 = [rng.standard_normal(shape) for shape in SHAPES]
    grads = [[10 ** rng.uniform(-6, 1) * rng.standard_normal(shape) for shape in SHAPES]
             for _ in range(steps)]
    return params0, grads


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


def run_scratch(opt, params0, grads):
    """Trajectory of the displacement ``theta_t - theta_0``: ``(steps, n_params)``."""
    params = [p.copy() for p in params0]
    trajectory = []
    for g in grads:
        opt.step(params, g)
        trajectory.append(flat(params) - flat(params0))
    return np.array(trajectory)


def framework_optimizer(opt, variables):
    """The framework's optimizer with the scratch optimizer's (resolved) hyper-parameters."""
    hyper = {}
    for name in opt.defaults[opt.convention]:
        key = optim.FRAMEWORK_NAMES[opt.convention].get(name, name)
        if key.startswith("betas"):
            hyper["betas"] = (opt.beta_1, opt.beta_2)
        else:
            hyper[key] = float(getattr(opt, name)) if name == "momentum" else getattr(opt, name)
    framework_class = getattr(FRAMEWORK[opt.convention], opt.framework_name)
    if opt.convention == "torch":
        return framework_class(variables, **hyper)
    return framework_class(**hyper)


def run_torch(opt, params0, grads):
    tensors = [torch.tensor(p, requires_grad=True) for p in params0]
    framework = framework_optimizer(opt, tensors)
    trajectory = []
    for g in grads:
        for tensor, g_i in zip(tensors, g):
            tensor.grad = torch.from_numpy(g_i)
        framework.step()
        trajectory.append(flat([tensor.detach().numpy() for tensor in tensors]) - flat(params0))
    return np.array(trajectory)


def run_keras(opt, params0, grads):
    variables = [keras.Variable(p, dtype="float64") for p in params0]
    framework = framework_optimizer(opt, None)
    trajectory = []
    for g in grads:
        framework.apply(g, variables)
        trajectory.append(flat([v.numpy() for v in variables]) - flat(params0))
    return np.array(trajectory)


def rel_error(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


@pytest.mark.parametrize("convention", optim.CONVENTIONS)
@pytest.mark.parametrize("case", CASES)
def test_matches_framework_over_100_steps(case, convention):
    cls, hyper = CASES[case]
    params0, grads = problem()
    ours = run_scratch(cls(**hyper, convention=convention), params0, grads)
    run = run_torch if convention == "torch" else run_keras
    theirs = run(cls(**hyper, convention=convention), params0, grads)
    for t in (1, 2):  # the first steps (Adam's bias correction) on their own
        assert rel_error(ours[t - 1], theirs[t - 1]) < TOLERANCE[convention], f"step {t}"
    assert rel_error(ours, theirs) < TOLERANCE[convention]


@pytest.mark.parametrize("case", ["AdaGrad-default", "AdaGrad", "RMSProp-default", "RMSProp",
                                  "Adam-default", "Adam", "SGD-default"])
def test_conventions_take_different_steps(case):
    """Swapping the conventions would be caught: they differ by 10x the tolerance or more."""
    cls, hyper = CASES[case]
    params0, grads = problem()
    torch_run = run_scratch(cls(**hyper, convention="torch"), params0, grads)
    keras_run = run_scratch(cls(**hyper, convention="keras"), params0, grads)
    assert rel_error(torch_run, keras_run) > 10 * max(TOLERANCE.values())


@pytest.mark.parametrize("case", ["SGD", "SGD-momentum", "SGD-nesterov"])
def test_sgd_conventions_agree_for_a_constant_learning_rate(case):
    """Keras's velocity v is torch's buffer b times -lr: the same steps while lr stays fixed."""
    cls, hyper = CASES[case]
    params0, grads = problem()
    torch_run = run_scratch(cls(**hyper, convention="torch"), params0, grads)
    keras_run = run_scratch(cls(**hyper, convention="keras"), params0, grads)
    assert rel_error(torch_run, keras_run) < 1e-12


@pytest.mark.parametrize("convention", optim.CONVENTIONS)
def test_adam_first_two_steps_by_hand(convention):
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-3
    g1, g2 = np.array([0.5, -2.0, 1e-4]), np.array([1.0, 1.0, -1e-4])
    theta = np.zeros(3)
    opt = optim.Adam(lr, b1, b2, eps, convention=convention)
    # step 1: m = (1-b1) g1, v = (1-b2) g1^2, so m_hat = g1 and sqrt(v_hat) = |g1|
    eps_1 = eps if convention == "torch" else eps / np.sqrt(1 - b2)
    opt.step([theta], [g1])
    np.testing.assert_allclose(theta, -lr * g1 / (np.abs(g1) + eps_1), rtol=1e-12)
    # step 2
    m = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
    eps_2 = eps if convention == "torch" else eps / np.sqrt(1 - b2**2)
    expected = -lr * g1 / (np.abs(g1) + eps_1) - lr * m_hat / (np.sqrt(v_hat) + eps_2)
    opt.step([theta], [g2])
    np.testing.assert_allclose(theta, expected, rtol=1e-12)


@pytest.mark.parametrize("row", optim.update_rules(),
                         ids=lambda row: f"{row['optimizer']}-{row['convention']}")
def test_defaults_are_the_frameworks(row):
    """Every default in the book's table is read off the framework's own signature."""
    framework_class = getattr(FRAMEWORK[row["convention"]], row["api"].rsplit(".", 1)[1])
    signature = inspect.signature(framework_class).parameters
    for key, value in row["defaults"].items():
        name, _, index = key.partition("[")
        default = signature[name].default
        assert (default[int(index[:-1])] if index else default) == value, key


def test_update_rules_table():
    rows = optim.update_rules()
    assert [(r["optimizer"], r["convention"]) for r in rows] == [
        (name, c) for name in ("SGD", "AdaGrad", "RMSProp", "Adam") for c in ("torch", "keras")]
    for torch_row, keras_row in zip(rows[::2], rows[1::2]):
        assert torch_row["rule"] != keras_row["rule"]
        assert torch_row["defaults"] != keras_row["defaults"]
    assert optim.Adam(convention="keras").epsilon == 1e-7
    assert optim.RMSProp(convention="torch").rho == 0.99
    assert optim.AdaGrad(lr=0.5, convention="keras").lr == 0.5


def test_bad_arguments():
    with pytest.raises(ValueError, match="convention"):
        optim.Adam(convention="jax")
    opt = optim.SGD(lr=0.1)
    params = [np.zeros(2), np.zeros(3)]
    opt.step(params, [np.ones(2), np.ones(3)])
    with pytest.raises(ValueError):  # one state per array, by position: the count must not change
        opt.step(params[:1], [np.ones(2)])


def test_update_rules_markdown_shows_every_rule_and_marks_differing_defaults():
    table = optim.update_rules_markdown()
    rules, defaults = (part.strip().splitlines() for part in table.split("\n\n"))
    assert len(rules) == len(defaults) == 2 + len(optim.update_rules())
    for row, rule_line, default_line in zip(optim.update_rules(), rules[2:], defaults[2:]):
        assert f"`{row['api']}`" in rule_line
        assert all(part in rule_line for part in row["rule"].split(r",\quad "))
        assert default_line.startswith(f"| `{row['api']}` |")
    assert all(line.count("|") == 3 for line in rules + defaults)  # two columns: narrow
    adam_torch, adam_keras = defaults[-2], defaults[-1]
    assert "`lr=0.001`" in adam_torch and "**`lr=0.001`**" not in adam_torch  # the same in both
    assert "**`eps=1e-08`**" in adam_torch and "**`epsilon=1e-07`**" in adam_keras
    assert "**`initial_accumulator_value=0.1`**" in table
