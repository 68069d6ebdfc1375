"""Plausible wrong answers to assignment 08_cnn (see tests/test_mistakes.py)."""

_SIZES_OK = '''
def conv_params(c_in, c_out, k):
    return c_out * (c_in * k * k + 1)
'''
_OUT_OK = '''
def conv_output_size(h, k, stride=1, padding=0):
    return (h + 2 * padding - k) // stride + 1
'''

_FORWARD = '''
def conv_forward(x, W, b, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = W.shape
    W = {kernel}
    xp = np.pad(x, ((0, 0), (0, 0), ({pad}, {pad}), ({pad}, {pad})))
    oh, ow = (h + 2 * padding - k) // stride + 1, ({width} + 2 * padding - k) // stride + 1
    out = np.zeros((n, c_out, oh, ow))
    for y in range(oh):
        for x_ in range(ow):
            field = xp[:, :, y * stride:y * stride + k, x_ * stride:x_ * stride + k]
            out[:, :, y, x_] = np.tensordot(field, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
'''
_FWD_OK = dict(kernel="W", pad="padding", width="w")

_BACKWARD = '''
def conv_backward(dout, x, W, stride=1, padding=0):
    k = W.shape[2]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dW = np.zeros_like(xp), np.zeros_like(W)
    for y in range(dout.shape[2]):
        for x_ in range(dout.shape[3]):
            rows, cols = slice(y * stride, y * stride + k), slice(x_ * stride, x_ * stride + k)
            d = dout[:, :, y, x_]
            dW {accumulate} np.tensordot(d{first}, xp[{first_x}:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(d, W, axes=([1], [0]))
    h, w = x.shape[2:]
    return {dx}, dW, {db}
'''
_BWD_OK = dict(accumulate="+=", first="", first_x="", dx="dxp[:, :, padding:padding + h, padding:padding + w]",
               db="dout.sum(axis=(0, 2, 3))")

_KERAS = '''
def keras_cnn():
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(8, 5, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 5, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10{activation}),
    ])
    {compile}
    return model
'''
_COMPILE = ('model.compile(optimizer=keras.optimizers.Adam({lr}), loss="sparse_categorical_crossentropy", '
            'metrics=["accuracy"])')

MISTAKES = [
    dict(cell="sizes", name="padding left out of the output size", visible=True, code='''
def conv_output_size(h, k, stride=1, padding=0):
    return (h - k) // stride + 1
''' + _SIZES_OK),
    dict(cell="sizes", name="true division: a float, and a fraction for odd sizes", visible=True, code='''
def conv_output_size(h, k, stride=1, padding=0):
    return (h + 2 * padding - k) / stride + 1
''' + _SIZES_OK),
    dict(cell="sizes", name="no biases counted", visible=True, message="conv_params", code=_OUT_OK + '''
def conv_params(c_in, c_out, k):
    return c_out * c_in * k * k
'''),
    dict(cell="sizes", name="one bias for the whole layer", visible=True, message="conv_params", code=_OUT_OK + '''
def conv_params(c_in, c_out, k):
    return c_out * c_in * k * k + 1
'''),
    dict(cell="conv_forward", name="kernel flipped (the mathematicians' convolution)", visible=True,
         message="not flipped", code=_FORWARD.format(**{**_FWD_OK, "kernel": "W[:, :, ::-1, ::-1]"})),
    dict(cell="conv_forward", name="padding ignored", visible=True, message="padding",
         code=_FORWARD.format(**{**_FWD_OK, "pad": "0"}).replace("(h + 2 * padding - k)", "(h - k)").replace(
             "(w + 2 * padding - k)", "(w - k)")),
    dict(cell="conv_forward", name="square images assumed (w taken as h)", code=_FORWARD.format(
        **{**_FWD_OK, "width": "h"})),
    dict(cell="conv_backward", name="db summed to one number", visible=True, code=_BACKWARD.format(
        **{**_BWD_OK, "db": "dout.sum()"})),
    dict(cell="conv_backward", name="padding not cut off dx", visible=True, code=_BACKWARD.format(
        **{**_BWD_OK, "dx": "dxp"})),
    dict(cell="conv_backward", name="dW overwritten at every position instead of accumulated", visible=True,
         code=_BACKWARD.format(**{**_BWD_OK, "accumulate": "="}).replace("dW = np.tensordot",
                                                                         "dW[...] = np.tensordot")),
    dict(cell="torch_cnn", name="an MLP (no convolution) that meets the accuracy", code='''
def torch_cnn():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
'''),
    dict(cell="torch_cnn", name="a wide first dense layer (too many parameters)", visible=True, message="parameters",
         code='''
def torch_cnn():
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 28 * 28, 64),
                         nn.ReLU(), nn.Linear(64, 10))
'''),
    dict(cell="torch_cnn", name="Flatten forgotten before the dense layer", visible=True, code='''
def torch_cnn():
    return nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Linear(400, 64), nn.ReLU(),
                         nn.Linear(64, 10))
'''),
    dict(cell="keras_cnn", name="no softmax on the last Dense (logits with a probability loss)", visible=True,
         message="softmax", code=_KERAS.format(activation="", compile=_COMPILE.format(lr="learning_rate=0.002"))),
    dict(cell="keras_cnn", name="Keras's default Adam learning rate (0.001) taken for the spec",
         code=_KERAS.format(activation=', activation="softmax"', compile=_COMPILE.format(lr=""))),
    dict(cell="keras_cnn", name="not compiled", visible=True, code=_KERAS.format(
        activation=', activation="softmax"', compile="pass")),
]
