"""WGAN (Arjovsky et al., 2017) and WGAN-GP (Gulrajani et al., 2017) in Keras 3: twin of :mod:`coursekit.torch.wgan`.

The critic ``C`` outputs an unbounded score (no sigmoid). Both losses are minimised::

    critic     L_C = mean C(fake) - mean C(real)   (+ lambda * mean (||grad C(x_hat)||_2 - 1)^2, WGAN-GP)
    generator  L_G = -mean C(fake)

with ``x_hat = alpha * real + (1 - alpha) * fake``, one ``alpha ~ U[0, 1]`` per example, or,
in the original WGAN, every critic weight clipped into ``[-c, c]`` after each critic step.
``mean C(real) - mean C(fake)`` is the critic's estimate of the Wasserstein-1 distance.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


def critic_loss(real_scores, fake_scores):
    """``mean C(fake) - mean C(real)``."""
    return ops.mean(fake_scores) - ops.mean(real_scores)


def generator_loss(fake_scores):
    """``-mean C(fake)``."""
    return -ops.mean(fake_scores)


def clip_weights(critic: keras.Model, c: float = 0.01) -> None:
    """WGAN's constraint: every weight of the critic clipped into ``[-c, c]``, in place."""
    for w in critic.trainable_weights:
        w.assign(ops.clip(w, -c, c))


def gradient_penalty(critic, real, fake, weight: float = 10.0, seed=None):
    """``weight * mean (||grad C(x_hat)|| - 1)^2`` at ``x_hat = alpha real + (1 - alpha) fake``.

    Args:
        critic: maps ``(n, ...)`` samples to ``(n, 1)`` (or ``(n,)``) scores.
        real, fake: ``(n, ...)`` batches of the same shape.
        seed: an int or a ``keras.random.SeedGenerator`` that draws ``alpha``, ``(n, 1, ..., 1)``.

    Returns:
        a scalar tensor; under an outer ``GradientTape`` it is differentiable with respect to the
        critic's weights.
    """
    real = ops.convert_to_tensor(real)
    shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    alpha = keras.random.uniform(shape, seed=seed)
    x_hat = alpha * real + (1 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        total = ops.sum(critic(x_hat, training=True))       # summed inside the tape, or it is not recorded
    grad = ops.reshape(tape.gradient(total, x_hat), (ops.shape(real)[0], -1))              # (n, d)
    return weight * ops.mean(ops.square(ops.sqrt(ops.sum(ops.square(grad), axis=1)) - 1))


class WGAN(keras.Model):
    """A generator and a critic: ``compile(g_optimizer, c_optimizer)``, then ``fit`` on batches of
    ``n_critic * b`` real samples; each :meth:`train_step` makes ``n_critic`` critic steps on
    slices of ``b`` and one generator step, as :func:`coursekit.torch.wgan.train_step`.

    Args:
        penalty: ``lambda`` of the gradient penalty (WGAN-GP), used when ``clip`` is None.
        clip: clip the critic's weights into ``[-clip, clip]`` after each critic step (WGAN).
    """

    def __init__(self, generator: keras.Model, critic: keras.Model, latent: int, n_critic: int = 5,
                 penalty: float = 10.0, clip: float | None = None, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.critic, self.latent = generator, critic, latent
        self.n_critic, self.penalty, self.clip = n_critic, penalty, clip
        self.noise = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("distance", "g_loss")}

    def compile(self, g_optimizer, c_optimizer, **kwargs):
        super().compile(jit_compile=False, **kwargs)
        self.g_optimizer, self.c_optimizer = g_optimizer, c_optimizer

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        weights = self.critic.trainable_weights
        for real in ops.split(data, self.n_critic):
            z = keras.random.normal((ops.shape(real)[0], self.latent), seed=self.noise)
            fake = ops.stop_gradient(self.generator(z, training=True))
            with tf.GradientTape() as tape:
                loss = critic_loss(self.critic(real, training=True), self.critic(fake, training=True))
                total = loss if self.clip is not None else loss + gradient_penalty(
                    self.critic, real, fake, self.penalty, self.noise)
            self.c_optimizer.apply_gradients(zip(tape.gradient(total, weights), weights))
            if self.clip is not None:
                clip_weights(self.critic, self.clip)
        z = keras.random.normal((ops.shape(real)[0], self.latent), seed=self.noise)
        with tf.GradientTape() as tape:
            g_loss = generator_loss(self.critic(self.generator(z, training=True), training=True))
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights))
        self.trackers["distance"].update_state(-loss)
        self.trackers["g_loss"].update_state(g_loss)
        return {name: tracker.result() for name, tracker in self.trackers.items()}
