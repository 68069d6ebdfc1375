"""coursekit.scratch.generative against torch.distributions, autograd and both frameworks' losses;
the torch and Keras VAE and DCGAN twins; the mode-collapse demo is deterministic."""

import warnings

import coursekit  # noqa: F401  (sets KERAS_BACKEND and quiets TensorFlow before keras loads)
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence
import keras

from coursekit.scratch import generative as gen

EXTREMES = [1e3, -1e3, 40.0, -40.0, 0.0, 2.5, -0.3]


def latent(seed=0, n=6, k=3):
    rng = np.random.default_rng(seed)
    return 2 * rng.standard_normal((n, k)), 3 * rng.standard_normal((n, k)), rng.standard_normal((n, k))


def logits(seed, n, kind):
    rng = np.random.default_rng(seed)
    return 4 * rng.standard_normal(n) if kind == "random" else rng.choice(EXTREMES, size=n)


def t(x, grad=False):
    return torch.tensor(x, dtype=torch.float64, requires_grad=grad)


@pytest.mark.parametrize("seed", range(4))
def test_gaussian_kl_matches_torch_distributions(seed):
    mu, logvar, _ = latent(seed, n=5 + seed, k=1 + seed)
    expected = kl_divergence(Normal(t(mu), torch.exp(0.5 * t(logvar))), Normal(0.0, 1.0)).sum(dim=1)
    kl = gen.gaussian_kl(mu, logvar)
    assert kl.shape == (5 + seed,)
    np.testing.assert_allclose(kl, expected.numpy(), rtol=1e-10, atol=1e-12)


def test_gaussian_kl_is_zero_only_at_the_prior():
    assert np.allclose(gen.gaussian_kl(np.zeros((3, 4)), np.zeros((3, 4))), 0.0)
    assert np.all(gen.gaussian_kl(np.full((2, 4), 0.1), np.zeros((2, 4))) > 0)


