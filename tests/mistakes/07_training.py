"""Plausible wrong answers to assignment 07_training (see tests/test_mistakes.py)."""

MISTAKES = [
    dict(cell="batchnorm_backward", name="only the direct path dout * gamma / sqrt(var + eps)",
         visible=True, message="paths through the batch mean", code='''
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    return dout * gamma / np.sqrt(x.var(axis=0) + eps), (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    dict(cell="batchnorm_backward", name="the path through the variance left out", code='''
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    dict(cell="batchnorm_backward", name="unbiased variance (ddof=1) in the normalisation", code='''
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
'''),
    dict(cell="batchnorm_backward", name="dgamma and dbeta swapped", code='''
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dout.sum(axis=0), (dout * x_hat).sum(axis=0)
'''),
    dict(cell="dropout", name="mask of 0 and 1, not scaled by 1 / (1 - p)", visible=True, message="scaled", code='''
def dropout(x, p, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    keep = rng.random(x.shape) >= p
    return x * keep / (1 - p), keep.astype(float)
'''),
    dict(cell="dropout", name="no scaling in training, x * (1 - p) at inference (classic dropout)",
         visible=True, message="1 / (1 - p)", code='''
def dropout(x, p, rng, training=True):
    if not training:
        return x * (1 - p), np.ones_like(x)
    keep = (rng.random(x.shape) >= p).astype(float)
    return x * keep, keep
'''),
    dict(cell="dropout", name="p taken as the probability to keep", code='''
def dropout(x, p, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask
'''),
    dict(cell="dropout", name="the mask drawn before the training check (rng used at inference)", code='''
def dropout(x, p, rng, training=True):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    if not training:
        return x, np.ones_like(x)
    return x * mask, mask
'''),
    dict(cell="regularized_model", name="no regularisation, a Tanh on the logits", visible=True,
         message="after the logits", code='''
WEIGHT_DECAY = 0.0

def regularized_model():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10),
                         nn.Tanh())
'''),
    dict(cell="regularized_model", name="dropout on the logits", visible=True, message="after the logits", code='''
WEIGHT_DECAY = 0.0

def regularized_model():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10),
                         nn.Dropout(0.5))
'''),
    dict(cell="regularized_model", name="Softsign in place of the ReLUs", visible=True, message="only nn.Dropout",
         code='''
WEIGHT_DECAY = 0.0

def regularized_model():
    return nn.Sequential(nn.Linear(64, 256), nn.Softsign(), nn.Linear(256, 256), nn.Softsign(), nn.Linear(256, 10))
'''),
    dict(cell="regularized_model", name="too little: dropout 0.1, no weight decay", visible=True,
         message="regularise more", code='''
WEIGHT_DECAY = 0.0

def regularized_model():
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.1), nn.Linear(256, 10))
'''),
    dict(cell="keras_batchnorm_like_torch", name="PyTorch's momentum 0.1 passed to Keras", visible=True,
         message="momentum", code='''
def keras_batchnorm_like_torch():
    return keras.layers.BatchNormalization(momentum=0.1, epsilon=1e-5)
'''),
    dict(cell="keras_batchnorm_like_torch", name="momentum right, Keras's default epsilon 1e-3 kept", code='''
def keras_batchnorm_like_torch():
    return keras.layers.BatchNormalization(momentum=0.9)
'''),
    dict(cell="keras_batchnorm_like_torch", name="epsilon right, Keras's default momentum 0.99 kept", visible=True,
         message="momentum", code='''
def keras_batchnorm_like_torch():
    return keras.layers.BatchNormalization(epsilon=1e-5)
'''),
]

# Pastes of a visible function that are right answers (tests/test_mistakes.py skips them).
PASTE_OK = {
    ("regularized_model", "baseline_model"):
        "the baseline's layers with the WEIGHT_DECAY of the answer cell are weight decay alone, a valid regulariser",
}
