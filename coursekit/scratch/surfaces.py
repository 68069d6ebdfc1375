"""Two-dimensional test surfaces for optimizers, and the path an optimizer takes on them.

A surface is a loss ``f(x, y)`` of two parameters whose minimum is known, so the
path ``theta_0, theta_1, ...`` of any optimizer in :mod:`coursekit.scratch.optim`
can be drawn on its contour lines::

    surface = Rosenbrock()
    path = trajectory(Adam(lr=0.05), surface, start=(-1.5, 2.0), steps=500)   # (501, 2)
    plt.contour(X, Y, surface(X, Y)); plt.plot(path[:, 0], path[:, 1])

Each surface is called on coordinate arrays of any (equal or broadcastable) shape,
``surface(x, y)``, for contour plots, and gives its gradient at one point
``theta = (x, y)`` with ``surface.grad(theta)``, an array of shape ``(2,)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Quadratic:
    """An elongated bowl ``f(x, y) = (a x^2 + b y^2) / 2``, minimum 0 at ``(0, 0)``.

    The curvature is ``a`` along ``x`` and ``b`` along ``y``. Plain gradient descent
    diverges for ``lr > 2 / b``, and at any smaller step it crawls along the flat
    direction (each step shrinks ``x`` only by the factor ``1 - lr a``): the larger
    the *condition number* ``b / a``, the worse. A narrow valley in a real loss looks
    like this near its bottom.

    Args:
        a, b: curvatures along ``x`` and ``y`` (positive).
    """

    name = "elongated quadratic"

    def __init__(self, a: float = 1.0, b: float = 20.0):
        self.a, self.b = a, b
        self.minimum = (0.0, 0.0)

    def __call__(self, x, y):
        return 0.5 * (self.a * np.asarray(x) ** 2 + self.b * np.asarray(y) ** 2)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """``(a x, b y)``."""
        x, y = theta
        return np.array([self.a * x, self.b * y])


class Rosenbrock:
    """Rosenbrock's banana ``f(x, y) = (a - x)^2 + b (y - x^2)^2``, minimum 0 at ``(a, a^2)``.

    A curved valley with steep walls and an almost flat floor: finding the valley
    is easy, following its floor to the minimum is hard.

    Args:
        a: position of the minimum.
        b: steepness of the walls.
    """

    name = "Rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a, self.b = a, b
        self.minimum = (a, a**2)

    def __call__(self, x, y):
        x, y = np.asarray(x), np.asarray(y)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """``(-2 (a - x) - 4 b x (y - x^2), 2 b (y - x^2))``."""
        x, y = theta
        return np.array([-2 * (self.a - x) - 4 * self.b * x * (y - x**2), 2 * self.b * (y - x**2)])


def trajectory(optimizer, surface, start: Sequence[float], steps: int) -> np.ndarray:
    """Run ``optimizer`` on ``surface`` from ``start`` and record every point.

    Args:
        optimizer: anything with ``step(params, grads)`` that updates the arrays
            in ``params`` in place (the optimizers of :mod:`coursekit.scratch.optim`).
        surface: has ``grad(theta) -> (2,)``.
        start: the first point ``(x, y)``.
        steps: number of updates.

    Returns:
        ``(steps + 1, 2)``: the start, then the point after each step.
    """
    theta = np.array(start, dtype=float)
    path = [theta.copy()]
    for _ in range(steps):
        optimizer.step([theta], [surface.grad(theta)])
        path.append(theta.copy())
    return np.array(path)