def test_reparameterize_value_and_gradients_match_autograd():
    mu, logvar, eps = latent(1)
    dz = np.random.default_rng(2).standard_normal(mu.shape)
    mu_t, logvar_t = t(mu, True), t(logvar, True)
    z = mu_t + torch.exp(0.5 * logvar_t) * t(eps)
    np.testing.assert_allclose(gen.reparameterize(mu, logvar, eps), z.detach().numpy(), rtol=1e-12)
    z.backward(t(dz))
    dmu, dlogvar = gen.reparameterize_backward(dz, logvar, eps)
    np.testing.assert_allclose(dmu, mu_t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(dlogvar, logvar_t.grad.numpy(), rtol=1e-12)


def test_reparameterized_sample_has_the_right_distribution():
    rng = np.random.default_rng(3)
    z = gen.reparameterize(np.full((200_000, 1), 1.5), np.full((200_000, 1), np.log(0.25)),
                           rng.standard_normal((200_000, 1)))
    assert abs(z.mean() - 1.5) < 0.01 and abs(z.std() - 0.5) < 0.01


def test_gaussian_kl_backward_matches_autograd():
    mu, logvar, _ = latent(4)
    mu_t, logvar_t = t(mu, True), t(logvar, True)
    kl = kl_divergence(Normal(mu_t, torch.exp(0.5 * logvar_t)), Normal(0.0, 1.0)).sum(dim=1)
    kl.mean().backward()
    dmu, dlogvar = gen.gaussian_kl_backward(np.full(len(mu), 1 / len(mu)), mu, logvar)
    np.testing.assert_allclose(dmu, mu_t.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dlogvar, logvar_t.grad.numpy(), rtol=1e-10)


def torch_bce(z, y):
    return torch.nn.BCEWithLogitsLoss()(t(z), torch.full(np.shape(z), float(y), dtype=torch.float64)).item()


def keras_bce(z, y):
    loss = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    return float(loss(np.full((len(z), 1), float(y)), np.asarray(z)[:, None]))


@pytest.mark.parametrize("kind", ["random", "extreme"])
def test_discriminator_loss_matches_torch_and_keras(kind):
    real, fake = logits(5, 9, kind), logits(6, 7, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = gen.discriminator_loss(real, fake)
    np.testing.assert_allclose(value, torch_bce(real, 1) + torch_bce(fake, 0), rtol=1e-12)
    if kind == "random":  # Keras clips probabilities at 1e-7, so only moderate logits agree
        np.testing.assert_allclose(value, keras_bce(real, 1) + keras_bce(fake, 0), rtol=1e-6)


@pytest.mark.parametrize("kind", ["random", "extreme"])
def test_generator_losses_match_torch(kind):
    fake = logits(7, 11, kind)
    np.testing.assert_allclose(gen.generator_loss(fake), torch_bce(fake, 1), rtol=1e-12)
    minimax = torch.mean(-F.softplus(t(fake))).item()  # log(1 - sigmoid(z)), stable
    np.testing.assert_allclose(gen.generator_loss(fake, saturating=True), minimax, rtol=1e-12)
    if kind == "random":
        naive = torch.mean(torch.log(1 - torch.sigmoid(t(fake)))).item()
        np.testing.assert_allclose(gen.generator_loss(fake, saturating=True), naive, rtol=1e-9)
        np.testing.assert_allclose(gen.generator_loss(fake), keras_bce(fake, 1), rtol=1e-6)


@pytest.mark.parametrize("kind", ["random", "extreme"])
def test_gan_loss_backwards_match_autograd(kind):
    real, fake = t(logits(8, 5, kind), True), t(logits(9, 4, kind), True)
    (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
     + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))).backward()
    dreal, dfake = gen.discriminator_loss_backward(real.detach().numpy(), fake.detach().numpy())
    np.testing.assert_allclose(dreal, real.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(dfake, fake.grad.numpy(), rtol=1e-10, atol=1e-15)
    for saturating in (False, True):
        z = t(logits(10, 6, kind), True)
        loss = -F.softplus(z).mean() if saturating else F.binary_cross_entropy_with_logits(z, torch.ones_like(z))
        loss.backward()
        np.testing.assert_allclose(gen.generator_loss_backward(z.detach().numpy(), saturating), z.grad.numpy(),
                                   rtol=1e-10, atol=1e-15)


def test_saturating_loss_vanishes_where_the_discriminator_wins():
    confident_fake = np.full(4, -8.0)          # D(G(z)) = sigmoid(-8), about 3e-4
    assert np.all(np.abs(gen.generator_loss_backward(confident_fake, saturating=True)) < 1e-3)
    assert np.all(np.abs(gen.generator_loss_backward(confident_fake)) > 0.24)


def test_torch_and_keras_dcgan_losses_equal_scratch():
    from coursekit.keras import dcgan as kd
    from coursekit.torch import dcgan as td

    real, fake = logits(11, 8, "random"), logits(12, 8, "random")
    expected_d, expected_g = gen.discriminator_loss(real, fake), gen.generator_loss(fake)
    np.testing.assert_allclose(td.discriminator_loss(t(real), t(fake)).item(), expected_d, rtol=1e-12)
    np.testing.assert_allclose(td.generator_loss(t(fake)).item(), expected_g, rtol=1e-12)
    np.testing.assert_allclose(td.generator_loss(t(fake), saturating=True).item(),
                               gen.generator_loss(fake, saturating=True), rtol=1e-12)
    np.testing.assert_allclose(float(kd.discriminator_loss(real[:, None], fake[:, None])), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(kd.generator_loss(fake[:, None])), expected_g, rtol=1e-5)
    np.testing.assert_allclose(float(kd.generator_loss(fake[:, None], saturating=True)),
                               gen.generator_loss(fake, saturating=True), rtol=1e-5)


def vae_batch(n=5, side=4, k=2, seed=13):
    rng = np.random.default_rng(seed)
    return (rng.random((n, side, side)), 3 * rng.standard_normal((n, side * side)),
            rng.standard_normal((n, k)), rng.standard_normal((n, k)))


@pytest.mark.parametrize("pixel_mean", [False, True])
def test_vae_losses_torch_keras_and_scratch_agree(pixel_mean):
    from coursekit.keras import vae as kv
    from coursekit.torch import vae as tv

    x, z, mu, logvar = vae_batch()
    loss, reconstruction, kl = tv.vae_loss(t(x), t(z), t(mu), t(logvar), pixel_mean=pixel_mean)
    bce = F.binary_cross_entropy_with_logits(t(z), t(x.reshape(5, -1)), reduction="none")
    expected = bce.mean() if pixel_mean else bce.sum(dim=1).mean()
    np.testing.assert_allclose(reconstruction.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(kl.item(), gen.gaussian_kl(mu, logvar).mean(), rtol=1e-12)
    np.testing.assert_allclose(loss.item(), reconstruction.item() + kl.item(), rtol=1e-12)
    keras_values = kv.vae_loss(x, z, mu, logvar, pixel_mean=pixel_mean)
    np.testing.assert_allclose([float(v) for v in keras_values], [loss.item(), reconstruction.item(), kl.item()],
                               rtol=1e-10)


def test_torch_vae_trains():
    from coursekit.torch import vae as tv

    torch.manual_seed(0)
    x = (torch.rand(64, 8, 8) > 0.5).float()
    model = tv.VAE(n_pixels=64, hidden=32, latent=2)
    logits, mu, logvar = model(x)
    assert logits.shape == (64, 64) and mu.shape == logvar.shape == (64, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = tv.train_step(model, optimizer, x)
    for _ in range(30):
        last = tv.train_step(model, optimizer, x)
    assert set(first) == {"loss", "reconstruction", "kl"} and last["loss"] < first["loss"]


def test_keras_vae_trains_with_its_train_step():
    from coursekit.keras import vae as kv

    keras.utils.set_random_seed(0)
    x = (np.random.default_rng(0).random((64, 8, 8)) > 0.5).astype("float32")
    model = kv.VAE(shape=(8, 8), hidden=32, latent=2)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), jit_compile=False)
    history = model.fit(x, batch_size=64, epochs=20, verbose=0).history
    assert set(history) == {"loss", "reconstruction", "kl"}
    assert history["loss"][-1] < history["loss"][0]
    logits, mu, logvar = model(x[:3])
    assert tuple(logits.shape) == (3, 64) and tuple(mu.shape) == (3, 2)


@pytest.mark.parametrize("size, n_classes", [(16, 0), (28, 0), (16, 10)])
def test_torch_dcgan_shapes_init_and_step(size, n_classes):
    from coursekit.torch import dcgan as td

    torch.manual_seed(0)
    G = td.Generator(latent=8, size=size, width=8, n_classes=n_classes)
    D = td.Discriminator(size=size, width=8, n_classes=n_classes)
    labels = torch.arange(6) % 10 if n_classes else None
    extra = () if labels is None else (labels,)
    images = G(torch.randn(6, 8), *extra)
    assert images.shape == (6, 1, size, size) and images.abs().max() <= 1
    assert D(images, *extra).shape == (6,)
    conv = [m.weight for m in G.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert abs(torch.cat([w.flatten() for w in conv]).std().item() - 0.02) < 0.003
    opt_g, opt_d = td.optimizers(G, D)
    assert opt_g.defaults["betas"] == (0.5, 0.999) and opt_g.defaults["lr"] == 2e-4
    before = [p.clone() for p in G.parameters()]
    losses = td.train_step(G, D, opt_g, opt_d, images.detach(), labels)
    assert np.isfinite(list(losses.values())).all()
    assert all(not torch.equal(a, b) for a, b in zip(before, G.parameters()))


@pytest.mark.parametrize("n_classes", [0, 10])
def test_keras_dcgan_shapes_and_fit(n_classes):
    from coursekit.keras import dcgan as kd

    keras.utils.set_random_seed(0)
    G, D = kd.generator(latent=8, size=16, width=8, n_classes=n_classes), kd.discriminator(16, 8, n_classes)
    labels = np.arange(8) % 10
    z = np.random.default_rng(0).standard_normal((8, 8)).astype("float32")
    images = G([z, labels] if n_classes else z)
    assert tuple(images.shape) == (8, 16, 16, 1)
    images = images.numpy()
    assert tuple(D([images, labels] if n_classes else images).shape) == (8, 1)
    gan = kd.GAN(G, D, latent=8)
    gan.compile(*kd.optimizers())
    before = [w.numpy().copy() for w in G.trainable_weights]
    data = (images, labels) if n_classes else (images,)
    history = gan.fit(*data, batch_size=8, epochs=2, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"} and np.isfinite(history["d_loss"]).all()
    assert all(not np.array_equal(a, w.numpy()) for a, w in zip(before, G.trainable_weights))


def test_ring_of_gaussians_and_mode_coverage():
    X, mode = gen.ring_of_gaussians(4000, seed=1)
    assert X.shape == (4000, 2) and X.dtype == np.float32 and mode.dtype == np.int64
    np.testing.assert_array_equal(X, gen.ring_of_gaussians(4000, seed=1)[0])
    share, good = gen.mode_coverage(X)
    assert good > 0.99 and np.all(np.abs(share - 1 / 8) < 0.02)
    share, good = gen.mode_coverage(np.repeat(gen.ring_centres()[[3]], 100, axis=0))
    assert good == 1.0 and share[3] == 1.0 and share.sum() == 1.0
    assert gen.mode_coverage(np.zeros((10, 2)))[1] == 0.0


def test_mode_collapse_demo_is_deterministic():
    from coursekit.torch.ring_gan import train_ring_gan

    runs = [train_ring_gan(epochs=2, steps_per_epoch=20, lr_d=3e-4, seed=3) for _ in range(2)]
    for key in ("d_loss", "g_loss"):
        assert runs[0][key] == runs[1][key]
    for a, b in zip(runs[0]["samples"], runs[1]["samples"]):
        np.testing.assert_array_equal(a, b)
    assert runs[0]["samples"][0].shape == (1000, 2)
    other = train_ring_gan(epochs=1, steps_per_epoch=20, lr_d=3e-4, seed=4)
    assert not np.array_equal(other["samples"][0], runs[0]["samples"][0])


def test_wgan_losses_clipping_and_gradient_penalty():
    from coursekit.torch import wgan

    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([-2.0, 0.0])
    assert wgan.critic_loss(real, fake).item() == -3.0 and wgan.generator_loss(fake).item() == 1.0
    torch.manual_seed(0)
    critic = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 1), torch.nn.Flatten(0))
    wgan.clip_weights(critic, 0.01)
    assert all(p.abs().max() <= 0.01 for p in critic.parameters())
    # a linear critic C(x) = w.x + b has the gradient w everywhere: the penalty is lambda (||w|| - 1)^2
    with torch.no_grad():
        critic[1].weight.copy_(torch.arange(12.0)[None] / 10)
    x, y = torch.randn(5, 3, 2, 2), torch.randn(5, 3, 2, 2)
    expected = 10 * (critic[1].weight.norm() - 1) ** 2
    penalty = wgan.gradient_penalty(critic, x, y)
    torch.testing.assert_close(penalty, expected)
    penalty.backward()  # create_graph: the penalty has a gradient with respect to the critic's weights
    assert critic[1].weight.grad is not None and critic[1].weight.grad.abs().sum() > 0


def test_gradient_penalty_draws_one_alpha_per_example():
    from coursekit.torch import wgan

    seen = []

    def critic(x_hat):
        seen.append(x_hat.detach())
        return (x_hat ** 2).flatten(1).sum(dim=1)

    real, fake = torch.ones(64, 1, 3, 3), torch.zeros(64, 1, 3, 3)
    wgan.gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(0))
    alpha = seen[0]                                # real = 1 and fake = 0: x_hat is alpha itself
    assert torch.all(alpha == alpha[:, :, :1, :1])  # constant within an example
    assert alpha.flatten(1)[:, 0].unique().numel() == 64 and 0 <= alpha.min() and alpha.max() <= 1


