"""The pieces of a VAE and a GAN in NumPy, each with its backward pass.

VAE (chapter 12). The encoder outputs, per sample, the mean ``mu`` and the log-variance
``logvar`` of a Gaussian over the latent code, both ``(n, k)``:

* :func:`reparameterize` draws ``z = mu + sigma * eps`` with ``sigma = exp(logvar / 2)`` and
  ``eps ~ N(0, I)`` given from outside, so ``z`` is a differentiable function of ``mu`` and ``logvar``;
* :func:`gaussian_kl` is ``KL(N(mu, sigma^2) || N(0, I))`` in closed form, summed over the ``k``
  latent dimensions: one number per sample, ``(n,)``.

GAN (chapter 13). The discriminator outputs a *logit* per sample, ``D(x) = sigmoid(logit)``,
with the PyTorch DCGAN tutorial's convention real = 1, fake = 0:

* :func:`discriminator_loss` = ``BCE(real logits, 1) + BCE(fake logits, 0)``, each a mean;
* :func:`generator_loss` = ``BCE(fake logits, 1)`` (non-saturating), or ``mean log(1 - D(G(z)))``,
  the original minimax term (``saturating=True``).

Every loss is written with ``softplus(t) = log(1 + e^t)`` so that logits of +-1000 neither
overflow nor take ``log 0``: ``-log sigmoid(t) = softplus(-t)`` and ``-log(1 - sigmoid(t)) = softplus(t)``.

:func:`ring_of_gaussians` and :func:`mode_coverage` are the 2-D data set and the measure of
the mode-collapse demo.
"""

from __future__ import annotations

import numpy as np

from coursekit.scratch.activations import sigmoid


def softplus(t: np.ndarray) -> np.ndarray:
    """``log(1 + e^t)``, elementwise, without overflow: ``max(t, 0) + log(1 + e^-|t|)``."""
    t = np.asarray(t, dtype=float)
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))


# --------------------------------------------------------------------------- VAE

def reparameterize(mu: np.ndarray, logvar: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """The reparameterisation trick: ``z = mu + exp(logvar / 2) * eps``.

    Sampling ``z ~ N(mu, sigma^2)`` directly has no gradient with respect to ``mu`` or
    ``sigma``; drawing the noise ``eps ~ N(0, I)`` first and *computing* ``z`` from it does.

    Args:
        mu, logvar, eps: ``(n, k)`` arrays (any equal shapes).

    Returns:
        ``z``, the shape of ``mu``.
    """
    return np.asarray(mu, dtype=float) + np.exp(0.5 * np.asarray(logvar, dtype=float)) * eps


def reparameterize_backward(dz: np.ndarray, logvar: np.ndarray, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the loss through ``z = mu + exp(logvar / 2) * eps``::

        dmu     = dz                                  (dz/dmu = 1)
        dlogvar = dz * eps * exp(logvar / 2) / 2      (dz/dlogvar = eps * sigma / 2)

    Args:
        dz: ``dL/dz``, ``(n, k)``.
        logvar, eps: the forward pass's inputs, ``(n, k)``.

    Returns:
        ``(dmu, dlogvar)``, each ``(n, k)``.
    """
    dz = np.asarray(dz, dtype=float)
    return dz, dz * eps * 0.5 * np.exp(0.5 * np.asarray(logvar, dtype=float))


def gaussian_kl(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """``KL(N(mu, diag(sigma^2)) || N(0, I))`` per sample, summed over the latent dimensions::

        KL = -1/2 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))

    Zero exactly when ``mu = 0`` and ``logvar = 0`` (the posterior equals the prior).

    Args:
        mu, logvar: ``(n, k)``.

    Returns:
        ``(n,)``.
    """
    mu = np.asarray(mu, dtype=float)
    logvar = np.asarray(logvar, dtype=float)
    return -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=-1)


def gaussian_kl_backward(dkl: np.ndarray, mu: np.ndarray, logvar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of :func:`gaussian_kl`::

        dmu     = dkl * mu                      (n, k)
        dlogvar = dkl * (exp(logvar) - 1) / 2   (n, k)

    Args:
        dkl: ``dL/dKL``, ``(n,)`` (e.g. ``1 / n`` each for the batch mean).
        mu, logvar: the forward pass's inputs, ``(n, k)``.

    Returns:
        ``(dmu, dlogvar)``, each ``(n, k)``.
    """
    dkl = np.asarray(dkl, dtype=float)[..., None]
    return dkl * np.asarray(mu, dtype=float), dkl * 0.5 * (np.exp(np.asarray(logvar, dtype=float)) - 1)


