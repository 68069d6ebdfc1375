"""Plausible wrong answers to 06_optimizers (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="momentum_step", name="buffer as an average (mu b + (1 - mu) g)", visible=True, message="buf",
         code='''
def momentum_step(theta, grad, buf, lr, momentum, nesterov=False):
    buf = momentum * buf + (1 - momentum) * grad
    step = grad + momentum * buf if nesterov else buf
    return theta - lr * step, buf
'''),
    dict(cell="momentum_step", name="learning rate inside the buffer (v = mu v + lr g)", visible=True,
         message="buf", code='''
def momentum_step(theta, grad, buf, lr, momentum, nesterov=False):
    buf = momentum * buf + lr * grad
    step = lr * grad + momentum * buf if nesterov else buf
    return theta - step, buf
'''),
    dict(cell="momentum_step", name="Nesterov with the old buffer", visible=True, message="Nesterov",
         code='''
def momentum_step(theta, grad, buf, lr, momentum, nesterov=False):
    new_buf = momentum * buf + grad
    step = grad + momentum * buf if nesterov else new_buf
    return theta - lr * step, new_buf
'''),
    dict(cell="momentum_step", name="arrays updated in place", visible=True, message="passed in",
         code='''
def momentum_step(theta, grad, buf, lr, momentum, nesterov=False):
    buf *= momentum
    buf += grad
    theta -= lr * (grad + momentum * buf if nesterov else buf)
    return theta, buf
'''),
    dict(cell="torch_adagrad_like_keras", name="torch's defaults (lr 0.01, accumulator 0)", visible=True,
         message="accumulator", code='''
def torch_adagrad_like_keras(params):
    return torch.optim.Adagrad(params)
'''),
    dict(cell="torch_adagrad_like_keras", name="learning rate only (accumulator still 0)", visible=True,
         message="accumulator", code='''
def torch_adagrad_like_keras(params):
    return torch.optim.Adagrad(params, lr=1e-3)
'''),
    dict(cell="torch_adagrad_like_keras", name="accumulator only (torch's lr 0.01)", visible=True,
         message="learning", code='''
def torch_adagrad_like_keras(params):
    return torch.optim.Adagrad(params, initial_accumulator_value=0.1)
'''),
    dict(cell="keras_rmsprop_like_torch", name="Keras's default epsilon (1e-7 under the root)", visible=True,
         message="epsilon", code='''
def keras_rmsprop_like_torch(lr, alpha):
    return keras.optimizers.RMSprop(learning_rate=lr, rho=alpha)
'''),
    dict(cell="keras_rmsprop_like_torch", name="torch's epsilon copied (1e-8 under the root)", visible=True,
         message="epsilon", code='''
def keras_rmsprop_like_torch(lr, alpha):
    return keras.optimizers.RMSprop(learning_rate=lr, rho=alpha, epsilon=1e-8)
'''),
    dict(cell="keras_rmsprop_like_torch", name="alpha not passed as rho (Keras's 0.9)", visible=True,
         message="rho", code='''
def keras_rmsprop_like_torch(lr, alpha):
    return keras.optimizers.RMSprop(learning_rate=lr, epsilon=1e-16)
'''),
    dict(cell="adam_step", name="eps under the root (sqrt(v_hat + eps))", visible=True, message="eps",
         code='''
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v
'''),
    dict(cell="adam_step", name="Keras's epsilon-hat form (eps on the uncorrected v)", visible=True,
         message="eps", code='''
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps), m, v
'''),
    dict(cell="adam_step", name="no bias correction", visible=True, message="bias correction",
         code='''
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m / (np.sqrt(v) + eps), m, v
'''),
    dict(cell="adam_step", name="bias-corrected m and v returned as the state", visible=True,
         code='''
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(v) + eps), m, v
'''),
    dict(cell="adam_step", name="state updated in place", visible=True, message="passed in",
         code='''
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    return theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v
'''),
]