def test_cycle_consistency_loss():
    from coursekit.torch.cyclegan import cycle_consistency_loss

    a, b = torch.rand(2, 3, 4, 4), torch.rand(3, 3, 4, 4)
    assert cycle_consistency_loss(lambda x: x + 1, lambda x: x - 1, a, b).item() < 1e-6
    loss = cycle_consistency_loss(lambda x: 2 * x, lambda x: x, a, b)   # f(g(a)) = 2a, g(f(b)) = 2b
    torch.testing.assert_close(loss, a.abs().mean() + b.abs().mean())


@pytest.mark.parametrize("name, n_classes", [("dcgan_glyphs", 0), ("cgan_glyphs", 10)])
def test_gan_checkpoints_load_into_the_course_generator(name, n_classes):
    from coursekit import weights
    from coursekit.torch import dcgan as td

    assert weights.entry(name)["bytes"] < 1_000_000
    G = td.Generator(latent=32, size=16, width=32, n_classes=n_classes)
    G.load_state_dict(torch.load(weights.path(name)))   # verified against the registry's SHA-256
    G.eval()
    with torch.no_grad():
        images = G(torch.randn(20, 32), *((torch.arange(20) % 10,) if n_classes else ()))
    assert images.shape == (20, 1, 16, 16) and images.min() >= -1 and images.max() <= 1
    assert images.std(dim=0).mean() > 0.05, "different z must give different images"


