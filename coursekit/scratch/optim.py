"""Gradient-descent optimizers in NumPy, each in its PyTorch and its Keras form.

Notation: ``theta`` a parameter array, ``g`` its gradient, ``lr`` the learning
rate, ``t`` the step number (1 at the first step); ``g**2``, ``sqrt`` and ``/``
act element-wise.

``convention="torch"`` or ``"keras"`` selects the update rule *and* the default
hyper-parameters of ``torch.optim.X`` or ``keras.optimizers.X``; an argument left
as ``None`` takes that convention's default. The class attribute ``defaults``
holds both sets, ``rules`` both update rules in LaTeX, and :func:`update_rules`
lists them side by side for the book (:func:`update_rules_markdown` as a table).

``step(params, grads)`` updates a list of float arrays in place. The optimizer
keeps one state dict per array, keyed by the array's *position* in the list:
pass the same arrays in the same order at every step.

Example::

    opt = Adam(convention="keras")          # lr=0.001, epsilon=1e-7, ...
    for _ in range(100):
        opt.step([w, b], [grad_w, grad_b])  # w and b change in place
"""

from __future__ import annotations

import numpy as np

CONVENTIONS = ("torch", "keras")

# Our argument names as each framework spells them (names not listed are spelled the same).
FRAMEWORK_NAMES = {
    "torch": {"epsilon": "eps", "rho": "alpha", "beta_1": "betas[0]", "beta_2": "betas[1]"},
    "keras": {"lr": "learning_rate"},
}


class Optimizer:
    """Base class: resolves the hyper-parameters, counts the steps, keeps the state.

    A subclass sets ``framework_name`` (the class's name in ``torch.optim`` and in
    ``keras.optimizers``), ``defaults`` (convention -> {argument: default}), ``rules``
    (convention -> update rule in LaTeX) and ``update(theta, g, state)``, which
    changes one array in place and keeps what it needs in its ``state`` dict.
    """

    framework_name: str = ""
    defaults: dict[str, dict[str, float]] = {}
    rules: dict[str, str] = {}

    def __init__(self, convention: str = "torch", **hyper):
        if convention not in CONVENTIONS:
            raise ValueError(f"convention must be 'torch' or 'keras', not {convention!r}")
        self.convention = convention
        for name, value in hyper.items():
            setattr(self, name, self.defaults[convention][name] if value is None else value)
        self.t = 0
        self.state: list[dict[str, np.ndarray]] = []

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """One step: update each array of ``params`` in place with its ``grads``."""
        self.t += 1
        if not self.state:
            self.state = [{} for _ in params]
        for theta, g, state in zip(params, grads, self.state, strict=True):
            self.update(theta, np.asarray(g, dtype=theta.dtype), state)

    def update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        """Update one array ``theta`` in place from its gradient ``g`` (state kept in ``state``)."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum ``mu``.

    torch (``torch.optim.SGD``, dampening 0), a buffer ``b`` of gradients, ``b_0 = 0``::

        b     <- mu b + g
        theta <- theta - lr b                  nesterov: theta <- theta - lr (g + mu b)

    keras (``keras.optimizers.SGD``), a velocity ``v`` of steps, ``v_0 = 0``::

        v     <- mu v - lr g
        theta <- theta + v                     nesterov: theta <- theta + mu v - lr g

    With a constant ``lr``, ``v = -lr b`` and the two take identical steps;
    they part ways only when ``lr`` changes during training (a schedule). ``mu = 0``
    is plain gradient descent, ``theta <- theta - lr g``.

    Args:
        lr: learning rate (torch 0.001, keras 0.01).
        momentum: ``mu``, 0 for none.
        nesterov: look-ahead momentum.
        convention: ``"torch"`` or ``"keras"``.
    """

    framework_name = "SGD"
    defaults = {
        "torch": {"lr": 1e-3, "momentum": 0.0, "nesterov": False},
        "keras": {"lr": 1e-2, "momentum": 0.0, "nesterov": False},
    }
    rules = {
        "torch": r"b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\, b_t"
                 r"\quad(\text{Nesterov: } \theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t))",
        "keras": r"v_t = \mu v_{t-1} - \eta\, g_t,\quad \theta_t = \theta_{t-1} + v_t"
                 r"\quad(\text{Nesterov: } \theta_t = \theta_{t-1} + \mu v_t - \eta\, g_t)",
    }

    def __init__(self, lr: float | None = None, momentum: float | None = None,
                 nesterov: bool | None = None, convention: str = "torch"):
        super().__init__(convention, lr=lr, momentum=momentum, nesterov=nesterov)

    def update(self, theta, g, state):
        mu = self.momentum
        if self.convention == "torch":
            b = state["b"] = mu * state.get("b", 0.0) + g
            theta -= self.lr * (g + mu * b if self.nesterov else b)
        else:
            v = state["v"] = mu * state.get("v", 0.0) - self.lr * g
            theta += mu * v - self.lr * g if self.nesterov else v


