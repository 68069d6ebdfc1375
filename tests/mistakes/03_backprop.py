"""Plausible wrong answers to 03_backprop (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="sigmoid_backward", name="dout left out (local derivative only)", visible=True, message="dout",
         code='''
def sigmoid_backward(x, dout):
    s = sigmoid(x)
    return s * (1 - s)
'''),
    dict(cell="sigmoid_backward", name="x (1 - x): the output's formula applied to the input", visible=True,
         message="input", code='''
def sigmoid_backward(x, dout):
    return dout * x * (1 - x)
'''),
    dict(cell="sigmoid_backward", name="dout * sigma(x) (the (1 - sigma) factor forgotten)", visible=True,
         code='''
def sigmoid_backward(x, dout):
    return dout * sigmoid(x)
'''),
    dict(cell="linear_backward", name="db as the mean over the batch", visible=True, message="sum",
         code='''
def linear_backward(x, W, dout):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
'''),
    dict(cell="linear_backward", name="dW transposed (dout.T @ x)", visible=True, message="dW",
         code='''
def linear_backward(x, W, dout):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
'''),
    dict(cell="linear_backward", name="dW averaged over the batch", visible=True, message="dW",
         code='''
def linear_backward(x, W, dout):
    return dout @ W.T, x.T @ dout / len(x), dout.sum(axis=0)
'''),
    dict(cell="softmax_cross_entropy_backward", name="gradient not divided by n", visible=True, message="n = 2",
         code='''
def softmax_cross_entropy_backward(logits, labels):
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), labels] -= 1
    return float(-log_p[np.arange(n), labels].mean()), dlogits
'''),
    dict(cell="softmax_cross_entropy_backward", name="no max subtracted (overflow at 1000)", visible=True,
         message="maximum", code='''
def softmax_cross_entropy_backward(logits, labels):
    n = len(labels)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    p[np.arange(n), labels] -= 1
    return float(loss), p / n
'''),
    dict(cell="softmax_cross_entropy_backward", name="onehot(y) - p (sign flipped)", visible=True,
         code='''
def softmax_cross_entropy_backward(logits, labels):
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dlogits = -np.exp(log_p)
    dlogits[np.arange(n), labels] += 1
    return float(-log_p[np.arange(n), labels].mean()), dlogits / n
'''),
    dict(cell="softmax_cross_entropy_backward", name="max of the whole batch subtracted", visible=False,
         code='''
def softmax_cross_entropy_backward(logits, labels):
    n = len(labels)
    shifted = logits - logits.max()
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    p[np.arange(n), labels] -= 1
    return float(loss), p / n
'''),
    dict(cell="linear_function", name="db as the mean over the batch", visible=True,
         code='''
class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W + b

    @staticmethod
    def backward(ctx, dout):
        x, W = ctx.saved_tensors
        return dout @ W.T, x.T @ dout, dout.mean(dim=0)
'''),
    dict(cell="linear_function", name="gradients in the wrong order (W, x, b)", visible=True,
         code='''
class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W + b

    @staticmethod
    def backward(ctx, dout):
        x, W = ctx.saved_tensors
        return x.T @ dout, dout @ W.T, dout.sum(dim=0)
'''),
    dict(cell="linear_function", name="no gradient for b returned", visible=True,
         code='''
class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, W, b):
        ctx.save_for_backward(x, W)
        return x @ W + b

    @staticmethod
    def backward(ctx, dout):
        x, W = ctx.saved_tensors
        return dout @ W.T, x.T @ dout
'''),
    dict(cell="keras_gradients", name="summed instead of mean cross-entropy", visible=True,
         code='''
def keras_gradients(model, X, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.sum(keras.losses.sparse_categorical_crossentropy(y, model(X), from_logits=True))
    return tape.gradient(loss, model.trainable_variables)
'''),
    dict(cell="keras_gradients", name="logits read as probabilities (from_logits left False)", visible=True,
         code='''
def keras_gradients(model, X, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(X)))
    return tape.gradient(loss, model.trainable_variables)
'''),
    dict(cell="keras_gradients", name="an optimizer step taken (weights changed)", visible=False,
         code='''
def keras_gradients(model, X, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(X), from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(0.01).apply(grads, model.trainable_variables)
    return grads
'''),
    dict(cell="mlp_backward", name="ReLU's derivative forgotten on the way back", visible=True, message="ReLU",
         code='''
def mlp_backward(X, y, params):
    inputs, h = [], X
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    loss, dout = softmax_cross_entropy_backward(h, y)
    grads = []
    for i in reversed(range(len(params))):
        dout, dW, db = linear_backward(inputs[i], params[i][0], dout)
        grads.append((dW, db))
    return loss, grads[::-1]
'''),
    dict(cell="mlp_backward", name="grads left in backward order (output layer first)", visible=True,
         message="order", code='''
def mlp_backward(X, y, params):
    inputs, pre, h = [], [], X
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        a = h @ W + b
        pre.append(a)
        h = np.maximum(a, 0) if i < len(params) - 1 else a
    loss, dout = softmax_cross_entropy_backward(h, y)
    grads = []
    for i in reversed(range(len(params))):
        if i < len(params) - 1:
            dout = dout * (pre[i] > 0)
        dout, dW, db = linear_backward(inputs[i], params[i][0], dout)
        grads.append((dW, db))
    return loss, grads
'''),
    dict(cell="mlp_backward", name="ReLU on the logits too", visible=True, message="ReLU",
         code='''
def mlp_backward(X, y, params):
    inputs, pre, h = [], [], X
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        a = h @ W + b
        pre.append(a)
        h = np.maximum(a, 0)
    loss, dout = softmax_cross_entropy_backward(h, y)
    grads = []
    for i in reversed(range(len(params))):
        dout = dout * (pre[i] > 0)
        dout, dW, db = linear_backward(inputs[i], params[i][0], dout)
        grads.append((dW, db))
    return loss, grads[::-1]
'''),
    dict(cell="mlp_backward", name="the mask of the layer above (off by one layer)", visible=False,
         code='''
def mlp_backward(X, y, params):
    inputs, pre, h = [], [], X
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        a = h @ W + b
        pre.append(a)
        h = np.maximum(a, 0) if i < len(params) - 1 else a
    loss, dout = softmax_cross_entropy_backward(h, y)
    grads = []
    for i in reversed(range(len(params))):
        if i < len(params) - 1:
            dout = dout * (pre[min(i + 1, len(params) - 2)] > 0)
        dout, dW, db = linear_backward(inputs[i], params[i][0], dout)
        grads.append((dW, db))
    return loss, grads[::-1]
'''),
    dict(cell="mlp_backward", name="finite differences instead of backpropagation", visible=False,
         code='''
def mlp_backward(X, y, params):
    return forward_loss(X, y, params), [tuple(pair) for pair in numerical_gradients(X, y, params)]
'''),
]
