"""Plausible wrong answers to assignment 12_vae (see tests/test_mistakes.py)."""

_LOSS = '''
def vae_loss(x, logits, mu, logvar):
    reconstruction = F.binary_cross_entropy_with_logits({logits}, x.flatten(1), reduction="none").{reduce}(dim=1)
    kl = {kl}
    return {total}
'''
_KL_OK = "-0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar), dim=1)"
_OK = dict(logits="logits", reduce="sum", kl=_KL_OK, total="(reconstruction + kl).mean()")

_STEP = '''
class StudentVAE(vae_base.VAEBase):
    def train_step(self, x):
        with tf.GradientTape() as tape:
            {unpack} = vae_base.vae_loss(x, *self(x, training=True))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip({grads}, self.trainable_weights))
        return {{"loss": loss}}
'''

#: the shortcut: the library's own train_step (when the base class has one, it is the answer itself)
_SUPER = '''
class StudentVAE({base}):
    def train_step(self, x):
        return super().train_step(x)
'''

#: a fresh optimizer in every step (SGD's defaults) instead of ``self.optimizer`` and its state
_FRESH_OPTIMIZER = '''
class StudentVAE({base}):
    def train_step(self, x):
        with tf.GradientTape() as tape:
            loss, _, _ = {loss}(x, *self(x, training=True))
        grads = tape.gradient(loss, self.trainable_weights)
        keras.optimizers.SGD().apply_gradients(zip(grads, self.trainable_weights))
        return {{"loss": loss}}
'''

#: no apply_gradients: plain gradient descent by hand, at a rate of its own
_BY_HAND = '''
class StudentVAE({base}):
    def train_step(self, x):
        with tf.GradientTape() as tape:
            loss, _, _ = {loss}(x, *self(x, training=True))
        grads = tape.gradient(loss, self.trainable_weights)
        for weight, grad in zip(self.trainable_weights, grads):
            weight.assign_sub(0.01 * grad)
        return {{"loss": loss}}
'''

#: the model run before the tape starts: the tape sees no weights, so there are no gradients
_OUTSIDE_TAPE = '''
class StudentVAE({base}):
    def train_step(self, x):
        logits, mu, logvar = self(x, training=True)
        with tf.GradientTape() as tape:
            loss, _, _ = {loss}(x, logits, mu, logvar)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {{"loss": loss}}
'''
#: the KL term subtracted in the loss that is differentiated (the loss reported is right)
_KL_FLIPPED = '''
class StudentVAE({base}):
    def train_step(self, x):
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = {loss}(x, *self(x, training=True))
            trained = reconstruction - kl
        grads = tape.gradient(trained, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {{"loss": loss}}
'''
_NOW = dict(base="vae_base.VAEBase", loss="vae_base.vae_loss")

_TRAIN = '''
def train_vae(x_train):
    torch.manual_seed(0)
    model = VAE(n_pixels=256, hidden={hidden}, latent=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    X = torch.tensor(x_train)
    for epoch in range({epochs}):
        for idx in torch.randperm(len(X)).split(64):
            loss = vae_loss(X[idx], *model(X[idx]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
'''

MISTAKES = [
    dict(cell="reparameterize", name="sigma = exp(logvar), the variance's half forgotten", visible=True,
         message="exp(logvar / 2)", code='''
def reparameterize(mu, logvar, eps):
    return np.asarray(mu, dtype=float) + np.exp(np.asarray(logvar, dtype=float)) * eps
'''),
    dict(cell="reparameterize", name="logvar used as sigma", visible=True, code='''
def reparameterize(mu, logvar, eps):
    return np.asarray(mu, dtype=float) + np.asarray(logvar, dtype=float) * eps
'''),
    dict(cell="reparameterize", name="sigma = sqrt(exp(logvar)) applied to mu too", code='''
def reparameterize(mu, logvar, eps):
    return (np.asarray(mu, dtype=float) + eps) * np.exp(0.5 * np.asarray(logvar, dtype=float))
'''),
    dict(cell="gaussian_kl", name="sign flipped", visible=True, code='''
def gaussian_kl(mu, logvar):
    mu, logvar = np.asarray(mu, dtype=float), np.asarray(logvar, dtype=float)
    return 0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=-1)
'''),
    dict(cell="gaussian_kl", name="mean over the latent dimensions instead of the sum", visible=True,
         message="summed", code='''
def gaussian_kl(mu, logvar):
    mu, logvar = np.asarray(mu, dtype=float), np.asarray(logvar, dtype=float)
    return -0.5 * np.mean(1 + logvar - mu**2 - np.exp(logvar), axis=-1)
'''),
    dict(cell="gaussian_kl", name="the factor 1/2 forgotten", visible=True, message="1/2", code='''
def gaussian_kl(mu, logvar):
    mu, logvar = np.asarray(mu, dtype=float), np.asarray(logvar, dtype=float)
    return -np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=-1)
'''),
    dict(cell="gaussian_kl", name="summed over the batch axis", visible=True, code='''
def gaussian_kl(mu, logvar):
    mu, logvar = np.asarray(mu, dtype=float), np.asarray(logvar, dtype=float)
    return -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar), axis=0)
'''),
    dict(cell="vae_loss", name="BCE averaged over the pixels (the chapter's pitfall)", visible=True,
         message="summed over the pixels", code=_LOSS.format(**{**_OK, "reduce": "mean"})),
    dict(cell="vae_loss", name="summed over the batch instead of the mean", visible=True, message="mean over the batch",
         code=_LOSS.format(**{**_OK, "total": "(reconstruction + kl).sum()"})),
    dict(cell="vae_loss", name="KL with the sign flipped", code=_LOSS.format(
        **{**_OK, "kl": "0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar), dim=1)"})),
    dict(cell="vae_loss", name="sigmoid applied before the BCE with logits", visible=True,
         code=_LOSS.format(**{**_OK, "logits": "torch.sigmoid(logits)"})),
    dict(cell="keras_train_step", name="the gradients applied with the wrong sign", visible=True,
         message="loss should fall", code=_STEP.format(unpack="loss, _, _", grads="[-g for g in grads]")),
    dict(cell="keras_train_step", name="trained on the reconstruction term only", code=_STEP.format(
        unpack="_, loss, _", grads="grads")),
    dict(cell="keras_train_step", name="trained on reconstruction - kl (the KL's sign flipped)",
         code=_KL_FLIPPED.format(**_NOW)),
    dict(cell="keras_train_step", name="super().train_step(x): the library's step, not one written here",
         code=_SUPER.format(**_NOW)),
    dict(cell="keras_train_step", name="a fresh keras.optimizers.SGD() in every step instead of self.optimizer",
         code=_FRESH_OPTIMIZER.format(**_NOW)),
    dict(cell="keras_train_step", name="no apply_gradients: weight.assign_sub(0.01 * grad) by hand",
         code=_BY_HAND.format(**_NOW)),
    dict(cell="keras_train_step", name="the model run outside the tape (no gradients)", visible=True,
         code=_OUTSIDE_TAPE.format(**_NOW)),
    dict(cell="train_vae", name="the wrong width (hidden=64 instead of 128)", visible=True, message="hidden=128",
         code=_TRAIN.format(hidden=64, epochs=12)),
    dict(cell="train_vae", name="the model built but never trained", visible=True, message="0.045",
         code=_TRAIN.format(hidden=128, epochs=0)),
]