class AdaGrad(Optimizer):
    """AdaGrad: divide by the root of the sum of all squared gradients so far.

    The accumulator ``G`` only grows, so the effective step ``lr / sqrt(G)`` decays towards 0::

        G     <- G + g**2                      G_0 = initial_accumulator_value
        torch: theta <- theta - lr g / (sqrt(G) + epsilon)
        keras: theta <- theta - lr g / sqrt(G + epsilon)

    Args:
        lr: learning rate (torch 0.01, keras 0.001).
        epsilon: keeps the division finite (torch 1e-10, keras 1e-7).
        initial_accumulator_value: ``G_0`` (torch 0, keras 0.1).
        convention: ``"torch"`` or ``"keras"``.
    """

    framework_name = "Adagrad"
    defaults = {
        "torch": {"lr": 1e-2, "epsilon": 1e-10, "initial_accumulator_value": 0.0},
        "keras": {"lr": 1e-3, "epsilon": 1e-7, "initial_accumulator_value": 0.1},
    }
    rules = {
        "torch": r"G_t = G_{t-1} + g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{G_t} + \epsilon}",
        "keras": r"G_t = G_{t-1} + g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{G_t + \epsilon}}",
    }

    def __init__(self, lr: float | None = None, epsilon: float | None = None,
                 initial_accumulator_value: float | None = None, convention: str = "torch"):
        super().__init__(convention, lr=lr, epsilon=epsilon,
                         initial_accumulator_value=initial_accumulator_value)

    def update(self, theta, g, state):
        G = state["G"] = state.get("G", self.initial_accumulator_value) + g**2
        if self.convention == "torch":
            theta -= self.lr * g / (np.sqrt(G) + self.epsilon)
        else:
            theta -= self.lr * g / np.sqrt(G + self.epsilon)


class RMSProp(Optimizer):
    """RMSProp: divide by the root of an exponentially weighted average of squared gradients.

    Old gradients fade with the decay ``rho`` (torch calls it ``alpha``), so unlike
    AdaGrad the step does not shrink for ever::

        v     <- rho v + (1 - rho) g**2        v_0 = 0
        torch: theta <- theta - lr g / (sqrt(v) + epsilon)
        keras: theta <- theta - lr g / sqrt(v + epsilon)

    Args:
        lr: learning rate (torch 0.01, keras 0.001).
        rho: decay of the average (torch 0.99, keras 0.9).
        epsilon: keeps the division finite (torch 1e-8, keras 1e-7).
        convention: ``"torch"`` or ``"keras"``.
    """

    framework_name = "RMSprop"
    defaults = {
        "torch": {"lr": 1e-2, "rho": 0.99, "epsilon": 1e-8},
        "keras": {"lr": 1e-3, "rho": 0.9, "epsilon": 1e-7},
    }
    rules = {
        "torch": r"v_t = \rho v_{t-1} + (1-\rho)\, g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{v_t} + \epsilon}",
        "keras": r"v_t = \rho v_{t-1} + (1-\rho)\, g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{v_t + \epsilon}}",
    }

    def __init__(self, lr: float | None = None, rho: float | None = None,
                 epsilon: float | None = None, convention: str = "torch"):
        super().__init__(convention, lr=lr, rho=rho, epsilon=epsilon)

    def update(self, theta, g, state):
        v = state["v"] = self.rho * state.get("v", 0.0) + (1 - self.rho) * g**2
        if self.convention == "torch":
            theta -= self.lr * g / (np.sqrt(v) + self.epsilon)
        else:
            theta -= self.lr * g / np.sqrt(v + self.epsilon)