@pytest.mark.parametrize("name, n_classes", [("dcgan_glyphs", 0), ("cgan_glyphs", 10)])
def test_torch_checkpoint_in_the_keras_generator_draws_the_same_images(name, n_classes):
    from coursekit import weights
    from coursekit.keras import dcgan as kd
    from coursekit.torch import dcgan as td

    G = td.Generator(latent=32, size=16, width=32, n_classes=n_classes)
    G.load_state_dict(torch.load(weights.path(name)))
    G.eval()
    K = kd.load_torch_generator(kd.generator(32, 16, 32, n_classes), G.state_dict())
    z, labels = torch.randn(12, 32, generator=torch.Generator().manual_seed(3)), torch.arange(12) % 10
    with torch.no_grad():
        expected = G(z, *((labels,) if n_classes else ())).numpy()[:, 0]        # (n, s, s)
    inputs = [z.numpy(), labels.numpy()] if n_classes else z.numpy()
    got = keras.ops.convert_to_numpy(K(inputs, training=False))[..., 0]
    assert expected.std() > 0.1
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_keras_cycle_consistency_loss_matches_torch():
    from coursekit.keras.cyclegan import cycle_consistency_loss as keras_cycle
    from coursekit.torch.cyclegan import cycle_consistency_loss as torch_cycle

    rng = np.random.default_rng(5)
    a, b = rng.random((2, 4, 4, 3)).astype("float32"), rng.random((3, 4, 4, 3)).astype("float32")
    g, f = (lambda x: 2 * x), (lambda x: x - 0.5)
    expected = torch_cycle(g, f, torch.tensor(a), torch.tensor(b)).item()
    assert abs(float(keras_cycle(g, f, a, b)) - expected) < 1e-6


