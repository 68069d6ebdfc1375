"""DCGAN (Radford et al., 2016) in Keras 3, trained by ``fit`` through a custom ``train_step``.

Twin of :mod:`coursekit.torch.dcgan`: the same layers (channels last, ``(n, s, s, 1)``), the
same initialisation (``N(0, 0.02^2)``), batch norm with PyTorch's momentum and epsilon, and the same
losses with the same labels: real = 1, fake = 0 (keras-io's DCGAN example uses the opposite,
fake = 1; the game is the same with the discriminator's logit negated)::

    Generator      z (n, k) -> Dense -> (n, s/4, s/4, 2w) -> BN, ReLU
                   -> Conv2DTranspose(w, 4, 2, "same") -> (n, s/2, s/2, w) -> BN, ReLU
                   -> Conv2DTranspose(1, 4, 2, "same", tanh) -> (n, s, s, 1) in [-1, 1]
    Discriminator  x (n, s, s, 1) -> Conv2D(w, 4, 2, "same") -> LeakyReLU(0.2)
                   -> Conv2D(2w, 4, 2, "same") -> BN, LeakyReLU(0.2) -> Flatten -> Dense(1) -> logits (n, 1)

With ``n_classes = c > 0`` both take a second input, integer labels ``(n,)``: the generator reads
``[z, onehot(y)]``, the discriminator gets ``c`` extra channels (channel ``y`` all ones).
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

INIT = keras.initializers.RandomNormal(0.0, 0.02)


def _batch_norm():
    return layers.BatchNormalization(momentum=0.9, epsilon=1e-5,
                                     gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02))


def generator(latent: int = 32, size: int = 16, width: int = 32, n_classes: int = 0) -> keras.Model:
    """``z (n, k)`` (and labels ``(n,)`` when ``n_classes``) ``-> images (n, s, s, 1)`` in [-1, 1]."""
    start = size // 4
    z = keras.Input(shape=(latent,))
    inputs = [z]
    h = z
    if n_classes:
        labels = keras.Input(shape=(), dtype="int32")
        inputs.append(labels)
        h = layers.Concatenate()([z, ops.one_hot(labels, n_classes)])                   # (n, k + c)
    h = layers.Dense(start * start * 2 * width, use_bias=False, kernel_initializer=INIT)(h)
    h = layers.ReLU()(_batch_norm()(layers.Reshape((start, start, 2 * width))(h)))        # (n, s/4, s/4, 2w)
    h = layers.Conv2DTranspose(width, 4, 2, "same", use_bias=False, kernel_initializer=INIT)(h)
    h = layers.ReLU()(_batch_norm()(h))                                                    # (n, s/2, s/2, w)
    out = layers.Conv2DTranspose(1, 4, 2, "same", activation="tanh", kernel_initializer=INIT)(h)
    return keras.Model(inputs if n_classes else z, out, name="generator")


def discriminator(size: int = 16, width: int = 32, n_classes: int = 0) -> keras.Model:
    """``images (n, s, s, 1)`` (and labels ``(n,)`` when ``n_classes``) ``-> logits (n, 1)``."""
    x = keras.Input(shape=(size, size, 1))
    inputs = [x]
    h = x
    if n_classes:
        labels = keras.Input(shape=(), dtype="int32")
        inputs.append(labels)
        maps = ops.ones((1, size, size, 1)) * ops.one_hot(labels, n_classes)[:, None, None, :]   # (n, s, s, c)
        h = layers.Concatenate()([x, maps])
    h = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, 2, "same", kernel_initializer=INIT)(h))
    h = layers.Conv2D(2 * width, 4, 2, "same", use_bias=False, kernel_initializer=INIT)(h)
    h = layers.LeakyReLU(0.2)(_batch_norm()(h))                                            # (n, s/4, s/4, 2w)
    out = layers.Dense(1, kernel_initializer=INIT)(layers.Flatten()(h))
    return keras.Model(inputs if n_classes else x, out, name="discriminator")


def optimizers(lr: float = 2e-4):
    """The DCGAN optimisers ``Adam(lr, beta_1=0.5)``, one per network: ``(g_optimizer, d_optimizer)``."""
    return keras.optimizers.Adam(lr, beta_1=0.5), keras.optimizers.Adam(lr, beta_1=0.5)


BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    """``BCE(real logits, 1) + BCE(fake logits, 0)``, each a mean (real = 1, fake = 0)."""
    return BCE(ops.ones_like(real_logits), real_logits) + BCE(ops.zeros_like(fake_logits), fake_logits)


def generator_loss(fake_logits, saturating: bool = False):
    """Non-saturating ``BCE(fake logits, 1)``, or the minimax ``mean log(1 - D(G(z)))``."""
    if saturating:
        return -ops.mean(ops.softplus(fake_logits))
    return BCE(ops.ones_like(fake_logits), fake_logits)


class GAN(keras.Model):
    """The two-player game as one Keras model: ``compile(g_optimizer, d_optimizer)``, then ``fit``.

    ``fit`` gets the real images ``(n, s, s, 1)`` in [-1, 1], or ``(images, labels)`` for a
    conditional pair. Each :meth:`train_step` makes one discriminator step on real and detached
    fake images, then one generator step, exactly as :func:`coursekit.torch.dcgan.train_step`.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, latent: int, seed: int = 0,
                 saturating: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.latent = generator, discriminator, latent
        self.saturating = saturating
        self.noise = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss")}

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(jit_compile=False, **kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        real, labels = data if isinstance(data, tuple) else (data, None)

        def G(z):
            return self.generator(z if labels is None else [z, labels], training=True)

        def D(x):
            return self.discriminator(x if labels is None else [x, labels], training=True)

        z = keras.random.normal((ops.shape(real)[0], self.latent), seed=self.noise)         # (n, k)
        with tf.GradientTape() as tape:
            fake = G(z)
            d_loss = discriminator_loss(D(real), D(ops.stop_gradient(fake)))
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_weights), d_weights))
        with tf.GradientTape() as tape:
            g_loss = generator_loss(D(G(z)), self.saturating)
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights))
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def load_torch_generator(model: keras.Model, state: dict) -> keras.Model:
    """Copy a :class:`coursekit.torch.dcgan.Generator`'s ``state_dict`` into :func:`generator` ``model``.

    The layers match one to one; only the memory layouts differ. The projection's output index
    is ``(c, i, j)`` in PyTorch and ``(i, j, c)`` after Keras's ``Reshape``, so the columns of
    ``Linear.weight (out, in)`` are permuted; ``ConvTranspose2d.weight (in, out, kh, kw)``
    becomes ``Conv2DTranspose``'s kernel ``(kh, kw, out, in)``; batch norm keeps
    ``(gamma, beta, moving mean, moving variance)``. Returns ``model``, which then computes
    the same images, channels last.
    """
    state = {key: value.detach().cpu().numpy() for key, value in state.items()}
    dense = next(layer for layer in model.layers if isinstance(layer, layers.Dense))
    norms = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
    ups = [layer for layer in model.layers if isinstance(layer, layers.Conv2DTranspose)]
    reshape = next(layer for layer in model.layers if isinstance(layer, layers.Reshape))
    start, _, channels = reshape.target_shape                                         # (s', s', 2w)
    w = state["project.0.weight"].T                                                   # (in, c * s'^2)
    dense.set_weights([w.reshape(-1, channels, start, start).transpose(0, 2, 3, 1).reshape(w.shape)])
    for norm, key in zip(norms, ("project.2", "up.1")):
        norm.set_weights([state[f"{key}.{name}"] for name in ("weight", "bias", "running_mean", "running_var")])
    ups[0].set_weights([state["up.0.weight"].transpose(2, 3, 1, 0)])
    ups[1].set_weights([state["up.3.weight"].transpose(2, 3, 1, 0), state["up.3.bias"]])
    return model
