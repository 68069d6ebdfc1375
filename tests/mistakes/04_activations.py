"""Plausible wrong answers to 04_activations (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="log_sigmoid", name="the formula as written (overflow for x = -1000)", visible=True,
         message="positive", code='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return -np.log(1 + np.exp(-x))
'''),
    dict(cell="log_sigmoid", name="log of the stable sigmoid (log 0 at -1000)", visible=True, message="log of 0",
         code='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.log(np.where(x >= 0, 1 / (1 + e), e / (1 + e)))
'''),
    dict(cell="log_sigmoid", name="np.where over two unstable branches", visible=True, message="np.where",
         code='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, -np.log1p(np.exp(-x)), x - np.log1p(np.exp(x)))
'''),
    dict(cell="log_sigmoid", name="min(x, 0) forgotten", visible=True, code='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return -np.log1p(np.exp(-np.abs(x)))
'''),
    dict(cell="log_softmax", name="log of the softmax (log 0 far below the maximum)", visible=True,
         message="log of 0", code='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return np.log(e / e.sum(axis=axis, keepdims=True))
'''),
    dict(cell="log_softmax", name="no maximum subtracted (overflow)", visible=True, message="overflow",
         code='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))
'''),
    dict(cell="log_softmax", name="one maximum for the whole array", visible=True, message="slice",
         code='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - x.max()
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
'''),
    dict(cell="log_softmax", name="the maximum along the last axis whatever axis says", visible=True,
         message="axis", code='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
'''),
    dict(cell="derivatives", name="relu derivative 1 at x = 0 (x >= 0)", visible=True, message="x = 0",
         code='''
def derivatives(x):
    x = np.asarray(x, dtype=float)
    s, t = np.exp(log_sigmoid(x)), np.tanh(x)
    return {"sigmoid": s * (1 - s), "tanh": 1 - t * t, "relu": (x >= 0).astype(float),
            "leaky_relu": np.where(x > 0, 1.0, 0.01)}
'''),
    dict(cell="derivatives", name="leaky ReLU's derivative 0 for x <= 0", visible=True, message="alpha",
         code='''
def derivatives(x):
    x = np.asarray(x, dtype=float)
    s, t = np.exp(log_sigmoid(x)), np.tanh(x)
    return {"sigmoid": s * (1 - s), "tanh": 1 - t * t, "relu": (x > 0).astype(float),
            "leaky_relu": (x > 0).astype(float)}
'''),
    dict(cell="derivatives", name="the function's value instead of its derivative (tanh)", visible=True,
         message="tanh", code='''
def derivatives(x):
    x = np.asarray(x, dtype=float)
    s = np.exp(log_sigmoid(x))
    return {"sigmoid": s * (1 - s), "tanh": np.tanh(x), "relu": (x > 0).astype(float),
            "leaky_relu": np.where(x > 0, 1.0, 0.01)}
'''),
    dict(cell="derivatives", name="sigmoid derivative from the overflowing formula", visible=False,
         code='''
def derivatives(x):
    x = np.asarray(x, dtype=float)
    s, t = 1 / (1 + np.exp(-x)), np.tanh(x)
    return {"sigmoid": s * (1 - s), "tanh": 1 - t * t, "relu": (x > 0).astype(float),
            "leaky_relu": np.where(x > 0, 1.0, 0.01)}
'''),
    dict(cell="torch_gradient_norms", name="no zero_grad (second call adds up)", visible=True, message="zero",
         code='''
def torch_gradient_norms(model, X, y):
    F.cross_entropy(model(X), y).backward()
    return np.array([[m.weight.grad.norm().item(), m.bias.grad.norm().item()]
                     for m in model.modules() if isinstance(m, nn.Linear)])
'''),
    dict(cell="torch_gradient_norms", name="weights only (the book's layer_gradient_norms)", visible=True,
         message="(weight, bias)", code='''
def torch_gradient_norms(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return np.array([m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Linear)])
'''),
    dict(cell="torch_gradient_norms", name="norms of the weights, not of their gradients", visible=True,
         code='''
def torch_gradient_norms(model, X, y):
    return np.array([[m.weight.norm().item(), m.bias.norm().item()]
                     for m in model.modules() if isinstance(m, nn.Linear)])
'''),
    dict(cell="torch_gradient_norms", name="every parameter, output side first", visible=True,
         message="input side first", code='''
def torch_gradient_norms(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    rows = [[m.weight.grad.norm().item(), m.bias.grad.norm().item()]
            for m in model.modules() if isinstance(m, nn.Linear)]
    return np.array(rows[::-1])
'''),
    dict(cell="torch_gradient_norms", name="summed cross-entropy", visible=True, code='''
def torch_gradient_norms(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y, reduction="sum").backward()
    return np.array([[m.weight.grad.norm().item(), m.bias.grad.norm().item()]
                     for m in model.modules() if isinstance(m, nn.Linear)])
'''),
    dict(cell="keras_relative_gradient_norms", name="absolute norms (not divided by ||W||)", visible=True,
         message="||W||", code='''
def keras_relative_gradient_norms(model, X, y):
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(X))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])
'''),
    dict(cell="keras_relative_gradient_norms", name="every trainable variable (biases too)", visible=True,
         message="kernels only", code='''
def keras_relative_gradient_norms(model, X, y):
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(X))
    return np.array([float(tf.norm(g) / tf.norm(w)) for g, w in zip(tape.gradient(loss, variables), variables)])
'''),
    dict(cell="keras_relative_gradient_norms", name="logits read as probabilities (from_logits left False)",
         visible=True, code='''
def keras_relative_gradient_norms(model, X, y):
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(X))
    return np.array([float(tf.norm(g) / tf.norm(w)) for g, w in zip(tape.gradient(loss, kernels), kernels)])
'''),
    dict(cell="keras_relative_gradient_norms", name="an optimizer step taken", visible=True, message="change",
         code='''
def keras_relative_gradient_norms(model, X, y):
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(X))
    grads = tape.gradient(loss, kernels)
    ratios = np.array([float(tf.norm(g) / tf.norm(w)) for g, w in zip(grads, kernels)])
    keras.optimizers.SGD(0.1).apply(grads, kernels)
    return ratios
'''),
]
