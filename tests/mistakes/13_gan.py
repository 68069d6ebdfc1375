"""Plausible wrong answers to assignment 13_gan (see tests/test_mistakes.py)."""

_STEP = '''
def torch_gan_step(generator, discriminator, opt_g, opt_d, real, z):
    fake = generator(z)
    real_logits, fake_logits = discriminator(real), discriminator({d_fake})
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    d_loss.backward({retain})
    opt_d.step()
    fake_logits = discriminator({g_fake})
    g_loss = F.binary_cross_entropy_with_logits(fake_logits, {g_target}(fake_logits))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''

_KERAS = '''
def keras_discriminator_step(discriminator, optimizer, real, fake):
    bce = keras.losses.BinaryCrossentropy({logits})
    with tf.GradientTape() as tape:
        real_logits = discriminator(real, training=True)
        fake_logits = discriminator(fake, training=True)
        loss = bce({real_label}(real_logits), real_logits) + bce({fake_label}(fake_logits), fake_logits)
    grads = tape.gradient(loss, discriminator.trainable_weights)
    optimizer.apply_gradients(zip(grads, discriminator.trainable_weights))
    return float(loss)
'''

_GP = '''
def critic_loss_gp(critic, real, fake, alpha, weight=10.0):
    x_hat = ({mix}).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat{graph})
    penalty = (({norm} - 1) ** 2).mean()
    return {loss} + weight * penalty
'''

_GP_OK = dict(mix="alpha * real + (1 - alpha) * fake", graph=", create_graph=True", norm="grad.norm(dim=1)",
              loss="critic(fake).mean() - critic(real).mean()")

MISTAKES = [
    dict(cell="discriminator_loss", name="log(sigmoid(t)) computed directly (overflow at +-1000)", visible=True,
         message="overflow", code='''
def discriminator_loss(real_logits, fake_logits):
    sigmoid = lambda t: 1 / (1 + np.exp(-np.asarray(t, dtype=float)))
    return float(-np.mean(np.log(sigmoid(real_logits))) - np.mean(np.log(1 - sigmoid(fake_logits))))
'''),
    dict(cell="discriminator_loss", name="labels swapped (real = 0, fake = 1)", visible=True, code='''
def discriminator_loss(real_logits, fake_logits):
    return float(np.mean(softplus(real_logits)) + np.mean(softplus(-np.asarray(fake_logits, dtype=float))))
'''),
    dict(cell="discriminator_loss", name="one mean over the concatenated logits (wrong when the lengths differ)",
         visible=True, code='''
def discriminator_loss(real_logits, fake_logits):
    both = np.concatenate([softplus(-np.asarray(real_logits, dtype=float)), softplus(fake_logits)])
    return float(2 * np.mean(both))
'''),
    dict(cell="generator_loss", name="saturating loss with the wrong sign (-mean log(1 - D))", visible=True, code='''
def generator_loss(fake_logits, saturating=False):
    fake = np.asarray(fake_logits, dtype=float)
    return float(np.mean(softplus(fake)) if saturating else np.mean(softplus(-fake)))
'''),
    dict(cell="generator_loss", name="non-saturating loss against the label 0", visible=True, code='''
def generator_loss(fake_logits, saturating=False):
    fake = np.asarray(fake_logits, dtype=float)
    return float(-np.mean(softplus(fake)) if saturating else np.mean(softplus(fake)))
'''),
    dict(cell="generator_loss", name="saturating term as log(1 - sigmoid) computed directly", code='''
def generator_loss(fake_logits, saturating=False):
    fake = np.asarray(fake_logits, dtype=float)
    if saturating:
        return float(np.mean(np.log(1 - 1 / (1 + np.exp(-fake)))))
    return float(np.mean(softplus(-fake)))
'''),
    dict(cell="torch_gan_step", name="fake not detached and G's gradients not zeroed (D's loss trains G)",
         code=_STEP.format(d_fake="fake", retain="retain_graph=True", g_fake="fake", g_target="torch.ones_like"
                           ).replace("    opt_g.zero_grad()\n", "")),
    dict(cell="torch_gan_step", name="generator loss from the logits of D before its update", code='''
def torch_gan_step(generator, discriminator, opt_g, opt_d, real, z):
    fake = generator(z)
    old_logits = discriminator(fake)
    real_logits, fake_logits = discriminator(real), discriminator(fake.detach())
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    g_loss = F.binary_cross_entropy_with_logits(old_logits, torch.ones_like(old_logits))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
    return d_loss.item(), g_loss.item()
