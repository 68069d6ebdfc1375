"""The optimizer test surfaces: gradients against autograd, trajectories against torch.optim."""

import coursekit  # noqa: F401  (sets KERAS_BACKEND and quiets TensorFlow before keras loads)
import numpy as np
import pytest
import torch

from coursekit.scratch import optim
from coursekit.scratch.surfaces import Quadratic, Rosenbrock, trajectory

SURFACES = [Quadratic(), Quadratic(a=0.5, b=3.0), Rosenbrock(), Rosenbrock(a=-0.5, b=10.0)]


def torch_value(surface, theta: torch.Tensor) -> torch.Tensor:
    x, y = theta
    if isinstance(surface, Quadratic):
        return 0.5 * (surface.a * x**2 + surface.b * y**2)
    return (surface.a - x) ** 2 + surface.b * (y - x**2) ** 2


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: f"{s.name}-{s.a}-{s.b}")
def test_value_and_gradient_match_autograd(surface):
    rng = np.random.default_rng(0)
    for point in rng.uniform(-2, 2, size=(20, 2)):
        theta = torch.tensor(point, requires_grad=True)
        value = torch_value(surface, theta)
        value.backward()
        assert surface(*point) == pytest.approx(value.item(), rel=1e-12)
        np.testing.assert_allclose(surface.grad(point), theta.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert surface(*surface.minimum) == 0
    np.testing.assert_array_equal(surface.grad(np.array(surface.minimum)), [0.0, 0.0])


def test_surface_is_vectorised_for_contour_plots():
    X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4))
    for surface in SURFACES:
        Z = surface(X, Y)
        assert Z.shape == (4, 5)
        assert Z[1, 2] == surface(X[1, 2], Y[1, 2])


@pytest.mark.parametrize("make", [lambda p: torch.optim.SGD(p, lr=5e-4, momentum=0.9, nesterov=True),
                                  lambda p: torch.optim.Adam(p, lr=0.03)], ids=["nesterov", "adam"])
def test_trajectory_matches_torch_optim_on_rosenbrock(make):
    surface, start, steps = Rosenbrock(), (-1.2, 1.0), 300
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    framework = make([theta])
    expected = [theta.detach().numpy().copy()]
    for _ in range(steps):
        framework.zero_grad()
        torch_value(surface, theta).backward()
        framework.step()
        expected.append(theta.detach().numpy().copy())
    hyper = framework.defaults
    ours = (optim.SGD(lr=hyper["lr"], momentum=hyper["momentum"], nesterov=hyper["nesterov"])
            if isinstance(framework, torch.optim.SGD) else optim.Adam(lr=hyper["lr"]))
    path = trajectory(ours, surface, start, steps)
    assert path.shape == (steps + 1, 2)
    np.testing.assert_array_equal(path[0], start)
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-9, atol=1e-12)
    assert surface(*path[-1]) < surface(*path[0])