def test_keras_wgan_losses_clipping_and_penalty_match_torch():
    from coursekit.keras import wgan as kw
    from coursekit.torch import wgan as tw

    real, fake = np.array([1.0, 3.0], "float32"), np.array([-2.0, 0.0], "float32")
    assert float(kw.critic_loss(real, fake)) == tw.critic_loss(torch.tensor(real), torch.tensor(fake)).item()
    assert float(kw.generator_loss(fake)) == 1.0
    # a linear critic C(x) = w.x has the gradient w everywhere: the penalty is lambda (||w|| - 1)^2
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, use_bias=False)])
    w = np.array([[0.5], [1.0], [2.0]], "float32")
    critic.layers[0].kernel.assign(w)
    x, y = np.random.default_rng(0).standard_normal((2, 6, 3)).astype("float32")
    expected = 10 * (np.linalg.norm(w) - 1) ** 2
    assert abs(float(kw.gradient_penalty(critic, x, y, seed=0)) - expected) < 1e-4
    kw.clip_weights(critic, 0.01)
    assert np.abs(keras.ops.convert_to_numpy(critic.layers[0].kernel)).max() <= 0.01


@pytest.mark.parametrize("clip", [None, 0.01])
def test_ring_wgans_train_in_both_frameworks(clip):
    from coursekit.keras import ring_gan as kr
    from coursekit.torch import ring_gan as tr

    for train in (tr.train_ring_wgan, kr.train_ring_wgan):
        history = train(epochs=2, steps_per_epoch=3, n_critic=2, clip=clip, n_show=50, seed=1)
        assert len(history["distance"]) == 2 and history["samples"][1].shape == (50, 2)
        assert np.all(np.isfinite(history["distance"]))
    again = tr.train_ring_wgan(epochs=2, steps_per_epoch=3, n_critic=2, clip=clip, n_show=50, seed=1)
    assert again["distance"] == tr.train_ring_wgan(epochs=2, steps_per_epoch=3, n_critic=2, clip=clip,
                                                   n_show=50, seed=1)["distance"]


def test_keras_ring_gan_is_deterministic():
    from coursekit.keras.ring_gan import train_ring_gan

    runs = [train_ring_gan(epochs=1, steps_per_epoch=5, lr_d=3e-4, n_show=20, seed=3) for _ in range(2)]
    assert runs[0]["d_loss"] == runs[1]["d_loss"]
    np.testing.assert_array_equal(runs[0]["samples"][0], runs[1]["samples"][0])