# --------------------------------------------------------------------------- GAN

def discriminator_loss(real_logits: np.ndarray, fake_logits: np.ndarray) -> float:
    """``mean BCE(real logits, 1) + mean BCE(fake logits, 0)``, as in PyTorch's DCGAN tutorial::

        L_D = mean(softplus(-real)) + mean(softplus(fake))
            = -mean log D(x) - mean log(1 - D(G(z)))

    Args:
        real_logits: ``(n_real,)`` (or any shape), the discriminator on real data.
        fake_logits: ``(n_fake,)`` (or any shape), the discriminator on generated data.
    """
    return float(np.mean(softplus(-np.asarray(real_logits))) + np.mean(softplus(fake_logits)))


def discriminator_loss_backward(real_logits: np.ndarray, fake_logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of :func:`discriminator_loss`::

        dreal = (sigmoid(real) - 1) / n_real     pushes D(x) up towards 1
        dfake = sigmoid(fake) / n_fake           pushes D(G(z)) down towards 0

    Returns:
        ``(dreal, dfake)``, the shapes of the inputs.
    """
    real, fake = np.asarray(real_logits, dtype=float), np.asarray(fake_logits, dtype=float)
    return (sigmoid(real) - 1) / real.size, sigmoid(fake) / fake.size


def generator_loss(fake_logits: np.ndarray, saturating: bool = False) -> float:
    """The generator's loss on the discriminator's logits for generated samples.

    ``saturating=False`` (the default, non-saturating; Goodfellow et al. 2014, section 3)::

        L_G = mean BCE(fake logits, 1) = -mean log D(G(z)) = mean softplus(-fake)

    ``saturating=True``, the minimax game's own term, which the generator *minimises*::

        L_G = mean log(1 - D(G(z))) = -mean softplus(fake)

    Both push ``D(G(z))`` up; they differ in how hard when the discriminator wins.

    Args:
        fake_logits: ``(n,)`` (or any shape).
        saturating: use the minimax term instead of the non-saturating loss.
    """
    fake = np.asarray(fake_logits, dtype=float)
    return float(-np.mean(softplus(fake)) if saturating else np.mean(softplus(-fake)))


def generator_loss_backward(fake_logits: np.ndarray, saturating: bool = False) -> np.ndarray:
    """Gradient of :func:`generator_loss` with respect to the fake logits::

        non-saturating:  dfake = (sigmoid(fake) - 1) / n   about -1/n when D rejects the fakes
        saturating:      dfake = -sigmoid(fake) / n        about 0 when D rejects the fakes

    Early in training ``D(G(z)) = sigmoid(fake)`` is near 0: the saturating loss then gives the
    generator almost no gradient, the non-saturating one its largest.

    Returns:
        ``dfake``, the shape of ``fake_logits``.
    """
    fake = np.asarray(fake_logits, dtype=float)
    return (-sigmoid(fake) if saturating else sigmoid(fake) - 1) / fake.size


# --------------------------------------------------------------------------- 2-D data for GANs

def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The ``(modes, 2)`` centres of :func:`ring_of_gaussians`, evenly spaced on a circle."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_of_gaussians(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                      seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points from a mixture of ``modes`` equal Gaussians on a circle (the mode-collapse set).

    Returns:
        ``(X, mode)``: ``X`` float32 ``(n, 2)``, ``mode`` int64 ``(n,)``, the Gaussian each point came from.
    """
    rng = np.random.default_rng(seed)
    mode = rng.integers(0, modes, size=n)
    X = ring_centres(modes, radius)[mode] + std * rng.standard_normal((n, 2))
    return X.astype(np.float32), mode.astype(np.int64)


def mode_coverage(samples: np.ndarray, modes: int = 8, radius: float = 2.0,
                  std: float = 0.05) -> tuple[np.ndarray, float]:
    """How well generated 2-D samples cover the modes of :func:`ring_of_gaussians`.

    A sample belongs to its nearest centre when it lies within ``4 std`` of it (a "good" sample).

    Returns:
        ``(share, good)``: ``share`` ``(modes,)``, the fraction of all samples at each mode, and
        ``good``, the fraction of samples near any mode. Fair coverage is ``share = good / modes``
        at every mode; mode collapse shows as shares near 0 at some modes.
    """
    samples = np.asarray(samples, dtype=float)
    dist = np.linalg.norm(samples[:, None, :] - ring_centres(modes, radius)[None], axis=2)   # (n, modes)
    nearest, near = dist.argmin(axis=1), dist.min(axis=1) < 4 * std
    share = np.bincount(nearest[near], minlength=modes) / len(samples)
    return share, float(near.mean())