'''),
    dict(cell="torch_gan_step", name="generator trained against the label 0 (minimising D's success)",
         visible=True, code=_STEP.format(d_fake="fake.detach()", retain="", g_fake="fake",
                                         g_target="torch.zeros_like")),
    dict(cell="keras_discriminator_step", name="from_logits left False on logits", visible=True, message="loss",
         code=_KERAS.format(logits="", real_label="tf.ones_like", fake_label="tf.zeros_like")),
    dict(cell="keras_discriminator_step", name="keras-io's labels (real = 0, fake = 1)", visible=True,
         code=_KERAS.format(logits="from_logits=True", real_label="tf.zeros_like", fake_label="tf.ones_like")),
    dict(cell="keras_discriminator_step", name="gradients applied with the wrong sign", visible=True,
         message="lower", code=_KERAS.format(logits="from_logits=True", real_label="tf.ones_like",
                                             fake_label="tf.zeros_like").replace(
        "zip(grads,", "zip([-g for g in grads],")),
    dict(cell="critic_loss_gp", name="critic loss with the sign flipped (real minus fake)", visible=True,
         message="fake minus real", code=_GP.format(**{**_GP_OK, "loss": "critic(real).mean() - critic(fake).mean()"})),
    dict(cell="critic_loss_gp", name="one gradient norm over the whole batch", visible=True, message="per sample",
         code=_GP.format(**{**_GP_OK, "norm": "grad.norm()"})),
    dict(cell="critic_loss_gp", name="squared norm instead of the norm", visible=True,
         code=_GP.format(**{**_GP_OK, "norm": "(grad**2).sum(dim=1)"})),
    dict(cell="critic_loss_gp", name="no create_graph: the penalty does not train the critic",
         code=_GP.format(**{**_GP_OK, "graph": ""})),
    dict(cell="critic_loss_gp", name="alpha on the fake side", code=_GP.format(
        **{**_GP_OK, "mix": "alpha * fake + (1 - alpha) * real"})),
]

_TRAIN = '''
def train_ring_generator(x_real):
    torch.manual_seed(0)
    generator = ring_gan.MLPGenerator(latent=2, hidden=64)
    discriminator = ring_gan.MLPDiscriminator(hidden=64)
    opt_g = torch.optim.Adam(generator.parameters(), lr=3e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr={lr_d}, betas=(0.5, 0.999))
    X = torch.as_tensor(x_real)
    for epoch in range({epochs}):
        for idx in torch.randperm(len(X)).split(64):
            z = torch.randn(len(idx), generator.latent)
            {step}(generator, discriminator, opt_g, opt_d, X[idx], z)
    return {result}
'''
_TRAIN_OK = dict(lr_d="3e-3", epochs="10", step="torch_gan_step", result="generator")

_DETACHED_STEP = '''
def detached_step(generator, discriminator, opt_g, opt_d, real, z):
    fake = generator(z).detach()
    real_logits, fake_logits = discriminator(real), discriminator(fake)
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    opt_d.zero_grad()
    d_loss.backward()
    opt_d.step()
    fake_logits = discriminator(fake)
    g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    opt_g.zero_grad()
    g_loss.backward()
    opt_g.step()
'''

_SNAP = '''
from torch import nn


class SnapToModes(nn.Module):
    def forward(self, points):
        from coursekit.scratch.generative import ring_centres
        centres = torch.tensor(ring_centres(), dtype=points.dtype)
        return centres[torch.cdist(points, centres).argmin(dim=1)]
'''

MISTAKES += [
    dict(cell="train_ring_generator", name="no training steps (the loop never runs: an untrained generator)",
         visible=True, message="modes covered", code=_TRAIN.format(**{**_TRAIN_OK, "epochs": "0"})),
    dict(cell="train_ring_generator", name="the whole fake batch detached (the generator's step gets no gradient)",
         visible=True, message="modes covered",
         code=_DETACHED_STEP + _TRAIN.format(**{**_TRAIN_OK, "step": "detached_step"})),
    dict(cell="train_ring_generator", name="discriminator ten times slower than the generator (mode collapse)",
         code=_TRAIN.format(**{**_TRAIN_OK, "lr_d": "3e-4"})),
    dict(cell="train_ring_generator", name="samples snapped onto the 8 centres (memorised modes, no spread)",
         code=_SNAP + _TRAIN.format(**{**_TRAIN_OK, "result": "nn.Sequential(generator, SnapToModes())"})),
]