def test_two_styles_are_unpaired_and_bold_thickens():
    from coursekit.data.styles import bold, two_styles

    data = two_styles(40, size=16, seed=3)
    assert data["a"].shape == data["b"].shape == (40, 16, 16) and data["a_labels"].shape == (40,)
    # unpaired: no B image is the bold twin of an A image
    twins = bold(data["a"])
    assert min(np.abs(twins[i] - data["b"]).max(axis=(1, 2)).min() for i in range(40)) > 0.1
    ink = lambda x: (x > 0.5).mean()                                 # noqa: E731
    assert ink(twins) > 1.3 * ink(data["a"])                         # bold strokes cover more pixels
    one = np.zeros((1, 5, 5), "float32")
    one[0, 2, 2] = 1
    np.testing.assert_array_equal(bold(one)[0, 1:4, 1:4], [[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match=r"\(n, s, s\)"):
        bold(one[0])


def test_torch_cyclegan_shapes_losses_and_step():
    from coursekit.torch import cyclegan as tc

    torch.manual_seed(0)
    model = tc.CycleGAN(width=8)
    x = torch.rand(5, 1, 16, 16) * 2 - 1
    assert model.G(x).shape == (5, 1, 16, 16) and model.G(x).abs().max() <= 1
    assert model.D_A(x).shape == (5, 1, 4, 4)
    assert tc.Classifier(10, width=8)(x).shape == (5, 10)
    scores = torch.tensor([0.0, 2.0])
    assert tc.generator_loss(scores).item() == 1.0                            # ((0-1)^2 + (2-1)^2) / 2
    assert tc.discriminator_loss(scores, scores).item() == 0.5 * (1.0 + 2.0)  # (1 + (0^2 + 2^2) / 2) / 2
    a, b = torch.rand(4, 1, 16, 16) * 2 - 1, torch.rand(4, 1, 16, 16) * 2 - 1
    with torch.no_grad():
        by_hand = ((model.F(model.G(a)) - a).abs().mean() + (model.G(model.F(b)) - b).abs().mean()).item()
    before = [p.clone() for p in model.parameters()]
    opt_g, opt_d = model.optimizers()
    log = tc.train_step(model, opt_g, opt_d, a, b)
    assert abs(log["cycle"] - by_hand) < 1e-5                                 # the step's cycle loss, by hand
    assert abs(tc.cycle_consistency_loss(model.G, model.F, a, b).item() - by_hand) > 1e-7  # and it moved
    assert all(not torch.equal(p, q) for p, q in zip(before, model.parameters()))


def test_cyclegan_trains_in_a_few_steps():
    from coursekit.data.styles import two_styles
    from coursekit.torch import cyclegan as tc

    data = two_styles(256, size=16, seed=0)
    torch.manual_seed(0)
    model = tc.CycleGAN(width=8)
    history = tc.train(model, data["a"], data["b"], steps=90, lr=1e-3, log_every=30)
    assert len(history["cycle"]) == 3 and history["cycle"][-1] < 0.7 * history["cycle"][0]


def test_torch_cyclegan_weights_in_keras_give_the_same_images():
    from coursekit.keras import cyclegan as kc
    from coursekit.torch import cyclegan as tc

    torch.manual_seed(1)
    images = np.random.default_rng(0).random((6, 16, 16)).astype("float32")
    pairs = [(tc.Generator(8), kc.generator(8)), (tc.Discriminator(8), kc.discriminator(8)),
             (tc.Classifier(10, 8), kc.classifier(10, 8))]
    for module, model in pairs:
        for p in module.parameters():            # non-zero biases, so a bias left out would show
            torch.nn.init.normal_(p, 0.0, 0.1)
        kc.load_torch_weights(model, module)
        with torch.no_grad():
            expected = module(tc.to_tanh_range(images)).numpy()
        got = keras.ops.convert_to_numpy(model(kc.to_tanh_range(images)))
        expected = expected.transpose(0, 2, 3, 1) if expected.ndim == 4 else expected
        assert expected.std() > 1e-3
        np.testing.assert_allclose(got, expected, atol=1e-5)
    with pytest.raises(ValueError, match="not twins"):
        kc.load_torch_weights(kc.classifier(10, 8), tc.Generator(8))


def test_keras_cyclegan_fit_and_losses_match_torch():
    from coursekit.keras import cyclegan as kc
    from coursekit.torch import cyclegan as tc

    scores = np.array([0.0, 2.0], "float32")
    assert float(kc.generator_loss(scores)) == tc.generator_loss(torch.tensor(scores)).item()
    assert float(kc.discriminator_loss(scores, scores)) == tc.discriminator_loss(
        torch.tensor(scores), torch.tensor(scores)).item()
    keras.utils.set_random_seed(0)
    model = kc.CycleGAN(width=8)
    model.compile()
    rng = np.random.default_rng(0)
    a, b = (rng.random((64, 16, 16, 1)).astype("float32") * 2 - 1 for _ in range(2))
    log = model.fit(a, b, batch_size=32, epochs=2, verbose=0).history
    assert set(log) == {"g_adv", "cycle", "d_loss"} and log["cycle"][-1] < log["cycle"][0]