class Adam(Optimizer):
    """Adam: momentum (first moment ``m``) + RMSProp (second moment ``v``) + bias correction.

    ``m`` and ``v`` start at 0, so early on they are too small by the factors
    ``1 - beta_1^t`` and ``1 - beta_2^t``; dividing by these corrects them::

        m <- beta_1 m + (1 - beta_1) g
        v <- beta_2 v + (1 - beta_2) g**2
        torch: theta <- theta - lr (m / (1 - beta_1^t)) / (sqrt(v / (1 - beta_2^t)) + epsilon)
        keras: theta <- theta - lr sqrt(1 - beta_2^t) / (1 - beta_1^t) m / (sqrt(v) + epsilon)

    The two differ only in where ``epsilon`` sits: torch adds it to the corrected
    ``sqrt(v / (1 - beta_2^t))``, keras to the uncorrected ``sqrt(v)`` ("epsilon hat"
    in the paper). A keras ``epsilon`` acts as a torch ``epsilon / sqrt(1 - beta_2^t)``:
    31.6 times larger at step 1 for ``beta_2 = 0.999``, the same once ``t`` is large.

    Args:
        lr: learning rate (0.001 in both).
        beta_1, beta_2: decays of the two moments (0.9 and 0.999 in both).
        epsilon: keeps the division finite (torch 1e-8, keras 1e-7).
        convention: ``"torch"`` or ``"keras"``.
    """

    framework_name = "Adam"
    defaults = {
        "torch": {"lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
        "keras": {"lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    }
    rules = {
        "torch": r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad"
                 r" v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \eta\,"
                 r"\frac{m_t / (1-\beta_1^t)}{\sqrt{v_t / (1-\beta_2^t)} + \epsilon}",
        "keras": r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t,\quad"
                 r" v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2,\quad"
                 r" \theta_t = \theta_{t-1} - \eta\, \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\,"
                 r"\frac{m_t}{\sqrt{v_t} + \epsilon}",
    }

    def __init__(self, lr: float | None = None, beta_1: float | None = None,
                 beta_2: float | None = None, epsilon: float | None = None,
                 convention: str = "torch"):
        super().__init__(convention, lr=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)

    def update(self, theta, g, state):
        m = state["m"] = self.beta_1 * state.get("m", 0.0) + (1 - self.beta_1) * g
        v = state["v"] = self.beta_2 * state.get("v", 0.0) + (1 - self.beta_2) * g**2
        c1, c2 = 1 - self.beta_1**self.t, 1 - self.beta_2**self.t  # bias corrections
        if self.convention == "torch":
            theta -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.epsilon)
        else:
            theta -= self.lr * np.sqrt(c2) / c1 * m / (np.sqrt(v) + self.epsilon)


def update_rules() -> list[dict]:
    """One row per optimizer and convention, for a PyTorch-vs-Keras table in the book.

    Returns:
        dicts with ``optimizer`` (our class name), ``convention``, ``api`` (the
        framework's class), ``rule`` (LaTeX, without ``$``) and ``defaults``
        (argument name as the framework spells it -> default value).
    """
    modules = {"torch": "torch.optim.", "keras": "keras.optimizers."}
    return [
        {
            "optimizer": cls.__name__,
            "convention": convention,
            "api": modules[convention] + cls.framework_name,
            "rule": cls.rules[convention],
            "defaults": {FRAMEWORK_NAMES[convention].get(name, name): value
                         for name, value in cls.defaults[convention].items()},
        }
        for cls in (SGD, AdaGrad, RMSProp, Adam)
        for convention in CONVENTIONS
    ]


def update_rules_markdown() -> str:
    """:func:`update_rules` as two narrow Markdown tables: the update rules, then the defaults.

    Each table has one row per framework class, PyTorch and Keras on adjacent rows, so
    that it fits a book's text column. A default printed in bold differs from the other
    framework's value for the same argument; the update rules are printed in full, so
    their differences show too.
    """

    def default(name, value, other) -> str:
        text = f"`{name}={value!r}`" if isinstance(value, bool) else f"`{name}={value:g}`"
        return f"**{text}**" if value != other else text

    rows = update_rules()
    rules = ["| framework class | update rule |", "|---|---|"]
    defaults = ["| framework class | defaults |", "|---|---|"]
    for torch_row, keras_row in zip(rows[::2], rows[1::2]):
        for row, other in ((torch_row, keras_row), (keras_row, torch_row)):
            # both conventions list the same arguments in the same order
            values = ", ".join(default(name, value, other_value) for (name, value), other_value
                               in zip(row["defaults"].items(), other["defaults"].values()))
            # one equation per line, so that the column stays narrow
            lines = row["rule"].replace(r",\quad ", r" \\ ")
            rules.append(f"| `{row['api']}` | $\\begin{{gathered}}{lines}\\end{{gathered}}$ |")
            defaults.append(f"| `{row['api']}` | {values} |")
    return "\n".join(rules) + "\n\n" + "\n".join(defaults) + "\n"
